"""The prescan's Hyperscan backend (rules/prescan_hyperscan.py) answers as its RE2 sets do.

Both read the same translated patterns, so the pairs (rule, component) and pattern ordinals
``Prescan.work`` hands the rules must be identical on every real text; the databases are
kept on disk and a damaged file is compiled again, never loaded.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

hyperscan = pytest.importorskip("hyperscan", reason="hyperscan not installed: the prescan uses RE2 alone")
pytest.importorskip("re2", reason="google-re2 not installed: no prescan")

from tthc_pipeline.rules import prescan_hyperscan  # noqa: E402
from tthc_pipeline.rules.check_inputs import load_procedures  # noqa: E402
from tthc_pipeline.rules.engine import Engine, _build_prescan  # noqa: E402
from tthc_pipeline.rules.matchers import ProcView  # noqa: E402
from tthc_pipeline.rules.prescan import UNDECIDED, Prescan, to_re2  # noqa: E402
from tthc_pipeline.text.normalize import bytez  # noqa: E402

from conftest import realdata  # noqa: E402


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """A cache folder of the test's own and an empty in-process memo."""
    monkeypatch.setenv("TTHC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TTHC_NO_HYPERSCAN", raising=False)
    monkeypatch.setattr(prescan_hyperscan, "_MEMO", {})
    return tmp_path / "cache"


def _prescans(monkeypatch, rules) -> tuple[Prescan, Prescan]:
    """The catalogue's prescan with Hyperscan and with RE2 alone."""
    monkeypatch.delenv("TTHC_NO_HYPERSCAN", raising=False)
    fast = _build_prescan(rules)
    monkeypatch.setenv("TTHC_NO_HYPERSCAN", "1")
    plain = _build_prescan(rules)
    monkeypatch.delenv("TTHC_NO_HYPERSCAN")
    return fast, plain


def _work(prescan: Prescan, procedures) -> list:
    """What ``work`` hands each rule, as comparable values (procedure ids, not views)."""
    todo = prescan.work([ProcView(p) for p in procedures])
    return sorted((key, [(pv.proc.id, comp, None if pats is None else sorted(pats)) for pv, comp, pats in work])
                  for key, work in todo.items())


def test_hyperscan_and_re2_hand_the_rules_the_same_work_on_every_real_record(cache, monkeypatch):
    procedures = load_procedures([realdata("portal-json")])
    rules = Engine.from_dir(prescan=False).rules
    fast, plain = _prescans(monkeypatch, rules)
    assert set(fast.backends.values()) == {"hyperscan"} and set(plain.backends.values()) == {"re2"}
    assert _work(fast, procedures) == _work(plain, procedures)
    # and on other texts than the prescan reads there: each component's text without its
    # diacritics (fold), as written (upper case: characters without a byte of their own),
    # and another component's canon text
    comps = fast.components()
    for proc in procedures[:120]:
        pv = ProcView(proc)
        for n, comp in enumerate(comps):
            other = comps[(n + 1) % len(comps)]
            for text in (pv.view(comp).fold, pv.view(comp).text, pv.view(other).canon):
                if text:
                    data = bytez(text)
                    assert fast.scan([(comp, data)]) == plain.scan([(comp, data)]), (proc.id, comp)


def test_findings_are_the_same_with_either_backend(cache, monkeypatch):
    procedures = load_procedures([realdata("portal-json")])
    with_hs = Engine.from_dir()
    assert set(with_hs.prescan.backends.values()) == {"hyperscan"}
    monkeypatch.setenv("TTHC_NO_HYPERSCAN", "1")
    with_re2 = Engine.from_dir()
    assert set(with_re2.prescan.backends.values()) == {"re2"}
    got = [f.to_dict() for f in with_hs.check(copy.deepcopy(procedures))]
    assert got == [f.to_dict() for f in with_re2.check(copy.deepcopy(procedures))]
    assert len(got) > 300


def test_an_undecided_text_runs_every_rule_of_its_component(cache):
    prescan = Prescan()
    prescan.add(1, ["dossier"], [r"sổ hộ khẩu"])
    prescan.add(2, ["dossier"], [r"nộp trực tiếp"])
    prescan.compile()
    assert prescan.backends == {"dossier": "hyperscan"}
    assert prescan.scan([("dossier", UNDECIDED)]) == [(1, "dossier", None), (2, "dossier", None)]
    assert prescan.scan([("dossier", bytez("bản sao sổ hộ khẩu"))]) == [(1, "dossier", {0})]
    assert prescan.scan([("dossier", bytez("giấy khai sinh"))]) == []


