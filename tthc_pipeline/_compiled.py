"""Compiled rule engine: the hot modules, compiled by Cython from their own source, used only
while that source is unchanged.

Why: a procedure check is ~230 µs of Python spread over a few hundred small steps (view
look-ups, rule dispatch, regex calls, finding records). No single step is worth rewriting
in C, but compiling the modules as they are removes the interpreter's dispatch around all of
them: 4,374-4,476 against 4,894-4,949 procedures/s on ``scripts/bench_rules.py``, measured
interleaved on the same machine (Debian's CPython 3.11). spaCy ships compiled the same way.

How: ``setup.py`` builds each module of ``HOT`` with Cython under its own name (so its
``__name__``, classes and pickles are the module's), but writes the extension as
``_compiled/<package path>/<module>_<hash>.<suffix>``, where ``<hash>`` is the start of the
SHA-256 of the .py source it was built from, never beside the .py file (where Python's own
import would prefer it whatever the source says). ``install()``, called when the package is
imported, puts a finder first on ``sys.meta_path``: for a module of ``HOT`` it loads the
extension named by the hash of the .py file as it is now, and otherwise lets Python import
the .py file. So an edited module runs as Python (with a warning that the build is stale)
until the next build, never as old compiled code; ``TTHC_NO_COMPILED=1`` runs every module as
Python (for profilers, which do not see compiled functions). Without Cython or a C compiler
nothing is built: same findings, slower (tests/test_compiled.py compares both on the real
records).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
COMPILED_DIR = "_compiled"  # under the package directory
# modules compiled by setup.py: the rule engine and what it calls per procedure
HOT = (
    "tthc_pipeline.legal.citations",
    "tthc_pipeline.rules.builtins",
    "tthc_pipeline.rules.engine",
    "tthc_pipeline.rules.findings",
    "tthc_pipeline.rules.matchers",
    "tthc_pipeline.rules.number_screen",
    "tthc_pipeline.rules.portal",
    "tthc_pipeline.rules.prescan",
)

# module -> "compiled", "stale" (built from another source), "not built" or "disabled"
STATUS: dict[str, str] = {}
# module -> the extension file it was loaded from
LOADED: dict[str, Path] = {}
# written by scripts/build_pgo.py: the SHA-256 of each extension it built with a profile
PGO_RECORD = PACKAGE_DIR / COMPILED_DIR / "pgo.json"


def source_path(module: str, package_dir: Path = PACKAGE_DIR) -> Path:
    """The .py file of ``module`` (a dotted name under the package)."""
    parts = module.split(".")[1:]
    return package_dir.joinpath(*parts).with_suffix(".py")


def compiled_stem(module: str, source: bytes) -> str:
    """Path of the extension built from ``source``, relative to the package directory and
    without the interpreter's suffix: "_compiled/rules/engine_<16 hex digits>"."""
    parts = module.split(".")[1:]
    digest = hashlib.sha256(source).hexdigest()[:16]
    return "/".join([COMPILED_DIR, *parts[:-1], f"{parts[-1]}_{digest}"])


def _extension_for(module: str, package_dir: Path) -> tuple[str, Path | None]:
    """(status, the extension to load or None) for ``module`` as its source is now."""
    try:
        source = source_path(module, package_dir).read_bytes()
    except OSError:
        return "not built", None  # no source to check the build against: import as usual
    stem = package_dir / compiled_stem(module, source)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = stem.with_name(stem.name + suffix)
        if path.is_file():
            return "compiled", path
    name = module.rpartition(".")[2]
    built = any(p.name.startswith(f"{name}_") for p in stem.parent.glob(f"{name}_*"))
    return ("stale" if built else "not built"), None


class CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled extension of a ``HOT`` module built from its current source."""

    def __init__(self, modules: tuple[str, ...] = HOT, package_dir: Path = PACKAGE_DIR) -> None:
        self.modules = frozenset(modules)
        self.package_dir = package_dir

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001 - the finder protocol
        if fullname not in self.modules:
            return None
        if os.environ.get("TTHC_NO_COMPILED"):
            STATUS[fullname] = "disabled"
            return None
        status, extension = _extension_for(fullname, self.package_dir)
        STATUS[fullname] = status
        if status == "stale":
            warnings.warn(
                f"{fullname} was edited after it was compiled: it runs as Python (same results, "
                "slower). Rebuild with scripts/setup or `.venv/bin/python setup.py build_ext --inplace`.",
                RuntimeWarning,
                stacklevel=2,
            )
        if extension is None:
            return None
        LOADED[fullname] = extension
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(extension))
        return importlib.util.spec_from_file_location(fullname, extension, loader=loader)


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, CompiledFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, CompiledFinder())


def profile_guided() -> bool:
    """Were the compiled modules loaded so far all built with a profile (scripts/build_pgo.py)?
    Read from the record that script writes, byte for byte: a later plain build of the same
    source has the same file name, not the same bytes."""
    if not LOADED:
        return False
    try:
        recorded = json.loads(PGO_RECORD.read_text(encoding="utf-8"))["extensions"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    root = PACKAGE_DIR.parent
    for path in LOADED.values():
        try:
            key = str(path.relative_to(root))
        except ValueError:
            return False
        if recorded.get(key) != hashlib.sha256(path.read_bytes()).hexdigest():
            return False
    return True


def summary() -> str:
    """"8/8 compiled" (", profile-guided" when built so), or which modules run as Python and
    why (of those imported so far)."""
    compiled = sum(1 for s in STATUS.values() if s == "compiled")
    others = sorted(f"{m.rpartition('.')[2]}: {s}" for m, s in STATUS.items() if s != "compiled")
    pgo = ", profile-guided" if compiled and profile_guided() else ""
    return f"{compiled}/{len(STATUS)} compiled{pgo}" + (f" ({', '.join(others)})" if others else "")
