"""`tthc check` and `tthc rules` as a linter: outputs, exit codes, usage errors."""

from __future__ import annotations

import json
from datetime import date
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
    assert runner.invoke(check, [str(path), "--fail-on", "sometimes"]).exit_code == 2


def test_rules_list_show_test_lint():
    runner = CliRunner()
    listed = runner.invoke(rules, ["list", "--status", "stable"])
    assert listed.exit_code == 0 and "HS001" in listed.output and "HS009" not in listed.output
    shown = runner.invoke(rules, ["show", "hs005"])
    assert shown.exit_code == 0 and "23/2015/NĐ-CP" in shown.output and "[V]" in shown.output
    assert "once per dossier item" in shown.output  # HS005: report: per_item
    assert "once per dossier item" not in runner.invoke(rules, ["show", "CQ001"]).output
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
    assert res.exit_code == 0, res.output  # a document without procedures is not an error of the checker
    assert "Đã kiểm tra 0 thủ tục" in res.output


# --- batch contract: every input attempted, per-file bilingual errors, exit codes -------------

DECISION_MD = """# QUYẾT ĐỊNH

Số: 12/QĐ-UBND

Về việc công bố danh mục thủ tục hành chính mới ban hành lĩnh vực hộ tịch

## PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH

| STT | Mã số TTHC | Tên TTHC | Thời hạn giải quyết | Phí, lệ phí | Căn cứ pháp lý |
|---|---|---|---|---|---|
| 1 | 1.004222 | Đăng ký thường trú | 10 ngày làm việc | Không | Luật Cư trú 68/2020/QH14 |
"""


