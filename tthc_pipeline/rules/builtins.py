"""Named built-in checks for the few rules that need code (``match.kind: python``),
plus the registry and fuzzy matchers.

Each builtin declares the placeholders it fills (``vars``) so the catalogue lint can check
message templates. Document statuses come only from the registry of legal documents
(``tthc_pipeline.legal.registry``, ``corpus/registry/*.yaml``): the one passed to
``Engine.check``, else the one of ``legal.corpus_cli.default_corpus_dir()``.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

from rapidfuzz import fuzz

from tthc_pipeline.legal.amendments import articles_vi, sorted_clauses
from tthc_pipeline.legal.citations import canonical_number, document_numbers, find_citations, may_name_articles, number_key
from tthc_pipeline.legal.corpus_cli import default_corpus_dir
from tthc_pipeline.legal.dates import date_vi
from tthc_pipeline.legal.registry import Registry, weakest
from tthc_pipeline.rules.findings import single_spaced
from tthc_pipeline.rules.matchers import ComponentView, Context, Hit, PatternMatcher, ProcView, quantity_cells
from tthc_pipeline.rules.number_screen import NumberScreen
from tthc_pipeline.rules.portal import ONLINE_WORDS, channel_kinds, states_a_time_value, view_rows
from tthc_pipeline.rules.schema import Rule, RuleError
from tthc_pipeline.text.normalize import canon, find
from tthc_pipeline.text.search import literal_starts

# --- citations -----------------------------------------------------------------------

@dataclass
class Cited:
    number: str  # canonical "68/2013/TT-BCA"
    key: str  # legal.citations.number_key: padding-insensitive comparison key
    start: int
    end: int


def cited_in(pv: ProcView, component: str) -> list[Cited]:
    """Document numbers of one component, computed once per procedure and shared by rules."""
    view = pv.view(component)
    got = view.cache.get("cited")
    if got is None:
        # the clean() text the number screen read, if one did (rules.number_screen)
        got = view.cache["cited"] = find_document_numbers(view.text, view.cache.get("clean")) if view.text else []
    return got


def find_document_numbers(text: str, cleaned: str | None = None) -> list[Cited]:
    """Document numbers in ``text``, read by the citation parser (legal/citations.py), which
    knows the portal's glued cells ("53/2025/TT-BCAngày", "TT-BCAQuy định", "NQ-QH15").
    ``cleaned``: clean(text), when the caller has it."""
    return [Cited(number, number_key(number), start, end) for number, start, end in document_numbers(text, cleaned)]


# --- registries ----------------------------------------------------------------------

_SOURCE_MARK = re.compile(r"\s*\[[VSU](?::[^\]]*)?\]")


STATUS_VI = {
    "in_force": "còn hiệu lực",
    "amended": "đã được sửa đổi, bổ sung",
    "partly_repealed": "đã bị bãi bỏ một phần",
    "replaced": "đã bị thay thế",
    "repealed": "đã bị bãi bỏ",
    "expired": "đã hết hiệu lực",
    "not_yet_in_force": "chưa có hiệu lực",
    "unknown": "không rõ",
}


def default_registry() -> Any:
    """The registry of legal documents in ``default_corpus_dir()`` (loaded once per folder).

    Used when ``Engine.check`` is given no registry (inline rule tests, benchmarks), so the
    citation rules always read document statuses from the corpus ``tthc corpus`` shows:
    $TTHC_CORPUS, ./corpus, else the repository's ``corpus/registry/*.yaml``. An empty registry
    is warned about (bilingual) once: CC001/CC002 cannot fire without it.
    """
    directory = default_corpus_dir()
    reg = _DEFAULT_REGISTRIES.get(directory)
    if reg is None:
        reg = _DEFAULT_REGISTRIES[directory] = Registry.load(directory)
        if len(reg) == 0:
            warnings.warn(
                f"Danh mục văn bản pháp luật ở {directory} trống: CC001, CC002 không thể phát hiện gì / "
                f"the legal registry in {directory} is empty: CC001, CC002 cannot fire",
                RuntimeWarning,
                stacklevel=2,
            )
    return reg


_DEFAULT_REGISTRIES: dict[Path, Any] = {}


def _status_of(registry: Any, number: str, as_of: date) -> Any:
    """Status of ``number``; an unknown id is the registry's "unknown" status, and a registry
    that fails propagates (a silent "no status" would hide every CC001/CC002 finding)."""
    return registry.status(number, as_of)


class RegistryMatcher:
    """``registry``: cited documents whose status at ``as_of`` is in ``statuses``.

    ``by_not_cited: true`` keeps only documents with an amending/replacing document that is
    not cited in the same legal basis, and names only those (CC002: the basis was not updated).
    """

    def __init__(self, rule: Rule) -> None:
        self.statuses = set(rule.match.get("statuses", []))
        if not self.statuses:
            raise RuleError(f"{rule.id}.match: registry matcher needs 'statuses'")
        self.by_not_cited = bool(rule.match.get("by_not_cited", False))
        # the screen's key in ``ctx.cache`` (built once: a frozenset hashed anew on every call)
        self._screen_key = ("registry_screen", frozenset(self.statuses))

    @staticmethod
    def _registry(ctx: Context) -> Any:
        return ctx.registry if ctx.registry is not None else default_registry()

    def _status(self, ctx: Context, number: str) -> Any:
        """Status of ``number`` at ``ctx.as_of``, looked up once per registry and date (shared
        by CC001/CC002, kept across runs in ``ctx.cache``)."""
        cache = ctx.cache.get("document_status")
        if cache is None:
            cache = ctx.cache["document_status"] = {"registry": self._registry(ctx)}
        got = cache.get(number, cache)
        if got is cache:
            got = cache[number] = _status_of(cache["registry"], number, ctx.as_of)
        return got

    def _screen(self, ctx: Context) -> NumberScreen:
        """The screen (once per registry and date) for the registry documents whose status at ``as_of`` is one of
        ``statuses`` (only their citations can be hits); none for "unknown", which any
        number not in the registry has."""
        key = self._screen_key
        got = ctx.cache.get(key)
        if got is None:
            if "unknown" in self.statuses:
                got = NumberScreen({}, [], screening=False)
            else:
                got = NumberScreen.for_registry(
                    self._registry(ctx), lambda doc_id: getattr(self._status(ctx, doc_id), "code", None) in self.statuses
                )
            ctx.cache[key] = got
        return got

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        view = pv.view(component)
        text = view.text
        if not text:
            return []
        if "cited" not in view.cache and not self._screen(ctx).may_cite(view):
            return []
        cited = cited_in(pv, component)
        if not cited:
            return []
        cited_keys = {c.key for c in cited}
        hits = []
        for c in cited:
            st = self._status(ctx, c.number)  # a legal.registry.Status ("unknown" for none)
            code = st.code
            if code not in self.statuses:
                continue
            by = [str(b) for b in st.by]
            confidence = st.confidence or "U"
            touched = st.touched
            # the short form ("đã được thay thế"), not the registry's label ("Hết hiệu lực (đã bị
            # thay thế)"), whose parenthesis and "còn hiệu lực" read wrongly in a sentence
            status_vi = STATUS_VI.get(code, code)
            by_vi = ""
            if self.by_not_cited:
                # report the amending documents that are not cited (a basis that cites the
                # 2023 amendment but not the 2025 one is still out of date); a partly repealed
                # document's amendments changed it too (``touched``: every amendment and partial
                # repeal in force): NĐ 63/2010, partly repealed by NĐ 48/2013 and amended by
                # NĐ 92/2017, cited alone misses both
                by = [b for b in by if number_key(b) not in cited_keys]
                amenders = [d for d in st.amended_besides() if number_key(d) not in cited_keys]
                if not by and not amenders:
                    continue
                marks = st.touched_confidence  # the amendments' own marks (the status's is the repeal's)
                if not by:  # the repeal is cited, amendments are not: say what they did
                    status_vi = STATUS_VI["amended"]
                    by = amenders
                    confidence = weakest(*(marks.get(d, "U") for d in by))
                elif amenders:
                    # the message says what each did; the recommendation lists them all
                    by_vi = f"{', '.join(by)} và được sửa đổi, bổ sung bởi {', '.join(amenders)}"
                    by = by + amenders
                    confidence = weakest(confidence, *(marks.get(d, "U") for d in amenders))
            hits.append(
                Hit(
                    component,
                    c.start,
                    c.end,
                    {
                        "document": c.number,
                        "status": code,
                        "status_vi": status_vi,
                        "since": date_vi(st.since) if st.since else "?",
                        # a date the registry only bounds (the other document's issue date: its
                        # effective date is not known) is said to be one, never stated as a fact
                        "since_note": _SINCE_UNVERIFIED if st.date_uncertain else "",
                        "by": ", ".join(by) or "?",
                        "by_vi": by_vi or ", ".join(by) or "?",
                        # a document "đã hết hiệu lực theo" the one that ended it ("hết hiệu lực"
                        # takes no agent), "đã bị thay thế, bãi bỏ bởi" the others
                        "by_prep": "theo" if code == "expired" else "bởi",
                        "touched_vi": _touched_vi(touched, _cited_articles(view, c), st.touched_complete)
                        if touched else "",
                        "_confidence": confidence,
                    },
                )
            )
        return hits


_SINCE_UNVERIFIED = " (ngày ban hành; ngày có hiệu lực chưa xác minh)"


def _cited_articles(view: ComponentView, cited: Cited) -> list[dict[str, str]]:
    """The articles every citation of ``cited``'s document in this basis names ("Điều 9 Thông
    tư số X; khoản 2 Điều 12 Thông tư số X": both), read by the full citation parser (once
    per view, only for a basis with a hit). A basis where no citation can name an article
    (``may_name_articles``: no "điều" in it; each of the 10 portal bases with a hit) skips the parse:
    it would give every citation an empty ``articles``, so the answer is [] either way."""
    got = view.cache.get("article_citations")
    if got is None:
        text = view.text
        got = view.cache["article_citations"] = (
            find_citations(text) if may_name_articles(text, view.cache.get("clean")) else []
        )
    return [a for c in got if c.canonical_id == cited.number or (c.start < cited.end and cited.start < c.end)
            for a in c.articles]


def _overlaps(a: dict[str, str], b: dict[str, str]) -> bool:
    """Do two clauses share text: Điều 7 and khoản 3 Điều 7 do, khoản 2 and khoản 3 do not
    ("04" and "4" are one number)."""
    return all(a[k].lstrip("0") == b[k].lstrip("0") for k in ("dieu", "khoan", "diem") if k in a and k in b)


def _touched_vi(touched: dict[str, dict[str, list[dict[str, str]]]], cited: list[dict[str, str]],
                complete: bool = False) -> str:
    """" (phần bị bãi bỏ đã biết: Điều 12; …)" for CC002's message: the clauses the registry
    knows each document amended or repealed (``Status.touched``), and which clauses the basis
    cites touch them. Known parts only: a list may miss some (a learned one misses what the
    reader could not read), so a cited clause is said to be outside them only when every
    amendment and repeal in force names all its clauses (``complete``: each relation's list
    is marked ``articles_complete`` in the registry), and a citation is never cleared."""
    label = {"repealed": "bị bãi bỏ", "amended": "được sửa đổi, bổ sung"}
    known = [(doc, kind, arts) for doc, kinds in touched.items() for kind, arts in sorted(kinds.items(), reverse=True) if arts]
    if not known:
        return ""
    if len(known) == 1 and len(touched) == 1:
        (_, kind, arts), = known
        text = f" (phần {label[kind]} đã biết: {articles_vi(arts, limit=6, sep=', ')}"
    else:
        text = " (phần đã biết: " + "; ".join(f"{label[kind]} {articles_vi(arts, limit=6, sep=', ')} theo {doc}"
                                             for doc, kind, arts in known)
    if cited:
        hit = sorted_clauses([c for c in cited if any(_overlaps(c, t) for _, _, arts in known for t in arts)])
        if hit:
            text += f"; điều, khoản được trích dẫn có liên quan: {articles_vi(hit, limit=6, sep=', ')}"
        elif complete:
            text += f"; điều, khoản được trích dẫn ({articles_vi(sorted_clauses(cited), limit=6, sep=', ')}) không thuộc phần này"
    return text + ")"


# --- dossier items and duplicate papers ---------------------------------------------

_LINE_ITEM = re.compile(r"\n\s*(?:[-+•*]|\d+[.)]|[a-zđ]\))\s*")
# a case header as first written: the specification _ends_a_header answers for without running it
# (tests/test_rules_prefilter.py compares the two)
_HEADER = re.compile(r"(bao gồm|gồm|trường hợp|đối với|hồ sơ đề nghị)[^:]{0,200}:\s*$|:\s*$")


def _ends_a_header(body: str) -> bool:
    """``bool(_HEADER.search(body.rpartition(".")[2][-220:])) or body.endswith(":")`` (the
    item ends with a case header) without the regex: both branches of _HEADER end with
    ``:\\s*$``, so it matches exactly when its text's last non-space is a colon
    (``str.rstrip`` and ``\\s`` use the same Unicode whitespace). That text is the end of
    ``body`` after its last "." (a final colon is after every ".") cut to 220 characters,
    which holds the colon unless 220 spaces or more follow it. The regex tried every
    position of every dossier item (~30 % of HS009's time), the partition and the cut
    copied its end."""
    kept = body.rstrip()
    return kept[-1:] == ":" and len(body) - len(kept) < 220  # (a slice: endswith parses a tuple)


# "a) ", "(1) ", "2. ", "iv) ", "- " before an item
_LIST_MARK = re.compile(r"^(?:\(?(?:[a-zđ]|\d+|[ivx]+)[.)]|[-+•*])\s*")
# the first characters of a _LIST_MARK match other than a letter followed by "." or ")"
_MARK_FIRST = frozenset("(-+•*ivx")
# the portal's sub-table header, glued to the first item of each sub-table
_SUBTABLE_HEADER = re.compile(r"tên giấy tờ\s*(?:mẫu đơn, tờ khai)?\s*số lượng")
_FIRST_WORD = re.compile(r"[^\W\d_]+")


def _last_subtable_header(paper: str) -> "re.Match[str] | None":
    """The last match of ``_SUBTABLE_HEADER`` in ``paper``: the match at the last "tên giấy
    tờ" that starts one (matches cannot overlap: a header's tail holds no "tên giấy tờ"),
    looked for from the end with ``str.rfind``. A ``finditer`` through the item cost ~10x
    more: the regex engine's scan for its literal start is slower than ``str.find``."""
    at = paper.rfind("tên giấy tờ")
    while at >= 0:
        header = _SUBTABLE_HEADER.match(paper, at)
        if header is not None:
            return header
        at = paper.rfind("tên giấy tờ", 0, at)  # (the words do not overlap themselves)
    return None


def _item_bounds(text_canon: str, cells: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(start, end, paper end) of each non-empty item: the text cut at the end of each
    quantity cell, the paper ending where the item's cell starts (each item holds at most
    one cell, at its end), or, without cells, cut where a listed line starts. Built in order
    without sorting: the cells come in order and do not overlap (``quantity_cells``: each
    starts at or after the previous end, and ends after it starts), and the line starts of
    ``finditer`` only grow, so the only cuts that can repeat are 0 (a line start at 0) and
    the text's end (a cell ending there), which would make empty items (once cut as
    ``sorted(set(cuts))`` with a dict from cell end to cell start)."""
    n = len(text_canon)
    bounds = []
    prev = 0
    if cells:
        for cell_start, cell_end in cells:
            bounds.append((prev, cell_end, cell_start))
            prev = cell_end
    else:
        for m in _LINE_ITEM.finditer(text_canon):
            at = m.start()
            if at > prev:
                bounds.append((prev, at, at))
                prev = at
    if prev < n:
        bounds.append((prev, n, n))
    return bounds


def dossier_items(text_canon: str, cells: list[tuple[int, int]] | None = None) -> list[tuple[int, int, int, str]]:
    """(start, end, group, paper) of dossier items; ``group`` changes at case headers and
    ``paper`` is the item text without its quantity cell ("1 bản chính"). ``cells`` are the
    text's ``quantity_cells`` when already known."""
    if cells is None:
        cells = quantity_cells(text_canon)
    items, group = [], 0
    for s, e, paper_end in _item_bounds(text_canon, cells):
        paper = text_canon[s:paper_end]
        body = paper.strip(" -+\n")
        if "tên giấy tờ" in body:
            # a sub-table starts: its header ("Tên giấy tờMẫu đơn, tờ khaiSố lượng") is glued
            # to its first item, which starts after it (1.014062: the first "Phiếu CC01 …"
            # was compared with the header on, 93 % like its repeat)
            header = _last_subtable_header(paper)
            if header is None:
                group += 1
            else:
                # a sub-table with a title ("Trường hợp …", "Nhóm 2 …") is a case of its own;
                # one without ("--Tên giấy tờ…", the portal's empty title) goes on with the
                # dossier before it (1.004163: "a) Giấy báo tử … (mẫu LS1)" in both)
                if paper[: header.start()].strip(" -+\n"):
                    group += 1
                s, paper = s + header.end(), paper[header.end():]
            body = paper.strip(" -+\n")
        if _ends_a_header(body):
            group += 1
        items.append((s, e, group, paper))
    return items


