"""Announcement decisions: danh mục rows merged with their Phần II blocks, change types from the
enclosing headings / Điều 1, inline dossiers, listing-only rows."""

import json
from datetime import date
from pathlib import Path

import docx
import jsonschema
import pytest

from tthc_pipeline.procedures import change_type as CT
from tthc_pipeline.procedures.announcement_match import name_key, pair_blocks, strip_thu_tuc
from tthc_pipeline.procedures.docrecord import record_from_text
from tthc_pipeline.procedures.extract import extract_path
from tthc_pipeline.rules.check_inputs import load_procedures
from tthc_pipeline.rules.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
SAMPLES = ROOT / "corpus" / "samples"
SCHEMA = json.loads((ROOT / "tthc_pipeline" / "schemas" / "procedures.schema.json").read_text())

AMENDED_TITLE = "THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG TRONG LĨNH VỰC HỘ TỊCH, CHỨNG THỰC"
NEUTRAL_TITLE = "DANH MỤC VÀ NỘI DUNG THỦ TỤC HÀNH CHÍNH THUỘC PHẠM VI QUẢN LÝ CỦA SỞ TƯ PHÁP"


def _table(d, rows):
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, val in enumerate(row):
            t.cell(r, c).text = val


def _decision(path: Path, phu_luc_title: str = AMENDED_TITLE, dieu1: str = "danh mục 04 thủ tục hành chính được sửa đổi, bổ sung") -> None:
    """A provincial decision: PHỤ LỤC → PHẦN I danh mục (lĩnh vực rows with counts) → PHẦN II blocks.

    Blocks: khai sinh (name with "Thủ tục" prefix), nhận cha mẹ con (no danh mục row), chứng thực
    bản sao (a word more than its row: fuzzy), chữ ký (code in its heading). Row "kết hôn" has no block.
    """
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM", "Số: 512/QĐ-UBND", "QUYẾT ĐỊNH",
                 "Về việc công bố danh mục thủ tục hành chính thuộc phạm vi quản lý của Sở Tư pháp",
                 "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM", "QUYẾT ĐỊNH:",
                 f"Điều 1. Công bố kèm theo Quyết định này {dieu1} thuộc phạm vi quản lý của Sở Tư pháp.",
                 "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký. Bãi bỏ Quyết định số 100/QĐ-UBND.",
                 "PHỤ LỤC", phu_luc_title,
                 "(Kèm theo Quyết định số 512/QĐ-UBND ngày 02 tháng 5 năm 2024 của Chủ tịch Ủy ban nhân dân tỉnh)",
                 "PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH"):
        d.add_paragraph(line)
    _table(d, [
        ["STT", "Mã số TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Phí, lệ phí", "Căn cứ pháp lý"],
        ["I", "LĨNH VỰC HỘ TỊCH (02 TTHC)", "", "", "", ""],
        ["1", "1.001193", "Đăng ký khai sinh", "05 ngày làm việc", "Miễn lệ phí", "Luật Hộ tịch số 60/2014/QH13"],
        ["2", "1.000894", "Đăng ký kết hôn", "Trong ngày", "Miễn lệ phí", "Luật Hộ tịch số 60/2014/QH13"],
        ["II", "LĨNH VỰC CHỨNG THỰC (02 TTHC)", "", "", "", ""],
        ["1", "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
         "Trong ngày", "2.000 đồng/trang", "Nghị định số 23/2015/NĐ-CP"],
        ["2", "2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Trong ngày", "10.000 đồng/trường hợp",
         "Nghị định số 23/2015/NĐ-CP"],
    ])
    for line in (
        "PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH",
        "I. LĨNH VỰC HỘ TỊCH",
        "1. Thủ tục đăng ký khai sinh",
        "a) Trình tự thực hiện:",
        "Bước 1: Người yêu cầu nộp hồ sơ tại Ủy ban nhân dân cấp xã.",
        "Bước 2: Công chức tư pháp - hộ tịch kiểm tra hồ sơ và trình ký Giấy khai sinh.",
        "b) Cách thức thực hiện: Nộp trực tiếp hoặc qua dịch vụ bưu chính.",
        "c) Thành phần, số lượng hồ sơ:",
        "- Tờ khai đăng ký khai sinh theo mẫu;",
        "- Giấy chứng sinh (bản chính).",
        "Số lượng hồ sơ: 01 bộ.",
        "d) Thời hạn giải quyết: 03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "đ) Đối tượng thực hiện thủ tục hành chính: Cá nhân.",
        "e) Cơ quan thực hiện thủ tục hành chính: Ủy ban nhân dân cấp xã.",
        "g) Kết quả thực hiện thủ tục hành chính: Giấy khai sinh.",
        "k) Yêu cầu, điều kiện thực hiện thủ tục hành chính: Không.",
        "l) Căn cứ pháp lý của thủ tục hành chính: Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP.",
        "2. Thủ tục đăng ký nhận cha, mẹ, con",
        "a) Trình tự thực hiện: Người yêu cầu nộp hồ sơ tại Ủy ban nhân dân cấp xã.",
        "c) Thành phần, số lượng hồ sơ: Tờ khai đăng ký nhận cha, mẹ, con theo mẫu. Số lượng hồ sơ: 01 bộ.",
        "d) Thời hạn giải quyết: 03 ngày làm việc.",
        "II. LĨNH VỰC CHỨNG THỰC",
        "1. Thủ tục chứng thực bản sao từ bản chính các giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
        "a) Trình tự thực hiện: Người yêu cầu chứng thực xuất trình bản chính và bản sao cần chứng thực.",
        "b) Cách thức thực hiện: Trực tiếp tại cơ quan có thẩm quyền chứng thực.",
        "c) Thành phần, số lượng hồ sơ: Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao và bản sao cần "
        "chứng thực. Số lượng hồ sơ: 01 bộ.",
        "d) Thời hạn giải quyết: Trong ngày cơ quan tiếp nhận yêu cầu.",
        "e) Cơ quan thực hiện: Phòng Tư pháp cấp huyện; Ủy ban nhân dân cấp xã.",
        "l) Căn cứ pháp lý: Nghị định số 23/2015/NĐ-CP ngày 16 tháng 02 năm 2015 của Chính phủ.",
        "2. Thủ tục chứng thực chữ ký (2.000884)",
        "a) Trình tự thực hiện: Người yêu cầu chứng thực nộp hồ sơ.",
        "c) Thành phần, số lượng hồ sơ: Bản sao giấy tờ tùy thân; giấy tờ, văn bản mà mình sẽ ký. Số lượng hồ sơ: 01 bộ.",
    ):
        d.add_paragraph(line)
    d.save(path)


