"""The number screen's proper-suffix test (``number_screen._read_inside``): a run of at most 4
digits is read as a proper suffix ("147/2014" as 7/2014) only after a symbol glued to it. The
screen must stay sound on texts made of such glued symbols and runs, and refuse the common
case it exists for (a basis citing 47/2014/QH13 screened for 07/2014)."""

from __future__ import annotations

import random

from tthc_pipeline.legal.citations import document_numbers
from tthc_pipeline.rules.matchers import ComponentView
from tthc_pipeline.rules.number_screen import NumberScreen

from test_number_screen import unsound


def test_refuses_a_run_that_only_ends_with_the_number() -> None:
    text = "Luật Nhập cảnh, xuất cảnh số 47/2014/QH13; Nghị định số 147 /2014/NĐ-CP"
    assert not NumberScreen.for_ids(["07/2014/TT-BCA"]).may_cite(ComponentView(text, None))
    assert NumberScreen.for_ids(["47/2014/QH13"]).may_cite(ComponentView(text, None))


def test_sound_on_runs_glued_after_symbols() -> None:
    rng = random.Random(20261130)
    before = ["QH", "QH ", "q h", "qh\u00a0", "UBTVQH", "ABC", "TTg", "TT-BCA", "NĐ-CP", "NĐ-C", "Ð", "Ɖ", "x",
              "H", "h ", " ", "; ", "số ", "/", "12/2015/", "5/2013/", "1", "\u200b", "X\u0301",
              "12/2015/QH ", "12/2015/qh ", "12/2015/qh", "Việt Nam", "m", "đ", "5/2013/q h", "3/2016/UBTVQH", "4/2017/ABC", "6/2019/QH\u00a0"]
    after = ["NĐ-CP", "QĐ-TTg", "TT-BCAThông tư", "QH14", "nd-cp", "X", "ABC12", "UBTVQH13"]
    made = 0
    for _ in range(6000):
        parts = []
        for _ in range(rng.randint(1, 5)):
            parts.append(rng.choice(before))
            digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 6)))
            year = rng.choice(["2014", "2O14", "2018"])
            sp = lambda: " " * rng.choice([0, 0, 1, 3])  # noqa: E731
            parts.append(f"{digits}{sp()}/{sp()}{year}{sp()}/{sp()}{rng.choice(after)}")
        text = "".join(parts)
        made += len(document_numbers(text))
        assert unsound(text) == [], text
    assert made > 6000


def test_glued_end_letters_are_spelled_so_in_the_screen_text() -> None:
    """Every printable character but KELVIN SIGN (which sends the screen to the clean text)
    that clean() turns into one of ``_GLUED_END`` is one itself."""
    from tthc_pipeline.rules.number_screen import _GLUED_END, _KELVIN
    from tthc_pipeline.text.normalize import clean

    for code in range(0x110000):
        ch = chr(code)
        if ch.isprintable() and ch != _KELVIN and ch not in _GLUED_END:
            assert not set(clean(ch)) & _GLUED_END, hex(code)
