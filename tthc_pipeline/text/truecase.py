"""Sentence case for headings set in capitals, with the document's own proper nouns kept.

Why: decrees and provincial regulations set their titles and chapter headings in capitals
("… TRÊN ĐỊA BÀN TỈNH GIA LAI"). A procedure named from such a heading is shown to reviewers
in every finding and report; lower-casing it whole gives "… tỉnh gia lai", which reads as a
typo in an official proposal. The same document nearly always writes the same words in
running text ("… trên địa bàn tỉnh Gia Lai"), so its own spelling is the authority: first the
whole phrase as the document writes it outside capitals, else word by word, a word the
document only ever writes capitalised inside a sentence ("Gia", "Lai", "Ủy"). Nothing is
guessed from outside the document.
"""

from __future__ import annotations

import re

from tthc_pipeline.text.normalize import canon

_WORD = re.compile(r"[^\W\d_]+")
_SPACES = re.compile(r"\s+")


def _has_lower(text: str) -> bool:
    return any(ch.islower() for ch in text)


def _phrase_as_written(phrase: str, doc_text: str, doc_canon: str) -> str | None:
    """``phrase`` as ``doc_text`` writes it where it is not set in capitals, or None.
    ``doc_canon``: ``canon(doc_text)``, which has the same length (offsets carry over)."""
    words = canon(phrase).split()
    if len(words) < 2:
        return None
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)")
    for m in pattern.finditer(doc_canon):
        found = doc_text[m.start() : m.end()]
        if _has_lower(found):
            return _SPACES.sub(" ", found)
    return None


def _written_forms(doc_text: str) -> tuple[dict[str, str], dict[str, str]]:
    """How ``doc_text`` spells, inside sentences of running text, (1) runs of two or more
    capitalised words ("Gia Lai": syllables such as "gia" are common words in lower case
    too, the run is not) and (2) single words written capitalised ("Ủy") or in capitals
    ("UBND") and never in lower case; each keyed by canon form. Lines set in capitals and
    words at a sentence, item or cell start do not count: their case comes from where
    they stand."""
    runs: dict[str, str] = {}
    forms: dict[str, str] = {}
    lower: set[str] = set()
    for line in doc_text.splitlines():
        if not _has_lower(line):
            continue
        words = list(_WORD.finditer(line))
        shouting = [w.group().isupper() and len(w.group()) > 1 for w in words]
        run: list[str] = []
        last_end = -1
        for i, m in enumerate(words):
            word = m.group()
            before = line[: m.start()].rstrip()
            starts = not before or before[-1] in _STARTERS
            # a word in capitals among words in capitals is a heading run into the line
            # ("Điều 3. THỦ TỤC CẤP …"); alone among lower-case words, an acronym ("UBND")
            heading = shouting[i] and ((i > 0 and shouting[i - 1]) or (i + 1 < len(words) and shouting[i + 1]))
            titled = word[0].isupper() and not shouting[i]
            if titled and run and line[last_end : m.start()] == " ":
                run.append(word)
            else:
                if len(run) > 1:
                    runs.setdefault(canon(" ".join(run)), " ".join(run))
                run = [word] if titled and not starts else []
            last_end = m.end()
            if starts or heading:
                continue
            key = canon(word)
            if word.islower():
                lower.add(key)
            elif word[0].isupper():
                forms.setdefault(key, word)
        if len(run) > 1:
            runs.setdefault(canon(" ".join(run)), " ".join(run))
    return runs, {k: v for k, v in forms.items() if k not in lower}


_STARTERS = ".:;!?(\"'“-–•*#|"


def _recase(lowered: str, doc_text: str) -> str:
    """``lowered`` with the document's capitalised runs and words put back (``_written_forms``)."""
    runs, forms = _written_forms(doc_text)
    out = list(lowered)
    low_canon = canon(lowered)
    done = [False] * len(lowered)
    for key in sorted(runs, key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(key) + r"(?!\w)", low_canon):
            if not any(done[m.start() : m.end()]):
                out[m.start() : m.end()] = runs[key]
                done[m.start() : m.end()] = [True] * (m.end() - m.start())
    for m in _WORD.finditer(lowered):
        form = forms.get(canon(m.group()))
        if form is not None and not any(done[m.start() : m.end()]):
            out[m.start() : m.end()] = form
    return "".join(out)


def sentence_case(text: str, doc_text: str | None = None, doc_canon: str | None = None) -> str:
    """``text`` with spaces squeezed and its end punctuation trimmed; set in capitals, it is
    lower-cased except where ``doc_text`` (the document it comes from; ``doc_canon``, its
    ``canon()`` if already at hand) writes the phrase or a word otherwise (see the module's
    docstring). The first letter is upper case."""
    text = _SPACES.sub(" ", text).strip(" .;:")
    if text.isupper():
        cased = None
        if doc_text:
            cased = _phrase_as_written(text, doc_text, doc_canon if doc_canon is not None else canon(doc_text))
        text = cased if cased is not None else (_recase(text.lower(), doc_text) if doc_text else text.lower())
    return text[:1].upper() + text[1:]
