"""Registry of legal documents: loading, derived relations, status at dates, lint, learning."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from tthc_pipeline.ingest.runner import ingest_file
from tthc_pipeline.legal.registry import Registry
from tthc_pipeline.legal.relations import relations_from_ingest, write_learned
from conftest import DECREE_PARAGRAPHS, make_decree_docx

REPO_CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
D = date.fromisoformat


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.load(REPO_CORPUS)


def test_repo_registry_loads_clean(reg: Registry) -> None:
    assert len(reg) >= 40
    assert [i for i in reg.lint() if i.level == "error"] == []
    assert [i.code for i in reg.lint()] == []  # no dangling targets in the seed data


@pytest.mark.parametrize(
    "doc_id, as_of, code, by",
    [
        ("61/2018/NĐ-CP", "2025-06-30", "amended", ["107/2021/NĐ-CP"]),
        ("61/2018/NĐ-CP", "2025-07-01", "replaced", ["118/2025/NĐ-CP"]),
        ("107/2021/NĐ-CP", "2025-07-01", "replaced", ["118/2025/NĐ-CP"]),
        ("118/2025/NĐ-CP", "2025-06-30", "not_yet_in_force", []),
        ("81/2006/QH11", "2021-06-30", "in_force", []),
        ("81/2006/QH11", "2021-07-01", "replaced", ["68/2020/QH14"]),
        ("62/2021/NĐ-CP", "2024-12-01", "in_force", []),
        ("62/2021/NĐ-CP", "2025-06-01", "expired", ["154/2024/NĐ-CP"]),
        ("59/2014/QH13", "2024-06-30", "amended", ["68/2020/QH14"]),
        ("59/2014/QH13", "2024-07-01", "replaced", ["26/2023/QH15"]),
        ("63/2010/NĐ-CP", "2013-06-30", "in_force", []),
        # 48/2013 also repealed khoản 5 Điều 29 (its Điều 1 khoản 7); 92/2017's amendment is in touched
        ("63/2010/NĐ-CP", "2017-01-01", "partly_repealed", ["48/2013/NĐ-CP"]),
        ("63/2010/NĐ-CP", "2018-01-01", "partly_repealed", ["48/2013/NĐ-CP"]),
        ("1699/QĐ-TTg", "2010-10-14", "partly_repealed", ["63/2010/NĐ-CP"]),
        ("58/2020/TT-BCA", "2023-08-15", "replaced", ["24/2023/TT-BCA"]),
        ("24/2023/TT-BCA", "2025-06-01", "replaced", ["79/2024/TT-BCA"]),
        ("23/2015/NĐ-CP", "2025-06-01", "amended", ["07/2025/NĐ-CP"]),
        ("999/2099/NĐ-CP", "2025-06-01", "unknown", []),
    ],
)
def test_status_of_seed_facts(reg: Registry, doc_id: str, as_of: str, code: str, by: list[str]) -> None:
    status = reg.status(doc_id, D(as_of))
    assert (status.code, sorted(status.by)) == (code, by)
    assert status.label_vi


def test_status_details(reg: Registry) -> None:
    s = reg.status("62/2021/NĐ-CP", D("2025-06-01"))
    assert s.since == D("2025-01-10") and s.confidence == "V" and not s.date_uncertain
    # TT 79/2024's in-force date is unverified: the replacement date is only a lower bound.
    s = reg.status("24/2023/TT-BCA", D("2025-06-01"))
    assert s.date_uncertain and s.since == D("2024-11-15")
    # [U] facts stay U: the land law's replacement is dated (01/8/2024) but unverified here.
    s = reg.status("45/2013/QH13", D("2026-01-01"))
    assert (s.code, s.by, s.since, s.confidence) == ("replaced", ["31/2024/QH15"], D("2024-08-01"), "U")
    assert reg.status("45/2013/QH13", D("2024-07-31")).code == "in_force"


def test_undated_relations_are_listed_not_read(tmp_path: Path) -> None:
    _write(tmp_path / "registry" / "a.yaml", {"entries": [
        {"id": "10/2020/NĐ-CP", "effective": "2020-05-01"},
        {"id": "11/2021/NĐ-CP", "relations": [{"type": "amends", "target": "10/2020/NĐ-CP"}]},
        {"id": "12/2022/NĐ-CP", "issued": "2022-03-01", "relations": [{"type": "amends", "target": "10/2020/NĐ-CP"}]},
    ]})
    s = Registry.load(tmp_path).status("10/2020/NĐ-CP", D("2026-06-30"))
    # 12/2022 is read from its issue date (a lower bound); 11/2021 has no date at all
    assert s.code == "amended" and s.by == ["12/2022/NĐ-CP"] and s.date_uncertain
    assert s.undated == [{"type": "amended_by", "target": "11/2021/NĐ-CP"}]
    assert s.to_dict()["undated"] == s.undated


def test_a_replacement_date_one_relation_knows_is_not_uncertain(tmp_path: Path) -> None:
    """Two successors on one day, one in force from then, the other dated only by its issue
    date: the day is known, so the status does not call it uncertain; alone, the second is."""
    old = {"id": "10/2020/NĐ-CP", "effective": "2020-05-01"}
    issued_only = {"id": "12/2022/NĐ-CP", "issued": "2022-03-01", "relations": [{"type": "replaces", "target": "10/2020/NĐ-CP"}]}
    effective = {"id": "13/2022/NĐ-CP", "effective": "2022-03-01", "relations": [{"type": "replaces", "target": "10/2020/NĐ-CP"}]}
    _write(tmp_path / "registry" / "a.yaml", {"entries": [old, issued_only, effective]})
    s = Registry.load(tmp_path).status("10/2020/NĐ-CP", D("2026-06-30"))
    assert (s.code, s.since, sorted(s.by), s.date_uncertain) == ("replaced", D("2022-03-01"), ["12/2022/NĐ-CP", "13/2022/NĐ-CP"], False)
    _write(tmp_path / "registry" / "a.yaml", {"entries": [old, issued_only]})
    s = Registry.load(tmp_path).status("10/2020/NĐ-CP", D("2026-06-30"))
    assert (s.code, s.since, s.date_uncertain) == ("replaced", D("2022-03-01"), True)


def test_inverse_relations_are_derived_once(reg: Registry) -> None:
    nd61 = reg.get("61/2018/ND-CP")  # ASCII id is canonicalised
    kinds = {(r.type, r.target, r.derived) for r in nd61.relations}
    assert ("replaced_by", "118/2025/NĐ-CP", True) in kinds
    assert ("amended_by", "107/2021/NĐ-CP", True) in kinds
    assert reg.successors("61/2018/NĐ-CP") == ["118/2025/NĐ-CP"]
    repealed = [r for r in reg.get("1699/QĐ-TTg").relations if r.type == "repealed_by"]
    assert repealed[0].articles == [{"dieu": "2"}]


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def test_lint_catches_duplicate_id_and_dangling_target(tmp_path: Path) -> None:
    _write(tmp_path / "registry" / "a.yaml", {"entries": [
        {"id": "10/2020/NĐ-CP", "type": "Nghị định", "confidence": "S",
         "relations": [{"type": "replaces", "target": "1/2010/NĐ-CP", "date": "2020-05-01"}]},
    ]})
    _write(tmp_path / "registry" / "b.yaml", {"entries": [
        {"id": "10/2020/ND-CP", "type": "Nghị định", "confidence": "V"},
        {"id": "11/2020/NĐ-CP", "confidence": "X"},
    ]})
    reg = Registry.load(tmp_path)
    codes = sorted((i.level, i.code, i.entry_id) for i in reg.lint())
    assert ("error", "duplicate_id", "10/2020/NĐ-CP") in codes
    assert ("warning", "dangling_target", "10/2020/NĐ-CP") in codes
    assert ("error", "bad_confidence", "11/2020/NĐ-CP") in codes
    assert reg.get("10/2020/NĐ-CP").confidence == "S"  # the first declaration is kept


def test_lint_catches_conflicting_dates(tmp_path: Path) -> None:
    _write(tmp_path / "registry" / "a.yaml", {"entries": [
        {"id": "10/2020/NĐ-CP", "relations": [{"type": "replaces", "target": "01/2010/NĐ-CP", "date": "2020-05-01"}]},
        {"id": "01/2010/NĐ-CP", "relations": [{"type": "replaced_by", "target": "10/2020/NĐ-CP", "date": "2020-06-01"}]},
    ]})
    assert [i.code for i in Registry.load(tmp_path).lint()] == ["relation_conflict"]


def test_learned_merges_under_hand_written(tmp_path: Path) -> None:
    _write(tmp_path / "registry" / "a.yaml", {"entries": [
        {"id": "10/2020/NĐ-CP", "effective": "2020-05-01", "confidence": "V",
         "relations": [{"type": "replaces", "target": "01/2010/NĐ-CP", "date": "2020-05-01"}]},
        {"id": "01/2010/NĐ-CP"}, {"id": "02/2011/NĐ-CP"},
    ]})
    _write(tmp_path / "learned" / "x.yaml", {
        "origin": "learned", "provenance": {"sha256": "ab"}, "id": "10/2020/NĐ-CP", "effective": "2020-04-01",
        "source": "learned.docx",
        "relations": [{"type": "replaces", "target": "01/2010/NĐ-CP", "date": "2020-04-01"},
                      {"type": "repeals", "target": "02/2011/NĐ-CP", "date": "2020-05-01"}]})
    reg = Registry.load(tmp_path)
    entry = reg.get("10/2020/NĐ-CP")
    assert entry.effective == "2020-05-01"  # hand-written wins
    assert {"field": "effective", "value": "2020-04-01", "source": "learned.docx"} in entry.overridden
    assert any(o.get("relation") == "replaces" and o["date"] == "2020-04-01" for o in entry.overridden)
    assert reg.status("01/2010/NĐ-CP", D("2020-04-15")).code == "in_force"
    assert reg.status("02/2011/NĐ-CP", D("2020-05-01")).code == "repealed"  # learned fact added
    assert "learned_conflict" in [i.code for i in reg.lint()]


def _record_for(path: Path) -> dict:
    return ingest_file(path)


def _check_learned_decree(entry) -> None:
    assert (entry.id, entry.type, entry.issued, entry.effective) == ("12/2026/NĐ-CP", "Nghị định", "2026-01-15", "2026-03-01")
    rel = {(r.type, r.target): r for r in entry.relations}
    assert rel[("expires", "99/2020/NĐ-CP")].date == "2026-03-01"
    assert rel[("amends", "63/2010/NĐ-CP")].articles == [{"dieu": "8", "khoan": "2"}]
    assert entry.origin == "learned" and entry.confidence == "S"


def test_learning_from_generated_docx(tmp_path: Path) -> None:
    entry = relations_from_ingest(_record_for(make_decree_docx(tmp_path / "nd12.docx")))
    _check_learned_decree(entry)


def test_learning_tolerates_ocr_noise_without_metadata() -> None:
    text = ("Số: 55/2026/TT-BCA Hà Nội, ngày 02 tháng 02 năm 2026\nĐiều 9. Hiệu lục thị hành\n"
            "1. Thông tư này có hiệu lục thị hành kế từ ngày 01 tháng 4 năm 2026.\n"
            "2. Thông tư này thay thế Thông tư số 24/2023/TT-BCA ngày 01 tháng 7 năm 2023 của Bộ trưởng Bộ Công an "
            "(đã được sửa đổi bởi Thông tư số 13/2025/TT-BCA).\n"
            "3. Thông tư này bãi bỏ khoản 2, 3 Điều 5 Thông tư số 17/2024/TT-BCA.")
    entry = relations_from_ingest({"metadata": {"effective": {"raw": "…", "date": None}}, "text": text})
    rel = {(r.type, r.target): r for r in entry.relations}
    assert entry.id == "55/2026/TT-BCA" and entry.effective == "2026-04-01"
    assert set(rel) == {("replaces", "24/2023/TT-BCA"), ("repeals", "17/2024/TT-BCA")}  # not the one in ( )
    assert rel[("repeals", "17/2024/TT-BCA")].articles == [{"dieu": "5", "khoan": "2"}, {"dieu": "5", "khoan": "3"}]


def test_number_from_the_appendices_and_days_after_signature() -> None:
    """A stamp over "Số: …" in a scan: the number its forms are issued with, of its own year
    (the forms of the 2021 circular it replaces carry 2021); "sau 10 ngày, kể từ ngày ký"."""
    forms = ["Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA",
             "thay thế biểu mẫu CT01 ban hành kèm theo Thông tư số 56/2021/TT-BCA",
             "thay thế biểu mẫu CT02 ban hành kèm theo Thông tư số 56/2021/TT-BCA",
             "thay thế biểu mẫu CT03 ban hành kèm theo Thông tư số 56/2021/TT-BCA"]
    head = "BỘ CÔNG AN\ncsổhenönem i6ổ/2023/TT-BCA\nHà Nội, ngày 17 tháng 11 năm 2023\nTHÔNG TƯ\n"
    once = relations_from_ingest({"metadata": {}, "text": head + "\n".join(forms)})
    assert once.id.startswith("doc-")  # one mention is not enough
    twice = relations_from_ingest({"metadata": {}, "text": head + "\n".join(forms + forms[:1])})
    assert twice.id == "66/2023/TT-BCA"
    text = ("Số: 31/2011/QĐ-UBND\nPleiku, ngày 10 tháng 11 năm 2011\nQUYẾT ĐỊNH\n"
            "Điều 3. Quyết định này có hiệu lực thi hành sau 10 ngày, kể từ ngày ký.")
    assert relations_from_ingest({"metadata": {}, "text": text}).effective == "2011-11-20"


def test_explicit_expiry_date_beats_the_effective_date() -> None:
    # OCR merged "hiệu lực" into "hiệulực"; the quoted amendment text must not count; the
    # decree ends on its own date (01/7/2026), not on this one's effective date (01/5/2026).
    text = ("Số: 20/2026/NĐ-CP Hà Nội, ngày 10 tháng 3 năm 2026\n"
            "Điều 1. Sửa đổi Điều 3 như sau:\n"
            "“Điều 3. Nghị định số 11/2011/NĐ-CP hết hiệu lực kể từ ngày 01 tháng 01 năm 2030.”\n"
            "Điều 2. Hiệu lực thi hành\n"
            "1. Nghị định này có hiệulực thi hành từ ngày 01 tháng 5 năm 2026.\n"
            "2. Nghị định số 5/2012/NĐ-CP hết hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2026.\n"
            "3. Nghị định số 99/2020/NĐ-CP hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.")
    entry = relations_from_ingest({"metadata": {}, "text": text})
    assert (entry.id, entry.issued, entry.effective) == ("20/2026/NĐ-CP", "2026-03-10", "2026-05-01")
    rel = {(r.type, r.target): r.date for r in entry.relations}
    assert rel == {("expires", "05/2012/NĐ-CP"): "2026-07-01", ("expires", "99/2020/NĐ-CP"): "2026-05-01"}


def test_load_with_documents_learns_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO_CORPUS / "registry", corpus / "registry")
    (corpus / "documents").mkdir()
    make_decree_docx(corpus / "documents" / "nd12.docx")
    calls: list[Path] = []

    def counting_ingest(path: Path) -> dict:
        calls.append(path)
        return _record_for(path)

    reg = Registry.load_with_documents(corpus, ingest=counting_ingest)
    assert len(calls) == 1 and reg.get("12/2026/NĐ-CP").origin == "learned"
    # the target is not registered, but the learned relation makes its status known (a stub entry)
    assert reg.status("99/2020/NĐ-CP", D("2026-03-01")).code == "expired"
    assert reg.status("63/2010/NĐ-CP", D("2026-03-02")).touched["12/2026/NĐ-CP"] == {"amended": [{"dieu": "8", "khoan": "2"}]}
    learned = list((corpus / "learned").glob("*.yaml"))
    assert [p.name for p in learned] == ["12-2026-ND-CP.yaml"]
    assert yaml.safe_load(learned[0].read_text("utf-8"))["provenance"]["sha256"]
    Registry.load_with_documents(corpus, ingest=counting_ingest)
    assert len(calls) == 1  # cached by sha256


def test_write_learned_roundtrip(tmp_path: Path) -> None:
    entry = relations_from_ingest({"metadata": {}, "text": "\n".join(DECREE_PARAGRAPHS), "sha256": "f" * 64})
    path = write_learned(entry, tmp_path / "learned")
    again = Registry.load(tmp_path).get("12/2026/NĐ-CP")
    assert path.exists() and again.origin == "learned" and again.effective == "2026-03-01"
    assert not list((tmp_path / "learned").glob(".tmp-*"))


# --------------------------------------------------------------------------- real scan (slow)


def _nd154_pages_with_article_15() -> list[int]:
    """Pages (0-based) OCR'd for the test. Điều 15 (Hiệu lực thi hành) is on printed page 16 of
    22, not on the last 3 pages (those hold the forms appendix), so we OCR page 1 (number and
    date) and pages 16–17 (Điều 15, 16 and the signature)."""
    return [0, 15, 16]


@pytest.fixture(scope="module")
def nd154_ocr_text() -> str:
    return _ocr_pages(REALDATA / "pdf" / "ND-154-2024-ND-CP_cu-tru_SCAN.pdf", _nd154_pages_with_article_15())


def _ocr_pages(pdf_path: Path, pages: list[int]) -> str:
    """Text of ``pages`` (0-based) of a scan, by tesseract ``-l vie`` at 300 dpi, one thread."""
    if not pdf_path.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    texts = []
    for index in pages:
        image = pdf[index].render(scale=300 / 72, grayscale=True).to_pil()
        import io

        buf = io.BytesIO()
        image.save(buf, format="PNG")
        out = subprocess.run(["tesseract", "-", "-", "-l", "vie"], input=buf.getvalue(), capture_output=True,
                             env=env, timeout=120, check=True)
        texts.append(out.stdout.decode("utf-8"))
    return "\n".join(texts)


@pytest.mark.slow
@pytest.mark.realdata
def test_nd154_scan_teaches_that_nd62_expired(nd154_ocr_text: str, tmp_path: Path) -> None:
    assert "Điều 15" in nd154_ocr_text
    entry = relations_from_ingest({"metadata": {}, "text": nd154_ocr_text, "sha256": "scan",
                                   "source": "ND-154-2024-ND-CP_cu-tru_SCAN.pdf"})
    assert (entry.id, entry.issued, entry.effective) == ("154/2024/NĐ-CP", "2024-11-26", "2025-01-10")
    rel = {(r.type, r.target): r for r in entry.relations}
    assert rel[("expires", "62/2021/NĐ-CP")].date == "2025-01-10"
    # Learned alone (no hand-written registry): the status follows from the scan.
    write_learned(entry, tmp_path / "learned")
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "cu-tru.yaml").write_text(
        "entries:\n  - {id: 62/2021/NĐ-CP, type: Nghị định, confidence: V}\n", "utf-8")
    reg = Registry.load(tmp_path)
    assert reg.status("62/2021/NĐ-CP", D("2025-06-01")).code == "expired"
    assert reg.status("62/2021/NĐ-CP", D("2024-12-01")).code == "in_force"


def test_amending_articles_each_name_their_document_and_articles() -> None:
    """"Điều N. Sửa đổi, bổ sung … của <document>" anywhere in a regulation amends that
    document in the articles of its own body (items "1." and "a)"); "Bãi bỏ" items are partial
    repeals; a document the heading only describes ("đã được sửa đổi … theo …") is not
    amended; a quoted article heading in the new wording does not end the article; a heading
    may wrap onto the next line."""
    text = "\n".join([
        "BỘ CÔNG AN", "Số: 70/2026/TT-BCA", "Hà Nội, ngày 01 tháng 6 năm 2026", "THÔNG TƯ",
        "Sửa đổi, bổ sung một số điều của các Thông tư số 55/2021/TT-BCA và Thông tư số 56/2021/TT-BCA",
        "Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA ngày 15 tháng 5 năm 2021",
        "1. Sửa đổi, bổ sung khoản 2 Điều 5 như sau:",
        "“Điều 2. Phạm vi điều chỉnh (được quoted)",
        "2. Sửa đổi, bổ sung một số điểm của khoản 3 Điều 7 như sau:",
        "a) Sửa đổi, bổ sung điểm b khoản 3 Điều 7 như sau:",
        "b) Bãi bỏ điểm d khoản 3 Điều 7;",
        "3. Bổ sung khoản 4 vào Điều 9 như sau:",
        "Điều 2. Sửa đổi, bổ sung một số điều và biểu mẫu quy định tại Thông tư số",  # a heading wrapped (OCR)
        "56/2021/TT-BCA ngày 15 tháng 5 năm 2021 đã được sửa đổi, bổ sung theo Thông tư số 66/2023/TT-BCA",
        "1. Sửa đổi, bổ sung Điều 9 như sau:",
        "Điều 3. Hiệu lực thi hành",
        "Thông tư này có hiệu lực thi hành kể từ ngày 15 tháng 7 năm 2026.",
    ])
    entry = relations_from_ingest({"metadata": {}, "text": text})
    rel = {(r.type, r.target): r for r in entry.relations}
    assert set(rel) == {("amends", "55/2021/TT-BCA"), ("repeals", "55/2021/TT-BCA"), ("amends", "56/2021/TT-BCA")}
    assert rel[("amends", "55/2021/TT-BCA")].articles == [  # not clause 3 of Art. 7 as a whole
        {"dieu": "5", "khoan": "2"}, {"diem": "b", "dieu": "7", "khoan": "3"}, {"dieu": "9", "khoan": "4"}]
    assert rel[("repeals", "55/2021/TT-BCA")].articles == [{"diem": "d", "dieu": "7", "khoan": "3"}]
    assert rel[("amends", "56/2021/TT-BCA")].articles == [{"dieu": "9"}]
    assert all(r.date == "2026-07-15" for r in entry.relations)


@pytest.mark.realdata
def test_nd168_closing_article_teaches_that_nd100_was_amended_and_partly_repealed(tmp_path: Path) -> None:
    """NĐ 168/2024 is not titled as an amendment; its Điều 52 amends NĐ 100/2019 (and repeals
    many of its articles), which "đã được sửa đổi … theo Nghị định số 123/2021/NĐ-CP"."""
    path = REALDATA / "docx" / "ND-168-2024-ND-CP_xu-phat-giao-thong.docx"
    if not path.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    entry = relations_from_ingest(ingest_file(path))
    rel = {(r.type, r.target): r for r in entry.relations}
    assert (entry.id, entry.effective) == ("168/2024/NĐ-CP", "2025-01-01")
    assert set(rel) == {("amends", "100/2019/NĐ-CP"), ("repeals", "100/2019/NĐ-CP")}  # not 123/2021
    amended, repealed = rel[("amends", "100/2019/NĐ-CP")].articles, rel[("repeals", "100/2019/NĐ-CP")].articles
    assert {"diem": "d", "dieu": "28", "khoan": "6"} in amended and {"dieu": "82", "khoan": "4"} in amended
    assert {"diem": "b", "dieu": "74", "khoan": "2"} in amended and {"dieu": "74"} not in amended  # a container
    assert {"dieu": "1", "khoan": "2a"} in amended and {"dieu": "1", "khoan": "2"} not in amended  # "vào sau khoản 2"
    assert {"diem": "c", "dieu": "4a", "khoan": "1"} in amended  # "b) Bỏ cụm từ "điểm a" tại điểm c khoản 1 Điều 4a"
    assert {"dieu": "80", "khoan": "5"} in amended  # "c) Sửa đổi, bổ sung đoạn đầu khoản 5 Điều 80"
    assert {"dieu": "5"} in repealed and {"dieu": "3", "khoan": "1"} in repealed and {"dieu": "5"} not in amended
    assert {"dieu": "12", "khoan": "1"} in repealed and {"diem": "c", "dieu": "12", "khoan": "2"} in repealed  # "khoản 1; điểm c khoản 2; … Điều 12"
    write_learned(entry, tmp_path / "learned")
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "gt.yaml").write_text("entries:\n  - {id: 100/2019/NĐ-CP, type: Nghị định, confidence: V}\n", "utf-8")
    reg = Registry.load(tmp_path)
    assert reg.status("100/2019/NĐ-CP", D("2025-06-01")).code == "partly_repealed"
    assert reg.status("100/2019/NĐ-CP", D("2024-06-01")).code == "in_force"


@pytest.mark.slow
@pytest.mark.realdata
def test_tt66_scan_teaches_each_amended_circular_its_own_clauses() -> None:
    """TT 66/2023/TT-BCA (scan) amends three circulars, one article each: Điều 1 TT 55/2021
    (and repeals its Điều 12), Điều 2 TT 56/2021, Điều 3 TT 57/2021. Pages 1, 6–10 hold the
    title, the three headings, the repeal and the effective date (01/01/2024)."""
    text = _ocr_pages(REALDATA / "pdf" / "TT-66-2023-TT-BCA_sua-TT55-56-57-2021_SCAN.pdf", [0, 5, 6, 7, 8, 9])
    entry = relations_from_ingest({"metadata": {}, "text": text, "source": "TT-66-2023-TT-BCA_SCAN.pdf"})
    rel = {(r.type, r.target): r for r in entry.relations}
    assert {("amends", "55/2021/TT-BCA"), ("repeals", "55/2021/TT-BCA"), ("amends", "56/2021/TT-BCA"),
            ("amends", "57/2021/TT-BCA")} <= set(rel)
    assert rel[("repeals", "55/2021/TT-BCA")].articles == [{"dieu": "12"}]
    assert {"dieu": "3"} in rel[("amends", "55/2021/TT-BCA")].articles
    assert {"dieu": "3", "khoan": "1"} in rel[("amends", "56/2021/TT-BCA")].articles
    assert {"dieu": "5"} in rel[("amends", "57/2021/TT-BCA")].articles
    assert {"dieu": "5"} not in rel[("amends", "55/2021/TT-BCA")].articles  # TT 57's, not TT 55's
    # "13, Thay thế cụm từ “…” bằng cụm từ “…” tại điểm c khoản l Điều 15 / và điểm c khoản 1
    # Điều 16": wrapped onto the next line, "l" for 1
    assert {"diem": "c", "dieu": "15", "khoan": "1"} in rel[("amends", "55/2021/TT-BCA")].articles
    assert {"diem": "c", "dieu": "16", "khoan": "1"} in rel[("amends", "55/2021/TT-BCA")].articles
    assert all(a.get("khoan", "1")[0].isdigit() for r in rel.values() for a in r.articles)
    # TT 57's "Thay thế cụm từ “…” bằng cụm từ / “…” tại khoản / 3 Điều 8, khoản 3 Điều 9, …"
    assert {"dieu": "8", "khoan": "3"} in rel[("amends", "57/2021/TT-BCA")].articles
    assert {"dieu": "18", "khoan": "3"} in rel[("amends", "57/2021/TT-BCA")].articles
    assert entry.effective == "2024-01-01"


def test_a_partial_repeal_keeps_the_amendments_in_force_and_their_clauses(reg: Registry) -> None:
    """NĐ 63/2010 at 2018: partly repealed by NĐ 48/2013 (khoản 5 Điều 29), amended by it (its
    whole Điều 1, read from the text: articles_complete) and by NĐ 92/2017 (clauses not
    recorded); a decree with only an issue date (62/2021) is not yet in force before it."""
    status = reg.status("63/2010/NĐ-CP", D("2018-01-01"))
    assert set(status.touched) == {"48/2013/NĐ-CP", "92/2017/NĐ-CP"}
    assert {"dieu": "29", "khoan": "5"} in status.touched["48/2013/NĐ-CP"]["repealed"]
    assert {"dieu": "9"} in status.touched["48/2013/NĐ-CP"]["amended"]
    assert status.touched["92/2017/NĐ-CP"] == {"amended": []} and not status.touched_complete
    early = reg.status("63/2010/NĐ-CP", D("2014-01-01"))
    assert early.by == ["48/2013/NĐ-CP"] and early.touched_complete  # 48/2013's lists are whole
    assert reg.status("62/2021/NĐ-CP", D("2021-06-28")).code == "not_yet_in_force"  # issued 29/6/2021
    assert reg.status("62/2021/NĐ-CP", D("2021-06-29")).code == "in_force"


def test_a_partial_repeal_with_unknown_clauses(reg: Registry) -> None:
    """TT 24/2023 Điều 38 khoản 2 says TT 58/2020 was partly repealed by TT 65/2022 (30/12/2022)
    without naming the clauses (``partial: true``): partly repealed in between, not ended, and
    no clause is listed; replaced by TT 24/2023 from 15/8/2023."""
    st = reg.status("58/2020/TT-BCA", D("2023-03-01"))
    assert (st.code, st.by, st.date_uncertain) == ("partly_repealed", ["65/2022/TT-BCA"], True)
    assert st.touched == {"65/2022/TT-BCA": {"repealed": []}} and not st.touched_complete
    assert reg.status("58/2020/TT-BCA", D("2022-12-29")).code == "in_force"
    assert reg.status("58/2020/TT-BCA", D("2023-08-15")).code == "replaced"


def test_relation_flags_are_validated_and_kept_when_both_sides_declare(tmp_path: Path) -> None:
    """A partial repeal declared on one side keeps its flag when the other side declares the
    relation too; a quoted "false" is an error, not true; a flag where it means nothing is warned."""
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "t.yaml").write_text(
        "entries:\n"
        "  - {id: 11/2020/TT-BCA, type: Thông tư, effective: '2020-07-01', confidence: V,\n"
        "     relations: [{type: repealed_by, target: 21/2021/TT-BCA, date: '2021-07-01'}]}\n"
        "  - {id: 21/2021/TT-BCA, type: Thông tư, effective: '2021-07-01', confidence: V,\n"
        "     relations: [{type: repeals, target: 11/2020/TT-BCA, date: '2021-07-01', partial: true}]}\n"
        "  - {id: 13/2020/TT-BCA, type: Thông tư, effective: '2020-07-01', confidence: V,\n"
        "     relations: [{type: repealed_by, target: 21/2021/TT-BCA, date: '2021-07-01', partial: 'false'}]}\n"
        "  - {id: 12/2020/TT-BCA, type: Thông tư, effective: '2020-07-01', confidence: V,\n"
        "     relations: [{type: replaced_by, target: 21/2021/TT-BCA, date: '2021-07-01', partial: true}]}\n",
        encoding="utf-8")
    reg = Registry.load(tmp_path)
    assert reg.status("11/2020/TT-BCA", D("2022-01-01")).code == "partly_repealed"
    assert reg.successors("11/2020/TT-BCA") == []  # only partly repealed: nothing replaces it
    codes = {(i.level, i.code, i.entry_id) for i in reg.lint()}
    assert ("error", "bad_entry", "13/2020/TT-BCA") in codes and ("warning", "bad_flag", "12/2020/TT-BCA") in codes


def test_a_document_without_an_effective_date_takes_effect_with_its_own_relations(tmp_path: Path) -> None:
    """A issued 01/01/2020, no effective date, replaces B from 01/3/2020: A is not yet in force
    in February (B still is), in force from 01/3 (the date uncertain); without dated relations
    the issue date is the lower bound."""
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "t.yaml").write_text(
        "entries:\n"
        "  - {id: 10/2019/TT-BCA, type: Thông tư, effective: '2019-07-01', confidence: V}\n"
        "  - {id: 20/2020/TT-BCA, type: Thông tư, issued: '2020-01-01', confidence: S,\n"
        "     relations: [{type: replaces, target: 10/2019/TT-BCA, date: '2020-03-01'}]}\n"
        "  - {id: 30/2020/TT-BCA, type: Thông tư, issued: '2020-05-05', confidence: S}\n", encoding="utf-8")
    reg = Registry.load(tmp_path)
    feb = reg.status("20/2020/TT-BCA", D("2020-02-01"))
    assert (feb.code, feb.since, feb.date_uncertain) == ("not_yet_in_force", D("2020-03-01"), True)
    assert reg.status("10/2019/TT-BCA", D("2020-02-01")).code == "in_force"
    assert (reg.status("20/2020/TT-BCA", D("2020-03-01")).code, reg.status("10/2019/TT-BCA", D("2020-03-01")).code) == \
        ("in_force", "replaced")
    assert reg.status("30/2020/TT-BCA", D("2020-05-04")).code == "not_yet_in_force"
    later = reg.status("30/2020/TT-BCA", D("2020-05-05"))
    assert (later.code, later.since, later.date_uncertain) == ("in_force", D("2020-05-05"), True)
