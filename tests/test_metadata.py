"""Metadata stage: header fields, signer and the effective-date clause.

Unit tests run on small texts written here; the real-data table was built by reading the first
page (and the effective article) of each document under ../shared/realdata.
"""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from tthc_pipeline.ingest.metadata import extract_metadata, recase_issuer
from tthc_pipeline.text.normalize import clean

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"

MINI_QD = """\
ỦY BAN NHÂN DÂN TỈNH HÀ GIANG ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------
Số: 12/2023/QĐ-UBND | Hà Giang, ngày 15 tháng 3 năm 2023
QUYẾT ĐỊNH
BAN HÀNH QUY ĐỊNH VỀ TIẾP NHẬN HỒ SƠ
TRÊN ĐỊA BÀN TỈNH HÀ GIANG
ỦY BAN NHÂN DÂN TỈNH HÀ GIANG
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy định về tiếp nhận hồ sơ.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 05/2019/QĐ-UBND ngày 02/4/2019 của Ủy ban nhân dân tỉnh Hà Giang.
Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn Bình
"""


def test_header_fields_of_a_provincial_decision():
    md = extract_metadata(MINI_QD)
    assert md["doc_type"] == "Quyết định"
    assert md["number"] == "12/2023/QĐ-UBND"
    assert md["issuer"] == "Ủy ban nhân dân tỉnh Hà Giang"
    assert md["place"] == "Hà Giang"
    assert md["issued"] == "2023-03-15"
    assert md["title"] == "BAN HÀNH QUY ĐỊNH VỀ TIẾP NHẬN HỒ SƠ TRÊN ĐỊA BÀN TỈNH HÀ GIANG"
    assert md["signer"] == "Trần Văn Bình"
    assert md["is_draft"] is False
    eff = md["effective"]
    assert eff["date"] is None
    assert eff["relative"] == "kể từ ngày ký"
    assert eff["numbers"]["replaces"] == ["05/2019/QĐ-UBND"]
    assert eff["replaces"][0].startswith("Quyết định số 05/2019/QĐ-UBND ngày 02/4/2019")
    # Provenance points at the original text.
    p = eff["provenance"]
    assert MINI_QD[p["start"] : p["end"]].startswith("Quyết định này có hiệu lực kể từ ngày ký")
    for field in ("number", "issuer", "place", "title", "signer"):
        s, e = md["provenance"][field]["start"], md["provenance"][field]["end"]
        assert e > s and MINI_QD[s:e].strip(), field
    s = md["provenance"]["signer"]["start"]
    assert MINI_QD[s:].startswith("Trần Văn Bình")
    s = md["provenance"]["doc_type"]["start"]
    assert MINI_QD[s:].startswith("QUYẾT ĐỊNH\nBAN HÀNH")


def test_page_of_each_field_comes_from_page_spans():
    cut = MINI_QD.index("Điều 1.")
    spans = [(0, cut - 1), (cut, len(MINI_QD))]
    md = extract_metadata(MINI_QD, page_spans=spans)
    assert md["provenance"]["number"]["page"] == 1
    assert md["provenance"]["signer"]["page"] == 2
    assert md["effective"]["provenance"]["page"] == 2


def test_header_printed_as_separate_lines_and_ascii_number():
    text = (
        "CHÍNH PHỦ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 154/2024/ND-CP\nHà Nội, ngày 26/11/2024\nNGHỊ ĐỊNH\n"
        "Quy định chi tiết một số điều và biện pháp thi hành Luật Cư trú\nCăn cứ Luật Cư trú;\n"
    )
    md = extract_metadata(text)
    assert (md["doc_type"], md["number"], md["issuer"]) == ("Nghị định", "154/2024/NĐ-CP", "Chính phủ")
    assert (md["place"], md["issued"]) == ("Hà Nội", "2024-11-26")
    assert md["title"] == "Quy định chi tiết một số điều và biện pháp thi hành Luật Cư trú"


@pytest.mark.parametrize(
    "printed, canonical",
    [
        ("Số: 154/2024/ND-CP", "154/2024/NĐ-CP"),
        ("Số: 378/QD-UBND", "378/QĐ-UBND"),
        ("Số : 66.7/2025/NQ-CP", "66.7/2025/NQ-CP"),
        ("Số: 12/2017/TT – BGTVT", "12/2017/TT-BGTVT"),
        ("Số: 26/2023/qh15", "26/2023/QH15"),
        # U+00D0 look-alike, cleaned by clean(); padded like the registry ids (canonical_number)
        ("Số: 9/2016/NÐ-CP", "09/2016/NĐ-CP"),
    ],
)
def test_number_is_canonicalised(printed, canonical):
    assert extract_metadata(clean(f"BỘ CÔNG AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n{printed}\n"))["number"] == canonical


