"""PatternMatcher's ``StartScan`` (``finditer`` by hand from the start literals, with the
per-start gate) finds exactly what ``finditer`` finds: on every component of the 339 portal
records, every rule's inline examples, and generated texts built from the regexes' own
literals (start words, stops, required words, look-behind contexts) in random order."""

from __future__ import annotations

import random

import pytest

from tthc_pipeline.rules.engine import Engine
from tthc_pipeline.rules.matchers import PatternMatcher, StartScan
from tthc_pipeline.rules.testing import example_procedures
from tthc_pipeline.text.normalize import canon

from test_rules_speed_equivalence import portal_procedures  # noqa: F401 (fixture)

ENGINE = Engine.from_dir()
SCANNED = [(cr.rule.id, rx, scan) for cr in ENGINE.rules if isinstance(cr.matcher, PatternMatcher)
           for (rx, _ws, _gate), scan in zip(cr.matcher.gated, cr.matcher.scans) if scan is not None]


def _spans(matches):
    return [(m.start(), m.end(), m.groups()) for m in matches]


def _assert_same(texts) -> int:
    found = 0
    for text in texts:
        for rule_id, rx, scan in SCANNED:
            want = _spans(rx.finditer(text))
            assert _spans(scan.finditer(rx, text)) == want, (rule_id, rx.pattern[:60], text[:200])
            found += len(want)
    return found


def test_ct003_is_scanned_from_its_verbs():
    scan = StartScan.of(next(rx.pattern for rule_id, rx, _ in SCANNED if rule_id == "CT003"))
    assert scan == StartScan(("nộp", "gửi"), ".;", ("thường trú", "cư trú", "tạm trú", "hộ khẩu"))


@pytest.mark.parametrize(("pattern", "expected"), [
    ("trực tiếp tại (nơi|theo)", None),  # a literal prefix: the regex engine scans for it
    (r"(cccd|cmnd)\d", None),  # one common letter ("c"): no gain over the engine's scan
    (r"(?:ab|cd)[^.]*x", StartScan(("ab", "cd"), ".", ("x",))),  # "[^.]" consumes ";" and "\n"
    (r"(?:ab|cd|abc)\s+x", StartScan(("ab", "cd"), ".;", ("x",))),  # "abc" starts where "ab" does
    (r"(?:ab|cd).x", StartScan(("ab", "cd"), "", ("x",))),
    (r"(?:ab|(?i:cd))x", None),
    (r"(?:ab|cd)\w*", None),  # no literal after the start to gate on
])
def test_start_scan_reads_the_pattern(pattern, expected):
    assert StartScan.of(pattern) == expected


def test_same_matches_on_the_portal_records(portal_procedures):  # noqa: F811
    texts = [canon(span.text) for p in portal_procedures for span in p.components.values() if span.text]
    assert _assert_same(texts) > 100


def test_same_matches_on_the_rules_examples():
    texts = [canon(span.text) for cr in ENGINE.rules for kind in ("fires", "passes")
             for example in cr.rule.tests.get(kind, []) for proc in example_procedures(example, cr.rule)
             for span in proc.components.values() if span.text]
    assert _assert_same(texts) > 10


def test_same_matches_on_generated_texts():
    rng = random.Random(17)
    pieces = [" ", "  ", ".", ";", "\n", "(", ")", ",", "n", "g", "nộp", "gửi", "hình thức ", "nơi", "theo",
              "thường trú", "cư trú", "tạm trú", "hộ khẩu", "công dân", "đăng ký", "tại", "xã", "phường",
              "thị trấn", "thị xã", "ubnd", "ủy ban nhân dân", "huyện", "quận", "giấy tờ", "tài liệu",
              "văn bản", "khác", "liên quan", "2", "02", "bộ", "bản sao", "xác nhận", "không quá", "tháng",
              "của", "quy định", "làm căn cứ", "x" * 30]
    texts = ["".join(rng.choice(pieces) + rng.choice(("", " ", " ", " ")) for _ in range(rng.randrange(1, 120)))
             for _ in range(3000)]
    assert _assert_same(texts) > 1000
