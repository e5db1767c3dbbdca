"""Procedure loading for ``tthc check``, one file at a time.

Routing per file: documents and ingest JSON → ``procedures.extract.extract_path``; record
files (.csv/.xlsx/.ndjson) and portal JSON → ``procedures.records.read_records``; procedure
JSON (``tthc extract`` output, ``Procedure.to_dict()`` objects, JSONL of them) →
``Procedure.from_dict``. Folders are read recursively like ``ingest`` and ``extract``
(sorted, supported suffixes, hidden files skipped).

The batch contract: every input is attempted. ``load_inputs`` never raises for a bad file; it
returns the procedures of the good ones and one ``InputFailure`` (stable code, Vietnamese and
English reason) per bad one: unreadable or foreign JSON, an ingest record of a document that
could not be read, an error document ``tthc extract`` wrote for a failed input. Inside a
record file that can be read, one failure per skipped JSONL line (with its number), a
warning for bytes that are not UTF-8 (replaced) and one for a file without any record
(``no_records``): the other records are kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from tthc_pipeline.procedures.docrecord import document_from_json, is_ingest_json
from tthc_pipeline.procedures.extract import (
    DOCUMENT_SUFFIXES,
    RECORD_SUFFIXES,
    error_from_exception,
    extract_from_record,
    extract_path,
    input_files,
)
from tthc_pipeline.procedures.model import Procedure
from tthc_pipeline.procedures.record_text import (
    RecordIssue,
    UnreadableRecords,
    jsonl_objects,
    no_records_issue,
    read_text,
)
from tthc_pipeline.procedures.records import is_portal_record, procedures_from_rows, read_records_report


class InputError(ValueError):
    """An input file that yields no procedures for a known reason (bilingual, stable code)."""

    def __init__(self, path: Path, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{path}: {message_vi} / {message_en}")
        self.path = path
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass
class InputFailure:
    """One input, or one line of it, that could not be read; the batch went on without it.
    As a warning (``LoadResult.warnings``): something repaired while reading (bytes that are
    not UTF-8 replaced)."""

    path: Path
    code: str
    message_vi: str
    message_en: str
    line: int | None = None

    def render(self) -> str:
        if self.line is not None:
            return (f"Lỗi: bỏ qua dòng {self.line} của tệp {self.path} ({self.code}): {self.message_vi}\n"
                    f"Error: skipped line {self.line} of {self.path} ({self.code}): {self.message_en}")
        return (f"Lỗi: không đọc được tệp {self.path} ({self.code}): {self.message_vi}\n"
                f"Error: could not read {self.path} ({self.code}): {self.message_en}")

    def render_warning(self) -> str:
        return (f"Cảnh báo: tệp {self.path} ({self.code}): {self.message_vi}\n"
                f"Warning: {self.path} ({self.code}): {self.message_en}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": str(self.path), "code": self.code, "message_vi": self.message_vi,
                               "message_en": self.message_en}
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass
class LoadResult:
    procedures: list[Procedure] = field(default_factory=list)
    failures: list[InputFailure] = field(default_factory=list)
    warnings: list[InputFailure] = field(default_factory=list)
    files: int = 0

    def failure_summary(self) -> str:
        """"2/40 tệp không đọc được; bỏ qua 3 dòng của 1 tệp" (bilingual), for stderr."""
        whole = sum(1 for f in self.failures if f.line is None)
        lines = [f for f in self.failures if f.line is not None]
        vi, en = [], []
        if whole:
            vi.append(f"{whole}/{self.files} tệp không đọc được")
            en.append(f"{whole}/{self.files} files could not be read")
        if lines:
            n_files = len({f.path for f in lines})
            vi.append(f"bỏ qua {len(lines)} dòng của {n_files} tệp")
            en.append(f"{_plural(len(lines), 'line')} of {_plural(n_files, 'file')} skipped")
        return "; ".join(vi) + " / " + "; ".join(en) + "."


@dataclass
class _JsonlLines:
    """What ``_read_json`` returns for JSONL: (line, object) of the readable lines."""

    pairs: list[tuple[int, dict[str, Any]]]


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _numbered_objects(data: Any) -> list[tuple[int, Any]]:
    """(index, object) pairs: a JSONL file's (line, object) as read, else the objects of a
    JSON file (a list, a {"procedures": [...]} document, or one object) numbered from 1."""
    if isinstance(data, _JsonlLines):
        return data.pairs
    if isinstance(data, dict) and "procedures" in data:
        data = data["procedures"]
    return list(enumerate(data if isinstance(data, list) else [data], 1))


def _read_json(path: Path, issues: list[RecordIssue]) -> Any:
    """JSON or JSONL, tolerantly (see ``procedures.record_text``): unreadable JSONL lines and
    replaced bytes go to ``issues``."""
    if path.suffix.lower() == ".jsonl":
        return _JsonlLines(jsonl_objects(path, issues))
    return json.loads(read_text(path, issues))


def _refuse_failed_outputs(path: Path, data: Any) -> None:
    """An ingest record or ``tthc extract`` document that carries an ``error`` is a failed input
    of an earlier stage: report that stage's reason instead of checking nothing silently."""
    if not isinstance(data, dict) or not data.get("error"):
        return
    err = data["error"] if isinstance(data["error"], dict) else {"message_vi": str(data["error"]), "message_en": str(data["error"])}
    source = data.get("source") or "?"
    stage_vi, stage_en = ("đọc tệp (ingest)", "ingest") if is_ingest_json(data) else ("trích xuất", "extract")
    raise InputError(
        path,
        err.get("code") or "failed_input",
        f"đây là kết quả {stage_vi} bị lỗi của tệp {source}, không có thủ tục nào để kiểm tra: {err.get('message_vi', '')}",
        f"this is a failed {stage_en} result of {source}, with no procedures to check: {err.get('message_en', '')}",
    )


