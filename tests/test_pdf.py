"""PDF backend on real files: LibreOffice exports built here, rasterised scans, and the
real documents in ../shared/realdata/pdf."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import unicodedata
import uuid
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageDraw, ImageFont

from tthc_pipeline.ingest import ocr as ocr_engine
from tthc_pipeline.ingest.models import IngestError
from tthc_pipeline.ingest.pdf import clean_cell, lines_to_paragraphs, read_pdf
from tthc_pipeline.ingest.syllables import is_syllable, rejoin_split_syllables
from tthc_pipeline.text.normalize import clean
from conftest import tesseract_children

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
REAL_PDF = REALDATA / "pdf"

PARAGRAPHS = [
    "Điều 1. Công bố kèm theo Quyết định này thủ tục hành chính mới ban hành trong lĩnh vực "
    "đăng ký, quản lý cư trú thuộc phạm vi chức năng quản lý của Ủy ban nhân dân tỉnh.",
    "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.",
]
AFTER_TABLE = "Chủ tịch Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này."
TABLE = [
    ["STT", "Tên thủ tục hành chính", "Căn cứ pháp lý"],
    ["1", "Đăng ký thường trú", "Thông tư 281/2016/TT-BTC"],
    ["2", "Khai báo tạm vắng", "Nghị định 154/2024/NĐ-CP"],
]


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed (run scripts/setup)")


def _text_of(extracted) -> str:
    return "\n".join(b.text for p in extracted.pages for b in p.blocks if b.kind != "table")


def soffice_to_pdf(src: Path, outdir: Path, filter_spec: str = "pdf") -> Path:
    """Convert with LibreOffice headless, one throw-away profile per call (shared profiles
    silently drop outputs when two conversions run at once)."""
    _need("soffice")
    profile = outdir / f"lo-profile-{uuid.uuid4().hex}"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            filter_spec,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.rmtree(profile, ignore_errors=True)
    out = outdir / (src.stem + ".pdf")
    assert out.exists(), f"LibreOffice produced no PDF for {src}"
    return out


def make_docx(path: Path) -> Path:
    import docx
    from docx.shared import Cm, Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"  # → Liberation Serif 2, which has Vietnamese glyphs
    normal.font.size = Pt(13)
    document.add_paragraph("QUYẾT ĐỊNH")
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    table = document.add_table(rows=len(TABLE), cols=3)
    table.style = "Table Grid"
    table.autofit = False
    widths = [Cm(1.5), Cm(6), Cm(2.3)]  # the last column is narrow: numbers wrap inside it
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.width = widths[c]
            cell.text = value
    document.add_paragraph(AFTER_TABLE)
    document.save(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One LibreOffice export, one rasterised copy and one mixed PDF for the whole module."""
    root = tmp_path_factory.mktemp("pdf")
    text_pdf = soffice_to_pdf(make_docx(root / "quyet-dinh.docx"), root)
    scan_pdf = root / "quyet-dinh-scan.pdf"
    doc = pdfium.PdfDocument(str(text_pdf))
    image = doc[0].render(scale=300 / 72, grayscale=True).to_pil()
    image.save(scan_pdf, "PDF", resolution=300)
    doc.close()
    mixed = pdfium.PdfDocument.new()
    for part in (text_pdf, scan_pdf):
        src = pdfium.PdfDocument(str(part))
        mixed.import_pages(src)
        src.close()
    mixed_pdf = root / "mixed.pdf"
    mixed.save(str(mixed_pdf))
    mixed.close()
    return {"root": root, "text": text_pdf, "scan": scan_pdf, "mixed": mixed_pdf}


@pytest.fixture(scope="module")
def scan_read(built):
    _need("tesseract")
    return read_pdf(built["scan"])


# --------------------------------------------------------------------------- text layer


@pytest.mark.slow
def test_libreoffice_pdf_text_and_table(built):
    extracted = read_pdf(built["text"])
    assert extracted.format == "pdf"
    assert [p.text_source for p in extracted.pages] == ["text"]
    text = _text_of(extracted)
    for paragraph in PARAGRAPHS + [AFTER_TABLE]:
        assert paragraph in text  # wrapped lines are joined back into the paragraph
    tables = [b for p in extracted.pages for b in p.blocks if b.kind == "table"]
    assert len(tables) == 1
    assert tables[0].rows == TABLE  # including the document numbers wrapped in a narrow cell
    # Table text is not repeated as paragraphs, and the table sits between its neighbours.
    assert "Đăng ký thường trú" not in text
    kinds = [b.kind for b in extracted.pages[0].blocks]
    assert kinds.index("table") == len(kinds) - 2


