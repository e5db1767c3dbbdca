"""The RE2 prescan (rules/prescan.py) may only skip rules that cannot match.

* the translated patterns over-approximate Python's on the encoded texts (normalize.bytez):
  every character class is checked over every Unicode code point, and hand-made regexes with look-arounds, anchors and repeats
  still "match" wherever Python's do;
* the engine with and without the prescan reports the same findings, in the same order, on
  every rule's inline examples and on the 339 portal records;
* untranslatable patterns make their rule run unconditionally.
"""

from __future__ import annotations

import functools
import re
import sys
from datetime import date
from pathlib import Path

import pytest

re2 = pytest.importorskip("re2", reason="google-re2 not installed: the engine runs without its prescan")

from tthc_pipeline.procedures.model import Procedure, TextSpan  # noqa: E402
from tthc_pipeline.rules.engine import Engine  # noqa: E402
from tthc_pipeline.rules.prescan import UNDECIDED, Prescan, re2_options, to_re2  # noqa: E402
from tthc_pipeline.text.normalize import BYTE_CHARS, bytez  # noqa: E402
from tthc_pipeline.rules.testing import example_as_of, example_procedures  # noqa: E402

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"
WITH = Engine.from_dir()
WITHOUT = Engine.from_dir(prescan=False)


@functools.lru_cache(maxsize=1)
def _all_characters() -> str:
    return "".join(map(chr, range(sys.maxunicode + 1)))  # surrogates too: texts may bypass clean()


def _encoded(text: str) -> bytes:
    """``text`` as the prescan's automata read it (bytez without the sentinel NUL)."""
    return bytez(text)[:-1]


def _re2(translated: str):
    return re2.compile(translated.encode("ascii"), re2_options())


@pytest.mark.parametrize("python_class", [r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", r"[^\d]", r"[^\w.]",
                                          r"[^\s,]", r"[\d,]", r"[^\S]", r"[a-zà-ỹ ]", r"[^.;]", r"[à-ỹ]",
                                          r"[^à-ỹ]", r"[\W\d]", r"[^\w\s]", r"[^\W]", r"[…≤]", r"[^…]", r"[\u2003x]",
                                          r"[^\U0001f600]", r"[\U0001f600-\U0001f64f]", r"[\x00-\U0010ffff]",
                                          r"[^\x00-\x7f]", r"[\u00ff\u0100]", r"[^đ]", r"(?s:.)", r".", r"[^a-z]",
                                          r"đ", r"\U0001f600", r"[ÀÁ]", r"[^\ud800]", r"\ud800"])
def test_classes_cover_every_character_python_matches(python_class):
    python = "".join(re.findall(python_class, _all_characters()))
    assert python
    translated = _re2(to_re2(python_class))
    if _re2(f"(?:{translated.pattern.decode()})*").fullmatch(_encoded(python)):  # one C++ pass over them all
        return
    missing = [hex(ord(c)) for c in python if not translated.fullmatch(_encoded(c))]
    pytest.fail(f"{python_class} → {translated.pattern} misses {missing[:10]}")


def test_classes_are_exact_on_the_characters_with_a_byte_of_their_own():
    """Every byte but the shared one stands for one character: a class takes it iff Python's
    class takes the character (the prescan then skips what it can)."""
    own = [chr(c) for c in range(0x80)] + list(BYTE_CHARS)
    for python_class in (r"\w", r"\W", r"\s", r"\d", r"[^\w.]", r"[a-zà-ỹ ]", r"[^.;]", r"[^\s,]", r"x", r"[^đ]"):
        translated = _re2(to_re2(python_class))
        for ch in own:
            assert bool(re.fullmatch(python_class, ch)) == bool(translated.fullmatch(_encoded(ch))), (python_class, ch)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(?<!\w)kt3(?!\w)", "giấy KT3 cũ: kt3"),
        (r"(hai|ba|bốn|năm)\s+bộ(?!\w)", "nộp hai\u00a0bộ hồ sơ"),
        (r"[02-9](?:(?<=0)[2-9]|(?<!0))\s*(\([a-zà-ỹ ]+\)\s*)?bộ", "02 (hai) bộ"),
        (r"nộp[^.;]{0,80}(nơi|theo) (\S+ ){0,3}(thường trú|cư trú)", "nộp hồ sơ tại nơi đăng ký thường trú"),
        (r"\bcấp huyện\b$", "ủy ban nhân dân cấp huyện"),
        (r"(a)b\1", "aba"),
        (r"x{2,40}y", "x" * 30 + "y"),
        (r"(?s)đơn.đề nghị", "đơn\nđề nghị"),
        (r"(?>ab|a)c", "ac"),  # atomic: Python fails here, the over-approximation may not
        (r"x\U0001f600[^a]y", "x\U0001f600\ud800y"),  # characters without a byte of their own
        (r"[^…]{3}≥", "a\u2003\U0001f600≥"),
    ],
)
def test_translation_matches_where_python_matches(pattern, text):
    assert re.search(pattern, text), "the case must be one Python matches"
    translated = to_re2(pattern)
    assert translated is not None
    assert _re2(translated).search(_encoded(text)), (pattern, translated)


