"""Validated catalog files kept on disk, so that most runs never build pydantic's schema.

Validating a file needs pydantic's validator for the record types, and building it
costs more than everything else a short command does. A file's validated records
are therefore kept as a pack (``pack``: plain data, loaded with ``marshal``, which
cannot run code) in the user's cache folder, and a later run whose file and code
are unchanged opens the pack instead.

An entry is trusted only if it names the same file, the file's size, mtime, ctime,
inode and device are the ones it was validated at (the test Python itself uses
for .pyc files, plus ctime, which no tool can set back), and the code is the same:
sllm, pydantic-core and Python versions here, the sources ``pack.code_key`` covers
in the pack itself. Anything else is a miss and the file is validated again.

Timestamps are coarse (a few ms on Linux), so a file rewritten twice within one
tick, at the same size, would look unchanged. As git does for its index, a file
changed less than ``SETTLE_NS`` ago is validated but not cached: by the time an
entry exists, any later write must carry a later time.

Only what the user alone controls is read, as ssh treats its keys: the folder and
each entry must belong to the user and be writable by no one else, entries must
be regular files (a FIFO would block the read), and the folder's path must be
absolute (with HOME unset, ``~/.cache`` would otherwise be a folder under the
current directory). Entries are opened relative to the checked folder, so the
folder cannot be swapped between the check and the read. The folder is created
0700 and entries 0600, whatever the umask. When a new entry is written, entries
whose file no longer exists are deleted, and the oldest go until the folder holds
at most ``MAX_BYTES``.

A cache that cannot be read or written is no cache: the run goes on without it.
``SLLM_CACHE_DIR`` moves the folder; ``SLLM_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import os
import stat as st
import sys
import time
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from . import __version__

#: A file changed more recently than this is not cached yet (see above).
SETTLE_NS = 2_000_000_000
#: The folder is kept under this size; the least recently used entries go first.
MAX_BYTES = 512 * 1024 * 1024
SUFFIX = ".pack"
#: Names of earlier versions' entries, deleted when the folder is pruned.
_OLD_SUFFIXES = (".records.pickle", ".names.pickle")
#: A hit on an entry older than this refreshes its time, for the pruning order.
_TOUCH_NS = 3600 * 1_000_000_000
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def folder() -> Path | None:
    """Where entries live, or None when caching is off or no safe folder is known."""
    if os.environ.get("SLLM_NO_CACHE", "").strip() not in ("", "0"):
        return None
    chosen = os.environ.get("SLLM_CACHE_DIR")
    if chosen:
        path = os.path.expanduser(chosen)
    else:
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):  # the XDG spec: a relative value is ignored
            base = os.path.join(os.path.expanduser("~"), ".cache")
        path = os.path.join(base, "sllm")
    return Path(path) if os.path.isabs(path) else None


@lru_cache(maxsize=1)
def _runtime() -> tuple:
    """The versions an entry's validation depends on, found without importing pydantic-core."""
    from importlib.util import find_spec

    core: tuple = ()
    spec = find_spec("pydantic_core")
    if spec is not None and spec.submodule_search_locations:
        where = list(spec.submodule_search_locations)[0]
        try:
            core = tuple(sorted(
                (e.name, e.stat().st_size, e.stat().st_mtime_ns)
                for e in os.scandir(where) if e.name.startswith("_pydantic_core")
            ))
        except OSError:
            core = ()
    return (__version__, sys.version_info[:2], core)


def _stamp(path: str, stat: os.stat_result) -> tuple:
    """What must be unchanged for an entry to be trusted."""
    return (path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev, _runtime())


def _entry_name(path: str) -> str:
    raw = path.encode("utf-8", "surrogateescape")
    # the name is only a hint (it may collide); the stamp inside decides
    return f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}{SUFFIX}"


def _ours(info: os.stat_result) -> bool:
    """Owned by us and writable by no one else: what ssh asks of a key file."""
    return info.st_uid == os.geteuid() and not info.st_mode & (st.S_IWGRP | st.S_IWOTH)