@pytest.mark.slow
def test_narrow_cell_really_wraps_the_number(built):
    """Guards the test above: the raw cell text must be broken, else the repair is untested."""
    doc = pdfium.PdfDocument(str(built["text"]))
    raw = doc[0].get_textpage().get_text_range()
    doc.close()
    assert "281/2016/TT-BTC" not in raw.replace("\x02", "-").replace("\r\n", " ")


def test_clean_cell_repairs_amounts_a_narrow_column_wrapped():
    assert clean_cell("10.00\r\n0 đồng/trường hợp") == "10.000 đồng/trường hợp"
    assert clean_cell("1.000.0\r\n00 đồng") == "1.000.000 đồng"
    # a complete number, or pieces that do not make a group of three, stay apart
    assert clean_cell("2.000\r\n815") == "2.000 815"
    assert clean_cell("10.00\r\n00 đồng") == "10.00 00 đồng"
    assert clean_cell("Điều 5.1\r\n2 người") == "Điều 5.1 2 người"


def test_clean_cell_repairs_document_numbers():
    assert clean_cell("Thông tư\r\n281/2016/T\r\nT-BTC") == "Thông tư 281/2016/TT-BTC"
    assert clean_cell("63/2010/NĐ-\nCP") == "63/2010/NĐ-CP"
    assert clean_cell("111/2013/TT\x02BTC") == "111/2013/TT-BTC"
    # A complete number followed by a new word on the next line stays two words.
    assert clean_cell("15/2020/TT-BTC\nUBND tỉnh") == "15/2020/TT-BTC UBND tỉnh"
    assert clean_cell("Mức thu\r\n(đồng)") == "Mức thu (đồng)"


def test_lines_to_paragraphs_joins_only_mid_sentence():
    lines = [
        "Điều 5. Quyền, nghĩa vụ của công dân Việt Nam và người gốc Việt Nam ",
        "chưa xác định được quốc tịch",
        "1. Công dân có quyền sau đây:",
        "a) Được bảo đảm bí mật,",
        "thông tin cá nhân",
        "b) Được cấp thẻ;",
        "Chương II",
        "QUY ĐỊNH CHUNG",
    ]
    assert lines_to_paragraphs(lines) == [
        "Điều 5. Quyền, nghĩa vụ của công dân Việt Nam và người gốc Việt Nam chưa xác định được quốc tịch",
        "1. Công dân có quyền sau đây:",
        "a) Được bảo đảm bí mật, thông tin cá nhân",
        "b) Được cấp thẻ;",
        "Chương II",
        "QUY ĐỊNH CHUNG",
    ]


# --------------------------------------------------------------------------- OCR and mixed


@pytest.mark.slow
def test_rasterised_pdf_is_ocred(scan_read):
    page = scan_read.pages[0]
    assert page.text_source == "ocr"
    assert page.ocr_confidence is not None and page.ocr_confidence > 70
    text = clean(_text_of(scan_read))
    for phrase in ("thủ tục hành chính", "Ủy ban nhân dân tỉnh", "Điều 2."):
        assert phrase in text
    # the ruled table comes back as a table (ocr_tables.py), not as interleaved paragraphs
    tables = [b.rows for b in page.blocks if b.kind == "table"]
    assert len(tables) == 1
    cells = [clean(cell) for row in tables[0] for cell in row]
    assert "Đăng ký thường trú" in cells and "Đăng ký thường trú" not in text
    assert scan_read.info["ocr_pages"] == [1]


@pytest.mark.slow
def test_mixed_pdf_is_handled_page_by_page(built, scan_read):
    _need("tesseract")
    extracted = read_pdf(built["mixed"])
    assert [p.text_source for p in extracted.pages] == ["text", "ocr"]
    assert extracted.pages[0].ocr_confidence is None
    assert extracted.pages[1].ocr_confidence == scan_read.pages[0].ocr_confidence


@pytest.mark.slow
def test_ocr_off_skips_scanned_pages_with_a_warning(built):
    extracted = read_pdf(built["mixed"], ocr=False)
    assert extracted.pages[1].blocks == []
    assert [(w.code, w.page) for w in extracted.warnings] == [("ocr_skipped", 2)]
    assert PARAGRAPHS[1] in _text_of(extracted)