def test_a_component_hyperscan_refuses_keeps_its_re2_set(cache):
    prescan = Prescan()
    prescan.add(1, ["steps"], [r"nộp trực tiếp"])
    prescan.add(2, ["dossier"], [r"sổ hộ khẩu"])
    # an empty negated class: RE2 takes it (it never matches), Hyperscan refuses the pattern
    prescan._patterns.append((2, "dossier", r"[^\x{0}-\x{ff}]"))
    prescan.compile()
    assert prescan.backends == {"steps": "hyperscan", "dossier": "re2"}
    assert prescan.scan([("dossier", bytez("sổ hộ khẩu")), ("steps", bytez("nộp trực tiếp"))]) == [
        (1, "steps", {0}), (2, "dossier", {0})]


def test_databases_are_kept_on_disk_and_a_damaged_file_is_compiled_again(cache, monkeypatch):
    patterns = [to_re2("sổ hộ khẩu"), to_re2("căn cước")]
    text = bytez("bản sao sổ hộ khẩu, căn cước")

    def ids(db):
        found = []
        db.scan(text, lambda i, *_: found.append(i))
        return sorted(found)

    first = prescan_hyperscan.database(patterns)
    assert ids(first) == [1, 2]
    files = list(cache.glob("prescan-*.hsdb"))
    assert len(files) == 1
    # a new process: the memo is empty, the file is loaded (compiling is not needed)
    monkeypatch.setattr(prescan_hyperscan, "_MEMO", {})
    monkeypatch.setattr(prescan_hyperscan, "_compile", lambda patterns: pytest.fail("compiled again"))
    loaded = prescan_hyperscan.database(patterns)
    assert loaded is not first and ids(loaded) == [1, 2]
    # a damaged file (one byte changed after the digest: Hyperscan would load it) is not
    # loaded but compiled and written again
    blob = bytearray(files[0].read_bytes())
    blob[-5] ^= 0xFF
    files[0].write_bytes(bytes(blob))
    monkeypatch.undo()
    monkeypatch.setenv("TTHC_CACHE_DIR", str(cache))
    monkeypatch.setattr(prescan_hyperscan, "_MEMO", {})
    assert prescan_hyperscan._load(files[0]) is None
    again = prescan_hyperscan.database(patterns)
    assert ids(again) == [1, 2]
    assert prescan_hyperscan._load(files[0]) is not None  # rewritten whole


def test_an_unwritable_cache_only_costs_a_compilation(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TTHC_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(prescan_hyperscan, "_MEMO", {})
    db = prescan_hyperscan.database([to_re2("hộ chiếu")])
    assert db is not None
    found = []
    db.scan(bytez("hộ chiếu"), lambda i, *_: found.append(i))
    assert found == [1]


def test_hyperscan_can_be_turned_off(cache, monkeypatch):
    monkeypatch.setenv("TTHC_NO_HYPERSCAN", "1")
    assert prescan_hyperscan.database([r"x"]) is None


def test_threads_scan_with_scratch_spaces_of_their_own(cache):
    """Prescans share one database per pattern list (and the binding releases the GIL while
    scanning): each thread scans with its own scratch space; one shared scratch fails with
    ScratchInUseError."""
    import threading

    prescans = []
    for _ in range(2):
        prescan = Prescan()
        prescan.add(1, ["dossier"], [r"sổ hộ khẩu", r"(?:giấy|bản)(?s:.)*?chứng thực"])
        prescan.compile()
        assert prescan.backends == {"dossier": "hyperscan"}
        prescans.append(prescan)
    data = bytez("bản sao có chứng thực sổ hộ khẩu; " * 4000)
    want = prescans[0].scan([("dossier", data)])
    assert want == [(1, "dossier", {0, 1})]
    errors, answers = [], []

    def run(prescan):
        try:
            for _ in range(150):
                answers.append(prescan.scan([("dossier", data)]))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(p,)) for p in prescans + prescans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(answers) == 600 and all(a == want for a in answers)


def test_files_unused_for_a_month_are_deleted_when_a_new_one_is_written(cache):
    """Each change of the catalogue's patterns writes new database files: the old ones go once
    unused for ``UNUSED_DAYS``; a file loaded since (its time touched on load) stays."""
    import os
    import time

    first = prescan_hyperscan.database([to_re2("hộ chiếu")])
    assert first is not None
    (old,) = cache.glob("prescan-*.hsdb")
    stale = time.time() - (prescan_hyperscan.UNUSED_DAYS + 1) * 86400
    os.utime(old, (stale, stale))
    other = cache / "prescan-unrelated.hsdb"  # another catalogue's, unused as long
    other.write_bytes(b"x")
    os.utime(other, (stale, stale))
    # loading the first again marks it in use
    assert prescan_hyperscan._load(old) is not None
    assert old.stat().st_mtime > stale + 86400
    os.utime(other, (stale, stale))
    prescan_hyperscan.database([to_re2("căn cước")])  # a new file is written: prune
    names = {f.name for f in cache.glob("prescan-*.hsdb")}
    assert old.name in names and other.name not in names and len(names) == 2
