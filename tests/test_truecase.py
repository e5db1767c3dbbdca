"""Sentence case for headings in capitals (text/truecase.py): the document's own spelling
of its proper nouns is kept, nothing is guessed from outside it."""

from tthc_pipeline.text.truecase import sentence_case

DOC = (
    "ỦY BAN NHÂN DÂN TỈNH GIA LAI\n"
    "Điều 1. Ban hành quy định về miễn tiền sử dụng đất trên địa bàn tỉnh Gia Lai.\n"
    "Hộ gia đình nộp hồ sơ tại Ủy ban nhân dân xã, UBND tỉnh xem xét, gia hạn khi cần.\n"
)


def test_the_phrase_as_the_document_writes_it():
    assert sentence_case("MIỄN TIỀN SỬ DỤNG ĐẤT TRÊN ĐỊA BÀN TỈNH GIA LAI.", DOC) == \
        "Miễn tiền sử dụng đất trên địa bàn tỉnh Gia Lai"


def test_word_by_word_when_the_phrase_is_not_in_the_text():
    # "Gia Lai" is a run the document capitalises although "gia" alone is a common word
    # ("gia đình", "gia hạn"); "UBND" is written in capitals, "Ủy" capitalised
    assert sentence_case("GIẢM TIỀN SỬ DỤNG ĐẤT TẠI TỈNH GIA LAI DO UBND TỈNH HOẶC ỦY BAN NHÂN DÂN XÃ GIA HẠN", DOC) == \
        "Giảm tiền sử dụng đất tại tỉnh Gia Lai do UBND tỉnh hoặc Ủy ban nhân dân xã gia hạn"


def test_capitals_only_lines_and_sentence_starts_are_no_evidence():
    doc = "THỦ TỤC CẤP PHÉP\nCấp phép trong ngày. Hồ sơ nộp một lần.\n"
    assert sentence_case("THỦ TỤC CẤP PHÉP HỒ SƠ", doc) == "Thủ tục cấp phép hồ sơ"


def test_mixed_case_text_is_left_as_written():
    assert sentence_case("  Cấp lại giấy phép  lái xe;", DOC) == "Cấp lại giấy phép lái xe"
    assert sentence_case("cấp lại giấy phép", DOC) == "Cấp lại giấy phép"


def test_without_the_document_capitals_are_lowered():
    assert sentence_case("CẤP GIẤY PHÉP TẠI TỈNH GIA LAI") == "Cấp giấy phép tại tỉnh gia lai"
