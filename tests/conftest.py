"""Shared test fixtures: the real-data folder and skip helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
SAMPLES = REPO / "corpus" / "samples"


def realdata(*parts: str) -> Path:
    """Path inside ../shared/realdata, skipping the test when the folder is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present: real-data test skipped")
    return path


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    return realdata()
