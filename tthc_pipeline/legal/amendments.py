"""Which clauses of which document a regulation amends or repeals, read from its articles.

Two shapes, both common in decrees and circulars:

* the title amends one document ("Sửa đổi, bổ sung một số điều của Nghị định số X"): the
  items of its articles ("1. Sửa đổi khoản 2 Điều 8 như sau:", "a) Bãi bỏ khoản 1 Điều 3")
  touch X (``clauses_touched``);
* an article amends a document ("Điều 52. Sửa đổi, bổ sung một số điều của Nghị định số Y"
  in a decree's closing chapter, or one article per document when the title names several):
  the items of that article touch Y (``amending_articles``); an article "Bãi bỏ một số điều
  của Thông tư Z" repeals the clauses it lists, "Bãi bỏ Thông tư Z" the whole of Z.

"Bãi bỏ" items are partial repeals, the others amendments; an item or heading that changes
words of a clause ("Bãi bỏ / Bỏ / Thay thế cụm từ “…” tại khoản 2 Điều 5", "Sửa đổi đoạn đầu
khoản 5", "tên Điều 9") amends it: the clause stays in force with other words. A heading
naming several documents ("Bãi bỏ Thông tư số X và Thông tư số Y") applies to each; its
items then count only for the document they name. A heading with several verbs ("Bãi bỏ cụm
từ “…” tại khoản 3 Điều 7 và bãi bỏ Điều 12 của …") gives each verb its clauses. Everything
is read on ``fold()`` text (same length as the original), so offsets index the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tthc_pipeline.legal.citations import _parse_articles, find_citations
from tthc_pipeline.text.normalize import canon, fold

# The verbs of an item: "Thay", "Bỏ" only change words ("Bỏ cụm từ “…” tại …"); the others
# also name whole clauses.
_VERB = r"sua\s+doi\s*,\s*bo\s+sung|sua\s+doi|bo\s+sung|bai\s+bo|thay\s+the"
_WORD_VERB = _VERB + r"|thay|bo"
# What an item changes inside a clause, before the clause: "cụm từ “…” (bằng cụm từ “…”) tại",
# "đoạn đầu (của)", "tên", "tiêu đề". Changing words of a clause amends it, whatever the verb:
# "Bãi bỏ cụm từ “cấp huyện” tại khoản 2 Điều 5" leaves clause 2 in force with other words.
# The words may wrap onto the next lines (quotations often do, in scans too): ``\s`` here.
_WORDS = r"(?:(?:cac\s+)?(?:cum\s+tu|tu\s+ngu|tu|chu)\s+)?"
_QUOTED = rf"(?:{_WORDS}[“\"][^”\"]{{0,300}}[”\"][\s,;]*(?:(?:va|hoac)\s+)?)+"
# the quoted words, what replaces them, and the word before the clauses ("tại", "của")
_QUOTED_AT = rf"{_QUOTED}(?:(?:bang|thanh|vao\s+(?:sau|truoc))\s+{_QUOTED})?(?:tai|o|trong|cua)\s+(?:cac\s+)?"
_OBJECT = (
    r"(?P<object>(?:ten|tieu\s+de|(?:doan|cau)\s+(?:dau|mo\s+dau|cuoi|thu\s+\w+))\s+(?:cua\s+)?"
    rf"|{_QUOTED_AT}"
    # a heading that only announces them: "Thay thế một số cụm từ tại Thông tư số …"
    r"|(?:mot\s+so|cac)\s+(?:cum\s+tu|tu\s+ngu|tu)(?:\s*,\s*(?:cum\s+tu|tu\s+ngu|tu))*\s+(?:tai|o|trong|cua)\s+(?:cac\s+)?)"
)
# Clauses over any whitespace, lines included; "tại các Điều 5, 6 và 7": bare numbers after a
# unit, up to the end of the list
_CHAIN_WS = (r"(?:(?:diem|khoan|dieu)\s+[0-9a-z]+(?:\s*(?:,|va\b)\s*\d+[a-z]?(?=\s*(?:[,;.]|va\b|$)))*"
             r"[\s,;]*(?:va\s+)?)+")
_ITEM_START = r"^[ \t]*(?:(?:\d+[ \t]*[.,]|[a-z]\)|dieu[ \t]+\d+[a-z]?[ \t]*[.:])[ \t]*)?"
# An item: "2. Sửa đổi, bổ sung khoản 6 Điều 28", "a) Bãi bỏ khoản 1; điểm c khoản 2 Điều 12",
# an article that is one item ("Điều 1. Sửa đổi Điều 3 như sau:"),
# "Bổ sung khoản 3 vào Điều 13", "Bổ sung khoản 2a vào sau khoản 2 Điều 1". ``container``: an
# item that only announces sub-items ("Sửa đổi một số điểm của khoản 6 Điều 28 như sau:").
# Spaces and tabs only (``^[ \t]*``, ``[ \t,;]*``): a chain never runs onto the next line, and
# runs of blank lines cost nothing.
_ITEM = re.compile(
    _ITEM_START + rf"(?P<verb>{_VERB})[ \t]+"
    r"(?P<container>mot\s+so\s+(?:diem|khoan|dieu)(?:\s*,\s*(?:diem|khoan|dieu))*[ \t]+(?:cua[ \t]+)?)?"
    r"(?P<chain>(?:(?:diem|khoan|dieu)[ \t]+[0-9a-z]+[ \t,;]*(?:(?:va|vao(?:[ \t]+sau)?)[ \t]+(?:bo[ \t]+sung[ \t]+)?)?)+)",
    re.MULTILINE,
)
# One more (words, clauses) pair of an item: "…, cụm từ “…” tại điểm k khoản 3 và cụm từ “…”
# tại điểm g khoản 4 Điều 74" (the article named last is every pair's)
_MORE_HEAD = rf"\s*[,;]?\s*(?:va\s+)?{_QUOTED_AT}"
_MORE_PART = re.compile(rf"{_MORE_HEAD}(?P<chain>{_CHAIN_WS})")
# An item changing words of clauses: "13. Thay thế cụm từ “…” bằng cụm từ “…” tại điểm c
# khoản 1 Điều 15 và điểm c khoản 1 Điều 16", its clauses possibly on the next lines, then
# the item's other pairs (``more``, read again with ``_MORE_PART``).
_PHRASE_ITEM = re.compile(
    _ITEM_START + rf"(?P<verb>{_WORD_VERB})\s+{_OBJECT}(?P<chain>{_CHAIN_WS})(?P<more>(?:{_MORE_HEAD}{_CHAIN_WS})*)",
    re.MULTILINE,
)
_OBJECT_AT = re.compile(rf"[ \t]*{_OBJECT}")
# the verbs of a heading and the clauses after each (``_heading_parts``)
_HEAD_VERB = re.compile(rf"\b(?P<verb>{_WORD_VERB})\b")
_HEAD_CHAIN = re.compile(rf"\s*(?:toan\s+bo\s+)?(?:cac\s+)?(?P<chain>{_CHAIN_WS})")
_QUOTATION = re.compile(r"[“\"][^”\"]*[”\"]")
# An article amending a document: its heading line starts so.
# "Thay (thế) …", "Bỏ …" only with the words they change ("Điều 2. Thay thế cụm từ “…” tại …").
_ARTICLE = re.compile(
    r"^[ \t]*dieu[ \t]+(?P<n>\d+)[ \t]*[.:][ \t]*(?P<verb>sua\s+doi|bo\s+sung|bai\s+bo|thay(?:\s+the)?|bo)\b[^\n]*",
    re.MULTILINE)
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
# between two documents a heading names together: the first one's date, issuer and title
# words (no verb, nothing it is "theo" or "hướng dẫn": those name other documents), then
# ",", ";", "và", "hoặc" and the next one's type word
_JOINED = re.compile(
    r"(?:(?!sua\s+doi|bo\s+sung|thay\s+the|huong\s+dan|theo\b|tai\b|can\s+cu|quy\s+dinh\s+chi\s+tiet)[^\n])"
    r"{0,200}?(?:[,;]|\bva\b|\bhoac\b)[ \t]*(?:cac[ \t]+)?"
    rf"(?:{_DOC_TYPE}[ \t]+)?(?:so[ \t]*)?"
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
    # a repealing article naming parts of the document none of which could be read ("Bãi
    # bỏ các quy định về … của Thông tư số X"): repealed in part, the clauses unknown
    partial: bool = False


def clauses_touched(text: str, spans: list[tuple[int, int]], target: str | None,
                    folded: str | None = None, ctext: str | None = None, named_only: bool = False) -> Touched:
    """The clauses the items in ``text[s:e]`` (for each span) touch. An item naming another
    document after its clauses ("Bãi bỏ khoản 3 Điều 7 Thông tư số 12/2020/TT-BCA") is not
    about ``target`` and is left out; with ``named_only``, neither is an item naming no
    document (an article about several documents). ``folded``/``ctext``: fold(text),
    canon(text) when the caller has them."""
    folded = fold(text) if folded is None else folded
    ctext = canon(text) if ctext is None else ctext
    amended: list[dict[str, str]] = []
    repealed: list[dict[str, str]] = []
    for start, end in spans:
        for m in _ITEM.finditer(folded, start, end):
            if m.group("container") or not _about(text, folded, _chain_end(folded, m), end, target, named_only):
                continue  # a container's sub-items are items of their own
            clauses = chain_clauses(ctext[m.start("chain"):m.end("chain")])
            (repealed if m.group("verb").startswith("bai") else amended).extend(clauses)
        for m in _PHRASE_ITEM.finditer(folded, start, end):  # words of clauses: amendments
            if _about(text, folded, _chain_end(folded, m), end, target, named_only):
                chains = [ctext[m.start("chain"):m.end("chain")]]
                chains += [ctext[x.start("chain"):x.end("chain")] for x in _MORE_PART.finditer(folded, m.start("more"), m.end("more"))]
                amended.extend(chain_clauses(";".join(c.rstrip(" \t\r\n,;") for c in chains)))
    return Touched(sorted_clauses(amended), sorted_clauses(repealed))


def _chain_end(folded: str, m: re.Match[str]) -> int:
    """Where the clauses of item ``m`` end, before the separators the chain takes after them
    ("khoản 2 Điều 5;\n" ends before ";"): what follows is read for the document the item
    names, and must not be the next item's line."""
    last = "more" if "more" in m.re.groupindex and m.end("more") > m.start("more") else "chain"
    return m.start(last) + len(folded[m.start(last):m.end(last)].rstrip(" \t\r\n,;"))