def _scan(prescan: Prescan, texts: list[tuple[str, str]]) -> dict[tuple[int, str], set[int] | None]:
    """prescan.scan on the texts' ``bytez``, as {(key, component): ordinals}."""
    return {(key, comp): patterns for key, comp, patterns in prescan.scan([(c, bytez(t)) for c, t in texts])}


def test_case_insensitive_patterns_are_not_prescanned():
    assert to_re2(r"(?i)sổ hộ khẩu") is None
    assert to_re2(r"(?i:sổ) hộ khẩu") is None
    prescan = Prescan()
    assert prescan.add(0, ["dossier"], [r"(?i)sổ hộ khẩu"]) is False
    assert prescan.add(1, ["dossier"], [r"sổ hộ khẩu"]) is True
    assert prescan.add(2, ["steps"], [r"nộp trực tiếp"]) is True
    prescan.compile()
    assert prescan.keys == {1, 2}
    assert set(_scan(prescan, [("dossier", "bản sao sổ hộ khẩu")])) == {(1, "dossier")}
    assert set(_scan(prescan, [("dossier", "giấy khai sinh")])) == set()
    # one pass over both components: each pattern only counts in its own component
    assert set(_scan(prescan, [("dossier", "nộp trực tiếp"), ("steps", "sổ hộ khẩu")])) == set()
    assert set(_scan(prescan, [("dossier", "sổ hộ khẩu"), ("steps", "nộp trực tiếp")])) == {(1, "dossier"), (2, "steps")}


def test_compiled_patterns_are_read_with_their_flags():
    """A flag given to re.compile is not in the pattern's text: read from the text alone, a
    case-insensitive regex would be prescanned case-sensitively and "Sổ Hộ Khẩu" skipped."""
    loud = re.compile(r"sổ hộ khẩu", re.IGNORECASE)
    assert loud.search("Sổ Hộ Khẩu") and to_re2(loud.pattern) is not None
    assert to_re2(loud) is None
    assert to_re2(re.compile(r"sổ hộ khẩu")) == to_re2(r"sổ hộ khẩu") is not None
    prescan = Prescan()
    assert prescan.add(0, ["dossier"], [loud]) is False
    assert prescan.add(1, ["dossier"], [re.compile(r"sổ tạm trú")]) is True
    # other flags keep the translation a superset: VERBOSE is the parser's, DOTALL's "." and
    # MULTILINE's anchors are already read widely
    assert to_re2(re.compile("sổ\\ hộ  # the words\n\\ khẩu", re.VERBOSE)) == to_re2(r"sổ hộ khẩu")
    prescan.add(2, ["dossier"], [re.compile(r"^hộ khẩu$", re.MULTILINE), re.compile(r"hộ.khẩu", re.DOTALL)])
    prescan.compile()
    assert prescan.keys == {1, 2}
    assert _scan(prescan, [("dossier", "sổ tạm trú")]) == {(1, "dossier"): {0}}
    assert _scan(prescan, [("dossier", "x\nhộ khẩu\ny hộ\nkhẩu")]) == {(2, "dossier"): {0, 1}}


def test_a_rule_key_registers_once():
    prescan = Prescan()
    assert prescan.add(1, ["dossier"], [r"sổ hộ khẩu"]) is True
    with pytest.raises(ValueError, match="registered twice"):
        prescan.add(1, ["steps"], [r"nộp trực tiếp"])


def test_characters_without_a_byte_of_their_own_share_one():
    """Astral characters, lone surrogates, upper case: one byte for all, which the patterns
    read as any of them (a superset: Python decides)."""
    prescan = Prescan()
    prescan.add(1, ["dossier"], [r"sổ\U0001f600hộ khẩu"])
    prescan.add(2, ["steps"], [r"nộp trực tiếp"])
    prescan.compile()
    assert set(_scan(prescan, [("dossier", "sổ\U0001f600hộ khẩu"), ("steps", "a\udcff")])) == {(1, "dossier")}
    assert set(_scan(prescan, [("dossier", "sổ\udcffhộ khẩu"), ("steps", "NỘP trực tiếp")])) == {(1, "dossier")}
    assert set(_scan(prescan, [("dossier", "sổ hộ khẩu"), ("steps", "nộp trực tiếp\U0001f600")])) == {(2, "steps")}
    assert set(_scan(prescan, [("dossier", "sổ\U0001f600hộ khẩu\x00"), ("steps", "nộp trực tiếp")])) == {
        (1, "dossier"), (2, "steps")}


