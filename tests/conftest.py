"""Shared test fixtures: the real-data folder and skip helpers."""

from __future__ import annotations

import contextlib
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
SAMPLES = REPO / "corpus" / "samples"


def realdata(*parts: str) -> Path:
    """Path inside ../shared/realdata, skipping the test when the folder is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present: real-data test skipped")
    return path


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    return realdata()


def tesseract_children() -> list[psutil.Process]:
    """tesseract processes started by this test process (zombies included: they must be reaped)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.name() == "tesseract":
                found.append(child)
    return found


# A realistic amending decree (made up: numbers 12/2026 and 99/2020 are test data), shared by
# the registry and corpus CLI tests.
DECREE_PARAGRAPHS = [
    "CHÍNH PHỦ", "Số: 12/2026/NĐ-CP", "Hà Nội, ngày 15 tháng 01 năm 2026", "NGHỊ ĐỊNH",
    "Sửa đổi, bổ sung một số điều của Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ "
    "về kiểm soát thủ tục hành chính",
    "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
    "Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số 63/2010/NĐ-CP",
    "1. Sửa đổi, bổ sung khoản 2 Điều 8 như sau:",
    "Điều 2. Hiệu lực thi hành",
    "1. Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 3 năm 2026.",
    "2. Nghị định số 99/2020/NĐ-CP ngày 20 tháng 8 năm 2020 của Chính phủ quy định về thử nghiệm hết hiệu "
    "lực kể từ ngày Nghị định này có hiệu lực thi hành.",
]


def make_decree_docx(path: Path) -> Path:
    """A real DOCX (python-docx) holding DECREE_PARAGRAPHS, one paragraph each."""
    import docx

    document = docx.Document()
    for text in DECREE_PARAGRAPHS:
        document.add_paragraph(text)
    document.save(str(path))
    return path
