"""One backend per format (Docling's design), looked up by the detected format name.

Backends are imported lazily: PDF and DOCX libraries cost import time, and a worker that
only reads Markdown should not pay for pdfium.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tthc_pipeline.ingest.models import Extracted


@dataclass(frozen=True)
class IngestOptions:
    """Knobs every backend may read. Defaults are the documented CLI defaults."""

    ocr: bool = True
    ocr_dpi: int = 300
    timeout_s: float = 300.0  # whole file, all converters included
    converter_timeout_s: float = 120.0  # one LibreOffice call / one OCR page
    max_bytes: int = 200 * 1024 * 1024


def _pdf(path: Path, fmt: str, opts: IngestOptions) -> Extracted:
    from tthc_pipeline.ingest.pdf import read_pdf

    return read_pdf(path, ocr=opts.ocr, ocr_dpi=opts.ocr_dpi, ocr_timeout_s=opts.converter_timeout_s)


def _docx(path: Path, fmt: str, opts: IngestOptions) -> Extracted:
    from tthc_pipeline.ingest.docx_reader import read_docx

    return read_docx(path)


def _doc(path: Path, fmt: str, opts: IngestOptions) -> Extracted:
    from tthc_pipeline.ingest.libreoffice import read_doc

    return read_doc(path, fmt=fmt, timeout_s=opts.converter_timeout_s)


def _stdlib(name: str) -> Callable[[Path, str, IngestOptions], Extracted]:
    def read(path: Path, fmt: str, opts: IngestOptions) -> Extracted:
        module = importlib.import_module("tthc_pipeline.ingest.text_readers")
        return getattr(module, name)(path)

    return read


BACKENDS: dict[str, Callable[[Path, str, IngestOptions], Extracted]] = {
    "pdf": _pdf,
    "docx": _docx,
    "doc": _doc,
    "rtf": _doc,
    "html": _stdlib("read_html"),
    "markdown": _stdlib("read_markdown"),
    "text": _stdlib("read_text"),
}


def read_with_backend(path: Path, fmt: str, opts: IngestOptions) -> Extracted:
    return BACKENDS[fmt](path, fmt, opts)
