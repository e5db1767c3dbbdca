"""Readers for the glued table text of national-portal records.

The portal crawler concatenated table cells without separators, e.g. the channel table
``Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp60 Ngày làm việcKhông có thông tin…``.
Rules that need the channel kinds, time limits or fees read them from the typed
``Procedure.channels`` when the extractor filled them, and otherwise from this parser, so a
rule works on both extracted documents and raw portal records.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Iterator

from tthc_pipeline.procedures.model import Procedure, TimeLimit

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
# _ROW split by the label's first words, each regex starting with a literal ("Trực t", the
# parser factors it out of the alternation) that the regex engine scans for
_ROWS_BY_LABEL = (re.compile(r"(Trực tiếp|Trực tuyến)" + _TIME_AND_FEE),
                  re.compile(r"(Dịch vụ bưu chính)" + _TIME_AND_FEE))
_BY_START = operator.methodcaller("start")


@dataclass
class ChannelRow:
    kind: str  # truc_tiep | truc_tuyen | buu_chinh
    value: float | None
    unit: str | None
    fee: str | None  # fee cell as written ("Miễn phí", "20.000 VNĐ", "Không có thông tin")
    start: int
    end: int  # after the time cell
    label_end: int  # after the channel label ("Trực tiếp"), which the time cell is glued to


def _row_matches(text: str) -> list[re.Match[str]]:
    """``list(_ROW.finditer(text))``, from the two regexes of ``_ROWS_BY_LABEL``: _ROW starts
    with an alternation, which the regex engine scans for by testing every character against
    a set of first letters; each of the two starts with a literal, found like ``str.find``.
    A match is a label and its time cell, which holds no label, so no label starts inside
    one: each regex's matches are _ROW's at its labels, and sorted by start they are all of
    _ROW's (the two never start at the same place)."""
    direct_or_online, postal = _ROWS_BY_LABEL
    rows = list(direct_or_online.finditer(text))
    if "Dịch vụ bưu chính" in text:  # (a find costs less than a regex scan finding nothing)
        rows += postal.finditer(text)
        rows.sort(key=_BY_START)
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
            value = float(number.replace(",", "."))
            unit = _UNIT_OF_CELL[unit_cell]
        rows.append(ChannelRow(_KIND_OF_CELL[label], value, unit, fee, m.start(), m.end(), m.end(1)))
    return rows


def view_rows(view) -> list[ChannelRow]:
    """``portal_channel_rows`` of a component view (``rules.matchers.ComponentView``), parsed
    once per view and kept in its cache for the other rules of the run.

    Why on the view: the engine runs rule by rule over all procedures, so a bounded cache
    keyed on the text (as before) was emptied between two rules once a run held more texts
    than its bound, and every rule parsed every table again (5 parses a procedure on
    10,000 procedures)."""
    rows = view.cache.get("channel_rows")
    if rows is None:
        rows = view.cache["channel_rows"] = portal_channel_rows(view.text)
    return rows


# words that name a channel in free text (a channel component that is not the portal table)
ONLINE_WORDS = ("trực tuyến", "cổng dịch vụ công", "qua mạng")
POSTAL_WORDS = ("bưu chính", "bưu điện")


def channel_kinds(proc: Procedure, rows: list[ChannelRow] | None = None) -> set[str]:
    """Channel kinds offered: typed channels first, else the portal table, else keywords.
    ``rows``: the table of the channels component if the caller has parsed it already."""
    if proc.channels:
        return {c.kind for c in proc.channels}
    text = proc.component_text("channels")
    if rows is None:
        rows = portal_channel_rows(text)
    if rows:
        return {r.kind for r in rows}
    low = text.lower()
    kinds = set()
    if "trực tiếp" in low:
        kinds.add("truc_tiep")
    if any(word in low for word in ONLINE_WORDS):
        kinds.add("truc_tuyen")
    if any(word in low for word in POSTAL_WORDS):
        kinds.add("buu_chinh")
    return kinds


def typed_time_limits(proc: Procedure) -> Iterator[TimeLimit]:
    """The typed time limits: the procedure's, then each channel's."""
    yield from proc.time_limits
    for ch in proc.channels:
        yield from ch.time_limits


def states_a_time_value(proc: Procedure, channels_view) -> bool:
    """Does the procedure state a time value? Its typed time limits answer whenever it has
    any (a value among them); only without them the portal channel table does (a row with
    a time cell), parsed once per view (``view_rows``). BP001 asks this of every procedure
    without a time-limit text. ``channels_view``: the channels component's view."""
    typed = False
    for tl in typed_time_limits(proc):
        if tl.value is not None:
            return True
        typed = True
    return not typed and any(row.value is not None for row in view_rows(channels_view))
