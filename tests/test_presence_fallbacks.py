"""BP001's presence fallback asks ``portal.states_a_time_value``, which stops at the first
answer and parses the channel table only without typed time limits: the answers must be those
of the plain reading (every typed limit, else every table row) on the real records and on
typed procedures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc_pipeline.procedures.model import Channel, Procedure, TextSpan, TimeLimit
from tthc_pipeline.rules.matchers import ProcView
from tthc_pipeline.rules.portal import portal_channel_rows, states_a_time_value

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"


def _plain(proc: Procedure) -> bool:
    """The specification: a time value among the typed limits when there are any, else among
    the channel table's rows (as the rules' ``time_values`` read them before)."""
    typed = [tl.value for tl in proc.time_limits] + [tl.value for ch in proc.channels for tl in ch.time_limits]
    if typed:
        return any(v is not None for v in typed)
    return any(row.value is not None for row in portal_channel_rows(proc.component_text("channels")))


def _typed_cases() -> list[Procedure]:
    table = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việcMiễn phí"
    empty = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông có thông tinMiễn phí"
    out = []
    for text in (table, empty, ""):
        components = {"channels": TextSpan(text)} if text else {}
        out.append(Procedure(id="a", name="x", components=dict(components)))
        out.append(Procedure(id="b", name="x", components=dict(components), time_limits=[TimeLimit("theo quy định")]))
        out.append(Procedure(id="c", name="x", components=dict(components), time_limits=[TimeLimit("5 ngày", 5.0)]))
        out.append(Procedure(id="d", name="x", components=dict(components),
                             channels=[Channel(kind="truc_tiep", time_limits=[TimeLimit("kịp thời")])]))
        out.append(Procedure(id="e", name="x", components=dict(components),
                             channels=[Channel(kind="truc_tiep", time_limits=[TimeLimit("3 ngày", 3.0)])]))
    return out


def test_states_a_time_value_on_typed_procedures():
    cases = _typed_cases()
    assert {_plain(p) for p in cases} == {True, False}
    for proc in cases:
        assert states_a_time_value(proc, ProcView(proc).view("channels")) == _plain(proc), proc.id


def test_states_a_time_value_on_portal_records():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures

    procs = load_procedures([PORTAL])
    for proc in procs:
        assert states_a_time_value(proc, ProcView(proc).view("channels")) == _plain(proc), proc.id
        # the same when the channel table decides (no typed limits)
        untyped = Procedure(id=proc.id, name=proc.name, components=proc.components)
        assert states_a_time_value(untyped, ProcView(untyped).view("channels")) == _plain(untyped), proc.id
