"""Thin adapter over ``tthc_pipeline.legal.citations.find_citations``.

Procedure extraction wants a small, flat citation record (``Cite``) and, for the portal tables
it reads with its own regexes, the end offset of a matched number. Numbers are canonicalised
by ``tthc_pipeline.legal.citations.canonical_number`` only, so a number found here equals
the registry id and the ingest metadata number.

Regex, not spaCy: numbers are structured tokens (TOOLING-NOTES §1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tthc_pipeline.legal.citations import canonical_number
from tthc_pipeline.legal.citations import find_citations as _legal_find_citations

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


def number_from_match(text: str, m: re.Match[str]) -> tuple[str, int]:
    """(canonical number, end offset) of a ``DOC_NUMBER_RE`` match in ``text``."""
    end = trim_glued(text, m)
    num = m.group("num")
    year = m.group("year")
    sym_text = text[m.start("sym") : end]
    return canonical_number(f"{num}/{year}/{sym_text}" if year else f"{num}/{sym_text}"), end


def find_citations(text: str) -> list[Cite]:
    """Citations in ``text`` with offsets, from the legal citation extractor."""
    return [
        Cite(
            raw=c.raw or text[c.start : c.end],
            start=c.start,
            end=c.end,
            number=c.number,
            doc_type=c.doc_type,
            issued=c.issued,
            articles=list(c.articles or []),
            canonical_id=c.canonical_id,
        )
        for c in _legal_find_citations(text)
    ]
