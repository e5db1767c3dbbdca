"""Findings: what a rule reports about one procedure, with a rescan-stable fingerprint.

The fingerprint hashes the rule id, the procedure id, the component and the canonical,
space-squeezed evidence quote, never offsets or line numbers, so a finding keeps its
identity when the text around it moves (SARIF/detekt-style baselines). The same quote in
another dossier item of a ``per_item`` rule adds the item's ordinal among those items (as
GitHub code scanning numbers identical line hashes), so each paper keeps its own finding.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from tthc_pipeline.text.normalize import canon


def quote_key(quote: str) -> str:
    r"""The quote as fingerprints read it: canon form, whitespace runs squeezed to one space,
    ends stripped (``re.sub(r"\s+", " ", …).strip()`` as first written: str.split and the
    regex's \s share one whitespace test, so stored fingerprints are unchanged, see
    tests/test_rules_engine.py; 2x faster). The split and join are skipped where they
    would give the canon text back (``single_spaced``: 95 % of the quotes, 2.4 a check)."""
    key = canon(quote)
    return key if single_spaced(key) else " ".join(key.split())


def single_spaced(words: str) -> bool:
    """Are ``words`` already as ``" ".join(words.split())`` gives them (no space at either
    end, no two in a row, no other whitespace)? Then the split and join can be skipped:
    for a procedure name (~120 characters, ~25 words) they cost ~19,000 instructions, this
    test ~6,000. ``str.isprintable`` is false for every character ``str.split`` splits at
    but the ASCII space (all are control characters or Unicode separators;
    tests/test_rules_speed_equivalence.py checks every code point), so the only whitespace
    left is single spaces between words."""
    return words.isprintable() and "  " not in words and words[:1] != " " and words[-1:] != " "


def fingerprint(rule_id: str, procedure_id: str, component: str, quote: str, occurrence: int = 0) -> str:
    """``occurrence``: for a rule reported per dossier item (``report: per_item``), the
    ordinal of the item among those of the dossier with the same quote; the first (0) hashes
    as before, so its fingerprint does not change when a second such item appears. When an
    earlier such item is removed, the next one takes its ordinal and so its identity (as
    GitHub code scanning's numbered line hashes do)."""
    return digest(payload(rule_id, procedure_id, component, quote_key(quote), occurrence))


def payload(rule_id: str, procedure_id: str, component: str, key: str, occurrence: int = 0) -> str:
    """What a fingerprint hashes (``key``: the quote's ``quote_key``). Two hits have the same
    fingerprint exactly when they have the same payload (the hash is a function of it, and
    no SHA-256 collision is known), so the engine tells repeats apart by payload and hashes
    only the findings it builds (~8,700 instructions a hash, a third of the hits repeat)."""
    text = "\x1f".join((rule_id, procedure_id, component, key))
    if occurrence:
        text += f"\x1f#{occurrence}"
    return text


def digest(payload: str) -> str:
    """The fingerprint of a ``payload``."""
    # surrogatepass: a lone surrogate in text that bypassed clean() still hashes (stably)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


# Evidence and Finding: ``__init__`` written out and slots, as for matchers.Hit (the
# dataclass's generated ``__init__`` is run by the interpreter even in the compiled module;
# one allocation an object, no instance dictionary)


@dataclass(init=False, slots=True)
class Evidence:
    quote: str  # cut from the original component text
    start: int  # offsets in the component text
    end: int
    context: str  # the sentence / dossier item around the quote
    prov: dict[str, Any]

    def __init__(self, quote: str, start: int, end: int, context: str = "", prov: dict[str, Any] | None = None) -> None:
        self.quote = quote
        self.start = start
        self.end = end
        self.context = context
        self.prov = {} if prov is None else prov


@dataclass(init=False, slots=True)
class Finding:
    rule_id: str
    rule_name: str
    procedure_id: str
    procedure_code: str | None
    procedure_name: str
    component: str
    component_vi: str
    evidence: Evidence
    severity: str
    category: str
    message: str
    recommendation: dict[str, str]
    legal_basis: list[dict[str, Any]]
    confidence: str
    status: str
    fingerprint: str
    cost_delta: dict[str, float]

    def __init__(self, rule_id: str, rule_name: str, procedure_id: str, procedure_code: str | None,
                 procedure_name: str, component: str, component_vi: str, evidence: Evidence, severity: str,
                 category: str, message: str, recommendation: dict[str, str], legal_basis: list[dict[str, Any]],
                 confidence: str, status: str, fingerprint: str, cost_delta: dict[str, float] | None = None) -> None:
        self.rule_id = rule_id
        self.rule_name = rule_name
        self.procedure_id = procedure_id
        self.procedure_code = procedure_code
        self.procedure_name = procedure_name
        self.component = component
        self.component_vi = component_vi
        self.evidence = evidence
        self.severity = severity
        self.category = category
        self.message = message
        self.recommendation = recommendation
        self.legal_basis = legal_basis
        self.confidence = confidence
        self.status = status
        self.fingerprint = fingerprint
        self.cost_delta = {} if cost_delta is None else cost_delta

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
