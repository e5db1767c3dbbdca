"""Extraction accuracy on OCR'd text: the ChiTietTTHC portal export, rasterised and OCR'd.

The born-digital export is labelled (tests/labelled/extract/portal_export_2002229.json); the
same labels score an image-only copy built here the way scripts/make_ocr_eval.py builds it
(300 dpi grayscale, 0.5° rotation, blur 0.6, JPEG q75), so the whole path ingest OCR ->
portal export extractor is measured against the issue's bar of 0.85 per field.

The label has no per-item dossier list (the born-digital extractor does not split this
export's inline "+/++/+++" list either); its dossier field is ``dossier_sets``. Per-item
dossier accuracy under OCR is measured on the Gia Lai decision by
``scripts/eval_extract.py --ocr``.
"""

from __future__ import annotations

import json
import sys
import time

import pytest

from conftest import REPO, realdata
from tthc_pipeline.ingest.backends import IngestOptions
from tthc_pipeline.ingest.runner import ingest_file
from tthc_pipeline.procedures.docrecord import ensure_structure
from tthc_pipeline.procedures.extract import extract_from_record

sys.path.insert(0, str(REPO / "scripts"))
import eval_extract  # noqa: E402
import make_ocr_eval  # noqa: E402

LABEL = "portal_export_2002229.json"
FIELDS = ("name", "code", "time_limits", "legal_basis", "dossier_sets", "levels", "field", "agencies")


@pytest.fixture(scope="module")
def ocr_export(tmp_path_factory):
    """(ingest record, procedures) for the image-only export; built and OCR'd once."""
    src = realdata(make_ocr_eval.OCR_CASES[LABEL])
    out = tmp_path_factory.mktemp("ocr-eval")
    started = time.perf_counter()
    pdf = make_ocr_eval.rasterise_pdf(src, out / "export-scan.pdf")
    rec = ingest_file(pdf, IngestOptions(ocr=True))
    procs, _, kind = extract_from_record(ensure_structure(rec))
    return rec, [p.to_dict() for p in procs], kind, time.perf_counter() - started


@pytest.mark.slow
def test_scan_has_no_text_layer_and_is_ocred(ocr_export):
    rec, _, _, _ = ocr_export
    assert rec["error"] is None
    assert len(rec["pages"]) == 5
    assert all(p["text_source"] == "ocr" for p in rec["pages"])
    assert eval_extract.mean_ocr_confidence(rec) > 85


@pytest.mark.slow
def test_ocr_export_field_accuracy(ocr_export):
    rec, preds, kind, seconds = ocr_export
    lab = json.loads((REPO / "tests" / "labelled" / "extract" / LABEL).read_text(encoding="utf-8"))
    counts = eval_extract.new_counts()
    errors: list[dict] = []
    docs: list = []
    eval_extract.score_document(lab, preds, counts, errors, LABEL, docs)
    assert kind == "portal_export"
    assert docs[0][3], f"procedure count: gold {docs[0][1]}, predicted {docs[0][2]}"
    scores = eval_extract.field_scores(counts)
    low = {f: scores[f] for f in FIELDS if min(scores[f]) < 0.85}
    assert not low, f"fields below 0.85 (precision, recall): {low}; errors: {errors}"
    # the labelled legal basis has 13 documents: all must be scored, none missing silently
    assert sum(counts["legal_basis"][:3:2]) == 13


# --- the OCR-noise fixes, on text as tesseract returned it for this export (fast) -------

OCR_LEGAL_BASIS = """Số ký hiệu Trích yếu Ngày | Cơ quan ban ban hành hành
111/2013/TT- hướng dẫn thực hiện Luật thuế TNCN, Luật sửa đổi, bổ 15-08- Bộ Tài
BTC sung một số điều của Luật thuế TNCN và Nghị định số2013 chính
65/2013/NĐ-CP của Chính phủ
38/2019/QH14 Luật 38/2019/QH14 13-06-
2019
§0/2021/TT- Thông tr 80/2021/TT-BTC 29-09-
BTC 2021
43/2023/TT- 43/2023/TT-BTC 27-06- 'Bộ Tài
BTC 2023 chính
§3/2024/TT- 09-07- Chính phủ
BTC 2024
122/2025/NĐ- Nghị định số 122/2025/NĐ-CP của Chính phủ: Quy I1-06- Chính phủ
CP định về phân quyền, phân cấp trong lĩnh vực quản lý 2025
"""


