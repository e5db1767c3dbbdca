"""Procedure loading for ``tthc check``.

Uses ``tthc_pipeline.procedures.load.load_procedures`` if the extraction side provides it;
otherwise routes each file itself: documents and ingest JSON to ``procedures.extract``,
record files and portal JSON to ``procedures.records``, procedure JSON to
``Procedure.from_dict``. If those modules are missing, portal JSON and procedure JSON are
still read here (portal keys mapped to components as published, after ``clean()``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

from tthc_pipeline.procedures.model import Procedure, Provenance, SourceRef, TextSpan, procedure_id
from tthc_pipeline.text.normalize import clean

PORTAL_KEYS = {
    "ten_thu_tuc": "name",
    "trinh_tu_thuc_hien": "steps",
    "cach_thuc_thuc_hien": "channels",
    "thanh_phan_ho_so": "dossier",
    "doi_tuong_thuc_hien": "subjects",
    "co_quan_thuc_hien": "agencies",
    "ket_qua_xu_ly": "result",
    "can_cu_phap_ly": "legal_basis",
    "yeu_cau_dieu_kien": "requirements",
}


class InputError(ValueError):
    """An input file that is neither a portal record nor procedure JSON."""


def procedure_from_portal(record: dict[str, Any], document: str | None = None, sha256: str | None = None) -> Procedure:
    comps = {}
    for key, comp in PORTAL_KEYS.items():
        text = clean(record.get(key) or "")
        if text:
            comps[comp] = TextSpan(text, Provenance(document=document, sha256=sha256, node_id=key, start=0, end=len(text)))
    code = (record.get("ma_thu_tuc") or "").strip() or None
    name = clean(record.get("ten_thu_tuc") or "").strip()
    levels = [s.strip() for s in clean(record.get("cap_thuc_hien") or "").split(",") if s.strip()]
    return Procedure(
        id=procedure_id(code, name, sha256),
        name=name,
        code=code,
        levels=levels,
        field=clean(record.get("linh_vuc") or "") or None,
        announcing_decision=clean(record.get("so_quyet_dinh") or "") or None,
        source=SourceRef(kind="record", document=document, sha256=sha256, record_key=code),
        components=comps,
        extra={"loai_thu_tuc": clean(record.get("loai_thu_tuc") or "")},
    )


def _objects(path: Path) -> Iterable[dict[str, Any]]:
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        for line in raw.splitlines():
            if line.strip():
                yield json.loads(line)
        return
    data = json.loads(raw)
    if isinstance(data, dict) and "procedures" in data:
        data = data["procedures"]
    yield from (data if isinstance(data, list) else [data])


def _shared_reader():
    try:
        from tthc_pipeline.procedures.records import read_records  # the record importer
    except ImportError:
        return None
    return read_records


def _extractor():
    try:
        from tthc_pipeline.procedures.extract import extract_path  # documents → procedures
    except ImportError:
        return None
    return extract_path


RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".xlsx"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".md", ".txt", ".odt", ".rtf", ".html", ".htm"}
INPUT_SUFFIXES = {".json"} | RECORD_SUFFIXES | DOCUMENT_SUFFIXES


def _from_extraction(path: Path) -> list[Procedure]:
    extract_path = _extractor()
    if extract_path is None:
        raise InputError(f"{path}: chưa có bộ trích xuất tài liệu / document extraction not available")
    return [Procedure.from_dict(d) for d in extract_path(path)["procedures"]]


def load_file(path: Path) -> list[Procedure]:
    """Procedures of one input file.

    * documents (.pdf/.docx/.doc/.md/…) and ingest JSON → ``procedures.extract.extract_path``;
    * record files (.jsonl/.csv/.xlsx) and portal JSON → ``procedures.records.read_records``;
    * procedure JSON (``tthc extract`` output or ``Procedure.to_dict()``) → ``Procedure.from_dict``.
    Without those modules, portal JSON and procedure JSON are read here.
    """
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return _from_extraction(path)
    reader = _shared_reader()
    if suffix in RECORD_SUFFIXES and suffix != ".jsonl" and reader is None:
        raise InputError(f"{path}: chưa có bộ đọc bản ghi / record importer not available")
    if suffix in RECORD_SUFFIXES and suffix != ".jsonl":
        return list(reader(path))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        objects = list(_objects(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: không đọc được JSON / not readable JSON: {exc}") from exc
    if len(objects) == 1 and isinstance(objects[0], dict) and "sha256" in objects[0] and "text" in objects[0]:
        return _from_extraction(path)  # an ingest record of a document
    if reader is not None and objects and all(isinstance(o, dict) and ("ma_thu_tuc" in o or "ten_thu_tuc" in o) for o in objects):
        return list(reader(path))
    out = []
    for obj in objects:
        if not isinstance(obj, dict):
            raise InputError(f"{path}: không phải hồ sơ cổng DVC hay JSON thủ tục / neither a portal record nor procedure JSON")
        if "ma_thu_tuc" in obj or "ten_thu_tuc" in obj:
            out.append(procedure_from_portal(obj, str(path), sha))
        elif "id" in obj and "name" in obj:
            out.append(Procedure.from_dict(obj))
        else:
            raise InputError(f"{path}: không phải hồ sơ cổng DVC hay JSON thủ tục / neither a portal record nor procedure JSON")
    return out


def load_procedures(paths: Iterable[str | Path]) -> list[Procedure]:
    """Procedures from files or directories (``*.json``, ``*.jsonl``), shared loader first."""
    paths = [Path(p) for p in paths]
    try:
        from tthc_pipeline.procedures.load import load_procedures as shared  # type: ignore
    except ImportError:
        shared = None
    if shared is not None:
        return list(shared(paths))
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES))
        elif p.exists():
            files.append(p)
        else:
            raise InputError(f"{p}: không tìm thấy tệp / file not found")
    procs: list[Procedure] = []
    for f in files:
        procs.extend(load_file(f))
    return procs