@pytest.mark.slow
def test_ocr_timeout_is_a_page_warning_then_a_file_error(built):
    _need("tesseract")
    one = read_pdf(built["scan"], ocr_timeout_s=0.05)
    assert [(w.code, w.page) for w in one.warnings] == [("ocr_timeout", 1)]
    assert one.pages[0].blocks == []
    two = pdfium.PdfDocument.new()
    for _ in range(3):
        src = pdfium.PdfDocument(str(built["scan"]))
        two.import_pages(src)
        src.close()
    path = built["root"] / "three-scans.pdf"
    two.save(str(path))
    two.close()
    with pytest.raises(IngestError) as err:
        read_pdf(path, ocr_timeout_s=0.05)
    assert err.value.code == "converter_timeout"
    assert tesseract_children() == []  # the page still running was killed, not left behind


# --------------------------------------------------------------------------- scanned pages keep their text layer

SCAN_LINES = ["Điều 3. Thành phần hồ sơ đăng ký thường trú", "Thời hạn giải quyết: 07 ngày làm việc."]
PAGE_LABEL = "Trang 2"  # a scan's own text layer: far fewer than 20 letters, so OCR is needed
TEXT_PAGE = "Dieu 1. Pham vi dieu chinh cua van ban nay."


def _add_text(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, text: str, x: float, y: float) -> None:
    """A real text-layer object in a standard font (ASCII only: no embedded font needed)."""
    obj = pdfium_c.FPDFPageObj_NewTextObj(pdf, b"Helvetica", 12.0)
    raw = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(raw, pdfium_c.FPDF_WIDESTRING))
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    pdfium_c.FPDFPage_InsertObject(page, obj)


def _scan_image() -> Image.Image:
    """The upper part of an A4 page at 300 dpi with 12 pt text, like a clean scan."""
    font = None
    for name in ("DejaVuSerif.ttf", "DejaVuSans.ttf", "LiberationSerif-Regular.ttf"):
        found = sorted(Path("/usr/share/fonts/truetype").glob(f"*/{name}"))
        if found:
            font = ImageFont.truetype(str(found[0]), 50)
            break
    if font is None:
        pytest.skip("no TrueType font with Vietnamese glyphs (fonts-dejavu-core)")
    image = Image.new("L", (2480, 1200), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(SCAN_LINES):
        draw.text((200, 200 + i * 110), line, font=font, fill=0)
    return image


def build_labelled_scan(path: Path, *, text_page_first: bool) -> Path:
    """A scanned page carrying a short text layer (a page label), optionally after a text page."""
    pdf = pdfium.PdfDocument.new()
    if text_page_first:
        page = pdf.new_page(595, 842)
        _add_text(pdf, page, TEXT_PAGE, 50, 700)
        page.gen_content()
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(_scan_image()))
    image.set_matrix(pdfium.PdfMatrix().scale(595, 288).translate(0, 554))
    page.insert_obj(image)
    _add_text(pdf, page, PAGE_LABEL, 500, 30)
    page.gen_content()
    pdf.save(str(path))
    pdf.close()
    return path


@pytest.fixture
def labelled(tmp_path) -> dict[str, Path]:
    return {
        "scan": build_labelled_scan(tmp_path / "scan.pdf", text_page_first=False),
        "mixed": build_labelled_scan(tmp_path / "mixed.pdf", text_page_first=True),
    }


@pytest.fixture
def fresh_tesseract_check():
    """The tesseract check is cached per process: redo it under this test's environment."""
    ocr_engine._check_tesseract.cache_clear()
    yield
    ocr_engine._check_tesseract.cache_clear()


def _page_texts(page) -> list[str]:
    return [b.text for b in page.blocks]


def test_ocr_off_keeps_text_layer_of_scanned_page(labelled):
    extracted = read_pdf(labelled["mixed"], ocr=False)
    assert _page_texts(extracted.pages[0]) == [TEXT_PAGE]
    assert _page_texts(extracted.pages[1]) == [PAGE_LABEL]
    assert extracted.pages[1].text_source == "text"
    assert [(w.code, w.page) for w in extracted.warnings] == [("ocr_skipped", 2)]
    assert extracted.info["ocr_pages"] == [] and extracted.info["ocr_needed_pages"] == [2]


@pytest.mark.slow
def test_ocr_replaces_text_layer_only_when_it_succeeds(labelled):
    _need("tesseract")
    timed_out = read_pdf(labelled["scan"], ocr_timeout_s=0.05)
    assert [(w.code, w.page) for w in timed_out.warnings] == [("ocr_timeout", 1)]
    assert _page_texts(timed_out.pages[0]) == [PAGE_LABEL]
    assert timed_out.pages[0].text_source == "text" and timed_out.info["ocr_pages"] == []
    read = read_pdf(labelled["scan"])
    assert read.pages[0].text_source == "ocr" and read.info["ocr_pages"] == [1]
    assert SCAN_LINES[1] in clean(_text_of(read))


