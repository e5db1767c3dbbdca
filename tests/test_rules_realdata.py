"""The catalogue on the 339 Bộ Công an portal records and the hand-labelled subset."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
PORTAL = REALDATA / "portal-json" / "bo-cong-an"

pytestmark = pytest.mark.realdata

MUST_BE_STABLE = ["HS001", "HS002", "HS003", "HS005", "HS008", "HS010", "CQ001", "CT001", "CT002", "CC001", "BP001"]


def _eval_rules():
    """scripts/eval_rules.py as a module; skips without ../shared/realdata."""
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    sys.path.insert(0, str(ROOT / "scripts"))
    import eval_rules

    return eval_rules


@pytest.fixture(scope="module")
def stats():
    eval_rules = _eval_rules()
    scored: set[tuple[str, str]] = set()
    parts = [eval_rules.evaluate(date(2026, 6, 30), labels=lab, realdata=REALDATA, scored=scored)
             for lab in (eval_rules.LABELS, eval_rules.HELDOUT)]
    return eval_rules.merge(parts)


@pytest.mark.parametrize("rule_id", MUST_BE_STABLE)
def test_stable_rule_meets_the_gate(stats, rule_id):
    s = stats[rule_id]
    assert s["precision"] is None or s["precision"] >= 0.95, (rule_id, s["fp_codes"])
    assert s["recall"] is None or s["recall"] >= 0.90, (rule_id, s["fn_codes"])


# Labelled on all 339 records after the rule existed, so kept preview for want of a held-out
# set; checked here so the fixes do not regress. PL001: 16 positives (the 7 it missed led to
# reading the fee description). HS014: 17 positives (reading every "xác nhận"/"giáp lai" of the
# dossiers led to the agency confirmations R21 names and to two issuer-seal guards; residence
# confirmations are HS002's). CT003: 12
# positives (reading every residence-bound place in the steps and channels: long agency lists,
# "gửi … nơi cư trú", the province-level agency NĐ 118/2025 leaves in place). CC002: 7
# positives, found by plain substring search of every registry-amended number and its amenders
# in the raw legal bases (independent of the citation parser), agreeing with the rule once it
# read numbers with the parser (a regex reading gave 31 false flags).
# CQ003: 4 positives (every old Bộ/Sở Lao động - Thương binh và Xã hội name outside citations;
# "Lao động-Thương binh" and "Lao động, Thương binh" for a Sở were missed). HS004: 4 positives
# (copies of CMND/CCCD to submit, incl. "Bản phôtô" and a portal quantity cell "0 bản chính,1
# bản sao"; passports are left out, as the rule does).
# TH003: 17 positives (each of its findings read; the same 17 from a regex over the raw
# channel tables: a bare "N Ngày" row beside a limit in "ngày làm việc"; office hours, "các
# ngày làm việc", are not such a limit). The blind audit of 2026-11-29 (portal_blind.jsonl,
# README) corrected these labels: TH003 18, CT003 14, HS014 16 positives since. Counted by
# distinct page since 2026-11-29 (16 files hold two pages crawled under other codes, see
# eval_rules.evaluate): CC002's 7 positive records are one page, TH003's 17 are 11 pages.
# TH003 9 pages since the seventh blind round (fourteenth session): a bare "N Ngày" beside
# another number of working days (2.000293, 3.000241) is two limits, as the docs' "cùng số
# ngày" says and four blind reviewers read it; the authors' "add" was reverted.
LABELLED_PREVIEW = {"PL001": 10, "HS014": 10, "CT003": 10, "CC002": 4, "CQ003": 4, "HS004": 4, "TH003": 9}
# the 339 portal records hold 325 distinct pages: the other 14 are scored as their copies' page
PAGES = 325


@pytest.mark.parametrize("rule_id", sorted(LABELLED_PREVIEW))
def test_labelled_preview_rule_keeps_its_scores(stats, rule_id):
    s = stats[rule_id]
    assert s["tp"] + s["fn"] >= LABELLED_PREVIEW[rule_id], rule_id  # the labels hold real positives
    assert s["precision"] >= 0.95 and s["recall"] >= 0.90, (rule_id, s["fp_codes"], s["fn_codes"])


@pytest.fixture(scope="module")
def blind_stats():
    eval_rules = _eval_rules()
    return eval_rules.evaluate(date(2026, 6, 30), labels=eval_rules.BLIND, realdata=REALDATA)


# CC001 reads document statuses from the registry, which a reviewer cannot see in the record:
# left out of the first blind labelling (its 6 positives above were checked against the
# registry); the third blind round judged it with the registry's statuses (below)
@pytest.mark.parametrize("rule_id", [r for r in MUST_BE_STABLE if r != "CC001"])
def test_stable_rule_meets_the_gate_on_the_blind_labels(blind_stats, rule_id):
    """The second labelling, by reviewers who saw neither the labels nor the tool's output."""
    s = blind_stats[rule_id]
    assert s["records"] + s["doubtful"] + s["copies"] == 339, rule_id  # every record labelled a second time
    assert s["copies"] <= 339 - PAGES, rule_id  # a copy is scored where the first ones were doubtful
    assert s["doubtful"] <= 17, rule_id  # what the reviewers could not decide (<= 5 %) is not scored
    assert s["precision"] is None or s["precision"] >= 0.95, (rule_id, s["fp_codes"])
    assert s["recall"] is None or s["recall"] >= 0.90, (rule_id, s["fn_codes"])


