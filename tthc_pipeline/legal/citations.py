"""Find citations of legal documents in Vietnamese text.

Why regex and not spaCy: document numbers are rigid tokens ("63/2010/NĐ-CP") and the
tooling notes measured regex as identical in output and 4-15x faster (TOOLING-NOTES §1).

How it works, in three passes over one text:

1. *Numbers*: document symbols are matched on the ``clean()`` text with case kept, because
   case is what separates a symbol from glued words ("...nhân dân68/2013/TT-BCALuật Khiếu
   nại": the portal crawler glued table cells). A number preceded by a type word ("Nghị định
   số") takes that type; a bare number takes the type implied by its symbol (NĐ → Nghị định).
2. *Named laws*: "Luật Cư trú năm 2020", "Bộ luật Dân sự 2015", "Hiến pháp năm 2013"; a name
   followed by its number ("Luật Căn cước26/2023/QH15") becomes one citation.
3. *Self references*: "Nghị định này", "Luật này".

Type words, articles, dates and issuers are matched on ``canon()`` text (lower case, one tone
convention) which has the same length, so every offset is an offset in the caller's text and
``raw`` is cut from the original. Patterns live in ``data/citation_patterns.yaml``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import yaml

from tthc_pipeline.legal.dates import iso_date
from tthc_pipeline.text.normalize import INVISIBLE_CHARS, canon, clean, find, fold


@dataclass
class Citation:
    """One mention of a legal document. Offsets index the text given to find_citations."""

    raw: str
    start: int
    end: int
    doc_type: str | None = None
    number: str | None = None
    year: int | None = None
    symbol: str | None = None
    issued: str | None = None
    issuer: str | None = None
    articles: list[dict[str, str]] = field(default_factory=list)
    name: str | None = None
    is_self_reference: bool = False
    canonical_id: str | None = None
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- patterns


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """The YAML pattern data, loaded once."""
    text = resources.files("tthc_pipeline.data").joinpath("citation_patterns.yaml").read_text("utf-8")
    return yaml.safe_load(text)


_SL = r"\s{0,3}/\s{0,3}"
_HY = r"\s{0,3}[-_]\s{0,3}"  # "31/2025/TT_BCA" is seen on the portal
# A symbol segment: an issuer code, optionally with 1-2 digits ("QH15", "C06") unless those
# digits start the next glued number ("QH1451/2019/QH14").
_SEG = r"(?:(?i:cp|ttg)(?![a-zđ])|[A-ZĐ]+(?:\d{1,2}(?!\d|\s*[/.]\s*\d))?)"
_PREFIX = r"(?i:t\s?t\s?l\s?t|t\s?t|n\s?[đd]|q\s?[đd]|nq|ct|pl|cđ|vbhn)"
# The symbols with their last segment after a hyphen captured (a repeated group keeps its last
# repetition; a capture changes no match): where ``_trim_glued`` reads it, without searching
# the symbol for its last hyphen. For NUMBER_RE and LOOSE_NUMBER_RE only; _NUMBER_ANYCASE
# joins both symbols, and one name cannot be two groups: it reads them without the capture.
_SYM_STRICT_SEG = rf"(?:{_PREFIX}(?:{_HY}(?P<seg>{_SEG}))+|(?i:q\s?h)\s?\d{{2}}|UBTVQH\d{{2}})"
_SYM_LOOSE_SEG = rf"(?:TTg(?![a-zđ])|[A-ZĐ]{{2,}}\d{{0,2}}(?:{_HY}(?P<seg>{_SEG}))*)"
_SYM_STRICT = _SYM_STRICT_SEG.replace("(?P<seg>", "(?:")
_SYM_LOOSE = _SYM_LOOSE_SEG.replace("(?P<seg>", "(?:")
# "15a/2020/NĐ-CP", "1766b/QĐ-UBND": a one-letter suffix belongs to the number
# a year as printed or OCR'd ("2O18", "2Ol8"); fix_year reads it
YEAR_PATTERN = r"(?:19|2[0O])[0-9OIl]{2}"
# \d\d{0,4} is \d{1,5}, written so that the regex engine sees a digit class first and skips
# to the next digit instead of trying the whole pattern at every character (~30 % faster)
_NUM_HEAD = rf"(?P<num>\d\d{{0,4}}(?:\.\d{{1,3}}|(?i:[a-zđ])(?![a-zA-ZđĐ]))?)(?:{_SL}(?P<year>{YEAR_PATTERN}))?{_SL}"

NUMBER_RE = re.compile(rf"{_NUM_HEAD}(?P<sym>{_SYM_STRICT_SEG})")
LOOSE_NUMBER_RE = re.compile(rf"{_NUM_HEAD}(?P<sym>{_SYM_LOOSE_SEG})")
_NUMBER_ANYCASE = re.compile(rf"{_NUM_HEAD}(?P<sym>{_SYM_STRICT}|{_SYM_LOOSE})", re.IGNORECASE)

_LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?$"
)


def _type_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(type word → canonical type, symbol prefix → canonical type)."""
    words: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for name, spec in patterns()["doc_types"].items():
        for word in spec.get("words", []):
            words[canon(clean(word))] = name
        for sym in spec.get("symbols", []):
            prefixes[sym] = name
    return words, prefixes


