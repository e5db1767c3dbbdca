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
    # ("gia đình", "gia hạn"); "UBND" is written in capitals; a single capitalised word ("Ủy")
    # is no evidence: "Đầu" of "Sở Kế hoạch và Đầu tư" is the common word elsewhere
    assert sentence_case("GIẢM TIỀN SỬ DỤNG ĐẤT TẠI TỈNH GIA LAI DO UBND TỈNH HOẶC ỦY BAN NHÂN DÂN XÃ GIA HẠN", DOC) == \
        "Giảm tiền sử dụng đất tại tỉnh Gia Lai do UBND tỉnh hoặc ủy ban nhân dân xã gia hạn"
    doc = "Hồ sơ gửi Sở Kế hoạch và Đầu tư.\nSở Tư pháp cấp phiếu lý lịch tư pháp; tỉnh Gia Lai. Trong thời hạn 5 ngày.\n"
    assert sentence_case("ĐĂNG KÝ ĐẦU TƯ TẠI SỞ KẾ HOẠCH", doc) == "Đăng ký đầu tư tại Sở Kế hoạch"
    assert sentence_case("CẤP PHIẾU LÝ LỊCH TƯ PHÁP", doc) == "Cấp phiếu lý lịch tư pháp"
    # a short word before a dot ends a sentence ("… Gia Lai. Trong thời hạn"), an abbreviation does not
    assert sentence_case("GIẢI QUYẾT TRONG THỜI HẠN", doc) == "Giải quyết trong thời hạn"


def test_capitals_only_lines_and_sentence_starts_are_no_evidence():
    doc = "THỦ TỤC CẤP PHÉP\nCấp phép trong ngày. Hồ sơ nộp một lần.\n"
    assert sentence_case("THỦ TỤC CẤP PHÉP HỒ SƠ", doc) == "Thủ tục cấp phép hồ sơ"


def test_mixed_case_text_is_left_as_written():
    assert sentence_case("  Cấp lại giấy phép  lái xe;", DOC) == "Cấp lại giấy phép lái xe"
    assert sentence_case("cấp lại giấy phép", DOC) == "Cấp lại giấy phép"


def test_without_the_document_capitals_are_lowered():
    assert sentence_case("CẤP GIẤY PHÉP TẠI TỈNH GIA LAI") == "Cấp giấy phép tại tỉnh gia lai"


NAMES_DOC = (
    "Quy định áp dụng trên địa bàn thành phố Hải Phòng.\n"
    "Tổ chức, cá nhân tại tỉnh Long An và theo Luật Xây dựng.\n"
    "Các cơ sở tại tỉnh Bà Rịa - Vũng Tàu, huyện Đắk R'lấp và TP. Hồ Chí Minh nộp hồ sơ tại UBND tỉnh.\n"
)


def test_a_word_of_a_proper_noun_is_not_capitalised_alone():
    # "Phòng" of "Hải Phòng", "An" of "Long An", "Xây" of "Luật Xây dựng" are common words elsewhere
    assert sentence_case("THẨM DUYỆT PHÒNG CHÁY, CHỮA CHÁY CHO CƠ SỞ", NAMES_DOC) == "Thẩm duyệt phòng cháy, chữa cháy cho cơ sở"
    assert sentence_case("CẤP GIẤY CHỨNG NHẬN AN TOÀN THỰC PHẨM", NAMES_DOC) == "Cấp giấy chứng nhận an toàn thực phẩm"
    assert sentence_case("CẤP PHÉP XÂY DỰNG NHÀ Ở", NAMES_DOC) == "Cấp phép xây dựng nhà ở"


def test_names_joined_by_hyphens_apostrophes_and_after_abbreviations():
    assert sentence_case("CẤP PHÉP TẠI TỈNH BÀ RỊA - VŨNG TÀU", NAMES_DOC) == "Cấp phép tại tỉnh Bà Rịa - Vũng Tàu"
    assert sentence_case("CẤP PHÉP TẠI HUYỆN ĐẮK R'LẤP", NAMES_DOC) == "Cấp phép tại huyện Đắk R'lấp"
    assert sentence_case("CẤP PHÉP TẠI THÀNH PHỐ HỒ CHÍ MINH DO UBND TỈNH CẤP", NAMES_DOC) == \
        "Cấp phép tại thành phố Hồ Chí Minh do UBND tỉnh cấp"


def test_a_heading_in_title_case_is_not_running_text():
    assert sentence_case("CẤP GIẤY PHÉP", "Đơn Đề Nghị Cấp Giấy Phép theo mẫu.") == "Cấp giấy phép"


def test_lower_case_anywhere_outweighs_capitals():
    # "Lai" written in lower case at a line start ("lai lịch") is a common word
    doc = "Xét đề nghị của Sở Tư pháp, Lai ghép tỉnh.\nlai lịch của người đề nghị.\n"
    assert sentence_case("XÁC MINH LAI LỊCH", doc) == "Xác minh lai lịch"
