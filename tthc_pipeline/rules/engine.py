"""Rule engine: load the catalogue once, precompile, evaluate procedures.

Usage::

    engine = Engine.from_dir("rules", select=["HS"], ignore=["HS009"])
    findings = engine.check(procedures, as_of=date(2026, 1, 1), registry=registry)

A rule whose ``effective_from`` is after ``as_of`` is skipped (the newer regulation was not
yet in force). ``when`` filters procedures by name (``name_any`` / ``name_none`` regexes on
the canonical name). Guards suppress hits in context. Findings are deduplicated by
fingerprint. Pattern and catalogue rules are first screened by one RE2 pass per procedure
(``prescan.py``): a rule runs only on the components where it can match, with identical
findings (``Engine(..., prescan=False)`` runs every rule everywhere).
"""

from __future__ import annotations

import _string
import gc
import re
import time
import types
import weakref
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from tthc_pipeline.procedures.model import COMPONENT_LABELS_VI, Procedure
from tthc_pipeline.rules.findings import Evidence, Finding, digest, payload, quote_key, single_spaced
from tthc_pipeline.rules.matchers import Context, Guard, Hit, ProcView, build_matcher, compile_regex
from tthc_pipeline.rules.prescan import Prescan
from tthc_pipeline.rules.schema import SEVERITY_RANK, Catalogue, Rule, load_catalogue


