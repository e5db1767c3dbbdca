"""Format detection by content, on real files and on files made here."""

import zipfile
from pathlib import Path

import docx
import pytest

from tthc_pipeline.ingest.detect import detect_format
from tthc_pipeline.ingest.models import IngestError

from conftest import realdata


def _docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("Điều 1. Phạm vi điều chỉnh")
    d.save(path)
    return path


def test_word97_named_docx_is_detected_as_doc():
    det = detect_format(realdata("doc", "Luat-PCCC-27-2001-QH10_MISLABELED-ole-as.docx"))
    assert det.format == "doc" and det.extension_mismatch


def test_html_named_pdf_is_rejected_with_the_page_title():
    with pytest.raises(IngestError) as err:
        detect_format(realdata("pdf", "FAKE-PDF_is-HTML_TCVN-7568-29-2023.pdf"))
    assert err.value.code == "not_a_pdf"
    assert "404" in err.value.message_en and "HTML" in err.value.message_vi


@pytest.mark.parametrize(
    "sub, name, fmt",
    [
        ("pdf", "Luat-26-2023-QH15_Can-cuoc_CONGBAO-text.pdf", "pdf"),
        ("docx", "ND-168-2024-ND-CP_xu-phat-giao-thong.docx", "docx"),
        ("doc", "ND-96-2016-ND-CP_315469.doc", "doc"),
        ("md", "ND-55-2023-ND-CP_sua-ND-75-2021.md", "markdown"),
    ],
)
def test_real_files(sub, name, fmt):
    assert detect_format(realdata(sub, name)).format == fmt


def test_docx_named_pdf_is_read_as_docx(tmp_path):
    det = detect_format(_docx(tmp_path / "van-ban.pdf"))
    assert det.format == "docx" and det.extension_mismatch


def test_encrypted_docx(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = _docx(tmp_path / "plain.docx")
    target = tmp_path / "mat-khau.docx"
    with plain.open("rb") as src, target.open("wb") as out:
        OOXMLFile(src).encrypt("matkhau", out)
    with pytest.raises(IngestError) as err:
        detect_format(target)
    assert err.value.code == "encrypted"


def test_zip_bomb(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("word/media/pad.bin", b"\0" * (40 * 1024 * 1024))
    with pytest.raises(IngestError) as err:
        detect_format(bomb)
    assert err.value.code == "zip_bomb"


def test_truncated_docx_is_corrupt(tmp_path):
    whole = _docx(tmp_path / "whole.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IngestError) as err:
        detect_format(cut)
    assert err.value.code == "corrupt_file"


def test_empty_file(tmp_path):
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    with pytest.raises(IngestError) as err:
        detect_format(empty)
    assert err.value.code == "empty_file"


def test_binary_junk_named_pdf_is_corrupt(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(IngestError) as err:
        detect_format(junk)
    assert err.value.code == "corrupt_file"
