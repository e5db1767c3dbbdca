"""Readers for the glued table text of national-portal records.

The portal crawler concatenated table cells without separators, e.g. the channel table
``Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp60 Ngày làm việcKhông có thông tin…``.
Rules that need the channel kinds, time limits or fees read them from the typed
``Procedure.channels`` when the extractor filled them, and otherwise from this parser, so a
rule works on both extracted documents and raw portal records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tthc_pipeline.procedures.model import Procedure
from tthc_pipeline.text.normalize import find

KIND_BY_LABEL = {"trực tiếp": "truc_tiep", "trực tuyến": "truc_tuyen", "dịch vụ bưu chính": "buu_chinh"}
UNIT_BY_LABEL = {"ngày làm việc": "ngay_lam_viec", "ngày": "ngay", "giờ": "gio", "tháng": "thang", "năm": "nam"}
# the same, keyed by the cells as _ROW matches them (its literals are case-sensitive, so a
# label or unit group is always one of these): a look-up without a ``lower()`` a cell
_KIND_OF_CELL = {"Trực tiếp": "truc_tiep", "Trực tuyến": "truc_tuyen", "Dịch vụ bưu chính": "buu_chinh"}
_UNIT_OF_CELL = {"Ngày làm việc": "ngay_lam_viec", "Ngày": "ngay", "Giờ": "gio", "Tháng": "thang", "Năm": "nam"}

_TIME_CELL = r"(?:(\d+(?:[.,]\d+)?) ?(Ngày làm việc|Ngày|Giờ|Tháng|Năm)|(?=Không có thông tin))"
# the rows as first written: the specification _row_matches answers for without running it
_ROW = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)" + _TIME_CELL)
# the amount with its unit as the portal writes it ("10,000 Việt Nam Đồng", "100 VNĐ", "10 USD")
_FEE = r"(Miễn phí|Không có thông tin|Không|[\d.,]+(?: ?(?:Việt Nam Đồng|VNĐ|VND|đồng|USD|Đồng))?)"
_FEE_CELL = re.compile(_FEE)
# _TIME_CELL with the fee cell after it read by a look-ahead (groups 4 and 5, None where no fee
# cell follows): the match is _TIME_CELL's (an optional group in a look-ahead always succeeds,
# at the same end), and the fee group what ``_FEE_CELL.match`` at the time cell's end (after
# "Không có thông tin" for the empty cell) gives, the same alternatives tried in the same
# order. One regex call a row instead of two.
_TIME_AND_FEE = (r"(?:(\d+(?:[.,]\d+)?) ?(Ngày làm việc|Ngày|Giờ|Tháng|Năm)(?=" + _FEE + r"?)"
                 r"|(?=Không có thông tin" + _FEE + r"?))")
# _ROW with the fee look-ahead: matched at each label (``_row_matches``)
_ROW_AT = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)" + _TIME_AND_FEE)
# where a label, so a row, can start ("Trực t": "Trực tiếp" and "Trực tuyến")
_LABEL_STARTS = ("Trực t", "Dịch vụ bưu chính")


@dataclass(init=False)
class ChannelRow:
    """A row of the table. Its ``__init__`` written out and ``__slots__``: the one dataclass
    writes is Python code, run as such in the compiled module (~1,800 instructions a row,
    about half of that here), and every table's rows are built once a run."""

    __slots__ = ("kind", "value", "unit", "fee", "start", "end", "label_end")
    kind: str  # truc_tiep | truc_tuyen | buu_chinh
    value: float | None
    unit: str | None
    fee: str | None  # fee cell as written ("Miễn phí", "20.000 VNĐ", "Không có thông tin")
    start: int
    end: int  # after the time cell
    label_end: int  # after the channel label ("Trực tiếp"), which the time cell is glued to

    def __init__(self, kind: str, value: float | None, unit: str | None, fee: str | None, start: int, end: int,
                 label_end: int) -> None:
        self.kind = kind
        self.value = value
        self.unit = unit
        self.fee = fee
        self.start = start
        self.end = end
        self.label_end = label_end


