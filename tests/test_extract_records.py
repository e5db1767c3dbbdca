"""Record files (XLSX, CSV) and ingest-record loading for `tthc extract`."""

import json

import openpyxl
import pytest

from conftest import realdata

from tthc_pipeline.ingest.models import IngestError
from tthc_pipeline.procedures.docrecord import load_document
from tthc_pipeline.procedures.extract import extract_path

PORTAL_LEGAL = (
    "Tên văn bản pháp lýMã văn bảnLuật 49/2019/QH1449/2019/QH14"
    "Thông tư số 60/2023/TT-BTC ngày 07/9/2023 của Bộ Tài chính60/2023/TT-BTC"
)


def test_xlsx_with_vietnamese_headers_and_a_title_row(tmp_path):
    f = tmp_path / "danh-muc.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH"])  # a title row above the header is skipped
    ws.append(["Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Thời hạn giải quyết", "Phí, lệ phí", "Căn cứ pháp lý",
               "Thành phần hồ sơ"])
    ws.append(["1.000001", "Đăng ký tạm trú", "Cấp xã", "03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
               "Lệ phí: 15.000 đồng/lần", PORTAL_LEGAL, "- Tờ khai thay đổi thông tin cư trú (Mẫu CT01);\n- Bản sao sổ hộ khẩu."])
    ws.append([None] * 7)  # blank rows are not procedures
    ws.append(["2.000002", "Xác nhận thông tin cư trú", "Cấp xã", "Trong ngày", "Miễn phí", None, None])
    wb.save(f)

    out = extract_path(f)
    assert out["kind"] == "records" and out["procedure_count"] == 2
    a, b = out["procedures"]
    assert (a["code"], a["name"], a["levels"]) == ("1.000001", "Đăng ký tạm trú", ["Cấp xã"])
    assert [(t["value"], t["unit"]) for t in a["time_limits"]] == [(3.0, "ngay_lam_viec")]
    assert [(x["amount"], x["per"]) for x in a["fees"]] == [(15000, "lần")]
    assert [lb["number"] for lb in a["legal_basis"]] == ["49/2019/QH14", "60/2023/TT-BTC"]
    assert [d["name"] for d in a["dossier"]] == ["Tờ khai thay đổi thông tin cư trú (Mẫu CT01)", "Bản sao sổ hộ khẩu"]
    assert b["fees"][0]["free"] is True and b["time_limits"][0]["unit"] == "trong_ngay"
    assert a["source"]["record_key"] == "1.000001"


def test_csv_semicolon_bom_and_portal_keys(tmp_path):
    f = tmp_path / "records.csv"
    rows = [
        "ma_thu_tuc;ten_thu_tuc;thoi_han_giai_quyet;phi_le_phi;co_quan_thuc_hien",
        "1.000003;Cấp đổi thẻ căn cước;07 ngày làm việc;50.000 đồng/thẻ;Công an cấp tỉnh",
        '1.000004;"Cấp lại hộ chiếu; bị mất";08 ngày làm việc;Không;Phòng Quản lý xuất nhập cảnh',
    ]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    procs = extract_path(f)["procedures"]
    assert [p["code"] for p in procs] == ["1.000003", "1.000004"]
    assert procs[0]["fees"][0]["amount"] == 50000 and procs[0]["fees"][0]["per"] == "thẻ"
    assert procs[1]["name"] == "Cấp lại hộ chiếu; bị mất"  # quoted delimiter stays in the field
    assert procs[1]["fees"][0]["free"] is True
    assert [a["name"] for a in procs[0]["agencies"]] == ["Công an cấp tỉnh"]


def test_saved_ingest_json_without_structure_gets_ingest_outline(tmp_path):
    text = "QUYẾT ĐỊNH\nĐiều 1. Phạm vi\nNội dung.\nĐiều 2. Thủ tục cấp giấy phép\n1. Hồ sơ gồm:\na) Đơn.\n"
    f = tmp_path / "doc.json"
    f.write_text(json.dumps({"source": "x.txt", "sha256": "0" * 64, "text": text, "tables": None, "structure": None}),
                 encoding="utf-8")
    rec = load_document(f)
    ids = []
    stack = [rec["structure"]]
    while stack:
        n = stack.pop()
        ids.append(n["id"])
        stack.extend(n.get("children") or [])
    assert {"dieu-1", "dieu-2", "dieu-2/khoan-1"} <= set(ids) and rec["tables"] == []


def test_unreadable_document_raises_ingest_error(tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError) as exc:
        load_document(bad)
    assert exc.value.code and exc.value.message_vi and exc.value.message_en


def test_ingest_warnings_travel_with_the_procedures(tmp_path):
    f = tmp_path / "ocr.json"
    f.write_text(json.dumps({"source": "scan.pdf", "sha256": "1" * 64, "text": "Điều 1. Phạm vi\nNội dung.\n", "structure": None,
                             "warnings": [{"code": "low_ocr_confidence", "message_vi": "Độ tin cậy OCR thấp", "message_en": "Low OCR confidence"}]},
                            ensure_ascii=False), encoding="utf-8")
    out = extract_path(f)
    assert out["warnings"] == ["low_ocr_confidence: Độ tin cậy OCR thấp / Low OCR confidence"]


