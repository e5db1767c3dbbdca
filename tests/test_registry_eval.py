"""The registry's learning against blind labels of the real regulations
(tests/labelled/registry/regulations.jsonl, scored by scripts/eval_registry.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
LABELS = ROOT / "tests" / "labelled" / "registry" / "regulations.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labels_are_complete_and_blind() -> None:
    rows = _rows()
    assert len(rows) == 14 and sum(len(r["relations"]) for r in rows) == 27
    for row in rows:
        assert row["audit"]["reviewer"].startswith("blind-reg-") and row["source"]
        for rel in row["relations"]:
            assert rel["type"] in ("replaces", "repeals", "expires", "amends") and rel["evidence"]
            assert (rel["partial"] is None) == (rel["type"] != "repeals")


@pytest.mark.realdata
def test_learning_matches_the_blind_labels_on_the_text_documents() -> None:
    """Every relation of the 12 regulations with a text layer, with its date and, for a
    repeal, whole or partial; their numbers and effective dates (the scans, OCR'd, are scored
    by the script and by tests/test_registry.py on their key pages)."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    sys.path.insert(0, str(ROOT / "scripts"))
    import eval_registry

    result = eval_registry.evaluate(_rows(), realdata=REALDATA, ocr=False)
    total = {k: sum(c[k] for c in result["per_type"].values()) for k in ("tp", "fp", "fn", "exact")}
    assert result["own"]["documents"] == 12
    assert (total["fp"], total["fn"]) == (0, 0), result["differences"]
    assert total["exact"] == total["tp"] == 22, result["differences"]
    assert result["own"]["id_ok"] == result["own"]["effective_ok"] == 12, result["differences"]


CLAUSES = ROOT / "tests" / "labelled" / "registry" / "clauses.jsonl"


@pytest.mark.realdata
def test_learned_clauses_match_the_blind_clause_labels_on_the_text_documents() -> None:
    """Clause by clause (tests/labelled/registry/clauses.jsonl, labelled blind): what NĐ
    55/2023, NĐ 168/2024, TT 24/2023 and Luật Căn cước 2023 amend and repeal, exactly (the
    scan TT 66/2023 is scored by the script: one clause behind "Điều ló" is dropped, not
    guessed)."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    sys.path.insert(0, str(ROOT / "scripts"))
    import eval_registry

    rows = [json.loads(line) for line in CLAUSES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(r["audit"]["labeller"].startswith("blind-") for r in rows)
    scans = {r["source"] for r in _rows() if r.get("scan")}
    result = eval_registry.evaluate_clauses(rows, realdata=REALDATA, skip=scans)
    amended, repealed = result["per_kind"]["amended"], result["per_kind"]["repealed"]
    assert (amended["tp"], repealed["tp"]) == (37, 10), result
    assert amended["fp"] == amended["fn"] == repealed["fp"] == repealed["fn"] == 0, result["differences"]
