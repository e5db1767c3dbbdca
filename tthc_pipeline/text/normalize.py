"""Vietnamese text normalisation.

Three layers, each with a different job:

* ``clean(text)``: what we store as the document text (and quote from). NFC, line endings
  unified, invisible characters removed, NBSP/dash/Đ look-alikes folded. Changes length.
* ``canon(text)``: what we *match* on. ``clean`` text with one tone-mark convention
  (hoà → hòa, Uỷ → Ủy, khoẻ → khỏe) and lower case. **Length-preserving**, so a match
  offset in ``canon(t)`` is the same offset in ``t`` and quotes are cut from the original.
* ``fold(text)``: diacritics stripped, đ → d. Also length-preserving. Only for finding
  candidates (OCR text, "so ho khau"): it makes "sổ" and "số" equal, so confirm on canon.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from array import array
from typing import Callable

# Characters removed outright: they carry no text and break matching.
INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS), None)

# One-to-one look-alike folding applied on clean().
_LOOKALIKE = str.maketrans(
    {
        "\u00a0": " ",  # NBSP
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u3000": " ",
        "\u2010": "-",
        "\u2011": "-",  # non-breaking hyphen, seen in "NĐ‑CP"
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00d0": "\u0110",  # Icelandic Ð → Vietnamese Đ
        "\u00f0": "\u0111",  # ð → đ
        "\u0189": "\u0110",  # African D
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        # Control characters (but newline) become spaces so offsets stay sane.
        **{chr(i): " " for i in range(32) if i != 10},
        "\x7f": " ",
        # Lone surrogates (JSON "\ud800" escapes in crawled records) cannot be written as
        # UTF-8: the replacement character, as a decoder would give.
        **{chr(i): "\ufffd" for i in range(0xD800, 0xE000)},
    }
)

_FOLD_TABLE = {chr(k): (v if v is not None else "") for k, v in {**_LOOKALIKE, **_INVISIBLE}.items()}
_FOLD_RE = re.compile("[" + re.escape("".join(_FOLD_TABLE)) + "]")


def _fold_match(m: re.Match[str]) -> str:
    return _FOLD_TABLE[m.group()]


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng


def clean(text: str) -> str:
    """Return the stored form of ``text``: NFC, folded look-alikes, ``\\n`` line ends.

    Most texts the rule engine cleans (names, legal bases) are clean already: ``is_clean``
    tells so at about half the cost of the steps below, and the text is returned as it is."""
    if not text:
        return ""
    if is_clean(text):
        return text
    return _clean_steps(text)


def _clean_steps(text: str) -> str:
    """clean() without its shortcut: what ``is_clean`` answers for (and its tests compare)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\f", "\n")
    text = unicodedata.normalize("NFC", text)
    # One C-level scan; the Python callback runs only on the (rare) characters to fold.
    folded = _FOLD_RE.sub(_fold_match, text)
    # An invisible character removed from between a letter and its mark ("a\u200b\u0301")
    # leaves them side by side, uncomposed: NFC again, so that clean() gives NFC text and is
    # idempotent. Only deletions shorten the text (every fold is one character for one), and
    # the characters folds write compose with nothing, so the text is NFC already otherwise.
    return unicodedata.normalize("NFC", folded) if len(folded) != len(text) else folded


