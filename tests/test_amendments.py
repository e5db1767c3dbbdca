"""Which clauses of which document a regulation amends or repeals (legal/amendments.py)."""

from __future__ import annotations

from tthc_pipeline.legal.amendments import amending_articles, chain_clauses, sorted_clauses
from tthc_pipeline.legal.relations import relations_from_ingest


def _relations(*lines: str) -> dict[tuple[str, str], list[dict[str, str]] | str]:
    """(type, target) -> the clauses; "partial" for a partial repeal whose clauses are not read
    ([] is a whole repeal)."""
    text = "\n".join(("Số: 70/2026/TT-BCA", "Hà Nội, ngày 01 tháng 6 năm 2026", "THÔNG TƯ") + lines)
    return {(r.type, r.target): "partial" if r.partial else r.articles
            for r in relations_from_ingest({"metadata": {}, "text": text}).relations}


def test_an_article_that_only_follows_a_circular_amends_nothing() -> None:
    assert _relations("Điều 12. Bổ sung thông tin về cư trú",
                      "Việc bổ sung thông tin thực hiện theo Thông tư số 56/2021/TT-BCA.",
                      "Điều 13. Hiệu lực thi hành") == {}


def test_a_heading_naming_one_clause_gives_it() -> None:
    got = _relations("Điều 1. Sửa đổi, bổ sung khoản 3 Điều 7 Thông tư số 55/2021/TT-BCA như sau:",
                     "“3. Nội dung mới.”", "Điều 2. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "7", "khoan": "3"}]}


def test_items_naming_another_document_and_two_articles_for_one_document() -> None:
    got = _relations(
        "Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
        "1. Sửa đổi khoản 2 Điều 5 như sau:",
        "2. Bãi bỏ khoản 3 Điều 7 Thông tư số 12/2020/TT-BCA.",
        "Điều 2. Sửa đổi, bổ sung Thông tư số 55/2021/TT-BCA (biểu mẫu)",
        "1. Bãi bỏ Điều 12.",
        "Điều 3. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "5", "khoan": "2"}],
                   ("repeals", "55/2021/TT-BCA"): [{"dieu": "12"}]}


def test_title_target_keeps_only_the_items_outside_other_documents_articles() -> None:
    got = _relations(
        "Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
        "Điều 1. Sửa đổi Điều 3 như sau:",
        "“Điều 3. Nội dung mới.”",
        "Điều 2. Sửa đổi, bổ sung một số điều của Thông tư số 56/2021/TT-BCA",
        "1. Bãi bỏ khoản 1 Điều 2.",
        "Điều 3. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "3"}], ("amends", "56/2021/TT-BCA"): [],
                   ("repeals", "56/2021/TT-BCA"): [{"dieu": "2", "khoan": "1"}]}


def test_article_bounds_quoted_headings_and_a_garbled_next_heading() -> None:
    # Điều 1's body holds new wording whose second line is an amending heading without its
    # quotation mark: bounded by Điều 2, it is not an article. Điều 2's successor heading was
    # garbled by OCR ("Điêu3"): it ends at the next amending heading, Điều 4.
    text = "\n".join((
        "Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số 100/2019/NĐ-CP",
        "1. Sửa đổi Điều 12 như sau:",
        "“Nội dung mới:",
        "Điều 12. Sửa đổi, bổ sung một số điều của Nghị định số 62/2021/NĐ-CP”",
        "Điều 2. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
        "1. Sửa đổi khoản 1 Điều 4 như sau:",
        "Điêu3 . Hiệu lực",
        "Điều 4. Sửa đổi, bổ sung một số điều của Thông tư số 56/2021/TT-BCA",
        "1. Bãi bỏ khoản 4 Điều 9.",
    ))
    got = {a.target: a.touched for a in amending_articles(text, None)}
    assert set(got) == {"100/2019/NĐ-CP", "55/2021/TT-BCA", "56/2021/TT-BCA"}
    assert got["55/2021/TT-BCA"].amended == [{"dieu": "4", "khoan": "1"}] and got["55/2021/TT-BCA"].repealed == []
    assert got["56/2021/TT-BCA"].repealed == [{"dieu": "9", "khoan": "4"}]


def test_chains_read_semicolon_groups_and_insertion_points() -> None:
    assert chain_clauses("khoản 1; điểm c khoản 2 điều 12") == [{"dieu": "12", "khoan": "1"},
                                                                {"dieu": "12", "khoan": "2", "diem": "c"}]
    assert chain_clauses("khoản 2a vào sau khoản 2 điều 1") == [{"dieu": "1", "khoan": "2a"}]
    assert chain_clauses("khoản 3 vào điều 13") == [{"dieu": "13", "khoan": "3"}]


def test_clauses_sort_in_reading_order() -> None:
    got = sorted_clauses([{"dieu": "10"}, {"dieu": "4a"}, {"dieu": "4"}, {"dieu": "4", "khoan": "10"},
                          {"dieu": "4", "khoan": "2"}, {"dieu": "4", "khoan": "2", "diem": "e"},
                          {"dieu": "4", "khoan": "2", "diem": "đ"}, {"dieu": "4", "khoan": "2", "diem": "d"}])
    assert got == [{"dieu": "4"}, {"dieu": "4", "khoan": "2"}, {"dieu": "4", "khoan": "2", "diem": "d"},
                   {"dieu": "4", "khoan": "2", "diem": "đ"}, {"dieu": "4", "khoan": "2", "diem": "e"},
                   {"dieu": "4", "khoan": "10"}, {"dieu": "4a"}, {"dieu": "10"}]


def test_repealing_articles_list_their_clauses_or_repeal_the_whole_document() -> None:
    got = _relations(
        "Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
        "1. Sửa đổi khoản 2 Điều 5 như sau:",
        "Điều 2. Bãi bỏ một số điều của Thông tư số 55/2021/TT-BCA",
        "1. Điều 12;",
        "2. khoản 3 Điều 14.",
        "Điều 3. Bãi bỏ Thông tư số 15/2022/TT-BCA.",
        "Điều 4. Bãi bỏ một số quy định của Thông tư số 17/2024/TT-BCA như sau:",
        "Các quy định có liên quan đến thủ tục này.",
        "Điều 5. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "5", "khoan": "2"}],
                   ("repeals", "55/2021/TT-BCA"): [{"dieu": "12"}, {"dieu": "14", "khoan": "3"}],
                   ("repeals", "15/2022/TT-BCA"): [],  # whole
                   ("repeals", "17/2024/TT-BCA"): "partial"}  # some parts, which ones is not readable


def test_partial_repeals_are_never_read_as_whole_ones() -> None:
    for heading, items in [
        ("Điều 3. Bãi bỏ Điều 12 về cấp văn bản đồng ý của Thông tư số 55/2021/TT-BCA.", []),
        ("Điều 3. Bãi bỏ các quy định về thủ tục đăng ký tạm trú tại Thông tư số 55/2021/TT-BCA.", []),
        ("Điều 3. Bãi bỏ Phụ lục II và biểu mẫu quy định tại Thông tư số 55/2021/TT-BCA.", []),
        ("Điều 3. Bãi bỏ các điều, khoản sau đây của Thông tư số 55/2021/TT-BCA:", ["- Điều 5;", "- khoản 2 Điều 7."]),
        ("Điều 3. Bãi bỏ các điều, khoản sau đây của Thông tư số 55/2021/TT-BCA:", ["1, Điều 5;", "2, khoản 2 Điều 7."]),
    ]:
        got = _relations(heading, *items, "Điều 4. Hiệu lực thi hành")
        assert got.get(("repeals", "55/2021/TT-BCA")) != [], heading  # [] would be the whole circular
        if items:
            assert got[("repeals", "55/2021/TT-BCA")] == [{"dieu": "5"}, {"dieu": "7", "khoan": "2"}]
        else:  # parts it names but the reader cannot: repealed in part, the clauses unknown
            assert got[("repeals", "55/2021/TT-BCA")] == "partial", heading
    assert _relations("Điều 3. Bãi bỏ toàn bộ Thông tư số 15/2022/TT-BCA.", "Điều 4. Hiệu lực thi hành") == {
        ("repeals", "15/2022/TT-BCA"): []}


def test_title_document_keeps_its_amendments_beside_a_repealing_article() -> None:
    got = _relations(
        "Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
        "Điều 1. Sửa đổi, bổ sung một số điều",
        "1. Sửa đổi khoản 2 Điều 5 như sau:",
        "Điều 2. Bãi bỏ một số điều của Thông tư số 55/2021/TT-BCA",
        "1. Điều 12;",
        "Điều 3. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "5", "khoan": "2"}],
                   ("repeals", "55/2021/TT-BCA"): [{"dieu": "12"}]}


def test_a_heading_does_not_swallow_the_prose_after_it() -> None:
    assert _relations("Điều 8. Bổ sung hồ sơ",
                      "Trường hợp thiếu giấy tờ thì thực hiện theo quy định tại Thông tư số 55/2021/TT-BCA.",
                      "Điều 7. Bãi bỏ kết quả đăng ký",
                      "Việc hủy thực hiện theo Điều 5 Thông tư số 56/2021/TT-BCA.",
                      "Điều 9. Hiệu lực thi hành") == {}


def test_repeal_items_naming_another_document_and_wrapped_items() -> None:
    got = _relations(
        "Điều 3. Bãi bỏ một số điều của Thông tư số 55/2021/TT-BCA và Thông tư số 56/2021/TT-BCA",
        "1. Điều 12 Thông tư số 55/2021/TT-BCA;",
        "2. Điều 3 Thông tư số 56/2021/TT-BCA.",
        "Điều 4. Sửa đổi, bổ sung một số điều của Thông tư số 57/2021/TT-BCA",
        "1. Sửa đổi khoản 2 Điều 5 như sau: “theo Thông tư số 58/2021/TT-BCA”",
        "2. Bãi bỏ khoản 2 Điều 4 của",
        "Quyết định số 1234/QĐ-BCA.",
        "Điều 5. Hiệu lực thi hành")
    # one heading, two circulars: each item names its own
    assert got == {("repeals", "55/2021/TT-BCA"): [{"dieu": "12"}],
                   ("repeals", "56/2021/TT-BCA"): [{"dieu": "3"}],
                   ("amends", "57/2021/TT-BCA"): [{"dieu": "5", "khoan": "2"}]}


def test_insertion_points_keep_their_clause() -> None:
    assert chain_clauses("điểm đ vào sau điểm d khoản 2 điều 5") == [{"dieu": "5", "khoan": "2", "diem": "đ"}]
    assert chain_clauses("khoản 2a vào sau khoản 2") == []  # no article named: nothing to claim


def test_cited_grounds_are_not_the_title() -> None:
    got = _relations("Căn cứ Quyết định số 117/2007/QĐ-TTg về việc sửa đổi, bổ sung một số điều của "
                     "Quyết định số 118/2003/QĐ-TTg;", "Điều 1. Hiệu lực thi hành")
    assert got == {}


def test_changing_words_of_a_clause_amends_it_whatever_the_verb() -> None:
    """"Bãi bỏ cụm từ … tại khoản 3 Điều 7" leaves clause 3 in force with other words: an
    amendment, never a repeal of the clause (in an item or in an article's heading)."""
    got = _relations("Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
                     "1. Sửa đổi khoản 2 Điều 5 như sau:", "“2. Nội dung.”",
                     "2. Bãi bỏ cụm từ “sổ hộ khẩu” tại khoản 3 Điều 7.",
                     "3. Thay thế cụm từ “Công an huyện” bằng cụm từ “Công an xã” tại khoản 2 Điều 4.",
                     "4. Bỏ cụm từ “cấp huyện” tại điểm a khoản 2 Điều 9.",
                     "5. Bổ sung cụm từ “hoặc căn cước” vào sau cụm từ “thẻ Căn cước công dân” tại khoản 1 Điều 10.",
                     "6. Bỏ khoản 3 Điều 11.",  # "Bỏ" without the words it removes: not read (drafting says "Bãi bỏ")
                     "Điều 2. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [
        {"dieu": "4", "khoan": "2"}, {"dieu": "5", "khoan": "2"}, {"dieu": "7", "khoan": "3"},
        {"dieu": "9", "khoan": "2", "diem": "a"}, {"dieu": "10", "khoan": "1"}]}
    got = _relations("Điều 1. Bãi bỏ cụm từ “sổ hộ khẩu” tại khoản 3 Điều 7 Thông tư số 55/2021/TT-BCA.",
                     "Điều 2. Thay cụm từ “huyện” bằng cụm từ “xã” tại Điều 8 Thông tư số 56/2021/TT-BCA.",
                     "Điều 3. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "7", "khoan": "3"}],
                   ("amends", "56/2021/TT-BCA"): [{"dieu": "8"}]}


