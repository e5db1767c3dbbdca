"""Procedure records from tabular files: JSONL, CSV, XLSX and the portal's crawled JSON.

A record is one procedure whose components are already separated into fields, so each
field text goes straight to the component parsers. Column names may be the English keys
(code, name, level, field, agency, steps, channels, dossier, time_limit, subjects, result,
fees, forms, requirements, legal_basis, issuing_decision), the portal crawler's keys
(ma_thu_tuc, ten_thu_tuc, ...) or the Vietnamese portal labels ("Mã thủ tục", ...).
Every value goes through ``clean()`` (111 portal files contain NFD text).

Provenance of a field: ``node_id`` is the field key and offsets are into the cleaned
field text.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from tthc_pipeline.ingest.runner import sha256_file
from tthc_pipeline.procedures.builder import build_procedure, clean_code, normalise_level
from tthc_pipeline.procedures.model import Procedure, Provenance, SourceRef, TextSpan, document_identity
from tthc_pipeline.procedures.patterns import CODE_RE
from tthc_pipeline.procedures.record_text import RecordIssue, jsonl_objects, no_records_issue, read_text
from tthc_pipeline.text.normalize import _INVISIBLE, _LOOKALIKE, clean, normalize_for_match

# canonical key -> accepted column names
ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma_thu_tuc", "mã thủ tục", "mã tthc", "mã số tthc", "mã số", "ma_tthc"),
    "name": ("name", "ten_thu_tuc", "tên thủ tục", "tên tthc", "tên thủ tục hành chính"),
    "level": ("level", "levels", "cap_thuc_hien", "cấp thực hiện"),
    "field": ("field", "linh_vuc", "lĩnh vực"),
    "agency": ("agency", "agencies", "co_quan_thuc_hien", "cơ quan thực hiện"),
    "competent_agency": ("competent_agency", "co_quan_co_tham_quyen", "cơ quan có thẩm quyền"),
    "receiving_agency": ("receiving_agency", "dia_chi_tiep_nhan", "địa chỉ tiếp nhận hs", "địa chỉ tiếp nhận"),
    "authorised_agency": ("authorised_agency", "co_quan_duoc_uy_quyen", "cơ quan được ủy quyền"),
    "coordinating_agency": ("coordinating_agency", "co_quan_phoi_hop", "cơ quan phối hợp"),
    "steps": ("steps", "trinh_tu_thuc_hien", "trình tự thực hiện"),
    "channels": ("channels", "cach_thuc_thuc_hien", "cách thức thực hiện"),
    "dossier": ("dossier", "thanh_phan_ho_so", "thành phần hồ sơ", "thành phần, số lượng hồ sơ"),
    "time_limit": ("time_limit", "thoi_han_giai_quyet", "thời hạn giải quyết"),
    "subjects": ("subjects", "doi_tuong_thuc_hien", "đối tượng thực hiện"),
    "result": ("result", "results", "ket_qua_xu_ly", "ket_qua_thuc_hien", "kết quả thực hiện", "kết quả xử lý"),
    "fees": ("fees", "phi_le_phi", "phí, lệ phí", "lệ phí"),
    "forms": ("forms", "mau_don_to_khai", "mẫu đơn, mẫu tờ khai", "tên mẫu đơn, mẫu tờ khai"),
    "requirements": ("requirements", "yeu_cau_dieu_kien", "yêu cầu, điều kiện", "yêu cầu, điều kiện thực hiện"),
    "legal_basis": ("legal_basis", "can_cu_phap_ly", "căn cứ pháp lý"),
    "issuing_decision": ("issuing_decision", "so_quyet_dinh", "số quyết định", "announcing_decision"),
    "procedure_type": ("procedure_type", "loai_thu_tuc", "loại thủ tục"),
    "url": ("url", "detail_url"),
    "change_type": ("change_type",),
}
_LOOKUP = {normalize_for_match(a): key for key, names in ALIASES.items() for a in names}
COMPONENT_KEYS = ("steps", "channels", "dossier", "time_limit", "subjects", "result", "fees", "forms", "requirements", "legal_basis")
ROLE_KEYS = {
    "competent_agency": "competent",
    "receiving_agency": "receiving",
    "authorised_agency": "authorised",
    "coordinating_agency": "coordinating",
}


# Characters ``clean`` would change, taken from its own tables so the two stay in step:
# line-end/control characters, invisible marks and look-alikes.
_UNCLEAN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f"
    + re.escape("".join(map(chr, {**_INVISIBLE, **_LOOKALIKE})))
    + "]"
)


def clean_value(text: str) -> str:
    """``clean(text)``, skipping the work when the text is already in the stored form.

    ``clean`` walks every character in Python (about 2.5 MB/s here); most portal fields are
    already NFC without controls or look-alikes, and the check below runs in C. Equality with
    ``clean`` on the real records is a test (tests/test_extract_records.py).
    """
    if _UNCLEAN.search(text) is None and unicodedata.is_normalized("NFC", text):
        return text
    return clean(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_text(v)}" for k, v in value.items())
    return clean_value(str(value))


@functools.lru_cache(maxsize=4096)
def _column_key(name: str) -> str | None:
    return _LOOKUP.get(normalize_for_match(name).strip())


# The portal page's agency picker and submit button, which the crawler read into the result
# cell of 240 of the 339 Bộ Công an records: "…Chọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành--
# Chọn Tỉnh/ Thành phố --…Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực
# tuyếnNộp hồ sơ". Page chrome, not the procedure's words: its "dịch vụ công trực tuyến" read
# as an electronic result (CT004 missed five paper-only results).
_PAGE_CHROME = re.compile(r"Chọn cơ quan thực hiện[^\n]{0,300}?-- Chọn [^\n]{0,300}?Nộp hồ sơ\s*$")


def canonical_fields(row: dict[str, Any]) -> dict[str, str]:
    """Map a raw row onto canonical keys, cleaning every value (and cutting the portal page's
    agency picker off a cell's end)."""
    out: dict[str, str] = {}
    for k, v in row.items():
        key = _column_key(str(k))
        if key and key not in out:
            text = _text(v)
            if "Chọn cơ quan thực hiện" in text:
                text = _PAGE_CHROME.sub("", text)
            out[key] = text
    return out


def is_portal_record(obj: Any) -> bool:
    return isinstance(obj, dict) and ("ma_thu_tuc" in obj or "ten_thu_tuc" in obj)


# the page's own "Mã thủ tục" field in the crawler's raw page text ("…Mã thủ tục1.014023Số quyết
# định…": cells glued), read in its own case (a code's suffix is upper case: "1.000178.H12")
_PAGE_CODE = re.compile(r"Mã thủ tục\s*:?\s*")


def page_code(row: dict[str, Any]) -> str | None:
    """The procedure code the crawled portal page itself shows (its ``raw_text``), if any.

    Why: 16 of the 339 Bộ Công an records hold another procedure's page under their code
    (nine files hold one Sơn La commune procedure, 1.014023, seven one Hà Tĩnh page, 3.000579:
    same ``detail_url``, and the page says so). The content is what gets checked, so it must
    carry the page's code, not the crawler's label."""
    raw = row.get("raw_text")
    if not is_portal_record(row) or not isinstance(raw, str) or not raw:
        return None
    label = _PAGE_CODE.search(clean(raw[:4000]))  # the header fields come first
    if label is None:
        return None
    code = CODE_RE.match(label.string, label.end())  # the code right after the label, nothing else
    return clean_code(code.group(0)) if code else None


# The crawler cut the page at the first "Căn cứ pháp lý" it met. Where a fee note in the
# channel table cites its fee circular ("100 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC …)"),
# that is inside the table: the channel field then stops at "(" and the legal-basis field holds
# the rest of the table (": Thông tư 269/2016/TT-BTC …)Dịch vụ bưu chính1 Ngày…"), while the
# page's own section says "Căn cứ pháp lýKhông có thông tin" (3.000337–3.000345; four blind
# reviewers read the page's section). The section heading is the "Căn cứ pháp lý" not followed
# by a colon, up to the next heading.
_BASIS_HEADING = re.compile(r"Căn cứ pháp lý(?!\s*:)")
_NEXT_HEADING = re.compile(r"Cơ quan thực hiện|Yêu cầu, điều kiện|Cơ quan có thẩm quyền|Thủ tục hành chính liên quan|"
                           r"Địa chỉ tiếp nhận|Cơ quan được ủy quyền|Cơ quan phối hợp|Kết quả thực hiện|Kết quả xử lý|"
                           r"Thành phần hồ sơ|Chọn cơ quan thực hiện|Từ khóa")


def basis_spill_suspected(fields: dict[str, str]) -> bool:
    """The crawler's symptom: the channel field ends at a fee note's "(" and the legal-basis
    field starts with that note's colon."""
    return fields.get("legal_basis", "").startswith(":") and fields.get("channels", "").rstrip().endswith("(")


def repair_basis_spill(row: dict[str, Any], fields: dict[str, str]) -> dict[str, tuple[int, int]] | None:
    """Put a portal record's channel table and legal basis back together where the crawler split
    them inside a fee note (see ``_BASIS_HEADING``; called for the fields ``basis_spill_suspected``
    marks): the table gets its rows back, the legal basis is the page's own section. Only where
    the rejoined table is the page's own text, the section heading follows the record's dossier
    and another heading ends the section; ``fields`` (the record's ``canonical_fields``) is
    changed in place and the offsets of the two texts in the cleaned page are returned (their
    provenance), else None and nothing changes."""
    raw = row.get("raw_text")
    if not isinstance(raw, str) or not is_portal_record(row):
        return None
    page = clean(raw)
    table = fields["channels"] + "Căn cứ pháp lý" + fields["legal_basis"]
    at = page.find(table)
    if at < 0:
        return None
    after = at + len(table)
    dossier = fields.get("dossier", "")
    if dossier:  # the section comes right after the dossier, not a "Căn cứ pháp lý" in its words
        d = page.find(dossier, after)
        if d < 0:
            return None
        after = d + len(dossier)
    heading = _BASIS_HEADING.search(page, after)
    if heading is None or (dossier and page[after : heading.start()].strip()):
        return None
    end = _NEXT_HEADING.search(page, heading.end())
    if end is None:
        return None
    section = page[heading.end() : end.start()]
    lead = len(section) - len(section.lstrip())
    fields["channels"], fields["legal_basis"] = table, section.strip()
    s = heading.end() + lead
    return {"channels": (at, at + len(table)), "legal_basis": (s, s + len(fields["legal_basis"]))}


def basis_spill_issue(index: int | None, repaired: bool = True) -> RecordIssue:
    if repaired:
        return RecordIssue(
            "legal_basis_spill",
            "trường căn cứ pháp lý của bản ghi chứa phần cuối bảng cách thức thực hiện (dữ liệu thu thập cắt nhầm tại "
            "ghi chú phí \"(Căn cứ pháp lý: …)\"); đã đọc lại bảng cách thức và mục căn cứ pháp lý từ trang",
            "the record's legal-basis field holds the end of the channel table (the crawl cut it at the fee note "
            "\"(Căn cứ pháp lý: …)\"); the table and the legal-basis section were read again from the page",
            line=index,
        )
    return RecordIssue(
        "legal_basis_spill",
        "trường căn cứ pháp lý của bản ghi có vẻ chứa phần cuối bảng cách thức thực hiện (bắt đầu bằng \":\" của ghi chú "
        "phí) nhưng không đọc lại được từ trang: căn cứ pháp lý và bảng cách thức của thủ tục này có thể sai, hãy xem trang gốc",
        "the record's legal-basis field seems to hold the end of the channel table (it starts with a fee note's \":\") "
        "but could not be read again from the page: this procedure's legal basis and channel table may be wrong; see the page",
        line=index,
    )


def code_mismatch_issue(listed: str, shown: str, index: int | None) -> RecordIssue:
    return RecordIssue(
        "code_mismatch",
        f"bản ghi mã {listed} chứa trang của thủ tục mã {shown} (trang cổng dịch vụ công ghi mã {shown}); "
        f"đã kiểm tra theo mã {shown}: dữ liệu thu thập có thể đã lưu nhầm trang",
        f"the record filed as {listed} holds the page of procedure {shown} (the portal page says {shown}); "
        f"checked as {shown}: the crawl may have saved another page under this code",
        line=index,
    )


def procedure_from_row(row: dict[str, Any], document: str, sha256: str, index: int, kind: str = "record",
                       issues: list[RecordIssue] | None = None) -> Procedure:
    """The procedure of one record; ``issues`` receives a ``code_mismatch`` when the crawled
    page shows another code than the record's (the page's code is used), and a
    ``legal_basis_spill`` when the channel table and legal basis were read again from the page."""
    f = canonical_fields(row)
    suspected = basis_spill_suspected(f)
    rebuilt = repair_basis_spill(row, f) if suspected else None
    if suspected and issues is not None:
        issues.append(basis_spill_issue(index, repaired=rebuilt is not None))
    code = clean_code(f.get("code"))
    shown = page_code(row)
    listed = None
    if shown and code and shown != code:
        listed, code = code, shown
        if issues is not None:
            issues.append(code_mismatch_issue(listed, shown, index))
    code = code or shown
    name = f.get("name") or (code or f"record {index}")
    key = code or str(index)

    def span(field: str) -> TextSpan | None:
        t = f.get(field)
        if not t:
            return None
        if rebuilt and field in rebuilt:  # read again from the page: offsets into its cleaned text
            return TextSpan(t, Provenance(document=document, sha256=sha256, node_id="raw_text",
                                          start=rebuilt[field][0], end=rebuilt[field][1]))
        return TextSpan(t, Provenance(document=document, sha256=sha256, node_id=field, start=0, end=len(t)))

    comps = {c: span(c) for c in COMPONENT_KEYS}
    comps["agencies"] = span("agency")
    comps["name"] = span("name")
    roles = {role: span(k) for k, role in ROLE_KEYS.items()}
    change = (f.get("change_type") or "unknown").strip()
    extra = {k: f[k] for k in ("procedure_type", "url") if f.get(k)}
    if listed:
        extra["listed_code"] = listed
    if rebuilt:
        extra["repaired"] = ["legal_basis_spill"]  # channels and legal basis read again from the page
    return build_procedure(
        name=name,
        code=code,
        components={k: v for k, v in comps.items() if v is not None},
        source=SourceRef(kind="record", document=document, sha256=sha256, record_key=key),
        levels=normalise_level(f.get("level", "")),
        field=(f.get("field") or "").strip() or None,
        change_type=change if change in ("new", "amended", "replaced", "abolished", "standardised") else "unknown",  # type: ignore[arg-type]
        announcing_decision=(f.get("issuing_decision") or "").strip() or None,
        role_agencies={r: s for r, s in roles.items() if s is not None},
        extra=extra,
        document=document_identity((f.get("issuing_decision") or "").strip() or None),
    )


def _rows_jsonl(path: Path, issues: list[RecordIssue]) -> Iterable[tuple[int, dict]]:
    yield from jsonl_objects(path, issues)


# Python's csv refuses fields over 128 KiB; a portal dossier or legal-basis cell can be longer
_CSV_FIELD_LIMIT = 1 << 30


def _rows_csv(path: Path, issues: list[RecordIssue]) -> Iterable[dict]:
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    fh = io.StringIO(read_text(path, issues), newline="")
    sample = fh.read(4096)
    fh.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.DictReader(fh, dialect=dialect)


def _rows_xlsx(path: Path, issues: list[RecordIssue]) -> Iterable[dict]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = None
            for row in rows:
                cells = ["" if c is None else str(c) for c in row]
                if header is None:
                    # first row that names at least two known columns
                    if sum(1 for c in cells if _LOOKUP.get(normalize_for_match(c).strip())) >= 2:
                        header = cells
                    continue
                if any(c.strip() for c in cells):
                    yield dict(zip(header, cells))
    finally:
        wb.close()


def _rows_json(path: Path, issues: list[RecordIssue]) -> Iterable[dict]:
    return json_rows(json.loads(read_text(path, issues)))


def json_rows(obj: Any) -> list[dict]:
    """The records of a parsed record JSON: one record, a list, or {"procedures": [...]}."""
    if isinstance(obj, dict) and isinstance(obj.get("procedures"), list) and not is_portal_record(obj):
        obj = obj["procedures"]
    if isinstance(obj, dict):
        obj = [obj]
    if not isinstance(obj, list) or not all(isinstance(o, dict) for o in obj):
        raise ValueError("JSON is neither a record nor a list of records")
    return obj


READERS = {".jsonl": _rows_jsonl, ".ndjson": _rows_jsonl, ".csv": _rows_csv, ".xlsx": _rows_xlsx, ".json": _rows_json}


def read_records(path: str | Path) -> list[Procedure]:
    """All procedures in a record file (JSONL, CSV, XLSX, portal JSON); what could not be
    read is dropped silently: use ``read_records_report`` to hear about it."""
    return read_records_report(path)[0]


def read_records_report(path: str | Path) -> tuple[list[Procedure], list[RecordIssue]]:
    """Procedures of a record file, and the issues met while reading it (skipped JSONL
    lines, replaced bytes: see ``record_text``). A JSONL record's index is its line."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"not a record file: {path.name}")
    issues: list[RecordIssue] = []
    rows = reader(path, issues)
    return _reported(path, rows if reader is _rows_jsonl else enumerate(rows, 1), issues), issues


def json_records_report(path: Path, obj: Any, issues: list[RecordIssue]) -> list[Procedure]:
    """``read_records_report`` for a record JSON the caller has already parsed (reading it
    went to ``issues``)."""
    return _reported(path, enumerate(json_rows(obj), 1), issues)


def _reported(path: Path, numbered: Iterable[tuple[int, dict[str, Any]]], issues: list[RecordIssue]) -> list[Procedure]:
    procs = procedures_from_rows(path, numbered, issues)
    if not procs and not any(i.fatal for i in issues):
        issues.append(no_records_issue())
    return procs


def procedures_from_rows(path: Path, numbered: Iterable[tuple[int, dict[str, Any]]],
                         issues: list[RecordIssue] | None = None) -> list[Procedure]:
    """Procedures of the (index, row) pairs already read from the record file ``path``;
    ``issues`` receives what was repaired in a row (see ``procedure_from_row``)."""
    sha = sha256_file(path)
    return [procedure_from_row(row, str(path), sha, i, issues=issues) for i, row in numbered]
