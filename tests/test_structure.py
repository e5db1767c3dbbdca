"""Structure stage: the outline tree must be right where it can be and never lose text."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from tthc_pipeline.ingest.structure import build_structure, find_node, iter_nodes, own_spans
from tthc_pipeline.text.normalize import clean

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"


def assert_tiles(text: str, tree: dict) -> None:
    """Own spans partition the text, children are contiguous, ids are unique.

    Together this means every character (so every non-whitespace character) belongs to exactly
    one node, and no text was dropped.
    """
    pos = 0
    for start, end, node_id in own_spans(tree):
        assert start == pos, (node_id, start, pos)
        pos = end
    assert pos == len(text)
    covered = [False] * len(text)
    for node in iter_nodes(tree):
        kids = node["children"]
        for a, b in zip(kids, kids[1:]):
            assert a["end"] == b["start"], (a["id"], b["id"])
        if kids:
            assert node["start"] <= kids[0]["start"] and kids[-1]["end"] == node["end"], node["id"]
        else:
            for i in range(node["start"], node["end"]):
                covered[i] = True
    # Root has no heading: outside its children only whitespace may remain.
    first = tree["children"][0]["start"] if tree["children"] else len(text)
    assert not text[:first].strip()
    for node in iter_nodes(tree):
        kids = node["children"]
        if kids and node["kind"] != "document":
            for i in range(node["start"], kids[0]["start"]):
                covered[i] = True
    missed = [i for i, ok in enumerate(covered) if not ok and not text[i].isspace()]
    assert not missed, text[missed[0] : missed[0] + 40]
    ids = [n["id"] for n in iter_nodes(tree)]
    assert len(ids) == len(set(ids))


MINI_DECREE = """\
CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
NGHỊ ĐỊNH
Quy định chi tiết Luật Mẫu
Căn cứ Luật Tổ chức Chính phủ;
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định chi tiết Luật Mẫu.
Điều 2. Giải thích từ ngữ
Trong Nghị định này, các từ ngữ dưới đây được hiểu như sau:
1. Hồ sơ là tập hợp giấy tờ.
2. Cơ quan tiếp nhận gồm:
a) Ủy ban nhân dân cấp xã;
b) Công an cấp xã;
c) Bộ phận một cửa;
đ) cơ quan khác theo quy định tại khoản 1 Điều này.
Chương II
THỦ TỤC
Mục 1
ĐĂNG KÝ
Điều 3. Hồ sơ đăng ký
1. Tờ khai theo mẫu quy định tại khoản
5. Điều 4 Nghị định này;
2. Giấy tờ chứng minh chỗ ở hợp pháp.
Điều 4. Thời hạn
Không quá 05 ngày làm việc.
Điều 5. Hiệu lực thi hành
Nghị định này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2025./.
Nơi nhận:
- Lưu: VT.
TM. CHÍNH PHỦ
THỦ TƯỚNG
Phạm Minh Chính
"""


def test_mini_decree_tree():
    cut = MINI_DECREE.index("Chương II")
    tree = build_structure(MINI_DECREE, page_spans=[(0, cut - 1), (cut, len(MINI_DECREE))])
    assert_tiles(MINI_DECREE, tree)
    top = [(n["kind"], n["id"]) for n in tree["children"]]
    assert top == [("text", "text-1"), ("chuong", "chuong-1"), ("chuong", "chuong-2"), ("text", "text-2")]
    assert tree["children"][0]["role"] == "preamble" and tree["children"][-1]["role"] == "signature"
    ch1 = find_node(tree, "chuong-1")
    assert (ch1["label"], ch1["number"], ch1["title"], ch1["page"]) == ("Chương I", "I", "QUY ĐỊNH CHUNG", 1)
    dieu2 = find_node(tree, "chuong-1/dieu-2")
    assert (dieu2["label"], dieu2["title"]) == ("Điều 2", "Giải thích từ ngữ")
    assert [k["id"] for k in dieu2["children"]] == ["chuong-1/dieu-2/khoan-1", "chuong-1/dieu-2/khoan-2"]
    diem = [n["id"] for n in iter_nodes(find_node(tree, "chuong-1/dieu-2/khoan-2")) if n["kind"] == "diem"]
    # "d)" is missing (OCR loses lines): one skipped letter is tolerated.
    assert diem == [f"chuong-1/dieu-2/khoan-2/diem-{x}" for x in ("a", "b", "c", "dd")]
    dd = find_node(tree, "chuong-1/dieu-2/khoan-2/diem-dd")
    assert MINI_DECREE[dd["start"] : dd["end"]].startswith("đ) cơ quan khác")
    muc = find_node(tree, "chuong-2/muc-1")
    assert muc["title"] == "ĐĂNG KÝ" and muc["page"] == 2
    # "5. Điều 4 …" is a wrapped line, not khoản 5 (it does not follow khoản 1).
    dieu3 = find_node(tree, "chuong-2/muc-1/dieu-3")
    assert [k["number"] for k in dieu3["children"]] == ["1", "2"]
    assert "5. Điều 4" in MINI_DECREE[dieu3["children"][0]["start"] : dieu3["children"][0]["end"]]
    assert find_node(tree, "chuong-2/muc-1/dieu-5")["title"] == "Hiệu lực thi hành"
    signature = tree["children"][-1]
    assert MINI_DECREE[signature["start"] :].startswith("Nơi nhận:")
    assert find_node(tree, "nope") is None


AMENDING = """\
Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số 75/2021/NĐ-CP
1. Sửa đổi, bổ sung Điều 1 như sau:
“Điều 1. Phạm vi điều chỉnh
Nghị định này quy định về mức hưởng trợ cấp.”.
2. Sửa đổi, bổ sung Điều 4 như sau:
“Điều 4. Mức hưởng
1. Mức hưởng trợ cấp hằng tháng.
2. Mức hưởng trợ cấp một lần.
Chương III
Điều 9. Không phải điều mới”.
3. Bổ sung điểm c vào khoản 2 Điều 5 như sau:
“c) Lấy mẫu hài cốt liệt sĩ.”.
Điều 2. Điều khoản thi hành
Nghị định này có hiệu lực thi hành từ ngày 05 tháng 9 năm 2023.
"""


def test_amending_decree_keeps_quoted_articles_as_content():
    text = clean(AMENDING)
    tree = build_structure(text)
    assert_tiles(text, tree)
    dieus = [n["id"] for n in iter_nodes(tree) if n["kind"] == "dieu"]
    assert dieus == ["dieu-1", "dieu-2"]
    assert not [n for n in iter_nodes(tree) if n["kind"] == "chuong"]
    khoan = find_node(tree, "dieu-1")["children"]
    assert [k["id"] for k in khoan] == ["dieu-1/khoan-1", "dieu-1/khoan-2", "dieu-1/khoan-3"]
    q = khoan[1]["quotes"]
    assert len(q) == 1
    quoted = text[q[0][0] : q[0][1]]
    assert quoted.startswith('"Điều 4. Mức hưởng') and quoted.endswith('Không phải điều mới".')
    assert not khoan[1]["children"]  # the quoted "1." "2." are not khoản of Điều 1
    assert text[slice(*khoan[2]["quotes"][0])] == '"c) Lấy mẫu hài cốt liệt sĩ.".'


def test_amendment_without_quote_marks_after_colon_is_content():
    # OCR often loses the quote marks: a heading right after "như sau:" is still content.
    text = (
        "Điều 1. Sửa đổi Nghị định số 62/2021/NĐ-CP\n1. Sửa đổi Điều 7 như sau:\n"
        "Điều 7. Hồ sơ đăng ký thường trú\nHồ sơ gồm tờ khai.\n2. Bãi bỏ Điều 9.\n"
        "Điều 2. Hiệu lực thi hành\nNghị định này có hiệu lực từ ngày ký.\n"
    )
    tree = build_structure(text)
    assert_tiles(text, tree)
    assert [n["id"] for n in iter_nodes(tree) if n["kind"] == "dieu"] == ["dieu-1", "dieu-2"]
    assert [n["id"] for n in find_node(tree, "dieu-1")["children"]] == ["dieu-1/khoan-1", "dieu-1/khoan-2"]


CONG_BO = """\
ỦY BAN NHÂN DÂN TỈNH HÀ GIANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
QUYẾT ĐỊNH
VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH
QUYẾT ĐỊNH:
Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng chịu trách nhiệm thi hành./.
Nơi nhận: - Như Điều 3; - Lưu: VT. | CHỦ TỊCH Nguyễn Văn Sơn
MỤC LỤC
PHỤ LỤC I ........ 3
PHỤ LỤC I
DANH MỤC THỦ TỤC HÀNH CHÍNH
(Kèm theo Quyết định số 378/QĐ-UBND ngày 18 tháng 3 năm 2022)
Phần I. DANH MỤC
STT | Tên thủ tục | Thời hạn
1 | Cấp giấy phép bán lẻ rượu | 10 ngày
Phần II. NỘI DUNG CỤ THỂ
1. Thủ tục cấp giấy phép
a) Trình tự thực hiện
Phụ lục II
QUY TRÌNH NỘI BỘ
Điều 1. Bước tiếp nhận
"""


def test_announcement_decision_with_annexes_and_table():
    text = CONG_BO
    row = text.index("STT | Tên")
    table_end = text.index("\nPhần II")
    tables = [{"id": "table-1", "page": 1, "start": row, "end": table_end, "rows": []}]
    tree = build_structure(text, tables=tables)
    assert_tiles(text, tree)
    top = [n["id"] for n in tree["children"]]
    assert top == ["text-1", "dieu-1", "dieu-2", "dieu-3", "text-2", "phu-luc-1", "phu-luc-2"]
    assert tree["children"][4]["role"] == "signature"
    pl1 = find_node(tree, "phu-luc-1")
    assert (pl1["label"], pl1["number"], pl1["title"]) == ("PHỤ LỤC I", "I", "DANH MỤC THỦ TỤC HÀNH CHÍNH")
    assert text[pl1["start"] :].startswith("PHỤ LỤC I\nDANH")  # not the table-of-contents line
    assert [n["id"] for n in pl1["children"]] == ["phu-luc-1/phan-1", "phu-luc-1/phan-2"]
    phan1 = find_node(tree, "phu-luc-1/phan-1")
    assert phan1["title"] == "DANH MỤC"
    assert [n["kind"] for n in phan1["children"]] == ["table"]
    assert find_node(tree, "table-1") is None and find_node(tree, "phu-luc-1/phan-1/table-1")["end"] >= table_end
    # Numbered lines in an annex part are not khoản (khoản live in articles only).
    assert not [n for n in iter_nodes(find_node(tree, "phu-luc-1/phan-2")) if n["kind"] in ("khoan", "diem")]
    # The annex numbers its own articles.
    assert find_node(tree, "phu-luc-2/dieu-1")["title"] == "Bước tiếp nhận"


def test_plain_text_is_one_text_node():
    text = "Chi tiết thủ tục hành chính\nMã thủ tục: 2.002229\n"
    tree = build_structure(text)
    assert_tiles(text, tree)
    assert [n["kind"] for n in tree["children"]] == ["text"]
    assert build_structure("")["children"] == []


# --------------------------------------------------------------------------- real documents


@lru_cache(maxsize=None)
def _ingested(rel: str) -> tuple[str, tuple, tuple]:
    from tthc_pipeline.ingest.backends import IngestOptions
    from tthc_pipeline.ingest.runner import ingest_file

    record = ingest_file(REAL / rel, IngestOptions(ocr=False))
    assert record["error"] is None, record["error"]
    spans = tuple((p["start"], p["end"]) for p in record["pages"])
    return record["text"], spans, tuple(record["tables"])


# Article counts read off each document (its last article number; numbering has no gaps).
REAL_ARTICLES = {
    "pdf/Luat-26-2023-QH15_Can-cuoc_CONGBAO-text.pdf": [46],
    "pdf/TT-02-2021-TT-BTC_phi-kiem-dinh-PCCC_WORD-export.pdf": [7],
    "pdf/TT-35-2024-TT-BGTVT_GPLX_WORD-export-signed.pdf": [67],
    "pdf/Du-thao-QCVN-PCCC-2025_text_mixed-NFD.pdf": [],
    "pdf/ChiTietTTHC_2.002229_dang-ky-nguoi-phu-thuoc.pdf": [],
    "docx/ND-168-2024-ND-CP_xu-phat-giao-thong.docx": [55],
    "docx/Luat-36-2024-QH15_TTATGT-duong-bo_mixed-NFD.docx": [89],
    "docx/TT-24-2023-TT-BCA_dang-ky-bien-so-xe_SUPERSEDED.docx": [40],
    "md/QD-378-QD-UBND-2022_Ha-Giang_cong-bo-TTHC-Cong-Thuong.md": [2],
    "md/QD-31-2011-QD-UBND_Gia-Lai_trinh-tu-thu-tuc-mien-giam-tien-SDD.md": [3, 9],  # decision + attached Quy định
    "md/ND-55-2023-ND-CP_sua-ND-75-2021.md": [3],
    "doc/ND-96-2016-ND-CP_315469.doc": [53],
    "doc/Luat-PCCC-27-2001-QH10_MISLABELED-ole-as.docx": [65],
    "doc/Hien-phap-1959_vbpl-889.doc": [112],
}


@pytest.mark.realdata
@pytest.mark.parametrize("rel", sorted(REAL_ARTICLES))
def test_real_document_structure(rel):
    if not REAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    text, spans, tables = _ingested(rel)
    tree = build_structure(text, page_spans=list(spans), tables=[dict(t) for t in tables])
    assert_tiles(text, tree)
    assert not [n["id"] for n in iter_nodes(tree) if "~" in n["id"]]
    # Articles, per part (the document, then each annex that restarts numbering).
    runs: list[list[int]] = []
    for node in iter_nodes(tree):
        if node["kind"] == "dieu":
            n = int(node["number"])
            if not runs or n <= runs[-1][-1]:
                runs.append([])
            runs[-1].append(n)
    assert [r[-1] for r in runs] == REAL_ARTICLES[rel]
    assert all(r == list(range(1, r[-1] + 1)) for r in runs)
    for node in iter_nodes(tree):
        if node["kind"] != "document" and spans:
            s, e = spans[node["page"] - 1]
            assert s <= node["start"] <= e + 1, node["id"]


@pytest.mark.realdata
def test_real_amending_decree_quotes():
    if not REAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    text, _, tables = _ingested("md/ND-55-2023-ND-CP_sua-ND-75-2021.md")
    tree = build_structure(text, tables=[dict(t) for t in tables])
    khoan1 = find_node(tree, "dieu-1/khoan-1")
    assert text[slice(*khoan1["quotes"][0])].startswith('"Điều 1. Phạm vi điều chỉnh')
    assert [n["number"] for n in tree["children"] if n["kind"] == "phu_luc"] == ["I", "II", "III", "IV"]


def test_ocr_debris_before_headings_and_misread_chapter_numbers():
    text = (
        "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\nNội dung.\n"
        "¬ Chương II\nNƠI CƯ TRÚ\nĐiều 2. Nơi cư trú\nNội dung.\n"
        "Chương II\nCƠ SỞ DỮ LIỆU VỀ CƯ TRÚ\nĐiều 3. Thông tin\nNội dung.\n"  # "III" read as "II"
        "Chương IV\nĐIỀU KHOẢN THI HÀNH\nĐiều 4. Hiệu lực thi hành\n"
    )
    tree = build_structure(text)
    assert_tiles(text, tree)
    assert [n["id"] for n in tree["children"]] == ["chuong-1", "chuong-2", "chuong-2~2", "chuong-4"]
    assert find_node(tree, "chuong-2~2/dieu-3")["title"] == "Thông tin"


def test_ordinal_parts_and_numbered_annexes():
    text = (
        "PHẦN THỨ NHẤT\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\nNội dung.\n"
        "Phần thứ hai\nTHỦ TỤC\nĐiều 2. Hồ sơ\nNội dung.\n"
        "Phụ lục số 01\nMẪU TỜ KHAI\nHọ và tên: ....\n"
        "Phụ lục 02: Danh mục giấy tờ\n1. Giấy tờ tùy thân\n"
        "Phụ lục II ban hành kèm theo Thông tư này.\n"  # a reference that starts a line, not a heading
    )
    tree = build_structure(text)
    assert_tiles(text, tree)
    assert [n["id"] for n in tree["children"]] == ["phan-1", "phan-2", "phu-luc-1", "phu-luc-2"]
    assert find_node(tree, "phan-2/dieu-2") is not None
    pl1, pl2 = find_node(tree, "phu-luc-1"), find_node(tree, "phu-luc-2")
    assert (pl1["label"], pl1["number"], pl1["title"]) == ("Phụ lục số 01", "01", "MẪU TỜ KHAI")
    assert (pl2["number"], pl2["title"]) == ("02", "Danh mục giấy tờ")