def test_opening_words_and_names_of_articles_amend_them() -> None:
    got = _relations("Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
                     "1. Sửa đổi đoạn đầu khoản 5 Điều 8 như sau:", "“5. Nội dung.”",
                     "2. Sửa đổi tên Điều 9 như sau:", "“Điều 9. Tên mới”",
                     "3. Sửa đổi tiêu đề của Điều 11 như sau:", "“Điều 11. Tiêu đề mới”",
                     "Điều 2. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "8", "khoan": "5"}, {"dieu": "9"}, {"dieu": "11"}]}


def test_a_heading_repealing_several_documents_repeals_each() -> None:
    got = _relations("Điều 3. Bãi bỏ Thông tư số 57/2021/TT-BCA ngày 01/7/2021 của Bộ trưởng Bộ Công an "
                     "quy định về cư trú, Thông tư số 58/2021/TT-BCA và Thông tư số 59/2021/TT-BCA.",
                     "Điều 4. Hiệu lực thi hành")
    assert got == {("repeals", "57/2021/TT-BCA"): [], ("repeals", "58/2021/TT-BCA"): [],
                   ("repeals", "59/2021/TT-BCA"): []}
    # the document it guides, the one that amended it: named, not repealed
    for tail in ("hướng dẫn Nghị định số 62/2021/NĐ-CP.", "đã được sửa đổi, bổ sung bởi Thông tư số 66/2023/TT-BCA."):
        got = _relations(f"Điều 3. Bãi bỏ Thông tư số 57/2021/TT-BCA {tail}", "Điều 4. Hiệu lực thi hành")
        assert got == {("repeals", "57/2021/TT-BCA"): []}


def test_items_of_a_heading_amending_several_documents_go_to_none_unless_named() -> None:
    got = _relations("Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA và Thông tư số 56/2021/TT-BCA",
                     "1. Sửa đổi khoản 2 Điều 5 như sau:", "“2. Nội dung.”",
                     "2. Sửa đổi khoản 1 Điều 6 Thông tư số 56/2021/TT-BCA như sau:", "“1. Nội dung.”",
                     "Điều 2. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [], ("amends", "56/2021/TT-BCA"): [{"dieu": "6", "khoan": "1"}]}


def test_phrase_items_wrap_onto_the_next_lines_and_ocr_ones_are_read() -> None:
    got = _relations("Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
                     "13, Thay thế cụm từ “Thông qua trang thông tin điện tử” bằng cụm từ",
                     "“Thông qua cổng dịch vụ công” tại điểm c khoản l Điều 15",
                     "và điểm c khoản 1 Điều 16.",
                     "14. Thay thế cụm từ “Cổng” bằng cụm từ “cổng” tại khoản 2 Điều ló, khoản 3 Điều 17.",
                     "Điều 2. Hiệu lực thi hành")
    # "Điều ló" (16 misread) cannot be read: no clause is guessed for it
    assert got == {("amends", "55/2021/TT-BCA"): [
        {"dieu": "15", "khoan": "1", "diem": "c"}, {"dieu": "16", "khoan": "1", "diem": "c"}, {"dieu": "17", "khoan": "3"}]}
    assert chain_clauses("khoản i điều 3; điều lo; điểm c khoản 1 điều l6") == [
        {"dieu": "3", "khoan": "1"}, {"dieu": "16", "khoan": "1", "diem": "c"}]


H55 = "Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA"
END = "Điều 2. Hiệu lực thi hành"


def test_an_unreadable_article_lends_nothing_and_takes_nothing() -> None:
    # "khoản 1 Điều ló" is dropped; Điều 17 is not repealed whole for it
    assert _relations(H55, "3. Bãi bỏ khoản 1 Điều ló; khoản 2 Điều 17.", END) == {
        ("amends", "55/2021/TT-BCA"): [], ("repeals", "55/2021/TT-BCA"): [{"dieu": "17", "khoan": "2"}]}
    assert chain_clauses("khoản 1 điều ló; khoản 2 điều 7") == [{"dieu": "7", "khoan": "2"}]
    assert chain_clauses("khoản 1; khoản 2 điều ló") == []  # the last article cannot be lent
    assert chain_clauses("khoản 1; khoản 2 điều l6") == [{"dieu": "16", "khoan": "1"}, {"dieu": "16", "khoan": "2"}]


def test_long_lists_of_points_are_read_in_linear_time() -> None:
    """Two runs of spaces around an optional comma once let a list of points backtrack
    exponentially (46 s for 16 points); one separator class reads 200 in milliseconds."""
    import time

    points = "".join(f"điểm {c} \n" for c in "abcdefghiklmnopqrstuvxy" * 9)
    started = time.process_time()
    got = _relations(H55, f"1. Bỏ cụm từ “cấp huyện” tại {points}khoản 2 Điều 5.", END)
    assert time.process_time() - started < 5  # a safety net, not a benchmark: exponential is hours
    assert {"dieu": "5", "khoan": "2", "diem": "v"} in got[("amends", "55/2021/TT-BCA")]


def test_an_item_ending_in_a_semicolon_is_not_judged_by_the_next_line() -> None:
    both = "Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA và Thông tư số 56/2021/TT-BCA"
    items = ("a) Bỏ cụm từ “cấp huyện” tại khoản 2 Điều 5;", "b) Bãi bỏ khoản 3 Điều 7 Thông tư số 56/2021/TT-BCA.")
    assert _relations(both, *items, END) == {  # a) names no document: neither's
        ("amends", "55/2021/TT-BCA"): [], ("amends", "56/2021/TT-BCA"): [],
        ("repeals", "56/2021/TT-BCA"): [{"dieu": "7", "khoan": "3"}]}
    assert _relations(H55, *items, END) == {("amends", "55/2021/TT-BCA"): [{"dieu": "5", "khoan": "2"}]}


def test_a_heading_with_several_verbs_gives_each_its_clauses() -> None:
    got = _relations("Điều 1. Bãi bỏ cụm từ “sổ hộ khẩu” tại khoản 3 Điều 7 và bãi bỏ Điều 12 của "
                     "Thông tư số 55/2021/TT-BCA.", END)
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "7", "khoan": "3"}],
                   ("repeals", "55/2021/TT-BCA"): [{"dieu": "12"}]}
    got = _relations("Điều 3. Bãi bỏ khoản 3 Điều 7; bỏ cụm từ “Bộ Công an” tại khoản 2 Điều 5 của "
                     "Thông tư số 55/2021/TT-BCA.", "Điều 4. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "5", "khoan": "2"}],
                   ("repeals", "55/2021/TT-BCA"): [{"dieu": "7", "khoan": "3"}]}


