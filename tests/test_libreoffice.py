""".doc/.rtf through LibreOffice: round trip, odd names, timeouts, clean-up, real Word 97 files.

Each soffice start costs about 2 s, so conversions are shared through module-scoped fixtures.
The module runs with its own temp dir (``tempfile.tempdir``), so the clean-up checks cannot
be upset by a LibreOffice conversion running elsewhere on the machine.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

import psutil
import pytest

from tthc_pipeline.ingest.docx_reader import read_docx
from tthc_pipeline.ingest.libreoffice import converted_docx, convert_to_docx, find_soffice, read_doc
from tthc_pipeline.ingest.models import IngestError
from tthc_pipeline.text.normalize import clean

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"

pytestmark = pytest.mark.slow
needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice not installed")


def _load_docx_tests():
    """Reuse the fixture builders of test_docx.py whatever pytest's import mode."""
    source = Path(__file__).with_name("test_docx.py")
    spec = importlib.util.spec_from_file_location("_docx_fixtures", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DOCX_TESTS = _load_docx_tests()


def _blocks(ex) -> list:
    return [b.rows if b.kind == "table" else (b.kind, b.text) for b in ex.pages[0].blocks]


@pytest.fixture(scope="module", autouse=True)
def private_tmp(tmp_path_factory) -> Path:
    """Everything ``tempfile`` makes in this module goes to a dir of our own."""
    folder = tmp_path_factory.mktemp("tempdir")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(folder))
        yield folder


def _tmp_dirs() -> set[str]:
    """Conversion work dirs present in this module's private temp dir."""
    assert "tempdir" in Path(tempfile.gettempdir()).name  # private_tmp is in force
    return {p.name for p in Path(tempfile.gettempdir()).glob("tthc-soffice-*")}


def _soffice_left(work_root: Path) -> list[str]:
    """soffice processes still alive from our conversions: our own children, and any process
    (reparented soffice.bin included) whose command line points into our temp dir."""
    left = []
    for proc in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if proc.status() != psutil.STATUS_ZOMBIE and "soffice" in proc.name():
                left.append(f"{proc.pid} {proc.name()}")
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(proc.info.get("cmdline") or [])
        if str(work_root) in cmdline:
            left.append(f"{proc.info['pid']} {cmdline[:120]}")
    return left


