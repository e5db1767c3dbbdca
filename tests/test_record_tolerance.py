"""One broken line or byte in a record file costs that line, not the file.

Real portal records (../shared/realdata/portal-json) written as one JSONL, then damaged the
way crawls damage files: a truncated line, a line that is not an object, bytes that are not
UTF-8. ``tthc check`` must check every other record with the same findings as the intact
file, name the skipped lines (exit 3), and warn about the replaced bytes; ``tthc extract``
must keep the procedures and carry the same issues as warnings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tthc_pipeline.procedures.extract import extract_path
from tthc_pipeline.rules.check_cli import check

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"
ARGS = ["--as-of", "2026-06-30", "--format", "json", "--fail-on", "never", "--no-learn"]


def _records(n: int) -> list[bytes]:
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    files = sorted(PORTAL.glob("*.json"))[:n]
    return [json.dumps(json.loads(f.read_text(encoding="utf-8")), ensure_ascii=False).encode() for f in files]


def _run(path: Path) -> tuple[int, dict]:
    res = CliRunner().invoke(check, [str(path), *ARGS])
    return res.exit_code, json.loads(res.stdout)


def _found(doc: dict) -> list[tuple[str, str, str]]:
    # procedure ids hash the file's bytes: compare by procedure code
    return sorted((f["rule_id"], f["procedure_code"], f["evidence"]["quote"]) for f in doc["findings"])


def test_damaged_jsonl_keeps_every_other_record(tmp_path):
    lines = _records(6)
    intact = tmp_path / "intact.jsonl"
    intact.write_bytes(b"\n".join(lines[:2] + lines[3:]) + b"\n")
    damaged = tmp_path / "damaged.jsonl"
    # line 3: a record cut mid-write; line 5: a list, not a record; line 6: two bytes that
    # are not UTF-8, in a field of its own so the record's texts stay the same
    broken_utf8 = lines[4].replace(b'"ma_thu_tuc"', b'"_note": "\xff\xfe", "ma_thu_tuc"', 1)
    damaged.write_bytes(b"\n".join([lines[0], lines[1], lines[2][: len(lines[2]) // 2], lines[3], b"[1, 2]",
                                    broken_utf8, lines[5]]) + b"\n")

    code_intact, doc_intact = _run(intact)
    code, doc = _run(damaged)
    assert code_intact == 0 and code == 3
    assert doc["procedures"] == doc_intact["procedures"] == 5
    assert _found(doc) == _found(doc_intact) and doc["findings"]
    assert [(e["code"], e["line"]) for e in doc["input_errors"]] == [("invalid_json_line", 3), ("invalid_json_line", 5)]
    assert [(w["code"], "2 đoạn byte" in w["message_vi"]) for w in doc["input_warnings"]] == [("invalid_utf8_bytes", True)]

    res = CliRunner().invoke(check, [str(damaged), "--as-of", "2026-06-30", "--no-learn"])
    assert "Lỗi: bỏ qua dòng 3 của tệp" in res.stderr and "Error: skipped line 5 of" in res.stderr
    assert "Cảnh báo: tệp" in res.stderr and "bỏ qua 2 dòng của 1 tệp / 2 lines of 1 file skipped" in res.stderr

    out = extract_path(damaged)
    assert out["procedure_count"] == 5
    assert sum("invalid_json_line (dòng/line" in w for w in out["warnings"]) == 2
    assert any(w.startswith("invalid_utf8_bytes") for w in out["warnings"])


def test_jsonl_without_a_readable_line_fails_whole(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n[1]\n", encoding="utf-8")
    res = CliRunner().invoke(check, [str(bad), *ARGS])
    assert res.exit_code == 3
    doc = json.loads(res.stdout)
    assert [e["code"] for e in doc["input_errors"]] == ["invalid_json"] and "line" not in doc["input_errors"][0]
    assert "1/1 tệp không đọc được / 1/1 files could not be read" in res.stderr


def test_csv_with_bytes_that_are_not_utf8_is_read_with_a_warning(tmp_path):
    f = tmp_path / "danh-muc.csv"
    f.write_bytes("Mã thủ tục,Tên thủ tục,Thành phần hồ sơ\n".encode()
                  + "1.000001,Đăng ký tạm trú,Bản sao sổ hộ khẩu ".encode() + b"\xff\n"
                  + "2.000002,Xác nhận thông tin cư trú,Tờ khai\n".encode())
    out = extract_path(f)
    assert out["procedure_count"] == 2 and out["procedures"][0]["name"] == "Đăng ký tạm trú"
    assert [w.split(":")[0] for w in out["warnings"]] == ["invalid_utf8_bytes"]
    res = CliRunner().invoke(check, [str(f), *ARGS])
    doc = json.loads(res.stdout)
    assert res.exit_code == 0 and doc["procedures"] == 2 and doc["input_errors"] == []
    assert [w["code"] for w in doc["input_warnings"]] == ["invalid_utf8_bytes"]


@pytest.mark.parametrize(
    ("name", "content", "procedures", "errors", "warnings"),
    [
        # exports concatenated from files that each start with a BOM
        ("bom-lines.jsonl", '\ufeff{"code": "1.4", "name": "Thủ tục C"}\n\ufeff{"code": "1.5", "name": "Thủ tục D"}\n',
         2, [], []),
        ("empty.jsonl", "", 0, [], ["no_records"]),
        # JSON allows U+2028 and U+0085 unescaped in strings: they do not end a line
        ("separators.jsonl", '{"code": "1.7", "name": "Thủ tục\u2028F", "dossier": "Tờ khai\x85"}\r\n', 1, [], []),
        ("header-only.csv", "code,name,dossier\n", 0, [], ["no_records"]),
        ("numbers.jsonl", "1\n2\n", 0, ["invalid_json"], []),
        # a portal cell longer than Python's default csv field limit (128 KiB)
        ("long-cell.csv", 'code,name,dossier\n1.0002,Thủ tục B,"' + "Tờ khai. " * 20000 + '"\n', 1, [], []),
        ("not-a-zip.xlsx", b"PK\x03\x04 garbage", 0, ["corrupt_file"], []),
        ("deep.json", "[" * 100000 + "]" * 100000, 0, ["invalid_input"], []),
    ],
)
def test_odd_record_files_give_records_or_a_named_reason(tmp_path, name, content, procedures, errors, warnings):
    f = tmp_path / name
    if isinstance(content, bytes):
        f.write_bytes(content)
    else:
        f.write_text(content, encoding="utf-8")
    res = CliRunner().invoke(check, [str(f), *ARGS])
    doc = json.loads(res.stdout)
    assert doc["procedures"] == procedures
    assert [e["code"] for e in doc["input_errors"]] == errors
    assert [w["code"] for w in doc["input_warnings"]] == warnings
    assert res.exit_code == (3 if errors else 0)
    assert "Traceback" not in res.output and "Hãy báo lỗi" not in res.stderr  # not an internal error
    if errors:
        assert all(not e["message_vi"].isascii() for e in doc["input_errors"])  # a Vietnamese reason


GIA_LAI = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "md" / (
    "QD-31-2011-QD-UBND_Gia-Lai_trinh-tu-thu-tuc-mien-giam-tien-SDD.md")


def test_saved_ingest_json_is_read_once_and_tolerantly(tmp_path):
    """A saved ingest record of a real decision gives ``tthc check`` and ``tthc extract`` the
    procedures and findings of the document itself; the .json is parsed once (the reader
    that tells an ingest record from record files hands the parsed record on), so a stray
    byte that is not UTF-8 costs a warning, not the file."""
    if not GIA_LAI.is_file():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.ingest.runner import ingest_file

    rec = ingest_file(GIA_LAI)
    intact = tmp_path / "gia-lai.json"
    intact.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    damaged = tmp_path / "gia-lai-damaged.json"
    # two bytes that are not UTF-8, in a field of their own so the text and offsets stay the same
    damaged.write_bytes(intact.read_bytes().replace(b'"sha256"', b'"_note": "\xff\xfe", "sha256"', 1))

    code_doc, doc_doc = _run(GIA_LAI)
    code_intact, doc_intact = _run(intact)
    code, doc = _run(damaged)
    assert code_doc == code_intact == code == 0
    assert _found(doc) == _found(doc_intact) == _found(doc_doc) and len(doc["findings"]) >= 5
    assert doc_intact["input_warnings"] == []
    assert [w["code"] for w in doc["input_warnings"]] == ["invalid_utf8_bytes"]

    out_intact, out = extract_path(intact), extract_path(damaged)
    assert out["kind"] == out_intact["kind"] and out["procedure_count"] == out_intact["procedure_count"] >= 1
    assert [p["name"] for p in out["procedures"]] == [p["name"] for p in out_intact["procedures"]]
    assert [w for w in out["warnings"] if w not in out_intact["warnings"]][0].startswith("invalid_utf8_bytes")
