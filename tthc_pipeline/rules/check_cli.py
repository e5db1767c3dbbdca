"""``tthc check PATH...``: run the rule catalogue on procedures, linter-style.

Every input is attempted: a file that cannot be read (foreign or broken JSON, an ingest record
of a document that failed, an error document of ``tthc extract``) is reported on stderr in
Vietnamese and English and the other files are still checked.

Exit codes (when several apply, the highest wins):
  0  every input read, no finding at/above ``--fail-on`` (always 0 findings-wise with ``never``);
  1  findings at/above ``--fail-on``;
  2  usage error (bad date, unknown rule id, missing path, invalid catalogue, bad --corpus);
  3  some input could not be read (the report covers the others).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import click

from tthc_pipeline.legal.corpus_cli import default_corpus_dir
from tthc_pipeline.legal.registry import Registry
from tthc_pipeline.rules.check_inputs import load_inputs
from tthc_pipeline.rules.engine import Engine, at_or_above
from tthc_pipeline.rules.findings import Finding
from tthc_pipeline.rules.schema import SEVERITIES, RuleError, load_catalogue

SEVERITY_VI = {"high": "CAO", "medium": "TRUNG BÌNH", "low": "THẤP"}
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE_INPUT = 0, 1, 2, 3


def _split(values: tuple[str, ...]) -> list[str] | None:
    out = [v.strip().upper() for item in values for v in item.split(",") if v.strip()]
    return out or None


def _load_registry(corpus: str | None, learn: bool = True) -> tuple[Registry, Path]:
    """The legal registry of ``--corpus``, else of ``default_corpus_dir()`` ($TTHC_CORPUS,
    ./corpus, the repository's corpus/): the same corpus ``tthc corpus`` shows.

    With ``learn`` a regulation dropped into the corpus folder since the last run is
    ingested and learned first, so the check already knows what it replaced or repealed.
    """
    if corpus:
        if not Path(corpus).is_dir():
            raise click.UsageError(f"--corpus: không có thư mục / no such directory: {corpus}")
        directory = Path(corpus)
    else:
        directory = default_corpus_dir()
    if not learn:
        return Registry.load(directory), directory
    registry = Registry.load_with_documents(directory)
    for failure in getattr(registry, "learn_failures", None) or []:
        click.echo(f"Cảnh báo: chưa học văn bản {failure.path}: {failure.message_vi} / "
                   f"warning: not learned {failure.path}: {failure.message_en}", err=True)
    return registry, directory


def _registry_rules(engine: Engine) -> list[str]:
    return [cr.rule.id for cr in engine.rules if cr.rule.match.get("kind") == "registry"]


def empty_registry_warning(directory: Path, rule_ids: list[str]) -> str:
    ids = ", ".join(rule_ids)
    return (f"Cảnh báo: danh mục văn bản pháp luật ở {directory} không có văn bản nào, nên các quy tắc {ids} "
            f"(văn bản hết hiệu lực, được sửa đổi) không thể phát hiện gì; chỉ định --corpus hoặc biến môi trường TTHC_CORPUS.\n"
            f"Warning: the legal registry in {directory} is empty, so rules {ids} (outdated or amended documents) "
            f"cannot fire; pass --corpus or set TTHC_CORPUS.")


def _clip(context: str, quote: str, limit: int) -> str:
    """``context`` cut to about ``limit`` characters between words, "…" marking each cut,
    keeping the quoted words whole in view (a hit near the end of a long sentence, a quote
    longer than ``limit``)."""
    if len(context) <= limit:
        return context
    quote = quote.strip()
    at = context.find(quote) if quote else -1
    lo = 0
    if at >= 0 and at + len(quote) > limit - 20:
        if len(quote) >= limit - 20:
            lo = at  # a long quote: from its first word
        else:
            lo = context.find(" ", max(0, at - 80), at)
            lo = lo + 1 if lo >= 0 else max(0, at - 80)
    hi = lo + limit
    if hi >= len(context):
        return ("… " if lo else "") + context[lo:]
    cut = context.rfind(" ", lo, hi)
    end = cut if cut > lo + limit // 2 else hi
    if at >= 0:
        end = max(end, at + len(quote))  # never inside the quote
    if end >= len(context):
        return ("… " if lo else "") + context[lo:]
    return ("… " if lo else "") + context[lo:end].rstrip(" ,;:") + " …"


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
                lines.append(f"      Trích: «{_clip(f.evidence.context, f.evidence.quote, 240)}»")
            # "63/2010/NĐ-CP (khoản 2 Điều 8) [V]": the articles after the number would read as
            # "63/2010/NĐ-CP khoản 2 Điều 8", not in the order a legal text cites them
            basis = "; ".join(
                f"{lb['document']}" + (f" ({lb['article']})" if lb.get("article") else "") + f" [{lb['confidence']}]"
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


FAIL_ON = (*SEVERITIES, "never")


@click.command("check", epilog=(
    "Mã thoát / exit codes: 0 không có phát hiện từ mức --fail-on / no finding at or above --fail-on; "
    "1 có phát hiện / findings at or above --fail-on; 2 lỗi cú pháp lệnh / usage error; "
    "3 có tệp đầu vào (hoặc dòng của tệp) không đọc được (mã 3 được ưu tiên hơn mã 1 khi xảy ra cả hai) / some input (or a line of it) could not be read (3 wins over 1). "
    "--fail-on never: chỉ báo cáo, không thoát với mã 1 vì phát hiện (chạy định kỳ) / report without failing on findings."))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--as-of", "as_of", default=None, help="Ngày rà soát YYYY-MM-DD (mặc định: hôm nay) / review date.")
@click.option("--rules", "rules_dir", default=None, type=click.Path(), help="Thư mục quy tắc / rules directory.")
@click.option("--corpus", default=None, type=click.Path(),
              help="Thư mục danh mục văn bản pháp luật (mặc định: $TTHC_CORPUS, ./corpus hoặc corpus/ của kho mã) / "
                   "legal corpus directory (default: $TTHC_CORPUS, ./corpus, the repository's corpus/).")
@click.option("--learn/--no-learn", default=True, show_default=True,
              help="Học văn bản mới thả vào thư mục kho trước khi kiểm tra / learn regulations newly dropped "
                   "into the corpus folder before checking.")
@click.option("--select", multiple=True, help="Mã quy tắc hoặc nhóm quy tắc (HS, CQ001), phân tách bằng dấu phẩy / rule ids or families, comma-separated.")
@click.option("--ignore", multiple=True, help="Bỏ qua quy tắc hoặc nhóm quy tắc / rules or families to skip.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="high", show_default=True,
              help="Thoát với mã 1 khi có phát hiện từ mức này trở lên; never: không bao giờ / severity that makes the exit code 1; never: none.")
def check(paths: tuple[str, ...], as_of: str | None, rules_dir: str | None, corpus: str | None, learn: bool,
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
    engine = Engine(catalogue, sel, ign)
    registry, corpus_dir = _load_registry(corpus, learn)
    needs_registry = _registry_rules(engine)
    if needs_registry and len(registry) == 0:
        click.echo(empty_registry_warning(corpus_dir, needs_registry), err=True)

    loaded = load_inputs(paths)
    for failure in loaded.failures:
        click.echo(failure.render(), err=True)
    for warning in loaded.warnings:
        click.echo(warning.render_warning(), err=True)
    procedures = loaded.procedures
    findings = engine.check(procedures, as_of=review_date, registry=registry)
    if fmt == "json":
        click.echo(json.dumps({"as_of": review_date.isoformat(), "procedures": len(procedures),
                               "findings": [f.to_dict() for f in findings],
                               "input_errors": [f.to_dict() for f in loaded.failures],
                               "input_warnings": [w.to_dict() for w in loaded.warnings]},
                              ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for f in findings:
            click.echo(json.dumps(f.to_dict(), ensure_ascii=False))
    else:
        click.echo(render_text(findings, len(procedures)))
    if loaded.failures:
        click.echo(loaded.failure_summary(), err=True)
        sys.exit(EXIT_UNREADABLE_INPUT)
    sys.exit(EXIT_FINDINGS if fail_on != "never" and at_or_above(findings, fail_on) else EXIT_OK)


main = check

if __name__ == "__main__":
    check()
