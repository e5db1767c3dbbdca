"""Field-level precision/recall of `tthc extract` against tests/labelled/extract/*.json.

Usage: python scripts/eval_extract.py [--realdata ../shared/realdata] [--json] [--errors] [--labels GLOB]
       python scripts/eval_extract.py --ocr [--ocr-cache /tmp/tthc-ocr-eval] [--ocr-clean] [--reuse-ocr] [--errors]

Each labelled file names a source under the realdata folder (a file, or a folder of portal
records with ``per_file``). Procedures are matched by code, else by normalised name. Per
field, items are compared as sets: TP = |pred ∩ gold|, FP = |pred − gold|, FN = |gold − pred|.
A field absent from a gold procedure is not scored. Procedure counts are scored per document.

``--ocr`` scores the same labels on image-only versions of the documents listed in
scripts/make_ocr_eval.py (built into the cache dir, OCR by ingest), per document too, with the
mean tesseract word confidence and timings. The ingest records are saved next to the PDFs.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

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


def _label_files(pattern: str) -> list[Path]:
    return sorted((ROOT / "tests" / "labelled" / "extract").glob(pattern))


def new_counts() -> dict:
    return defaultdict(lambda: [0, 0, 0])


def score_document(lab: dict, preds: list[dict], counts: dict, errors: list[dict], label_name: str,
                   docs: list | None = None) -> None:
    """Add one labelled document's TP/FP/FN to ``counts`` (and its errors to ``errors``).

    ``preds`` are procedure dicts (``Procedure.to_dict()``). The procedure count is scored
    when ``docs`` is given (documents, not per-file record folders).
    """
    if docs is not None:
        ok = len(preds) == lab["procedure_count"]
        docs.append((label_name, lab["procedure_count"], len(preds), ok))
        c = counts["procedure_count"]
        c[0 if ok else 1] += 1
        if not ok:
            c[2] += 1
    by_code = {p.get("code"): p for p in preds if p.get("code")}
    by_name = {_norm(p["name"]): p for p in preds}
    for g in lab["procedures"]:
        p = by_code.get(g.get("code")) if g.get("code") else None
        p = p or by_name.get(_norm(g.get("name", "")))
        if p is None:
            errors.append({"file": label_name, "procedure": g.get("code") or g.get("name"), "missing_procedure": True})
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
                    errors.append({"file": label_name, "procedure": g.get("code") or g.get("name"), "field": field,
                                   "pred": [d["name"] for d in p.get("dossier", [])], "gold": g["dossier"]})
            else:
                pv, gv = pred_values(p, field), gold_values(g, field)
                tp, fp, fn = len(pv & gv), len(pv - gv), len(gv - pv)
                if fp or fn:
                    errors.append({"file": label_name, "procedure": g.get("code") or g.get("name"), "field": field,
                                   "fp": sorted(map(str, pv - gv)), "fn": sorted(map(str, gv - pv))})
            c[0] += tp
            c[1] += fp
            c[2] += fn


def field_scores(counts: dict) -> dict[str, tuple[float, float]]:
    """{field: (precision, recall)}; an empty denominator scores 1.0."""
    out = {}
    for field, (tp, fp, fn) in counts.items():
        out[field] = (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)
    return out


def evaluate(realdata: Path, pattern: str = "*.json") -> dict:
    counts = new_counts()
    errors: list[dict] = []
    docs: list = []
    for lf in _label_files(pattern):
        lab = json.loads(lf.read_text(encoding="utf-8"))
        src = realdata / lab["source"]
        if lab.get("per_file"):
            preds = []
            for g in lab["procedures"]:
                preds.extend(extract_path(src / f"{g['code']}.json")["procedures"])
            score_document(lab, preds, counts, errors, lf.name)
        else:
            preds = extract_path(src)["procedures"]
            score_document(lab, preds, counts, errors, lf.name, docs)
    return {"fields": {k: v for k, v in counts.items()}, "documents": docs, "errors": errors}


def ocr_record(pdf: Path, cache: Path, reuse: bool = False) -> tuple[dict, float]:
    """Ingest record of an image-only PDF (OCR on), saved next to it; (record, seconds).

    With ``reuse`` a saved record newer than the PDF is loaded instead of OCR'ing again.
    """
    from tthc_pipeline.ingest.backends import IngestOptions
    from tthc_pipeline.ingest.runner import ingest_file

    saved = cache / f"{pdf.stem}.ingest.json"
    if reuse and saved.is_file() and saved.stat().st_mtime >= pdf.stat().st_mtime:
        return json.loads(saved.read_text(encoding="utf-8")), 0.0
    t0 = time.perf_counter()
    rec = ingest_file(pdf, IngestOptions(ocr=True))
    took = time.perf_counter() - t0
    saved.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return rec, took


def mean_ocr_confidence(rec: dict) -> float | None:
    confs = [p["ocr_confidence"] for p in rec.get("pages") or [] if p.get("ocr_confidence") is not None]
    return round(sum(confs) / len(confs), 2) if confs else None


def evaluate_ocr(realdata: Path, cache: Path, labels: list[str] | None = None, realism: bool = True,
                 reuse: bool = False) -> dict:
    """Same scoring, on image-only versions of the labelled documents (make_ocr_eval.py)."""
    from make_ocr_eval import OCR_CASES, build_case
    from tthc_pipeline.procedures.docrecord import ensure_structure
    from tthc_pipeline.procedures.extract import extract_from_record

    counts = new_counts()
    errors: list[dict] = []
    docs: list = []
    per_doc: dict[str, dict] = {}
    for name in labels or list(OCR_CASES):
        lab = json.loads((ROOT / "tests" / "labelled" / "extract" / name).read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        pdf = build_case(name, realdata, cache, realism=realism)
        t_build = time.perf_counter() - t0
        rec, t_ocr = ocr_record(pdf, cache, reuse)
        if rec.get("error"):
            raise RuntimeError(f"ingest failed on {pdf}: {rec['error']}")
        t0 = time.perf_counter()
        procs, _, kind = extract_from_record(ensure_structure(rec))
        preds = [p.to_dict() for p in procs]
        t_extract = time.perf_counter() - t0
        doc_counts = new_counts()
        score_document(lab, preds, doc_counts, [], name)
        score_document(lab, preds, counts, errors, name, docs)
        per_doc[name] = {
            "pdf": str(pdf), "kind": kind, "pages": len(rec.get("pages") or []),
            "ocr_pages": sum(1 for p in rec.get("pages") or [] if p.get("text_source") == "ocr"),
            "mean_ocr_confidence": mean_ocr_confidence(rec),
            "seconds": {"build": round(t_build, 1), "ingest_ocr": round(t_ocr, 1), "extract": round(t_extract, 2)},
            "fields": {k: v for k, v in doc_counts.items()},
        }
    return {"fields": {k: v for k, v in counts.items()}, "documents": docs, "errors": errors, "per_document": per_doc}


def print_table(fields: dict, indent: str = "") -> None:
    print(f"{indent}{'field':<16}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>9}")
    scores = field_scores(fields)
    for field, (tp, fp, fn) in fields.items():
        prec, rec = scores[field]
        print(f"{indent}{field:<16}{tp:>6}{fp:>6}{fn:>6}{prec:>11.3f}{rec:>9.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--realdata", default=str(ROOT.parent / "shared" / "realdata"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true", help="print every procedure/field with a FP or FN")
    ap.add_argument("--labels", default="*.json", help="glob of label files in tests/labelled/extract")
    ap.add_argument("--ocr", action="store_true",
                    help="score image-only versions of the OCR cases (scripts/make_ocr_eval.py) through ingest OCR")
    ap.add_argument("--ocr-cache", default="/tmp/tthc-ocr-eval", help="where --ocr builds and keeps its PDFs")
    ap.add_argument("--ocr-clean", action="store_true", help="--ocr without scan realism (blur/JPEG/rotation)")
    ap.add_argument("--reuse-ocr", action="store_true", help="--ocr: reuse saved ingest records (skip tesseract)")
    args = ap.parse_args()
    if args.ocr:
        from make_ocr_eval import OCR_CASES

        names = [n for n in OCR_CASES if fnmatch.fnmatch(n, args.labels)]
        res = evaluate_ocr(Path(args.realdata), Path(args.ocr_cache), names, not args.ocr_clean, args.reuse_ocr)
    else:
        res = evaluate(Path(args.realdata), args.labels)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    print_table(res["fields"])
    for name, gold, pred, ok in res["documents"]:
        print(f"  {name}: procedures gold={gold} pred={pred} {'OK' if ok else 'MISMATCH'}")
    for name, d in res.get("per_document", {}).items():
        print(f"\n{name}: {d['ocr_pages']}/{d['pages']} pages OCR'd, mean OCR confidence {d['mean_ocr_confidence']}, "
              f"extractor {d['kind']}, seconds {d['seconds']}")
        print_table(d["fields"], indent="  ")
    if args.errors:
        for e in res["errors"]:
            print(json.dumps(e, ensure_ascii=False))


if __name__ == "__main__":
    main()
