"""Engine, matchers, guards, findings and lint behaviour on small real rule files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from tthc_pipeline.procedures.model import Procedure, Provenance, TextSpan
from tthc_pipeline.rules.engine import Engine
from tthc_pipeline.rules.findings import fingerprint
from tthc_pipeline.rules.schema import RuleError, lint_catalogue, load_catalogue
from tthc_pipeline.rules.testing import run_rule_tests
from tthc_pipeline.text.normalize import clean

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tthc_pipeline" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
AS_OF = date(2026, 6, 30)


def proc(code: str = "1.000001", name: str = "Thủ tục thử", doc_offset: int = 0, **components: str) -> Procedure:
    comps = {}
    for key, text in components.items():
        text = clean(text)
        comps[key] = TextSpan(text, Provenance(document="qd.docx", page=3, node_id=key, start=doc_offset, end=doc_offset + len(text)))
    return Procedure(id=code, name=name, code=code, components=comps)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_dir()


def test_hs001_flags_the_book_but_not_the_abolishing_decree(engine):
    fires = engine.check([proc(dossier="Sổ hộ khẩu của chủ hộ (bản chính).")], as_of=AS_OF)
    assert [f.rule_id for f in fires if f.rule_id == "HS001"] == ["HS001"]
    quiet = engine.check([proc(dossier="Theo Nghị định số 104/2022/NĐ-CP, cơ quan không yêu cầu nộp sổ hộ khẩu.")], as_of=AS_OF)
    assert not [f for f in quiet if f.rule_id == "HS001"]


def test_hs001_not_in_force_before_2023(engine):
    got = engine.check([proc(dossier="Sổ hộ khẩu của chủ hộ (bản chính).")], as_of=date(2022, 6, 1))
    assert not [f for f in got if f.rule_id == "HS001"]


def test_evidence_offsets_quote_the_original_and_shift_provenance(engine):
    text = "Đơn đề nghị; Bản sao SỔ HỘ KHẨU (bản chính)."
    f = next(f for f in engine.check([proc(doc_offset=1000, dossier=text)], as_of=AS_OF) if f.rule_id == "HS001")
    assert text[f.evidence.start : f.evidence.end] == f.evidence.quote
    assert f.evidence.quote == "SỔ HỘ KHẨU"  # original case, not canon; overlapping alternatives merged
    assert f.evidence.prov["start"] == 1000 + f.evidence.start
    assert f.evidence.prov["page"] == 3 and f.evidence.prov["node_id"] == "dossier"


def test_fingerprint_ignores_offsets_and_spacing(engine):
    a = next(f for f in engine.check([proc(dossier="Sổ hộ khẩu (bản chính).")], as_of=AS_OF) if f.rule_id == "HS001")
    b = next(f for f in engine.check([proc(dossier="Đơn đề nghị theo mẫu; thêm nhiều chữ;  Sổ  hộ khẩu (bản chính).")], as_of=AS_OF)
             if f.rule_id == "HS001")
    assert a.evidence.start != b.evidence.start
    assert a.fingerprint == b.fingerprint
    assert fingerprint("HS001", "1.000001", "dossier", "Sổ hộ khẩu") != fingerprint("HS001", "1.000002", "dossier", "Sổ hộ khẩu")


def test_fingerprint_key_is_the_first_written_one():
    """Stored fingerprints (baselines, reviewers' decisions) must survive a rewrite of
    fingerprint(): its quote key is still ``re.sub(r"\\s+", " ", canon(q)).strip()``, for
    every kind of whitespace Python knows (NBSP, ideographic space, U+001C-U+001F, U+2028)."""
    import hashlib
    import re
    import sys

    from tthc_pipeline.text.normalize import canon

    def first_written(rule_id, procedure_id, component, quote):
        key = re.sub(r"\s+", " ", canon(quote)).strip()
        return hashlib.sha256("\x1f".join((rule_id, procedure_id, component, key)).encode("utf-8", "surrogatepass")).hexdigest()

    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert "\u00a0" in spaces and "\u3000" in spaces and "\x1c" in spaces and "\u2028" in spaces
    quotes = ["Sổ hộ khẩu", "  Sổ\u00a0 hộ\n\tkhẩu \u3000", spaces + "Bản sao" + spaces + "CMND" + spaces, spaces, "",
              "lone \ud800 surrogate", "x\u200by"]  # U+200B is not whitespace: kept
    for q in quotes:
        assert fingerprint("HS001", "1.000001", "dossier", q) == first_written("HS001", "1.000001", "dossier", q), repr(q)
    # and the value the first implementation gave (a changed key would orphan stored decisions)
    assert fingerprint("HS001", "1.000001", "dossier", "Sổ \u00a0hộ khẩu ") == (
        "1c0d018a25291d42ad5060098b0f0057a50279e02b839147a7f6bec7356632e8")


def test_diacritic_free_text_is_confirmed_not_confused(engine):
    ocr = "Ban sao so ho khau cua nguoi de nghi; don de nghi theo mau; giay to chung minh thu nhap hop phap."
    assert [f.rule_id for f in engine.check([proc(dossier=ocr)], as_of=AS_OF, ) if f.rule_id == "HS001"] == ["HS001"]
    accented = "Số hộ khẩu gia đình được ghi trong tờ khai đề nghị."  # "số" is not "sổ"
    assert not [f for f in engine.check([proc(dossier=accented)], as_of=AS_OF) if f.rule_id == "HS001"]


def test_select_and_ignore_by_family_and_id():
    e = Engine.from_dir(select=["HS"], ignore=["HS003"])
    ids = {cr.rule.id for cr in e.rules}
    assert "HS001" in ids and "HS003" not in ids and not any(i.startswith("CQ") for i in ids)


def test_findings_validate_against_the_json_schema(engine):
    p = proc(dossier="Bản sao có chứng thực giấy phép xây dựng1 bản chính", agencies="Công an huyện",
             legal_basis="Nghị định về một cửa61/2018/NĐ-CP")
    findings = engine.check([p], as_of=AS_OF)
    assert {"HS005", "CQ001", "CC001"} <= {f.rule_id for f in findings}
    doc = {"as_of": AS_OF.isoformat(), "procedures": 1, "findings": [f.to_dict() for f in findings]}
    jsonschema.validate(doc, SCHEMA)
    cc = next(f for f in findings if f.rule_id == "CC001")
    assert "118/2025/NĐ-CP" in cc.message and "{" not in cc.message


def test_registry_object_is_used_when_given(engine):
    from tthc_pipeline.legal.registry import Status

    class OneDocRegistry:  # the interface of tthc_pipeline.legal.registry.Registry.status: a Status
        def status(self, doc_id, as_of):
            code = "repealed" if doc_id == "68/2013/TT-BCA" else "in_force"
            return Status(code, date(2020, 1, 1), ["99/2019/TT-BCA"], "đã bị bãi bỏ")

    p = proc(legal_basis="Hướng dẫn xử lý khiếu nại68/2013/TT-BCALuật Khiếu nại năm 201102/2011/QH13")
    got = [f for f in engine.check([p], as_of=AS_OF, registry=OneDocRegistry()) if f.rule_id == "CC001"]
    assert [f.evidence.quote for f in got] == ["68/2013/TT-BCA"]


def _write_rule(dirpath: Path, data: dict) -> None:
    (dirpath / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _minimal(rid: str, **over) -> dict:
    data = {
        "id": rid, "name": f"rule-{rid.lower()}", "status": "preview", "severity": "low", "category": "unclear",
        "components": ["dossier"], "match": {"kind": "patterns", "any": ["giấy tờ khác"]},
        "legal_basis": [{"document": "63/2010/NĐ-CP", "confidence": "V"}],
        "message": "{component_vi}: {evidence}",
        "recommendation": {"noi_dung": "Bỏ {evidence}", "ly_do": "x", "kien_nghi_thuc_thi": "y"},
        "docs": {"what": "a", "why": "b", "example": "c", "fix": "d"},
        "tests": {"fires": ["Các giấy tờ khác"], "passes": ["Đơn đề nghị"]},
    }
    data.update(over)
    return data


def test_lint_reports_real_problems(tmp_path):
    _write_rule(tmp_path, _minimal("HS901", message="Thiếu {khong_co_bien_nay}"))
    _write_rule(tmp_path, _minimal("HS902", legal_basis=[]))
    bad = _minimal("HS903")
    bad["name"] = "rule-hs901"  # duplicate name
    _write_rule(tmp_path, bad)
    problems = "\n".join(lint_catalogue(load_catalogue(tmp_path)))
    assert "unknown placeholders ['khong_co_bien_nay']" in problems
    assert "HS902" in problems and "missing legal_basis" in problems
    assert "duplicate name" in problems


def test_lint_reports_an_unknown_superseding_rule(tmp_path):
    _write_rule(tmp_path, _minimal("HS905", superseded_by=["HS999", "HS905"]))
    problems = "\n".join(lint_catalogue(load_catalogue(tmp_path)))
    assert "superseded_by names unknown rules (or itself): ['HS999', 'HS905']" in problems


def test_a_generic_rule_yields_to_the_specific_one_on_the_same_words():
    """HS013 (any paper whose data is published) and HS004 (identity copies) both read "Bản sao
    thẻ căn cước công dân": one finding, HS004's; HS013 alone still reports it."""
    p = proc(dossier="Đơn đề nghị; Bản sao thẻ căn cước công dân của người đề nghị.")
    both = {f.rule_id for f in Engine.from_dir(select=["HS004", "HS013"]).check([p], as_of=AS_OF)}
    assert both == {"HS004"}
    alone = {f.rule_id for f in Engine.from_dir(select=["HS013"]).check([p], as_of=AS_OF)}
    assert alone == {"HS013"}
    # not superseded where the specific rule did not fire: a residence paper HS002 does not read
    other = proc(dossier="Giấy xác nhận thông tin về cư trú.")
    assert "HS013" in {f.rule_id for f in Engine.from_dir(select=["HS004", "HS013"]).check([other], as_of=AS_OF)}


def test_a_generic_rule_yields_where_the_specific_ones_guard_excused_the_words():
    """HS004 reads "Bản sao Thẻ Căn cước" and its guard excuses it where the card's data
    changed (the portal's 3.000330): HS013, which knows less about the paper, must not report
    those words either; with HS004 out of the run it still does."""
    p = proc(dossier="Bản sao Thẻ Căn cước của người yêu cầu (Trường hợp có sự thay đổi thông tin thì nộp kèm giấy tờ chứng minh).")
    assert {f.rule_id for f in Engine.from_dir(select=["HS004", "HS013"]).check([p], as_of=AS_OF)} == set()
    assert {f.rule_id for f in Engine.from_dir(select=["HS013"]).check([p], as_of=AS_OF)} == {"HS013"}


def test_rule_that_never_fires_on_its_own_tests_is_caught(tmp_path):
    _write_rule(tmp_path, _minimal("HS904", tests={"fires": ["Đơn đề nghị"], "passes": ["Các giấy tờ khác"]}))
    cat = load_catalogue(tmp_path)
    results = run_rule_tests(cat, cat.rules[0])
    assert [r.ok for r in results] == [False, False]


def test_loader_rejects_bad_rules(tmp_path):
    _write_rule(tmp_path, _minimal("XX001"))
    with pytest.raises(RuleError, match="family code"):
        load_catalogue(tmp_path)


def test_bad_regex_is_a_rule_error(tmp_path):
    _write_rule(tmp_path, _minimal("HS905", match={"kind": "patterns", "any": ["(giấy"]}))
    with pytest.raises(RuleError, match="bad regex"):
        Engine.from_dir(tmp_path)


def test_bp001_skips_listing_only_rows_but_not_published_procedures():
    from tthc_pipeline.procedures.model import Procedure, TextSpan
    from tthc_pipeline.rules.engine import Engine

    engine = Engine.from_dir(select=["BP001"])
    listed = Procedure(id="1.001193", code="1.001193", name="Đăng ký khai sinh",
                       components={"name": TextSpan("Đăng ký khai sinh")}, extra={"listing_only": True})
    published = Procedure(id="x", name="Đăng ký khai sinh", components={"name": TextSpan("Đăng ký khai sinh")})
    findings = engine.check([listed, published])
    assert findings and {f.procedure_id for f in findings} == {"x"}


def test_the_same_source_words_in_two_components_are_reported_once(engine):
    """A decree article extracted as both the steps and the dossier (same document span):
    one HS001 finding, on the first component the rule reads; distinct spans still count."""
    article = clean("Hồ sơ gồm: Sổ hộ khẩu (bản sao có công chứng).")
    span = Provenance(document="nd.doc", node_id="dieu-22", start=500, end=500 + len(article))
    shared = Procedure(id="p", name="Thủ tục", code=None,
                       components={"steps": TextSpan(article, span), "dossier": TextSpan(article, span)})
    hs001 = [f for f in engine.check([shared], as_of=AS_OF) if f.rule_id == "HS001"]
    assert [f.component for f in hs001] == ["dossier"]
    # the same words at two places of the document are two findings
    apart = proc(dossier="Sổ hộ khẩu (bản chính).", steps="Nộp Sổ hộ khẩu (bản chính).")
    assert len([f for f in engine.check([apart], as_of=AS_OF) if f.rule_id == "HS001"]) == 2


def test_timings_add_up_by_stage_and_change_no_finding(engine):
    procs = [proc(dossier="Sổ hộ khẩu (bản sao). Bản sao chứng minh nhân dân.",
                  steps="Nộp hồ sơ tại Công an cấp huyện.", legal_basis="Nghị định 31/2014/NĐ-CP")]
    timings: dict[str, float] = {}
    with_timings = engine.check(procs, as_of=AS_OF, timings=timings)
    assert {f.rule_id for f in with_timings} >= {"HS001", "HS003", "CQ001"}
    assert [f.to_dict() for f in with_timings] == [f.to_dict() for f in engine.check(procs, as_of=AS_OF)]
    in_force = {cr.rule.id for cr in engine.rules if not cr.rule.effective_from or cr.rule.effective_from <= AS_OF}
    assert set(timings) == {"prescan"} | in_force
    assert all(seconds >= 0 for seconds in timings.values()) and sum(timings.values()) > 0
    again = dict(timings)
    engine.check(procs, as_of=AS_OF, timings=timings)  # a second run adds to the same stages
    assert all(timings[stage] >= again[stage] for stage in again) and sum(timings.values()) > sum(again.values())


def test_residence_bound_submission_is_quoted_from_the_last_verb_before_the_place(engine):
    # the portal's "Nộp hồ sơ:" heading must not stretch the evidence over the whole step
    text = ("Nộp hồ sơ:\n- Công dân Việt Nam thường trú tại tỉnh có chung đường biên giới đề nghị cấp giấy "
            "thông hành nộp hồ sơ trực tiếp tại Công an cấp xã nơi thường trú.")
    got = [f for f in engine.check([proc(steps=text)], as_of=AS_OF) if f.rule_id == "CT003"]
    assert [f.evidence.quote for f in got] == ["nộp hồ sơ trực tiếp tại Công an cấp xã nơi thường trú"]


def test_in_person_only_does_not_call_missing_a_channel_the_steps_allow(engine):
    table = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp7 Ngày làm việcMiễn phíTrực tiếp tại Ủy ban nhân dân cấp xã."
    postal = "Bước 1: Đối tượng nộp trực tiếp hoặc qua đường bưu chính bản khai cá nhân đến Ủy ban nhân dân cấp xã."
    only_table = [f for f in engine.check([proc(channels=table)], as_of=AS_OF) if f.rule_id == "CT001"]
    assert "chưa có nộp trực tuyến hoặc qua bưu chính." in only_table[0].message
    with_steps = [f for f in engine.check([proc(channels=table, steps=postal)], as_of=AS_OF) if f.rule_id == "CT001"]
    assert len(with_steps) == 1
    message, todo = with_steps[0].message, with_steps[0].recommendation["noi_dung"]
    assert "chưa có nộp trực tuyến." in message and "cho phép nộp qua bưu chính" in message
    assert "trực tuyến" in todo and "kênh nộp qua bưu chính mà trình tự thực hiện đã cho phép" in todo
    assert with_steps[0].fingerprint == only_table[0].fingerprint  # same finding, better worded


def test_a_placeholder_result_is_a_missing_result_quoted_up_to_its_code(engine):
    parts = dict(name="Cấp giấy phép", steps="Bước 1: nộp hồ sơ", dossier="Đơn đề nghị", subjects="Công dân",
                 agencies="Công an tỉnh", channels="Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 Ngày làm việcMiễn phí")
    placeholder = "...Mã: KQ.G01.000279Từ khóaKhông có thông tinMô tảKhông có thông tin"
    got = engine.check([proc(result=placeholder, **parts)], as_of=AS_OF)
    assert [(f.component, f.evidence.quote) for f in got if f.rule_id == "BP001"] == [("result", "...Mã: KQ.G01.000279")]
    assert not [f for f in got if f.rule_id == "CT004"]  # no result to call paper-only
    named = engine.check([proc(result=placeholder.replace("...", "Giấy phép"), **parts)], as_of=AS_OF)
    assert not [f for f in named if f.rule_id == "BP001"] and [f for f in named if f.rule_id == "CT004"]


def test_calendar_days_names_where_the_working_days_are_written(engine):
    table = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến3 NgàyMiễn phíTrực tiếp3 Ngày làm việcMiễn phí"
    (row,) = [f for f in engine.check([proc(channels=table)], as_of=AS_OF) if f.rule_id == "TH003"]
    assert row.evidence.quote == "Trực tuyến3 Ngày" and "dòng khác của bảng cách thức thực hiện" in row.message
    described = table + "(Không quá 03 ngày làm việc kể từ ngày nhận đủ hồ sơ)"
    (desc,) = [f for f in engine.check([proc(channels=described)], as_of=AS_OF) if f.rule_id == "TH003"]
    assert "trong khi mô tả dùng ngày làm việc" in desc.message
    # another number of days in working days is another limit (two stages), not this row's unit
    other = table.replace("Trực tuyến3 Ngày", "Trực tuyến15 Ngày")
    assert not [f for f in engine.check([proc(channels=other)], as_of=AS_OF) if f.rule_id == "TH003"]
    assert [f for f in engine.check([proc(channels=other + "(Không quá 15 ngày làm việc)")], as_of=AS_OF)
            if f.rule_id == "TH003"]


def test_a_short_placeholder_result_is_missing_too(engine):
    parts = dict(name="Cấp giấy phép", steps="Bước 1: nộp hồ sơ", dossier="Đơn đề nghị", subjects="Công dân",
                 agencies="Công an tỉnh", channels="Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 Ngày làm việcMiễn phí")
    got = [f for f in engine.check([proc(result="...Mã: KQ.G01.000279", **parts)], as_of=AS_OF) if f.rule_id == "BP001"]
    assert [(f.component, f.evidence.quote) for f in got] == [("result", "...Mã: KQ.G01.000279")]


def _rule_findings(engine, procs, rule_id):
    return [f for f in engine.check(procs, as_of=AS_OF) if f.rule_id == rule_id]


def test_per_item_rule_reports_each_paper_with_the_same_quote(engine):
    """Two papers each asked in 5 copies are two simplifications (HS008 ``report: per_item``):
    each keeps a finding, the first with the fingerprint a lone paper has, the second with its
    ordinal; the same quote repeated inside one item is still one finding."""
    one = "Văn bằng chuyên môn.0 bản chính,5 bản sao\nGiấy chứng nhận huấn luyện.1 bản chính"
    two = "Văn bằng chuyên môn.0 bản chính,5 bản sao\nChứng chỉ nghiệp vụ bảo vệ.0 bản chính,5 bản sao"
    alone = _rule_findings(engine, [proc(dossier=one)], "HS008")
    both = _rule_findings(engine, [proc(dossier=two)], "HS008")
    assert len(alone) == 1 and len(both) == 2
    assert both[0].fingerprint == alone[0].fingerprint  # the first paper's identity is kept
    assert both[1].fingerprint == fingerprint("HS008", "1.000001", "dossier", both[1].evidence.quote, 1)
    assert "Chứng chỉ nghiệp vụ" in both[1].evidence.context
    # the same procedure given twice (two record files), even with its text moved, is still
    # reported once per paper: ordinals are counted per text, not per procedure id
    moved = proc(dossier="Đơn đề nghị.1 bản chính\n" + two)
    assert len(_rule_findings(engine, [proc(dossier=two), proc(dossier=two), moved], "HS008")) == 2
    # outside the dossier a repeated quote stays one thing to fix (CMND at submission and pick-up)
    steps = "Bước 1: Nộp hồ sơ, xuất trình Chứng minh nhân dân.\nBước 3: Nhận kết quả, xuất trình Chứng minh nhân dân."
    assert len(_rule_findings(engine, [proc(steps=steps)], "HS003")) == 1
    # repeats inside one dossier item: one finding
    same_item = "Chứng minh nhân dân hoặc giấy Chứng minh nhân dân của người đề nghị (bản sao)."
    assert len(_rule_findings(engine, [proc(dossier=same_item)], "HS003")) == 1


def test_per_quote_rule_reports_a_repeated_quote_once(engine):
    """CQ001 (``per_quote``, the default): "cấp huyện" named in two steps is one thing to fix."""
    steps = "Bước 1: Nộp hồ sơ tại UBND cấp huyện.\nBước 2: UBND cấp huyện thẩm định và trả kết quả."
    got = _rule_findings(engine, [proc(steps=steps)], "CQ001")
    assert len(got) == 1


def test_report_key_is_validated(tmp_path):
    text = (ROOT / "rules" / "HS008.yaml").read_text(encoding="utf-8").replace("report: per_item", "report: per_line")
    (tmp_path / "HS008.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match="report must be one of"):
        load_catalogue(tmp_path)


def test_registry_lookups_are_kept_across_calls_per_registry_and_date():
    """The statuses of cited documents are looked up once per (registry, date) for the
    engine's life, not once per check() call, and never leak from one date or registry to
    another: 61/2018/NĐ-CP is in force in 2020 and replaced from 01/7/2025."""
    from tthc_pipeline.rules.builtins import default_registry
    from tthc_pipeline.legal.registry import Registry

    engine = Engine.from_dir(select=["CC001"])
    registry = default_registry()
    p = proc(legal_basis="Nghị định về một cửa61/2018/NĐ-CP")
    for _ in range(2):
        assert [f.rule_id for f in engine.check([p], as_of=AS_OF, registry=registry)] == ["CC001"]
        assert engine.check([p], as_of=date(2020, 1, 1), registry=registry) == []
    assert list(engine._lookups) == [registry] and len(engine._lookups[registry]) == 2  # one cache per date, reused
    assert engine.check([p], as_of=AS_OF, registry=Registry()) == []  # an empty registry knows nothing
    batch = engine.check([proc(code=f"1.00000{i}", legal_basis="Nghị định về một cửa61/2018/NĐ-CP") for i in range(3)],
                         as_of=AS_OF, registry=registry)
    one_by_one = [f for i in range(3) for f in engine.check([proc(code=f"1.00000{i}", legal_basis="Nghị định về một cửa61/2018/NĐ-CP")],
                                                            as_of=AS_OF, registry=registry)]
    assert [f.to_dict() for f in batch] == [f.to_dict() for f in one_by_one]


def test_a_rule_that_reads_beyond_its_patterns_is_visited_where_the_prescan_found_none():
    """HS011 fires on a dossier without any word of its patterns (a paper the conditions say
    is held): the prescan must not skip that dossier, with the same finding without it."""
    p = proc(name="Công bố cơ sở cai nghiện ma túy tự nguyện đủ điều kiện",
             requirements="- Đã được cấp Giấy phép hoạt động cai nghiện ma túy tự nguyện đối với Cơ sở cai nghiện ma túy tự nguyện.",
             dossier="Văn bản đề nghị công bố1 bản chínhGiấy phép hoạt động cai nghiện ma túy tự nguyện.1 bản chính")
    for prescan in (True, False):
        got = [f for f in Engine.from_dir(select=["HS011"], prescan=prescan).check([p], as_of=AS_OF)]
        assert [(f.rule_id, f.evidence.quote) for f in got] == \
            [("HS011", "Giấy phép hoạt động cai nghiện ma túy tự nguyện")], prescan


def _built(code: str, time_limit: str | None, channels: str) -> Procedure:
    from tthc_pipeline.procedures.builder import build_procedure
    from tthc_pipeline.procedures.model import SourceRef

    comps = {"channels": TextSpan(channels, Provenance(document="r.json", node_id="channels", start=0, end=len(channels)))}
    if time_limit is not None:
        comps["time_limit"] = TextSpan(time_limit, Provenance(document="r.json", node_id="time_limit", start=0, end=len(time_limit)))
    return build_procedure(name="Đăng ký thường trú", code=code, components=comps, source=SourceRef(kind="record", document="r.json"))


@pytest.mark.parametrize("channels", ["Trực tiếp 10 ngày làm việc Không có thông tin",
                                      "Trực tiếp\n10 ngày làm việc\nKhông có thông tin"])
def test_longer_time_limit_read_by_the_record_parser_is_reported_in_the_channel_table(channels):
    """A channel table the portal reader does not know (cells spaced or on lines of their own)
    is still read by the record parser: TH002 reports its limit where the words are."""
    proc = _built("1.004222", None, channels)
    assert [(tl.value, tl.unit) for tl in proc.time_limits] == [(10.0, "ngay_lam_viec")]
    found = Engine.from_dir(select=["TH002"]).check([proc], as_of=date(2026, 6, 30))
    assert [(f.component, f.evidence.quote) for f in found] == [("channels", "10 ngày làm việc")]


def test_portal_channel_rows_are_reported_once_and_a_time_limit_text_on_its_own():
    glued = _built("1.004222", None, "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp10 Ngày làm việcKhông có thông tin")
    found = Engine.from_dir(select=["TH002"]).check([glued], as_of=date(2026, 6, 30))
    assert [f.component for f in found] == ["channels"]  # not again, without evidence, as "time_limit"
    typed = _built("1.004222", "10 ngày làm việc kể từ ngày nhận đủ hồ sơ", "Trực tiếp")
    found = Engine.from_dir(select=["TH002"]).check([typed], as_of=date(2026, 6, 30))
    assert [(f.component, f.evidence.quote) for f in found] == [("time_limit", "10 ngày làm việc kể từ ngày nhận đủ hồ sơ")]


@pytest.mark.parametrize(("code", "row", "value", "reference"), [
    ("1.000178", "Trực tiếp60 Ngày làm việc", "60 ngày làm việc (ít nhất 82 ngày)", "60 ngày"),
    ("1.004222", "Trực tiếp12 Ngày", "12 ngày", "7 ngày làm việc (tối đa 11 ngày)"),
    ("1.004222", "Trực tiếp10 Ngày làm việc", "10 ngày làm việc", "7 ngày làm việc"),
])
def test_longer_time_limit_message_gives_the_calendar_span_across_kinds_of_day(code, row, value, reference):
    """Working days against a reference in calendar days (and the other way round) are compared
    by calendar span; the message says which span, so that "60 ngày làm việc" beside "60 ngày"
    does not read as equal."""
    proc = _built(code, None, f"Hình thức nộpThời gianPhí, lệ phíMô tả{row}Không có thông tin")
    found = Engine.from_dir(select=["TH002"]).check([proc], as_of=date(2026, 6, 30))
    assert len(found) == 1
    assert found[0].message.startswith(f"Thời hạn {value} dài hơn thời hạn tham chiếu {reference} cho cùng mã")
    assert found[0].recommendation["noi_dung"] == f"Rút ngắn thời hạn giải quyết từ {value} xuống không quá {reference}."


def test_a_missing_time_limit_shows_the_channel_table_it_was_looked_for_in():
    """BP001 reads the portal's channel table before calling the time limit missing: the
    finding shows that table as its context (the reviewer sees the blank time cells), while
    its quote, and so its fingerprint, stay those of an absent component."""
    from tthc_pipeline.rules.findings import fingerprint

    table = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông có thông tinKhông có thông tin\nTrực tiếp tại Công an tỉnh."
    found = Engine.from_dir(select=["BP001"]).check([_built("1.004205", None, table)], as_of=date(2026, 6, 30))
    missing = [f for f in found if f.component == "time_limit"]
    assert len(missing) == 1
    f = missing[0]
    assert f.evidence.quote == "" and f.evidence.prov == {}
    assert f.evidence.context == "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông có thông tinKhông có thông tin Trực tiếp tại Công an tỉnh."
    assert f.fingerprint == fingerprint("BP001", f.procedure_id, "time_limit", "<absent>")
    # a component missing with no fallback to read (the dossier) keeps an empty context
    assert [g.evidence.context for g in found if g.component == "dossier"] == [""]


def test_a_long_sentence_is_quoted_between_words_with_its_cuts_marked(engine):
    """A hit inside a sentence over 300 characters shows ~120 characters before it and ~160
    after, cut between words, "…" where the sentence goes on (not "ai, nếu …" for "Gia Lai,
    nếu …"); the fingerprint does not read the context."""
    before = "Sau khi tiếp nhận hồ sơ của người có công trên địa bàn tỉnh Gia Lai, nếu đối tượng thuộc diện được miễn, giảm tiền sử dụng đất thì "
    after = " xem xét giải quyết miễn, giảm tiền sử dụng đất cho người có công với cách mạng và gửi kết quả cho người nộp hồ sơ trong thời hạn quy định tại Quy định này"
    steps = before * 2 + "Ủy ban nhân dân huyện" + after * 2 + "."
    [f] = _rule_findings(engine, [proc(steps=steps)], "CQ001")
    ctx = f.evidence.context
    assert ctx.startswith("… ") and ctx.endswith(" …") and "Ủy ban nhân dân huyện" in ctx
    inner = ctx[2:-2]
    assert steps.index(inner) > 0  # a verbatim piece of the sentence
    start = steps.index(inner)
    assert steps[start - 1] == " " and steps[start + len(inner)] == " "  # cut between words
    assert len(inner) <= 120 + len("Ủy ban nhân dân huyện") + 160
    # a sentence that fits is shown whole, without marks
    [g] = _rule_findings(engine, [proc(steps="Nộp hồ sơ tại Ủy ban nhân dân huyện.")], "CQ001")
    assert g.evidence.context == "Nộp hồ sơ tại Ủy ban nhân dân huyện." and g.fingerprint == \
        fingerprint("CQ001", "1.000001", "steps", g.evidence.quote)


def test_the_text_report_clips_a_long_context_around_the_quote():
    from tthc_pipeline.rules.check_cli import _clip

    sentence = "Đây là một câu rất dài về thủ tục " * 12 + "Ủy ban nhân dân huyện xem xét hồ sơ."
    shown = _clip(sentence, "Ủy ban nhân dân huyện", 240)
    assert "Ủy ban nhân dân huyện" in shown and shown.startswith("… ") and len(shown) <= 244
    assert _clip("Nộp hồ sơ.", "hồ sơ", 240) == "Nộp hồ sơ."
    head = _clip("Ủy ban nhân dân huyện " + "xem xét hồ sơ " * 30, "Ủy ban nhân dân huyện", 240)
    assert head.startswith("Ủy ban") and head.endswith(" …") and head[:-2].split()[-1] in {"xem", "xét", "hồ", "sơ"}
    # a quote longer than the limit is shown whole, from its first word
    long_quote = "nộp hồ sơ " * 30 + "tại Ủy ban nhân dân huyện"
    shown = _clip("Trước đó là một đoạn mở đầu khá dài. " * 3 + long_quote + " và các bước sau.", long_quote, 240)
    assert shown.startswith("… ") and long_quote in shown
    # a quote ending mid-word in glued portal text is never cut inside
    glued = "Bảng " * 40 + "Nộp hồ sơ trực tiếp tại Công an huyệnXã"
    shown = _clip(glued + " còn tiếp " * 20, "Nộp hồ sơ trực tiếp tại Công an huyệnXã", 240)
    assert "Công an huyệnXã" in shown


def test_catalogue_entry_keeps_its_own_effective_date(tmp_path):
    """HS013 starts with NQ 66.7/2025 (15/11/2025), but its civil-status entry rests on QĐ
    3458/QĐ-BTP, issued 10/12/2025: before that day the entry is silent, the others are not;
    a bad entry date is a catalogue error naming the entry."""
    p = proc(dossier="Trích lục khai sinh (bản sao). Giấy xác nhận thông tin về cư trú.")
    engine = Engine.from_dir(select=["HS013"])
    before = engine.check([p], as_of=date(2025, 11, 20))
    assert [f.evidence.quote for f in before] == ["Giấy xác nhận thông tin về cư trú"]
    after = engine.check([p], as_of=date(2025, 12, 15))
    assert sorted(f.evidence.quote for f in after) == ["Giấy xác nhận thông tin về cư trú", "Trích lục khai sinh"]
    assert "QĐ 3458/QĐ-BTP" in next(f for f in after if f.evidence.quote == "Trích lục khai sinh").recommendation["noi_dung"]

    rules = tmp_path / "rules"
    (rules / "data").mkdir(parents=True)
    root = Path(__file__).resolve().parents[1] / "rules"
    (rules / "HS013.yaml").write_text((root / "HS013.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load((root / "data" / "data_replacements.yaml").read_text(encoding="utf-8"))
    data["entries"][0]["effective_from"] = "15/11/2025"
    (rules / "data" / "data_replacements.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match=r"data_replacements\[0\]\.effective_from: bad date"):
        Engine.from_dir(rules)


def test_catalogue_entry_confidence_lowers_the_findings():
    """CQ003: the ministries' 2025 renames are secondary-sourced [S]; the departments' only
    mirror them [U]: a finding is as certain as its entry, and the reason says so."""
    p = proc(agencies="Bộ Giao thông vận tải; Sở Giao thông vận tải tỉnh")
    found = {f.evidence.quote: f for f in Engine.from_dir(select=["CQ003"]).check([p], as_of=date(2026, 6, 30))}
    assert found["Bộ Giao thông vận tải"].confidence == "S" and "Bộ Xây dựng" in found["Bộ Giao thông vận tải"].message
    dept = found["Sở Giao thông vận tải"]
    assert dept.confidence == "U" and "(nay là Sở Xây dựng)" in dept.message and "[U]" in dept.recommendation["ly_do"]


def test_a_dated_catalogue_entry_does_not_hide_one_in_force(tmp_path):
    """Before its date an entry is out of the alternation: it must not take the words an entry
    in force matches ("giấy xác nhận cư trú tạm thời", dated 2030, over "giấy xác nhận cư trú");
    an empty date is a catalogue error, not a crash at check time."""
    rules = tmp_path / "rules"
    (rules / "data").mkdir(parents=True)
    root = Path(__file__).resolve().parents[1] / "rules"
    (rules / "HS013.yaml").write_text((root / "HS013.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    data = {"entries": [
        {"terms": ["giấy xác nhận cư trú tạm thời"], "effective_from": "2030-01-01",
         "vars": {"database": "CSDL tương lai", "basis": "X"}},
        {"terms": ["giấy xác nhận cư trú"], "vars": {"database": "Cơ sở dữ liệu quốc gia về dân cư", "basis": "Y"}},
    ]}
    (rules / "data" / "data_replacements.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    engine = Engine.from_dir(rules)
    p = proc(dossier="Giấy xác nhận cư trú tạm thời (bản chính).")
    (f,) = engine.check([p], as_of=date(2026, 6, 30))
    assert f.evidence.quote == "Giấy xác nhận cư trú" and "Cơ sở dữ liệu quốc gia về dân cư" in f.message
    (f,) = engine.check([p], as_of=date(2030, 6, 30))
    assert f.evidence.quote == "Giấy xác nhận cư trú tạm thời" and "CSDL tương lai" in f.message
    # a dated entry whose pattern does not start with a letter: the alternation is built
    # without per-letter groups, and the entries in force must be read the same way
    data["entries"][0] = {"patterns": ["(giấy|bản) xác nhận cư trú tạm thời"], "prefilter": ["xác nhận cư trú"],
                          "effective_from": "2030-01-01", "vars": {"database": "CSDL tương lai", "basis": "X"}}
    (rules / "data" / "data_replacements.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (f,) = Engine.from_dir(rules).check([p], as_of=date(2026, 6, 30))
    assert f.evidence.quote == "Giấy xác nhận cư trú"
    data["entries"][0]["effective_from"] = ""
    (rules / "data" / "data_replacements.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match=r"data_replacements\[0\]\.effective_from: empty"):
        Engine.from_dir(rules)


def test_words_placed_in_a_message_lose_their_own_stop_but_not_an_abbreviation():
    from tthc_pipeline.rules.engine import in_sentence

    assert in_sentence("Quyết định hưởng chế độ.") == "Quyết định hưởng chế độ"
    assert in_sentence("Giấy tờ  của  chủ\nxe;") == "Giấy tờ của chủ xe"
    assert in_sentence("Cấp giấy phép tại TP.") == "Cấp giấy phép tại TP."  # an abbreviation keeps its dot
    assert in_sentence("xe mô tô, xe gắn máy, v.v.") == "xe mô tô, xe gắn máy, v.v."
    assert in_sentence("Giấy tờ khác...") == "Giấy tờ khác..." and in_sentence("Hồ sơ…") == "Hồ sơ…"


def test_templates_parsed_once_render_as_format_map():
    """``Template.render`` replaces ``str.format_map`` in every finding: the same text for
    every template of the catalogue and for the forms it leaves to ``format_map`` (escaped
    braces, attributes, indexes, conversions, specs, positional or malformed fields)."""
    from tthc_pipeline.rules.engine import Template, _SafeDict

    templates = ["", "abc", "a{{b}}c {{x}}", "x{a}y{b}z", "{a}{a}", "ô {a} ệ", "{a.b}", "{a[0]}", "{0}", "{}",
                 "{a!r}", "{a:>5}", "{a", "a}", "{ a}", "{{{a}}}"]
    catalogue = load_catalogue()
    for rule in catalogue.rules:
        templates.append(rule.message)
        templates.extend(rule.recommendation.values())
    names = {"evidence", "component", "component_vi", "procedure_name", "procedure_code", "rule_id", "a", "b"}
    for rule in catalogue.rules:  # every placeholder the catalogue uses, given as a str, an int or a float
        for text in [rule.message, *rule.recommendation.values()]:
            names.update(n for _, n, _, _ in __import__("string").Formatter().parse(text) if n)
    value_sets = [_SafeDict({n: f"«{n}» {{x}}" for n in names}), _SafeDict({n: i for i, n in enumerate(names)}),
                  _SafeDict({n: 1.5 for n in names}), _SafeDict()]
    constant = 0
    for text in templates:
        template = Template(text)
        constant += template.constant is not None
        for values in value_sets:
            try:
                expected = text.format_map(values)
            except (ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
                with pytest.raises(type(exc)):
                    template.render(values)
                continue
            assert template.render(values) == expected, (text, values)
    assert constant > 10  # the catalogue's constant reasons do take the shortcut


def test_fingerprint_is_the_digest_of_its_payload():
    """The engine tells repeated hits apart by the payload a fingerprint hashes and hashes
    only the findings it builds: the two must name the same fingerprint."""
    from tthc_pipeline.rules.findings import digest, fingerprint, payload, quote_key

    for quote, occurrence in (("Sổ \u00a0hộ khẩu ", 0), ("Bản sao  CCCD", 2), ("<absent>", 0), ("x\ud800", 1)):
        assert fingerprint("HS001", "1.000001", "dossier", quote, occurrence) == digest(
            payload("HS001", "1.000001", "dossier", quote_key(quote), occurrence))


def test_a_name_opening_with_thu_tuc_is_not_doubled_in_the_sentences(engine):
    # the rules' sentences say "thủ tục {procedure_name}"; danh mục names often open with "Thủ tục"
    for name, placed in (("Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản", "chứng thực chữ ký trong các giấy tờ, văn bản"),
                         ("Thủ tục: Kiểm tra, xét duyệt nhân sự", "Kiểm tra, xét duyệt nhân sự"),
                         ("Thủ tục hành chính cấp lại thẻ", "cấp lại thẻ")):
        (f,) = [x for x in engine.check([proc(name=name, agencies="Phòng Tư pháp thuộc UBND cấp huyện.")], as_of=AS_OF)
                if x.rule_id == "CQ001"][:1]
        text = " ".join(f.recommendation.values())
        assert f"thủ tục {placed}" in text and "thủ tục Thủ tục" not in text, text
        assert f.procedure_name == name  # the finding keeps the name as published
    from tthc_pipeline.rules.engine import placed_name

    assert placed_name("Thủ tục") == "Thủ tục" and placed_name("Cấp thẻ căn cước.") == "Cấp thẻ căn cước"
