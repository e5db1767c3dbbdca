"""DOCX backend: body order, Word auto-numbering, merged cells, text boxes, legacy fonts, errors.

Every fixture is a real .docx written with python-docx (plus raw numbering XML where python-docx
has no API), then read back with ``read_docx``.
"""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from tthc_pipeline.ingest.docx_reader import format_number, read_docx
from tthc_pipeline.ingest.models import IngestError
from tthc_pipeline.text import legacy
from tthc_pipeline.text.normalize import clean

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"

# --------------------------------------------------------------------------------------------
# fixture builders (also used by test_libreoffice.py)
# --------------------------------------------------------------------------------------------
LEGAL_ABSTRACT_XML = (
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
    '<w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="Điều %1."/><w:lvlJc w:val="left"/>'
    '<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%2."/><w:lvlJc w:val="left"/>'
    '<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    '<w:lvlText w:val="%3)"/><w:lvlJc w:val="left"/>'
    '<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl>'
    "</w:abstractNum>"
)
LEGAL_NUMS_XML = [
    f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>',
    # a second instance of the same list restarting at Điều 5 (lvlOverride/startOverride)
    f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>',
]


def add_legal_numbering(document) -> None:
    """Add abstractNum 90 ("Điều %1." / "%2." / "%3)" lowerLetter) and nums 90, 91."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    first_num.addprevious(parse_xml(LEGAL_ABSTRACT_XML))  # abstractNums must precede nums
    for xml in LEGAL_NUMS_XML:
        numbering.append(parse_xml(xml))


def set_num(paragraph, num_id: int, ilvl: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def add_font_run(paragraph, text: str, font: str | None):
    run = paragraph.add_run(text)
    if font:
        run.font.name = font  # sets w:rFonts ascii + hAnsi
    return run


def build_legal_docx(path: Path) -> Path:
    """A decree-like document: headings, numbered Điều/khoản/điểm, List Number, a table."""
    d = docx.Document()
    add_legal_numbering(d)
    d.add_heading("NGHỊ ĐỊNH", level=1)
    d.add_paragraph("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;")
    for text, num_id, ilvl in [
        ("Phạm vi điều chỉnh", 90, 0),
        ("Nghị định này quy định về thủ tục hành chính.", 90, 1),
        ("Đối tượng áp dụng gồm:", 90, 1),
        ("Cơ quan nhà nước;", 90, 2),
        ("Tổ chức, cá nhân có liên quan.", 90, 2),
        ("Giải thích từ ngữ", 90, 0),
        ("Hồ sơ là tập hợp giấy tờ.", 90, 1),
        ("Bản sao có chứng thực.", 90, 2),
    ]:
        set_num(d.add_paragraph(text), num_id, ilvl)
    for text in ("Sổ hộ khẩu", "Sổ tạm trú", "Căn cước công dân"):
        d.add_paragraph(text, style="List Number")
    set_num(d.add_paragraph("Hiệu lực thi hành"), 91, 0)
    set_num(d.add_paragraph("Nghị định này có hiệu lực từ ngày ký."), 91, 1)

    table = d.add_table(rows=4, cols=3)
    table.cell(0, 0).text = "STT"
    table.cell(0, 1).text = "Tên thủ tục hành chính"
    table.cell(0, 2).text = "Thời hạn giải quyết"
    merged = table.cell(1, 0).merge(table.cell(1, 2))
    merged.text = "Lĩnh vực hộ tịch (gộp 3 cột)"
    table.cell(2, 0).text = "1"
    table.cell(2, 1).text = "Đăng ký khai sinh"
    tall = table.cell(2, 2).merge(table.cell(3, 2))
    tall.text = "03 ngày làm việc"
    table.cell(3, 0).text = "2"
    table.cell(3, 1).text = "Đăng ký kết hôn"
    d.add_paragraph("Nơi nhận: như trên.")
    d.sections[0].header.paragraphs[0].text = "TIÊU ĐỀ TRANG LẶP LẠI"
    d.save(path)
    return path


def block_texts(extracted) -> list[str]:
    return [b.text for b in extracted.pages[0].blocks if b.kind != "table"]


def tables(extracted) -> list[list[list[str]]]:
    return [b.rows for b in extracted.pages[0].blocks if b.kind == "table"]


# --------------------------------------------------------------------------------------------
# numbering, order, tables
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def legal_docx(tmp_path_factory) -> Path:
    return build_legal_docx(tmp_path_factory.mktemp("docx") / "nghi-dinh.docx")


EXPECTED_LEGAL_PARAGRAPHS = [
    "NGHỊ ĐỊNH",
    "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
    "Điều 1. Phạm vi điều chỉnh",
    "1. Nghị định này quy định về thủ tục hành chính.",
    "2. Đối tượng áp dụng gồm:",
    "a) Cơ quan nhà nước;",
    "b) Tổ chức, cá nhân có liên quan.",
    "Điều 2. Giải thích từ ngữ",
    "1. Hồ sơ là tập hợp giấy tờ.",
    "a) Bản sao có chứng thực.",
    "1. Sổ hộ khẩu",
    "2. Sổ tạm trú",
    "3. Căn cước công dân",
    "Điều 5. Hiệu lực thi hành",
    "1. Nghị định này có hiệu lực từ ngày ký.",
    "Nơi nhận: như trên.",
]


def test_numbering_prefixes_rebuilt_in_body_order(legal_docx):
    ex = read_docx(legal_docx)
    assert ex.format == "docx"
    assert block_texts(ex) == EXPECTED_LEGAL_PARAGRAPHS
    assert ex.info["numbered_paragraphs"] == 13
    kinds = [b.kind for b in ex.pages[0].blocks]
    assert kinds[0] == "heading" and ex.pages[0].blocks[0].style == "Heading 1"
    # the table sits between "Điều 5 ... khoản 1" and "Nơi nhận"
    assert kinds[-2:] == ["table", "paragraph"]
    assert ex.pages[0].blocks[3].style == "Normal"


def test_merged_cells_read_once(legal_docx):
    (rows,) = tables(read_docx(legal_docx))
    assert rows[0] == ["STT", "Tên thủ tục hành chính", "Thời hạn giải quyết"]
    assert rows[1] == ["Lĩnh vực hộ tịch (gộp 3 cột)", "", ""]  # gridSpan: its text once, one entry per column
    assert rows[2] == ["1", "Đăng ký khai sinh", "03 ngày làm việc"]
    assert rows[3] == ["2", "Đăng ký kết hôn", ""]  # vMerge continuation: empty, not repeated
    flat = [c for r in rows for c in r]
    assert flat.count("03 ngày làm việc") == 1


def test_headers_are_skipped(legal_docx):
    ex = read_docx(legal_docx)
    assert not any("TIÊU ĐỀ TRANG" in t for t in block_texts(ex))


def test_numbering_inherited_from_style_basedon_chain(tmp_path):
    d = docx.Document()
    add_legal_numbering(d)
    dieu = d.styles.add_style("Dieu", WD_STYLE_TYPE.PARAGRAPH)
    dieu.base_style = d.styles["Normal"]
    num_pr = dieu.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = 90
    num_pr.get_or_add_ilvl().val = 0
    dieu_bold = d.styles.add_style("Dieu dam", WD_STYLE_TYPE.PARAGRAPH)
    dieu_bold.base_style = dieu  # numbering comes through basedOn
    diem = d.styles.add_style("Diem", WD_STYLE_TYPE.PARAGRAPH)
    num_pr = diem.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = 90
    num_pr.get_or_add_ilvl().val = 2
    d.add_paragraph("Quy định chung", style="Dieu")
    d.add_paragraph("Điều kiện", style="Dieu dam")
    d.add_paragraph("có đơn", style="Diem")
    d.add_paragraph("có giấy tờ", style="Diem")
    p = d.add_paragraph("khoản có ilvl riêng", style="Dieu")
    set_num(p, 90, 1)  # direct numPr wins over the style's
    p = d.add_paragraph("không đánh số", style="Dieu")
    set_num(p, 0, 0)  # numId 0 removes numbering
    d.save(tmp_path / "styles.docx")
    assert block_texts(read_docx(tmp_path / "styles.docx")) == [
        "Điều 1. Quy định chung",
        "Điều 2. Điều kiện",
        "a) có đơn",
        "b) có giấy tờ",
        "1. khoản có ilvl riêng",
        "không đánh số",
    ]


def test_number_formats():
    assert [format_number(n, "lowerLetter") for n in (1, 4, 26, 27, 28)] == ["a", "d", "z", "aa", "bb"]
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14, 40, 1999)] == [
        "I", "IV", "IX", "XIV", "XL", "MCMXCIX"
    ]
    assert format_number(3, "lowerRoman") == "iii"
    assert format_number(2, "upperLetter") == "B"
    assert format_number(7, "decimalZero") == "07"
    assert format_number(7, "someFutureFormat") == "7"


BOX_NS = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def test_nested_table_flattened_and_text_box_read_once(tmp_path):
    d = docx.Document()
    d.add_paragraph("Trước bảng")
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Thành phần hồ sơ"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "Tờ khai"
    inner.cell(0, 1).text = "01 bản chính"
    inner.cell(1, 0).text = "Giấy khai sinh"
    inner.cell(1, 1).text = "01 bản sao"
    # a text box in both mc:Choice (wps) and mc:Fallback (VML): must be read once
    box = (
        f'<w:r {nsdecls("w", "wp", "a")} {BOX_NS}>'
        "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor>"
        "<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>"
        "<w:p><w:r><w:t>Mẫu số 01 trong khung</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
        "<w:p><w:r><w:t>Mẫu số 01 trong khung</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    p = d.add_paragraph("Có khung: ")
    p._p.append(parse_xml(box))
    d.save(tmp_path / "nested.docx")
    ex = read_docx(tmp_path / "nested.docx")
    assert block_texts(ex) == ["Trước bảng", "Có khung: ", "Mẫu số 01 trong khung"]
    (rows,) = tables(ex)
    assert rows == [["Thành phần hồ sơ", "Tờ khai | 01 bản chính\nGiấy khai sinh | 01 bản sao"]]
    assert ex.info["text_boxes"] == 1


# --------------------------------------------------------------------------------------------
# legacy fonts
# --------------------------------------------------------------------------------------------
def build_legacy_docx(path: Path) -> Path:
    d = docx.Document()
    # TCVN3, literal strings as real extractors return them
    add_font_run(d.add_paragraph(), "Céng hoµ x· héi chñ nghÜa ViÖt Nam", ".VnTime")
    add_font_run(d.add_paragraph(), "§éc lËp - Tù do - H¹nh phóc", ".VnTime")
    # .VnTimeH: lowercase codes drawn as capitals
    add_font_run(d.add_paragraph(), "quyÕt ®Þnh", ".VnTimeH")
    # VNI literal and encoded with our inverse table
    add_font_run(d.add_paragraph(), "Nghò ñònh soá 63/2010/NÑ-CP", "VNI-Times")
    add_font_run(d.add_paragraph(), legacy.encode("Thủ tục đăng ký thường trú", "vni"), "VNI-Helve")
    add_font_run(
        d.add_paragraph(), legacy.encode("thành phần hồ sơ gồm sổ hộ khẩu", "tcvn3"), ".VnArial"
    )
    # mixed paragraph: Unicode run without font, TCVN3 run, Unicode run with explicit font
    p = d.add_paragraph()
    add_font_run(p, "Hòa giải ", None)
    add_font_run(p, "sæ hé khÈu", ".VnTime")
    add_font_run(p, " và hoà bình", "Times New Roman")
    # Unicode paragraphs with and without explicit fonts: never touched
    d.add_paragraph("Ủy ban nhân dân tỉnh Hòa Bình; cá nhân, tổ chức.")
    add_font_run(d.add_paragraph(), "Lê Văn Tám, cà phê, má", "Times New Roman")
    add_font_run(d.add_paragraph(), "Le café est très bon à Noël, où êtes-vous?", None)
    # stale font: Unicode text still carrying .VnTime (Word-converted old document)
    add_font_run(d.add_paragraph(), "đề cao trách nhiệm của cơ quan", ".VnTime")
    # no font signal at all, content is TCVN3: converted with a warning
    d.add_paragraph("Thñ tôc hµnh chÝnh")
    # font inherited from a paragraph style
    style = d.styles.add_style("VanBanCu", WD_STYLE_TYPE.PARAGRAPH)
    style.font.name = ".VnTime"
    d.add_paragraph("Thêi h¹n gi¶i quyÕt", style="VanBanCu")
    d.save(path)
    return path


EXPECTED_LEGACY = [
    "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "QUYẾT ĐỊNH",
    "Nghị định số 63/2010/NĐ-CP",
    "Thủ tục đăng ký thường trú",
    "thành phần hồ sơ gồm sổ hộ khẩu",
    "Hòa giải sổ hộ khẩu và hoà bình",
    "Ủy ban nhân dân tỉnh Hòa Bình; cá nhân, tổ chức.",
    "Lê Văn Tám, cà phê, má",
    "Le café est très bon à Noël, où êtes-vous?",
    "đề cao trách nhiệm của cơ quan",
    "Thủ tục hành chính",
    "Thời hạn giải quyết",
]


def test_legacy_runs_converted_unicode_left_alone(tmp_path):
    ex = read_docx(build_legacy_docx(tmp_path / "legacy.docx"))
    assert block_texts(ex) == EXPECTED_LEGACY
    assert [w.code for w in ex.warnings] == ["legacy_encoding_guessed"]
    assert ex.info["legacy_paragraphs_guessed"] == 1
    assert ex.info["legacy_runs"] == {"tcvn3": 6, "vni": 2}


def test_legacy_numbering_label_in_tcvn3_font(tmp_path):
    d = docx.Document()
    numbering = d.part.numbering_part.element
    vntime = '<w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr>'
    xml = LEGAL_ABSTRACT_XML.replace("Điều %1.", "§iÒu %1.").replace(
        '<w:lvlJc w:val="left"/>', '<w:lvlJc w:val="left"/>' + vntime, 1
    )
    numbering.find(f"{{{numbering.nsmap['w']}}}num").addprevious(parse_xml(xml))
    numbering.append(parse_xml(LEGAL_NUMS_XML[0]))
    p = d.add_paragraph()
    add_font_run(p, "Ph¹m vi ®iÒu chØnh", ".VnTime")
    set_num(p, 90, 0)
    d.save(tmp_path / "label.docx")
    assert block_texts(read_docx(tmp_path / "label.docx")) == ["Điều 1. Phạm vi điều chỉnh"]


def test_mostly_stale_fonts_leave_undecidable_runs_alone(tmp_path):
    """In a Unicode document whose runs all still say .VnTime, "cá" stays "cá" (not "cỏ")."""
    d = docx.Document()
    for text in ("Cơ quan có trách nhiệm", "Hồ sơ gồm tờ khai", "Điều kiện thực hiện", "cá"):
        add_font_run(d.add_paragraph(), text, ".VnTime")
    d.save(tmp_path / "stale.docx")
    ex = read_docx(tmp_path / "stale.docx")
    assert block_texts(ex) == ["Cơ quan có trách nhiệm", "Hồ sơ gồm tờ khai", "Điều kiện thực hiện", "cá"]
    assert ex.info["legacy_runs"] == {}


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
def test_not_a_zip_is_corrupt(tmp_path):
    f = tmp_path / "fake.docx"
    f.write_bytes(b"<html><body>404</body></html>")
    with pytest.raises(IngestError) as err:
        read_docx(f)
    assert err.value.code == "corrupt_file"
    assert "fake.docx" in err.value.message_vi and "Word" in err.value.message_en


def test_truncated_docx_is_corrupt(tmp_path, legal_docx):
    data = legal_docx.read_bytes()
    f = tmp_path / "cut.docx"
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as err:
        read_docx(f)
    assert err.value.code == "corrupt_file"


def test_zip_without_document_is_not_word(tmp_path):
    f = tmp_path / "archive.docx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("readme.txt", "không phải văn bản Word")
    with pytest.raises(IngestError) as err:
        read_docx(f)
    assert err.value.code == "not_a_word_document"


# --------------------------------------------------------------------------------------------
# real data
# --------------------------------------------------------------------------------------------
def _realdata(sub: str) -> Path:
    folder = REALDATA / sub
    if not folder.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    return folder


def _full_text(ex) -> str:
    parts = []
    for b in ex.pages[0].blocks:
        parts.append("\n".join(" | ".join(r) for r in b.rows) if b.kind == "table" else b.text)
    return "\n".join(parts)


@pytest.mark.realdata
def test_realdata_docx_read_and_unicode_untouched():
    files = sorted(_realdata("docx").glob("*.docx"))
    assert len(files) == 3
    for f in files:
        ex = read_docx(f)
        text = clean(_full_text(ex))
        assert len(text) > 50_000, f.name
        assert "Điều 1." in text, f.name
        # genuine Unicode documents: no legacy conversion anywhere
        assert ex.info["legacy_runs"] == {} and not ex.warnings, f.name
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.realdata
def test_realdata_luat36_nfd_becomes_nfc_after_clean():
    f = _realdata("docx") / "Luat-36-2024-QH15_TTATGT-duong-bo_mixed-NFD.docx"
    raw = _full_text(read_docx(f))
    assert not unicodedata.is_normalized("NFC", raw)  # the backend does not normalise
    text = clean(raw)
    assert unicodedata.is_normalized("NFC", text)
    assert "Luật Trật tự, an toàn giao thông đường bộ" in text


def test_lvl_restart_zero_bullets_and_upper_roman(tmp_path):
    d = docx.Document()
    numbering = d.part.numbering_part.element
    abstract = (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="80">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
        '<w:lvlText w:val="Chương %1"/></w:lvl>'
        # khoản numbered through the whole document: never restarted by a new chapter
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:lvlRestart w:val="0"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/><w:isLgl/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="\uf0b7"/><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr>'
        "</w:lvl></w:abstractNum>"
    )
    numbering.find(f"{{{numbering.nsmap['w']}}}num").addprevious(parse_xml(abstract))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="80"><w:abstractNumId w:val="80"/></w:num>'))
    for text, ilvl in [("Chung", 0), ("một", 1), ("ý", 2), ("hai", 1), ("Riêng", 0), ("ba", 1)]:
        set_num(d.add_paragraph(text), 80, ilvl)
    d.save(tmp_path / "restart.docx")
    assert block_texts(read_docx(tmp_path / "restart.docx")) == [
        "Chương I Chung",
        "1.1. một",  # isLgl: the chapter number in decimal
        "• ý",
        "1.2. hai",
        "Chương II Riêng",
        "2.3. ba",  # lvlRestart 0: no restart after Chương II
    ]
