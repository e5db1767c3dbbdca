"""Turn component texts (from any source) into a filled ``Procedure``.

Every source (portal record, announcement block, portal export, regulation article) ends
here with a dict ``component name -> TextSpan``; parsing is therefore identical whatever the
source, and the raw spans are always kept in ``Procedure.components`` so rules can read
what the parsers could not structure.
"""

from __future__ import annotations

import re

from tthc_pipeline.procedures import components as C
from tthc_pipeline.procedures.annotate import tag_dossier
from tthc_pipeline.procedures.model import (
    Agency,
    ChangeType,
    Procedure,
    SourceRef,
    TextSpan,
    procedure_id,
)
from tthc_pipeline.procedures.patterns import CODE_RE
from tthc_pipeline.text.normalize import canon

_WS = re.compile(r"\s+")


def normalise_level(text: str) -> list[str]:
    """'Cấp bộ, Cấp Tỉnh' → ['Cấp bộ', 'Cấp tỉnh']; 'cấp huyện' → ['Cấp huyện']."""
    out = []
    for part in re.split(r"[,;/]| và ", text or ""):
        p = _WS.sub(" ", part).strip(" .")
        if not p or C.is_empty_value(p):
            continue
        low = canon(p)
        if low.startswith("cấp "):
            p = "Cấp " + low[4:]
        elif low in ("bộ", "tỉnh", "huyện", "xã"):
            p = "Cấp " + low
        if p not in out:
            out.append(p)
    return out


# a cell that is only a code broken by spaces: a narrow PDF column wraps "2.000815" into
# "2.000" and "815", which the text layer joins as "2.000 815"
_SPLIT_CODE = re.compile(r"\s*[1-9]\s*\.\s*(?:\d\s*){6}(?:\.\s*[A-Z]\s*\d\s*\d)?\s*")


def clean_code(text: str | None) -> str | None:
    """A mã TTHC or None ('Không có mã số', blanks)."""
    if not text:
        return None
    m = CODE_RE.search(text)
    if not m:
        return "".join(text.split()) if _SPLIT_CODE.fullmatch(text) else None  # the code without its spaces
    return m.group(1) + (m.group(2) or "")


def build_procedure(
    *,
    name: str,
    code: str | None,
    components: dict[str, TextSpan],
    source: SourceRef,
    levels: list[str] | None = None,
    field: str | None = None,
    change_type: ChangeType = "unknown",
    announcing_decision: str | None = None,
    role_agencies: dict[str, TextSpan] | None = None,
    extra: dict | None = None,
    document: str | None = None,
) -> Procedure:
    """Parse each component text into typed items; keep the raw spans. ``document``: the
    publishing document's ``document_identity``, which names a procedure without a code."""
    name = _WS.sub(" ", name).strip()
    comps = {k: v for k, v in components.items() if v is not None and v.text and not C.is_empty_value(v.text)}
    proc = Procedure(
        id=procedure_id(code, name, source.sha256, document),
        name=name,
        code=code,
        levels=levels or [],
        field=field,
        change_type=change_type,
        announcing_decision=announcing_decision,
        source=source,
        components=comps,
        extra=extra or {},
    )

    def span(key):
        return comps.get(key)

    if (s := span("steps")) is not None:
        proc.steps = C.parse_steps(s.text, s.prov)
    if (s := span("channels")) is not None:
        proc.channels = C.parse_channels(s.text, s.prov)
    if (s := span("dossier")) is not None:
        proc.dossier, proc.dossier_sets = C.parse_dossier(s.text, s.prov)
        tag_dossier(proc.dossier)
    if (s := span("time_limit")) is not None:
        proc.time_limits = C.parse_time_limits(s.text, s.prov)
    if not proc.time_limits:
        for ch in proc.channels:
            proc.time_limits.extend(ch.time_limits)
    if (s := span("fees")) is not None:
        proc.fees = C.parse_fees(s.text, s.prov)
    if not proc.fees:
        for ch in proc.channels:
            proc.fees.extend(ch.fees)
    agencies: list[Agency] = []
    if (s := span("agencies")) is not None:
        agencies.extend(C.parse_agencies(s.text, "implementing", s.prov))
    for role, s in (role_agencies or {}).items():
        if s is not None and s.text:
            agencies.extend(C.parse_agencies(s.text, role, s.prov))
    seen = set()
    for a in agencies:
        key = (a.role, canon(a.name))
        if key not in seen:
            seen.add(key)
            proc.agencies.append(a)
    if (s := span("subjects")) is not None:
        proc.subjects = C.parse_list(s.text, s.prov)
    if (s := span("result")) is not None:
        proc.results = C.parse_results(s.text, s.prov)
    if (s := span("forms")) is not None:
        proc.forms = C.parse_paragraphs(s.text, s.prov)
    if (s := span("requirements")) is not None:
        proc.requirements = C.parse_paragraphs(s.text, s.prov)
    if (s := span("legal_basis")) is not None:
        proc.legal_basis = C.parse_legal_basis(s.text, s.prov)
    return proc