_WORDS, _PREFIX_TYPES = _type_tables()
_ABBREV = {canon(clean(a)) for a in patterns()["abbreviations"]}
_TYPE_ALT = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_TYPE_BEFORE = re.compile(rf"(?P<type>{_TYPE_ALT})\s{{0,3}}(?:(?:số|so|sô)\s{{0,3}})?[:.]?\s{{0,3}}$")
_SEGMENT_FIXES = {k.upper(): v for k, v in patterns()["segment_fixes"].items()}
_KNOWN_CODES = {str(c) for c in patterns()["known_issuer_codes"]}

_NAMED_HEAD = re.compile(r"(?P<type>bộ luật|luật|hiến pháp|pháp lệnh)(?P<gap>\s+)")
_SELF_RE = re.compile(
    r"(?<!\w)(?P<type>thông tư liên tịch|thông tư|nghị định|nghị quyết|quyết định|bộ luật|luật|"
    r"pháp lệnh|chỉ thị|hiến pháp)\s+này(?!\w)"
)
_LAW_NAMES = sorted({canon(clean(n)) for n in patterns()["law_names"]}, key=len, reverse=True)
# Known names tolerate line breaks and spacing inside ("Luật Đầu \ntư số 61/2020/QH14").
_LAW_NAME_RE = re.compile(
    "|".join(r"\s*,\s*".join(r"\s+".join(map(re.escape, part.split())) for part in n.split(",")) for n in _LAW_NAMES)
)
_NAME_STOPS = {canon(clean(w)) for w in patterns()["name_stop_words"]}

_ART_ITEM = r"(?:\d+[a-zđ]?|[a-zđ])(?!\w)"
_ART_GROUP = rf"(?:điểm|khoản|điều)\s+{_ART_ITEM}(?:(?:\s*,\s*|\s+và\s+|\s+hoặc\s+)(?:(?:điểm|khoản|điều)\s+)?{_ART_ITEM})*"
_ARTICLES_BEFORE = re.compile(
    rf"(?<!\w)(?P<chain>{_ART_GROUP}(?:(?:\s*,\s*|\s+)(?:và\s+)?{_ART_GROUP})*)\s*,?\s*(?:của\s+|tại\s+|theo\s+)?$"
)
_ART_TOKEN = re.compile(rf"(?P<kw>điểm|khoản|điều)\s+(?P<id>{_ART_ITEM})|(?:,|và(?!\w)|hoặc(?!\w))\s*(?P<bare>{_ART_ITEM})")

_ISSUED_AFTER = re.compile(
    r"\s{0,3},?\s{0,3}(?:ban hành\s+)?ngày\s{0,3}(?P<d>\d{1,2})\s{0,3}"
    r"(?:tháng\s{0,3}(?P<m1>\d{1,2})\s{0,3}[.,]?\s{0,3}năm\s{0,3}|[/.-]\s{0,2}(?P<m2>\d{1,2})\s{0,2}[/.-]\s{0,2})"
    r"(?P<y>\d{4})"
)
_ISSUER_AFTER = re.compile(
    r"\s{0,3},?\s{0,3}của\s+(?P<who>[^,;.()\n]{2,90}?)(?=\s+(?:quy định|về|hướng dẫn|sửa đổi|ban hành|bãi bỏ|"
    r"thay thế|có hiệu lực|hết hiệu lực|được|đã|là|thì)\b|[,;.()\n:]|$)"
)
# A year may be glued to the number cell that follows it ("năm 201102/2011/QH13").
_YEAR_AFTER = re.compile(r"\s{0,3},?\s{0,3}(?:năm\s{1,3})?(?P<y>(?:19|20)\d{2})(?=\d{1,5}(?:\.\d+)?\s{0,3}/|[^\d/]|$)")
_YEAR_GLUE = re.compile(r"năm\s{1,3}$")


