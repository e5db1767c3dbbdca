"""Ingest one file or a batch: detect → read → assemble → metadata → structure → JSON.

The batch contract reviewers and schedulers rely on:
* every input is attempted; a bad file yields a record with ``error`` set and the batch goes on;
* output files are written atomically (temp file + ``os.replace``), never half-written;
* the output name is derived from the input name and its content hash, so a rescan of an
  unchanged file overwrites the same record and a changed file gets a new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tthc_pipeline import __version__
from tthc_pipeline.ingest.assemble import assemble
from tthc_pipeline.ingest.backends import IngestOptions, read_with_backend
from tthc_pipeline.ingest.detect import detect_format
from tthc_pipeline.ingest.models import IngestError, Warning_
from tthc_pipeline.procedures.model import slugify

SCHEMA_VERSION = "1.0"
SUPPORTED_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt"}

METADATA_KEYS = ("doc_type", "number", "issuer", "place", "issued", "title", "signer", "effective")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def output_name(path: Path, sha256: str | None) -> str:
    stem = slugify(path.stem, 60) or "document"
    return f"{stem}-{(sha256 or 'nohash')[:12]}.json"


class _Timeout(BaseException):
    """Raised by the per-file deadline. A BaseException, so that the ``except Exception``
    blocks of libraries and backends cannot swallow it."""


class _deadline:
    """Per-file wall-clock limit. Uses SIGALRM in a process's main thread (pool workers and
    the CLI both qualify); elsewhere it is a no-op and backends' own timeouts apply."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = False

    def __enter__(self) -> "_deadline":
        if self.seconds and threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM"):
            def on_alarm(signum, frame):  # noqa: ANN001
                raise _Timeout()

            self._old = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)


def _empty_metadata() -> dict[str, Any]:
    return {key: None for key in METADATA_KEYS}


def _analyse(text: str, page_spans: list[tuple[int, int]], tables: list[dict]) -> tuple[dict, dict]:
    from tthc_pipeline.ingest.metadata import extract_metadata
    from tthc_pipeline.ingest.structure import build_structure

    metadata = _empty_metadata()
    metadata.update(extract_metadata(text, page_spans=page_spans))
    structure = build_structure(text, page_spans=page_spans, tables=tables)
    return metadata, structure