def test_effective_clause_tolerates_ocr_noise():
    text = (
        "Điều 15. Hiệu lực thi hành\n"
        "1. Nghị định này có hiệu lục thị hành kế từ ngày 10 tháng 01. năm 2025.\n"
        "2. Nghị định số 62/2021/ND-CP ngày 29 tháng 6 năm 2021 quy định chi tiết một số\n"
        "điêu Luật Cư trú hêt hiệu lực kê từ ngày Nghị định này có hiệu lực thi hành.\n"
        "Điều 16. Trách nhiệm thi hành\n"
    )
    eff = extract_metadata(text)["effective"]
    assert eff["date"] == "2025-01-10"
    assert eff["raw"].startswith("Nghị định này có hiệu lục thị hành kế từ ngày 10 tháng 01. năm 2025")
    assert eff["expires"] == ["Nghị định số 62/2021/ND-CP ngày 29 tháng 6 năm 2021 quy định chi tiết một số điêu Luật Cư trú"]
    assert eff["numbers"]["expires"] == ["62/2021/NĐ-CP"]
    assert eff["expiry_dates"] == {}  # it ends when this decree takes effect: no date of its own


def test_explicit_expiry_date_per_document():
    text = (
        "Điều 9. Hiệu lực thi hành\n"
        "1. Thông tư này có hiệu lực thi hành từ ngày 01 tháng 5 năm 2026.\n"
        "2. Thông tư số 7/2019/TT-BCA hết hiệu lực thi hành kể từ ngày 01/7/2026.\n"
        "3. Thông tư số 24/2023/TT-BCA hết hiệu lực kể từ ngày Thông tư này có hiệu lực thi hành.\n"
    )
    eff = extract_metadata(text)["effective"]
    assert eff["date"] == "2026-05-01"
    assert eff["numbers"]["expires"] == ["07/2019/TT-BCA", "24/2023/TT-BCA"]
    assert eff["expiry_dates"] == {"07/2019/TT-BCA": "2026-07-01"}


def test_expiry_date_written_before_the_document():
    text = (
        "Điều 15. Hiệu lực thi hành\n"
        "1. Nghị định này có hiệu lực thi hành kể từ ngày 10 tháng 01 năm 2025.\n"
        "2. Kể từ ngày 01 tháng 7 năm 2025, Nghị định số 62/2021/NĐ-CP ngày 29 tháng 6 năm 2021 "
        "của Chính phủ hết hiệu lực thi hành.\n"
        "3. Nghị định số 31/2014/NĐ-CP hết hiệu lực.\n"
    )
    eff = extract_metadata(text)["effective"]
    assert eff["date"] == "2025-01-10"
    assert eff["numbers"]["expires"] == ["62/2021/NĐ-CP", "31/2014/NĐ-CP"]
    # the issue date "ngày 29 tháng 6 năm 2021" after the number is not the expiry date
    assert eff["expiry_dates"] == {"62/2021/NĐ-CP": "2025-07-01"}


def test_effective_clause_with_merged_spaces_and_numeric_date():
    eff = extract_metadata("Điều 9. Nghị định này cóhiệu lực thi hànhtừ ngày 01/7/2024.\n")["effective"]
    assert eff["date"] == "2024-07-01"


def test_relative_effective_date():
    eff = extract_metadata("Điều 3. Quyết định này có hiệu lực sau 45 ngày kể từ ngày ký.\n")["effective"]
    assert eff["date"] is None
    assert eff["relative"] == "sau 45 ngày kể từ ngày ký"


def test_resolution_adopted_and_effective_in_one_sentence():
    text = (
        "Điều 3. Tổ chức thực hiện\n"
        "Nghị quyết này đã được Hội đồng nhân dân tỉnh Gia Lai khóa XII, kỳ họp thứ 9 thông qua ngày "
        "08 tháng 12 năm 2023 và có hiệu lực từ ngày 18 tháng 12 năm 2023./.\n"
    )
    eff = extract_metadata(text)["effective"]
    assert eff["date"] == "2023-12-18"
    assert eff["raw"].endswith("có hiệu lực từ ngày 18 tháng 12 năm 2023.")