@pytest.fixture(scope="module")
def word97_files(tmp_path_factory) -> dict[str, Path]:
    """Our legal and legacy-font DOCX fixtures, exported to Word 97 .doc in one soffice call."""
    if find_soffice() is None:
        pytest.skip("LibreOffice not installed")
    folder = tmp_path_factory.mktemp("word97")
    sources = {
        "legal": DOCX_TESTS.build_legal_docx(folder / "legal.docx"),
        "legacy": DOCX_TESTS.build_legacy_docx(folder / "legacy.docx"),
    }
    out = folder / "out"
    subprocess.run(
        [
            find_soffice(),
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "doc",
            "--outdir",
            str(out),
            *map(str, sources.values()),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    files = {name: out / f"{name}.doc" for name in sources}
    files.update({f"{name}_docx": path for name, path in sources.items()})
    # a Word 97 file under a hostile name: ':' , NFD diacritics, spaces and a .docx extension
    hostile = folder / unicodedata.normalize("NFD", "Nghị định: số 1 (bản gốc).docx")
    shutil.copyfile(files["legal"], hostile)
    files["hostile"] = hostile
    return files


@pytest.fixture(scope="module")
def legal_from_doc(word97_files):
    before = _tmp_dirs()
    ex = read_doc(word97_files["hostile"], fmt="doc")
    assert _tmp_dirs() == before  # temp profile, copy and output removed
    return ex


@needs_soffice
def test_doc_round_trip_keeps_text_numbering_and_table(word97_files, legal_from_doc):
    original = read_docx(word97_files["legal_docx"])
    assert _blocks(legal_from_doc) == _blocks(original)
    texts = [b.text for b in legal_from_doc.pages[0].blocks if b.kind != "table"]
    assert texts == DOCX_TESTS.EXPECTED_LEGAL_PARAGRAPHS
    assert legal_from_doc.format == "doc"
    assert legal_from_doc.info["converted_with"] == "libreoffice"
    assert legal_from_doc.info["numbered_paragraphs"] == 13
    assert "core_properties" not in legal_from_doc.info


@needs_soffice
def test_doc_round_trip_keeps_legacy_font_names(word97_files):
    ex = read_doc(word97_files["legacy"])  # format from the .doc suffix
    assert ex.format == "doc"
    assert [b.text for b in ex.pages[0].blocks] == DOCX_TESTS.EXPECTED_LEGACY
    assert ex.info["legacy_runs"] == {"tcvn3": 6, "vni": 2}
    assert [w.code for w in ex.warnings] == ["legacy_encoding_guessed"]


@needs_soffice
def test_rtf_is_converted(tmp_path, private_tmp):
    rtf = tmp_path / "to-trinh.rtf"
    # RTF \uN escapes: "Cộng hòa" / "Điều 1. Hồ sơ"
    rtf.write_text(
        r"{\rtf1\ansi\deff0{\fonttbl{\f0 Times New Roman;}}"
        r"\f0 C\u7897?ng h\u242?a\par \u272?i\u7873?u 1. H\u7891? s\u417?\par}",
        encoding="ascii",
    )
    with converted_docx(rtf, fmt="rtf") as tmp_docx:  # the work dir is in our private temp dir
        assert private_tmp in tmp_docx.parents
        assert tmp_docx.parent.parent.name.startswith("tthc-soffice-")
    ex = read_doc(rtf, fmt="rtf")
    assert ex.format == "rtf"
    assert [b.text for b in ex.pages[0].blocks] == ["Cộng hòa", "Điều 1. Hồ sơ"]


@needs_soffice
def test_convert_to_docx_leaves_output_to_caller(word97_files, tmp_path):
    before = _tmp_dirs()
    out = convert_to_docx(word97_files["hostile"], tmp_path / "out", fmt="doc")
    assert out.suffix == ".docx" and out.is_file()
    assert _tmp_dirs() == before
    assert read_docx(out).info["numbered_paragraphs"] == 13


@needs_soffice
def test_timeout_kills_soffice_and_cleans_up(word97_files, private_tmp):
    before = _tmp_dirs()
    with pytest.raises(IngestError) as err:
        read_doc(word97_files["legal"], timeout_s=0.3)
    assert err.value.code == "converter_timeout"
    assert "Word" in err.value.message_vi and "0.3 s" in err.value.message_en
    assert _tmp_dirs() == before
    deadline = time.monotonic() + 3  # SIGKILL is asynchronous: allow the kernel a moment
    while _soffice_left(private_tmp) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _soffice_left(private_tmp) == []


def test_missing_soffice_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_SOFFICE", str(tmp_path / "no-such-soffice"))
    doc = tmp_path / "a.doc"
    doc.write_bytes(b"x")
    with pytest.raises(IngestError) as err:
        read_doc(doc)
    assert err.value.code == "converter_unavailable"
    assert "scripts/setup" in err.value.message_vi and "scripts/setup" in err.value.message_en


@pytest.mark.skipif(not os.access("/bin/true", os.X_OK), reason="/bin/true missing")
def test_converter_that_writes_nothing_is_conversion_failed(tmp_path, monkeypatch):
    """A converter that exits cleanly without an output file (what LibreOffice does on
    files it refuses) must give conversion_failed, and no temp dir may survive."""
    monkeypatch.setenv("TTHC_SOFFICE", "/bin/true")
    doc = tmp_path / "a.doc"
    doc.write_bytes(b"x")
    before = _tmp_dirs()
    with pytest.raises(IngestError) as err:
        with converted_docx(doc):
            pass
    assert err.value.code == "conversion_failed"
    assert _tmp_dirs() == before


# --------------------------------------------------------------------------------------------
# real Word 97 files
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_docs() -> dict[str, str]:
    folder = REALDATA / "doc"
    if not folder.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    if find_soffice() is None:
        pytest.skip("LibreOffice not installed")
    texts = {}
    for f in sorted(folder.iterdir()):
        ex = read_doc(f, fmt="doc")  # one of them is a Word 97 file named .docx
        assert ex.format == "doc"
        parts = [
            "\n".join(" | ".join(r) for r in b.rows) if b.kind == "table" else b.text
            for b in ex.pages[0].blocks
        ]
        texts[f.name] = clean("\n".join(parts))
    return texts


@pytest.mark.realdata
def test_realdata_doc_files_read(real_docs):
    assert len(real_docs) == 3
    for name, text in real_docs.items():
        assert len(text) > 30_000, name
        assert unicodedata.is_normalized("NFC", text), name


@pytest.mark.realdata
def test_realdata_nd96_document_number(real_docs):
    assert "96/2016/NĐ-CP" in real_docs["ND-96-2016-ND-CP_315469.doc"]


@pytest.mark.realdata
def test_realdata_stale_vntime_font_not_decoded(real_docs):
    """Luật PCCC 2001 is Unicode text still tagged .VnTime: it must not be "decoded"."""
    text = real_docs["Luat-PCCC-27-2001-QH10_MISLABELED-ole-as.docx"]
    assert "Luật này quy định về phòng cháy và chữa cháy." in text
    assert "trách nhiệm" in text
    assert "trỏch" not in text and "phũng" not in text
