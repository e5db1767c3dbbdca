"""Assemble backend blocks into one normalised text with page and table offsets.

Every later stage (metadata, structure, extraction, rules) addresses the document through
character offsets into this text, so it is built exactly once, here. Tables are rendered
one row per line, cells separated by `` | ``, which keeps rows greppable and lets the
structure parser see them as ordinary lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tthc_pipeline.ingest.models import Block, Extracted, Warning_
from tthc_pipeline.text.normalize import clean

CELL_SEP = " | "

# Formats whose backends already decode legacy fonts run by run.
_FONT_AWARE = {"docx", "doc", "rtf"}


@dataclass
class Assembled:
    text: str
    pages: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def page_spans(self) -> list[tuple[int, int]]:
        return [(p["start"], p["end"]) for p in self.pages]


_LEGACY_SAMPLE_CHARS = 60_000
_BEYOND_LATIN1 = re.compile("[\u0100-\u024f\u1ea0-\u1ef9]")


def _legacy_fixer(extracted: Extracted):
    """Return ``fix_text`` when the document as a whole reads as TCVN3/VNI, else None.

    The decision is taken on the whole document, not per block: a short Unicode block
    such as "2 × 2,5" can look like one TCVN3 syllable on its own, and converting it
    would corrupt a genuine Unicode document. OCR pages are Unicode by construction.
    """
    if extracted.format in _FONT_AWARE:
        return None  # the DOCX backend decodes legacy fonts run by run
    from tthc_pipeline.text.legacy import detect_encoding, fix_text

    pieces: list[str] = []
    size = 0
    for page in extracted.pages:
        if page.text_source == "ocr":
            continue
        for block in page.blocks:
            texts = [c for row in block.rows or [] for c in row] if block.kind == "table" else [block.text]
            for text in texts:
                pieces.append(text)
                size += len(text)
        if size > _LEGACY_SAMPLE_CHARS:
            break
    sample = "\n".join(pieces)
    if sample.isascii() or len(_BEYOND_LATIN1.findall(sample, 0, 20_000)) >= 10:
        # TCVN3/VNI text read as Latin-1 never has letters beyond U+00FF; Unicode
        # Vietnamese is full of them (ă, ơ, ư, đ, ệ ...). Cheap and decisive.
        return None
    if detect_encoding(sample) == "unicode":
        return None
    return fix_text


def _cell(text: str) -> str:
    return " ".join(clean(text or "").split())


def _row_spans(start: int, rows: list[list[str]]) -> list[list[int]]:
    """[start, end) of each rendered row line, for the provenance of table rows."""
    spans, pos = [], start
    for row in rows:
        end = pos + len(render_row(row))
        spans.append([pos, end])
        pos = end + 1
    return spans


def _continue_rows(rows: list[list[str]], more: list[list[str]], spans: list[list[int]],
                   more_spans: list[list[int]]) -> None:
    """Append a table's continuation rows; join a row that Word broke across the page.

    A broken row shows up as a first row whose first cell (STT) is empty while the
    previous page ended with a numbered row: its cells are the rest of that row's cells.
    Only ``rows`` is joined; the text keeps both lines as printed.
    """
    first, last = more[0], rows[-1]
    if not first[0] and last[0] and len(first) == len(last):
        rows[-1] = [" ".join(filter(None, (a, b))) for a, b in zip(last, first)]
        spans[-1] = [spans[-1][0], more_spans[0][1]]  # the two printed lines are adjacent
        more, more_spans = more[1:], more_spans[1:]
    rows.extend(more)
    spans.extend(more_spans)


def render_row(cells: list[str]) -> str:
    return CELL_SEP.join(cells)


def assemble(extracted: Extracted) -> Assembled:
    fix_text = _legacy_fixer(extracted)
    parts: list[str] = []
    pos = 0
    pages: list[dict[str, Any]] = []
    tables: list[dict[str, Any]] = []
    warnings = list(extracted.warnings)
    legacy_seen: set[str] = set()

    def emit(piece: str) -> tuple[int, int]:
        nonlocal pos
        if parts:
            parts.append("\n")
            pos += 1
        start = pos
        parts.append(piece)
        pos += len(piece)
        return start, pos

    def repair(text: str, page_source: str = "text") -> str:
        if fix_text is None or page_source == "ocr" or not text or text.isascii():
            return text
        fixed, encoding = fix_text(text)
        if encoding:
            legacy_seen.add(encoding)
        return fixed

    # A table still open at the end of a page: a table that starts the next page with the
    # same number of columns is its continuation (Word tables break across pages, and
    # only the first part carries the header row), so the rows join the same table.
    open_table: dict[str, Any] | None = None
    for page in extracted.pages:
        page_start = pos + (1 if parts else 0)
        emitted = False
        for block in page.blocks:
            if block.kind == "table" and block.rows:
                rows = [[_cell(repair(c, page.text_source)) for c in row] for row in block.rows]
                rows = [r for r in rows if any(r)]
                if not rows:
                    continue
                if not emitted and open_table is not None and len(rows[0]) == len(open_table["rows"][-1]):
                    start, end = emit("\n".join(render_row(r) for r in rows))
                    _continue_rows(open_table["rows"], rows, open_table["row_spans"], _row_spans(start, rows))
                    open_table["end"] = end
                    open_table["pages"].append(page.number)
                    page_start = start
                else:
                    start, end = emit("\n".join(render_row(r) for r in rows))
                    open_table = {"id": f"table-{len(tables) + 1}", "page": page.number, "pages": [page.number],
                                  "start": start, "end": end, "rows": rows, "row_spans": _row_spans(start, rows)}
                    tables.append(open_table)
                emitted = True
            else:
                text = clean(repair(block.text, page.text_source)).strip("\n")
                if text.strip():
                    emit(text)
                    emitted = True
                    open_table = None
        if not emitted:
            page_start = pos
        pages.append(
            {
                "number": page.number,
                "text_source": page.text_source,
                "ocr_confidence": None if page.ocr_confidence is None else round(page.ocr_confidence, 1),
                "start": page_start,
                "end": pos,
            }
        )
    for encoding in sorted(legacy_seen):
        warnings.append(
            Warning_(
                "legacy_encoding_converted",
                f"Phát hiện văn bản gõ bằng bảng mã cũ {encoding.upper()} và đã chuyển sang Unicode; nên đối chiếu bản gốc.",
                f"Legacy {encoding.upper()} text detected and converted to Unicode; check against the original.",
            )
        )
    return Assembled("".join(parts), pages, tables, warnings)


def block_count(extracted: Extracted) -> int:
    return sum(len(p.blocks) for p in extracted.pages)


__all__ = ["Assembled", "Block", "assemble", "render_row", "CELL_SEP", "block_count"]
