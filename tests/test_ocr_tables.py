"""Ruled tables on scanned pages: grid detection on drawn images, and a scanned Word table
read back through ingest as a table (LibreOffice + tesseract, slow)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tthc_pipeline.ingest.ocr import OcrWord
from tthc_pipeline.ingest.ocr_tables import erase_lines, find_tables, layout

DPI = 300


def _grid_image(xs, ys, *, missing=(), width=2480, height=3508, line=3):
    """White page with a ruled grid; ``missing`` holds segments left undrawn:
    ("v", column line index, row index) or ("h", row line index, column index)."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, y in enumerate(ys):
        for c in range(len(xs) - 1):
            if ("h", i, c) not in missing:
                draw.line([(xs[c], y), (xs[c + 1], y)], fill=0, width=line)
    for j, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if ("v", j, r) not in missing:
                draw.line([(x, ys[r]), (x, ys[r + 1])], fill=0, width=line)
    return image


def _font(size: int):
    for name in ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf", "DejaVuSans.ttf"):
        for folder in Path("/usr/share/fonts/truetype").glob("*"):
            if (folder / name).is_file():
                return ImageFont.truetype(str(folder / name), size)
    pytest.skip("no TrueType font with Vietnamese glyphs installed")


SAMPLE_LINES = [
    "QUYẾT ĐỊNH VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH",
    "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính mới ban hành;",
    "được sửa đổi, bổ sung lĩnh vực lưu thông hàng hóa trong nước |||| l I ll",
    "Nghị định số 95/2021/NĐ-CP ngày 01 tháng 11 năm 2021 của Chính phủ ------------",
]


def _text_lines(image, top, count=6, left=300):
    """Real text lines (13 pt at 300 dpi, plus a 20 pt heading), bars and dashes included."""
    draw = ImageDraw.Draw(image)
    body, heading = _font(54), _font(84)
    for k in range(count):
        line = SAMPLE_LINES[k % len(SAMPLE_LINES)]
        draw.text((left, top + k * 75), line, fill=0, font=heading if k % len(SAMPLE_LINES) == 0 else body)
    return image


XS = [300, 550, 1300, 2100]
YS = [600, 700, 900, 1100, 1300]


def test_finds_grid_rows_and_columns():
    tables = find_tables(_grid_image(XS, YS), DPI)
    assert len(tables) == 1
    grid = tables[0]
    assert len(grid.rows_h) == len(YS) and len(grid.cols_v) == len(XS)
    assert [round(h.at(1000)) for h in grid.rows_h] == pytest.approx(YS, abs=3)
    assert [round(v.at(800)) for v in grid.cols_v] == pytest.approx(XS, abs=3)
    assert grid.cell_at(400, 800) == (1, 0)
    assert grid.cell_at(1500, 1200) == (3, 2)
    assert grid.cell_at(200, 800) is None  # left of the table


def test_missing_segment_merges_cells():
    # the header row has no rule between columns 0 and 1: "Thông tin thủ tục" spans both
    tables = find_tables(_grid_image(XS, YS, missing={("v", 1, 0)}), DPI)
    (grid,) = tables
    assert grid.owner[0][1] == (0, 0)
    assert grid.owner[0][2] == (0, 2)
    assert grid.owner[1][1] == (1, 1)  # below the header the column rule is there


def test_skewed_scan_is_still_a_grid():
    image = _grid_image(XS, YS).rotate(0.8, resample=Image.BICUBIC, fillcolor=255)
    (grid,) = find_tables(image, DPI)
    assert len(grid.rows_h) == len(YS) and len(grid.cols_v) == len(XS)
    # every cell centre of the drawn grid, rotated like the page, lands in its own cell
    import math

    cx, cy, a = image.width / 2, image.height / 2, math.radians(0.8)
    for r in range(len(YS) - 1):
        for c in range(len(XS) - 1):
            x, y = (XS[c] + XS[c + 1]) / 2 - cx, (YS[r] + YS[r + 1]) / 2 - cy
            rx = cx + x * math.cos(a) + y * math.sin(a)
            ry = cy - x * math.sin(a) + y * math.cos(a)
            assert grid.cell_at(rx, ry) == (r, c)


def test_text_and_a_lone_rule_are_no_table():
    image = _text_lines(Image.new("L", (2480, 3508), 255), 400, count=24)
    ImageDraw.Draw(image).line([(300, 2200), (2100, 2200)], fill=0, width=3)  # signature rule
    assert find_tables(image, DPI) == []


def test_two_boxes_one_under_the_other_stay_two_tables():
    image = _grid_image(XS, YS)
    box = _grid_image([300, 2100], [1400, 1470])  # a one-line framed note just below
    image.paste(box.crop((0, 1380, 2480, 1500)), (0, 1380))
    tables = find_tables(image, DPI)
    assert [len(t.rows_h) - 1 for t in tables] == [4, 1]


def test_erase_lines_whitens_rules_only():
    image = _text_lines(_grid_image(XS, YS), 1500, count=2)
    (grid,) = find_tables(image, DPI)
    erased = erase_lines(image, [grid], DPI)
    assert erased.getpixel((800, 600)) == 255 and erased.getpixel((300, 800)) == 255
    def dark_in_text(img):
        return int((np.asarray(img.crop((300, 1490, 2300, 1700))) < 128).sum())

    assert dark_in_text(image) > 1000 and dark_in_text(erased) == dark_in_text(image)  # text untouched


def _word(text, left, top, key):
    return OcrWord(text, left, top, 60, 40, 95.0, key)


