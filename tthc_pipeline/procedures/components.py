"""Parsers for the text of each TTHC component: pure ``text -> typed items`` with offsets.

Every parser takes the component text and a base ``Provenance`` whose ``start`` is the
offset of that text in its source (document text, or 0 for a record field); item offsets are
``base.shifted(...)``. The same parsers serve portal records, announcement decisions,
portal exports and regulations, so the text is parsed the same way wherever it came from.

Matching runs on ``canon(text)`` (lower case, one tone convention, same length) with plain
regex (patterns.py); quotes are cut from the original text.

Two shapes are handled for tabular components:
* crawled portal tables whose cells were glued with no separator
  ("Trực tiếp7 Ngày làm việcLệ phí : 20.000 Đồng..."), recognised by their header row;
* prose ("Nộp hồ sơ trực tiếp tại ... hoặc qua dịch vụ bưu chính").
"""

from __future__ import annotations

import re

from tthc_pipeline.procedures.citations_adapter import find_citations, number_from_match
from tthc_pipeline.procedures.model import (
    Agency,
    Channel,
    DossierItem,
    Fee,
    LegalBasis,
    Provenance,
    Result,
    Step,
    TextSpan,
    TimeLimit,
)
from tthc_pipeline.procedures.patterns import (
    COPY_KIND_RES,
    DOC_NUMBER_GLUED_RE,
    DOC_NUMBER_RE,
    DOSSIER_SETS_RE,
    DURATION_RE,
    FORM_FILE_RE,
    FORM_RE,
    FREE_RE,
    MONEY_RE,
    SAME_DAY_RE,
    START_POINT_RE,
    STEP_RE,
    UNIT_MAP,
    channel_kind,
)
from tthc_pipeline.text.normalize import canon, fold

_WS = re.compile(r"\s+")


def depipe(text: str) -> str:
    """Table cells rendered 'a | b | c' by ingest: the bars become spaces (same length)."""
    return text.replace("|", " ")


