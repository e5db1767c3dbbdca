"""Legacy Vietnamese 8-bit font encodings: TCVN3 (ABC) and VNI-Windows → Unicode.

Before Unicode (and still in many provincial files), Vietnamese was typed with fonts whose
glyphs sit on Latin-1 code points. Word, LibreOffice and PDF readers hand us those code
points, so "Cộng hoà" arrives as ``Céng hoµ`` (TCVN3) or ``Coäng hoaø`` (VNI). Nothing in the
text says which; the signal is the run's font name (``.VnTime``, ``VNI-Times``) or, failing
that, the content itself.

* TCVN3 / ABC (TCVN 5712:1993 VN3): one byte per letter, lowercase letters only in
  0xA1–0xFE. Uppercase toned letters do not exist: headings are typed with the lowercase
  codes in an "…H" font (``.VnTimeH``) that draws capitals, hence ``convert(uppercase=True)``.
* VNI-Windows: a toned vowel is the base letter followed by a "mark" character
  (``a`` + ``ø`` = à); đ ơ ư ị ỉ ĩ í ì ỵ are single characters.

The tables below were typed from the published charts and are checked against independent
literal samples in tests/test_legacy.py. Cross-checked against viparse 0.1.31 (throwaway
venv, not a dependency): TCVN3 agrees on all 73 lowercase letters; VNI on 142 of 146 letters,
the rest being viparse gaps (no ẳ/Ẳ; ỵ as "yï" where the charts have "î").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

LegacyEncoding = Literal["tcvn3", "vni"]
Encoding = Literal["unicode", "tcvn3", "vni"]

# --------------------------------------------------------------------------------------------
# TCVN3 (ABC): code point → Unicode letter. Code points 0xA1–0xFE read as Latin-1.
# --------------------------------------------------------------------------------------------
_TCVN3_ROWS = {
    # the six uppercase base letters and Đ that TCVN3 does have
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    # a: huyền, hỏi, ngã, sắc, nặng (the TCVN3 order)
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
TCVN3_TO_UNICODE: dict[str, str] = {chr(k): v for k, v in _TCVN3_ROWS.items()}
_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)

# --------------------------------------------------------------------------------------------
# VNI-Windows: base letter + mark. Marks are Latin-1 characters; lowercase and uppercase
# marks differ (uppercase marks follow uppercase letters).
# --------------------------------------------------------------------------------------------
_TONES = ("sac", "huyen", "hoi", "nga", "nang")
_COMBINING = {"sac": "\u0301", "huyen": "\u0300", "hoi": "\u0309", "nga": "\u0303", "nang": "\u0323"}
# mark characters for: plain tone, circumflex (+tone), breve (+tone)
_VNI_TONE_LOWER = {"sac": "ù", "huyen": "ø", "hoi": "û", "nga": "õ", "nang": "ï"}
_VNI_TONE_UPPER = {"sac": "Ù", "huyen": "Ø", "hoi": "Û", "nga": "Õ", "nang": "Ï"}
_VNI_CIRC_LOWER = {"": "â", "sac": "á", "huyen": "à", "hoi": "å", "nga": "ã", "nang": "ä"}
_VNI_CIRC_UPPER = {"": "Â", "sac": "Á", "huyen": "À", "hoi": "Å", "nga": "Ã", "nang": "Ä"}
_VNI_BREVE_LOWER = {"": "ê", "sac": "é", "huyen": "è", "hoi": "ú", "nga": "ü", "nang": "ë"}
_VNI_BREVE_UPPER = {"": "Ê", "sac": "É", "huyen": "È", "hoi": "Ú", "nga": "Ü", "nang": "Ë"}
# letters that are a single VNI character
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "í": "í", "Í": "Í", "ì": "ì", "Ì": "Ì", "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ",
    "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
}


def _compose(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + (_COMBINING[tone] if tone else ""))


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}
    for lower in (True, False):
        tone_marks = _VNI_TONE_LOWER if lower else _VNI_TONE_UPPER
        circ = _VNI_CIRC_LOWER if lower else _VNI_CIRC_UPPER
        breve = _VNI_BREVE_LOWER if lower else _VNI_BREVE_UPPER
        case = str.lower if lower else str.upper
        # plain vowels with a tone (i has its own single characters)
        for v in "aeouy":
            for t in _TONES:
                if v == "y" and t == "nang":
                    # ỵ is the single character î / Î (charts, and VBKey's VNI table);
                    # "yï" is accepted too, as viparse derives it, but never produced
                    table[case("y") + tone_marks[t]] = case("ỵ")
                    continue
                table[case(v) + tone_marks[t]] = case(_compose(v, t))
        # ơ and ư are single characters that take tone marks
        for vni_base, uni in (("ô", "ơ"), ("ö", "ư")):
            for t in _TONES:
                table[case(vni_base) + tone_marks[t]] = case(_compose(uni, t))
        # circumflex â ê ô, breve ă
        for v, uni in (("a", "â"), ("e", "ê"), ("o", "ô")):
            for t, mark in circ.items():
                table[case(v) + mark] = case(_compose(uni, t))
        for t, mark in breve.items():
            table[case("a") + mark] = case(_compose("ă", t))
    table.update(_VNI_SINGLE)
    return table


VNI_TO_UNICODE: dict[str, str] = _build_vni()
_VNI_PAIR = re.compile(
    "|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True))
)

# Inverse tables: used by tests to build encoded fixtures and by nobody else.
UNICODE_TO_TCVN3: dict[str, str] = {v: k for k, v in TCVN3_TO_UNICODE.items()}
UNICODE_TO_VNI: dict[str, str] = {}
for _k, _v in sorted(VNI_TO_UNICODE.items(), key=lambda kv: len(kv[0])):
    UNICODE_TO_VNI.setdefault(_v, _k)


def encode(text: str, encoding: LegacyEncoding) -> str:
    """Unicode → legacy bytes-as-Latin-1. For building test fixtures.

    TCVN3 has no uppercase toned letters, so those are written in lowercase (as typists did,
    with an …H font); VNI covers every letter.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        out = []
        for ch in text:
            if ch in UNICODE_TO_TCVN3:
                out.append(UNICODE_TO_TCVN3[ch])
            elif ch.lower() in UNICODE_TO_TCVN3 and not ch.isascii():
                out.append(UNICODE_TO_TCVN3[ch.lower()])
            else:
                out.append(ch)
        return "".join(out)
    return "".join(UNICODE_TO_VNI.get(ch, ch) for ch in text)


