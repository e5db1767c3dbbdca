"""The profile-guided build (scripts/build_pgo.py) as the package reports it, and setup.py's
refusal of an unknown TTHC_PGO mode.

The build itself (two compilations and a training run, minutes) runs in scripts/setup, so in
CI before the tests; here only what decides whether a build counts as profile-guided."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tthc_pipeline.rules.builtins  # noqa: F401 - imports the compiled modules
from tthc_pipeline import _compiled

ROOT = Path(__file__).resolve().parents[1]


def _record(path: Path, extensions: dict[str, str]) -> None:
    path.write_text(json.dumps({"training": "test", "extensions": extensions}), encoding="utf-8")


def _loaded_shas() -> dict[str, str]:
    root = _compiled.PACKAGE_DIR.parent
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in _compiled.LOADED.values()}


def test_profile_guided_only_when_every_loaded_build_is_recorded_byte_for_byte(tmp_path, monkeypatch):
    if not _compiled.LOADED:
        pytest.skip(f"no compiled module loaded here ({_compiled.summary()}): nothing to compare")
    record = tmp_path / "pgo.json"
    monkeypatch.setattr(_compiled, "PGO_RECORD", record)
    assert not _compiled.profile_guided()  # no record
    shas = _loaded_shas()
    _record(record, shas)
    assert _compiled.profile_guided()
    assert "profile-guided" in _compiled.summary()
    # a plain build of the same source: same file name, other bytes
    first = sorted(shas)[0]
    _record(record, {**shas, first: "0" * 64})
    assert not _compiled.profile_guided()
    assert "profile-guided" not in _compiled.summary()
    # one module missing from the record
    _record(record, {k: v for k, v in shas.items() if k != first})
    assert not _compiled.profile_guided()
    record.write_text("{not json", encoding="utf-8")
    assert not _compiled.profile_guided()


def test_setup_refuses_an_unknown_pgo_mode():
    env = {**os.environ, "TTHC_PGO": "sometimes", "TTHC_NO_COMPILED": "1"}
    done = subprocess.run([sys.executable, "setup.py", "--version"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "TTHC_PGO must be 'generate' or 'use'" in done.stderr
