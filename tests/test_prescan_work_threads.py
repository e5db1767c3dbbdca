"""``Prescan.work`` fetches each Hyperscan database's scratch space once a call, for the
calling thread (not once a text): threads running ``work`` on one Prescan at the same time
must each scan with their own scratch and answer as a single thread does."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

pytest.importorskip("hyperscan", reason="hyperscan not installed: the prescan uses RE2 alone")
pytest.importorskip("re2", reason="google-re2 not installed: no prescan")

from tthc_pipeline.procedures.model import Procedure, TextSpan  # noqa: E402
from tthc_pipeline.rules import prescan_hyperscan  # noqa: E402
from tthc_pipeline.rules.matchers import ProcView  # noqa: E402
from tthc_pipeline.rules.prescan import Prescan  # noqa: E402


def test_threads_run_work_with_scratch_spaces_of_their_own(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TTHC_NO_HYPERSCAN", raising=False)
    monkeypatch.setattr(prescan_hyperscan, "_MEMO", {})
    prescan = Prescan()
    prescan.add(1, ["dossier"], [r"sổ hộ khẩu", r"(?:giấy|bản)(?s:.)*?chứng thực"])
    prescan.add(2, ["dossier", "steps"], [r"nộp trực tiếp"])
    prescan.compile()
    assert set(prescan.backends.values()) == {"hyperscan"}
    long = "bản sao có chứng thực sổ hộ khẩu; " * 4000  # long scans: threads overlap

    def procs():
        return [Procedure(id=str(n), name="Thủ tục", components={
            "dossier": TextSpan(long if n % 2 else "giấy khai sinh"), "steps": TextSpan("nộp trực tiếp")})
            for n in range(4)]

    def answer(views):
        return {key: [(views.index(pv), comp, patterns) for pv, comp, patterns in triples]
                for key, triples in prescan.work(views).items()}

    want = answer([ProcView(p) for p in procs()])
    assert want == {1: [(1, "dossier", {0, 1}), (3, "dossier", {0, 1})],
                    2: [(0, "steps", {0}), (1, "steps", {0}), (2, "steps", {0}), (3, "steps", {0})]}
    errors, answers = [], []

    def run():
        try:
            for _ in range(40):
                answers.append(answer([ProcView(p) for p in procs()]))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(repr(exc))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(answers) == 160 and all(a == want for a in answers)
