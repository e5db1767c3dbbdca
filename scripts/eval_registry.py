"""Precision / recall of the registry's learning (``tthc corpus add``) on the real regulations.

Labels: tests/labelled/registry/regulations.jsonl, one regulation of ../shared/realdata per
line, labelled by reviewers who read the text and saw no output of the learner: its own
number, its effective date, and the relations it creates (replaces / repeals / expires /
amends another document, with the date and, for a repeal, whether it is partial). Scoring:
a relation is found when the learner gives the same (type, target); it is exact when the
date and, for a repeal, whole-or-partial agree too (a whole repeal learned for a partial one
would mark a document repealed that is still in force). Run (scans are OCR'd: ~2 min; --no-ocr
skips them):

    .venv/bin/python scripts/eval_registry.py [--no-ocr] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tthc_pipeline.ingest.runner import ingest_file  # noqa: E402
from tthc_pipeline.legal.relations import UNNUMBERED_PREFIX, relations_from_ingest  # noqa: E402

LABELS = ROOT / "tests" / "labelled" / "registry" / "regulations.jsonl"
REALDATA = ROOT.parent / "shared" / "realdata"
TYPES = ("replaces", "repeals", "expires", "amends")


def learned(path: Path) -> dict:
    """What the learner reads from one regulation: id, effective date, relations."""
    entry = relations_from_ingest(ingest_file(path))
    return {
        "id": entry.id,
        "effective": entry.effective,
        "relations": {(r.type, r.target): {"date": r.date, "partial": bool(r.articles) if r.type == "repeals" else None}
                      for r in entry.relations},
    }


def evaluate(rows: list[dict], realdata: Path = REALDATA, ocr: bool = True) -> dict:
    """Counts per relation type and for the documents' own facts, with the differences."""
    per_type = {t: {"tp": 0, "fp": 0, "fn": 0, "exact": 0} for t in TYPES}
    own = {"documents": 0, "id_ok": 0, "effective_ok": 0}
    differences: list[str] = []
    for row in rows:
        if not ocr and row.get("scan"):
            continue
        got = learned(realdata / row["source"])
        own["documents"] += 1
        id_ok = got["id"] == row["id"] or (row["id"] is None and got["id"].startswith(UNNUMBERED_PREFIX))
        own["id_ok"] += id_ok
        own["effective_ok"] += got["effective"] == row["effective"]
        if not id_ok:
            differences.append(f"{row['source']}: id {got['id']} (label {row['id']})")
        if got["effective"] != row["effective"]:
            differences.append(f"{row['source']}: effective {got['effective']} (label {row['effective']})")
        expected = {(r["type"], r["target"]): r for r in row["relations"]}
        for key, rel in expected.items():
            stats = per_type[key[0]]
            if key not in got["relations"]:
                stats["fn"] += 1
                differences.append(f"{row['source']}: missed {key[0]} {key[1]}")
                continue
            stats["tp"] += 1
            mine = got["relations"][key]
            if mine["date"] == rel["date"] and (key[0] != "repeals" or mine["partial"] == rel["partial"]):
                stats["exact"] += 1
            else:
                differences.append(f"{row['source']}: {key[0]} {key[1]} learned {mine} (label date {rel['date']}, "
                                   f"partial {rel.get('partial')})")
        for key in got["relations"].keys() - expected.keys():
            per_type[key[0]]["fp"] += 1
            differences.append(f"{row['source']}: extra {key[0]} {key[1]}")
    return {"per_type": per_type, "own": own, "differences": differences}


def summary(counts: dict) -> dict:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "exact": counts["exact"] / tp if tp else None,
    }


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-ocr", action="store_true", help="skip the scanned regulations (OCR takes ~1.5 min)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not REALDATA.is_dir():
        print("../shared/realdata not present", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = evaluate(rows, ocr=not args.no_ocr)
    total = {k: sum(c[k] for c in result["per_type"].values()) for k in ("tp", "fp", "fn", "exact")}
    if args.json:
        print(json.dumps({**result, "total": {**total, **summary(total)}}, ensure_ascii=False, indent=2))
        return 0
    own = result["own"]
    print(f"{own['documents']} regulations: own number {own['id_ok']}/{own['documents']}, "
          f"effective date {own['effective_ok']}/{own['documents']}")
    print("type      labelled found  tp  fp  fn  prec recall exact(date, whole/partial)")
    for t, c in [*result["per_type"].items(), ("all", total)]:
        s = summary(c)
        print(f"{t:9} {c['tp'] + c['fn']:8} {c['tp'] + c['fp']:5} {c['tp']:3} {c['fp']:3} {c['fn']:3} "
              f"{_fmt(s['precision'])} {_fmt(s['recall'])} {_fmt(s['exact'])}")
    for line in result["differences"]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