# --------------------------------------------------------------------------- numbers


_YEAR_FIXES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})


def fix_year(raw: str) -> str:
    """A year matched by ``YEAR_PATTERN`` as digits: "2O18" → "2018"."""
    return raw.translate(_YEAR_FIXES)


def _canonical_symbol(sym: str) -> str:
    compact = re.sub(r"\s+", "", sym)
    out = []
    for seg in re.split(r"[-_]", compact):
        if not seg:
            continue
        up = seg.upper()
        out.append(_SEGMENT_FIXES.get(up, up if up != "TTG" else "TTg"))
    return "-".join(out)


def _canonical_num(num: str) -> str:
    if num.isdigit():
        return f"{int(num):02d}"
    if num[:-1].isdigit() and num[-1].isalpha():  # "5a" → "05a", as "5" → "05"
        return f"{int(num[:-1]):02d}{num[-1].lower()}"
    return num


# Portal tables glue "năm 2011" to the next cell "02/2011/QH13" → "201102/2011/QH13". A number
# has at most 5 digits, so a 6+ digit head starting with a year is a glued year.
_GLUED_YEAR_HEAD = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=\d{2,5}\s{0,3}/)")


@lru_cache(maxsize=65536)
def canonical_number(raw: str) -> str:
    """Canonical document number: "số 154 /2024/ NĐ - CP" → "154/2024/NĐ-CP".

    The only canonicaliser of document numbers in the package (metadata, registry, relations,
    procedure extraction and the announcement reader all call it), so a number read from a
    header and the same number cited elsewhere compare equal.

    Folds Đ look-alikes, ASCII "ND"/"QD" to "NĐ"/"QĐ", spaces and dashes; keeps dotted
    numbers ("66.7/2025/NQ-CP"); fixes O/I/l in the year (OCR); drops a year glued to the
    number by crawled tables ("201102/2011/QH13" → "02/2011/QH13").

    Padding policy: one-digit numbers are padded ("5/2012" → "05/2012") because official
    texts print them with a leading zero and the registry ids in corpus/registry/*.yaml are
    written that way ("07/2025/NĐ-CP"). To compare numbers whatever their padding, use
    ``number_key``. Memoised: a pure function of a short string, and the same few hundred
    documents are cited by thousands of procedures.
    """
    text = _GLUED_YEAR_HEAD.sub("", clean(raw), count=1)
    m = _NUMBER_ANYCASE.search(text)
    if not m:
        return re.sub(r"\s+", "", text).upper()
    parts = [_canonical_num(m.group("num"))]
    if m.group("year"):
        parts.append(fix_year(m.group("year")))
    parts.append(_canonical_symbol(m.group("sym")))
    return "/".join(parts)


@lru_cache(maxsize=65536)
def number_key(number: str) -> str:
    """Padding-insensitive comparison key: "05/2012/nd-cp" and "5/2012/NĐ-CP" → "5/2012/NĐ-CP".

    For matching numbers that come from sources with other padding conventions (portal rows,
    hand-typed lists); display and registry ids use ``canonical_number``. Memoised as
    ``canonical_number`` is (a pure function of a short string; the rule engine asks it for
    every number of every legal basis it parses, ~13 a basis, of a few hundred documents).
    """
    canonical = canonical_number(number)
    head, sep, rest = canonical.partition("/")
    digits = head.rstrip("abcdefghijklmnopqrstuvwxyzđ")
    if not sep or not digits.isdigit():
        return canonical
    return f"{int(digits)}{head[len(digits):]}/{rest}"


_LAW_SYMBOL = re.compile(r"QH\d{2}")
_ORDINANCE_SYMBOL = re.compile(r"UBTVQH\d{2}")


def type_from_symbol(symbol: str | None) -> str | None:
    """Document type implied by a canonical symbol: "NĐ-CP" → Nghị định, "QH14" → Luật."""
    if not symbol:
        return None
    first = symbol.split("-")[0]
    if _LAW_SYMBOL.fullmatch(first):
        return "Luật"
    if _ORDINANCE_SYMBOL.fullmatch(first):
        return "Pháp lệnh"  # ordinances since 2009: "04/2012/UBTVQH13"
    return _PREFIX_TYPES.get(first)


# --------------------------------------------------------------------------- helpers


