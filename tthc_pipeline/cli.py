"""The ``tthc`` command line.

Exit codes everywhere: 0 success, 1 some input failed (or, for ``check``, findings at or
above ``--fail-on``), 2 usage error (click's own convention).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tthc_pipeline import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tthc")
def main() -> None:
    """Rà soát thủ tục hành chính (TTHC): review Vietnamese administrative procedures.

    \b
    Stages:
      ingest   legal documents → normalised text, metadata, structure (JSON)
      extract  documents or record files → procedures with provenance
      check    procedures → findings from the rule catalogue in rules/
      corpus   registry of legal documents and their status at a date
      rules    list, show and test the rule catalogue
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out/ingest"),
              show_default=True, help="Folder for the JSON records (one per input, named from the input name and its hash).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes. OCR and LibreOffice are safe in parallel.")
@click.option("--ocr/--no-ocr", default=True, show_default=True, help="OCR pages that have no usable text layer (tesseract -l vie).")
@click.option("--ocr-dpi", type=click.IntRange(72, 600), default=300, show_default=True, help="Rendering resolution for OCR.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(1, 86400), default=300.0, show_default=True,
              help="Seconds allowed for one file, all converters included.")
@click.option("--max-mb", type=click.FloatRange(0.001, 10000), default=200.0, show_default=True,
              help="Files larger than this are refused with an error record.")
@click.option("--force", is_flag=True, help="Ingest again even when a record for the same content and tool version exists.")
@click.option("--quiet", "-q", is_flag=True, help="Only the final summary line.")
def ingest(paths: tuple[Path, ...], out_dir: Path, jobs: int, ocr: bool, ocr_dpi: int, timeout_s: float,
           max_mb: float, force: bool, quiet: bool) -> None:
    """Ingest legal documents (PDF with or without text layer, DOCX, DOC, RTF, HTML, Markdown, TXT).

    PATHS are files or folders (searched recursively). Formats are detected from the content,
    not the extension. Every file is attempted; a file that cannot be read gets a JSON record
    with an ``error`` (Vietnamese and English) and the batch goes on.

    Exit code: 0 all files ingested, 1 at least one failed, 2 usage error.
    """
    from tthc_pipeline.ingest.backends import IngestOptions
    from tthc_pipeline.ingest.runner import iter_inputs

    inputs = list(iter_inputs(paths))
    if not inputs:
        raise click.UsageError("No supported documents found in the given paths (PDF, DOCX, DOC, RTF, HTML, MD, TXT).")
    options = IngestOptions(ocr=ocr, ocr_dpi=ocr_dpi, timeout_s=timeout_s, max_bytes=int(max_mb * 1024 * 1024))
    summary = _run_with_progress(inputs, out_dir, jobs, options, quiet, reuse=not force)
    for src, error in summary.failures:
        click.echo(f"LỖI/ERROR {src}: [{error['code']}] {error['message_vi']} / {error['message_en']}", err=True)
    click.echo(
        f"Đã xử lý {len(inputs)} tệp: {summary.ok} thành công ({summary.reused} dùng lại kết quả cũ), {summary.failed} lỗi; "
        f"{summary.pages} trang ({summary.ocr_pages} trang OCR); {summary.elapsed_s:.1f} s → {out_dir}"
    )
    click.echo(
        f"Ingested {len(inputs)} files: {summary.ok} ok ({summary.reused} reused), {summary.failed} failed; "
        f"{summary.pages} pages ({summary.ocr_pages} OCR); {summary.elapsed_s:.1f} s → {out_dir}"
    )
    sys.exit(1 if summary.failed else 0)


def _run_with_progress(inputs, out_dir, jobs, options, quiet, reuse):  # noqa: ANN001, ANN202
    from tthc_pipeline.ingest.runner import ingest_batch

    if quiet or not sys.stdout.isatty():
        return ingest_batch(inputs, out_dir, jobs=jobs, options=options, reuse=reuse)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}")) as progress:
        task = progress.add_task("", total=len(inputs))

        def on_done(src: Path, info: dict) -> None:
            progress.update(task, advance=1, description=src.name[:40])

        return ingest_batch(inputs, out_dir, jobs=jobs, options=options, on_done=on_done, reuse=reuse)


# Commands that live beside their stage, registered here so `tthc --help` lists them all.
def _register() -> None:
    from tthc_pipeline.legal.corpus_cli import corpus
    from tthc_pipeline.procedures.extract_cli import extract
    from tthc_pipeline.rules.check_cli import check
    from tthc_pipeline.rules.rules_cli import rules

    for command in (extract, check, rules, corpus):
        main.add_command(command)


_register()


if __name__ == "__main__":  # pragma: no cover
    main()
