"""The one day/month/year → ISO date parser shared by metadata, relations and citations.

Why one place: the three modules parsed dates separately and could disagree on what an
impossible date ("31 tháng 2") or a non-ISO value from a record means.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tthc_pipeline.text.normalize import fold

# On fold() text (no diacritics, lower case): "ngày 01 tháng 3 năm 2026", "01/3/2026", "01-03-2026".
_WORDS = re.compile(r"(?P<d>\d{1,2})\s*[.,]?\s*thang\s*(?P<m>\d{1,2})\s*[.,]?\s*nam\s*(?P<y>\d{4})")
_NUMERIC = re.compile(r"(?<!\d)(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})(?!\d)")


def iso_date(d: str | int, m: str | int, y: str | int) -> str | None:
    """"1", "3", "2026" → "2026-03-01"; None for an impossible date (OCR slips: "31 tháng 2")."""
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except (TypeError, ValueError):
        return None


def parse_date(value: Any) -> str | None:
    """An ISO date from a record value: ISO already, "01/3/2026", or "ngày 01 tháng 3 năm 2026"."""
    if not value:
        return None
    text = str(value)
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    folded = fold(text).lower()
    m = _WORDS.search(folded) or _NUMERIC.search(folded)
    return iso_date(m["d"], m["m"], m["y"]) if m else None


__all__ = ["iso_date", "parse_date"]


def date_vi(day: date) -> str:
    """A date as Vietnamese administrative texts write it (NĐ 30/2020/NĐ-CP: a leading zero for
    days 1–9 and for January and February only), as the rules' own texts do: "01/7/2025",
    "10/01/2025", "15/11/2025"."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"
