"""Precision / recall of the registry's learning (``tthc corpus add``) on the real regulations.

Labels: tests/labelled/registry/regulations.jsonl, one regulation of ../shared/realdata per
line, labelled by reviewers who read the text and saw no output of the learner: its own
number, its effective date, and the relations it creates (replaces / repeals / expires /
amends another document, with the date and, for a repeal, whether it is partial). Scoring:
a relation is found when the learner gives the same (type, target); it is exact when the
date and, for a repeal, whole-or-partial agree too (a whole repeal learned for a partial one
would mark a document repealed that is still in force). Then, against
tests/labelled/registry/clauses.jsonl (five of them, labelled blind clause by clause), the
clauses learned as amended and as repealed, each clause scored exactly. Run (scans are
OCR'd: ~2 min; --no-ocr skips them):

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
# which clauses five of them amend or repeal, labelled blind too (clause-level scoring)
CLAUSE_LABELS = ROOT / "tests" / "labelled" / "registry" / "clauses.jsonl"
REALDATA = ROOT.parent / "shared" / "realdata"
TYPES = ("replaces", "repeals", "expires", "amends")


def learned(path: Path) -> dict:
    """What the learner reads from one regulation: id, effective date, relations."""
    entry = relations_from_ingest(ingest_file(path))
    return {
        "id": entry.id,
        "effective": entry.effective,
        "relations": {(r.type, r.target): {"date": r.date, "partial": bool(r.articles) if r.type == "repeals" else None,
                                           "articles": r.articles}
                      for r in entry.relations},
    }


def evaluate(rows: list[dict], realdata: Path = REALDATA, ocr: bool = True, cache: dict | None = None) -> dict:
    """Counts per relation type and for the documents' own facts, with the differences.
    ``cache``: what was learned per source, filled here (``evaluate_clauses`` reuses it)."""
    per_type = {t: {"tp": 0, "fp": 0, "fn": 0, "exact": 0} for t in TYPES}
    own = {"documents": 0, "id_ok": 0, "effective_ok": 0}
    differences: list[str] = []
    for row in rows:
        if not ocr and row.get("scan"):
            continue
        got = learned(realdata / row["source"])
        if cache is not None:
            cache[row["source"]] = got
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


def _clause(a: dict) -> tuple:
    """A clause as a comparable key: "04" and "4" are one number."""
    return tuple((k, str(a[k]).lstrip("0") or "0") for k in ("dieu", "khoan", "diem") if a.get(k))


def _clause_vi(key: tuple) -> str:
    return " ".join(f"{k} {v}" for k, v in reversed(key))


def evaluate_clauses(rows: list[dict], realdata: Path = REALDATA, skip: set[str] | None = None,
                     cache: dict | None = None) -> dict:
    """Clause-level counts against tests/labelled/registry/clauses.jsonl: for each (regulation,
    target), the clauses learned as amended (the ``amends`` relation's articles) and as
    repealed (``repeals``), each clause scored exactly (điều, khoản, điểm). A row whose scope
    is "amended only" scores no repeals. ``skip``: sources left out (the scans, without OCR)."""
    counts = {kind: {"tp": 0, "fp": 0, "fn": 0} for kind in ("amended", "repealed")}
    differences: list[str] = []
    cache = {} if cache is None else cache
    for row in rows:
        if skip and row["source"] in skip:
            continue
        if row["source"] not in cache:
            cache[row["source"]] = learned(realdata / row["source"])
        got = cache[row["source"]]["relations"]
        for kind, rel_type in (("amended", "amends"), ("repealed", "repeals")):
            if kind == "repealed" and row.get("scope") == "amended only":
                continue
            want = {_clause(a) for a in row[kind]}
            have = {_clause(a) for a in (got.get((rel_type, row["target"])) or {}).get("articles", [])}
            c = counts[kind]
            c["tp"] += len(want & have)
            c["fp"] += len(have - want)
            c["fn"] += len(want - have)
            for label, keys in (("extra", have - want), ("missed", want - have)):
                if keys:
                    differences.append(f"{row['regulation']} → {row['target']} {kind}, {label}: "
                                       + "; ".join(_clause_vi(k) for k in sorted(keys)))
    return {"per_kind": counts, "differences": differences}


def summary(counts: dict) -> dict:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "exact": counts["exact"] / tp if tp and "exact" in counts else None,
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
    cache: dict = {}
    result = evaluate(rows, ocr=not args.no_ocr, cache=cache)
    total = {k: sum(c[k] for c in result["per_type"].values()) for k in ("tp", "fp", "fn", "exact")}
    clause_rows = [json.loads(line) for line in CLAUSE_LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    scans = {r["source"] for r in rows if r.get("scan")} if args.no_ocr else set()
    clauses = evaluate_clauses(clause_rows, skip=scans, cache=cache)
    if args.json:
        print(json.dumps({**result, "total": {**total, **summary(total)}, "clauses": clauses},
                         ensure_ascii=False, indent=2))
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
    print(f"clauses ({len(clause_rows)} regulation-target pairs, {CLAUSE_LABELS.name})")
    print("kind      labelled found  tp  fp  fn  prec recall")
    for kind, c in clauses["per_kind"].items():
        s = summary(c)
        print(f"{kind:9} {c['tp'] + c['fn']:8} {c['tp'] + c['fp']:5} {c['tp']:3} {c['fp']:3} {c['fn']:3} "
              f"{_fmt(s['precision'])} {_fmt(s['recall'])}")
    for line in clauses["differences"]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
