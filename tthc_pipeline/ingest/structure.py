"""A tolerant outline of a Vietnamese legal document: Phần / Chương / Mục / Điều / khoản /
điểm / Phụ lục, with character offsets into the assembled text.

Rules that keep it tolerant:

* **Never drop text.** Nodes tile the text: a node's own text is ``[start, first child start)``
  (its heading and intro), children follow each other without gaps, and whatever precedes the
  first heading or follows the body (preamble, signature block, "Nơi nhận") is a ``text`` node.
  ``own_spans(tree)`` therefore partitions ``[0, len(text))``.
* **Headings must fit the numbering.** "Điều 7." is an article only if it follows "Điều 6."
  (small gaps are allowed for OCR losses), a khoản "3." only after "2." inside an article, a
  điểm "c)" only after "b)". A line that does not fit is ordinary content. This is what keeps
  wrapped PDF lines ("… quy định tại khoản\\n2. …") and quoted amendments out of the tree.
* **Quoted amendments stay content.** Amending decrees quote whole articles after "như sau:"
  ("“Điều 5. …”"). Text between a line that opens a quote after a colon and the line that closes
  it is content of the current khoản/điều (listed in that node's ``quotes``), never new
  articles. Without quote marks (OCR), a heading right after a line ending in ":" is content too.
* **Unique, stable ids** are paths of kind-number pairs: ``chuong-2/dieu-5/khoan-2/diem-a``
  (Roman numerals as Arabic, "đ" as "dd"). If the same path occurs twice (a numbering restart
  the parser could not attribute to an annex), later ones get a ``~2``, ``~3`` suffix.
  ``text`` nodes are ``<parent>/text-<n>`` (``text-1`` for the preamble at the top level).
* Table rows with cells (``a | b``) are never headings. Each table (``tables`` from the
  assembler, with ``start``/``end``) that lies inside one node's own text becomes a ``table``
  leaf there; a "table" that spans headings (PDF table detection boxing whole articles) is
  left as ordinary lines.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from tthc_pipeline.text.normalize import fold

_RANK = {"phu_luc": 0, "phan": 1, "chuong": 2, "muc": 3, "dieu": 4, "khoan": 5, "diem": 6}
_ID_PREFIX = {"phu_luc": "phu-luc", "phan": "phan", "chuong": "chuong", "muc": "muc", "dieu": "dieu",
              "khoan": "khoan", "diem": "diem"}
_DIEM_ORDER = "a b c d đ e g h i k l m n o p q r s t u v x y".split()
_ORDINALS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
             "chin": 9, "muoi": 10}

# Heading patterns run on fold(line) (lower case, no diacritics); case is checked on the original.
_ROMAN = r"[ivxlc]+"
_PHAN = re.compile(rf"^\s*phan\s+(?P<num>thu\s+\w+|{_ROMAN}|\d+)(?![\w/])\s*[.:\-]?\s*(?P<title>.*)$")
_CHUONG = re.compile(rf"^\s*chuong\s+(?P<num>{_ROMAN}|\d+)(?![\w/])\s*[.:\-]?\s*(?P<title>.*)$")
_MUC = re.compile(rf"^\s*muc\s+(?P<num>\d+|{_ROMAN})(?![\w/.])\s*[.:\-]?\s*(?P<title>.*)$")
_DIEU = re.compile(r"^\s*dieu\s*(?P<num>\d{1,3}[a-z]?)\s*(?:[.:]\s*(?P<title>.*)|$)")
_KHOAN = re.compile(r"^\s*(?P<num>\d{1,3})\s*(?:\.|\)|-)\s+(?=\S)")
_DIEM = re.compile(r"^\s*(?P<num>[a-z])\s*\)\s*(?=\S)")
_PHU_LUC = re.compile(rf"^\s*phu\s*luc(?:\s+(?:so\s*)?(?P<num>{_ROMAN}|\d+[a-z]?|[a-z])(?![\w/]))?\s*(?P<rest>.*)$")
_ATTACHED = re.compile(r"^\s*(?:quy\s*dinh|quy\s*che|dieu\s*le|huong\s*dan)\s*$")
_ANNEX_NOTE = re.compile(r"\(\s*(?:ban\s*hanh\s*)?kem\s*theo")
_ROW_ARTICLE = re.compile(r"^dieu\s*\d{1,3}[a-z]?\s*[.:]$")
_BARE_REF = re.compile(r"^\s*(?:phu\s*luc|dieu|chuong|phan|muc)\s+\S{1,8}\s*[.,;]\s*$")  # "PHỤ LỤC F."
_LEAD_JUNK = " \t¬~—–•*#>_"
_TOC_LINE = re.compile(r"(?:\.{4,}|…{2,})\s*\d*\s*$")
_SIGNATURE = re.compile(r"^[\s|]*(?:noi\s*nhan\s*:|(?:tm|kt|tl|tuq|q)\.\s*\S)")
_QUOTE_CLOSE = re.compile(r"[\"']\s*[.;,]*\s*(?:/\.)?\s*$")


@dataclass
class _Node:
    kind: str
    start: int
    label: str | None = None
    number: str | None = None
    title: str | None = None
    key: str | None = None  # "dieu-5"
    end: int = -1
    children: list["_Node"] = field(default_factory=list)
    last_child_num: dict[str, int] = field(default_factory=dict)  # numbering state per child kind
    quotes: list[list[int]] = field(default_factory=list)
    role: str | None = None


# --------------------------------------------------------------------------- quotes


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def quoted_spans(text: str, lines: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of quoted amendment text: a line opening with a quote after a line ending in ":".

    The span runs to the first line that ends with a closing quote (``”.``, ``";``, ``"./.``).
    If none closes within 400 lines, only the opening line is taken: better a missed quote than
    a swallowed document.
    """
    lines = lines if lines is not None else _lines(text)
    spans: list[tuple[int, int]] = []
    prev_colon = False
    i = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if stripped[0] in "\"'" and prev_colon:
            open_at = s + line.index(stripped[0])
            close = None
            for j in range(i, min(len(lines), i + 400)):
                cs, ce = lines[j]
                body = text[cs:ce].rstrip()
                if j == i and body.count(stripped[0]) < 2:
                    continue
                if _QUOTE_CLOSE.search(body):
                    close = (j, ce)
                    break
            if close is None:
                spans.append((open_at, e))
                i += 1
            else:
                spans.append((open_at, close[1]))
                i = close[0] + 1
            prev_colon = text[spans[-1][0] : spans[-1][1]].rstrip().endswith(":")
            continue
        prev_colon = stripped.endswith(":")
        i += 1
    return spans


