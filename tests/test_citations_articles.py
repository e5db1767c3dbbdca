"""``legal.citations.may_name_articles``, the shortcut in front of the full parse that
``rules.builtins._cited_articles`` reads: it may answer False only where every citation
``find_citations`` returns has no articles (every component of the 339 portal records and
generated texts)."""

from __future__ import annotations

import random
import unicodedata

from tthc_pipeline.legal.citations import find_citations, may_name_articles
from tthc_pipeline.text.normalize import clean

from test_citations_fast import real_texts


def sound(text: str) -> bool:
    return may_name_articles(text) or not any(c.articles for c in find_citations(text))


def test_shortcut_sound_on_real_texts() -> None:
    texts = real_texts()
    assert all(sound(t) for t in texts)
    assert all(may_name_articles(t, clean(t)) == may_name_articles(t) for t in texts)
    assert any(not may_name_articles(t) for t in texts) and any(may_name_articles(t) for t in texts)


def test_shortcut_sound_on_generated_texts() -> None:
    rng = random.Random(20261130)
    pieces = ["Điều 5 ", "ĐIỀU 7 ", "điều ", "khoản 2 ", "điểm a ", "Khoản 3 ", "Nghị định số ", "Thông tư ",
              "61/2018/NĐ-CP", "68/2013/TT-BCA", " của ", " và ", ", ", "Luật Cư trú ", "năm 2020 ",
              "\u200b", "\r\n", "Đ", "đ", "i", "ê", "\u0300", "u", "ề", " "]
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        for form in (text, unicodedata.normalize("NFD", text)):
            assert sound(form), form