_COMBINING = r"[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
# a character with its marks, and the invisible characters clean() removes among them: "a",
# ZERO WIDTH SPACE, "\u0301" is one cluster, which clean() makes "á" as it does in the text
_CLUSTER = re.compile(rf"\r\n|[\s\S](?:{_COMBINING}|[{re.escape(INVISIBLE_CHARS)}])*")


def _aligned_clean(text: str, cleaned: str | None = None) -> tuple[str, list[int] | None]:
    """clean(text) plus, when lengths differ (NFD input, CRLF, invisible characters), each
    cleaned char's source offset (its cluster's start). ``cleaned``: clean(text), when the
    caller has it already."""
    if cleaned is None:
        cleaned = clean(text)  # the text itself when clean already (normalize.is_clean)
    if cleaned == text or (len(cleaned) == len(text) and unicodedata.is_normalized("NFC", text)):
        return cleaned, None
    pieces: list[str] = []
    origin: list[int] = []
    for m in _CLUSTER.finditer(text):
        piece = clean(m.group(0))
        pieces.append(piece)
        origin.extend([m.start()] * len(piece))
    origin.append(len(text))
    return "".join(pieces), origin


def _word_starts(text: str, i: int, abbreviation: bool = False) -> bool:
    """A word starts at i: after a non-letter, or (portal glue) a capital after a letter/digit.

    Abbreviations ("NĐ", "TT") need a real boundary: "UBND" must not yield "ND".
    """
    if i == 0 or not text[i - 1].isalnum():
        return True
    return not abbreviation and text[i].isupper()


def _syllable(word: str) -> bool:
    return bool(word) and bool(_SYLLABLE.match(fold(word).lower()))


_DIGITS = re.compile(r"\d+")
_GLUED_YEAR = re.compile(r"(?:19[4-9]\d|20[0-4]\d)")  # a year a number can be glued to
_LETTERS = re.compile(r"[^\W\d_]*")


def _trim_glued(text: str, sym_start: int, sym_end: int, seg_start: int) -> int:
    """Cut a glued word off the symbol end: "TT-BCALuật" → "TT-BCA", "NĐ-CPQUY ĐỊNH" → "NĐ-CP".

    Portal rows glue the next cell to the symbol. A segment that is a known issuer code stays;
    an unknown one is cut after its longest known prefix, or before its last capital, when
    what is cut off reads as a Vietnamese syllable.

    ``seg_start``: where the symbol's last segment after a hyphen starts, its spaces skipped
    (the match's "seg" group), or -1 for a symbol without a hyphen, whose segment is the whole
    symbol (it starts with a letter). No symbol regex puts "-" or "_" anywhere but in _HY, so
    that group is what follows the symbol's last "-" or "_" and the spaces after it.
    """
    seg = text[seg_start if seg_start >= 0 else sym_start:sym_end]
    if not seg.isalpha():
        return sym_end
    # the letters glued after the symbol start with ``after`` when it is alphanumeric and not
    # a decimal digit: [^\W\d_] (str.isalnum and re's \w read the same property). A known
    # code stays when nothing or a lower-case letter is glued (most symbols: no regex call).
    after = text[sym_end:sym_end + 1]
    glued = after.isalnum() and not after.isdecimal()
    if seg in _KNOWN_CODES and (not glued or after.islower()):
        return sym_end
    tail = _LETTERS.match(text, sym_end).group(0) if glued else ""
    seg_start = sym_end - len(seg)
    for cut in range(len(seg) - 1, 0, -1):
        if seg[:cut] in _KNOWN_CODES and _syllable(seg[cut:] + tail):
            return seg_start + cut
    if tail and tail[0].islower() and _syllable(seg[-1] + tail):
        if len(seg) > 1:
            return sym_end - 1
        if seg_start > sym_start:  # "05/2013/TT-BLĐTBXH - Hướng dẫn": the whole last segment is a word
            hyphen = len(text[:seg_start].rstrip()) - 1  # the segment's spaces follow the hyphen
            return len(text[:hyphen].rstrip())
    return sym_end


def _parse_articles(chain: str) -> list[dict[str, str]]:
    """"điểm a khoản 1 Điều 8" → [{"dieu": "8", "khoan": "1", "diem": "a"}]."""
    diem: list[str] = []
    khoan: list[str] = []
    out: list[dict[str, str]] = []
    kind = None
    for m in _ART_TOKEN.finditer(chain):
        if m.group("kw"):
            kind, ident = m.group("kw"), m.group("id")
        else:
            ident = m.group("bare")
        if kind == "điểm":
            diem.append(ident)
        elif kind == "khoản":
            khoan.append(ident)
        elif kind == "điều":
            for k in khoan or [None]:
                for d in (diem or [None]) if k else [None]:
                    item = {"dieu": ident}
                    if k:
                        item["khoan"] = k
                    if d:
                        item["diem"] = d
                    out.append(item)
            diem, khoan = [], []
    return out


