"""Tesseract OCR for scanned PDF pages, via the ``tesseract`` command line.

Why the CLI and these settings (measured, see TOOLING-NOTES §3 and scripts/bench_ingest.py):

* ``OMP_THREAD_LIMIT=1``: OpenMP threading makes tesseract 2-3× *slower* on 2 cores; one
  thread per process and pages in parallel is faster.
* ``-l vie`` (the Debian tessdata_fast model) beats ``Vietnamese`` and ``vie+eng``.
* ``--psm 3`` (automatic layout): on the ND-154 scan it gave mean word confidence 92.6/95.4
  against 89.2/91.3 for ``--psm 6``, at the same speed (~2.3 s per page).
* The image goes in on stdin as PGM (no compression to pay for) with ``--dpi`` so tesseract
  does not have to guess the resolution.
* TSV output gives per-word confidences; we keep the mean over recognised words (0-100).

Tesseract output is already NFC; nothing here normalises text (the assembler does).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field

from PIL import Image

from tthc_pipeline.ingest.models import IngestError

OCR_LANG = "vie"
OCR_PSM = "3"


class OcrTimeout(Exception):
    """Tesseract did not finish one page within the time limit (the process was killed)."""


@dataclass
class OcrWord:
    """One recognised word with its box in image pixels and tesseract's line key."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line_key: tuple[str, str, str]  # (block_num, par_num, line_num)

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


@dataclass
class OcrResult:
    """Recognised lines of one page and the mean word confidence (None when no words).

    ``words`` keeps every word's box, in tesseract's reading order, so ruled tables can be
    rebuilt (``ocr_tables``)."""

    lines: list[str]
    confidence: float | None
    word_count: int
    words: list[OcrWord] = field(default_factory=list)


def _unavailable(reason_vi: str, reason_en: str) -> IngestError:
    return IngestError(
        "ocr_unavailable",
        f"Không thể nhận dạng ký tự (OCR) cho trang scan: {reason_vi}. "
        "Hãy chạy scripts/setup để cài tesseract-ocr và gói tiếng Việt (tesseract-ocr-vie), "
        "hoặc chạy lại với tùy chọn tắt OCR.",
        f"Cannot OCR scanned pages: {reason_en}. Run scripts/setup to install tesseract-ocr "
        "and the Vietnamese model (tesseract-ocr-vie), or re-run with OCR disabled.",
    )


@functools.lru_cache(maxsize=1)
def _check_tesseract() -> str | None:
    """Return None if tesseract with ``vie`` is usable, else the English reason (cached)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "tesseract"
    try:
        out = subprocess.run(
            [exe, "--list-langs"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "tesseract"
    langs = {line.strip() for line in out.stdout.decode("utf-8", "replace").splitlines()}
    return None if OCR_LANG in langs else "vie"


def ensure_tesseract() -> None:
    """Raise ``IngestError('ocr_unavailable')`` unless tesseract and its ``vie`` model exist."""
    missing = _check_tesseract()
    if missing == "tesseract":
        raise _unavailable("không tìm thấy chương trình tesseract", "tesseract is not installed")
    if missing == "vie":
        raise _unavailable(
            "tesseract chưa có mô hình tiếng Việt (vie)",
            "tesseract has no Vietnamese model (vie)",
        )


def ocr_image(image: Image.Image, *, dpi: int, timeout_s: float, psm: str = OCR_PSM) -> OcrResult:
    """OCR one page image with tesseract; raise ``OcrTimeout`` after ``timeout_s`` seconds.

    ``psm`` other than the default is for special images (stacked table cells: "6")."""
    buf = io.BytesIO()
    image.convert("L").save(buf, "PPM")  # binary PGM
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = ["tesseract", "stdin", "stdout", "-l", OCR_LANG, "--psm", psm, "--dpi", str(dpi), "tsv"]
    try:
        proc = subprocess.run(
            cmd, input=buf.getvalue(), capture_output=True, env=env, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as exc:  # run() has already killed the child
        raise OcrTimeout(f"tesseract exceeded {timeout_s:g} s") from exc
    if proc.returncode != 0:
        raise RuntimeError(
            f"tesseract exited with {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[:300]}"
        )
    return parse_tsv(proc.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> OcrResult:
    """Group tesseract TSV words into lines (block, paragraph, line) and average confidences.

    A blank line is kept between tesseract paragraphs so the PDF backend can split blocks.
    """
    lines: list[str] = []
    confs: list[float] = []
    current_key: tuple[str, str, str] | None = None
    current_par: tuple[str, str] | None = None
    words: list[str] = []
    boxes: list[OcrWord] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            conf = -1.0
        if not text or conf < 0:
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        if key != current_key:
            if words:
                lines.append(" ".join(words))
            words = []
            par = key[:2]
            if current_par is not None and par != current_par:
                lines.append("")
            current_key, current_par = key, par
        words.append(text)
        confs.append(conf)
        boxes.append(OcrWord(text, _int(row, "left"), _int(row, "top"), _int(row, "width"), _int(row, "height"), conf, key))
    if words:
        lines.append(" ".join(words))
    confidence = round(sum(confs) / len(confs), 2) if confs else None
    return OcrResult(lines=lines, confidence=confidence, word_count=len(confs), words=boxes)


def _int(row: dict, key: str) -> int:
    try:
        return int(row.get(key) or 0)
    except ValueError:
        return 0