# every blind round on the portal records: file portal_<round>.jsonl, reviewers "<round>-1" …
BLIND_ROUND_NAMES = ["blind"] + [f"blind{n}" for n in range(2, 11)]


def test_every_blind_round_file_is_checked_here_and_scored_by_eval_rules():
    files = sorted(p.name for p in (ROOT / "tests" / "labelled" / "rules").glob("portal_blind*.jsonl"))
    assert files == sorted(f"portal_{r}.jsonl" for r in BLIND_ROUND_NAMES)
    assert {r: [p.name for p in _eval_rules().SPLITS[r]] for r in BLIND_ROUND_NAMES} == \
        {r: [f"portal_{r}.jsonl"] for r in BLIND_ROUND_NAMES}


# the second round's adjudication also dropped positives; the others only added (or reverted)
@pytest.mark.parametrize(("name", "labeller", "drops"),
                         [(f"portal_{r}.jsonl", f"{r}-", r == "blind2") for r in BLIND_ROUND_NAMES])
def test_blind_labels_keep_what_the_reviewers_wrote_where_adjudicated(name, labeller, drops):
    """Each change to a reviewer's positives is explained, and what they wrote is kept. The
    first round's adjudication only added positives; the second also dropped four (steps the
    reviewer misread, revocations the other reviewers left out). A later "revert" undoes an
    earlier "add" (two of TH003's in the first round, after the seventh): the reviewer's own
    label stands again."""
    import json

    path = ROOT / "tests" / "labelled" / "rules" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({r["code"] for r in rows}) == len(rows) == 339
    for row in rows:
        assert row["audit"]["labeller"].startswith(labeller)
        if "adjudication" in row:
            assert "blind_positives" in row and all(a["why"] for a in row["adjudication"])
            scored, written = {p["rule"] for p in row["positives"]}, {p["rule"] for p in row["blind_positives"]}
            assert scored ^ written <= {a["rule"] for a in row["adjudication"]}, row["code"]
            assert drops or written <= scored, row["code"]
            assert {a["decision"] for a in row["adjudication"]} <= ({"add", "drop", "revert"} if drops else {"add", "revert"})
            for a in row["adjudication"]:
                if a["decision"] == "revert":  # back to what the reviewer wrote for that rule
                    assert (a["rule"] in scored) == (a["rule"] in written), row["code"]
        else:
            assert "blind_positives" not in row


