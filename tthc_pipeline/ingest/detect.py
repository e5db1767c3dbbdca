"""Format detection by content (magic bytes), never by extension.

Real folders hold Word 97 files named ``.docx``, HTML error pages named ``.pdf`` and
password-protected DOCX files (which are OLE2 containers, not zips). The extension is only
used to report a mismatch and to tell Markdown from plain text.

Policy for a file whose extension promises a PDF but whose content is HTML: it is rejected
with ``not_a_pdf`` naming the page title, because in practice that is a failed download (a
404 page), not a document. A real web page saved as ``.html``/``.htm`` ingests as HTML.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tthc_pipeline.ingest.models import IngestError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# A DOCX whose parts would inflate beyond this is treated as a zip bomb.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_HTML_ANY = re.compile(rb"<(html|body|head|div|p|table|meta)\b", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


@dataclass
class Detection:
    format: str  # pdf | docx | doc | rtf | html | markdown | text
    extension_mismatch: bool = False
    note: str | None = None


def _err(code: str, vi: str, en: str) -> IngestError:
    return IngestError(code, vi, en)


def _ole2_directory(path: Path, head: bytes) -> bytes:
    """Bytes of the OLE2 directory's first sector plus the file head.

    Directory entry names are UTF-16LE ("WordDocument", "EncryptedPackage"). The header
    names the first directory sector; Word files often keep it near the end of the file.
    """
    sector_size = 1 << int.from_bytes(head[0x1E:0x20], "little")
    first_dir = int.from_bytes(head[0x30:0x34], "little")
    if sector_size not in (512, 4096):
        return head
    with path.open("rb") as fh:
        fh.seek((first_dir + 1) * sector_size)
        return fh.read(sector_size * 4) + head


def _ole2_kind(head: bytes) -> str:
    """Tell Word 97 from encrypted OOXML and other OLE2 files (Excel, Outlook ...)."""
    if "EncryptedPackage".encode("utf-16-le") in head or "EncryptionInfo".encode("utf-16-le") in head:
        return "encrypted_ooxml"
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    return "unknown"


def _check_zip(path: Path) -> str:
    """Return 'docx' for a Word OOXML zip; raise for bombs, corrupt and other zips."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_UNCOMPRESSED_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_COMPRESSION_RATIO):
                raise _err(
                    "zip_bomb",
                    f"Tệp nén bất thường (giải nén ra {total:,} byte, tỉ lệ nén {total / packed:.0f}:1), "
                    "nghi là zip bomb; không xử lý. Hãy kiểm tra nguồn của tệp.",
                    f"Suspicious archive (inflates to {total:,} bytes, ratio {total / packed:.0f}:1), "
                    "likely a zip bomb; not processed. Check where the file came from.",
                )
    except zipfile.BadZipFile as exc:
        raise _err(
            "corrupt_file",
            f"Tệp nén (DOCX/ZIP) bị hỏng hoặc không đầy đủ ({exc}). Hãy tải lại tệp gốc.",
            f"The DOCX/ZIP container is corrupt or truncated ({exc}). Download the original again.",
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise _err(
        "unsupported_format",
        "Tệp ZIP không phải văn bản Word (không có word/document.xml).",
        "ZIP file is not a Word document (no word/document.xml).",
    )


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = head[:8192]
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A multibyte char cut at the sample end is fine.
        if exc.start >= len(sample) - 4:
            return True
    printable = sum(1 for b in sample if b >= 0x20 or b in b"\r\n\t")
    return printable / max(1, len(sample)) > 0.95


def detect_format(path: Path) -> Detection:
    """Detect the real format of ``path`` from its bytes."""
    ext = path.suffix.lower().lstrip(".")
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head:
        raise _err("empty_file", "Tệp rỗng (0 byte).", "The file is empty (0 bytes).")

    if b"%PDF-" in head[:1024]:
        return Detection("pdf", extension_mismatch=ext not in ("pdf",))
    if head.startswith(OLE2_MAGIC):
        kind = _ole2_kind(_ole2_directory(path, head))
        if kind == "encrypted_ooxml":
            raise _err(
                "encrypted",
                "Văn bản Word được đặt mật khẩu; hãy gỡ mật khẩu rồi nạp lại.",
                "The Word document is password-protected; remove the password and ingest it again.",
            )
        if kind == "doc":
            return Detection("doc", extension_mismatch=ext != "doc", note=None if ext == "doc" else f"Word 97 (.doc) named .{ext}")
        raise _err(
            "unsupported_format",
            f"Tệp OLE2 không phải văn bản Word ({kind}).",
            f"OLE2 file that is not a Word document ({kind}).",
        )
    if head.startswith(ZIP_MAGIC):
        kind = _check_zip(path)
        if kind == "docx":
            return Detection("docx", extension_mismatch=ext != "docx")
        raise _err(
            "unsupported_format",
            f"Định dạng {kind} không phải văn bản cần rà soát (dùng `tthc extract` cho tệp bảng tính).",
            f"{kind} is not a document format (use `tthc extract` for spreadsheet record files).",
        )
    if head.lstrip().startswith(b"{\\rtf"):
        return Detection("rtf", extension_mismatch=ext != "rtf")

    if _HTML_START.search(head[:2048]) or (ext in ("html", "htm") and _HTML_ANY.search(head)):
        if ext == "pdf":
            m = _TITLE.search(head)
            title = m.group(1).decode("utf-8", "replace").strip() if m else ""
            raise _err(
                "not_a_pdf",
                f"Tệp mang đuôi .pdf nhưng không phải PDF mà là trang HTML"
                f"{f' (“{title}”)' if title else ''}: thường là tải về bị lỗi. Hãy tải lại văn bản gốc.",
                f"Named .pdf but not a PDF: it is an HTML page{f' ({title!r})' if title else ''}, "
                "usually a failed download. Download the original document again.",
            )
        return Detection("html", extension_mismatch=ext not in ("html", "htm", "xhtml"))

    if ext in ("pdf", "doc", "docx", "rtf"):
        # Bytes that match no known container but the name promises one: truncated or junk.
        raise _err(
            "corrupt_file",
            f"Tệp mang đuôi .{ext} nhưng nội dung không đúng định dạng {ext.upper()} (hỏng hoặc không đầy đủ).",
            f"Named .{ext} but the content is not {ext.upper()} (corrupt or truncated).",
        )
    if _looks_like_text(head):
        if ext in ("md", "markdown"):
            return Detection("markdown")
        return Detection("text", extension_mismatch=False)
    raise _err(
        "unsupported_format",
        "Không nhận dạng được định dạng tệp (hỗ trợ: PDF, DOCX, DOC, RTF, HTML, Markdown, TXT).",
        "Unrecognised file format (supported: PDF, DOCX, DOC, RTF, HTML, Markdown, TXT).",
    )
