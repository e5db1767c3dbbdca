"""Pair Phần II blocks with the danh mục rows of an announcement decision.

A decision names each procedure twice: as a Phần I danh mục row (code, lĩnh vực, cấp, change
type) and as a Phần II block (the component texts). Both are typed by hand, so the names
differ in small ways: "1. Thủ tục đăng ký khai sinh" against "Đăng ký khai sinh", punctuation,
a dropped word, tone-mark conventions. Pairing, in this order:

1. the same mã TTHC;
2. the same name in matching form (``name_key``);
3. a close name: rapidfuzz ``ratio`` >= ``FUZZY_MIN`` and ahead of every other candidate of
   both the block and the row by ``FUZZY_MARGIN`` (names such as "Cấp Giấy X" / "Cấp lại Giấy X"
   score above 90 against each other, so an unclear best is left unpaired rather than guessed).

A pair is never made across two different codes or two different lĩnh vực, nor across
disjoint cấp when both sides state them: one name can be announced under several fields/levels.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from tthc_pipeline.text.normalize import canon

FUZZY_MIN = 90.0
FUZZY_MARGIN = 3.0
FIELD_MIN = 85.0

_LEADING_THU_TUC = re.compile(r"^\s*thủ\s+tục(?:\s+hành\s+chính)?\s*[:.\-–]?\s+(?!hành\s+chính\s*$)(?=\S)")
_COUNT = re.compile(r"\(\s*\d+\s*(?:tthc|thủ\s+tục[^)]*)\s*\)")
_PUNCT = re.compile(r"[^\w\s]+")
_WS = re.compile(r"\s+")


def strip_thu_tuc(name: str) -> str:
    """'Thủ tục đăng ký khai sinh' → 'Đăng ký khai sinh' (the danh mục never writes the prefix).

    A name that is only 'Thủ tục hành chính' is left as it is.
    """
    m = _LEADING_THU_TUC.match(canon(name))
    if not m or not name[m.end() :].strip():
        return name
    rest = name[m.end() :]
    return rest[:1].upper() + rest[1:]


def name_key(name: str) -> str:
    """Matching form of a procedure name: canon, no 'Thủ tục' prefix, no punctuation."""
    low = canon(strip_thu_tuc(name or ""))
    return _WS.sub(" ", _PUNCT.sub(" ", low)).strip()


def _field_key(field: str | None) -> str:
    low = _COUNT.sub(" ", canon(field or ""))
    low = re.sub(r"^\s*lĩnh\s+vực\s*:?", " ", low)
    return _WS.sub(" ", _PUNCT.sub(" ", low)).strip()


def compatible(row: dict[str, Any], block: dict[str, Any]) -> bool:
    """May this row and this block describe the same procedure (codes, lĩnh vực, cấp)?"""
    if row.get("code") and block.get("code") and row["code"] != block["code"]:
        return False
    rf, bf = _field_key(row.get("field")), _field_key(block.get("field"))
    if rf and bf and rf != bf and fuzz.ratio(rf, bf) < FIELD_MIN and rf not in bf and bf not in rf:
        return False
    rl = {canon(x) for x in row.get("levels") or []}
    bl = {canon(x) for x in block.get("levels") or []}
    return not (rl and bl and not rl & bl)


def pair_blocks(rows: list[dict[str, Any]], blocks: list[dict[str, Any]]) -> dict[int, tuple[int, str, float]]:
    """{row index: (block index, how, score)}; ``how`` is 'code', 'name' or 'fuzzy'."""
    pairs: dict[int, tuple[int, str, float]] = {}
    used: set[int] = set()

    def take(ri: int, bi: int, how: str, score: float = 100.0) -> None:
        pairs[ri] = (bi, how, score)
        used.add(bi)

    # 1. code: a compatible row first, else any row with that code (field names may be worded apart)
    for bi, b in enumerate(blocks):
        if not b.get("code"):
            continue
        same = [ri for ri, r in enumerate(rows) if ri not in pairs and r.get("code") == b["code"]]
        best = next((ri for ri in same if compatible(rows[ri], b)), same[0] if same else None)
        if best is not None:
            take(best, bi, "code")
    # 2. same name in matching form, first compatible row in document order
    row_keys = [name_key(r["name"]) for r in rows]
    block_keys = [name_key(b["name"]) for b in blocks]
    for bi, b in enumerate(blocks):
        if bi in used:
            continue
        ri = next((ri for ri, r in enumerate(rows) if ri not in pairs and row_keys[ri] == block_keys[bi] and compatible(r, b)), None)
        if ri is not None:
            take(ri, bi, "name")
    # 3. close names, unambiguous on both sides
    free_rows = [ri for ri in range(len(rows)) if ri not in pairs]
    free_blocks = [bi for bi in range(len(blocks)) if bi not in used]
    # only scores that can win or block a win are kept (a rival counts within FUZZY_MARGIN)
    floor = FUZZY_MIN - FUZZY_MARGIN
    scores: dict[tuple[int, int], float] = {}
    by_row: dict[int, list[float]] = {}
    by_block: dict[int, list[float]] = {}
    for bi in free_blocks:
        for ri in free_rows:
            if not (block_keys[bi] and row_keys[ri]) or not compatible(rows[ri], blocks[bi]):
                continue
            s = fuzz.ratio(row_keys[ri], block_keys[bi], score_cutoff=floor)
            if s:
                scores[(ri, bi)] = s
                by_row.setdefault(ri, []).append(s)
                by_block.setdefault(bi, []).append(s)
    for (ri, bi), s in sorted(scores.items(), key=lambda kv: -kv[1]):
        if s < FUZZY_MIN or ri in pairs or bi in used:
            continue
        rivals = sorted(by_row[ri], reverse=True)[1:2] + sorted(by_block[bi], reverse=True)[1:2]
        if any(v > s - FUZZY_MARGIN for v in rivals):
            continue
        take(ri, bi, "fuzzy", round(s, 1))
    return pairs
