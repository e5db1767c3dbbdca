"""``tthc corpus`` commands on a temporary copy of the repository's registry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tthc_pipeline.legal.corpus_cli import corpus
from conftest import make_decree_docx

REPO_CORPUS = Path(__file__).resolve().parents[1] / "corpus"

@pytest.fixture()
def tmp_corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(REPO_CORPUS / "registry", target / "registry")
    return target


def run(*args: str):
    return CliRunner().invoke(corpus, list(args), catch_exceptions=False)


def test_list_text_and_json(tmp_corpus: Path) -> None:
    res = run("list", "--corpus", str(tmp_corpus), "--as-of", "2025-07-01")
    assert res.exit_code == 0
    assert "Tình trạng hiệu lực tại ngày 01/7/2025" in res.output
    assert "- Nghị định 61/2018/NĐ-CP: Hết hiệu lực (đã bị thay thế) từ 01/7/2025 (bởi 118/2025/NĐ-CP) [S]" in res.output
    res = run("list", "--corpus", str(tmp_corpus), "--as-of", "30/6/2025", "--format", "json")
    data = json.loads(res.output)
    rows = {d["id"]: d for d in data["documents"]}
    assert data["as_of"] == "2025-06-30" and rows["61/2018/NĐ-CP"]["status"]["code"] == "amended"


def test_show_and_status(tmp_corpus: Path) -> None:
    res = run("show", "61/2018/ND-CP", "--corpus", str(tmp_corpus))
    assert res.exit_code == 0
    assert "bị thay thế bởi 118/2025/NĐ-CP, từ 01/7/2025 [S, suy ra]" in res.output
    res = run("status", "62/2021/NĐ-CP", "--as-of", "2025-06-01", "--corpus", str(tmp_corpus))
    assert res.output.strip() == "62/2021/NĐ-CP tại ngày 01/6/2025: Hết hiệu lực từ 10/01/2025 (bởi 154/2024/NĐ-CP) [V]"
    res = run("status", "62/2021/NĐ-CP", "--as-of", "2024-12-01", "--corpus", str(tmp_corpus), "--format", "json")
    assert json.loads(res.output)["code"] == "in_force"


def test_status_names_the_relations_it_could_not_date(tmp_corpus: Path) -> None:
    """NĐ 56/2023 amends NĐ 96/2016, but neither decree's dates are in the registry: the status
    is read without it and says so, instead of a bare "Còn hiệu lực". NĐ 58/2026, which amends it
    too, has an issue date (13/02/2026): the lower bound of that amendment, which is read."""
    res = run("status", "96/2016/NĐ-CP", "--as-of", "2026-01-31", "--corpus", str(tmp_corpus))
    assert res.output.strip() == ("96/2016/NĐ-CP tại ngày 31/01/2026: Còn hiệu lực [V]; quan hệ chưa rõ ngày, "
                                  "chưa xét: được sửa đổi, bổ sung bởi 56/2023/NĐ-CP")
    res = run("status", "96/2016/NĐ-CP", "--as-of", "2026-06-30", "--corpus", str(tmp_corpus))
    assert res.output.strip() == ("96/2016/NĐ-CP tại ngày 30/6/2026: Còn hiệu lực (đã được sửa đổi, bổ sung) từ 13/02/2026 "
                                  "(ngày chưa xác minh, lấy theo ngày ban hành) (bởi 58/2026/NĐ-CP) [S]; quan hệ chưa rõ "
                                  "ngày, chưa xét: được sửa đổi, bổ sung bởi 56/2023/NĐ-CP")
    res = run("status", "96/2016/NĐ-CP", "--as-of", "2026-06-30", "--corpus", str(tmp_corpus), "--format", "json")
    assert json.loads(res.output)["undated"] == [{"type": "amended_by", "target": "56/2023/NĐ-CP"}]
    res = run("status", "61/2018/NĐ-CP", "--as-of", "2025-07-01", "--corpus", str(tmp_corpus))
    assert "chưa rõ ngày" not in res.output  # dated relations are read, not listed


def test_not_found_is_exit_1_and_usage_errors_exit_2(tmp_corpus: Path) -> None:
    res = CliRunner().invoke(corpus, ["status", "999/2099/NĐ-CP", "--as-of", "2025-01-01", "--corpus", str(tmp_corpus)])
    assert res.exit_code == 1 and "Không có văn bản 999/2099/NĐ-CP trong danh mục" in res.output
    res = CliRunner().invoke(corpus, ["status", "62/2021/NĐ-CP", "--as-of", "hôm qua", "--corpus", str(tmp_corpus)])
    assert res.exit_code == 2 and "Ngày không hợp lệ" in res.output
    res = CliRunner().invoke(corpus, ["status", "62/2021/NĐ-CP", "--corpus", str(tmp_corpus)])
    assert res.exit_code == 2  # --as-of is required
    res = CliRunner().invoke(corpus, ["list", "--corpus", str(tmp_corpus / "nope")])
    assert res.exit_code == 2


def test_add_docx_and_ingest_json_then_next_load_sees_it(tmp_corpus: Path, tmp_path: Path) -> None:
    docx_path = make_decree_docx(tmp_path / "nd12.docx")
    res = run("add", str(docx_path), "--corpus", str(tmp_corpus))
    assert res.exit_code == 0, res.output
    assert "Đã học Nghị định 12/2026/NĐ-CP" in res.output and "làm hết hiệu lực 99/2020/NĐ-CP từ 01/3/2026" in res.output
    assert "sửa đổi, bổ sung 63/2010/NĐ-CP (khoản 2 Điều 8) từ 01/3/2026" in res.output and "expires" not in res.output
    learned = yaml.safe_load((tmp_corpus / "learned" / "12-2026-ND-CP.yaml").read_text("utf-8"))
    assert learned["origin"] == "learned" and learned["provenance"]["sha256"]
    res = run("status", "63/2010/NĐ-CP", "--as-of", "2026-03-01", "--corpus", str(tmp_corpus))
    # partly repealed by 48/2013 (khoản 5 Điều 29), amended by it, by 92/2017 and by the new decree
    assert "Hết hiệu lực một phần từ 01/7/2013 (bởi 48/2013/NĐ-CP); được sửa đổi, bổ sung bởi 92/2017/NĐ-CP, 12/2026/NĐ-CP" \
        in res.output

    record = {"sha256": "e" * 64, "source": "tt.json", "metadata": {},
              "text": "Số: 55/2026/TT-BCA\nThông tư này có hiệu lực thi hành kể từ ngày 01 tháng 4 năm 2026.\n"
                      "Thông tư này thay thế Thông tư số 24/2023/TT-BCA."}
    rec_path = tmp_path / "tt.json"
    rec_path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    res = run("add", str(rec_path), "--corpus", str(tmp_corpus))
    assert res.exit_code == 0 and "Đã học Thông tư 55/2026/TT-BCA" in res.output
    res = run("status", "24/2023/TT-BCA", "--as-of", "2026-04-01", "--corpus", str(tmp_corpus), "--no-learn")
    assert "79/2024/TT-BCA" in res.output  # earliest terminal event wins (TT 79/2024 came first)


def test_dropped_document_is_learned_on_next_list(tmp_corpus: Path) -> None:
    (tmp_corpus / "documents").mkdir()
    make_decree_docx(tmp_corpus / "documents" / "nd12.docx")
    res = run("list", "--corpus", str(tmp_corpus), "--as-of", "2026-03-01")
    assert "- Nghị định 12/2026/NĐ-CP (học tự động): Còn hiệu lực từ 01/3/2026 [S]" in res.output


def test_lint_exit_codes(tmp_corpus: Path) -> None:
    res = run("lint", "--corpus", str(tmp_corpus))
    assert res.exit_code == 0 and "0 lỗi" in res.output
    (tmp_corpus / "registry" / "zz-dup.yaml").write_text(
        "entries:\n  - {id: 61/2018/NĐ-CP, confidence: S}\n  - {id: 1/2020/NĐ-CP, relations: [{type: replaces, target: 7/2007/NĐ-CP}]}\n",
        "utf-8")
    res = CliRunner().invoke(corpus, ["lint", "--corpus", str(tmp_corpus)])
    assert res.exit_code == 1
    assert "[duplicate_id] 61/2018/NĐ-CP" in res.output and "[dangling_target] 01/2020/NĐ-CP" in res.output


def test_help_texts() -> None:
    for cmd in ("list", "show", "status", "add", "lint"):
        res = run(cmd, "--help")
        assert res.exit_code == 0 and "--corpus" in res.output


def test_document_that_fails_to_ingest_is_listed_not_skipped(tmp_corpus: Path) -> None:
    (tmp_corpus / "documents").mkdir()
    broken = tmp_corpus / "documents" / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a real pdf")
    res = run("list", "--corpus", str(tmp_corpus), "--as-of", "2026-03-01")
    assert res.exit_code == 0
    line = next(x for x in res.output.splitlines() if "hong.pdf" in x)
    assert line.startswith("LỖI ") and "chưa học văn bản này" in line and "/ ERROR " in line and "not learned" in line
    assert not list((tmp_corpus / "learned").glob("*.yaml"))
    data = json.loads(run("list", "--corpus", str(tmp_corpus), "--format", "json").output)
    assert [Path(f["path"]).name for f in data["not_learned"]] == ["hong.pdf"]
    res = run("add", str(broken), "--corpus", str(tmp_corpus))
    assert res.exit_code == 1 and "LỖI" in res.output and "ERROR" in res.output


def test_articles_are_named_in_vietnamese() -> None:
    from tthc_pipeline.legal.corpus_cli import articles_vi

    arts = [{"dieu": "28", "khoan": "6", "diem": "d"}, {"dieu": "74"}, {"dieu": "4a", "khoan": "1"}]
    assert articles_vi(arts) == "điểm d khoản 6 Điều 28; Điều 74; khoản 1 Điều 4a"
    assert articles_vi(arts, limit=1) == "điểm d khoản 6 Điều 28; … và 2 mục khác"


def test_add_says_what_could_not_be_read(tmp_corpus: Path, tmp_path: Path) -> None:
    """A scan whose number a stamp hides gets a temporary id; the reviewer is told where to
    write the number (and the effective date when it was not read either)."""
    record = {"sha256": "d" * 64, "source": "scan.json", "metadata": {},
              "text": "BỘ CÔNG AN\ncsổhenönem i6ổ/2023/TT-BCA\nThông tư này thay thế Thông tư số 24/2023/TT-BCA."}
    rec_path = tmp_path / "scan.json"
    rec_path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    res = run("add", str(rec_path), "--corpus", str(tmp_corpus))
    assert res.exit_code == 0 and "doc-dddddddddddd" in res.output
    assert "không đọc được số, ký hiệu" in res.output and "the document number could not be read" in res.output
    assert "không đọc được ngày có hiệu lực" in res.output


def test_status_says_when_a_document_not_yet_in_force_takes_effect(tmp_corpus: Path) -> None:
    res = run("status", "118/2025/NĐ-CP", "--as-of", "2025-06-30", "--corpus", str(tmp_corpus))
    assert "Chưa có hiệu lực (có hiệu lực từ 01/7/2025)" in res.output
    res = run("status", "62/2021/NĐ-CP", "--as-of", "2021-06-01", "--corpus", str(tmp_corpus))
    assert "Chưa có hiệu lực (sớm nhất từ 29/6/2021; ngày có hiệu lực chưa xác minh)" in res.output
    res = run("status", "65/2022/TT-BCA", "--as-of", "2026-11-29", "--corpus", str(tmp_corpus))
    assert "Còn hiệu lực (sớm nhất từ 30/12/2022; ngày có hiệu lực chưa xác minh)" in res.output


def test_add_asks_for_the_clauses_of_a_partial_repeal_it_could_not_read(tmp_corpus: Path, tmp_path: Path) -> None:
    record = {"sha256": "f" * 64, "source": "tt21.json", "metadata": {},
              "text": "Số: 21/2026/TT-BCA\nHà Nội, ngày 10 tháng 3 năm 2026\nTHÔNG TƯ\n"
                      "Điều 1. Bãi bỏ một số điều của Thông tư số 58/2020/TT-BCA\n"
                      "Bãi bỏ các quy định về cấp biển số tạm thời của Thông tư số 58/2020/TT-BCA.\n"
                      "Điều 2. Hiệu lực thi hành\nThông tư này có hiệu lực thi hành kể từ ngày 01 tháng 5 năm 2026."}
    rec_path = tmp_path / "tt21.json"
    rec_path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    res = run("add", str(rec_path), "--corpus", str(tmp_corpus))
    assert res.exit_code == 0, res.output
    assert "bãi bỏ một phần 58/2020/TT-BCA" in res.output
    assert "bãi bỏ một phần 58/2020/TT-BCA nhưng không đọc được điều, khoản nào" in res.output + res.stderr
