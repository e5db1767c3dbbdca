"""Portal records whose crawl split the channel table and the legal basis inside a fee note
("100 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC …)"): both are read again from the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tthc_pipeline.procedures.records import read_records_report

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"

NOTE = "(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính quy định mức thu phí.)"
TABLE = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày100 VNĐ" + NOTE + "Trực tiếp1 Ngày100 VNĐ" + NOTE


DOSSIER = "--Tên giấy tờSố lượngBản khai1 bản chính"


def _page(basis_section: str, dossier: str = DOSSIER, tail: str = "Cơ quan thực hiệnCục An ninh mạng") -> str:
    return ("Mã thủ tục3.999999Tên thủ tụcCấp tên định danhTrình Tự Thực HiệnBước 1: nộp hồ sơ.\nCách Thức Thực Hiện"
            + TABLE + "Thành phần hồ sơ" + dossier
            + "Căn cứ pháp lý" + basis_section + tail + "Yêu cầu, điều kiện thực hiệnKhông có thông tin")


def _record(tmp_path: Path, channels: str, basis: str, raw: str, dossier: str | None = DOSSIER) -> tuple[list, list]:
    row = {"ma_thu_tuc": "3.999999", "ten_thu_tuc": "Cấp tên định danh", "trinh_tu_thuc_hien": "Bước 1: nộp hồ sơ.",
           "cach_thuc_thuc_hien": channels, "can_cu_phap_ly": basis, "raw_text": raw}
    if dossier is not None:
        row["thanh_phan_ho_so"] = dossier
    path = tmp_path / "3.999999.json"
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    return read_records_report(path)


def test_a_basis_cut_inside_a_fee_note_is_read_from_the_page(tmp_path):
    cut = TABLE.index("(Căn cứ pháp lý") + 1  # the crawler's field boundary
    procs, issues = _record(tmp_path, TABLE[:cut], TABLE[cut + len("Căn cứ pháp lý"):], _page("Không có thông tin"))
    (proc,) = procs
    assert proc.components["channels"].text == TABLE  # both rows again
    # "Không có thông tin": no legal basis published (CC003's case), as for any record saying so
    assert "legal_basis" not in proc.components and proc.legal_basis == []
    assert [i.code for i in issues] == ["legal_basis_spill"] and "đã đọc lại" in issues[0].message_vi
    # provenance: offsets into the page's cleaned text; the record says it was repaired
    prov = proc.components["channels"].prov
    assert prov.node_id == "raw_text" and _page("Không có thông tin")[prov.start : prov.end] == TABLE
    assert proc.extra["repaired"] == ["legal_basis_spill"]


def test_a_spill_that_cannot_be_placed_is_reported_not_guessed(tmp_path):
    cut = TABLE.index("(Căn cứ pháp lý") + 1
    head, rest = TABLE[:cut], TABLE[cut + len("Căn cứ pháp lý"):]
    # the heading's words inside the dossier: the section is the one right after the dossier
    dossier = "--Tên giấy tờSố lượngTài liệu Căn cứ pháp lý của việc sử dụng tên miền1 bản chính"
    procs, _ = _record(tmp_path, head, rest, _page("Luật An ninh mạng24/2018/QH14", dossier=dossier), dossier=dossier)
    assert procs[0].components["legal_basis"].text == "Luật An ninh mạng24/2018/QH14"
    # no heading after the section to end it, or a table the page does not hold: kept as
    # crawled, and the reader says the legal basis may be wrong
    for raw in (_page("Không có thông tin").replace("Cơ quan thực hiện", "").replace("Yêu cầu, điều kiện thực hiện", ""),
                _page("Không có thông tin").replace("Trực tiếp1 Ngày", "Trực tiếp 1 Ngày")):
        procs, issues = _record(tmp_path, head, rest, raw)
        assert procs[0].components["legal_basis"].text == rest and "repaired" not in procs[0].extra
        assert [i.code for i in issues] == ["legal_basis_spill"] and "không đọc lại được" in issues[0].message_vi


def test_a_section_with_documents_is_read_whole_and_other_records_are_left_alone(tmp_path):
    cut = TABLE.index("(Căn cứ pháp lý") + 1
    section = "Tên văn bản pháp lýMã văn bảnLuật An ninh mạng24/2018/QH14"
    procs, _ = _record(tmp_path, TABLE[:cut], TABLE[cut + len("Căn cứ pháp lý"):], _page(section))
    assert procs[0].components["legal_basis"].text == section
    # a field not starting with the note's colon, or a table the page does not hold: as crawled
    procs, issues = _record(tmp_path, TABLE, "Luật An ninh mạng 24/2018/QH14", _page(section))
    assert procs[0].components["legal_basis"].text == "Luật An ninh mạng 24/2018/QH14" and not issues
    procs, issues = _record(tmp_path, "Trực tuyến1 Ngày100 VNĐ(", ": Thông tư khác", _page(section))
    assert procs[0].components["legal_basis"].text == ": Thông tư khác"  # not the page's: not rejoined
    assert [i.code for i in issues] == ["legal_basis_spill"] and "không đọc lại được" in issues[0].message_vi


@pytest.mark.parametrize("code", ["3.000337", "3.000338", "3.000341", "3.000342", "3.000343", "3.000344", "3.000345"])
def test_the_seven_real_records_get_their_table_and_empty_basis_back(code):
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    (proc,), issues = read_records_report(PORTAL / f"{code}.json")
    assert "legal_basis" not in proc.components  # the page says "Không có thông tin"
    channels = proc.components["channels"].text
    assert "Dịch vụ bưu chính" in channels and "Trực tiếp" in channels and "Trực tuyến" in channels
    assert [i.code for i in issues] == ["legal_basis_spill"] and proc.extra["repaired"] == ["legal_basis_spill"]


def test_only_the_seven_real_records_are_repaired():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    repaired = sorted(p.name[:-5] for p in PORTAL.glob("*.json")
                      if read_records_report(p)[0][0].extra.get("repaired"))
    assert repaired == ["3.000337", "3.000338", "3.000341", "3.000342", "3.000343", "3.000344", "3.000345"]
