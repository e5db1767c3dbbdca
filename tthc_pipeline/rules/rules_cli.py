"""``tthc rules list|show ID|test [ID]|lint``: browse and verify the rule catalogue."""

from __future__ import annotations

import sys

import click
import yaml

from tthc_pipeline.rules.schema import RuleError, lint_catalogue, load_catalogue


def _catalogue(rules_dir: str | None):
    try:
        return load_catalogue(rules_dir)
    except RuleError as exc:
        raise click.UsageError(f"Bộ quy tắc không hợp lệ / invalid rule catalogue: {exc}") from exc


@click.group("rules")
@click.option("--rules", "rules_dir", default=None, type=click.Path(), help="Thư mục quy tắc / rules directory.")
@click.pass_context
def rules(ctx: click.Context, rules_dir: str | None) -> None:
    """Danh mục quy tắc rà soát / the review rule catalogue."""
    ctx.obj = {"rules_dir": rules_dir}


@rules.command("list")
@click.option("--status", type=click.Choice(["preview", "stable", "deprecated"]), default=None)
@click.pass_context
def list_rules(ctx: click.Context, status: str | None) -> None:
    """Liệt kê quy tắc / list rules."""
    cat = _catalogue(ctx.obj["rules_dir"])
    for r in cat.rules:
        if status and r.status != status:
            continue
        click.echo(f"{r.id}  {r.name:45} {r.status:8} {r.severity:6} {r.category:9} [{r.confidence}] {r.docs.get('what', '')[:70]}")


@rules.command("show")
@click.argument("rule_id")
@click.pass_context
def show(ctx: click.Context, rule_id: str) -> None:
    """Chi tiết một quy tắc / show one rule."""
    cat = _catalogue(ctx.obj["rules_dir"])
    try:
        rule = cat.get(rule_id.upper())
    except KeyError as exc:
        raise click.UsageError(f"Không có quy tắc {rule_id} / unknown rule") from exc
    click.echo(f"{rule.id} {rule.name} ({rule.status}, {rule.severity}, {rule.category})")
    for key, label in (("what", "Phát hiện"), ("why", "Vì sao"), ("example", "Ví dụ"), ("fix", "Cách sửa")):
        click.echo(f"  {label}: {rule.docs.get(key, '')}")
    click.echo("  Căn cứ:")
    for lb in rule.legal_basis:
        click.echo(f"    - {lb.document} {lb.article or ''} [{lb.confidence}] {lb.note or ''}".rstrip())
    click.echo("  Match: " + yaml.safe_dump(rule.match, allow_unicode=True, default_flow_style=True).strip())
    if rule.guards:
        click.echo(f"  Guards: {len(rule.guards)}")
    if rule.report == "per_item":
        click.echo("  Báo cáo / reported: mỗi giấy tờ trong thành phần hồ sơ / once per dossier item")
    if rule.superseded_by:
        click.echo(f"  Nhường cho / yields to: {', '.join(rule.superseded_by)} (cùng đoạn trích / same words)")


@rules.command("test")
@click.argument("rule_ids", nargs=-1)
@click.pass_context
def test(ctx: click.Context, rule_ids: tuple[str, ...]) -> None:
    """Chạy kiểm thử nội tuyến + lint; exit 1 nếu lỗi / run inline tests and lint."""
    from tthc_pipeline.rules.testing import run_rule_tests

    cat = _catalogue(ctx.obj["rules_dir"])
    wanted = {r.upper() for r in rule_ids}
    failures = 0
    problems = lint_catalogue(cat)
    for p in problems:
        click.echo(f"LINT {p}")
    for rule in cat.rules:
        if wanted and not any(rule.id.startswith(w) for w in wanted):
            continue
        results = run_rule_tests(cat, rule)
        bad = [r for r in results if not r.ok]
        failures += len(bad)
        click.echo(f"{rule.id}: {len(results) - len(bad)}/{len(results)} ok")
        for r in bad:
            click.echo(f"  FAIL {r.kind}[{r.index}]: {r.detail}")
    sys.exit(1 if failures or problems else 0)


@rules.command("lint")
@click.pass_context
def lint(ctx: click.Context) -> None:
    """Kiểm tra cấu trúc bộ quy tắc / lint the catalogue."""
    problems = lint_catalogue(_catalogue(ctx.obj["rules_dir"]))
    for p in problems:
        click.echo(p)
    click.echo(f"{len(problems)} vấn đề / problems")
    sys.exit(1 if problems else 0)


main = rules

if __name__ == "__main__":
    rules()
