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
from tthc_pipeline.procedures.model import Procedure, Provenance, SourceRef, TextSpan
from tthc_pipeline.text.normalize import canon

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
_LABEL_RE = re.compile(r"(?m)^[ \t]*(?P<label>" + "|".join(f"(?P<{k}>{rx})" for k, rx in LABELS) + r")[ \t]*:")
_TITLE_RE = re.compile(r"chi\s+tiết\s+thủ\s+tục\s+hành\s+chính")


def looks_like_export(rec: dict[str, Any]) -> bool:
    low = canon(rec.get("text", "")[:3000])
    return bool(_TITLE_RE.search(low)) and "mã thủ tục" in low


def extract_export(rec: dict[str, Any]) -> list[Procedure]:
    text = rec.get("text", "")
    low = canon(text)
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

    code = clean_code(val("code"))
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
    )
    return [proc]