# The second blind round (portal_blind2.jsonl): seven rules the first left out, judged on all
# 339 records by six other reviewers (positive pages per rule): CC003 is stable and meets the
# gate; the preview rules keep what they reached after the fixes the
# round called for (HS009: a paper a list named, asked again on its own, and the portal's
# untitled sub-table read as the same dossier; HS011: a licence the conditions say is held);
# after those fixes this round is no longer blind for HS009 and HS011. HS012 and HS013 have
# no positive in these records.
BLIND2_POSITIVES = {"CC003": 5, "CT004": 37, "HS007": 13, "HS009": 6, "HS011": 6, "HS012": 0, "HS013": 0}
# The third blind round (portal_blind3.jsonl, 2026-11-29): the legal-basis, time-limit and fee
# rules no round had judged, on all 339 records by six other reviewers, with the registry's
# statuses at 2026-06-30 (`tthc corpus list`) and the rules' data files. CC001 (stable): 6
# positives, all found. CC002: 7 positive records, one page (Hà Tĩnh's list crawled under
# seven codes: 118/2025/NĐ-CP cited without 367/2025/NĐ-CP). TH002: 1.000178's "60 Ngày làm
# việc" against the complaint law's 60 days, missed (working days were compared with calendar
# days by number) and fixed after reading the label: no longer blind for TH002. TH001 and PL002
# have no positive here (two TH001 cases doubtful: a blank time cell with "chưa quy định cụ thể"
# or "theo thời hạn chung" in the description). CC002 4 pages since the fifteenth session's
# registry audit added NĐ 58/2026/NĐ-CP (amends NĐ 96/2016): three pages citing 96/2016 and its
# 2023 amendment only, adjudicated "add" (the reviewers' registry did not hold 58/2026).
BLIND3_POSITIVES = {"CC001": 6, "CC002": 4, "TH002": 1, "TH001": 0, "PL002": 0}
# The fourth blind round (portal_blind4.jsonl, thirteenth session): CQ004 ("thị trấn", a unit
# type gone since 01/7/2025), new, every record labelled once by one of two other reviewers
# from its docs: 14 positive records, no doubtful one, all found, no false flag.
BLIND4_POSITIVES = {"CQ004": 14}
# The fifth blind round (portal_blind5.jsonl, thirteenth session): HS008, HS010 (stable) and
# HS009, HS011, each last fixed after reading earlier labels, judged again by four other
# reviewers (every record once). HS008 6, HS009 6, HS011 7 positives, all found, no false flag;
# HS010 17 of 19: "Giấy tờ làm căn cứ cấp giấy chứng nhận bị thương." without "theo quy định"
# (1.004089) and "Tài liệu pháp lý và kỹ thuật khác" (1.014410), both held doubtful by the first
# round, were read after this round (no longer blind for HS010).
BLIND5_POSITIVES = {"HS008": 6, "HS009": 6, "HS010": 19, "HS011": 7}
# The sixth blind round (portal_blind6.jsonl, fourteenth session): the stable rules whose last
# figures were no longer blind (BP001, CQ001, HS003, HS005, HS010), judged again by four other
# reviewers (every record once). CQ001 14, HS003 25, HS010 19 positives, all found; HS005 28,
# all found, with two adjudicated ("bản chính hoặc bản sao chứng thực …", 1.003777, 3.000379,
# as in the first round; the reviewers had left them out, P 0.929 as they wrote it); BP001 26
# of 27: a result cell holding a test entry ("Công an XãMã: Test_P001", 1.010047), read after
# this round (no longer blind for BP001).
BLIND6_POSITIVES = {"BP001": 27, "CQ001": 14, "HS003": 25, "HS005": 28, "HS010": 19}
# The seventh blind round (portal_blind7.jsonl, fourteenth session): CT001 (stable) and the
# channel, result and civil-status preview rules fixed after their rounds (CT003, CT004, HS007,
# TH003), judged again by four other reviewers. Every positive found; 8 false flags as the
# reviewers wrote it: 4 adjudicated positive as the authors and the first round had them (CT001:
# a revoked licence the holder must hand back, 3.000363, 3.000367; CT003: a channel row bound to
# residence beside an online row, 1.013442, 1.014363) and 4 fixed after reading them (no longer
# blind for CT004, HS007, TH003): a result notice sent to the applicant's address (1.012533), a
# "trường hợp không có bản sao …" clause of a paper asked only without a personal number
# (1.001456), a bare "N Ngày" beside another number of working days (2.000293, 3.000241).
BLIND7_POSITIVES = {"CT001": 38, "CT003": 12, "CT004": 37, "HS007": 13, "TH003": 8}
# The eighth blind round (portal_blind8.jsonl, fourteenth session): HS002 (stable) and four
# preview rules judged blind only by the first round (CQ003, HS004, HS014, PL001), again by four
# other reviewers: no false flag; every positive found but one of HS014's, a stand-alone
# "Văn bản xác nhận của Ủy ban nhân dân cấp xã về địa điểm phương tiện đăng ký đậu, đỗ" (1.004222,
# a form of NĐ 154/2024 the first round held doubtful), left as a known miss (R 0.94).
BLIND8_POSITIVES = {"CQ003": 4, "HS002": 3, "HS004": 4, "HS014": 17, "PL001": 16}
# The ninth blind round (portal_blind9.jsonl, fourteenth session): CC003 (stable) and the time,
# fee and local-basis rules (CC004, PL002, TH001, TH002) judged again by four other reviewers.
# CC003 found 5 of 12 (R 0.42): seven Hà Nội cybersecurity pages (3.000337–3.000345) whose crawl
# cut the channel table at a fee note "(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC …)", so their
# legal-basis field held the rest of the table while the page's section says "Không có thông
# tin"; both are read again from the page since (no longer blind for CC003). TH002 1 of 1; CC004,
# PL002, TH001 have no positive here (9, 2, 0 doubtful).
BLIND9_POSITIVES = {"CC003": 12, "CC004": 0, "PL002": 0, "TH001": 0, "TH002": 1}
# The tenth blind round (portal_blind10.jsonl, fourteenth session): CC001 (stable) and CC002 with
# the registry's YAML files, and three rules without positives here (CQ002, HS001, HS006), by
# four other reviewers: CC001 6 pages (Luật 03/2011/QH13, NĐ 62/2021/NĐ-CP), CC002 1 (the Hà
# Tĩnh page citing NĐ 118/2025 without NĐ 367/2025), all found; no false flag anywhere. CC002
# 4 since NĐ 58/2026 entered the registry (adjudicated "add", as in round 3).
BLIND10_POSITIVES = {"CC001": 6, "CC002": 4, "CQ002": 0, "HS001": 0, "HS006": 0}
# misses a round left open, by round and rule (each a remark in the README)
KNOWN_MISSES: dict[tuple[str, str], list[str]] = {}  # HS014's 1.004222 (round 8) read since the fifteenth session
# Each rule keeps the score it has on these rounds: every labelled positive page found, no
# false flag (not the stable gate of 0.95 / 0.90, which would let one of 19 positives go)
LATER_ROUNDS = {"blind2": BLIND2_POSITIVES, "blind3": BLIND3_POSITIVES, "blind4": BLIND4_POSITIVES,
                "blind5": BLIND5_POSITIVES, "blind6": BLIND6_POSITIVES, "blind7": BLIND7_POSITIVES,
                "blind8": BLIND8_POSITIVES, "blind9": BLIND9_POSITIVES, "blind10": BLIND10_POSITIVES}