class _SafeDict(dict):
    """Leaves unknown placeholders visible instead of raising (the lint catches them)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class CompiledRule:
    rule: Rule
    matcher: Any
    guards: list[Guard]
    name_any: list[re.Pattern[str]]
    name_none: list[re.Pattern[str]]
    set_level: bool
    published_content_only: bool = False
    # derived from the above: the rule's legal basis as a finding lists it (each finding gets
    # copies of these dicts), and name_any / name_none as one search each (see _search_any;
    # None: no such filter)
    legal_basis: tuple[dict[str, Any], ...] = field(init=False)
    name_any_search: Callable[[str], Any] | None = field(init=False)
    name_none_search: Callable[[str], Any] | None = field(init=False)
    # the message and the recommendation's templates, parsed once (see Template)
    message: "Template" = field(init=False)
    recommendation: dict[str, "Template"] = field(init=False)
    # does a template read the "evidence" value (the quote placed in a sentence): worked
    # out only for a rule whose templates do
    reads_evidence: bool = field(init=False)

    def __post_init__(self) -> None:
        self.legal_basis = tuple(lb.__dict__.copy() for lb in self.rule.legal_basis)
        self.message = Template(self.rule.message)
        self.recommendation = {k: Template(v) for k, v in self.rule.recommendation.items()}
        self.reads_evidence = any(t.names is None or "evidence" in t.names
                                  for t in (self.message, *self.recommendation.values()))
        self.name_any_search = _search_any(self.name_any)
        self.name_none_search = _search_any(self.name_none)

    def applies_to(self, pv: ProcView) -> bool:
        if self.published_content_only and _not_published_content(pv.proc):
            return False
        if self.name_any_search is not None and not self.name_any_search(pv.name_canon):
            return False
        return self.name_none_search is None or not self.name_none_search(pv.name_canon)


class Template:
    """A message template, parsed once: ``render(values)`` == ``template.format_map(values)``.

    Why: ``str.format_map`` parses its template on every call, and a finding renders four
    (the message and the recommendation's three parts, whose reasons run to 300-600
    characters of Vietnamese): ~4 µs a finding, most of it re-reading the same constant text
    (measured on the real records' findings). Here the template is split once, by the parser
    ``str.format`` itself uses (``_string.formatter_parser``), into literal text and fields.
    A field is rendered as ``format_map`` renders it: ``format(values[name], "")`` (a
    mapping's ``__missing__`` answers a name it lacks). A template with anything but plain
    named fields (an attribute, an index, a conversion, a format spec, a positional field)
    or that does not parse is left to ``format_map`` itself (same result, same errors).

    The parsed form is the list of pieces to join, the literal texts in place and a
    placeholder where each field goes (``fields``: its index, its name): a render copies the
    list and fills in the fields only, a ``str`` value as it is (``format(s, "")`` is ``s``).
    """

    __slots__ = ("template", "constant", "pieces", "fields", "names")

    def __init__(self, template: str) -> None:
        self.template = template
        self.constant: str | None = None  # the rendering of a template without fields
        self.pieces: list[str] | None = None  # the literal texts, "" where a field goes
        self.fields: tuple[tuple[int, str], ...] = ()  # (index in pieces, name)
        # the names its fields read; None: unknown (left to format_map)
        self.names: frozenset[str] | None = None
        try:
            parsed = list(_string.formatter_parser(template))
        except ValueError:
            return
        pieces: list[str] = []
        fields: list[tuple[int, str]] = []
        for literal, name, spec, conversion in parsed:
            if literal:
                pieces.append(literal)
            if name is None:
                continue
            if spec or conversion or not name.isidentifier():
                return
            fields.append((len(pieces), name))
            pieces.append("")
        self.names = frozenset(name for _, name in fields)
        if not fields:
            self.constant = "".join(pieces)
        else:
            self.pieces, self.fields = pieces, tuple(fields)

    def render(self, values: dict[str, Any]) -> str:
        if self.constant is not None:
            return self.constant
        if self.pieces is None:
            return self.template.format_map(values)
        pieces = self.pieces.copy()
        for i, name in self.fields:
            value = values[name]
            pieces[i] = value if type(value) is str else format(value, "")
        return "".join(pieces)


def _search_any(patterns: list[re.Pattern[str]]) -> Callable[[str], Any] | None:
    """A search that finds something in a text where one of ``patterns`` matches (None for
    no patterns): their alternation, one pass over the name instead of a search per pattern
    (HS011 tries five on every procedure). A match of the alternation is a match of one of
    its alternatives, and each alternative is tried at every position, so both tests agree.
    Patterns with groups are searched one by one (joined, a back-reference's number would
    move), and so are those the alternation cannot hold (a global flag)."""
    if not patterns:
        return None
    if all(rx.groups == 0 for rx in patterns):
        try:
            return re.compile("|".join(f"(?:{rx.pattern})" for rx in patterns)).search
        except re.error:
            pass
    return lambda name: any(rx.search(name) for rx in patterns)


def _not_published_content(proc: Procedure) -> bool:
    """A danh mục row without published content, or a candidate read out of a decree's
    articles: neither is a full publication of the procedure, so rules about missing
    components do not apply to it."""
    return bool(proc.extra.get("listing_only")) or (proc.source is not None and proc.source.kind == "regulation")


def compile_rule(rule: Rule, data: dict[str, Any]) -> CompiledRule:
    where = f"{rule.id}"
    matcher = build_matcher(rule, data)
    return CompiledRule(
        rule=rule,
        matcher=matcher,
        guards=[Guard(g, f"{where}.guards") for g in rule.guards],
        name_any=[compile_regex(p, f"{where}.when") for p in rule.when.get("name_any", [])],
        name_none=[compile_regex(p, f"{where}.when") for p in rule.when.get("name_none", [])],
        set_level=bool(getattr(matcher, "set_level", False)),
        published_content_only=bool(rule.when.get("published_content")),
    )


class Engine:
    def __init__(self, catalogue: Catalogue, select: list[str] | None = None, ignore: list[str] | None = None,
                 prescan: bool = True) -> None:
        self.catalogue = catalogue
        self.rules = [compile_rule(r, catalogue.data) for r in catalogue.select(select, ignore)]
        self.superseded_by = {cr.rule.id: cr.rule.superseded_by for cr in self.rules if cr.rule.superseded_by}
        self.specific = {x for ids in self.superseded_by.values() for x in ids}  # the rules others yield to
        self.prescan = _build_prescan(self.rules) if prescan and Prescan.available() else None
        # look-ups that depend only on the registry, the date and the catalogue (statuses of
        # cited documents, the registry's number screens), per registry object and date: kept
        # across check() calls, since building them costs ~3 ms a call and a caller may check
        # procedures a few at a time (a library user, a worker of a batch)
        self._lookups: weakref.WeakKeyDictionary[Any, dict[date, dict[Any, Any]]] = weakref.WeakKeyDictionary()

    @classmethod
    def from_dir(cls, rules_dir: str | Path | None = None, select: list[str] | None = None,
                 ignore: list[str] | None = None, prescan: bool = True) -> "Engine":
        return cls(load_catalogue(rules_dir), select, ignore, prescan=prescan)

    def check(self, procedures: Iterable[Procedure], as_of: date | None = None, registry: Any = None,
              timings: dict[str, float] | None = None) -> list[Finding]:
        """Findings of every rule on ``procedures``, rule by rule, in procedure order.

        ``timings``: where to add the seconds spent by each stage of the run: "prescan"
        (component views and the RE2 pass) and each rule id (its matching, guards and
        findings). For ``scripts/bench_rules.py --by-rule``; a clock read per stage, not per
        procedure.

        The cyclic garbage collector is paused meanwhile: a run allocates millions of
        short-lived objects (views, hits, findings) that stay referenced until it returns
        and hold no reference cycles, so each collection traversed them for nothing
        (measured: ~20 % of a 5,000-procedure run, 170 µs a procedure). Reference counting
        still frees everything as usual; the collector resumes when the run ends.
        """
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return self._check(procedures, as_of, registry, timings)
        finally:
            if paused:
                gc.enable()

    def _check(self, procedures: Iterable[Procedure], as_of: date | None, registry: Any,
               timings: dict[str, float] | None = None) -> list[Finding]:
        as_of = as_of or date.today()
        ctx = Context(as_of=as_of, registry=registry, data=self.catalogue.data, cache=self._lookups_for(registry, as_of))
        started = time.perf_counter() if timings is not None else 0.0
        views = [ProcView(p) for p in procedures]
        todo = self.prescan.work(views) if self.prescan is not None else {}
        if timings is not None:
            started = _add_time(timings, "prescan", started)
        findings: list[Finding] = []
        seen: set[str] = set()  # the fingerprints' payloads reported so far (see findings.payload)
        items: dict[tuple, list[int]] = {}  # per_item rules: see _item_ordinal
        names: dict[ProcView, str] = {}  # see _finding
        # (rule, procedure, source span): the same words of a document extracted into two
        # components (an article read as both the steps and the dossier) are reported once
        spans: set[tuple] = set()
        # words a more specific rule judged and its guard excused (see _drop_superseded)
        excused: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
        for index, cr in enumerate(self.rules):
            rule = cr.rule
            if rule.effective_from and ctx.as_of < rule.effective_from:
                continue
            if cr.set_level:
                pairs = [(pv, hit) for pv, hit in cr.matcher.check_set(views, ctx) if cr.applies_to(pv)]
            else:
                pairs = self._run_matcher(cr, todo.get(index), views, ctx)
            guards = cr.guards
            # a rule that reports each quote once and that no rule yields to: a hit whose
            # fingerprint was already reported is dropped whatever its guards would say (they
            # record nothing for such a rule), so before them (~30 % of the hits repeat a quote)
            early = bool(guards) and rule.report != "per_item" and rule.id not in self.specific
            for pv, hit in pairs:
                key = None
                if early:
                    key = _payload_of(rule.id, pv, hit)
                    if key in seen:
                        continue
                if guards and _suppressed(guards, pv, hit):
                    if rule.id in self.specific:
                        excused.setdefault((rule.id, pv.proc.id, hit.component), []).append((hit.start, hit.end))
                    continue
                finding = self._finding(cr, pv, hit, seen, items, names, key)
                if finding is not None and not _same_source_reported(finding, spans):
                    findings.append(finding)
            if timings is not None:
                started = _add_time(timings, rule.id, started)
        return _drop_superseded(findings, self.superseded_by, self.specific, excused)

    def _lookups_for(self, registry: Any, as_of: date) -> dict[Any, Any]:
        """The look-up cache (``Context.cache``) for ``registry`` at ``as_of``, shared by the
        check() calls given the same registry object, which must not change in between (a
        loaded registry is read-only in this package). Without a registry the rules read the
        default corpus, which depends on the working directory: a fresh cache each call; the
        same for a registry that cannot be weakly referenced."""
        if registry is None:
            return {}
        try:
            by_date = self._lookups.setdefault(registry, {})
        except TypeError:
            return {}
        return by_date.setdefault(as_of, {})

    @staticmethod
    def _run_matcher(cr: CompiledRule, work: list | None, views: list[ProcView], ctx: Context) -> list[tuple[ProcView, Hit]]:
        """Hits of one rule: on the prescanned (procedure, component, patterns) triples
        ``work``, or, for a rule the prescan does not cover, on every component of every
        procedure."""
        matcher = cr.matcher
        if work is None:
            return _run_everywhere(cr, views, ctx)
        visits = getattr(matcher, "visits_all", False)
        if visits:
            # a matcher that reads more than its patterns (HS011's conditions, CT002's column
            # headers) visits every component (or every one of those it names), with the
            # prescan's word on its patterns: none may match where the prescan found nothing
            found = {(id(pv), comp): patterns for pv, comp, patterns in work}
            every = cr.rule.components if visits is True else visits
            work = [(pv, comp, found.get((id(pv), comp), _NO_PATTERN)) for pv in views for comp in cr.rule.components
                    if comp in every or (id(pv), comp) in found]
        filtered = bool(cr.name_any or cr.name_none or cr.published_content_only)
        # a matcher that can skip the regexes the prescan ruled out (PatternMatcher)
        hinted = getattr(matcher, "takes_pattern_hint", False)
        matcher = _call_of(matcher)
        pairs: list[tuple[ProcView, Hit]] = []
        last = ok = None
        for pv, comp, patterns in work:
            if filtered and pv is not last:
                last, ok = pv, cr.applies_to(pv)
            if filtered and not ok:
                continue
            hits = matcher(pv, comp, ctx, patterns) if hinted and patterns is not None else matcher(pv, comp, ctx)
            if hits:
                for hit in _drop_overlaps(hits):  # (not extend(genexpr): a generator a call, compiled)
                    pairs.append((pv, hit))
        return pairs

    @staticmethod
    def _finding(cr: CompiledRule, pv: ProcView, hit: Hit, seen: set[str] | None = None,
                 items: dict[tuple, list[int]] | None = None, names: dict[ProcView, str] | None = None,
                 key: str | None = None) -> Finding | None:
        """Build the finding for ``hit``; with ``seen`` (the payloads of the fingerprints
        reported in this run), return None (and build nothing but the fingerprint's payload)
        when that fingerprint was already reported. ``items``:
        the run's record of the dossier items where each quote of a ``per_item`` rule was
        reported (without it, every rule reports a quote once per component). ``names``: the
        run's procedure names as placed in a sentence, per view (a procedure with several
        findings reads its name once). ``key``: the payload of the hit's fingerprint when
        already computed (``_payload_of``; a rule not reported per item)."""
        rule = cr.rule
        proc = pv.proc
        view = pv.view(hit.component)
        quote = view.text[hit.start : hit.end]
        if key is None:
            fp_key = quote_key(_fingerprint_quote(quote, hit))
            occurrence = 0
            if items is not None and rule.report == "per_item" and hit.component == "dossier" and quote.strip():
                occurrence = _item_ordinal(items, (rule.id, pv, hit.component, fp_key), view.item(hit.start, hit.end)[0])
            key = payload(rule.id, proc.id, hit.component, fp_key, occurrence)
        if seen is not None:
            if key in seen:
                return None
            seen.add(key)
        seg_s, seg_e = view.segment(hit.start, hit.end) if view.text else (0, 0)
        context = view.text[seg_s:seg_e].strip()
        if len(context) > 300:
            context = _window(view.text, seg_s, seg_e, hit.start, hit.end)
        # nothing around the hit (a missing component): where the matcher looked, if it says
        context = context or hit.vars.get("_context", "")
        prov: dict[str, Any] = {}
        if view.prov is not None:
            source = view.prov
            start, end = source.sub_span(hit.start, hit.end - hit.start)
            prov = {"document": source.document, "page": source.page, "node_id": source.node_id, "start": start, "end": end}
        component_vi = COMPONENT_LABELS_VI.get(hit.component, hit.component)
        if names is None:
            name = placed_name(proc.name or "")
        else:
            name = names.get(pv)
            if name is None:
                name = names[pv] = placed_name(proc.name or "")
        # a quote or a name that ends a sentence of its own ("Quyết định hưởng chế độ.") is
        # placed inside the rule's sentence: without its stop (no "..", ".;" in the message),
        # and a quote's runs of spaces and line breaks read as one space ("Giấy tờ  của  chủ
        # xe"); the evidence itself keeps the words as written
        evidence = in_sentence(quote or context) if cr.reads_evidence else ""
        values = _SafeDict(evidence=evidence, component=hit.component, component_vi=component_vi,
                           procedure_name=name, procedure_code=proc.code or "", rule_id=rule.id)
        for k, v in hit.vars.items():  # the matcher's vars, over the ones above
            if not k.startswith("_"):
                values[k] = in_sentence(v) if k in _QUOTED_VARS else v
        # positional arguments, in the order of the fields (named in the comments): a class
        # called with keywords has them packed in a dict, then unpacked again for its
        # __init__ (~4,000 instructions a finding for the two records, ~0.5 % of a check)
        return Finding(
            rule.id,  # rule_id
            rule.name,  # rule_name
            proc.id,  # procedure_id
            proc.code,  # procedure_code
            proc.name,  # procedure_name
            hit.component,  # component
            component_vi,  # component_vi
            Evidence(quote, hit.start, hit.end, context, prov),  # evidence: quote, start, end, context, prov
            rule.severity,  # severity
            rule.category,  # category
            # the templates parsed once (Template; the Python string.Formatter had been ~15 %
            # of a run with many findings, str.format_map re-parsed them each time)
            cr.message.render(values),  # message
            {k: t.render(values) for k, t in cr.recommendation.items()},  # recommendation
            # each finding gets its own copies: a caller may edit one finding's legal basis
            list(map(dict.copy, cr.legal_basis)),  # legal_basis
            _weakest(rule.confidence, hit.vars.get("_confidence")),  # confidence
            rule.status,  # status
            digest(key),  # fingerprint
            dict(rule.cost_delta),  # cost_delta
        )


def _call_of(matcher: Any) -> Callable[..., list[Hit]]:
    """What to call for ``matcher``: its bound ``__call__`` for a matcher object. Calling the
    object itself looks ``__call__`` up on its type and packs the arguments in a tuple on
    every call (CPython's ``slot_tp_call``), ~40 calls a procedure; a function is called
    as it is."""
    if isinstance(matcher, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return matcher
    return getattr(matcher, "__call__", matcher)


def _suppressed(guards: list, pv: ProcView, hit: Hit) -> bool:
    """``any(g.suppresses(pv, hit) for g in guards)`` as a loop: compiled, the genexpr is a
    generator object, made for each hit."""
    for g in guards:
        if g.suppresses(pv, hit):
            return True
    return False


def _run_everywhere(cr: CompiledRule, views: list[ProcView], ctx: Context) -> list[tuple[ProcView, Hit]]:
    """Hits of a rule the prescan does not cover, on every component of every procedure it
    applies to: the loop of ``Engine._run_matcher`` over the same (procedure, component)
    pairs in the same order, without its list of triples (25 a procedure over the rules
    without a prescan) and with the rule's filter asked once per procedure."""
    matcher = _call_of(cr.matcher)
    components = cr.rule.components
    filtered = bool(cr.name_any or cr.name_none or cr.published_content_only)
    pairs: list[tuple[ProcView, Hit]] = []
    for pv in views:
        if filtered and not cr.applies_to(pv):
            continue
        for comp in components:
            hits = matcher(pv, comp, ctx)
            if hits:
                for hit in _drop_overlaps(hits):  # (see _run_matcher)
                    pairs.append((pv, hit))
    return pairs


def _fingerprint_quote(quote: str, hit: Hit) -> str:
    """What a finding's fingerprint hashes of its hit: the quote ("<absent>" for none: a
    missing component) and the matcher's ``key`` var, if any."""
    return (quote if quote.strip() else "<absent>") + str(hit.vars.get("key", ""))


def _payload_of(rule_id: str, pv: ProcView, hit: Hit) -> str:
    """The payload of the fingerprint ``_finding`` gives ``hit`` for a rule not reported per
    dossier item."""
    quote = pv.view(hit.component).text[hit.start : hit.end]
    return payload(rule_id, pv.proc.id, hit.component, quote_key(_fingerprint_quote(quote, hit)))


# vars holding words quoted from the procedure (the other paper of HS009, the other procedure
# of TR001): placed in a sentence like the evidence
_QUOTED_VARS = frozenset({"other"})
# a final stop that belongs to the words: an abbreviation ("TP.", "v.v.", "Tp.") or an ellipsis
_OWN_STOP = re.compile(r"(?:\.\.\.|…|(?<!\S)(?:[A-ZĐ][A-Za-zĐđ]?|v\.v)\.)$")


def in_sentence(words: str) -> str:
    """Words quoted inside a rule's sentence: runs of spaces and line breaks as one space, and
    without a final stop or separator of their own ("Quyết định hưởng chế độ." → "… chế độ",
    so no ".." or ".;" in the message), unless the stop belongs to the words ("TP.", "v.v.",
    "…"). The evidence itself keeps the words as written."""
    if not single_spaced(words):  # the split and join would give them back (see single_spaced)
        words = " ".join(words.split())
    last = words[-1:]
    if last != ".":
        return words[:-1].rstrip() if last in (";", ",") else words
    # _OWN_STOP ends in "\.$" here and its matches are at most 4 characters long: search only
    # the end (its look-behind still sees the character before); a search of the whole
    # quote tried every position of it
    if _OWN_STOP.search(words, max(0, len(words) - 5)):
        return words
    return words[:-1].rstrip()


# "Thủ tục", "Thủ tục hành chính", "Thủ tục:" opening a procedure's name (the danh mục's "Thủ tục
# chứng thực bản sao …"), followed by its words
_THU_TUC = re.compile(r"thủ\s+tục(?:\s+hành\s+chính)?\s*[:.\-–]?\s+(?=\S)", re.IGNORECASE)


def placed_name(name: str) -> str:
    """A procedure's name as the rules' sentences place it, after their own "thủ tục" ("Sửa
    bộ phận … của thủ tục {procedure_name}"): in a sentence (``in_sentence``) and without a
    "Thủ tục" of its own, which read "thủ tục Thủ tục chứng thực …". The finding's
    ``procedure_name`` keeps the name as published."""
    name = in_sentence(name)
    opening = _THU_TUC.match(name)
    return name[opening.end():] if opening else name


def _window(text: str, seg_s: int, seg_e: int, start: int, end: int) -> str:
    """The words around ``text[start:end]`` within a long sentence ``[seg_s, seg_e)``: about
    120 characters before and 160 after, cut between words, with "…" where the sentence goes
    on (a reviewer reads "… tỉnh Gia Lai, nếu đối tượng …", not "ai, nếu đối tượng")."""
    lo, hi = max(seg_s, start - 120), min(seg_e, end + 160)
    if lo > seg_s and not text[lo - 1].isspace():
        cut = next((i for i in range(lo, start) if text[i].isspace()), start)
        lo = cut
    if hi < seg_e and not text[hi].isspace():
        cut = next((i for i in range(hi, end, -1) if text[i - 1].isspace()), end)
        hi = cut
    head = "… " if text[seg_s:lo].strip() else ""
    tail = " …" if text[hi:seg_e].strip() else ""
    return head + text[lo:hi].strip() + tail


def _item_ordinal(items: dict[tuple, list[int]], key: tuple, item_start: int) -> int:
    """Ordinal of the dossier item starting at ``item_start`` among the items of one
    procedure view's component where the same rule reported the same quote (``key``), in
    the order reported (text order within a component): repeats inside one item get the
    same ordinal, hence the same fingerprint, and are reported once. Keyed by the view, not
    the procedure id: item offsets of two texts (a procedure given twice, edited in one
    file) must not share one list."""
    starts = items.setdefault(key, [])
    if item_start in starts:
        return starts.index(item_start)
    starts.append(item_start)
    return len(starts) - 1


_NO_PATTERN: frozenset[int] = frozenset()


def _add_time(timings: dict[str, float], stage: str, since: float) -> float:
    """Add the seconds since ``since`` to ``stage``; the clock now (the next stage's start)."""
    now = time.perf_counter()
    timings[stage] = timings.get(stage, 0.0) + now - since
    return now


def _build_prescan(rules: list[CompiledRule]) -> Prescan | None:
    """Register every pattern/catalogue rule whose regexes RE2 can over-approximate."""
    prescan = Prescan()
    for index, cr in enumerate(rules):
        patterns = getattr(cr.matcher, "scan_patterns", None)
        if patterns is not None and not cr.set_level:
            on_fold = getattr(cr.matcher, "fold_regex", None) is not None
            prescan.add(index, cr.rule.components, patterns(), on_fold=on_fold)
    return prescan if prescan.keys and prescan.compile().keys else None


def _drop_superseded(findings: list[Finding], superseded_by: dict[str, list[str]], specific: set[str],
                     excused: dict[tuple[str, str, str], list[tuple[int, int]]]) -> list[Finding]:
    """Drop a finding when a more specific rule (the rule's ``superseded_by``; ``specific``:
    every rule some rule yields to) reported overlapping words of the same component of the
    same procedure: HS013 (any paper whose data is published) says less than HS004 (identity
    copies) about "Bản sao thẻ căn cước". Also when the specific rule matched those words and
    one of its guards excused them (``excused``, the run's: (rule, procedure id, component) →
    spans, extended here): the rule that knows the paper found the request legitimate there
    ("Bản sao Thẻ Căn cước … trường hợp có sự thay đổi thông tin", 3.000330), so the general
    one must not report it either."""
    if not superseded_by:
        return findings
    spans = excused
    for f in findings:
        if f.rule_id in specific:
            spans.setdefault((f.rule_id, f.procedure_id, f.component), []).append((f.evidence.start, f.evidence.end))

    def covered(f: Finding) -> bool:
        for other in superseded_by.get(f.rule_id, ()):
            for s, e in spans.get((other, f.procedure_id, f.component), ()):
                if s < f.evidence.end and f.evidence.start < e:
                    return True
        return False

    return [f for f in findings if not covered(f)]


def _same_source_reported(finding: Finding, spans: set[tuple]) -> bool:
    """Was this rule already reported on the same words of the same source document for this
    procedure (through another component)? Records spans as it goes."""
    prov = finding.evidence.prov
    if not prov or prov.get("start") is None or not prov.get("document"):
        return False
    key = (finding.rule_id, finding.procedure_id, prov["document"], prov.get("node_id"), prov["start"], prov.get("end"))
    if key in spans:
        return True
    spans.add(key)
    return False


_CONF_RANK = {"U": 0, "S": 1, "V": 2}


def _weakest(a: str, b: str | None) -> str:
    """A finding is as certain as the weaker of the rule and the data behind the hit."""
    if not b:
        return a
    return a if _CONF_RANK.get(a, 0) <= _CONF_RANK.get(b, 0) else b


def _drop_overlaps(hits: list[Hit]) -> list[Hit]:
    """One hit per overlapping span (alternatives of one rule often match the same words)."""
    if len(hits) < 2:
        return hits
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and hit.start < kept[-1].end and hit.end > kept[-1].start and not hit.vars and not kept[-1].vars:
            continue
        kept.append(hit)
    return kept


def at_or_above(findings: Iterable[Finding], severity: str) -> list[Finding]:
    floor = SEVERITY_RANK[severity]
    return [f for f in findings if SEVERITY_RANK[f.severity] >= floor]