def _by_name(out):
    return {p["name"]: p for p in out["procedures"]}


def test_docx_rows_and_part2_blocks_merge(tmp_path):
    f = tmp_path / "qd512.docx"
    _decision(f)
    out = extract_path(f)
    jsonschema.validate(out, SCHEMA)
    assert out["procedure_count"] == 5  # 4 rows (3 with a block) + 1 block without a row
    by = _by_name(out)
    ks = by["Đăng ký khai sinh"]
    # code, field and change type from the row; components from the block
    assert ks["code"] == "1.001193" and ks["field"] == "Hộ tịch" and ks["change_type"] == "amended"
    assert [s["order"] for s in ks["steps"]] == [1, 2]
    assert [x["name"] for x in ks["dossier"]] == ["Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh (bản chính)"]
    assert ks["dossier_sets"] == 1
    assert [(t["value"], t["unit"]) for t in ks["time_limits"]] == [(3.0, "ngay_lam_viec")]  # block's 03, not row's 05
    assert ks["components"]["requirements"]["text"] == "Không."  # "Yêu cầu, điều kiện thực hiện thủ tục hành chính"
    # the row's fee cell is kept: the block has no fee component
    assert ks["fees"][0]["free"] is True and ks["components"]["fees"]["prov"]["node_id"].endswith("/row-2")
    # provenance of both: the row, the block, and the row cells the block superseded
    ext = ks["extra"]
    assert ext["table_row"].endswith("/row-2") and ext["part2_block"]["match"] == "name"
    assert ext["part2_block"]["name"] == "Đăng ký khai sinh"
    text = extract_path_text(f)
    assert text[ext["part2_block"]["start"] :].startswith("1. Thủ tục đăng ký khai sinh")
    rv = ext["row_values"]["time_limit"]
    assert rv["text"] == "05 ngày làm việc" and text[rv["start"] : rv["end"]] == "05 ngày làm việc"
    assert "listing_only" not in ext

    cb = by["Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp"]
    assert cb["extra"]["part2_block"]["match"] == "fuzzy" and cb["extra"]["part2_block"]["score"] >= 90
    assert cb["code"] == "2.000815" and cb["field"] == "Chứng thực"
    assert [x["name"] for x in cb["dossier"]] == [
        "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", "bản sao cần chứng thực"]
    assert cb["dossier_sets"] == 1 and cb["fees"][0]["amount"] == 2000

    ck = by["Chứng thực chữ ký trong các giấy tờ, văn bản"]  # block "chứng thực chữ ký (2.000884)"
    assert ck["extra"]["part2_block"]["match"] == "code"
    assert [x["name"] for x in ck["dossier"]] == ["Bản sao giấy tờ tùy thân", "giấy tờ, văn bản mà mình sẽ ký"]

    kh = by["Đăng ký kết hôn"]  # row without a block: stays, flagged, NOT listing-only
    assert kh["extra"]["part2_missing"] is True and "listing_only" not in kh["extra"]
    assert "steps" not in kh and kh["time_limits"][0]["unit"] == "trong_ngay"
    ncm = by["Đăng ký nhận cha, mẹ, con"]  # block without a row: stays separate
    assert ncm["extra"]["part2_only"] is True and ncm["change_type"] == "amended" and ncm["field"] == "Hộ tịch"
    assert [x["name"] for x in ncm["dossier"]] == ["Tờ khai đăng ký nhận cha, mẹ, con theo mẫu"]
    assert any("Đăng ký kết hôn" in w for w in out["warnings"])
    assert any("Đăng ký nhận cha, mẹ, con" in w for w in out["warnings"])
    assert not any("count mismatch" in w for w in out["warnings"])


