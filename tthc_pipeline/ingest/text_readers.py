"""Backends for flow formats read with the standard library: plain text, Markdown, HTML.

All three produce one logical page. Markdown pipe tables and HTML tables become table
blocks so the later stages see the same rows whatever the source format.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from tthc_pipeline.ingest.models import Block, Extracted, Page, Warning_
from tthc_pipeline.text.normalize import count_non_ascii

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


UTF8_REPLACED = "utf-8 (invalid bytes replaced)"
UTF8_DAMAGE_RATIO = 5  # valid non-ASCII letters per invalid byte, at least (legacy files: ~0)


def utf8_replacing(data: bytes, encoding: str = "utf-8") -> tuple[str, int]:
    """``data`` decoded with every invalid byte sequence replaced by U+FFFD, and how many
    were replaced (U+FFFD already encoded in the data is not counted)."""
    text = data.decode(encoding, "replace")
    return text, text.count("\ufffd") - data.count("\ufffd".encode())


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes; return (text, encoding used).

    Order: BOM, declared charset, UTF-8, UTF-8 with its few invalid bytes replaced, Latin-1
    when the content reads as legacy TCVN3/VNI, then cp1258 (Vietnamese Windows code page).
    The last two map every byte, so decoding never fails and never drops text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    candidates = [c for c in (declared, "utf-8") if c]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    # UTF-8 with a few damaged bytes (a truncated copy, a stray byte): reading the whole file
    # in a legacy code page would garble every Vietnamese letter to save a handful. A legacy
    # file read as UTF-8 has few valid multi-byte letters and many errors, so the ratio decides.
    text, bad = utf8_replacing(data)
    valid = count_non_ascii(text, len(text)) - text.count("\ufffd")
    if 0 < bad and bad * UTF8_DAMAGE_RATIO <= valid:
        return text, UTF8_REPLACED
    # Not UTF-8. A TCVN3/VNI file is Latin-1 bytes in a legacy font: keep the Latin-1
    # reading for the legacy converter; otherwise it is the Vietnamese Windows code page.
    from tthc_pipeline.text.legacy import detect_encoding

    latin1 = data.decode("latin-1")
    if detect_encoding(latin1[:60_000]) != "unicode":
        return latin1, "latin-1"
    return data.decode("cp1258", "replace"), "cp1258"


def encoding_warnings(enc: str) -> list[Warning_]:
    """What a reviewer must know about how a text file was decoded."""
    if enc in ("cp1258", "latin-1"):
        return [Warning_("non_utf8_text", f"Tệp văn bản không phải UTF-8; đã đọc theo bảng mã {enc}.",
                         f"Text file is not UTF-8; decoded as {enc}.")]
    if enc == UTF8_REPLACED:
        return [Warning_("invalid_utf8_bytes",
                         "Tệp UTF-8 có byte không hợp lệ; đã thay bằng ký tự \ufffd, phần còn lại đọc bình thường.",
                         "UTF-8 file with invalid bytes; they were replaced with \ufffd, the rest reads normally.")]
    return []


def _paragraph_blocks(text: str) -> list[Block]:
    return [Block("paragraph", line) for line in text.split("\n") if line.strip()]


def read_text(path: Path) -> Extracted:
    text, enc = decode_bytes(path.read_bytes())
    return Extracted("text", [Page(1, _paragraph_blocks(text))], encoding_warnings(enc), {"encoding": enc})


_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _md_cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [c.strip() for c in inner.split("|")]


def read_markdown(path: Path) -> Extracted:
    """Markdown: headings, paragraphs and pipe tables. Inline emphasis markers are removed."""
    text, enc = decode_bytes(path.read_bytes())
    blocks: list[Block] = []
    table: list[list[str]] = []

    def flush_table() -> None:
        if table:
            blocks.append(Block("table", rows=[row[:] for row in table]))
            table.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if not _MD_TABLE_SEP.match(stripped):
                table.append([_MD_EMPHASIS.sub(r"\2", c) for c in _md_cells(stripped)])
            continue
        flush_table()
        if not stripped:
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            blocks.append(Block("heading", _MD_EMPHASIS.sub(r"\2", heading.group(2)), style=f"h{len(heading.group(1))}"))
        else:
            blocks.append(Block("paragraph", _MD_EMPHASIS.sub(r"\2", stripped)))
    flush_table()
    return Extracted("markdown", [Page(1, blocks)], encoding_warnings(enc), {"encoding": enc})


_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "blockquote", "pre", "dt", "dd", "title", "center",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg"}


def _span(attrs, name: str) -> int:  # noqa: ANN001
    """A cell's colspan or rowspan: 1 when absent or not a small positive number."""
    value = dict(attrs).get(name) or ""
    return int(value) if value.strip().isdigit() and 0 < int(value) <= 64 else 1


