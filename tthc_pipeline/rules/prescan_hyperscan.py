"""Hyperscan databases for the prescan's components, compiled once and kept on disk.

Why: the prescan (rules/prescan.py) runs each component's RE2-translated patterns over its
text in one pass. RE2 builds its DFA lazily, state by state, as texts show it new
byte sequences: on the 339 portal records seen for the first time its sets cost ~110 µs a
procedure, ~25 µs once warm. Hyperscan compiles the whole automaton ahead of time and
scans with SIMD: ~17 µs a procedure cold or warm, with the same matches (both read the same
patterns; tests/test_prescan_hyperscan.py compares them on every real record). A real run checks
procedures it has never seen, so the cold figure is the one users meet.

Compiling the catalogue's databases takes ~0.5 s, more than a run of a province's ~2,000
procedures saves, so each database is kept: in this process (``_MEMO``, keyed by its
patterns) and on disk (``cache_dir()``), as Hyperscan's own serialisation, named after the
SHA-256 of the Hyperscan version, flags and patterns, and written atomically with the
SHA-256 of its bytes in front: a file that does not match is compiled again, never loaded
(Hyperscan itself checks the version, the CPU and a checksum of most of the bytes, not all:
a changed byte among the last ones loads). Files not loaded for ``UNUSED_DAYS`` (older
catalogues') are deleted when a new one is written.

Everything here is optional. Without the ``hyperscan`` module, with ``TTHC_NO_HYPERSCAN=1``,
or for a component whose patterns Hyperscan refuses, the component keeps its RE2 set:
the same findings either way.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    import hyperscan
except ImportError:  # the optional "hyperscan" extra
    hyperscan = None

# Byte patterns (no HS_FLAG_UTF8: the prescan's texts are normalize.bytez(), a byte a
# character, and its \x{...} are bytes, as in its RE2 sets read as Latin-1), each reported at
# most once a scan (the prescan asks only whether a pattern matched), and patterns that may
# match the empty string allowed (they match every text: their rule always runs, as with RE2)
FLAGS = 0
if hyperscan is not None:
    FLAGS = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY

_MEMO: dict[tuple[str, ...], Any] = {}
_SUFFIX = ".hsdb"
# a database file not loaded for this long is deleted when another is written: each change of
# the catalogue's patterns (or of Hyperscan) writes new files, and the old ones would pile up
UNUSED_DAYS = 30


def enabled() -> bool:
    return hyperscan is not None and not os.environ.get("TTHC_NO_HYPERSCAN")


def cache_dir() -> Path:
    """``$TTHC_CACHE_DIR``, else ``$XDG_CACHE_HOME/tthc_pipeline``, else ``~/.cache/tthc_pipeline``."""
    explicit = os.environ.get("TTHC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tthc_pipeline"


def _version() -> str:
    try:
        from hyperscan import _version

        return str(_version.__version__)
    except Exception:  # noqa: BLE001 - any binding: the database header checks the library's own
        return "?"


def _cache_file(patterns: tuple[str, ...]) -> Path:
    key = "\x1e".join((_version(), str(FLAGS), *patterns))
    return cache_dir() / f"prescan-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}{_SUFFIX}"


def _load(path: Path) -> Any | None:
    """The database stored at ``path``; None when absent, damaged or not for this library/CPU."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    digest, body = blob[:32], blob[32:]
    if len(blob) <= 32 or hashlib.sha256(body).digest() != digest:
        return None
    try:
        db = hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK)
        db.scratch = hyperscan.Scratch(db)  # loadb leaves none: a scan would dereference None
    except Exception:  # noqa: BLE001 - another Hyperscan version or CPU: compile instead
        return None
    try:
        os.utime(path)  # in use: its modification time says when it was last loaded (see _prune)
    except OSError:
        pass
    return db


def _prune(folder: Path, keep: Path) -> None:
    """Delete the database files of ``folder`` not loaded or written for ``UNUSED_DAYS``
    (those of older catalogues or Hyperscan versions) and temporary files as old, except
    ``keep``; files that cannot be read or deleted are left."""
    cutoff = time.time() - UNUSED_DAYS * 86400
    # with the temporary files of writers killed before their rename
    for old in [*folder.glob(f"prescan-*{_SUFFIX}"), *folder.glob(f"prescan-*{_SUFFIX}*.tmp")]:
        try:
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _store(path: Path, db: Any) -> None:
    """Write ``db`` to ``path`` atomically; a cache that cannot be written is skipped."""
    try:
        body = hyperscan.dumpb(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(body).digest() + body)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(path.parent, path)
    except Exception:  # noqa: BLE001 - read-only home, full disk: compile next time again
        pass


def _compile(patterns: tuple[str, ...]) -> Any | None:
    try:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=[p.encode("ascii") for p in patterns], ids=list(range(1, len(patterns) + 1)),
                   elements=len(patterns), flags=[FLAGS] * len(patterns))
    except Exception:  # noqa: BLE001 - a pattern Hyperscan refuses ("can never match", too large)
        return None
    return db


def scratch(db: Any) -> Any:
    """A scratch space of its own for scanning ``db`` (one per thread: see prescan.py)."""
    return hyperscan.Scratch(db)


def database(patterns: list[str]) -> Any | None:
    """A Hyperscan block-mode database of ``patterns`` (RE2 syntax as the prescan writes it),
    pattern ``i`` reported as id ``i + 1`` (as in the component's RE2 set, whose id 0 is the
    sentinel); None when Hyperscan is unavailable or refuses one of them."""
    if not enabled() or not patterns:
        return None
    key = tuple(patterns)
    db = _MEMO.get(key)
    if db is None:
        path = _cache_file(key)
        db = _load(path)
        if db is None:
            db = _compile(key)
            if db is None:
                return None
            _store(path, db)
        _MEMO[key] = db
    return db
