"""Field-level precision/recall of `tthc extract` against tests/labelled/extract/*.json.

Usage: python scripts/eval_extract.py [--realdata ../shared/realdata] [--json] [--errors] [--labels GLOB]

Each labelled file names a source under the realdata folder (a file, or a folder of portal
records with ``per_file``). Procedures are matched by code, else by normalised name. Per
field, items are compared as sets: TP = |pred ∩ gold|, FP = |pred − gold|, FN = |gold − pred|.
A field absent from a gold procedure is not scored. Procedure counts are scored per document.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tthc_pipeline.procedures.extract import extract_path  # noqa: E402
from tthc_pipeline.text.normalize import normalize_for_match  # noqa: E402

FIELDS = ("name", "code", "change_type", "levels", "field", "time_limits", "fees", "agencies", "legal_basis", "dossier", "dossier_sets")


def _norm(s: str) -> str:
    return " ".join(normalize_for_match(s).split()).strip(" .;,")


def pred_values(p: dict, field: str) -> set:
    if field == "name":
        return {_norm(p["name"])}
    if field == "code":
        return {p.get("code")} if p.get("code") else set()
    if field in ("change_type", "field"):
        return {_norm(p[field])} if p.get(field) else set()
    if field == "levels":
        return {_norm(x) for x in p.get("levels", [])}
    if field == "time_limits":
        return {(float(t["value"]) if t.get("value") is not None else None, t.get("unit")) for t in p.get("time_limits", [])}
    if field == "fees":
        out = set()
        for f in p.get("fees", []):
            if f.get("free"):
                out.add("free")
            elif f.get("currency") not in (None, "VND"):
                out.add(f"{f['currency']}:{f.get('foreign_amount'):g}")
            elif f.get("amount") is not None:
                out.add(f["amount"])
        return out
    if field == "agencies":
        return {_norm(a["name"]) for a in p.get("agencies", []) if a.get("role") == "implementing"}
    if field == "legal_basis":
        # Labels list document numbers (the 'Mã văn bản' cells); a row whose code cell is not a
        # number ("... VIỆT NAM61") is emitted with number=None and is not scored.
        return {lb["number"] for lb in p.get("legal_basis", []) if lb.get("number")}
    if field == "dossier_sets":
        return {p["dossier_sets"]} if p.get("dossier_sets") is not None else set()
    raise KeyError(field)


def gold_values(g: dict, field: str) -> set:
    v = g[field]
    if field in ("name", "change_type", "field"):
        return {_norm(v)}
    if field == "code":
        return {v} if v else set()
    if field == "levels":
        return {_norm(x) for x in v}
    if field == "time_limits":
        return {(float(a) if a is not None else None, b) for a, b in v}
    if field == "agencies":
        return {_norm(x) for x in v}
    if field == "dossier_sets":
        return {v}
    return set(v)


def match_dossier(pred: list[dict], gold: list[str]) -> tuple[int, int, int]:
    names = [_norm(d["name"]) for d in pred]
    used: set[int] = set()
    tp = 0
    for g in map(_norm, gold):
        hit = next((i for i, n in enumerate(names) if i not in used and (n.startswith(g) or g in n)), None)
        if hit is not None:
            used.add(hit)
            tp += 1
    return tp, len(names) - tp, len(gold) - tp


def evaluate(realdata: Path, pattern: str = "*.json") -> dict:
    counts = defaultdict(lambda: [0, 0, 0])
    errors: list[dict] = []
    docs = []
    for lf in sorted((ROOT / "tests" / "labelled" / "extract").glob(pattern)):
        lab = json.loads(lf.read_text(encoding="utf-8"))
        src = realdata / lab["source"]
        if lab.get("per_file"):
            preds = []
            for g in lab["procedures"]:
                preds.extend(extract_path(src / f"{g['code']}.json")["procedures"])
        else:
            out = extract_path(src)
            preds = out["procedures"]
            ok = len(preds) == lab["procedure_count"]
            docs.append((lf.name, lab["procedure_count"], len(preds), ok))
            c = counts["procedure_count"]
            c[0 if ok else 1] += 1
            if not ok:
                c[2] += 1
        by_code = {p.get("code"): p for p in preds if p.get("code")}
        by_name = {_norm(p["name"]): p for p in preds}
        for g in lab["procedures"]:
            p = by_code.get(g.get("code")) if g.get("code") else None
            p = p or by_name.get(_norm(g.get("name", "")))
            for field in FIELDS:
                if field not in g:
                    continue
                c = counts[field]
                if p is None:
                    c[2] += len(gold_values(g, field)) if field != "dossier" else len(g[field])
                    continue
                if field == "dossier":
                    tp, fp, fn = match_dossier(p.get("dossier", []), g["dossier"])
                    if fp or fn:
                        errors.append({"file": lf.name, "procedure": g.get("code") or g.get("name"), "field": field,
                                       "pred": [d["name"] for d in p.get("dossier", [])], "gold": g["dossier"]})
                else:
                    pv, gv = pred_values(p, field), gold_values(g, field)
                    tp, fp, fn = len(pv & gv), len(pv - gv), len(gv - pv)
                    if fp or fn:
                        errors.append({"file": lf.name, "procedure": g.get("code") or g.get("name"), "field": field,
                                       "fp": sorted(map(str, pv - gv)), "fn": sorted(map(str, gv - pv))})
                c[0] += tp
                c[1] += fp
                c[2] += fn
    return {"fields": {k: v for k, v in counts.items()}, "documents": docs, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--realdata", default=str(ROOT.parent / "shared" / "realdata"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true", help="print every procedure/field with a FP or FN")
    ap.add_argument("--labels", default="*.json", help="glob of label files in tests/labelled/extract")
    args = ap.parse_args()
    res = evaluate(Path(args.realdata), args.labels)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    print(f"{'field':<16}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>9}")
    for field, (tp, fp, fn) in res["fields"].items():
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        print(f"{field:<16}{tp:>6}{fp:>6}{fn:>6}{prec:>11.3f}{rec:>9.3f}")
    for name, gold, pred, ok in res["documents"]:
        print(f"  {name}: procedures gold={gold} pred={pred} {'OK' if ok else 'MISMATCH'}")
    if args.errors:
        for e in res["errors"]:
            print(json.dumps(e, ensure_ascii=False))


if __name__ == "__main__":
    main()
