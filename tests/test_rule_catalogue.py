"""Every rule's inline tests (one test id per rule/example) and the catalogue lint.

Rules are data; this file is the pytest collector for their ``tests: {fires, passes}``.
"""

from __future__ import annotations

import pytest

from tthc_pipeline.rules.schema import lint_catalogue, load_catalogue
from tthc_pipeline.rules.testing import example_as_of, example_procedures
from tthc_pipeline.rules.engine import Engine

CATALOGUE = load_catalogue()
CASES = [
    pytest.param(rule, kind, i, example, id=f"{rule.id}-{kind}-{i}")
    for rule in CATALOGUE.rules
    for kind in ("fires", "passes")
    for i, example in enumerate(rule.tests.get(kind, []))
]
_ENGINES: dict[str, Engine] = {}


def _engine(rule_id: str) -> Engine:
    if rule_id not in _ENGINES:
        _ENGINES[rule_id] = Engine(CATALOGUE, select=[rule_id])
        _ENGINES[rule_id].rules = [cr for cr in _ENGINES[rule_id].rules if cr.rule.id == rule_id]
    return _ENGINES[rule_id]


@pytest.mark.parametrize("rule, kind, index, example", CASES)
def test_inline_example(rule, kind, index, example):
    findings = _engine(rule.id).check(example_procedures(example, rule), as_of=example_as_of(example))
    if kind == "fires":
        assert findings, f"{rule.id} must fire on: {example!r}"
        assert all(f.rule_id == rule.id for f in findings)
    else:
        assert not findings, f"{rule.id} must not fire, but fired on {[f.evidence.quote for f in findings]}"


def test_catalogue_lint_is_clean():
    assert lint_catalogue(CATALOGUE) == []


def test_catalogue_covers_the_issue_list():
    expected = {f"HS{i:03d}" for i in range(1, 15)} | {"CQ001", "CQ002", "CQ003", "CT001", "CT002", "CT003", "CT004",
                "TH001", "TH002", "TH003", "PL001", "PL002", "CC001", "CC002", "CC003", "CC004", "BP001", "TR001", "TR002"}
    assert expected <= {r.id for r in CATALOGUE.rules}


def test_must_be_stable_rules_are_stable():
    by_id = CATALOGUE.by_id()
    for rid in ["HS001", "HS002", "HS003", "HS005", "HS008", "HS010", "CQ001", "CT001", "CT002", "CC001", "BP001"]:
        assert by_id[rid].status == "stable", rid


def test_every_rule_has_enough_examples():
    for rule in CATALOGUE.rules:
        assert len(rule.tests["fires"]) >= 1 and len(rule.tests["passes"]) >= 1, rule.id
