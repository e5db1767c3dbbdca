"""Which clauses of which document a regulation amends or repeals, read from its articles.

Two shapes, both common in decrees and circulars:

* the title amends one document ("Sửa đổi, bổ sung một số điều của Nghị định số X"): the
  items of its articles ("1. Sửa đổi khoản 2 Điều 8 như sau:", "a) Bãi bỏ khoản 1 Điều 3")
  touch X (``clauses_touched``);
* an article amends a document ("Điều 52. Sửa đổi, bổ sung một số điều của Nghị định số Y"
  in a decree's closing chapter, or one article per document when the title names several):
  the items of that article touch Y (``amending_articles``); an article "Bãi bỏ một số điều
  của Thông tư Z" repeals the clauses it lists, "Bãi bỏ Thông tư Z" the whole of Z.

"Bãi bỏ" items are partial repeals, the others amendments. Everything is read on ``fold()``
text (same length as the original), so offsets index the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tthc_pipeline.legal.citations import _parse_articles, find_citations
from tthc_pipeline.text.normalize import canon, fold

# An item: "2. Sửa đổi, bổ sung khoản 6 Điều 28", "a) Bãi bỏ khoản 1; điểm c khoản 2 Điều 12",
# an article that is one item ("Điều 1. Sửa đổi Điều 3 như sau:"),
# "Bổ sung khoản 3 vào Điều 13", "Bổ sung khoản 2a vào sau khoản 2 Điều 1". ``container``: an
# item that only announces sub-items ("Sửa đổi một số điểm của khoản 6 Điều 28 như sau:").
# Spaces and tabs only (``^[ \t]*``, ``[ \t,;]*``): a chain never runs onto the next line, and
# runs of blank lines cost nothing.
_ITEM = re.compile(
    r"^[ \t]*(?:(?:\d+[ \t]*[.,]|[a-z]\)|dieu[ \t]+\d+[a-z]?[ \t]*[.:])[ \t]*)?"
    r"(?P<verb>sua\s+doi\s*,\s*bo\s+sung|sua\s+doi|bo\s+sung|bai\s+bo|thay\s+the)[ \t]+"
    r"(?P<container>mot\s+so\s+(?:diem|khoan|dieu)(?:\s*,\s*(?:diem|khoan|dieu))*[ \t]+(?:cua[ \t]+)?)?"
    r"(?P<chain>(?:(?:diem|khoan|dieu)[ \t]+[0-9a-z]+[ \t,;]*(?:(?:va|vao(?:[ \t]+sau)?)[ \t]+(?:bo[ \t]+sung[ \t]+)?)?)+)",
    re.MULTILINE,
)
# An article amending a document: its heading line starts so.
_ARTICLE = re.compile(r"^[ \t]*dieu[ \t]+(?P<n>\d+)[ \t]*[.:][ \t]*(?P<verb>sua\s+doi|bo\s+sung|bai\s+bo)[^\n]*", re.MULTILINE)
# an item of a repealing article, which lists clauses without a verb: "1. Điều 5;", "b) khoản 3 Điều 7"
_BARE_ITEM = re.compile(
    r"^[ \t]*(?:\d+[ \t]*[.,]|[a-z]\)|[-+•])[ \t]*(?P<chain>(?:(?:diem|khoan|dieu)[ \t]+[0-9a-z]+[ \t,;]*(?:va[ \t]+)?)+)",
    re.MULTILINE)
# the type words of a document's name, on fold() text
_DOC_TYPE = r"(?:nghi\s+dinh|thong\s+tu(?:\s+lien\s+tich)?|luat|bo\s+luat|nghi\s+quyet|quyet\s+dinh|phap\s+lenh)"
# The heading's words just before the document it amends: "… của / quy định tại / vào
# [các] [Nghị định] [số]", a clause ("… khoản 3 Điều 7 Thông tư số …") or the verb itself
# ("Sửa đổi, bổ sung Luật Đầu tư số …"); not "… theo …".
_TARGET_BEFORE = re.compile(
    r"(?:\bcua|\btai|\bvao|(?:dieu|khoan|diem)\s+[0-9a-z]+|sua\s+doi(?:\s*,\s*bo\s+sung)?|\bbo\s+sung|bai\s+bo(?:\s+toan\s+bo)?)\s*(?:cac\s+)?"
    rf"(?:{_DOC_TYPE}\s+)?(?:so\s*)?$"
)
# a line that starts an article's body: an item ("1.", "a)"), a quotation, another article,
# a blank line; a heading without a document number wraps onto at most two more lines
_BODY_LINE = re.compile(r"[ \t]*(?:\d+\s*[.,]|[a-z]\)|[\"“”']|dieu\s+\d|(?=\n)|\Z)")
_NUMBER = re.compile(r"\d\s*/\s*(?:19|20)\d\d")
# "Điều 3. Bãi bỏ (toàn bộ) Thông tư số X": nothing but the document after the verb, the only
# heading read as the repeal of the whole document (anything else, "Bãi bỏ Điều 12 … của",
# "Bãi bỏ các quy định về … tại", "Bãi bỏ Phụ lục II … quy định tại", repeals parts)
_WHOLE_REPEAL = re.compile(
    r"^[ \t]*dieu[ \t]+\d+[ \t]*[.:][ \t]*bai\s+bo\s+(?:toan\s+bo\s+)?"
    rf"(?:{_DOC_TYPE}\s+)?(?:so\s*)?$"
)
# where an item's own words end: the new wording follows ("như sau", a quotation mark)
_WORDING = re.compile(r"nhu\s+sau|[\"“”]")
# a document named after an item's clauses, on its line or the next when the line ends in
# "của / tại / số": the item is about that document
_DOC_WORD = re.compile(rf"{_DOC_TYPE}|\d\s*/")
_ENDS_OPEN = re.compile(r"(?:\bcua|\btai|\bso)\s*$")
# a prose line (not a heading's continuation) starts with a capital letter
_PROSE_START = re.compile(r"[ \t]*[A-ZÀ-ỸĐ]")
_DIEU = re.compile(r"điều\s+\w+")


@dataclass
class Touched:
    """The clauses one amendment amends and those it repeals."""

    amended: list[dict[str, str]] = field(default_factory=list)
    repealed: list[dict[str, str]] = field(default_factory=list)

    def add(self, other: "Touched") -> None:
        self.amended = sorted_clauses(self.amended + other.amended)
        self.repealed = sorted_clauses(self.repealed + other.repealed)


@dataclass
class AmendingArticle:
    """What the articles naming one document do to it: amend (``amends``: some article
    amends it) and repeal clauses (``touched.repealed``), or repeal it whole (``whole``: an
    article "Bãi bỏ Thông tư số X" naming no clause)."""

    target: str  # canonical id of the document
    touched: Touched
    spans: list[tuple[int, int]]  # the articles in the text (heading to the next article)
    amends: bool = True
    whole: bool = False


def clauses_touched(text: str, spans: list[tuple[int, int]], target: str | None,
                    folded: str | None = None, ctext: str | None = None) -> Touched:
    """The clauses the items in ``text[s:e]`` (for each span) touch. An item naming another
    document after its clauses ("Bãi bỏ khoản 3 Điều 7 Thông tư số 12/2020/TT-BCA") is not
    about ``target`` and is left out. ``folded``/``ctext``: fold(text), canon(text) when the
    caller has them."""
    folded = fold(text) if folded is None else folded
    ctext = canon(text) if ctext is None else ctext
    amended: list[dict[str, str]] = []
    repealed: list[dict[str, str]] = []
    for start, end in spans:
        for m in _ITEM.finditer(folded, start, end):
            if m.group("container") or _names_other_document(text, folded, m.end("chain"), end, target):
                continue  # a container's sub-items are items of their own
            clauses = chain_clauses(ctext[m.start("chain"):m.end("chain")])
            (repealed if m.group("verb").startswith("bai") else amended).extend(clauses)
    return Touched(sorted_clauses(amended), sorted_clauses(repealed))


def _names_other_document(text: str, folded: str, pos: int, end: int, target: str | None) -> bool:
    """Does the item whose clauses end at ``pos`` name a document other than ``target``: on
    the rest of its line, up to the new wording ("như sau", a quotation mark), or on the
    next line when the line ends in "của / tại / số"?"""
    line_end = folded.find("\n", pos, end)
    line_end = end if line_end < 0 else line_end
    wording = _WORDING.search(folded, pos, line_end)
    stop = wording.start() if wording else line_end
    if wording is None and _ENDS_OPEN.search(folded, pos, line_end) and line_end < end:
        following = folded.find("\n", line_end + 1, end)
        stop = end if following < 0 else following
    if not _DOC_WORD.search(folded, pos, stop):
        return False
    return any(c.canonical_id and c.canonical_id != target for c in find_citations(text[pos:stop]))


def chain_clauses(chain: str) -> list[dict[str, str]]:
    """Clauses of an item's chain (canon text): "khoản 1; điểm c khoản 2 điều 12" gives both
    clauses of Article 12 (the article named last applies to the groups before it);
    "khoản 2a vào sau khoản 2 điều 1" gives clause 2a of Article 1 only (clause 2 is where it
    goes)."""
    head, into, anchor = chain.partition("vào sau")
    if into and not _DIEU.search(head):
        # the anchor without its first unit is where the new one sits: "điểm đ vào sau điểm d
        # khoản 2 điều 5" is point đ of clause 2 of Article 5
        parts = anchor.split()
        chain = f"{head} {' '.join(parts[2:])}"
    elif into:
        chain = head
    groups = [g for g in chain.split(";") if g.strip()]
    last = _DIEU.findall(groups[-1]) if groups else []
    out: list[dict[str, str]] = []
    for group in groups:
        out += _parse_articles(group if _DIEU.search(group) or not last else f"{group} {last[-1]}")
    return out


def sorted_clauses(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """Without repeats, in reading order: Điều 4 < 4a < 10, khoản 2 < 10, điểm d < đ < e."""
    unique = [dict(t) for t in {tuple(sorted(a.items())) for a in items}]
    unique.sort(key=lambda a: (_number_order(a.get("dieu", "")), _number_order(a.get("khoan", "")),
                               a.get("diem", "").replace("đ", "d~")))
    return unique


def _number_order(ident: str) -> tuple[int, str]:
    """"4" < "4a" < "10" (not "10" < "4"); "04" and "4" are one number."""
    digits = re.match(r"\d*", ident).group(0)
    return (int(digits) if digits else 0, ident[len(digits):])


def amending_articles(text: str, own_id: str | None, folded: str | None = None,
                      ctext: str | None = None) -> list[AmendingArticle]:
    """Each article "Điều N. Sửa đổi, bổ sung … <document>" with the clauses its items touch,
    and each "Điều N. Bãi bỏ (một số điều của) <document>" with the clauses it lists.

    The document is the first one the heading cites after "của / quy định tại / vào" or a
    clause ("Điều 12. Bổ sung thông tin …" whose body cites a circular it follows amends
    nothing), not a later "đã được sửa đổi … theo Nghị định …" describing it. The article
    runs to the heading of Điều N+1; amending headings before that are quoted new wording,
    not articles. Without an Điều N+1 (a heading OCR garbled) it ends at the next amending
    heading. Several articles on one document are merged. A repealing article repeals the
    whole document only when its heading is "Bãi bỏ (toàn bộ) <document>"; one that names
    parts no clause of which could be read teaches nothing. ``folded``/``ctext``: fold(text),
    canon(text) when the caller has them."""
    folded = fold(text) if folded is None else folded
    ctext = canon(text) if ctext is None else ctext
    headings = list(_ARTICLE.finditer(folded))
    starts: dict[int, list[int]] = {}  # article number -> where its headings start
    for h in re.finditer(r"^[ \t]*dieu[ \t]+(\d+)[ \t]*[.:]", folded, re.MULTILINE):
        starts.setdefault(int(h.group(1)), []).append(h.start())
    out: dict[str, AmendingArticle] = {}
    inside_until = -1
    for i, m in enumerate(headings):
        if m.start() < inside_until:
            continue
        head_end = _heading_end(text, folded, m.start(), m.end())
        following = next((p for p in starts.get(int(m.group("n")) + 1, []) if p >= head_end), None)
        if following is not None:
            end = inside_until = following
        else:
            end = next((h.start() for h in headings[i + 1:] if h.start() >= head_end), len(text))
        target, seed, before = _target(text, folded, m.start(), head_end, own_id)
        if target is None:
            continue
        touched = clauses_touched(text, [(head_end, end)], target, folded, ctext)
        repeals = m.group("verb").startswith("bai")
        whole = False
        if repeals:  # its items list the clauses repealed, with or without a verb
            listed = [c for b in _BARE_ITEM.finditer(folded, head_end, end)
                      if not _names_other_document(text, folded, b.end("chain"), end, target)
                      for c in chain_clauses(ctext[b.start("chain"):b.end("chain")])]
            touched = Touched(touched.amended, sorted_clauses(touched.repealed + seed.amended + listed))
            if not touched.repealed and not touched.amended:
                if not _WHOLE_REPEAL.search(before):
                    continue  # parts it names, none of which could be read
                whole = True
        else:
            touched.add(seed)
        amends = not repeals or bool(touched.amended)
        got = out.get(target)
        if got is None:
            out[target] = AmendingArticle(target, touched, [(m.start(), end)], amends=amends, whole=whole)
        else:
            got.touched.add(touched)
            got.spans.append((m.start(), end))
            got.amends = got.amends or amends
            got.whole = got.whole or whole
    return list(out.values())


def _target(text: str, folded: str, start: int, end: int, own_id: str | None) -> tuple[str | None, Touched, str]:
    """The document an amending heading names, with the clauses the heading itself names
    ("Sửa đổi, bổ sung khoản 3 Điều 7 Thông tư số 55/2021/TT-BCA") and the heading's words
    before it (folded)."""
    for c in find_citations(text[start:end]):
        if not c.canonical_id or c.is_self_reference or c.canonical_id == own_id:
            continue
        before = folded[start:start + c.start]
        if not _TARGET_BEFORE.search(before):
            return None, Touched(), before
        return c.canonical_id, Touched(sorted_clauses(list(c.articles or [])), []), before
    return None, Touched(), ""


def _heading_end(text: str, folded: str, start: int, end: int) -> int:
    """End of the heading that starts at ``start`` and whose first line ends at ``end``: it
    goes on while it has no document number and the next line continues it (not an item, a
    quotation, an article, a blank line, nor a sentence starting with a capital letter)."""
    for _ in range(2):
        if (_NUMBER.search(folded, start, end) or end >= len(folded) or _BODY_LINE.match(folded, end + 1)
                or _PROSE_START.match(text, end + 1)):
            break
        nl = folded.find("\n", end + 1)
        end = len(folded) if nl < 0 else nl
    return end
