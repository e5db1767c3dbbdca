"""Build image-only ("scanned") versions of labelled born-digital documents for the OCR eval.

Usage: python scripts/make_ocr_eval.py [--realdata ../shared/realdata] [--out /tmp/tthc-ocr-eval]
                                       [--clean] [--only portal_export_2002229.json]

Why: the extraction target is field accuracy >= 0.85 on OCR'd text, and the labelled set only
holds born-digital documents. Rasterising those documents lets the *same* labels score the
OCR path (ingest OCR -> extraction), so no new labels are needed.

* A PDF source is rendered page by page with pypdfium2 at 300 dpi, grayscale.
* A Markdown source (the Hà Giang and Gia Lai decisions) is first laid out as a real document: python-docx
  (pipe tables become Word tables, "# " a heading) -> LibreOffice headless PDF export (own
  ``-env:UserInstallation`` profile so parallel soffice runs do not collide) -> rasterised.
* "Scan realism" (default on, ``--clean`` turns it off): 0.5° rotation, Gaussian blur 0.6,
  JPEG quality 75 round trip. TOOLING-NOTES §3 measured CER ~0.4 % for a comparable mix.
  Everything is deterministic (no random noise, fixed PDF dates): the same input gives the
  same bytes.

The cache dir is outside the repo by default; outputs are named after the label file
(``portal_export_2002229.pdf``) and reused when newer than their source.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABEL_DIR = ROOT / "tests" / "labelled" / "extract"
DEFAULT_OUT = Path("/tmp/tthc-ocr-eval")
DPI = 300
# label file -> source (relative to realdata); the sources the OCR eval covers
OCR_CASES = {
    "portal_export_2002229.json": "pdf/ChiTietTTHC_2.002229_dang-ky-nguoi-phu-thuoc.pdf",
    "ha_giang_378.json": "md/QD-378-QD-UBND-2022_Ha-Giang_cong-bo-TTHC-Cong-Thuong.md",
    # the only labelled document with a dossier list (a regulation: Điều 6 list, Điều 7 times)
    "gia_lai_31.json": "md/QD-31-2011-QD-UBND_Gia-Lai_trinh-tu-thu-tuc-mien-giam-tien-SDD.md",
}


# --------------------------------------------------------------------------- rasterising


def degrade(img, *, realism: bool = True):
    """Mild scan artefacts on a grayscale page: rotation, blur, JPEG round trip (deterministic)."""
    from PIL import Image, ImageFilter

    if not realism:
        return img
    img = img.rotate(0.5, resample=Image.BICUBIC, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=75)
    buf.seek(0)
    return Image.open(buf).convert("L")


def render_pages(pdf_path: Path, dpi: int = DPI) -> list:
    """Grayscale PIL images of every page of ``pdf_path``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def rasterise_pdf(src: Path, dest: Path, *, realism: bool = True, dpi: int = DPI) -> Path:
    """Write an image-only PDF of ``src`` (no text layer: every page needs OCR)."""
    pages = [degrade(p, realism=realism) for p in render_pages(src, dpi)]
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp.pdf")
    fixed = time.gmtime(946684800)  # 2000-01-01: byte-identical output run to run
    pages[0].save(tmp, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:],
                  creationDate=fixed, modDate=fixed)
    tmp.replace(dest)
    return dest


# --------------------------------------------------------------------------- markdown -> PDF

_SEP_ROW = re.compile(r"^\|\s*:?-{2,}")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _plain(s: str) -> str:
    """Inline markdown emphasis removed ("*Source: ...*" -> "Source: ...")."""
    return re.sub(r"(\*\*|__|\*|_)(.+?)\1", r"\2", s).strip()


def markdown_to_docx(md_text: str, dest: Path) -> Path:
    """A .docx with the Markdown's paragraphs, headings and pipe tables (as Word tables)."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"  # resolves to Liberation Serif 2 (has Vietnamese glyphs)
    style.font.size = Pt(13)
    lines = md_text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("|"):
            block = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                if not _SEP_ROW.match(lines[i].strip()):
                    block.append(_cells(lines[i]))
                i += 1
            ncols = max(len(r) for r in block)
            table = doc.add_table(rows=len(block), cols=ncols)
            table.style = "Table Grid"
            for r, row in enumerate(block):
                for c in range(ncols):
                    table.cell(r, c).text = _plain(row[c]) if c < len(row) else ""
            doc.add_paragraph("")
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            doc.add_heading(_plain(stripped.lstrip("#")), level=min(level, 4))
        elif stripped:
            doc.add_paragraph(_plain(stripped))
        i += 1
    dest.parent.mkdir(parents=True, exist_ok=True)
    doc.save(dest)
    return dest


def docx_to_pdf(docx: Path, out_dir: Path, timeout_s: float = 120.0) -> Path:
    """LibreOffice headless PDF export with a private user profile (removed afterwards)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) not found; it is needed to lay out the Markdown source")
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-ocr-eval-"))
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
            check=True, capture_output=True, timeout=timeout_s,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / (docx.stem + ".pdf")
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice produced no PDF for {docx}")
    return pdf


# --------------------------------------------------------------------------- cases


def build_case(label_name: str, realdata: Path, out_dir: Path, *, realism: bool = True, force: bool = False) -> Path:
    """The image-only PDF for one label file (built, or reused from the cache when fresh)."""
    src = realdata / OCR_CASES[label_name]
    suffix = "" if realism else "-clean"
    dest = out_dir / f"{Path(label_name).stem}{suffix}.pdf"
    if not force and dest.is_file() and dest.stat().st_mtime >= src.stat().st_mtime:
        return dest
    if src.suffix.lower() == ".pdf":
        return rasterise_pdf(src, dest, realism=realism)
    with tempfile.TemporaryDirectory(prefix="ocr-eval-layout-") as tmp:
        tmp_dir = Path(tmp)
        docx = markdown_to_docx(src.read_text(encoding="utf-8"), tmp_dir / f"{Path(label_name).stem}.docx")
        pdf = docx_to_pdf(docx, tmp_dir)
        return rasterise_pdf(pdf, dest, realism=realism)


def build_all(realdata: Path, out_dir: Path, *, realism: bool = True, only: list[str] | None = None,
              force: bool = False) -> dict[str, Path]:
    """{label file name: image-only PDF} for every OCR case (or ``only`` those)."""
    names = only or list(OCR_CASES)
    return {n: build_case(n, realdata, out_dir, realism=realism, force=force) for n in names}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--realdata", default=str(ROOT.parent / "shared" / "realdata"))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--clean", action="store_true", help="no scan realism (plain 300 dpi render)")
    ap.add_argument("--only", action="append", choices=sorted(OCR_CASES), help="label file(s) to build")
    ap.add_argument("--force", action="store_true", help="rebuild even if the cached PDF is fresh")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    if ROOT.resolve() in out.parents or out == ROOT.resolve():
        sys.exit("refusing to write the OCR eval cache inside the repository")
    t0 = time.perf_counter()
    built = build_all(Path(args.realdata), out, realism=not args.clean, only=args.only, force=args.force)
    print(json.dumps({k: str(v) for k, v in built.items()}, ensure_ascii=False, indent=1))
    print(f"built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
