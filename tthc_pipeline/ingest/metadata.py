"""Document metadata from the assembled text: type, number, issuer, place, dates, title, signer,
and the effective-date clause (with what the document replaces, repeals or ends).

Format independent: it reads the one clean()ed text that every backend produces (tables as
"cell | cell" lines). Why fold(): OCR and old fonts damage diacritics ("thị hành", "kế từ",
"hiệu lục"); fold() strips them *without changing the length*, so a pattern is found on fold(text)
and the value is quoted from the original text at the same offsets.

Header fields are looked for in the first ``HEADER_CHARS`` characters (the national motto,
"Số: …", "Hà Nội, ngày …", the type heading and the title). The effective clause is searched in
the whole text, outside quoted amendment text. Every field found has ``provenance[field] =
{start, end, page}`` so a reviewer can jump to it.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from tthc_pipeline.legal.citations import canonical_number, find_citations, type_from_symbol
from tthc_pipeline.legal.dates import iso_date
from tthc_pipeline.text.normalize import fold

HEADER_CHARS = 3000
_EFFECTIVE_SCAN = 6000  # max chars of the effective article scanned for replaces/expires/repeals


# --------------------------------------------------------------------------- data


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("tthc_pipeline.data").joinpath("doc_types.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def _type_heading_re() -> re.Pattern[str]:
    heads = sorted({h for t in _data()["types"].values() for h in t["headings"]}, key=len, reverse=True)
    alt = "|".join(r"\s*".join(map(re.escape, h.split())) for h in heads)
    # A short junk prefix is tolerated: OCR of the received-stamp ("BẾN tay.23-LÁI 4 NGHỊ ĐỊNH").
    return re.compile(rf"^(?P<junk>.{{0,24}}?\s)??(?P<type>{alt})(?:\s*\(?\s*du\s*thao\s*\)?)?\s*$")


@lru_cache(maxsize=1)
def _heading_types() -> dict[str, str]:
    return {re.sub(r"\s+", "", h): name for name, t in _data()["types"].items() for h in t["headings"]}


@lru_cache(maxsize=1)
def _issuer_names() -> dict[str, str]:
    """fold(name) without spaces -> official name, for re-casing printed headers."""
    names = dict(_data()["issuers"])
    return {re.sub(r"[\s\-,]+", "", fold(v)): v for v in names.values()}


# --------------------------------------------------------------------------- patterns
# All patterns run on fold(text) (lower case, no diacritics) unless said otherwise.

_DATE = re.compile(
    r"""ngay \s* (?P<d>\d{1,2}) \s*[.,]?\s* thang \s* (?P<m>\d{1,2}) \s*[.,]?\s* nam \s* (?P<y>\d{4})
      | ngay \s* (?P<d2>\d{1,2}) \s*[/.-]\s* (?P<m2>\d{1,2}) \s*[/.-]\s* (?P<y2>\d{4})""",
    re.X,
)
_MOTTO = re.compile(r"cong\s*hoa\s*xa\s*hoi\s*chu\s*nghia\s*viet\s*nam")
# "Số: 378/QĐ-UBND", "Luật số: 26/2023/QH15" (the colon is what separates it from "số 5 …").
_NUMBER_LABEL = re.compile(
    r"(?:^|(?<=[\s|]))(?P<label>(?:(?:bo\s*)?luat|phap\s*lenh|nghi\s*quyet)?\s*so\s*(?:hieu)?\s*:)\s*"
)
_NUMBER_VALUE = re.compile(
    r"""(?P<num>\d{1,5}(?:\.\d{1,3})?[a-z]?|\.{2,}|…|x+) \s*/\s*
        (?:(?P<year>(?:19|20)\d{2}) \s*/\s*)?
        (?P<sym>[A-ZĐÐa-zđ][A-Za-zĐÐđ0-9]*(?:\s*-\s*[A-ZĐÐa-zđ0-9]+)*)""",
    re.X,
)
_QCVN = re.compile(r"(?P<kind>QCVN|TCVN)\s*(?P<num>[0-9xX.\-]+)\s*:\s*(?P<year>(?:19|20)\d{2})(?:\s*/\s*(?P<sym>[A-ZĐ]+))?")
_ADOPTED = re.compile(r"thong\s*qua\s*(?:trong\s*phien\s*hop\s*)?(?=ngay\s*\d)")
_DRAFT = re.compile(r"(?:^|[\n|(])\s*du\s*thao\b")
_STOP_TITLE = re.compile(
    r"""^\s*(?:can\s*cu\b|de\s|theo\s*de\s*nghi|xet\s*de\s*nghi|chuong\s|phan\s|dieu\s*\d|muc\s*luc
          |(?:tm|kt|tl|tuq|q)\.|quyet\s*dinh\s*:|nghi\s*quyet\s*:|loi\s*noi\s*dau|loi\s*mo\s*dau)""",
    re.X,
)
_AUTHORITY_LINE = re.compile(
    r"^\s*(?:chu\s*tich|bo\s*truong|thu\s*tuong|uy\s*ban|hoi\s*dong|chinh\s*phu|quoc\s*hoi|giam\s*doc|cuc\s*truong|tong\s*cuc\s*truong)\b"
)

_TYPES_FOLD = (
    r"(?:bo\s*luat|luat|nghi\s*dinh|thong\s*tu(?:\s*lien\s*tich)?|quyet\s*dinh|nghi\s*quyet(?:\s*lien\s*tich)?"
    r"|phap\s*lenh|chi\s*thi|hien\s*phap|quy\s*chuan|quy\s*dinh|quy\s*che|van\s*ban|ke\s*hoach)"
)
# Spaces between syllables are optional (\s*): OCR merges and splits them.
_EFFECTIVE = re.compile(
    rf"""(?P<subject>{_TYPES_FOLD})
        (?: (?P<this>\s*nay)                                   # "Nghị định này"
            (?:[^.;]{{0,250}}?\s(?:va|thi))?                    # "… thông qua ngày … và"
        )?
        \s*(?:se\s*)?co\s*hieu\s*luc(?:\s*thi\s*hanh)?""",
    re.X,
)
# What may stand between the line start and the clause subject.
_CLAUSE_PREFIX = re.compile(
    r"""^[\s"']*
        (?: \d{1,2}\s*[.)]\s*                                  # khoản "1. "
          | [a-z]\)\s*                                         # điểm "a) "
          | dieu\s*\d+[a-z]?\s*[.:]\s*(?:[^.\n]{0,40}\.\s*)?   # "Điều 2. " (+ a short title)
        )?$""",
    re.X,
)
_EFFECT_ARTICLE = re.compile(r"hieu\s*luc|thi\s*hanh|thuc\s*hien")  # titles of the closing article
_RELATIVE = re.compile(
    r"(?:sau\s*\d+\s*ngay\s*,?\s*)?(?:ke\s*)?tu\s*ngay\s*(?:ky|thong\s*qua|cong\s*bo|dang\s*cong\s*bao)(?:\s*ban\s*hanh)?"
)
_EXPIRES = re.compile(r"het\s*hieu\s*luc")
# "… hết hiệu lực (thi hành) kể từ ngày 01 tháng 7 năm 2025": a date of its own for that document.
_EXPIRY_DATE = re.compile(r"het\s*hieu\s*luc[^.;\n]{0,40}?\btu\s*(?=ngay\s*\d)")
_REPLACES = re.compile(rf"(?<![a-z])thay\s*the(?:\s*cho)?\s*(?=(?:cac\s*)?{_TYPES_FOLD}|dieu\s*\d|khoan\s*\d)")
_REPEALS = re.compile(
    rf"""(?<![a-z])bai\s*bo\s*
        (?=(?:cac\s*)?{_TYPES_FOLD}                            # "bãi bỏ (các) Thông tư …"
          | (?:dieu|khoan)\s*\d | diem\s*[a-z]\b              # "bãi bỏ Điều 3, khoản 2 …"
          | (?:mot\s*so\s*)?(?:dieu|khoan)\b)""",
    re.X,
)
_PASSIVE = re.compile(r"(?:duoc|da|bi|da\s*duoc)\s*$")
_ARTICLE_LINE = re.compile(r"^[ \t]*dieu\s*\d+[a-z]?\s*(?:[.:]|$)", re.M)
_DOC_START = re.compile(rf"(?:cac\s*)?{_TYPES_FOLD}\s*(?:so\s*)?(?:[^\s]*\d|[a-z])")
_HAS_REF = re.compile(r"\d+(?:\.\d+)?\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ]|(?:Luật|Bộ luật|Pháp lệnh|Hiến pháp)\s+[A-ZĐ\w]")
_ITEM_LINE = re.compile(r"^[ \t]*[a-zđ]\)\s*", re.M)
_CHAIN = re.compile(rf"(?:theo|boi|cua)\s*{_TYPES_FOLD}")
_SPLIT_DOCS = re.compile(rf"(?:\s+va\s+|\s*;\s*)(?={_TYPES_FOLD}\s*(?:so\s*)?\d|{_TYPES_FOLD}\s+\w+\s+so\s*\d)")

# Signature block, matched on the original text (upper case is what marks a title).
_SIGN_TITLE = re.compile(
    r"""(?<![^\s|.])(?:CHỦ\s+TỊCH\s+QUỐC\s+HỘI|CHỦ\s+TỊCH\s+NƯỚC|PHÓ\s+CHỦ\s+TỊCH|CHỦ\s+TỊCH|PHÓ\s+THỦ\s+TƯỚNG|THỦ\s+TƯỚNG
        |BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|PHÓ\s+GIÁM\s+ĐỐC|GIÁM\s+ĐỐC|CHÁNH\s+VĂN\s+PHÒNG|PHÓ\s+CHÁNH\s+VĂN\s+PHÒNG
        |TỔNG\s+CỤC\s+TRƯỞNG|PHÓ\s+CỤC\s+TRƯỞNG|CỤC\s+TRƯỞNG|VỤ\s+TRƯỞNG|CHỦ\s+NHIỆM|THỐNG\s+ĐỐC|PHÓ\s+THỐNG\s+ĐỐC
        |TỔNG\s+THANH\s+TRA|CHÁNH\s+ÁN|VIỆN\s+TRƯỞNG|TỔNG\s+KIỂM\s+TOÁN|TRƯỞNG\s+BAN|PHÓ\s+TRƯỞNG\s+BAN)(?![^\W\d_])""",
    re.X,
)
_RANK = re.compile(r"^(?:Đại|Thượng|Trung|Thiếu)\s+tướng\s+")
_SIGNED = re.compile(r"\(\s*[Đđ]ã\s+ký\s*\)")
_DECOR = re.compile(r"[-_=*.…]{3,}|[|*#]")


# --------------------------------------------------------------------------- helpers


def _date_of(match: re.Match[str]) -> str | None:
    if match.group("d"):
        return iso_date(match.group("d"), match.group("m"), match.group("y"))
    return iso_date(match.group("d2"), match.group("m2"), match.group("y2"))


def _squeeze(text: str) -> str:
    return " ".join(text.split())


class _Pages:
    """1-based page number of an offset, from the assembler's page spans."""

    def __init__(self, spans: list[tuple[int, int]] | None):
        self.starts = [s for s, _ in spans] if spans else []

    def page(self, offset: int) -> int | None:
        if not self.starts:
            return None
        return max(1, bisect.bisect_right(self.starts, offset))