def _about(text: str, folded: str, pos: int, end: int, target: str | None, named_only: bool) -> bool:
    """Is the item whose clauses end at ``pos`` about ``target``: it names no other document
    (and, with ``named_only``, it names ``target``)?"""
    named = _item_documents(text, folded, pos, end)
    return named == {target} if named_only else named <= {target}


def _item_documents(text: str, folded: str, pos: int, end: int) -> set[str]:
    """The documents the item whose clauses end at ``pos`` names: on the rest of its line, up
    to the new wording ("như sau", a quotation mark), or on the next line when the line ends
    in "của / tại / số"."""
    line_end = folded.find("\n", pos, end)
    line_end = end if line_end < 0 else line_end
    wording = _WORDING.search(folded, pos, line_end)
    stop = wording.start() if wording else line_end
    if wording is None and _ENDS_OPEN.search(folded, pos, line_end) and line_end < end:
        following = folded.find("\n", line_end + 1, end)
        stop = end if following < 0 else following
    if not _DOC_WORD.search(folded, pos, stop):
        return set()
    return {c.canonical_id for c in find_citations(text[pos:stop]) if c.canonical_id}


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
    chain = _UNIT_WORD.sub(lambda m: _UNITS[fold(m[0])], chain)  # OCR: "điêm c", "Điêu 4"
    chain = _OCR_ONE.sub(lambda m: m[1] + " " + m[2].replace("l", "1").replace("i", "1"), chain)
    chain = _UNREADABLE.sub(r"\1 x", chain)  # "x": an id the parser reads, dropped below
    groups = [g for g in chain.split(";") if g.strip()]
    named = [_DIEU.findall(g) for g in groups]
    # "khoản 1; điểm c khoản 2 Điều 12; khoản 3; khoản 4 Điều 13": a group without an article
    # belongs to the next article named (12 for khoản 1, 13 for khoản 3)
    lenders: list[str | None] = []
    lender = None
    for n in reversed(named):
        lenders.append(lender)
        lender = n[0] if n else lender
    lenders.reverse()
    out: list[dict[str, str]] = []
    for group, n, lender in zip(groups, named, lenders):
        if not n:
            if lender is None:
                continue
            group = f"{group} {lender}"
        out += _parse_articles(group)
    # a clause of an unreadable article or with an unreadable number of its own is dropped:
    # never its neighbour, never the whole article
    return [c for c in out if c.get("dieu", "1")[:1].isdigit() and c.get("khoan", "1")[:1].isdigit()]