def extract_path_text(path: Path) -> str:
    from tthc_pipeline.procedures.docrecord import load_document

    return load_document(path)["text"]


def test_docx_change_type_defaults_to_the_single_type_of_dieu_1(tmp_path):
    f = tmp_path / "qd-new.docx"
    _decision(f, phu_luc_title=NEUTRAL_TITLE, dieu1="danh mục 04 thủ tục hành chính mới ban hành")
    out = extract_path(f)
    # Điều 2 says "Bãi bỏ Quyết định số 100" and the rows are not abolished for that
    assert {p["change_type"] for p in out["procedures"]} == {"new"}


def test_docx_two_types_in_dieu_1_give_no_default(tmp_path):
    f = tmp_path / "qd-mixed.docx"
    _decision(f, phu_luc_title=NEUTRAL_TITLE, dieu1="danh mục thủ tục hành chính mới ban hành và được sửa đổi, bổ sung")
    out = extract_path(f)
    assert {p["change_type"] for p in out["procedures"]} == {"unknown"}


def test_md_sample_decision():
    out = extract_path(SAMPLES / "QD-mau-cong-bo-TTHC-tu-phap.md")
    jsonschema.validate(out, SCHEMA)
    assert out["procedure_count"] == 2 and out["warnings"] == []
    ks, cb = out["procedures"]
    assert (ks["code"], ks["name"], ks["change_type"], ks["field"]) == ("1.001193", "Đăng ký khai sinh", "amended", "Hộ tịch")
    assert len(ks["dossier"]) == 5 and ks["dossier_sets"] == 2 and len(ks["steps"]) == 2
    assert ks["extra"]["part2_block"]["match"] == "name"
    assert cb["code"] == "2.000815" and cb["change_type"] == "amended" and cb["field"] == "Chứng thực"
    assert [x["name"] for x in cb["dossier"]] == [
        "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", "bản sao cần chứng thực"]
    assert cb["dossier_sets"] == 1
    text = extract_path_text(SAMPLES / "QD-mau-cong-bo-TTHC-tu-phap.md")
    item = cb["dossier"][1]["prov"]
    assert text[item["start"] : item["end"]] == "bản sao cần chứng thực"