# "(?<!\S)": every match of r"\S+\.(docx?|pdf|xlsx?)" starts where a run of non-spaces does
# (the run's start matches whenever any later position of the run does), so the same matches,
# without retrying the greedy \S+ from each character of a long run (quadratic in the run)
_FILE_NAME = re.compile(r"(?<!\S)\S+\.(docx?|pdf|xlsx?)")
# every _FILE_NAME match contains one of these extensions
_FILE_EXT = re.compile(r"\.(?:doc|pdf|xls)")


def _drop_file_names(name: str) -> str:
    """``_FILE_NAME.sub("", name)``, the regex run only from the start of the run of
    non-spaces that holds the first extension (``_FILE_EXT``, found by its "."). A match lies
    in one run (its characters are non-spaces), starts at the run's start (the look-behind)
    and holds an extension; cut at a run's start, the text gives the look-behind the same
    answers. _FILE_NAME has no literal to scan for: it was tried at every character of the
    item, the file name being its last words. The run's start is where the last word of the
    text before the extension starts, when that text ends with a non-space (``str.split``
    and ``\\s`` use the same Unicode whitespace; a reversed copy of that text, for a ``\\S*``
    match, cost more)."""
    ext = _FILE_EXT.search(name)
    if ext is None:
        return name
    first = ext.start()
    head = name[:first]
    start = first - len(head.rsplit(None, 1)[-1]) if head and not head[-1].isspace() else first
    return name[:start] + _FILE_NAME.sub("", name[start:])


def _may_start_with_mark(name: str) -> bool:
    """False only where ``_LIST_MARK`` cannot match: a match starts with "(", one of "-+•*",
    a digit (``\\d`` is ``str.isdecimal``), one of "ivx", or a letter then "." or ")". Most
    items start with a word ("giấy", "bản"), whose second letter ends the test without the
    regex call (3.5 a procedure, each costing more than this test)."""
    first = name[:1]  # (one slice: each costs more than the tests)
    return first in _MARK_FIRST or first.isdecimal() or name[1:2] in (".", ")")


def _item_name(paper: str) -> str:
    """A dossier item's paper without its list mark ("a) Giấy báo tử …" and "b) Giấy báo tử …"
    are one paper) and attached file names."""
    name = paper.strip(" -+.;\n")
    if _may_start_with_mark(name):
        mark = _LIST_MARK.match(name)  # anchored at the start ("^", no MULTILINE): what sub() removed
        if mark is not None:
            name = name[mark.end():]
    if "." in name:
        name = _drop_file_names(name)
    return name.strip()


