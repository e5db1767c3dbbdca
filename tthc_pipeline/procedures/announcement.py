"""Procedures from a Quyết định công bố (announcement decision), TTHC-DOMAIN.md §1.3, §6.

Two parts are read:

* **Danh mục tables** (Phần I / Phụ lục): the header row is found by "Tên thủ tục"/"Tên
  TTHC"; columns are mapped by their header words (mã, thời hạn, phí, căn cứ, cơ quan,
  địa điểm, cách thức/mức độ/BCCI, ghi chú) so the three observed layouts and their variants
  work. Group rows ("A. Danh mục TTHC cấp tỉnh", "I. LĨNH VỰC CHỨNG THỰC (17 TTHC)",
  "I.2 cấp huyện (05 TTHC)") set lĩnh vực / cấp for the rows below; their counts are checked
  against the rows found (warning on mismatch). The change type comes from a group row, else
  the nearest heading above the table, else the PHẦN / PHỤ LỤC title around it, else the single
  type Điều 1 announces (``change_type.py``).
* **Phần II "Nội dung cụ thể của từng TTHC"** blocks: "1. Thủ tục: X (mã)" / "1. Thủ tục X"
  followed by numbered component headings; paired with the danh mục rows by code, name or close
  name (``announcement_match.py``) and merged with them.
"""

from __future__ import annotations

import re
from typing import Any

from tthc_pipeline.legal.citations import canonical_number
from tthc_pipeline.procedures import change_type as CT
from tthc_pipeline.procedures import sections
from tthc_pipeline.procedures.announcement_match import pair_blocks, strip_thu_tuc
from tthc_pipeline.procedures.builder import build_procedure, clean_code, normalise_level
from tthc_pipeline.procedures.citations_adapter import find_citations
from tthc_pipeline.procedures.model import Procedure, Provenance, SourceRef, TextSpan, document_identity
from tthc_pipeline.procedures.patterns import CODE_RE, GROUP_COUNT_RE
from tthc_pipeline.text.normalize import canon

_WS = re.compile(r"\s+")

COLUMN_KEYS: list[tuple[str, re.Pattern[str]]] = [
    ("code", re.compile(r"^mã|mã\s+số|mã\s+tthc|mã\s+thủ\s+tục|số\s+hồ\s+sơ")),
    ("name", re.compile(r"tên\s+(?:thủ\s+tục|tthc)")),
    ("time_limit", re.compile(r"thời\s+(?:hạn|gian)")),
    ("fees", re.compile(r"phí")),
    ("legal_basis", re.compile(r"căn\s+cứ|vbqppl|văn\s+bản\s+quy\s+phạm|văn\s+bản\s+quy\s+định")),
    ("agency", re.compile(r"cơ\s+quan")),
    ("place", re.compile(r"địa\s+điểm")),
    ("channels", re.compile(r"cách\s+thức|mức\s+độ|bcci|bưu\s+chính|trực\s+tuyến")),
    ("field", re.compile(r"lĩnh\s+vực")),
    ("note", re.compile(r"ghi\s+chú")),
    ("stt", re.compile(r"^(?:stt|tt|số\s+tt|số\s+thứ\s+tự)$")),
]

_LEVEL_RE = re.compile(r"cấp\s+(tỉnh|huyện|xã|bộ)|(áp\s+dụng\s+chung)")
_FIELD_RE = re.compile(r"lĩnh\s+vực\s*:?\s*(.+)")
# ASCII "QD" and spaced dashes ("1766/QD - UBND") too: canonical_number folds them.
_DECISION_NO = re.compile(r"số\s*:?\s*(\d+\s*/\s*(?:\d{4}\s*/\s*)?q[đd]\s*-\s*[a-zđ0-9]+(?:\s*-\s*[a-zđ0-9]+)*)")


def decision_number(rec: dict[str, Any]) -> str | None:
    """The announcing decision's number, canonical (``legal.citations.canonical_number``)."""
    md = rec.get("metadata") or {}
    if md.get("number"):
        return canonical_number(str(md["number"]))
    m = _DECISION_NO.search(canon(rec.get("text", "")[:3000]))
    if not m:
        return None
    return canonical_number(rec["text"][m.start(1) : m.end(1)])


