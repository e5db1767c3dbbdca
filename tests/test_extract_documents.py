"""Document-side extraction (announcements, portal export, regulations), CLI and schema."""

import json
from pathlib import Path

import docx
import jsonschema
import pytest
from click.testing import CliRunner

from tthc_pipeline.procedures.docrecord import record_from_text
from tthc_pipeline.procedures.extract import extract_from_record, extract_path
from tthc_pipeline.procedures.extract_cli import extract
from tthc_pipeline.procedures.regulation import extract_regulation

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "tthc_pipeline" / "schemas" / "procedures.schema.json").read_text())


def _real(rel: str) -> Path:
    p = REAL / rel
    if not p.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    return p


def _table(d, rows):
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, val in enumerate(row):
            t.cell(r, c).text = val
    return t


def _binh_thuan_style(path: Path) -> None:
    """Layout 1 (TTHC-DOMAIN §1.3): lĩnh vực / cấp group rows with counts, codes, abolished list."""
    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN")
    d.add_paragraph("Số: 1766/QĐ-UBND")
    d.add_paragraph("QUYẾT ĐỊNH Về việc công bố danh mục thủ tục hành chính được sửa đổi, bổ sung và bị bãi bỏ")
    d.add_paragraph("A. DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG (3 TTHC)")
    _table(d, [
        ["TT", "Mã số TTHC", "Tên TTHC", "Thời hạn giải quyết", "Phí, lệ phí (vnđ)", "Căn cứ pháp lý"],
        ["I", "LĨNH VỰC CHỨNG THỰC (3 TTHC)", "LĨNH VỰC CHỨNG THỰC (3 TTHC)", "", "", ""],
        ["I.1", "Thủ tục hành chính cấp huyện (02 TTHC)", "", "", "", ""],
        ["1", "2.000815", "Chứng thực bản sao từ bản chính", "Trong ngày", "2.000 đồng/trang", "Nghị định số 23/2015/NĐ-CP"],
        ["2", "Không có mã số", "Chứng thực chữ ký người dịch", "02 ngày làm việc", "10.000 đồng/trường hợp", "Nghị định số 23/2015/NĐ-CP"],
        ["I.2", "Thủ tục hành chính cấp xã (02 TTHC)", "", "", "", ""],
        ["3", "2.001035", "Chứng thực hợp đồng, giao dịch", "02 ngày làm việc", "50.000 đồng/hợp đồng", "Thông tư số 226/2016/TT-BTC"],
    ])
    d.add_paragraph("B. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ (1 TTHC)")
    _table(d, [
        ["TT", "Mã số TTHC", "Tên TTHC", "Ghi chú"],
        ["1", "2.000884", "Chứng thực chữ ký trong các giấy tờ", "Quyết định số 1329/QĐ-BTP"],
    ])
    d.save(path)


def _quang_binh_style(path: Path) -> None:
    """Layout 2 (no codes, Cơ quan thực hiện column) + a Phần II block."""
    d = docx.Document()
    d.add_paragraph("Số: 3218/QĐ-UBND")
    d.add_paragraph("QUYẾT ĐỊNH Về việc công bố danh mục thủ tục hành chính mới ban hành lĩnh vực chăn nuôi")
    d.add_paragraph("PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH")
    _table(d, [
        ["Số TT", "Tên TTHC", "Thời hạn giải quyết", "Địa điểm thực hiện", "Phí, lệ phí", "Căn cứ pháp lý", "Cơ quan thực hiện"],
        ["1", "Hỗ trợ chăn nuôi nông hộ", "15 ngày làm việc", "Bộ phận Một cửa cấp huyện", "Không", "Nghị định số 106/2024/NĐ-CP", "UBND cấp huyện"],
    ])
    d.add_paragraph("PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH")
    d.add_paragraph("1. Thủ tục: Hỗ trợ chăn nuôi nông hộ")
    d.add_paragraph("1.1. Trình tự thực hiện:")
    d.add_paragraph("Bước 1: Tổ chức, cá nhân nộp hồ sơ.")
    d.add_paragraph("Bước 2: UBND cấp huyện thẩm định và trả kết quả.")
    d.add_paragraph("1.2. Cách thức thực hiện: Nộp trực tiếp hoặc qua dịch vụ bưu chính.")
    d.add_paragraph("1.3. Thành phần, số lượng hồ sơ:")
    d.add_paragraph("a) Thành phần hồ sơ bao gồm:")
    d.add_paragraph("- Đơn đề nghị hỗ trợ (Mẫu số 01);")
    d.add_paragraph("- Bản sao sổ hộ khẩu;")
    d.add_paragraph("b) Số lượng hồ sơ: 01 bộ.")
    d.add_paragraph("1.4. Thời hạn giải quyết: 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.")
    d.add_paragraph("1.5. Cơ quan thực hiện: UBND cấp huyện.")
    d.add_paragraph("1.6. Kết quả thực hiện: Quyết định hỗ trợ.")
    d.add_paragraph("1.7. Phí, lệ phí: Không.")
    d.add_paragraph("1.8. Căn cứ pháp lý: Nghị định số 106/2024/NĐ-CP ngày 01/8/2024 của Chính phủ.")
    d.save(path)


