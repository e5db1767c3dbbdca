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
    r"^[ \t]*(?:(?:\d+\.|[a-z]\)|dieu[ \t]+\d+[a-z]?[ \t]*[.:])[ \t]*)?"
    r"(?P<verb>sua\s+doi\s*,\s*bo\s+sung|sua\s+doi|bo\s+sung|bai\s+bo|thay\s+the)[ \t]+"
    r"(?P<container>mot\s+so\s+(?:diem|khoan|dieu)(?:\s*,\s*(?:diem|khoan|dieu))*[ \t]+(?:cua[ \t]+)?)?"
    r"(?P<chain>(?:(?:diem|khoan|dieu)[ \t]+[0-9a-z]+[ \t,;]*(?:(?:va|vao(?:[ \t]+sau)?)[ \t]+(?:bo[ \t]+sung[ \t]+)?)?)+)",
    re.MULTILINE,
)
# An article amending a document: its heading line starts so.
_ARTICLE = re.compile(r"^[ \t]*dieu[ \t]+(?P<n>\d+)[ \t]*[.:][ \t]*(?P<verb>sua\s+doi|bo\s+sung|bai\s+bo)[^\n]*", re.MULTILINE)
# an item of a repealing article, which lists clauses without a verb: "1. Điều 5;", "b) khoản 3 Điều 7"
_BARE_ITEM = re.compile(
    r"^[ \t]*(?:\d+\.|[a-z]\))[ \t]*(?P<chain>(?:(?:diem|khoan|dieu)[ \t]+[0-9a-z]+[ \t,;]*(?:va[ \t]+)?)+)", re.MULTILINE)
# The heading's words just before the document it amends: "… của / quy định tại / vào
# [các] [Nghị định] [số]", a clause ("… khoản 3 Điều 7 Thông tư số …") or the verb itself
# ("Sửa đổi, bổ sung Luật Đầu tư số …"); not "… theo …".
_TARGET_BEFORE = re.compile(
    r"(?:\bcua|\btai|\bvao|(?:dieu|khoan|diem)\s+[0-9a-z]+|sua\s+doi(?:\s*,\s*bo\s+sung)?|\bbo\s+sung|bai\s+bo)\s*(?:cac\s+)?"
    r"(?:(?:nghi\s+dinh|thong\s+tu(?:\s+lien\s+tich)?|luat|bo\s+luat|nghi\s+quyet|quyet\s+dinh|phap\s+lenh)\s+)?(?:so\s*)?$"
)
# a line that starts an article's body: an item ("1.", "a)"), a quotation, another article,
# a blank line; a heading without a document number wraps onto at most two more lines
_BODY_LINE = re.compile(r"[ \t]*(?:\d+\s*[.,]|[a-z]\)|[\"“”']|dieu\s+\d|(?=\n)|\Z)")
_NUMBER = re.compile(r"\d\s*/\s*(?:19|20)\d\d")
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


def clauses_touched(text: str, spans: list[tuple[int, int]], target: str | None) -> Touched:
    """The clauses the items in ``text[s:e]`` (for each span) touch. An item naming another
    document after its clauses ("Bãi bỏ khoản 3 Điều 7 Thông tư số 12/2020/TT-BCA") is not
    about ``target`` and is left out."""
    folded, ctext = fold(text), canon(text)
    amended: list[dict[str, str]] = []
    repealed: list[dict[str, str]] = []
    for start, end in spans:
        for m in _ITEM.finditer(folded, start, end):
            if m.group("container"):
                continue  # its sub-items are items of their own
            line_end = folded.find("\n", m.end("chain"), end)
            rest = text[m.end("chain"):end if line_end < 0 else line_end]
            if _NUMBER.search(rest) and any(c.canonical_id and c.canonical_id != target for c in find_citations(rest)):
                continue
            clauses = chain_clauses(ctext[m.start("chain"):m.end("chain")])
            (repealed if m.group("verb").startswith("bai") else amended).extend(clauses)
    return Touched(sorted_clauses(amended), sorted_clauses(repealed))