def test_effective_on_signing_date():
    eff = extract_metadata("Điều 4. Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.\n")["effective"]
    assert (eff["date"], eff["relative"]) == (None, "kể từ ngày ký ban hành")


def test_mentions_of_entry_into_force_are_not_the_clause():
    text = (
        "Điều 5. Chuyển tiếp\nHồ sơ nộp trước ngày Nghị định này có hiệu lực thi hành từ ngày 01 tháng 3 năm 2020 thì giải quyết theo quy định cũ.\n"
        "Quyết định xử phạt có hiệu lực thi hành kể từ ngày ký.\n"
        "Điều 6. Hiệu lực thi hành\nNghị định này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2021.\n"
    )
    eff = extract_metadata(text)["effective"]
    assert eff["date"] == "2021-01-01"


def test_quoted_amendment_does_not_give_the_effective_clause():
    text = (
        "Điều 1. Sửa đổi, bổ sung Nghị định số 75/2021/NĐ-CP\n"
        "1. Sửa đổi, bổ sung Điều 20 như sau:\n"
        "“Điều 20. Hiệu lực thi hành\n"
        "Nghị định này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2020.”.\n"
        "Điều 2. Điều khoản thi hành\n"
        "1. Nghị định này có hiệu lực thi hành từ ngày 05 tháng 9 năm 2023.\n"
    )
    eff = extract_metadata(clean(text))["effective"]
    assert eff["date"] == "2023-09-05"


def test_repeal_list_items_are_listed_one_by_one():
    text = (
        "Điều 66. Hiệu lực thi hành\n"
        "1. Thông tư này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2025.\n"
        "2. Thông tư này bãi bỏ các Thông tư:\n"
        "a) Thông tư số 06/2011/TT-BGTVT ngày 07 tháng 3 năm 2011 của Bộ trưởng Bộ Giao thông vận tải;\n"
        "b) Thông tư số 07/2013/TT-BGTVT ngày 03 tháng 5 năm 2013 của Bộ trưởng Bộ Giao thông vận tải.\n"
        "Điều 67. Quy định chuyển tiếp\nThông tư số 99/2020/TT-BGTVT tiếp tục áp dụng.\n"
    )
    eff = extract_metadata(text)["effective"]
    assert eff["numbers"]["repeals"] == ["06/2011/TT-BGTVT", "07/2013/TT-BGTVT"]
    assert len(eff["repeals"]) == 2 and eff["repeals"][1].startswith("Thông tư số 07/2013/TT-BGTVT")
    assert eff["replaces"] == [] and eff["expires"] == []


def test_two_documents_in_one_repeal_sentence_are_split():
    text = (
        "Điều 51. Hiệu lực thi hành\n1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2016; "
        "bãi bỏ Nghị định số 52/2008/NĐ-CP ngày 22 tháng 4 năm 2008 về quản lý kinh doanh dịch vụ bảo vệ và "
        "Nghị định số 72/2009/NĐ-CP ngày 03 tháng 9 năm 2009 quy định điều kiện về an ninh, trật tự;\n"
    )
    eff = extract_metadata(text)["effective"]
    assert eff["numbers"]["repeals"] == ["52/2008/NĐ-CP", "72/2009/NĐ-CP"]


def test_law_without_header_date_takes_the_adoption_date():
    text = (
        "QUỐC HỘI\nLuật số: 26/2023/QH15\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nLUẬT\nCĂN CƯỚC\n"
        "Căn cứ Hiến pháp;\nĐiều 1. Phạm vi điều chỉnh\n"
        "Luật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 6 thông qua ngày 27 tháng 11 năm 2023.\n"
        "CHỦ TỊCH QUỐC HỘI\nVương Đình Huệ\n"
    )
    md = extract_metadata(text)
    assert (md["doc_type"], md["issuer"], md["issued"], md["title"]) == ("Luật", "Quốc hội", "2023-11-27", "CĂN CƯỚC")
    assert md["signer"] == "Vương Đình Huệ"
    assert md["place"] is None


def test_draft_flag():
    md = extract_metadata("BỘ CÔNG AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nDỰ THẢO\nTHÔNG TƯ\nQuy định về cư trú\n")
    assert md["is_draft"] is True and md["doc_type"] == "Thông tư"


def test_text_without_metadata_gives_nones():
    md = extract_metadata("Chi tiết thủ tục hành chính\nSố quyết định: 3078/QĐ-BTC\nTên thủ tục: Đăng ký\n")
    for key in ("doc_type", "number", "issuer", "place", "issued", "title", "signer", "effective"):
        assert md[key] is None, key