def _articles_before(ctext: str, start: int) -> list[dict[str, str]]:
    window = ctext[max(0, start - 160):start]
    m = _ARTICLES_BEFORE.search(window)
    return _parse_articles(m.group("chain")) if m else []


def _tail_info(text: str, ctext: str, end: int) -> tuple[str | None, str | None, int]:
    """(issued ISO date, issuer, end offset of what was consumed) after a citation."""
    issued = issuer = None
    m = _ISSUED_AFTER.match(ctext, end)
    if m:
        issued = iso_date(m.group("d"), m.group("m1") or m.group("m2"), m.group("y"))
    after = m.end() if m else end
    w = _ISSUER_AFTER.match(ctext, after)
    if w and text[w.start("who")].isupper():
        issuer = text[w.start("who"):w.end("who")].strip()
        cut = re.search(r"\s+và\s+(?=[a-zà-ỹđ])", issuer)  # "Chính phủ và bảng giá đất…"
        issuer = issuer[:cut.start()] if cut else issuer
    return issued, issuer, after


# --------------------------------------------------------------------------- passes


def _type_before(text: str, ctext: str, pos: int) -> tuple[str | None, int]:
    """The type word written right before a number ("Nghị định số "), and where it starts."""
    head_start = max(0, pos - 40)
    tm = _TYPE_BEFORE.search(ctext, head_start, pos)
    while tm:
        word_start, word = tm.start("type"), tm.group("type")
        abbreviation = word in _ABBREV
        if _word_starts(text, word_start, abbreviation) and (
            not abbreviation or text[word_start:word_start + len(word)].isupper()
        ):
            return _WORDS[word], word_start
        tm = _TYPE_BEFORE.search(ctext, tm.start() + 1, pos)
    return None, pos


def _unglue_year(text: str, ctext: str | None, m: re.Match[str], strict: bool) -> re.Match[str] | None:
    """Re-match after a year glued to the number ("năm 201102/2011/QH13" → "02/2011/QH13").
    ``ctext``: canon(text), or None to compute it here, in the rare case it is read. Only
    called where a year can be glued (``_numbers``: a digit before the number, or 5 digits)."""
    run = m.start()
    while run > 0 and text[run - 1].isdigit():
        run -= 1
    digits = _DIGITS.match(text, run).group(0)
    if len(digits) < 5 or not _GLUED_YEAR.match(digits):
        return None
    if not (len(digits) > 5 or digits[:4] == m.group("year")):
        if ctext is None:
            ctext = canon(text)
        if not _YEAR_GLUE.search(ctext[max(0, run - 8):run]):
            return None
    return (NUMBER_RE if strict else LOOSE_NUMBER_RE).match(text, run + 4)


# Where a loose match's symbol can start: two capitals ("TTg" starts with two) after "/" and at
# most three spaces (the end of _NUM_HEAD)
_CAPS_AFTER_SLASH = re.compile(r"/\s{0,3}[A-ZĐ]{2}")


def _loose_may_add(text: str, strict: list[re.Match[str]]) -> bool:
    """False only when no match of LOOSE_NUMBER_RE can start outside the strict matches
    (``strict``: NUMBER_RE.finditer), so that its scan (a quarter of ``document_numbers``;
    3 of the 2,013 loose matches in the portal's legal bases start outside) adds nothing.

    Why it is sound. A loose match at s has its symbol at q, two capitals after "/" and
    spaces. Say q is inside a strict match at a < q. If a <= s, s is inside it too. If s < a,
    every position in (s, q) is a digit, ".", the number's letter suffix, a space, "/" or a
    year character, and none of these after "/" or a space can start a strict symbol (always
    a letter, never preceded by a digit or year character), so the strict symbol starts at q
    as well: the loose head [s, q) followed by that symbol is a strict match at s (both
    patterns share _NUM_HEAD; lookaheads only), and finditer leaves no strict match position
    uncovered, so s is inside a strict match. Hence a loose match outside every strict match
    has its q outside them, which this looks for (tests/test_citations_fast.py compares
    both paths on the real records and generated texts).

    Such a q lies between two strict matches with its "/" and spaces: a strict match ends
    with a letter or digit of its symbol, and its own digits come after q. So one search of
    each gap (its end as endpos: the pattern has no lookahead) finds it."""
    prev = 0
    for m in strict:
        # the pattern starts with "/": a gap without one (most: "; Nghị định số ") has no match
        slash = find(text, "/", prev, m.start())  # normalize.find: str.find, cheaper call
        if slash >= 0 and _CAPS_AFTER_SLASH.search(text, slash, m.start()):
            return True
        prev = m.end()
    slash = find(text, "/", prev)
    return slash >= 0 and _CAPS_AFTER_SLASH.search(text, slash) is not None


