"""The procedure model shared by extraction, rules and reports.

Follows the components of NĐ 63/2010/NĐ-CP Điều 8 and the national portal's fields
(TTHC-DOMAIN.md §1.2, §6). Two layers per component:

* ``components[name]``: the component text exactly as published (a ``TextSpan`` with
  provenance). Rules that look for phrases read this, so nothing the parser failed to
  structure is ever invisible to them.
* typed items (``dossier``, ``time_limits``, ``fees`` ...): what the parsers could structure,
  each with its own provenance.

Identities never contain line numbers: a procedure is identified by its code (mã TTHC) or,
without one, by its normalised name and the source document's hash, so findings keep
their fingerprints across rescans.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from tthc_pipeline.legal.citations import canonical_number
from tthc_pipeline.text.normalize import fold

COMPONENTS = (
    "name",
    "steps",  # trình tự thực hiện
    "channels",  # cách thức thực hiện
    "dossier",  # thành phần, số lượng hồ sơ
    "time_limit",  # thời hạn giải quyết
    "subjects",  # đối tượng thực hiện
    "agencies",  # cơ quan thực hiện
    "result",  # kết quả thực hiện
    "fees",  # phí, lệ phí
    "forms",  # mẫu đơn, mẫu tờ khai
    "requirements",  # yêu cầu, điều kiện
    "legal_basis",  # căn cứ pháp lý
)

COMPONENT_LABELS_VI = {
    "name": "Tên thủ tục",
    "steps": "Trình tự thực hiện",
    "channels": "Cách thức thực hiện",
    "dossier": "Thành phần, số lượng hồ sơ",
    "time_limit": "Thời hạn giải quyết",
    "subjects": "Đối tượng thực hiện",
    "agencies": "Cơ quan thực hiện",
    "result": "Kết quả thực hiện",
    "fees": "Phí, lệ phí",
    "forms": "Mẫu đơn, mẫu tờ khai",
    "requirements": "Yêu cầu, điều kiện",
    "legal_basis": "Căn cứ pháp lý",
}

ChangeType = Literal["new", "amended", "replaced", "abolished", "standardised", "unknown"]
ChannelKind = Literal["truc_tiep", "buu_chinh", "truc_tuyen"]
TimeUnit = Literal["ngay", "ngay_lam_viec", "gio", "thang", "trong_ngay", "nam"]
CopyKind = Literal[
    "ban_chinh", "ban_sao", "ban_sao_chung_thuc", "ban_sao_cong_chung", "ban_chup", "ban_dien_tu"
]
AgencyRole = Literal["competent", "implementing", "authorised", "coordinating", "receiving"]


@dataclass
class Provenance:
    """Where a value came from.

    ``document`` is the source file path (or record file); ``sha256`` its content hash;
    ``node_id`` a structure node id ("dieu-5/khoan-2") or, for records, the field key;
    ``start``/``end`` are character offsets into the ingested document text (or into the
    record field's text when ``node_id`` names a record field).
    """

    document: str | None = None
    sha256: str | None = None
    page: int | None = None
    node_id: str | None = None
    start: int | None = None
    end: int | None = None

    def shifted(self, offset: int, length: int) -> "Provenance":
        """Provenance of a sub-span starting ``offset`` chars into this span."""
        # the constructor, not dataclasses.replace (which introspects the fields on every
        # call: it showed in the rule engine's profile, one call per finding)
        return Provenance(self.document, self.sha256, self.page, self.node_id, *self.sub_span(offset, length))

    def sub_span(self, offset: int, length: int) -> tuple[int | None, int | None]:
        """(start, end) in the source of the sub-span ``offset`` chars into this span (None
        where this span's offsets are unknown); what a finding's provenance reads, without a
        Provenance built per finding."""
        start = None if self.start is None else self.start + offset
        return start, None if start is None else start + length


@dataclass
class TextSpan:
    text: str
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class Step:
    order: int
    text: str
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class TimeLimit:
    raw: str
    value: float | None = None
    unit: TimeUnit | None = None
    start_point: str | None = None  # "kể từ ngày nhận đủ hồ sơ hợp lệ"
    condition: str | None = None  # "trường hợp cần xác minh ..."
    channel: ChannelKind | None = None
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class Fee:
    raw: str
    amount: int | None = None  # đồng
    kind: Literal["phi", "le_phi", "other"] | None = None
    per: str | None = None  # "hồ sơ", "lần", "giấy phép"
    channel: ChannelKind | None = None
    free: bool = False  # "Không", "miễn phí", "không thu"
    exemption: str | None = None
    valid_until: str | None = None  # time-limited reductions (ISO date) when stated
    prov: Provenance = field(default_factory=Provenance)
    currency: str | None = None  # "VND" (amount set) or e.g. "USD" (foreign_amount set, amount None)
    foreign_amount: float | None = None  # amount in ``currency`` when it is not VND


@dataclass
class Channel:
    kind: ChannelKind
    description: str = ""
    time_limits: list[TimeLimit] = field(default_factory=list)
    fees: list[Fee] = field(default_factory=list)
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class DossierItem:
    name: str
    copy_kinds: list[CopyKind] = field(default_factory=list)
    quantity: int | None = None  # number of copies of this paper
    form_name: str | None = None  # "Mẫu số 01", "Tờ khai CT01"
    condition: str | None = None  # "trường hợp ..."
    action: Literal["submit", "present"] = "submit"  # nộp / xuất trình
    raw: str = ""
    prov: Provenance = field(default_factory=Provenance)
    catalogue_ids: list[str] = field(default_factory=list)  # data/patterns/dossier_papers.yaml ids, "so_ho_khau"


@dataclass
class Agency:
    role: AgencyRole
    name: str
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class Result:
    name: str
    electronic: bool | None = None  # None: not stated
    prov: Provenance = field(default_factory=Provenance)
    code: str | None = None  # portal result code, "KQ.G01.000199"


@dataclass
class LegalBasis:
    raw: str
    doc_type: str | None = None
    number: str | None = None  # canonical number and symbol, "63/2010/NĐ-CP"
    issued: str | None = None  # ISO date
    articles: list[dict[str, str]] = field(default_factory=list)  # {"dieu": "8", "khoan": "1"}
    canonical_id: str | None = None  # registry id when resolved
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class SourceRef:
    kind: Literal["record", "announcement", "portal_export", "regulation"]
    document: str | None = None
    sha256: str | None = None
    record_key: str | None = None  # line number is NOT identity; record code or index


@dataclass
class Procedure:
    id: str
    name: str
    code: str | None = None  # mã TTHC, "1.000178"; None for "Không có mã số"
    levels: list[str] = field(default_factory=list)  # "Cấp tỉnh", "Cấp xã", "Cấp bộ", ...
    field: str | None = None  # lĩnh vực
    change_type: ChangeType = "unknown"
    announcing_decision: str | None = None  # canonical number of the Quyết định công bố
    source: SourceRef | None = None
    components: dict[str, TextSpan] = dataclasses.field(default_factory=dict)
    steps: list[Step] = dataclasses.field(default_factory=list)
    channels: list[Channel] = dataclasses.field(default_factory=list)
    dossier: list[DossierItem] = dataclasses.field(default_factory=list)
    dossier_sets: int | None = None  # "Số lượng hồ sơ: 01 bộ"
    time_limits: list[TimeLimit] = dataclasses.field(default_factory=list)
    fees: list[Fee] = dataclasses.field(default_factory=list)
    agencies: list[Agency] = dataclasses.field(default_factory=list)
    subjects: list[TextSpan] = dataclasses.field(default_factory=list)
    results: list[Result] = dataclasses.field(default_factory=list)
    forms: list[TextSpan] = dataclasses.field(default_factory=list)
    requirements: list[TextSpan] = dataclasses.field(default_factory=list)
    legal_basis: list[LegalBasis] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def component_text(self, name: str) -> str:
        span = self.components.get(name)
        return span.text if span else ""

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Procedure":
        return from_jsonable(cls, data)


_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_len: int = 60) -> str:
    """ASCII slug of Vietnamese text: 'Đăng ký thường trú' → 'dang-ky-thuong-tru'."""
    return _SLUG.sub("-", fold(text)).strip("-")[:max_len].rstrip("-")


def procedure_id(code: str | None, name: str, source_sha256: str | None = None, document: str | None = None) -> str:
    """Stable identity: the code (mã TTHC) when there is one; else the name within the
    document that publishes the procedure, named by ``document`` (``document_identity``: its
    number, issuer and year), so that the id, and every finding's fingerprint, survive the
    file being saved again or converted (a decision re-saved as .docx, the month's new
    crawl); else the name within the file's bytes (``source_sha256``), the last resort."""
    if code:
        return code
    if document:
        digest = hashlib.sha256(f"{document}\x1f{slugify(name, 200)}".encode()).hexdigest()[:8]
        return f"{slugify(document.split(_IDENTITY_SEP)[0], 30)}:{slugify(name, 40)}-{digest}"
    digest = hashlib.sha256(slugify(name, 200).encode()).hexdigest()[:8]
    prefix = (source_sha256 or "nosrc")[:8]
    return f"{prefix}:{slugify(name, 40)}-{digest}"


_IDENTITY_SEP = "|"


def document_identity(number: str | None, issuer: str | None = None, issued: str | None = None) -> str | None:
    """Who issued which document, in which year: "378/QĐ-UBND|uy-ban-nhan-dan-tinh-ha-giang|2022".
    A number alone names nobody: every province has a "378/QĐ-UBND", and a department's or a
    chairman's ("378/QĐ-SCT", "1234/QĐ-CT") too; numbers restart each year. None (the caller
    falls back to the file's hash) without a number, an issuer and a year. The year is the
    number's own when it has one ("31/2011/QĐ-UBND"), so a copy whose date cannot be read
    keeps the same identity."""
    number = canonical_number(" ".join((number or "").split())) if number else ""
    issuer_slug = slugify(issuer or "", 80)
    own_year = re.search(r"/((?:19|20)\d\d)/", number or "")
    year = own_year.group(1) if own_year else ((issued or "")[:4] if (issued or "")[:4].isdigit() else "")
    if not (number and issuer_slug and year):
        return None
    return _IDENTITY_SEP.join((number, issuer_slug, year))


# --- generic (de)serialisation of the dataclasses above --------------------------------


def to_jsonable(obj: Any) -> Any:
    """Dataclasses to plain dicts, dropping None values and empty containers for compactness."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = to_jsonable(getattr(obj, f.name))
            if value is None or value == [] or value == {}:
                continue
            out[f.name] = value
        return out
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj


def _resolve(tp: Any) -> Any:
    """Strip Optional[...] / X | None to the inner type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else Any
    return tp


def from_jsonable(cls: Any, data: Any) -> Any:
    """Inverse of ``to_jsonable`` for the dataclasses of this module."""
    tp = _resolve(cls)
    if data is None:
        return None
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name in data:
                kwargs[f.name] = from_jsonable(hints[f.name], data[f.name])
        return tp(**kwargs)
    origin = typing.get_origin(tp)
    if origin is list:
        (inner,) = typing.get_args(tp) or (Any,)
        return [from_jsonable(inner, v) for v in data]
    if origin is dict:
        args = typing.get_args(tp)
        inner = args[1] if len(args) == 2 else Any
        return {k: from_jsonable(inner, v) for k, v in data.items()}
    return data