@pytest.fixture(scope="module")
def later_round_stats():
    eval_rules = _eval_rules()
    return {name: eval_rules.evaluate(date(2026, 6, 30), labels=eval_rules.SPLITS[name][0], realdata=REALDATA)
            for name in LATER_ROUNDS}


@pytest.mark.parametrize(("labels", "rule_id"), [(n, r) for n, rules in LATER_ROUNDS.items() for r in sorted(rules)])
def test_rules_of_the_later_blind_rounds_keep_their_scores(later_round_stats, labels, rule_id):
    s = later_round_stats[labels][rule_id]
    assert s["records"] + s["doubtful"] + s["copies"] == 339 and s["copies"] <= 339 - PAGES, rule_id
    assert s["tp"] + s["fn"] == LATER_ROUNDS[labels][rule_id], rule_id  # the labels' positive pages
    assert (s["fp_codes"], s["fn_codes"]) == ([], KNOWN_MISSES.get((labels, rule_id), [])), rule_id


def test_scores_as_the_reviewers_wrote_them_differ_only_where_adjudicated():
    """``eval_rules --as-written`` scores a round against the reviewers' own labels: CC002's
    three pages citing NĐ 96/2016 without NĐ 58/2026 are false flags there (the registry they
    read did not hold 58/2026), and nothing else of rounds 3 and 10 changes."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    eval_rules = _eval_rules()
    for name in ("blind3", "blind10"):
        written = eval_rules.evaluate(date(2026, 6, 30), labels=eval_rules.SPLITS[name][0], realdata=REALDATA,
                                      as_written=True)
        assert sorted(written["CC002"]["fp_codes"]) == ["1.003176", "1.003204", "2.001402"], name
        assert {r: (s["fp_codes"], s["fn_codes"]) for r, s in written.items() if r != "CC002"} == \
            {r: ([], KNOWN_MISSES.get((name, r), [])) for r in written if r != "CC002"}, name


def test_near_duplicate_flags_agree_with_the_review_of_each_pair():
    """TR001's 48 flags at the session's start, each pair judged by a reviewer (dossier, steps,
    result, conditions): 31 the same procedure at several levels, 15 not (14 one crawled page
    saved under several codes, now read under the page's own code; one pair of complementary
    scopes, "trừ trường hợp X" beside "trường hợp X"), 2 doubtful. Every true pair is still
    flagged, no false one is."""
    import json
    import re

    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures
    from tthc_pipeline.rules.engine import Engine

    path = ROOT / "tests" / "labelled" / "rules" / "tr001_review.jsonl"
    review = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    verdict = {(r["code"], r["other"]): r["verdict"] for r in review}
    findings = Engine.from_dir(select=["TR001"]).check(load_procedures([PORTAL]), as_of=date(2026, 6, 30))
    flagged = set()
    for f in findings:
        listed = (f.procedure_code, re.search(r"gần trùng với thủ tục (\S+)", f.message).group(1))
        flagged.add(listed)
    assert {p for p, v in verdict.items() if v == "true"} <= flagged
    assert not {p for p, v in verdict.items() if v == "false"} & flagged
    assert flagged <= set(verdict), flagged - set(verdict)  # nothing new that nobody judged


def test_rules_on_the_procedures_of_real_decisions_match_the_blind_labels():
    """Three real decisions (Gia Lai QĐ 31/2011, Hà Giang QĐ 378/2022, the portal's PDF export of
    2.002229), labelled by a reviewer who read only the texts and the rules' docs, scored end to
    end: ingest, extraction, check. The only real positive of HS001 in ../shared is here (the
    portal records hold none); HS008 missed "nộp 02 (bộ)mẫu" before the label showed it."""
    eval_rules = _eval_rules()
    stats = eval_rules.evaluate(date(2026, 11, 29), labels=eval_rules.DOCUMENTS, realdata=REALDATA)
    assert all(s["records"] + s["doubtful"] == 12 for s in stats.values())
    assert {r: s["tp"] for r, s in stats.items() if s["tp"]} == {
        "HS001": 1, "HS002": 1, "HS005": 1, "HS008": 2, "CQ001": 1, "CQ003": 1}
    assert not any(s["fp"] or s["fn"] for s in stats.values()), {
        r: (s["fp_codes"], s["fn_codes"]) for r, s in stats.items() if s["fp"] or s["fn"]}


def test_more_rules_on_the_procedures_of_real_decisions_flag_nothing_the_blind_labels_deny():
    """The same 12 procedures, labelled blind for the 13 rules of the second and third rounds
    and CC004 (documents_blind2.jsonl): no positive; the 20 doubtful cases are the Hà Giang
    decision's preamble bases (NĐ 61/2018, 107/2021; 63/2010 with one of its two amendments),
    which its 10 procedures do not publish as their own legal basis. No false flag, end to end."""
    eval_rules = _eval_rules()
    stats = eval_rules.evaluate(date(2026, 6, 30), labels=eval_rules.DOCUMENTS2, realdata=REALDATA)
    assert len(stats) == 13 and all(s["records"] + s["doubtful"] == 12 for s in stats.values())
    assert sum(s["records"] for s in stats.values()) >= 13 * 12 - 20
    assert not any(s["tp"] or s["fp"] or s["fn"] for s in stats.values()), {
        r: (s["fp_codes"], s["fn_codes"]) for r, s in stats.items() if s["fp"] or s["fn"] or s["tp"]}


def test_cq004_on_the_procedures_of_real_decisions_matches_the_blind_labels():
    """CQ004 labelled blind on the same 12 procedures (documents_blind3.jsonl): the Gia Lai
    decision's procedure names "Ủy ban nhân dân xã, phường, thị trấn" eleven times (found, end
    to end); the Hà Giang decision names the unit only in its own article on who implements it,
    outside its procedures, and the PDF export not at all: no false flag."""
    eval_rules = _eval_rules()
    stats = eval_rules.evaluate(date(2026, 6, 30), labels=eval_rules.DOCUMENTS3, realdata=REALDATA)
    s = stats["CQ004"]
    assert (s["records"], s["tp"], s["fp"], s["fn"]) == (12, 1, 0, 0), (s["fp_codes"], s["fn_codes"])


def test_ct002_on_a_real_danh_muc_matches_its_labels():
    """CT002's only real positives: the 49 levels of the "Mức độ DVC" column of Bình Thuận QĐ
    1766/2020 (71 rows), labelled by a reviewer who read only the text. The decision is not in
    ../shared: the test runs where $TTHC_EXTERNAL_DATA holds its copy (tests/labelled/rules/
    README.md says where it is published and how to assemble it)."""
    import os

    eval_rules = _eval_rules()
    labels = eval_rules.LABEL_DIR / eval_rules.EXTERNAL_ROUNDS["external"][0]
    external = Path(os.environ.get("TTHC_EXTERNAL_DATA") or "/nonexistent")
    if not (external / "QD-1766-2020-BinhThuan.md").is_file():
        pytest.skip("QĐ 1766/2020 is not in ../shared: set TTHC_EXTERNAL_DATA to a folder holding its copy "
                    "(tests/labelled/rules/README.md)")
    s = eval_rules.evaluate(date(2026, 6, 30), labels=labels, realdata=REALDATA, external=external)["CT002"]
    assert (s["records"], s["tp"], s["fp"], s["fn"]) == (71, 49, 0, 0), (s["fp_codes"], s["fn_codes"])


def test_external_labels_name_their_source_and_hold_real_positives():
    import json

    eval_rules = _eval_rules()
    rows = [json.loads(line) for line in
            (eval_rules.LABEL_DIR / eval_rules.EXTERNAL_ROUNDS["external"][0]).read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 71 and all(r["source"] == "external:QD-1766-2020-BinhThuan.md" for r in rows)
    assert sum(bool(r["positives"]) for r in rows) == 49
    assert all(p["rule"] == "CT002" and p["evidence"] in {"1", "2", "3", "4"} for r in rows for p in r["positives"])
    assert all(r["code"] or r["name"] for r in rows)


def test_labelled_set_is_large_enough(stats):
    assert all(s["records"] == PAGES and s["copies"] == 339 - PAGES for s in stats.values())  # 170 dev + 169 held-out


def test_real_provincial_decision_with_outdated_dossier():
    """QĐ 31/2011/QĐ-UBND Gia Lai, Điều 6: the only real text here that asks for the
    hộ khẩu itself (the portal records only mention the residence concept)."""
    md = REALDATA / "md" / "QD-31-2011-QD-UBND_Gia-Lai_trinh-tu-thu-tuc-mien-giam-tien-SDD.md"
    if not md.is_file():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.procedures.model import Procedure, Provenance, TextSpan
    from tthc_pipeline.rules.engine import Engine
    from tthc_pipeline.text.normalize import clean

    text = clean(md.read_text(encoding="utf-8"))
    start = text.index("Điều 6.")
    block = text[start : text.index("Điều 7.", start)]
    proc = Procedure(id="gia-lai-31-2011", name="Miễn, giảm tiền sử dụng đất cho người có công",
                     components={"dossier": TextSpan(block, Provenance(document=str(md), node_id="dieu-6", start=start))})
    findings = Engine.from_dir().check([proc], as_of=date(2026, 6, 30))
    quotes = {f.rule_id: f.evidence.quote for f in findings}
    assert quotes["HS001"].startswith("Hộ khẩu thường trú (bản sao")
    assert "03 (ba) bộ" in quotes["HS008"]
    assert "HS005" in quotes and "HS002" in quotes
    hs001 = next(f for f in findings if f.rule_id == "HS001")
    assert text[hs001.evidence.prov["start"] : hs001.evidence.prov["end"]] == hs001.evidence.quote


def test_whole_portal_set_runs_and_never_flags_residence_mentions_as_the_book():
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures
    from tthc_pipeline.rules.engine import Engine

    procs = load_procedures([PORTAL])
    assert len(procs) == 339
    findings = Engine.from_dir().check(procs, as_of=date(2026, 6, 30))
    # 14 "hộ khẩu thường trú" mentions exist (residence concept, names, conditions): none is the book
    assert not [f for f in findings if f.rule_id == "HS001"]
    # every template placeholder was filled
    assert not [f.rule_id for f in findings if "{" in f.message or any("{" in v for v in f.recommendation.values())]
    # fingerprints are unique and rerunning gives the same set
    fps = [f.fingerprint for f in findings]
    assert len(fps) == len(set(fps))
    again = Engine.from_dir().check(load_procedures([PORTAL]), as_of=date(2026, 6, 30))
    assert {f.fingerprint for f in again} == set(fps)
    # CT004 quotes the result's name, not the code and empty fields the portal glued to it
    paper_only = [f.evidence.quote for f in findings if f.rule_id == "CT004"]
    assert len(paper_only) > 30
    assert all(q.strip() and "Mã:" not in q and "Từ khóa" not in q for q in paper_only), paper_only
    # portal channel rows: CT001 quotes the channel label, not the time cell glued to it, and
    # PL001 names the amount with its unit ("10,000 Việt Nam Đồng", not "10,000 ")
    assert {f.evidence.quote for f in findings if f.rule_id == "CT001"} == {"Trực tiếp"}
    fees = [f.message for f in findings if f.rule_id == "PL001"]
    assert len(fees) >= 16 and not [m for m in fees if "  " in m]
    assert any('Việt Nam Đồng" nhưng' in m for m in fees)
    # HS009 quotes the paper without the quantity cell glued after it
    papers = [f.evidence.quote for f in findings if f.rule_id == "HS009"]
    assert papers and not [q for q in papers if q.rstrip().endswith(("bản chính", "bản sao"))]
    # a paper a list named, asked again alone (3.000361): the other paper is the list's words
    # for it, not the whole list, so "giống 100%" is true of what is named
    listed = [f for f in findings if f.rule_id == "HS009" and f.procedure_code == "3.000361"]
    assert [f.message.rpartition("(")[2] for f in listed] == ['"Bản sao có chứng thực giấy phép xây dựng", giống 100%).']
    assert listed[0].evidence.quote.startswith("Giấy phép xây dựng (bản sao kèm bản chính")
    # "đã cấp cứu" (gave emergency care) is not an issued result (HS011)
    for f in (f for f in findings if f.rule_id == "HS011"):
        after = f.evidence.context.find(f.evidence.quote) + len(f.evidence.quote)
        assert not f.evidence.context[after:].startswith(" cứu"), f.procedure_code


def test_department_of_the_residence_province_is_not_bound_submission():
    """TT 35/2024/TT-BGTVT Điều 39: "gửi trực tiếp tại Sở Giao thông vận tải nơi đăng ký cư
    trú": a department is a province-level agency, which CT003's basis (NĐ 118/2025: free
    choice of the place within the province) leaves in place; the renamed department itself
    is still CQ003's."""
    pdf = REALDATA / "pdf" / "TT-35-2024-TT-BGTVT_GPLX_WORD-export-signed.pdf"
    if not pdf.is_file():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures
    from tthc_pipeline.rules.engine import Engine

    procs = [p for p in load_procedures([pdf]) if "nước ngoài sang giấy phép lái xe" in (p.name or "")]
    assert procs
    text = procs[0].component_text("steps")
    assert "Sở Giao thông vận tải nơi đăng ký cư trú" in text
    findings = Engine.from_dir(select=["CT003", "CQ003"]).check(procs, as_of=date(2026, 6, 30))
    assert not [f for f in findings if f.rule_id == "CT003" and "Sở Giao thông vận tải" in f.evidence.quote]
    assert [f for f in findings if f.rule_id == "CQ003" and f.evidence.quote == "Sở Giao thông vận tải"]


