"""spaCy annotation layer: syllable tokenizer, span ruler from data/patterns, catalogue ids."""

import json
from pathlib import Path

import pytest

from tthc_pipeline.procedures import annotate as A
from tthc_pipeline.procedures.patterns import DURATION_RE, MONEY_RE
from tthc_pipeline.procedures.records import read_records
from tthc_pipeline.text.normalize import canon, clean

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"


def test_tokenizer_keeps_document_numbers_and_splits_punctuation():
    nlp = A.get_nlp()
    toks = [t.text for t in nlp.make_doc(canon("Nghị định số 63/2010/NĐ-CP, 15 ngày làm việc; 50.000 đồng/hồ sơ."))]
    assert toks == ["nghị", "định", "số", "63/2010/nđ-cp", ",", "15", "ngày", "làm", "việc", ";", "50.000", "đồng", "/", "hồ", "sơ", "."]
    assert A.get_nlp() is nlp  # built once per process


def test_spans_map_back_to_the_source_text():
    text = ("Căn cứ Thông tư số 31/2025/TT_BCA; thời hạn 15 ngày làm việc; lệ phí 50.000 đồng/hồ sơ. Nộp bản sao có "
            "chứng thực Sổ hộ khẩu, Giấy Uỷ quyền và 02 ảnh 4x6cm tại UBND cấp xã.")
    spans = A.annotate(text)
    assert all(s.text == text[s.start : s.end] for s in spans)
    got = {(s.label, s.text, s.id) for s in spans}
    assert {("LEGAL_REF", "Thông tư số 31/2025/TT_BCA", ""), ("DURATION", "15 ngày làm việc", ""),
            ("MONEY", "50.000 đồng", ""), ("COPY_KIND", "bản sao có chứng thực", "ban_sao_chung_thuc"),
            ("DOSSIER_PAPER", "Sổ hộ khẩu", "so_ho_khau"), ("DOSSIER_PAPER", "Giấy Uỷ quyền", "giay_uy_quyen"),
            ("DOSSIER_PAPER", "02 ảnh", "anh"), ("AGENCY", "UBND cấp xã", "")} <= got
    assert ("DURATION", "15 ngày", "") not in got and ("COPY_KIND", "bản sao", "ban_sao") not in got  # nested dropped


def test_catalogue_ids_distinguish_id_papers_and_skip_places():
    assert A.catalogue_ids("Thẻ căn cước công dân hoặc Giấy chứng minh nhân dân") == ["can_cuoc_cong_dan", "cmnd"]
    assert A.catalogue_ids("Thẻ căn cước hoặc hộ chiếu") == ["the_can_cuoc", "ho_chieu"]
    assert A.catalogue_ids("Bản khai có xác nhận của UBND cấp xã nơi đăng ký hộ khẩu thường trú") == []
    assert A.catalogue_ids("Bản sao Giấy khai sinh của trẻ em") == ["giay_khai_sinh"]


def test_dossier_items_are_tagged_in_records(tmp_path):
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps({"code": "1.000009", "name": "Đăng ký khai sinh",
                             "dossier": "- Tờ khai đăng ký khai sinh;\n- Giấy chứng sinh;\n- Bản sao sổ hộ khẩu hoặc sổ tạm trú."},
                            ensure_ascii=False) + "\n", encoding="utf-8")
    (p,) = read_records(f)
    assert [d.catalogue_ids for d in p.dossier] == [["to_khai"], [], ["so_ho_khau", "so_tam_tru"]]


def test_ruler_and_regex_agree_on_money_and_durations_in_real_records():
    folder = REAL / "portal-json" / "bo-cong-an"
    if not folder.exists():
        pytest.skip("../shared/realdata not present: real-data test skipped")
    texts = [clean(json.loads(p.read_text(encoding="utf-8"))["cach_thuc_thuc_hien"]) for p in sorted(folder.glob("*.json"))[:40]]
    for text, spans in zip(texts, A.annotate_many(texts, ("MONEY",))):
        regex = {(m.start(), m.start("cur") + len(m.group("cur"))) for m in MONEY_RE.finditer(canon(text))}
        ruler = {(s.start, s.end) for s in spans}
        assert ruler <= regex  # the ruler never invents an amount the regex path lacks
    total = sum(len(list(DURATION_RE.finditer(canon(t)))) for t in texts)
    assert total > 40
