"""Split a procedure description into its component sections by their headings.

Used by Phần II blocks of announcement decisions ("1.1. Trình tự thực hiện: ..."), by the
portal "Chi tiết TTHC" export ("Trình tự thực hiện: ...") and by regulations. Headings are
matched at line starts on ``canon`` text; the body runs to the next heading.
"""

from __future__ import annotations

import re

from tthc_pipeline.text.normalize import canon

_NUM = r"(?:(?:\d+\.)+\d*\.?|\d+[.)]|[a-zđ][.)]|[-+*•])?\s*"

COMPONENT_HEADINGS: list[tuple[str, str]] = [
    ("steps", r"trình\s+tự(?:,\s*thủ\s+tục)?\s+thực\s+hiện|trình\s+tự\s+giải\s+quyết"),
    ("channels", r"cách\s+thức\s+thực\s+hiện"),
    ("dossier", r"thành\s+phần,?\s*số\s+lượng\s+hồ\s+sơ|thành\s+phần\s+hồ\s+sơ|hồ\s+sơ(?=\s*:)"),
    ("time_limit", r"thời\s+hạn\s+giải\s+quyết|thời\s+gian\s+giải\s+quyết|thời\s+hạn\s+thực\s+hiện"),
    ("subjects", r"đối\s+tượng\s+thực\s+hiện"),
    ("agencies", r"cơ\s+quan\s+(?:giải\s+quyết|thực\s+hiện)"),
    ("result", r"kết\s+quả\s+(?:thực\s+hiện|giải\s+quyết|xử\s+lý)"),
    ("fees", r"phí,?\s*lệ\s+phí|lệ\s+phí|phí(?=\s*:)"),
    ("forms", r"(?:tên\s+)?mẫu\s+đơn,?\s*(?:mẫu\s+)?tờ\s+khai"),
    ("requirements", r"yêu\s+cầu,?\s*điều\s+kiện"),
    ("legal_basis", r"căn\s+cứ\s+pháp\s+lý"),
    ("place", r"địa\s+điểm\s+thực\s+hiện|thời\s+gian\s+tiếp\s+nhận"),
]

HEADING_RE = re.compile(
    r"(?m)^[ \t*#]*" + _NUM + r"(?P<label>" + "|".join(f"(?P<{k}>{rx})" for k, rx in COMPONENT_HEADINGS) + r")"
    r"(?:\s+(?:thực\s+hiện\s+)?(?:của\s+)?(?:thủ\s+tục\s+hành\s+chính|tthc))?[ \t*]*(?::|\.(?!\d)|\n|$)"
)


def find_headings(text: str, start: int = 0, end: int | None = None, low: str | None = None):
    """Yield (key, heading_start, body_start) for component headings in text[start:end]."""
    low = low if low is not None else canon(text)
    end = len(text) if end is None else end
    for m in HEADING_RE.finditer(low, start, end):
        key = next(k for k, _ in COMPONENT_HEADINGS if m.group(k))
        yield key, m.start(), m.end()


def split_components(text: str, start: int, end: int, low: str | None = None) -> dict[str, tuple[int, int]]:
    """{component: (body_start, body_end)}; first occurrence of each heading wins."""
    heads = list(find_headings(text, start, end, low))
    out: dict[str, tuple[int, int]] = {}
    for k, (key, hs, bs) in enumerate(heads):
        be = heads[k + 1][1] if k + 1 < len(heads) else end
        if key not in out:
            out[key] = (bs, be)
        elif key == "agencies":
            pass
    return out


def is_component_heading(line_low: str) -> bool:
    return bool(HEADING_RE.match(line_low + "\n"))