def test_cq004_reports_every_mention_the_fourth_round_labelled():
    """Scored per record, a rule could find one of two mentions in a record and still score
    1.00: each positive of the fourth round (the reviewer's words, e.g. "Trưởng Công an
    phường, thị trấn") must contain the quote of a CQ004 finding on that record, and no record
    without a positive has one."""
    import json

    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.rules.check_inputs import load_procedures
    from tthc_pipeline.rules.engine import Engine
    from tthc_pipeline.text.normalize import normalize_for_match

    path = ROOT / "tests" / "labelled" / "rules" / "portal_blind4.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = Engine.from_dir(select=["CQ004"]).check(load_procedures([PORTAL]), as_of=date(2026, 6, 30))
    quotes: dict[str, set[str]] = {}
    for f in found:
        quotes.setdefault(f.procedure_code, set()).add(" ".join(normalize_for_match(f.evidence.quote).split()))
    positives = [(r["code"], " ".join(normalize_for_match(p["evidence"]).split())) for r in rows for p in r["positives"]]
    assert len(positives) >= 20
    missed = [(code, words) for code, words in positives if not any(q in words for q in quotes.get(code, ()))]
    assert missed == []
    assert set(quotes) == {code for code, _ in positives}


def test_messages_read_as_sentences_on_the_real_records():
    """Filled templates on the 339 records: no doubled stop (".." or ".;") from a quote or a
    name that ends with its own, no run of spaces from a quote, dates as administrative texts
    write them (01/7/2025, 10/01/2025)."""
    if not PORTAL.is_dir():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    from tthc_pipeline.legal.dates import date_vi
    from tthc_pipeline.rules.check_inputs import load_procedures
    from tthc_pipeline.rules.engine import Engine

    findings = Engine.from_dir().check(load_procedures([PORTAL]), as_of=date(2026, 11, 29))
    texts = [t for f in findings for t in [f.message, *f.recommendation.values()]]
    assert not [t for t in texts if re.search(r"(?<!\.)\.\.(?!\.)|\.;|  ", t)]
    assert (date_vi(date(2025, 7, 1)), date_vi(date(2025, 1, 10)), date_vi(date(2019, 11, 5))) == \
        ("01/7/2025", "10/01/2025", "05/11/2019")
    assert any("25/2018/QH14 từ 01/01/2019" in f.message for f in findings if f.rule_id == "CC001")
