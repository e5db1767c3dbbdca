"""``tthc check PATH...``: run the rule catalogue on procedures, linter-style.

Exit codes: 0 no finding at/above ``--fail-on``; 1 findings at/above it; 2 usage error
(bad date, unknown rule id, unreadable input, invalid catalogue).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import click

from tthc_pipeline.rules.engine import Engine, at_or_above
from tthc_pipeline.rules.findings import Finding
from tthc_pipeline.rules.schema import SEVERITIES, RuleError, load_catalogue

SEVERITY_VI = {"high": "CAO", "medium": "TRUNG BÌNH", "low": "THẤP"}


def _split(values: tuple[str, ...]) -> list[str] | None:
    out = [v.strip().upper() for item in values for v in item.split(",") if v.strip()]
    return out or None


DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _load_registry(corpus: str | None) -> Any:
    """The legal registry of ``--corpus`` (default: the repository's corpus/ when present).

    Without one, the citation rules (CC001, CC002) read the repository's corpus/ themselves.
    """
    if not corpus:
        if not (DEFAULT_CORPUS / "registry").is_dir():
            return None
        try:
            from tthc_pipeline.legal.registry import Registry  # type: ignore
        except ImportError:
            return None
        return Registry.load(DEFAULT_CORPUS)
    try:
        from tthc_pipeline.legal.registry import Registry  # type: ignore
    except ImportError as exc:
        raise click.UsageError(
            "--corpus cần module tthc_pipeline.legal.registry (chưa có) / needs the legal registry module"
        ) from exc
    if not Path(corpus).is_dir():
        raise click.UsageError(f"--corpus: không có thư mục / no such directory: {corpus}")
    return Registry.load(corpus)


def render_text(findings: list[Finding], n_procs: int) -> str:
    """Vietnamese report grouped per procedure, with evidence and legal basis."""
    lines: list[str] = []
    by_proc: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_proc[f.procedure_id].append(f)
    for pid, items in by_proc.items():
        head = items[0]
        code = f"[{head.procedure_code}] " if head.procedure_code else ""
        lines.append(f"■ {code}{head.procedure_name}")
        for f in sorted(items, key=lambda x: (-{"high": 3, "medium": 2, "low": 1}[x.severity], x.rule_id)):
            tag = " (thử nghiệm)" if f.status == "preview" else ""
            lines.append(f"  {f.rule_id} {SEVERITY_VI[f.severity]}{tag}: {f.message}")
            if f.evidence.context:
                lines.append(f"      Trích: «{f.evidence.context[:240]}»")
            basis = "; ".join(
                f"{lb['document']}" + (f" {lb['article']}" if lb.get("article") else "") + f" [{lb['confidence']}]"
                for lb in f.legal_basis
            )
            lines.append(f"      Căn cứ: {basis}")
            lines.append(f"      Kiến nghị: {f.recommendation.get('noi_dung', '')}")
        lines.append("")
    counts = defaultdict(int)
    for f in findings:
        counts[f.severity] += 1
    lines.append(
        f"Đã kiểm tra {n_procs} thủ tục: {len(findings)} phát hiện "
        f"(cao {counts['high']}, trung bình {counts['medium']}, thấp {counts['low']}) / "
        f"{n_procs} procedures checked, {len(findings)} findings."
    )
    return "\n".join(lines)


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--as-of", "as_of", default=None, help="Ngày rà soát YYYY-MM-DD (mặc định: hôm nay) / review date.")
@click.option("--rules", "rules_dir", default=None, type=click.Path(), help="Thư mục quy tắc / rules directory.")
@click.option("--corpus", default=None, type=click.Path(),
              help="Kho văn bản cho registry (mặc định corpus/ của kho mã) / legal corpus directory (default: repo corpus/).")
@click.option("--select", multiple=True, help="Mã quy tắc hoặc họ (HS, CQ001), phân tách bằng dấu phẩy.")
@click.option("--ignore", multiple=True, help="Bỏ qua quy tắc/họ quy tắc.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="high", show_default=True)
def check(paths: tuple[str, ...], as_of: str | None, rules_dir: str | None, corpus: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...], fmt: str, fail_on: str) -> None:
    """Kiểm tra thủ tục hành chính theo bộ quy tắc / check procedures against the rule catalogue."""
    try:
        review_date = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as exc:
        raise click.UsageError(f"--as-of phải có dạng YYYY-MM-DD / must be YYYY-MM-DD: {as_of}") from exc
    try:
        catalogue = load_catalogue(rules_dir)
    except RuleError as exc:
        raise click.UsageError(f"Bộ quy tắc không hợp lệ / invalid rule catalogue: {exc}") from exc
    sel, ign = _split(select), _split(ignore)
    known = {r.id for r in catalogue.rules}
    for code in (sel or []) + (ign or []):
        if not any(k.startswith(code) for k in known):
            raise click.UsageError(f"Không có quy tắc '{code}' / unknown rule or family '{code}'")
    from tthc_pipeline.rules.check_inputs import InputError, load_procedures

    try:
        procedures = load_procedures(paths)
    except (InputError, OSError) as exc:
        raise click.UsageError(str(exc)) from exc
    engine = Engine(catalogue, sel, ign)
    findings = engine.check(procedures, as_of=review_date, registry=_load_registry(corpus))
    if fmt == "json":
        click.echo(json.dumps({"as_of": review_date.isoformat(), "procedures": len(procedures),
                               "findings": [f.to_dict() for f in findings]}, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for f in findings:
            click.echo(json.dumps(f.to_dict(), ensure_ascii=False))
    else:
        click.echo(render_text(findings, len(procedures)))
    sys.exit(1 if at_or_above(findings, fail_on) else 0)


main = check

if __name__ == "__main__":
    check()