def test_binh_thuan_layout_groups_counts_and_change_types(tmp_path):
    f = tmp_path / "qd1766.docx"
    _binh_thuan_style(f)
    out = extract_path(f)
    procs = {p["name"]: p for p in out["procedures"]}
    assert out["kind"] == "announcement" and out["procedure_count"] == 4
    p = procs["Chứng thực chữ ký người dịch"]
    assert "code" not in p and p["extra"]["code_note"] == "Không có mã số"
    assert p["change_type"] == "amended" and p["field"] == "Chứng thực" and p["levels"] == ["Cấp huyện"]
    assert p["time_limits"][0]["value"] == 2.0 and p["fees"][0]["amount"] == 10000
    assert procs["Chứng thực hợp đồng, giao dịch"]["levels"] == ["Cấp xã"]
    assert procs["Chứng thực bản sao từ bản chính"]["time_limits"][0]["unit"] == "trong_ngay"
    ab = procs["Chứng thực chữ ký trong các giấy tờ"]
    assert ab["change_type"] == "abolished" and ab["code"] == "2.000884"
    # "(02 TTHC)" for cấp xã but only one row: a count warning names it
    assert any("cấp xã" in w and "02" in w for w in out["warnings"])
    assert not any("cấp huyện" in w for w in out["warnings"])
    assert all(p["announcing_decision"] == "1766/QĐ-UBND" for p in out["procedures"])
    jsonschema.validate(out, SCHEMA)


def test_quang_binh_layout_with_part2(tmp_path):
    f = tmp_path / "qd3218.docx"
    _quang_binh_style(f)
    out = extract_path(f)
    assert out["procedure_count"] == 1
    p = out["procedures"][0]
    assert p["change_type"] == "new"
    assert [s["order"] for s in p["steps"]] == [1, 2]
    assert {c["kind"] for c in p["channels"]} == {"truc_tiep", "buu_chinh"}
    assert [d["name"] for d in p["dossier"]] == ["Đơn đề nghị hỗ trợ (Mẫu số 01)", "Bản sao sổ hộ khẩu"]
    assert p["dossier_sets"] == 1
    assert p["time_limits"][0]["start_point"] == "kể từ ngày nhận đủ hồ sơ hợp lệ"
    assert p["fees"][0]["free"] is True
    assert [lb["number"] for lb in p["legal_basis"]] == ["106/2024/NĐ-CP"]
    assert p["results"][0]["name"].startswith("Quyết định hỗ trợ")
    jsonschema.validate(out, SCHEMA)