def _title_word(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _is_upper_text(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


# --------------------------------------------------------------------------- issuer casing


def recase_issuer(printed: str) -> str:
    """Official spelling of an issuing body printed in capitals.

    "BỘ TÀI CHÍNH" → "Bộ Tài chính" (known name); "ỦY BAN NHÂN DÂN TỈNH HÀ GIANG" → "Ủy ban
    nhân dân tỉnh Hà Giang" (head + level + place); otherwise sentence case per name.
    """
    words = printed.split()
    if not words:
        return printed
    key = re.sub(r"[\s\-,]+", "", fold(printed))
    known = _issuer_names().get(key)
    if known:
        return known
    data = _data()
    fwords = fold(" ".join(words)).split()
    for head_fold, head in sorted(data["local_heads"].items(), key=lambda kv: -len(kv[0])):
        n = len(head_fold.split())
        if fwords[:n] != head_fold.split():
            continue
        rest, rest_f = words[n:], fwords[n:]
        for i in range(len(rest_f)):
            for lvl_fold, lvl in sorted(data["levels"].items(), key=lambda kv: -len(kv[0])):
                k = len(lvl_fold.split())
                if rest_f[i : i + k] == lvl_fold.split() and i + k < len(rest_f):
                    name = " ".join(([_title_word(rest[0])] + [w.lower() for w in rest[1:i]]) if i else [])
                    place = " ".join(_title_word(w) for w in rest[i + k :])
                    return " ".join(p for p in (head, name, lvl, place) if p)
        if rest:
            return head + " " + " ".join([_title_word(rest[0])] + [w.lower() for w in rest[1:]])
        return head
    if fwords[0] == "bo" and len(words) > 1:
        return "Bộ " + " ".join([_title_word(words[1])] + [w.lower() for w in words[2:]])
    return " ".join([_title_word(words[0])] + [w.lower() for w in words[1:]])


_SPLIT_AGENCY = re.compile(
    r"(?<![a-z])(?:uy\s*ban\s*nhan\s*dan|ubnd|hoi\s*dong\s*nhan\s*dan|hdnd|(?<!co )so|tong\s*cuc|chi\s*cuc|(?<!tong )(?<!chi )cuc|bo(?!\s*phan))\s"
)


def _header_issuer(text: str, motto: re.Match[str]) -> tuple[str, int, int] | None:
    """The issuing body printed left of / above the national motto."""
    line_start, _ = _line_bounds(text, motto.start())
    candidates: list[tuple[int, int]] = []
    left = text[line_start : motto.start()]
    if left.strip(" |-_=\t"):
        candidates.append((line_start, motto.start()))
    else:
        pos = line_start - 1
        for _ in range(5):
            if pos <= 0:
                break
            ls, le = _line_bounds(text, pos)
            line = text[ls:le]
            pos = ls - 1
            core = _DECOR.sub(" ", line).strip()
            if not core or re.match(r"(?:luat\s*)?so\s*(?:hieu)?\s*:", fold(core)):
                continue
            if re.search(r"\d", core) or not _is_upper_text(core) or len(core) > 90:
                if candidates:
                    break
                continue
            candidates.insert(0, (ls, le))
            if len(candidates) == 2:
                break
    if not candidates:
        return None
    start, end = candidates[0][0], candidates[-1][1]
    chunk = text[start:end]
    # Cut "Luật số: …" / "Số: …" printed in the same cell.
    cut = _NUMBER_LABEL.search(fold(chunk))
    if cut:
        chunk = chunk[: cut.start()]
    core = _squeeze(_DECOR.sub(" ", chunk))
    if not core or not _is_upper_text(core):
        return None
    fcore = fold(core)
    splits = [m.start() for m in _SPLIT_AGENCY.finditer(fcore)]
    if len(splits) > 1:
        core = core[splits[-1] :]
    offset = text.find(core.split()[0], start)
    return recase_issuer(core), max(offset, start), end


# --------------------------------------------------------------------------- header fields


def _number(text: str, ftext: str, limit: int) -> tuple[str, int, int, bool] | None:
    """(canonical number, start, end, is_placeholder) from the "Số:" label in the header."""
    for m in _NUMBER_LABEL.finditer(ftext, 0, limit):
        v = _NUMBER_VALUE.match(text, m.end())
        if not v:
            continue
        sym = v.group("sym")
        placeholder = not v.group("num")[0].isdigit()
        if placeholder:
            raw = v.group(0)
            return _squeeze(raw), v.start(), v.end(), True
        raw = f"{v.group('num')}/{v.group('year') + '/' if v.group('year') else ''}{sym}"
        return canonical_number(raw), v.start(), v.end(), False
    q = _QCVN.search(text, 0, limit)
    if q:
        raw = f"{q.group('kind')} {q.group('num')}:{q.group('year')}" + (f"/{q.group('sym')}" if q.group("sym") else "")
        return raw, q.start(), q.end(), "x" in q.group("num").lower()
    return None


def _type_heading(text: str, ftext: str, limit: int) -> tuple[str, int, int, bool] | None:
    """(canonical type, start, end of heading line, draft flag) of the upper-case type heading."""
    pos = 0
    regex = _type_heading_re()
    while pos < limit:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        raw = text[pos:end]
        fline = ftext[pos:end]
        # A header printed as a table row: look at each cell.
        cell_start = pos
        for cell in raw.split("|"):
            fcell = fline[cell_start - pos : cell_start - pos + len(cell)]
            stripped = _DECOR.sub(" ", fcell).strip()
            m = regex.match(stripped)
            if m:
                # The heading ends the cell, so its last occurrence is the heading itself.
                off = cell_start + max(0, fcell.rfind(m.group("type")))
                printed = text[off : off + len(m.group("type"))]
                if _is_upper_text(printed):
                    name = _heading_types()[re.sub(r"\s+", "", m.group("type"))]
                    draft = "du" in stripped[m.end("type") :]
                    return name, off, end, draft
            cell_start += len(cell) + 1
        pos = end + 1
    return None


def _type_from_symbol(number: str, *, law_label: bool) -> str | None:
    """Type implied by the symbol: "NĐ-CP" → Nghị định. "QH15" is shared by laws and
    resolutions of the National Assembly, so it means Luật only under a "Luật số:" label."""
    first = number.split("/")[-1].split("-")[0]
    if first.startswith("QCVN") or first.startswith("TCVN"):
        first = first[:4]
    if re.fullmatch(r"QH\d*", first):
        return "Luật" if law_label else None
    for name, spec in _data()["types"].items():
        if first in spec["symbols"]:
            return name
    return type_from_symbol(first)


_V_V = re.compile(r"(?:^|(?<=[\s|]))v\s*/\s*v\s*[:.]?\s*")


def _official_letter(text: str, ftext: str, limit: int) -> tuple[str, int, int] | None:
    """Công văn: no type heading, the subject is the "V/v …" line under the number."""
    m = _V_V.search(ftext, 0, limit)
    if not m:
        return None
    start = m.end()
    _, end = _line_bounds(text, start)
    bar = text.find("|", start, end)
    end = bar if bar >= 0 else end
    subject = text[start:end]
    # Wrapped subject lines continue in lower case.
    nxt = end + 1
    while bar < 0 and nxt < len(text):
        _, ne = _line_bounds(text, nxt)
        line = text[nxt:ne].split("|")[0].strip()
        if not line or not line[0].islower():
            break
        subject += " " + line
        end, nxt = nxt + len(text[nxt:ne].split("|")[0].rstrip()), ne + 1
    subject = _squeeze(subject).rstrip(" .;")
    return (subject, start, end) if subject else None


def _title(text: str, ftext: str, after: int, limit: int) -> tuple[str, int, int] | None:
    """The trích yếu: the line(s) right after the type heading."""
    lines: list[tuple[int, int]] = []
    pos = after + 1
    upper_mode: bool | None = None
    while pos < min(len(text), limit + 600) and len(lines) < 6:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        raw = text[pos:end]
        core = raw.strip()
        pos = end + 1
        if not core or not _DECOR.sub("", core).strip():
            if lines:
                # A blank line ends a sentence-case title; upper-case titles rarely span blanks.
                break
            continue
        fcore = fold(core)
        if "|" in core or _STOP_TITLE.match(fcore):
            break
        if lines and _AUTHORITY_LINE.match(fcore) and _is_upper_text(core):
            break
        letters = _DECOR.sub("", core).lstrip("-—–_ .,:;~'\"")
        if not letters:
            continue
        is_upper = _is_upper_text(letters)
        if upper_mode is None:
            upper_mode = is_upper
        elif upper_mode and not is_upper:
            break
        elif not upper_mode and not letters[:1].islower():
            break
        lines.append((text.find(letters[:8], end - len(raw)), end))
    if not lines:
        return None
    start, end = lines[0][0], lines[-1][1]
    title = _squeeze(" ".join(text[s:e] for s, e in lines)).rstrip(" .;:")
    return title, start, end


def _issued(text: str, ftext: str, limit: int) -> tuple[str, str | None, int, int, int] | None:
    """(ISO date, place, start, end, place_start) of "Place, ngày …" in the header."""
    for m in _DATE.finditer(ftext, 0, limit):
        before = ftext[max(0, m.start() - 70) : m.start()]
        pm = re.search(r",\s*$", before)
        if not pm:
            continue
        iso = _date_of(m)
        if not iso:
            continue
        # Place = trailing Title-case words before the comma.
        seg_end = m.start() - len(before) + pm.start()
        seg_start = max(0, m.start() - 70)
        words = re.split(r"(\s+)", text[seg_start:seg_end])
        kept: list[str] = []
        for w in reversed([w for w in words if w and not w.isspace()]):
            if w[:1].isupper() and (w[1:].islower() or len(w) == 1) and w.isalpha():
                kept.insert(0, w)
            elif w in ("TP.", "Tp."):
                kept.insert(0, w)
                break
            else:
                break
        if not kept:
            continue
        place = " ".join(kept)
        if place.split()[0] in ("Căn", "Theo", "Xét", "Luật", "Nghị", "Thông", "Quyết"):
            continue
        place_start = text.rfind(kept[0], seg_start, seg_end)
        return iso, place, m.start(), m.end(), place_start
    return None


def _adopted(text: str, ftext: str) -> tuple[str, int, int] | None:
    """"… thông qua ngày 27 tháng 11 năm 2023" (laws, resolutions): the last one."""
    found = None
    for m in _ADOPTED.finditer(ftext):
        d = _DATE.match(ftext, m.end())
        if d and _date_of(d):
            found = (_date_of(d), d.start(), d.end())
    return found


# --------------------------------------------------------------------------- signer


def _valid_name(candidate: str) -> str | None:
    name = _RANK.sub("", candidate.strip())
    words = name.split()
    if not 2 <= len(words) <= 5:
        return None
    if all(w.isalpha() and w[:1].isupper() and (w[1:].islower() or len(w) == 1) for w in words):
        return name
    return None


def _signer(text: str, start_at: int) -> tuple[str, int, int] | None:
    """Name after the last title of the first signature block at/after ``start_at``."""
    pos = start_at
    while True:
        m = _SIGN_TITLE.search(text, pos)
        if not m:
            break
        pos = m.end()
        # Titles chain: "TM. CHÍNH PHỦ KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG".
        while True:
            gap = re.match(r"\s*", text[pos : pos + 40]).end()
            nxt = _SIGN_TITLE.match(text, pos + gap)
            if not nxt:
                break
            pos = nxt.end()
        found = _name_after(text, pos)
        if found:
            return found
    # "Tôn Đức Thắng (Đã ký)": a name marked as signed, with no printed title.
    for m in _SIGNED.finditer(text, start_at):
        ls, _ = _line_bounds(text, m.start())
        seg = text[ls : m.start()].split("|")[-1]
        name = _valid_name(seg)
        if name:
            s = text.find(name, ls)
            return name, s, s + len(name)
    return None


def _name_after(text: str, pos: int) -> tuple[str, int, int] | None:
    """The first name-like line (or cell remainder) within a few lines after a title."""
    end_limit = min(len(text), pos + 1500)
    seen = 0
    while pos < end_limit and seen < 30:
        nl = text.find("\n", pos)
        nl = end_limit if nl < 0 or nl > end_limit else nl
        segment = text[pos:nl]
        for cell in segment.split("|"):
            core = _SIGNED.sub(" ", cell).strip(" \t.,;")
            if not core:
                continue
            name = _valid_name(core)
            if name:
                s = text.find(name, pos)
                return name, s, s + len(name)
            if core.startswith(("-", "+", "•")) or fold(core).startswith(("noi nhan", "luu")):
                continue
            if _is_upper_text(core) and len(core) < 80:
                continue  # more titles or the body name ("TM. ỦY BAN NHÂN DÂN")
            if seen == 0 and not segment.strip().startswith(("-", "+")):
                return None  # running text right after the title: not a signature
        seen += 1
        pos = nl + 1
    return None


# --------------------------------------------------------------------------- effective clause


def _sentence_end(text: str, start: int, limit: int = 1500) -> int:
    """End of the sentence starting at ``start`` (a period at a line end or before a capital)."""
    stop = min(len(text), start + limit)
    i = start
    while i < stop:
        ch = text[i]
        if ch in ".;":
            j = i + 1
            while j < len(text) and text[j] in "/.":
                j += 1
            k = j
            while k < len(text) and text[k] in " \t":
                k += 1
            if k >= len(text) or text[k] == "\n":
                return j
            if ch == "." and (text[k].isupper() or text[k] in "\"'"):
                return j
        elif ch == "\n":
            nxt = text[i + 1 : i + 12]
            if re.match(r"\s*(?:\d{1,2}\.\s|[a-zđ]\)\s|Điều\s+\d)", nxt):
                return i
        i += 1
    return stop


def _is_clause_start(ftext: str, pos: int) -> bool:
    ls = ftext.rfind("\n", 0, pos) + 1
    before = ftext[ls:pos]
    if _CLAUSE_PREFIX.match(before):
        return True
    return bool(re.search(r"[.;]\s+$", before))


def _split_docs(raw: str) -> list[str]:
    """Split "Nghị định số A … và Nghị định số B …" into one string per document.

    Not inside an amendment chain: "Luật số 23/2008/QH12 đã được sửa đổi … theo Luật số
    35/2018/QH14 và Luật số 44/2019/QH14" names one document.
    """
    fraw = fold(raw)
    parts: list[str] = []
    last = 0
    for m in _SPLIT_DOCS.finditer(fraw):
        if _CHAIN.search(fraw, last, m.start()):
            continue
        parts.append(raw[last : m.start()])
        last = m.end()
    parts.append(raw[last:])
    return [p for p in (_squeeze(x).strip(" ,;:.") for x in parts) if p]


def _objects_after(text: str, pos: int, region_end: int) -> list[tuple[str, int, int]]:
    """Documents named after "thay thế" / "bãi bỏ": the rest of the sentence, or a list a) b) …"""
    end = min(_sentence_end(text, pos), region_end)
    body = text[pos:end]
    if body.rstrip().endswith(":"):
        items: list[tuple[str, int, int]] = []
        p = end
        while p < region_end:
            while p < region_end and text[p] in " \t\n":
                p += 1
            m = _ITEM_LINE.match(text, p)
            if not m:
                # Tolerate a short stray line between items (PDF extraction debris: "g g gy").
                _, le = _line_bounds(text, p)
                if items and le - p <= 20 and le < region_end:
                    p = le + 1
                    continue
                break
            e = min(_sentence_end(text, m.end()), region_end)
            items.append((_squeeze(text[m.end() : e]).rstrip(" ;.,/"), m.end(), e))
            p = e
            while p < len(text) and text[p] in " \t\n;./":
                p += 1
        return items
    return [(part, pos, end) for part in _split_docs(body)]


# "Kể từ ngày 01 tháng 7 năm 2025, Nghị định số … hết hiệu lực": the date comes first
_LEADING_DATE = re.compile(r"(?:ke\s*)?tu\s*(?=ngay\s*\d)")


def _subject_before(text: str, ftext: str, pos: int, floor: int) -> tuple[str, int, str | None] | None:
    """The document named before "hết hiệu lực" (from the clause start to ``pos``), its
    start, and the date the clause gives before it ("Kể từ ngày X, …"), if any."""
    seg_start = floor
    for m in re.finditer(r"(?:^|\n)[ \t]*(?:\d{1,2}\s*[.)]|[a-z]\))\s*|[.;]\s+", ftext[floor:pos]):
        seg_start = floor + m.end()
    sub = ftext[seg_start:pos]
    d = _DOC_START.search(sub)
    if not d:
        return None
    start = seg_start + d.start()
    lead = _LEADING_DATE.search(ftext, seg_start, start)
    date_m = _DATE.match(ftext, lead.end()) if lead else None
    return text[start:pos], start, _date_of(date_m) if date_m else None


def _effective(text: str, ftext: str, quoted: list[tuple[int, int]]) -> dict[str, Any] | None:
    def inside_quote(p: int) -> bool:
        i = bisect.bisect_right([q[0] for q in quoted], p) - 1
        return i >= 0 and quoted[i][0] <= p < quoted[i][1]

    # Score each candidate: a date or "kể từ ngày ký" (+2), in the closing article (+1).
    best = None
    for m in _EFFECTIVE.finditer(ftext):
        if inside_quote(m.start()) or not _is_clause_start(ftext, m.start()):
            continue
        line_head = ftext[ftext.rfind("\n", 0, m.start()) + 1 : m.start()]
        if not m.group("this") and not re.match(r"^[\s\"']*dieu\s*\d", line_head):
            continue  # "Quyết định có hiệu lực …" without "này" only as an article's first words
        end = _sentence_end(text, m.start())
        clause_f = ftext[m.start() : end]
        head = m.end() - m.start()
        d = _DATE.search(clause_f, head)
        rel = _RELATIVE.search(clause_f, head)
        if d and d.start() > head + 40:
            d = None  # the date must belong to the clause head ("từ ngày …"), not a later aside
        articles = list(_ARTICLE_LINE.finditer(ftext, max(0, m.start() - 20000), m.start() + 1))
        title = ftext[articles[-1].start() : _line_bounds(ftext, articles[-1].start())[1]] if articles else ""
        score = (2 if (d or rel) else 0) + (1 if _EFFECT_ARTICLE.search(title) else 0)
        if best is None or score > best[0]:
            best = (score, m, end, d, rel)
    if best is None:
        return None
    _, m, end, d, rel = best
    start = m.start()
    raw = _squeeze(text[start:end]).rstrip("/.;, ") + "."
    info: dict[str, Any] = {
        "raw": raw,
        "date": _date_of(d) if d else None,
        "relative": None if d or not rel else _squeeze(text[start + rel.start() : start + rel.end()]),
        "replaces": [],
        "expires": [],
        "repeals": [],
        "provenance": {"start": start, "end": end},
    }
    # The article that holds the clause: look there for what it replaces, repeals, ends.
    heads = [a.start() for a in _ARTICLE_LINE.finditer(ftext, 0, start + 1)]
    region_start = heads[-1] if heads else _line_bounds(text, start)[0]
    nxt = _ARTICLE_LINE.search(ftext, end)
    region_end = min(nxt.start() if nxt else len(text), end + _EFFECTIVE_SCAN)
    sig = _SIGN_TITLE.search(text, end, region_end)
    noi_nhan = re.search(r"noi\s*nhan\s*:", ftext[end:region_end])
    for cut in (sig.start() if sig else None, end + noi_nhan.start() if noi_nhan else None):
        if cut is not None:
            region_end = min(region_end, cut)
    numbers: dict[str, list[str]] = {"replaces": [], "expires": [], "repeals": []}

    expiry_dates: dict[str, str] = {}

    def add(kind: str, raw_doc: str) -> str | None:
        """Record one document; returns its number when one is cited."""
        raw_doc = _squeeze(raw_doc).strip(" ,;:.")
        if not raw_doc or not _HAS_REF.search(raw_doc) or raw_doc in info[kind]:
            return None
        info[kind].append(raw_doc)
        for c in find_citations(raw_doc):
            if c.number and c.number not in numbers[kind]:
                numbers[kind].append(c.number)
                return c.number
        return None

    for m2 in _EXPIRES.finditer(ftext, region_start, region_end):
        if inside_quote(m2.start()):
            continue
        got = _subject_before(text, ftext, m2.start(), region_start)
        if got:
            own = _EXPIRY_DATE.match(ftext, m2.start())
            own_date = _DATE.match(ftext, own.end()) if own else None
            when = _date_of(own_date) if own_date else got[2]
            for part in _split_docs(got[0]):
                number = add("expires", part)
                if number and when:
                    expiry_dates[number] = when
    for kind, regex in (("replaces", _REPLACES), ("repeals", _REPEALS)):
        for m2 in regex.finditer(ftext, region_start, region_end):
            if inside_quote(m2.start()) or _PASSIVE.search(ftext[max(0, m2.start() - 12) : m2.start()]):
                continue
            for raw_doc, _, _ in _objects_after(text, m2.end(), region_end):
                for part in _split_docs(raw_doc):
                    add(kind, part)
    info["numbers"] = numbers
    # Only documents given their own end date; the others end when this one takes effect.
    info["expiry_dates"] = expiry_dates
    return info


# --------------------------------------------------------------------------- entry point


def extract_metadata(text: str, *, page_spans: list[tuple[int, int]] | None = None) -> dict[str, Any]:
    """Metadata of one assembled document. Missing fields are None; see the module docstring."""
    from tthc_pipeline.ingest.structure import quoted_spans  # shared quote detection

    ftext = fold(text)
    pages = _Pages(page_spans)
    limit = min(len(text), HEADER_CHARS)
    nl = text.find("\n", limit)
    limit = len(text) if nl < 0 else nl
    out: dict[str, Any] = {
        "doc_type": None, "is_draft": False, "number": None, "issuer": None, "place": None,
        "issued": None, "title": None, "signer": None, "effective": None,
    }
    prov: dict[str, dict[str, Any]] = {}

    def mark(field: str, start: int, end: int) -> None:
        prov[field] = {"start": start, "end": end, "page": pages.page(start)}

    number = _number(text, ftext, limit)
    if number:
        out["number"] = number[0]
        out["is_draft"] = number[3]
        mark("number", number[1], number[2])
    heading = _type_heading(text, ftext, limit)
    if heading:
        out["doc_type"] = heading[0]
        out["is_draft"] = out["is_draft"] or heading[3]
        mark("doc_type", heading[1], heading[2])
        title = _title(text, ftext, heading[2], limit)
        if title:
            out["title"] = title[0]
            mark("title", title[1], title[2])
    elif number and not number[3]:
        label = ftext[max(0, number[1] - 12) : number[1]]
        out["doc_type"] = _type_from_symbol(number[0], law_label=bool(re.search(r"luat\s*so\s*:?\s*$", label)))
    if out["number"] and "/VBHN-" in out["number"]:
        # A consolidated text prints the consolidated document's own type ("NGHỊ ĐỊNH").
        out["consolidated_type"] = out["doc_type"]
        out["doc_type"] = "Văn bản hợp nhất"
    if out["doc_type"] is None and out["title"] is None:
        letter = _official_letter(text, ftext, limit)
        if letter:
            out["doc_type"], out["title"] = "Công văn", letter[0]
            mark("title", letter[1], letter[2])
    if _DRAFT.search(ftext, 0, limit):
        out["is_draft"] = True

    motto = _MOTTO.search(ftext, 0, limit)
    issuer = _header_issuer(text, motto) if motto else None
    if issuer:
        out["issuer"] = issuer[0]
        mark("issuer", issuer[1], issuer[2])
    elif out["number"] and "/" in out["number"]:
        segs = out["number"].split("/")[-1].split("-")
        codes = [re.sub(r"\d+$", "", s) for s in (segs[1:] if len(segs) > 1 else segs)]
        names = [_data()["issuers"].get(c) for c in codes]
        if names and all(names):
            out["issuer"] = ", ".join(names)
            mark("issuer", prov["number"]["start"], prov["number"]["end"])

    issued = _issued(text, ftext, limit)
    if issued:
        out["issued"], out["place"] = issued[0], issued[1]
        mark("issued", issued[2], issued[3])
        if issued[1]:
            mark("place", issued[4], issued[4] + len(issued[1]))
    if out["issued"] is None:
        adopted = _adopted(text, ftext)
        if adopted:
            out["issued"] = adopted[0]
            mark("issued", adopted[1], adopted[2])
            if out["issuer"] is None and re.search(r"quoc\s*hoi", ftext[max(0, adopted[1] - 300) : adopted[1]]):
                out["issuer"] = "Quốc hội"

    eff = _effective(text, ftext, quoted_spans(text))
    if eff:
        out["effective"] = eff
        mark("effective", eff["provenance"]["start"], eff["provenance"]["end"])
        eff["provenance"]["page"] = pages.page(eff["provenance"]["start"])
    signer = _signer(text, eff["provenance"]["start"] if eff else min(len(text), 200))
    if signer is None and eff:
        signer = _signer(text, min(len(text), 200))
    if signer:
        out["signer"] = signer[0]
        mark("signer", signer[1], signer[2])
    out["provenance"] = prov
    return out


__all__ = ["extract_metadata", "recase_issuer", "HEADER_CHARS"]