def test_a_heading_announcing_word_changes_names_its_document() -> None:
    got = _relations("Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA",
                     "Điều 1. Sửa đổi, bổ sung một số điều như sau:",
                     "1. Sửa đổi khoản 2 Điều 5 như sau:", "“2. Nội dung.”",
                     "Điều 2. Thay thế một số cụm từ tại Thông tư số 56/2021/TT-BCA",
                     "1. Thay thế cụm từ “a” bằng cụm từ “b” tại khoản 1 Điều 3.",
                     "Điều 3. Hiệu lực thi hành")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "5", "khoan": "2"}],
                   ("amends", "56/2021/TT-BCA"): [{"dieu": "3", "khoan": "1"}]}


def test_several_phrases_and_lists_of_articles() -> None:
    got = _relations(H55, '1. Bỏ cụm từ "camera", cụm từ "dây an toàn" và cụm từ "mũ" tại điểm p khoản 2 Điều 4.',
                     "2. Bãi bỏ cụm từ “x” tại các Điều 5, 6 và 7.", END)
    assert got == {("amends", "55/2021/TT-BCA"): [
        {"dieu": "4", "khoan": "2", "diem": "p"}, {"dieu": "5"}, {"dieu": "6"}, {"dieu": "7"}]}


def test_a_mixed_heading_reads_its_body_items_as_amendments() -> None:
    """Under "Sửa đổi … và bãi bỏ Điều 12", "1. Khoản 3 Điều 7 được sửa đổi như sau:" amends:
    only a heading that only repeals makes verb-less items repeals."""
    got = _relations("Điều 2. Sửa đổi, bổ sung khoản 3 Điều 7 và bãi bỏ Điều 12 của Thông tư số 55/2021/TT-BCA như sau:",
                     "1. Khoản 3 Điều 7 được sửa đổi, bổ sung như sau:", "“3. Nội dung.”", "Điều 3. Hiệu lực")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "7", "khoan": "3"}], ("repeals", "55/2021/TT-BCA"): [{"dieu": "12"}]}
    got = _relations("Điều 2. Bãi bỏ toàn bộ Điều 12 và bỏ cụm từ “x” tại khoản 2 Điều 5 của Thông tư số 55/2021/TT-BCA.",
                     "Điều 3. Hiệu lực")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "5", "khoan": "2"}], ("repeals", "55/2021/TT-BCA"): [{"dieu": "12"}]}


