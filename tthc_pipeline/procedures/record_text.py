"""Tolerant reading of record files (JSONL, JSON, CSV): one bad line or byte must not cost
the other records of the file.

Crawled exports are long and fragile: a crawl stopped mid-write leaves a truncated last
line, a proxy or an old tool leaves a few bytes that are not UTF-8. Read strictly, either
loses every record of the file (a 10,000-line JSONL for one broken line). Here:

* bytes that are not UTF-8 become U+FFFD, as a decoder with ``errors="replace"`` gives,
  and the file gets one ``invalid_utf8_bytes`` issue with the count (``utf8_replacing``,
  as for text documents in ``ingest/text_readers.py``; records have no legacy code page);
* a JSONL line that is not a JSON object is skipped with an ``invalid_json_line`` issue
  naming the line; the other lines are read. A file with no readable line fails whole;
  a file with no line at all (or a CSV with a header only) gets a ``no_records`` issue.

Issues are bilingual (``message_vi`` / ``message_en``) and carry the line number, so
``tthc check`` and ``tthc extract`` can tell the reviewer where to look.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tthc_pipeline.ingest.text_readers import utf8_replacing


@dataclass
class RecordIssue:
    """Something in a record file that was skipped or repaired while the rest was read."""

    code: str  # invalid_json_line | invalid_utf8_bytes | no_records | code_mismatch | legal_basis_spill
    message_vi: str
    message_en: str
    line: int | None = None
    fatal: bool = False  # a record was lost (a skipped line); False: repaired (bytes replaced)

    def render(self) -> str:
        where = f" (dòng/line {self.line})" if self.line else ""
        return f"{self.code}{where}: {self.message_vi} / {self.message_en}"


class UnreadableRecords(ValueError):
    """A record file none of whose lines could be read (bilingual reason)."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en


def read_text(path: Path, issues: list[RecordIssue]) -> str:
    """The file as text: UTF-8 (a BOM dropped), invalid bytes replaced and counted."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, bad = utf8_replacing(raw, "utf-8-sig")
        issues.append(RecordIssue(
            "invalid_utf8_bytes",
            f"{bad} đoạn byte không phải UTF-8 đã được thay bằng ký tự �; kiểm tra các bản ghi có ký tự này",
            f"{bad} byte sequences that are not UTF-8 were replaced with U+FFFD; check the records containing it",
        ))
        return text


def jsonl_objects(path: Path, issues: list[RecordIssue]) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) of every readable line; an issue per unreadable one. Raises
    ``UnreadableRecords`` when no line is readable (the file is not JSONL at all)."""
    out: list[tuple[int, dict[str, Any]]] = []
    bad: list[RecordIssue] = []
    # lines end at "\n" only: str.splitlines() also cuts at U+2028, U+0085, \x1c…, which JSON
    # allows unescaped inside strings (text pasted from Word carries U+2028)
    for n, line in enumerate(read_text(path, issues).split("\n"), 1):
        line = line.removesuffix("\r").lstrip("\ufeff")  # BOM: exports concatenated from files that each have one
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(RecordIssue("invalid_json_line", f"dòng không phải JSON hợp lệ, đã bỏ qua ({exc.msg}, cột {exc.colno})",
                                   f"line is not valid JSON, skipped ({exc.msg}, column {exc.colno})", n, fatal=True))
            continue
        if not isinstance(obj, dict):
            bad.append(RecordIssue("invalid_json_line", "dòng không phải một đối tượng JSON, đã bỏ qua",
                                   "line is not a JSON object, skipped", n, fatal=True))
            continue
        out.append((n, obj))
    if bad and not out:
        first = bad[0]
        raise UnreadableRecords(f"không dòng nào đọc được (dòng {first.line}: {first.message_vi})",
                                f"no readable JSONL line (line {first.line}: {first.message_en})")
    issues.extend(bad)
    return out


def no_records_issue() -> RecordIssue:
    """A record file without a single record: an empty or header-only export is more often a
    failed download than a list of nothing, so the reviewer hears of it (not fatal)."""
    return RecordIssue("no_records", "tệp bản ghi không có bản ghi nào (tệp rỗng hoặc chỉ có dòng tiêu đề?)",
                       "the record file holds no record (empty, or a header row only?)")
