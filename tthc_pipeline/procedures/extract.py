"""Extraction entry points: one input path → procedures (+ warnings).

Routing: record files (.jsonl/.csv/.xlsx, portal .json) → records.py; an ingest JSON
(``sha256`` + ``text``) or a document → the document extractors, tried in order: portal
"Chi tiết TTHC" export, announcement decision, regulation. A document without procedures
yields an empty list, not an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tthc_pipeline.procedures import announcement, portal_export, records, regulation
from tthc_pipeline.procedures.docrecord import is_ingest_json, load_document
from tthc_pipeline.procedures.model import Procedure

SCHEMA_VERSION = "tthc.procedures/1"
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".xlsx"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".md", ".txt", ".odt", ".rtf", ".html", ".htm"}


def extract_from_record(rec: dict[str, Any]) -> tuple[list[Procedure], list[str], str]:
    """Procedures from an ingest record; returns (procedures, warnings, kind)."""
    if portal_export.looks_like_export(rec):
        return portal_export.extract_export(rec), [], "portal_export"
    if announcement.looks_like_announcement(rec):
        procs, warns = announcement.extract_announcement(rec)
        if procs:
            return procs, warns, "announcement"
    procs = regulation.extract_regulation(rec)
    return procs, [], "regulation" if procs else "document"


def _ingest_warning(w: Any) -> str:
    if isinstance(w, dict):
        return f"{w.get('code', 'ingest')}: {w.get('message_vi', '')} / {w.get('message_en', '')}"
    return str(w)


def _json_kind(path: Path) -> str:
    with open(path, encoding="utf-8-sig") as fh:
        obj = json.load(fh)
    if is_ingest_json(obj):
        return "ingest"
    return "records"


def extract_path(path: str | Path) -> dict[str, Any]:
    """Extract one file; the result is the output document (see procedures.schema.json)."""
    path = Path(path)
    suffix = path.suffix.lower()
    warnings: list[str] = []
    if suffix in RECORD_SUFFIXES or (suffix == ".json" and _json_kind(path) == "records"):
        procs = records.read_records(path)
        kind = "records"
        sha = records.sha256_file(path)
    else:
        rec = load_document(path)
        procs, warnings, kind = extract_from_record(rec)
        sha = rec.get("sha256")
        # ingest's own warnings (OCR, legacy encoding, ...) travel with the procedures
        warnings = [*(_ingest_warning(w) for w in rec.get("warnings") or []), *warnings]
    return {
        "schema_version": SCHEMA_VERSION,
        "source": str(path),
        "sha256": sha,
        "kind": kind,
        "procedure_count": len(procs),
        "procedures": [p.to_dict() for p in procs],
        "warnings": warnings,
    }