def test_missing_tesseract_warns_per_page_unless_every_page_is_a_scan(
    labelled, tmp_path, monkeypatch, fresh_tesseract_check
):
    monkeypatch.setenv("PATH", str(tmp_path))  # a real environment without tesseract
    extracted = read_pdf(labelled["mixed"])
    assert _page_texts(extracted.pages[0]) == [TEXT_PAGE]
    assert _page_texts(extracted.pages[1]) == [PAGE_LABEL]
    assert [(w.code, w.page) for w in extracted.warnings] == [("ocr_unavailable", 2)]
    warning = extracted.warnings[0]
    assert "scripts/setup" in warning.message_vi and "scripts/setup" in warning.message_en
    assert "tesseract" in warning.message_en
    with pytest.raises(IngestError) as err:  # nothing but scans: the file cannot be read
        read_pdf(labelled["scan"])
    assert err.value.code == "ocr_unavailable"


@pytest.mark.slow
def test_tesseract_failure_is_a_page_warning(labelled, tmp_path, monkeypatch, fresh_tesseract_check):
    """A real tesseract that exits non-zero: its Vietnamese model file is not a model."""
    _need("tesseract")
    broken = tmp_path / "tessdata"
    broken.mkdir()
    (broken / "vie.traineddata").write_bytes(b"not a traineddata file")
    monkeypatch.setenv("TESSDATA_PREFIX", str(broken))
    for name, label_page in (("mixed", 2), ("scan", 1)):
        extracted = read_pdf(labelled[name])
        assert [(w.code, w.page) for w in extracted.warnings] == [("ocr_failed", label_page)], name
        assert _page_texts(extracted.pages[label_page - 1]) == [PAGE_LABEL]
        assert "exited with" in extracted.warnings[0].message_en
        assert "Tesseract báo lỗi" in extracted.warnings[0].message_vi
    assert tesseract_children() == []



# --------------------------------------------------------------------------- broken files


@pytest.mark.slow
def test_encrypted_pdf(built):
    spec = (
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"x"}}'
    )
    outdir = built["root"] / "encrypted"
    outdir.mkdir()
    locked = soffice_to_pdf(built["root"] / "quyet-dinh.docx", outdir, spec)
    with pytest.raises(IngestError) as err:
        read_pdf(locked)
    assert err.value.code == "encrypted"
    assert "mật khẩu" in err.value.message_vi and "password" in err.value.message_en


@pytest.mark.slow
def test_truncated_pdf(built, tmp_path):
    data = built["text"].read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as err:
        read_pdf(cut)
    assert err.value.code == "corrupt_file"


def test_garbage_after_pdf_header(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"\x00\xff garbage " * 50)
    with pytest.raises(IngestError) as err:
        read_pdf(bad)
    assert err.value.code == "corrupt_file"


