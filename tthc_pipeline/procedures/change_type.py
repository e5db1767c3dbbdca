"""The change type (mới ban hành / sửa đổi, bổ sung / thay thế / bãi bỏ / chuẩn hóa) of an
announced procedure, read from the headings around it.

NĐ 63/2010 Điều 14–15 (TTHC-DOMAIN.md §1.3) makes the decision state, per procedure, whether it
is new, amended/replaced or abolished. Decisions say it at different heights: a group row in the
danh mục table, the heading line just above the table ("1. Danh mục TTHC mới ban hành"), the
PHỤ LỤC / PHẦN title ("THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG TRONG LĨNH VỰC …"), or only in
Điều 1 ("Công bố … danh mục 02 thủ tục hành chính được sửa đổi, bổ sung"). The nearest
statement wins; a heading that names several types ("MỚI BAN HÀNH; SỬA ĐỔI, BỔ SUNG") ends the
search, because everything above it is broader still.
"""

from __future__ import annotations

import re
from typing import Any

from tthc_pipeline.procedures.docrecord import iter_nodes
from tthc_pipeline.procedures.patterns import GROUP_COUNT_RE
from tthc_pipeline.text.normalize import canon

CHANGE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("abolished", re.compile(r"bãi\s+bỏ|hủy\s+bỏ|bị\s+hủy")),
    ("replaced", re.compile(r"thay\s+thế")),
    ("amended", re.compile(r"sửa\s+đổi|bổ\s+sung")),
    ("new", re.compile(r"mới\s+ban\s+hành|ban\s+hành\s+mới")),
    ("standardised", re.compile(r"chuẩn\s+hóa")),
]
# lines above a table that are not headings: article text, the "(Kèm theo Quyết định …)" line
_NOT_HEADING = re.compile(r"^\s*(?:điều\s+\d|\(?\s*kèm\s+theo|ban\s+hành\s+kèm\s+theo)")
AMBIGUOUS = "ambiguous"


def change_kinds(text_low: str) -> list[str]:
    """Every change type named in ``text_low`` (canon text), in CHANGE_WORDS order."""
    return [k for k, rx in CHANGE_WORDS if rx.search(text_low)]


def change_type_of(text_low: str) -> str | None:
    """The single change type a heading names, or None (none or several).

    "sửa đổi, bổ sung hoặc thay thế" is one heading convention for amended procedures.
    """
    found = change_kinds(text_low)
    if "amended" in found and "replaced" in found and len(found) == 2:
        return "amended"
    return found[0] if len(found) == 1 else None


def _heading_change(low: str) -> str | None:
    """A heading's change type, ``AMBIGUOUS`` for several, None for none."""
    if not change_kinds(low):
        return None
    return change_type_of(low) or AMBIGUOUS


def heading_before(text: str, start: int, limit: int) -> tuple[str | None, int | None]:
    """(change type or AMBIGUOUS or None, '(N TTHC)' count) from heading lines above ``start``.

    The count comes from the nearest danh mục / change heading (as before); the change type
    from the nearest line naming one, looking past a plain "PHẦN I. DANH MỤC THỦ TỤC HÀNH
    CHÍNH" up to the PHỤ LỤC title, never into article text.
    """
    count: int | None = None
    counted = False
    lines = [ln for ln in text[limit:start].split("\n") if ln.strip()][-6:]
    for line in reversed(lines):
        low = canon(line)
        if "|" in line or len(line) > 300 or _NOT_HEADING.match(low):
            continue
        ct = _heading_change(low)
        if not counted and (ct or "danh mục" in low):
            cm = GROUP_COUNT_RE.search(low)
            count, counted = (int(cm.group(1)) if cm else None), True
        if ct:
            return ct, count
    return None, count


def enclosing_change(rec: dict[str, Any], pos: int) -> str | None:
    """Change type (or AMBIGUOUS) named by the titles of the PHẦN / PHỤ LỤC nodes around ``pos``,
    innermost first."""
    text = rec.get("text") or ""
    nodes = [n for n in iter_nodes(rec.get("structure"))
             if n.get("kind") in ("phan", "phu_luc", "muc") and n.get("start", 0) <= pos < n.get("end", 0)]
    nodes.sort(key=lambda n: n["end"] - n["start"])
    for n in nodes:
        title = n.get("title") or text[n["start"] : min(n["end"], n["start"] + 300)].split("\n", 1)[0]
        ct = _heading_change(canon(title))
        if ct:
            return ct
    return None


def decision_default(rec: dict[str, Any]) -> str | None:
    """The one change type Điều 1 announces, else None.

    Only the sentences of Điều 1 that announce ("công bố" / "danh mục") count, and they must
    name exactly one type: "danh mục 02 thủ tục hành chính được sửa đổi, bổ sung" → amended;
    "mới ban hành; được sửa đổi, bổ sung" → None.
    """
    text = rec.get("text") or ""
    dieu1 = next((n for n in iter_nodes(rec.get("structure"), "dieu") if str(n.get("number")) == "1"), None)
    if dieu1 is None:
        return None
    body = text[dieu1["start"] : dieu1["end"]]
    sentences = [s for s in re.split(r"(?<=\.)\s+|\n+", body) if s.strip()]
    kinds: set[str] = set()
    for s in sentences:
        low = canon(s)
        if "công bố" in low or "danh mục" in low:
            kinds.update(change_kinds(low))
    return next(iter(kinds)) if len(kinds) == 1 else None


def resolve(*candidates: str | None) -> str:
    """First stated candidate; an AMBIGUOUS one stops the chain (→ 'unknown')."""
    for c in candidates:
        if c == AMBIGUOUS:
            return "unknown"
        if c:
            return c
    return "unknown"