def test_listing_only_rows():
    out = extract_path(SAMPLES / "thong-bao-mau.html")  # a list, no Phần II
    assert out["procedure_count"] == 2
    assert all(p["extra"]["listing_only"] is True and p["extra"]["listing_reason"] == "no_part2" for p in out["procedures"])


def test_abolished_rows_are_listing_only_even_with_part2(tmp_path):
    d = docx.Document()
    d.add_paragraph("Số: 77/QĐ-UBND")
    d.add_paragraph("A. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH")
    _table(d, [["STT", "Mã số TTHC", "Tên thủ tục hành chính"], ["1", "1.000001", "Cấp giấy phép thử nghiệm"]])
    d.add_paragraph("B. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ")
    _table(d, [["STT", "Mã số TTHC", "Tên thủ tục hành chính", "Ghi chú"], ["1", "2.000884", "Chứng thực chữ ký", "QĐ 1329/QĐ-BTP"]])
    d.add_paragraph("PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH")
    d.add_paragraph("1. Thủ tục cấp giấy phép thử nghiệm")
    d.add_paragraph("a) Trình tự thực hiện: Tổ chức nộp hồ sơ tại Sở Khoa học và Công nghệ.")
    d.add_paragraph("d) Thời hạn giải quyết: 10 ngày làm việc.")
    f = tmp_path / "qd77.docx"
    d.save(f)
    by = {p["code"]: p for p in extract_path(f)["procedures"]}
    assert by["1.000001"]["change_type"] == "new" and "listing_only" not in by["1.000001"]["extra"]
    assert by["1.000001"]["time_limits"][0]["value"] == 10.0
    ab = by["2.000884"]
    assert ab["change_type"] == "abolished" and ab["extra"]["listing_only"] is True
    assert ab["extra"]["listing_reason"] == "abolished" and "part2_missing" not in ab["extra"]


def test_real_ha_giang_rows_are_listing_only():
    path = REAL / "md" / "QD-378-QD-UBND-2022_Ha-Giang_cong-bo-TTHC-Cong-Thuong.md"
    if not path.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    out = extract_path(path)
    # Điều 1 says "(có danh mục và nội dung thủ tục hành chính kèm theo)" but the file has no Phần II
    assert out["procedure_count"] == 10 and out["warnings"] == []
    assert [p["change_type"] for p in out["procedures"]] == ["new"] + ["amended"] * 9
    assert all(p["extra"]["listing_only"] is True for p in out["procedures"])


# --- units ---------------------------------------------------------------------------------


def test_strip_thu_tuc_and_name_key():
    assert strip_thu_tuc("Thủ tục đăng ký khai sinh") == "Đăng ký khai sinh"
    assert strip_thu_tuc("Thủ tục hành chính: cấp lại thẻ") == "Cấp lại thẻ"
    assert strip_thu_tuc("Thủ tục hành chính") == "Thủ tục hành chính"
    assert strip_thu_tuc("Đăng ký thủ tục") == "Đăng ký thủ tục"
    assert name_key("Thủ tục chứng thực bản sao, giấy tờ") == name_key("Chứng thực bản sao giấy tờ")


def _row(name, code=None, field=None, levels=()):
    return {"name": name, "code": code, "field": field, "levels": list(levels)}


def _blk(name, code=None, field=None, levels=()):
    return {"name": name, "code": code, "field": field, "levels": list(levels)}


