"""Validated catalog files kept on disk, so that most runs never build pydantic's schema.

Validating a file needs pydantic's validator for the record types, and building it
costs more than everything else a short command does. A file's validated records
are therefore pickled to the user's cache folder, and a later run whose file and
record types are unchanged unpickles them instead.

An entry is trusted only if it names the same file, the file's size, mtime, ctime
and inode are the ones it was validated at (the test Python itself uses for .pyc
files, plus ctime, which no tool can set back), and the record types are the
same: same sllm, pydantic-core and Python versions, same ``records.py``,
``vocab.py`` and ``resolve.py`` (size and mtime). Anything else is a miss and the
file is validated again.

Timestamps are coarse (a few ms on Linux), so a file rewritten twice within one
tick, at the same size, would look unchanged. As git does for its index, a file
changed less than ``SETTLE_NS`` ago is validated but not cached: by the time an
entry exists, any later write must carry a later time.

A cache that cannot be read or written is no cache: the run goes on without it.

``SLLM_CACHE_DIR`` moves the folder; ``SLLM_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from . import __version__

#: A file changed more recently than this is not cached yet (see above).
SETTLE_NS = 2_000_000_000


def folder() -> Path | None:
    """Where entries live, or None when caching is off."""
    if os.environ.get("SLLM_NO_CACHE", "").strip() not in ("", "0"):
        return None
    chosen = os.environ.get("SLLM_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sllm"


@lru_cache(maxsize=1)
def _types() -> tuple:
    """The identity of the code whose output is cached: what an entry means, apart from the file."""
    from pydantic_core import __version__ as core_version

    here = os.path.dirname(os.path.abspath(__file__))
    files = [os.stat(os.path.join(here, name)) for name in ("records.py", "vocab.py", "resolve.py")]
    return (__version__, core_version, sys.version_info[:2], *((f.st_size, f.st_mtime_ns) for f in files))


def _stamp(path: str, stat: os.stat_result) -> tuple:
    """What must be unchanged for an entry to be trusted."""
    return (path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev, *_types())


def records(path: Path, stat: os.stat_result, validate: Callable[[bytes], list[Any]]) -> list[Any]:
    """The validated records of ``path``: from the cache if still valid, else by ``validate``."""
    return _through(path, stat, "records", lambda: validate(path.read_bytes()))


def derived(path: Path, stat: os.stat_result, kind: str, compute: Callable[[], Any]) -> Any:
    """Something computed from the records of ``path`` (as loaded at ``stat``), kept like them."""
    return _through(path, stat, kind, compute)


def _through(path: Path, stat: os.stat_result, kind: str, produce: Callable[[], Any]) -> Any:
    where = folder()
    if where is None:
        return produce()
    name = os.path.abspath(path)
    stamp = _stamp(name, stat)
    # the name is only a hint (crc32 may collide); the stamp inside decides
    entry = where / f"{zlib.crc32(name.encode('utf-8', 'surrogateescape')):08x}.{kind}.pickle"
    try:
        with open(entry, "rb") as fh:
            if pickle.load(fh) == stamp:
                return pickle.load(fh)
    except Exception:  # absent, stale, truncated or from another version: a miss
        pass
    result = produce()
    settled = time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) >= SETTLE_NS
    if settled and _stamp(name, path.stat()) == stamp:  # and not changed since it was read
        _write(entry, stamp, result)
    return result


def _write(entry: Path, stamp: tuple, result: Any) -> None:
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(stamp, fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only or full disk costs speed, never a result
