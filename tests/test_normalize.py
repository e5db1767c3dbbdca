import unicodedata

import pytest

from tthc_pipeline.text.normalize import canon, classic_tones, clean, fold, normalize_for_match


@pytest.mark.parametrize(
    "old, new",
    [("hoà", "hòa"), ("Uỷ ban", "Ủy ban"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("THUỶ", "THỦY"), ("Hoà Bình", "Hòa Bình")],
)
def test_old_style_tones_match_new_style(old, new):
    assert classic_tones(old) == new
    assert canon(old) == canon(new)


@pytest.mark.parametrize("word", ["quý", "hoàn", "thuyền", "của", "mùa", "huyện", "khuyến", "hòa"])
def test_words_outside_the_rule_are_untouched(word):
    assert classic_tones(word) == word


def test_clean_folds_nfd_lookalikes_and_invisibles():
    raw = unicodedata.normalize("NFD", "Nghị định số 63/2010/NĐ-CP") .replace("Đ", "\u00d0").replace("-", "\u2011")
    raw = raw.replace(" ", "\u00a0", 1) + "\u200b\u00ad"
    assert clean(raw) == "Nghị định số 63/2010/NĐ-CP"
    assert unicodedata.is_normalized("NFC", clean(raw))


def test_canon_and_fold_preserve_length_so_offsets_map_back():
    text = clean("Uỷ ban nhân dân HUYỆN Hoà Vang; sổ hộ khẩu; Đăng ký")
    assert len(canon(text)) == len(text) == len(fold(text))
    i = fold(text).index("so ho khau")
    assert text[i : i + 10] == "sổ hộ khẩu"


def test_fold_makes_so_and_so_equal_but_canon_does_not():
    assert fold("sổ hộ khẩu") == fold("số hộ khẩu")
    assert canon("sổ hộ khẩu") != canon("số hộ khẩu")
    assert normalize_for_match("SỔ HỘ KHẨU") == "sổ hộ khẩu"


def test_clean_replaces_lone_surrogates():
    # json.loads accepts "\ud800" escapes; UTF-8 cannot encode them
    assert clean("Tờ khai\ud800 theo mẫu\udfff") == "Tờ khai\ufffd theo mẫu\ufffd"
    assert clean("😀") == "😀"  # a real astral character is kept


def test_clean_composes_a_mark_an_invisible_character_kept_apart():
    # a zero-width space between a letter and its tone mark: once removed, the two compose
    assert clean("Giấy khai sa\u200b\u0301ch") == "Giấy khai sách"
    assert clean("a\u0323\u00ad\u0302") == "ậ"
    assert unicodedata.is_normalized("NFC", clean("Ho\u2060\u0300a"))


def test_clean_gives_nfc_text_and_is_idempotent_on_generated_texts():
    """Every character clean() folds or removes, next to letters, marks, line breaks and
    the characters the folds write: the result is NFC and a second clean() changes nothing
    (clean() once ran NFC before removing invisible characters, so it was neither)."""
    import random

    from tthc_pipeline.text.normalize import _FOLD_TABLE

    rng = random.Random(20261130)
    # (two of the 2,048 lone surrogates, each folded alike: the rest would crowd out the others)
    folded = [ch for ch in _FOLD_TABLE if not 0xD800 <= ord(ch) < 0xE000] + ["\ud800", "\udfff"]
    alphabet = (folded + [_FOLD_TABLE[ch] for ch in folded if _FOLD_TABLE[ch]]
                + list("aeouyAEOUYdDqQ ") + ["\u0300", "\u0301", "\u0302", "\u0303", "\u0306", "\u0309",
                                            "\u031b", "\u0323", "\n", "\r", "ư", "ơ", "Đ", "đ"])
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        once = clean(text)
        assert unicodedata.is_normalized("NFC", once), repr(text)
        assert clean(once) == once, repr(text)


def test_is_clean_only_where_clean_changes_nothing():
    """``is_clean(text)`` (clean() then returns ``text`` as it is) is true only where clean()'s
    steps change nothing: on every code point alone, after a letter and before a combining
    mark (which NFC may compose), and on every component of the real records, where it holds
    for most texts (every one-line name and legal basis)."""
    import sys
    from pathlib import Path

    from tthc_pipeline.text import normalize

    wrong = []
    for c in range(sys.maxunicode + 1):
        ch = chr(c)
        for text in (ch, "a" + ch, ch + "\u0301", "Đ" + ch + "-CP"):
            if normalize.is_clean(text) and normalize._clean_steps(text) != text:
                wrong.append(text)
    assert wrong == []
    # the shortcut and the steps agree where the shortcut answers no, too
    for text in ("a\r\nb", "NĐ\u2013CP", "Ðiều", "a\u200b\u0301", "e\u0301", "\u212a", "ok"):
        assert normalize.clean(text) == normalize._clean_steps(text), repr(text)
    assert normalize.is_clean("ok") and not normalize.is_clean("a\nb")
    portal = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"
    if not portal.is_dir():
        pytest.skip("../shared/realdata not present: real-data part skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures

    texts = [s.text for p in load_procedures([portal]) for s in p.components.values() if s.text]
    texts += [p.name for p in load_procedures([portal]) if p.name]
    assert [t[:80] for t in texts if normalize.is_clean(t) and normalize._clean_steps(t) != t] == []
    assert sum(map(normalize.is_clean, texts)) > len(texts) // 2