def base_record(path: Path) -> dict[str, Any]:
    """The output record with every key present; filled in as ingestion proceeds."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tthc_pipeline", "version": __version__},
        "source": str(path),
        "file_name": path.name,
        "sha256": None,
        "size_bytes": None,
        "format": None,
        "pages": [],
        "metadata": _empty_metadata(),
        "text": "",
        "tables": [],
        "structure": None,
        "warnings": [],
        "error": None,
        "info": {},
    }


def ingest_file(path: Path | str, options: IngestOptions | None = None) -> dict[str, Any]:
    """Ingest one file and return its output record (never raises for bad input)."""
    opts = options or IngestOptions()
    path = Path(path)
    started = time.perf_counter()
    record = base_record(path)
    try:
        if not path.is_file():
            raise IngestError(
                "not_found",
                f"Không tìm thấy tệp hoặc không phải tệp thường: {path}",
                f"File not found or not a regular file: {path}",
            )
        size = path.stat().st_size
        record["size_bytes"] = size
        record["sha256"] = sha256_file(path)
        if size > opts.max_bytes:
            raise IngestError(
                "too_large",
                f"Tệp quá lớn ({size / 2**20:.1f} MB > giới hạn {opts.max_bytes / 2**20:.1f} MB); "
                "tăng --max-mb nếu đây là văn bản thật.",
                f"File too large ({size / 2**20:.1f} MB > limit {opts.max_bytes / 2**20:.1f} MB); "
                "raise --max-mb if this is a genuine document.",
            )
        with _deadline(opts.timeout_s):
            detection = detect_format(path)
            record["format"] = detection.format
            warnings: list[Warning_] = []
            if detection.extension_mismatch:
                warnings.append(
                    Warning_(
                        "extension_mismatch",
                        f"Phần mở rộng .{path.suffix.lstrip('.')} không khớp nội dung ({detection.format}); đã đọc theo nội dung.",
                        f"Extension .{path.suffix.lstrip('.')} does not match the content ({detection.format}); read by content.",
                    )
                )
            extracted = read_with_backend(path, detection.format, opts)
            assembled = assemble(extracted)
            warnings.extend(assembled.warnings)
            if not assembled.text.strip():
                warnings.append(
                    Warning_(
                        "no_text",
                        "Không trích được chữ nào từ tệp (trang trắng, ảnh không OCR được, hoặc tắt OCR).",
                        "No text could be extracted (blank pages, unreadable images, or OCR disabled).",
                    )
                )
            metadata, structure = _analyse(assembled.text, assembled.page_spans, assembled.tables)
        record.update(
            pages=assembled.pages,
            text=assembled.text,
            tables=assembled.tables,
            metadata=metadata,
            structure=structure,
            warnings=[w.to_dict() for w in warnings],
            info={**extracted.info, "ingest_options": _options_fingerprint(opts)},
        )
    except IngestError as exc:
        record["error"] = exc.to_dict()
    except _Timeout:
        record["error"] = IngestError(
            "timeout",
            f"Xử lý tệp vượt quá {opts.timeout_s:.0f} giây và đã bị dừng; thử lại với --timeout lớn hơn hoặc kiểm tra tệp.",
            f"Processing exceeded {opts.timeout_s:.0f} s and was stopped; retry with a larger --timeout or check the file.",
        ).to_dict()
    except MemoryError:
        record["error"] = IngestError(
            "out_of_memory", "Hết bộ nhớ khi xử lý tệp.", "Ran out of memory while processing the file."
        ).to_dict()
    except Exception as exc:  # noqa: BLE001 - a batch must survive any bad file
        record["error"] = IngestError(
            "internal_error",
            f"Lỗi không mong đợi khi xử lý tệp ({type(exc).__name__}: {exc}). Hãy báo lỗi kèm tệp này.",
            f"Unexpected error while processing the file ({type(exc).__name__}: {exc}). Please report it with this file.",
        ).to_dict()
    record["elapsed_s"] = round(time.perf_counter() - started, 3)
    return record


def write_text_atomic(target: Path, text: str) -> None:
    """Write so that readers see the old file or the whole new one, never a half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_json_atomic(target: Path, data: Any) -> None:
    write_text_atomic(target, json.dumps(data, ensure_ascii=False, indent=1))


def iter_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders recursively (sorted, supported suffixes, hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    if child.suffix.lower() in SUPPORTED_SUFFIXES:
                        yield child
        else:
            yield path


@dataclass
class BatchSummary:
    ok: int = 0
    failed: int = 0
    pages: int = 0
    ocr_pages: int = 0
    reused: int = 0
    outputs: list[Path] = field(default_factory=list)
    failures: list[tuple[Path, dict]] = field(default_factory=list)
    elapsed_s: float = 0.0


def _options_fingerprint(opts: IngestOptions) -> dict[str, Any]:
    """The options that change a record's content (limits and timeouts do not)."""
    return {"ocr": opts.ocr, "ocr_dpi": opts.ocr_dpi}


# A record with these warnings is incomplete (pages not OCR'd): never reuse it.
_INCOMPLETE = {"ocr_skipped", "ocr_timeout", "ocr_unavailable", "ocr_failed", "page_unreadable"}


def _cached(src: Path, out_dir: Path, opts: IngestOptions) -> tuple[Path, dict[str, Any]] | None:
    """A previous complete record of the same content, tool version and options, if any.

    Monthly rescans re-read the same folders; unchanged files cost one hash, not an OCR run.
    """
    try:
        target = out_dir / output_name(src, sha256_file(src))
        record = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        record.get("error") is None
        and record.get("tool", {}).get("version") == __version__
        and (record.get("info") or {}).get("ingest_options") == _options_fingerprint(opts)
        and not _INCOMPLETE & {w.get("code") for w in record.get("warnings") or []}
    ):
        return target, record
    return None


