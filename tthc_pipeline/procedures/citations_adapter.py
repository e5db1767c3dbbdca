"""Thin adapter over ``tthc_pipeline.legal.citations.find_citations``.

The legal-citation parser is owned by another module. Until it exists (or if importing it
fails) we fall back to a small regex finder that understands document numbers
("63/2010/NĐ-CP", "118/TTg", "2729/QĐ-BCT"), the preceding document type and a following
date. Integration is one line: ``_load_external()``.

Regex, not spaCy: numbers are structured tokens (TOOLING-NOTES §1).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from tthc_pipeline.procedures.patterns import (
    DATE_NUM_RE,
    DATE_WORDS_RE,
    DOC_NUMBER_RE,
    DOC_TYPE_CANON,
    DOC_TYPE_RE,
)
from tthc_pipeline.text.normalize import canon

# Lower-case words that a symbol is often glued to in crawled text ("TT-BCAngày").
_GLUED_WORDS = ("ngày", "của", "năm", "về", "và", "được", "quy", "sửa", "hướng", "ban", "do", "tại", "số")


@dataclass
class Cite:
    raw: str
    start: int
    end: int
    number: str | None
    doc_type: str | None = None
    issued: str | None = None
    articles: list[dict[str, str]] = field(default_factory=list)
    canonical_id: str | None = None


@functools.lru_cache(maxsize=1)
def _load_external():
    try:
        from tthc_pipeline.legal.citations import find_citations  # type: ignore
    except Exception:  # not written yet, or broken: fall back
        return None
    return find_citations


def canonical_symbol(sym: str) -> str:
    parts = []
    for seg in sym.split("-"):
        up = seg if seg == "TTg" else seg.upper()
        up = {"ND": "NĐ", "QD": "QĐ", "TTLT": "TTLT"}.get(up, up)
        parts.append(up)
    return "-".join(parts)


def trim_glued(text: str, m: re.Match[str]) -> int:
    """End offset of a number match, dropping an upper-case letter glued to the next word.

    "15/2022/TT-BCANghị định" → "15/2022/TT-BCA"; "TT-BCAngày" keeps "BCA".
    """
    end = m.end()
    nxt = text[end : end + 6]
    if nxt[:1].islower():
        if any(nxt.startswith(w) for w in _GLUED_WORDS):
            return end
        if m.group("sym")[-1:].isupper() and len(m.group("sym").split("-")[-1]) > 1:
            return end - 1
    return end


def split_year_glue(num: str) -> str:
    """'201102' (a year glued to the number '02' in crawled tables) → '02'."""
    if len(num) >= 5 and num.isdigit() and num[:2] in ("19", "20") and int(num[:4]) <= 2035:
        return num[4:]
    return num


def number_from_match(text: str, m: re.Match[str], fix_year_glue: bool = False) -> tuple[str, int]:
    end = trim_glued(text, m)
    num = m.group("num")
    if fix_year_glue:
        num = split_year_glue(num)
    sym_text = text[m.start("sym") : end]
    year = m.group("year")
    number = f"{num}/{year}/{canonical_symbol(sym_text)}" if year else f"{num}/{canonical_symbol(sym_text)}"
    return number, end


def _fallback(text: str) -> list[Cite]:
    low = canon(text)
    out: list[Cite] = []
    for m in DOC_NUMBER_RE.finditer(text):
        number, end = number_from_match(text, m)
        start = m.start()
        doc_type = None
        tm = DOC_TYPE_RE.search(low, max(0, start - 40), start)
        if tm:
            doc_type = DOC_TYPE_CANON.get(re.sub(r"\s+", " ", tm.group("type")))
            start = tm.start()
        issued = None
        dm = DATE_NUM_RE.match(text, end) or DATE_WORDS_RE.match(low, end)
        if dm:
            d, mo, y = (int(g) for g in dm.groups())
            if 1 <= d <= 31 and 1 <= mo <= 12:
                issued = f"{y:04d}-{mo:02d}-{d:02d}"
        out.append(Cite(raw=text[start:end], start=start, end=end, number=number, doc_type=doc_type, issued=issued))
    return out


def find_citations(text: str) -> list[Cite]:
    """Citations in ``text`` with offsets; uses the legal module when importable."""
    external = _load_external()
    if external is None:
        return _fallback(text)
    out = []
    for c in external(text):
        get = (lambda k: c.get(k)) if isinstance(c, dict) else (lambda k: getattr(c, k, None))
        out.append(
            Cite(
                raw=get("raw") or text[get("start") : get("end")],
                start=get("start"),
                end=get("end"),
                number=get("number"),
                doc_type=get("doc_type"),
                issued=get("issued"),
                articles=list(get("articles") or []),
                canonical_id=get("canonical_id"),
            )
        )
    return out