def _sq(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _prov(base: Provenance | None, start: int, end: int) -> Provenance:
    """``base.shifted(start, end - start)``, built directly (dataclasses.replace is slow and
    this runs for every item)."""
    if base is None:
        return Provenance(start=start, end=end)
    off = base.start or 0
    return Provenance(base.document, base.sha256, base.page, base.node_id, off + start, off + end)


def is_empty_value(text: str) -> bool:
    """Portal placeholder or blank: 'Không có thông tin', '', '--'."""
    if len(text) > 64 and len(text.strip(" .-:\n")) > 32:
        return False  # longer than any placeholder: skip canon() of a whole component
    t = canon(text).strip(" .-:\n")
    return not t or t in ("không có thông tin", "không có", "không quy định")


def _clause_bounds(low: str, start: int, end: int) -> tuple[int, int]:
    left = max(low.rfind(c, 0, start) for c in ".;\n")
    right_candidates = [i for i in (low.find(c, end) for c in ".;\n") if i != -1]
    right = min(right_candidates) if right_candidates else len(low)
    return left + 1, right


_COND_RE = re.compile(r"(?:trường\s+hợp|đối\s+với|nếu|riêng)\b")


def _condition_before(text: str, low: str, start: int) -> str | None:
    cstart, _ = _clause_bounds(low, start, start)
    window = low[cstart:start]
    m = None
    for m in _COND_RE.finditer(window):
        pass
    if not m:
        return None
    cond = text[cstart + m.start() : start]
    cond = re.sub(r"[\s,]*(?:thì|là|trong\s+thời\s+hạn|không\s+quá|tối\s+đa|trong\s+vòng|trong)?[\s,:]*$", "", cond, flags=re.I)
    cond = _sq(cond)
    return cond or None


# --- OCR tone errors in unit words --------------------------------------------------------

# tesseract's Vietnamese (fast) model misreads tone marks; in unit words right after a number
# that changes the meaning ("ngày lảm việc" read as plain "ngày") or loses the match
# ("50.000 đông"). The fixes run on canon text and keep its length, so offsets still hold.
_OCR_WORKING_DAY = re.compile(r"(giờ|ngày)(\s+)l[aáàảãạâầấẩẫậ]m(\s+)vi[eéèẻẽẹêếềểễệ]c(?![\wà-ỹ])")
_OCR_DONG = re.compile(r"(\d)(\s*)đ[oóòỏõọôốồổỗộơớờởỡợ]ng(?![\wà-ỹ])")


def ocr_unit_fixes(low: str) -> str:
    """'ngày lảm việc' → 'ngày làm việc', '50.000 đông' → '50.000 đồng' (same length)."""
    if "l" in low:
        low = _OCR_WORKING_DAY.sub(lambda m: f"{m.group(1)}{m.group(2)}làm{m.group(3)}việc", low)
    if "đ" in low:
        low = _OCR_DONG.sub(lambda m: f"{m.group(1)}{m.group(2)}đồng", low)
    return low


# --- time limits --------------------------------------------------------------------------


def parse_time_limits(
    text: str, base: Provenance | None = None, channel: str | None = None, bare_unit: str | None = None
) -> list[TimeLimit]:
    """Durations in a 'Thời hạn giải quyết' text.

    Skips clock times ("sau 15 giờ"), dates ("ngày 31 tháng 12", "tháng 12 năm 2021").
    A bare number (portal "1", export "0") becomes a value without unit.
    """
    if not text or is_empty_value(text):
        return []
    low = ocr_unit_fixes(canon(text))
    out: list[TimeLimit] = []
    for m in DURATION_RE.finditer(low):
        s, e = m.span()
        before = low[max(0, s - 12) : s]
        if re.search(r"(?:ngày|tháng|lúc|sau|trước|từ|đến)\s*$", before) and m.group("unit").startswith("giờ"):
            continue  # clock time
        if re.search(r"(?:ngày|tháng)\s*$", before):
            continue  # a date: "ngày 31 tháng 12", "tháng 12 năm 2021"
        if m.group("unit") == "năm" and re.match(r"\s*\d{4}", low[e:]):
            continue
        if m.group("unit") == "tháng" and re.match(r"\s*(?:năm\s*)?\d{1,4}", low[e:]):
            continue
        unit = UNIT_MAP[_sq(m.group("unit"))]
        value = float(m.group("value").replace(",", "."))
        sp = START_POINT_RE.match(low, e)
        start_point = _sq(text[sp.start("sp") : sp.end("sp")]).rstrip(", ") if sp else None
        end = sp.end("sp") if sp else e
        out.append(
            TimeLimit(
                raw=text[s:end].strip(),
                value=value,
                unit=unit,  # type: ignore[arg-type]
                start_point=start_point,
                condition=_condition_before(text, low, s),
                channel=channel,  # type: ignore[arg-type]
                prov=_prov(base, s, end),
            )
        )
    for m in SAME_DAY_RE.finditer(low):
        s, e = m.span()
        out.append(
            TimeLimit(
                raw=text[s:e],
                value=None,
                unit="trong_ngay",
                condition=_condition_before(text, low, s),
                channel=channel,  # type: ignore[arg-type]
                prov=_prov(base, s, e),
            )
        )
    if not out:
        bare = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*", text)
        if bare:
            out.append(
                TimeLimit(
                    raw=bare.group(1),
                    value=float(bare.group(1).replace(",", ".")),
                    unit=bare_unit,  # type: ignore[arg-type]
                    channel=channel,  # type: ignore[arg-type]
                    prov=_prov(base, bare.start(1), bare.end(1)),
                )
            )
    out.sort(key=lambda t: t.prov.start or 0)
    return out


# --- fees ---------------------------------------------------------------------------------


def _amount(s: str) -> int:
    return int(re.sub(r"[.,]", "", s))


_LEADING_FREE = re.compile(r"\s*(?:miễn\s+phí|miễn\s+thu|không\s+thu(?:\s+phí)?|không)\s*(?=\()")


def parse_fees(text: str, base: Provenance | None = None, channel: str | None = None) -> list[Fee]:
    """Fees: '50.000 đồng', 'Lệ phí: 20.000 đồng/lần', 'Miễn phí', 'Không', '10 USD'.

    'Không có thông tin' gives no fee (not stated), which is different from a free one.
    """
    if not text or is_empty_value(text):
        return []
    low = ocr_unit_fixes(canon(text))
    fees: list[Fee] = []
    for m in MONEY_RE.finditer(low):
        s, e = m.span()
        cur = m.group("cur")
        cstart, cend = _clause_bounds(low, s, e)
        head = low[max(cstart, s - 60) : s]
        kind = None
        km = None
        for km in re.finditer(r"lệ\s+phí|phí", head):
            pass
        if km:
            kind = "le_phi" if km.group(0).startswith("lệ") else "phi"
        per = _sq(text[m.start("per") : m.end("per")]) if m.group("per") else None
        if per:
            raw_per = text[m.start("per") : m.end("per")]
            cut = next((k for k in range(1, len(raw_per)) if raw_per[k].isupper() and raw_per[k - 1].isalpha()), len(raw_per))
            per = _sq(raw_per[:cut]).strip(" )")
            e = min(e, m.start("per") + cut) if cut < len(raw_per) else e
        fee = Fee(raw=text[s:e].strip(), kind=kind, per=per or None, channel=channel, prov=_prov(base, s, e))  # type: ignore[arg-type]
        if cur == "usd":
            fee.currency = "USD"
            fee.foreign_amount = float(m.group("amount").replace(",", ""))
        else:
            fee.amount = _amount(m.group("amount"))
            fee.currency = "VND"
        clause = low[cstart:cend]
        if "miễn" in clause and re.search(r"trường\s+hợp|đối\s+với", clause):
            fee.exemption = _sq(text[cstart:cend])
        fees.append(fee)
    # "150 VNĐ(150.000 đồng/...)": the portal shows the amount in thousands; keep the full one.
    amounts = {f.amount for f in fees if f.amount}
    fees = [f for f in fees if not (f.amount and f.amount < 1000 and f.amount * 1000 in amounts)]
    # "Miễn phí(- Sát hạch lý thuyết: 600.000 đồng/lần ...)": the cell itself says free and its
    # note lists related charges; both are stated, so both are kept.
    fm = FREE_RE.search(low) if not fees else _LEADING_FREE.match(low)
    if fm:
        free = Fee(raw=text[fm.start() : fm.end()].strip(), amount=0, free=True, channel=channel, prov=_prov(base, fm.start(), fm.end()))  # type: ignore[arg-type]
        fees.insert(0, free)
    # de-duplicate repeats of the same amount in one text
    out: list[Fee] = []
    for f in fees:
        same = next((o for o in out if (o.amount, o.foreign_amount, o.free) == (f.amount, f.foreign_amount, f.free)), None)
        if same is None:
            out.append(f)
        else:
            same.per = same.per or f.per
            same.kind = same.kind or f.kind
    return out


# --- channels -----------------------------------------------------------------------------

_CH_TABLE_HEAD = re.compile(r"hình\s*thức\s*nộp\s*thời\s*(?:gian|hạn\s*giải\s*quyết)\s*phí,\s*lệ\s*phí\s*mô\s*tả")
_CH_ROW = re.compile(r"(trực\s*tiếp|trực\s*tuyến|dịch\s*vụ\s*bưu\s*chính)\s*(?=\d)")
_CH_TIME = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(ngày\s*làm\s*việc|ngày|giờ\s*làm\s*việc|giờ|tháng|năm)?")
_FEE_CELL_START = re.compile(
    r"\s*(?:(?:lệ\s*phí|phí)\s*:?\s*)?(?:không\s+có\s+thông\s+tin|miễn\s+phí|"
    r"(?:\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:việt\s+nam\s+đồng|đồng|vnđ|vnd|đ(?![\wà-ỹ])|usd))"
)


def _balanced_paren_end(low: str, i: int) -> int:
    """If low[i] opens a parenthesis, the index after its match; else i."""
    if i >= len(low) or low[i] != "(":
        return i
    depth = 0
    for j in range(i, len(low)):
        if low[j] == "(":
            depth += 1
        elif low[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(low)


def _fee_cell_end(low: str, i: int, text: str | None = None) -> int:
    """End of the fee cell starting at ``i`` in a glued portal row."""
    text = text if text is not None else low
    end = i
    while True:
        m = _FEE_CELL_START.match(low, end)
        if not m:
            return end
        end = _balanced_paren_end(low, m.end())
        # "Lệ phí : 20.000 Đồng/lần" style per-unit suffix
        pm = re.match(r"\s*/\s*[^\d(),.;]{1,20}", low[end:])
        if pm:
            seg = text[end : end + pm.end()]
            cut = next((k for k in range(2, len(seg)) if seg[k].isupper() and seg[k - 1].isalpha()), len(seg))
            end += cut
            end = _balanced_paren_end(low, end)
        sep = re.match(r"\s*[,;+-]?\s*", low[end:])
        nxt = _FEE_CELL_START.match(low, end + (sep.end() if sep else 0))
        if not nxt:
            return end


def parse_channels(text: str, base: Provenance | None = None) -> list[Channel]:
    """Cách thức thực hiện: portal table rows (glued or spaced) or channels named in prose."""
    if not text or is_empty_value(text):
        return []
    text = depipe(text)
    low = ocr_unit_fixes(canon(text))
    head = _CH_TABLE_HEAD.search(low)
    if head or _CH_ROW.search(low):
        rows = list(_CH_ROW.finditer(low, head.end() if head else 0))
        if rows:
            return [_table_row(text, low, m, rows[k + 1].start() if k + 1 < len(rows) else len(low), base) for k, m in enumerate(rows)]
    kinds: dict[str, tuple[int, int]] = {}
    for m in re.finditer(r"trực\s+tiếp|trực\s+tuyến|bưu\s+chính|cổng\s+dịch\s+vụ\s+công|môi\s+trường\s+điện\s+tử|qua\s+mạng", low):
        before = low[max(0, m.start() - 25) : m.start()]
        if re.search(r"không\s+(?:được\s+)?(?:nộp\s+|thực\s+hiện\s+)?(?:qua\s+)?$", before):
            continue
        kind = channel_kind(m.group(0)) or "truc_tuyen"
        kinds.setdefault(kind, m.span())
    out = []
    for kind, (s, e) in sorted(kinds.items(), key=lambda kv: kv[1][0]):
        cs, ce = _clause_bounds(low, s, e)
        out.append(Channel(kind=kind, description=_sq(text[cs:ce]), prov=_prov(base, s, e)))  # type: ignore[arg-type]
    return out


def _table_row(text: str, low: str, m: re.Match[str], row_end: int, base: Provenance | None) -> Channel:
    kind = channel_kind(_sq(m.group(1))) or "truc_tiep"
    pos = m.end()
    time_limits: list[TimeLimit] = []
    tm = _CH_TIME.match(low, pos)
    if tm:
        unit = UNIT_MAP.get(_sq(tm.group(2) or ""), None)
        time_limits.append(
            TimeLimit(
                raw=_sq(text[tm.start(1) : tm.end()]),
                value=float(tm.group(1).replace(",", ".")),
                unit=unit,  # type: ignore[arg-type]
                channel=kind,  # type: ignore[arg-type]
                prov=_prov(base, tm.start(1), tm.end()),
            )
        )
        pos = tm.end()
    fee_end = min(_fee_cell_end(low, pos, text), row_end)
    fee_text = text[pos:fee_end]
    fees = parse_fees(fee_text, _prov(base, pos, fee_end), channel=kind)
    desc = _sq(text[fee_end:row_end])
    ch = Channel(kind=kind, description=desc, time_limits=time_limits, fees=fees, prov=_prov(base, m.start(), row_end))  # type: ignore[arg-type]
    return ch


# --- dossier ------------------------------------------------------------------------------

_DOSSIER_HEAD = re.compile(r"tên\s*giấy\s*tờ\s*mẫu\s*đơn,\s*tờ\s*khai\s*số\s*lượng")
_QTY_CELL = re.compile(
    r"(?<![\d])?(\d)\s?bản\s+(chính|sao|chụp)(?:\s*,\s*(\d)\s?bản\s+(chính|sao|chụp))*"
    r"|bản\s+(chính|sao)\s*:\s*(\d)(?:\s+bản\s+(chính|sao)\s*:\s*(\d))?"
)
_CELL_BOUNDARY = re.compile(r"$|\s*(?:[-+*•–]|[a-zđ]\)|\d+[.)]|\(|bao\s+gồm|\S)", re.S)
_BULLET = re.compile(r"^\s*(?:[-–+•*]+|[a-zđ]\)|\d+(?:\.\d+)*[.)]|\(\d+\)|[ivx]+[.)])\s*")


def _glue_points(text: str, start: int, end: int) -> list[int]:
    """Offsets where a glued table cell starts: an upper-case letter right after a
    lower-case letter, digit or closing punctuation, or right after a document number."""
    pts = []
    for i in range(max(1, start), end):
        ch, prev = text[i], text[i - 1]
        if (ch.isupper() and (prev.islower() or prev in ").];:,")) or (
            ch.isdigit() and prev in ").;:" and i + 1 < end
        ):
            pts.append(i)
    for m in DOC_NUMBER_GLUED_RE.finditer(text, start, end):
        _, e = number_from_match(text, m)
        if e < end and text[e].isupper():
            pts.append(e)
    return sorted(set(pts))

_FORM_START = re.compile(r"(?:Mẫu|Mau|Tờ\s*khai|TK|PL|Phụ\s*lục|Bản\s*khai|Đơn|Phiếu|Mau)")
_SETS_HEAD = re.compile(r"số\s+lượng\s+hồ\s+sơ")


def _copy_kinds(low_fragment: str) -> list[str]:
    kinds: list[str] = []
    rest = low_fragment
    for kind, rx in COPY_KIND_RES:
        if rx.search(rest):
            kinds.append(kind)
            rest = rx.sub(" ", rest)  # "bản sao có chứng thực" must not also count as "bản sao"
    return kinds


def _item_condition(low: str, text: str) -> str | None:
    m = re.search(r"\((?:nếu\s+có|trường\s+hợp[^)]*|đối\s+với[^)]*)\)", low)
    if m:
        return _sq(text[m.start() + 1 : m.end() - 1])
    m = re.search(r"(?:^|[\s,;(])(trường\s+hợp|đối\s+với\s+trường\s+hợp|nếu)\s", low)
    if m:
        s = m.start(1)
        e = min([i for i in (low.find(c, s) for c in ";.\n") if i != -1] or [len(low)])
        return _sq(text[s:e])
    return None


_SETS_LABEL_FOLDED = re.compile(r"so\s+luong\s+ho\s+so\s*:?\s*(\d+)")


def dossier_sets(text: str) -> int | None:
    """'Số lượng hồ sơ: 01 bộ' / 'lập 03 (ba) bộ hồ sơ' → 1 / 3."""
    low = canon(text)
    m = DOSSIER_SETS_RE.search(low)
    if not m:
        # OCR tone errors in the label ("Số lượng hỗ sơ:01 (bộ)"): the label without diacritics
        m = _SETS_LABEL_FOLDED.search(fold(low))
        return int(m.group(1)) if m else None
    return int(m.group("a") or m.group("b"))


def _make_item(text: str, low: str, s: int, e: int, base, heading: str | None, qty: re.Match[str] | None) -> DossierItem | None:
    frag = text[s:e]
    flow = low[s:e]
    lead = _BULLET.match(frag)
    off = lead.end() if lead else 0
    name_text = frag[off:]
    name_low = flow[off:]
    forms: list[str] = []
    # form files glued at the end of the name: "...Việt Nam;Mẫu số 02b-Bản khai.docx"
    files = list(FORM_FILE_RE.finditer(name_text))
    if files:
        first_file_start = None
        prev_end = None
        for fm in files:
            if prev_end is not None:
                start = prev_end  # the next file name follows the previous one
            else:
                seg_start = max(name_text.rfind(" ", 0, fm.start()), name_text.rfind("\n", 0, fm.start()))
                window_start = max(0, fm.start() - 120)
                glue = _glue_points(name_text, window_start, fm.start())
                preferred = [g for g in glue if _FORM_START.match(name_text, g)]
                start = preferred[0] if preferred else (glue[-1] if glue else seg_start + 1)
                first_file_start = start
            prev_end = fm.end()
            forms.append(_sq(name_text[start:prev_end]))
        name_text = name_text[:first_file_start]
        name_low = name_low[:first_file_start]
    name = _sq(name_text).rstrip(" ;,.")
    if not name or len(name) < 3:
        return None
    fm = FORM_RE.search(name)
    form_name = forms[0] if forms else (_sq(fm.group(0)) if fm else None)
    kinds = _copy_kinds(name_low)
    quantity = None
    if qty is not None:
        qlow = qty.group(0)
        for k in _copy_kinds(qlow):
            if k not in kinds:
                kinds.append(k)
        nums = [g for g in qty.groups() if g and g.isdigit()]
        quantity = int(nums[0]) if nums else None
    else:
        qm = re.search(r"(\d+)\s*(?:\([^()\d]{1,10}\)\s*)?bản\b", name_low)
        if qm:
            quantity = int(qm.group(1))
    hl = canon(heading or "")
    action = "present" if ("xuất trình" in hl or "xuất trình" in name_low[:40]) else "submit"
    cond = _item_condition(name_low, name)
    if cond is None and heading and re.match(r"\s*[-+*•]?\s*(?:\d+[.)]\s*)?(?:trường\s+hợp|đối\s+với|nếu)", hl):
        cond = _sq(heading).rstrip(":")
    end = qty.end() if qty is not None else e
    return DossierItem(
        name=name,
        copy_kinds=kinds,  # type: ignore[arg-type]
        quantity=quantity,
        form_name="; ".join(forms) if len(forms) > 1 else form_name,
        condition=cond,
        action=action,  # type: ignore[arg-type]
        raw=_sq(text[s:end]),
        prov=_prov(base, s + off, end),
    )


def parse_dossier(text: str, base: Provenance | None = None) -> tuple[list[DossierItem], int | None]:
    """Thành phần hồ sơ → (items, number of dossier sets)."""
    if not text or is_empty_value(text):
        return [], None
    text = depipe(text)
    low = canon(text)
    sets = dossier_sets(text)
    heads = list(_DOSSIER_HEAD.finditer(low))
    if heads:
        return _parse_dossier_table(text, low, heads, base), sets
    return _parse_dossier_prose(text, low, base), sets


def _parse_dossier_table(text: str, low: str, heads: list[re.Match[str]], base) -> list[DossierItem]:
    items: list[DossierItem] = []
    prev_end = 0
    for k, h in enumerate(heads):
        heading = _sq(text[prev_end : h.start()]).strip("- ")
        body_end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        pos = h.end()
        last_item_end = pos
        qtys = [q for q in _QTY_CELL.finditer(low, pos, body_end) if _is_cell_end(text, q.end(), body_end)]
        for q in qtys:
            qstart = q.start()
            for a, b in _cell_papers(low, last_item_end, qstart):
                item = _make_item(text, low, a, b, base, heading, q)
                if item and not _is_note_row(q.group(0), low[a:b]):
                    items.append(item)
            last_item_end = q.end()
        prev_end = last_item_end
        tail = text[last_item_end:body_end]
        # a trailing paper without a quantity cell (rare), unless it is the next group's heading
        if k + 1 == len(heads) and _sq(tail) and not _SETS_HEAD.search(canon(tail)) and len(_sq(tail)) > 3 and not qtys:
            item = _make_item(text, low, last_item_end, body_end, base, heading, None)
            if item:
                items.append(item)
    return items


_NOTE_ROW = re.compile(r"\s*(?:[-+*•]\s*)*(?:lưu\s+ý|ghi\s+chú|chú\s+ý|trường\s+hợp\b[^.;]*\bthì\b|số\s+bộ\s+hồ\s+sơ|số\s+lượng\s+hồ\s+sơ)")


def _is_note_row(qty_cell: str, name_low: str) -> bool:
    """A table row that is not a paper: a note or a set count with no copy to submit.

    Portal tables carry rows like "* Lưu ý: Trường hợp trực tiếp nộp hồ sơ thì ... | 0 bản
    chính" or "Số bộ hồ sơ 01 (một) bộ | 0 bản chính"; they stay in the component text. A
    conditional row with a copy ("Trường hợp ... thì nộp kèm bản sao ... | 0 bản chính, 1 bản
    sao") is a paper.
    """
    no_copy = not any(int(n) for n in re.findall(r"\d+", qty_cell))
    return no_copy and bool(_NOTE_ROW.match(name_low))


def _cell_papers(low: str, start: int, end: int) -> list[tuple[int, int]]:
    """One 'Tên giấy tờ' cell → paper spans. A cell written as a dash list ("- Đơn ... Mẫu
    số 01. - Biên bản ... Mẫu số 02.") names one paper per dash; a dash list after "gồm:" inside
    a paper's description ("... gồm: - Xe cứu thương ...") does not, so only a cell that
    itself opens with a dash is split."""
    if not re.match(r"\s*-\s", low[start:end]):
        return [(start, end)]
    cuts = [start] + [start + m.end() for m in re.finditer(r"(?<=[.;])\s+(?=-\s)", low[start:end])]
    return list(zip(cuts, cuts[1:] + [end]))


def _is_cell_end(text: str, end: int, limit: int) -> bool:
    """A quantity cell ends a row: next is the end, another row, or a group heading."""
    if end >= limit:
        return True
    nxt = text[end : end + 3]
    if nxt[:1].isupper() or nxt[:1] in "-+*•–(\n" or nxt.startswith(" -") or nxt.startswith(" +"):
        return True
    if re.match(r"\s*(?:[a-zđ]\)|\d+[.)]\s)", nxt) or text[end:end + 2] in (", ", "; ", ". "):
        return True
    if nxt[:1].isdigit() and text[end - 1 : end].isalpha():  # "1 bản chính02 ảnh 4x6": next row
        return True
    return nxt[:1] in ".;,"


_LIST_HEADING = re.compile(
    r"^(?:[a-zđ][.)]\s*|\d+(?:\.\d+)*[.)]\s*)?(?:thành\s+phần(?:,\s*số\s+lượng)?\s+hồ\s+sơ|hồ\s+sơ\s+(?:gồm|bao\s+gồm)|số\s+lượng\s+hồ\s+sơ|bao\s+gồm)\b"
)


def _parse_dossier_prose(text: str, low: str, base) -> list[DossierItem]:
    """Bulleted/lettered lines; lines ending with ':' are group headings (conditions)."""
    items: list[DossierItem] = []
    heading: str | None = None
    pieces: list[tuple[int, int]] = []
    for lm in re.finditer(r"[^\n]+", text):
        ls, le = lm.span()
        # inline bullets: "gồm: - Đơn ...; - Bản sao ..."
        cuts = [ls] + [ls + m.start() + 1 for m in re.finditer(r"(?<=[;:.])\s+[-+•]\s+(?=\S)", text[ls:le])]
        for a, b in zip(cuts, cuts[1:] + [le]):
            pieces.append((a, b))
    for s, e in pieces:
        line = text[s:e]
        llow = low[s:e].strip()
        if not llow:
            continue
        stripped = _BULLET.sub("", llow, count=1)
        is_bullet = bool(_BULLET.match(llow)) and llow[:1] in "-–+•*" or bool(re.match(r"^[a-zđ]\)\s|^\d+[.)]\s|^\(\d+\)", llow))
        if _LIST_HEADING.match(stripped) or _LIST_HEADING.match(llow):
            heading = None
            # "Hồ sơ gồm: đơn ..., bản sao ..." on one line: keep the tail as items
            tail = re.split(r":", line, maxsplit=1)
            if len(tail) == 2 and len(_sq(tail[1])) > 3 and not _SETS_HEAD.match(stripped):
                t0 = s + len(tail[0]) + 1
                for part in re.finditer(r"[^;]+", text[t0:e]):
                    it = _make_item(text, low, t0 + part.start(), t0 + part.end(), base, heading, None)
                    if it:
                        items.append(it)
            continue
        if llow.endswith(":") and not is_bullet:
            heading = _sq(line)
            continue
        if llow.endswith(":") and is_bullet and re.match(r"(?:trường\s+hợp|đối\s+với|nếu)", stripped):
            heading = _sq(line)
            continue
        if is_bullet or heading is not None:
            if _SETS_HEAD.match(stripped):
                continue
            it = _make_item(text, low, s, e, base, heading, None)
            if it:
                items.append(it)
    return items or _inline_papers(text, low, base)


# --- dossier written inline ("c) Thành phần, số lượng hồ sơ: Bản chính ... và bản sao ... .") --

# Words a paper's name starts with (after an optional count: "01 bản sao ...", "02 (hai) ảnh").
_PAPER_WORDS = (
    r"bản\s+(?!thân\b)[a-zà-ỹđ]+|giấy\b|đơn\b(?!\s+vị|\s+giản)|tờ\s+khai|tờ\s+trình|văn\s+bản|sổ\b|thẻ\b|hộ\s+chiếu|"
    r"chứng\s+minh\s+nhân\s+dân|căn\s+cước|quyết\s+định|biên\s+bản|hợp\s+đồng|ảnh\b|danh\s+sách|báo\s+cáo|phiếu\b|"
    r"chứng\s+chỉ|chứng\s+từ|hóa\s+đơn|trích\s+lục|lý\s+lịch|phương\s+án|đề\s+án|sơ\s+đồ|bảng\b|tài\s+liệu|"
    r"công\s+văn|bằng\s+(?:tốt\s+nghiệp|cấp)|mẫu\b"
)
_PAPER_START = re.compile(r"\s*(?:\d+\s*(?:\([^()]{1,12}\)\s*)?)?(?:" + _PAPER_WORDS + r")")
_PAPER_ANY = re.compile(r"(?<![a-zà-ỹđ])(?:" + _PAPER_WORDS + r")")
_SENTENCE_END = re.compile(r"\.\s+(?=\S)|\n+")
_INLINE_SPLIT = re.compile(r";\s+|\s+và\s+")
_NOT_PAPER_SENTENCE = re.compile(r"\s*(?:[-+*•]\s*)*(?:số\s+lượng\s+hồ\s+sơ|lưu\s+ý|ghi\s+chú|chú\s+ý|không\b)")


def _names_paper(low: str) -> bool:
    """Does this fragment start by naming a paper, with more than a copy kind ('Bản chính')?"""
    return bool(_PAPER_START.match(low)) and len(low.split()) >= 3


def _paper_parts(low: str, s: int, e: int) -> list[tuple[int, int]]:
    """Split one sentence at '; ' / ' và ' only where the text on both sides names a paper.

    "Bản chính giấy tờ ... và bản sao cần chứng thực" → two papers; "Giấy chứng nhận quyền sử
    dụng đất và tài sản gắn liền với đất" stays one (the right side names no paper).
    """
    cuts: list[tuple[int, int]] = []  # (end of left part, start of right part)
    depth = 0
    pos = s
    for m in _INLINE_SPLIT.finditer(low, s, e):
        depth += low.count("(", pos, m.start()) - low.count(")", pos, m.start())
        pos = m.start()
        if depth <= 0:
            cuts.append((m.start(), m.end()))
    parts: list[tuple[int, int]] = []
    start = s
    for left_end, right_start in cuts:
        nxt = next((c[0] for c in cuts if c[0] > right_start), e)
        if _names_paper(low[start:left_end]) and _names_paper(low[right_start:nxt]):
            parts.append((start, left_end))
            start = right_start
    parts.append((start, e))
    return parts


def _inline_papers(text: str, low: str, base) -> list[DossierItem]:
    """Papers of a dossier written as running text, no bullets: one item per paper named.

    Conservative: a sentence is split only where each part names a paper; otherwise the whole
    sentence is one item. Sentences naming no paper ("Không", "Số lượng hồ sơ: 01 bộ") give none.
    """
    items: list[DossierItem] = []
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(low)] + [len(low)]
    for s, e in zip(bounds, bounds[1:]):
        sent = low[s:e]
        if not sent.strip() or _NOT_PAPER_SENTENCE.match(sent) or _LIST_HEADING.match(sent.strip()):
            continue
        if not _PAPER_ANY.search(sent):
            continue
        for a, b in _paper_parts(low, s, e):
            while b > a and low[b - 1] in " \t\n.;,":
                b -= 1  # the item's provenance is the paper's words, not the sentence end
            it = _make_item(text, low, a, b, base, None, None)
            if it:
                items.append(it)
    return items


# --- steps --------------------------------------------------------------------------------


# OCR reads the step number "1" as "]", "|", "I", "l" or "!" ("+ Bước ]: Đăng ký ...").
_OCR_STEP_ONE = re.compile(r"(?i)(bước\s)[\]|Il!](?=\s*[:.)])")


def parse_steps(text: str, base: Provenance | None = None) -> list[Step]:
    """'Bước 1: ...' blocks; without 'Bước', numbered lines '1. ...'; else nothing."""
    if not text or is_empty_value(text):
        return []
    scan = _OCR_STEP_ONE.sub(lambda m: m.group(1) + "1", text)  # same length: offsets hold
    marks = list(STEP_RE.finditer(scan))
    # keep only increasing step numbers (a text may say "như bước 1" inside a step)
    kept = []
    last = 0
    for m in marks:
        n = int(m.group(1))
        if n > last and (n == last + 1 or n == 1 or not kept):
            kept.append(m)
            last = n
    if not kept:
        kept = [m for m in re.finditer(r"(?m)^\s*(\d+)[.)]\s+", text)]
        if len(kept) < 2:
            return []
    steps = []
    for k, m in enumerate(kept):
        end = kept[k + 1].start() if k + 1 < len(kept) else len(text)
        body = text[m.end() : end]
        steps.append(Step(order=int(m.group(1)), text=_sq(body).strip(" -+"), prov=_prov(base, m.start(), end)))
    return steps


# --- results ------------------------------------------------------------------------------

_RESULT_CODE = re.compile(r"mã\s*:\s*(kq\.[a-z0-9]+\.\d+)")
_PORTAL_JUNK = re.compile(r"chọn\s+cơ\s+quan\s+thực\s+hiện|nộp\s+hồ\s+sơ$")


def parse_results(text: str, base: Provenance | None = None) -> list[Result]:
    """Kết quả thực hiện; portal form 'name Mã: KQ.G01.000063Từ khóa…Mô tả…'."""
    if not text or is_empty_value(text):
        return []
    low = canon(text)
    junk = _PORTAL_JUNK.search(low)
    limit = junk.start() if junk else len(low)
    codes = list(_RESULT_CODE.finditer(low, 0, limit))
    out: list[Result] = []
    if not codes:
        name = _sq(text[:limit])
        if name:
            out.append(Result(name=name, electronic=_electronic(low[:limit]), prov=_prov(base, 0, limit)))
        return out
    pos = 0
    for c in codes:
        seg_low = low[pos : c.start()]
        sm = re.match(r"từ\s*khóa.*?mô\s*tả(?:không\s+có\s+thông\s+tin)?", seg_low, re.S)
        start = pos + (sm.end() if sm else 0)
        name = _sq(text[start : c.start()])
        r = Result(name=name, electronic=_electronic(low[start : c.start()]), prov=_prov(base, start, c.end()))
        r.code = text[c.start(1) : c.end(1)].upper()
        out.append(r)
        pos = c.end()
    return out


def _electronic(low: str) -> bool | None:
    if re.search(r"điện\s+tử|bản\s+số|vneid|dữ\s+liệu\s+điện", low):
        return True
    return None


# --- agencies, subjects, simple lists -------------------------------------------------------


def split_names(text: str) -> list[tuple[int, int]]:
    """Split 'A, B (x, y), C' at ', ' + upper-case outside parentheses; also at ';' and lines."""
    spans = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and (
            ch in ";\n" or (ch == "," and i + 2 < n and text[i + 1] == " " and (text[i + 2].isupper()))
        ):
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, n))
    out = []
    for s, e in spans:
        frag = text[s:e]
        lead = len(frag) - len(frag.lstrip(" -+•\t"))
        trail = len(frag.rstrip(" .;,\t"))
        if trail > lead:
            out.append((s + lead, s + trail))
    return out


