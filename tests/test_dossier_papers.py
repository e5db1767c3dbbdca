"""The shortcuts HS009 and HS011 take when they read a dossier's papers give what the plain
reading gives: ``_outer_parts`` (cut at ", " outside parentheses, without walking the whole
text) against a walk character by character, and ``_paper_key`` (each copy-wording regex
only where it can match) against both regexes always applied, on generated texts and on
every item name and list part of the real portal dossiers; ``_drop_file_names`` (the
file-name regex run from the run of non-spaces that holds the first extension) against the
regex over the whole name."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tthc_pipeline.rules.builtins import (_COPY_FORM_AFTER, _COPY_FORM_BEFORE, _FILE_NAME, _LINE_ITEM, _drop_file_names,
                                          _item_bounds, _item_name, _outer_parts, _paper_key, dossier_items)
from tthc_pipeline.rules.matchers import quantity_cells
from tthc_pipeline.rules.check_inputs import load_procedures
from tthc_pipeline.text.normalize import canon

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"


def _walk_parts(text: str) -> list[str]:
    """The reference: one pass over every character, tracking the parenthesis depth."""
    if ", " not in text:
        return [text.strip()]
    parts, depth, last = [], 0, 0
    for k, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0 and text.startswith(", ", k):
            parts.append(text[last:k].strip())
            last = k + 2
    parts.append(text[last:].strip())
    return parts


def _plain_key(words: str) -> str:
    return " ".join(_COPY_FORM_AFTER.sub("", _COPY_FORM_BEFORE.sub("", words)).split())


def test_outer_parts_cuts_as_the_character_walk_on_generated_texts():
    rng = random.Random(20261129)
    alphabet = ["a", " ", ", ", "(", ")", "b", ",", ",,", " ,", "giấy"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert _outer_parts(text) == _walk_parts(text), text
    assert _outer_parts("Giấy phép (bản sao, bản chính), bản vẽ") == ["Giấy phép (bản sao, bản chính)", "bản vẽ"]


def test_paper_key_gates_change_nothing_on_generated_wordings():
    heads = ["", "01 ", "2 ", "bản sao ", "bản chính ", "bản sao có chứng thực ", "bản sao được chứng thực ",
             "bản sao công chứng ", "bản phô tô ", "bản sao y bản chính của ", "có chứng thực ", "được công chứng ",
             "chứng thực ", "công chứng ", "01 bản sao hợp lệ ", "bản "]
    tails = ["", " (bản sao)", " (bản sao kèm bản chính, hoặc bản sao có chứng thực)", " (có chứng thực",
             " (mẫu CT01)", "  ", " (bản sao)\n(bản chính)", "\n(có chứng thực)", " (bản)", "\xa0", " (Bản sao)"]
    for head in heads:
        for tail in tails:
            words = f"{head}giấy phép  xây dựng{tail}"
            assert _paper_key(words) == _plain_key(words), words
    assert _paper_key("01 bản sao chứng thực giấy phép  xây dựng (bản sao)") == "giấy phép xây dựng"


def test_drop_file_names_is_the_regex_on_generated_texts():
    rng = random.Random(7)
    # extensions' letters, spaces of several kinds (\s is Unicode whitespace) and others
    alphabet = ["a", ".", "d", "o", "c", "x", "p", "f", "l", "s", " ", "\u00a0", "\n", "\u2003", "đ", "(", "1"]
    for _ in range(100_000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        assert _drop_file_names(name) == _FILE_NAME.sub("", name), repr(name)


def test_the_shortcuts_agree_with_the_plain_reading_on_every_real_dossier_item():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    n = 0
    for proc in load_procedures([PORTAL]):
        span = proc.components.get("dossier")
        if span is None:
            continue
        text = canon(span.text)
        for _s, _e, _g, paper in dossier_items(text):
            name = _item_name(paper)
            plain = paper.strip(" -+.;\n")
            assert _drop_file_names(plain) == _FILE_NAME.sub("", plain), plain
            assert _outer_parts(name) == _walk_parts(name), name
            for words in [name, *_walk_parts(name)]:
                assert _paper_key(words) == _plain_key(words), words
                n += 1
    assert n > 1000  # every real item and list part was read


def _sorted_cut_bounds(text: str, cells: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """The reference for ``_item_bounds``: every cut gathered, then ``sorted(set(…))``, each
    item's paper ending at the start of the cell that ends it."""
    cuts = [0] + [e for _, e in cells]
    cell_start = {e: s for s, e in cells}
    if not cells:
        cuts += [m.start() for m in _LINE_ITEM.finditer(text)]
    cuts = sorted(set(cuts + [len(text)]))
    out = []
    for s, e in zip(cuts, cuts[1:]):
        cs = cell_start.get(e)
        out.append((s, e, cs if cs is not None and cs >= s else e))
    return out


def test_item_bounds_are_the_sorted_cuts():
    rng = random.Random(20261130)
    pieces = ["giấy", " ", "\n", "\n- ", "\n1. ", "\na) ", "1 bản chính", "2 bản sao", ", 1 bản sao", "x", "01"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    if PORTAL.is_dir():
        for proc in load_procedures([PORTAL]):
            for span in proc.components.values():
                texts.append(canon(span.text))
    for text in texts:
        cells = quantity_cells(text)
        assert _item_bounds(text, cells) == _sorted_cut_bounds(text, cells), repr(text)