# --------------------------------------------------------------------------- numbers


def _roman(s: str) -> int | None:
    vals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    s = s.lower()
    if not s or any(c not in vals for c in s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = vals[a]
        total += -v if b in vals and vals[b] > v else v
    return total


def _as_int(num: str) -> int | None:
    """"II" → 2, "12" → 12, "5a" → 5, "thứ nhất" → 1."""
    n = num.strip().lower()
    m = re.match(r"\d+", n)
    if m:
        return int(m.group())
    if n.startswith("thu"):
        return _ORDINALS.get(n.split()[-1])
    return _roman(n)


def _key(kind: str, num: str | None) -> str:
    prefix = _ID_PREFIX[kind]
    if num is None:
        return prefix
    if kind == "diem":
        return f"{prefix}-{'dd' if num in ('đ', 'd̄') else num}"
    n = _as_int(num)
    suffix = re.sub(r"^\d+", "", num.lower()) if num[:1].isdigit() else ""
    return f"{prefix}-{n}{suffix}" if n is not None else f"{prefix}-{fold(num).replace(' ', '-')}"


# --------------------------------------------------------------------------- heading detection


def _starts_upper(s: str) -> bool:
    s = s.lstrip()
    return bool(s) and s[0].isupper()


def _is_sentence(line: str) -> bool:
    t = line.rstrip()
    return t.endswith((".", ";", ":", "./.")) or len(t) > 250


def _title_ok(title: str) -> bool:
    """Same-line text after "Chương II" etc. must look like a heading, not running prose."""
    t = title.strip()
    return not t or not t[0].islower()


class _Parser:
    def __init__(self, text: str, tables: list[dict] | None):
        self.text = text
        self.ftext = fold(text)
        self.lines = _lines(text)
        self.quotes = quoted_spans(text, self.lines)
        self.q_starts = [q[0] for q in self.quotes]
        spans = sorted((int(t["start"]), int(t["end"])) for t in (tables or []) if "start" in t and "end" in t)
        self.tables = spans
        self.t_starts = [t[0] for t in spans]
        self.root = _Node("document", 0, key="root")
        self.stack: list[_Node] = [self.root]
        self.body_started = False
        self.in_signature = False
        self.prev_open = False  # the previous line ends mid-sentence ("… quy định tại")

    # -- span lookups
    def _in(self, starts: list[int], spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and spans[i][0] <= pos < spans[i][1]:
            return spans[i]
        return None

    # -- stack helpers
    def _part(self) -> _Node:
        for node in reversed(self.stack):
            if node.kind in ("document", "phu_luc"):
                return node
        return self.root

    def _open(self, node: _Node, rank: int) -> None:
        while len(self.stack) > 1:
            top = self.stack[-1]
            if top.kind == "text" or _RANK.get(top.kind, 99) >= rank:
                top.end = node.start
                self.stack.pop()
            else:
                break
        parent = self.stack[-1]
        parent.children.append(node)
        self.stack.append(node)

    def _innermost(self, *kinds: str) -> _Node | None:
        for node in reversed(self.stack):
            if node.kind in kinds:
                return node
            if node.kind in ("document", "phu_luc") and "phu_luc" not in kinds:
                return None
        return None

    # -- one line
    def feed(self, idx: int, prev_colon: bool) -> None:
        s, e = self.lines[idx]
        raw = self.text[s:e]
        if not raw.strip():
            return
        f = self.ftext[s:e]
        lead = len(raw) - len(raw.lstrip())
        pos = s + lead
        quote = self._in(self.q_starts, self.quotes, pos)
        if quote:
            if quote[0] == pos or (quote[0] > s and quote[0] <= e):
                holder = self.stack[-1]
                if holder.kind == "text" and len(self.stack) > 1:
                    holder = self.stack[-2]
                holder.quotes.append([quote[0], quote[1]])
            return
        if self._in(self.t_starts, self.tables, pos) and "|" in raw:
            # A real table row is never a heading. Single-cell "rows" are kept as lines: PDF
            # table detection sometimes boxes whole articles ("Điều 41. …"), or splits an
            # article heading into cells ("Điều 65. | Cơ sở đào tạo …").
            cells = [c.strip() for c in raw.split("|")]
            if _ROW_ARTICLE.match(fold(cells[0])):
                joined = " ".join(c for c in cells if c)
                if self._try_headings(joined, fold(joined), pos, idx, prev_colon):
                    return
            if self.body_started and _SIGNATURE.match(f):
                self._signature(pos)
            return
        # OCR puts stray marks before headings ("¬ Chương II"); Markdown puts "#".
        skip = len(raw) - len(raw.lstrip(_LEAD_JUNK))
        if not _TOC_LINE.search(raw) and self._try_headings(raw[skip:], f[skip:], s + skip, idx, prev_colon):
            return
        if self.body_started and not self.in_signature and _SIGNATURE.match(f):
            self._signature(pos)

    def _signature(self, pos: int) -> None:
        if self.in_signature:
            return
        part = self._part()
        node = _Node("text", pos, role="signature")
        while self.stack[-1] is not part:
            self.stack[-1].end = pos
            self.stack.pop()
        part.children.append(node)
        self.stack.append(node)
        self.in_signature = True
        part.last_child_num.clear()  # a document attached after the signature numbers afresh

    def _accept_seq(self, holder: _Node, kind: str, n: int | None, *, gap: int, first_max: int) -> bool:
        if n is None:
            return False
        last = holder.last_child_num.get(kind)
        if last is None:
            return n <= first_max
        return last < n <= last + gap

    def _try_headings(self, raw: str, f: str, pos: int, idx: int, prev_colon: bool) -> bool:
        first = raw.lstrip()[:1]
        if self.prev_open and _BARE_REF.match(f):
            # "… quy định tại\nPHỤ LỤC F." / "tại\nĐiều 5." : a wrapped reference, not a heading.
            return self._try_items(raw, f, pos, prev_colon)
        # Phụ lục / attached regulation: a new part with its own numbering.
        m = _PHU_LUC.match(f)
        if m and first.isupper():
            rest = raw.lstrip()[len(m.group(0).lstrip()) - len(m.group("rest")) :]
            upper_form = raw.lstrip()[:7].isupper()
            if "|" not in raw and (upper_form and _title_ok(rest) or not rest.strip() or rest.lstrip()[:1] in ".:-–(" ):
                num = m.group("num")
                label = _squeeze(raw.lstrip()[: len(raw.lstrip()) - len(m.group("rest"))])
                self._open_part(pos, label.rstrip(" .:-"), num.upper() if num and not num[0].isdigit() else num,
                                rest.strip(" .:-–") or self._following_title(idx, upper_only=True))
                return True
        if self.body_started and _ATTACHED.match(f) and raw.strip().isupper() and self._annex_note_follows(idx):
            self._open_part(pos, raw.strip(), None, self._following_title(idx, upper_only=True))
            return True
        part = self._part()
        # Phần
        m = _PHAN.match(f)
        if m and first.isupper() and _title_ok(raw[len(raw) - len(m.group("title")) :] if m.group("title") else ""):
            n = _as_int(m.group("num"))
            if self._accept_seq(part, "phan", n, gap=1, first_max=2) and not prev_colon:
                part.last_child_num["phan"] = n  # type: ignore[assignment]
                title = self._same_line_title(raw, m) or self._following_title(idx, upper_only=True)
                self._open_heading("phan", pos, raw, m, title)
                return True
        m = _CHUONG.match(f)
        if m and first.isupper() and _title_ok(raw[len(raw) - len(m.group("title")) :] if m.group("title") else ""):
            n = _as_int(m.group("num"))
            holder = self._innermost("phan") or part
            title = self._same_line_title(raw, m) or self._following_title(idx, upper_only=True)
            last = holder.last_child_num.get("chuong")
            # OCR misreads "III" as "II": a repeated chapter number with an upper-case title
            # line is still a chapter (its id gets a "~2" suffix), counted as the next one.
            repeated = n is not None and n == last and title is not None and not m.group("title")
            if (self._accept_seq(holder, "chuong", n, gap=2, first_max=1) or repeated) and not prev_colon:
                holder.last_child_num["chuong"] = last + 1 if repeated else n  # type: ignore[operator]
                self._open_heading("chuong", pos, raw, m, title)
                return True
        m = _MUC.match(f)
        if m and first.isupper() and m.group("title") is not None and _title_ok(raw[len(raw) - len(m.group("title")) :] if m.group("title") else ""):
            n = _as_int(m.group("num"))
            holder = self._innermost("chuong") or self._innermost("phan") or part
            if self._accept_seq(holder, "muc", n, gap=1, first_max=1) and not prev_colon:
                holder.last_child_num["muc"] = n  # type: ignore[assignment]
                title = self._same_line_title(raw, m) or self._following_title(idx, upper_only=False)
                self._open_heading("muc", pos, raw, m, title)
                return True
        m = _DIEU.match(f)
        if m and first.isupper():
            n = _as_int(m.group("num"))
            last = part.last_child_num.get("dieu")
            ok = False
            if n is not None:
                if last is None:
                    ok = not prev_colon or n == 1
                elif not prev_colon:
                    suffix = re.sub(r"^\d+", "", m.group("num"))
                    ok = last < n <= last + 3 or (n == last and bool(suffix))
            if ok:
                part.last_child_num["dieu"] = n  # type: ignore[assignment]
                title = self._same_line_title(raw, m)
                if title is not None and _is_sentence(raw):
                    title = None  # "Điều 2. Quyết định này có hiệu lực …." is body, not a title
                elif title is not None:
                    title = self._continue_title(idx, title)
                self._open_heading("dieu", pos, raw, m, title)
                self.body_started = True
                self.in_signature = False
                return True
        return self._try_items(raw, f, pos, prev_colon)

    def _try_items(self, raw: str, f: str, pos: int, prev_colon: bool) -> bool:
        dieu = self._innermost("dieu")
        if dieu is None or self.in_signature:
            return False
        m = _KHOAN.match(f)
        if m:
            n = _as_int(m.group("num"))
            if not prev_colon or dieu.last_child_num.get("khoan") is None:
                if self._accept_seq(dieu, "khoan", n, gap=2, first_max=2):
                    dieu.last_child_num["khoan"] = n  # type: ignore[assignment]
                    node = _Node("khoan", pos, label=m.group("num"), number=m.group("num"))
                    node.key = _key("khoan", m.group("num"))
                    self._open(node, _RANK["khoan"])
                    return True
        m = _DIEM.match(f)
        if m:
            letter = raw.lstrip()[0].lower()
            if letter not in _DIEM_ORDER:
                return False
            holder = self._innermost("khoan", "dieu") or dieu
            n = _DIEM_ORDER.index(letter) + 1
            if self._accept_seq(holder, "diem", n, gap=2, first_max=1):
                holder.last_child_num["diem"] = n
                node = _Node("diem", pos, label=f"{letter})", number=letter)
                node.key = _key("diem", letter)
                self._open(node, _RANK["diem"])
                return True
        return False

    # -- heading helpers
    def _same_line_title(self, raw: str, m: re.Match[str]) -> str | None:
        t = m.group("title")
        if not t or not t.strip():
            return None
        start = len(raw) - len(t)
        return _squeeze(raw[start:]).strip(" .:-–") or None

    def _following_lines(self, idx: int, limit: int = 4) -> Iterator[tuple[int, str]]:
        j = idx + 1
        while j < len(self.lines) and limit > 0:
            s, e = self.lines[j]
            line = self.text[s:e].strip()
            j += 1
            if not line:
                continue
            limit -= 1
            yield j - 1, line

    def _following_title(self, idx: int, *, upper_only: bool) -> str | None:
        parts: list[str] = []
        for _, line in self._following_lines(idx, 3):
            f = fold(line)
            if _DIEU.match(f) or _CHUONG.match(f) or _MUC.match(f) or "|" in line:
                break
            note = _ANNEX_NOTE.search(f)
            if note:
                line = line[: note.start()].strip()
                if not line:
                    break
            if upper_only and not line.isupper():
                break
            if not upper_only and parts and not line[:1].islower():
                break
            parts.append(line)
            if not upper_only or note:
                break
        return _squeeze(" ".join(parts)) or None

    def _continue_title(self, idx: int, title: str) -> str:
        for _, line in self._following_lines(idx, 1):
            if line[:1].islower() and not _DIEM.match(fold(line)):
                return _squeeze(f"{title} {line}")
        return title

    def _annex_note_follows(self, idx: int) -> bool:
        return any(_ANNEX_NOTE.search(fold(line)) for _, line in self._following_lines(idx, 4))

    def _open_heading(self, kind: str, pos: int, raw: str, m: re.Match[str], title: str | None) -> None:
        num_f = m.group("num")
        # The number as printed (fold() lower-cases Roman numerals).
        stripped = raw.lstrip()
        num_at = stripped.lower().find(num_f[:1], len(stripped) - len(stripped.lstrip()) + 3)
        printed = stripped[num_at : num_at + len(num_f)] if num_at >= 0 else num_f
        label_end = num_at + len(num_f) if num_at >= 0 else len(stripped)
        node = _Node(kind, pos, label=_squeeze(stripped[:label_end]), number=printed, title=title)
        node.key = _key(kind, num_f)
        self._open(node, _RANK[kind])

    def _open_part(self, pos: int, label: str, num: str | None, title: str | None) -> None:
        node = _Node("phu_luc", pos, label=label, number=num, title=title)
        node.key = _key("phu_luc", num)
        while len(self.stack) > 1:
            self.stack[-1].end = pos
            self.stack.pop()
        self.root.children.append(node)
        self.stack.append(node)
        self.in_signature = False

    def run(self) -> _Node:
        prev_colon = False
        for idx, (s, e) in enumerate(self.lines):
            line = self.text[s:e]
            self.feed(idx, prev_colon)
            if line.strip():
                prev_colon = line.rstrip().endswith(":") and not self._in(self.q_starts, self.quotes, s + len(line) - 1)
                last_word = line.split()[-1]
                self.prev_open = last_word.isalpha() and last_word.islower()
        end = len(self.text)
        while self.stack:
            self.stack[-1].end = end
            self.stack.pop()
        self.root.end = end
        return self.root


def _squeeze(s: str) -> str:
    return " ".join(s.split())


# --------------------------------------------------------------------------- output


def _fill_gaps(node: _Node, text: str, tables: list[tuple[int, int, str]]) -> None:
    """Insert table leaves and text nodes so that children tile ``[first child, end)``.

    The parser already closes each node where the next one opens, so the only gaps are around
    tables (which sit in a node's own text) and the preamble before the first heading.
    """
    for child in node.children:
        _fill_gaps(child, text, tables)
    own_end = node.children[0].start if node.children else node.end
    for ts, te, tid in tables:
        if node.start <= ts and te <= own_end and not (node.kind != "document" and ts == node.start):
            node.children.append(_Node("table", ts, key=tid, end=te, label=tid))
    node.children.sort(key=lambda c: c.start)
    if not node.children:
        return
    filled: list[_Node] = []
    cursor = node.children[0].start
    if node.kind == "document" and text[:cursor].strip():
        filled.append(_Node("text", 0, end=cursor, role="preamble"))
    for child in node.children + [None]:
        stop = child.start if child is not None else node.end
        if stop > cursor:
            leaf_before = filled and not filled[-1].children
            if not text[cursor:stop].strip() and leaf_before:
                filled[-1].end = stop  # trailing whitespace joins the leaf before it
            else:
                filled.append(_Node("text", cursor, end=stop))
        if child is not None:
            filled.append(child)
            cursor = max(cursor, child.end)
    node.children = filled


def _emit(node: _Node, parent_id: str | None, seen: set[str], pages: list[int]) -> dict[str, Any]:
    if node.kind == "document":
        nid = "root"
    else:
        base = node.key or node.kind
        nid = f"{parent_id}/{base}" if parent_id and parent_id != "root" else base
        if nid in seen:
            k = 2
            while f"{nid}~{k}" in seen:
                k += 1
            nid = f"{nid}~{k}"
    seen.add(nid)
    page = max(1, bisect.bisect_right(pages, node.start)) if pages else None
    out: dict[str, Any] = {
        "id": nid,
        "kind": node.kind,
        "label": node.label,
        "number": node.number,
        "title": node.title,
        "start": node.start,
        "end": node.end,
        "page": page,
        "children": [],
    }
    if node.role:
        out["role"] = node.role
    if node.quotes:
        out["quotes"] = node.quotes
    text_no = 0
    for child in node.children:
        if child.kind == "text":
            text_no += 1
            child.key = f"text-{text_no}"
        out["children"].append(_emit(child, nid, seen, pages))
    return out


def build_structure(
    text: str,
    *,
    page_spans: list[tuple[int, int]] | None = None,
    tables: list[dict] | None = None,
) -> dict[str, Any]:
    """The outline tree of ``text``; see the module docstring for the guarantees."""
    parser = _Parser(text, tables)
    root = parser.run()
    table_spans = sorted(
        (int(t["start"]), int(t["end"]), str(t.get("id") or f"table-{i + 1}"))
        for i, t in enumerate(tables or [])
        if "start" in t and "end" in t
    )
    _fill_gaps(root, text, table_spans)
    if not root.children and text:
        root.children.append(_Node("text", 0, end=len(text)))
    pages = [s for s, _ in page_spans] if page_spans else []
    return _emit(root, None, set(), pages)


# --------------------------------------------------------------------------- helpers for callers


def iter_nodes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Depth-first, document order."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.get("children") or []))


def find_node(tree: dict[str, Any], node_id: str) -> dict[str, Any] | None:
    for node in iter_nodes(tree):
        if node["id"] == node_id:
            return node
    return None


def own_spans(tree: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, id) of each node's own text: its start up to its first child."""
    out = []
    for node in iter_nodes(tree):
        kids = node.get("children") or []
        end = kids[0]["start"] if kids else node["end"]
        if end > node["start"]:
            out.append((node["start"], end, node["id"]))
    return sorted(out)


__all__ = ["build_structure", "iter_nodes", "find_node", "own_spans", "quoted_spans"]