def test_pair_blocks_is_conservative():
    rows = [_row("Cấp Giấy xác nhận đủ điều kiện làm đại lý bán lẻ xăng dầu"),
            _row("Cấp lại Giấy xác nhận đủ điều kiện làm đại lý bán lẻ xăng dầu")]
    # "Cấp lai" (tone lost) is close to both rows: left unpaired rather than guessed
    assert pair_blocks(rows, [_blk("Cấp lai Giấy xác nhận đủ điều kiện làm đại lý bán lẻ xăng dầu")]) == {}
    # an exact name wins over a near one; the remaining block may then pair fuzzily
    got = pair_blocks(rows, [_blk("Thủ tục cấp lại Giấy xác nhận đủ điều kiện làm đại lý bán lẻ xăng dầu"),
                             _blk("Cấp Giấy xác nhận đủ điều kiện làm đại lý bán lẻ xăng dầu.")])
    assert got == {1: (0, "name", 100.0), 0: (1, "name", 100.0)}
    # same name, two lĩnh vực: paired within its field; a different code never pairs
    rows = [_row("Chứng thực bản sao", field="Hộ tịch"), _row("Chứng thực bản sao", field="Chứng thực")]
    assert pair_blocks(rows, [_blk("Chứng thực bản sao", field="CHỨNG THỰC")]) == {1: (0, "name", 100.0)}
    assert pair_blocks([_row("Đăng ký khai sinh", code="1.001193")], [_blk("Đăng ký khai sinh", code="1.000894")]) == {}
    # disjoint cấp do not pair; a far name does not pair
    assert pair_blocks([_row("Đăng ký khai sinh", levels=["Cấp huyện"])], [_blk("Đăng ký khai sinh", levels=["Cấp xã"])]) == {}
    assert pair_blocks([_row("Đăng ký khai sinh")], [_blk("Đăng ký khai tử")]) == {}


def test_heading_change_types():
    text = ("PHỤ LỤC\nTHỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ\n(Kèm theo Quyết định số 1/QĐ-UBND về việc công bố danh mục mới ban hành)\n"
            "PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH (03 TTHC)\n")
    assert CT.heading_before(text, len(text), 0) == ("abolished", 3)
    mixed = "DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH; SỬA ĐỔI, BỔ SUNG\nPHẦN I. DANH MỤC\n"
    assert CT.heading_before("THỦ TỤC BỊ BÃI BỎ\n" + mixed, len(mixed) + 18, 0) == (CT.AMBIGUOUS, None)
    assert CT.resolve(CT.AMBIGUOUS, "amended") == "unknown" and CT.resolve(None, None, "new") == "new"
    rec = record_from_text("QUYẾT ĐỊNH:\nĐiều 1. Công bố kèm theo Quyết định này danh mục 03 thủ tục hành chính bị bãi bỏ.\n"
                           "Điều 2. Quyết định này thay thế Quyết định số 5/QĐ-UBND.\n", "x.txt")
    assert CT.decision_default(rec) == "abolished"


def test_part2_only_decision_change_groups():
    """A ministry-style decision with Phần II blocks only: the change group headings inside Phần II
    set the change type; 'LĨNH VỰC' after the change words still sets the field."""
    from tthc_pipeline.procedures.extract import extract_from_record

    text = (
        "QUYẾT ĐỊNH\nĐiều 1. Công bố kèm theo Quyết định này thủ tục hành chính mới ban hành và được sửa đổi, bổ sung.\n"
        "PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH\n"
        "A. THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH\n"
        "1. Thủ tục cấp giấy phép thử nghiệm\n"
        "a) Trình tự thực hiện: Tổ chức nộp hồ sơ.\n"
        "d) Thời hạn giải quyết: 10 ngày làm việc.\n"
        "B. THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG TRONG LĨNH VỰC HỘ TỊCH\n"
        "1. Thủ tục đăng ký khai tử\n"
        "a) Trình tự thực hiện: Người đi đăng ký khai tử nộp tờ khai.\n"
        "c) Thành phần, số lượng hồ sơ: Tờ khai đăng ký khai tử theo mẫu; giấy báo tử hoặc giấy tờ thay thế giấy báo tử.\n"
    )
    procs, warnings, kind = extract_from_record(record_from_text(text, "qd-bo.txt"))
    assert kind == "announcement" and warnings == []
    assert [(p.name, p.change_type, p.field) for p in procs] == [
        ("Cấp giấy phép thử nghiệm", "new", None), ("Đăng ký khai tử", "amended", "Hộ tịch")]
    assert [d.name for d in procs[1].dossier] == [
        "Tờ khai đăng ký khai tử theo mẫu", "giấy báo tử hoặc giấy tờ thay thế giấy báo tử"]
    assert all(p.extra["part2_only"] and "listing_only" not in p.extra for p in procs)


