"""Extraction entry points: one input path → procedures (+ warnings).

Routing: record files (.jsonl/.csv/.xlsx, portal .json) → records.py; an ingest JSON
(``sha256`` + ``text``) or a document → the document extractors, tried in order: portal
"Chi tiết TTHC" export, announcement decision, regulation. A document without procedures
yields an empty list, not an error.

A failed input still gets an output document (``error_document``): zero procedures and an
``error`` {code, message_vi, message_en}, so a stale result of an earlier run cannot survive
under the same name and ``tthc check`` can report the failure per file.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any, Iterable

from tthc_pipeline.ingest.models import IngestError
from tthc_pipeline.ingest.runner import output_name, sha256_file
from tthc_pipeline.procedures import announcement, portal_export, records, regulation
from tthc_pipeline.procedures.docrecord import document_from_json, is_ingest_json, load_document
from tthc_pipeline.procedures.model import Procedure
from tthc_pipeline.procedures.record_text import RecordIssue, read_text

SCHEMA_VERSION = "tthc.procedures/1"
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".xlsx"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".md", ".txt", ".odt", ".rtf", ".html", ".htm"}
INPUT_SUFFIXES = DOCUMENT_SUFFIXES | RECORD_SUFFIXES | {".json"}
OUTPUT_SUFFIX = ".procedures.json"


def input_files(paths: Iterable[str | Path], *, skip_outputs: bool = True) -> list[Path]:
    """Files to read: explicit paths as given, folders recursively (sorted, supported suffixes,
    hidden files and folders skipped, like ``ingest``). ``skip_outputs`` leaves out earlier
    ``*.procedures.json`` results (``extract`` must not re-extract them; ``check`` reads them)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        for f in sorted(p.rglob("*")):
            if not f.is_file() or f.suffix.lower() not in INPUT_SUFFIXES:
                continue
            if any(part.startswith(".") for part in f.relative_to(p).parts):
                continue
            if skip_outputs and f.name.endswith(OUTPUT_SUFFIX):
                continue
            out.append(f)
    return out


def procedures_output_name(path: Path, sha256: str | None) -> str:
    """``<slug of stem>-<12 hex of the input's sha256>.procedures.json``: the ingest naming, so
    the name depends on the input alone (not on the order of a batch)."""
    return output_name(path, sha256).removesuffix(".json") + OUTPUT_SUFFIX


def error_from_exception(exc: BaseException) -> dict[str, str]:
    """Bilingual ``{code, message_vi, message_en}`` for an input that could not be extracted."""
    if isinstance(exc, IngestError):
        return exc.to_dict()
    if isinstance(exc, zipfile.BadZipFile) or type(exc).__name__ == "InvalidFileException":  # openpyxl's
        return {
            "code": "corrupt_file",
            "message_vi": f"Tệp bảng tính bị hỏng hoặc không phải XLSX (tải lại hoặc lưu lại bằng Excel/LibreOffice): {exc}",
            "message_en": f"The spreadsheet is damaged or not an XLSX file (download it again or re-save it): {exc}",
        }
    if isinstance(exc, RecursionError):  # JSON nested deeper than the parser's stack
        return {
            "code": "invalid_input",
            "message_vi": "JSON lồng nhau quá sâu, không phải bản ghi thủ tục",
            "message_en": "JSON nested too deeply: not procedure records",
        }
    if isinstance(exc, (ValueError, UnicodeDecodeError, csv.Error)):  # includes json.JSONDecodeError
        return {
            "code": "invalid_input",
            "message_vi": f"Nội dung tệp không đúng định dạng mong đợi (tài liệu, bản ghi ingest, tệp bản ghi "
                          f"hoặc JSON thủ tục): {exc}",
            "message_en": f"The file content is not in an expected format (document, ingest record, record file "
                          f"or procedure JSON): {exc}",
        }
    if isinstance(exc, OSError):
        return {
            "code": "unreadable",
            "message_vi": f"Không mở hoặc đọc được tệp: {exc}",
            "message_en": f"The file could not be opened or read: {exc}",
        }
    return {
        "code": "internal_error",
        "message_vi": f"Lỗi không mong đợi khi trích xuất ({type(exc).__name__}: {exc}). Hãy báo lỗi kèm tệp này.",
        "message_en": f"Unexpected error during extraction ({type(exc).__name__}: {exc}). Please report it with this file.",
    }


def error_document(path: str | Path, sha256: str | None, error: dict[str, str]) -> dict[str, Any]:
    """The output document of a failed input: no procedures, the reason in ``error``."""
    path = Path(path)
    return {
        "schema_version": SCHEMA_VERSION,
        "source": str(path),
        "sha256": sha256,
        "kind": "records" if path.suffix.lower() in RECORD_SUFFIXES else "document",
        "procedure_count": 0,
        "procedures": [],
        "warnings": [],
        "error": error,
    }


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


def extract_path(path: str | Path) -> dict[str, Any]:
    """Extract one file; the result is the output document (see procedures.schema.json)."""
    path = Path(path)
    suffix = path.suffix.lower()
    issues: list[RecordIssue] = []
    rec = None
    if suffix in RECORD_SUFFIXES:
        procs, issues = records.read_records_report(path)
    elif suffix == ".json":  # an ingest record or record JSON: parsed once, then told apart
        obj = json.loads(read_text(path, issues))
        if is_ingest_json(obj):
            rec = document_from_json(obj)
        else:
            procs = records.json_records_report(path, obj, issues)
    else:
        rec = load_document(path)
    # skipped lines and replaced bytes travel with the procedures, like ingest's warnings
    read_warnings = [issue.render() for issue in issues]
    if rec is None:
        warnings, kind, sha = read_warnings, "records", sha256_file(path)
    else:
        procs, warnings, kind = extract_from_record(rec)
        sha = rec.get("sha256")
        # ingest's own warnings (OCR, legacy encoding, ...) travel with the procedures
        warnings = [*(_ingest_warning(w) for w in rec.get("warnings") or []), *read_warnings, *warnings]
    return {
        "schema_version": SCHEMA_VERSION,
        "source": str(path),
        "sha256": sha,
        "kind": kind,
        "procedure_count": len(procs),
        "procedures": [p.to_dict() for p in procs],
        "warnings": warnings,
    }
