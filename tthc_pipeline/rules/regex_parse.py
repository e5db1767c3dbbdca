"""Python's own regex parse, for reading rules' patterns (required literals, RE2 translation).

Both the literal prefilter (matchers.required_literals) and the RE2 prescan (prescan.to_re2)
reason about a pattern from the parse tree ``re`` itself builds, so what they conclude holds
for what ``re`` matches. This module is the one place that reaches into ``re``'s internals.
"""

from __future__ import annotations

import re
from typing import Any

try:  # the regex parser Python itself uses
    from re import _constants as sre, _parser as _sre_parse
except ImportError:  # Python < 3.11
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# every repeat opcode this Python has (POSSESSIVE_REPEAT since 3.11)
REPEATS = tuple(getattr(sre, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(sre, n))


def parse_case_sensitive(pattern: "str | re.Pattern[str]") -> Any | None:
    """The parsed ``pattern``; None when it does not parse (compile_regex reports that) or is
    case-insensitive as a whole (neither reader handles it: callers then assume nothing).
    A compiled pattern is parsed with the flags it was compiled with, which its text does not
    show (``re.compile(p, re.IGNORECASE).pattern`` is ``p``): read without them, a reader
    would conclude things of another regex."""
    if isinstance(pattern, re.Pattern):
        text, flags = pattern.pattern, pattern.flags
    else:
        text, flags = pattern, 0
    if not isinstance(text, str):
        return None  # a bytes pattern: never run on the (str) texts the readers reason about
    try:
        parsed = _sre_parse.parse(text, flags)
    except Exception:  # noqa: BLE001 - re.error and friends
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    return parsed