# Where a strict symbol can start: "/", at most three spaces, and the first letter of a
# _SYM_STRICT alternative (_PREFIX's t, n, q, c, p, v in any case; "QH", "UBTVQH"). Every
# strict match has one, and the pattern starts with a literal, which the regex engine finds
# faster than the digits NUMBER_RE starts with (tests/test_citations_fast.py checks the letters).
_STRICT_SYMBOL = re.compile(r"/\s{0,3}(?:(?i:[tnqcpv])|U)")
# How far before its symbol's "/" a strict match can start: the number (5 digits, then ".ddd"
# or a letter), spaces, "/", spaces, the year (4 characters), spaces.
_HEAD_REACH = 5 + 4 + 3 + 1 + 3 + 4 + 3


def _strict_matches(text: str) -> list[re.Match[str]]:
    """``list(NUMBER_RE.finditer(text))``, the scan started from the symbols.

    Why it is the same. After a match (or at 0) finditer searches on from its end, ``pos``.
    A match starting at s >= pos has its symbol's "/" at q with s < q <= s + _HEAD_REACH,
    and _STRICT_SYMBOL matches at q (that "/", its spaces and the symbol's first letter), so
    q is at or after the first _STRICT_SYMBOL match at or after pos, and s at most _HEAD_REACH
    before it. No match starts before that: a NUMBER_RE search from there finds the one
    finditer finds (a match has no lookbehind, so where the search starts changes nothing
    but where it looks). No _STRICT_SYMBOL match: no strict match either.
    tests/test_citations_fast.py compares both scans on the real texts and generated ones."""
    out = []
    pos = 0
    while True:
        symbol = _STRICT_SYMBOL.search(text, pos)
        if symbol is None:
            return out
        start = symbol.start() - _HEAD_REACH
        m = NUMBER_RE.search(text, start if start > pos else pos)
        if m is None:
            return out
        out.append(m)
        pos = m.end()


def _numbers(text: str, ctext: str | None, with_type: bool = True) -> Iterator[tuple[re.Match[str], int, int, str, str | None]]:
    """(match, start with the type word, end, canonical number, type word) of every document
    number in ``text``, in reading order: the one reading of numbers that ``find_citations``
    and ``document_numbers`` share. ``with_type=False``: the type word is only looked for
    where it decides whether a loose match is a number; elsewhere the start is the number's
    own and the type word None. ``ctext``: canon(text), or None to compute it only if a type
    word or a glued year is looked for (with_type=False: rarely)."""
    taken = 0
    strict_matches = _strict_matches(text)
    matches = [(m, True) for m in strict_matches]
    if _loose_may_add(text, strict_matches):
        strict_starts = [m.start() for m in strict_matches]  # strict matches do not overlap: sorted
        for m in LOOSE_NUMBER_RE.finditer(text):
            i = bisect.bisect_right(strict_starts, m.start()) - 1
            if i >= 0 and m.start() < matches[i][0].end():
                continue  # starts inside a strict match
            matches.append((m, False))
        matches.sort(key=lambda pair: pair[0].start())
    for m, strict in matches:
        start = m.start()
        if start < taken:
            continue
        # a year can be glued only to a number after a digit or of 5 digits (a 4-digit year and
        # at least one digit of the number): text[-1:0] is "", not a digit
        if text[start - 1:start].isdigit() or m.end("num") - start >= 5:
            glued = _unglue_year(text, ctext, m, strict)
            if glued is not None:
                m, start = glued, glued.start()
        sym_start, sym_end = m.span("sym")
        end = _trim_glued(text, sym_start, sym_end, m.start("seg"))
        if with_type or not strict:
            if ctext is None:
                ctext = canon(text)
            type_word, start = _type_before(text, ctext, start)
            if not strict and not type_word:
                continue  # "481/BTP-HTQTCT" is a number only after "Công văn số"
        else:
            type_word = None
        yield m, start, end, canonical_number(text[m.start():end]), type_word
        taken = end


