#!/usr/bin/env python3
"""Ingest benchmark on the real documents in ../shared/realdata (about 1 minute; --quick ~30 s).

Measures, in one run on the same files:
  (a) read_pdf and whole-ingest pages/s on text-layer PDFs against bare pypdfium2 get_text_range
      (target ≥ 0.3×);
  (b) OCR seconds per page on 3 pages of the ND-154 scan (read_pdf, OCR workers as shipped,
      then one worker = per core): CPU = this process + its reaped children (tesseract), the
      median of the runs with the range, and the load average (other jobs inflate CPU time);
  (c) .doc → .docx seconds per file via tthc_pipeline.ingest.libreoffice.convert_to_docx;
  (d) peak RSS (VmHWM; ru_maxrss printed too) of a fresh process reading a 200-page PDF
      built from TT-35 pages.

Usage: .venv/bin/python scripts/bench_ingest.py [--quick]
Timings on the shared 2-core machine vary by about ±30 %; the best of N runs is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
sys.path.insert(0, str(REPO))

TEXT_PDFS = [
    "TT-35-2024-TT-BGTVT_GPLX_WORD-export-signed.pdf",
    "Du-thao-QCVN-PCCC-2025_text_mixed-NFD.pdf",
    "Luat-26-2023-QH15_Can-cuoc_CONGBAO-text.pdf",
]
SCAN_PDF = "ND-154-2024-ND-CP_cu-tru_SCAN.pdf"
DOC_FILES = ["ND-96-2016-ND-CP_315469.doc", "Hien-phap-1959_vbpl-889.doc"]


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_pdfium(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    n = len(doc)
    for i in range(n):
        doc[i].get_textpage().get_text_range()
    doc.close()
    return n


def bench_text(runs: int) -> list[tuple]:
    import pypdfium2 as pdfium

    from tthc_pipeline.ingest.backends import IngestOptions
    from tthc_pipeline.ingest.pdf import read_pdf
    from tthc_pipeline.ingest.runner import ingest_file

    rows = []
    options = IngestOptions(ocr=False)
    for name in TEXT_PDFS:
        path = REALDATA / "pdf" / name
        pages = len(pdfium.PdfDocument(str(path)))
        ingest_file(path, options)  # warm-up: imports, syllable caches
        bare = best_of(runs, lambda: bare_pdfium(path))
        ours = best_of(runs, lambda: read_pdf(path, ocr=False))
        whole = best_of(runs, lambda: ingest_file(path, options))
        rows.append((name[:34], pages, pages / bare, pages / ours, pages / whole, bare / ours, bare / whole))
    return rows


def subset_pdf(src: Path, indexes: list[int], out: Path) -> Path:
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(src))
    target = pdfium.PdfDocument.new()
    target.import_pages(source, indexes)
    target.save(str(out))
    target.close()
    source.close()
    return out


def bench_ocr(tmp: Path, workers: int | None = None) -> tuple[float, float, float, list]:
    """OCR of 3 scanned pages: (wall s/page, CPU s/page, tesseract CPU s/page, confidences).

    CPU counts this process (rendering, table grids, parsing; all threads) and its reaped
    children (every tesseract run). ``workers`` overrides the OCR threads (1 = one core, no
    contention between two tesseract processes for caches and memory bandwidth)."""
    import tthc_pipeline.ingest.pdf as pdf_module
    from tthc_pipeline.ingest.pdf import read_pdf

    shipped = pdf_module.OCR_WORKERS
    if workers:
        pdf_module.OCR_WORKERS = workers

    three = subset_pdf(REALDATA / "pdf" / SCAN_PDF, [0, 1, 2], tmp / "nd154-3p.pdf")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    extracted = read_pdf(three)
    elapsed = time.perf_counter() - start
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    child_cpu = children_after.ru_utime + children_after.ru_stime - children.ru_utime - children.ru_stime
    cpu = child_cpu + own_after.ru_utime + own_after.ru_stime - own.ru_utime - own.ru_stime
    pdf_module.OCR_WORKERS = shipped
    return elapsed / 3, cpu / 3, child_cpu / 3, [p.ocr_confidence for p in extracted.pages]


def ocr_line(rows: list[tuple]) -> str:
    """Median (min–max) of wall, CPU and tesseract CPU s/page over the runs."""

    def stat(values) -> str:
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    walls, cpus, tess = ([row[i] for row in rows] for i in range(3))
    return (f"{stat(walls)} s/page wall, {stat(cpus)} CPU s/page, of which tesseract "
            f"{stat(tess)}; median (min–max) of {len(rows)}")


def bench_doc(tmp: Path) -> str:
    try:
        from tthc_pipeline.ingest.libreoffice import convert_to_docx
    except ImportError as exc:
        return f"skipped ({exc})"
    times = []
    for name in DOC_FILES:
        start = time.perf_counter()
        convert_to_docx(REALDATA / "doc" / name, tmp / "docx")
        times.append(time.perf_counter() - start)
    return f"{sum(times) / len(times):.2f} s/file ({len(times)} files, one soffice call each)"


_RSS_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from tthc_pipeline.ingest.pdf import read_pdf
def hwm_kb():
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child started from a
    # big parent reports the parent's size.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
base = hwm_kb()
start = time.perf_counter()
ex = read_pdf(Path({path!r}), ocr=False)
print(json.dumps({{"pages": len(ex.pages), "seconds": time.perf_counter() - start,
                  "base_kb": base, "peak_kb": hwm_kb(),
                  "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def bench_rss(tmp: Path) -> dict:
    import pypdfium2 as pdfium

    source = REALDATA / "pdf" / TEXT_PDFS[0]
    n = len(pdfium.PdfDocument(str(source)))
    big = subset_pdf(source, [i % n for i in range(200)], tmp / "tt35-200p.pdf")
    code = _RSS_CHILD.format(repo=str(REPO), path=str(big))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per measurement")
    args = parser.parse_args()
    if not REALDATA.is_dir():
        print("../shared/realdata not present: nothing to benchmark", file=sys.stderr)
        return 1
    runs = 1 if args.quick else 3
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        print(f"(a) text-layer PDFs, best of {runs}")
        print(f"    {'file':34} {'pages':>5} {'pdfium p/s':>11} {'read_pdf p/s':>13} {'ingest p/s':>11}"
              f" {'ratio read':>10} {'ratio ingest':>12}")
        for name, pages, bare, ours, whole, ratio, ratio_whole in bench_text(runs):
            print(f"    {name:34} {pages:5d} {bare:11.0f} {ours:13.0f} {whole:11.0f} {ratio:10.2f} {ratio_whole:12.2f}")
        print("    (ingest = ingest_file: read + assemble + metadata + structure, OCR off)")
        bench_ocr(tmp, workers=1)  # warm-up: tesseract check, model file in the page cache
        shipped = [bench_ocr(tmp) for _ in range(runs)]
        print(f"(b) OCR, 3 pages of {SCAN_PDF[:20]}, load average {os.getloadavg()[0]:.2f}, "
              f"confidences {shipped[0][3]}")
        print(f"    2 tesseract workers: {ocr_line(shipped)}")
        one = [bench_ocr(tmp, workers=1) for _ in range(runs)]
        print(f"    one worker (s/page/core): {ocr_line(one)}")
        print(f"(c) .doc → .docx: {bench_doc(tmp)}")
        rss = bench_rss(tmp)
        print(f"(d) 200-page PDF (TT-35 pages repeated): {rss['seconds']:.1f} s, peak RSS "
              f"{rss['peak_kb'] / 1024:.0f} MB (after imports {rss['base_kb'] / 1024:.0f} MB; "
              f"ru_maxrss {rss['ru_maxrss_kb'] / 1024:.0f} MB)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"    this process peak RSS: {own:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