def _row_matches(text: str) -> list[re.Match[str]]:
    """``list(_ROW.finditer(text))``, tried only at the labels: every match starts with one.
    As finditer, the next match is looked for from the end of the last one (or one past a
    label where ``match`` fails), at the first label from there. The labels are walked here,
    the nearer of the next "Trực t" and the next "Dịch vụ bưu chính" (``str.find``, each
    looked for again only once passed: they start with different letters, so never at one
    position), not listed first by ``text.search.literal_starts``: that module is not
    compiled, and its loop over every label, also those inside a row, cost ~9,600
    instructions a table against ~22,000 for the whole parse (callgrind, portal records)."""
    match, rows = _ROW_AT.match, []
    direct_online, postal = _LABEL_STARTS
    t, d = find(text, direct_online), find(text, postal)  # the next label of each kind, -1 when none
    while t >= 0 or d >= 0:
        p = t if d < 0 or 0 <= t < d else d
        m = match(text, p)
        if m is None:
            end = p + 1
        else:
            end = m.end()
            rows.append(m)
        if 0 <= t < end:
            t = find(text, direct_online, end)
        if 0 <= d < end:
            d = find(text, postal, end)
    return rows


def portal_channel_rows(text: str) -> list[ChannelRow]:
    """Rows of a portal channel table; empty when ``text`` is not in that format."""
    rows = []
    for m in _row_matches(text):
        label, number, unit_cell, fee, no_time_fee = m.groups()
        if number is None:  # "Trực tiếpKhông có thông tin": time cell empty, fee follows
            value = unit = None
            fee = no_time_fee
        else:  # a number always comes with its unit cell (one branch of _ROW)
            # (the replace only where needed: a method call, and most numbers are whole)
            value = float(number.replace(",", ".") if "," in number else number)
            unit = _UNIT_OF_CELL[unit_cell]
        start, end = m.span()  # (the label, group 1, starts the match: it ends len(label) later)
        rows.append(ChannelRow(_KIND_OF_CELL[label], value, unit, fee, start, end, start + len(label)))
    return rows


def view_rows(view) -> list[ChannelRow]:
    """``portal_channel_rows`` of a component view (``rules.matchers.ComponentView``), parsed
    once per view and kept in its cache for the other rules of the run.

    Why on the view: the engine runs rule by rule over all procedures, so a bounded cache
    keyed on the text (as before) was emptied between two rules once a run held more texts
    than its bound, and every rule parsed every table again (5 parses a procedure on
    10,000 procedures)."""
    # ``in`` and ``[]`` rather than ``.get``: compiled, a method call on an object of unknown
    # type costs about twice the two look-ups (several rules ask, ~7 calls a procedure)
    cache = view.cache
    if "channel_rows" in cache:
        return cache["channel_rows"]
    rows = cache["channel_rows"] = portal_channel_rows(view.text)
    return rows


# words that name a channel in free text (a channel component that is not the portal table)
ONLINE_WORDS = ("trực tuyến", "cổng dịch vụ công", "qua mạng")
POSTAL_WORDS = ("bưu chính", "bưu điện")


def channel_kinds(proc: Procedure, rows: list[ChannelRow] | None = None) -> set[str]:
    """Channel kinds offered: typed channels first, else the portal table, else keywords.
    ``rows``: the table of the channels component if the caller has parsed it already."""
    if proc.channels:
        return {c.kind for c in proc.channels}
    if rows is None:
        rows = portal_channel_rows(proc.component_text("channels"))
    if rows:
        return {r.kind for r in rows}
    low = proc.component_text("channels").lower()
    kinds = set()
    if "trực tiếp" in low:
        kinds.add("truc_tiep")
    if any(word in low for word in ONLINE_WORDS):
        kinds.add("truc_tuyen")
    if any(word in low for word in POSTAL_WORDS):
        kinds.add("buu_chinh")
    return kinds


def states_a_time_value(proc: Procedure, channels_view) -> bool:
    """Does the procedure state a time value? Its typed time limits answer whenever it has
    any (a value among them); only without them the portal channel table does (a row with
    a time cell), parsed once per view (``view_rows``). BP001 asks this of every procedure
    without a time-limit text. ``channels_view``: the channels component's view.
    The typed limits are the procedure's, then each channel's, read in place (no generator:
    compiled, a generator object a call, and every procedure asks)."""
    typed = False
    for tl in proc.time_limits:
        if tl.value is not None:
            return True
        typed = True
    for ch in proc.channels:
        for tl in ch.time_limits:
            if tl.value is not None:
                return True
            typed = True
    return not typed and any(row.value is not None for row in view_rows(channels_view))