def test_zero_page_pdf(tmp_path):
    """A well-formed PDF whose page tree is empty (PDFium refuses to open it at all)."""
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(
        (b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"), 1
    ):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(bytes(body))
    with pytest.raises(IngestError) as err:
        read_pdf(empty)
    assert err.value.code == "zero_pages"


# --------------------------------------------------------------------------- split syllables


def test_rejoin_split_syllables_examples():
    assert rejoin_split_syllables("áp d ụng") == "áp dụng"
    assert rejoin_split_syllables("Đi ều 1. Ph ạm vi đi ều ch ỉnh") == "Điều 1. Phạm vi điều chỉnh"
    assert rejoin_split_syllables("ĐI ỀU 5") == "ĐIỀU 5"
    assert rejoin_split_syllables("cá nh ân, h ạ t ầng") == "cá nhân, hạ tầng"
    assert rejoin_split_syllables("Cô ng an, củ a") == "Công an, của"
    assert rejoin_split_syllables("Đ i ề u") == "Điều"
    # Real syllables, letter labels and non-Vietnamese words are never glued.
    for clean_text in (
        "có ai ở đây", "người ấy", "điểm d khoản 1", "C D E", "60 độ C thì", "dịch vụ y tế",
        "UBND tỉnh", "hoà giải", "ồ ạt", "Microsoft Word",
    ):
        assert rejoin_split_syllables(clean_text) == clean_text


def test_is_syllable():
    for word in ("nghiêng", "Điều", "quyết", "giữa", "khuya", "người", "ĐƯỢC", "hoà"):
        assert is_syllable(word), word
    for word in ("d", "ng", "dụngg", "điềuu", "hoạtt", "tiếnh", "hàt", "cóá"):
        assert not is_syllable(word), word


# --------------------------------------------------------------------------- real data


def _real(name: str) -> Path:
    if not REALDATA.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    return REAL_PDF / name


def _split_before_accents(text: str) -> str:
    """What the Công báo printer driver does: a run break (space) before each accented letter
    inside a word."""

    def split(word: str) -> str:
        for i, ch in enumerate(word):
            if i and ch.isalpha() and not ch.isascii():
                return word[:i] + " " + word[i:]
        return word

    return re.sub(r"\S+", lambda m: split(m.group(0)), text)


@pytest.mark.realdata
def test_congbao_article_headings_have_no_split_syllables():
    extracted = read_pdf(_real("Luat-26-2023-QH15_Can-cuoc_CONGBAO-text.pdf"), ocr=False)
    text = clean(_text_of(extracted))
    headings = re.findall(r"^Điều (\d+)\. (.+)$", text, flags=re.M)
    assert [int(n) for n, _ in headings] == list(range(1, 47))
    for _, title in headings:
        for word in re.findall(r"[^\W\d_]+", re.sub(r"\S*\d\S*", " ", title)):  # no "QH14"
            assert is_syllable(word), (word, title)


@pytest.mark.realdata
def test_split_syllable_repair_restores_congbao_text():
    """Simulate the driver's splits on the real law text: everything must come back."""
    extracted = read_pdf(_real("Luat-26-2023-QH15_Can-cuoc_CONGBAO-text.pdf"), ocr=False)
    original = unicodedata.normalize("NFC", _text_of(extracted))
    split = _split_before_accents(original)
    assert len(split.split()) > len(original.split()) + 10_000  # the simulation really splits
    assert rejoin_split_syllables(split) == original


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [
        "TT-02-2021-TT-BTC_phi-kiem-dinh-PCCC_WORD-export.pdf",
        "TT-35-2024-TT-BGTVT_GPLX_WORD-export-signed.pdf",
        "ChiTietTTHC_2.002229_dang-ky-nguoi-phu-thuoc.pdf",
        "Luat-26-2023-QH15_Can-cuoc_CONGBAO-text.pdf",
        "Du-thao-QCVN-PCCC-2025_text_mixed-NFD.pdf",
    ],
)
def test_split_syllable_repair_leaves_clean_text_alone(name):
    doc = pdfium.PdfDocument(str(_real(name)))
    raw = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    raw = unicodedata.normalize("NFC", raw)
    changed = [a for a, b in zip(raw.split(), rejoin_split_syllables(raw).split()) if a != b]
    assert len(rejoin_split_syllables(raw).split()) == len(raw.split())
    assert changed == []


@pytest.mark.realdata
def test_nfd_pdf_comes_out_nfc_after_clean():
    extracted = read_pdf(_real("Du-thao-QCVN-PCCC-2025_text_mixed-NFD.pdf"), ocr=False)
    raw = _text_of(extracted)
    assert not unicodedata.is_normalized("NFC", raw)  # the backend does not normalise
    assert unicodedata.is_normalized("NFC", clean(raw))
    assert len(extracted.pages) == 82


@pytest.mark.realdata
def test_real_tables_match_known_cells():
    extracted = read_pdf(_real("TT-02-2021-TT-BTC_phi-kiem-dinh-PCCC_WORD-export.pdf"))
    tables = [b for p in extracted.pages for b in p.blocks if b.kind == "table"]
    assert len(tables) == 1
    rows = tables[0].rows
    assert rows[0] == ["Số tt", "Danh mục phương tiện kiểm định", "Đơn vị", "Mức thu (đồng)"]
    assert ["2", "Máy bơm chữa cháy", "Cái", "40.000"] in rows
    chi_tiet = read_pdf(_real("ChiTietTTHC_2.002229_dang-ky-nguoi-phu-thuoc.pdf"))
    cells = [c for p in chi_tiet.pages for b in p.blocks if b.kind == "table" for r in b.rows for c in r]
    assert any("111/2013/TT-BTC" in c for c in cells)


@pytest.mark.realdata
def test_every_real_pdf_reads(tmp_path):
    names = sorted(p.name for p in _real("x").parent.glob("*.pdf") if "FAKE" not in p.name)
    assert len(names) >= 7
    for name in names:
        extracted = read_pdf(REAL_PDF / name, ocr=False)
        assert extracted.pages, name
        scanned = "SCAN" in name
        codes = {w.code for w in extracted.warnings}
        assert ("ocr_skipped" in codes) == scanned, name
        if not scanned:
            assert len(_text_of(extracted)) > 1000, name