def test_regulation_articles_become_candidates():
    text = (
        "NGHỊ ĐỊNH\nQuy định về cấp giấy phép kinh doanh dịch vụ thử nghiệm\n"
        "Điều 5. Thủ tục cấp giấy phép kinh doanh dịch vụ thử nghiệm\n"
        "1. Hồ sơ đề nghị cấp giấy phép gồm:\na) Đơn đề nghị theo Mẫu số 01;\nb) Bản sao Giấy chứng nhận đăng ký doanh nghiệp.\n"
        "2. Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ, Sở Khoa học và Công nghệ cấp giấy phép.\n"
        "Điều 6. Thủ tục cấp lại giấy phép kinh doanh dịch vụ thử nghiệm\n"
        "1. Hồ sơ gồm: a) Đơn đề nghị cấp lại.\n2. Trong thời hạn 03 ngày làm việc, Sở cấp lại giấy phép.\n"
        "Điều 7. Hiệu lực thi hành\nNghị định này có hiệu lực từ ngày ký.\n"
    )
    procs = extract_regulation(record_from_text(text, "nd-test.txt"))
    assert [p.name for p in procs] == ["Cấp giấy phép kinh doanh dịch vụ thử nghiệm", "Cấp lại giấy phép kinh doanh dịch vụ thử nghiệm"]
    assert [d.name for d in procs[0].dossier] == ["Đơn đề nghị theo Mẫu số 01", "Bản sao Giấy chứng nhận đăng ký doanh nghiệp"]
    assert [(t.value, t.unit) for t in procs[0].time_limits] == [(5.0, "ngay_lam_viec")]
    assert procs[0].source.record_key == "dieu-5" and procs[0].extra["candidate"] is True


def test_a_procedure_named_in_capitals_keeps_the_documents_proper_nouns():
    text = (
        "QUY ĐỊNH\nVề trình tự thực hiện một số thủ tục tại tỉnh Hà Giang\n"
        "Điều 3. THỦ TỤC CẤP GIẤY PHÉP KHAI THÁC NƯỚC TẠI HUYỆN HOÀNG SU PHÌ, TỈNH HÀ GIANG DO UBND TỈNH CẤP\n"
        "1. Hồ sơ gồm: a) Đơn đề nghị; b) Bản đồ khu vực khai thác tại huyện Hoàng Su Phì.\n"
        "2. Trong thời hạn 10 ngày làm việc, UBND tỉnh Hà Giang cấp giấy phép cho gia đình, cá nhân.\n"
    )
    procs = extract_regulation(record_from_text(text, "qd-test.txt"))
    assert [p.name for p in procs] == ["Cấp giấy phép khai thác nước tại huyện Hoàng Su Phì, tỉnh Hà Giang do UBND tỉnh cấp"]


def test_a_regulation_s_one_procedure_takes_its_general_articles_on_who_and_on_conditions():
    text = ("QUYẾT ĐỊNH\nBan hành Quy định trình tự, thủ tục hỗ trợ nhà ở\n"
            "QUY ĐỊNH\n"
            "Chương I\nQUY ĐỊNH CHUNG\n"
            "Điều 1. Đối tượng áp dụng\nNgười có công với cách mạng đang gặp khó khăn về nhà ở.\n"
            "Điều 2. Điều kiện hỗ trợ\nCó xác nhận của Ủy ban nhân dân huyện về hoàn cảnh.\n"
            "Chương II\nTRÌNH TỰ, THỦ TỤC HỖ TRỢ NHÀ Ở\n"
            "Điều 3. Đối với người đề nghị\nHồ sơ bao gồm:\n- Đơn đề nghị.\n"
            "Điều 4. Đối với cơ quan\nTrong thời hạn 05 ngày làm việc, Ủy ban nhân dân xã xem xét.\n")
    (proc,) = extract_regulation(record_from_text(text, "qd-test.txt"))
    assert proc.components["subjects"].text.startswith("Điều 1. Đối tượng áp dụng")
    assert proc.components["requirements"].text.startswith("Điều 2. Điều kiện hỗ trợ")
    assert proc.components["requirements"].prov.node_id.endswith("dieu-2")


def test_a_one_article_procedure_of_a_decree_takes_no_general_article():
    text = (
        "NGHỊ ĐỊNH\nQuy định xử phạt\n"
        "Điều 2. Điều kiện áp dụng\nÁp dụng với tổ chức, cá nhân vi phạm.\n"
        "Điều 5. Thủ tục cấp giấy phép kinh doanh dịch vụ thử nghiệm\n"
        "1. Hồ sơ đề nghị cấp giấy phép gồm:\na) Đơn đề nghị theo Mẫu số 01.\n"
        "2. Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ, Sở cấp giấy phép.\n"
    )
    (proc,) = extract_regulation(record_from_text(text, "nd-test.txt"))
    assert "requirements" not in proc.components and "subjects" not in proc.components


