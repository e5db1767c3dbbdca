"""Can a text cite one of a few known documents? A sound screen in front of the citation
parser, which costs ~100 µs a legal basis: the largest single cost of checking a procedure,
spent mostly on texts that cite nothing the rule cares about (CC001 reads only documents the
registry knows as replaced, repealed or expired: 38 of the 334 portal legal bases cite one).

Why it is sound. The parser (``legal.citations``) reads a number as digits, at most three
spaces, "/", then optionally the year and again at most three spaces and "/"; the year may
carry OCR letters ("2O18", "2Ol8" are 2018). It canonicalises the digits with ``int`` ("061"
→ 61) and drops a year glued in front ("201161/2018" → 61), so the digits of a cited number
always *end* the digit run before its "/". A text can therefore cite "61/2018/NĐ-CP" only if
some "/year/" in it (year read as the parser reads it) has a digit run before it, within
three spaces, one of whose suffixes is 61 to ``int``. The screen collects those (number,
year) pairs once per component and answers by set look-up. Ids of other shapes (letter or
dotted numbers, no year) are looked for with a regex of the same reading; texts with
non-ASCII digits ("６１" is 61 to ``int``) always pass. It reads the ``clean()`` text, as
the parser does (an invisible character inside a number is dropped there), or the text itself
where ``clean()`` changes nothing a screen reads (``_screen_text``).
tests/test_number_screen.py checks it against the parser on every real text and on
generated ones.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from tthc_pipeline.legal.citations import YEAR_PATTERN, fix_year
from tthc_pipeline.text.normalize import clean, native_or, reads_as_clean

# "/2018/": a year between two slashes, with the parser's own year pattern (citations._NUM_HEAD)
_SLASH_YEAR = re.compile(rf"/\s{{0,3}}({YEAR_PATTERN})(?=\s{{0,3}}/)")
# the characters YEAR_PATTERN accepts for a digit (fix_year reads them), for the id regexes
_YEAR_CHAR = {d: "[" + d + "".join(c for c in "OIl" if fix_year(c) == d) + "]" for d in map(fix_year, "OIl")}
# A decimal digit other than 0-9 (what \d adds to [0-9]; "６１" is 61 to ``int``), for the
# regexes of other id shapes, which spell digits in ASCII. A category test per character,
# not a class of the 650 such code points (40x slower).
_NON_ASCII_DIGIT = re.compile(r"[^\D0-9]")
# A character outside Latin (with its Extended-A/B) and Latin Extended Additional, the
# letters of Vietnamese text: every non-ASCII decimal digit is one (tests/test_number_screen.py
# checks every code point), and a cleaned legal basis usually holds none, so _NON_ASCII_DIGIT
# is searched only from the first of them. Two range tests a character, not a category look-up:
# half the instructions of _NON_ASCII_DIGIT's search over a whole text.
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff]")


class NumberScreen:
    """``may_cite(view)``: False only when the component cannot cite any of the ids."""

    def __init__(self, heads: dict[str, tuple[str, ...]], regexes: list[re.Pattern[str]],
                 screening: bool = True) -> None:
        self.heads = heads  # year -> str(int(number)) of the plain "61/2018/…" ids
        # ids of other shapes ("15a/…", "66.7/…", "1699/QĐ-TTg"): their regexes, each with the
        # ASCII digits every match of it starts with (a substring test first)
        self.regexes = [(_digits_of(rx), rx) for rx in regexes]
        self.screening = screening  # False: pass every text (an id the screen cannot read)

    @classmethod
    def for_ids(cls, ids: Iterable[str]) -> "NumberScreen":
        """Screen for canonical document ids ("61/2018/NĐ-CP", "1699/QĐ-TTg")."""
        heads: dict[str, set[str]] = {}
        patterns: set[str] = set()
        for doc_id in ids:
            parts = doc_id.split("/")
            head = parts[0]
            if not head.isascii():  # canonical ids spell numbers in ASCII; anything else: no screen
                return cls({}, [], screening=False)
            has_year = len(parts) == 3 and re.fullmatch(r"(?:19|20)\d\d", parts[1]) is not None
            if head.isdigit() and has_year:
                heads.setdefault(parts[1], set()).add(str(int(head)))
                continue
            pattern = _id_pattern(head, parts[1] if has_year else None)
            if pattern is None or not (has_year or len(parts) == 2):
                return cls({}, [], screening=False)
            patterns.add(pattern)
        return cls({y: tuple(sorted(h)) for y, h in heads.items()}, [re.compile(p) for p in sorted(patterns)])

    @classmethod
    def for_registry(cls, registry: Any, ids_wanted: Callable[[str], bool]) -> "NumberScreen":
        """Screen for the registry's numbered documents for which ``ids_wanted(id)`` is true;
        no screening for a registry whose entries it cannot list."""
        entries = getattr(registry, "entries", None)
        if not isinstance(entries, dict):
            return cls({}, [], screening=False)
        return cls.for_ids(doc_id for doc_id in entries if "/" in doc_id and ids_wanted(doc_id))

    def may_cite(self, view: Any) -> bool:
        """``view``: a ComponentView (its ``cache`` keeps what every screen reads)."""
        if not self.screening:
            return True
        cache = view.cache
        found = cache.get("number_years")
        if found is None:
            found = cache["number_years"] = _number_years(_screen_text(view))
        heads = self.heads
        for run, year in found:
            for head in heads.get(year, ()):
                if run.endswith(head) and (
                    len(run) >= 5 or run.lstrip("0") == head.lstrip("0") or _read_inside(view, run)
                ):
                    return True
        if self.regexes:
            text = _screen_text(view)
            for digits, rx in self.regexes:
                if digits in text and rx.search(text):
                    return True
            return _non_ascii_digit(view, text)
        return False


# what follows a run the native walk reads before "/year/": at most three spaces and "/"
_RUN_END = re.compile(r"\s{0,3}/")
# the letters a symbol glued to a run can end with (``_read_inside``), as the screen text
# may spell them: A-Z, "h", and Đ with the look-alikes clean() folds into it
_GLUED_END = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZh\u0110\u00d0\u0189")


def _read_inside(view: Any, run: str) -> bool:
    """Can the parser read a proper suffix of a digit run of at most 4 digits ("47/2014/QH13"
    read as 7/2014)? Only where the run is glued after a capital or "h" (``_GLUED_END``), or
    after "h"/"H" and one whitespace, or the text has non-ASCII digits (``run`` is their
    ASCII reading). Most texts that pass the suffix test only by a proper suffix fail this
    one (the 47/2014/QH13 portal bases cite, "…tại Việt Nam47/2014/QH13" included, against
    the registry's 07/2014: 32 of the 76 legal bases the parser read for CC001/CC002 with the
    plain suffix test).

    Why. A number is read from where a regex match starts. The parser's searches start at a
    run's first digit or before it (a match starting before a run of at most 5 digits
    starts at it: \d{1,5} takes the whole run, and the rest reads what follows the run),
    except where a search resumes after a previous match that ended inside the run: its
    symbol ended with digits glued to the run, and the only symbol endings that may (no
    lookahead after their digits) are "QH", "q h" (``(?i:q\s?h)\s?\d{2}``), "UBTVQH"
    (``UBTVQH\d{2}``) and capitals (the loose ``[A-ZĐ]{2,}\d{0,2}``): a letter right before
    the run (A-Z, Đ or "h"), or "h"/"H" and one whitespace. A strict search also starts at most _HEAD_REACH
    (23) before a symbol's "/", at least 6 after the run's end ("/year/"): inside a run of
    17 digits or more. Year gluing (``_unglue_year``, ``canonical_number``) needs 5 digits
    or more, which keep the plain suffix test; ``canonical_number`` re-reads the number from
    its first digit. Such a letter of the parser's (clean) text is one of ``_GLUED_END`` in
    the screen text too (clean folds Ð and Ɖ into Đ; no other printable character but
    KELVIN SIGN, which ``_reads_as_clean`` refuses, becomes one of them); its one whitespace
    is " " there (``_reads_as_clean``). tests/test_number_screen.py and test_number_screen_suffix.py
    check the screen against the parser."""
    text = _screen_text(view)
    # str.find for the run, then its neighbours: a regex starting with a letter class tests
    # every character of the text (measured: it cost more than the parses it spared)
    at = text.find(run)
    while at >= 0:
        before = text[at - 1:at]  # "" at the start
        if (before in _GLUED_END or (before.isspace() and text[at - 2:at - 1] in ("h", "H"))) and (
            _RUN_END.match(text, at + len(run)) is not None
        ):
            return True
        at = text.find(run, at + 1)
    return _non_ascii_digit(view, text)


def _non_ascii_digit(view: Any, text: str) -> bool:
    """Does the view's screen text ``text`` hold a non-ASCII digit? Kept in the view's cache,
    shared by every screen that reads this component."""
    cache = view.cache
    got = cache.get("non_ascii_digit")
    if got is None:
        got = cache["non_ascii_digit"] = _has_non_ascii_digit(text)
    return got


def _has_non_ascii_digit_py(text: str) -> bool:
    """``_NON_ASCII_DIGIT.search(text) is not None``, searched from the first character that
    can be one (``_NOT_LATIN``): none before it is."""
    first = _NOT_LATIN.search(text)
    return first is not None and _NON_ASCII_DIGIT.search(text, first.start()) is not None


# compiled (text/_native.c): two comparisons a character for most of them, where the regexes
# test each against a class (~12,000 instructions a legal basis); tests/test_number_screen.py
# compares both on every code point
_has_non_ascii_digit = native_or("has_non_ascii_decimal", _has_non_ascii_digit_py)


def _digits_of(rx: re.Pattern[str]) -> str:
    """The ASCII digits an ``_id_pattern`` regex starts with ("1699", "15" of "15[aA]",
    "66" of "66\\.7")."""
    pattern = rx.pattern
    n = 0
    while n < len(pattern) and pattern[n] in "0123456789":
        n += 1
    return pattern[:n]


# KELVIN SIGN: the one printable character whose clean() (its NFC) is one a screen reads ("K",
# a letter suffix); tests/test_number_screen.py checks every code point
_KELVIN = "\u212a"


def _screen_text(view: Any) -> str:
    """What the screens read: ``clean(view.text)``, or the text itself where they answer the
    same on it (``_reads_as_clean``), which spares the clean() of most legal bases (over
    half of what the screens cost: clean's regex and NFC walk every character)."""
    cache = view.cache
    got = cache.get("screen_text")
    if got is None:
        text = view.text
        got = cache["screen_text"] = text if _reads_as_clean(text) else _cleaned(view)
    return got


# What the screens read on a text ``normalize.reads_as_clean`` accepts (printable, no KELVIN
# SIGN; compiled in text/_native.c) is what they read on ``clean(text)``. Why: a screen reads
# "/", whitespace, decimal digits, and the ASCII letters, digits and "." of years and id
# regexes. A printable text has no control character (no line break, no "\r"), no invisible
# (format) character, no whitespace but " " and no surrogate, so clean() changes only (1) the
# printable look-alikes it folds (dashes, quotes, Đ/đ look-alikes), none of them or their
# replacements read by a screen, and (2) what its NFC changes: singletons (KELVIN SIGN aside,
# into characters no screen reads), the order of combining marks, and a letter followed by a
# mark into one letter (the mark, read by no screen, already ends any reading at that letter;
# no screen reads the composed letter; nothing composes with a digit, a space, "/" or ".").
# tests/test_number_screen.py checks these facts on every code point and compares both
# readings on the real records and generated texts.
_reads_as_clean = reads_as_clean


def _cleaned(view: Any) -> str:
    got = view.cache.get("clean")
    if got is None:
        got = view.cache["clean"] = clean(view.text)
    return got


def _number_years_py(cleaned: str) -> list[tuple[str, str]]:
    """(digit run, year) before each "/year/": the run as ASCII digits ("０６１" → "061"),
    the year as the parser reads it ("2O18" → "2018")."""
    out: list[tuple[str, str]] = []
    for m in _SLASH_YEAR.finditer(cleaned):
        end = m.start()
        floor = max(0, end - 3)
        while end > floor and cleaned[end - 1].isspace():
            end -= 1
        start = end
        while start > 0 and cleaned[start - 1].isdecimal():
            start -= 1
        if start < end:
            run = cleaned[start:end]
            if not run.isascii():
                run = "".join(str(int(c)) for c in run)
            out.append((run, fix_year(m.group(1))))
    return out


# compiled (text/_native.c): ~1 µs a legal basis against ~20 µs for the Python walk back from
# each "/year/" character by character; the same pairs (tests/test_number_screen.py)
_number_years = native_or("number_years", _number_years_py)


def _id_pattern(head: str, year: str | None) -> str | None:
    """Regex for how a citation of an id with number ``head`` ("15a", "66.7", "1699") and
    ``year`` (or none) ends in a text; None for a head the canonicaliser does not make."""
    if head.isdigit():
        out = str(int(head))
    elif head[:-1].isdigit() and head[-1:].isalpha():
        out = f"{int(head[:-1])}[{re.escape(head[-1].lower())}{re.escape(head[-1].upper())}]"
    elif re.fullmatch(r"\d+\.\d+", head):
        out = re.escape(head)
    else:
        return None
    out += r"\s{0,3}/"
    if year is not None:
        out += r"\s{0,3}" + "".join(_YEAR_CHAR.get(c, c) for c in year) + r"\s{0,3}/"
    return out
