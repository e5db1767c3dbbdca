"""Legal-citation extractor: canonical numbers, citation fields, and a labelled real-data set."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tthc_pipeline.legal.citations import canonical_number, find_citations, number_key, type_from_symbol, unique_ids
from tthc_pipeline.legal.dates import iso_date, parse_date
from tthc_pipeline.legal.registry import Registry

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
REPO_CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("154/2024/ND-CP", "154/2024/NĐ-CP"),
        ("154/2024/NĐ\u2013CP", "154/2024/NĐ-CP"),
        ("154/2024/N\u00d0-CP", "154/2024/NĐ-CP"),
        ("số 154 /2024/ NĐ - CP", "154/2024/NĐ-CP"),
        ("1766/QD-UBND", "1766/QĐ-UBND"),
        ("66.7/2025/NQ-CP", "66.7/2025/NQ-CP"),
        ("5/2012/nđ-cp", "05/2012/NĐ-CP"),
        ("1699/QĐ-TTG", "1699/QĐ-TTg"),
        ("63/2O10/NĐ-CP", "63/2010/NĐ-CP"),
        ("31/2025/TT_BCA", "31/2025/TT-BCA"),
        ("05/2015/TTLT-BTP-BCA-BYT", "05/2015/TTLT-BTP-BCA-BYT"),
        ("201102/2011/QH13", "02/2011/QH13"),  # "năm 2011" glued to the next table cell
        ("12345/QĐ-BCA", "12345/QĐ-BCA"),  # 5 digits: a number, not a glued year
        ("15a/2020/NĐ-CP", "15a/2020/NĐ-CP"),  # a letter suffix is part of the number
        ("số 1766B/QĐ-UBND", "1766b/QĐ-UBND"),
        ("5a/2012/ND-CP", "05a/2012/NĐ-CP"),
    ],
)
def test_canonical_number(raw: str, expected: str) -> None:
    assert canonical_number(raw) == expected


def test_number_key_ignores_padding_only() -> None:
    assert number_key("5/2012/nd-cp") == number_key("05/2012/NĐ-CP") == "5/2012/NĐ-CP"
    assert number_key("05/2012/NĐ-CP") != number_key("50/2012/NĐ-CP")
    assert number_key("66.7/2025/NQ-CP") == "66.7/2025/NQ-CP"
    assert number_key("2729/QD-BCT") == "2729/QĐ-BCT"
    assert number_key("05a/2012/NĐ-CP") == number_key("5a/2012/nd-cp") == "5a/2012/NĐ-CP"
    assert number_key("15a/2020/NĐ-CP") != number_key("15/2020/NĐ-CP")


def test_letter_suffixed_numbers_are_found_whole_in_running_text() -> None:
    text = "Căn cứ Nghị định số 15a/2020/NĐ-CP và Quyết định 1766B/QĐ-UBND ngày 5/3/2021; khoản 2a Điều 5."
    assert [c.number for c in find_citations(text)] == ["15a/2020/NĐ-CP", "1766b/QĐ-UBND"]


def test_shared_date_parser() -> None:
    assert iso_date("1", "3", "2026") == "2026-03-01" and iso_date("31", "2", "2020") is None
    assert parse_date("ngày 01 tháng 3 năm 2026") == parse_date("01/3/2026") == parse_date("2026-03-01") == "2026-03-01"
    assert parse_date("không rõ") is None


def test_type_words_numbers_dates_and_issuer() -> None:
    text = ("Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát thủ tục "
            "hành chính; NĐ 63/2010/NĐ-CP; Luật số 68/2020/QH14, Luật 52/2014/QH13; Thông tư liên tịch số "
            "05/2015/TTLT-BTP-BCA-BYT; Quyết định số 1766/QĐ-UBND; Quyết định 3458/QĐ-BTP ngày 10/12/2025; "
            "Nghị quyết số 66.7/2025/NQ-CP")
    cs = find_citations(text)
    assert [c.number for c in cs] == ["63/2010/NĐ-CP", "63/2010/NĐ-CP", "68/2020/QH14", "52/2014/QH13",
                                      "05/2015/TTLT-BTP-BCA-BYT", "1766/QĐ-UBND", "3458/QĐ-BTP", "66.7/2025/NQ-CP"]
    assert [c.doc_type for c in cs] == ["Nghị định", "Nghị định", "Luật", "Luật", "Thông tư liên tịch",
                                        "Quyết định", "Quyết định", "Nghị quyết"]
    first = cs[0]
    assert first.raw == "Nghị định số 63/2010/NĐ-CP" == text[first.start:first.end]
    assert (first.issued, first.issuer, first.year, first.symbol) == ("2010-06-08", "Chính phủ", 2010, "NĐ-CP")
    assert cs[6].issued == "2025-12-10" and cs[5].year is None
    assert all(text[c.start:c.end] == c.raw for c in cs)


def test_portal_glued_cells() -> None:
    text = ("Tên văn bản pháp lýMã văn bảnHướng dẫn … trong công an nhân dân68/2013/TT-BCALuật Khiếu nại  năm "
            "201102/2011/QH13Quy định quy trình11/2015/TT-BCANghị định 05/2012/NĐ-CP05/2012/NĐ-CPLuật "
            "51/2019/QH1451/2019/QH14Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi")
    cs = find_citations(text)
    assert [c.number for c in cs] == ["68/2013/TT-BCA", "02/2011/QH13", "11/2015/TT-BCA", "05/2012/NĐ-CP",
                                      "05/2012/NĐ-CP", "51/2019/QH14", "51/2019/QH14", "53/2025/TT-BCA"]
    khieu_nai = cs[1]
    assert khieu_nai.name == "Khiếu nại" and khieu_nai.year == 2011 and khieu_nai.raw.startswith("Luật Khiếu nại")
    assert cs[-1].issued == "2025-07-01" and cs[-1].issuer == "Bộ Công an"
    assert unique_ids(cs)[:3] == ["68/2013/TT-BCA", "02/2011/QH13", "11/2015/TT-BCA"]


def test_bare_numbers_line_breaks_and_articles() -> None:
    text = ("theo 104/2022/NĐ-CP; điểm a khoản 1 Điều 8 của Nghị định số 63/2010/\nNĐ-CP; khoản 2, 3 Điều 5 "
            "Luật Cư trú năm 2020; Điều 7, Điều 8 Nghị định này; Thông tư\n281/2016/T\nT-BTC")
    cs = find_citations(text)
    bare, nd63, cu_tru, self_ref, split = cs
    assert (bare.doc_type, bare.number, bare.confidence < 0.95) == ("Nghị định", "104/2022/NĐ-CP", True)
    assert nd63.number == "63/2010/NĐ-CP" and nd63.articles == [{"dieu": "8", "khoan": "1", "diem": "a"}]
    assert (cu_tru.name, cu_tru.year, cu_tru.number) == ("Cư trú", 2020, None)
    assert cu_tru.articles == [{"dieu": "5", "khoan": "2"}, {"dieu": "5", "khoan": "3"}]
    assert self_ref.is_self_reference and self_ref.doc_type == "Nghị định"
    assert self_ref.articles == [{"dieu": "7"}, {"dieu": "8"}]
    assert split.number == "281/2016/TT-BTC" and split.doc_type == "Thông tư"


def test_article_lists_read_va_and_hoac_only_as_words() -> None:
    """On canon text: "và" and "hoặc" join bare article numbers ("khoản 2 và 3"); the "và" in "vào" does
    not ("khoản 3 vào Điều 13" touches clause 3 of Article 13, not a clause "o")."""
    from tthc_pipeline.legal.citations import _parse_articles

    assert _parse_articles("khoản 3 vào điều 13") == [{"dieu": "13", "khoan": "3"}]
    assert _parse_articles("khoản 2 và 3 điều 5") == [{"dieu": "5", "khoan": "2"}, {"dieu": "5", "khoan": "3"}]
    assert _parse_articles("điểm a hoặc b khoản 1 điều 4") == [
        {"dieu": "4", "khoan": "1", "diem": "a"}, {"dieu": "4", "khoan": "1", "diem": "b"}]


def test_named_laws_and_registry_resolution() -> None:
    reg = Registry.load(REPO_CORPUS)
    text = "theo Luật Cư trú năm 2020, Luật Căn cước và Hiến pháp năm 2013; Bộ luật Dân sự 2015"
    cs = find_citations(text, registry=reg)
    assert [(c.doc_type, c.name, c.year) for c in cs] == [
        ("Luật", "Cư trú", 2020), ("Luật", "Căn cước", None), ("Hiến pháp", "Hiến pháp", 2013), ("Bộ luật", "Dân sự", 2015)]
    assert [c.canonical_id for c in cs] == ["68/2020/QH14", "26/2023/QH15", None, None]
    # Without a year, "Luật Cư trú" is ambiguous (2006 and 2020 laws): not resolved.
    assert find_citations("Luật Cư trú quy định", registry=reg)[0].canonical_id is None
    # "pháp luật Việt Nam" is not a law.
    assert find_citations("theo quy định của pháp luật Việt Nam") == []


def test_nfd_input_offsets_point_into_original() -> None:
    text = unicodedata.normalize("NFD", "Căn cứ Nghị định số 154/2024/NĐ-CP của Chính phủ")
    (c,) = find_citations(text)
    assert c.number == "154/2024/NĐ-CP"
    assert text[c.start:c.end] == c.raw and unicodedata.normalize("NFC", c.raw) == "Nghị định số 154/2024/NĐ-CP"


def test_symbol_types() -> None:
    assert type_from_symbol("QH14") == "Luật"
    assert type_from_symbol("UBTVQH13") == "Pháp lệnh"
    assert type_from_symbol("TTLT-BTP-BCA-BYT") == "Thông tư liên tịch"
    assert type_from_symbol("QĐ-TTg") == "Quyết định"


@pytest.mark.realdata
def test_labelled_real_data_precision_recall() -> None:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.legal.eval_set import evaluate, expected_count

    precision, recall, results = evaluate(REALDATA)
    assert expected_count() >= 60
    failures = {r.case.source: (r.missed, r.spurious) for r in results if r.missed or r.spurious}
    assert precision >= 0.95 and recall >= 0.95, failures


def test_aligned_clean_is_clean_with_the_source_offsets_on_generated_texts():
    """The citation parser reads ``_aligned_clean(text)``, cleaned cluster by cluster to keep
    each character's source offset: it must be ``clean(text)`` itself, also when an invisible
    character sits between a letter and its mark (clean() composes them) or NFD marks, line
    ends and look-alikes are mixed in; each offset points at the character's cluster in the
    source, in order."""
    import random
    import unicodedata

    from tthc_pipeline.legal.citations import _aligned_clean
    from tthc_pipeline.text.normalize import INVISIBLE_CHARS, clean

    rng = random.Random(1130)
    alphabet = (list(INVISIBLE_CHARS) + list("aeouyAEOUYdDnN /-0123456789") + ["\u0300", "\u0301", "\u0302", "\u0303",
                "\u0306", "\u0309", "\u031b", "\u0323", "\r", "\n", "\r\n", "\u00a0", "\u2011", "\u00d0", "ư", "ơ", "Đ"])
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        got, origin = _aligned_clean(text)
        assert got == clean(text), repr(text)
        if origin is not None:
            assert len(origin) == len(got) + 1 and origin[-1] == len(text), repr(text)
            assert origin == sorted(origin) and all(0 <= o < len(text) for o in origin[:-1]), repr(text)
    assert _aligned_clean("Nghị định số 01/2021/NĐ-CP tha\u200b\u0301ng 3")[0] == "Nghị định số 01/2021/NĐ-CP tháng 3"
    assert unicodedata.is_normalized("NFC", _aligned_clean("a\u200b\u0301")[0])
