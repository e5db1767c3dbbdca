"""Build of the optional compiled parts; everything else is in pyproject.toml.

* ``tthc_pipeline.text._native``: the text normaliser in C (tthc_pipeline/text/_native.c).
* The compiled twins of the rule engine's hot modules (see tthc_pipeline/_compiled.py):
  Cython compiles a copy of each module's source, named ``_<module>_c`` and carrying the
  SHA-256 of that source, so a twin is used only while the .py file is unchanged.

Every extension is ``optional``: without a C compiler (or Cython) the install still
succeeds and the Python implementation runs (same results, slower).
"""

import os
import sys
from pathlib import Path

from setuptools import Extension, setup

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from tthc_pipeline._compiled import TWINS, source_hash, twin_name  # noqa: E402

TWIN_DIR = Path("build") / "twins"


def twin_extensions() -> list[Extension]:
    if os.environ.get("TTHC_NO_COMPILED"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("[setup.py] Cython not available: the rule engine runs as Python (slower)", file=sys.stderr)
        return []
    out = []
    for source in TWINS:
        path = Path(source)
        data = (ROOT / path).read_bytes()
        module = ".".join(path.with_suffix("").parts)
        twin = twin_name(module)
        twin_py = TWIN_DIR / Path(*twin.split(".")).with_suffix(".py")
        body = data + f'\n\nSOURCE_SHA256 = "{source_hash(data)}"\n'.encode()
        twin_py.parent.mkdir(parents=True, exist_ok=True)
        if not twin_py.exists() or twin_py.read_bytes() != body:  # unchanged: Cython skips it
            twin_py.write_bytes(body)
        try:
            ext = cythonize(
                [Extension(twin, [str(twin_py)], extra_compile_args=["-O2"])],
                compiler_directives={
                    "language_level": 3,
                    "binding": True,  # introspectable functions, as in Python
                    "annotation_typing": False,  # annotations stay hints: Python semantics
                },
                quiet=True,
            )
        except Exception as exc:  # noqa: BLE001 - a module Cython cannot compile stays Python
            print(f"[setup.py] {module} not compiled ({exc}); it runs as Python", file=sys.stderr)
            continue
        for e in ext:
            e.optional = True
        out.extend(ext)
    return out


setup(
    ext_modules=[
        Extension(
            "tthc_pipeline.text._native",
            sources=["tthc_pipeline/text/_native.c"],
            optional=True,
            extra_compile_args=["-O2"],
        ),
        *twin_extensions(),
    ],
    options={"build_ext": {"parallel": os.cpu_count() or 1}},
)
