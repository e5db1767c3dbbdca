"""TCVN3 / VNI → Unicode tables, font names and content detection.

The literal legacy strings are independent fixtures (TOOLING-NOTES §4, typed from what real
extractors return), not produced by our own encoder.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tthc_pipeline.text import legacy
from tthc_pipeline.text.normalize import clean

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"

SAMPLES = [
    # unicode, TCVN3 as extracted, VNI as extracted
    (
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
        "Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam",
    ),
    ("Độc lập - Tự do - Hạnh phúc", "§éc lËp - Tù do - H¹nh phóc", "Ñoäc laäp - Töï do - Haïnh phuùc"),
    ("Nghị định số 63/2010/NĐ-CP", "NghÞ ®Þnh sè 63/2010/N§-CP", "Nghò ñònh soá 63/2010/NÑ-CP"),
    ("sổ hộ khẩu", "sæ hé khÈu", "soå hoä khaåu"),
]


def _all_letters() -> list[str]:
    letters = {"đ"}
    for base in "aăâeêioôơuưy":
        for tone in ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"):
            letters.add(unicodedata.normalize("NFC", base + tone))
    return sorted(letters)


@pytest.mark.parametrize("uni, tcvn3, vni", SAMPLES)
def test_literal_samples_convert_exactly(uni, tcvn3, vni):
    assert legacy.convert(tcvn3, "tcvn3") == uni
    assert legacy.convert(vni, "vni") == uni
    assert legacy.fix_text(tcvn3) == (uni, "tcvn3")
    assert legacy.fix_text(vni) == (uni, "vni")
    # and our inverse tables produce exactly the extracted forms
    assert legacy.encode(uni, "tcvn3") == tcvn3
    assert legacy.encode(uni, "vni") == vni


def test_every_letter_round_trips():
    letters = _all_letters()
    assert len(letters) == 73
    for ch in letters:
        assert legacy.convert(legacy.encode(ch, "tcvn3"), "tcvn3") == ch
        assert legacy.convert(legacy.encode(ch, "vni"), "vni") == ch
        up = ch.upper()
        assert legacy.convert(legacy.encode(up, "vni"), "vni") == up  # VNI has capitals
    # TCVN3: one byte per lowercase letter, all in 0xA1-0xFE
    for ch in letters:
        if ch not in "aeiouy":
            code = legacy.encode(ch, "tcvn3")
            assert len(code) == 1 and 0xA1 <= ord(code) <= 0xFE, ch
    # VNI: ẳ (aú) is the letter viparse leaves unmapped
    assert legacy.convert("Chaúng", "vni") == "Chẳng"
    assert legacy.convert("AÚ", "vni") == "Ẳ"
    # ỵ is the single character î (viparse derives "yï", which we also accept)
    assert legacy.encode("Quỵ", "vni") == "Quî"
    assert legacy.convert("Quî quyï", "vni") == "Quỵ quỵ"


def test_tcvn3_capitals_and_h_fonts():
    assert legacy.convert("§¹i", "tcvn3") == "Đại"
    assert legacy.convert("¡n ¢m £m ¤ ¥ ¦", "tcvn3") == "Ăn Âm Êm Ô Ơ Ư"
    # .VnTimeH: the lowercase codes are drawn as capitals
    assert legacy.convert("QUYÕT §ÞNH", "tcvn3") == "QUYếT ĐịNH"
    assert legacy.convert("QUYÕT §ÞNH", "tcvn3", uppercase=True) == "QUYẾT ĐỊNH"
    assert legacy.convert("quyÕt ®Þnh", "tcvn3", uppercase=True) == "QUYẾT ĐỊNH"
    assert legacy.convert("CHÖÔNG I", "vni") == "CHƯƠNG I"


def test_convert_rejects_unknown_encoding():
    with pytest.raises(ValueError):
        legacy.convert("abc", "viscii")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "font, encoding, upper",
    [
        (".VnTime", "tcvn3", False),
        (".VnTimeH", "tcvn3", True),
        (".VnArial", "tcvn3", False),
        (".VnArialH", "tcvn3", True),
        (".VnCentury Schoolbook", "tcvn3", False),
        ("VNI-Times", "vni", False),
        ("VNI-Helve", "vni", False),
        ("VNI Times", "vni", False),
        ("Times New Roman", None, False),
        ("Arial", None, False),
        ("Helvetica", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_encoding_for_font(font, encoding, upper):
    assert legacy.encoding_for_font(font) == encoding
    assert legacy.is_uppercase_font(font) is upper


UNICODE_TEXTS = [
    "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "Hòa Bình",
    "Lê Văn Tám, cà phê, má",
    "là mà cá bé",
    "Thành phố Hồ Chí Minh",
    "Ông Bà",
    "hoà",
    "Tóm lại là nó",
    "Thủ tục đăng ký thường trú: 07 ngày làm việc, lệ phí 20.000 đồng.",
    unicodedata.normalize("NFD", "Ủy ban nhân dân cấp xã xác nhận sổ hộ khẩu"),
]
FOREIGN_TEXTS = [
    "The applicant submits one set of documents.",
    "Le café est très bon à Noël, où êtes-vous? Ça va très bien.",
    "où est-il?",
    "déjà vu, à la carte",
    "El niño comió mañana con el señor José.",
    "Müller über für Straße",
    "Curriculum vitæ, naïve façade, coöperate",
]


@pytest.mark.parametrize("text", UNICODE_TEXTS + FOREIGN_TEXTS)
def test_unicode_and_foreign_text_left_alone(text):
    assert legacy.detect_encoding(text) == "unicode"
    assert legacy.fix_text(text) == (text, None)


@pytest.mark.parametrize(
    "text, encoding, expected",
    [
        ("§iÒu 1", "tcvn3", "Điều 1"),  # one token, but § can only be a TCVN3 letter
        ("Ch\xad¬ng I", "tcvn3", "Chương I"),
        ("Ñieàu 1. Phaïm vi ñieàu chænh", "vni", "Điều 1. Phạm vi điều chỉnh"),
        (legacy.encode("thời hạn giải quyết hồ sơ", "tcvn3"), "tcvn3", "thời hạn giải quyết hồ sơ"),
        (legacy.encode("thời hạn giải quyết hồ sơ", "vni"), "vni", "thời hạn giải quyết hồ sơ"),
    ],
)
def test_legacy_content_detected(text, encoding, expected):
    assert legacy.detect_encoding(text) == encoding
    assert legacy.fix_text(text) == (expected, encoding)


def test_judge_font_text_catches_stale_fonts():
    # Unicode text that still carries a .VnTime font name must not be decoded
    assert legacy.judge_font_text("đề cao trách nhiệm", "tcvn3") == "unicode"
    assert legacy.judge_font_text("trách", "tcvn3") == "unicode"  # trỏch is no syllable
    nfd = unicodedata.normalize("NFD", "cá nhân")  # combining marks never occur in legacy text
    assert legacy.judge_font_text(nfd, "tcvn3") == "unicode"
    assert legacy.judge_font_text("Céng hoµ x· héi", "tcvn3") == "legacy"
    assert legacy.judge_font_text("Coäng hoaø", "vni") == "legacy"
    assert legacy.judge_font_text("Céng", "tcvn3") == "legacy"  # "céng" breaks c/k spelling
    assert legacy.judge_font_text("cá", "tcvn3") == "tie"  # cá and cỏ are both words
    assert legacy.judge_font_text("Điều 1.", "tcvn3") == "unicode"
    assert legacy.judge_font_text("1.", "tcvn3") == "tie"


@pytest.mark.realdata
def test_realdata_portal_records_never_detected_as_legacy():
    """339 real procedure records (16k lines, NFC and NFD): no false legacy detection."""
    folder = REALDATA / "portal-json" / "bo-cong-an"
    if not folder.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    lines = 0
    for f in sorted(folder.glob("*.json"))[:120]:
        record = json.loads(f.read_text(encoding="utf-8"))
        for value in record.values():
            if not isinstance(value, str):
                continue
            for line in value.splitlines():
                lines += 1
                assert legacy.detect_encoding(line) == "unicode", (f.name, line[:80])
                assert legacy.detect_encoding(clean(line)) == "unicode", (f.name, line[:80])
    assert lines > 1000
