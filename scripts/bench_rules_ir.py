"""Instructions per procedure check (valgrind's callgrind): a speed measure that does not
drift with the load of a shared machine.

Wall-clock runs of ``bench_rules.py`` on the 2-core shared machine vary by ±15 % within an
hour, more than most single optimisations gain. The instruction count of the same code,
with a fixed hash seed, repeats to a few instructions in 2.4 million; changes elsewhere
(imports, memory layout: sets of objects hash by address, and CPython's type-attribute cache
is keyed by the addresses of interned names, so its collisions change with every build) move
it by 2–3 % (twenty-second session: the session's first and final code, whose changed
functions run ~22 k fewer instructions a check in a per-function profile, counted 1,142,527
and 1,149,938), so compare two commits with this same script and
trust differences above that; below it, compare the functions a change touches
(``--by-library``, or callgrind's per-function counts) and confirm with interleaved
wall-clock runs (this count ignores cache misses and branch prediction).

The portal records are parsed once here and pickled; two children then run under callgrind:
both load the catalogue and the registry, warm the engine on the 339 records and copy ``--n``
of them, and only one checks the copies. The difference divided by ``--n`` is the cost of a
procedure check. ~3 minutes for ``--n 300``.

    .venv/bin/python scripts/bench_rules_ir.py [--n 300] [--select HS009] [--by-library]
"""

from __future__ import annotations

import argparse
import compileall
import copy
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_rules import PORTAL, replicate  # noqa: E402 (scripts/ is on sys.path: run as a script)


def child(pickled: str, n: int, run: bool, select: list[str] | None = None) -> None:
    from tthc_pipeline.rules.builtins import default_registry
    from tthc_pipeline.rules.engine import Engine

    with open(pickled, "rb") as fh:
        base = pickle.load(fh)
    engine, registry = Engine.from_dir(select=select), default_registry()
    engine.check(copy.deepcopy(base), as_of=date(2026, 6, 30), registry=registry)  # warm, like bench_rules
    procs = replicate(base, n)  # bench_rules' copies: the same work in both benchmarks
    if run:
        engine.check(procs, as_of=date(2026, 6, 30), registry=registry)


def instructions(pickled: str, n: int, run: bool, select: str | None = None, out_file: str = "/dev/null") -> int:
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", sys.executable, __file__,
           "--child", pickled, "--n", str(n)] + (["--run"] if run else []) + (["--select", select] if select else [])
    # a fixed hash seed: set and dict orders (and so the instructions) repeat from run to run
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stderr
    m = re.search(r"Collected\s*:\s*([\d,]+)", out)
    if not m:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(m.group(1).replace(",", ""))


# Where the instructions of a check go, by the C function that executes them (callgrind sees
# C functions only: Python code shows up as the interpreter's loop and the C it calls). First
# matching group wins; patterns are searched in "file:function [object]" as callgrind_annotate
# prints it.
_GROUPS = [
    ("Python's regex engine (re: rule, guard and parser regexes)", r"sre_|_sre|\bpattern_|state_init|\bmatch_"),
    ("RE2 (the prescan)", r"re2|absl"),
    ("compiled text normaliser (_native.c)", r"_native"),
    ("rapidfuzz (HS009, TR001)", r"rapidfuzz"),
    ("fingerprints (SHA-256)", r"libcrypto|sha256|hashlib"),
    ("memory (allocation, reference counts, deallocation)", r"malloc|free|alloc|dealloc|_Py_NewReference|_GC_|GC_Del|GC_Link"
     r"|GC_UnTrack|_Py_Dealloc|memset"),
    ("dicts, sets, attributes", r"dict|set_|setiter|_PyType_Lookup|GenericGetAttr|siphash|lookdict|insertdict"),
    ("strings (search, slicing, UTF-8, case)", r"unicode|utf8|fastsearch|stringlib|_copy_characters|build_string|find_slice"
     r"|memcpy|memmove|memchr|str_|_PyBytes|bytes_"),
    ("interpreter and Python objects (bytecode, frames, calls, ints, tuples, lists)",
     r"_PyEval|_PyFrame|initialize_locals|vectorcall|_PyFunction|call_function|_Py_CheckFunctionResult|getargs"
     r"|convertitem|_PyArg_|BuildValue|PyLong|longobject|[Tt]uple|[Ll]ist|_PyTrash|PyObject_(IsTrue|GetAttr|GetIter"
     r"|RichCompare|Call)|_PyObject_MakeTpCall|PyNumber|abstract\.c|ThreadState|funcobject|typeobject|ceval|iter"),
]


