"""Inline rule tests (Vale/sqlfluff style): every rule proves it fires and that its guards hold.

An example is either a text (placed in the rule's first component) or a mapping of
component names to texts, with optional ``code`` (mã TTHC), ``as_of`` (ISO date) and
``procedures`` (a list of such mappings, for set-level rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tthc_pipeline.procedures.model import COMPONENTS, Procedure, Provenance, TextSpan
from tthc_pipeline.rules.engine import Engine
from tthc_pipeline.rules.schema import Catalogue, Rule
from tthc_pipeline.text.normalize import clean

DEFAULT_AS_OF = date(2026, 6, 30)


def procedure_from_example(example: Any, rule: Rule, index: int = 0) -> Procedure:
    spec = {rule.components[0]: example} if isinstance(example, str) else dict(example)
    comps = {}
    for key, value in spec.items():
        if key in COMPONENTS and value is not None:
            text = clean(str(value))
            comps[key] = TextSpan(text, Provenance(document="<inline-test>", node_id=key, start=0, end=len(text)))
    name = clean(str(spec.get("name", "Thủ tục thử nghiệm")))
    return Procedure(id=f"test-{rule.id}-{index}", name=name, code=spec.get("code"), components=comps,
                     extra={"loai_thu_tuc": spec.get("loai_thu_tuc", "")})


def example_procedures(example: Any, rule: Rule) -> list[Procedure]:
    if isinstance(example, dict) and "procedures" in example:
        return [procedure_from_example(p, rule, i) for i, p in enumerate(example["procedures"])]
    return [procedure_from_example(example, rule)]


def example_as_of(example: Any) -> date:
    if isinstance(example, dict) and example.get("as_of"):
        return date.fromisoformat(str(example["as_of"]))
    return DEFAULT_AS_OF


@dataclass
class CaseResult:
    rule_id: str
    kind: str  # fires | passes
    index: int
    ok: bool
    detail: str


def run_rule_tests(catalogue: Catalogue, rule: Rule) -> list[CaseResult]:
    engine = Engine(catalogue, select=[rule.id])
    engine.rules = [cr for cr in engine.rules if cr.rule.id == rule.id]
    results = []
    for kind in ("fires", "passes"):
        for i, example in enumerate(rule.tests.get(kind, [])):
            findings = engine.check(example_procedures(example, rule), as_of=example_as_of(example))
            fired = bool(findings)
            ok = fired if kind == "fires" else not fired
            if kind == "fires":
                detail = "fired: " + "; ".join(f.evidence.quote[:60] for f in findings) if fired else "did not fire"
            else:
                detail = "fired on: " + "; ".join(f.evidence.quote[:60] for f in findings) if fired else "silent"
            results.append(CaseResult(rule.id, kind, i, ok, detail))
    return results
