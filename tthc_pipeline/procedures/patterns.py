"""Regular expressions shared by the component parsers, plus the pattern-data loader.

Structured entities (durations, money, document numbers, codes) are matched with plain
``re`` on the ``canon()`` form of the text: TOOLING-NOTES §1 measured regex 4-15x faster
than spaCy matchers with identical spans. ``canon`` is length-preserving and lower-cases,
so every offset found here is an offset into the original (clean) text.

Term lists (agencies, the dossier-paper catalogue, copy kinds) live in
``tthc_pipeline/data/patterns/*.yaml`` and are matched by the spaCy span ruler (annotate.py);
the token patterns there for durations, money and citations mirror the regexes below and serve
the regex-vs-ruler comparison in scripts/bench_extract.py.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

PATTERN_DIR = Path(__file__).resolve().parents[1] / "data" / "patterns"

# mã TTHC: 1.000178, optional provincial suffix .H38 (TTHC-DOMAIN §1.4)
CODE_RE = re.compile(r"(?<![\d.])([1-9]\.\d{6})(\.[A-Z]\d{2})?(?![\d])")

# A number written with thousands separators or plain digits.
_NUM = r"\d{1,3}(?:[.,]\d{3})+|\d+"

# Durations, matched on canon() (lower case). The optional "(mười lăm)" gloss is skipped.
DURATION_RE = re.compile(
    r"(?P<value>\d+(?:[.,]5)?)\s*(?:\([^()\d]{1,25}\)\s*)?"
    r"(?P<unit>ngày\s+làm\s+việc|ngày|giờ\s+làm\s+việc|giờ|tháng|năm)(?![\wà-ỹ])"
)
SAME_DAY_RE = re.compile(r"(?<![\wà-ỹ])(?:trả\s+(?:kết\s+quả\s+)?)?trong\s+ngày(?!\s+làm\s+việc)(?![\wà-ỹ])")
START_POINT_RE = re.compile(
    r"[\s,;:]*(?P<sp>(?:kể\s+từ|tính\s+từ|từ)\s+(?:ngày|khi|thời\s+điểm|lúc)[^;.\n]{0,140})"
)

UNIT_MAP = {
    "ngày làm việc": "ngay_lam_viec",
    "ngày": "ngay",
    "giờ làm việc": "gio",
    "giờ": "gio",
    "tháng": "thang",
    "năm": "nam",
}

# Money: "50.000 đồng", "10.000 đ", "30,000 Việt Nam Đồng", "150.000 VNĐ", "10 USD".
MONEY_RE = re.compile(
    rf"(?P<amount>{_NUM})\s*(?P<cur>việt\s+nam\s+đồng|đồng|vnđ|vnd|đ(?![\wà-ỹ])|usd)(?![\wà-ỹ])"
    r"(?:\s*(?:/|\(\s*/|\bmột\s+|cho\s+mỗi\s+|mỗi\s+)\s*(?P<per>[^\d/().,;:\n]{1,30}))?"
)
FREE_RE = re.compile(
    r"^\s*(?:không|miễn\s+phí|miễn\s+thu|không\s+thu(?:\s+phí)?|không\s+mất\s+phí|không\s+phải\s+nộp(?:\s+phí)?(?:,?\s*lệ\s+phí)?)\s*[.;]?\s*(?=$|\()"
    r"|miễn\s+phí|không\s+thu\s+(?:phí|lệ\s+phí)|miễn\s+(?:phí|lệ\s+phí)"
)
NO_INFO_RE = re.compile(r"không\s+có\s+thông\s+tin")
# "(17 TTHC)" in a lĩnh vực / cấp group heading: the count checked against the rows found.
GROUP_COUNT_RE = re.compile(r"\(\s*(\d+)\s*(?:tthc|thủ\s+tục(?:\s+hành\s+chính)?)\s*\)")

COPY_KIND_RES: list[tuple[str, re.Pattern[str]]] = [
    ("ban_sao_chung_thuc", re.compile(r"bản\s+sao\s+(?:có\s+)?chứng\s+thực|bản\s+sao\s+được\s+chứng\s+thực")),
    ("ban_sao_cong_chung", re.compile(r"bản\s+sao\s+(?:có\s+)?công\s+chứng")),
    ("ban_dien_tu", re.compile(r"bản\s+(?:sao\s+)?điện\s+tử|bản\s+scan|bản\s+số\s+hóa")),
    ("ban_chup", re.compile(r"bản\s+chụp|bản\s+photo|photocopy")),
    ("ban_chinh", re.compile(r"bản\s+chính|bản\s+gốc")),
    ("ban_sao", re.compile(r"bản\s+sao")),
]

FORM_RE = re.compile(
    r"(?:mẫu|tờ\s+khai)\s*(?:số\s*)?(?:[A-ZĐa-zđ]{0,6}[\d]+[A-Za-zĐđ0-9/.\-_]*|[A-Z]{2,}[\w\-/]*)",
    re.IGNORECASE,
)
FORM_FILE_RE = re.compile(r"\.(?:docx?|pdf|xlsx?|rtf|odt)(?![\w])", re.IGNORECASE)

DOSSIER_SETS_RE = re.compile(
    r"(?:số\s+lượng\s+hồ\s+sơ\s*:?\s*(?P<a>\d+)|(?P<b>\d+)\s*(?:\([^()\d]{1,15}\)\s*)?bộ(?:\s+hồ\s+sơ)?(?![a-zà-ỹđ]))"
)

# Legal document number; symbol segments upper-case, "TTg" is the one mixed-case symbol.
_SEG = r"(?:TTg|[A-ZĐ]+(?:\d+(?![\d/]))?)"
DOC_NUMBER_RE = re.compile(
    rf"(?<![\w/])(?P<num>\d+[a-z]?(?:\.\d+)?)(?:/(?P<year>\d{{4}}))?/(?P<sym>{_SEG}(?:-{_SEG})*)"
)
# Same, for crawled tables whose cells are glued ("...nhân dân68/2013/TT-BCALuật ...").
DOC_NUMBER_GLUED_RE = re.compile(
    rf"(?<![\d/])(?P<num>\d{1,3}\.\d{1,2}|\d+[a-z]?)(?:/(?P<year>\d{{4}}))?/(?P<sym>{_SEG}(?:-{_SEG})*)"
)
DOC_TYPE_RE = re.compile(
    r"(?P<type>bộ\s+luật|luật|pháp\s+lệnh|nghị\s+định|thông\s+tư\s+liên\s+tịch|thông\s+tư|"
    r"nghị\s+quyết\s+liên\s+tịch|nghị\s+quyết|quyết\s+định|chỉ\s+thị|công\s+văn|văn\s+bản\s+hợp\s+nhất)"
    r"(?:\s+số)?\s*$"
)
DOC_TYPE_CANON = {
    "bộ luật": "Bộ luật",
    "luật": "Luật",
    "pháp lệnh": "Pháp lệnh",
    "nghị định": "Nghị định",
    "thông tư liên tịch": "Thông tư liên tịch",
    "thông tư": "Thông tư",
    "nghị quyết liên tịch": "Nghị quyết liên tịch",
    "nghị quyết": "Nghị quyết",
    "quyết định": "Quyết định",
    "chỉ thị": "Chỉ thị",
    "công văn": "Công văn",
    "văn bản hợp nhất": "Văn bản hợp nhất",
}
SYMBOL_TYPE = {"NĐ-CP": "Nghị định", "QH": "Luật", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
               "QĐ": "Quyết định", "NQ": "Nghị quyết", "UBTVQH": "Pháp lệnh"}
DATE_NUM_RE = re.compile(r"^\s*,?\s*(?:ngày\s*)?(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
DATE_WORDS_RE = re.compile(r"^\s*,?\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")

STEP_RE = re.compile(r"(?:^|(?<=[\s.;:+\-*]))bước\s*(\d+)\s*[:.)\-]?", re.IGNORECASE)

CHANNEL_NAME_RE = re.compile(r"trực\s+tiếp|trực\s+tuyến|dịch\s+vụ\s+bưu\s+chính|qua\s+bưu\s+chính|bưu\s+chính\s+công\s+ích")


def channel_kind(text_canon: str) -> str | None:
    """'trực tiếp' → truc_tiep etc. Input is canon() text."""
    if "bưu chính" in text_canon:
        return "buu_chinh"
    if "trực tuyến" in text_canon:
        return "truc_tuyen"
    if "trực tiếp" in text_canon:
        return "truc_tiep"
    return None


@functools.lru_cache(maxsize=None)
def load_terms(name: str) -> dict:
    """Load ``data/patterns/<name>.yaml`` (cached)."""
    with open(PATTERN_DIR / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}
