"""Labelled citations from real documents, and the precision/recall of find_citations on them.

Why here and not in tests/: both the test (tests/test_citations.py) and the report script
(scripts/eval_citations.py) use it. The texts are read from ../shared/realdata (never copied
into the repository); each case names the file and the slice of it, and the expected
citations in reading order, keyed by canonical number, "<type> <name>" for a law cited by
name only, or "self: <type>" for "Nghị định này". Labels were written by reading each slice
(portal rows glue cells together: "…nhân dân68/2013/TT-BCALuật Khiếu nại năm 201102/2011/QH13").
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tthc_pipeline.legal.citations import Citation, find_citations
from tthc_pipeline.text.normalize import canon, clean


@dataclass(frozen=True)
class Case:
    source: str  # path under realdata/
    expected: list[str] = field(default_factory=list)
    key: str | None = None  # portal JSON field
    lines: tuple[int, int] | None = None  # 1-based inclusive line range of a text file
    pages: tuple[int, ...] | None = None  # 0-based PDF pages (text layer), cut between anchors
    paragraphs: tuple[str, int] | None = None  # DOCX: first paragraph's prefix, paragraph count
    anchors: tuple[str, str] | None = None


CASES: list[Case] = [
    Case("portal-json/bo-cong-an/1.000178.json", key="can_cu_phap_ly", expected=['68/2013/TT-BCA', '02/2011/QH13', '11/2015/TT-BCA', '05/2012/NĐ-CP', '05/2012/NĐ-CP']),
    Case("portal-json/bo-cong-an/1.000232.json", key="can_cu_phap_ly", expected=['04/2015/TT-BCA', '47/2014/QH13', '51/2019/QH14', '51/2019/QH14', '57/2020/TT-BCA', '57/2020/TT-BCA']),
    Case("portal-json/bo-cong-an/1.000236.json", key="can_cu_phap_ly", expected=['51/2019/QH14', '51/2019/QH14', '04/2015/TT-BCA', 'Luật xuất cảnh, nhập cảnh của công dân việt nam', 'Luật nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại việt nam', '23/2023/QH15', '22/2023/TT-BCA', '22/2023/TT-BCA', '47/2014/QH13']),
    Case("portal-json/bo-cong-an/1.000757.json", key="can_cu_phap_ly", expected=['18/2024/TT-BCA', 'Luật căn cước', '70/2024/NĐ-CP', '26/2023/QH15', '73/2024/TT-BTC', '73/2024/TT-BTC', '53/2025/TT-BCA', '55/2021/TT-BCA', 'Luật cư trú', '66/2023/TT-BCA', '56/2021/TT-BCA', '66/2023/TT-BCA', '17/2024/TT-BCA', 'Luật căn cước', '53/2025/TT-BCA', '64/2025/TT-BTC', '16/2024/TT-BCA', '16/2024/TT-BCA', 'Luật căn cước', '17/2024/TT-BCA', '190/2025/QH15', '190/2025/NQ-QH15']),
    Case("portal-json/bo-cong-an/1.004209.json", key="can_cu_phap_ly", expected=['04/2012/UBTVQH13', '05/2013/TT-BLĐTBXH', '05/2013/TT-BLĐTBXH', 'Pháp lệnh ưu đãi người có công với cách mạng', '31/2013/NĐ-CP', '26/2005/PL-UBTVQH11', '26/2005/PL-UBTVQH11']),
    Case("portal-json/bo-cong-an/1.014905.json", key="can_cu_phap_ly", expected=['64/2025/TT-BTC', '52/2025/QĐ-TTg', '52/2025/QĐ-TTg', '49/2019/QH14', '49/2019/QH14', '25/2021/TT-BTC']),
    Case("portal-json/bo-cong-an/3.000380.json", key="can_cu_phap_ly", expected=['30/2013/NĐ-CP', '92/2016/NĐ-CP', '15/2024/NĐ-CP', '30/2013/NĐ-CP', '66/2006/QH11', '64/2022/NĐ-CP', '64/2022/NĐ-CP']),
    Case("portal-json/bo-cong-an/1.002757.json", key="can_cu_phap_ly", expected=['47/2014/QH13', '51/2019/QH14', '51/2019/QH14', '25/2021/TT-BTC', '22/2023/TT-BCA', '22/2023/TT-BCA', '57/2020/TT-BCA', '57/2020/TT-BCA', 'Luật xuất cảnh, nhập cảnh của công dân việt nam', 'Luật nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại việt nam', '23/2023/QH15']),
    Case("portal-json/bo-cong-an/1.013424.json", key="can_cu_phap_ly", expected=['77/2024/TT-BCA', 'Luật quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ', '75/2024/TT-BCA', '42/2024/QH15', '23/2019/TT-BTC', '23/2019/TT-BTC']),
    Case("portal-json/bo-cong-an/1.012575.json", key="can_cu_phap_ly", expected=['13/2025/TT-BCA', '36/2024/QH15', '60/2023/TT-BTC', '60/2023/TT-BTC', '06/2025/TT-BTC', '06/2025/TT-BTC', '79/2024/TT-BCA', '79/2024/TT-BCA']),
    Case("portal-json/bo-cong-an/3.000274.json", key="can_cu_phap_ly", expected=['24/2024/QĐ-UBND']),
    Case("portal-json/bo-cong-an/1.000889.json", key="can_cu_phap_ly", expected=['16/2024/TT-BCA', '16/2024/TT-BCA', 'Luật căn cước', '17/2024/TT-BCA', '64/2025/TT-BTC', '73/2024/TT-BTC', '73/2024/TT-BTC', '18/2024/TT-BCA', '190/2025/QH15', '190/2025/NQ-QH15', 'Luật căn cước', '70/2024/NĐ-CP', '26/2023/QH15']),
    Case("portal-json/bo-cong-an/3.000276.json", key="can_cu_phap_ly", expected=['69/2024/NĐ-CP', '69/2024/NĐ-CP']),
    Case("portal-json/bo-cong-an/3.000361.json", key="can_cu_phap_ly", expected=['160/2024/NĐ-CP']),
    Case("portal-json/bo-cong-an/1.000811.json", key="can_cu_phap_ly", expected=['25/2021/TT-BTC', '49/2019/QH14', '49/2019/QH14', '09/2023/QĐ-TTg', '09/2023/QĐ-TTg']),
    Case("portal-json/bo-cong-an/1.001010.json", key="can_cu_phap_ly", expected=['25/2021/TT-BTC', '31/2015/TT-BCA', '31/2015/TT-BCA', '22/2023/TT-BCA', '22/2023/TT-BCA', '47/2014/QH13', 'Luật xuất cảnh, nhập cảnh của công dân việt nam', 'Luật nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại việt nam', '23/2023/QH15', '51/2019/QH14', '51/2019/QH14', '04/2015/TT-BCA']),
    Case("md/QD-378-QD-UBND-2022_Ha-Giang_cong-bo-TTHC-Cong-Thuong.md", lines=(15, 21), expected=['Luật tổ chức chính quyền địa phương', 'Luật tổ chức chính phủ', 'Luật tổ chức chính quyền địa phương', '63/2010/NĐ-CP', '92/2017/NĐ-CP', '61/2018/NĐ-CP', '107/2021/NĐ-CP', '45/2020/NĐ-CP', '2729/QĐ-BCT']),
    Case("md/QD-31-2011-QD-UBND_Gia-Lai_trinh-tu-thu-tuc-mien-giam-tien-SDD.md", lines=(15, 23), expected=['Luật tổ chức hđnd và ubnd', '89/2008/NĐ-CP', 'Pháp lệnh ưu đãi người có công với cách mạng', '198/2004/NĐ-CP', '44/2008/NĐ-CP', '198/2004/NĐ-CP', '118/TTg', '117/2007/QĐ-TTg', '118/TTg', '20/2000/QĐ-TTg', '117/2004/TT-BTC']),
    Case("md/ND-55-2023-ND-CP_sua-ND-75-2021.md", lines=(11, 16), expected=['75/2021/NĐ-CP', 'Luật tổ chức chính phủ', 'Luật tổ chức chính phủ', 'Luật tổ chức chính quyền địa phương', 'Pháp lệnh ưu đãi người có công với cách mạng']),
    Case("md/ND-55-2023-ND-CP_sua-ND-75-2021.md", lines=(167, 177), expected=['self: Nghị định', 'self: Nghị định', '75/2021/NĐ-CP', 'self: Nghị định', '75/2021/NĐ-CP', 'self: Nghị định', '131/2021/NĐ-CP', 'Pháp lệnh ưu đãi người có công với cách mạng', 'self: Nghị định']),
    Case("pdf/Luat-26-2023-QH15_Can-cuoc_CONGBAO-text.pdf", pages=(28, 29), anchors=("Điều 44.", "Điều 46."),
         expected=['61/2020/QH14', '72/2020/QH14', '03/2022/QH15', '05/2022/QH15', '08/2022/QH15', '09/2022/QH15',
                   '20/2023/QH15', '61/2020/QH14', '72/2020/QH14', '03/2022/QH15', '05/2022/QH15', '08/2022/QH15',
                   '09/2022/QH15', '20/2023/QH15', 'self: Luật', 'self: Luật', '59/2014/QH13', '68/2020/QH14',
                   'self: Luật']),
    Case("docx/TT-24-2023-TT-BCA_dang-ky-bien-so-xe_SUPERSEDED.docx", paragraphs=("Điều 38.", 5),
         expected=['self: Thông tư', 'self: Thông tư', '58/2020/TT-BCA', '65/2022/TT-BCA', 'self: Thông tư',
                   '15/2022/TT-BCA', '43/2017/TT-BCA', '45/2017/TT-BCA', '58/2020/TT-BCA', '65/2020/TT-BCA',
                   '68/2020/TT-BCA', '73/2021/TT-BCA']),
    Case("docx/TT-24-2023-TT-BCA_dang-ky-bien-so-xe_SUPERSEDED.docx", paragraphs=("THÔNG TƯ", 12),
         expected=['Bộ luật dân sự', 'Luật giao thông đường bộ', '73/2022/QH15', '39/2023/NĐ-CP', '73/2022/QH15',
                   '01/2018/NĐ-CP']),
    # Held-out rows: labelled from the raw text BEFORE running the extractor on them.
    Case("portal-json/bo-cong-an/3.000226.json", key="can_cu_phap_ly",
         expected=['118/2025/NĐ-CP', '118/2025/NĐ-CP', '02/2017/TT-VPCP', '02/2017/TT-VPCP', '03/2025/TT-VPCP',
                   '182/2025/NQ-HĐND', '16/2026/QĐ-UBND']),
    Case("portal-json/bo-cong-an/3.000369.json", key="can_cu_phap_ly",
         expected=['66/2006/QH11', '31/2025/TT-BCA', '31/2025/TT-BCA', '92/2015/NĐ-CP']),
    Case("portal-json/bo-cong-an/3.000271.json", key="can_cu_phap_ly", expected=['69/2024/NĐ-CP', '69/2024/NĐ-CP']),
    Case("portal-json/bo-cong-an/3.000342.json", key="can_cu_phap_ly",
         expected=['269/2016/TT-BTC', '269/2016/TT-BTC', '269/2016/TT-BTC']),
    Case("portal-json/bo-cong-an/3.000383.json", key="can_cu_phap_ly",
         expected=['151/2024/NĐ-CP', 'Luật trật tự, an toàn giao thông đường bộ', '151/2024/NĐ-CP', '36/2024/QH15']),
    Case("portal-json/bo-cong-an/1.012539.json", key="can_cu_phap_ly",
         expected=['48/2022/TT-BTC', '48/2022/TT-BTC', 'Luật căn cước', '17/2024/TT-BCA', '18/2024/TT-BCA',
                   'Luật căn cước', '70/2024/NĐ-CP', '26/2023/QH15']),
    Case("portal-json/bo-cong-an/1.012533.json", key="can_cu_phap_ly",
         expected=['30/2023/QH15', '14/2024/TT-BCA', 'Luật lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở',
                   '14/2024/TT-BCA']),
]


def citation_key(c: Citation) -> str:
    if c.number:
        return c.number
    if c.is_self_reference:
        return f"self: {c.doc_type}"
    return f"{c.doc_type} {canon(clean(c.name or ''))}"


def case_text(case: Case, realdata: Path) -> str:
    path = realdata / case.source
    if case.key:
        return json.loads(path.read_text("utf-8"))[case.key]
    if case.lines:
        lines = path.read_text("utf-8").split("\n")
        return "\n".join(lines[case.lines[0] - 1:case.lines[1]])
    if case.pages:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        text = clean("".join(pdf[i].get_textpage().get_text_range() for i in case.pages))
        start = text.find(case.anchors[0])
        return text[start:text.find(case.anchors[1], start)]
    if case.paragraphs:
        import docx

        paras = [clean(p.text) for p in docx.Document(str(path)).paragraphs]
        first = next(i for i, p in enumerate(paras) if p.startswith(case.paragraphs[0]))
        return "\n".join(paras[first:first + case.paragraphs[1]])
    raise ValueError(f"case without a selector: {case}")


@dataclass
class CaseResult:
    case: Case
    got: list[str]
    true_positives: int

    @property
    def missed(self) -> list[str]:
        return list((Counter(self.case.expected) - Counter(self.got)).elements())

    @property
    def spurious(self) -> list[str]:
        return list((Counter(self.got) - Counter(self.case.expected)).elements())


def evaluate(realdata: Path) -> tuple[float, float, list[CaseResult]]:
    """(precision, recall, per-case results) of find_citations over CASES (multiset match)."""
    results = []
    for case in CASES:
        got = [citation_key(c) for c in find_citations(case_text(case, realdata))]
        tp = sum((Counter(case.expected) & Counter(got)).values())
        results.append(CaseResult(case, got, tp))
    tp = sum(r.true_positives for r in results)
    n_got = sum(len(r.got) for r in results)
    n_exp = sum(len(r.case.expected) for r in results)
    return (tp / n_got if n_got else 0.0), (tp / n_exp if n_exp else 0.0), results


def expected_count() -> int:
    return sum(len(c.expected) for c in CASES)


__all__ = ["CASES", "Case", "evaluate", "citation_key", "case_text", "expected_count"]