def convert(text: str, encoding: LegacyEncoding, *, uppercase: bool = False) -> str:
    """Decode ``text`` typed in a legacy font into Unicode (NFC).

    ``uppercase`` is for TCVN3 "…H" fonts, which draw every code as a capital.
    Characters outside the table (ASCII, digits, punctuation) pass through unchanged.
    """
    if encoding == "tcvn3":
        out = text.translate(_TCVN3_TABLE)
    elif encoding == "vni":
        out = _VNI_PAIR.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)
    else:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    return out.upper() if uppercase else out


# --------------------------------------------------------------------------------------------
# Font names
# --------------------------------------------------------------------------------------------
def encoding_for_font(font_name: str | None) -> LegacyEncoding | None:
    """Map a font family name to its legacy encoding, or None for Unicode fonts.

    ABC/TCVN3 fonts all start with ".Vn" (.VnTime, .VnTimeH, .VnArial, .VnCentury
    Schoolbook); VNI fonts start with "VNI" (VNI-Times, VNI-Helve, "VNI Times").
    """
    if not font_name:
        return None
    name = font_name.strip().lower()
    if name.startswith("vni"):
        return "vni"
    if name.startswith(".vn"):
        return "tcvn3"
    return None


def is_uppercase_font(font_name: str | None) -> bool:
    """True for TCVN3 capital fonts (".VnTimeH", ".VnArialH"): the name ends in a capital H."""
    return encoding_for_font(font_name) == "tcvn3" and font_name.strip().endswith("H")


# --------------------------------------------------------------------------------------------
# Content detection
# --------------------------------------------------------------------------------------------
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
_NUCLEI = (
    "uyê uya uyu uây uôi ươi ươu oai oao oay oeo iêu yêu "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "a ă â e ê i o ô ơ u ư y"
).split()
_CODA = r"(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(f"({_ONSET})({'|'.join(_NUCLEI)})({_CODA})")
_FRONT = ("e", "ê", "i", "y")
_STOP_CODA = re.compile(r"(?:c|ch|p|t)$")
_TONE_MARKS = set(_COMBINING.values())


