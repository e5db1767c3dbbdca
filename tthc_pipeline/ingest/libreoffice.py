"""Word 97 .doc and .rtf through LibreOffice: convert to .docx, then read with the DOCX backend.

Why convert instead of antiword/catdoc: those drop Word's automatic numbering ("Điều 5.",
"a)") and mangle tables; a LibreOffice round trip keeps numbering (``numPr``), tables,
styles and run font names (which the legacy TCVN3/VNI repair needs). See TOOLING-NOTES §2.

Each call is isolated:

* its own LibreOffice user profile (``-env:UserInstallation``): two soffice processes sharing
  a profile silently drop one of the outputs;
* the input is first copied to ``input.<fmt>`` in a private temp dir, so odd names (":" in
  names, NFD, spaces) and misleading extensions (a Word 97 file named .docx must be
  converted as .doc) never reach the command line;
* soffice runs in its own process group and the whole group is killed on timeout;
* the temp dir (profile, copy, output) is always removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tthc_pipeline.ingest.docx_reader import read_docx
from tthc_pipeline.ingest.models import Extracted, IngestError

# formats LibreOffice can turn into .docx for us; the value is the extension of the temp copy
_CONVERTIBLE = {"doc": "doc", "rtf": "rtf", "docx": "docx", "odt": "odt", "wps": "wps", "dot": "dot"}


def find_soffice() -> str | None:
    """Path of the soffice binary, or None when LibreOffice is not installed.

    ``TTHC_SOFFICE`` (a path) overrides the search, e.g. for a LibreOffice outside PATH.
    """
    override = os.environ.get("TTHC_SOFFICE")
    if override is not None:
        return override if os.access(override, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable() -> IngestError:
    return IngestError(
        "converter_unavailable",
        "Không tìm thấy LibreOffice (soffice) để chuyển tệp .doc/.rtf sang .docx. "
        "Hãy chạy scripts/setup để cài đặt, hoặc lưu tệp thành .docx bằng Word.",
        "LibreOffice (soffice) was not found, so .doc/.rtf files cannot be converted. "
        "Run scripts/setup to install it, or save the file as .docx in Word.",
    )


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill soffice and every child it spawned (oosplash → soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _run_soffice(soffice: str, source: Path, out_dir: Path, profile: Path, timeout_s: float) -> str:
    """Run one conversion; return soffice's combined output (for error messages)."""
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--nodefault",
        "--convert-to",
        "docx",
        "--outdir",
        str(out_dir),
        str(source),
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        cwd=out_dir,
    )
    try:
        output, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise IngestError(
            "converter_timeout",
            f"LibreOffice không chuyển đổi xong trong {timeout_s:g} giây (tệp quá lớn, có mật khẩu "
            "hoặc bị hỏng). Hãy mở tệp bằng Word, lưu thành .docx rồi nạp lại.",
            f"LibreOffice did not finish converting within {timeout_s:g} s (file too large, password "
            "protected or damaged). Open it in Word, save as .docx and ingest that.",
        ) from None
    except BaseException:
        _kill_group(proc)
        raise
    # No group kill here: proc is reaped, so its pid (the group id) may already be reused.
    return output.decode("utf-8", "replace").strip()


def convert_to_docx(
    path: Path, out_dir: Path, *, fmt: str | None = None, timeout_s: float = 120.0
) -> Path:
    """Convert ``path`` to ``out_dir/<stem>.docx`` and return that path (the caller owns it).

    ``fmt`` is the detected format ("doc", "rtf", ...); it decides the extension LibreOffice
    sees, whatever the file's own name says. Default: the file's suffix.
    """
    with converted_docx(path, fmt=fmt, timeout_s=timeout_s) as tmp_docx:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / (Path(path).stem + ".docx")
        shutil.copyfile(tmp_docx, target)
        return target


@contextlib.contextmanager
def converted_docx(
    path: Path, *, fmt: str | None = None, timeout_s: float = 120.0
) -> Iterator[Path]:
    """Yield a temporary .docx converted from ``path``; everything is deleted on exit."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    extension = _CONVERTIBLE.get(fmt)
    if extension is None:
        raise ValueError(f"LibreOffice conversion is not set up for format {fmt!r}")
    soffice = find_soffice()
    if soffice is None:
        raise _unavailable()
    work = Path(tempfile.mkdtemp(prefix="tthc-soffice-"))
    try:
        in_dir, out_dir, profile = work / "in", work / "out", work / "profile"
        for d in (in_dir, out_dir):
            d.mkdir()
        source = in_dir / f"input.{extension}"
        shutil.copyfile(path, source)
        output = _run_soffice(soffice, source, out_dir, profile, timeout_s)
        result = out_dir / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise IngestError(
                "conversion_failed",
                f"LibreOffice không chuyển được tệp {path.name} sang .docx (tệp hỏng, có mật khẩu "
                "hoặc không phải văn bản Word). Hãy mở tệp bằng Word và lưu thành .docx.",
                f"LibreOffice could not convert {path.name} to .docx (damaged, password protected "
                f"or not a Word document). soffice said: {output[-300:] or '(nothing)'}. "
                "Open it in Word and save as .docx.",
            )
        yield result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def read_doc(path: Path, *, fmt: str | None = None, timeout_s: float = 120.0) -> Extracted:
    """Read a .doc/.rtf (or any LibreOffice-readable word file) via a temporary .docx.

    ``Extracted.format`` is ``fmt`` (default: the file suffix), and
    ``info["converted_with"] == "libreoffice"``.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    started = time.monotonic()
    with converted_docx(path, fmt=fmt, timeout_s=timeout_s) as docx_path:
        convert_s = time.monotonic() - started
        extracted = read_docx(docx_path)
    extracted.format = fmt
    # the temp .docx's core properties are LibreOffice's (title "Word Document", modified =
    # conversion time), not the source's: do not pass them off as document metadata
    extracted.info.pop("core_properties", None)
    extracted.info["converted_with"] = "libreoffice"
    extracted.info["conversion_seconds"] = round(convert_s, 2)
    return extracted
