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


def _trim_glued_plain(text: str, sym_start: int, sym_end: int) -> int:
    """citations._trim_glued as first written: the segment walked to by index, the glued
    letters read by the regex before the known-code test."""
    sym = text[sym_start:sym_end]
    hy = max(sym.rfind("-"), sym.rfind("_"))
    seg_start = sym_start + hy + 1 if hy >= 0 else sym_start
    while seg_start < sym_end and text[seg_start].isspace():
        seg_start += 1
    seg = text[seg_start:sym_end]
    if not seg.isalpha():
        return sym_end
    tail = citations._LETTERS.match(text, sym_end).group(0)
    if seg in citations._KNOWN_CODES and (not tail or tail[0].islower()):
        return sym_end
    for cut in range(len(seg) - 1, 0, -1):
        if seg[:cut] in citations._KNOWN_CODES and citations._syllable(seg[cut:] + tail):
            return seg_start + cut
    if tail and tail[0].islower() and citations._syllable(seg[-1] + tail):
        if len(seg) > 1:
            return sym_end - 1
        if hy >= 0:
            return len(text[:sym_start + hy].rstrip())
    return sym_end


def test_trim_glued_equals_the_plain_reading() -> None:
    """On every symbol of the real texts and generated ones, also with every letter, digit,
    space and lower-case letter glued after it (Latin, Vietnamese, other scripts)."""
    from tthc_pipeline.legal.citations import LOOSE_NUMBER_RE

    texts = generated_texts() + (real_texts() if PORTAL.is_dir() else [])
    glue = ["", " ", "h", "T", "Luật", "uy", "ƯU", "ư", "ⓐ", "ⅰ", "5", "٣", "_", "-x", "\u00a0Q", "Ω", "ß"]
    cases = 0
    for text in texts:
        for rx in (NUMBER_RE, LOOSE_NUMBER_RE):
            for m in rx.finditer(text):
                a, b = m.span("sym")
                for g in glue:
                    t = text[:b] + g + text[b:]
                    assert citations._trim_glued(t, a, b, m.start("seg")) == _trim_glued_plain(t, a, b), (t[a:b + 8], g)
                    cases += 1
    assert cases > 20000


def _spans(matches) -> list[tuple]:
    return [m.regs for m in matches]


def corpus_texts() -> list[str]:
    """The documents of the repository's corpus samples and of the shared real data (markdown)."""
    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "corpus" / "samples").glob("*")) + sorted((PORTAL.parents[1] / "md").glob("*.md"))
    return [f.read_text("utf-8", errors="replace") for f in files if f.is_file()]


def test_strict_scan_from_the_symbols_equals_finditer_on_real_texts() -> None:
    from tthc_pipeline.text.normalize import clean

    texts = real_texts() + corpus_texts()
    texts += [clean(t) for t in texts]
    differ = [t[:200] for t in texts if _spans(citations._strict_matches(t)) != _spans(NUMBER_RE.finditer(t))]
    assert differ == []
    assert sum(len(_spans(NUMBER_RE.finditer(t))) for t in texts) > 1000  # the texts do cite


def test_strict_scan_from_the_symbols_equals_finditer_on_generated_texts() -> None:
    """Also at the widest reach: 5 digits, ".ddd", spaces around both "/" (the generator's
    separators go up to 4 spaces, one more than a number may have), adjacent and overlapping
    candidates ("1/2/NĐ-CP", "12345.678 / 2O18 /NĐ-CP/TT-BCA")."""
    rng = random.Random(20261130)
    texts = generated_texts()
    heads = ["12345.678", "99999", "1.5", "15a", "7", "0", "123456", "2011"]
    tails = ["NĐ-CP", "TT-BCA", "QH14", "UBTVQH11", "nđ-cp", "ttlt-bca-bqp", "TTg", "ABC", "qh", "/", "-", ""]
    for _ in range(4000):
        sep = lambda: " " * rng.choice([0, 1, 3, 4])  # noqa: E731
        parts = []
        for _ in range(rng.randint(1, 6)):
            parts.append(rng.choice(heads + ["", "x", "Đ", "\n"]))
            if rng.random() < 0.5:
                parts.append(f"{sep()}/{sep()}{rng.choice(['2018', '2O18', '1999', '20'])}")
            parts.append(f"{sep()}/{sep()}{rng.choice(tails)}")
        texts.append("".join(parts))
    differ = [t for t in texts if _spans(citations._strict_matches(t)) != _spans(NUMBER_RE.finditer(t))]
    assert differ == []
    reach = [t.rfind("/", m.start(), m.start("sym")) - m.start() for t in texts for m in NUMBER_RE.finditer(t)]
    assert len(reach) > 3000 and max(reach) == citations._HEAD_REACH  # the widest reach is exercised


def test_strict_symbol_start_takes_every_first_letter_of_a_strict_symbol() -> None:
    """_STRICT_SYMBOL's letters are the first letters of _SYM_STRICT's alternatives: _PREFIX's
    (in any case), "q" of "QH" (any case), "U" of "UBTVQH"; on every code point it matches
    what those letters, each as _SYM_STRICT writes it, match."""
    import re
    import sys

    assert citations._SYM_STRICT == (
        rf"(?:{citations._PREFIX}(?:{citations._HY}(?:{citations._SEG}))+|(?i:q\s?h)\s?\d{{2}}|UBTVQH\d{{2}})"
    )
    firsts = {alt[0] for alt in citations._PREFIX.removeprefix("(?i:").removesuffix(")").split("|")} | {"q"}
    as_written = re.compile("|".join(f"(?i:{c})" for c in sorted(firsts)) + "|U")
    differ = [c for c in map(chr, range(sys.maxunicode + 1))
              if bool(citations._STRICT_SYMBOL.match("/" + c)) != bool(as_written.match(c))]
    assert differ == []