def _split_tone(ch: str) -> tuple[str, str]:
    """Split a precomposed vowel into (vowel without tone, tone mark or '')."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in _TONES)
    base = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", base), tone


def _with_tone(ch: str, tone: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", ch) + tone)


# Open syllables ending in oa / oe / uy with the tone on the second vowel ("new style").
# "qu" is a consonant, so "quý" is left alone; a following letter ("hoàn", "thuyền") means
# the tone belongs on the second vowel in both conventions. Only toned second vowels are
# matched, so untoned "oa"/"uy" (the common case) never reach the Python callback.
_TONED_A_E = "àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ"
_TONED_Y = "ỳýỷỹỵỲÝỶỸỴ"
_NEW_STYLE = re.compile(f"[oOuU][{_TONED_A_E}{_TONED_Y}](?!\\w)")


def _move_tone(m: re.Match[str]) -> str:
    first, second = m.group()
    start = m.start()
    if start and m.string[start - 1] in "qQ":
        return m.group()  # "quý": qu is a consonant
    if (first in "oO") != (second in _TONED_A_E):
        return m.group()  # only oa, oe and uy are in the rule ("uá", "oý" are not)
    base, tone = _split_tone(second)
    return _with_tone(first, tone) + base


def classic_tones(text: str) -> str:
    """Put tone marks on the first vowel of open oa/oe/uy syllables (hoà → hòa).

    Legal texts mix both conventions; we match on one. Length-preserving on NFC input.
    """
    return _NEW_STYLE.sub(_move_tone, text)


def _lower_same_length(text: str) -> str:
    low = text.lower()  # Vietnamese letters keep their length; checked below for others
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def canon_py(text: str) -> str:
    """Matching form of already-``clean`` text: one tone convention, lower case.

    Guaranteed ``len(canon(t)) == len(t)`` for clean (NFC) input. The reference
    implementation; ``canon`` is its compiled twin when the extension is built.
    """
    return _lower_same_length(classic_tones(text))


# The prescan's one-byte-per-character encoding of canon text (rules/prescan.py): ASCII as
# itself, the characters of BYTE_CHARS as 0x80, 0x81, ... in their order, every other code
# point (upper case, astral, a lone surrogate) as OTHER_BYTE. Why: Hyperscan and RE2 then scan
# plain bytes, one a character, with single-byte classes, instead of UTF-8's two or three bytes
# per Vietnamese letter and the multi-byte classes behind them (larger automata, longer texts).
# BYTE_CHARS: the 67 lower-case Vietnamese letters with diacritics (canon text is lower case
# NFC), then the other non-ASCII characters of the canon texts of the 339 portal records (…, »,
# ≤, em space: 12 occurrences against ~315,000 Vietnamese letters), then ones that
# administrative texts may hold and clean() keeps (the tone marks left uncomposed, the dong
# sign, ...). Any table is sound (the prescan's patterns read OTHER_BYTE as "any other
# character"); a character given a byte of its own only makes the prescan sharper.
VIETNAMESE_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
BYTE_CHARS = (VIETNAMESE_LOWER + "…»≤\u2003«≥§°•·×²³½€₫±÷→←≠≈√"
              "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\ufffd")
OTHER_BYTE = 0xFF
assert len(set(BYTE_CHARS)) == len(BYTE_CHARS) <= OTHER_BYTE - 0x80 and min(BYTE_CHARS) > "\x7f"


class _ByteTable(dict):
    """``str.translate`` table of the encoding (code point -> byte as a code point)."""

    def __missing__(self, code: int) -> int:
        return OTHER_BYTE


_BYTE_TABLE = _ByteTable({c: c for c in range(0x80)} | {ord(ch): 0x80 + n for n, ch in enumerate(BYTE_CHARS)})


def bytez(text: str) -> bytes:
    """``text`` in the prescan's one-byte-per-character encoding (see BYTE_CHARS) with a NUL
    appended (the prescan's sentinel, see rules/prescan.py)."""
    return (text + "\x00").translate(_BYTE_TABLE).encode("latin-1")


def canon_bytez_py(text: str) -> tuple[str, bytes]:
    """``canon(text)`` and ``bytez`` of it. The compiled twin encodes while it writes the
    canon text (a table look-up a character)."""
    canon_text = canon_py(text)
    return canon_text, bytez(canon_text)


def _fold_table() -> dict[int, str]:
    """Base letter for every precomposed Latin letter with diacritics (and đ → d)."""
    table: dict[int, str] = {}
    for code in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[code] = base
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"})
    return table


_FOLD = _fold_table()


def fold_py(text: str) -> str:
    """Diacritic-free lower-case form, length-preserving. For candidate search only."""
    return canon_py(text).translate(_FOLD)


def _native_tables() -> tuple[bytes, bytes, bytes, dict[str, str]]:
    """The Python implementation's behaviour, as tables for the compiled twin.

    ``lower``: ``_lower_same_length`` per BMP code point (a character whose lower case is
    longer keeps itself, as ``_lower_same_length`` does), except the capital sigma, whose
    lower case depends on its neighbours: marked "ask Python". ``to_byte``: the byte of each
    BMP code point in ``bytez``'s encoding. ``moves``: every o/u + toned
    vowel pair that ``_move_tone`` rewrites (outside "qu").
    """
    # one str.lower() call for all code points (a NUL between them keeps each one's lower
    # case apart and gives no casing context: the sigma is overridden below anyway)
    joined = "\0".join(map(chr, range(1, 0x10000))).lower()
    lowered = ["\0"] + joined.split("\0")
    # the few whose lower case is longer (or outside the BMP) keep themselves, as
    # _lower_same_length does; found without a Python loop over every code point
    keep = [m.start() for m in re.finditer(b"[^\x01]", bytes(map(len, lowered)))]
    keep += [joined.count("\0", 0, m.start()) + 1 for m in re.finditer("[\U00010000-\U0010ffff]", joined)]
    for code in keep:
        lowered[code] = chr(code)
    lower = array("I")
    lower.frombytes("".join(lowered).encode("utf-32-le", "surrogatepass"))
    assert lower.itemsize == 4 and len(lower) == 0x10000
    lower[0x03A3] = 0xFFFFFFFF
    folded = array("I", range(0x10000))
    for code, base in _FOLD.items():
        folded[code] = ord(base)
    moves = {}
    for first in "oOuU":
        for second in _TONED_A_E + _TONED_Y:
            pair = first + second
            moved = _NEW_STYLE.sub(_move_tone, pair)
            if moved != pair:
                moves[pair] = moved
    to_byte = bytearray([OTHER_BYTE]) * 0x10000
    for code, byte in _BYTE_TABLE.items():
        to_byte[code] = byte
    return lower.tobytes(), folded.tobytes(), bytes(to_byte), moves


def count_non_ascii_py(text: str, limit: int) -> int:
    """Characters above U+007F among the first ``limit`` of ``text``."""
    sample = text[: max(limit, 0)]
    return 0 if sample.isascii() else len(sample) - len(sample.encode("ascii", "ignore"))


def _native_module():
    """tthc_pipeline/text/_native.c when built (``pip install`` compiles it where a C compiler
    is present) and ``TTHC_NO_NATIVE`` is unset (it forces the Python implementations); else
    None."""
    if os.environ.get("TTHC_NO_NATIVE"):
        return None
    try:
        from tthc_pipeline.text import _native
    except ImportError:
        return None
    if not hasattr(_native, "canon_bytez"):
        return None  # built from an older _native.c (``pip install -e .`` rebuilds it): Python
    return _native


def _load_native() -> tuple[Callable[[str], str], Callable[[str], str], Callable[[str, int], int],
                            Callable[[str], tuple[str, bytes]]]:
    """The compiled ``canon``/``fold``/``count_non_ascii``/``canon_bytez`` when available, else
    the Python ones."""
    native = _native_module()
    if native is None:
        return canon_py, fold_py, count_non_ascii_py, canon_bytez_py
    lower, folded, to_byte, moves = _native_tables()
    native.init(lower, folded, to_byte, moves, canon_py, canon_bytez_py)
    return native.canon, native.fold, native.count_non_ascii, native.canon_bytez


canon, fold, count_non_ascii, canon_bytez = _load_native()
NATIVE = canon is not canon_py


def native_or(name: str, python: Callable) -> Callable:
    """The compiled twin ``name`` of ``python`` when available (same results, faster), else
    ``python`` itself. For the scanners that need no tables (the number screen's)."""
    native = _native_module()
    return python if native is None else getattr(native, name, python)


def reads_as_clean_py(text: str) -> bool:
    """``str.isprintable`` and no KELVIN SIGN (which NFC turns into "K"): no control
    character, no line end, no invisible character, no whitespace but " ", no surrogate.
    The compiled twin (``reads_as_clean``) accepts printable ASCII and the Latin and
    Vietnamese letters 16 bytes at a time and asks the Unicode database for the rest."""
    return text.isprintable() and "\u212a" not in text


reads_as_clean = native_or("reads_as_clean", reads_as_clean_py)
# the characters clean() folds that are printable: dashes, quotes, Đ look-alikes (the others,
# controls, spaces other than " ", invisible characters and surrogates, are not printable)
_PRINTABLE_FOLDS = tuple(sorted(c for c in _FOLD_TABLE if c.isprintable()))


def is_clean(text: str) -> bool:
    """True only when ``clean(text) == text`` (false for some clean texts: any with a line
    end). clean()'s regex over the fold table tests every character against a class of
    ~2,100; here a printable text (none of the table's unprintable keys, no line end to
    rewrite) is searched for the 14 printable keys (``in``: memchr on UCS-2 text).

    Why. clean() rewrites "\\r", "\\x0b", "\\f" (unprintable), makes the text NFC, folds the
    keys of ``_FOLD_TABLE`` and makes the result NFC again only if folding changed its length:
    on a printable NFC text without a printable key every step returns the text as it is.
    tests/test_normalize.py checks it on every code point and on the real texts."""
    if not reads_as_clean(text):
        return False
    for c in _PRINTABLE_FOLDS:
        if c in text:
            return False
    return unicodedata.is_normalized("NFC", text)


def find_py(text: str, sub: str, start: int = 0, end: int = sys.maxsize) -> int:
    """``text.find(sub, start, end)``."""
    return text.find(sub, start, end)


def rfind_py(text: str, sub: str, start: int = 0, end: int = sys.maxsize) -> int:
    """``text.rfind(sub, start, end)``."""
    return text.rfind(sub, start, end)


# find(text, sub[, start[, end]]) is text.find(sub, start, end) (int bounds), rfind likewise.
# Why: CPython 3.11's str.find/rfind take their arguments through a tuple and
# PyArg_ParseTuple, ~400 instructions a call, more than most of the searches the rule engine
# makes (a stop in a sentence, a word in a window); the compiled twins take them as they are
# (METH_FASTCALL), ~100 instructions. For the hot loops only.
find = native_or("find", find_py)
rfind = native_or("rfind", rfind_py)


def normalize_for_match(text: str) -> str:
    """``canon(clean(text))``: for short user-supplied strings (patterns, catalogue terms)."""
    return canon(clean(text))


_SPACES = re.compile(r"[ \t]+")


def squeeze_spaces(text: str) -> str:
    """Collapse runs of spaces (not newlines) and strip line ends."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