_ROLE_LABELS = [
    ("authorised", re.compile(r"(?:cơ\s+quan|người)[^:;\n]{0,40}?được\s+ủy\s+quyền[^:;\n]{0,40}?:")),
    ("competent", re.compile(r"(?:cơ\s+quan|người)[^:;\n]{0,30}?(?:có\s+)?thẩm\s+quyền(?:\s+quyết\s+định)?[^:;\n]{0,30}?:")),
    ("implementing", re.compile(r"cơ\s+quan\s+trực\s+tiếp\s+thực\s+hiện[^:;\n]{0,30}?:")),
    ("coordinating", re.compile(r"cơ\s+quan\s+phối\s+hợp[^:;\n]{0,30}?:")),
    ("receiving", re.compile(r"(?:địa\s+chỉ|nơi|cơ\s+quan)\s+tiếp\s+nhận[^:;\n]{0,30}?:")),
]


def parse_agencies(text: str, role: str = "implementing", base: Provenance | None = None) -> list[Agency]:
    """Agency names; prose with role labels ('Cơ quan có thẩm quyền quyết định: ...') too."""
    if not text or is_empty_value(text):
        return []
    low = canon(text)
    labels = []
    for r, rx in _ROLE_LABELS:
        for m in rx.finditer(low):
            if not any(m.start() < e and s < m.end() for _, s, e in labels):
                labels.append((r, m.start(), m.end()))
    labels.sort(key=lambda t: t[1])
    out: list[Agency] = []
    if labels:
        for k, (r, s, e) in enumerate(labels):
            end = labels[k + 1][1] if k + 1 < len(labels) else len(text)
            seg = text[e:end]
            seg = re.sub(r"\s*[a-zđ]\)\s*$", "", seg)
            out.extend(_agency_items(seg, r, base, e))
        return out
    return _agency_items(text, role, base, 0)