def test_ocr_export_legal_basis_rows():
    from tthc_pipeline.procedures.components import parse_legal_basis

    numbers = [lb.number for lb in parse_legal_basis(OCR_LEGAL_BASIS)]
    # "65/2013/NĐ-CP" starts a wrapped Trích yếu line (no date cell): not a row.
    # "§0/2021/TT-" is recovered from the name cell; "§3/2024/TT-" has no full number to
    # recover from, and the lost digit is not guessed.
    assert numbers == ["111/2013/TT-BTC", "38/2019/QH14", "80/2021/TT-BTC", "43/2023/TT-BTC", "122/2025/NĐ-CP"]


def test_born_digital_export_rows_without_date_still_read():
    from tthc_pipeline.procedures.components import parse_legal_basis

    text = "Số ký hiệu | Trích yếu | Ngày ban hành | Cơ quan ban hành\n38/2019/QH14 | Luật 38/2019/QH14 |  | \n"
    assert [lb.number for lb in parse_legal_basis(text)] == ["38/2019/QH14"]


def test_export_title_with_ocr_tone_error_is_recognised():
    from tthc_pipeline.procedures.docrecord import record_from_text
    from tthc_pipeline.procedures.portal_export import looks_like_export

    text = "Chỉ tiết thủ tục hành chính\nMã thủ tục: 2.002229\nTên thủ tục: Đăng ký người phụ thuộc\n"
    assert looks_like_export(record_from_text(text))
    assert not looks_like_export(record_from_text("Quyết định\nMã thủ tục: 2.002229\n"))


def test_ocr_step_one_misread_as_bracket():
    from tthc_pipeline.procedures.components import parse_steps

    text = "+ Bước ]: Đăng ký, nộp hồ sơ chứng minh NPT. + Bước 2. Cơ quan thuế tiếp nhận hồ sơ."
    steps = parse_steps(text)
    assert [s.order for s in steps] == [1, 2]
    assert steps[0].text.startswith("Đăng ký, nộp hồ sơ")


def test_ocr_tone_errors_in_unit_words():
    from tthc_pipeline.procedures.components import parse_fees, parse_time_limits

    tl = parse_time_limits("Trong thời hạn 10 ngày lảm việc kể từ ngày nhận đủ hồ sơ")
    assert [(t.value, t.unit) for t in tl] == [(10.0, "ngay_lam_viec")]
    assert tl[0].raw.startswith("10 ngày lảm việc")  # the quote stays as OCR read it
    fees = parse_fees("Lệ phí: 50.000 đông/hồ sơ")
    assert [(f.amount, f.per) for f in fees] == [(50000, "hồ sơ")]
    # "đông" (east) without an amount before it is not money
    assert parse_fees("phía đông thành phố") == []


def test_ocr_code_lookalikes():
    from tthc_pipeline.procedures.portal_export import code_of

    assert code_of("1.00O178") == "1.000178"
    assert code_of("2,002229") == "2.002229"
    assert code_of("2.002229") == "2.002229"
    assert code_of("Không có thông tin") is None


def test_ocr_tone_errors_in_export_labels():
    """'Cơ quan có thắm quyền' must still close the 'Cơ quan thực hiện' field, and 'Số lượng
    hỗ sơ' still give the dossier set count (both read so by tesseract on a clean render)."""
    from tthc_pipeline.procedures.docrecord import record_from_text
    from tthc_pipeline.procedures.portal_export import extract_export

    text = (
        "Chi tiết thủ tục hành chính\nMã thủ tục: 2.002229\nTên thủ tục: Đăng ký người phụ thuộc\n"
        "Thành phần hồ sơ:\nBản đăng ký người phụ thuộc\nSố lượng hỗ sơ:01 (bộ).\n"
        "Cơ quan thực hiện: Thuế tỉnh, thành phố\nCơ quan có thắm quyền: Không có thông tin\n"
    )
    proc = extract_export(record_from_text(text))[0].to_dict()
    implementing = [a["name"] for a in proc["agencies"] if a["role"] == "implementing"]
    assert implementing == ["Thuế tỉnh, thành phố"]
    assert proc["dossier_sets"] == 1
