"""Shortcuts of the citation parser's number pass (legal.citations._numbers) against the plain
reading they replace: on every component of the 339 portal records and on generated texts
made of the pieces numbers are read from (digits, "/", years with OCR letters, spaces,
capitals, type words, glued cells)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tthc_pipeline.legal import citations
from tthc_pipeline.legal.citations import LOOSE_NUMBER_RE, NUMBER_RE

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"


def loose_outside(text: str) -> list[int]:
    """Starts of the loose matches outside every strict match (the plain reading: both scans)."""
    strict = [(m.start(), m.end()) for m in NUMBER_RE.finditer(text)]
    return [m.start() for m in LOOSE_NUMBER_RE.finditer(text) if not any(a <= m.start() < b for a, b in strict)]


def skip_is_sound(text: str) -> bool:
    """The loose scan is skipped only where it finds nothing outside the strict matches."""
    return citations._loose_may_add(text, list(NUMBER_RE.finditer(text))) or not loose_outside(text)


def real_texts() -> list[str]:
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures

    return [s.text for p in load_procedures([PORTAL]) for s in p.components.values() if s.text]


def generated_texts(n: int = 6000) -> list[str]:
    rng = random.Random(20261129)
    pieces = ["Nghị định số ", "Thông tư ", "Công văn số ", "Luật ", "NĐ ", "năm ", "ngày ", ", ", "; ", "\n", " ",
              "/", ".", "-", "_", "a", "B", "Nhập", "quy định", "TTLT", "BQP", "TTg", "TTG", "QH14", "UBTVQH11",
              "NĐ-CP", "nđ-cp", "TT-BCA", "QĐ-UBND", "BTP-HTQTCT", "PL-UBTVQH11", "ABC", "Đ", "CP"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 8)):
            parts.append(rng.choice(pieces))
            if rng.random() < 0.7:
                parts.append("".join(rng.choice("0123456789") for _ in range(rng.randint(1, 7))))
                if rng.random() < 0.2:
                    parts.append(rng.choice([".5", ".25", "a", "b"]))
            if rng.random() < 0.6:
                sep = lambda: " " * rng.choice([0, 0, 0, 1, 3, 4])  # noqa: E731
                year = rng.choice(["2018", "2O18", "2Ol8", "1999", "201", ""])
                parts.append(f"{sep()}/{sep()}{year}{sep()}/{sep()}" if year else f"{sep()}/{sep()}")
        out.append("".join(parts))
    return out


def test_loose_scan_skipped_only_where_it_adds_nothing_real() -> None:
    texts = real_texts()
    unsound = [t[:200] for t in texts if not skip_is_sound(t)]
    assert unsound == []
    skipped = sum(not citations._loose_may_add(t, list(NUMBER_RE.finditer(t))) for t in texts if "/" in t)
    assert skipped > 0.9 * sum("/" in t for t in texts)  # it must skip, or it only costs time


def test_loose_scan_skipped_only_where_it_adds_nothing_generated() -> None:
    texts = generated_texts()
    assert [t for t in texts if not skip_is_sound(t)] == []
    assert sum(bool(loose_outside(t)) for t in texts) > 300  # the texts do exercise loose matches


def test_trim_glued_reads_a_letter_after_the_symbol_as_the_regex_does() -> None:
    """_trim_glued calls the _LETTERS regex only where the character after the symbol is
    alphanumeric and not a decimal digit: the same set as [^\\W\\d_], on every code point."""
    import sys

    differ = [c for c in range(sys.maxunicode + 1)
              if bool(citations._LETTERS.match(chr(c)).group(0)) != (chr(c).isalnum() and not chr(c).isdecimal())]
    assert differ == []
