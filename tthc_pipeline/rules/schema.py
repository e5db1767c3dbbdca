"""Rule model, YAML loader and catalogue lint.

Rules are data (Semgrep / Vale / Ruff style): one YAML file per rule under ``rules/``, with
its legal basis, Vietnamese message templates, docs and inline tests. This module turns the
files into ``Rule`` objects and checks the catalogue itself (duplicate ids, missing legal
basis, unknown placeholders). Whether a rule fires on its own tests is checked by
``tthc_pipeline.rules.testing`` because that needs the engine.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from tthc_pipeline.procedures.model import COMPONENTS

STATUSES = ("preview", "stable", "deprecated")
SEVERITIES = ("high", "medium", "low")
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
CATEGORIES = ("outdated", "unlawful", "redundant", "unclear", "burden")
CONFIDENCES = ("V", "S", "U")
MATCH_KINDS = ("patterns", "catalogue", "registry", "absent", "fuzzy", "python")
# How repeats of one quote in a component are reported: ``per_quote`` once (a document cited
# twice, "cấp huyện" in every step: one thing to fix); ``per_item`` once per item of the
# dossier (two papers each asked in 5 copies are two simplifications, each with its saving)
REPORT_UNITS = ("per_quote", "per_item")
ID_RE = re.compile(r"^(HS|CQ|CT|TH|PL|CC|BP|TR)\d{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Placeholders every finding can fill; matcher kinds add their own (see matchers.VARS).
BASE_VARS = {"evidence", "component_vi", "component", "procedure_name", "procedure_code", "rule_id"}


class RuleError(ValueError):
    """A rule file that cannot be loaded (bad YAML, missing key, bad value)."""


@dataclass
class LegalRef:
    document: str
    article: str | None = None
    effective: str | None = None
    confidence: str = "U"
    note: str | None = None


@dataclass
class Rule:
    id: str
    name: str
    status: str
    severity: str
    category: str
    components: list[str]
    match: dict[str, Any]
    message: str
    recommendation: dict[str, str]
    legal_basis: list[LegalRef]
    guards: list[dict[str, Any]] = field(default_factory=list)
    when: dict[str, Any] = field(default_factory=dict)
    effective_from: date | None = None
    cost_delta: dict[str, float] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)
    tests: dict[str, list[Any]] = field(default_factory=dict)
    # more specific rules that report the same words better: where one of them has a finding
    # overlapping this rule's in the same component, this rule's is dropped (one flag per issue)
    superseded_by: list[str] = field(default_factory=list)
    report: str = "per_quote"  # REPORT_UNITS
    path: str | None = None

    @property
    def family(self) -> str:
        return self.id[:2]

    @property
    def confidence(self) -> str:
        """Confidence of the primary (first) legal basis."""
        return self.legal_basis[0].confidence if self.legal_basis else "U"

    @property
    def kind(self) -> str:
        return self.match["kind"]


@dataclass
class Catalogue:
    rules: list[Rule]
    data_dir: Path | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def select(self, select: list[str] | None = None, ignore: list[str] | None = None) -> list[Rule]:
        """Ruff-style selection: ``HS`` selects the family, ``HS001`` one rule."""
        chosen = [
            r for r in self.rules if not select or any(r.id.startswith(s.strip().upper()) for s in select)
        ]
        if ignore:
            chosen = [r for r in chosen if not any(r.id.startswith(s.strip().upper()) for s in ignore)]
        return chosen


def default_rules_dir() -> Path:
    """``rules/`` at the repository root (next to the package)."""
    return Path(__file__).resolve().parents[2] / "rules"


def parse_date(value: Any, where: str) -> date | None:
    """A YAML date (a date, or 'YYYY-MM-DD'); None when empty; RuleError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise RuleError(f"{where}: bad date {value!r} (use YYYY-MM-DD)") from exc


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in (None, "", [], {}):
        raise RuleError(f"{where}: missing required key '{key}'")
    return data[key]


def rule_from_dict(data: dict[str, Any], where: str = "<rule>") -> Rule:
    """Validate one rule mapping and build a ``Rule``."""
    if not isinstance(data, dict):
        raise RuleError(f"{where}: a rule file must hold one mapping")
    rid = str(_require(data, "id", where))
    where = f"{where} ({rid})"
    if not ID_RE.match(rid):
        raise RuleError(f"{where}: id must be a family code + 3 digits, e.g. HS001")
    name = str(_require(data, "name", where))
    if not NAME_RE.match(name):
        raise RuleError(f"{where}: name must be kebab-case")
    status = _require(data, "status", where)
    severity = _require(data, "severity", where)
    category = _require(data, "category", where)
    report = str(data.get("report") or "per_quote")
    for key, value, allowed in (
        ("status", status, STATUSES),
        ("severity", severity, SEVERITIES),
        ("category", category, CATEGORIES),
        ("report", report, REPORT_UNITS),
    ):
        if value not in allowed:
            raise RuleError(f"{where}: {key} must be one of {allowed}, got {value!r}")
    components = list(_require(data, "components", where))
    bad = [c for c in components if c not in COMPONENTS]
    if bad:
        raise RuleError(f"{where}: unknown components {bad}; known: {COMPONENTS}")
    match = dict(_require(data, "match", where))
    if match.get("kind") not in MATCH_KINDS:
        raise RuleError(f"{where}: match.kind must be one of {MATCH_KINDS}")
    legal = []
    for i, item in enumerate(data.get("legal_basis") or []):
        if not isinstance(item, dict) or not item.get("document"):
            raise RuleError(f"{where}: legal_basis[{i}] needs a 'document'")
        conf = str(item.get("confidence", "U"))
        if conf not in CONFIDENCES:
            raise RuleError(f"{where}: legal_basis[{i}].confidence must be V, S or U")
        legal.append(
            LegalRef(
                document=str(item["document"]),
                article=None if item.get("article") is None else str(item["article"]),
                effective=None if item.get("effective") is None else str(item["effective"]),
                confidence=conf,
                note=item.get("note"),
            )
        )
    guards = []
    for g in data.get("guards") or []:
        guards.append({"pattern": g} if isinstance(g, str) else dict(g))
    rec = data.get("recommendation") or {}
    return Rule(
        id=rid,
        name=name,
        status=status,
        severity=severity,
        category=category,
        components=components,
        match=match,
        message=str(_require(data, "message", where)),
        recommendation={k: str(v) for k, v in rec.items()},
        legal_basis=legal,
        guards=guards,
        when=dict(data.get("when") or {}),
        effective_from=parse_date(data.get("effective_from"), where),
        cost_delta=dict(data.get("cost_delta") or {}),
        docs={k: str(v) for k, v in (data.get("docs") or {}).items()},
        tests={k: list(v or []) for k, v in (data.get("tests") or {}).items()},
        superseded_by=[str(x) for x in (data.get("superseded_by") or [])],
        report=report,
        path=None,
    )