def test_scan_names_the_patterns_that_may_match():
    prescan = Prescan()
    prescan.add(1, ["dossier", "steps"], [r"sổ hộ khẩu", r"sổ tạm trú", r"(?<!\w)cmnd"])
    prescan.add(2, ["dossier"], [r"nộp trực tiếp"])
    prescan.compile()
    got = _scan(prescan, [("dossier", "sổ tạm trú hoặc sổ hộ khẩu; nộp trực tiếp"), ("steps", "xcmnd")])
    # ordinals in the order given to add(), per component; the look-behind is dropped in
    # RE2, so "xcmnd" may match (Python's regex then decides)
    assert got == {(1, "dossier"): {0, 1}, (2, "dossier"): {0}, (1, "steps"): {2}}
    assert _scan(prescan, [("dossier", "giấy khai sinh")]) == {}
    # undecided: every pattern of every rule of the component may match
    assert prescan.scan([("dossier", UNDECIDED)]) == [(1, "dossier", None), (2, "dossier", None)]


def test_scan_answers_in_key_then_component_order():
    """The engine hands each rule its work in the rule's component order: scan() sorts."""
    prescan = Prescan()
    prescan.add(3, ["steps", "dossier"], [r"hộ khẩu"])
    prescan.add(1, ["dossier", "name", "steps"], [r"khẩu", r"sổ"])
    prescan.compile()
    texts = [("name", "sổ"), ("dossier", "sổ hộ khẩu"), ("steps", "hộ khẩu")]
    assert [(k, c) for k, c, _ in prescan.scan([(c, bytez(t)) for c, t in texts])] == [
        (1, "dossier"), (1, "name"), (1, "steps"), (3, "steps"), (3, "dossier")]


def test_patterns_the_prescan_rules_out_are_not_run():
    """The engine passes the prescan's pattern ordinals to PatternMatcher, which then runs
    only those regexes (same findings: test_portal_records_give_the_same_findings_with_and_without_prescan)."""
    from tthc_pipeline.rules import matchers

    engine = Engine.from_dir(select=["HS001"])
    cr = engine.rules[0]
    assert len(cr.matcher.gated) >= 2, "HS001 has several regexes"
    ran = []

    class Spy:
        def __init__(self, rx):
            self.rx, self.pattern = rx, rx.pattern

        def finditer(self, text):
            ran.append(self.rx.pattern)
            return self.rx.finditer(text)

    cr.matcher.gated = [(Spy(rx), ws, gate) for rx, ws, gate in cr.matcher.gated]
    assert isinstance(cr.matcher, matchers.PatternMatcher)
    found = engine.check([Procedure(id="p", name="Thủ tục", components={"dossier": TextSpan("Bản sao sổ hộ khẩu.")})])
    assert [f.rule_id for f in found] == ["HS001"]
    assert 1 <= len(ran) < len(cr.matcher.gated), ran


def test_a_pattern_re2_rejects_makes_its_rule_run_always():
    nested = r"(?:(?:sổ{20}){20}){20}"  # fine for Python's re; RE2 caps repeat sizes at 1000
    assert re.compile(nested) and to_re2(nested) is not None
    prescan = Prescan()
    assert prescan.add(0, ["dossier"], [nested]) is False
    assert prescan.keys == set()


def test_most_pattern_rules_are_prescanned():
    prescanned = {WITH.rules[i].rule.id for i in WITH.prescan.keys}
    assert {"HS001", "HS002", "HS003", "HS005", "HS008", "HS010", "CQ001", "CT002", "CQ003", "HS013"} <= prescanned


def _findings(engine: Engine, procedures, as_of: date) -> list[tuple]:
    return [(f.rule_id, f.procedure_id, f.component, f.evidence.start, f.evidence.end, f.message, f.fingerprint)
            for f in engine.check(procedures, as_of=as_of)]


def test_inline_examples_give_the_same_findings_with_and_without_prescan():
    checked = fired = 0
    for cr in WITH.rules:
        rule = cr.rule
        for kind in ("fires", "passes"):
            for example in rule.tests.get(kind, []):
                procs = example_procedures(example, rule)
                as_of = example_as_of(example)
                got = _findings(WITH, procs, as_of)
                assert got == _findings(WITHOUT, procs, as_of), (rule.id, kind, example)
                checked += 1
                fired += bool(got)
    assert checked > 150 and fired > 60


