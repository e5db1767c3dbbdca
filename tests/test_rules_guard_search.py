"""Guard.suppresses' shortcuts answer as the guard's regex does.

* an alternation searched one alternative after another (``_split_alternation``) finds a
  match in a scope iff the whole regex does: in every scope the engine asks about on the
  portal records, around every match on every real component, and on generated patterns;
* a procedure-scope guard that looks for its literals in the components' joined texts
  answers as the search of each component.
"""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pytest

from tthc_pipeline.rules import matchers
from tthc_pipeline.rules.engine import Engine
from tthc_pipeline.rules.matchers import Guard, ProcView, _split_alternation, _top_level_alternatives
from tthc_pipeline.text.normalize import canon

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"
ENGINE = Engine.from_dir()
SPLIT_GUARDS = [(cr.rule.id, g) for cr in ENGINE.rules for g in cr.guards if g.searches != (g.regex,)]


@pytest.fixture(scope="module")
def portal_procedures():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures

    return load_procedures([PORTAL])


def _split_search(guard: Guard, text: str, s: int, e: int) -> bool:
    return any(rx.search(text, s, e) for rx in guard.searches)


def test_alternatives_cut_outside_groups_and_classes():
    assert _top_level_alternatives(r"a[]|]b|c(d|e)|\|x|[^]|]y") == ["a[]|]b", "c(d|e)", r"\|x", "[^]|]y"]
    assert _split_alternation(r"trước (ngày )?01/7/2025|\(cũ\)") == ["trước (ngày )?01/7/2025", r"\(cũ\)"]
    assert _split_alternation("x|[ab]c|(d|e)f") == ["x", "[ab]c|(d|e)f"]  # the others as one alternation
    assert _split_alternation("không khai thác được|không (cần|phải)") is None  # re moves the common prefix out
    assert _split_alternation(r"(a)b\1|c") is None  # a back-reference: group numbers matter
    assert _split_alternation("(?s)ab|cd") is None  # a global flag
    assert _split_alternation("[ab]c|(d|e)f") is None  # no alternative starts with a literal
    assert _split_alternation("ab(c|d)") is None


def test_the_catalogue_has_split_guards():
    assert {rule_id for rule_id, _ in SPLIT_GUARDS} >= {"CT003", "HS005", "CT001"}


def test_split_guards_answer_in_the_engines_scopes(portal_procedures, monkeypatch):
    """Every (text, start, end) the engine searches on the portal records."""
    asked = []
    original = Guard._search

    def spy(self, text, start, end):
        got = original(self, text, start, end)
        asked.append((self.regex.pattern, got))
        assert got == bool(self.regex.search(text, start, end)), (self.regex.pattern, text[start:end])
        return got

    monkeypatch.setattr(Guard, "_search", spy)
    ENGINE.check(portal_procedures, as_of=date(2026, 6, 30))
    split = {g.regex.pattern for _, g in SPLIT_GUARDS}
    assert sum(1 for p, _ in asked if p in split) > 100
    assert any(got for p, got in asked if p in split)


def test_split_guards_answer_around_every_match(portal_procedures):
    texts = {canon(span.text) for proc in portal_procedures for span in proc.components.values() if span.text}
    checked = 0
    for text in texts:
        for rule_id, guard in SPLIT_GUARDS:
            bounds = [(0, len(text))] + [(i, i + w) for i in range(0, len(text), 89) for w in (30, 160)]
            for m in guard.regex.finditer(text):
                bounds += [(m.start(), m.end()), (m.start() + 1, m.end()), (m.start(), m.end() - 1),
                           (max(0, m.start() - 40), m.end() + 40)]
            for s, e in bounds:
                want = bool(guard.regex.search(text, s, e))
                assert _split_search(guard, text, s, e) == want, (rule_id, guard.regex.pattern, text[s:e])
                checked += want
    assert checked > 500


def test_split_alternation_on_generated_patterns():
    """Random alternations (literals, classes with bars, look-arounds, anchors, groups) on
    random texts and bounds: searching the alternatives apart finds a match iff the whole does."""
    rng = random.Random(23)
    heads = ["a", "b", "ab", "\\|", "[ab]", "(a|b)", "(?<!a)b", "(?<=b)a", "^a", ".", ""]
    tails = ["", "a", "b*", "[|]", "(?!a)", "$", "c?", "(?:ab)+", "[^a]{0,2}", "\\s"]
    split = 0
    for _ in range(600):
        pattern = "|".join(rng.choice(heads) + rng.choice(tails) + rng.choice(tails) for _ in range(rng.randint(2, 4)))
        parts = _split_alternation(pattern)
        if parts is None:
            continue
        split += 1
        whole, apart = re.compile(pattern), [re.compile(p) for p in parts]
        for _ in range(25):
            text = "".join(rng.choice("ab c|") for _ in range(rng.randint(0, 12)))
            s, e = rng.randint(0, len(text)), rng.randint(0, len(text) + 1)
            assert any(rx.search(text, s, e) for rx in apart) == bool(whole.search(text, s, e)), (pattern, text, s, e)
    assert split > 150


def test_procedure_guards_answer_as_each_component(portal_procedures):
    guards = [g for cr in ENGINE.rules for g in cr.guards if g.scope == "procedure"]
    assert guards and all(g.gate for g in guards)
    found = 0
    for proc in portal_procedures:
        pv = ProcView(proc)
        for guard in guards:
            want = any(guard.regex.search(pv.view(c).canon) for c in proc.components)
            assert guard._search_procedure(pv) == want, (proc.id, guard.regex.pattern)
            found += want
    assert found > 0


def test_no_gate_literal_holds_the_join():
    assert matchers._JOIN not in "".join(lit for cr in ENGINE.rules for g in cr.guards for lit in g.gate or ())