class DuplicatePaperMatcher:
    """``fuzzy``: the same paper listed twice in one case group of the dossier."""

    def __init__(self, rule: Rule) -> None:
        self.threshold = float(rule.match.get("threshold", 95))
        self.min_len = int(rule.match.get("min_len", 20))

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        view = pv.view(component)
        text = view.canon
        if not text:
            return []
        items = []  # every item with a name (a short one can still be a paper a list named)
        min_len = self.min_len
        for s, e, g, paper in dossier_items(text, view.quantity_cells):
            if len(paper) < _MIN_ITEM_CHARS:
                continue  # stripping only shortens it
            name = _item_name(paper)
            if len(name) >= _MIN_ITEM_CHARS:
                items.append((s, paper, g, name))  # (where it is quoted: _quoted_span)
        if len(items) < 2:
            return []  # a finding is a pair of items (a quarter of the real dossiers have one)
        # fuzzy pairs among the items of at least ``min_len`` characters (indices into items)
        long_items = [k for k, item in enumerate(items) if len(item[3]) >= min_len]
        found = []
        for a, b in _similar_length_pairs([items[k] for k in long_items], self.threshold):
            i, j = long_items[a], long_items[b]
            # two different papers are never a finding, whatever their score: told apart
            # first by their first words (three pairs in four on the portal records), each
            # score costing ~40,000 instructions on these long items
            if _different_papers(items[i][3], items[j][3]):
                continue
            score = fuzz.token_sort_ratio(items[i][3], items[j][3], score_cutoff=self.threshold)
            if score >= self.threshold:
                found.append((i, j, score))
        spans = {(i, j): (_quoted_span(items[i]), _quoted_span(items[j])) for i, j, _ in found}
        for i, j, part_i, part_j in _listed_again(items):
            if (i, j) not in spans:
                # a paper of a list: quoted and named alone, the score being the paper's
                spans[i, j] = (_part_span(text, *_quoted_span(items[i]), part_i),
                               _part_span(text, *_quoted_span(items[j]), part_j))
                found.append((i, j, 100.0))
        hits = []
        for i, j, score in sorted(found):
            (s1, e1), (s2, e2) = spans[i, j]
            other = view.text[s1:e1].strip()[:160]
            hits.append(Hit(component, s2, e2, {"other": other, "score": f"{score:.0f}"}))
        return hits


def _quoted_span(item: tuple[int, str, int, str]) -> tuple[int, int]:
    """Where an item (start, paper, group, name) is quoted: its paper without the spaces
    before its quantity cell ("…1 bản chính,1 bản sao"). Only for the items of a finding."""
    start, paper = item[0], item[1]
    return start, start + len(paper.rstrip())


def _different_papers(a: str, b: str) -> bool:
    """Two near-identical items that still name two papers: another kind of paper ("Đề án đề
    nghị cấp Giấy chứng nhận …" beside "Đơn đề nghị cấp Giấy chứng nhận …", 1.014910), or a
    form and its electronic version ("Tờ khai … điện tử tương tác …", 3.000333)."""
    first_a, first_b = _FIRST_WORD.search(a), _FIRST_WORD.search(b)  # past "01 " and the like
    if (first_a and first_a.group()) != (first_b and first_b.group()):
        return True
    return ("điện tử" in a) != ("điện tử" in b)


# how a copy is asked for, before or after the paper's name: "Bản sao có chứng thực giấy phép
# xây dựng", "01 bản sao được chứng thực …", "Giấy phép xây dựng (bản sao kèm bản chính hoặc
# bản sao có chứng thực …)"
_COPY_FORM_BEFORE = re.compile(
    r"^(?:\d+ )?(?:bản (?:sao|chính|photo|phô tô|phôtô|chụp)"
    r"(?: (?:có |được )?(?:chứng thực|công chứng)| y(?: bản chính)?| hợp lệ| hợp pháp| điện tử)*(?: của)? "
    # what is left when the portal's quantity cell took "01 bản sao" off "01 bản sao chứng thực …"
    r"|(?:có |được )?(?:chứng thực|công chứng) )?")
_COPY_FORM_AFTER = re.compile(r"\s*\((?:bản (?:sao|chính|photo|chụp)|có chứng thực)[^)]*\)?.*$")
_MIN_LISTED_WORDS = 3
_MIN_ITEM_CHARS = 8
_MAX_LIST_CHARS = 600  # longer comma-separated items are prose (conditions, cases), not lists
# the words a paper's name starts with: a list's parts are papers only if they start so
# ("Giấy phép sử dụng vũ khí, công cụ hỗ trợ" is one paper, "…, bản vẽ …, hồ sơ …" a list)
_PAPER_HEAD = re.compile(
    r"(?:giấy|bản|sổ|thẻ|văn bản|văn bằng|quyết định|hồ sơ|tờ khai|đơn|ảnh|danh sách|chứng chỉ|chứng nhận|"
    r"hộ chiếu|căn cước|biên bản|phiếu|sơ đồ|hợp đồng|báo cáo|tài liệu|bằng|lý lịch|hóa đơn|thông báo)(?!\w)")
# a list whose papers are qualified as a whole ("…, hộ chiếu của người được ủy quyền"), asked
# only in a case ("Trường hợp nộp thay thì nộp thêm …"), or offered as alternatives ("một
# trong các giấy tờ sau: …", "… hoặc …"): none of its papers is asked again by it
# (substrings, each found by str.find: a regex of these alternatives is tried at every
# character of long prose items; as substrings they may also end a longer word, which only
# leaves a list unread)
_LIST_QUALIFIERS = ("của", "đối với", "trường hợp", "một trong", "hoặc", "nếu", "thuộc", ":")


_COPY_FORM_STARTS = ("bản ", "có ", "được ", "chứng ", "công ")
# every _COPY_FORM_AFTER match holds one of these
_COPY_FORM_AFTER_OPENS = ("(bản ", "(có chứng thực")


def _paper_key(words: str) -> str:
    """A paper's name without how its copy is asked for, in single spaces: what
    ``" ".join(_COPY_FORM_AFTER.sub("", _COPY_FORM_BEFORE.sub("", words)).split())`` gives.
    Each regex only where it can match: most names start with neither a number nor a copy's
    wording, and few hold "(bản " or "(có chứng thực". ``_COPY_FORM_BEFORE`` is anchored at
    the text's start ("^", no MULTILINE) and always matches there (all of it is optional):
    its ``sub`` removed that match, which ``match`` finds without the search trying every
    later position (~8,000 instructions a name, as ``_COPY_FORM_AFTER.sub``, whose leading
    ``\s*`` gives the engine no character to scan for). The split and join only where they
    change something (``single_spaced``: most names are in single spaces already)."""
    if words[:1].isdigit() or words.startswith(_COPY_FORM_STARTS):
        words = words[_COPY_FORM_BEFORE.match(words).end():]
    # "(" first: one memchr spares the two word searches on most names, which have no bracket
    if "(" in words and (_COPY_FORM_AFTER_OPENS[0] in words or _COPY_FORM_AFTER_OPENS[1] in words):
        words = _COPY_FORM_AFTER.sub("", words)
    return words if single_spaced(words) else " ".join(words.split())


def _outer_parts(text: str) -> list[str]:
    """``text`` cut at the ", " outside parentheses ("Giấy phép (bản sao, bản chính)" is one).
    Cut at every ", " first, then pieces inside an open parenthesis joined back (a walk of
    the whole text character by character cost ~300 µs on the longest dossier items)."""
    pieces = text.split(", ")
    if len(pieces) == 1:
        return [text.strip()]
    parts: list[str] = []
    depth = 0
    for piece in pieces:
        if depth > 0:
            parts[-1] += ", " + piece
        else:
            parts.append(piece)
        if "(" in piece or ")" in piece:
            depth = _depth_after(piece, depth)
    return [part.strip() for part in parts]


def _depth_after(piece: str, depth: int) -> int:
    """Parenthesis depth after ``piece`` from ``depth`` (a stray ")" does not go below 0)."""
    if ")" not in piece:
        return depth + piece.count("(")
    for ch in piece:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
    return depth


def _list_papers(stripped: str) -> list[tuple[str, str]] | None:
    """(paper, words naming it) for each paper of an item that lists several (``stripped``:
    without its final punctuation; the paper without how its copy is asked for, of at least
    three words); None when the item is not such a list: one part, fewer than two parts that
    start as papers do ("Giấy phép sử dụng vũ khí, công cụ hỗ trợ"), or a list qualified as a
    whole, asked in a case or offered as alternatives (``_LIST_QUALIFIERS``). The qualifier
    test comes first: it ends most prose items (cases, conditions) at once."""
    if ", " not in stripped or len(stripped) > _MAX_LIST_CHARS:
        return None
    for word in _LIST_QUALIFIERS:
        if word in stripped:
            return None
    parts = _outer_parts(stripped)
    if len(parts) < 2:
        return None
    heads = [(paper, part) for part in parts if _PAPER_HEAD.match(paper := _paper_key(part))]
    return _long_enough(heads) if len(heads) >= 2 else None


def _listed_papers(name: str) -> list[tuple[str, str]]:
    """(paper, words naming it) for each paper an item names: the item itself
    (``_one_paper``), or each paper of a list (``_list_papers``: "Bản sao có chứng thực giấy
    phép xây dựng, bản vẽ bố trí mặt bằng tổng thể, …"); none for an item cut at commas that
    is not such a list."""
    stripped = name.rstrip(" .;")
    papers = _list_papers(stripped)
    if papers is None:
        whole = _one_paper(stripped)
        return [whole] if whole else []
    return papers


def _one_paper(stripped: str) -> tuple[str, str] | None:
    """(paper, words) of an item that names one paper; None for an item cut at commas (a list,
    or not a list of papers) or a name too short."""
    if ", " in stripped and len(_outer_parts(stripped)) > 1:
        return None
    words = stripped.strip()
    named = _long_enough([(_paper_key(words), words)])
    return named[0] if named else None


