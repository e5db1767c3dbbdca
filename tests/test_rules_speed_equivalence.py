"""The rule engine's speed-ups must not change a single finding.

* ``required_literals`` (the per-regex literal gate, also in front of the guards that read
  whole components) is sound: whenever a rule or guard regex matches a text, the text
  contains one of the literals derived from it (hand-made cases,
  every rule's inline examples, and every component of the 339 portal records);
* the engine with the gates switched off (every regex scanned on every text) reports
  exactly the same findings, in the same order, as the gated engine on the portal records;
* deduplication before building a finding keeps the first finding of each fingerprint.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tthc_pipeline.rules.engine import Engine
from tthc_pipeline.rules.matchers import CatalogueMatcher, PatternMatcher, _entry_alternation, _literal_gate, required_literals
from tthc_pipeline.rules.testing import example_procedures
from tthc_pipeline.text.normalize import canon

PORTAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "portal-json" / "bo-cong-an"
ENGINE = Engine.from_dir()
PATTERN_RULES = [cr for cr in ENGINE.rules if isinstance(cr.matcher, PatternMatcher)]


@pytest.fixture(scope="module")
def portal_procedures():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures

    return load_procedures([PORTAL])


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(hai|ba|bốn|năm)\s+bộ(?!\w)", ("hai", "ba", "bốn", "năm")),
        (r"[0-9]+ bản (chính|sao)", (" bản ",)),
        (r"(ubnd|ủy ban nhân dân) (cấp )?huyện", ("huyện",)),  # the longest shortest-alternative wins
        (r"(giấy tờ)?\s*khác", ("khác",)),  # an optional group is not required
        (r"(?i)giấy tờ", None),  # case-insensitive: no literal is safe
        (r"[a-z]+\d", None),
    ],
)
def test_required_literals_reads_the_pattern(pattern, expected):
    assert required_literals(pattern) == expected


def test_gate_only_for_patterns_without_literal_prefix():
    assert _literal_gate("khai sinh[^.;]{0,80}thường trú") is None  # the engine scans for "khai sinh" itself
    assert _literal_gate(r"(cmnd|cmtnd)(?!\w)") == ("cm",)


def _texts_of(procedures):
    for proc in procedures:
        for span in proc.components.values():
            if span.text:
                yield canon(span.text)


GATED_GUARDS = [(cr.rule.id, g) for cr in ENGINE.rules for g in cr.guards if g.gate is not None]


def _assert_gates_sound(texts) -> int:
    checked = 0
    for text in texts:
        for cr in PATTERN_RULES:
            for rx, _needs_ws, gate in cr.matcher.gated:
                if gate is None:
                    continue
                if rx.search(text):
                    checked += 1
                    assert any(lit in text for lit in gate), (cr.rule.id, rx.pattern, gate, text[:200])
        for rule_id, guard in GATED_GUARDS:  # whole-component guards, gated the same way
            if guard.regex.search(text):
                checked += 1
                assert any(lit in text for lit in guard.gate), (rule_id, guard.regex.pattern, guard.gate, text[:200])
    return checked


def test_whole_component_guards_are_gated():
    assert any(rule_id == "CT001" for rule_id, _ in GATED_GUARDS)
    # and the guards that read a segment or an item (HS005's "kèm theo bản chính …")
    assert any(rule_id == "HS005" and guard.scope == "item" for rule_id, guard in GATED_GUARDS)


def test_gated_guards_sound_in_bounded_scopes(portal_procedures):
    """A guard reads a slice of the component (its segment, item, window) with
    ``regex.search(text, s, e)``; its gate looks for the literals with ``str.find`` in the
    same slice. Wherever the regex finds something in a slice, a literal must be found
    there too: slices from each match's own bounds out to the text's ends, on every real
    component."""
    checked = 0
    for text in set(_texts_of(portal_procedures)):
        for rule_id, guard in GATED_GUARDS:
            for m in guard.regex.finditer(text):
                for s, e in ((m.start(), m.end()), (max(0, m.start() - 40), m.end() + 40), (0, len(text))):
                    if guard.regex.search(text, s, e):
                        checked += 1
                        assert any(text.find(lit, s, e) >= 0 for lit in guard.gate), (rule_id, guard.regex.pattern, text[s:e])
    assert checked > 50


def test_gates_sound_on_inline_examples():
    texts = []
    for cr in ENGINE.rules:
        for kind in ("fires", "passes"):
            for example in cr.rule.tests.get(kind, []):
                texts.extend(_texts_of(example_procedures(example, cr.rule)))
    assert _assert_gates_sound(texts) > 0


def test_gates_sound_on_portal_records(portal_procedures):
    assert _assert_gates_sound(_texts_of(portal_procedures)) > 50


def _key(findings):
    return [(f.rule_id, f.procedure_id, f.component, f.evidence.start, f.evidence.end, f.fingerprint, f.message)
            for f in findings]


def test_ungated_engine_finds_the_same(portal_procedures):
    as_of = date(2026, 11, 28)
    fast = ENGINE.check(portal_procedures, as_of=as_of)
    slow_engine = Engine.from_dir()
    for cr in slow_engine.rules:
        if isinstance(cr.matcher, PatternMatcher):
            cr.matcher.gated = [(rx, ws, None) for rx, ws, _gate in cr.matcher.gated]
            cr.matcher.scans = [None] * len(cr.matcher.gated)  # plain finditer (see StartScan)
        for guard in cr.guards:
            guard.gate = None
    slow = slow_engine.check(portal_procedures, as_of=as_of)
    assert len(fast) > 100
    assert _key(fast) == _key(slow)


def test_duplicate_hits_give_one_finding(portal_procedures):
    """The same procedure twice (same id): every finding is reported once, as before."""
    as_of = date(2026, 11, 28)
    once = ENGINE.check(portal_procedures[:20], as_of=as_of)
    twice = ENGINE.check(portal_procedures[:20] * 2, as_of=as_of)
    assert _key(once) == _key(twice)
    assert len({f.fingerprint for f in twice}) == len(twice)


def test_a_repeated_quote_is_reported_where_its_guards_let_it_be():
    """A hit whose fingerprint was already reported is dropped before its guards; one whose
    earlier twin the guards excused is not: it is judged, and reported, on its own words."""
    from tthc_pipeline.procedures.model import Procedure, Provenance, TextSpan

    engine = Engine.from_dir(select=["CQ001"])  # its segment guard excuses "(cũ)"

    def starts(agencies: str) -> list[int]:
        proc = Procedure(id="p1", name="Cấp giấy phép", code="1.000001",
                         components={"agencies": TextSpan(agencies, Provenance(document="<t>", start=0, end=len(agencies)))})
        return [f.evidence.start for f in engine.check([proc], as_of=date(2026, 6, 30))]

    assert starts("Ủy ban nhân dân cấp huyện (cũ). Ủy ban nhân dân cấp huyện.") == [32]
    assert starts("Ủy ban nhân dân cấp huyện. Ủy ban nhân dân cấp huyện (cũ).") == [0]
    assert starts("Ủy ban nhân dân cấp huyện. Ủy ban nhân dân cấp huyện.") == [0]
    assert starts("Ủy ban nhân dân cấp huyện (cũ). Ủy ban nhân dân cấp huyện (cũ).") == []


def test_catalogue_alternation_by_first_letter_matches_like_the_first_form(portal_procedures):
    """CatalogueMatcher's regex with each pattern as its own alternative behind its first
    letter gives the same spans and the same entries as one named group per entry."""
    import re

    texts = list(_texts_of(portal_procedures))
    for cr in ENGINE.rules:
        for kind in ("fires", "passes"):
            for example in cr.rule.tests.get(kind, []):
                texts.extend(_texts_of(example_procedures(example, cr.rule)))
    rewritten = 0
    for cr in ENGINE.rules:
        if not isinstance(cr.matcher, CatalogueMatcher) or cr.matcher.regex is None:
            continue
        first = re.compile(_entry_alternation(cr.matcher.entries, by_letter=False))
        if first.pattern == cr.matcher.regex.pattern:
            continue  # a pattern does not start with a plain letter: left as first written
        rewritten += 1
        for text in texts:
            want = [(m.span(), m.lastgroup) for m in first.finditer(text)]
            got = [(m.span(), cr.matcher.entry_of[m.lastgroup]) for m in cr.matcher.regex.finditer(text)]
            assert got == want, (cr.rule.id, text[:200])
    assert rewritten >= 2  # HS013's data replacements, CQ003's agency renames


def test_only_plain_first_letters_are_moved_out():
    assert _entry_alternation([["(?:bản sao)", "(?:giấy)"]]) == "b(?P<e0_0>ản sao)|g(?P<e0_1>iấy)"
    assert _entry_alternation([["(?:b(a|b)[|]\\|c)"]]) == "b(?P<e0_0>(a|b)[|]\\|c)"
    assert _entry_alternation([["(?:(?<!\\w)bộ)"]]) == "b(?P<e0_0>(?<!\\wb)ộ)"
    for odd in ("(?:b*x)", "(?:b|c)", "(?:(?<!\\w)b|c)", "(?:(?<!\\w)[bs]ở)", "(?:[bs]ở)", "(?:\\dx)", "(?:(?i)bản)",
                "(?:ba|bb)", "(?:bộ x|bộ y)", "(?:b[)]|c)", "(?:b\\(|c)"):
        assert _entry_alternation([["(?:bản)", odd]]) == f"(?P<e0>(?:bản)|{odd})", odd


def test_entry_alternation_on_generated_patterns():
    """Random entries of small patterns (alternations, groups, classes, repeats, escaped
    bars) on random texts: the rewritten alternation finds what the first form finds."""
    import random
    import re

    rng = random.Random(17)
    pieces = ["b", "a", "c", "ba", "b|a", "(a|b)", "[ab]", "[|]", "\\|", "b*", "a?", "(?:ab)+", "c{2}", " "]
    rewritten = 0
    for _ in range(400):
        def pattern():  # most start with a plain letter, so that many alternations are rewritten
            head = rng.choice(["a", "b", "c", "(?<!\\w)a", "(?<!\\w)b"]) if rng.random() < 0.9 else ""
            return "(?:" + head + "".join(rng.choice(pieces) for _ in range(rng.randint(0 if head else 1, 3))) + ")"

        entries = [[pattern() for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(1, 3))]
        first = re.compile(_entry_alternation(entries, by_letter=False))
        new = re.compile(_entry_alternation(entries))
        if new.pattern == first.pattern:
            continue
        rewritten += 1
        for _ in range(20):
            text = "".join(rng.choice("abc| ") for _ in range(rng.randint(0, 30)))
            want = [(m.span(), m.lastgroup) for m in first.finditer(text)]
            got = [(m.span(), m.lastgroup.partition("_")[0]) for m in new.finditer(text)]
            assert got == want, (entries, text)
    assert rewritten > 100


def test_channel_table_is_parsed_once_per_procedure_in_a_long_run(monkeypatch):
    """The rules reading the portal channel table (BP001, CT001, CT004, TH001, TH003, PL001)
    share one parse per procedure, however many procedures a run holds: the engine runs rule
    by rule over all of them, and the bounded per-text cache this replaced was emptied
    between two rules once a run held more than 4,096 tables (three parses a procedure)."""
    from tthc_pipeline.procedures.model import Procedure, TextSpan
    from tthc_pipeline.rules import portal

    parsed = []
    real = portal.portal_channel_rows

    def counting(text):
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(portal, "portal_channel_rows", counting)
    table = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 NgàyPhí : 50.000 ĐồngNộp tại trụ sở"
    procedures = [
        Procedure(id=f"p{i}", code=f"1.{i:06d}", name="Cấp giấy phép thử",
                  components={"channels": TextSpan(table + f" số {i}"), "dossier": TextSpan("Tờ khai")})
        for i in range(4200)
    ]
    engine = Engine.from_dir(select=["BP001", "CT001", "CT004", "TH001", "TH003", "PL001"])
    findings = engine.check(procedures, as_of=date(2026, 6, 30))
    assert "CT001" in {f.rule_id for f in findings}  # the table was read: "Trực tiếp" only
    assert len(parsed) == len(procedures)


def test_name_filters_searched_as_one_alternation(portal_procedures):
    """A rule's ``when`` patterns are searched as one alternation (CompiledRule.name_any_search,
    name_none_search): the same answer as one search per pattern, on every portal record's name
    and on names made to hit one pattern each."""
    from tthc_pipeline.rules.engine import _search_any
    from tthc_pipeline.rules.matchers import ProcView

    filtered = [cr for cr in ENGINE.rules if cr.name_any or cr.name_none]
    assert any(len(cr.name_none) > 1 for cr in filtered)
    names = [ProcView(p).name_canon for p in portal_procedures]
    names += ["cấp đổi giấy phép", "đổi giấy phép", "trao đổi thông tin", "đăng ký khai sinh", "kết hôn", ""]
    for cr in filtered:
        for patterns, found in ((cr.name_any, cr.name_any_search), (cr.name_none, cr.name_none_search)):
            for name in names:
                assert bool(found(name)) == any(rx.search(name) for rx in patterns) if patterns else found is None
    # patterns with groups (a back-reference would move) are searched one by one
    grouped = [re.compile(r"(a)\1"), re.compile(r"(b)\1")]
    assert _search_any(grouped)("xbb") and not _search_any(grouped)("ab")


def test_unaccented_decided_on_a_prefix_as_on_the_first_2000(portal_procedures):
    """ComponentView.unaccented counts the first 200 characters first: the same answer as the
    count over the first 2,000, on every portal component and on texts near the 1 % line."""
    from tthc_pipeline.rules.matchers import ComponentView
    from tthc_pipeline.text.normalize import count_non_ascii

    texts = [span.text for proc in portal_procedures for span in proc.components.values()]
    for n, accents in ((20, 0), (20, 1), (150, 1), (150, 2), (2000, 19), (2000, 20), (3000, 19), (3000, 25)):
        for at in (0, 199, 1990):
            text = "a" * n
            for k in range(accents):
                i = (at + k * 7) % n
                text = text[:i] + "ơ" + text[i + 1 :]
            texts.append(text)
    for text in texts:
        n = min(len(text), 2000)
        assert ComponentView(text, None).unaccented == (n >= 20 and count_non_ascii(text, 2000) * 100 < n)


def test_placeholder_result_reads_the_one_code_as_the_regex_did(portal_procedures):
    """``_placeholder_result`` from ``str.find`` answers as its specification (the regex and
    the count of "Mã:") on every component of the portal records and on generated texts
    (leading junk, line breaks, the code before and after 60 characters, one or two codes)."""
    import random

    from tthc_pipeline.rules.matchers import _PLACEHOLDER_RESULT, _placeholder_result

    def spec(text):
        return _PLACEHOLDER_RESULT.match(text) is not None and text.count("Mã:") == 1

    texts = [span.text for proc in portal_procedures for span in proc.components.values()]
    rng = random.Random(5)
    pieces = ["Mã:", "Mã: ", "Test", "TEST_P001", "test", "p1", "P", "x", " ", "\n", ".", "…", "_", "-",
              "Từ khóa", "a" * 30, "Mã", "1", "\t", "\xa0", "\u2003", "\x1c"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    assert sum(_placeholder_result(t) for t in texts) > 100
    for text in texts:
        assert _placeholder_result(text) == spec(text), text


def test_level_suffix_cut_as_the_regex_did(portal_procedures):
    """TR001's ``_without_level_suffix`` skips the regex on names not ending with ")": same
    names as ``_LEVEL_SUFFIX.sub`` on the portal names and on generated ones (trailing
    spaces, line breaks, non-breaking spaces, nested brackets)."""
    import random

    from tthc_pipeline.rules.builtins import _LEVEL_SUFFIX, _without_level_suffix
    from tthc_pipeline.text.normalize import normalize_for_match

    names = [normalize_for_match(proc.name or proc.component_text("name")) for proc in portal_procedures]
    rng = random.Random(3)
    pieces = ["(", ")", "cấp ", "tại ", "thực hiện ", "xã", " ", "\n", "\u00a0", "\u2003", "x"]
    names += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    assert sum(_without_level_suffix(n) != n for n in names) > 50
    for name in names:
        assert _without_level_suffix(name) == _LEVEL_SUFFIX.sub("", name), name


def test_last_subtable_header_is_the_last_finditer_match():
    """``_last_subtable_header`` (from the end, by ``str.rfind``) gives the span of the last
    ``_SUBTABLE_HEADER.finditer`` match on generated items: headers whole, cut, repeated."""
    import random

    from tthc_pipeline.rules.builtins import _SUBTABLE_HEADER, _last_subtable_header

    rng = random.Random(11)
    pieces = ["tên giấy tờ", "tên giấy", "mẫu đơn, tờ khai", "số lượng", " ", "\n", "x", "tờ", "tên "]
    found = 0
    for _ in range(20000):
        paper = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        last = None
        for last in _SUBTABLE_HEADER.finditer(paper):
            pass
        got = _last_subtable_header(paper)
        assert (got and got.span()) == (last and last.span()), paper
        found += got is not None
    assert found > 500


def test_ct002_level_regex_finds_the_spans_of_its_first_form(portal_procedures):
    """CT002's regex, rewritten to start with its first characters, finds the spans the
    regex as first written found, on every component of the portal records and on generated
    texts."""
    import random

    first = re.compile(r"(dịch vụ công( trực tuyến)?|dvc( trực tuyến)?|dvctt)?\s*mức độ 0?[1-4](?!\d)")
    (rule,) = [cr for cr in ENGINE.rules if cr.rule.id == "CT002"]
    (rx, _, _), = rule.matcher.patterns.gated  # its text reading (builtins.DvcLevelTerms)
    texts = [canon(span.text) for proc in portal_procedures for span in proc.components.values()]
    rng = random.Random(2)
    pieces = ["dịch vụ công", " trực tuyến", "dvc", "dvctt", "d", "m", "mức độ ", "mức", " ", "  ", "\n",
              "0", "3", "4", "5", "x"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))) for _ in range(20000)]
    assert sum(bool(first.search(t)) for t in texts) > 500
    for text in texts:
        assert [m.span() for m in rx.finditer(text)] == [m.span() for m in first.finditer(text)], text


def test_names_electronic_answers_as_its_regex(portal_procedures):
    """``_names_electronic`` (``in`` tests) is ``_ELECTRONIC.search`` on every component of
    the portal records and on generated texts."""
    import random

    from tthc_pipeline.rules.builtins import _ELECTRONIC, _names_electronic

    texts = [canon(span.text) for proc in portal_procedures for span in proc.components.values()]
    rng = random.Random(9)
    pieces = ["điện", " tử", "điện tử", "vneid", "trực tuyến", "trực", "qua mạng", "bưu chính", "bưu điện",
              "thư điện tử", "email", "mail", " ", "x"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 4))) for _ in range(5000)]
    for text in texts:
        assert _names_electronic(text) == (_ELECTRONIC.search(text) is not None), text


def test_channel_cell_lookups_are_the_lowercased_labels():
    """portal._KIND_OF_CELL and _UNIT_OF_CELL (keyed by the cells as _ROW matches them) say what
    KIND_BY_LABEL and UNIT_BY_LABEL say of the lowercased cell, and hold every alternative of _ROW."""
    from tthc_pipeline.rules import portal

    assert {k.lower(): v for k, v in portal._KIND_OF_CELL.items()} == portal.KIND_BY_LABEL
    assert {k.lower(): v for k, v in portal._UNIT_OF_CELL.items()} == portal.UNIT_BY_LABEL
    for cell in [*portal._KIND_OF_CELL, *portal._UNIT_OF_CELL]:
        assert cell in portal._ROW.pattern


def test_single_spaced_words_are_those_split_and_join_keep(portal_procedures):
    """in_sentence and quote_key skip the split and join of words ``single_spaced``
    accepts: it must accept only words they leave as they are. ``str.isprintable`` is false for every
    character ``str.split`` splits at but the ASCII space (checked on every code point);
    hand-made cases, and the names, component texts and their lines on the portal records."""
    import sys

    from tthc_pipeline.rules.engine import in_sentence
    from tthc_pipeline.rules.findings import quote_key, single_spaced

    assert not [c for c in range(sys.maxunicode + 1) if chr(c).isspace() and c != 0x20 and chr(c).isprintable()]
    cases = ["Giấy tờ của chủ xe", "Giấy tờ  của", " Giấy", "Giấy ", "Giấy\ntờ", "Giấy\xa0tờ", "Giấy\u3000tờ", "", " ",
             "a", "a\u200bb", "TP.", "x\x1fy", "x\x85y", "Hồ sơ.", "Hồ sơ .", "Hồ sơ ;"]
    for proc in portal_procedures:
        cases.append(proc.name or "")
        for span in proc.components.values():
            cases += [span.text, *span.text.splitlines(), *span.text.split(". ")]
    accepted = 0
    for words in cases:
        assert quote_key(words) == " ".join(canon(words).split())  # quote_key as first written
        if single_spaced(words):
            accepted += 1
            assert " ".join(words.split()) == words, repr(words)
        plain = " ".join(words.split())  # in_sentence as first written
        last = plain[-1:]
        assert in_sentence(words) == in_sentence(plain), repr(words)
        if last not in (".", ";", ","):
            assert in_sentence(words) == plain
    assert accepted > len(cases) // 3  # the shortcut is taken on real words


def test_returns_electronically_answers_as_its_regex(portal_procedures):
    """CT004's ``_returns_electronically`` (the head matched at each "trả "/"nhận ", then the
    first electronic word within reach) says what ``_ELECTRONIC_RETURN.search`` says, on
    every real component and on texts made of its pieces: a word 100 characters on or past
    it, a "." between, a refused "tiếp nhận"."""
    import random

    from tthc_pipeline.rules import builtins

    rng = random.Random(5)
    parts = ["trả ", "nhận ", "tiếp ", "kết quả", "giấy phép", "thẻ", " ", ".", "x" * 30, "a", "qua mạng",
             "bưu điện", "email", "điện tử", "\n", "y" * 95]
    texts = [canon(s.text) for p in portal_procedures for s in p.components.values()]
    texts += ["".join(rng.choice(parts) for _ in range(rng.randint(1, 12))) for _ in range(30000)]
    found = 0
    for text in texts:
        want = builtins._ELECTRONIC_RETURN.search(text) is not None
        assert builtins._returns_electronically(text) == want, repr(text)
        found += want
    assert found > 500