# Articles and clauses are numbered ("Điều 4a", "khoản 2"); OCR reads a "1" as "l" or "i"
# ("khoản l Điều 15", "Điều l6"). Another number without a digit ("Điều ló" for 16, "khoản
# ló") cannot be read: it becomes "x", which the citation parser reads as a number (so the
# clauses keep their places) and ``chain_clauses`` then drops.
_OCR_ONE = re.compile(r"\b(điều|khoản)\s+([li]|[0-9li]*[0-9][0-9li]*)(?=\b|(?<=[0-9])[a-zđ]\b)")
_UNREADABLE = re.compile(r"\b(điều|khoản)\s+(?![0-9])\w+")
# the unit words with any tone or vowel mark OCR gives them
_UNIT_WORD = re.compile(r"\b[đd]i[eêềếểễệèéẻẽẹ][mu]\b|\bkho[aáàảãạăằắẳẵặâầấẩẫậ]n\b")
_UNITS = {"diem": "điểm", "dieu": "điều", "khoan": "khoản"}


def sorted_clauses(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """Without repeats, in reading order: Điều 4 < 4a < 10, khoản 2 < 10, điểm d < đ < e."""
    unique = [dict(t) for t in {tuple(sorted(a.items())) for a in items}]
    unique.sort(key=lambda a: (_number_order(a.get("dieu", "")), _number_order(a.get("khoan", "")),
                               a.get("diem", "").replace("đ", "d~")))
    return unique


def articles_vi(articles: list[dict[str, str]], limit: int | None = None, sep: str = "; ") -> str:
    """[{"dieu": "28", "khoan": "6", "diem": "d"}, {"dieu": "74"}] → "điểm d khoản 6 Điều 28;
    Điều 74"; with ``limit``, the first ``limit`` and how many more ("… và 37 mục khác")."""
    def one(a: dict[str, str]) -> str:
        parts = [f"điểm {a['diem']}" if a.get("diem") else "", f"khoản {a['khoan']}" if a.get("khoan") else "",
                 f"Điều {a['dieu']}" if a.get("dieu") else ""]
        return " ".join(p for p in parts if p)

    shown = articles if limit is None else articles[:limit]
    text = sep.join(one(a) for a in shown)
    if limit is not None and len(articles) > limit:
        text += f"{sep}… và {len(articles) - limit} mục khác"
    return text


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
        verb = m.group("verb")
        words = _OBJECT_AT.match(folded, m.end("verb")) is not None
        if not words and not verb.startswith(("sua", "bo sung", "bai")):
            continue  # "Thay …", "Bỏ …" headings only with the words they change
        target, seed, before, joined = _target(text, folded, m.start(), head_end, own_id)
        if target is None:
            continue
        repeals = verb.startswith("bai") and not words  # words of a clause: an amendment
        parts = _heading_parts(folded, ctext, m.start("verb"), m.start() + len(before))
        if len(parts) > 1:
            # "Bãi bỏ cụm từ “…” tại khoản 3 Điều 7 và bãi bỏ Điều 12 của …": each verb its
            # clauses; the body's items without a verb are repeals only under a heading that
            # only repeals ("1. Khoản 3 Điều 7 được sửa đổi như sau:" is not)
            seed = Touched(sorted_clauses([c for rep, cl in parts if not rep for c in cl]),
                           sorted_clauses([c for rep, cl in parts if rep for c in cl]))
            repeals = all(rep for rep, _ in parts)
        elif repeals:
            seed = Touched([], seed.amended)  # "Bãi bỏ khoản 3 Điều 7 Thông tư số …"
        for doc in [target, *joined]:
            # several documents in one heading: only items naming theirs are told apart
            effect = _article_effect(text, folded, ctext, (head_end, end), doc, seed if doc == target else Touched(),
                                     repeals, before, named_only=bool(joined))
            if effect is None and "thu tuc hanh chinh" in before:
                continue  # "Bãi bỏ các thủ tục hành chính đã được công bố tại Quyết định số X":
                # procedures the decision published, not parts of the decision
            partial = effect is None
            touched, whole = effect if effect is not None else (Touched(), False)
            amends = not repeals or bool(touched.amended)
            got = out.get(doc)
            if got is None:
                out[doc] = AmendingArticle(doc, touched, [(m.start(), end)], amends=amends, whole=whole,
                                           partial=partial)
            else:
                got.touched.add(touched)
                got.spans.append((m.start(), end))
                got.amends = got.amends or amends
                got.whole = got.whole or whole
                got.partial = got.partial or partial
    return list(out.values())


def _article_effect(text: str, folded: str, ctext: str, body: tuple[int, int], doc: str, seed: Touched,
                    repeals: bool, before: str, named_only: bool) -> tuple[Touched, bool] | None:
    """What an amending or repealing article whose body spans ``body`` does to ``doc``: the
    clauses it touches and whether it repeals ``doc`` whole; None when a repealing article
    names parts of ``doc`` none of which could be read. ``seed``: the clauses the heading
    names, amended or repealed; ``before``: the heading's words before the document (folded)."""
    start, end = body
    touched = clauses_touched(text, [body], doc, folded, ctext, named_only)
    touched.add(seed)
    if not repeals:
        return touched, False
    # a repealing article's items list the clauses repealed, with or without a verb
    listed = [c for b in _BARE_ITEM.finditer(folded, start, end)
              if _about(text, folded, _chain_end(folded, b), end, doc, named_only)
              for c in chain_clauses(ctext[b.start("chain"):b.end("chain")])]
    touched = Touched(touched.amended, sorted_clauses(touched.repealed + listed))
    if touched.repealed or touched.amended:
        return touched, False
    if not _WHOLE_REPEAL.search(before):
        return None  # parts it names, none of which could be read
    return touched, True


def _heading_parts(folded: str, ctext: str, start: int, end: int) -> list[tuple[bool, list[dict[str, str]]]]:
    """The verbs of a heading, before the document it names, each with the clauses it names
    and whether it repeals them: "Bãi bỏ cụm từ “…” tại khoản 3 Điều 7 và bãi bỏ Điều 12
    của" is (False, khoản 3 Điều 7), (True, Điều 12). "Bỏ", "Thay" count only with the words
    they change (not "Bộ Công an"), and nothing inside a quotation counts."""
    quoted = [q.span() for q in _QUOTATION.finditer(folded, start, end)]
    verbs = []
    for v in _HEAD_VERB.finditer(folded, start, end):
        if any(a <= v.start() < b for a, b in quoted):
            continue
        words = _OBJECT_AT.match(folded, v.end(), end)
        if words is None and v.group("verb") in ("thay", "bo"):
            continue
        verbs.append((v, words))
    parts = []
    for i, (v, words) in enumerate(verbs):
        stop = verbs[i + 1][0].start() if i + 1 < len(verbs) else end
        chain = _HEAD_CHAIN.match(folded, words.end() if words else v.end(), stop)
        if chain:
            parts.append((v.group("verb").startswith("bai") and words is None,
                          chain_clauses(ctext[chain.start("chain"):chain.end("chain")])))
    return parts


def _target(text: str, folded: str, start: int, end: int, own_id: str | None) -> tuple[str | None, Touched, str, list[str]]:
    """The document an amending heading names, with the clauses the heading itself names
    ("Sửa đổi, bổ sung khoản 3 Điều 7 Thông tư số 55/2021/TT-BCA"), the heading's words
    before it (folded) and the documents joined to it ("Bãi bỏ Thông tư số 57/2021/TT-BCA
    và Thông tư số 58/2021/TT-BCA": 58/2021/TT-BCA)."""
    cited = find_citations(text[start:end])
    for i, c in enumerate(cited):
        if not c.canonical_id or c.is_self_reference or c.canonical_id == own_id:
            continue
        before = folded[start:start + c.start]
        if not _TARGET_BEFORE.search(before):
            return None, Touched(), before, []
        joined: list[str] = []
        last = c
        for other in cited[i + 1:]:
            if not _JOINED.fullmatch(folded, start + last.end, start + other.start):
                break
            if other.canonical_id and other.canonical_id not in (own_id, c.canonical_id, *joined):
                joined.append(other.canonical_id)
            last = other
        return c.canonical_id, Touched(sorted_clauses(list(c.articles or [])), []), before, joined
    return None, Touched(), "", []


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