def _header_map(cells: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, cell in enumerate(cells):
        low = canon(_WS.sub(" ", cell)).strip()
        if not low:
            continue
        for key, rx in COLUMN_KEYS:
            if rx.search(low) and key not in cols:
                if key == "fees" and "thời hạn" in low:
                    continue
                cols[key] = i
                break
    return cols


def _is_header(cells: list[str]) -> bool:
    return any(re.search(r"tên\s+(?:thủ\s+tục|tthc)", canon(c)) for c in cells)


def _is_int(cell: str) -> bool:
    return bool(re.fullmatch(r"\s*\d+\s*\.?\s*", cell or ""))


def _group_info(cells: list[str]) -> dict[str, Any] | None:
    """A group row: no ordinal number, one distinct text (merged cells or label + text)."""
    distinct = [c for c in dict.fromkeys(c.strip() for c in cells) if c]
    if not distinct or _is_int(distinct[0]) and len(distinct) > 1:
        return None
    joined = " ".join(distinct)
    low = canon(joined)
    if len(distinct) > 2 and not re.match(r"^[a-z]\.?$|^[ivx]+(?:\.\d+)?\.?$", canon(distinct[0])):
        return None
    info: dict[str, Any] = {"text": joined}
    fm = _FIELD_RE.search(low)
    if fm:
        val = joined[fm.start(1) : fm.end(1)]
        val = GROUP_COUNT_RE.sub("", canon(val)) and re.sub(r"\(\s*\d+\s*(?:TTHC|tthc|thủ tục[^)]*)\s*\)", "", val)
        val = _WS.sub(" ", val).strip(" .:")
        if val.isupper():
            val = val.lower()  # "CHỨNG THỰC" → "Chứng thực"
        info["field"] = val[:1].upper() + val[1:]
    levels = []
    for lm in _LEVEL_RE.finditer(low):
        levels.append("Áp dụng chung" if lm.group(2) else f"Cấp {lm.group(1)}")
    if levels and not fm:
        info["levels"] = list(dict.fromkeys(levels))
    ct = CT.change_type_of(low)
    if ct and "danh mục" in low:
        info["change_type"] = ct
    cm = GROUP_COUNT_RE.search(low)
    if cm:
        info["count"] = int(cm.group(1))
    if len(info) == 1 and not re.match(r"^[a-z]\.?$|^[ivx]+(?:\.\d+)?\.?$", canon(distinct[0]).split(" ")[0]):
        return None
    return info


def _two_row_header(top: list[str], sub: list[str], body: list[list[str]]) -> list[str]:
    """One header from a header over two rows, each column's top and sub-header words joined.

    The sub-headers belong under the top cell merged over their columns ("Cách thức thực hiện"
    over "Mức độ DVC", "Thực hiện qua BCCI"). A DOCX, PDF or HTML table keeps one cell per
    column; a markdown copy of such a table has lost its merged cells: the sub-headers sit at
    the left of their row, under "TT" and "Mã số", and the top row has one cell too few for
    the data (Bình Thuận QĐ 1766/2020 as published in markdown). That layout is recognised
    when the sub-headers are a prefix of their row, the top row's cells above them are not
    what they could belong to (an ordinal or a code column), exactly one top cell is of the
    sub-headers' own kind (a channels header above channel sub-headers), and the data rows
    are as wide as the top row with that cell widened to them; the top cell is then widened.
    """
    pad = [""] * max(0, len(top) - len(sub))
    aligned = [f"{a} {b}".strip() if a != b else a for a, b in zip(top, sub + pad)]
    subs = [c for c in sub if c.strip()]
    k = len(subs)
    if k < 2 or any(c.strip() for c in sub[k:]):
        return aligned
    top_cols, sub_cols = _header_map(top[:k]), _header_map(subs)
    kinds = set(sub_cols)
    if len(kinds) != 1 or not {"stt", "code", "name"} & set(top_cols):
        return aligned
    (kind,) = kinds
    parents = [i for i, c in enumerate(top) if _header_map([c]).get(kind) == 0]
    used = len([c for c in top if c.strip()])
    widths = [len(r) - next((i for i, c in enumerate(reversed(r)) if c.strip()), len(r)) for r in body if any(r)]
    if len(parents) != 1 or not widths or max(widths) != used + k - 1:
        return aligned
    p = parents[0]
    return top[:p] + [f"{top[p]} {c}".strip() for c in subs] + top[p + 1 :]


def _continues(rows: list[list[str]], header: list[str], width: int) -> bool:
    """Is a table without a header row the continuation of the last danh mục table (``header``,
    ``width`` columns; a table cut by a page or, in a markdown copy, by a heading between its
    parts)? The same number of columns, and a row that reads as a procedure row (an ordinal
    and a name) among its first."""
    if not rows or any(len(r) != width for r in rows):
        return False
    cols = _header_map(header)
    name, stt = cols.get("name"), cols.get("stt", 0)
    return name is not None and any(
        _is_int(r[stt]) and name < len(r) and len(r[name].strip()) > 10 for r in rows[:4]
    )


def _row_span(rec: dict[str, Any], table: dict[str, Any], r: int, cells: list[str], hint: int) -> tuple[int, int]:
    spans = table.get("row_spans")
    if spans and r < len(spans):
        return spans[r][0], spans[r][1]
    text = rec.get("text", "")
    name = max(cells, key=len) if cells else ""
    pos = text.find(name[:60], hint, table.get("end", len(text)) + 1) if name else -1
    if pos < 0:
        return table.get("start", 0), table.get("end", 0)
    return pos, pos + len(name)


def parse_danh_muc(rec: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of all danh mục tables: dicts with name, code, context and cell spans.

    A table without a header row that continues the last danh mục table (``_continues``)
    is read with that table's header, context and group counts."""
    text = rec.get("text", "")
    rows_out: list[dict[str, Any]] = []
    warnings: list[str] = []
    prev_end = 0
    # the last danh mục table (header, width, context, groups and counts) while it may go on
    open_: dict[str, Any] | None = None
    for table in rec.get("tables") or []:
        rows = table.get("rows") or []
        hdr_idx = next((i for i, r in enumerate(rows[:4]) if _is_header(r)), None)
        if hdr_idx is None and open_ is not None and _continues(rows, open_["header"], open_["width"]):
            header, first = open_["header"], 0
        elif hdr_idx is None:
            warnings.extend(_count_warnings(open_))
            open_ = None
            prev_end = table.get("end", prev_end)
            continue
        else:
            warnings.extend(_count_warnings(open_))
            header = list(rows[hdr_idx])
            first = hdr_idx + 1
            # two-row header: "Cách thức thực hiện" over "Mức độ DVC | BCCI"
            if first < len(rows) and not any(_is_int(c) for c in rows[first][:2]) and _header_map(rows[first]) and not _group_info(rows[first]):
                header = _two_row_header(header, rows[first], rows[first + 1 :])
                first += 1
            tstart = table.get("start", 0)
            change, head_count = CT.heading_before(text, tstart, prev_end)
            change = CT.resolve(change, CT.enclosing_change(rec, tstart), CT.decision_default(rec))
            open_ = {"header": header, "width": len(rows[hdr_idx]), "ctx": {"change_type": change, "field": None, "levels": []},
                     "groups": [], "closed": [], "head_count": head_count, "rows": 0, "table": table.get("id")}
        cols = _header_map(header)
        ctx: dict[str, Any] = open_["ctx"]
        hint = table.get("start", 0)
        for r in range(first, len(rows)):
            cells = [_WS.sub(" ", c).strip() for c in rows[r]]
            if not any(cells):
                continue
            name_cell = cells[cols["name"]] if "name" in cols and cols["name"] < len(cells) else ""
            stt = cells[cols.get("stt", 0)] if cells else ""
            g = None if (_is_int(stt) and name_cell) else _group_info(cells)
            if g is not None:
                if "change_type" in g:
                    ctx.update(change_type=g["change_type"], field=None, levels=[])
                if "field" in g:
                    ctx["field"] = g["field"]
                    _close_groups(open_, ("field", "level"))
                if "levels" in g:
                    ctx["levels"] = g["levels"]
                    _close_groups(open_, ("level",))
                if "count" in g:
                    kind = "field" if "field" in g else "level" if "levels" in g else "section"
                    open_["groups"].append({"kind": kind, "text": g["text"], "count": g["count"], "found": 0,
                                            "table": table.get("id")})
                continue
            if not name_cell or _is_header(cells):
                continue
            for x in open_["groups"]:
                x["found"] += 1
            open_["rows"] += 1
            s, e = _row_span(rec, table, r, cells, hint)
            hint = e
            row = {"name": name_cell, "cells": cells, "cols": cols, "header": header, "span": (s, e), "table": table.get("id"), "row": r,
                   "page": table.get("page"), "table_end": table.get("end"), **{k: (list(v) if isinstance(v, list) else v) for k, v in ctx.items()}}
            code_cell = cells[cols["code"]] if "code" in cols and cols["code"] < len(cells) else ""
            row["code"] = clean_code(code_cell) or clean_code(name_cell if "code" not in cols else "")
            row["no_code"] = bool(re.search(r"không\s+có\s+mã", canon(code_cell)))
            if "field" in cols and cols["field"] < len(cells) and cells[cols["field"]]:
                row["field"] = cells[cols["field"]]
            rows_out.append(row)
        prev_end = table.get("end", prev_end)
    warnings.extend(_count_warnings(open_))
    return rows_out, warnings


def _close_groups(table: dict[str, Any], kinds: tuple[str, ...]) -> None:
    """A new group of one of ``kinds`` starts: the open groups of those kinds end, kept in
    ``closed`` for their count to be checked."""
    table["closed"].extend(x for x in table["groups"] if x["kind"] in kinds)
    table["groups"] = [x for x in table["groups"] if x["kind"] not in kinds]


def _count_warnings(table: dict[str, Any] | None) -> list[str]:
    """Where a danh mục table (with its continuations) lists fewer or more rows than its
    groups ("LĨNH VỰC CHỨNG THỰC (17 TTHC)") or its heading ("… (51 TTHC)") say."""
    if table is None:
        return []
    out = [
        f"Số TTHC không khớp / count mismatch: '{x['text']}' ghi {x['count']} TTHC, tìm thấy {x['found']} dòng "
        f"(states {x['count']}, found {x['found']} rows) [{x['table']}]"
        for x in table["closed"] + table["groups"] if x["found"] != x["count"]
    ]
    head_count, n = table["head_count"], table["rows"]
    if head_count is not None and head_count != n:
        out.append(
            f"Số TTHC không khớp / count mismatch: tiêu đề ghi {head_count} TTHC, bảng có {n} dòng "
            f"(heading states {head_count}, table has {n} rows) [{table['table']}]"
        )
    return out


# --- Phần II ----------------------------------------------------------------------------------

_PART2_RE = re.compile(r"nội\s+dung\s+cụ\s+thể\s+của\s+(?:từng\s+)?(?:các\s+)?thủ\s+tục|nội\s+dung\s+cụ\s+thể\s+của\s+từng\s+tthc|nội\s+dung\s+thủ\s+tục\s+hành\s+chính")
_PROC_HEAD = re.compile(r"^[ \t*#]*(?:\d+\.\s*|[ivx]+\.\s*)?(?:(?:tên\s+)?thủ\s+tục(?:\s+hành\s+chính)?\s*[:.-]\s*|(?=\S))(?P<name>.+)$", re.I)
_GROUP_HEAD = re.compile(r"^[ \t*#]*(?:[a-z]|[ivx]+)\.\s+(?P<t>.+)$")


def parse_part2(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """Procedure blocks of Phần II: name, code, component spans, context."""
    text = rec.get("text", "")
    low = canon(text)
    m = _PART2_RE.search(low)
    if not m:
        return []
    start = low.find("\n", m.end())
    if start < 0:
        return []
    lines = [(lm.start(), lm.end()) for lm in re.finditer(r"[^\n]*", text[start:])]
    lines = [(start + a, start + b) for a, b in lines if b > a and text[start + a : start + b].strip()]
    blocks: list[dict[str, Any]] = []
    ctx: dict[str, Any] = {"field": None, "levels": [], "change_type": None}
    for k, (a, b) in enumerate(lines):
        llow = low[a:b].strip()
        if sections.is_component_heading(llow):
            continue
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        next_is_comp = nxt is not None and sections.is_component_heading(low[nxt[0] : nxt[1]].strip())
        gm = _GROUP_HEAD.match(llow)
        if gm and not next_is_comp and ("lĩnh vực" in llow or "cấp" in llow or llow.isupper() or text[a:b].strip().isupper()):
            head = llow.split("lĩnh vực", 1)[0]  # change words inside a field name do not count
            ct = CT.change_type_of(head) if re.search(r"thủ\s+tục|tthc|danh\s+mục", head) else None
            if ct:  # "A. THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH (…)": a new change group
                ctx.update(change_type=ct, field=None, levels=[])
            fm = _FIELD_RE.search(llow)
            if fm:
                val = text[a + fm.start(1) : a + fm.end(1)]
                ctx["field"] = _WS.sub(" ", re.sub(r"\(\s*\d+[^)]*\)", "", val)).strip(" .:").capitalize()
            lv = [f"Cấp {x.group(1)}" for x in _LEVEL_RE.finditer(llow) if x.group(1)]
            if lv and not fm:
                ctx["levels"] = lv
            continue
        if not next_is_comp or not re.match(r"^[ \t*#]*(?:\d+\.\s|thủ\s+tục|tên\s+thủ\s+tục)", llow):
            continue
        pm = _PROC_HEAD.match(text[a:b])
        if not pm:
            continue
        raw_name = pm.group("name").strip()
        code = clean_code(raw_name)
        name = CODE_RE.sub("", raw_name)
        name = re.sub(r"\((?:\s*(?:số\s+hồ\s+sơ(?:\s+tthc)?|mã(?:\s+số)?(?:\s+tthc)?)\s*:?\s*)?\)|[-–:]\s*$", "", name, flags=re.I)
        name = re.sub(r"\(\s*(?:Số hồ sơ TTHC|Mã số TTHC|Mã TTHC|Mã số|mã)\s*:?\s*\)", "", name, flags=re.I)
        name = strip_thu_tuc(_WS.sub(" ", name).strip(" .:-–"))
        blocks.append({"name": name, "code": code, "head": (a, b), "field": ctx["field"], "levels": list(ctx["levels"]),
                       "change_type": ctx["change_type"]})
    for k, blk in enumerate(blocks):
        end = blocks[k + 1]["head"][0] if k + 1 < len(blocks) else len(text)
        blk["end"] = end
        blk["components"] = sections.split_components(text, blk["head"][1], end, low)
    return blocks


def _cell(row: dict[str, Any], key: str) -> tuple[str, int] | None:
    i = row["cols"].get(key)
    if i is None or i >= len(row["cells"]) or not row["cells"][i]:
        return None
    return row["cells"][i], i


def _has_part2_heading(text: str, low: str) -> bool:
    """A line that is the Phần II heading ("PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC …"), as
    opposed to Điều 1 mentioning "(có danh mục và nội dung thủ tục hành chính kèm theo)"."""
    for m in _PART2_RE.finditer(low):
        line_start = low.rfind("\n", 0, m.start()) + 1
        lead = low[line_start : m.start()]
        if re.fullmatch(r"[ \t*#]*(?:phần\s+(?:ii|2|thứ\s+hai)\b\s*[.:\-–]?\s*|[ivx]+\.\s*|[a-z]\.\s*)?", lead):
            return True
    return False


def _row_cells(row: dict[str, Any], text: str, prov) -> tuple[dict[str, TextSpan], dict[str, str]]:
    """Component spans from a danh mục row's cells (name, time limit, fees, legal basis, ...),
    and the column header each was read under ("channels": "Cách thức thực hiện Mức độ DVC"):
    a cell's words mean what its header says, and a rule may need it (CT002 reads a bare "3"
    under "Mức độ DVC" as the abolished DVC level 3)."""
    s, e = row["span"]
    node = f"{row['table']}/row-{row['row']}"
    header, stt = row.get("header") or [], row["cols"].get("stt", 0)
    comps: dict[str, TextSpan] = {"name": TextSpan(row["name"], prov(s, e, node))}
    headers: dict[str, str] = {}
    for key in ("time_limit", "fees", "legal_basis", "agency", "channels", "place"):
        c = _cell(row, key)
        if c is None:
            continue
        cell_text, i = c
        # the row's own line(s): from the start of the line holding the name to the table end
        off = text.find(cell_text, text.rfind("\n", 0, s) + 1, max(e, row.get("table_end") or e) + 1)
        p = prov(off, off + len(cell_text), node) if off >= 0 else prov(s, e, node)
        comp = {"agency": "agencies"}.get(key, key)
        comps[comp] = TextSpan(cell_text, p)
        # (a header over the ordinals, "TT Mức độ DVC" where merged cells were lost, says
        # nothing of them)
        if i < len(header) and header[i].strip() and i != stt:
            headers[comp] = _WS.sub(" ", header[i]).strip()
    place = comps.pop("place", None)
    if place is not None:
        # "Địa điểm thực hiện" names where to file and who decides ("Bộ phận tiếp nhận và trả
        # kết quả của UBND cấp huyện …; Cơ quan giải quyết: Phòng Tư pháp"): the agencies, where
        # the table has no agency column; the way to file, where it has no channels column
        place_header = headers.pop("place", None)
        for comp in ("agencies", "channels"):
            if comp not in comps:
                comps[comp] = place
                if place_header is not None:
                    headers[comp] = place_header
    return comps, headers


def _span_dict(span: TextSpan) -> dict[str, Any]:
    return {"text": span.text, "node_id": span.prov.node_id, "start": span.prov.start, "end": span.prov.end}


def extract_announcement(rec: dict[str, Any]) -> tuple[list[Procedure], list[str]]:
    """All procedures announced by the decision in ``rec`` (an ingest record).

    A danh mục row and its Phần II block become one procedure (``announcement_match``): code,
    cấp, lĩnh vực and change type from the row, components from the block; a row cell is kept
    only for a component the block lacks, and the cells the block supersedes stay in
    ``extra['row_values']`` with their provenance. Rows that were never meant to carry the
    components get ``extra['listing_only'] = True``: abolished procedures (NĐ 63/2010 Điều 15
    asks only name, code and abolishing act) and every row of a document with no Phần II (a
    list, or a decision that refers to the ministry's decision for the content).
    """
    text = rec.get("text", "")
    low = canon(text)
    document, sha = rec.get("source"), rec.get("sha256")
    decision = decision_number(rec)
    md = rec.get("metadata") or {}
    identity = document_identity(decision, md.get("issuer"), md.get("issued"))
    rows, warnings = parse_danh_muc(rec)
    blocks = parse_part2(rec)
    pairs = pair_blocks(rows, blocks)
    used_blocks = {bi for bi, _, _ in pairs.values()}
    part2_heading = _has_part2_heading(text, low)
    if part2_heading and not blocks and rows:
        warnings.append(
            "Có Phần II nhưng không nhận ra khối thủ tục nào / Phần II heading found but no procedure blocks recognised: "
            "các thủ tục chỉ lấy từ danh mục (procedures come from the danh mục rows only)"
        )
    default_change = CT.decision_default(rec)
    procs: list[Procedure] = []

    def prov(s, e, node):
        return Provenance(document=document, sha256=sha, node_id=node, start=s, end=e)

    def block_components(b) -> dict[str, TextSpan]:
        out = {}
        for key, (s, e) in b["components"].items():
            body = text[s:e]
            lead = len(body) - len(body.lstrip())
            body = body.strip()
            if body:
                out[key] = TextSpan(body, prov(s + lead, s + lead + len(body), f"part2/{key}"))
        return out

    def block_change(b) -> str:
        return CT.resolve(b.get("change_type"), CT.enclosing_change(rec, b["head"][0]), default_change)

    for ri, row in enumerate(rows):
        node = f"{row['table']}/row-{row['row']}"
        comps, row_heads = _row_cells(row, text, prov)
        row_legal = comps.get("legal_basis")
        extra: dict[str, Any] = {"table_row": node}
        blk = None
        if ri in pairs:
            bi, how, score = pairs[ri]
            blk = blocks[bi]
            superseded = {}
            for k, v in block_components(blk).items():
                if k in comps and k != "name":
                    superseded[k] = _span_dict(comps[k])
                if k != "name":
                    comps[k] = v
            a, _ = blk["head"]
            extra["part2_block"] = {"node_id": f"part2/block-{bi + 1}", "start": a, "end": blk["end"], "name": blk["name"], "match": how}
            if how == "fuzzy":
                extra["part2_block"]["score"] = score
            if superseded:
                extra["row_values"] = superseded
        elif row["change_type"] == "abolished":
            extra.update(listing_only=True, listing_reason="abolished")
        elif not blocks:
            extra.update(listing_only=True, listing_reason="no_part2")
        else:
            extra["part2_missing"] = True
            warnings.append(
                f"Thủ tục trong danh mục không có nội dung ở Phần II / danh mục row has no Phần II block: "
                f"'{row['name']}' [{node}]"
            )
        # the headers of the cells a Phần II block did not supersede
        headers = {k: h for k, h in row_heads.items() if comps[k].prov.node_id == node}
        if headers:
            extra["row_headers"] = headers
        if row.get("no_code"):
            extra["code_note"] = "Không có mã số"
        note = _cell(row, "note")
        if note:
            extra["note"] = note[0]
        change = row["change_type"] if row["change_type"] != "unknown" or blk is None else block_change(blk)
        amending = row_legal or comps.get("legal_basis")
        if change == "amended" and amending is not None:
            extra["amending_documents"] = [c.number for c in find_citations(amending.text) if c.number]
        procs.append(build_procedure(
            name=row["name"], code=row.get("code") or (blk["code"] if blk else None), components=comps,
            source=SourceRef(kind="announcement", document=document, sha256=sha, record_key=row.get("code") or node),
            levels=row.get("levels") or (blk["levels"] if blk else []), field=row.get("field") or (blk["field"] if blk else None),
            change_type=change, announcing_decision=decision, extra=extra, document=identity,
        ))
    for i, b in enumerate(blocks):
        if i in used_blocks:
            continue
        comps = block_components(b)
        a, e = b["head"]
        comps["name"] = TextSpan(b["name"], prov(a, e, "part2"))
        if rows:
            warnings.append(
                f"Thủ tục ở Phần II không có trong danh mục / Phần II block has no danh mục row: '{b['name']}'"
            )
        procs.append(build_procedure(
            name=b["name"], code=b["code"], components=comps,
            source=SourceRef(kind="announcement", document=document, sha256=sha, record_key=b["code"] or f"part2-{i + 1}"),
            levels=b["levels"], field=b["field"], change_type=block_change(b), announcing_decision=decision, document=identity,
            extra={"part2_only": True, "part2_block": {"node_id": f"part2/block-{i + 1}", "start": a, "end": b["end"], "name": b["name"]}},
        ))
    for p in procs:
        p.levels = normalise_level(", ".join(p.levels)) if p.levels and "Áp dụng chung" not in p.levels else p.levels
    return procs, warnings


def looks_like_announcement(rec: dict[str, Any]) -> bool:
    low = canon(rec.get("text", "")[:200000])
    has_table = any(any(_is_header(r) for r in (t.get("rows") or [])[:4]) for t in rec.get("tables") or [])
    return has_table or bool(_PART2_RE.search(low)) or ("công bố" in low[:5000] and "thủ tục hành chính" in low[:5000])
