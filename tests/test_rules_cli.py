"""`tthc check` and `tthc rules` as a linter: outputs, exit codes, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from tthc_pipeline.rules.check_cli import check
from tthc_pipeline.rules.rules_cli import rules

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tthc_pipeline" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))

OUTDATED = {
    "ma_thu_tuc": "9.000001", "ten_thu_tuc": "Cấp giấy xác nhận thử nghiệm (thực hiện tại cấp huyện)",
    "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ tại Công an cấp huyện. Khi nộp xuất trình Chứng minh nhân dân.",
    "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việcMiễn phí",
    "thanh_phan_ho_so": "Tờ khai theo mẫu1 bản chínhSổ hộ khẩu (bản chính)1 bản chính",
    "doi_tuong_thuc_hien": "Công dân Việt Nam", "co_quan_thuc_hien": "Công an huyện",
    "ket_qua_xu_ly": "Giấy xác nhận", "can_cu_phap_ly": "Luật Cư trú68/2020/QH14",
}
CLEAN = dict(OUTDATED, ma_thu_tuc="9.000002", ten_thu_tuc="Cấp giấy xác nhận thử nghiệm",
             trinh_tu_thuc_hien="Bước 1: Nộp hồ sơ tại Công an cấp xã hoặc trực tuyến.",
             cach_thuc_thuc_hien="Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việcMiễn phí",
             thanh_phan_ho_so="Tờ khai theo mẫu1 bản chính", co_quan_thuc_hien="Công an cấp xã")


def _write(tmp_path: Path, name: str, record: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_text_report_in_vietnamese_and_exit_1(tmp_path):
    path = _write(tmp_path, "a.json", OUTDATED)
    res = CliRunner().invoke(check, [str(path), "--as-of", "2026-06-30"])
    assert res.exit_code == 1, res.output
    assert "■ [9.000001]" in res.output
    assert "HS001 CAO" in res.output and "CQ001 CAO" in res.output and "HS003 CAO" in res.output
    assert "Trích: «" in res.output and "Căn cứ:" in res.output


def test_check_clean_procedure_exits_0(tmp_path):
    path = _write(tmp_path, "b.json", CLEAN)
    res = CliRunner().invoke(check, [str(path), "--as-of", "2026-06-30"])
    assert res.exit_code == 0, res.output
    assert "0 phát hiện" in res.output


def test_fail_on_threshold_and_select(tmp_path):
    path = _write(tmp_path, "a.json", OUTDATED)
    only_low = CliRunner().invoke(check, [str(path), "--as-of", "2026-06-30", "--select", "CT002,TH003"])
    assert only_low.exit_code == 0
    medium = CliRunner().invoke(check, [str(path), "--as-of", "2026-06-30", "--select", "CT", "--fail-on", "medium"])
    assert medium.exit_code == 1  # CT001 (medium): only in-person


def test_json_and_jsonl_outputs_validate(tmp_path):
    path = _write(tmp_path, "a.json", OUTDATED)
    res = CliRunner().invoke(check, [str(path), "--as-of", "2026-06-30", "--format", "json"])
    doc = json.loads(res.output)
    jsonschema.validate(doc, SCHEMA)
    assert doc["procedures"] == 1 and {f["rule_id"] for f in doc["findings"]} >= {"HS001", "CQ001"}
    res = CliRunner().invoke(check, [str(path), "--as-of", "2026-06-30", "--format", "jsonl", "--ignore", "CQ"])
    lines = [json.loads(line) for line in res.output.splitlines()]
    assert lines and not any(f["rule_id"].startswith("CQ") for f in lines)


def test_usage_errors_exit_2(tmp_path):
    path = _write(tmp_path, "a.json", OUTDATED)
    runner = CliRunner()
    assert runner.invoke(check, [str(path), "--as-of", "30/06/2026"]).exit_code == 2
    assert runner.invoke(check, [str(path), "--select", "ZZ9"]).exit_code == 2
    assert runner.invoke(check, [str(tmp_path / "missing.json")]).exit_code == 2
    (tmp_path / "x.json").write_text('{"foo": 1}', encoding="utf-8")
    assert runner.invoke(check, [str(tmp_path / "x.json")]).exit_code == 2


def test_rules_list_show_test_lint():
    runner = CliRunner()
    listed = runner.invoke(rules, ["list", "--status", "stable"])
    assert listed.exit_code == 0 and "HS001" in listed.output and "HS009" not in listed.output
    shown = runner.invoke(rules, ["show", "hs005"])
    assert shown.exit_code == 0 and "23/2015/NĐ-CP" in shown.output and "[V]" in shown.output
    tested = runner.invoke(rules, ["test", "HS00"])
    assert tested.exit_code == 0 and "HS001:" in tested.output and "FAIL" not in tested.output
    assert runner.invoke(rules, ["lint"]).exit_code == 0
    assert runner.invoke(rules, ["show", "XX999"]).exit_code == 2


def test_rules_test_exits_1_on_a_broken_rule(tmp_path):
    import yaml

    bad = {
        "id": "HS906", "name": "never-fires", "status": "preview", "severity": "low", "category": "unclear",
        "components": ["dossier"], "match": {"kind": "patterns", "any": ["giấy tờ khác"]},
        "legal_basis": [{"document": "63/2010/NĐ-CP", "confidence": "V"}], "message": "{evidence}",
        "recommendation": {"noi_dung": "a", "ly_do": "b", "kien_nghi_thuc_thi": "c"},
        "docs": {"what": "a", "why": "b", "example": "c", "fix": "d"},
        "tests": {"fires": ["Đơn đề nghị"], "passes": ["Đơn"]},
    }
    (tmp_path / "HS906.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    res = CliRunner().invoke(rules, ["--rules", str(tmp_path), "test"])
    assert res.exit_code == 1 and "FAIL fires[0]" in res.output


def test_check_reads_extract_output_and_documents(tmp_path):
    from tthc_pipeline.procedures.model import Procedure, Provenance, TextSpan

    proc = Procedure(id="p1", name="Thủ tục A", code="9.000003",
                     components={"dossier": TextSpan("Sổ hộ khẩu (bản chính)", Provenance(node_id="dossier"))})
    out = tmp_path / "extract.json"
    out.write_text(json.dumps({"schema_version": "tthc.procedures/1", "procedures": [proc.to_dict()]}, ensure_ascii=False),
                   encoding="utf-8")
    res = CliRunner().invoke(check, [str(out), "--as-of", "2026-06-30", "--select", "HS001", "--format", "jsonl"])
    assert res.exit_code == 1 and json.loads(res.output.splitlines()[0])["procedure_code"] == "9.000003"
    md = tmp_path / "qd.md"
    md.write_text("# Quyết định\n\nKhông có thủ tục nào.\n", encoding="utf-8")
    res = CliRunner().invoke(check, [str(md), "--as-of", "2026-06-30"])
    assert res.exit_code in (0, 2), res.output  # a document without procedures is not an error of the checker
