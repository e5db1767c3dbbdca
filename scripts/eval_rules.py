"""Precision / recall per rule on the hand-labelled portal records (and real decisions).

Labels: tests/labelled/rules/portal.jsonl, one record per line: the portal record, the
rules checked on it, and the rules that must fire (with the evidence phrase read in the
text). Scoring is per (record, rule): a rule firing anywhere in the record on a labelled
positive is a true positive. Run:

    .venv/bin/python scripts/eval_rules.py [--as-of 2026-06-30] [--json] [--split blind]

``--split blind`` scores the independent second labelling (tests/labelled/rules/portal_blind.jsonl):
its ``positives`` are the adjudicated ones; ``blind_positives`` keeps what the reviewer wrote
where the adjudication differs, and ``doubtful`` entries are not scored. ``--split blind2`` …
``blind10`` score later blind rounds of the same kind on other rules (``BLIND_ROUNDS`` below:
which file, which rules); ``--split documents`` … ``documents3`` blind labels of the
procedures in three real decisions, read through ingest and extraction; ``--split external
--external DIR`` labels of a real decision that is not in ../shared (Bình Thuận QĐ 1766/2020,
whose public copy tests/labelled/rules/README.md names), read from DIR.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tthc_pipeline.rules.check_inputs import load_file  # noqa: E402
from tthc_pipeline.rules.engine import Engine  # noqa: E402
from tthc_pipeline.text.normalize import fold  # noqa: E402

LABEL_DIR = ROOT / "tests" / "labelled" / "rules"
LABELS = LABEL_DIR / "portal.jsonl"  # dev split: 170 records, guards were tuned on it
HELDOUT = LABEL_DIR / "portal_heldout.jsonl"  # the other 169 records, labelled after tuning
# The blind rounds on all 339 records, by reviewers who saw neither the labels above, each
# other's, nor the tool's output (see each file's "audit" fields, tests/labelled/rules/README.md
# and the project README): --split name -> (label file, what the round judged)
BLIND_ROUNDS = {
    "blind": ("portal_blind.jsonl", "the independent second labelling, 16 rules"),
    "blind2": ("portal_blind2.jsonl", "CC003, CT004, HS007, HS009, HS011, HS012, HS013"),
    "blind3": ("portal_blind3.jsonl", "CC001, CC002, TH001, TH002, PL002, with the registry's statuses"),
    "blind4": ("portal_blind4.jsonl", "CQ004"),
    "blind5": ("portal_blind5.jsonl", "HS008, HS009, HS010, HS011 again"),
    "blind6": ("portal_blind6.jsonl", "the stable BP001, CQ001, HS003, HS005, HS010 again"),
    "blind7": ("portal_blind7.jsonl", "CT001, CT003, CT004, HS007, TH003 again"),
    "blind8": ("portal_blind8.jsonl", "CQ003, HS002, HS004, HS014, PL001 again"),
    "blind9": ("portal_blind9.jsonl", "CC003, CC004, PL002, TH001, TH002 again"),
    "blind10": ("portal_blind10.jsonl", "CC001, CC002, CQ002, HS001, HS006 again, with the registry's files"),
}
BLIND = LABEL_DIR / BLIND_ROUNDS["blind"][0]
# the procedures of three real decisions (a Gia Lai decision of 2011, a Hà Giang announcement of
# 2022, a portal export as PDF), judged blind and scored end to end, after ingest and extraction
DOCUMENT_ROUNDS = {
    "documents": ("documents_blind.jsonl", "the first round's 16 rules"),
    "documents2": ("documents_blind2.jsonl", "13 more rules"),
    "documents3": ("documents_blind3.jsonl", "CQ004"),
}
DOCUMENTS, DOCUMENTS2, DOCUMENTS3 = (LABEL_DIR / f for f, _ in DOCUMENT_ROUNDS.values())
# real decisions that are not in ../shared (their sources name the public copy: see
# tests/labelled/rules/README.md); ``--external DIR`` (or $TTHC_EXTERNAL_DATA) holds the file a
# label's "external:NAME" source names, fetched by whoever runs the split
EXTERNAL_ROUNDS = {
    "external": ("documents_external_qd1766.jsonl",
                 "CT002 on the 71 rows of Bình Thuận QĐ 1766/2020 (its \"Mức độ DVC\" column)"),
}
# the label files of each --split
SPLITS = {"dev": [LABELS], "heldout": [HELDOUT], "all": [LABELS, HELDOUT],
          **{name: [LABEL_DIR / f] for name, (f, _) in {**BLIND_ROUNDS, **DOCUMENT_ROUNDS, **EXTERNAL_ROUNDS}.items()}}
REALDATA = ROOT.parent / "shared" / "realdata"
STABLE_PRECISION, STABLE_RECALL = 0.95, 0.90


_COUNTS = ("tp", "fp", "fn", "tn", "doubtful", "copies")


def _new_stats() -> dict:
    return {**dict.fromkeys(_COUNTS, 0), "fp_codes": [], "fn_codes": []}


def _finish(s: dict) -> None:
    """Precision, recall and the number of scored records from the counts."""
    s["precision"] = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else None
    s["recall"] = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else None
    s["records"] = s["tp"] + s["fp"] + s["fn"] + s["tn"]


def _source(name: str, realdata: Path, external: Path | None) -> Path:
    """The file a label's ``source`` names: a path under ../shared/realdata, or "external:NAME"
    in the ``--external`` folder."""
    if name.startswith("external:"):
        if external is None:
            raise FileNotFoundError(f"{name}: not in ../shared; pass the folder that holds it (--external)")
        return external / name.partition(":")[2]
    return realdata / name


def evaluate(as_of: date, labels: Path = LABELS, realdata: Path = REALDATA,
             scored: set[tuple[str, str]] | None = None, as_written: bool = False,
             external: Path | None = None) -> dict[str, dict]:
    """Per-rule counts on one label file. ``scored``: the (page, rule) pairs already scored,
    shared by the files of one split (the dev and held-out files split the 339 records).
    ``as_written``: score a blind round against what its reviewers wrote (``blind_positives``
    where an adjudication changed it), not the adjudicated labels: the independent figure."""
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    rules = sorted({r for row in rows for r in row["rules_checked"]})
    # the whole catalogue, as `tthc check` runs it: a rule yields to a more specific one
    # (``superseded_by``) only when that one runs too; only the labelled rules are scored
    engine = Engine.from_dir(ROOT / "rules")
    registry = None
    if (ROOT / "corpus" / "registry").is_dir():
        try:  # the registry of legal documents (corpus/registry/*.yaml): the only source of statuses
            from tthc_pipeline.legal.registry import Registry

            registry = Registry.load(ROOT / "corpus")
        except ImportError:
            registry = None
    stats = {r: _new_stats() for r in rules}
    loaded: dict[str, list] = {}
    # (page, rule) pairs scored: a page crawled under several codes counts once per rule
    scored = set() if scored is None else scored
    for row in rows:
        if row["source"] not in loaded:  # a portal record, or a whole decision (ingest + extraction)
            loaded[row["source"]] = load_file(_source(row["source"], realdata, external))
        proc = _labelled_procedure(loaded[row["source"]], row)
        # a labelled procedure the extraction missed fires nothing: its positives are misses
        fired = {f.rule_id for f in engine.check([proc], as_of=as_of, registry=registry)} if proc else set()
        written = row.get("blind_positives") if as_written else None
        expected = {p["rule"] for p in (row["positives"] if written is None else written)}
        # what the labeller could not decide (the blind set's "doubtful") is not scored
        undecided = {p["rule"] for p in row.get("doubtful", [])} - expected
        page = _page_key(proc) if proc is not None else None
        for rule in row["rules_checked"]:
            s = stats[rule]
            if rule in undecided:
                s["doubtful"] += 1
                continue
            if page is not None:
                # 16 portal files are nine and seven copies of two pages: one page's findings
                # would count up to nine times; the first copy with a decided label is scored
                if (page, rule) in scored:
                    s["copies"] += 1
                    continue
                scored.add((page, rule))
            if rule in fired and rule in expected:
                s["tp"] += 1
            elif rule in fired:
                s["fp"] += 1
                s["fp_codes"].append(row["code"] or row.get("name", "")[:40])
            elif rule in expected:
                s["fn"] += 1
                s["fn_codes"].append(row["code"] or row.get("name", "")[:40])
            else:
                s["tn"] += 1
    for s in stats.values():
        _finish(s)
    return stats


def _page_key(proc) -> str:
    """What a procedure says, as a key: two files are copies of one page when their name and
    component texts are the same (the codes differ; two provinces' pages under one national
    code, which say different things, are two pages)."""
    content = (proc.name, sorted((k, v.text) for k, v in proc.components.items()))
    return hashlib.sha256(repr(content).encode("utf-8", "surrogatepass")).hexdigest()


def _labelled_procedure(procs: list, row: dict):
    """The procedure of a source file a label row is about: the only one of a portal record,
    else (a decision announcing several) the one with the row's code, or its name."""
    if len(procs) == 1 and not row.get("name"):
        return procs[0]
    if row.get("code"):
        found = [p for p in procs if p.code == row["code"]]
        if found:
            return found[0]
    name = fold(" ".join((row.get("name") or "").split()))
    found = [p for p in procs if name and fold(" ".join((p.name or "").split())) == name]
    return found[0] if found else (procs[0] if len(procs) == 1 else None)