def test_a_word_change_heading_keeps_its_lists_of_clauses() -> None:
    got = _relations("Điều 2. Thay thế cụm từ “a” bằng cụm từ “b” tại các khoản 3, 4 Điều 7 Thông tư số 55/2021/TT-BCA.",
                     "Điều 3. Hiệu lực")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "7", "khoan": "3"}, {"dieu": "7", "khoan": "4"}]}
    got = _relations("Điều 2. Bỏ cụm từ “a” tại các Điều 5, 6 và 7 của Thông tư số 55/2021/TT-BCA.", "Điều 3. Hiệu lực")
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "5"}, {"dieu": "6"}, {"dieu": "7"}]}


def test_an_unreadable_clause_number_never_repeals_its_whole_article() -> None:
    got = _relations(H55, "3. Bãi bỏ khoản ló Điều 17.", "4. Bãi bỏ khoản 1, khoản Z Điều 18.", END)
    assert got == {("amends", "55/2021/TT-BCA"): [], ("repeals", "55/2021/TT-BCA"): [{"dieu": "18", "khoan": "1"}]}


def test_a_group_without_an_article_belongs_to_the_next_one_named() -> None:
    assert chain_clauses("khoản 1; điểm c khoản 2 điều 12; khoản 3; khoản 4 điều 13") == [
        {"dieu": "12", "khoan": "1"}, {"dieu": "12", "khoan": "2", "diem": "c"},
        {"dieu": "13", "khoan": "3"}, {"dieu": "13", "khoan": "4"}]


