"""spaCy annotation layer: term-list spans (papers, agencies, copy kinds) and a span view of the
structured entities, with offsets into the caller's text.

What it is for, and what it is not (measured by scripts/bench_extract.py, TOOLING-NOTES §1):

* **Term catalogues go through spaCy.** The dossier-paper catalogue (``data/patterns/
  dossier_papers.yaml``) and the agency list are phrase lists; a span ruler matches all of them
  on syllable tokens in one pass, keeps word boundaries right, mixes phrases with token
  patterns ("02 ảnh": a number then "ảnh", never "ảnh hưởng") and carries the catalogue id on
  each span. ``catalogue_ids`` / ``tag_dossier`` is what the extractors use from here. Cost,
  measured (bench (c)): 5x a single regex alternation over the same phrases (0.98 s vs 0.18 s
  on 1.9 MB), with the same spans in 1,122 of 1,138 cases; on item names only it adds about
  0.6 ms per procedure, which the throughput target absorbs.
* **Numbers, durations and money stay plain regex** (patterns.py / citations_adapter.py).
  Measured by scripts/bench_extract.py (c) on the 2,033 component texts (1.9 MB) of the 339
  portal records: the ruler is 5.8-8x slower than the regexes (0.40 s vs 2.3 s at load 2) and
  finds only 2,551 of the regex path's 4,723 spans, because the portal glues table cells
  ("bưu chính60 Ngày làm việc", "QH1449/2019/QH14", "TT-BCAQUY ĐỊNH") and a glued value is
  not a token; splitting them needs case-sensitive character logic. The LEGAL_REF / DURATION
  / MONEY patterns are loaded here only so the layer can show all spans and the bench can
  compare both paths on the same data.

The pipeline is ``spacy.blank("vi")`` without pyvi (word segmentation breaks document numbers
and phrase patterns, TOOLING-NOTES §1) with a syllable tokenizer: ``spacy.blank("xx")``'s
prefix/suffix/infix rules plus a ``token_match`` that keeps "63/2010/nđ-cp" one token. It runs on
``canon(text)`` (lower case, one tone convention, same length as the input), so "Uỷ"/"ủy" and
"Sổ"/"sổ" match the same phrase and every span offset is an offset in the caller's text.
Built once per process (``functools.lru_cache``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Iterable

from tthc_pipeline.procedures.patterns import PATTERN_DIR, load_terms
from tthc_pipeline.text.normalize import canon, normalize_for_match

SPANS_KEY = "tthc"
# A document number as one token, on canon() text: "63/2010/nđ-cp", "118/ttg", "31/2025/tt_bca".
DOC_NUMBER_TOKEN = re.compile(r"^\d+[a-z]?(?:\.\d+)?(?:/\d{4})?/[a-zđ]+\d*(?:[-_][a-zđ]+\d*)*$")


@dataclass(frozen=True)
class Span:
    label: str
    start: int
    end: int
    text: str
    id: str = ""  # catalogue id for DOSSIER_PAPER / COPY_KIND spans


def _phrase(label: str, phrase: str, ident: str | None = None) -> dict[str, Any]:
    pat: dict[str, Any] = {"label": label, "pattern": normalize_for_match(str(phrase))}
    if ident:
        pat["id"] = ident
    return pat


def ruler_patterns() -> list[dict[str, Any]]:
    """Every span-ruler pattern, from ``data/patterns/*.yaml``."""
    out: list[dict[str, Any]] = []
    for path in sorted(PATTERN_DIR.glob("*.yaml")):
        data = load_terms(path.stem)
        label = data.get("label")
        for phrase in data.get("phrases") or []:
            out.append(_phrase(label, phrase))
        for tokens in data.get("patterns") or []:
            out.append({"label": label, "pattern": tokens})
        for ident, phrases in (data.get("catalogue") or {}).items():
            out.extend(_phrase(label, p, ident) for p in phrases)
        for ident, pats in (data.get("token_patterns") or {}).items():
            out.extend({"label": label, "pattern": tokens, "id": ident} for tokens in pats)
        for ident, phrases in (data.get("copy_phrases") or {}).items():
            out.extend(_phrase(data["copy_label"], p, ident) for p in phrases)
    return out


def _syllable_tokenizer(nlp):
    import spacy
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    xx = spacy.blank("xx").Defaults
    return Tokenizer(
        nlp.vocab,
        rules={},
        prefix_search=compile_prefix_regex(xx.prefixes).search,
        suffix_search=compile_suffix_regex(xx.suffixes).search,
        infix_finditer=compile_infix_regex(xx.infixes).finditer,
        token_match=DOC_NUMBER_TOKEN.match,
    )


@functools.lru_cache(maxsize=None)
def get_nlp(labels: tuple[str, ...] | None = None):
    """The annotation pipeline (cached per process). ``labels`` restricts the ruler's patterns
    (e.g. ``("DOSSIER_PAPER",)`` for the catalogue look-up); None loads them all."""
    import spacy

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _syllable_tokenizer(nlp)
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": True})
    pats = ruler_patterns()
    if labels is not None:
        pats = [p for p in pats if p["label"] in labels]
    ruler.add_patterns(pats)
    return nlp


def _spans(doc, text: str) -> list[Span]:
    """Ruler spans, keeping per label only the longest of nested matches ("bản sao có chứng
    thực" over "bản sao", "15 ngày làm việc" over "15 ngày"), as the regex path does."""
    found = sorted({(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans[SPANS_KEY]}, key=lambda t: (t[0], -t[1]))
    kept: list[tuple[int, int, str, str]] = []
    reach: dict[str, int] = {}
    for a, b, label, ident in found:
        if b <= reach.get(label, -1):
            continue  # inside a longer span of the same label
        reach[label] = max(reach.get(label, -1), b)
        kept.append((a, b, label, ident))
    return [Span(label, a, b, text[a:b], ident) for a, b, label, ident in kept]


def annotate(text: str, labels: Iterable[str] | None = None) -> list[Span]:
    """Spans in ``text`` (sorted by start, longest first); ``span.text == text[start:end]``."""
    nlp = get_nlp(tuple(sorted(labels)) if labels is not None else None)
    return _spans(nlp(canon(text)), text)


def annotate_many(texts: Iterable[str], labels: Iterable[str] | None = None, batch_size: int = 256) -> list[list[Span]]:
    """``annotate`` over many texts with ``nlp.pipe`` (one pass, batched)."""
    texts = list(texts)
    nlp = get_nlp(tuple(sorted(labels)) if labels is not None else None)
    docs = nlp.pipe((canon(t) for t in texts), batch_size=batch_size)
    return [_spans(doc, t) for doc, t in zip(docs, texts)]


PAPER_LABELS = ("DOSSIER_PAPER",)


def catalogue_ids(text: str) -> list[str]:
    """Catalogue ids of the dossier papers named in ``text``, in order of first mention."""
    return list(dict.fromkeys(s.id for s in annotate(text, PAPER_LABELS) if s.id))


def tag_dossier(items: list) -> None:
    """Set ``catalogue_ids`` on each DossierItem from its name (one batched spaCy pass)."""
    if not items:
        return
    for item, spans in zip(items, annotate_many([i.name for i in items], PAPER_LABELS)):
        item.catalogue_ids = list(dict.fromkeys(s.id for s in spans if s.id))
