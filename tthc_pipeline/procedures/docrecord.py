"""Ingest records for the document-side extractors.

The extractors work on an *ingest record*: the dict ``tthc_pipeline.ingest.runner.ingest_file``
returns (text, tables, structure, pages, metadata, sha256, source). Documents are read only by
the ingest stage, so there is one reader per format in the whole pipeline; this module either
loads a saved ingest JSON or calls ``ingest_file``.

The structure tree comes from ingest (``tthc_pipeline.ingest.structure``). An ingest JSON saved
without one (``structure`` null/empty, e.g. by an older ingest version) gets it from the same
``build_structure``, so every extractor sees the same Chương/Điều/khoản ids.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tthc_pipeline.ingest.models import IngestError
from tthc_pipeline.ingest.runner import ingest_file
from tthc_pipeline.ingest.structure import build_structure


def is_ingest_json(obj: Any) -> bool:
    return isinstance(obj, dict) and "sha256" in obj and "text" in obj


def record_from_text(text: str, source: str | None = None, metadata: dict | None = None, tables=None) -> dict[str, Any]:
    """An ingest-shaped record from text that is already clean (callers holding text, tests).

    ``text`` must be in the stored form (``normalize.clean``): offsets in the record index it.
    """
    return ensure_structure({
        "source": source,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "text": text,
        "tables": list(tables or []),
        "structure": None,
        "pages": [{"number": 1, "start": 0, "end": len(text), "text_source": "text"}],
        "metadata": metadata or {},
    })


def load_document(path: str | Path) -> dict[str, Any]:
    """Ingest record for ``path``: a saved ingest JSON, or a document run through ingest.

    Raises ``IngestError`` (bilingual, stable code) when ingest could not read the document, and
    ``ValueError`` for a .json file that is not an ingest record.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        return document_from_json(json.loads(path.read_text(encoding="utf-8-sig")))
    return _readable(ingest_file(path))


def document_from_json(obj: Any) -> dict[str, Any]:
    """``load_document`` for a saved ingest JSON the caller has already parsed (``tthc check``
    and ``tthc extract`` parse a .json once to tell an ingest record from record files)."""
    if not is_ingest_json(obj):
        raise ValueError("JSON is not an ingest record (needs 'sha256' and 'text')")
    return _readable(obj)


def _readable(rec: dict[str, Any]) -> dict[str, Any]:
    """``rec`` ready for the extractors; ``IngestError`` when ingest could not read the document."""
    err = rec.get("error")
    if err:
        if isinstance(err, dict):
            raise IngestError(err.get("code", "ingest_error"), err.get("message_vi", ""), err.get("message_en", ""))
        raise IngestError("ingest_error", str(err), str(err))
    if rec.get("tables") is None:
        rec["tables"] = []
    return ensure_structure(rec)


def ensure_structure(rec: dict[str, Any]) -> dict[str, Any]:
    """Fill ``structure`` with ingest's outline tree when the record was saved without one."""
    if rec.get("structure"):
        return rec
    pages = rec.get("pages") or []
    page_spans = [(p["start"], p["end"]) for p in pages if "start" in p and "end" in p] or None
    rec["structure"] = build_structure(rec.get("text") or "", page_spans=page_spans, tables=rec.get("tables") or [])
    return rec


def iter_nodes(nodes, kind: str | None = None):
    """Depth-first walk of a structure tree (a root dict or a list of nodes), optionally by kind."""
    if isinstance(nodes, dict):
        nodes = [nodes]
    for n in nodes or []:
        if kind is None or n.get("kind") == kind:
            yield n
        yield from iter_nodes(n.get("children") or [], kind)
