"""One pass per procedure that tells which pattern rules can match, and in which component.

Why: a procedure has ~4,500 characters in a dozen components and the catalogue runs ~25
pattern and catalogue rules on them. Asking each rule in turn (literal prefilters, then its
regexes) costs a Python call and a scan of the text per rule and component, although a
procedure triggers only two or three rules. Like Semgrep, Hyperscan-based scanners and
ripgrep, we first run every rule's regexes together in one automaton (RE2's ``Set``: a DFA
over all patterns, one pass over the text in C++) and only then evaluate, with Python's
``re`` and the full rule semantics, the rules that matched somewhere in the component.
Each component goes through one automaton: the patterns of the rules that read it.

The automata read the canon text in a one-byte-per-character encoding (``normalize.bytez``:
ASCII and the Vietnamese letters each have a byte, every other character shares one), not
UTF-8: texts 1.33x shorter (4,310 against 5,722 bytes a procedure on the portal records) and
classes of single bytes (Hyperscan in byte mode): Hyperscan 14.6 -> 11.1 µs a procedure, the
whole check 1,371,576 -> 1,294,274 instructions (bench_rules_ir --n 100; the compiled
canon pass writes a byte a character too).

Soundness: the RE2 patterns are *over-approximations* of the rules' regexes, built from
Python's own parse of each regex: look-arounds and anchors are dropped, long bounded repeats
become unbounded, classes take the bytes of their characters (and the shared byte wherever
a character without a byte of its own may match), and anything we cannot translate makes the
rule run unconditionally. So a rule the prescan skips cannot have matched, and findings are
identical with and without the prescan (tests/test_rules_prescan.py checks both paths on the
real records). Without the ``re2`` module (``google-re2``) every rule simply runs.

Each component's patterns are scanned by Hyperscan when it is installed and takes them
(``prescan_hyperscan``: compiled ahead of time, kept on disk; ~6x faster than RE2 on texts
RE2 has not seen yet, when it builds its DFA), else by the component's RE2 set: both read
the same translated patterns and answer alike.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Iterable

from tthc_pipeline.rules import prescan_hyperscan
from tthc_pipeline.rules.regex_parse import REPEATS as _REPEATS, parse_case_sensitive, sre as _c
from tthc_pipeline.text.normalize import BYTE_CHARS, OTHER_BYTE

try:
    import re2  # google-re2
except ImportError:  # the optional "fast" extra; Engine(prescan=False) is the same path
    re2 = None

ANY = "(?s:.)"  # any byte (RE2 with Latin-1, Hyperscan without UTF-8: a byte a character)
_LONG_REPEAT = 20  # bounded repeats above this become * / + (keeps the DFA small)

# The texts scanned are normalize.bytez() of canon texts: a byte a character, each byte below
# OTHER_BYTE standing for one code point (ASCII, then BYTE_CHARS), OTHER_BYTE for every other
# one. A regex element matching the code points S becomes the class of the bytes of S's
# members: OTHER_BYTE whenever S may hold a code point without a byte of its own (negated
# classes and categories always: a superset), so the translation matches the encoded text
# wherever Python's regex matches the text. Checked over every code point in the tests.
_CODE_OF = tuple(range(0x80)) + tuple(map(ord, BYTE_CHARS))  # byte -> the code point it stands for
_BYTE_OF = {code: byte for byte, code in enumerate(_CODE_OF)}
_ALL_BYTES = frozenset(range(0x100))
# Python's categories (str patterns: Unicode) over the code points with bytes, each with
# OTHER_BYTE (every category holds characters without one: U+0660, U+2028, U+00FF, ...)
_CATEGORY_BYTES = {
    category: frozenset(b for b, code in enumerate(_CODE_OF) if re.fullmatch(escape, chr(code))) | {OTHER_BYTE}
    for category, escape in ((_c.CATEGORY_DIGIT, r"\d"), (_c.CATEGORY_NOT_DIGIT, r"\D"),
                             (_c.CATEGORY_WORD, r"\w"), (_c.CATEGORY_NOT_WORD, r"\W"),
                             (_c.CATEGORY_SPACE, r"\s"), (_c.CATEGORY_NOT_SPACE, r"\S"))
}


class _Untranslatable(Exception):
    pass


def _byte(code: int) -> int:
    return _BYTE_OF.get(code, OTHER_BYTE)


def _range_bytes(lo: int, hi: int) -> set[int]:
    """The bytes of the code points lo..hi (OTHER_BYTE when one of them has no byte of its own)."""
    got = {b for b, code in enumerate(_CODE_OF) if lo <= code <= hi}
    if hi - lo + 1 > len(got):
        got.add(OTHER_BYTE)
    return got


def _char(byte: int) -> str:
    ch = chr(byte)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{byte:x}}}"


def _class(found: "set[int] | frozenset[int]") -> str:
    """A pattern matching one byte of ``found`` (in ranges: fewer, simpler automaton edges)."""
    if len(found) == len(_ALL_BYTES):
        return ANY
    if not found:
        return r"[^\x{0}-\x{ff}]"  # matches nothing
    if len(found) == 1:
        return _char(next(iter(found)))
    parts, ordered = [], sorted(found)
    start = prev = ordered[0]
    for b in ordered[1:] + [-1]:
        if b != prev + 1:
            parts.append(_char(start) if start == prev else f"{_char(start)}-{_char(prev)}")
            start = b
        prev = b
    return "[" + "".join(parts) + "]"


def _in(items: list[Any]) -> str:
    negated = bool(items) and items[0][0] is _c.NEGATE
    if negated:
        items = items[1:]
    found: set[int] = set()
    for op, av in items:
        if op is _c.LITERAL:
            found.add(_byte(av))
        elif op is _c.RANGE:
            found |= _range_bytes(av[0], av[1])
        elif op is _c.CATEGORY and av in _CATEGORY_BYTES:
            found |= _CATEGORY_BYTES[av]
        else:
            return ANY  # anything else: any character (still a superset)
    if negated:
        # a byte of its own stands for one code point, matched iff not in the class (exact);
        # OTHER_BYTE for many: some may be outside the class
        found = (_ALL_BYTES - found) | {OTHER_BYTE}
    return _class(found)


def _emit(items: Iterable[Any]) -> str:
    out = []
    for op, av in items:
        if op is _c.LITERAL:
            out.append(_char(_byte(av)))
        elif op is _c.NOT_LITERAL:
            byte = _byte(av)  # OTHER_BYTE also stands for characters other than av
            out.append(ANY if byte == OTHER_BYTE else _class(_ALL_BYTES - {byte}))
        elif op is _c.ANY:
            out.append(ANY)
        elif op is _c.IN:
            out.append(_in(av))
        elif op is _c.BRANCH:
            out.append("(?:" + "|".join(_emit(b) for b in av[1]) + ")")
        elif op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & re.IGNORECASE:
                raise _Untranslatable("case-insensitive group")
            out.append("(?:" + _emit(sub) + ")")
        elif op in _REPEATS:
            lo, hi, sub = av
            body = "(?:" + _emit(sub) + ")"
            if hi is _c.MAXREPEAT or hi > _LONG_REPEAT:
                out.append(body + ("*" if lo == 0 else "+"))
            else:
                out.append(f"{body}{{{lo},{hi}}}")
        elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # anchors and look-arounds only narrow a match: dropped
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            out.append("(?:" + _emit(av) + ")")
        elif op is _c.GROUPREF:
            out.append(ANY + "*")
        else:
            raise _Untranslatable(str(op))
    return "".join(out)


def to_re2(pattern: "str | re.Pattern[str]") -> str | None:
    """An RE2 pattern (ASCII; read with Latin-1 encoding: ``re2_options``) matching the
    ``bytez`` encoding of (at least) every text Python's ``pattern`` matches; None when the
    pattern cannot be over-approximated (the rule then always runs). A compiled pattern is
    read with its flags (see regex_parse.parse_case_sensitive)."""
    parsed = parse_case_sensitive(pattern)
    if parsed is None:
        return None
    try:
        return _emit(parsed)
    except _Untranslatable:
        return None


def re2_options() -> Any:
    """RE2 options for the translated patterns: bytes as Latin-1 characters (``\\x{ff}`` is the
    byte 0xFF, ``(?s:.)`` any one byte), errors not logged."""
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    options.log_errors = False
    return options


# What to pass ``Prescan.scan`` for a component whose every registered rule must run: bytes
# without the NUL sentinel, so the set matches nothing and the component counts as
# undecided, like a search that gave up.
UNDECIDED = b""


class Prescan:
    """One RE2 set per component over the regexes of every registered rule reading it.

    ``scan([(component, bytez(canon text)), ...])`` returns the (key, component) pairs whose
    rule may match in that component, with the rule's patterns that may. Rules registered with
    ``add`` are the only ones answered for; a key whose patterns do not all translate is not
    registered and must always run.

    One set per component rather than one set over all components behind tags: equal on
    a warm automaton, but RE2 builds its DFA states lazily, and over distinct procedures
    (a real run, where every text is new) the per-component automata cost 2.3x less to
    build (measured on the 339 portal records: ~175 against ~405 µs a procedure).
    """

    def __init__(self) -> None:
        self._patterns: list[tuple[int, str, str]] = []  # (key, component, RE2 pattern)
        self._rank: dict[int, dict[str, int]] = {}  # key -> component -> its place in add()'s list
        # per component: (its compiled set's Match, what each set index stands for: (the (key,
        # component) pair's number, the pattern's ordinal among the key's patterns) or None
        # for the sentinel, all its pair numbers (for an undecided text), its _Hyperscan or None)
        self._plan: dict[str, tuple[Any, list[tuple[int, int] | None], dict[int, None], Any]] = {}
        # pair numbers follow (key, rank of the component for the key): sorting them orders
        # the pairs as scan() returns them
        self._pairs: list[tuple[int, str]] = []
        self.keys: set[int] = set()
        self.fold_components: set[str] = set()  # where a registered rule also matches fold() text
        self.backends: dict[str, str] = {}  # component -> "hyperscan" or "re2" (after compile())

    @staticmethod
    def available() -> bool:
        return re2 is not None

    def add(self, key: int, components: Iterable[str], patterns: Iterable["str | re.Pattern[str]"],
            on_fold: bool = False) -> bool:
        """Register rule ``key``; False (not registered) when a pattern cannot be translated.
        ``patterns``: the rule's regexes, best compiled (their flags are read too).
        ``components``: in the order the rule visits them (scan() answers in that order).
        ``on_fold``: the rule also matches diacritic-free text, so components without
        diacritics are never skipped for it."""
        if key in self._rank:
            # a second call would add its patterns to the first's under the same pattern
            # ordinals, and scan() would name the wrong regexes of the rule
            raise ValueError(f"prescan: rule key {key} registered twice")
        translated = [to_re2(p) for p in patterns]
        if re2 is None or not translated or any(t is None for t in translated):
            return False
        try:  # RE2 has limits Python's re has not (repeat counts, program size)
            options = re2_options()
            for t in translated:
                re2.compile(t.encode("ascii"), options)
        except Exception:  # noqa: BLE001 - re2.error and friends: the rule just always runs
            return False
        components = list(components)
        self._rank[key] = {comp: n for n, comp in enumerate(components)}
        for comp in components:
            self._patterns.extend((key, comp, t) for t in translated)  # in the order given
            if on_fold:
                self.fold_components.add(comp)
        self.keys.add(key)
        return True

    def compile(self) -> "Prescan":
        if re2 is None or not self._patterns:
            return self
        options = re2_options()
        options.max_mem = 64 << 20
        pairs = sorted({(key, self._rank[key][comp], comp) for key, comp, _ in self._patterns})
        number = {(key, comp): i for i, (key, _, comp) in enumerate(pairs)}
        sets: dict[str, Any] = {}
        entries: dict[str, list[tuple[int, int] | None]] = {}
        ordinal: dict[tuple[int, str], int] = {}
        patterns: dict[str, list[str]] = {}  # per component, in set order (for Hyperscan's ids)
        for key, comp, pattern in self._patterns:
            patterns.setdefault(comp, []).append(pattern)
            if comp not in sets:
                sets[comp] = re2.Set.SearchSet(options)
                # sentinel: a NUL ends every scanned text, so a search that gave up (RE2 then
                # reports no match at all) is told apart from one that found nothing
                sets[comp].Add(r"\x00")
                entries[comp] = [None]
            sets[comp].Add(pattern)
            n = ordinal.get((key, comp), 0)
            ordinal[key, comp] = n + 1
            entries[comp].append((number[key, comp], n))
        try:
            for regex_set in sets.values():
                regex_set.Compile()
        except Exception:  # noqa: BLE001 - too large for RE2: no prescan, every rule runs
            self.keys = set()
            return self
        self._pairs = [(key, comp) for key, _, comp in pairs]
        self.backends = {}
        self._plan = {}
        for c, e in entries.items():
            # Hyperscan where it takes the component's patterns (prescan_hyperscan: the same
            # matches, ~6x faster on texts RE2 has not seen), else the RE2 set
            db = prescan_hyperscan.database(patterns[c])
            self.backends[c] = "hyperscan" if db is not None else "re2"
            hyperscan = _Hyperscan(db) if db is not None else None
            match = hyperscan.match if hyperscan is not None else _raw_match(sets[c])
            self._plan[c] = (match, e, dict.fromkeys(x[0] for x in e if x), hyperscan)
        return self

    def components(self) -> list[str]:
        return list(self._plan)

    def scan(self, texts: Iterable[tuple[str, bytes]]) -> list[tuple[int, str, set[int] | None]]:
        """The (key, component) pairs that may match, for the (component, ``bytez`` of its
        canon text) pairs of one procedure (each component once), in key order, then the order
        of the components given to ``add``; each with the ordinals (in the order given to
        ``add``) of the key's patterns that may match there: the others cannot, and need not
        be run. Every registered pair of a component, with None (any pattern may), when RE2
        cannot decide for it (a search that gave up, ``UNDECIDED``)."""
        found: dict[int, set[int] | None] = {}
        plans = self._plan
        for comp, data in texts:
            plan = plans.get(comp)
            if plan is not None:
                _add_found(found, plan, data)
        pairs = self._pairs
        return [pairs[p] + (found[p],) for p in sorted(found)]

    def work(self, views: list[Any]) -> dict[int, list]:
        """(procedure, component, patterns) to evaluate, per registered key, for the procedure
        views ``views`` (``rules.matchers.ProcView``), in the order the unfiltered loop would
        visit them (procedure order, then the rule's component order: the order of ``scan``'s
        answer); ``patterns``: the ordinals of the key's patterns that may match there (None:
        any). One pass per component text, through the automaton of that component."""
        # per component: must every rule run on diacritic-free text (terms also match on fold())?
        # and, for a Hyperscan one, its scan with this thread's scratch space, fetched once for
        # the call (not once a text: the call runs in one thread)
        components = []
        for comp, plan in self._plan.items():
            hyperscan = plan[3]
            components.append((comp, comp in self.fold_components, plan,
                               hyperscan.scan if hyperscan else None, hyperscan.scratch() if hyperscan else None))
        todo: dict[int, list] = {i: [] for i in self.keys}
        pairs = self._pairs
        for pv in views:
            present = pv.proc.components
            # what scan() answers for the procedure's texts (as _add_found), without its list
            # of texts, its answer's tuples and a Python call per text
            found: dict[int, set[int] | None] = {}
            for comp, on_fold, plan, scan, scratch in components:
                if comp not in present and comp != "name":
                    continue  # no text: pattern matchers find nothing there
                view = pv.view(comp)
                if not view.text:
                    continue
                if on_fold and view.unaccented:
                    found.update(plan[2])  # UNDECIDED: every pair of the component
                    continue
                data = view.canon_bytez()
                if scan is None or not data:
                    _add_found(found, plan, data)
                    continue
                # Hyperscan's match() inline: a non-empty text is always decided
                matched: list[int] = []
                scan(data, _record, 0, matched, scratch)
                if matched:
                    _add_matched(found, plan[1], matched)
            for p in sorted(found):
                key, comp = pairs[p]
                todo[key].append((pv, comp, found[p]))
        return todo


def _raw_match(regex_set: Any) -> Any:
    """The set's ``Match`` without the Python wrapper around the C++ one, which only encodes
    ``str`` texts (ours are bytes) and turns an empty answer into None (``_add_found`` reads
    both alike): a Python call less per component scanned (~7 a procedure)."""
    inner = getattr(regex_set, "_set", None)
    return inner.Match if inner is not None and hasattr(inner, "Match") else regex_set.Match


class _Hyperscan:
    """A component's Hyperscan database, with one scratch space per thread: a scan writes into
    its scratch with the GIL released, and the database (with its own scratch) is shared by
    every Prescan of the process; two threads on one scratch fail with ScratchInUseError, or
    worse."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.scan = db.scan
        self._local = threading.local()

    def scratch(self) -> Any:
        """This thread's scratch space (made on its first scan)."""
        got = getattr(self._local, "scratch", None)
        if got is None:
            got = self._local.scratch = prescan_hyperscan.scratch(self.db)
        return got

    def match(self, data: bytes) -> list[int]:
        """The RE2 set's answer: the matched pattern ids with 0 (the RE2 sentinel's id:
        Hyperscan never gives up, so every scan is decided) first; none for an empty text
        (``UNDECIDED``), which stays undecided as with RE2 (Hyperscan would read it as decided
        and empty)."""
        if not data:
            return []
        found = [0]
        self.scan(data, _record, 0, found, self.scratch())
        return found


def _record(pattern_id: int, start: int, end: int, flags: int, found: list[int]) -> None:
    """Hyperscan's match callback: note the pattern (reported once a scan: SINGLEMATCH)."""
    found.append(pattern_id)


def _add_found(found: dict[int, set[int] | None], plan: tuple, data: bytes) -> None:
    """Add to ``found`` (pair number -> pattern ordinals, None: any) the pairs of one component
    (``plan``: see Prescan._plan) that may match in ``data`` (its ``bytez`` canon text)."""
    match, entries, undecided, _ = plan
    matched = match(data) or ()  # the wrapper answers None for no match, the C++ set []
    if 0 not in matched:  # no sentinel: undecided
        found.update(undecided)
        return
    _add_matched(found, entries, matched)


def _add_matched(found: dict[int, set[int] | None], entries: list, matched: Iterable[int]) -> None:
    """Add to ``found`` the pairs of the set indexes ``matched`` of a decided scan (``entries``:
    see Prescan._plan; the sentinel's 0 is skipped)."""
    for i in matched:
        if i:
            pair, n = entries[i]
            got = found.get(pair)  # never None here: a pair belongs to one component
            if got is None:
                found[pair] = {n}
            else:
                got.add(n)
