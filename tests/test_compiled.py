"""Compiled twins (tthc_pipeline/_compiled.py): used only when built from the current source,
and giving the same findings as the Python modules."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tthc_pipeline import _compiled

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT.parent / "shared" / "realdata" / "portal-json" / "bo-cong-an"

MODULE = textwrap.dedent("""
    VALUE = "python"


    from tthc_pipeline._compiled import use_twin  # noqa: E402

    use_twin(__name__, __file__)
""")


def _package(tmp_path: Path, twin_hash_of: bytes) -> Path:
    """A package ``twinpkg`` with a module and a twin (plain Python here: use_twin does not
    care how the twin was built) that records the SHA-256 of ``twin_hash_of``."""
    pkg = tmp_path / "twinpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text(MODULE)
    twin = MODULE.replace('"python"', '"twin"') + f'\nSOURCE_SHA256 = "{_compiled.source_hash(twin_hash_of)}"\n'
    (pkg / "_mod_c.py").write_text(twin)
    return pkg


def _fresh_import(monkeypatch, tmp_path: Path):
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("twinpkg", "twinpkg.mod", "twinpkg._mod_c"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    importlib.invalidate_caches()
    return importlib.import_module("twinpkg.mod")


def test_a_twin_built_from_the_current_source_replaces_the_module(tmp_path, monkeypatch):
    monkeypatch.delenv("TTHC_NO_COMPILED", raising=False)
    _package(tmp_path, MODULE.encode())
    mod = _fresh_import(monkeypatch, tmp_path)
    assert mod.VALUE == "twin" and mod.__name__ == "twinpkg._mod_c"
    assert sys.modules["twinpkg.mod"] is mod
    from twinpkg.mod import VALUE  # every importer gets the twin's objects

    assert VALUE == "twin"
    assert _compiled.STATUS["twinpkg.mod"] == "compiled"


def test_a_stale_twin_is_ignored_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.delenv("TTHC_NO_COMPILED", raising=False)
    _package(tmp_path, b"the source before an edit")
    with pytest.warns(RuntimeWarning, match="built from an older mod.py"):
        mod = _fresh_import(monkeypatch, tmp_path)
    assert mod.VALUE == "python"
    assert _compiled.STATUS["twinpkg.mod"] == "stale"


def test_tthc_no_compiled_ignores_twins(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_NO_COMPILED", "1")
    _package(tmp_path, MODULE.encode())
    assert _fresh_import(monkeypatch, tmp_path).VALUE == "python"
    assert _compiled.STATUS["twinpkg.mod"] == "disabled"


def test_no_twin_built_leaves_the_python_module(tmp_path, monkeypatch):
    monkeypatch.delenv("TTHC_NO_COMPILED", raising=False)
    pkg = _package(tmp_path, MODULE.encode())
    (pkg / "_mod_c.py").unlink()
    assert _fresh_import(monkeypatch, tmp_path).VALUE == "python"
    assert _compiled.STATUS["twinpkg.mod"] == "not built"


def test_every_listed_module_hands_over_to_its_twin():
    for source in _compiled.TWINS:
        text = (ROOT / source).read_text(encoding="utf-8")
        assert text.rstrip().endswith("use_twin(__name__, __file__)"), f"{source}: use_twin must be its last line"


def _check_output(env_extra: dict[str, str]) -> subprocess.Popen:
    env = {**os.environ, **env_extra}
    cmd = [sys.executable, "-m", "tthc_pipeline.cli", "check", str(PORTAL), "--format", "jsonl",
           "--fail-on", "never", "--as-of", "2026-11-28", "--no-learn"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.realdata
def test_compiled_and_python_modules_give_the_same_findings_on_the_portal_records():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    import tthc_pipeline.rules.builtins  # noqa: F401 - imports every twin's module

    compiled = [m for m, s in _compiled.STATUS.items() if s == "compiled" and m.startswith("tthc_pipeline.")]
    if not compiled:
        pytest.skip(f"no compiled twin in this environment ({_compiled.summary()}): nothing to compare")
    runs = [_check_output({}), _check_output({"TTHC_NO_COMPILED": "1"})]
    (out_c, err_c), (out_py, err_py) = (p.communicate(timeout=600) for p in runs)
    assert runs[0].returncode == runs[1].returncode == 0, (err_c.decode()[-2000:], err_py.decode()[-2000:])
    assert out_c.count(b"\n") > 300  # findings were compared, not two empty outputs
    assert out_c == out_py
