"""The ingest command end to end: batch contract, error records, schema, exit codes."""

import json
from pathlib import Path

import docx
import jsonschema
import pytest
from click.testing import CliRunner

from tthc_pipeline.cli import main
from tthc_pipeline.ingest.backends import IngestOptions
from tthc_pipeline.ingest.runner import ingest_file, output_name

from conftest import REPO, SAMPLES, realdata

SCHEMA = json.loads((REPO / "tthc_pipeline" / "schemas" / "ingest.schema.json").read_text(encoding="utf-8"))


def validate(record: dict) -> None:
    jsonschema.validate(record, SCHEMA)


def _records(out: Path) -> dict[str, dict]:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")]
    return {rec["file_name"]: rec for rec in records}


def _good_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("CHÍNH PHỦ")
    d.add_paragraph("Số: 12/2025/NĐ-CP")
    d.add_paragraph("Điều 1. Phạm vi điều chỉnh")
    d.add_paragraph("Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2025.")
    d.save(path)
    return path


def test_batch_goes_on_past_bad_files_and_exit_code_is_1(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _good_docx(src / "tot.docx")
    (src / "rong.txt").write_bytes(b"")
    (src / "hong.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\n")  # truncated: no xref, no pages
    cut = (src / "cut.docx")
    cut.write_bytes(_good_docx(tmp_path / "x.docx").read_bytes()[:300])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["ingest", str(src), "--out", str(out)])
    assert result.exit_code == 1, result.output
    records = _records(out)
    assert set(records) == {"tot.docx", "rong.txt", "hong.pdf", "cut.docx"}
    assert records["tot.docx"]["error"] is None
    assert records["rong.txt"]["error"]["code"] == "empty_file"
    assert records["cut.docx"]["error"]["code"] == "corrupt_file"
    assert records["hong.pdf"]["error"] is not None
    for rec in records.values():
        validate(rec)
        if rec["error"]:
            assert rec["error"]["message_vi"] and rec["error"]["message_en"]
    assert "ERROR" in result.output and "rong.txt" in result.output
    assert not list(out.glob(".*.tmp")), "temporary files left behind"


def test_all_good_exit_0_and_output_named_from_input_and_hash(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["ingest", str(SAMPLES), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    for rec in _records(out).values():
        validate(rec)
        assert output_name(Path(rec["source"]), rec["sha256"]) in {p.name for p in out.glob("*.json")}


def test_usage_error_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["ingest", "--jobs", "0", str(tmp_path)])
    assert result.exit_code == 2


def test_size_limit(tmp_path):
    big = _good_docx(tmp_path / "lon.docx")
    rec = ingest_file(big, IngestOptions(max_bytes=100))
    assert rec["error"]["code"] == "too_large"
    validate(rec)


def test_fake_pdf_error_record():
    rec = ingest_file(realdata("pdf", "FAKE-PDF_is-HTML_TCVN-7568-29-2023.pdf"))
    assert rec["error"]["code"] == "not_a_pdf"
    validate(rec)


@pytest.mark.slow
def test_converter_hang_is_stopped_by_the_file_timeout():
    # OCR of a 22-page scan cannot finish in half a second: the per-file deadline fires.
    rec = ingest_file(realdata("pdf", "ND-154-2024-ND-CP_cu-tru_SCAN.pdf"), IngestOptions(timeout_s=0.5))
    assert rec["error"]["code"] in {"timeout", "converter_timeout"}
    validate(rec)


@pytest.mark.slow
def test_parallel_jobs_give_the_same_records(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    args = ["ingest", str(SAMPLES), "-q"]
    assert CliRunner().invoke(main, args + ["--out", str(one)]).exit_code == 0
    assert CliRunner().invoke(main, args + ["--out", str(two), "--jobs", "2"]).exit_code == 0
    a, b = _records(one), _records(two)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name]["text"] == b[name]["text"] and a[name]["structure"] == b[name]["structure"]


def test_records_validate_for_every_realdata_document(realdata_dir):
    """Every real document ingests (the HTML-named-PDF gets its error); OCR is skipped here
    for speed (the OCR tests cover scans)."""
    files = [p for sub in ("pdf", "doc", "docx", "md") for p in sorted((realdata_dir / sub).iterdir())]
    for path in files:
        rec = ingest_file(path, IngestOptions(ocr=False))
        validate(rec)
        if path.name.startswith("FAKE-PDF"):
            assert rec["error"]["code"] == "not_a_pdf"
        else:
            assert rec["error"] is None, (path.name, rec["error"])


def test_rescan_reuses_unchanged_files_and_force_redoes_them(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _good_docx(src / "a.docx")
    out = tmp_path / "out"
    args = ["ingest", str(src), "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    (record,) = out.glob("*.json")
    before = record.stat().st_mtime_ns
    second = CliRunner().invoke(main, args)
    assert "1 reused" in second.output and record.stat().st_mtime_ns == before
    third = CliRunner().invoke(main, args + ["--force"])
    assert "0 reused" in third.output


def test_a_worker_that_dies_fails_only_its_own_file(tmp_path, monkeypatch):
    """Fault injection: a converter that kills its process (as a segfaulting library would).
    The pool breaks; the other files are run again and succeed."""
    import os

    from tthc_pipeline.ingest import backends
    from tthc_pipeline.ingest.runner import ingest_batch

    original = backends.BACKENDS["text"]

    def dying(path, fmt, opts):
        if path.name == "chet.txt":
            os._exit(3)
        return original(path, fmt, opts)

    monkeypatch.setitem(backends.BACKENDS, "text", dying)
    src = tmp_path / "in"
    src.mkdir()
    names = ["a.txt", "b.txt", "chet.txt", "d.txt", "e.txt"]
    for name in names:
        (src / name).write_text(f"Điều 1. Văn bản {name}", encoding="utf-8")
    summary = ingest_batch(sorted(src.iterdir()), tmp_path / "out", jobs=2)
    assert summary.ok == 4 and summary.failed == 1
    (bad, error), = summary.failures
    assert bad.name == "chet.txt" and error["code"] == "worker_crashed"
    records = _records(tmp_path / "out")
    assert set(records) == set(names)
    for rec in records.values():
        validate(rec)


def test_record_made_without_ocr_is_not_reused_for_an_ocr_run(tmp_path):
    from tthc_pipeline.ingest.runner import ingest_batch

    src = tmp_path / "a.md"
    src.write_text("# Điều 1. Phạm vi", encoding="utf-8")
    out = tmp_path / "out"
    assert ingest_batch([src], out, options=IngestOptions(ocr=False)).reused == 0
    assert ingest_batch([src], out, options=IngestOptions(ocr=False)).reused == 1
    assert ingest_batch([src], out, options=IngestOptions(ocr=True)).reused == 0