def _long_enough(named: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (paper, words) pairs whose paper has three words or more: "tờ khai" says too
    little to be the same paper."""
    return [(paper, words) for paper, words in named if paper.count(" ") + 1 >= _MIN_LISTED_WORDS]


def _listed_again(items: list[tuple[int, str, int, str]]) -> list[tuple[int, int, str | None, str | None]]:
    """(i, j, words of item i, words of item j), i < j, for items of one case group where
    item j is, word for word, a paper item i lists among others (3.000361: "Bản sao có chứng
    thực giấy phép xây dựng, bản vẽ …" then "Giấy phép xây dựng (bản sao kèm bản chính …)"),
    or the other way round; the words naming the paper in the list (None for the item that
    names only it). Fuzzy scores of a whole item against a list of papers stay low. Never two
    lists sharing a paper: those are often two cases' lists, worded alike. The lists are
    found first: without one (most dossiers) nothing else is read."""
    lists: dict[int, list[tuple[str, str]]] = {}
    for j, item in enumerate(items):
        if ", " in item[3]:  # (tested here too: most items have none, and then no call)
            papers = _list_papers(item[3].rstrip(" .;"))
            if papers is not None:
                lists[j] = papers
    if not lists:
        return []
    groups = {items[j][2] for j in lists}
    listed: dict[tuple[int, str], tuple[int, str]] = {}  # (group, paper of a list) -> (first list, its words)
    wholes: dict[tuple[int, str], int] = {}  # (group, paper of a one-paper item) -> first such item
    pairs: list[tuple[int, int, str | None, str | None]] = []
    for j, (_, _, group, name) in enumerate(items):
        if group not in groups:
            continue
        papers = lists.get(j)
        if papers is not None:
            for paper, words in papers:
                i = wholes.get((group, paper))
                if i is not None:
                    pairs.append((i, j, None, words))  # the list repeats a paper asked before
                    break
            for paper, words in papers:
                listed.setdefault((group, paper), (j, words))
            continue
        whole = _one_paper(name.rstrip(" .;"))
        if whole is None:
            continue
        paper = whole[0]
        got = listed.get((group, paper))
        if got is not None:
            pairs.append((got[0], j, got[1], None))  # a paper a list asked for before
        wholes.setdefault((group, paper), j)
    return pairs


def _part_span(text: str, start: int, end: int, words: str | None) -> tuple[int, int]:
    """Where ``words`` (canon, from an item's name) are in ``text[start:end]`` (the item),
    else the whole item."""
    if words:
        at = text.find(words, start, end)
        if at >= 0:
            return at, at + len(words)
    return start, end


def _similar_length_pairs(items: list[tuple[int, int, int, str]], threshold: float = 95.0) -> list[tuple[int, int]]:
    """Index pairs (i < j) of items in the same group whose names token_sort_ratio could score
    ``threshold`` or more, judged by their lengths alone. The ratio is 100 * (1 - d / (l1 + l2))
    with an edit distance d of at least |l1 - l2|, so a pair (l1 <= l2) can reach it only if
    l2 - l1 <= c * (l1 + l2) <= 2c * l2, c = 1 - threshold / 100: the pairs kept are those
    within 2c * l2 (10 % of the longer at the catalogue's 95, as first written; read from the
    rule's threshold, so a lower one in its YAML keeps the pairs it can accept). The lengths
    are the names' own, as rapidfuzz compares them when a name has no run of spaces (it
    re-joins the words by one space; a name padded with runs of spaces, none in the real
    dossiers, is judged longer than it is). One sort of all items by length makes this a
    window scan instead of comparing every pair in Python: the window of an item ends at the
    first longer one out of reach ((1 - 2c) * l2 - l1 only grows along the sorted lengths
    while 2c < 1; from a threshold of 50 down, nothing is out of reach), and within it only
    the item's group counts."""
    reach = 2 * (1 - threshold / 100) + 1e-9  # a hair over: rapidfuzz compares floats
    members = sorted([(len(item[3]), index, item[2]) for index, item in enumerate(items)])
    pairs = []
    for a, (len1, i, group) in enumerate(members):
        for len2, j, other in members[a + 1:]:
            if len2 - len1 > reach * len2:
                break  # longer still: even further from len1
            if other == group:
                pairs.append((i, j) if i < j else (j, i))
    return pairs


# --- presence fallbacks (for ``absent``) --------------------------------------------

# (searched for a yes or no: "ngay trong ngày" needs no branch of its own, "trong ngày" is in it)
_TIME_IN_TEXT = re.compile(r"\d+\s*(ngày|giờ|tháng|năm)|trong ngày|ngay sau khi")


def time_in_channels(pv: ProcView) -> bool:
    """A time limit stated in the channel table or its descriptions, or typed."""
    if states_a_time_value(pv.proc, pv.view("channels")):
        return True
    return bool(_TIME_IN_TEXT.search(pv.view("channels").canon)) or bool(
        _TIME_IN_TEXT.search(pv.view("time_limit").canon)
    )


def typed_agencies(pv: ProcView) -> bool:
    """An agency that decides or implements (a receiving address or coordinator is not one)."""
    for a in pv.proc.agencies:  # (a loop, not any(genexpr): no generator object, compiled)
        if a.role in ("competent", "implementing", "authorised") and a.name.strip() \
                and a.name.strip().lower() not in ("không có thông tin", "không quy định"):
            return True
    return False


PRESENCE: dict[str, Callable[[ProcView], bool]] = {
    "time_in_channels": time_in_channels,
    "typed_agencies": typed_agencies,
}
# the component a presence fallback reads: a finding that the component is missing shows it
# as its context, so the reviewer sees where the tool looked ("Trực tiếpKhông có thông tin…":
# the channel table's blank time cells)
PRESENCE_READS: dict[str, str] = {"time_in_channels": "channels"}


# --- python builtins ---------------------------------------------------------------


@dataclass
class Builtin:
    factory: Callable[[Rule, dict[str, Any]], Any]
    vars: set[str]


def _channel_kinds(pv: ProcView) -> set[str]:
    """``portal.channel_kinds`` from the channel table the run parsed once (``view_rows``),
    kept in the channels view's cache: CT001 and CT004 both ask of every procedure (callers
    only read the set)."""
    view = pv.view("channels")
    cache = view.cache
    if "channel_kinds" in cache:
        return cache["channel_kinds"]
    kinds = cache["channel_kinds"] = channel_kinds(pv.proc, view_rows(view))
    return kinds


def _first_row_hit(pv: ProcView, component: str, vars_: dict[str, Any]) -> Hit:
    """The first channel row's label ("Trực tiếp", without the time cell glued to it), else
    the start of the component."""
    text = pv.view(component).text
    rows = view_rows(pv.view(component))
    if rows:
        return Hit(component, rows[0].start, rows[0].label_end, vars_)
    return Hit(component, 0, min(len(text), 200), vars_)


# a channel the steps let the applicant submit by, which the channel table may leave out:
# "nộp trực tiếp hoặc qua đường bưu chính bản khai … đến Ủy ban nhân dân cấp xã" (1.015027)
# (between the verb and the channel no result, fee or tracking: "gửi kết quả qua dịch vụ bưu
# chính", "nộp lệ phí trực tuyến", "theo dõi tiến độ trên Cổng dịch vụ công" are not a way to
# submit; and no refusal before the verb: "không tiếp nhận hồ sơ nộp trực tuyến")
# ("(?!kết quả|phí|theo dõi|tra cứu)[^.;]" with the look-ahead tried only at k, p or t)
_NOT_SUBMISSION = r"(?:[^.;kpt]|k(?!ết quả)|p(?!hí)|t(?!heo dõi|ra cứu))"
_STEPS_POSTAL = re.compile(rf"(?<!không )(?:nộp|gửi){_NOT_SUBMISSION}{{0,120}}?qua (?:đường |dịch vụ )?bưu (?:chính|điện)")
_NOBODY_SUBMITS = re.compile(r"nộp hồ sơ tthc:\s*(?:không có)?[\s.;]*b\)\s*giải quyết")
_ONLINE_WORDS = ONLINE_WORDS + ("vneid",)  # the steps also name the app
_STEPS_ONLINE = re.compile(rf"(?<!không )(?:nộp|gửi){_NOT_SUBMISSION}{{0,120}}?(?:" + "|".join(_ONLINE_WORDS) + ")")
_ONLINE_VI = "nộp hồ sơ trực tuyến (Cổng DVC quốc gia/VNeID)"
_POSTAL_VI = "nộp hồ sơ qua dịch vụ bưu chính công ích"


def _submits_by(channel: re.Pattern[str], steps: str) -> bool:
    """Do the steps let the applicant submit by ``channel``, not in a refusal ("không tiếp nhận
    hồ sơ nộp trực tuyến hoặc qua dịch vụ bưu chính")?"""
    for m in _submissions(channel, steps):
        if "không" not in steps[max(0, m.start() - 30):m.start()]:
            return True
    return False


def _submissions(channel: re.Pattern[str], steps: str) -> Iterator[re.Match[str]]:
    """``channel.finditer(steps)``, tried only at each "nộp"/"gửi" (``str.find``), where every
    match of _STEPS_POSTAL and _STEPS_ONLINE starts: their leading look-behind made finditer
    try the whole regex at every character (measured on the 339 portal steps: 30 µs a text,
    13 µs this way). As finditer, the next match is looked for from the end of the last one;
    ``match`` still reads the look-behind before the position."""
    match, end = channel.match, 0
    for p in literal_starts(steps, ("nộp", "gửi")):
        if p >= end and (m := match(steps, p)) is not None:
            end = m.end()
            yield m


class InPersonOnly:
    """CT001: the only channel offered is in person (no online, no postal).

    The portal's channel table is what the procedure publishes as its channels, but the steps
    sometimes allow a channel the table leaves out. Then the message must not say that channel
    is missing: it names only what neither offers and notes that the table contradicts the
    steps; when the steps allow both, the procedure is not in-person only and nothing fires.
    Nor when the steps say nobody submits ("a) Nộp hồ sơ TTHC: Không có b) Giải quyết TTHC":
    a revocation the authority starts), read here with the steps rather than by a
    procedure-wide guard, which would search every component for each hit.
    """

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        pass

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        if component != "channels" or pv.is_empty("channels"):
            return []
        kinds = _channel_kinds(pv)
        if len(kinds) != 1 or "truc_tiep" not in kinds:  # kinds != {"truc_tiep"}, no set built
            return []
        steps = pv.view("steps").canon
        if "nộp hồ sơ tthc:" in steps and _NOBODY_SUBMITS.search(steps):
            return []
        # the words first: the regexes try every "nộp"/"gửi" of long steps
        postal = "bưu" in steps and _submits_by(_STEPS_POSTAL, steps)
        online = _names_any(steps, _ONLINE_WORDS) and _submits_by(_STEPS_ONLINE, steps)
        if postal and online:
            return []
        if postal or online:
            named, missing, add = ("qua bưu chính", "nộp trực tuyến", _ONLINE_VI) if postal else \
                ("trực tuyến", "nộp qua bưu chính", _POSTAL_VI)
            vars_ = {
                "missing_vi": missing,
                "steps_note_vi": f" Trình tự thực hiện cho phép nộp {named} nhưng bảng cách thức thực hiện không ghi kênh này.",
                "add_vi": f"{add}; ghi vào bảng cách thức thực hiện kênh nộp {named} mà trình tự thực hiện đã cho phép",
            }
        else:
            vars_ = {"missing_vi": "nộp trực tuyến hoặc qua bưu chính", "steps_note_vi": "", "add_vi": f"{_ONLINE_VI} và qua dịch vụ bưu chính công ích"}
        return [_first_row_hit(pv, component, vars_)]


# words naming an electronic or postal channel (plain words: the alternation is a regex of them)
_ELECTRONIC_WORDS = ("điện tử", "vneid", "trực tuyến", "qua mạng", "bưu chính", "bưu điện", "thư điện tử", "email")
_ELECTRONIC = re.compile("|".join(_ELECTRONIC_WORDS))


def _names_electronic(text: str) -> bool:
    """``_ELECTRONIC.search(text) is not None`` by ``in`` tests: the regex engine tried its
    alternation at every "đ", "t", "b"… of the text (2.7x the instructions on the portal
    results)."""
    return _names_any(text, _ELECTRONIC_WORDS)


def _names_any(text: str, words: tuple[str, ...]) -> bool:
    """``any(word in text for word in words)`` as a loop: compiled, the genexpr is a
    generator object and its resumptions a call (these run per procedure)."""
    for word in words:
        if word in text:
            return True
    return False


# the steps return the result electronically or by post: "trả kết quả qua dịch vụ bưu chính",
# also when they name the result ("việc trả giấy phép lái xe được thực hiện tại cơ quan tiếp
# nhận hồ sơ hoặc thông qua dịch vụ bưu chính", 3.000349-3.000352; not "trả lời", "trả phí",
# "tiếp nhận giấy tờ", "nhận giấy hẹn")
_ELECTRONIC_RETURN = re.compile(
    r"(?<!\w)(?<!tiếp )(trả|nhận) (kết quả|giấy phép|giấy chứng nhận|giấy xác nhận|thẻ|quyết định|hộ chiếu|chứng chỉ|văn bằng)"
    r"[^.]{0,100}(" + _ELECTRONIC.pattern + ")"
)


# the result sent to where the applicant lives: "thông báo kết quả xét tuyển đến địa chỉ của công
# dân dự tuyển" (1.012533): nobody comes to collect it. The result itself ("kết quả", "quyết
# định"), to the applicant's address; not a notice asking for more papers, the applicant
# writing to the agency's address, nor "không gửi kết quả …"
_SENT_TO_ADDRESS = re.compile(
    r"(?<!\w)(?<!không )(?<!chưa )(?:gửi|thông báo|chuyển|trả) (?:kết quả|quyết định)[^.;]{0,100}?(?:đến|tới|về) (?:tận )?"
    r"địa chỉ (?:của (?:công dân|người|cá nhân|tổ chức|doanh nghiệp|thí sinh|chủ|đối tượng)|nơi (?:cư trú|ở)|liên hệ|đã đăng ký)")


def _sent_to_address(*texts: str) -> bool:
    for t in texts:  # (a loop, not any(genexpr): no generator object, compiled)
        if "địa chỉ" in t and _SENT_TO_ADDRESS.search(t) is not None:
            return True
    return False


# _ELECTRONIC_RETURN up to its noun: where the electronic word is then looked for
_RETURN_HEAD = re.compile(_ELECTRONIC_RETURN.pattern[: _ELECTRONIC_RETURN.pattern.index("[^.]{0,100}")])
_RETURN_REACH = 100  # the "[^.]{0,100}" between the noun and the word
_LONGEST_ELECTRONIC = max(map(len, _ELECTRONIC_WORDS))


def _returns_electronically(steps: str) -> bool:
    """``_ELECTRONIC_RETURN.search(steps) is not None``, tried only where a match can start:
    at a "trả " or "nhận " (``str.find``). Its leading look-behinds leave the regex engine
    no first character to scan for, so a search tried the whole regex at every position
    (measured on the 339 portal steps: 77 µs a text, 15 µs this way). ``match`` at a
    position still sees the characters before it, so the look-behinds read as in the search.

    After the head ("trả kết quả": no noun starts another, so one head at most a position),
    the regex's "[^.]{0,100}" then an electronic word holds where a word starts at most 100
    characters on and not past the next ".", which no word holds: the first word of
    ``_ELECTRONIC`` found from there (within reach of the longest word) says it. The
    regex's backtracking tried the alternation at each of the 100 characters instead."""
    head, words = _RETURN_HEAD.match, _ELECTRONIC.search
    for p in literal_starts(steps, ("trả ", "nhận ")):
        m = head(steps, p)
        if m is None:
            continue
        start = m.end()
        last = start + _RETURN_REACH  # the last start the regex allows
        dot = find(steps, ".", start, last)
        if dot != -1:
            last = dot
        w = words(steps, start, last + _LONGEST_ELECTRONIC)
        if w is not None and w.start() <= last:
            return True
    return False


# --- results already issued --------------------------------------------------------

# what the conditions say the applicant already holds: "Đã được cấp Giấy phép hoạt động cai
# nghiện ma túy tự nguyện đối với cơ sở cai nghiện ma túy tự nguyện" (3.000526), up to what
# qualifies it (for whom, under which rule, by whom, since when) or the next paper. Licences and
# certificates only: a "chứng chỉ" is as often a training centre's as the state's.
_HELD = re.compile(r"đã (?:được )?cấp (giấy phép|giấy chứng nhận|chứng nhận)(?!\w)([^.;:\n]{0,160})")
_HELD_END = re.compile(
    r",|\(| (?:đối với|theo|do|hoặc|và|tại|của|còn|đang|trong|cho|trước|sau|nhưng|để|với|từ|mà|khi|nếu|"
    r"được|đã|có|thì|hết|bị)(?!\w)")
# a sentence that does not say the applicant holds the paper: it denies it, or the paper was
# taken away ("Không thuộc trường hợp đã được cấp giấy phép … nhưng bị thu hồi")
# ("không", "chưa" before the words; "thu hồi", "hết hạn" … after them: "… nhưng chưa công
# bố" still holds it)
_HELD_DENIED = re.compile(r"(?<!\w)(?:không|chưa)(?!\w)")
_HELD_TAKEN = re.compile(r"(?<!\w)(?:thu hồi|tước|hủy|huỷ|hết hạn|hết hiệu lực|đình chỉ)(?!\w)")


# words past the paper's kind that make it one paper: "giấy chứng nhận đăng ký" names none
# ("… đăng ký doanh nghiệp", "… đăng ký xe"), "giấy phép hoạt động cai nghiện …" does
_MIN_HELD_NAME_WORDS = 3


def held_papers(requirements: ComponentView) -> list[str]:
    """The papers the conditions (their component view) say were already issued to the
    applicant, each as the words of its name (single spaces), with at least three words past
    its kind ("giấy phép")."""
    out: list[str] = []
    text = requirements.canon
    if "đã được cấp " not in text and "đã cấp " not in text:
        return out
    for m in _HELD.finditer(text):
        if m.start() and text[m.start() - 1].isalnum():
            continue  # "…đã" ends another word (no look-behind in the regex: it would be tried at every character)
        lo, hi = requirements.segment(m.start(), m.end())  # the sentence
        if _HELD_DENIED.search(text, lo, m.start()) or _HELD_TAKEN.search(text, m.start(2), hi):
            continue  # "Không thuộc trường hợp đã được cấp … nhưng bị thu hồi"
        tail = m.group(2)
        cut = _HELD_END.search(tail)
        name = (tail[: cut.start()] if cut else tail).split()
        if len(name) >= _MIN_HELD_NAME_WORDS:
            out.append(" ".join([m.group(1), *name]))
    return out


# what may follow the shorter name in the longer one for both to name one paper: not another
# holder ("… của công ty mẹ") or an alternative ("… hoặc văn bản đề nghị cấp …")
_OTHER_PAPER_AFTER = re.compile(r"\s*(?:của|hoặc)(?!\w)")


def _same_paper(named: str, held: str) -> bool:
    """Does a dossier paper ``named`` name the ``held`` one? One is the other, or starts it
    up to a word's end (either may say more: "… đối với cơ sở …" cut off one of them), and
    what the longer one adds is not another holder or an alternative."""
    shorter, longer = (named, held) if len(named) <= len(held) else (held, named)
    if len(shorter.split()) < _MIN_HELD_NAME_WORDS + 2 or not longer.startswith(shorter):
        return False
    if len(longer) == len(shorter):
        return True
    return not longer[len(shorter)].isalnum() and _OTHER_PAPER_AFTER.match(longer, len(shorter)) is None


class _PatternsAndMore:
    """A built-in that runs its rule's ``patterns`` (with the prescan's word on them: the
    engine passes ``patterns``, see ``Engine._run_matcher``) and reads more besides, so the
    engine visits components the prescan found nothing in (``visits_all``, set by each)."""

    takes_pattern_hint = True

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        self.patterns = PatternMatcher(rule)

    def scan_patterns(self) -> list[re.Pattern[str]]:
        return self.patterns.scan_patterns()

    @property
    def fold_regex(self) -> Any:  # the prescan never skips diacritic-free text for a rule with one
        return self.patterns.fold_regex

    def pattern_hits(self, pv: ProcView, component: str, ctx: Context,
                     patterns: set[int] | frozenset[int] | None) -> list[Hit]:
        """The patterns' hits; none where the prescan says no pattern may match (an empty
        ``patterns``), not even the literal prefilter."""
        if patterns is not None and not patterns and self.patterns.fold_regex is None:
            return []
        return self.patterns(pv, component, ctx, patterns)


class AlreadyIssued(_PatternsAndMore):
    """HS011: the dossier asks for a result the state already issued. Two readings: the
    dossier names the paper as issued ("Bản sao giấy phép đã được cấp": the rule's
    ``patterns``), or a dossier paper is one the conditions say the applicant was already
    issued ("Đã được cấp Giấy phép hoạt động cai nghiện …" among the requirements, "Giấy phép
    hoạt động cai nghiện …" among the papers, 3.000526). The second reading needs no word of
    the dossier's own to fire, so the engine visits every dossier (``visits_all``) and passes
    the prescan's word on the patterns (``patterns``: the ordinals that may match; an empty
    set where none may), which only the first reading reads."""

    visits_all = True

    def __call__(self, pv: ProcView, component: str, ctx: Context, patterns: set[int] | frozenset[int] | None = None) -> list[Hit]:
        hits = self.pattern_hits(pv, component, ctx, patterns)
        if component != "dossier" or "requirements" not in pv.proc.components:
            return hits
        held = held_papers(pv.view("requirements"))
        if not held:
            return hits
        view = pv.view(component)
        text = view.canon
        for s, _e, _g, paper in dossier_items(text, view.quantity_cells):
            for key, words in _listed_papers(_item_name(paper)):
                if any(_same_paper(key, h) for h in held):
                    hits.append(Hit(component, *_part_span(text, s, s + len(paper.rstrip()), words), {}))
        return hits


# a danh mục column of online-service levels: "Cách thức thực hiện" over "Mức độ DVC" (its
# header as procedures/announcement.py records it), and a level as its cell holds it ("3")
_LEVEL_HEADER = re.compile(r"mức\s*độ")
_LEVEL_CELL = re.compile(r"\s*(?:mức\s*độ\s*)?(0?[1-4])\s*\.?\s*")


class DvcLevelTerms(_PatternsAndMore):
    """CT002: the online-service levels 1-4 that NĐ 42/2022 abolished. Two readings: the words
    of a text ("dịch vụ công trực tuyến mức độ 4": the rule's ``patterns``), or a danh mục's
    "Mức độ DVC" column, whose cell holds the bare level ("3", Bình Thuận QĐ 1766/2020,
    TTHC-DOMAIN.md R15): the words that make "3" a level are the column's header, which the
    extraction keeps in ``extra["row_headers"]``. The quote is the cell's level itself and
    the message reads it with the header ("Mức độ DVC: 3"). Only a row's channels have such
    a column, so the engine visits every channels component (``visits_all``) and the others
    where the prescan found a pattern may match."""

    visits_all = ("channels",)

    def __call__(self, pv: ProcView, component: str, ctx: Context, patterns: set[int] | frozenset[int] | None = None) -> list[Hit]:
        hits = self.pattern_hits(pv, component, ctx, patterns)
        headers = pv.proc.extra.get("row_headers")
        header = headers.get(component) if headers else None
        if hits or header is None:
            return hits
        at = _LEVEL_HEADER.search(canon(header))
        cell = _LEVEL_CELL.fullmatch(pv.view(component).text) if at is not None else None
        if cell is None:
            return hits
        label = " ".join(header[at.start():].split())  # "Mức độ DVC" (canon keeps the length here)
        return [Hit(component, cell.start(1), cell.end(1), {"evidence": f"{label}: {cell.group(1)}"})]


# a procedure the authority starts to take something away ("Thu hồi giấy phép lái xe",
# "Đình chỉ hoạt động cai nghiện …"): its decision is served on the holder
_AUTHORITY_ACTION = re.compile(r"\s*(thu hồi|đình chỉ|tước|hủy bỏ|huỷ bỏ)(?!\w)")


class PaperOnlyResult:
    """CT004: the result is only handed over on paper (no electronic copy, no postal return).

    Not for a procedure the authority starts to revoke or suspend: nobody comes to collect
    its decision (the blind reviewers left 3.000352, 3.000363, 1.013438 out). An owner's own
    deregistration, which hands back a certificate of it ("Thu hồi chứng nhận đăng ký xe" →
    "Giấy chứng nhận thu hồi đăng ký"), is still read."""

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        pass

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        if component != "result" or pv.is_empty("result"):
            return []
        # each test below can only clear the procedure, so their order is free: the channels
        # first, which clear four procedures in five (the typed channels, or the table the
        # run parses once), before the name's and the result's words
        kinds = _channel_kinds(pv)
        if "truc_tuyen" in kinds or "buu_chinh" in kinds:
            return []
        if _AUTHORITY_ACTION.match(pv.name_canon) and "chứng nhận thu hồi" not in pv.view("result").canon:
            return []
        for r in pv.proc.results:  # (a loop, not any(genexpr): no generator object, compiled)
            if r.electronic:
                return []
        if _names_electronic(pv.view("result").canon):
            return []
        if _returns_electronically(pv.view("steps").canon):
            return []
        if _sent_to_address(pv.view("steps").canon, pv.view("channels").canon):
            return []
        text = pv.view("result").text
        return [Hit(component, 0, _first_result_end(text), {})]


# the portal glues each result's code and empty fields to its name: "Thẻ thường trúMã:
# KQ.G01.000088Từ khóaKhông có thông tin…", "Quyết định hành chínhMã: 000.00.00.G11-KQ1711…";
# the evidence is the name
_RESULT_NAME_END = re.compile(r"Mã:|\n")


def _first_result_end(text: str) -> int:
    end = min(len(text), 160)
    m = _RESULT_NAME_END.search(text, 0, end)
    if m and text[: m.start()].strip():
        end = len(text[: m.start()].rstrip())
    return end


_VAGUE_TIME = re.compile(r"theo quy định|kịp thời|sớm nhất|ngay khi|tùy theo|tuỳ theo|không quy định")


class VagueTimeLimit:
    """TH001: a time limit that is published but not stated (no number) for a channel."""

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        pass

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        view = pv.view(component)
        if not view.text:
            return []
        if component == "channels":
            rows = view_rows(view)
            missing = [r for r in rows if r.value is None]
            # all rows empty and no time anywhere is BP001 (component missing), not TH001
            if rows and missing and len(missing) < len(rows):
                r = missing[0]
                return [Hit(component, r.start, r.end + len("Không có thông tin"), {"channel": view.text[r.start : r.end]})]
            return []
        if component == "time_limit" and not pv.is_empty("time_limit"):
            if not _TIME_IN_TEXT.search(view.canon):
                m = _VAGUE_TIME.search(view.canon)
                s, e = (m.start(), m.end()) if m else (0, min(len(view.text), 160))
                return [Hit(component, s, e, {"channel": ""})]
        return []


_UNIT_VI = {"ngay": "ngày", "ngay_lam_viec": "ngày làm việc", "trong_ngay": "trong ngày", "gio": "giờ", "thang": "tháng", "nam": "năm", None: ""}
_CODE = re.compile(r"^(\d\.\d{6})")


def _reference_for(pv: ProcView, ctx: Context) -> dict[str, Any] | None:
    """The reference entry of the procedure's code ("1.000232…": its ``_CODE`` head). Looked
    up by the code's first 8 characters, the head when ``_CODE`` matches, and the regex run
    only for a code with an entry (3 portal records in 339; it was run twice a procedure):
    where it does not match, no entry, as before."""
    code = pv.proc.code or ""
    by_code = ctx.cache.get("reference_time_limits")
    if by_code is None:  # code -> first entry, built once per run
        by_code = ctx.cache["reference_time_limits"] = {}
        for entry in (ctx.data.get("reference_time_limits") or {}).get("entries", []):
            by_code.setdefault(str(entry.get("code")), entry)
    entry = by_code.get(code[:8])
    return entry if entry is not None and _CODE.match(code) else None


def duration_vi(value: float | None, unit: str | None) -> str:
    """Vietnamese duration for messages: "10 ngày làm việc", "48 giờ", "trong ngày"."""
    if unit == "trong_ngay":
        return _UNIT_VI["trong_ngay"]  # "within the day": the unit is the whole duration
    number = f"{value:g}" if value is not None else "?"
    return f"{number} {_UNIT_VI.get(unit, '')}".strip()


def _comparable(unit: str | None, ref_unit: str | None) -> bool:
    """Hours vs days are not comparable without a conversion rule; missing units are trusted."""
    return not (unit and ref_unit and {unit, ref_unit} - {"ngay", "ngay_lam_viec"})


def _calendar_span(working_days: float, longest: bool) -> float:
    """Calendar days that ``working_days`` working days take: the shortest (counted from a
    Monday: 6 working days end on the next Monday, 8 days) or the longest (from a Saturday: 5
    working days end on the Friday after, 7 days), two days a weekend. Public holidays are
    left out: they only lengthen a span, so the shortest is a sound lower bound and the
    longest holds for weeks without one."""
    whole = math.ceil(working_days)
    weekends = math.ceil(whole / 5) if longest else (whole - 1) // 5
    return working_days + 2 * max(weekends, 0)


def _longer(value: float, unit: str | None, limit: float, ref_unit: str | None) -> bool:
    """Is a time limit of ``value`` ``unit`` longer than the reference ``limit`` ``ref_unit``?
    Same unit (or one missing): by value. Working days against calendar days by the calendar
    days they take at the least ("60 ngày làm việc" is longer than "60 ngày", which the
    complaint law sets, 1.000178): the shortest span must exceed the reference. Calendar days
    against working days by the longest span of the reference (without holidays)."""
    if unit == "ngay_lam_viec" and ref_unit == "ngay":
        return _calendar_span(value, longest=False) > limit
    if unit == "ngay" and ref_unit == "ngay_lam_viec":
        return value > _calendar_span(limit, longest=True)
    return value > limit


class LongerThanReference:
    """TH002: a time limit longer than the reference for the same procedure code (§3.1)."""

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        pass

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        ref = _reference_for(pv, ctx)
        if ref is None or ref.get("value") is None:
            return []
        limit, ref_unit = float(ref["value"]), ref.get("unit")
        # the source as a reviewer reads it: without the domain file's confidence marks and
        # source ids ("[V: R6]", "[V: R3]"), which the rule's legal_basis keeps
        source = _SOURCE_MARK.sub("", ref.get("source", "?")).strip() or "?"

        def hit(comp: str, start: int, end: int, value: float, unit: str | None) -> Hit | None:
            if not _comparable(unit, ref_unit) or not _longer(value, unit, limit, ref_unit):
                return None
            return Hit(comp, start, end, {"value": _value_vi(value, unit, ref_unit),
                                          "reference": _value_vi(limit, ref_unit, unit, reference=True), "source": source})

        hits = []
        if component == "channels":
            for row in view_rows(pv.view(component)):
                if row.value is not None and (h := hit(component, row.start, row.end, row.value, row.unit)):
                    hits.append(h)
        elif component == "time_limit":
            text = pv.view(component).text
            channels = pv.view("channels")
            rows = view_rows(channels) if channels.text else []
            for tl in pv.proc.time_limits:
                span = _span_in_channels(tl, channels.text)
                if tl.value is None or (span is not None and any(r.start <= span[0] < r.end for r in rows)):
                    continue  # a row of the portal's channel table, judged above
                if span is not None and not text.strip():
                    # read from a channel table the portal reader does not know (cells spaced
                    # or on lines of their own): the words are there, not in an empty component
                    h = hit("channels", span[0], span[1], tl.value, tl.unit)
                else:
                    h = hit(component, 0, len(text), tl.value, tl.unit)
                if h:
                    hits.append(h)
        return hits


def _span_in_channels(tl: Any, channels_text: str) -> tuple[int, int] | None:
    """Where a typed time limit was read in the channel table's text, if it was read there
    (a record's provenance indexes the field's text; a document's, the document's)."""
    prov = tl.prov
    if prov is None or prov.node_id != "channels" or prov.start is None or prov.end is None:
        return None
    return (prov.start, prov.end) if channels_text[prov.start:prov.end] == tl.raw else None


def _value_vi(value: float, unit: str | None, other_unit: str | None, reference: bool = False) -> str:
    """A duration for TH002's message, with its calendar span when the other side is in the
    other kind of day: "45 ngày làm việc (ít nhất 61 ngày)" beside a reference of 60 days,
    "7 ngày làm việc (tối đa 11 ngày)" as the reference of a limit of 12 days."""
    text = duration_vi(value, unit)
    if unit == "ngay_lam_viec" and other_unit == "ngay":
        if reference:
            return f"{text} (tối đa {_calendar_span(value, longest=True):g} ngày)"
        return f"{text} (ít nhất {_calendar_span(value, longest=False):g} ngày)"
    return text


_WORKING_DAYS_LIMIT = re.compile(r"\d(?:\s*\([^)]{1,20}\))?\s*ngày làm việc")
# "07 ngày làm việc", "15 (mười lăm) ngày làm việc", "từ 03 đến 05 ngày làm việc" (both numbers)
# (a number not glued to a digit, ".", "," or "/" before it, "(?<![\d.,/])(\d{1,3})", written
# _NUMBER_START: one look-behind of two characters after the first digit, so that the regex
# starts with a digit the engine scans for, not a look-behind it tries at every character
# (measured on the 339 portal channel tables: 34 µs a text, 9 µs this way; same matches:
# tests/test_rules_prefilter.py)
_NUMBER_START = r"(\d(?<![\d.,/]\d)\d{0,2})"
_WORKING_DAYS_NUMBER = re.compile(
    _NUMBER_START + r"(?:\s*\([^)]{1,20}\))?(?:\s*(?:đến|-|–)\s*(\d{1,3})(?:\s*\([^)]{1,20}\))?)?\s*ngày làm việc")
# a time limit in working days, as the steps word one ("trong thời hạn 01 ngày làm việc",
# "không quá 05 (năm) ngày làm việc"), not a lead time ("trước kỳ sát hạch ít nhất 07 ngày làm
# việc"): what comes right before each "ngày làm việc" (found by str.find: a regex starting
# with the alternation would be tried at every character of long steps)
_WORKING_DAYS = "ngày làm việc"
# the words that set a time limit and its number ("trong thời hạn 01", "không quá 05 (năm)",
# "trong thời gian 15"), for limits in working days and in plain days alike
_LIMIT_NUMBER = r"(?:thời hạn|thời gian|trong vòng|không quá|tối đa)\s*(?:là\s*)?(?:tối đa\s*)?(\d{1,3})(?:\s*\([^)]{1,15}\))?"
_LIMIT_BEFORE_DAYS = re.compile(_LIMIT_NUMBER + r"\s*$")
# a number of days without "làm việc" ("Trong thời gian 15 ngày: cơ quan … xem xét")
_PLAIN_DAYS = re.compile(_NUMBER_START + r"\s*ngày(?!\s*làm việc)")


def _working_day_limits(steps: str) -> set[int]:
    """The numbers of working days the steps give as time limits."""
    return _day_limits(steps, working=True)


def _plain_day_limits(steps: str) -> set[int]:
    """The numbers of days the steps give as time limits in plain days ("Trong thời hạn 15
    ngày kể từ ngày nhận hồ sơ")."""
    return _day_limits(steps, working=False)


def _day_limits(steps: str, working: bool) -> set[int]:
    """The numbers the limit words give right before each "ngày làm việc" (``working``) or
    each "ngày" without "làm việc": found by str.find, then the limit words looked for
    backwards (a regex starting with their alternation would be tried at every character)."""
    found = set()
    word = _WORKING_DAYS if working else "ngày"
    i = find(steps, word)  # (find: str.find's fast twin, in a loop)
    while i >= 0:
        if working or not steps[i + len(word) : i + len(word) + 12].lstrip().startswith("làm việc"):
            m = _LIMIT_BEFORE_DAYS.search(steps, max(0, i - 60), i)
            if m:
                found.add(int(m.group(1)))
        i = find(steps, word, i + len(word))
    return found


def _says_plain_days(canon: str, days: int, start: int, end: int) -> bool:
    """Does a row's own description (``canon[start:end]``) give its number of days as days,
    not working days? Then the row is consistent, whatever another row says in working days."""
    if canon.find("ngày", start, end) < 0:
        return False
    return any(int(m.group(1)) == days for m in _PLAIN_DAYS.finditer(canon, start, end))


def _where_working_days(canon: str, rows: list[Any]) -> str:
    """Where the channel text states working days: a description, or only another row's time
    cell ("Dịch vụ bưu chính3 Ngày làm việc")."""
    for m in _WORKING_DAYS_LIMIT.finditer(canon):
        if not any(r.start <= m.start() < r.end for r in rows):
            return "mô tả"
    return "dòng khác của bảng cách thức thực hiện"


class CalendarDays:
    """TH003: "ngày" without "làm việc" where the same text or the reference uses working days.

    Another row's or a description's working days count only for the same number of days;
    another number is another limit.

    A row whose own description repeats its number as plain days is left alone: the
    publication is consistent there, and the working days of another row are another limit.
    So is a row whose number the steps give as a limit in plain days, when only the channel
    table (not the reference) speaks of working days.
    """

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        pass

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        view = pv.view(component)
        rows = view_rows(view) if component == "channels" else []
        bare = [n for n, r in enumerate(rows) if r.unit == "ngay"]
        if not bare:
            return []
        canon = view.canon
        ref = _reference_for(pv, ctx)
        # a limit stated in working days elsewhere in the text ("07 ngày làm việc, kể từ…"), not
        # office hours ("giờ hành chính các ngày làm việc")
        working_in_text = bool(_WORKING_DAYS_LIMIT.search(canon))
        plain_in_steps: set[int] = set()
        ref_working = bool(ref) and ref.get("unit") == "ngay_lam_viec"
        if working_in_text or ref_working:
            where = _where_working_days(canon, rows) if working_in_text else "thời hạn tham chiếu"
            # another row or a description in working days is evidence for the same number of
            # days only: "Trực tiếp21 Ngày" beside "Trực tiếp5 Ngày làm việc" are two limits of
            # two stages (2.000293), not one unit left unclear; the reference, for any row
            working = None if ref_working else {int(g) for m in _WORKING_DAYS_NUMBER.finditer(canon) for g in m.groups() if g}
            if not ref_working:
                # only the channel table says working days: a row whose number the steps
                # give as plain days follows the steps ("Trực tuyến15 Ngày" beside "Trực
                # tiếp3 Ngày làm việc", and in the steps "03 ngày làm việc" for one case,
                # "15 ngày" for another: 3.000378), unless the steps give it in working days too
                steps = pv.view("steps").canon
                plain_in_steps = _plain_day_limits(steps) - _working_day_limits(steps)
        else:
            # the steps give the same number of days as working days ("1 Ngày" in the table,
            # "trong thời hạn 01 ngày làm việc" in the steps): any number would not do, the
            # steps also set limits of their own steps ("bổ sung trong 05 ngày làm việc")
            steps = pv.view("steps").canon
            if _WORKING_DAYS not in steps:
                return []
            where, working = "trình tự thực hiện", _working_day_limits(steps)
        for n in bare:
            r = rows[n]
            days = int(r.value) if r.value is not None and r.value == int(r.value) else None
            if (working is not None and days not in working) or days in plain_in_steps:
                continue
            description_end = rows[n + 1].start if n + 1 < len(rows) else len(canon)
            if days is None or not _says_plain_days(canon, days, r.end, description_end):
                return [Hit(component, r.start, r.end, {"value": f"{r.value:g} ngày", "where_vi": where})]
        return []


# "15.000.000", "50,000" or "200 đồng": \d{1,3}(?:[.,]\d{3})+|\d+ ?(?:usd|vnđ|vnd|đồng), with the
# first digit taken out of both branches so the regex engine skips to the next digit instead
# of trying both branches at every character (same matches: tests/test_rules_prefilter.py)
_FEE_AMOUNT = re.compile(r"\d(?:\d{0,2}(?:[.,]\d{3})+|\d* ?(?:usd|vnđ|vnd|đồng))")
# the portal's fee cells in words (portal._FEE_CELL): two rows in three; no digit, so no
# _FEE_AMOUNT match
_FEE_CELL_WORDS = frozenset(("Miễn phí", "Không có thông tin", "Không"))


def _fee_amount(fee: str) -> "re.Match[str] | None":
    """``_FEE_AMOUNT.search(fee.lower())``, without the copy and the regex call for a cell in words."""
    return None if fee in _FEE_CELL_WORDS else _FEE_AMOUNT.search(fee.lower())


# a fee document in the legal basis: r"phí|lệ phí|tt-btc" as first written, read as two
# ``in`` tests ("lệ phí" holds "phí"), not a regex tried at every "p", "l" and "t" of the basis
_FEE_DOC_WORDS = ("phí", "tt-btc")
# a fee cell naming its own basis: "100 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC … quy định
# mức thu …)": a Finance circular, a provincial council's resolution or decision right after
# "căn cứ …:", in a note about the fee; not a circular cited for a reduction ("… bằng 50% mức
# thu … theo quy định tại Thông tư số 64/2025/TT-BTC", "Căn cứ: Thông tư 64/2025/TT-BTC, từ
# 01/7/2025 mức thu bằng 50% …"), nor a resolution on something else
_FEE_CELL_BASIS = re.compile(
    r"căn cứ(?: pháp lý)?\s*:\s*(?:thông tư|nghị quyết|quyết định)(?: số)?\s*[^\s()]{0,20}/\s?(?:tt-btc|ttlt-btc|nq-hđnd|qđ-ubnd)")
_FEE_WORDS = re.compile(r"phí|mức thu")
_RATE_CUT = re.compile(r"bằng \d+(?:[.,]\d+)?\s?%|giảm \d")


def _names_fee_basis(canon: str, start: int, end: int) -> bool:
    """Does ``canon[start:end]``, a fee's own cell (its channel row up to the next row; the whole
    text outside the portal table), name the document that sets the fee? (``_FEE_CELL_BASIS``)"""
    for m in _FEE_CELL_BASIS.finditer(canon, start, end):
        close = canon.find(")", m.end(), end)
        note = canon[m.start() : close if close >= 0 else end]
        if _FEE_WORDS.search(note) and not _RATE_CUT.search(note):
            return True
    return False


# an amount in a fee description, with its unit when written ("15.000.000 đồng")
_NON_ZERO_DIGIT = re.compile(r"[1-9]")
_AMOUNT_WITH_UNIT = re.compile(rf"(?:{_FEE_AMOUNT.pattern})(?:\s?(?:việt nam đồng|đồng|vnđ|vnd|usd|đ)(?!\w))?")


def _amount_in_description(view: ComponentView, cell_end: int, row_end: int) -> tuple[int, int] | None:
    """A non-zero amount in the "(…)" description the portal prints right after a fee cell,
    read up to the next channel row (``row_end``; the description may hold "a)" items, so
    its own closing parenthesis cannot be told apart).

    The portal's fee cell can say "Miễn phí" while its description lists the real charges
    ("Miễn phí(- Cấp lại do thay đổi nội dung: 15.000.000 đồng/lần …)"): 7 of 16 labelled
    fee-bearing records without a fee document were missed when only the cell was read."""
    text = view.canon
    if not text.startswith("(", cell_end):
        return None
    end = min(row_end, cell_end + 600)
    if _NON_ZERO_DIGIT.search(text, cell_end + 1, end) is None:
        return None  # what is reported holds one
    for m in _AMOUNT_WITH_UNIT.finditer(text, cell_end + 1, end):
        if _NON_ZERO_DIGIT.search(text, m.start(), m.end()):
            return m.start(), m.end()
    return None


def _fee_hits(pv: ProcView, component: str) -> list[Hit]:
    view = pv.view(component)
    hits = []
    if component == "channels":
        rows = view_rows(view)
        for n, row in enumerate(rows):
            if not row.fee:
                continue
            s = find(view.text, row.fee, row.end)  # (str.find's fast twin)
            row_end = rows[n + 1].start if n + 1 < len(rows) else len(view.text)
            # "_cell": where the fee's own cell is (its row, up to the next): what may cite its basis
            if _fee_amount(row.fee):
                hits.append(Hit(component, s, s + len(row.fee), {"fee": row.fee, "_cell": (row.start, row_end)}))
            elif s != -1 and (span := _amount_in_description(view, s + len(row.fee), row_end)):
                hits.append(Hit(component, span[0], span[1], {"fee": view.text[span[0] : span[1]], "_cell": (row.start, row_end)}))
    elif component == "fees" and not pv.is_empty("fees"):
        m = _FEE_AMOUNT.search(view.canon)
        if m:
            hits.append(Hit(component, m.start(), m.end(), {"fee": view.text[m.start() : m.end()], "_cell": (0, len(view.canon))}))
    return hits


def _cites_fee_document(pv: ProcView) -> bool:
    """Does the legal basis cite a fee document (its words, or a Finance circular among the
    typed documents)? Kept on the basis's view: both of PL001's components ask."""
    view = pv.view("legal_basis")
    got = view.cache.get("cites_fee_document")
    if got is None:
        basis = view.canon
        got = view.cache["cites_fee_document"] = _names_any(basis, _FEE_DOC_WORDS) or _cites_finance_circular(pv)
    return got


def _cites_finance_circular(pv: ProcView) -> bool:
    """A Finance circular ("…/TT-BTC") among the typed legal documents (a loop, not
    any(genexpr): no generator object, compiled)."""
    for lb in pv.proc.legal_basis:
        if lb.number and "TT-BTC" in lb.number:
            return True
    return False


class FeeWithoutBasis:
    """PL001: a fee amount is published but no fee document is cited in the legal basis."""

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        pass

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        # the basis first: either it or a fee without a hit clears the procedure, and it
        # clears a third of them without reading their channel table's fee cells
        if _cites_fee_document(pv):
            return []
        hits = _fee_hits(pv, component)
        if not hits:
            return []
        # a fee whose own cell names its fee document is cited ("100 VNĐ(Căn cứ pháp lý: Thông tư
        # 269/2016/TT-BTC …)"); the first fee that is not, reported
        canon = pv.view(component).canon
        return [h for h in hits if not _names_fee_basis(canon, *h.vars["_cell"])][:1]


class NoOnlineRate:
    """PL002: the fee document sets a lower online rate but the online row repeats the direct fee."""

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        pass

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        if component != "channels":
            return []
        all_entries = (ctx.data.get("fee_online_rates") or {}).get("entries", [])
        screen = ctx.cache.get("fee_online_rates_screen")
        if screen is None:
            screen = ctx.cache["fee_online_rates_screen"] = NumberScreen.for_ids(
                canonical_number(e["document"]) for e in all_entries)
        basis = pv.view("legal_basis")
        if not basis.text or ("cited" not in basis.cache and not screen.may_cite(basis)):
            return []
        basis_keys = {c.key for c in cited_in(pv, "legal_basis")}
        entries = [e for e in all_entries if number_key(e["document"]) in basis_keys]
        if not entries:
            return []
        rows = view_rows(pv.view(component))
        direct = [r for r in rows if r.kind == "truc_tiep" and r.fee and _fee_amount(r.fee)]
        online = [r for r in rows if r.kind == "truc_tuyen"]
        if not direct:
            return []
        if online and all(o.fee and o.fee != direct[0].fee for o in online):
            return []
        r = online[0] if online else direct[0]
        return [Hit(component, r.start, r.end, {"document": entries[0]["document"], "fee": direct[0].fee})]


_LOCAL_DOC = re.compile(r"/(QĐ|NQ|CT|QD)-(UBND|HĐND|UB|HDND)")


class LocalBasisOnly:
    """CC004: the legal basis cites only local documents for a centrally regulated procedure."""

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        pass

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        kind = canon(str(pv.proc.extra.get("loai_thu_tuc") or pv.proc.extra.get("procedure_type") or ""))
        # portal "Loại thủ tục": only "không được luật giao cho địa phương quy định" says the
        # locality may not set the procedure (meaning of the types: TTHC-DOMAIN §1.4 [O/U]);
        # read before the citations, which cost ~50x more
        if "không được luật giao cho địa phương" not in kind:
            return []
        cited = cited_in(pv, component)
        if not cited or not all(_LOCAL_DOC.search(c.number) for c in cited):
            return []
        c = cited[0]
        return [Hit(component, c.start, c.end, {"document": c.number})]


_LEVEL_SUFFIX = re.compile(r"\s*\((thực hiện )?(tại )?cấp [^)]*\)\s*$")


def _without_level_suffix(name: str) -> str:
    """``_LEVEL_SUFFIX.sub("", name)``: a name whose last non-space is not ")" has no such
    suffix (``\\s`` and ``str.rstrip`` take the same Unicode whitespace) and is returned
    without the regex, which tried every position of the name (three names in four)."""
    return _LEVEL_SUFFIX.sub("", name) if name.rstrip().endswith(")") else name


# words that turn a scope into its complement: "… (trừ trường hợp X)" beside "… (trường hợp
# X)" (3.000340, 3.000339) are the two halves of one licence, not one procedure twice
_COMPLEMENT_WORDS = frozenset({"trừ", "ngoài", "không"})
_WORD = re.compile(r"\w+")


def _complementary(name_a: str, name_b: str) -> bool:
    """Do two names differ by a word that excludes what the other covers?"""
    a, b = set(_WORD.findall(name_a)), set(_WORD.findall(name_b))
    return bool((a ^ b) & _COMPLEMENT_WORDS)


class NearDuplicates:
    """TR001: two different procedures with (nearly) the same name and dossier."""

    set_level = True

    def __init__(self, rule: Rule, data: dict[str, Any]) -> None:
        self.threshold = float(rule.match.get("threshold", 95))
        self.dossier_threshold = float(rule.match.get("dossier_threshold", 90))

    def __call__(self, pv: ProcView, component: str, ctx: Context) -> list[Hit]:
        return []

    def check_set(self, views: list[ProcView], ctx: Context) -> list[tuple[ProcView, Hit]]:
        buckets: dict[str, list[tuple[ProcView, str]]] = {}
        for pv in views:
            name = _without_level_suffix(pv.name_canon)
            key = " ".join(name.split()[:4])
            buckets.setdefault(key, []).append((pv, name))
        out = []
        for items in buckets.values():
            # one representative per procedure code: copies of one record are not duplicates
            groups: dict[str, list[tuple[ProcView, str]]] = {}
            for pv, name in items:
                groups.setdefault(pv.proc.code or pv.proc.id, []).append((pv, name))
            reps = [(key, members[0][0], members[0][1]) for key, members in groups.items()]
            if len(reps) < 2 or len(reps) > 200:
                continue
            for i, (ka, a, na) in enumerate(reps):
                for kb, b, nb in reps[i + 1 :]:
                    if fuzz.ratio(na, nb) < self.threshold or _complementary(na, nb):
                        continue
                    dossier = fuzz.token_set_ratio(a.view("dossier").canon, b.view("dossier").canon)
                    if dossier < self.dossier_threshold:
                        continue
                    for member, _ in groups[kb]:
                        text = member.view("name").text
                        out.append((member, Hit("name", 0, len(text), {
                            "other": f"{a.proc.code or a.proc.id} {a.proc.name}", "score": f"{dossier:.0f}"}, member.proc)))
        return out


BUILTINS: dict[str, Builtin] = {
    "in_person_only": Builtin(InPersonOnly, {"missing_vi", "steps_note_vi", "add_vi"}),
    "paper_only_result": Builtin(PaperOnlyResult, set()),
    "dvc_level_terms": Builtin(DvcLevelTerms, set()),
    "already_issued": Builtin(AlreadyIssued, set()),
    "vague_time_limit": Builtin(VagueTimeLimit, {"channel"}),
    "longer_than_reference": Builtin(LongerThanReference, {"value", "reference", "source"}),
    "calendar_days": Builtin(CalendarDays, {"value", "where_vi"}),
    "fee_without_basis": Builtin(FeeWithoutBasis, {"fee"}),
    "no_online_rate": Builtin(NoOnlineRate, {"document", "fee"}),
    "local_basis_only": Builtin(LocalBasisOnly, {"document"}),
    "near_duplicates": Builtin(NearDuplicates, {"other", "score"}),
}