def test_unaccented_text_still_reaches_the_fold_matcher():
    from tthc_pipeline.procedures.model import Procedure, Provenance, TextSpan

    text = "Ban sao so ho khau cua nguoi de nghi; don de nghi theo mau; giay to chung minh thu nhap hop phap."
    proc = Procedure(id="p", name="Thủ tục", code=None,
                     components={"dossier": TextSpan(text, Provenance(document="t", node_id="dossier", start=0, end=len(text)))})
    assert "HS001" in {f.rule_id for f in WITH.check([proc], as_of=date(2026, 6, 30))}


def test_portal_records_give_the_same_findings_with_and_without_prescan():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures

    procs = load_procedures([PORTAL])
    got = _findings(WITH, procs, date(2026, 6, 30))
    assert got == _findings(WITHOUT, procs, date(2026, 6, 30))
    assert len(got) > 300


def test_work_answers_as_scan_for_each_procedure():
    """``Prescan.work`` (the engine's path) lists, per procedure, the pairs ``scan`` answers for
    its component texts, in scan's order: on the portal records and on a procedure whose
    dossier is written without diacritics (a fold component: every pair undecided)."""
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.procedures.model import Provenance
    from tthc_pipeline.rules.check_inputs import load_procedures
    from tthc_pipeline.rules.matchers import ProcView

    prescan = WITH.prescan
    unaccented = "Ban sao so ho khau cua nguoi de nghi; don de nghi theo mau; giay to chung minh thu nhap."
    procs = load_procedures([PORTAL]) + [Procedure(id="p", name="Thủ tục", components={
        "dossier": TextSpan(unaccented, Provenance(document="t", node_id="dossier", start=0, end=len(unaccented)))})]
    views = [ProcView(p) for p in procs]
    work = prescan.work(views)
    got = sorted(((views.index(pv), key, comp, patterns) for key, triples in work.items()
                  for pv, comp, patterns in triples), key=lambda t: t[0])
    want = []
    for n, pv in enumerate(ProcView(p) for p in procs):
        texts = []
        for comp in prescan.components():
            view = pv.view(comp)
            if view.text and (comp in pv.proc.components or comp == "name"):
                on_fold = comp in prescan.fold_components and view.unaccented
                texts.append((comp, UNDECIDED if on_fold else bytez(view.canon)))
        want.extend((n, key, comp, patterns) for key, comp, patterns in prescan.scan(texts))
    assert got == want
    undecided = [patterns for n, _key, _comp, patterns in want if n == len(procs) - 1]
    assert len(undecided) > 3 and all(patterns is None for patterns in undecided)  # the unaccented dossier
    assert len(want) > 300  # 428 pairs on the 339 records


def test_mutated_real_records_give_the_same_findings_and_never_crash():
    """Real records with junk spliced in (NUL, the old tag separators, lone surrogates,
    astral and combining characters, glued portal cells, rule trigger words): the engine
    neither crashes nor lets the prescan change a finding. Texts bypass clean() on purpose,
    as an API caller's might."""
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    import random

    from tthc_pipeline.procedures.model import Procedure, Provenance, TextSpan
    from tthc_pipeline.rules.check_inputs import load_procedures

    base = load_procedures([PORTAL])
    rng = random.Random(11)
    junk = ["\x00", "\x03", "\ud800", "\U0001F600", "Σ", "İ", "\u0301", "\n", "Trực tiếp", "5 Ngày", "Mã:", "(",
            "đã cấp", " cứu", "1 bản chính", "/2025/TT-BCA", "53", "NĐ-CP", "QH15", "huyện", "sổ hộ khẩu",
            "xác nhận của cơ quan", "giáp lai", "Miễn phí", "10,000 Việt Nam Đồng", "chứng minh nhân dân"]

    def mutate(text: str) -> str:
        chars = list(text)
        for _ in range(rng.randint(1, 30)):
            i = rng.randint(0, len(chars))
            chars[i:i] = list(rng.choice(junk))
        return "".join(chars)

    total = 0
    for k in range(150):
        p = rng.choice(base)
        comps = {}
        for c, s in p.components.items():
            text = mutate(s.text) if rng.random() < 0.7 else s.text
            comps[c] = TextSpan(text, Provenance(document="fuzz", node_id=c, start=0, end=len(text)))
        proc = Procedure(id=f"fuzz-{k}", name=mutate(p.name), code=p.code, components=comps)
        got = _findings(WITH, [proc], date(2026, 6, 30))
        assert got == _findings(WITHOUT, [proc], date(2026, 6, 30)), k
        total += len(got)
    assert total > 100
