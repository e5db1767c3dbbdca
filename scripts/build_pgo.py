"""Rebuild the compiled parts (the rule engine's Cython modules, the C normaliser) with GCC's
profile-guided optimisation.

Why: those modules are mostly calls into CPython's C API, whose branches GCC cannot weigh
without a profile; with one it lays out the paths the rules take and inlines along them. On
scripts/bench_rules.py (10,000 procedures, interleaved with the plain -O2 build in the same
hour) the median of three runs rose 3-6 %; see README, Speed.

Steps (~1.5 min on two cores):
1. build every extension instrumented (``TTHC_PGO=generate``, setup.py) in a build
   directory of its own (``build/pgo``), where GCC writes and then finds the profile;
2. train: a fresh process checks procedures with the whole catalogue. The portal records in
   ../shared/realdata when they are there (what the benchmark and real runs check), and
   always the catalogue's own inline examples (every rule's "fires" and "passes" texts);
3. build again with the profile (``TTHC_PGO=use``);
4. check that every extension loads and none is still instrumented (an instrumented build
   writes profile files at every exit), and record the builds (``_compiled/pgo.json``,
   which ``_compiled.summary()`` reads: "8/8 compiled, profile-guided").

Any failure restores the plain build (``setup.py build_ext --inplace``) and exits 1: the
package works either way, with the same results. Without GCC nothing is built.

    .venv/bin/python scripts/build_pgo.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_TEMP = ROOT / "build" / "pgo"
RECORD = ROOT / "tthc_pipeline" / "_compiled" / "pgo.json"
PORTAL = ROOT.parent / "shared" / "realdata" / "portal-json"
# a symbol of GCC's profiling runtime, linked into instrumented builds only
_INSTRUMENTED_MARK = b"__gcov_"

# the training run (a fresh interpreter, so that it imports the instrumented builds and
# writes their profile when it exits)
_TRAIN = r"""
import sys
from datetime import date
from pathlib import Path
from tthc_pipeline import _compiled
from tthc_pipeline.rules.builtins import default_registry
from tthc_pipeline.rules.engine import Engine
from tthc_pipeline.rules.schema import load_catalogue
from tthc_pipeline.rules.testing import example_as_of, example_procedures
from tthc_pipeline.text import normalize

catalogue = load_catalogue()
engine, registry = Engine(catalogue), default_registry()
examples = 0
for rule in catalogue.rules:
    for kind in ("fires", "passes"):
        for example in rule.tests.get(kind, []):
            engine.check(example_procedures(example, rule), as_of=example_as_of(example), registry=registry)
            examples += 1
records = 0
portal = Path(sys.argv[1]) if sys.argv[1] else None  # "": the inline examples only
if portal is not None and portal.is_dir():
    from tthc_pipeline.rules.check_inputs import load_procedures

    procedures = load_procedures([portal])
    for _ in range(2):
        engine.check(procedures, as_of=date(2026, 6, 30), registry=registry)
    records = len(procedures)

summary = _compiled.summary()
print(f"{examples} inline examples, {records} portal records; rule modules {summary}")
full = summary.startswith(f"{len(_compiled.HOT)}/{len(_compiled.HOT)} compiled") and normalize.NATIVE
raise SystemExit(0 if full else 3)  # a module that did not build or load: not worth a profile
"""


def _build(mode: str | None, log: Path) -> None:
    """``setup.py build_ext --inplace --force`` into ``BUILD_TEMP`` (``mode``: TTHC_PGO)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TTHC_PGO", "TTHC_NO_COMPILED")}
    if mode:
        env["TTHC_PGO"] = mode
    with open(log, "a", encoding="utf-8") as fh:
        subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace", "--force", "--build-temp", str(BUILD_TEMP)],
                       cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, check=True)


def extensions() -> list[Path]:
    """The compiled extension files in the source tree (the normaliser and the hot modules)."""
    package = ROOT / "tthc_pipeline"
    found = list((package / "text").glob("_native.*.so")) + list((package / "_compiled").rglob("*.so"))
    return sorted(found)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _train(portal: Path | None) -> str:
    """Run the training snippet in a fresh interpreter; its one-line report."""
    env = {k: v for k, v in os.environ.items() if k != "TTHC_NO_COMPILED"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-c", _TRAIN, str(portal or "")], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _write_record(files: list[Path], training: str) -> None:
    data = {"training": training, "extensions": {str(p.relative_to(ROOT)): _sha256(p) for p in files}}
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=RECORD.name, suffix=".tmp", dir=RECORD.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
    os.chmod(tmp, 0o644)  # mkstemp makes it private
    os.replace(tmp, RECORD)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--portal", type=Path, default=PORTAL,
                    help="portal records to train on besides the inline examples (default ../shared/realdata/portal-json)")
    args = ap.parse_args(argv)
    if shutil.which(os.environ.get("CC", "gcc")) is None:
        print("[pgo] no C compiler (gcc): nothing built", file=sys.stderr)
        return 1
    log = ROOT / "build" / "pgo.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    RECORD.unlink(missing_ok=True)
    shutil.rmtree(BUILD_TEMP, ignore_errors=True)  # no profile of an earlier source
    started = time.perf_counter()
    try:
        print("[pgo] 1/3 instrumented build", flush=True)
        _build("generate", log)
        print("[pgo] 2/3 training run", flush=True)
        training = _train(args.portal)
        print(f"[pgo]     {training}", flush=True)
        print("[pgo] 3/3 build with the profile", flush=True)
        _build("use", log)
        files = extensions()
        left = [p.name for p in files if _INSTRUMENTED_MARK in p.read_bytes()]
        if left:
            raise RuntimeError(f"still instrumented: {', '.join(left)}")
        _train(None)  # every build loads and runs the inline examples (exit 3 if not)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        detail = getattr(exc, "stderr", None) or ""
        print(f"[pgo] failed ({exc}); {detail.strip()[-400:]} restoring the plain build (log: {log})", file=sys.stderr)
        RECORD.unlink(missing_ok=True)
        try:
            _build(None, log)
        except subprocess.CalledProcessError:
            # never leave an instrumented build: without it the module runs as Python
            for path in extensions():
                if _INSTRUMENTED_MARK in path.read_bytes():
                    path.unlink()
        return 1
    _write_record(files, training)
    print(f"[pgo] done in {time.perf_counter() - started:.0f} s: {len(files)} extensions built with the profile")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
