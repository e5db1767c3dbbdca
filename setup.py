"""Build of the optional compiled parts; everything else is in pyproject.toml.

* ``tthc_pipeline.text._native``: the text normaliser in C (tthc_pipeline/text/_native.c).
* The rule engine's hot modules compiled by Cython from their own source
  (``tthc_pipeline._compiled.HOT``). Each extension keeps its module's name but is written
  to ``tthc_pipeline/_compiled/…/<module>_<hash of the source>``, where only the package's
  finder loads it, and only while the .py file still has that hash (see
  tthc_pipeline/_compiled.py). The C file is generated per source hash too, so a build can
  never pair a source with C generated from another.

Every extension is ``optional``: without a C compiler (or Cython) the install still succeeds
and the Python implementation runs (same results, slower). ``TTHC_NO_COMPILED=1`` at build
time skips the Cython modules.

``TTHC_PGO=generate`` / ``TTHC_PGO=use`` build every extension for GCC's profile-guided
optimisation: instrumented, then with the profile a training run wrote. Only
scripts/build_pgo.py sets it (it runs the training between the two builds, in a build
directory of its own, where the profile files are found again).
"""

import importlib.util
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def pgo_flags() -> tuple[list[str], list[str]]:
    """(compile, link) flags for ``$TTHC_PGO``: see the module docstring and scripts/build_pgo.py."""
    mode = os.environ.get("TTHC_PGO", "")
    if mode == "generate":
        # one thread writes the counters (the training run): no atomic updates needed
        return ["-fprofile-generate", "-fprofile-update=single"], ["-fprofile-generate"]
    if mode == "use":
        # -fprofile-correction: counters of a module the training barely ran can be
        # inconsistent; a module it never imported has no profile: built as without one
        return ["-fprofile-use", "-fprofile-correction", "-Wno-missing-profile"], []
    if mode:
        raise SystemExit(f"TTHC_PGO must be 'generate' or 'use', not {mode!r}")
    return [], []


_PGO_COMPILE, LINK_ARGS = pgo_flags()
COMPILE_ARGS = ["-O2", *_PGO_COMPILE]


def _load_compiled_module():
    """tthc_pipeline/_compiled.py without importing the package (its dependencies may not be
    installed yet when pip builds)."""
    spec = importlib.util.spec_from_file_location("_tthc_compiled", ROOT / "tthc_pipeline" / "_compiled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compiled = _load_compiled_module()
# Extension name ("tthc_pipeline.rules.engine") -> where it is written, as a dotted name
# ("tthc_pipeline._compiled.rules.engine_<hash>"): the name setuptools derives paths from
TARGETS: dict[str, str] = {}


def hot_extensions() -> list[Extension]:
    if os.environ.get("TTHC_NO_COMPILED"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("[setup.py] Cython not available: the rule engine runs as Python (slower)", file=sys.stderr)
        return []
    out = []
    for module in compiled.HOT:
        source = compiled.source_path(module, ROOT / "tthc_pipeline")
        stem = compiled.compiled_stem(module, source.read_bytes())
        try:
            exts = cythonize(
                [Extension(module, [str(source.relative_to(ROOT))], extra_compile_args=COMPILE_ARGS,
                            extra_link_args=LINK_ARGS, optional=True)],
                compiler_directives={
                    "language_level": 3,
                    "binding": False,
                    "annotation_typing": False,  # annotations stay hints: Python's semantics
                },
                build_dir=str(Path("build") / "cython" / Path(stem).name),  # C generated per source hash
                quiet=True,
            )
        except Exception as exc:  # noqa: BLE001 - a module Cython cannot compile stays Python
            print(f"[setup.py] {module} not compiled ({exc}); it runs as Python", file=sys.stderr)
            continue
        for ext in exts:
            ext.optional = True
            TARGETS[ext.name] = "tthc_pipeline." + stem.replace("/", ".")
        out.extend(exts)
    return out


class BuildExt(build_ext):
    """Writes the hot modules' extensions to their hashed names under tthc_pipeline/_compiled
    (in the build directory and, in place, in the source tree), never beside the .py files."""

    def get_ext_fullname(self, ext_name: str) -> str:
        full = super().get_ext_fullname(ext_name)
        return TARGETS.get(full, full)

    def copy_extensions_to_source(self) -> None:
        build_py = self.get_finalized_command("build_py")
        for ext in self.extensions:
            if ext.name in TARGETS:
                target = Path(self._get_inplace_equivalent(build_py, ext)[0])
                target.parent.mkdir(parents=True, exist_ok=True)
                stem = target.name.split(".", 1)[0]  # "engine_<hash>"
                module = stem.rpartition("_")[0]
                for old in target.parent.glob(f"{module}_*"):  # builds of earlier sources
                    if old.name.split(".", 1)[0] != stem:
                        old.unlink()
        super().copy_extensions_to_source()


setup(
    ext_modules=[
        Extension(
            "tthc_pipeline.text._native",
            sources=["tthc_pipeline/text/_native.c"],
            optional=True,
            extra_compile_args=COMPILE_ARGS,
            extra_link_args=LINK_ARGS,
        ),
        *hot_extensions(),
    ],
    cmdclass={"build_ext": BuildExt},
    options={"build_ext": {"parallel": os.cpu_count() or 1}},
)