def test_announcing_decision_number_is_canonical():
    """The decision number goes through legal.citations.canonical_number, from metadata or the text."""
    from tthc_pipeline.procedures.announcement import decision_number

    assert decision_number({"metadata": {"number": "5/2024/QD-UBND"}, "text": ""}) == "05/2024/QĐ-UBND"
    text = "ỦY BAN NHÂN DÂN TỈNH X\nSố: 1766/QD - UBND\nQUYẾT ĐỊNH"
    assert decision_number({"metadata": {}, "text": text}) == "1766/QĐ-UBND"


def _merged_header_decision(path: Path) -> None:
    """A danh mục as provinces lay it out (Bình Thuận QĐ 1766/2020, TTHC-DOMAIN.md §2): every
    header merged over two rows except "Cách thức thực hiện", merged over two columns above
    "Mức độ DVC" and "Thực hiện qua BCCI"."""
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM", "Số: 1766/QĐ-UBND", "QUYẾT ĐỊNH",
                 "Về việc công bố danh mục thủ tục hành chính được sửa đổi, bổ sung thuộc phạm vi quản lý của ngành Tư pháp",
                 "Điều 1. Công bố kèm theo Quyết định này danh mục 02 thủ tục hành chính được sửa đổi, bổ sung.",
                 "A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG (02 TTHC)"):
        d.add_paragraph(line)
    header = ["TT", "Mã số TTHC", "Tên TTHC", "Thời hạn giải quyết (Ngày làm việc)", "Cách thức thực hiện", "",
              "Địa điểm thực hiện", "Phí, lệ phí (vnđ) (nếu có)", "Căn cứ pháp lý"]
    rows = [["1", "2.000815", "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản", "Trong ngày", "3", "Không",
             "UBND cấp xã", "2.000 đồng/trang", "Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ."],
            ["2", "2.000884", "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản", "Trong ngày", "4", "Có",
             "UBND cấp xã", "10.000 đồng/trường hợp", "Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ."]]
    t = d.add_table(rows=2 + len(rows), cols=len(header))
    t.style = "Table Grid"  # ruled, as decisions are: the PDF reader finds tables by their lines
    for c, val in enumerate(header):
        t.cell(0, c).text = val
    for c in (0, 1, 2, 3, 6, 7, 8):
        t.cell(0, c).merge(t.cell(1, c))
    t.cell(0, 4).merge(t.cell(0, 5)).text = "Cách thức thực hiện"
    t.cell(1, 4).text, t.cell(1, 5).text = "Mức độ DVC", "Thực hiện qua BCCI"
    for r, row in enumerate(rows, start=2):
        for c, val in enumerate(row):
            t.cell(r, c).text = val
    d.save(path)


def test_docx_header_merged_over_two_columns_keeps_cells_in_their_columns(tmp_path):
    # one entry per w:tc had put every header after "Cách thức thực hiện" one column left of
    # its data: the place read as the fee, the fee as the legal basis
    f = tmp_path / "qd1766.docx"
    _merged_header_decision(f)
    out = extract_path(f)
    jsonschema.validate(out, SCHEMA)
    by = {p["code"]: p for p in out["procedures"]}
    assert sorted(by) == ["2.000815", "2.000884"]
    comps = {code: {k: v["text"] for k, v in p["components"].items()} for code, p in by.items()}
    assert comps["2.000815"]["fees"] == "2.000 đồng/trang"
    assert comps["2.000884"]["fees"] == "10.000 đồng/trường hợp"
    assert comps["2.000815"]["legal_basis"].startswith("Nghị định số 23/2015/NĐ-CP")
    assert comps["2.000815"]["time_limit"] == "Trong ngày"
    # the channels column is the first under "Cách thức thực hiện": the DVC level
    assert comps["2.000815"]["channels"] == "3" and comps["2.000884"]["channels"] == "4"
    # no agency column: the place of filing names the agencies (CQ001 reads them)
    assert comps["2.000815"]["agencies"] == "UBND cấp xã"
    assert by["2.000815"]["extra"]["row_headers"]["agencies"] == "Địa điểm thực hiện"