def test_one_item_changing_words_in_several_places_of_one_article() -> None:
    """NĐ 168/2024: "d) Bỏ cụm từ “…” tại điểm đ khoản 3, cụm từ “…” tại điểm k khoản 3, cụm từ
    “…” tại khoản 3a và cụm từ “…” tại điểm g khoản 4 Điều 74." (the article named last)."""
    got = _relations(H55, 'd) Bỏ cụm từ "Điều 9, Điều 10," tại điểm đ khoản 3, cụm từ "Điều 32, Điều 34;" tại điểm k '
                          'khoản 3, cụm từ "điểm a khoản 2 Điều 16" tại khoản 3a và cụm từ "Điểm a khoản 1," tại điểm g '
                          'khoản 4 Điều 74.', END)
    assert got == {("amends", "55/2021/TT-BCA"): [
        {"dieu": "74", "khoan": "3", "diem": "đ"}, {"dieu": "74", "khoan": "3", "diem": "k"},
        {"dieu": "74", "khoan": "3a"}, {"dieu": "74", "khoan": "4", "diem": "g"}]}


def test_unit_words_with_ocr_marks_are_read() -> None:
    """TT 66/2023 (scan): "2. Bô sung điêm c, điễm d vào khoản 2 Điêu 4 như sau:"."""
    got = _relations(H55, "2. Bô sung điêm c, điễm d vào khoản 2 Điêu 4 như sau:", "“c) …”", END)
    assert got == {("amends", "55/2021/TT-BCA"): [{"dieu": "4", "khoan": "2", "diem": "c"}, {"dieu": "4", "khoan": "2", "diem": "d"}]}