@lru_cache(maxsize=65536)
def _is_vietnamese_syllable(word: str) -> bool:
    """Does ``word`` (one token) have the shape of a Vietnamese syllable?

    Onset + vowel nucleus + coda, at most one tone mark, and stop codas (c, ch, p, t) only
    with sắc or nặng. Strict enough that French/Spanish/German words almost never pass.
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    m = _SYLLABLE.fullmatch(base)
    if not m:
        return False
    onset, nucleus, coda = m.groups()
    front = nucleus.startswith(_FRONT)
    # spelling rules: gh/ngh/k only before e ê i y; c/g/ng never before them
    if onset in ("gh", "ngh", "k") and not front:
        return False
    if onset in ("c", "g", "ng") and front:
        return False
    if nucleus == "oo" and coda not in ("ng", "c"):
        return False
    if _STOP_CODA.search(base) and tones and tones[0] not in ("\u0301", "\u0323"):
        return False
    return True


# Tokens: runs of characters that are not whitespace and not ASCII/general punctuation.
# Latin-1 punctuation (§ µ · ¸ ¹ « ®) must stay inside tokens: TCVN3 uses it for letters.
_TOKEN = re.compile(r"[^\s!-/:-@\[-`{-~\u2000-\u206f]+")
_LATIN1_HIGH = re.compile("[\u00a1-\u00fe]")
# Vietnamese letters beyond Latin-1, and the combining marks of NFD text: never in legacy text
_VI_UNICODE_ONLY = re.compile("[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9\u0300-\u0303\u0306\u0309\u031b\u0323]")


def _scores(text: str) -> dict[str, int]:
    """Count the tokens each reading (Unicode, TCVN3, VNI) makes a Vietnamese syllable.

    A token a conversion leaves unchanged scores as it does in Unicode, so only tokens
    the readings disagree on decide. Tokens with characters beyond Latin-1 can only be
    Unicode (legacy text never contains them).
    """
    scores = {"unicode": 0, "tcvn3": 0, "vni": 0, "latin1_tokens": 0}
    for token in _TOKEN.findall(text):
        if token.isascii():
            continue
        if any(ord(c) > 0xFF for c in token):
            if _VI_UNICODE_ONLY.search(token) and _is_vietnamese_syllable(token):
                scores["unicode"] += 1
            continue
        scores["latin1_tokens"] += 1
        as_unicode = _is_vietnamese_syllable(token)
        scores["unicode"] += as_unicode
        for enc in ("tcvn3", "vni"):
            converted = convert(token, enc)  # type: ignore[arg-type]
            scores[enc] += as_unicode if converted == token else _is_vietnamese_syllable(converted)
    return scores


# TCVN3 letters that are symbols, not letters, in Latin-1 (§ = Đ, ® = đ, · = ã, ­ = ư ...)
_TCVN3_SYMBOL_LETTER = re.compile(
    "[" + "".join(c for c in TCVN3_TO_UNICODE if not c.isalpha()) + "]"
)


def detect_encoding(text: str) -> Encoding:
    """Guess whether ``text`` is Unicode, or TCVN3/VNI read as Latin-1, from its content.

    A legacy reading wins only if it yields more Vietnamese syllables than the Unicode
    reading and than the other legacy reading (ties stay Unicode), and if it explains most
    (60 %) of the tokens with Latin-1 letters: in real legacy text nearly every such token
    decodes to a syllable, while a French sentence has a stray "où" (VNI "ó") at most.
    Plain English/French text scores zero everywhere and stays "unicode".
    """
    if not _LATIN1_HIGH.search(text):
        return "unicode"  # legacy codes are all in 0xA1-0xFE; nothing to decode
    scores = _scores(text)
    legacy = max(("tcvn3", "vni"), key=lambda e: scores[e])
    other = "vni" if legacy == "tcvn3" else "tcvn3"
    best = scores[legacy]
    if best == 1 and not (legacy == "tcvn3" and _TCVN3_SYMBOL_LETTER.search(text)):
        return "unicode"  # one token is no evidence ("où" is VNI "ó"), unless "§iÒu"-like
    if (
        best >= 1
        and best > scores["unicode"]
        and best > scores[other]
        and best >= 0.6 * scores["latin1_tokens"]
    ):
        return legacy  # type: ignore[return-value]
    return "unicode"


def judge_font_text(text: str, encoding: LegacyEncoding) -> Literal["legacy", "unicode", "tie"]:
    """Is text set in a legacy font really legacy-encoded?

    Fonts go stale: Word converts old documents to Unicode but keeps ".VnTime" as the font
    name (the real-data Luật PCCC 27/2001 .doc is like that), and decoding Unicode as TCVN3
    corrupts it (trách → trỏch). So the font is only a prior: Vietnamese letters beyond
    Latin-1 prove Unicode; otherwise the reading yielding more syllables wins. "tie" (e.g.
    ASCII only, or "Céng" which is also a syllable in Unicode) is for the caller to settle.
    """
    if _VI_UNICODE_ONLY.search(text):
        return "unicode"
    scores = _scores(text)
    if scores[encoding] > scores["unicode"]:
        return "legacy"
    if scores[encoding] < scores["unicode"]:
        return "unicode"
    return "tie"


def fix_text(text: str) -> tuple[str, LegacyEncoding | None]:
    """Convert ``text`` if its content reads as TCVN3 or VNI; else return it unchanged.

    Returns (text, detected encoding or None).
    """
    encoding = detect_encoding(text)
    if encoding == "unicode":
        return text, None
    return convert(text, encoding), encoding
