"""Compiled twins: the rule engine's hot modules, compiled by Cython from their own source.

Why: a procedure check is ~600 µs of Python spread over a few hundred small steps (view
look-ups, rule dispatch, regex calls, finding records); no single step is worth rewriting in
C, but compiling the modules as they are removes the interpreter's dispatch around all of
them (measured ~1.2-1.3x on the rule benchmark). ``setup.py`` compiles each module listed in
``TWINS`` from a copy of its source named ``_<module>_c`` that also records the SHA-256 of
that source; the module itself ends with ``use_twin(__name__, __file__)``, which puts the
twin in its place in ``sys.modules`` (so every importer gets the compiled functions and
classes) only when the twin was built from the very bytes of the .py file beside it.

A stale twin (the source was edited after the build) is ignored with a warning, so editing
a module never runs old compiled code; ``TTHC_NO_COMPILED=1`` ignores every twin. Without
Cython or a C compiler nothing is built and the Python modules run: same results, slower
(tests/test_compiled.py checks both on the real records).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
import warnings
from pathlib import Path

# modules compiled by setup.py (paths relative to the repository root)
TWINS = (
    "tthc_pipeline/legal/citations.py",
    "tthc_pipeline/rules/builtins.py",
    "tthc_pipeline/rules/engine.py",
    "tthc_pipeline/rules/findings.py",
    "tthc_pipeline/rules/matchers.py",
    "tthc_pipeline/rules/number_screen.py",
    "tthc_pipeline/rules/portal.py",
    "tthc_pipeline/rules/prescan.py",
)

# module name -> "compiled", "stale", "not built" or "disabled", for --version and benchmarks
STATUS: dict[str, str] = {}


def twin_name(module: str) -> str:
    """"tthc_pipeline.rules.engine" → "tthc_pipeline.rules._engine_c"."""
    package, _, name = module.rpartition(".")
    return f"{package}._{name}_c"


def is_twin(module: str) -> bool:
    name = module.rpartition(".")[2]
    return name.startswith("_") and name.endswith("_c")


def source_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def use_twin(module: str, source_file: str) -> None:
    """Replace ``module`` in ``sys.modules`` by its compiled twin when one was built from the
    current bytes of ``source_file``; otherwise leave the Python module (warning when the
    twin is stale). Called on the last line of each module in ``TWINS``; a no-op in the twin."""
    if is_twin(module):
        return
    if os.environ.get("TTHC_NO_COMPILED"):
        STATUS[module] = "disabled"
        return
    try:
        twin = importlib.import_module(twin_name(module))
    except ImportError:
        STATUS[module] = "not built"
        return
    if getattr(twin, "SOURCE_SHA256", None) != source_hash(Path(source_file).read_bytes()):
        STATUS[module] = "stale"
        warnings.warn(
            f"the compiled {twin_name(module)} was built from an older {Path(source_file).name}: using "
            "the Python module (same results, slower). Rebuild with scripts/setup or "
            "`.venv/bin/python setup.py build_ext --inplace`.",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    STATUS[module] = "compiled"
    sys.modules[module] = twin


def summary() -> str:
    """"8/8 compiled", or which modules run as Python and why."""
    compiled = sum(1 for s in STATUS.values() if s == "compiled")
    others = sorted(f"{m.rpartition('.')[2]}: {s}" for m, s in STATUS.items() if s != "compiled")
    return f"{compiled}/{len(STATUS)} compiled" + (f" ({', '.join(others)})" if others else "")