def test_a_learned_partial_repeal_keeps_its_flag_through_the_learned_file(tmp_path) -> None:
    """"Bãi bỏ các quy định về … của Thông tư số X" (parts the reader cannot list) is learned
    as a partial repeal: written to the learned YAML with ``partial: true`` and read back as
    "partly repealed", never as the whole circular repealed."""
    from datetime import date

    import yaml

    from tthc_pipeline.legal.registry import Registry, entry_to_yaml_dict

    text = "\n".join(("Số: 21/2026/TT-BCA", "Hà Nội, ngày 10 tháng 3 năm 2026", "THÔNG TƯ",
                      "Điều 1. Bãi bỏ một số điều của Thông tư số 58/2020/TT-BCA",
                      "Bãi bỏ các quy định về cấp biển số tạm thời của Thông tư số 58/2020/TT-BCA.",
                      "Điều 2. Hiệu lực thi hành",
                      "Thông tư này có hiệu lực thi hành kể từ ngày 01 tháng 5 năm 2026."))
    entry = relations_from_ingest({"metadata": {}, "text": text})
    data = entry_to_yaml_dict(entry)
    assert data["relations"] == [{"type": "repeals", "target": "58/2020/TT-BCA", "date": "2026-05-01", "partial": True,
                                  "source": data["relations"][0]["source"], "confidence": "S"}]
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "t.yaml").write_text(yaml.safe_dump(
        {"entries": [{"id": "58/2020/TT-BCA", "type": "Thông tư", "effective": "2020-08-01", "confidence": "V"},
                     data]}, allow_unicode=True), encoding="utf-8")
    st = Registry.load(tmp_path).status("58/2020/TT-BCA", date(2026, 6, 1))
    assert (st.code, st.by) == ("partly_repealed", ["21/2026/TT-BCA"])


def test_repealing_procedures_a_decision_published_is_not_a_repeal_of_the_decision() -> None:
    assert _relations("Điều 2. Bãi bỏ các thủ tục hành chính đã được công bố tại Quyết định số 1234/QĐ-BCA.",
                      "Điều 3. Hiệu lực thi hành") == {}