def _work(args: tuple[str, str, IngestOptions, bool]) -> tuple[str, str, dict[str, Any]]:
    """Pool worker: ingest and write; returns (input, output path, error and page stats)."""
    src, out_dir, opts, reuse = args
    hit = _cached(Path(src), Path(out_dir), opts) if reuse else None
    if hit:
        target, record = hit
    else:
        record = ingest_file(Path(src), opts)
        target = Path(out_dir) / output_name(Path(src), record.get("sha256"))
        write_json_atomic(target, record)
    pages = record.get("pages") or []
    stats = {
        "pages": len(pages),
        "ocr_pages": sum(1 for p in pages if p.get("text_source") == "ocr"),
        "reused": hit is not None,
    }
    return src, str(target), {"error": record["error"], **stats}


_FAILURES = {
    "worker_crashed": ("Tiến trình xử lý bị dừng đột ngột", "The worker process died"),
    "write_failed": ("Không ghi được tệp kết quả (kiểm tra dung lượng đĩa và quyền ghi)",
                     "Could not write the output record (check disk space and permissions)"),
}


def _run_pool(tasks: list[tuple], jobs: int, account: Callable, failed: Callable) -> list[tuple]:
    """Run ``tasks`` in a process pool; return the tasks lost to a broken pool."""
    lost: list[tuple] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_work, task): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                account(future.result())
            except BrokenProcessPool:
                lost.append(task)
            except OSError as exc:
                account(failed(task, "write_failed", exc))
            except Exception as exc:  # noqa: BLE001 - one file's failure must not end the batch
                account(failed(task, "worker_crashed", exc))
    return lost


def ingest_batch(
    inputs: list[Path],
    out_dir: Path,
    *,
    jobs: int = 1,
    options: IngestOptions | None = None,
    on_done: Callable[[Path, dict], None] | None = None,
    reuse: bool = True,
) -> BatchSummary:
    """Ingest ``inputs`` into ``out_dir`` with ``jobs`` worker processes.

    With ``reuse`` (the default) a file whose record already exists for the same content
    hash and tool version is not ingested again.
    """
    opts = options or IngestOptions()
    summary = BatchSummary()
    started = time.perf_counter()
    if opts.ocr:
        from tthc_pipeline.ingest.ocr import remove_stale_images

        remove_stale_images()  # page images a killed earlier run could not delete
    tasks = [(str(p), str(out_dir), opts, reuse) for p in inputs]

    def account(result: tuple[str, str, dict]) -> None:
        src, target, info = result
        summary.outputs.append(Path(target))
        summary.pages += info["pages"]
        summary.ocr_pages += info["ocr_pages"]
        summary.reused += bool(info.get("reused"))
        if info["error"]:
            summary.failed += 1
            summary.failures.append((Path(src), info["error"]))
        else:
            summary.ok += 1
        if on_done:
            on_done(Path(src), info)

    def failed(task: tuple, code: str, exc: BaseException) -> tuple[str, str, dict]:
        """Error record for a file whose worker died or whose record could not be written."""
        src = task[0]
        vi, en = _FAILURES[code]
        error = IngestError(code, f"{vi} ({type(exc).__name__}: {exc})", f"{en} ({type(exc).__name__}: {exc})").to_dict()
        record = base_record(Path(src))
        record.update(error=error, elapsed_s=0.0)
        target = out_dir / output_name(Path(src), None)
        try:
            write_json_atomic(target, record)
        except OSError:
            pass  # the failure is still counted and printed
        return src, str(target), {"error": error, "pages": 0, "ocr_pages": 0}

    def run_inline(task: tuple) -> None:
        try:
            account(_work(task))
        except OSError as exc:
            account(failed(task, "write_failed", exc))

    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            run_inline(task)
    else:
        leftover = _run_pool(tasks, jobs, account, failed)
        # A worker that dies (segfault, OOM kill) breaks the whole pool: every file still
        # pending fails with it. Run those again one per fresh single-worker pool, so only
        # the file that really kills its worker is reported as crashed.
        for task in leftover:
            if _run_pool([task], 1, account, failed):
                account(failed(task, "worker_crashed", RuntimeError("worker process died")))
    summary.elapsed_s = time.perf_counter() - started
    return summary