def test_text_without_procedures_yields_nothing():
    rec = record_from_text("Điều 1. Phạm vi điều chỉnh\nThông tư này quy định về mẫu biểu thống kê.\n", "x.txt")
    procs, warns, kind = extract_from_record(rec)
    assert procs == [] and kind == "document"


def test_real_ha_giang_announcement():
    out = extract_path(_real("md/QD-378-QD-UBND-2022_Ha-Giang_cong-bo-TTHC-Cong-Thuong.md"))
    assert out["procedure_count"] == 10
    by = {p["code"]: p for p in out["procedures"]}
    assert by["1.010696"]["change_type"] == "new" and by["2.000674"]["change_type"] == "amended"
    assert by["2.000674"]["field"] == "Lưu thông hàng hóa trong nước" and by["2.000674"]["levels"] == ["Cấp tỉnh"]
    text = (REAL / "md/QD-378-QD-UBND-2022_Ha-Giang_cong-bo-TTHC-Cong-Thuong.md").read_text()
    assert "2.000674" in text  # provenance offsets point at the row in the cleaned text
    jsonschema.validate(out, SCHEMA)


def test_real_portal_export_pdf():
    out = extract_path(_real("pdf/ChiTietTTHC_2.002229_dang-ky-nguoi-phu-thuoc.pdf"))
    p = out["procedures"][0]
    assert out["kind"] == "portal_export" and p["code"] == "2.002229"
    assert p["announcing_decision"] == "3078/QĐ-BTC" and p["levels"] == ["Cấp bộ", "Cấp tỉnh"]
    nums = [lb["number"] for lb in p["legal_basis"]]
    assert "79/2022/TT-BTC" in nums and "65/2013/NĐ-CP" not in nums and len(nums) == 13
    assert {c["kind"] for c in p["channels"]} == {"truc_tiep", "truc_tuyen", "buu_chinh"}


def test_real_gia_lai_regulation_and_empty_decree():
    out = extract_path(_real("md/QD-31-2011-QD-UBND_Gia-Lai_trinh-tu-thu-tuc-mien-giam-tien-SDD.md"))
    assert out["procedure_count"] == 1
    p = out["procedures"][0]
    assert len(p["dossier"]) == 3 and p["dossier_sets"] == 3
    # named from the title in capitals, with the province as the decision writes it
    assert p["name"].endswith("trên địa bàn tỉnh Gia Lai") and p["name"].startswith("Giải quyết chế độ miễn, giảm")
    # its subjects and conditions, set once in the regulation's general chapters
    comps = p["components"]
    assert comps["subjects"]["text"].startswith("Điều 3. Phạm vi đối tượng")
    assert comps["requirements"]["text"].startswith("Điều 2. Nguyên tắc, điều kiện miễn, giảm")
    assert "xã, phường, thị trấn nơi có đất" in comps["requirements"]["text"]
    assert comps["requirements"]["prov"]["node_id"].endswith("chuong-1/dieu-2")
    assert p["dossier"][1]["copy_kinds"] == ["ban_sao_cong_chung"]
    assert {(t["value"], t["unit"]) for t in p["time_limits"]} == {(15.0, "ngay_lam_viec"), (5.0, "ngay_lam_viec"), (3.0, "ngay_lam_viec")}
    assert extract_path(_real("md/ND-55-2023-ND-CP_sua-ND-75-2021.md"))["procedure_count"] == 0


def test_real_portal_json_nfd_is_cleaned():
    folder = _real("portal-json/bo-cong-an")
    out = extract_path(folder / "1.000178.json")
    p = out["procedures"][0]
    assert [lb["number"] for lb in p["legal_basis"]] == ["68/2013/TT-BCA", "02/2011/QH13", "11/2015/TT-BCA", "05/2012/NĐ-CP"]
    assert p["components"]["dossier"]["prov"]["node_id"] == "dossier"
    jsonschema.validate(out, SCHEMA)


