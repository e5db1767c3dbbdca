"""Record files (XLSX, CSV) and ingest-record loading for `tthc extract`."""

import json

import openpyxl
import pytest

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
