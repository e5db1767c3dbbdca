"""Print precision/recall of the legal-citation extractor on the labelled real-data set.

Usage: python scripts/eval_citations.py [--realdata PATH] [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tthc_pipeline.legal.eval_set import evaluate, expected_count


def main() -> int:
    default = Path(__file__).resolve().parents[2] / "shared" / "realdata"
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--realdata", type=Path, default=default)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case's citations")
    args = ap.parse_args()
    if not args.realdata.is_dir():
        print(f"realdata not found: {args.realdata}")
        return 2
    precision, recall, results = evaluate(args.realdata)
    for r in results:
        where = r.case.key or r.case.lines or r.case.pages or r.case.paragraphs
        flag = "OK " if not r.missed and not r.spurious else "ERR"
        print(f"{flag} {r.case.source} {where}: {r.true_positives}/{len(r.case.expected)} expected, {len(r.got)} found")
        if r.missed:
            print(f"    missed:   {r.missed}")
        if r.spurious:
            print(f"    spurious: {r.spurious}")
        if args.verbose:
            for k in r.got:
                print(f"    - {k}")
    print(f"\n{len(results)} cases, {expected_count()} labelled citations: precision {precision:.3f}, recall {recall:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