def load_catalogue(rules_dir: str | Path | None = None) -> Catalogue:
    """Load every ``*.yaml`` rule in ``rules_dir`` and every data file in ``rules_dir/data``."""
    root = Path(rules_dir) if rules_dir else default_rules_dir()
    if not root.is_dir():
        raise RuleError(f"rules directory not found: {root}")
    rules = []
    for path in sorted(root.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RuleError(f"{path}: invalid YAML: {exc}") from exc
        rule = rule_from_dict(data, str(path.name))
        rule.path = str(path)
        rules.append(rule)
    data_dir = root / "data"
    datasets: dict[str, Any] = {}
    if data_dir.is_dir():
        for path in sorted(data_dir.glob("*.yaml")):
            datasets[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Catalogue(rules=rules, data_dir=data_dir if data_dir.is_dir() else None, data=datasets)


def placeholders(template: str) -> set[str]:
    """Field names used in a ``str.format`` template."""
    names = set()
    for _, fname, _, _ in string.Formatter().parse(template):
        if fname is not None:
            names.add(fname.split(".")[0].split("[")[0])
    return names


def lint_catalogue(catalogue: Catalogue) -> list[str]:
    """Structural problems of the catalogue (empty list = clean).

    Checks: duplicate ids and names, missing legal basis, missing message/recommendation
    parts, placeholders that no matcher fills, missing docs/tests, data files referenced
    by ``catalogue`` rules that do not exist, stable rules resting on [U] evidence only,
    ``superseded_by`` naming rules that do not exist.
    """
    from tthc_pipeline.rules.matchers import vars_for  # local: matchers imports schema

    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    seen_names: dict[str, str] = {}
    for rule in catalogue.rules:
        where = f"{rule.id} ({Path(rule.path).name if rule.path else '?'})"
        if rule.id in seen_ids:
            problems.append(f"{where}: duplicate id, also in {seen_ids[rule.id]}")
        seen_ids[rule.id] = rule.path or "?"
        if rule.name in seen_names:
            problems.append(f"{where}: duplicate name '{rule.name}', also {seen_names[rule.name]}")
        seen_names[rule.name] = rule.id
        if rule.path and Path(rule.path).stem != rule.id:
            problems.append(f"{where}: file name must be {rule.id}.yaml")
        if not rule.legal_basis:
            problems.append(f"{where}: missing legal_basis")
        for key in ("noi_dung", "ly_do", "kien_nghi_thuc_thi"):
            if not rule.recommendation.get(key):
                problems.append(f"{where}: recommendation.{key} missing")
        for key in ("what", "why", "example", "fix"):
            if not rule.docs.get(key):
                problems.append(f"{where}: docs.{key} missing")
        if not rule.tests.get("fires"):
            problems.append(f"{where}: tests.fires is empty (a rule must prove it fires)")
        if not rule.tests.get("passes"):
            problems.append(f"{where}: tests.passes is empty (a rule must prove its guards)")
        allowed = BASE_VARS | vars_for(rule)
        templates = {"message": rule.message, **{f"recommendation.{k}": v for k, v in rule.recommendation.items()}}
        for label, template in templates.items():
            try:
                used = placeholders(template)
            except ValueError as exc:
                problems.append(f"{where}: {label} is not a valid template: {exc}")
                continue
            unknown = used - allowed
            if unknown:
                problems.append(f"{where}: {label} uses unknown placeholders {sorted(unknown)}")
        if rule.kind == "catalogue":
            name = rule.match.get("data")
            if name not in catalogue.data:
                problems.append(f"{where}: match.data '{name}' not found in rules/data/")
        if rule.status == "stable" and rule.confidence == "U":
            problems.append(f"{where}: a stable rule needs [V] or [S] legal basis, has [U]")
    for rule in catalogue.rules:
        unknown = [x for x in rule.superseded_by if x not in seen_ids or x == rule.id]
        if unknown:
            problems.append(f"{rule.id}: superseded_by names unknown rules (or itself): {unknown}")
    return problems
