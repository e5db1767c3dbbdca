"""Throughput of the whole rule catalogue on the portal records replicated to N procedures.

Parsing (JSON → Procedure), compiling the catalogue and loading the registry of legal
documents (the repository's corpus/registry, as ``tthc check`` does) happen before timing; the
timed part is ``Engine.check`` on fresh Procedure objects (no matching text or result carried
over between copies: each copy is checked from its raw text, held in string objects of its
own, see ``_fresh``). Single process, so the number
is per core; the machine is shared, so the load average is printed. ``--no-prescan`` times the
engine without its RE2 prescan (same findings); ``TTHC_NO_NATIVE=1`` times the Python
``canon()`` instead of the compiled one, ``TTHC_NO_HYPERSCAN=1`` the prescan's RE2 sets instead
of Hyperscan (rules/prescan_hyperscan.py), ``TTHC_NO_COMPILED=1`` the Python rule modules
instead of their compiled builds (tthc_pipeline/_compiled.py). A first run over the 339 distinct records
with the fresh engine is timed too (RE2 builds its automaton states then). ``--by-rule`` adds
the time of each stage (the prescan, each rule with its guards and findings) per procedure.
Wall-clock figures drift on a shared machine; ``bench_rules_ir.py`` counts instructions per
procedure check instead (deterministic) to compare two commits. The best and the median of the
timed runs are printed (each run starts with the last one's findings freed). Run (≤ ~1 min):

    .venv/bin/python scripts/bench_rules.py [--n 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import dataclasses
import os
import pstats
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tthc_pipeline.rules.builtins import default_registry  # noqa: E402
from tthc_pipeline.rules.check_inputs import load_procedures  # noqa: E402
from tthc_pipeline.rules.engine import Engine  # noqa: E402
from tthc_pipeline import _compiled  # noqa: E402
from tthc_pipeline.text import normalize  # noqa: E402

PORTAL = ROOT.parent / "shared" / "realdata" / "portal-json" / "bo-cong-an"


def _fresh(obj):
    """A deep copy in which every string is a new object too.

    ``copy.deepcopy`` shares strings (they are immutable), so the copies of one record would
    share their text objects, and any cache keyed on a text object would serve the copies of
    a record from the first: work a run over distinct procedures does for each."""
    if isinstance(obj, str):
        return obj.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass") if obj else obj  # equal, not the same object
    if isinstance(obj, list):
        return [_fresh(x) for x in obj]
    if isinstance(obj, tuple):
        return tuple(_fresh(x) for x in obj)
    if isinstance(obj, dict):
        return {_fresh(k): _fresh(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        clone = copy.copy(obj)
        for f in dataclasses.fields(obj):
            setattr(clone, f.name, _fresh(getattr(obj, f.name)))
        return clone
    return copy.deepcopy(obj)


def replicate(procs: list, n: int) -> list:
    """``n`` copies of ``procs`` in turn, each with its own id and its own string objects."""
    out = []
    i = 0
    while len(out) < n:
        p = _fresh(procs[i % len(procs)])
        p.id = f"{p.id}#{i}"  # distinct identities, like procedures from many provinces
        out.append(p)
        i += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-set-rules", action="store_true", help="exclude TR001 (cross-procedure)")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile the timed runs (env PSORT: sort key, default tottime; PN: rows, default 25)")
    ap.add_argument("--no-prescan", action="store_true", help="run every rule on every component")
    ap.add_argument("--by-rule", action="store_true",
                    help="also print µs per procedure by stage (the prescan, each rule), from the fastest run")
    args = ap.parse_args(argv)
    if not PORTAL.is_dir():
        print("../shared/realdata not present", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    base = load_procedures([PORTAL])
    t_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = Engine.from_dir(ignore=["TR001"] if args.skip_set_rules else None, prescan=not args.no_prescan)
    registry = default_registry()
    t_setup = time.perf_counter() - t0
    n_rules = len(engine.rules)
    chars = sum(len(s.text) for p in base for s in p.components.values()) / len(base)
    print(f"{len(base)} records parsed in {t_parse:.2f}s; {n_rules} rules and {len(registry)} registry documents "
          f"loaded in {t_setup:.2f}s; prescan "
          f"{'/'.join(sorted(set(engine.prescan.backends.values()))) if engine.prescan is not None else 'off'}; "
          f"canon {'compiled' if normalize.NATIVE else 'Python'}; "
          f"rule modules {_compiled.summary()}; "
          f"mean {chars:.0f} chars/procedure")
    # The replicated runs reuse RE2's automaton states built on the first copies (as a long
    # run over many similar procedures does); a first run over distinct texts pays for
    # building them. Timed here on the 339 distinct records with the fresh engine.
    first = copy.deepcopy(base)
    t0 = time.perf_counter()
    engine.check(first, as_of=date(2026, 6, 30), registry=registry)
    cold = time.perf_counter() - t0
    print(f"  first run, {len(base)} distinct records, fresh engine: {len(base) / cold:,.0f} procedures/s")
    best = best_cpu = None
    walls: list[float] = []
    best_stages: dict[str, float] = {}
    findings: list = []
    for _ in range(args.repeat):
        # the last run's findings and copies are freed here, not inside the next timed run
        # (rebinding ``findings`` after the check freed its ~15,000 findings in the timing:
        # each repeat read ~5 % slower than the one before)
        findings = procs = []
        procs = replicate(base, args.n)
        stages: dict[str, float] | None = {} if args.by_rule else None
        t0, c0 = time.perf_counter(), time.process_time()
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
        findings = engine.check(procs, as_of=date(2026, 6, 30), registry=registry, timings=stages)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        if stages is not None and (best is None or dt < best):
            best_stages = stages
        if args.profile:
            prof.disable()
            pstats.Stats(prof).sort_stats(os.environ.get("PSORT", "tottime")).print_stats(int(os.environ.get("PN", "25")))
        best = dt if best is None else min(best, dt)
        walls.append(dt)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        print(f"  {args.n} procedures: {dt:.2f}s wall, {cpu:.2f}s CPU, {len(findings)} findings")
    rate = args.n / best
    print(f"best: {rate:,.0f} procedures/s per core (whole catalogue, wall), "
          f"{args.n / best_cpu:,.0f}/s by CPU time (less sensitive to other load); "
          f"{rate * n_rules:,.0f} rule evaluations/s per core")
    print(f"median: {args.n / statistics.median(walls):,.0f} procedures/s per core over {len(walls)} runs")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (the machine is shared: compare runs at similar load)")
    if best_stages:
        print("µs per procedure by stage (fastest run):")
        for stage, seconds in sorted(best_stages.items(), key=lambda kv: -kv[1]):
            print(f"  {stage:8} {seconds / args.n * 1e6:7.1f}")
        rest = best - sum(best_stages.values())
        print(f"  {'rest':8} {rest / args.n * 1e6:7.1f} (dropping superseded findings, freeing the run's views)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