def document_numbers(text: str, cleaned: str | None = None) -> list[tuple[str, int, int]]:
    """(canonical number, start, end) of each document number in ``text``: the numbers
    ``find_citations`` reads, without the rest of a citation (type, date, issuer, articles),
    which the rule engine does not need on its hot path. Offsets index ``text`` and span the
    number itself ("53/2025/TT-BCA", not "Thông tư số …"). ``cleaned``: clean(text), when
    the caller has it already (the rule engine's number screen does)."""
    if not text:
        return []
    cleaned, origin = _aligned_clean(text, cleaned)
    out = []
    for m, _start, end, number, _type in _numbers(cleaned, None, with_type=False):
        start = m.start()
        if origin is not None:
            start, end = origin[start], origin[end]
        out.append((number, start, end))
    return out


def _number_citations(text: str, ctext: str) -> list[Citation]:
    found: list[Citation] = []
    for m, start, end, number, type_word in _numbers(text, ctext):
        symbol = number.split("/")[-1]
        implied = type_from_symbol(symbol)
        doc_type = type_word or implied
        if type_word and implied and type_word != implied:
            if {type_word, implied} <= {"Luật", "Bộ luật"} or (type_word == "Nghị quyết" and "QH" in symbol):
                confidence = 0.95
            else:
                confidence = 0.7
        elif type_word:
            confidence = 0.98
        else:
            confidence = 0.9
        year = int(fix_year(m.group("year"))) if m.group("year") else None
        issued, issuer, _ = _tail_info(text, ctext, end)
        if year is None and issued:
            year = int(issued[:4])
        found.append(
            Citation(
                raw=text[start:end], start=start, end=end, doc_type=doc_type, number=number,
                year=year, symbol=symbol, issued=issued, issuer=issuer,
                articles=_articles_before(ctext, start), canonical_id=number, confidence=confidence,
            )
        )
    return found


def _law_name(text: str, ctext: str, pos: int) -> tuple[str | None, int]:
    """Name of a law at pos, and where it ends: a known name in any case ("Pháp lệnh ưu đãi
    người có công…"), else capitalised words up to a stop word ("Luật Tổ chức Chính phủ")."""
    if pos >= len(text) or not text[pos].isalpha():
        return None, pos
    known = _LAW_NAME_RE.match(ctext, pos)
    if known:
        after = known.end()
        if after >= len(text) or not text[after].isalpha() or text[after].isupper():
            return re.sub(r"\s+", " ", text[pos:after]), after
    if not text[pos].isupper():
        return None, pos
    end = pos
    words = 0
    tokens = list(re.finditer(r"[^\W\d_]+|\s+|.", ctext[pos:pos + 120]))
    for i, w in enumerate(tokens):
        tok = w.group(0)
        if tok.isspace():
            if "\n" in tok:
                break
            continue
        if tok == ",":  # "Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở"
            nxt = next((t.group(0) for t in tokens[i + 1:] if not t.group(0).isspace()), "")
            nxt_pos = pos + next((t.start() for t in tokens[i + 1:] if not t.group(0).isspace()), 0)
            if nxt.isalpha() and nxt not in _NAME_STOPS and text[nxt_pos].islower():
                continue
            break
        if not tok.isalpha() or tok in _NAME_STOPS or words >= 16:
            break
        words += 1
        end = pos + w.end()
    return (text[pos:end] if words else None), end


