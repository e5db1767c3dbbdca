"""The national portal's "Chi tiết thủ tục hành chính" export (PDF/DOCX), one procedure.

The export is a list of "Label: value" fields at line starts (Mã thủ tục, Số quyết định,
Tên thủ tục, Cấp thực hiện, Lĩnh vực, Trình tự thực hiện, Cách thức thực hiện (table),
Thành phần hồ sơ (table), Đối tượng, Cơ quan ..., Kết quả, Căn cứ pháp lý (table), Yêu
cầu, điều kiện). Values can wrap across lines; tables come as wrapped lines, which the
component parsers accept (they collapse whitespace and recognise the table headers).
"""

from __future__ import annotations

import re
from typing import Any

from tthc_pipeline.procedures.builder import build_procedure, clean_code, normalise_level
from tthc_pipeline.procedures.model import Procedure, Provenance, SourceRef, TextSpan, document_identity
from tthc_pipeline.text.normalize import canon, fold

LABELS: list[tuple[str, str]] = [
    ("code", r"mã\s+thủ\s+tục"),
    ("decision", r"số\s+quyết\s+định"),
    ("name", r"tên\s+thủ\s+tục"),
    ("level", r"cấp\s+thực\s+hiện"),
    ("procedure_type", r"loại\s+thủ\s+tục"),
    ("field", r"lĩnh\s+vực"),
    ("steps", r"trình\s+tự\s+thực\s+hiện"),
    ("channels", r"cách\s+thức\s+thực\s+hiện"),
    ("dossier", r"thành\s+phần\s+hồ\s+sơ"),
    ("subjects", r"đối\s+tượng\s+thực\s+hiện"),
    ("agencies", r"cơ\s+quan\s+thực\s+hiện"),
    ("competent", r"cơ\s+quan\s+có\s+thẩm\s+quyền"),
    ("receiving", r"địa\s+chỉ\s+tiếp\s+nhận(?:\s+hs)?"),
    ("authorised", r"cơ\s+quan\s+được\s+ủy\s+quyền"),
    ("coordinating", r"cơ\s+quan\s+phối\s+hợp"),
    ("result", r"kết\s+quả\s+thực\s+hiện"),
    ("legal_basis", r"căn\s+cứ\s+pháp\s+lý"),
    ("requirements", r"yêu\s+cầu,\s*điều\s+kiện\s+thực\s+hiện"),
    ("keywords", r"từ\s+khóa"),
    ("description", r"mô\s+tả"),
    ("fees", r"phí,\s*lệ\s+phí"),
    ("time_limit", r"thời\s+hạn\s+giải\s+quyết"),
    ("related", r"thủ\s+tục\s+hành\s+chính\s+liên\s+quan"),
]
# Labels are matched on fold(canon(text)) (diacritics stripped, same length): OCR misreads tone
# marks in them ("Cơ quan có thắm quyền", "Số lượng hỗ sơ") and a label it misses would glue
# its value to the previous field.
_LABEL_RE = re.compile(r"(?m)^[ \t]*(?P<label>" + "|".join(f"(?P<{k}>{fold(rx)})" for k, rx in LABELS) + r")[ \t]*:")
# Matched on fold(canon(...)): OCR misreads tone marks in the title ("Chỉ tiết thủ tục").
_TITLE_RE = re.compile(r"chi\s+tiet\s+thu\s+tuc\s+hanh\s+chinh")


# "Mã thủ tục: 1.00O178" / "2,002229": OCR letters for digits and a comma for the dot.
_OCR_CODE = re.compile(r"(?<![\w.])([1-9Il])[.,]([0-9OoIl]{6})(?!\w)")
_OCR_DIGITS = str.maketrans("OoIl", "0011")


def code_of(value: str) -> str | None:
    """The mã TTHC of the 'Mã thủ tục' field, repairing OCR digit lookalikes when needed."""
    code = clean_code(value)
    if code or not value:
        return code
    m = _OCR_CODE.search(value)
    return clean_code(f"{m.group(1)}.{m.group(2)}".translate(_OCR_DIGITS)) if m else None


def looks_like_export(rec: dict[str, Any]) -> bool:
    low = fold(canon(rec.get("text", "")[:3000]))
    return bool(_TITLE_RE.search(low)) and bool(re.search(r"ma\s+thu\s+tuc", low))


def extract_export(rec: dict[str, Any]) -> list[Procedure]:
    text = rec.get("text", "")
    low = fold(canon(text))
    heads = []
    for m in _LABEL_RE.finditer(low):
        key = next(k for k, _ in LABELS if m.group(k))
        heads.append((key, m.start(), m.end()))
    fields: dict[str, tuple[int, int]] = {}
    for k, (key, hs, be) in enumerate(heads):
        end = heads[k + 1][1] if k + 1 < len(heads) else len(text)
        # the "Mô tả" inside the Cách thức table header is not a field label
        if key not in fields:
            fields[key] = (be, end)
    doc, sha = rec.get("source"), rec.get("sha256")

    def span(key: str) -> TextSpan | None:
        if key not in fields:
            return None
        s, e = fields[key]
        body = text[s:e]
        lead = len(body) - len(body.lstrip())
        body = body.strip()
        if not body:
            return None
        return TextSpan(body, Provenance(document=doc, sha256=sha, node_id=f"export/{key}", start=s + lead, end=s + lead + len(body)))

    def val(key: str) -> str:
        sp = span(key)
        return re.sub(r"\s+", " ", sp.text).strip() if sp else ""

    code = code_of(val("code"))
    name = val("name")
    comps = {k: span(k) for k in ("steps", "channels", "dossier", "subjects", "agencies", "result", "legal_basis",
                                  "requirements", "fees", "time_limit")}
    comps["name"] = span("name")
    roles = {r: span(r) for r in ("competent", "receiving", "authorised", "coordinating")}
    proc = build_procedure(
        name=name or (code or "?"), code=code, components={k: v for k, v in comps.items() if v},
        source=SourceRef(kind="portal_export", document=doc, sha256=sha, record_key=code),
        levels=normalise_level(val("level")), field=val("field") or None,
        announcing_decision=val("decision") or None,
        role_agencies={r: s for r, s in roles.items() if s},
        extra={k: val(k) for k in ("procedure_type",) if val(k)},
        document=document_identity(val("decision") or None),
    )
    return [proc]
