"""Typed models passed between ingest stages.

A format backend turns bytes into ``Extracted``: pages of ``Block``s in reading order, with
no normalisation and no interpretation. ``assemble`` then builds the one normalised text with
character offsets, and the metadata and structure stages read that text. Keeping backends
this dumb is what lets one metadata/structure parser serve every format (Docling's design).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BlockKind = Literal["paragraph", "heading", "table"]
TextSource = Literal["text", "ocr"]


@dataclass
class Block:
    """One paragraph, heading or table, as the backend read it.

    For tables, ``rows`` holds the cells (merged cells once) and ``text`` is left empty:
    assemble renders the rows itself so every format renders tables the same way.
    """

    kind: BlockKind = "paragraph"
    text: str = ""
    rows: list[list[str]] | None = None
    style: str | None = None  # DOCX style name, HTML tag, ...


@dataclass
class Page:
    """A physical page (PDF) or the single logical page of a flow format (DOCX, HTML, text)."""

    number: int
    blocks: list[Block] = field(default_factory=list)
    text_source: TextSource = "text"
    ocr_confidence: float | None = None  # mean word confidence 0-100, OCR pages only


@dataclass
class Warning_:
    """A problem that did not stop ingestion. Messages in Vietnamese and English."""

    code: str
    message_vi: str
    message_en: str
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Extracted:
    """What a backend returns."""

    format: str  # pdf | docx | doc | rtf | html | markdown | text
    pages: list[Page]
    warnings: list[Warning_] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # producer, converter used, ...


class IngestError(Exception):
    """A file that cannot be ingested. Carries a stable code and bilingual messages.

    Raised by backends; the runner turns it into the ``error`` record of the output JSON
    and the batch goes on.
    """

    def __init__(self, code: str, message_vi: str, message_en: str):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_vi": self.message_vi, "message_en": self.message_en}