def _agency_items(seg: str, role: str, base, offset: int) -> list[Agency]:
    out = []
    for s, e in split_names(seg):
        name = _sq(seg[s:e])
        if is_empty_value(name) or canon(name) in ("không",):
            continue
        out.append(Agency(role=role, name=name, prov=_prov(base, offset + s, offset + e)))  # type: ignore[arg-type]
    return out


def parse_list(text: str, base: Provenance | None = None) -> list[TextSpan]:
    """Đối tượng thực hiện / mẫu đơn: comma or line separated names."""
    if not text or is_empty_value(text):
        return []
    return [TextSpan(_sq(text[s:e]), _prov(base, s, e)) for s, e in split_names(text) if _sq(text[s:e])]


def parse_paragraphs(text: str, base: Provenance | None = None) -> list[TextSpan]:
    """Yêu cầu, điều kiện: one span per non-empty line (bullets kept)."""
    if not text or is_empty_value(text):
        return []
    return [TextSpan(_sq(m.group(0)), _prov(base, m.start(), m.end())) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


# --- legal basis --------------------------------------------------------------------------

_LB_PORTAL_HEAD = re.compile(r"tên\s*văn\s*bản\s*pháp\s*lý\s*mã\s*văn\s*bản")
_LB_EXPORT_HEAD = re.compile(r"số\s*ký\s*hiệu\s*trích\s*yếu")


def parse_legal_basis(text: str, base: Provenance | None = None) -> list[LegalBasis]:
    """Căn cứ pháp lý: portal table (name + code cells), export table, or prose citations."""
    if not text or is_empty_value(text):
        return []
    piped, text = text, depipe(text)
    low = canon(text)
    head = _LB_PORTAL_HEAD.search(low)
    if head:
        return _legal_portal_table(text, head.end(), base)
    head = _LB_EXPORT_HEAD.search(low)
    if head:
        return _legal_export_table(text, head.end(), base, piped)
    out = []
    seen = set()
    for c in find_citations(text):
        key = c.number or c.raw
        if key in seen:
            continue
        seen.add(key)
        out.append(
            LegalBasis(raw=_sq(c.raw), doc_type=c.doc_type, number=c.number, issued=c.issued, articles=c.articles,
                       canonical_id=c.canonical_id, prov=_prov(base, c.start, c.end))
        )
    return out


def _doc_type_of(name_low: str, number: str | None) -> str | None:
    from tthc_pipeline.procedures.patterns import DOC_TYPE_CANON

    for key in sorted(DOC_TYPE_CANON, key=len, reverse=True):
        if name_low.startswith(key):
            return DOC_TYPE_CANON[key]
    if number:
        sym = number.rsplit("/", 1)[-1]
        if sym.startswith("QH"):
            return "Luật"
        for pre, typ in (("NĐ-", "Nghị định"), ("TTLT-", "Thông tư liên tịch"), ("TT-", "Thông tư"), ("QĐ-", "Quyết định"), ("NQ-", "Nghị quyết")):
            if sym.startswith(pre):
                return typ
    return None


# A lower-case word glued to a symbol inside a name cell ("53/2025/TT-BCAngày 01/7/2025"), as
# opposed to the next row's name glued to the code cell ("03/2025/TT-VPCPquy định ...").
_NAME_GLUE_WORDS = re.compile(r"(?:ngày|của|năm|về|và|được|do|tại|số|ban\s+hành|sửa|hướng)(?![a-zà-ỹđ])")
# A code cell that is not a document number ("... VIỆT NAM61Thông tư", "... hàng không193",
# "... giá trị24/2024"): digits glued to a letter, then an upper-case letter or the end.
_BARE_CODE = re.compile(r"(?<=[^\W\d_])(\d{1,5}(?:/\d{4})?)(?=[A-ZĐ]|\s*$)")


_DATE_GLUED_NUM = re.compile(r"(?:19|20)\d\d\.")


def _row_code_end(text: str, end: int) -> bool:
    """Does a citation ending at ``end`` close a portal row (is it the 'Mã văn bản' cell)?"""
    if end >= len(text) or not text[end:].strip() or text[end] == "\n":
        return True
    ch = text[end]
    if ch.isdigit() or ch.isupper():
        return True
    if ch.isalpha():  # glued lower-case: a cell boundary unless it reads as the name going on
        return not _NAME_GLUE_WORDS.match(canon(text[end : end + 12]))
    if ch != " ":
        return False
    # next row's name: "... NĐ-CP Hướng dẫn ..." or "... NĐ-CP\t05/2013/TT-BLĐTBXH - ..." (tab cleaned)
    nxt = len(text) - len(text[end:].lstrip(" "))
    return text[nxt].isupper() or bool(DOC_NUMBER_RE.match(text, nxt))


def _legal_portal_table(text: str, start: int, base) -> list[LegalBasis]:
    """Portal rows 'Tên văn bản' + 'Mã văn bản' glued with no separator.

    The legal module's citation finder splits the glue ("Luật 49/2019/QH1449/2019/QH14",
    "TT-BCAQUY ĐỊNH"); a row ends at a citation that closes a cell (``_row_code_end``) or at a
    bare code cell. A row's name often cites its own number ("Thông tư số 31/2025/TT-BCA ...
    31/2025/TT_BCA"), and some names cite other documents ("sửa đổi ... Nghị định số
    77/2020/NĐ-CP"), which are not the row's basis: only the code cell counts. When the code
    cell is cut short ("24/2024") the full number cited in the name is used. Rows whose code is
    not a document number are kept with ``number=None`` (the reviewer still sees them).
    """
    cands: list[tuple[int, int, str | None]] = []  # (start, end, number or None for bare codes)
    cites = [c for c in find_citations(text[start:]) if c.number]
    taken: list[tuple[int, int]] = []
    for c in cites:
        s, e = start + c.start, start + c.end
        dm = _DATE_GLUED_NUM.match(c.number)
        if dm and re.search(r"\d{1,2}/\d{1,2}/$", text[max(0, s - 6) : s]):
            # "ngày 01/7/2020.67/2024/NĐ-CP": a name ending in a date, glued to the code cell
            c.number = c.number[dm.end() :]
            s += text[s:e].find(c.number.split("/", 1)[0], dm.end() - 1)
        taken.append((s, e))
        if _row_code_end(text, e):
            cands.append((s, e, c.number))
    for m in _BARE_CODE.finditer(text, start):
        if not any(a <= m.start() < b for a, b in taken):
            cands.append((m.start(1), m.end(1), None))
    cands.sort()
    rows: list[tuple[int, int, str | None, str]] = []  # (row start, row end, number, code text)
    row_start = start
    for k, (s, e, number) in enumerate(cands):
        nxt = cands[k + 1] if k + 1 < len(cands) else None
        code = text[s:e]
        if nxt is not None:
            nxt_code = text[nxt[0] : nxt[1]]
            same = nxt[2] is not None and nxt[2] == number
            cut_short = nxt[2] is None and number is not None and number.startswith(nxt_code + "/")
            if same or cut_short:
                if cut_short:
                    cands[k + 1] = (nxt[0], nxt[1], number)
                continue  # the name cites the number its own code cell repeats
        rows.append((row_start, e, number, code))
        row_start = e
    out: list[LegalBasis] = []
    for rs, re_, number, code in rows:
        raw = _sq(text[rs:re_])
        name = _sq(text[rs : re_ - len(code)]) if text[rs:re_].endswith(code) else raw
        out.append(LegalBasis(raw=raw, number=number, doc_type=_doc_type_of(canon(name), number), prov=_prov(base, rs, re_)))
    tail = _sq(text[row_start:])
    if tail:
        out.append(LegalBasis(raw=tail, number=None, doc_type=_doc_type_of(canon(tail), None), prov=_prov(base, row_start, len(text))))
    return out


# The 'Ngày ban hành' cell of an export row starts "15-08-" (the year wraps); OCR reads "I1-06-".
_EXPORT_ROW_DATE = re.compile(r"(?<![\d/])[\dIl|]{1,2}-\d{1,2}-")
_EXPORT_NUMBER = re.compile(r"[ \t]*(?P<junk>[^\s\d])?(\d*(?:\.\d+)?/\d{4}/[A-ZĐ]+\d*(?:-[A-ZĐ]+\d*)*-?)")


def _ocr_damaged_number(line: str, m: re.Match[str]) -> str | None:
    """'§0/2021/TT-' (OCR read '8' as '§'): the full number the row's name cell cites with the
    same tail ('Thông tư 80/2021/TT-BTC'), else None (no guessing of the lost digit)."""
    digits, rest = m.group(2).split("/", 1)
    tail = re.escape(digits + "/" + rest.rstrip("-"))
    full = re.search(r"(?<![\d/])\d" + tail + r"[A-ZĐ0-9-]*", line[m.end() :])
    return full.group(0).rstrip("-") if full else None


def _legal_export_table(text: str, start: int, base, piped: str | None = None) -> list[LegalBasis]:
    """Export rows: the first cell of each line is 'Số ký hiệu' (may be cut: '79/2022/TT-').

    A row line has cell separators (' | ' in ``piped``, the text before ``depipe``: born-digital
    tables) or the date cell; OCR'd pages have no cells, so a wrapped 'Trích yếu' line that
    starts with a cited number ("65/2013/NĐ-CP của Chính phủ") is not taken for a row.
    """
    from tthc_pipeline.legal.citations import canonical_number

    piped = piped if piped is not None and len(piped) == len(text) else text

    out: list[LegalBasis] = []
    seen: set[str] = set()
    for lm in re.finditer(r"[^\n]+", text[start:]):
        ls = start + lm.start()
        line = lm.group(0)
        m = _EXPORT_NUMBER.match(line)
        if not m or not m.group(2)[:1].isdigit():
            continue
        if "|" not in piped[ls : ls + len(line)] and not _EXPORT_ROW_DATE.search(line, m.end()):
            continue
        number = m.group(2) if not m.group("junk") else _ocr_damaged_number(line, m)
        if not number:
            continue
        if number.endswith("-"):
            full = re.search(re.escape(number) + r"[A-ZĐ]+(?:-[A-ZĐ]+)*", line)
            if full:
                number = full.group(0)
            else:
                nxt = re.match(r"\n[ \t]*([A-ZĐ]+(?:-[A-ZĐ]+)*)\b", text[ls + len(line) :])
                if not nxt:
                    continue
                number = number + nxt.group(1)
        number = canonical_number(number)
        if number in seen:
            continue
        seen.add(number)
        s = ls + m.start(2)
        out.append(LegalBasis(raw=number, number=number, doc_type=_doc_type_of("", number), prov=_prov(base, s, ls + m.end(2))))
    return out
