"""The compiled canon()/fold() (text/_native.c) give exactly what the Python ones give.

The C code gets its semantics from tables read off the Python implementation, so these
tests compare outputs, never a hand-written expectation: every code point alone and in the
contexts the tone rule looks at, random texts over the characters that matter, and every
real text in ../shared/realdata.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from conftest import REPO, realdata
from tthc_pipeline.text import normalize
from tthc_pipeline.text.normalize import BYTE_CHARS, bytez, canon_bytez_py, canon_py, fold_py

pytestmark = pytest.mark.skipif(
    not normalize.NATIVE,
    reason="tthc_pipeline.text._native not built (no C compiler at install?): the Python canon/fold run",
)


def _same(texts: list[str]) -> None:
    for text in texts:
        assert normalize.canon(text) == canon_py(text), repr(text)
        assert normalize.fold(text) == fold_py(text), repr(text)
        assert normalize.canon_bytez(text) == canon_bytez_py(text), repr(text)


def test_every_code_point_alone_and_in_the_tone_rule_contexts():
    # the capital sigma and characters outside the BMP send the whole text to Python: kept
    # out of the chunks so that the compiled path is what is compared for every other one
    points = [chr(c) for c in range(0x10000) if c != 0x3A3]
    _same(["\u03a3", "ΑΣ", "ΑΣ Α", "oà\u03a3"] + [chr(c) for c in range(0x10000, 0x110000, 97)])
    chunk = 2000
    for i in range(0, len(points), chunk):
        part = points[i : i + chunk]
        joined = "".join(part)
        # alone (the joined text too: neighbours must not change a character's lower case)
        assert normalize.canon(joined) == canon_py(joined)
        assert normalize.fold(joined) == fold_py(joined)
        assert normalize.canon_bytez(joined) == canon_bytez_py(joined)
        # each point as the character after "oà"/"uý" (the look-ahead), after "o"/"U" (the
        # toned vowel's slot) and before "oà" (the "qu" check)
        for contexts in (("oà", ""), ("Uý", ""), ("o", ""), ("U", ""), ("", "oà"), ("q", "uý")):
            text = "".join(contexts[0] + p + contexts[1] + " " for p in part)
            assert normalize.canon(text) == canon_py(text)


def test_every_pair_of_first_and_toned_vowel_in_every_surrounding():
    toned = normalize._TONED_A_E + normalize._TONED_Y
    before = ["", " ", "q", "Q", "h", "1", "_"]
    after = ["", " ", "n", "_", "1", ".", "\u0301", "Σ"]
    texts = [b + f + t + a for f in "oOuUaeiy" for t in toned + "aey" for b in before for a in after]
    _same(texts)


def test_random_texts_over_the_characters_that_matter():
    alphabet = list("oOuUqQaAeEyYiIhH _1.\n") + list(normalize._TONED_A_E + normalize._TONED_Y)
    alphabet += ["Σ", "σ", "İ", "ß", "ŉ", "\u0301", "\ud800", "\U0001d400", "Ⱥ", "Đ", "ǅ", "ẞ", "K"]
    rng = random.Random(20261128)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(20000)]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(500, 3000))) for _ in range(50)]
    _same(texts)


def test_every_real_text():
    texts = []
    for path in sorted(realdata("portal-json", "bo-cong-an").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        texts.extend(v for v in record.values() if isinstance(v, str))
    for path in sorted(realdata("md").glob("*.md")):
        texts.append(path.read_text(encoding="utf-8"))
    assert len(texts) > 3000
    _same(texts)
    _same([normalize.clean(t) for t in texts])


def test_every_component_of_the_portal_records():
    # the texts the rule engine normalises: every component of every parsed portal record
    from tthc_pipeline.rules.check_inputs import load_procedures

    procedures = load_procedures([realdata("portal-json", "bo-cong-an")])
    texts = [span.text for proc in procedures for span in proc.components.values()]
    texts += [proc.name for proc in procedures if proc.name]
    assert len(texts) > 3000
    _same(texts)


def test_every_code_point_in_texts_of_each_storage_kind():
    # the compiled functions write the result in the storage kind they guess (the input's for
    # canon, ASCII for fold) and copy or rewrite it when the guess was wrong (K, the Kelvin
    # sign, lower-cases to ASCII; fold keeps "€" wide): every code point alone, after an ASCII,
    # a Latin-1 and a BMP character, and inside ASCII runs read by blocks
    texts = []
    for code in range(0x10000):
        if code != 0x3A3:  # the capital sigma goes to Python (tested above)
            p = chr(code)
            texts += [p, "a" + p, "é" + p, "ệ" + p, "Hoà BÌNH " + p + " ABCDEFGHIJ", "xyz" + p * 3 + "QRSTUVWX"]
    _same(texts)


def test_random_mostly_ascii_texts():
    # Vietnamese text is ~80 % ASCII: ASCII runs of every length and alignment, ended by
    # o/u + a toned vowel (the tone rule looks back into a run) or by other characters
    alphabet = list("abcdefghoOuUqQyYzZ AMZ@[`{_1.") * 4 + list(normalize._TONED_A_E + normalize._TONED_Y)
    alphabet += ["é", "ệ", "Đ", "K", "€", "\ud800", "\x7f", "ÿ", "Ÿ", "\u0301"]
    rng = random.Random(20261130)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(30000)]
    texts += ["".join(rng.choice(alphabet[:-10]) for _ in range(rng.randint(0, 60))) for _ in range(10000)]
    _same(texts)


def _bytez_spec(text: str) -> bytes:
    """bytez() as its definition says: ASCII as itself, BYTE_CHARS from 0x80 on, the rest 0xFF."""
    return bytes(ord(c) if c < "\x80" else 0x80 + BYTE_CHARS.index(c) if c in BYTE_CHARS else 0xFF
                 for c in text + "\x00")


def test_bytez_of_every_code_point():
    points = "".join(map(chr, range(0x110000)))  # surrogates too: texts that bypassed clean()
    assert bytez(points) == _bytez_spec(points)
    assert bytez("") == b"\x00" and bytez("sổ\x00") == b"s\xa9\x00\x00"
    assert set(normalize.VIETNAMESE_LOWER) <= set(BYTE_CHARS)


def test_canon_bytez_is_canon_and_its_bytez():
    for text in ["", "Hoà", "a\x00b", "ΑΣ", "x\U0001d400", "\u0800\uffff\u07ff\u212a", "é" * 3000, "Uý" * 900,
                 "SỔ HỘ KHẨU … ≤ » \u2003", "oà\u03a3", "Hoà" * 20 + "\U0001f600"]:
        assert normalize.canon_bytez(text) == (canon_py(text), _bytez_spec(canon_py(text))) == canon_bytez_py(text)
    # a lone surrogate (texts that bypassed clean()) is one more character without a byte
    for text in ["a\udcff", "\ud800" * 2000, "\U0001d400\ud800", "Σ\udfff", "ab\udcffcdefghijklmnopqrstuvwxyzàá"]:
        assert normalize.canon_bytez(text) == (canon_py(text), _bytez_spec(canon_py(text))) == canon_bytez_py(text)


def test_type_errors_are_python_errors():
    with pytest.raises(TypeError):
        normalize.canon(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalize.fold(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalize.canon_bytez(b"bytes")  # type: ignore[arg-type]


def test_the_python_implementation_can_be_forced():
    code = "from tthc_pipeline.text import normalize as n; print(n.NATIVE, n.canon('Hoà'), n.canon_bytez is n.canon_bytez_py, n.find is n.find_py)"
    env = {"TTHC_NO_NATIVE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "hòa", "True", "True"]
    # and for the compiled scanner of the rules
    code = "from tthc_pipeline.rules import number_screen as s; print(s._number_years is s._number_years_py)"
    for forced, want in ((env, ["True"]), ({"PATH": "/usr/bin:/bin"}, ["False"])):
        out = subprocess.run([sys.executable, "-c", code], env=forced, cwd=REPO, capture_output=True, text=True, check=True)
        assert out.stdout.split() == want


def test_count_non_ascii_matches_python():
    from tthc_pipeline.text.normalize import count_non_ascii_py

    rng = random.Random(7)
    alphabet = ["a", " ", "à", "ệ", "\U0001d400", "\x7f", "\x80", "ÿ"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    for text in texts:
        for limit in (0, 1, 7, 20, 2000, -3):
            assert normalize.count_non_ascii(text, limit) == count_non_ascii_py(text, limit), (text, limit)


def test_find_and_rfind_match_str_methods():
    """The compiled find/rfind (METH_FASTCALL) against str.find/rfind, every argument count,
    negative, out-of-range and overflowing bounds, texts of every storage kind."""
    rng = random.Random(11)
    alphabet = ["a", "b", "\n", ".", "ặ", "ÿ", "\U0001d400"]
    huge = sys.maxsize * 4
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        sub = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3)))
        a, b = rng.randint(-18, 18), rng.randint(-18, 18)
        for bounds in ((), (a,), (a, b), (a, huge), (-huge, b)):
            assert normalize.find(text, sub, *bounds) == text.find(sub, *bounds), (text, sub, bounds)
            assert normalize.rfind(text, sub, *bounds) == text.rfind(sub, *bounds), (text, sub, bounds)
            assert normalize.find_py(text, sub, *bounds) == text.find(sub, *bounds)
            assert normalize.rfind_py(text, sub, *bounds) == text.rfind(sub, *bounds)
    assert normalize.find is not normalize.find_py
    for bad in ((1, "a"), ("a", 1), ("a", "b", "c"), ("a",), ("a", "b", 1, 2, 3)):
        with pytest.raises(TypeError):
            normalize.find(*bad)
        with pytest.raises(TypeError):
            normalize.rfind(*bad)
    with pytest.raises(TypeError):
        normalize.count_non_ascii("a")