# the layout of a danh mục copied to markdown by a converter that drops merged cells: the
# sub-headers of "Cách thức thực hiện" sit at the left of the second header row, and the
# table goes on after a heading without its header (made up here; the real case is Bình
# Thuận QĐ 1766/2020 as stored in a public repository: 71 rows, all read)
_MD_HEAD = "| TT | Mã số TTHC | Tên TTHC | Thời hạn giải quyết | Cách thức thực hiện | Địa điểm thực hiện | Phí, lệ phí | Căn cứ pháp lý |  |\n"
_MD_SUB = "| Mức độ DVC | Thực hiện qua BCCI |  |  |  |  |  |  |  |\n"
_MD_ROW = "| {n} | {code} | {name} | 05 ngày làm việc | {level} | Có | UBND cấp xã | {fee} | Nghị định số 23/2015/NĐ-CP |\n"


def _md_decision(path: Path) -> None:
    rows = [("1", "2.000815", "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản", "3", "2.000 đồng/trang"),
            ("2", "2.000884", "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản", "2", "10.000 đồng/trường hợp"),
            ("3", "2.000913", "Thủ tục chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", "", "30.000 đồng/hợp đồng")]
    fmt = [dict(zip(("n", "code", "name", "level", "fee"), r)) for r in rows]
    path.write_text(
        "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM\n\nSố: 1766/QĐ-UBND\n\nQUYẾT ĐỊNH\n\n"
        "VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG\n\n"
        "A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG (03 TTHC)\n\n"
        + _MD_HEAD + "|---|---|---|---|---|---|---|---|---|\n" + _MD_SUB
        + "| I | LĨNH VỰC CHỨNG THỰC (03 TTHC) |  |  |  |  |  |  |  |\n"
        + _MD_ROW.format(**fmt[0]) + _MD_ROW.format(**fmt[1])
        + "\n# Phần tiếp theo của danh mục\n\n"
        + _MD_ROW.format(**fmt[2]) + "|---|---|---|---|---|---|---|---|---|\n",
        encoding="utf-8",
    )


def test_markdown_danh_muc_with_lost_merged_cells_and_a_continued_table(tmp_path):
    f = tmp_path / "qd.md"
    _md_decision(f)
    out = extract_path(f)
    by = {p["code"]: p for p in out["procedures"]}
    assert sorted(by) == ["2.000815", "2.000884", "2.000913"]  # the third from the table's continuation
    comps = {code: {k: v["text"] for k, v in p["components"].items()} for code, p in by.items()}
    # the sub-headers went under "Cách thức thực hiện", not under "TT" and "Mã số"
    assert comps["2.000815"]["channels"] == "3" and comps["2.000884"]["channels"] == "2"
    assert comps["2.000815"]["fees"] == "2.000 đồng/trang"
    assert comps["2.000913"]["fees"] == "30.000 đồng/hợp đồng"
    assert comps["2.000913"]["legal_basis"] == "Nghị định số 23/2015/NĐ-CP"
    assert by["2.000815"]["extra"]["row_headers"]["channels"] == "Cách thức thực hiện Mức độ DVC"
    assert by["2.000913"]["field"] == "Chứng thực"  # the group row before the cut still applies
    assert not any("count mismatch" in w for w in out["warnings"])


def test_group_counts_are_checked_when_the_next_group_starts(tmp_path):
    f = tmp_path / "qd.md"
    _md_decision(f)
    f.write_text(f.read_text(encoding="utf-8").replace("(03 TTHC) |", "(04 TTHC) |"), encoding="utf-8")
    out = extract_path(f)
    assert any("LĨNH VỰC CHỨNG THỰC (04 TTHC)" in w and "found 3 rows" in w for w in out["warnings"])