def _extracted_folder(tmp_path: Path) -> Path:
    """``tthc extract`` of a small decision (good) and a corrupt .docx (error document)."""
    from tthc_pipeline.procedures.extract_cli import extract

    src = tmp_path / "src"
    src.mkdir()
    (src / "qd12.md").write_text(DECISION_MD, encoding="utf-8")
    (src / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "extracted"
    res = CliRunner().invoke(extract, [str(src), "--out", str(out)])
    assert res.exit_code == 1, res.output  # the corrupt .docx failed, the decision did not
    return out


def test_check_goes_on_after_bad_inputs_and_exits_3(tmp_path):
    from tthc_pipeline.ingest.runner import ingest_file

    folder = _extracted_folder(tmp_path)
    nested = folder / "more" / "deeper"
    nested.mkdir(parents=True)
    bad_docx = tmp_path / "scan.docx"
    bad_docx.write_bytes(b"PK\x03\x04 truncated")
    (nested / "scan-ingest.json").write_text(json.dumps(ingest_file(bad_docx), ensure_ascii=False), encoding="utf-8")
    (nested / "garbage.json").write_text("{not json", encoding="utf-8")
    (nested / "foreign.json").write_text('{"foo": 1}', encoding="utf-8")
    (nested / "good.json").write_text(json.dumps(CLEAN, ensure_ascii=False), encoding="utf-8")
    (folder / ".hidden.json").write_text("{not json either", encoding="utf-8")

    res = CliRunner().invoke(check, [str(folder), "--as-of", "2026-06-30"])
    assert res.exit_code == 3, res.output
    # the good inputs were checked: the extracted decision (TH002) and the nested portal record
    assert "■ [1.004222] Đăng ký thường trú" in res.stdout and "TH002 TRUNG BÌNH" in res.stdout
    assert "Đã kiểm tra 2 thủ tục" in res.stdout
    err = res.stderr
    for name, code in [("scan-ingest.json", "corrupt_file"), ("garbage.json", "invalid_json"),
                       ("foreign.json", "not_procedures"), ("broken-", "corrupt_file")]:
        line = next((ln for ln in err.splitlines() if name in ln and ln.startswith("Lỗi: không đọc được tệp")), None)
        assert line is not None and f"({code})" in line, (name, err)
        assert any(name in ln and ln.startswith("Error: could not read") for ln in err.splitlines()), (name, err)
    assert "kết quả đọc tệp (ingest) bị lỗi của tệp" in err and "kết quả trích xuất bị lỗi" in err
    assert ".hidden.json" not in err  # hidden files are skipped, like ingest and extract
    assert "4/6 tệp không đọc được / 4/6 files could not be read" in err
    assert "Traceback" not in res.output


def test_unreadable_input_wins_over_findings_and_fail_on_never(tmp_path):
    folder = _extracted_folder(tmp_path)  # a TH002 (medium) finding and one error document
    runner = CliRunner()
    assert runner.invoke(check, [str(folder), "--as-of", "2026-06-30", "--fail-on", "medium"]).exit_code == 3
    good = next(p for p in folder.iterdir() if p.name.startswith("qd12-"))
    assert runner.invoke(check, [str(good), "--as-of", "2026-06-30"]).exit_code == 0  # nothing high
    assert runner.invoke(check, [str(good), "--as-of", "2026-06-30", "--fail-on", "medium"]).exit_code == 1
    never = runner.invoke(check, [str(good), "--as-of", "2026-06-30", "--fail-on", "never"])
    assert never.exit_code == 0 and "TH002 TRUNG BÌNH" in never.stdout  # still reported, not failing
    res = runner.invoke(check, [str(folder), "--as-of", "2026-06-30", "--fail-on", "never", "--format", "json"])
    assert res.exit_code == 3
    doc = json.loads(res.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert [e["code"] for e in doc["input_errors"]] == ["corrupt_file"]
    assert doc["input_errors"][0]["file"].endswith(".procedures.json") and doc["procedures"] == 1
    helped = runner.invoke(check, ["--help"])
    assert "3 wins over 1" in " ".join(helped.output.split()) and "never" in helped.output  # as wrapped by click


def test_empty_registry_is_warned_about(tmp_path, monkeypatch):
    path = _write(tmp_path, "a.json", OUTDATED)
    empty = tmp_path / "empty-corpus"
    (empty / "registry").mkdir(parents=True)
    runner = CliRunner()
    res = runner.invoke(check, [str(path), "--as-of", "2026-06-30", "--corpus", str(empty)])
    assert "Cảnh báo: danh mục văn bản pháp luật" in res.stderr and "CC001, CC002" in res.stderr
    assert "Warning: the legal registry" in res.stderr and str(empty) in res.stderr
    # $TTHC_CORPUS is the default corpus, as for `tthc corpus`
    monkeypatch.setenv("TTHC_CORPUS", str(empty))
    res = runner.invoke(check, [str(path), "--as-of", "2026-06-30"])
    assert f"registry in {empty} is empty" in res.stderr
    # no citation rule selected: nothing to warn about
    res = runner.invoke(check, [str(path), "--as-of", "2026-06-30", "--select", "HS"])
    assert "Warning" not in res.stderr
    monkeypatch.delenv("TTHC_CORPUS")
    res = runner.invoke(check, [str(path), "--as-of", "2026-06-30"])
    assert "Warning" not in res.stderr  # the repository's corpus has documents


def test_default_registry_follows_tthc_corpus(tmp_path, monkeypatch):
    import warnings

    from tthc_pipeline.rules.builtins import default_registry

    assert len(default_registry()) > 0  # the repository's corpus/
    monkeypatch.setenv("TTHC_CORPUS", str(tmp_path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(default_registry()) == 0
    assert any("CC001, CC002 cannot fire" in str(w.message) for w in caught)


def test_time_limit_messages_name_their_unit():
    from tthc_pipeline.rules.builtins import duration_vi

    assert duration_vi(None, "trong_ngay") == "trong ngày"
    assert duration_vi(10.0, "ngay_lam_viec") == "10 ngày làm việc"
    assert duration_vi(48.0, "gio") == "48 giờ"


def test_th002_compares_only_comparable_units(tmp_path):
    from tthc_pipeline.procedures.model import Procedure, Provenance, TextSpan, TimeLimit
    from tthc_pipeline.rules.engine import Engine

    def proc(value, unit):
        return Procedure(id="p", name="Đăng ký thường trú", code="1.004222",
                         components={"time_limit": TextSpan(f"{value:g} đơn vị", Provenance(node_id="time_limit"))},
                         time_limits=[TimeLimit(raw="x", value=value, unit=unit)])

    engine = Engine.from_dir(select=["TH002"])
    found = engine.check([proc(10, "ngay_lam_viec")], as_of=date(2026, 6, 30))
    assert [f.message for f in found] == [
        "Thời hạn 10 ngày làm việc dài hơn thời hạn tham chiếu 7 ngày làm việc cho cùng mã thủ tục "
        "(cổng DVC quốc gia 2026, đăng ký thường trú)."]
    assert engine.check([proc(48, "gio")], as_of=date(2026, 6, 30)) == []  # hours vs working days


def test_regulation_dropped_into_the_corpus_is_picked_up_by_the_next_check(tmp_path):
    """A new decree saying an old one has expired, dropped as DOCX into the corpus folder,
    makes CC001 flag a procedure that still cites the old one."""
    import shutil

    import docx

    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parents[1] / "corpus" / "registry", corpus / "registry")
    (corpus / "documents").mkdir()
    d = docx.Document()
    for line in [
        "CHÍNH PHỦ", "Số: 77/2026/NĐ-CP", "Hà Nội, ngày 02 tháng 02 năm 2026", "NGHỊ ĐỊNH",
        "Về thủ tục thử nghiệm", "Điều 1. Phạm vi điều chỉnh", "Nghị định này quy định thủ tục thử nghiệm.",
        "Điều 2. Hiệu lực thi hành",
        "1. Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 3 năm 2026.",
        "2. Nghị định số 88/2019/NĐ-CP ngày 14 tháng 11 năm 2019 của Chính phủ hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.",
    ]:
        d.add_paragraph(line)
    d.save(corpus / "documents" / "nd-77-2026.docx")
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({
        "code": "9.999999", "name": "Thủ tục thử nghiệm",
        "legal_basis": "Nghị định số 88/2019/NĐ-CP ngày 14 tháng 11 năm 2019 của Chính phủ",
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    args = [str(records), "--corpus", str(corpus), "--select", "CC001", "--format", "json",
            "--as-of", "2026-06-01", "--fail-on", "never"]
    before = CliRunner().invoke(check, args + ["--no-learn"])
    assert before.exit_code == 0, before.output
    assert not json.loads(before.stdout)["findings"]
    after = CliRunner().invoke(check, args)
    assert after.exit_code == 0, after.output
    (finding,) = json.loads(after.stdout)["findings"]
    assert finding["rule_id"] == "CC001" and "88/2019/NĐ-CP" in finding["message"]
    assert list((corpus / "learned").glob("*.yaml")), "the learned entry is written for the next runs"


def test_a_record_with_lone_surrogates_is_checked_not_crashed(tmp_path):
    """Crawled JSON can hold invalid UTF-16 escapes ("\\ud800"): json.loads accepts them, UTF-8
    cannot encode them. clean() turns them into U+FFFD, so the record is checked and written."""
    path = tmp_path / "s.json"
    broken = dict(OUTDATED, thanh_phan_ho_so="Tờ khai\ud800 theo mẫu1 bản chínhSổ hộ khẩu (bản chính)\udfff1 bản chính")
    path.write_text(json.dumps(broken), encoding="ascii")  # escapes kept as \uXXXX
    res = CliRunner().invoke(check, [str(path), "--as-of", "2026-06-30", "--format", "json"])
    assert res.exit_code == 1, res.output
    doc = json.loads(res.output)
    hs001 = [f for f in doc["findings"] if f["rule_id"] == "HS001"]
    assert hs001 and "\ufffd" in hs001[0]["evidence"]["context"]
    out = tmp_path / "out.txt"
    res = CliRunner().invoke(check, [str(path), "--as-of", "2026-06-30"])
    out.write_text(res.output, encoding="utf-8")  # the text report is valid UTF-8 too
    assert "HS001" in out.read_text(encoding="utf-8")


def test_the_check_module_runs_as_a_script(tmp_path):
    """``python -m tthc_pipeline.rules.check_cli`` renders text findings like ``tthc check``
    (everything the text report calls is defined before the module runs ``check()``)."""
    import subprocess
    import sys

    record = tmp_path / "r.jsonl"
    record.write_text(json.dumps({"code": "1.000001", "name": "Cấp giấy phép",
                                  "dossier": "Bản sao sổ hộ khẩu của chủ hộ."}, ensure_ascii=False) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tthc_pipeline.rules.check_cli", str(record), "--no-learn",
                           "--as-of", "2026-06-30"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "HS001" in done.stdout and "Trích" in done.stdout
