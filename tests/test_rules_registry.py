"""Citation rules (CC001, CC002) read document statuses from the registry of legal documents
only (corpus/registry/*.yaml): there is no second status table to fall out of step with it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tthc_pipeline.legal.registry import Registry
from tthc_pipeline.procedures.model import Procedure, Provenance, TextSpan
from tthc_pipeline.rules.engine import Engine
from tthc_pipeline.rules.schema import default_rules_dir, load_catalogue

ROOT = Path(__file__).resolve().parents[1]

# Every document of the former fallback table rules/data/citation_status.yaml.
FORMER_SEED = [
    "61/2018/NĐ-CP", "107/2021/NĐ-CP", "59/2014/QH13", "81/2006/QH11", "43/2011/NĐ-CP", "05/2014/TT-BTP",
    "07/2014/TT-BTP", "05/2015/TTLT-BTP-BCA-BYT", "03/2011/QH13", "24/2023/TT-BCA", "63/2010/NĐ-CP",
    "23/2015/NĐ-CP", "123/2015/NĐ-CP", "118/2025/NĐ-CP", "55/2021/TT-BCA", "56/2021/TT-BCA",
    "57/2021/TT-BCA", "96/2016/NĐ-CP",
]


def _proc(basis: str) -> Procedure:
    return Procedure(id="p1", name="Thủ tục thử", code="1.000001",
                     components={"legal_basis": TextSpan(basis, Provenance(document="<test>", start=0, end=len(basis)))})


def _registry(tmp_path: Path, yaml_text: str) -> Registry:
    """A registry of one family file, ``yaml_text``, in a fresh corpus folder."""
    folder = tmp_path / "registry"
    folder.mkdir(exist_ok=True)
    (folder / "t.yaml").write_text(yaml_text, encoding="utf-8")
    return Registry.load(tmp_path)


def test_no_fallback_status_table():
    assert not (default_rules_dir() / "data" / "citation_status.yaml").exists()
    assert "citation_status" not in load_catalogue().data


def test_registry_knows_every_document_of_the_former_table():
    registry = Registry.load(ROOT / "corpus")
    assert [i for i in registry.lint() if i.level == "error"] == []
    missing = [d for d in FORMER_SEED if registry.get(d) is None]
    assert missing == []


def test_moved_entries_keep_their_unverified_mark():
    registry = Registry.load(ROOT / "corpus")
    st = registry.status("03/2011/QH13", date(2026, 6, 30))
    assert (st.code, st.by, st.since, st.confidence) == ("replaced", ["25/2018/QH14"], date(2019, 1, 1), "U")
    assert registry.get("03/2011/QH13").confidence == "U"
    st = registry.status("57/2021/TT-BCA", date(2026, 6, 30))
    assert (st.code, st.by, st.confidence) == ("amended", ["66/2023/TT-BCA"], "U")
    # 56/2021: amended by 66/2023 [U] and by 53/2025 [S] (the portal's basis says so): the weaker mark
    st = registry.status("56/2021/TT-BCA", date(2026, 6, 30))
    assert (st.code, st.by, st.confidence) == ("amended", ["66/2023/TT-BCA", "53/2025/TT-BCA"], "U")


def test_cc001_uses_the_repository_registry_when_none_is_given():
    engine = Engine.from_dir(select=["CC001"])
    found = engine.check([_proc("Luật Tố cáo 03/2011/QH13")], as_of=date(2026, 6, 30))
    assert [(f.rule_id, f.evidence.quote, f.confidence) for f in found] == [("CC001", "03/2011/QH13", "U")]
    assert "25/2018/QH14" in found[0].message
    # before the replacement took effect: nothing to report
    assert engine.check([_proc("Luật Tố cáo 03/2011/QH13")], as_of=date(2018, 6, 30)) == []


def test_cc001_says_when_its_date_is_only_an_issue_date(tmp_path):
    """A replacement whose successor's effective date is not known dates from the successor's
    issue date, a lower bound: the message and the reason say so instead of stating it."""
    only_issued = (
        "family: t\nentries:\n"
        "  - {id: 43/2011/NĐ-CP, type: Nghị định, title: cũ, confidence: S}\n"
        "  - {id: 42/2022/NĐ-CP, type: Nghị định, title: mới, issued: 2022-06-24, confidence: S,\n"
        "     relations: [{type: replaces, target: 43/2011/NĐ-CP, confidence: U}]}\n")
    effective = only_issued + (
        "  - {id: 45/2020/NĐ-CP, type: Nghị định, title: khác, issued: 2020-04-08, effective: 2020-05-22, confidence: V,\n"
        "     relations: [{type: replaces, target: 43/2011/NĐ-CP, confidence: V}]}\n")
    engine = Engine.from_dir(select=["CC001"])
    basis = [_proc("Nghị định số 43/2011/NĐ-CP")]
    (f,) = engine.check(basis, as_of=date(2021, 1, 1), registry=_registry(tmp_path, effective))
    assert f.message.endswith("bởi 45/2020/NĐ-CP từ 22/5/2020.")  # an effective date: stated as it is
    (f,) = engine.check(basis, as_of=date(2023, 1, 1), registry=_registry(tmp_path, only_issued))
    assert f.message == ("Căn cứ pháp lý trích dẫn 43/2011/NĐ-CP; tại ngày rà soát, văn bản này đã bị thay thế bởi "
                         "42/2022/NĐ-CP từ 24/6/2022 (ngày ban hành; ngày có hiệu lực chưa xác minh).")
    assert "24/6/2022 (ngày ban hành; ngày có hiệu lực chưa xác minh); thủ tục" in f.recommendation["ly_do"]


def test_cc001_reads_only_the_registry_it_is_given(tmp_path):
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "empty.yaml").write_text("family: empty\nentries: []\n", encoding="utf-8")
    engine = Engine.from_dir(select=["CC001"])
    found = engine.check([_proc("Luật Tố cáo 03/2011/QH13")], as_of=date(2026, 6, 30),
                         registry=Registry.load(tmp_path))
    assert found == []  # unknown document: no status, no finding, no hidden second table


def test_cc002_names_only_the_amendments_not_cited():
    engine = Engine.from_dir(select=["CC002"])
    basis = "Thông tư 55/2021/TT-BCA55/2021/TT-BCA; Thông tư số 66/2023/TT-BCA"
    found = engine.check([_proc(basis)], as_of=date(2026, 6, 30))
    assert len(found) == 1 and found[0].evidence.quote == "55/2021/TT-BCA"
    assert "53/2025/TT-BCA" in found[0].message and "66/2023/TT-BCA" not in found[0].message
    cited_both = basis + "; Thông tư 53/2025/TT-BCA"
    assert engine.check([_proc(cited_both)], as_of=date(2026, 6, 30)) == []


def test_cc002_names_the_clauses_the_registry_knows_and_whether_the_cited_ones_are_among_them():
    engine = Engine.from_dir(select=["CC002"])
    registry = Registry.load(ROOT / "corpus")  # 07/2025/NĐ-CP amends khoản 1 Điều 36 of 23/2015/NĐ-CP
    messages = {}
    for basis in ("Khoản 1 Điều 36 Nghị định số 23/2015/NĐ-CP", "Điều 6 Nghị định số 23/2015/NĐ-CP",
                  "Nghị định số 23/2015/NĐ-CP", "Điều 6 Nghị định số 23/2015/NĐ-CP; Điều 36 Nghị định số 23/2015/NĐ-CP",
                  "Khoản 01 Điều 036 Nghị định số 23/2015/NĐ-CP"):
        (f,) = engine.check([_proc(basis)], as_of=date(2026, 11, 29), registry=registry)
        messages[basis] = f.message
    known = "bởi 07/2025/NĐ-CP (phần được sửa đổi, bổ sung đã biết: khoản 1 Điều 36"
    assert f"{known}; điều, khoản được trích dẫn có liên quan: khoản 1 Điều 36)" \
        in messages["Khoản 1 Điều 36 Nghị định số 23/2015/NĐ-CP"]
    # the list is the one clause a source quoted, not marked complete: a clause outside it is
    # still reported, with what is known, and never said to lie outside the amended part
    assert messages["Điều 6 Nghị định số 23/2015/NĐ-CP"].endswith(f"{known}), nhưng căn cứ pháp lý chưa nêu văn bản sửa đổi, bãi bỏ đó.")
    assert messages["Nghị định số 23/2015/NĐ-CP"].endswith(f"{known}), nhưng căn cứ pháp lý chưa nêu văn bản sửa đổi, bãi bỏ đó.")
    # every citation of the document counts (one finding for both), and "01", "036" are 1, 36
    assert "có liên quan: Điều 36)" in messages["Điều 6 Nghị định số 23/2015/NĐ-CP; Điều 36 Nghị định số 23/2015/NĐ-CP"]
    assert "có liên quan: khoản 01 Điều 036)" in messages["Khoản 01 Điều 036 Nghị định số 23/2015/NĐ-CP"]


def test_cc002_says_nothing_is_outside_when_an_amendment_of_unknown_clauses_is_in_force(tmp_path):
    """TT 55/2021 is partly repealed (Điều 12) and amended by a circular whose clauses are not
    recorded: khoản 1 Điều 5 may be among the amended ones, so it is not said to be outside."""
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "t.yaml").write_text(
        "entries:\n"
        "  - {id: 55/2021/TT-BCA, type: Thông tư, effective: '2021-07-01', confidence: V}\n"
        "  - id: 66/2023/TT-BCA\n    type: Thông tư\n    effective: '2024-01-01'\n    confidence: S\n"
        "    relations:\n"
        "      - {type: amends, target: 55/2021/TT-BCA, date: '2024-01-01', confidence: S}\n"
        "      - {type: repeals, target: 55/2021/TT-BCA, date: '2024-01-01', articles: [{dieu: '12'}], confidence: S}\n",
        "utf-8")
    registry = Registry.load(tmp_path)
    (f,) = Engine.from_dir(select=["CC002"]).check([_proc("Khoản 1 Điều 5 Thông tư số 55/2021/TT-BCA")],
                                                  as_of=date(2026, 11, 29), registry=registry)
    assert "(phần bị bãi bỏ đã biết: Điều 12)" in f.message and "không thuộc" not in f.message


def test_cc002_on_a_real_portal_record_names_what_a_real_regulation_repealed(tmp_path):
    """TT 24/2023/TT-BCA (real .docx) repeals Điều 3 and khoản 2–10 Điều 7 of TT 15/2022/TT-BCA,
    which seven Bộ Công an records still cite for seals and security conditions (1.003173):
    learned into the registry, CC002 names those clauses, so the reviewer can check whether
    the provisions the procedure relies on are among them."""
    from tthc_pipeline.ingest.runner import ingest_file
    from tthc_pipeline.legal.relations import relations_from_ingest, write_learned
    from tthc_pipeline.rules.check_inputs import load_file

    realdata = ROOT.parent / "shared" / "realdata"
    record = realdata / "portal-json" / "bo-cong-an" / "1.003173.json"
    if not record.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    write_learned(relations_from_ingest(ingest_file(realdata / "docx" / "TT-24-2023-TT-BCA_dang-ky-bien-so-xe_SUPERSEDED.docx")),
                  tmp_path / "learned")
    registry = Registry.load(tmp_path)
    findings = [f for f in Engine.from_dir(select=["CC002"]).check(load_file(record), as_of=date(2026, 11, 29), registry=registry)
                if "15/2022/TT-BCA" in f.message]
    assert len(findings) == 1
    assert ("15/2022/TT-BCA đã bị bãi bỏ một phần bởi 24/2023/TT-BCA (phần bị bãi bỏ đã biết: Điều 3, khoản 2 Điều 7, "
            "khoản 3 Điều 7," in findings[0].message)


def test_cc002_says_a_clause_is_outside_only_when_every_list_is_marked_complete(tmp_path):
    """NĐ 48/2013's Điều 1, read whole, lists every clause of NĐ 63/2010 it amended or
    repealed (articles_complete): at 2014 a basis citing Điều 8 is told it lies outside them;
    at 2018 NĐ 92/2017 (clauses not recorded) is in force too, and nothing is said outside."""
    engine = Engine.from_dir(select=["CC002"])
    registry = Registry.load(ROOT / "corpus")
    (f,) = engine.check([_proc("Điều 8 Nghị định số 63/2010/NĐ-CP")], as_of=date(2014, 1, 1), registry=registry)
    assert "bởi 48/2013/NĐ-CP" in f.message and "(Điều 8) không thuộc phần này" in f.message
    (f,) = engine.check([_proc("Điều 29 Nghị định số 63/2010/NĐ-CP")], as_of=date(2014, 1, 1), registry=registry)
    assert "bị bãi bỏ khoản 5 Điều 29" in f.message and "có liên quan: Điều 29" in f.message
    (f,) = engine.check([_proc("Điều 8 Nghị định số 63/2010/NĐ-CP")], as_of=date(2018, 1, 1), registry=registry)
    assert "đã bị bãi bỏ một phần bởi 48/2013/NĐ-CP và được sửa đổi, bổ sung bởi 92/2017/NĐ-CP (" in f.message
    assert f.recommendation["noi_dung"].startswith("Bổ sung 48/2013/NĐ-CP, 92/2017/NĐ-CP vào căn cứ pháp lý")
    assert "không thuộc phần này" not in f.message
    # the partial repeal cited, its amendment not: the message says what is missing
    found = engine.check([_proc("Nghị định số 63/2010/NĐ-CP; Nghị định số 48/2013/NĐ-CP")], as_of=date(2018, 1, 1),
                         registry=registry)  # 48/2013 itself was amended by 92/2017 too
    assert sorted(f.evidence.quote for f in found) == ["48/2013/NĐ-CP", "63/2010/NĐ-CP"]
    f = next(f for f in found if f.evidence.quote == "63/2010/NĐ-CP")
    assert f.message.startswith("Căn cứ 63/2010/NĐ-CP đã được sửa đổi, bổ sung bởi 92/2017/NĐ-CP (")
    assert engine.check([_proc("Nghị định số 63/2010/NĐ-CP; Nghị định 48/2013/NĐ-CP; Nghị định 92/2017/NĐ-CP")],
                        as_of=date(2018, 1, 1), registry=registry) == []


def test_cc002_is_as_certain_as_the_amendments_it_names(tmp_path):
    """10/2020 is partly repealed by 20/2021 [V] and amended by 30/2022 [U]: a basis citing the
    repeal only is told of the amendment, as certain as the amendment; the recommendation lists
    plain document numbers, the message says what each did."""
    registry = _registry(tmp_path, (
        "entries:\n"
        "  - {id: 10/2020/TT-BCA, type: Thông tư, effective: '2020-07-01', confidence: V}\n"
        "  - {id: 20/2021/TT-BCA, type: Thông tư, effective: '2021-02-01', confidence: V,\n"
        "     relations: [{type: repeals, target: 10/2020/TT-BCA, articles: [{dieu: '3'}], confidence: V}]}\n"
        "  - {id: 30/2022/TT-BCA, type: Thông tư, effective: '2022-02-01', confidence: U,\n"
        "     relations: [{type: amends, target: 10/2020/TT-BCA, confidence: U}]}\n"))
    engine = Engine.from_dir(select=["CC002"])
    (f,) = engine.check([_proc("Thông tư số 10/2020/TT-BCA; Thông tư số 20/2021/TT-BCA")], as_of=date(2023, 1, 1),
                        registry=registry)
    assert f.message.startswith("Căn cứ 10/2020/TT-BCA đã được sửa đổi, bổ sung bởi 30/2022/TT-BCA (")
    assert f.confidence == "U"
    (f,) = engine.check([_proc("Thông tư số 10/2020/TT-BCA")], as_of=date(2023, 1, 1), registry=registry)
    assert f.message.startswith("Căn cứ 10/2020/TT-BCA đã bị bãi bỏ một phần bởi 20/2021/TT-BCA và được sửa đổi, "
                                "bổ sung bởi 30/2022/TT-BCA (")
    assert f.recommendation["noi_dung"].startswith("Bổ sung 20/2021/TT-BCA, 30/2022/TT-BCA vào căn cứ pháp lý")
    assert f.recommendation["ly_do"].startswith("Văn bản 10/2020/TT-BCA đã bị bãi bỏ một phần bởi 20/2021/TT-BCA và")
    assert f.confidence == "U"
