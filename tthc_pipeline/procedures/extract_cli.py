"""`tthc extract PATH... [--out DIR] [--format json|jsonl]`.

Inputs: documents (ingested first, or a saved ingest JSON), record files (.jsonl/.csv/.xlsx,
portal .json) and folders (recursively, hidden files skipped). Output (format json): one
``<slug of input stem>-<12 hex of its sha256>.procedures.json`` per input, named like ingest's
records so the name does not depend on the batch; a failed input gets an error document under
the same name (zero procedures, ``error`` {code, message_vi, message_en}), so a stale result of
an earlier run never survives. Format jsonl: one ``procedures.jsonl`` with a procedure per line.
Every write is atomic. Exit 0 when every input succeeded, 1 when any failed (a bilingual
message names the file and the reason), 2 on usage errors (click).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tthc_pipeline.ingest.runner import sha256_file, write_json_atomic, write_text_atomic
from tthc_pipeline.procedures.extract import (
    error_document,
    error_from_exception,
    extract_path,
    input_files,
    procedures_output_name,
)


def collect_inputs(paths: tuple[str, ...]) -> list[Path]:
    return input_files(paths, skip_outputs=True)


def format_error(src: Path, error: dict[str, str]) -> str:
    code = error.get("code", "error")
    return (f"Lỗi: không đọc được tệp {src} ({code}): {error.get('message_vi', '')}\n"
            f"Error: could not read {src} ({code}): {error.get('message_en', '')}")


def _sha256_or_none(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="extract-out", show_default=True,
              help="Output folder / Thư mục kết quả.")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True,
              help="json: one file per input; jsonl: one procedure per line in procedures.jsonl.")
def extract(paths: tuple[str, ...], out_dir: str, fmt: str) -> None:
    """Extract administrative procedures (TTHC) with provenance / Trích xuất thủ tục hành chính."""
    out = Path(out_dir)
    inputs = collect_inputs(paths)
    failed = 0
    lines: list[str] = []
    total = 0
    for src in inputs:
        sha = _sha256_or_none(src)
        try:
            doc = extract_path(src)
        except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
            failed += 1
            error = error_from_exception(exc)
            click.echo(format_error(src, error), err=True)
            if fmt == "json":  # replaces any result of an earlier run under the same name
                write_json_atomic(out / procedures_output_name(src, sha), error_document(src, sha, error))
            continue
        total += doc["procedure_count"]
        for w in doc["warnings"]:
            click.echo(f"{src}: {w}", err=True)
        if fmt == "json":
            write_json_atomic(out / procedures_output_name(src, sha), doc)
        else:
            lines.extend(json.dumps(p, ensure_ascii=False) for p in doc["procedures"])
        click.echo(f"{src}: {doc['procedure_count']} thủ tục / procedures ({doc['kind']})")
    if fmt == "jsonl":
        write_text_atomic(out / "procedures.jsonl", "\n".join(lines) + ("\n" if lines else ""))
    click.echo(f"Tổng / total: {total} thủ tục / procedures from {len(inputs) - failed}/{len(inputs)} files → {out}")
    sys.exit(1 if failed else 0)


main = extract

if __name__ == "__main__":  # pragma: no cover
    extract()