def merge(parts: list[dict[str, dict]]) -> dict[str, dict]:
    """Sum per-rule counts over label files and recompute precision/recall."""
    out: dict[str, dict] = {}
    for part in parts:
        for rule, s in part.items():
            t = out.setdefault(rule, _new_stats())
            for k in _COUNTS:
                t[k] += s[k]
            t["fp_codes"] += s["fp_codes"]
            t["fn_codes"] += s["fn_codes"]
    for t in out.values():
        _finish(t)
    return out


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--as-of", default="2026-06-30")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--as-written", action="store_true",
                    help="score a blind round against what its reviewers wrote, before adjudication (the independent figure)")
    rounds = "; ".join(f"{name}: {what}" for name, (_, what) in {**BLIND_ROUNDS, **DOCUMENT_ROUNDS, **EXTERNAL_ROUNDS}.items())
    ap.add_argument("--split", choices=list(SPLITS), default="all",
                    help=f"dev, heldout, all (both: the 339 records), or a blind round ({rounds})")
    ap.add_argument("--external", type=Path, default=os.environ.get("TTHC_EXTERNAL_DATA"),
                    help="folder holding the documents of an external split (default $TTHC_EXTERNAL_DATA)")
    args = ap.parse_args(argv)
    if not REALDATA.is_dir():
        print("../shared/realdata not present", file=sys.stderr)
        return 2
    splits = SPLITS[args.split]
    external = Path(args.external) if args.external else None
    sources = {json.loads(line)["source"] for p in splits for line in p.read_text(encoding="utf-8").splitlines() if line.strip()}
    missing = sorted(name for name in sources if name.startswith("external:")
                     and (external is None or not _source(name, REALDATA, external).is_file()))
    if missing:
        print(f"split {args.split} reads documents that are not in ../shared: {', '.join(missing)}; fetch them "
              "(tests/labelled/rules/README.md says from where) into a folder and pass --external FOLDER", file=sys.stderr)
        return 2
    scored: set[tuple[str, str]] = set()
    stats = merge([evaluate(date.fromisoformat(args.as_of), labels=p, scored=scored, as_written=args.as_written,
                            external=external)
                   for p in splits])
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    written_note = ""
    if args.as_written:
        differs = any('"blind_positives"' in p.read_text(encoding="utf-8") for p in splits)
        written_note = (", as the reviewers wrote it" if differs else
                        ", as the reviewers wrote it (no adjudication changed a label here: the same figures)")
    print(f"split: {args.split} ({', '.join(p.name for p in splits)}){written_note}; records that are copies of a page "
          "already scored (crawled under another code) are not scored again ('copies')")
    print(f"{'rule':6} {'records':>7} {'pos':>4} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}  gate"
          + ("  (records: scored; doubtful ones apart)" if any(s["doubtful"] for s in stats.values()) else ""))
    for rule, s in stats.items():
        pos = s["tp"] + s["fn"]
        p_ok = s["precision"] is None or s["precision"] >= STABLE_PRECISION
        r_ok = s["recall"] is None or s["recall"] >= STABLE_RECALL
        gate = "ok" if p_ok and r_ok else "FAIL"
        if pos == 0:
            gate += " (no positives: precision on negatives only)"
        print(f"{rule:6} {s['records']:7} {pos:4} {s['tp']:4} {s['fp']:4} {s['fn']:4} {_fmt(s['precision'])} {_fmt(s['recall'])}  {gate}"
              + (f"  doubtful {s['doubtful']}" if s["doubtful"] else "")
              + (f"  copies {s['copies']}" if s["copies"] else "")
              + (f"  FP {s['fp_codes']}" if s["fp_codes"] else "") + (f"  FN {s['fn_codes']}" if s["fn_codes"] else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