def chain_clauses(chain: str) -> list[dict[str, str]]:
    """Clauses of an item's chain (canon text): "khoản 1; điểm c khoản 2 điều 12" gives both
    clauses of Article 12 (the article named last applies to the groups before it);
    "khoản 2a vào sau khoản 2 điều 1" gives clause 2a only (clause 2 is where it goes)."""
    head, into, anchor = chain.partition("vào sau")
    if into:
        articles = _DIEU.findall(anchor)
        chain = head if _DIEU.search(head) or not articles else f"{head} {articles[-1]}"
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


def amending_articles(text: str, own_id: str | None) -> list[AmendingArticle]:
    """Each article "Điều N. Sửa đổi, bổ sung … <document>" with the clauses its items touch,
    and each "Điều N. Bãi bỏ (một số điều của) <document>" with the clauses it lists.

    The document is the first one the heading cites after "của / quy định tại / vào" or a
    clause ("Điều 12. Bổ sung thông tin …" whose body cites a circular it follows amends
    nothing), not a later "đã được sửa đổi … theo Nghị định …" describing it. The article
    runs to the heading of Điều N+1; amending headings before that are quoted new wording,
    not articles. Without an Điều N+1 (a heading OCR garbled) it ends at the next amending
    heading. Several articles amending one document are merged."""
    folded = fold(text)
    headings = list(_ARTICLE.finditer(folded))
    out: dict[str, AmendingArticle] = {}
    inside_until = -1
    for i, m in enumerate(headings):
        if m.start() < inside_until:
            continue
        head_end = _heading_end(folded, m.start(), m.end())
        following = re.compile(rf"^[ \t]*dieu[ \t]+{int(m.group('n')) + 1}[ \t]*[.:]", re.MULTILINE).search(folded, head_end)
        if following is not None:
            end = inside_until = following.start()
        else:
            end = next((h.start() for h in headings[i + 1:] if h.start() >= head_end), len(text))
        target, seed = _target(text, folded, m.start(), head_end, own_id)
        if target is None:
            continue
        touched = clauses_touched(text, [(head_end, end)], target)
        repeals = m.group("verb").startswith("bai")
        whole = False
        if repeals:  # "Bãi bỏ (một số điều của) Thông tư X": its items are clauses repealed
            listed = [c for b in _BARE_ITEM.finditer(folded, head_end, end)
                      for c in chain_clauses(canon(text[b.start("chain"):b.end("chain")]))]
            touched = Touched([], sorted_clauses(touched.repealed + touched.amended + seed.amended + listed))
            if not touched.repealed:
                if "mot so" in folded[m.start():head_end]:
                    continue  # "some articles", none of which could be read
                whole = True
        else:
            touched.add(seed)
        got = out.get(target)
        if got is None:
            out[target] = AmendingArticle(target, touched, [(m.start(), end)], amends=not repeals, whole=whole)
        else:
            got.touched.add(touched)
            got.spans.append((m.start(), end))
            got.amends = got.amends or not repeals
            got.whole = got.whole or whole
    return list(out.values())


def _target(text: str, folded: str, start: int, end: int, own_id: str | None) -> tuple[str | None, Touched]:
    """The document an amending heading names, with the clauses the heading itself names
    ("Sửa đổi, bổ sung khoản 3 Điều 7 Thông tư số 55/2021/TT-BCA")."""
    for c in find_citations(text[start:end]):
        if not c.canonical_id or c.is_self_reference or c.canonical_id == own_id:
            continue
        if not _TARGET_BEFORE.search(folded[start:start + c.start]):
            return None, Touched()
        return c.canonical_id, Touched(sorted_clauses(list(c.articles or [])), [])
    return None, Touched()


def _heading_end(folded: str, start: int, end: int) -> int:
    """End of the heading that starts at ``start`` and whose first line ends at ``end``."""
    for _ in range(2):
        if _NUMBER.search(folded, start, end) or end >= len(folded) or _BODY_LINE.match(folded, end + 1):
            break
        nl = folded.find("\n", end + 1)
        end = len(folded) if nl < 0 else nl
    return end