def test_ct002_reads_a_danh_muc_level_column_by_its_header(tmp_path):
    """A decision's danh mục with "Cách thức thực hiện" over "Mức độ DVC" (Bình Thuận QĐ
    1766/2020): the cell says "3", the header says it is the abolished DVC level 3. A bare
    number under another header, or a row without a level, is not flagged."""
    f = tmp_path / "qd1766.docx"
    _merged_header_decision(f)
    procs = load_procedures([f])
    ct002 = Engine.from_dir(select=["CT002"])
    found = ct002.check(procs, as_of=date(2026, 6, 30))
    assert [(x.procedure_code, x.evidence.quote) for x in found] == [("2.000815", "3"), ("2.000884", "4")]
    assert found[0].message == 'Cách thức thực hiện dùng thuật ngữ cũ "Mức độ DVC: 3" (mức độ 1–4 của DVC trực tuyến).'
    assert found[0].evidence.prov["node_id"].endswith("/row-2")
    # the same cells without the header that makes them levels
    for p in procs:
        p.extra["row_headers"]["channels"] = "Cách thức thực hiện"
    assert Engine.from_dir(select=["CT002"]).check(procs, as_of=date(2026, 6, 30)) == []
    # before NĐ 42/2022 the levels were the law
    assert Engine.from_dir(select=["CT002"]).check(load_procedures([f]), as_of=date(2021, 1, 1)) == []


def test_a_level_header_left_over_the_ordinals_is_not_kept(tmp_path):
    # rows one cell wider than the repaired header would be: the sub-headers stay where the
    # markdown put them, "TT Mức độ DVC" over the ordinals; CT002 must not read "1" as a level
    f = tmp_path / "qd.md"
    _md_decision(f)
    f.write_text(f.read_text(encoding="utf-8").replace("Nghị định số 23/2015/NĐ-CP |\n", "Nghị định số 23/2015/NĐ-CP | x |\n"),
                 encoding="utf-8")
    procs = load_procedures([f])
    assert procs and all("channels" not in p.extra.get("row_headers", {}) for p in procs)
    assert Engine.from_dir(select=["CT002"]).check(procs, as_of=date(2026, 6, 30)) == []


def test_pdf_export_of_a_header_merged_over_two_columns(tmp_path):
    """The same decision exported to PDF by LibreOffice: the PDF reader gives the header's
    merged cells once (the sub-headers at the left of their row), and the extraction widens
    "Cách thức thực hiện" over them from the data rows' width."""
    import subprocess

    from tthc_pipeline.ingest.libreoffice import find_soffice

    soffice = find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: cannot export the test decision to PDF")
    f = tmp_path / "qd1766.docx"
    _merged_header_decision(f)
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(f)], check=True, capture_output=True, timeout=180)
    procs = {p.code: p for p in load_procedures([tmp_path / "qd1766.pdf"])}
    assert sorted(procs) == ["2.000815", "2.000884"]
    p = procs["2.000815"]
    assert p.components["fees"].text == "2.000 đồng/trang" and p.components["channels"].text == "3"
    assert p.components["agencies"].text == "UBND cấp xã"
    assert procs["2.000884"].components["fees"].text == "10.000 đồng/trường hợp"  # wrapped in its narrow cell
    found = Engine.from_dir(select=["CT002"]).check(list(procs.values()), as_of=date(2026, 6, 30))
    assert sorted((x.procedure_code, x.evidence.quote) for x in found) == [("2.000815", "3"), ("2.000884", "4")]



def test_a_code_a_narrow_pdf_column_wrapped_is_read_whole():
    from tthc_pipeline.procedures.builder import clean_code

    assert clean_code("2.000 815") == "2.000815" and clean_code("1.00 4583") == "1.004583"
    assert clean_code("2.000 815.H29") == "2.000815.H29"
    # only a cell that is a code and nothing else: not numbers that happen to be near
    assert clean_code("12.000 815") is None and clean_code("2.000 8151") is None
    assert clean_code("2.000 815 và 2.000 816") is None and clean_code("Không có mã số") is None