class _HtmlBlocks(HTMLParser):
    """Collects text blocks and tables in document order; never drops visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._skip = 0
        self._tables: list[list[list[str]]] = []  # stack for nested tables
        # per open table: columns a rowspan from a row above still covers -> rows left
        self._covered: list[dict[int, int]] = []
        self._span = (1, 1)  # the open cell's (colspan, rowspan)
        self._cell: list[str] | None = None
        self._heading: str | None = None

    def _flush(self) -> None:
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self._buf)).strip()
        self._buf = []
        if text:
            kind = "heading" if self._heading else "paragraph"
            self.blocks.append(Block(kind, text, style=self._heading))

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "table":
            self._flush()
            self._tables.append([])
            self._covered.append({})
        elif tag == "tr" and self._tables:
            self._end_row()
            self._tables[-1].append([])
        elif tag in ("td", "th") and self._tables:
            self._cell = []
            self._span = (_span(attrs, "colspan"), _span(attrs, "rowspan"))
        elif tag == "br":
            (self._cell if self._cell is not None else self._buf).append("\n" if self._cell is None else " ")
            if self._cell is None:
                self._flush()
        elif tag in _BLOCK_TAGS and self._cell is None:
            self._flush()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._heading = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._tables and self._cell is not None:
            cell = re.sub(r"\s+", " ", "".join(self._cell)).strip()
            if not self._tables[-1]:
                self._tables[-1].append([])
            self._place(cell)
            self._cell = None
        elif tag == "tr" and self._tables:
            self._end_row()
        elif tag == "table" and self._tables:
            self._end_row()
            self._covered.pop()
            rows = [r for r in self._tables.pop() if any(c for c in r)]
            if self._tables and self._cell is not None:
                # Nested table: keep its text inside the outer cell.
                self._cell.append(" ".join(" ".join(r) for r in rows))
            elif rows:
                self.blocks.append(Block("table", rows=rows))
        elif tag in _BLOCK_TAGS and self._cell is None:
            self._flush()
            if tag == self._heading:
                self._heading = None

    def _place(self, cell: str) -> None:
        """Put a cell in its grid columns: after the columns a rowspan from above covers (""),
        its text then "" for the other columns of its colspan, and its rowspan noted for the
        rows below. So a column index means one column in every row, as in the DOCX reader
        (a danh mục's "Cách thức thực hiện" over "Mức độ DVC" and "Thực hiện qua BCCI")."""
        row, covered = self._tables[-1][-1], self._covered[-1]
        while covered.get(len(row), 0) > 0:
            covered[len(row)] -= 1
            row.append("")
        colspan, rowspan = self._span
        if rowspan > 1:
            for col in range(len(row), len(row) + colspan):
                covered[col] = rowspan - 1
        row.append(cell)
        row.extend([""] * (colspan - 1))

    def _end_row(self) -> None:
        """Close the last row: "" in the columns after its cells that a rowspan covers."""
        if not self._tables or not self._tables[-1]:
            return
        row, covered = self._tables[-1][-1], self._covered[-1]
        if not row:
            return
        for col in sorted(c for c, left in covered.items() if left > 0 and c >= len(row)):
            row.extend([""] * (col - len(row)))
            row.append("")
            covered[col] -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        (self._cell if self._cell is not None else self._buf).append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def read_html(path: Path) -> Extracted:
    data = path.read_bytes()
    m = _META_CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    if declared in ("iso-8859-1", "latin-1", "us-ascii"):
        declared = None  # commonly mislabelled; try UTF-8 first, then cp1258
    text, enc = decode_bytes(data, declared)
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    return Extracted("html", [Page(1, parser.blocks)], encoding_warnings(enc), {"encoding": enc})