def _is_generic_record(obj: Any) -> bool:
    """A record of the documented columns (code, name, dossier, ...) rather than procedure
    JSON from ``tthc extract`` (which always carries an ``id``)."""
    return isinstance(obj, dict) and "name" in obj and "id" not in obj


def load_file(path: Path, issues: list[RecordIssue] | None = None) -> list[Procedure]:
    """Procedures of one input file; raises ``InputError``, ``IngestError``, ``ValueError`` or
    ``OSError`` for a file that cannot be read (``load_inputs`` turns them into failures).
    What was skipped or repaired in a file that could be read goes to ``issues``."""
    issues = [] if issues is None else issues
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(path, "not_found", "không tìm thấy tệp hoặc không phải tệp thường",
                         "file not found or not a regular file")
    if suffix in DOCUMENT_SUFFIXES:
        return [Procedure.from_dict(d) for d in extract_path(path)["procedures"]]
    if suffix in RECORD_SUFFIXES and suffix != ".jsonl":
        procs, found = read_records_report(path)
        issues.extend(found)
        return procs
    read_issues: list[RecordIssue] = []
    try:
        data = _read_json(path, read_issues)
    except UnreadableRecords as exc:
        raise InputError(path, "invalid_json", exc.message_vi, exc.message_en) from exc
    except ValueError as exc:  # json.JSONDecodeError
        raise InputError(path, "invalid_json", f"không đọc được JSON: {exc}", f"not readable JSON: {exc}") from exc
    _refuse_failed_outputs(path, data)
    issues.extend(read_issues)
    if is_ingest_json(data):  # an ingest record of a document, already parsed
        return extract_from_record(document_from_json(data))[0]
    numbered = _numbered_objects(data)
    objects = [o for _, o in numbered]
    if objects and all(is_portal_record(o) or _is_generic_record(o) for o in objects):
        procs = procedures_from_rows(path, numbered, issues)
    elif all(isinstance(o, dict) and "id" in o and "name" in o for o in objects):
        procs = [Procedure.from_dict(o) for o in objects]
    else:
        raise InputError(path, "not_procedures",
                         "không phải bản ghi cổng DVC, kết quả đọc tệp (ingest) hay JSON thủ tục",
                         "neither a portal record, an ingest record nor procedure JSON")
    if not procs and isinstance(data, _JsonlLines) and not any(i.fatal for i in read_issues):
        issues.append(no_records_issue())
    return procs


def _failure(path: Path, exc: Exception) -> InputFailure:
    if isinstance(exc, InputError):
        return InputFailure(path, exc.code, exc.message_vi, exc.message_en)
    err = error_from_exception(exc)
    return InputFailure(path, err["code"], err["message_vi"], err["message_en"])


def load_inputs(paths: Iterable[str | Path]) -> LoadResult:
    """Procedures of every readable input, and one failure per input that is not."""
    result = LoadResult()
    for f in input_files(paths, skip_outputs=False):
        result.files += 1
        issues: list[RecordIssue] = []
        try:
            result.procedures.extend(load_file(f, issues))
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
            result.failures.append(_failure(f, exc))
            continue
        for issue in issues:
            problem = InputFailure(f, issue.code, issue.message_vi, issue.message_en, issue.line)
            (result.failures if issue.fatal else result.warnings).append(problem)
    return result


def load_procedures(paths: Iterable[str | Path]) -> list[Procedure]:
    """All procedures of ``paths``, strictly: raises ``InputError`` for the first bad input
    (benchmarks, tests and scripts that expect every input to be good)."""
    result = load_inputs(paths)
    if result.failures:
        f = result.failures[0]
        raise InputError(f.path, f.code, f.message_vi, f.message_en)
    return result.procedures