def test_cli_formats_and_exit_codes(tmp_path):
    (tmp_path / "in").mkdir()
    rows = tmp_path / "in" / "records.jsonl"
    rows.write_text(json.dumps({"code": "1.000001", "name": "Thủ tục A", "time_limit": "05 ngày làm việc", "fees": "Lệ phí: 20.000 đồng/lần"}, ensure_ascii=False) + "\n")
    (tmp_path / "in" / "records.csv").write_text("code,name,fees\n1.000002,Thủ tục B,Miễn phí\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(extract, [str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    from tthc_pipeline.ingest.runner import sha256_file

    name = f"records-{sha256_file(rows)[:12]}.procedures.json"  # named by content, not batch order
    doc = json.loads((tmp_path / "out" / name).read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["procedures"][0]["fees"][0]["amount"] == 20000
    res = runner.invoke(extract, [str(tmp_path / "in"), "--out", str(tmp_path / "o2"), "--format", "jsonl"])
    lines = (tmp_path / "o2" / "procedures.jsonl").read_text().splitlines()
    assert res.exit_code == 0 and len(lines) == 2
    for line in lines:
        jsonschema.validate(json.loads(line), {**SCHEMA["$defs"]["procedure"], "$defs": SCHEMA["$defs"]})
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    res = runner.invoke(extract, [str(bad), "--out", str(tmp_path / "o3")])
    assert res.exit_code == 1 and "bad.jsonl" in res.output and "Lỗi" in res.output
    assert runner.invoke(extract, []).exit_code == 2


def test_failed_input_gets_an_error_document_replacing_a_stale_result(tmp_path):
    from tthc_pipeline.ingest.runner import sha256_file

    bad = tmp_path / "in" / "broken.docx"
    bad.parent.mkdir()
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"broken-{sha256_file(bad)[:12]}.procedures.json"
    target.write_text(json.dumps({"procedures": [{"id": "stale", "name": "Kết quả cũ"}]}), encoding="utf-8")
    res = CliRunner().invoke(extract, [str(bad.parent), "--out", str(out)])
    assert res.exit_code == 1
    assert "Lỗi: không đọc được tệp" in res.stderr and "(corrupt_file)" in res.stderr
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["procedures"] == [] and doc["procedure_count"] == 0 and doc["source"] == str(bad)
    assert doc["error"]["code"] == "corrupt_file"
    assert "hỏng" in doc["error"]["message_vi"] and "corrupt" in doc["error"]["message_en"]
    assert sorted(p.name for p in out.iterdir()) == [target.name]  # no temp file left behind
    jsonschema.validate(doc, SCHEMA)


def test_output_names_do_not_depend_on_batch_order(tmp_path):
    from tthc_pipeline.ingest.runner import sha256_file

    a, b = tmp_path / "a" / "Quyết định.md", tmp_path / "b" / "Quyết định.md"
    for path, name in [(a, "Thủ tục A"), (b, "Thủ tục B")]:
        path.parent.mkdir()
        path.write_text(f"# Quyết định\n\n{name}\n", encoding="utf-8")
    (tmp_path / "a" / ".hidden").mkdir()
    (tmp_path / "a" / ".hidden" / "x.md").write_text("# ẩn\n", encoding="utf-8")
    runner = CliRunner()
    expected = sorted(f"quyet-dinh-{sha256_file(p)[:12]}.procedures.json" for p in (a, b))
    for order, out in [((a, b), "o1"), ((b, a), "o2")]:
        res = runner.invoke(extract, [*map(str, order), "--out", str(tmp_path / out)])
        assert res.exit_code == 0, res.output
        assert sorted(p.name for p in (tmp_path / out).iterdir()) == expected
    res = runner.invoke(extract, [str(tmp_path / "a"), "--out", str(tmp_path / "o3")])
    assert "x.md" not in res.output and "1/1 files" in res.output  # hidden folders skipped


def test_procedures_without_a_code_keep_their_ids_when_the_file_is_saved_again(tmp_path):
    """A procedure without a code is named by the decision that publishes it (number, issuer,
    year), not by the file's bytes: saving the decision again (other file properties, other
    bytes) keeps its id, hence every finding's fingerprint, for the monthly rescan."""
    first, second = tmp_path / "qd3218.docx", tmp_path / "qd3218-saved-again.docx"
    _quang_binh_style(first)
    d = docx.Document(str(first))
    top = d.paragraphs[0]
    for line in ("ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH", "Quảng Bình, ngày 12 tháng 10 năm 2024"):
        top.insert_paragraph_before(line)
    d.save(str(first))
    d = docx.Document(str(first))
    d.core_properties.author = "Văn thư Sở Tư pháp"
    d.add_paragraph("")
    d.save(str(second))
    assert first.read_bytes() != second.read_bytes()
    ids = [[p["id"] for p in extract_path(f)["procedures"]] for f in (first, second)]
    assert ids[0] == ids[1] and ids[0][0].startswith("3218-qd-ubnd:ho-tro-chan-nuoi-nong-ho-")
    # the real Gia Lai regulation, its line ends changed: the same id
    real = _real("md/QD-31-2011-QD-UBND_Gia-Lai_trinh-tu-thu-tuc-mien-giam-tien-SDD.md")
    crlf = tmp_path / real.name
    crlf.write_bytes(real.read_bytes().replace(b"\n", b"\r\n"))
    (a,), (b,) = extract_path(real)["procedures"], extract_path(crlf)["procedures"]
    assert a["id"] == b["id"] and a["id"].startswith("31-2011-qd-ubnd:giai-quyet-che-do-mien-giam-")


def test_records_without_issuer_or_year_keep_their_file_apart(tmp_path):
    """A records row gives a decision number but not who issued it: "378/QĐ-UBND" of two
    provinces must not make one procedure (one baseline would hide the other's findings)."""
    ids = []
    for province in ("ha-giang", "gia-lai"):
        f = tmp_path / f"{province}.csv"
        f.write_text("ten_thu_tuc,so_quyet_dinh,thanh_phan_ho_so\n"
                     f"Cấp Giấy phép bán lẻ rượu,378/QĐ-UBND,Đơn đề nghị ({province})\n", encoding="utf-8")
        (proc,) = extract_path(f)["procedures"]
        ids.append(proc["id"])
    assert ids[0] != ids[1]


def test_the_same_decision_number_in_two_provinces_names_two_procedures():
    from tthc_pipeline.procedures.model import document_identity, procedure_id

    ha_giang = document_identity("378/QĐ-UBND", "Ủy ban nhân dân tỉnh Hà Giang", "2022-03-18")
    gia_lai = document_identity("378/QĐ-UBND", "Ủy ban nhân dân tỉnh Gia Lai", "2022-03-18")
    later = document_identity("378/QĐ-UBND", "Ủy ban nhân dân tỉnh Hà Giang", "2024-02-01")
    name = "Cấp Giấy phép bán lẻ rượu"
    ids = {procedure_id(None, name, "aa", doc) for doc in (ha_giang, gia_lai, later)}
    # a number alone names nobody: an issuer and a year are needed, for any symbol
    assert document_identity("378/QĐ-UBND", None, "2022-03-18") is None
    assert document_identity("378/QĐ-SCT", None, "2022-03-18") is None
    assert document_identity("3078/QD-BTC", "Bộ Tài chính") is None
    assert document_identity("3078/QD-BTC", "Bộ Tài chính", "2023-12-29") == "3078/QĐ-BTC|bo-tai-chinh|2023"
    # the number's own year: a copy whose date cannot be read keeps the identity
    assert document_identity("31/2011/QĐ-UBND", "UBND tỉnh Gia Lai", "2011-11-10") == \
        document_identity("31/2011/QĐ-UBND", "UBND tỉnh Gia Lai", None)
    assert len(ids) == 3 and all(i.startswith("378-qd-ubnd:cap-giay-phep-ban-le-ruou-") for i in ids)
    assert procedure_id("2.000633", name, "aa", ha_giang) == "2.000633"
    assert procedure_id(None, name, "abcdef0123", None).startswith("abcdef01:")  # no number: the file's hash