def _named_citations(text: str, ctext: str, numbered: list[Citation]) -> list[Citation]:
    by_start = {c.start: c for c in numbered}
    out: list[Citation] = []
    for m in _NAMED_HEAD.finditer(ctext):
        kind = {"bộ luật": "Bộ luật", "luật": "Luật", "hiến pháp": "Hiến pháp", "pháp lệnh": "Pháp lệnh"}[m.group("type")]
        if not _word_starts(text, m.start()):
            continue
        if m.group("type") == "luật" and ctext[max(0, m.start() - 5):m.start()].endswith(("pháp ", "bộ ")):
            continue
        if any(c.start <= m.start() < c.end for c in numbered):
            continue
        name_pos = m.end()
        if kind == "Hiến pháp":
            name, name_end = "Hiến pháp", m.end("type")
        else:
            name, name_end = _law_name(text, ctext, name_pos)
            if not name:
                continue
        year = None
        issued, issuer, after = _tail_info(text, ctext, name_end)
        ym = _YEAR_AFTER.match(ctext, name_end)
        end = name_end
        if issued:
            year = int(issued[:4])
            end = after
        elif ym:
            year = int(ym.group("y"))
            end = ym.end()
        glue = re.match(r"\s{0,3}(?:,\s*)?(?:số\s*)?", ctext[end:end + 12])
        follower = by_start.get(end + (glue.end() if glue else 0))
        if follower is None and not year and kind != "Hiến pháp" and not _LAW_NAME_RE.match(ctext, name_pos):
            # A heuristic name may stop early; a law number glued after the rest of the name
            # ("Luật Lực lượng … ở cơ sở30/2023/QH15") shows where the name really ends.
            nxt = next((c for c in numbered if name_end <= c.start <= name_end + 80), None)
            between = text[name_end:nxt.start] if nxt else ""
            if nxt and nxt.doc_type in ("Luật", "Bộ luật", "Pháp lệnh") and not re.search(r"[;.()\n:\-]|\d", between) \
                    and not _NAME_STOPS & set(canon(between).replace(",", " ").split()):
                name, name_end = re.sub(r"\s+", " ", text[name_pos:nxt.start]).strip(), nxt.start
                end, follower = name_end, nxt
        if follower is not None and follower.doc_type in ("Luật", "Bộ luật", "Pháp lệnh") and follower.start >= end:
            follower.raw = text[m.start():follower.end]
            follower.start = m.start()
            follower.name = name if kind != "Hiến pháp" else None
            follower.doc_type = kind
            follower.year = follower.year or year
            follower.articles = _articles_before(ctext, m.start())
            continue
        out.append(
            Citation(
                raw=text[m.start():end], start=m.start(), end=end, doc_type=kind, number=None,
                year=year, issued=issued, issuer=issuer, name=name,
                articles=_articles_before(ctext, m.start()), confidence=0.6,
            )
        )
    return out


def _self_citations(text: str, ctext: str, taken: list[Citation]) -> list[Citation]:
    out = []
    for m in _SELF_RE.finditer(ctext):
        if any(c.start <= m.start() < c.end for c in taken):
            continue
        t = m.group("type")
        doc_type = next(v for k, v in _WORDS.items() if k == t) if t in _WORDS else t.capitalize()
        out.append(
            Citation(
                raw=text[m.start():m.end()], start=m.start(), end=m.end(), doc_type=doc_type,
                articles=_articles_before(ctext, m.start()), is_self_reference=True, confidence=0.9,
            )
        )
    return out


def may_name_articles(text: str, cleaned: str | None = None) -> bool:
    """False only when no citation ``find_citations(text)`` returns names an article (every
    ``articles`` list is empty): a citation's articles come only from ``_articles_before``,
    whose ``_parse_articles`` adds one only at an "điều" keyword of the canon text it reads
    (``_ART_TOKEN``'s "kw" group), the canon of the same ``_aligned_clean`` text. Costs one
    clean and canon of the text where the full parse costs ~100 µs a legal basis.
    ``cleaned``: clean(text), when the caller has it."""
    return "điều" in canon(_aligned_clean(text, cleaned)[0])


def find_citations(text: str, *, registry: Any = None) -> list[Citation]:
    """All citations in ``text`` in reading order.

    ``registry`` (a tthc_pipeline.legal.registry.Registry) resolves named laws without a
    number ("Luật Cư trú năm 2020" → 68/2020/QH14). Offsets index ``text`` itself, also for
    NFD or CRLF input (cleaned internally and mapped back).
    """
    if not text:
        return []
    cleaned, origin = _aligned_clean(text)
    ctext = canon(cleaned)
    numbered = _number_citations(cleaned, ctext)
    named = _named_citations(cleaned, ctext, numbered)
    selfs = _self_citations(cleaned, ctext, numbered + named)
    result = sorted(numbered + named + selfs, key=lambda c: c.start)
    for c in result:
        if registry is not None and c.canonical_id is None and not c.is_self_reference:
            resolved = registry.resolve(c)
            if resolved:
                c.canonical_id = resolved
                c.confidence = max(c.confidence, 0.85)
        if origin is not None:
            c.start, c.end = origin[c.start], origin[c.end]
            c.raw = text[c.start:c.end]
    return result


def unique_ids(citations: list[Citation]) -> list[str]:
    """Canonical ids in first-seen order, without duplicates (portal rows repeat numbers)."""
    return list(dict.fromkeys(c.canonical_id for c in citations if c.canonical_id))