def _open_folder(where: Path) -> int | None:
    """A descriptor of the cache folder if we may trust it, else None."""
    try:
        fd = os.open(where, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        info = None
    if info is None or not st.S_ISDIR(info.st_mode) or not _ours(info):
        os.close(fd)
        return None
    return fd


def _read_entry(folder_fd: int, name: str) -> tuple[Any, os.stat_result] | None:
    """A trusted regular file of the folder, mapped (pages are read as they are used); never blocks."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=folder_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not st.S_ISREG(info.st_mode) or not _ours(info) or info.st_size < 4:
            return None
        data = map_file(fd)
        if time.time_ns() - info.st_mtime_ns > _TOUCH_NS:
            try:
                os.utime(fd)
            except OSError:
                pass
        return data, info
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)


def map_file(fd: int) -> Any:
    """The file's bytes without reading them all: entries are replaced by rename, never
    rewritten in place, so a mapping stays valid while it is used."""
    import mmap

    return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)


def _split(data: Any) -> tuple[str, memoryview]:
    """An entry is the source file's path (for pruning) and then the pack."""
    length = int.from_bytes(data[:4], "little")
    path = data[4: 4 + length].decode("utf-8", "surrogateescape")
    return path, memoryview(data)[4 + length:]


def read(path: Path, stat: os.stat_result) -> Any:
    """The cached pack of ``path`` as it is at ``stat``, or None."""
    from .pack import Pack, PackError

    where = folder()
    if where is None:
        return None
    name = os.path.abspath(path)
    folder_fd = _open_folder(where)
    if folder_fd is None:
        return None
    try:
        found = _read_entry(folder_fd, _entry_name(name))
    finally:
        os.close(folder_fd)
    if found is None:
        return None
    try:
        source, body = _split(found[0])
        pack = Pack(body)
    except (PackError, ValueError, UnicodeError, IndexError):
        return None
    if source != name or pack.key != _stamp(name, stat):
        return None
    return pack


#: Entries kept for ``write_deferred`` since ``defer``: (path, stat, records) each.
_deferred: list[tuple] | None = None
#: Entries a child is writing: held, never freed, until the process ends.
_handed_over: list = []


def defer() -> None:
    """Keep new entries until ``write_deferred``: the command line prints its answer first."""
    global _deferred
    if _deferred is None:
        _deferred = []


def write_deferred() -> bool:
    """Write the entries kept since ``defer``.

    Where the system can fork, a child writes them after the command has answered
    and goes on alone, as git's automatic gc does: the first run after a file
    changed then costs its validation, not also the pack. The child leaves the
    terminal and points its standard streams at /dev/null, so a reader of the
    command's output sees its end at once. A writer that dies leaves at most a
    temporary file, which a later write prunes. True when a child took the writes:
    the caller should then end without freeing its heap, which the child shares
    (every page freed here would be copied).
    """
    global _deferred
    pending, _deferred = _deferred or [], None
    if not pending:
        return False
    if hasattr(os, "fork"):
        try:
            pid = os.fork()  # the child ends with os._exit: it never flushes the output buffers it copied
        except OSError:
            pid = None  # no process to spare: write here
        if pid:
            # the pages are shared with the child until either side writes them; dropping the
            # last reference here would write every record's count, and copy each page it is on
            _handed_over.append(pending)
            return True
        if pid == 0:
            try:
                os.setsid()
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                for item in pending:
                    _store(*item)
            finally:
                os._exit(0)
    for item in pending:
        _store(*item)
    return False


def store(path: Path, stat: os.stat_result, records: Sequence[Any]) -> None:
    """Keep the validated ``records`` of ``path`` (read at ``stat``), if the file has settled."""
    if _deferred is not None:
        _deferred.append((path, stat, records))
        return
    _store(path, stat, records)


def _store(path: Path, stat: os.stat_result, records: Sequence[Any]) -> None:
    where = folder()
    if where is None:
        return
    name = os.path.abspath(path)
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) < SETTLE_NS:
        return
    try:
        if _stamp(name, os.stat(path)) != _stamp(name, stat):  # changed since it was read
            return
    except OSError:
        return
    from .pack import build_chunks

    raw = name.encode("utf-8", "surrogateescape")
    chunks = [len(raw).to_bytes(4, "little"), raw, *build_chunks(records, _stamp(name, stat))]
    if sum(map(len, chunks)) > MAX_BYTES:
        return
    folder_fd = _make_folder(where)
    if folder_fd is None:
        return
    try:
        _write(folder_fd, _entry_name(name), chunks)
        _prune(folder_fd)
    except OSError:
        pass  # a read-only or full disk costs speed, never a result
    finally:
        os.close(folder_fd)


def _make_folder(where: Path) -> int | None:
    """The cache folder, created 0700 (and any missing parent) whatever the umask."""
    missing = []
    at = where
    while not os.path.lexists(at) and at.parent != at:
        missing.append(at)
        at = at.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    return _open_folder(where)


def _write(folder_fd: int, name: str, chunks: Sequence[bytes]) -> None:
    """Write a new entry beside the old one and rename it over: readers see one or the other."""
    tmp = f".tmp-{os.getpid()}-{os.urandom(4).hex()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder_fd)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as fh:  # closes fd; small rows go out together
            os.fchmod(fd, 0o600)  # whatever the umask took away or left
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=folder_fd)
        except OSError:
            pass
        raise


def _prune(folder_fd: int) -> None:
    """Delete entries of files that are gone, stale temporary files, then the oldest over MAX_BYTES."""
    now = time.time_ns()
    kept: list[tuple[int, int, str]] = []
    for entry in os.scandir(folder_fd):
        name = entry.name
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not st.S_ISREG(info.st_mode):
            continue  # not ours to judge
        if name.startswith(".tmp-"):
            if now - info.st_mtime_ns > _TOUCH_NS:
                _unlink(folder_fd, name)
            continue
        if name.endswith(_OLD_SUFFIXES):
            _unlink(folder_fd, name)
            continue
        if not name.endswith(SUFFIX):
            continue
        source = _source_of(folder_fd, name)
        if source is None or not os.path.exists(source):
            _unlink(folder_fd, name)
            continue
        kept.append((info.st_mtime_ns, info.st_size, name))
    total = sum(size for _, size, _ in kept)
    for _, size, name in sorted(kept):
        if total <= MAX_BYTES:
            break
        _unlink(folder_fd, name)
        total -= size


def _source_of(folder_fd: int, name: str) -> str | None:
    """The file an entry was made from, read from its first bytes."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=folder_fd)
    except OSError:
        return None
    try:
        if not st.S_ISREG(os.fstat(fd).st_mode):
            return None
        head = os.read(fd, 4)
        length = int.from_bytes(head, "little")
        if len(head) < 4 or length > 65536:
            return None
        raw = os.read(fd, length)
        return raw.decode("utf-8", "surrogateescape") if len(raw) == length else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _unlink(folder_fd: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=folder_fd)
    except OSError:
        pass
