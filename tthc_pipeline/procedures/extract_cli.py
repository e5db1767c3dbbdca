"""`tthc extract PATH... [--out DIR] [--format json|jsonl]`.

Inputs: documents (ingested first, or a saved ingest JSON), record files (.jsonl/.csv/.xlsx,
portal .json) and folders (recursively). Output: one ``<name>.procedures.json`` per input
(format json) or one ``procedures.jsonl`` with a procedure per line (format jsonl), written
atomically. Exit 0 when every input succeeded, 1 when any failed (a bilingual message names
the file), 2 on usage errors (click).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from tthc_pipeline.ingest.models import IngestError
from tthc_pipeline.procedures.extract import DOCUMENT_SUFFIXES, RECORD_SUFFIXES, extract_path

INPUT_SUFFIXES = DOCUMENT_SUFFIXES | RECORD_SUFFIXES | {".json"}


def atomic_write(path: Path, data: str) -> None:
    """Write via a temp file in the same folder, then rename (no half-written outputs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def collect_inputs(paths: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES
                              and not f.name.endswith(".procedures.json")))
        else:
            out.append(p)
    return out


def _out_name(src: Path, used: set[str]) -> str:
    name = f"{src.stem}.procedures.json"
    k = 2
    while name in used:
        name = f"{src.stem}-{k}.procedures.json"
        k += 1
    used.add(name)
    return name


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
    used: set[str] = set()
    lines: list[str] = []
    total = 0
    for src in inputs:
        try:
            doc = extract_path(src)
        except IngestError as exc:  # ingest could not read the document: its own bilingual reason
            failed += 1
            click.echo(
                f"Lỗi: không đọc được tệp {src} ({exc.code}): {exc.message_vi}\n"
                f"Error: could not read {src} ({exc.code}): {exc.message_en}",
                err=True,
            )
            continue
        except Exception as exc:  # one bad input must not stop the batch
            failed += 1
            click.echo(
                f"Lỗi: không trích xuất được thủ tục từ tệp {src}: {exc}\n"
                f"Error: could not extract procedures from {src}: {exc}",
                err=True,
            )
            continue
        total += doc["procedure_count"]
        for w in doc["warnings"]:
            click.echo(f"{src}: {w}", err=True)
        if fmt == "json":
            atomic_write(out / _out_name(src, used), json.dumps(doc, ensure_ascii=False, indent=1))
        else:
            for p in doc["procedures"]:
                lines.append(json.dumps(p, ensure_ascii=False))
        click.echo(f"{src}: {doc['procedure_count']} thủ tục / procedures ({doc['kind']})")
    if fmt == "jsonl":
        atomic_write(out / "procedures.jsonl", "\n".join(lines) + ("\n" if lines else ""))
    click.echo(f"Tổng / total: {total} thủ tục / procedures from {len(inputs) - failed}/{len(inputs)} files → {out}")
    sys.exit(1 if failed else 0)


main = extract

if __name__ == "__main__":  # pragma: no cover
    extract()