@pytest.mark.parametrize(
    "printed, official",
    [
        ("BỘ TÀI CHÍNH", "Bộ Tài chính"),
        ("UỶ BAN NHÂN DÂN TỈNH GIA LAI", "Ủy ban nhân dân tỉnh Gia Lai"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "Ủy ban nhân dân thành phố Hà Nội"),
        ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Bộ Lao động - Thương binh và Xã hội"),
        ("SỞ TƯ PHÁP TỈNH LÀO CAI", "Sở Tư pháp tỉnh Lào Cai"),
        ("QUỐC HỘI", "Quốc hội"),
    ],
)
def test_issuer_recasing(printed, official):
    assert recase_issuer(printed) == official


# --------------------------------------------------------------------------- real documents


def _require_real() -> None:
    if not REAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")


@lru_cache(maxsize=None)
def _ingested(rel: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    from tthc_pipeline.ingest.backends import IngestOptions
    from tthc_pipeline.ingest.runner import ingest_file

    record = ingest_file(REAL / rel, IngestOptions(ocr=False))
    assert record["error"] is None, record["error"]
    return record["text"], tuple((p["start"], p["end"]) for p in record["pages"])


# Expected values read off each document's first page and its effective article.
REAL_EXPECTED = {
    "pdf/Luat-26-2023-QH15_Can-cuoc_CONGBAO-text.pdf": dict(
        doc_type="Luật", number="26/2023/QH15", issuer="Quốc hội", place=None, issued="2023-11-27",
        title="CĂN CƯỚC", signer="Vương Đình Huệ", eff_date="2024-07-01", expires=["59/2014/QH13"]),
    "pdf/TT-02-2021-TT-BTC_phi-kiem-dinh-PCCC_WORD-export.pdf": dict(
        doc_type="Thông tư", number="02/2021/TT-BTC", issuer="Bộ Tài chính", place="Hà Nội", issued="2021-01-08",
        title="QUY ĐỊNH MỨC THU, CHẾ ĐỘ THU, NỘP, QUẢN LÝ VÀ SỬ DỤNG PHÍ KIỂM ĐỊNH PHƯƠNG TIỆN PHÒNG CHÁY VÀ CHỮA CHÁY",
        signer="Vũ Thị Mai", eff_date="2021-02-22", replaces=["227/2016/TT-BTC", "112/2017/TT-BTC"]),
    "pdf/TT-35-2024-TT-BGTVT_GPLX_WORD-export-signed.pdf": dict(
        doc_type="Thông tư", number="35/2024/TT-BGTVT", issuer="Bộ Giao thông vận tải", place="Hà Nội",
        issued="2024-11-15", title="Quy định về đào tạo, sát hạch, cấp giấy phép lái xe;", signer="Nguyễn Duy Lâm",
        eff_date="2025-01-01", repeals=["06/2011/TT-BGTVT", "29/2015/TT-BGTVT", "12/2017/TT-BGTVT"]),
    "pdf/Du-thao-QCVN-PCCC-2025_text_mixed-NFD.pdf": dict(
        doc_type="Quy chuẩn", number="QCVN xxxx:2025/BCA", is_draft=True, issuer="Bộ Công an",
        title="VỀ TRANG BỊ, BỐ TRÍ PHƯƠNG TIỆN PHÒNG CHÁY CHỮA CHÁY CHO NHÀ VÀ CÔNG TRÌNH", issued=None),
    "pdf/ChiTietTTHC_2.002229_dang-ky-nguoi-phu-thuoc.pdf": dict(
        doc_type=None, number=None, issuer=None, issued=None, title=None, signer=None, effective=None),
    "docx/ND-168-2024-ND-CP_xu-phat-giao-thong.docx": dict(
        doc_type="Nghị định", number="168/2024/NĐ-CP", issuer="Chính phủ", place="Hà Nội", issued="2024-12-26",
        title="Quy định xử phạt vi phạm hành chính về trật tự, an toàn giao thông trong lĩnh vực giao thông đường bộ; "
        "trừ điểm, phục hồi điểm giấy phép lái xe", signer="Trần Hồng Hà", eff_date="2025-01-01"),
    "docx/Luat-36-2024-QH15_TTATGT-duong-bo_mixed-NFD.docx": dict(
        doc_type="Luật", number="36/2024/QH15", issuer="Quốc hội", place="Hà Nội", issued="2024-06-27",
        title="Trật tự, an toàn giao thông đường bộ", signer="Trần Thanh Mẫn", eff_date="2025-01-01",
        expires=["23/2008/QH12", "73/2022/QH15"]),
    "docx/TT-24-2023-TT-BCA_dang-ky-bien-so-xe_SUPERSEDED.docx": dict(
        doc_type="Thông tư", number="24/2023/TT-BCA", issuer="Bộ Công an", place="Hà Nội", issued="2023-07-01",
        title="QUY ĐỊNH VỀ CẤP, THU HỒI ĐĂNG KÝ, BIỂN SỐ XE CƠ GIỚI", signer="Tô Lâm", eff_date="2023-08-15",
        replaces=["58/2020/TT-BCA"], repeals=["15/2022/TT-BCA"]),
    "md/QD-378-QD-UBND-2022_Ha-Giang_cong-bo-TTHC-Cong-Thuong.md": dict(
        doc_type="Quyết định", number="378/QĐ-UBND", issuer="Ủy ban nhân dân tỉnh Hà Giang", place="Hà Giang",
        issued="2022-03-18", title="VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH", signer="Nguyễn Văn Sơn",
        effective=None),
    "md/QD-31-2011-QD-UBND_Gia-Lai_trinh-tu-thu-tuc-mien-giam-tien-SDD.md": dict(
        doc_type="Quyết định", number="31/2011/QĐ-UBND", issuer="Ủy ban nhân dân tỉnh Gia Lai", place="Gia Lai",
        issued="2011-11-10", title="VỀ VIỆC BAN HÀNH QUY ĐỊNH TRÌNH TỰ, THỦ TỤC GIẢI QUYẾT CHẾ ĐỘ MIỄN, GIẢM TIỀN SỬ DỤNG ĐẤT",
        signer="Phạm Thế Dũng", eff_date=None, eff_relative="sau 10 ngày, kể từ ngày ký"),
    "md/ND-55-2023-ND-CP_sua-ND-75-2021.md": dict(
        doc_type="Nghị định", number="55/2023/NĐ-CP", issuer="Chính phủ", place="Hà Nội", issued="2023-07-21",
        title="SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA NGHỊ ĐỊNH SỐ 75/2021/NĐ-CP NGÀY 24 THÁNG 7 NĂM 2021",
        signer="Trần Hồng Hà", eff_date="2023-09-05"),
    "doc/ND-96-2016-ND-CP_315469.doc": dict(
        doc_type="Nghị định", number="96/2016/NĐ-CP", issuer="Chính phủ", place="Hà Nội", issued="2016-07-01",
        title="QUY ĐỊNH ĐIỀU KIỆN VỀ AN NINH, TRẬT TỰ ĐỐI VỚI MỘT SỐ NGÀNH, NGHỀ ĐẦU TƯ KINH DOANH CÓ ĐIỀU KIỆN",
        signer="Nguyễn Xuân Phúc", eff_date="2016-07-01", repeals=["52/2008/NĐ-CP", "72/2009/NĐ-CP"]),
    "doc/Luat-PCCC-27-2001-QH10_MISLABELED-ole-as.docx": dict(
        doc_type="Luật", number="27/2001/QH10", issuer="Quốc hội", place=None, issued="2001-06-29",
        title="PHÒNG CHÁY VÀ CHỮA CHÁY", signer="Nông Đức Mạnh", eff_date="2001-10-04"),
    "doc/Hien-phap-1959_vbpl-889.doc": dict(
        doc_type="Hiến pháp", number=None, issuer="Quốc hội", issued="1959-12-31", signer="Tôn Đức Thắng",
        effective=None),
}


def _check(md: dict, exp: dict) -> None:
    for key in ("doc_type", "number", "issuer", "place", "issued", "signer", "is_draft"):
        if key in exp:
            assert md[key] == exp[key], (key, md[key])
    if "title" in exp:
        if exp["title"] is None:
            assert md["title"] is None
        else:
            assert md["title"] is not None and md["title"].startswith(exp["title"]), md["title"]
    if "effective" in exp:
        assert md["effective"] is None
        return
    eff = md["effective"]
    if "eff_date" in exp:
        assert eff is not None and eff["date"] == exp["eff_date"], eff
    if "eff_relative" in exp:
        assert eff["relative"] == exp["eff_relative"]
    for kind in ("replaces", "expires", "repeals"):
        for number in exp.get(kind, []):
            assert number in eff["numbers"][kind], (kind, eff["numbers"][kind])
            assert any(number.replace("Đ", "") in s.replace(" ", "").replace("Đ", "") for s in eff[kind]), eff[kind]


@pytest.mark.realdata
@pytest.mark.parametrize("rel", sorted(REAL_EXPECTED))
def test_real_document_metadata(rel):
    _require_real()
    text, spans = _ingested(rel)
    md = extract_metadata(text, page_spans=list(spans))
    _check(md, REAL_EXPECTED[rel])
    # Every provenance span lies in the text and starts on the page it names.
    for field, prov in md["provenance"].items():
        assert 0 <= prov["start"] < prov["end"] <= len(text), field
        if prov["page"] is not None:
            s, e = spans[prov["page"] - 1]
            assert s <= prov["start"] <= e, field


def _ocr_pages(pdf: Path, pages: list[int]) -> str:
    """OCR a few pages the way the runner would (300 dpi, tesseract vie), into one text."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    out: list[str] = []
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    for number in pages:
        image = doc[number - 1].render(scale=300 / 72).to_pil()
        png = Path(os.environ.get("TMPDIR", "/tmp")) / f"tthc_meta_{os.getpid()}_{number}.png"
        image.save(png)
        try:
            run = subprocess.run(["tesseract", str(png), "-", "-l", "vie"], env=env, capture_output=True, text=True, timeout=120, check=True)
        finally:
            png.unlink(missing_ok=True)
        out.append(clean(run.stdout).strip("\n"))
    return "\n".join(out)


@pytest.mark.realdata
@pytest.mark.slow
def test_scanned_decree_154_from_ocr_text():
    _require_real()
    pdf = REAL / "pdf" / "ND-154-2024-ND-CP_cu-tru_SCAN.pdf"
    # Page 1: header; page 16: Điều 15 Hiệu lực thi hành; page 17: signature block.
    text = _ocr_pages(pdf, [1, 16, 17])
    md = extract_metadata(text)
    assert (md["doc_type"], md["number"], md["issuer"]) == ("Nghị định", "154/2024/NĐ-CP", "Chính phủ")
    assert (md["place"], md["issued"]) == ("Hà Nội", "2024-11-26")
    assert md["title"] and "biện pháp thi hành Luật Cư trú" in md["title"]
    eff = md["effective"]
    assert eff["date"] == "2025-01-10"
    assert eff["numbers"]["expires"] == ["62/2021/NĐ-CP"]
    assert any("62/2021/NĐ-CP" in s for s in eff["expires"])


def test_official_letter_takes_its_subject_line():
    text = (
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 1234/UBND-KSTT\nV/v triển khai Nghị quyết số 66.7/2025/NQ-CP\nvề cắt giảm thủ tục | Lào Cai, ngày 01 tháng 12 năm 2025\n"
        "Kính gửi: Các sở, ban, ngành.\n"
    )
    md = extract_metadata(text)
    assert (md["doc_type"], md["number"]) == ("Công văn", "1234/UBND-KSTT")
    assert md["title"] == "triển khai Nghị quyết số 66.7/2025/NQ-CP về cắt giảm thủ tục"
    assert (md["issuer"], md["place"], md["issued"]) == ("Ủy ban nhân dân tỉnh Lào Cai", "Lào Cai", "2025-12-01")


@pytest.mark.parametrize(
    "header, doc_type",
    [
        ("Số: 15/2024/NĐ-CP", "Nghị định"),
        ("Số: 7/KH-UBND", "Kế hoạch"),
        ("Luật số: 36/2024/QH15", "Luật"),
        ("Số: 73/2022/QH15", None),  # a law or a resolution of the National Assembly: unknown
    ],
)
def test_type_from_symbol_when_no_heading(header, doc_type):
    assert extract_metadata(f"QUỐC HỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n{header}\n")["doc_type"] == doc_type


def test_consolidated_text_keeps_the_consolidated_type():
    text = "BỘ CÔNG AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 05/VBHN-BCA | Hà Nội, ngày 10 tháng 4 năm 2024\nTHÔNG TƯ\nQuy định về cư trú\n"
    md = extract_metadata(text)
    assert (md["doc_type"], md["consolidated_type"], md["number"]) == ("Văn bản hợp nhất", "Thông tư", "05/VBHN-BCA")
    assert md["issuer"] == "Bộ Công an" and md["title"] == "Quy định về cư trú"