def test_layout_puts_words_in_cells_and_table_between_paragraphs():
    (grid,) = find_tables(_grid_image(XS, YS, missing={("v", 1, 0)}), DPI)
    words = [
        _word("Điều", 300, 400, ("1", "1", "1")),
        _word("1.", 380, 400, ("1", "1", "1")),
        # tesseract ran one line across two cells: the boxes still split it
        _word("1.010696", 600, 730, ("2", "1", "1")),
        _word("Cấp", 1350, 730, ("2", "1", "1")),
        _word("|", 1295, 730, ("2", "1", "1")),  # a rule read as a bar
        _word("giấy", 1420, 730, ("2", "1", "1")),
        _word("phép", 1350, 800, ("2", "1", "2")),
        _word("Thông", 320, 620, ("3", "1", "1")),
        _word("tin", 800, 620, ("3", "1", "1")),
        # remnants of crossing rules: low-confidence punctuation in a cell and at the border
        OcrWord("-", 1305, 872, 20, 8, 30.0, ("2", "1", "3")),
        OcrWord("_", 2104, 1302, 20, 8, 80.0, ("5", "1", "1")),
        _word("Điều", 300, 1400, ("4", "1", "1")),
        _word("2.", 380, 1400, ("4", "1", "1")),
    ]
    items = layout(words, [grid])
    assert [kind for kind, _ in items] == ["lines", "table", "lines"]
    assert items[0][1] == ["Điều 1."] and items[2][1] == ["Điều 2."]
    # a table below the last paragraph comes last, and no paragraph is emitted twice
    last = layout(words[:2], [grid])
    assert [kind for kind, _ in last] == ["lines", "table"] and last[0][1] == ["Điều 1."]
    rows = items[1][1]
    assert rows[0] == ["Thông tin", ""]  # merged header cell once, then the third column
    assert rows[1] == ["", "1.010696", "Cấp giấy\nphép"]


# --------------------------------------------------------------------------- scanned Word table

BEFORE = "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính mới ban hành."
AFTER = "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký."
HEADER = "Thông tin thủ tục hành chính"
TABLE = [
    ["Mã TTHC", "Tên thủ tục hành chính", "Cơ quan thực hiện"],
    ["1.010696", "Cấp giấy tiếp nhận thông báo kinh doanh xăng dầu", "Sở Công Thương"],
    ["2.000674", "Cấp Giấy xác nhận đủ điều kiện làm tổng đại lý", "Ủy ban nhân dân tỉnh"],
]


def _scanned_docx_pdf(root: Path) -> Path:
    import docx
    import pypdfium2 as pdfium
    from docx.shared import Pt

    if shutil.which("soffice") is None:
        pytest.skip("soffice not installed (run scripts/setup)")
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(13)
    document.add_paragraph(BEFORE)
    table = document.add_table(rows=len(TABLE) + 1, cols=3)
    table.style = "Table Grid"
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = HEADER
    table.cell(0, 2).text = "Ghi chú"
    for r, row in enumerate(TABLE, start=1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph(AFTER)
    src = root / "cong-bo.docx"
    document.save(src)
    profile = root / f"lo-profile-{uuid.uuid4().hex}"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(root), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    shutil.rmtree(profile, ignore_errors=True)
    doc = pdfium.PdfDocument(str(root / "cong-bo.pdf"))
    image = doc[0].render(scale=DPI / 72, grayscale=True).to_pil()
    doc.close()
    scan = root / "cong-bo-scan.pdf"
    image.save(scan, "PDF", resolution=float(DPI))
    return scan


@pytest.mark.slow
def test_scanned_word_table_comes_back_as_table(tmp_path):
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    from tthc_pipeline.ingest.ocr import ensure_tesseract
    from tthc_pipeline.ingest.runner import ingest_file

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed (run scripts/setup)")
    ensure_tesseract()
    record = ingest_file(_scanned_docx_pdf(tmp_path))
    assert record["error"] is None
    assert record["pages"][0]["text_source"] == "ocr"
    assert record["pages"][0]["ocr_confidence"] > 80
    (table,) = record["tables"]
    expected = [[HEADER, "Ghi chú"], *TABLE]
    assert [len(row) for row in table["rows"]] == [len(row) for row in expected]
    for got_row, want_row in zip(table["rows"], expected):
        for got, want in zip(got_row, want_row):
            # OCR slips allowed: ratio >= 90, or one edit in a short cell ("1.01069G")
            assert fuzz.ratio(got, want) >= 90 or Levenshtein.distance(got, want) <= 1, (got, want)
    text = record["text"]
    before, after = text.find("Điều 1"), text.find("Điều 2")
    assert 0 <= before < table["start"] < table["end"] <= after
    assert fuzz.partial_ratio(BEFORE, text[before : table["start"]]) >= 90
    # the cells are not repeated as paragraph text
    assert text.count("Sở Công Thương") == 1


def test_short_rules_only_give_finite_lines_and_no_numpy_warning():
    """A page whose horizontal rules are all short (a dash, a signature stub) has no slope to
    lend the short vertical rules: they measure their own instead of a NaN (which reached
    stderr as numpy warnings in `tthc check` on real scans and left the rules unusable)."""
    import math
    import warnings

    from tthc_pipeline.ingest.ocr_tables import _ink, find_lines

    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    draw.line([(400, 500), (480, 500)], fill=0, width=3)  # 80 px: a rule, but not a long one
    draw.line([(1000, 800), (1000, 920)], fill=0, width=3)  # 120 px: a short vertical chain
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        horizontal, vertical = find_lines(_ink(image), DPI)
    assert horizontal and vertical
    assert all(math.isfinite(v) for line in horizontal + vertical for v in (line.a, line.b))
    assert any(abs(line.a - 1000) < 4 for line in vertical)