def _self_costs(callgrind_file: str) -> dict[str, int]:
    """Instructions executed in each C function (its own, not its callees'), from callgrind_annotate."""
    out = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100", callgrind_file],
                         capture_output=True, text=True, check=True).stdout
    costs: dict[str, int] = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+(.+)$", line)
        if m and "PROGRAM TOTALS" not in line:
            costs[m.group(2)] = costs.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    return costs


def by_library(with_file: str, without_file: str, n: int) -> None:
    """Print the instructions of a check by group of C functions (the difference between the
    run that checks and the one that does not, per procedure)."""
    with_costs, without_costs = _self_costs(with_file), _self_costs(without_file)
    totals: dict[str, float] = {}
    for fn in set(with_costs) | set(without_costs):
        per = (with_costs.get(fn, 0) - without_costs.get(fn, 0)) / n
        group = next((name for name, rx in _GROUPS if re.search(rx, fn)), "other")
        totals[group] = totals.get(group, 0.0) + per
    whole = sum(totals.values())
    print("by C function group (instructions per check, share):")
    for group, per in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {per:12,.0f}  {per / whole:6.1%}  {group}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="procedures checked under callgrind (default 300)")
    ap.add_argument("--select", help="only these rules (ids or prefixes, comma-separated): the cost of "
                    "one rule is its count minus that of a cheap rule alone (the shared work: views, prescan)")
    ap.add_argument("--by-library", action="store_true",
                    help="also split the count by group of C functions (Python's regex engine, RE2, the "
                         "interpreter, memory, strings…): where a compiled engine could and could not save")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.n, args.run, args.select.split(",") if args.select else None)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind not installed (apt install valgrind)", file=sys.stderr)
        return 2
    if not PORTAL.is_dir():
        print("../shared/realdata not present", file=sys.stderr)
        return 2
    from tthc_pipeline.rules.check_inputs import load_procedures

    # byte-compile first: otherwise the first child compiles whatever changed since the last
    # import (and writes the .pyc the second one reads), and the count it subtracts is too
    # large by the compilation (measured: ~90,000 instructions a check after an edit)
    compileall.compile_dir(str(ROOT / "tthc_pipeline"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        pickled = str(Path(tmp) / "procedures.pkl")
        with open(pickled, "wb") as fh:
            pickle.dump(load_procedures([PORTAL]), fh)
        out_without = str(Path(tmp) / "without.callgrind") if args.by_library else "/dev/null"
        out_with = str(Path(tmp) / "with.callgrind") if args.by_library else "/dev/null"
        without = instructions(pickled, args.n, run=False, select=args.select, out_file=out_without)
        with_check = instructions(pickled, args.n, run=True, select=args.select, out_file=out_with)
        if args.by_library:
            by_library(out_with, out_without, args.n)
    per = (with_check - without) / args.n
    rules = f"rules {args.select}" if args.select else "whole catalogue"
    import tthc_pipeline.rules.builtins  # noqa: F401 - the modules the children import
    from tthc_pipeline import _compiled

    print(f"{per:,.0f} instructions per procedure check ({rules}, {args.n} replicated portal records, "
          f"callgrind; {with_check:,} with the check, {without:,} without; rule modules {_compiled.summary()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