def test_cli_reports_ingest_error_code_in_both_languages(tmp_path):
    from click.testing import CliRunner

    from tthc_pipeline.procedures.extract_cli import extract

    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    res = CliRunner().invoke(extract, [str(bad), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1
    assert "Lỗi: không đọc được tệp" in res.output and "Error: could not read" in res.output
    assert "(corrupt_file)" in res.output  # ingest's stable code, not a Python traceback


def _portal_record(code: str, raw_code: str, result: str) -> dict:
    return {
        "ma_thu_tuc": code,
        "ten_thu_tuc": "Cấp giấy phép thử",
        "ket_qua_xu_ly": result,
        "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việcMiễn phí",
        "raw_text": f"Cấp giấy phép thửTên thủ tụcCấp giấy phép thửMã thủ tục{raw_code}Số quyết định226/QĐ-UBND",
    }


CHROME = ("Chọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Phường/ XãSở-- Chọn "
          "Phường/ Xã --Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực tuyếnNộp hồ sơ")


def test_a_record_holding_another_procedures_page_takes_the_pages_code(tmp_path):
    """The crawler saved one page under several codes (16 of the 339 Bộ Công an records): the
    content is the page's, so it is checked under the page's code, with a bilingual warning."""
    from tthc_pipeline.rules.check_inputs import load_inputs

    path = tmp_path / "3.000224.json"
    path.write_text(json.dumps(_portal_record("3.000224", "1.014023", "Giấy phép"), ensure_ascii=False), encoding="utf-8")
    same = tmp_path / "1.000001.json"
    same.write_text(json.dumps(_portal_record("1.000001", "1.000001", "Giấy phép"), ensure_ascii=False), encoding="utf-8")
    result = load_inputs([path, same])
    codes = {p.code for p in result.procedures}
    assert codes == {"1.014023", "1.000001"}
    moved = next(p for p in result.procedures if p.code == "1.014023")
    assert moved.extra["listed_code"] == "3.000224"
    assert [(w.path.name, w.code) for w in result.warnings] == [("3.000224.json", "code_mismatch")]
    assert "1.014023" in result.warnings[0].message_vi and "3.000224" in result.warnings[0].message_en


def test_the_page_code_is_read_only_where_the_page_shows_it():
    from tthc_pipeline.procedures.records import procedure_from_row

    def read(row):
        issues = []
        return procedure_from_row(row, "x.json", "0" * 64, 1, issues=issues), issues

    # a code's suffix, in its own case, is the same code: no mismatch
    proc, issues = read(_portal_record("1.000178.H12", "1.000178.H12", "Giấy phép"))
    assert proc.code == "1.000178.H12" and not issues
    # a record without its own code takes the page's
    row = _portal_record("", "1.014023", "Giấy phép")
    assert read(row)[0].code == "1.014023"
    # another code mentioned further on is not the page's code
    row = _portal_record("1.000002", "1.000002", "Giấy phép")
    row["raw_text"] += " thay thế thủ tục có mã thủ tục 1.000001"
    assert read(row)[0].code == "1.000002"
    # a generic record (not the portal crawler's) is taken as it is
    generic = {"code": "1.000002", "name": "Cấp giấy phép thử", "raw_text": "Mã thủ tục 1.000001"}
    proc, issues = read(generic)
    assert proc.code == "1.000002" and not issues


def test_the_portal_pages_agency_picker_is_cut_off_the_result():
    from tthc_pipeline.procedures.records import procedure_from_row

    proc = procedure_from_row(_portal_record("1.000001", "1.000001", "Quyết định hưởng chế độ" + CHROME), "x.json", "0" * 64, 1)
    assert proc.component_text("result") == "Quyết định hưởng chế độ"
    # the words alone, inside a cell's own text, stay
    kept = "Chọn cơ quan thực hiện phù hợp với nơi cư trú."
    assert procedure_from_row(_portal_record("1.000001", "1.000001", kept), "x.json", "0" * 64, 1).component_text("result") == kept


def test_real_crawled_pages_under_other_codes_are_found():
    from tthc_pipeline.rules.check_inputs import load_inputs

    folder = realdata("portal-json", "bo-cong-an")
    result = load_inputs([folder])
    moved = {p.extra["listed_code"]: p.code for p in result.procedures if "listed_code" in p.extra}
    # nine files hold Sơn La's commune procedure 1.014023, seven the Hà Tĩnh page 3.000579
    assert sorted(moved.values()) == ["1.014023"] * 9 + ["3.000579"] * 7
    assert moved["3.000224"] == "1.014023" and moved["2.001428"] == "3.000579"
    assert len([w for w in result.warnings if w.code == "code_mismatch"]) == 16
    # the agency picker is off every result cell
    assert not any("Chọn cơ quan thực hiện" in p.component_text("result") for p in result.procedures)
