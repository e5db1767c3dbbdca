"""Sentence case for headings set in capitals, with the document's own proper nouns kept.

Why: decrees and provincial regulations set their titles and chapter headings in capitals
("… TRÊN ĐỊA BÀN TỈNH GIA LAI"). A procedure named from such a heading is shown to reviewers
in every finding and report; lower-casing it whole gives "… tỉnh gia lai", which reads as a
typo in an official proposal. The same document nearly always writes the same words in
running text ("… trên địa bàn tỉnh Gia Lai"), so its own spelling is the authority: first the
whole phrase as the document writes it in running text, else its capitalised runs of words
("Gia Lai", "Bà Rịa - Vũng Tàu", "Sở Tư pháp") and the acronyms it writes in capitals
("UBND"). Nothing is guessed from outside the document.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tthc_pipeline.text.normalize import canon
from tthc_pipeline.text.search import literal_starts

_WORD = re.compile(r"[^\W\d_]+")
_SPACES = re.compile(r"\s+")
# what may stand between two words of one name: a space, a hyphen ("Bà Rịa - Vũng Tàu"), an
# apostrophe ("R'lấp")
_JOINERS = {" ", " - ", "-", " – ", "–", "'", "’"}
# a word after one of these starts a sentence, an item or a cell: capitalised by position
_STARTERS = ".:;!?(\"'“-–•*#|"
# abbreviations whose dot does not end a sentence ("TP. Hồ Chí Minh", "TX. Sơn Tây"); any other
# short word before a dot may end one ("… tỉnh Gia Lai. Trong thời hạn …")
_ABBREVIATIONS = {"TP", "Tp", "TX", "Tx", "TT", "Q", "P", "H", "X"}


def _has_lower(text: str) -> bool:
    return any(ch.islower() for ch in text)


def _running_text(found: str) -> bool:
    """Written as running text: mostly lower case, with a word after the first in lower case
    (not a heading in Title Case, "Đơn Đề Nghị Cấp Giấy Phép", nor OCR'd capitals, "TỈNH GiA LAI")."""
    letters = [ch for ch in found if ch.isalpha()]
    if not letters or sum(ch.isupper() for ch in letters) * 2 >= len(letters):
        return False
    return any(w[0].islower() for w in _WORD.findall(found)[1:])


def _phrase_as_written(phrase: str, doc_text: str, doc_canon: str) -> str | None:
    """``phrase`` as ``doc_text`` writes it in running text, or None.
    ``doc_canon``: ``canon(doc_text)``, which has the same length (offsets carry over)."""
    words = canon(phrase).split()
    if len(words) < 2:
        return None
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)")
    # tried where the first word occurs (str.find): a regex starting with a look-behind gives
    # the regex engine nothing to scan for, and a regulation can be long and name many procedures
    for start in literal_starts(doc_canon, (words[0],)):
        m = pattern.match(doc_canon, start)
        if m is not None:
            found = doc_text[m.start() : m.end()]
            if _running_text(found):
                return _SPACES.sub(" ", found)
    return None


def _starts_sentence(line: str, start: int) -> bool:
    """Does the word at ``start`` open a sentence, an item or a cell? Not after the dot of an
    abbreviation ("TP. Hồ Chí Minh", "Tp. Huế")."""
    j = start - 1
    while j >= 0 and line[j].isspace():
        j -= 1
    if j < 0:
        return True
    ch = line[j]
    if ch == ".":
        k = j
        while k > 0 and line[k - 1].isalpha():
            k -= 1
        return line[k:j] not in _ABBREVIATIONS
    return ch in _STARTERS


@lru_cache(maxsize=8)
def _written_forms(doc_text: str) -> tuple[dict[str, str], dict[str, str]]:
    """How ``doc_text`` spells, inside running text, (1) runs of two or more capitalised words
    ("Gia Lai", "Sở Tư pháp": syllables such as "gia" are common words in lower case too, the
    run is not) and (2) acronyms it writes in capitals ("UBND") and never in lower case; each
    keyed by canon form. A single capitalised word is no evidence: "Đầu" of "Sở Kế hoạch và Đầu
    tư" is the common word elsewhere ("đăng ký đầu tư"). Lines set in capitals, and a run's
    first word at a sentence, item or cell start, are no evidence of capitals: their case comes
    from where they stand. Kept per document text (a regulation names many procedures)."""
    runs: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    lower: set[str] = set()

    def close(line: str, run: list[re.Match[str]], opened_sentence: bool) -> None:
        if opened_sentence:
            run = run[1:]  # "Sở Tư pháp" at a line start: only "Tư" is capitalised by choice
        if len(run) > 1:
            span = line[run[0].start() : run[-1].end()]
            runs.setdefault(canon(span), span)

    for line in doc_text.splitlines():
        words = list(_WORD.finditer(line))
        if not words or not _has_lower(line):
            continue  # a heading in capitals says nothing about case
        shouting = [w.group().isupper() and len(w.group()) > 1 for w in words]
        run: list[re.Match[str]] = []
        opened_sentence = False
        for i, m in enumerate(words):
            word = m.group()
            if word.islower():
                lower.add(canon(word))  # lower case wherever it stands
                close(line, run, opened_sentence)
                run, opened_sentence = [], False
                continue
            titled = word[0].isupper() and not shouting[i]
            if titled and run and line[run[-1].end() : m.start()] in _JOINERS:
                run.append(m)
                continue
            close(line, run, opened_sentence)
            run, opened_sentence = [], False
            starts = _starts_sentence(line, m.start())
            if titled:
                run, opened_sentence = [m], starts
            elif shouting[i] and not starts:
                # alone among lower-case words, an acronym ("UBND"); among words in capitals,
                # a heading run into the line ("Điều 3. THỦ TỤC CẤP …")
                if not ((i > 0 and shouting[i - 1]) or (i + 1 < len(words) and shouting[i + 1])):
                    acronyms.setdefault(canon(word), word)
        close(line, run, opened_sentence)
    return runs, {k: v for k, v in acronyms.items() if k not in lower}


def _recase(lowered: str, doc_text: str) -> str:
    """``lowered`` with the document's capitalised runs and words put back (``_written_forms``)."""
    runs, forms = _written_forms(doc_text)
    out = list(lowered)
    low_canon = canon(lowered)
    done = [False] * len(lowered)
    for key in sorted(runs, key=len, reverse=True):
        if key not in low_canon:
            continue
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
