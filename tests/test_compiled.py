"""The compiled rule engine (tthc_pipeline/_compiled.py): an extension is loaded only when it
was built from the current source of its module, and gives the same findings as the Python
module."""

from __future__ import annotations

import importlib.machinery
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import tthc_pipeline
from tthc_pipeline import _compiled

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT.parent / "shared" / "realdata" / "portal-json" / "bo-cong-an"
MODULE = "tthc_pipeline.rules.example"
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


@pytest.fixture(autouse=True)
def _own_load_records(monkeypatch):
    """The finders these tests make load example modules from temporary folders: their
    records (STATUS, LOADED) must not outlive the test, or a later test reads the package's
    builds next to paths that no longer exist (tests/test_build_pgo.py did)."""
    monkeypatch.setattr(_compiled, "STATUS", dict(_compiled.STATUS))
    monkeypatch.setattr(_compiled, "LOADED", dict(_compiled.LOADED))


def _package(tmp_path: Path, source: bytes, built_from: bytes | None) -> Path:
    """A package directory holding ``rules/example.py`` with ``source`` and, when
    ``built_from`` is given, an extension file named as setup.py names the build of that
    source (the finder only reads names: it is never executed here)."""
    pkg = tmp_path / "pkg"
    (pkg / "rules").mkdir(parents=True)
    (pkg / "rules" / "example.py").write_bytes(source)
    if built_from is not None:
        stem = pkg / _compiled.compiled_stem(MODULE, built_from)
        stem.parent.mkdir(parents=True, exist_ok=True)
        stem.with_name(stem.name + SUFFIX).write_bytes(b"\x7fELF not loaded by these tests")
    return pkg


def _find(pkg: Path):
    return _compiled.CompiledFinder((MODULE,), pkg).find_spec(MODULE)


def test_the_build_of_the_current_source_is_found(tmp_path, monkeypatch):
    monkeypatch.delenv("TTHC_NO_COMPILED", raising=False)
    pkg = _package(tmp_path, b"VALUE = 1\n", built_from=b"VALUE = 1\n")
    spec = _find(pkg)
    assert spec is not None and spec.name == MODULE
    assert isinstance(spec.loader, importlib.machinery.ExtensionFileLoader)
    assert Path(spec.origin).parent == pkg / "_compiled" / "rules"
    assert Path(spec.origin).name.startswith("example_") and spec.origin.endswith(SUFFIX)
    assert _compiled.STATUS[MODULE] == "compiled"


def test_an_edited_source_runs_as_python_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.delenv("TTHC_NO_COMPILED", raising=False)
    pkg = _package(tmp_path, b"VALUE = 2  # edited\n", built_from=b"VALUE = 1\n")
    with pytest.warns(RuntimeWarning, match="edited after it was compiled"):
        assert _find(pkg) is None  # Python's own finders import the .py file
    assert _compiled.STATUS[MODULE] == "stale"


def test_without_a_build_the_python_module_runs_silently(tmp_path, monkeypatch):
    monkeypatch.delenv("TTHC_NO_COMPILED", raising=False)
    pkg = _package(tmp_path, b"VALUE = 1\n", built_from=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _find(pkg) is None
    assert _compiled.STATUS[MODULE] == "not built"


def test_tthc_no_compiled_runs_every_module_as_python(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_NO_COMPILED", "1")
    pkg = _package(tmp_path, b"VALUE = 1\n", built_from=b"VALUE = 1\n")
    assert _find(pkg) is None
    assert _compiled.STATUS[MODULE] == "disabled"


def test_only_the_listed_modules_are_looked_for(tmp_path):
    pkg = _package(tmp_path, b"VALUE = 1\n", built_from=b"VALUE = 1\n")
    assert _compiled.CompiledFinder((MODULE,), pkg).find_spec("tthc_pipeline.rules.other") is None


def test_the_build_name_follows_the_source_bytes():
    a = _compiled.compiled_stem("tthc_pipeline.rules.engine", b"x = 1\n")
    assert a.startswith("_compiled/rules/engine_") and len(a.rpartition("_")[2]) == 16
    assert a != _compiled.compiled_stem("tthc_pipeline.rules.engine", b"x = 2\n")


def test_the_package_installs_its_finder_before_the_path_finder_and_every_listed_module_exists():
    ours = [i for i, f in enumerate(sys.meta_path) if isinstance(f, _compiled.CompiledFinder)]
    assert len(ours) == 1
    assert ours[0] < sys.meta_path.index(importlib.machinery.PathFinder)  # asked before the .py files
    assert Path(tthc_pipeline.__file__).parent == _compiled.PACKAGE_DIR
    for module in _compiled.HOT:
        assert _compiled.source_path(module).is_file(), module


def _check_output(env_extra: dict[str, str]) -> subprocess.Popen:
    env = {**os.environ, **env_extra}
    cmd = [sys.executable, "-W", "error::RuntimeWarning", "-m", "tthc_pipeline.cli", "check", str(PORTAL),
           "--format", "jsonl", "--fail-on", "never", "--as-of", "2026-11-28", "--no-learn"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.realdata
def test_compiled_and_python_modules_give_the_same_findings_on_the_portal_records():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    import tthc_pipeline.rules.builtins  # noqa: F401 - imports the listed modules

    if not any(status == "compiled" for status in _compiled.STATUS.values()):
        pytest.skip(f"no compiled module in this environment ({_compiled.summary()}): nothing to compare")
    runs = [_check_output({}), _check_output({"TTHC_NO_COMPILED": "1"})]
    (out_c, err_c), (out_py, err_py) = (p.communicate(timeout=600) for p in runs)
    assert runs[0].returncode == runs[1].returncode == 0, (err_c.decode()[-2000:], err_py.decode()[-2000:])
    assert out_c.count(b"\n") > 300  # findings were compared, not two empty outputs
    assert out_c == out_py
