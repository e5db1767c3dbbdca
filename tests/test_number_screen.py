"""The number screen in front of the citation parser must be sound: whenever the parser
(``legal.citations.document_numbers``) reads a number in a text, the screen for that number
passes the text. Checked on every component of the 339 portal records, on hand-made
glued/OCR/invisible-character cases, and on generated texts; and it must actually screen
(texts citing other documents are refused), or it would only cost time.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tthc_pipeline.legal.citations import document_numbers
from tthc_pipeline.rules.matchers import ComponentView
from tthc_pipeline.rules.number_screen import _KELVIN, NumberScreen

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"
_SCREENS: dict[str, NumberScreen] = {}


def passes(number: str, text: str) -> bool:
    screen = _SCREENS.get(number)
    if screen is None:
        screen = _SCREENS[number] = NumberScreen.for_ids([number])
    return screen.may_cite(ComponentView(text, None))


def unsound(text: str) -> list[str]:
    """Numbers the parser reads in ``text`` that the screen for that number refuses."""
    return [number for number, _, _ in document_numbers(text) if not passes(number, text)]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Luật Khiếu nại năm 201161/2018/NĐ-CP", "61/2018/NĐ-CP"),  # year glued before the number
        ("Nghị định số 061 / 2O18 / NĐ-CP", "61/2018/NĐ-CP"),  # padding, spaces, OCR year
        ("Nghị định 6\u200b1/2Ol8/NĐ-CP", "61/2018/NĐ-CP"),  # invisible character, OCR "l"
        ("Nghị định số ６１/2018/NĐ-CP", "61/2018/NĐ-CP"),  # fullwidth digits: int() reads them
        ("Thông tư 5/2014/TT-BCA", "05/2014/TT-BCA"),
        ("Nghị định 15a/2020/NĐ-CP", "15a/2020/NĐ-CP"),
        ("Nghị quyết 66.7/2025/NQ-CP", "66.7/2025/NQ-CP"),
        ("Quyết định 1699/QĐ-TTg", "1699/QĐ-TTg"),
        ("Luật Cư trú68/2020/QH14Nghị định 62/2021/NĐ-CP", "62/2021/NĐ-CP"),
    ],
)
def test_screen_passes_what_the_parser_reads(text: str, number: str) -> None:
    assert number in [n for n, _, _ in document_numbers(text)], "the case must be one the parser reads"
    assert passes(number, text)


def test_screen_refuses_texts_citing_other_documents() -> None:
    basis = "Luật Cư trú số 68/2020/QH14; Nghị định 154/2024/NĐ-CP; ngày 12/6/2018; Thông tư 61/2019/TT-BCA"
    assert not passes("61/2018/NĐ-CP", basis)
    assert not passes("15a/2020/NĐ-CP", basis)
    assert not passes("1699/QĐ-TTg", basis)
    assert passes("154/2024/NĐ-CP", basis)
    assert not NumberScreen.for_ids([]).may_cite(ComponentView(basis, None))


def test_screen_steps_aside_when_it_cannot_read_an_id_or_the_registry() -> None:
    view = ComponentView("Nghị định 99/2030/NĐ-CP", None)
    assert NumberScreen.for_ids(["VBHN-01/2020"]).may_cite(view)  # an id shape it does not know
    assert NumberScreen.for_ids(["²/2020/NĐ-CP"]).may_cite(view)  # not ASCII digits (int() refuses "²")
    assert NumberScreen.for_registry(object(), lambda _id: True).may_cite(view)  # no .entries


def test_registry_matcher_does_not_screen_for_unknown_status() -> None:
    """Every number missing from the registry has status "unknown": no screen can list them."""
    from datetime import date

    from tthc_pipeline.rules.builtins import RegistryMatcher
    from tthc_pipeline.rules.matchers import Context
    from tthc_pipeline.rules.schema import Rule

    rule = Rule(id="X001", name="x", status="preview", severity="low", category="outdated",
                components=["legal_basis"], match={"kind": "registry", "statuses": ["unknown"]},
                message="", recommendation={}, legal_basis=[])
    screen = RegistryMatcher(rule)._screen(Context(as_of=date(2026, 1, 1), registry=object()))
    assert screen.may_cite(ComponentView("Nghị định 99/2030/NĐ-CP", None))


def test_screen_is_sound_on_every_real_component() -> None:
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures

    checked = 0
    for proc in load_procedures([PORTAL]):
        for span in proc.components.values():
            assert unsound(span.text) == [], (proc.id, span.text[:200])
            checked += len(document_numbers(span.text))
    assert checked > 1500  # the records cite ~2,000 numbers


def test_screen_is_sound_on_generated_texts() -> None:
    rng = random.Random(20261128)
    pieces = ["năm ", "Nghị định số ", "Luật", "QH14", "TT-BCA", "NĐ-CP", "QĐ-UBND", ", ", "; ", "\n", " ",
              "ngày 12/6/", "Điều 5 ", "\u200b", "\u00a0", "a", "B", ".", "-"]
    made = 0
    for _ in range(4000):
        parts = []
        for _ in range(rng.randint(1, 6)):
            parts.append(rng.choice(pieces))
            digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 7)))
            if rng.random() < 0.05:
                digits = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            year = rng.choice(["2018", "2O18", "2Ol8", "1999", "2025", "201", "20188"])
            sep = lambda: " " * rng.choice([0, 0, 0, 1, 3, 4])  # noqa: E731
            parts.append(f"{digits}{sep()}/{sep()}{year}{sep()}/{sep()}" if rng.random() < 0.8 else f"{digits}{sep()}/")
            parts.append(rng.choice(["NĐ-CP", "QĐ-TTg", "TT-BCAngày", "QH14", "nd-cp", "X"]))
        text = "".join(parts)
        made += len(document_numbers(text))
        assert unsound(text) == [], text
    assert made > 3000


def _native_number_years():
    from tthc_pipeline.rules import number_screen

    if number_screen._number_years is number_screen._number_years_py:
        pytest.skip("tthc_pipeline.text._native not built (or TTHC_NO_NATIVE set): the Python walk runs")
    return number_screen._number_years, number_screen._number_years_py


def test_compiled_number_years_equals_the_python_walk_on_generated_texts() -> None:
    native, python = _native_number_years()
    rng = random.Random(29112026)
    # spaces Python's \s and str.isspace know (tab, line break, em space, NBSP), decimal digits
    # other than ASCII (fullwidth, Arabic-Indic), years with and without OCR letters (and ones
    # the year pattern refuses: "2o18", "2I18", "201", "20188"), other text
    spaces = [" ", "\t", "\n", "\u2003", "\u00a0"]
    years = ["2018", "2O18", "2Ol8", "19I9", "1999", "2025", "2o18", "2I18", "201", "20188", "1899"]
    other = ["NĐ-CP", "ngày ", "a", "Đ", "-", "O", "l", ".", "/"]

    def digits() -> str:
        # (and one outside the BMP: the compiled walk has a loop per storage kind)
        return "".join(rng.choice("0123456789６٣") for _ in range(rng.randint(1, 6))) + (
            "\U0001d7d8" if rng.random() < 0.02 else "")

    def sep() -> str:
        return "".join(rng.choice(spaces) for _ in range(rng.choice([0, 0, 1, 2, 3, 4])))

    def token() -> str:
        roll = rng.random()
        if roll < 0.35:  # the shape looked for, its parts each varied
            return f"{digits()}{sep()}/{sep()}{rng.choice(years)}{sep()}/"
        if roll < 0.5:
            return digits()
        if roll < 0.6:
            return sep()
        if roll < 0.7:
            return "/"
        if roll < 0.85:
            return rng.choice(years)
        return rng.choice(other)

    found = 0
    for _ in range(20000):
        text = "".join(token() for _ in range(rng.randint(0, 8)))
        got = native(text)
        assert got == python(text), repr(text)
        found += bool(got)
    assert found > 2000  # the generator must make the pairs it tests
    assert native("Luật 201161/2018/NĐ-CP; số ６１ / 2Ol8 /") == [("201161", "2018"), ("61", "2018")]


def test_compiled_number_years_equals_the_python_walk_on_real_texts() -> None:
    native, python = _native_number_years()
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures
    from tthc_pipeline.text.normalize import clean

    pairs = 0
    for proc in load_procedures([PORTAL]):
        for span in proc.components.values():
            text = clean(span.text)
            got = native(text)
            assert got == python(text), (proc.id, text[:200])
            pairs += len(got)
    assert pairs > 1500


def test_non_ascii_digit_search_starts_where_one_can_be() -> None:
    """Every decimal digit other than 0-9 lies outside the Latin and Vietnamese letters that
    ``_has_non_ascii_digit`` skips, so it answers as ``_NON_ASCII_DIGIT.search`` on every
    code point, alone and after Vietnamese words."""
    import re

    from tthc_pipeline.rules import number_screen as ns

    plain = re.compile(r"[^\D0-9]")
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        if plain.search(ch):
            assert ns._NOT_LATIN.match(ch), hex(code)
        for text in (ch, f"Nghị định số {ch} và Điều 5{ch}"):
            want = plain.search(text) is not None
            # the compiled twin (when built) and the Python one
            assert ns._has_non_ascii_digit(text) == want, hex(code)
            assert ns._has_non_ascii_digit_py(text) == want, hex(code)
    if ns._has_non_ascii_digit is ns._has_non_ascii_digit_py:
        pytest.skip("tthc_pipeline.text._native not built (or TTHC_NO_NATIVE set): only the Python twin checked")


# what a screen reads (``number_screen._screen_text``): "/", ".", ASCII letters and digits
# (numbers, years, id regexes), whitespace and decimal digits
def _read(ch: str) -> bool:
    return ch in "/." or (ch.isascii() and ch.isalnum()) or ch.isspace() or ch.isdecimal()


def test_screen_text_character_facts() -> None:
    """The facts ``number_screen._reads_as_clean`` rests on, over every code point: clean()
    changes a printable character other than KELVIN SIGN only into characters (never none),
    none of them or it read by a screen; what composes under NFC is a letter (never a digit,
    space, "/" or ".") followed by a mark no screen reads."""
    import sys
    import unicodedata

    from tthc_pipeline.text.normalize import clean

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if ch.isprintable() and ch != _KELVIN:
            got = clean(ch)
            if got != ch:
                assert got and not _read(ch) and not any(map(_read, got)), hex(code)
        decomposition = unicodedata.decomposition(ch).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            starter, mark = (chr(int(c, 16)) for c in decomposition)
            assert not _read(mark), hex(code)
            assert not _read(starter) or starter.isalpha(), hex(code)
    assert clean(_KELVIN) == "K"


def test_compiled_reads_as_clean_equals_the_python_test_on_every_code_point() -> None:
    import sys

    from tthc_pipeline.text import normalize

    if normalize.reads_as_clean is normalize.reads_as_clean_py:
        pytest.skip("tthc_pipeline.text._native not built (or TTHC_NO_NATIVE set): the Python test runs")
    fast, plain = normalize.reads_as_clean, normalize.reads_as_clean_py
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        # alone, inside and after the compiled twin's 16-byte blocks, in an ASCII text too
        for text in (ch, f"Nghị định số 15{ch}/2020/NĐ-CP", "Điều 5 " * 3 + ch, f"Luat so 15/2020/ND-CP {ch} va 16"):
            assert fast(text) == plain(text), hex(code)
    assert fast("") is True and fast("Luật 68/2020/QH14") is True
    assert fast("Luật\n68") is False and fast("15\u212a/2020") is False


def _both_readings(screen: NumberScreen, text: str) -> tuple[bool, bool]:
    """(may_cite as the engine asks it, may_cite reading clean(text))."""
    from tthc_pipeline.text.normalize import clean

    plain = ComponentView(text, None)
    plain.cache["screen_text"] = clean(text)
    return screen.may_cite(ComponentView(text, None)), screen.may_cite(plain)


_ODD_IDS = ["15k/2020/NĐ-CP", "15a/2020/NĐ-CP", "66.7/2025/NQ-CP", "1699/QĐ-TTg", "61/2018/NĐ-CP", "5/2014/TT-BCA"]


def test_screen_text_reads_as_clean_on_every_real_component() -> None:
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.legal.citations import document_numbers
    from tthc_pipeline.rules.check_inputs import load_procedures

    texts = [span.text for proc in load_procedures([PORTAL]) for span in proc.components.values()]
    ids = sorted({n for t in texts for n, _, _ in document_numbers(t)})[:60] + _ODD_IDS
    screens = [NumberScreen.for_ids([i]) for i in ids] + [NumberScreen.for_ids(ids)]
    passed = 0
    for text in texts:
        for screen in screens:
            fast, plain = _both_readings(screen, text)
            assert fast == plain, text[:200]
            passed += fast
    assert passed > 500


def test_screen_text_reads_as_clean_on_generated_texts() -> None:
    rng = random.Random(20261130)
    pieces = ["Nghị định số ", "NĐ-CP", "QĐ-TTg", "\u0301", "\u0302", _KELVIN, "k", "K", "a", "O", "l", "I",
              "\u2013", "\u00d0", "\u2019", "\u00a0", "\u200b", "\u00ad", "\r\n", "\r", "\x01", "\u2000", " ",
              "/", ".", "６", "7", "2018", "2O18", "15", "66", "1699", "61", "05"]
    screens = [NumberScreen.for_ids([i]) for i in _ODD_IDS]
    passed = 0
    for _ in range(6000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(2, 14)))
        for screen in screens:
            fast, plain = _both_readings(screen, text)
            assert fast == plain, ascii(text)
            passed += fast
    assert passed > 1000

