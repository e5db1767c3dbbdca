"""Matcher kinds and guards, compiled once per catalogue.

A matcher turns (procedure, component) into ``Hit``s: a span of the component text plus
variables for the message templates. Regexes run on ``canon()`` text, which is
length-preserving, so hit offsets are offsets in the published text and quotes are cut
from the original. Diacritic-free variants (OCR, "so ho khau") are found on ``fold()``
text only for literal ``terms`` and only when the component itself lacks diacritics, and
every fold candidate is confirmed character by character (a missing mark is accepted, a
different mark is not: "số hộ khẩu" never confirms "sổ hộ khẩu").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from tthc_pipeline.procedures.model import Procedure
from tthc_pipeline.rules.regex_parse import REPEATS, parse_case_sensitive, sre
from tthc_pipeline.rules.schema import Rule, RuleError, parse_date
from tthc_pipeline.text.normalize import (
    bytez, canon, canon_bytez, count_non_ascii, find, fold, normalize_for_match, rfind,
)

# Placeholders each matcher kind can fill (the lint checks templates against these).
KIND_VARS = {
    "patterns": set(),
    "catalogue": set(),  # plus every key under the entries' ``vars``
    "registry": {"document", "status", "status_vi", "since", "since_note", "by", "by_vi", "by_prep", "touched_vi"},
    "absent": {"missing"},
    "fuzzy": {"other", "score"},
    "python": set(),  # plus the builtin's declared vars
}

EMPTY_MARKERS = {"", "không có thông tin", "không quy định", "không", "không có", "chưa có thông tin", "-", "--"}
# the portal's result table with a placeholder for the only result's name: "...Mã:
# KQ.G01.000279Từ khóaKhông có thông tin…" (the code and empty cells make it long), or a
# test entry left on the page, whatever its name: "Công an XãMã: Test_P001Từ khóa…" (1.010047)
_PLACEHOLDER_RESULT = re.compile(r"[\s.…_-]*Mã:|[^\n]{0,60}?Mã:\s*(?i:test)(?:[\W_]|(?i:p)?\d|$)")
# _PLACEHOLDER_RESULT's two branches at the text's only "Mã:"
_PLACEHOLDER_LEAD = re.compile(r"[\s.…_-]*")
_PLACEHOLDER_TEST = re.compile(r"Mã:\s*(?i:test)(?:[\W_]|(?i:p)?\d|$)")


def _placeholder_result(text: str) -> bool:
    """``_PLACEHOLDER_RESULT.match(text) is not None and text.count("Mã:") == 1``, read at
    the one "Mã:" found by ``str.find``: the first branch matches when only its characters
    come before it, the second (lazy, up to 60 characters but a line break) when it starts
    within the first 60 characters, after no line break, with "test" after it. The
    regex tried its lazy branch at each of the 60 first characters (two calls a procedure).
    The first branch is tried only when the text's first character can start it (``\s`` is
    ``str.isspace``): a result named before its code fails there, without a regex call."""
    i = find(text, "Mã:")
    if i < 0 or find(text, "Mã:", i + 3) >= 0:
        return False
    if (i == 0 or text[0] in ".…_-" or text[0].isspace()) and _PLACEHOLDER_LEAD.fullmatch(text, 0, i) is not None:
        return True
    return i <= 60 and find(text, "\n", 0, i) < 0 and _PLACEHOLDER_TEST.match(text, i) is not None


def _placeholder_quote_end(text: str) -> int:
    """Where to end the quote of a placeholder result: before the empty cells ("Từ khóa…")."""
    cells = text.find("Từ kh")
    return cells if cells > 0 else min(len(text), 40)


@dataclass(init=False, slots=True)
class Hit:
    """A span of one component's text that a rule matched, with its message variables.

    ``__init__`` is written out, not generated: the dataclass's is Python source run through
    ``exec``, which the interpreter runs even when this module is compiled; this one is
    compiled with the module (called for every hit). Slots: one allocation a hit, no
    instance dictionary."""

    component: str
    start: int
    end: int
    vars: dict[str, Any]
    procedure: Procedure | None  # set by set-level matchers

    def __init__(self, component: str, start: int, end: int, vars: dict[str, Any] | None = None,
                 procedure: Procedure | None = None) -> None:
        self.component = component
        self.start = start
        self.end = end
        self.vars = {} if vars is None else vars
        self.procedure = procedure


_QTY_TAIL = re.compile(r" bản (?:chính|sao)(?:, ?\d+ bản (?:chính|sao))?")


def quantity_cells(canon_text: str) -> list[tuple[int, int]]:
    r"""Spans of the portal's quantity cells: exactly the matches of
    ``re.finditer(r"\d+ bản (?:chính|sao)(?:, ?\d+ bản (?:chính|sao))?", canon_text)``.

    Found from the literal " bản " (``str.find``) and the digits before it, because the
    regex engine tries a leading ``\d`` at every position (~20 ns a character, the single
    largest cost of splitting a dossier). ``str.isdecimal`` is the test ``\d`` uses. Matches
    do not overlap: the search resumes at the end of the previous one, as ``finditer`` does.
    """
    out: list[tuple[int, int]] = []
    floor = 0
    i = find(canon_text, " bản ")
    while i != -1:
        j = i
        while j > floor and canon_text[j - 1].isdecimal():
            j -= 1
        if j < i:
            m = _QTY_TAIL.match(canon_text, i)
            if m is not None:
                out.append((j, m.end()))
                floor = m.end()
                i = find(canon_text, " bản ", floor)
                continue
        i = find(canon_text, " bản ", i + 1)
    return out


# --- segments and items: the cut nearest to a hit -------------------------------------
# A segment (sentence or dossier item) is cut after sentence punctuation not inside a number
# ("1.000178", "66.7/2025"), after a line break, before "bước <digit>", and after the
# portal's glued quantity cells ("1 bản chính", "0 bản chính,1 bản sao"): the match ends of
#   (?<!\d)[.;!?](?!\d)|(?<=\d)\.(?!\d)|\n|(?=bước \d)|\d+ bản (?:chính|sao)(?:, ?\d+ bản (?:chính|sao))?
# on canon text. An item (``scope: item``) is cut only after line breaks and quantity cells.
# A finding needs the one segment around its hit, and most components get one or two
# findings, so the nearest cut on each side is looked for from the hit instead of cutting the
# whole text (that was ~5 % of a procedure check). The punctuation and step cuts depend only
# on the characters next to them; quantity cells pair up from the start of the text ("1 bản
# chính, 2 bản sao, 3 bản sao"), so their ends come from the component's cached cells.
# tests/test_rules_prefilter.py compares both finders with the regexes above at every
# position of generated texts and at sampled positions (around punctuation among them) of
# every distinct real component.

_STOPS = re.compile(r"[\n.;!?]")


def _punct_cuts_at(text: str, p: int) -> bool:
    """Is there a cut after ``p`` (``text[p]`` is one of "\\n.;!?")? A line break always
    cuts; a full stop unless a digit follows ("1.000"); ";!?" unless a digit is on either
    side (``\\d`` is ``str.isdecimal``)."""
    c = text[p]
    if c == "\n":
        return True
    if p + 1 < len(text) and text[p + 1].isdecimal():
        return False
    return c == "." or p == 0 or not text[p - 1].isdecimal()


def _last_stop(text: str, hi: int) -> int:
    """Position of the last of "\\n.;!?" before ``hi`` (-1: none)."""
    p = rfind(text, "\n", 0, hi)
    q = rfind(text, ".", p + 1, hi)
    if q > p:
        p = q
    q = rfind(text, ";", p + 1, hi)
    if q > p:
        p = q
    q = rfind(text, "!", p + 1, hi)
    if q > p:
        p = q
    q = rfind(text, "?", p + 1, hi)
    return q if q > p else p


def _last_cut(text: str, start: int, sentences: bool, cell_ends: list[int]) -> int:
    """The largest cut <= ``start``: after a line break, with ``sentences`` after sentence
    punctuation and before "bước <digit>", after a quantity cell; the text's start and end
    are cuts."""
    if start >= len(text):
        return len(text)
    best = 0
    if sentences:
        hi = start
        while hi > 0:
            p = _last_stop(text, hi)
            if p < 0:
                break
            if _punct_cuts_at(text, p):
                best = p + 1
                break
            hi = p
        hi = start + 5
        while True:
            p = rfind(text, "bước ", best, hi)
            if p < 0:  # none nearer than the punctuation cut
                break
            if p + 5 < len(text) and text[p + 5].isdecimal():
                best = p
                break
            hi = p + 4
    else:
        best = rfind(text, "\n", 0, start) + 1
    if cell_ends:
        i = bisect.bisect_right(cell_ends, start) - 1
        if i >= 0 and cell_ends[i] > best:
            best = cell_ends[i]
    return best


def _next_cut(text: str, end: int, sentences: bool, cell_ends: list[int]) -> int:
    """The smallest cut >= ``end`` (see ``_last_cut``)."""
    if end <= 0:
        return 0  # the text's start is a cut (an empty hit at 0: an absent component)
    n = len(text)
    best = n
    if sentences:
        search = _STOPS.search
        lo = end - 1
        while True:
            m = search(text, lo)
            if m is None:
                break
            p = m.start()
            if _punct_cuts_at(text, p):
                best = p + 1
                break
            lo = p + 1
        p = find(text, "bước ", end, best + 4)
        while p >= 0:
            if p + 5 < n and text[p + 5].isdecimal():
                best = p
                break
            p = find(text, "bước ", p + 1, best + 4)
    else:
        p = find(text, "\n", end - 1)
        if p >= 0:
            best = p + 1
    if cell_ends:
        i = bisect.bisect_left(cell_ends, end)
        if i < len(cell_ends) and cell_ends[i] < best:
            best = cell_ends[i]
    return best


class ComponentView:
    """Lazily computed matching forms of one component's text, shared by all rules."""

    __slots__ = ("text", "prov", "_canon", "_fold", "_cell_ends_", "_cells", "_unaccented", "_literals", "cache")

    def __init__(self, text: str, prov: Any) -> None:
        self.text = text
        self.prov = prov
        self._canon: str | None = None
        self._fold: str | None = None
        self._cell_ends_: list[int] | None = None
        self._cells: list[tuple[int, int]] | None = None
        self._literals: dict[str, bool] = {}  # prefilter literal -> found in canon (catalogue-wide)
        # per-component results shared by rules (citations …) and each hit's segment, by span
        self.cache: dict[Any, Any] = {}
        self._unaccented: bool | None = None

    @property
    def canon(self) -> str:
        if self._canon is None:
            self._canon = canon(self.text)
        return self._canon

    def canon_bytez(self) -> bytes:
        """``bytez`` of the canon text: what the prescan's automata read. Computed with the
        canon text when that is not known yet (one compiled pass, see normalize.canon_bytez);
        not kept: the prescan reads it once."""
        if self._canon is None:
            self._canon, data = canon_bytez(self.text)
            return data
        return bytez(self._canon)

    def may_contain(self, literals: tuple[str, ...]) -> bool:
        """Prefilter: does the canon text contain one of ``literals`` (canon form)?

        Each literal is looked up once per component whatever the number of rules that
        use it (the catalogue-wide prefilter), and every rule's literals must be a sound
        superset of what its patterns can match (tests/test_rule_catalogue.py checks it).
        """
        known = self._literals
        for lit in literals:
            got = known.get(lit)
            if got is None:
                got = known[lit] = lit in self.canon
            if got:
                return True
        return False

    @property
    def fold(self) -> str:
        if self._fold is None:
            self._fold = fold(self.text)
        return self._fold

    @property
    def unaccented(self) -> bool:
        """True for text that has (almost) no diacritics: OCR or typed without marks."""
        if self._unaccented is None:
            n = min(len(self.text), 2000)
            # fewer than 1 % non-ASCII characters in the first 2,000; the first 200 already
            # hold that many in a text written with diacritics (most texts), and the count of
            # a prefix is at most that of a longer one: counted further only when they do not
            self._unaccented = (n >= 20 and count_non_ascii(self.text, 200) * 100 < n
                                and count_non_ascii(self.text, 2000) * 100 < n)
        return self._unaccented

    @property
    def quantity_cells(self) -> list[tuple[int, int]]:
        """Quantity cells ("1 bản chính") of the canon text (see ``quantity_cells``)."""
        if self._cells is None:
            self._cells = quantity_cells(self.canon)
        return self._cells

    @property
    def _cell_ends(self) -> list[int]:
        if self._cell_ends_ is None:
            self._cell_ends_ = [e for _, e in self.quantity_cells]
        return self._cell_ends_

    def segment(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence/dossier item containing [start, end). Kept per span: a
        hit's guards and its finding ask for the same one (a quarter of the calls)."""
        key = ("segment", start, end)
        got = self.cache.get(key)
        if got is None:
            text, ends = self.canon, self._cell_ends
            got = self.cache[key] = (_last_cut(text, start, True, ends), max(_next_cut(text, end, True, ends), end))
        return got

    def item(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the dossier item (or line) containing [start, end), across sentences."""
        text, ends = self.canon, self._cell_ends
        return _last_cut(text, start, False, ends), max(_next_cut(text, end, False, ends), end)


class _Views(dict):
    """A procedure's component views by component name, each built on its first look-up
    (``__missing__``, called by the dict's own ``[]``)."""

    __slots__ = ("proc",)

    def __init__(self, proc: Procedure) -> None:
        super().__init__()
        self.proc = proc

    def __missing__(self, component: str) -> ComponentView:
        proc = self.proc
        components = proc.components
        span = components[component] if component in components else None
        if span is None and component == "name" and proc.name:
            got = ComponentView(proc.name, None)
        else:
            got = ComponentView(span.text if span else "", span.prov if span else None)
        self[component] = got
        return got


class ProcView:
    """A procedure with cached component views (one per evaluation run).

    ``view(component)``: the component's view (built on first use). It is the bound
    ``__getitem__`` of the views' dict, an instance attribute: a call is the dict's look-up
    in C. As a method it was a call of compiled Python (argument parsing, an attribute read,
    two dict look-ups) ~45 times a check, from the rules, guards and findings."""

    __slots__ = ("proc", "_name_canon", "view")

    def __init__(self, proc: Procedure) -> None:
        self.proc = proc
        self.view: Callable[[str], ComponentView] = _Views(proc).__getitem__
        self._name_canon: str | None = None

    @property
    def name_canon(self) -> str:
        if self._name_canon is None:
            self._name_canon = normalize_for_match(self.proc.name or self.proc.component_text("name"))
        return self._name_canon

    def is_empty(self, component: str) -> bool:
        view = self.view(component)
        if component == "result":
            # kept in the view's cache: BP001 and CT004 both ask of every result
            cache = view.cache
            if "placeholder_result" in cache:
                placeholder = cache["placeholder_result"]
            else:
                placeholder = cache["placeholder_result"] = _placeholder_result(view.text)
            if placeholder:
                return True
        if len(view.text) > 40:
            return False
        text = view.canon.strip(" .:\n")
        return text in EMPTY_MARKERS


@dataclass
class Context:
    as_of: date
    registry: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    # look-ups that depend only on the registry, the date and the catalogue (document
    # statuses, number screens): kept by the engine across check() calls (Engine._lookups_for);
    # nothing per procedure or per run belongs here
    cache: dict[Any, Any] = field(default_factory=dict)


def literal_check(items: list[str]) -> tuple[str, ...]:
    """Prefilter literals in canon form (looked up in the component's canon text)."""
    return tuple(dict.fromkeys(normalize_for_match(item) for item in items))


def compile_regex(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex {pattern!r}: {exc}") from exc


_WORD_START_LB = "(?<!\\w)"


def term_regex(term: str, left_boundary: bool = True) -> str:
    """Regex for a literal term on canon text, bounded by non-word characters.

    With ``left_boundary=False`` the left edge is checked in Python by ``word_start`` (a
    leading look-behind stops the regex engine's literal-prefix scan and costs ~3x).
    """
    words = [re.escape(w) for w in normalize_for_match(term).split()]
    left = _WORD_START_LB if left_boundary else ""
    return left + r"\s+".join(words) + r"(?!\w)"


def word_start(view: "ComponentView", start: int) -> bool:
    """Is ``start`` the beginning of a word? Also true across the portal's glued cells:
    "…1 bản saoChứng minh…" (a quantity cell) or a lower→upper case change in the original."""
    if start == 0:
        return True
    canon_text = view.canon
    if not canon_text[start - 1].isalnum():
        return True
    original = view.text
    if original[start].isupper() and not original[start - 1].isupper():
        return True
    return canon_text.endswith(("bản sao", "bản chính"), 0, start)


def _split_word_start(pattern: str) -> tuple[str, bool]:
    """Strip a leading ``(?<!\\w)``: the engine then checks the word start in Python."""
    if pattern.startswith(_WORD_START_LB):
        return pattern[len(_WORD_START_LB):], True
    return pattern, False


def _confirm_fold(candidate: str, term_canon: str) -> bool:
    """Each char equals the term's char or the term's char without its diacritics."""
    if len(candidate) != len(term_canon):
        return False
    for got, want in zip(candidate, term_canon):
        if got != want and got != fold(want) and not (got.isspace() and want.isspace()):
            return False
    return True


def _required_in(items: Any) -> tuple[str, ...] | None:
    """Strings one of which every match of the parsed sequence ``items`` contains."""
    best: tuple[str, ...] | None = None

    def consider(alts: tuple[str, ...] | None) -> None:
        nonlocal best
        if alts and all(alts) and (best is None or min(map(len, alts)) > min(map(len, best))):
            best = alts

    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider(("".join(run),))
            run = []
        if op is sre.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if not add_flags & re.IGNORECASE:
                consider(_required_in(sub))
        elif op is sre.BRANCH:
            alts: list[str] = []
            for branch in av[1]:
                got = _required_in(branch)
                if not got:
                    break
                alts.extend(got)
            else:
                consider(tuple(dict.fromkeys(alts)))
        elif op in REPEATS and av[0] >= 1:
            consider(_required_in(av[2]))
        # anything else (classes, assertions, back-references…) only ends the literal run
    if run:
        consider(("".join(run),))
    return best


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Literals one of which every match of ``pattern`` contains (None: none known).

    Read from the parsed regex, so sound by construction: consecutive literal items are
    matched contiguously, a group or a repeat with a minimum of one is required, and a
    branch contributes the union of its alternatives' literals. Case-insensitive patterns
    give None.
    """
    parsed = parse_case_sensitive(pattern)
    return None if parsed is None else _required_in(list(parsed))


def _literal_gate(pattern: str) -> tuple[str, ...] | None:
    """The required literals of a regex the regex engine cannot scan for by itself.

    A pattern that starts with a literal gets the engine's fast prefix scan, which costs
    about what ``in`` does: no gate. One that starts with an alternation or a class is tried
    at every position; an ``in`` check of its required literal skips texts that cannot match.
    """
    parsed = parse_case_sensitive(pattern)
    if parsed is None or (len(parsed) and parsed[0][0] is sre.LITERAL):
        return None
    return _required_in(list(parsed))


# a group reference, a conditional on a group, or a named reference: numbering matters
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def _top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` cut at its ``|`` outside groups and classes."""
    out: list[str] = []
    depth, in_class, start, i = 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            i += pattern[i + 1:i + 2] == "^"
            i += pattern[i + 1:i + 2] == "]"  # "[]…]" and "[^]…]": that "]" is a member
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _split_alternation(pattern: str) -> list[str] | None:
    """A top-level alternation as regexes to search one after another, or None.

    ``re`` tries an alternation that has no common literal prefix at every position of the
    text (CT003's segment guard: ~4 µs a segment); an alternative that starts with a literal,
    alone, gets the engine's fast prefix scan. Searching each (those that start with a literal
    alone, the others as one alternation) finds a match iff the whole does: at a position, the
    alternation matches iff one alternative does, and the same text, ``pos`` and ``endpos``
    give look-arounds and anchors the same view. Only the boolean is kept (guards), so which
    match is found does not matter; group numbers change, so no back-reference may exist.
    """
    parsed = parse_case_sensitive(pattern)
    if (parsed is None or parsed.state.flags & ~re.UNICODE or _GROUP_REFERENCE.search(pattern)
            or len(parsed) != 1 or parsed[0][0] is not sre.BRANCH):
        return None
    alternatives = _top_level_alternatives(pattern)
    if len(alternatives) != len(parsed[0][1][1]):
        return None
    literal = [a for a in alternatives if _starts_with_literal(a)]
    if not literal:
        return None
    rest = [a for a in alternatives if not _starts_with_literal(a)]
    return literal + (["|".join(rest)] if rest else [])


def _starts_with_literal(pattern: str) -> bool:
    parsed = parse_case_sensitive(pattern)
    return parsed is not None and len(parsed) > 0 and parsed[0][0] is sre.LITERAL


def _leading_literals(items: Any) -> tuple[str, ...] | None:
    """Strings one of which every match of the parsed sequence ``items`` starts with."""
    run = []
    for op, av in items:
        if op is not sre.LITERAL:
            break
        run.append(chr(av))
    if run:
        return ("".join(run),)
    if not items:
        return None
    op, av = items[0]
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _leading_literals(list(sub))
    if op is sre.BRANCH:
        alts: list[str] = []
        for branch in av[1]:
            got = _leading_literals(list(branch))
            if not got:
                return None
            alts.extend(got)
        # a literal another one starts with adds no start position
        return tuple(a for a in dict.fromkeys(alts) if not any(b != a and a.startswith(b) for b in alts))
    return None


_CATEGORY_CLASS = {getattr(sre, f"CATEGORY_{name}"): esc for name, esc in (
    ("SPACE", r"\s"), ("NOT_SPACE", r"\S"), ("DIGIT", r"\d"), ("NOT_DIGIT", r"\D"),
    ("WORD", r"\w"), ("NOT_WORD", r"\W"))}


def _in_class(members: Any, ch: str) -> bool | None:
    """Does the parsed class ``members`` (without NEGATE) match ``ch``? None: unknown."""
    for op, av in members:
        if op is sre.LITERAL and chr(av) == ch:
            return True
        if op is sre.RANGE and av[0] <= ord(ch) <= av[1]:
            return True
        if op is sre.CATEGORY:
            esc = _CATEGORY_CLASS.get(av)
            if esc is None:
                return None
            if re.match(esc, ch):
                return True
        elif op not in (sre.LITERAL, sre.RANGE):
            return None
    return False


def _never_consumes(items: Any, ch: str) -> bool:
    """No match of the parsed sequence ``items`` has ``ch`` in its span (look-arounds and
    anchors consume nothing; whatever this does not know answers False)."""
    for op, av in items:
        if op is sre.LITERAL:
            ok = chr(av) != ch
        elif op is sre.NOT_LITERAL:  # "[^.]"
            ok = chr(av) == ch
        elif op is sre.IN:
            negated = bool(av) and av[0][0] is sre.NEGATE
            got = _in_class(av[1:] if negated else av, ch)
            ok = got is not None and got == negated
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            ok = True
        elif op is sre.SUBPATTERN:
            ok = not av[1] & re.IGNORECASE and _never_consumes(list(av[3]), ch)
        elif op is sre.BRANCH:
            ok = all(_never_consumes(list(b), ch) for b in av[1])
        elif op in REPEATS:
            ok = _never_consumes(list(av[2]), ch)
        else:
            ok = False
        if not ok:
            return False
    return True


_SCAN_STOPS = ".;\n"


@dataclass(frozen=True)
class StartScan:
    """Where a regex without a literal prefix can match, for ``finditer`` done by hand.

    Python's regex engine has no fast scan for a regex that starts with an alternation
    (CT003's "(nộp|gửi)…"): it tries the whole regex at every character that can start an
    alternative (every "n" and "g"), and a try that gets past the verb runs a long loop.
    Every match starts with one of ``starts`` (read from the parse), so ``str.find`` gives the
    only positions worth a ``match``; a match cannot contain a character of ``stops`` and
    contains one of ``needs`` after its first item, so a position whose text up to the next
    stop lacks every ``needs`` literal cannot match either.
    """

    starts: tuple[str, ...]
    stops: str
    needs: tuple[str, ...]

    @classmethod
    def of(cls, pattern: str) -> "StartScan | None":
        parsed = parse_case_sensitive(pattern)
        if parsed is None or not len(parsed) or parsed[0][0] is sre.LITERAL:
            return None  # the regex engine scans for a literal prefix itself
        items = list(parsed)
        starts = _leading_literals(items)
        if not starts or min(map(len, starts)) < 2:
            return None  # a single character (a digit, the "c" of "cccd|cmnd"): the engine's own scan is as fast
        needs = _required_in(items[1:])
        if needs is None:
            return None  # without a gate, Python's finds save about what the loop costs
        stops = "".join(ch for ch in _SCAN_STOPS if _never_consumes(items, ch))
        return cls(starts, stops, needs)

    def finditer(self, rx: re.Pattern[str], text: str) -> list[re.Match[str]]:
        """``rx.finditer(text)``'s matches: leftmost first, each tried after the previous one's
        end (a match is never empty: it starts with a literal).

        The gate looks for ``needs`` between a start and the first stop after it (C ``find``
        calls over a sentence: cheaper, by callgrind, than keeping each literal's next
        occurrence in Python)."""
        cands = []
        for lit in self.starts:
            p = find(text, lit)
            while p >= 0:
                cands.append(p)
                p = find(text, lit, p + 1)
        if len(self.starts) > 1:
            cands.sort()
        needs, stops, size = self.needs, self.stops, len(text)
        found = []
        end = stop = 0
        for c in cands:
            if c < end:
                continue
            if c >= stop:  # the first stop at or after c (still the last one found, if past c)
                stop = size
                for ch in stops:
                    p = find(text, ch, c, stop)
                    if p >= 0:
                        stop = p
            for lit in needs:
                if find(text, lit, c, stop) >= 0:
                    break
            else:
                continue
            m = rx.match(text, c)
            if m is not None:
                found.append(m)
                end = m.end()
        return found


_JOIN = "\x00"  # between the components' texts a procedure-scope guard looks into at once


class Guard:
    """Context that suppresses a hit: a regex within a scope around the hit."""

    SCOPES = ("segment", "item", "before", "after", "window", "component", "procedure", "evidence")

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        self.scope = spec.get("scope", "segment")
        if self.scope not in self.SCOPES:
            raise RuleError(f"{where}: guard scope must be one of {self.SCOPES}")
        self.window = int(spec.get("window", 60))
        pattern = normalize_for_match(spec["pattern"]) if spec.get("literal") else spec["pattern"]
        if self.scope == "after" and pattern.startswith("^"):
            pattern = pattern[1:]  # "after" guards are anchored at the end of the hit (re.match)
        self.regex = compile_regex(pattern, where)
        self.note = spec.get("note", "")
        # a regex that starts with an alternation or a class is tried at every position of
        # its scope (CT001's biometrics guard reads every component of the procedure, HS005's
        # a whole dossier item): first ask whether a literal every match needs is there (in
        # C, ``str.find`` over the scope; sound: the literals are consumed, so inside the
        # match, which lies inside the scope)
        self.gate = _literal_gate(pattern)
        if self.gate and any(_JOIN in lit for lit in self.gate):
            self.gate = None  # the procedure scope looks for the literals across joined texts
        # what ``search`` runs: the regex, or its alternatives apart (see _split_alternation)
        parts = _split_alternation(pattern)
        self.searches = tuple(compile_regex(p, where) for p in parts) if parts else (self.regex,)

    def _search(self, text: str, start: int, end: int) -> bool:
        for regex in self.searches:
            if regex.search(text, start, end) is not None:
                return True
        return False

    def _search_whole(self, text: str) -> bool:
        gate = self.gate
        if gate is not None and not any(lit in text for lit in gate):
            return False
        return self._search(text, 0, len(text))

    def _search_procedure(self, pv: ProcView) -> bool:
        """Does any component match? The gate's literals are looked up once in the components'
        texts joined by ``_JOIN``, which no literal contains (see __init__), so a literal is in
        the joined text iff it is in one component: 5 ``in`` instead of 5 per component (CT001
        reads ~9 components a procedure, mostly for literals none of them holds)."""
        view = pv.view
        texts = [view(c).canon for c in pv.proc.components]
        gate = self.gate
        if gate is not None:
            joined = _JOIN.join(texts)
            for lit in gate:
                if lit in joined:
                    break
            else:
                return False
        for text in texts:  # (a loop, not any(genexpr): no generator object, compiled)
            if self._search(text, 0, len(text)):
                return True
        return False

    def suppresses(self, pv: ProcView, hit: Hit) -> bool:
        view = pv.view(hit.component)
        text = view.canon
        scope = self.scope
        if scope == "component":
            return self._search_whole(text)
        if scope == "procedure":
            return self._search_procedure(pv)
        if scope == "segment":
            s, e = view.segment(hit.start, hit.end)
        elif scope == "item":
            s, e = view.item(hit.start, hit.end)
        elif scope == "evidence":
            s, e = hit.start, hit.end
        elif scope == "before":
            s, e = max(0, hit.start - self.window), hit.start
        elif scope == "after":
            s, e = hit.end, min(len(text), hit.end + self.window)
        else:  # window
            s, e = max(0, hit.start - self.window), min(len(text), hit.end + self.window)
        gate = self.gate
        if gate is not None:
            for lit in gate:
                if find(text, lit, s, e) >= 0:
                    break
            else:
                return False
        if scope == "after":
            return bool(self.regex.match(text, s, e))
        return self._search(text, s, e)


class PatternMatcher:
    """``patterns``: regexes (``any``) and literal ``terms`` on canon text."""

    def __init__(self, rule: Rule) -> None:
        where = f"{rule.id}.match"
        spec = rule.match
        self.regexes: list[tuple[re.Pattern[str], bool]] = []
        # (regex, needs a word start, gate): the gate is None or literals one of which the
        # canon text must contain for the regex to match at all (see _literal_gate)
        self.gated: list[tuple[re.Pattern[str], bool, tuple[str, ...] | None]] = []
        # per regex of ``gated``: None (``finditer``) or where its matches can start
        self.scans: list[StartScan | None] = []
        for p in spec.get("any", []):
            body, needs_ws = _split_word_start(p)
            self.regexes.append((compile_regex(body, where), needs_ws))
            self.gated.append((self.regexes[-1][0], needs_ws, _literal_gate(body)))
            self.scans.append(StartScan.of(body))
        self.terms = [normalize_for_match(t) for t in spec.get("terms", [])]
        if self.terms:
            body = "|".join(term_regex(t, left_boundary=False) for t in self.terms)
            self.regexes.append((compile_regex(body, where), True))
            self.gated.append((self.regexes[-1][0], True, _literal_gate(body)))
            self.scans.append(StartScan.of(body))
            self.fold_regex = compile_regex("|".join(term_regex(fold(t)) for t in self.terms), where)
        else:
            self.fold_regex = None
        if not self.regexes:
            raise RuleError(f"{where}: patterns need 'any' regexes or 'terms'")
        self.prefilter = literal_check(spec.get("prefilter", []))
        self.require = [compile_regex(p, where) for p in spec.get("require_in_segment", [])]

    def scan_patterns(self) -> list[re.Pattern[str]]:
        """Every regex run on canon text (for the engine's prescan, see prescan.py), compiled:
        the prescan reads their flags as well as their text."""
        return [rx for rx, _, _ in self.gated]

    takes_pattern_hint = True  # the engine passes the prescan's ``patterns`` (see below)

    def __call__(self, pv: ProcView, component: str, ctx: Context, patterns: set[int] | None = None) -> list[Hit]:
        """Hits in ``component``. ``patterns``: ordinals (in ``scan_patterns`` order) of the
        only regexes that can match there, as the prescan found (the others' RE2
        over-approximations did not match); None: run them all.

        The hottest call of a run (rules x components x procedures): attribute look-ups are
        bound once and ComponentView.may_contain is inlined (same result, same cache)."""
        view = pv.view(component)
        if not view.text:
            return []
        unaccented = view._unaccented
        if unaccented is None:
            unaccented = view.unaccented
        text = view._canon or view.canon
        prefilter = self.prefilter
        if prefilter and not unaccented:
            known = view._literals
            for lit in prefilter:
                got = known.get(lit)
                if got is None:
                    got = known[lit] = lit in text
                if got:
                    break
            else:
                return []
        hits = []
        scans = self.scans
        for n, (rx, needs_ws, gate) in enumerate(self.gated):
            if patterns is not None and n not in patterns:
                continue
            if gate is not None:
                for lit in gate:
                    if lit in text:
                        break
                else:
                    continue
            scan = scans[n]
            for m in rx.finditer(text) if scan is None else scan.finditer(rx, text):
                if needs_ws and not word_start(view, m.start()):
                    continue
                hits.append(Hit(component, m.start(), m.end()))
        if self.fold_regex is not None and unaccented:
            for m in self.fold_regex.finditer(view.fold):
                cand = text[m.start() : m.end()]
                if any(_confirm_fold(cand, t) for t in self.terms if len(t) == len(cand)):
                    hits.append(Hit(component, m.start(), m.end()))
        if self.require:
            kept = []
            for h in hits:
                s, e = view.segment(h.start, h.end)
                if all(rx.search(text, s, e) for rx in self.require):
                    kept.append(h)
            hits = kept
        return hits


def _entry_alternation(entries: list[list[str]], only: list[int] | None = None, by_letter: bool = True) -> str:
    """One regex over every entry's patterns (``only``: over these entries, by index); the
    last group that matched names the entry.

    ``(?P<e0>p|q)|(?P<e1>r)`` as first written, when a pattern does not start with a plain
    letter. When every one does, each pattern becomes its own alternative with that letter
    before its group, ``b(?P<e0_0>…)|s(?P<e0_1>…)|…``: the same matches in the same order
    (the match's span is the whole alternative), but the regex engine then skips to the next
    of those letters instead of trying every alternative at every character (~70 ns a
    character on a component the prescan lets through: HS013's data replacements; CQ003's
    agency renames, whose "(?<!\\w)bộ lao động…" has its look-behind moved after the letter)."""
    chosen = [(i, entries[i]) for i in (range(len(entries)) if only is None else only)]
    splits = [_split_first_letter(p) for _, patterns in chosen for p in patterns]
    if not by_letter or not all(splits):
        return "|".join(f"(?P<e{i}>" + "|".join(patterns) + ")" for i, patterns in chosen)
    out, k = [], 0
    for i, patterns in chosen:
        for j in range(len(patterns)):
            letter, rest = splits[k]
            k += 1
            out.append(f"{letter}(?P<e{i}_{j}>{rest})")  # "(?:bộ…)" → "b(?P<…>ộ…)"
    return "|".join(out)


def _split_first_letter(wrapped: str) -> tuple[str, str] | None:
    """(letter, rest) with ``letter + rest`` matching what a "(?:…)"-wrapped pattern matches,
    when the pattern must start with that letter: written as a plain character right after
    "(?:" (nothing, a quantifier or an alternation, applies to it alone), or after a leading
    ``(?<!\\w)``, which then moves after it as ``(?<!\\wb)`` (at the letter's end, the two
    characters before are "?b" with the letter matched: not a word character and "b" exactly
    when no word character precedes the letter)."""
    body = wrapped[len("(?:"):-1]
    look_behind = body.startswith(_WORD_START_LB)
    if look_behind:
        body = body[len(_WORD_START_LB):]
    first = _plain_first_letter(body)
    if first is None:
        return None
    rest = body[len(first):]
    return (first, f"(?<!\\w{first}){rest}") if look_behind else (first, rest)


def _plain_first_letter(body: str) -> str | None:
    """The letter ``body`` must start with, when it is written as a plain character at its
    start and nothing (a quantifier, an alternation) applies to it alone."""
    parsed = parse_case_sensitive(body)
    if not body or parsed is None or not len(parsed) or parsed[0][0] is not sre.LITERAL:
        return None
    first = chr(parsed[0][1])
    if not first.isalpha() or not body.startswith(first) or _has_top_level_bar(body):
        return None
    # the parse's first item is this letter alone: "ab*" parses as a, b*; "a*" as a repeat
    # ("ba|bb" also parses with a leading b, the common prefix taken out: refused above)
    return first


def _has_top_level_bar(pattern: str) -> bool:
    """Does ``pattern`` have an alternation outside every group ("ba|bb", not "b(a|b)")?"""
    depth, i, n = 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a class: "]" right after "[" or "[^" is a member, not its end
            i += 2 if pattern.startswith("[^", i) else 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


class CatalogueMatcher:
    """``catalogue``: terms/patterns from a data file; each entry carries message vars.

    All entries are compiled into one alternation with a named group per entry, so a
    component is scanned once whatever the size of the catalogue. An entry's own
    ``effective_from`` (a replacement published after the rule's first one) keeps it silent
    before that date, as the rule's ``effective_from`` keeps the whole rule.
    """

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        name = rule.match.get("data")
        where = f"{rule.id}.match"
        if name not in data:
            raise RuleError(f"{where}: data file rules/data/{name}.yaml not found")
        parts, self.vars = [], {}
        self.since: dict[str, date] = {}  # entry -> its own effective_from
        # as_of -> the alternation of the entries in force then (a silenced entry left in the
        # alternation would take the words an entry in force matches: "giấy xác nhận cư trú
        # tạm thời" before its date hid "giấy xác nhận cư trú")
        self._regex_at: dict[date, re.Pattern[str] | None] = {}
        # literal pre-check: a component is scanned only if it contains one of these strings;
        # a pattern entry without its own ``prefilter`` disables the shortcut.
        self.prefilter: tuple[str, ...] | None = ()
        for i, entry in enumerate((data[name] or {}).get("entries", [])):
            if self.prefilter is not None:
                self.prefilter += literal_check(entry.get("terms", []))
                if entry.get("patterns"):
                    if entry.get("prefilter"):
                        self.prefilter += literal_check(entry["prefilter"])
                    else:
                        self.prefilter = None
            pats = [term_regex(t, left_boundary=False) for t in entry.get("terms", [])] + list(entry.get("patterns", []))
            if not pats:
                raise RuleError(f"{where}: {name} entry {i} has no terms/patterns")
            for p in pats:
                compile_regex(p, f"{where} {name}[{i}]")
            parts.append([f"(?:{p})" for p in pats])
            self.vars[f"e{i}"] = dict(entry.get("vars", {}))
            if "effective_from" in entry:
                since = parse_date(entry["effective_from"], f"{where} {name}[{i}].effective_from")
                if since is None:
                    raise RuleError(f"{where} {name}[{i}].effective_from: empty (give a date YYYY-MM-DD or leave it out)")
                self.since[f"e{i}"] = since
        self.entries = parts  # each entry's "(?:…)"-wrapped patterns
        self.regex = compile_regex(_entry_alternation(parts), where) if parts else None
        self.entry_of = {name: name.partition("_")[0] for name in self.regex.groupindex} if parts else {}

    def scan_patterns(self) -> list[re.Pattern[str]]:
        """The one alternation run on canon text (for the engine's prescan), compiled."""
        return [self.regex] if self.regex is not None else []

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        if self.regex is None:
            return []
        view = pv.view(component)
        if not view.text or (self.prefilter is not None and not view.may_contain(self.prefilter)):
            return []
        regex = self._regex_in_force(ctx.as_of) if self.since else self.regex
        if regex is None:
            return []
        entry_of, entry_vars = self.entry_of, self.vars
        return [Hit(component, m.start(), m.end(), dict(entry_vars[entry_of[m.lastgroup]]))
                for m in regex.finditer(view.canon) if word_start(view, m.start())]

    def _regex_in_force(self, as_of: date) -> "re.Pattern[str] | None":
        """The alternation of the entries in force at ``as_of`` (the whole one when all are);
        its groups keep the entries' names, so ``entry_of`` reads it too."""
        got = self._regex_at.get(as_of, self)
        if got is self:
            active = [i for i in range(len(self.entries)) if self.since.get(f"e{i}", as_of) <= as_of]
            if len(active) == len(self.entries):
                got = self.regex
            elif not active:
                got = None
            else:
                # the same form as the whole alternation (by letter or not), so that its group
                # names are the ones ``entry_of`` knows
                by_letter = any("_" in name for name in self.regex.groupindex)
                got = compile_regex(_entry_alternation(self.entries, active, by_letter=by_letter),
                                    "catalogue entries in force")
            self._regex_at[as_of] = got
        return got


class AbsentMatcher:
    """``absent``: the component is missing, empty, "Không có thông tin" or "Không quy định".

    ``fallbacks`` names builtins that can prove presence elsewhere (e.g. the time limit in
    the portal channel table).
    """

    def __init__(self, rule: Rule) -> None:
        from tthc_pipeline.rules import builtins

        self.fallbacks = {}
        self.looked_in: dict[str, str] = {}  # component -> the component its fallback reads
        for comp, name in (rule.match.get("fallbacks") or {}).items():
            if name not in builtins.PRESENCE:
                raise RuleError(f"{rule.id}.match: unknown presence fallback {name!r}")
            self.fallbacks[comp] = builtins.PRESENCE[name]
            if name in builtins.PRESENCE_READS:
                self.looked_in[comp] = builtins.PRESENCE_READS[name]

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        span = pv.proc.components.get(component)
        if span is not None and len(span.text) > 40 and component != "result":
            return []  # what is_empty would say, without building the component's view
        if not pv.is_empty(component):
            return []
        fallback = self.fallbacks.get(component)
        if fallback and fallback(pv):
            return []
        from tthc_pipeline.procedures.model import COMPONENT_LABELS_VI

        text = pv.view(component).text
        # a placeholder result: quote the name and its code, not the empty cells after them
        end = _placeholder_quote_end(text) if component == "result" and _placeholder_result(text) else len(text)
        found = {"missing": COMPONENT_LABELS_VI.get(component, component)}
        looked_in = self.looked_in.get(component)
        if looked_in and not text.strip():
            # nothing to quote: the context is where the fallback looked (not part of the
            # fingerprint, which hashes the empty quote as "<absent>")
            found["_context"] = " ".join(pv.view(looked_in).text.split())[:300]
        return [Hit(component, 0, end, found)]


def vars_for(rule: Rule) -> set[str]:
    """Placeholders a rule's matcher can fill."""
    out = set(KIND_VARS.get(rule.kind, set()))
    if rule.kind == "catalogue":
        out |= set(rule.match.get("vars", []))
    if rule.kind == "python":
        from tthc_pipeline.rules import builtins

        spec = builtins.BUILTINS.get(rule.match.get("check", ""))
        if spec:
            out |= spec.vars
    return out


MatcherFn = Callable[[ProcView, str, Context], list[Hit]]


def build_matcher(rule: Rule, data: dict[str, Any]) -> Any:
    """Compile the rule's matcher (raises RuleError on bad specs)."""
    from tthc_pipeline.rules import builtins

    kind = rule.kind
    if kind == "patterns":
        return PatternMatcher(rule)
    if kind == "catalogue":
        return CatalogueMatcher(rule, data)
    if kind == "absent":
        return AbsentMatcher(rule)
    if kind == "registry":
        return builtins.RegistryMatcher(rule)
    if kind == "fuzzy":
        return builtins.DuplicatePaperMatcher(rule)
    if kind == "python":
        name = rule.match.get("check")
        if name not in builtins.BUILTINS:
            raise RuleError(f"{rule.id}.match: unknown python check {name!r}; known: {sorted(builtins.BUILTINS)}")
        return builtins.BUILTINS[name].factory(rule, data)
    raise RuleError(f"{rule.id}: unknown match kind {kind}")
