"""Tesseract OCR: real tesseract runs on rendered images, the missing-tool errors, and the
real 22-page scan of Nghị định 154/2024/NĐ-CP (OCR'd once per session)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from tthc_pipeline.ingest import ocr
from tthc_pipeline.ingest.backends import IngestOptions
from tthc_pipeline.ingest.models import IngestError
from tthc_pipeline.ingest.pdf import read_pdf
from tthc_pipeline.text.normalize import clean
from conftest import tesseract_children

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
LINES = [
    "Điều 3. Thành phần hồ sơ đăng ký thường trú",
    "Tờ khai thay đổi thông tin cư trú theo mẫu.",
    "Thời hạn giải quyết: 07 ngày làm việc.",
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    for name in ("DejaVuSerif.ttf", "DejaVuSans.ttf", "LiberationSerif-Regular.ttf"):
        for folder in Path("/usr/share/fonts/truetype").glob("*"):
            if (folder / name).exists():
                return ImageFont.truetype(str(folder / name), size)
    pytest.skip("no TrueType font with Vietnamese glyphs (fonts-dejavu-core)")


def _page_image(lines: list[str] = LINES) -> Image.Image:
    """An A4-ish 300 dpi grayscale page with 12 pt text, like a clean scan."""
    image = Image.new("L", (2480, 1200), 255)
    draw = ImageDraw.Draw(image)
    font = _font(50)
    for i, line in enumerate(lines):
        draw.text((200, 200 + i * 110), line, font=font, fill=0)
    return image


@pytest.fixture
def tesseract():
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed (run scripts/setup)")
    ocr._check_tesseract.cache_clear()
    yield
    ocr._check_tesseract.cache_clear()


@pytest.mark.slow
def test_ocr_image_reads_vietnamese_with_confidence(tesseract):
    result = ocr.ocr_image(_page_image(), dpi=300, timeout_s=60)
    assert [line for line in result.lines if line] == LINES  # "" marks a paragraph break
    assert result.word_count == sum(len(line.split()) for line in LINES)
    assert 80 < result.confidence <= 100


def test_parse_tsv_groups_lines_and_paragraphs():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tĐiều",
        "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\t1.",
        "4\t1\t1\t1\t2\t0\t0\t0\t1\t1\t-1\t",
        "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tPhạm",
        "5\t1\t1\t1\t2\t2\t0\t0\t1\t1\t-1\t ",
        "5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t60\tChương",
    ]
    result = ocr.parse_tsv("\n".join([header] + rows))
    assert result.lines == ["Điều 1.", "Phạm", "", "Chương"]
    assert result.confidence == 75.0
    assert result.word_count == 4
    assert ocr.parse_tsv(header).confidence is None


@pytest.mark.slow
def test_timeout_kills_tesseract(tesseract):
    with pytest.raises(ocr.OcrTimeout):
        ocr.ocr_image(_page_image(), dpi=300, timeout_s=0.01)
    assert tesseract_children() == []


@pytest.mark.slow
def test_page_image_file_is_removed_after_every_outcome(tesseract, tmp_path, monkeypatch):
    """tesseract reads the page from a temporary BMP file (stdin costs ~0.2 CPU s per page);
    the file is gone after a run that succeeds, times out or is cancelled. A colour image
    is converted to grey first and reads the same."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = ocr.ocr_image(_page_image().convert("RGB"), dpi=300, timeout_s=60)
    assert [line for line in result.lines if line] == LINES
    with pytest.raises(ocr.OcrTimeout):
        ocr.ocr_image(_page_image(), dpi=300, timeout_s=0.01)
    jobs = ocr.TesseractJobs()
    jobs.kill_all()
    with pytest.raises(ocr.OcrFailed, match="cancelled"):
        ocr.ocr_image(_page_image(), dpi=300, timeout_s=30, jobs=jobs)
    assert list(tmp_path.iterdir()) == []
    assert tesseract_children() == []


