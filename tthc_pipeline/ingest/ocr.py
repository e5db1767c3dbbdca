"""Tesseract OCR for scanned PDF pages, via the ``tesseract`` command line.

Why the CLI and these settings (measured, see TOOLING-NOTES §3 and scripts/bench_ingest.py):

* ``OMP_THREAD_LIMIT=1``: OpenMP threading makes tesseract 2-3× *slower* on 2 cores; one
  thread per process and pages in parallel is faster.
* ``-l vie`` (the Debian tessdata_fast model) beats ``Vietnamese`` and ``vie+eng``.
* ``--psm 3`` (automatic layout): on the ND-154 scan it gave mean word confidence 92.6/95.4
  against 89.2/91.3 for ``--psm 6``, at the same speed (~2.3 s per page).
* The image goes in as an uncompressed BMP *file* (not on stdin), with ``--dpi`` so tesseract
  does not have to guess the resolution: tesseract reads stdin one character at a time
  through a C++ stream, which cost ~0.2 CPU s per 300 dpi page (measured, see ``ocr_image``).
* TSV output gives per-word confidences; we keep the mean over recognised words (0-100).

Tesseract output is already NFC; nothing here normalises text (the assembler does).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

from PIL import Image

from tthc_pipeline.ingest.models import IngestError

OCR_LANG = "vie"
OCR_PSM = "3"


class OcrTimeout(Exception):
    """Tesseract did not finish one page within the time limit (the process was killed)."""


class OcrFailed(RuntimeError):
    """Tesseract could not read one page: it did not start, exited with an error, or was
    killed because the caller gave up. The caller turns this into a page warning."""


class TesseractJobs:
    """The tesseract processes one caller started, so it can kill them all at once.

    Why: the runner's per-file deadline interrupts the main thread while worker threads wait
    on tesseract; without this the caller would wait for every running page (up to the
    per-page timeout) and leave processes behind. After ``kill_all`` no new run may start.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self._closed = False

    def add(self, proc: subprocess.Popen) -> bool:
        """Track ``proc``; False (and the caller must kill it) once ``kill_all`` has run."""
        with self._lock:
            if self._closed:
                return False
            self._running.add(proc)
            return True

    def discard(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._running.discard(proc)

    def kill_all(self) -> None:
        """Kill and reap every tracked process; refuse new ones from now on."""
        with self._lock:
            self._closed = True
            running = list(self._running)
        for proc in running:
            _kill(proc)


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


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


_REASONS = {
    "tesseract": ("không tìm thấy chương trình tesseract", "tesseract is not installed"),
    "vie": ("tesseract chưa có mô hình tiếng Việt (vie)", "tesseract has no Vietnamese model (vie)"),
}


def _unavailable(reason_vi: str, reason_en: str) -> IngestError:
    return IngestError(
        "ocr_unavailable",
        f"Không thể nhận dạng ký tự (OCR) cho trang scan: {reason_vi}. "
        "Hãy chạy scripts/setup để cài tesseract-ocr và gói tiếng Việt (tesseract-ocr-vie), "
        "hoặc chạy lại với tùy chọn --no-ocr.",
        f"Cannot OCR scanned pages: {reason_en}. Run scripts/setup to install tesseract-ocr "
        "and the Vietnamese model (tesseract-ocr-vie), or re-run with --no-ocr.",
    )


@functools.lru_cache(maxsize=1)
def _check_tesseract() -> str | None:
    """Return None if tesseract with ``vie`` is usable, else what is missing (cached)."""
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


def unavailable_reason() -> tuple[str, str] | None:
    """None when tesseract and its ``vie`` model are usable, else the reason (vi, en)."""
    missing = _check_tesseract()
    return None if missing is None else _REASONS[missing]


def ensure_tesseract() -> None:
    """Raise ``IngestError('ocr_unavailable')`` unless tesseract and its ``vie`` model exist."""
    reason = unavailable_reason()
    if reason is not None:
        raise _unavailable(*reason)


_IMAGE_PREFIX = "tthc-ocr-"
STALE_IMAGE_AGE_S = 3600.0  # far beyond any page's OCR timeout


def remove_stale_images(max_age_s: float = STALE_IMAGE_AGE_S) -> int:
    """Delete page images left in the temp folder by a killed run (``ocr_image`` removes its
    own in every other case); returns how many. Only files older than ``max_age_s``, so a
    batch running beside this one keeps its images."""
    removed = 0
    cutoff = time.time() - max_age_s
    with contextlib.suppress(OSError):
        for entry in os.scandir(tempfile.gettempdir()):
            if entry.name.startswith(_IMAGE_PREFIX) and entry.name.endswith(".bmp"):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        os.unlink(entry.path)
                        removed += 1
    return removed


def ocr_image(
    image: Image.Image,
    *,
    dpi: int,
    timeout_s: float,
    psm: str = OCR_PSM,
    jobs: TesseractJobs | None = None,
) -> OcrResult:
    """OCR one page image with tesseract; raise ``OcrTimeout`` after ``timeout_s`` seconds and
    ``OcrFailed`` when tesseract fails. The process is killed on timeout or interruption
    (any exception, the runner's deadline included) and tracked in ``jobs`` while it runs.

    ``psm`` other than the default is for special images (stacked table cells: "6")."""
    # A BMP file, not stdin: tesseract copies stdin into memory one character at a time
    # (std::istreambuf_iterator). Measured, same TSV: a blank 300 dpi A4 page 0.57 → 0.35
    # CPU s (best of 5); read_pdf on 3 pages of the NĐ 154/2024 scan, one worker, 3.09 →
    # 2.73 CPU s/page (median of 6 alternating runs). BMP, not PGM: leptonica reads PGM
    # pixel by pixel (~0.4 s/page slower, measured).
    try:
        fd, path = tempfile.mkstemp(prefix=_IMAGE_PREFIX, suffix=".bmp")
    except OSError as exc:
        raise OcrFailed(f"no temporary file for the page image: {exc}") from exc
    try:
        try:
            with os.fdopen(fd, "wb") as out:
                (image if image.mode == "L" else image.convert("L")).save(out, "BMP")
        except OSError as exc:
            raise OcrFailed(f"could not write the page image for tesseract: {exc}") from exc
        stdout, stderr, returncode = _run_tesseract(path, dpi=dpi, psm=psm, timeout_s=timeout_s, jobs=jobs)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    if returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip()[-300:] or "(no message)"
        raise OcrFailed(f"tesseract exited with {returncode}: {detail}")
    return parse_tsv(stdout.decode("utf-8", "replace"))


def _run_tesseract(path: str, *, dpi: int, psm: str, timeout_s: float,
                   jobs: TesseractJobs | None) -> tuple[bytes, bytes, int]:
    """Run tesseract on the image file ``path``: (stdout TSV, stderr, exit code). The process
    is killed on timeout or interruption and tracked in ``jobs`` while it runs."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = ["tesseract", path, "stdout", "-l", OCR_LANG, "--psm", psm, "--dpi", str(dpi), "tsv"]
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
    except OSError as exc:
        raise OcrFailed(f"tesseract could not start: {exc}") from exc
    with proc:
        if jobs is not None and not jobs.add(proc):
            _kill(proc)
            raise OcrFailed("tesseract run cancelled")
        try:
            stdout, stderr = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise OcrTimeout(f"tesseract exceeded {timeout_s:g} s") from None
        except BaseException:
            _kill(proc)
            raise
        finally:
            if jobs is not None:
                jobs.discard(proc)
    return stdout, stderr, proc.returncode


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