def test_no_temporary_folder_is_ocr_failed(tmp_path, monkeypatch):
    """Without a writable temporary folder the page cannot be handed to tesseract: that is
    one page's OcrFailed (a page warning for the caller), not a crash."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    with pytest.raises(ocr.OcrFailed, match="temporary file"):
        ocr.ocr_image(_page_image(), dpi=300, timeout_s=30)


def test_tesseract_error_exit_is_ocr_failed(tesseract, tmp_path, monkeypatch):
    """A real tesseract exiting non-zero (its model file is not a model) gives OcrFailed."""
    (tmp_path / "vie.traineddata").write_bytes(b"not a traineddata file")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(ocr.OcrFailed, match="exited with 1"):
        ocr.ocr_image(_page_image(), dpi=300, timeout_s=30)


def test_killed_jobs_refuse_new_runs(tesseract):
    jobs = ocr.TesseractJobs()
    jobs.kill_all()
    with pytest.raises(ocr.OcrFailed, match="cancelled"):
        ocr.ocr_image(_page_image(), dpi=300, timeout_s=30, jobs=jobs)
    assert tesseract_children() == []


def _image_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "scan.pdf"
    _page_image().save(path, "PDF", resolution=300)
    return path


def test_missing_tesseract_is_ocr_unavailable(tesseract, tmp_path, monkeypatch):
    scan = _image_pdf(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))  # a real environment without tesseract
    ocr._check_tesseract.cache_clear()
    with pytest.raises(IngestError) as err:
        read_pdf(scan)
    assert err.value.code == "ocr_unavailable"
    assert "scripts/setup" in err.value.message_en and "scripts/setup" in err.value.message_vi
    assert "--no-ocr" in err.value.message_vi and "--no-ocr" in err.value.message_en
    # With OCR off, the same file still reads (the scanned page is reported, not fatal).
    skipped = read_pdf(scan, ocr=False)
    assert [w.code for w in skipped.warnings] == ["ocr_skipped"]


def test_missing_vietnamese_model_is_ocr_unavailable(tesseract, tmp_path, monkeypatch):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # tessdata folder with no models
    ocr._check_tesseract.cache_clear()
    with pytest.raises(IngestError) as err:
        ocr.ensure_tesseract()
    assert err.value.code == "ocr_unavailable"
    assert "vie" in err.value.message_en


# --------------------------------------------------------------------------- real scan


@pytest.fixture(scope="module")
def nd154():
    path = REALDATA / "pdf" / "ND-154-2024-ND-CP_cu-tru_SCAN.pdf"
    if not REALDATA.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed (run scripts/setup)")
    return read_pdf(path)  # 22 pages, ~35 s on 2 cores: once per session


@pytest.mark.slow
@pytest.mark.realdata
def test_nd154_scan_ocr_finds_number_and_final_article(nd154):
    assert len(nd154.pages) == 22
    assert all(p.text_source == "ocr" for p in nd154.pages)
    text = clean("\n".join(b.text for p in nd154.pages for b in p.blocks))
    assert "154/2024/NĐ-CP" in text
    assert "Điều 15. Hiệu lực thi hành" in text
    assert "Điều 1. Phạm vi điều chỉnh" in text


@pytest.mark.slow
@pytest.mark.realdata
def test_file_deadline_stops_ocr_and_kills_tesseract():
    """The runner's per-file deadline fires while pages are in tesseract: the record is a
    timeout error at once (not after the running pages finish) and no tesseract survives."""
    from tthc_pipeline.ingest.runner import ingest_file

    scan = REALDATA / "pdf" / "ND-154-2024-ND-CP_cu-tru_SCAN.pdf"
    if not scan.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed (run scripts/setup)")
    started = time.monotonic()
    record = ingest_file(scan, IngestOptions(timeout_s=1.5))
    elapsed = time.monotonic() - started
    assert record["error"] is not None and record["error"]["code"] == "timeout"
    assert elapsed < 5.0, elapsed  # one page takes ~2.3 s of tesseract: it was not awaited
    assert tesseract_children() == []


@pytest.mark.slow
@pytest.mark.realdata
def test_nd154_confidence_is_recorded_per_page(nd154):
    confidences = [p.ocr_confidence for p in nd154.pages]
    assert all(c is not None and 0 <= c <= 100 for c in confidences)
    body = confidences[:17]  # the decree body; the last pages carry the signature and stamps
    assert sum(body) / len(body) > 85
    low = {w.page for w in nd154.warnings if w.code == "ocr_low_confidence"}
    assert low == {i + 1 for i, c in enumerate(confidences) if c < 60}


@pytest.mark.slow
@pytest.mark.realdata
def test_nd154_appendix_page_keeps_its_ruled_table(nd154):
    """Page 18 lists the forms in a ruled 2-column table (Mẫu số | Tên mẫu): the grid is
    found on the scan and each form comes out as one table row, not as prose."""
    tables = [b for b in nd154.pages[17].blocks if b.kind == "table"]
    assert tables, [b.text for b in nd154.pages[17].blocks]
    rows = [row for table in tables for row in table.rows]
    form_02 = [row for row in rows if "Mẫu số 02" in row[0]]
    assert len(form_02) == 1 and len(form_02[0]) == 2
    assert "đăng ký thường trú" in form_02[0][1]


def test_stale_page_images_of_a_killed_run_are_removed(tmp_path, monkeypatch):
    import os
    import tempfile
    import time

    from tthc_pipeline.ingest.ocr import remove_stale_images

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / "tthc-ocr-abc123.bmp"
    fresh = tmp_path / "tthc-ocr-def456.bmp"  # a page another batch is OCR-ing right now
    other = tmp_path / "someone-else.bmp"
    for f in (stale, fresh, other):
        f.write_bytes(b"BM")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    assert remove_stale_images() == 1
    assert not stale.exists() and fresh.exists() and other.exists()
