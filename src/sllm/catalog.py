"""Finding and loading catalogs: the bundled one and the user's own.

A file is read strictly (UTF-8, an optional BOM, no duplicate keys, no NaN or
Infinity, a size limit), then validated by pydantic-core record by record: no
Python loop checks a field. Only the bytes of regular files are read: a FIFO or
a link to a device in a catalog folder is skipped with a message.

What a run loads is a ``Rows`` sequence over packs (``pack``): the bundled
catalog's, made and validated when the package was built, and each user file's,
from the cache once the file has been validated. A record is built when it is
used, so a command pays for the records it prints, not for the catalog's size.
"""

from __future__ import annotations

import gc
import os
import stat as st
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from . import cache
from .pack import Listed, Pack, PackError

#: A catalog file larger than this is refused rather than read into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024
ENV_VAR = "SLLM_CATALOG"
#: The bundled catalog's pack, made when the wheel is built (``hatch_build.py``).
PACK_NAME = "catalog.pack"
#: Installing writes the bundled files and their pack within this long of each other;
#: a file changed later than that is no longer what the pack was made from.
INSTALL_SLACK_NS = 120 * 1_000_000_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog file, located as precisely as we can."""

    file: str
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.record:
            where += f": {self.record}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class CatalogError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class Picked(Sequence):
    """Records a command chose, each built only when something reads it.

    Sorting reads the pack's columns (:meth:`views`), and ``--json`` joins the
    stored text of each (:meth:`json_blobs`): listing thousands of records as
    JSON builds none of them.
    """

    def __init__(self, refs: list[tuple[Any, int]]):
        self._refs = refs

    def __len__(self) -> int:
        return len(self._refs)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return Picked(self._refs[i])
        part, j = self._refs[i]
        return part.record(j)

    def __iter__(self) -> Iterator[Any]:
        for part, j in self._refs:
            yield part.record(j)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Picked, Rows, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} chosen records>"

    def views(self) -> list[Any]:
        """Each record as filters see it: fields with a column answer without building it."""
        return [part.view(j) for part, j in self._refs]

    def take(self, order: Sequence[int]) -> "Picked":
        return Picked([self._refs[k] for k in order])

    def json_blobs(self) -> list | None:
        """Each record's stored ``--json`` text (see ``Pack.json_at``); None unless all have one."""
        return self._stored("json_at")

    def csv_blobs(self) -> list | None:
        """Each record's stored CSV line (see ``Pack.csv_at``); None unless all have one."""
        return self._stored("csv_at")

    def _stored(self, method: str) -> list | None:
        out = []
        for part, j in self._refs:
            blob = getattr(part, method)(j)
            if blob is None:
                return None
            out.append(blob)
        return out


class Rows(Sequence):
    """The records of a catalog, in order, built on first use.

    ``where`` filters without building the records that fail, ``column`` reads one
    field of every record, ``name_columns`` gives resolution its normalized names.
    """

    def __init__(self, parts: Sequence[Any], order: list[tuple[int, int]] | None = None):
        self._parts = list(parts)
        self._order = order  # (part, row) per record when a user record replaced a bundled one
        self._starts = []
        total = 0
        for p in self._parts:
            self._starts.append(total)
            total += len(p)
        self._len = total if order is None else len(order)

    def __len__(self) -> int:
        return self._len

    def _locate(self, i: int) -> tuple[Any, int]:
        if self._order is not None:
            p, j = self._order[i]
            return self._parts[p], j
        from bisect import bisect_right

        p = bisect_right(self._starts, i) - 1
        return self._parts[p], i - self._starts[p]

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError("record index out of range")
        part, j = self._locate(i)
        return part.record(j)

    def __iter__(self) -> Iterator[Any]:
        if self._order is None:
            for p in self._parts:
                record = p.record
                for j in range(len(p)):
                    yield record(j)
        else:
            for p, j in self._order:
                yield self._parts[p].record(j)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Rows, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} records>"

    def where(self, test: Callable[[Any], bool]) -> "Picked":
        """The records for which ``test(record)`` holds, in order, built only when read."""
        hits = [p.where(test) for p in self._parts]
        if self._order is None:
            return Picked([(p, j) for p, found in zip(self._parts, hits) for j in found])
        chosen = [set(found) for found in hits]
        return Picked([(self._parts[p], j) for p, j in self._order if j in chosen[p]])

    def everything(self) -> "Picked":
        """Every record, in order, built only when read."""
        if self._order is None:
            return Picked([(p, j) for p in self._parts for j in range(len(p))])
        return Picked([(self._parts[p], j) for p, j in self._order])

    def column(self, name: str) -> list:
        """Field ``name`` of every record, in order, without building the records."""
        columns = [p.column(name) for p in self._parts]
        if self._order is None:
            return columns[0] if len(columns) == 1 else [v for c in columns for v in c]
        return [columns[p][j] for p, j in self._order]

    def name_columns(self) -> list:
        """Normalized names, ids and aliases (``resolve.columns_of``), as the packs keep them."""
        if self._order is not None:
            from .resolve import columns_of

            return columns_of(list(self))
        names: list[str] = []
        ids: list[str] = []
        aliases: list[str] = []
        owners: list[int] = []
        for p in self._parts:
            part = p.names()
            offset = len(names)
            names += part[0][0]
            ids += part[1][0]
            aliases += part[2][0]
            owners += [i + offset for i in part[2][1]] if offset else part[2][1]
        return [(names, None), (ids, None), (aliases, owners)]


@dataclass
class Catalog:
    records: Rows
    files: list[Path] = field(default_factory=list)
    #: Files skipped (not regular files), one message each; also written to stderr.
    warnings: list[str] = field(default_factory=list)
    _index: Any = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.records)

    def by_id(self) -> dict[str, Any]:
        return {r.id: r for r in self.records}

    def ids(self) -> list[str]:
        """Every record's id, without building the records (shell completion)."""
        return self.records.column("id")

    def index(self) -> Any:
        """The name index (``resolve.Index``), built once per catalog."""
        if self._index is None:
            from .resolve import Index

            self._index = Index.for_catalog(self)
        return self._index


def bundled_dir() -> Path:
    """The catalog inside the installed package, or the checkout's ``catalog/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    if packaged.is_dir():
        return packaged
    return here.parents[1] / "catalog"


def bundled_files() -> list[Path]:
    where = bundled_dir()
    try:
        names = os.listdir(where)
    except OSError:
        return []
    return [where / n for n in sorted(names) if n.endswith(".json")]


_KINDS = [(st.S_ISFIFO, "a FIFO"), (st.S_ISCHR, "a character device"), (st.S_ISBLK, "a block device"),
          (st.S_ISSOCK, "a socket"), (st.S_ISDIR, "a folder")]


def _what(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _stderr(message: str) -> None:
    sys.stderr.write(f"sllm: warning: {message}\n")


def expand(paths: Iterable[str | os.PathLike], warn: Callable[[str], None] = _stderr) -> list[Path]:
    """Files as given; folders as the regular ``*.json`` files directly inside them.

    Anything else in a folder (a FIFO, a link to a device) is skipped with a
    message through ``warn``: reading it would block or never end.
    """
    out: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            info = path.stat()
        except OSError:
            problems.append(Problem(str(path), None, None, "no such file or folder"))
            continue
        if st.S_ISDIR(info.st_mode):
            found, skipped = [], 0
            for entry in sorted(path.glob("*.json")):
                try:
                    mode = entry.stat().st_mode
                except OSError as exc:
                    skipped += 1
                    warn(f"{entry}: skipped: cannot read it ({exc.strerror or exc})")
                    continue
                if st.S_ISREG(mode):
                    found.append(entry)
                else:
                    skipped += 1
                    warn(f"{entry}: skipped: it is {_what(mode)}, not a file")
            if not found and not skipped:
                problems.append(Problem(str(path), None, None, "folder has no *.json catalog files"))
            out.extend(found)
        elif st.S_ISREG(info.st_mode):
            out.append(path)
        else:
            problems.append(Problem(str(path), None, None,
                                    f"it is {_what(info.st_mode)}: give a JSON file or a folder of them"))
    if problems:
        raise CatalogError(problems)
    return out


def env_paths() -> list[str]:
    value = os.environ.get(ENV_VAR, "")
    return [p for p in value.split(os.pathsep) if p.strip()]


def load_file(path: Path) -> list[Any]:
    """The validated records of one file."""
    part = _load_part(path)
    return [part.record(i) for i in range(len(part))]


def _paused_gc(func):
    """Loading makes hundreds of thousands of small acyclic objects for a large
    catalog, and the cyclic garbage collector would walk them all again at every
    generation threshold: three times the load time at 100,000 records. It is
    paused while a file loads; reference counting still frees everything."""

    def wrapper(*args, **kwargs):
        paused = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if paused:
                gc.enable()

    wrapper.__doc__ = func.__doc__
    return wrapper


def _too_big(path: Path, size: int) -> Problem:
    mib = 1024 * 1024
    return Problem(str(path), None, None,
                   f"file is {size / mib:,.0f} MiB; a catalog file may hold at most {MAX_FILE_BYTES // mib} MiB: "
                   "split it into several files")


@_paused_gc
def _load_part(path: Path) -> Any:
    """One file's records: its cached pack when still valid, else read and validated."""
    try:
        info = os.stat(path)
        if not st.S_ISREG(info.st_mode):
            raise CatalogError([Problem(str(path), None, None, f"it is {_what(info.st_mode)}, not a catalog file")])
        if info.st_size > MAX_FILE_BYTES:
            raise CatalogError([_too_big(path, info.st_size)])
        hit = cache.read(path, info)
        if hit is not None:
            return hit
        box = list(_read(path))
    except OSError as exc:
        raise CatalogError([Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}")]) from None
    info = box.pop()
    records = parse(box.pop(), str(path))  # parse holds the only reference, and drops it once decoded
    cache.store(path, info, records)
    return Listed(records)


def _read(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (never blocking on a FIFO), with its stat as read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not st.S_ISREG(info.st_mode):
            raise CatalogError([Problem(str(path), None, None, f"it is {_what(info.st_mode)}, not a catalog file")])
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise CatalogError([_too_big(path, len(data))])
    return data, info


# --- strict JSON --------------------------------------------------------------

class _Duplicate(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique(pairs: list) -> dict:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set = set()
        raise _Duplicate(next(k for k, _ in pairs if k in seen or seen.add(k)))
    return d


def _not_a_number(word: str) -> Any:
    raise ValueError(f"{word} is not a JSON number: write null or a finite number")


def _text(data: bytes, name: str) -> str:
    """The file as text: UTF-8, with or without a BOM; UTF-16/32 named for what it is."""
    import codecs

    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise CatalogError([Problem(name, None, None, "file is UTF-32 text; save it as UTF-8")])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4]:
        raise CatalogError([Problem(name, None, None, "file is UTF-16 text; save it as UTF-8")])
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(memoryview(data)[start:], "utf-8")
    except UnicodeDecodeError as exc:
        at = start + exc.start
        line = data.count(b"\n", 0, at) + 1
        raise CatalogError([Problem(name, None, None,
                                    f"not UTF-8: byte 0x{data[at]:02x} on line {line}; save the file as UTF-8")]
                           ) from None


def _json(text: str, name: str) -> Any:
    import json

    try:
        return json.loads(text, object_pairs_hook=_unique, parse_constant=_not_a_number)
    except json.JSONDecodeError as err:
        msg = f"not valid JSON at line {err.lineno} column {err.colno}: {err.msg}"
    except _Duplicate as dup:
        return _duplicate(text, name, dup.key)
    except RecursionError:
        msg = "not valid JSON: nesting too deep"
    except ValueError as err:
        if "integer string conversion" in str(err):
            import re

            found = re.search(r"\d{%d,}" % (sys.get_int_max_str_digits() + 1), text) if hasattr(
                sys, "get_int_max_str_digits") else None
            where = f" on line {text.count(chr(10), 0, found.start()) + 1}" if found else ""
            digits = f" ({len(found.group())} digits)" if found else ""
            msg = f"a number{where} is far too large{digits}: no field holds a number that long"
        else:
            msg = str(err)
    raise CatalogError([Problem(name, None, None, msg)])


_MARK = "\x00duplicate"


def _duplicate(text: str, name: str, key: str) -> Any:
    """Say which record and field hold a key twice (the error path parses again to find it)."""
    import json

    def marking(pairs: list) -> dict:
        d = dict(pairs)
        if len(d) != len(pairs):
            seen: set = set()
            d[_MARK] = next(k for k, _ in pairs if k in seen or seen.add(k))
        return d

    raw = json.loads(text, object_pairs_hook=marking, parse_constant=lambda w: None)

    def find(value: Any, path: list[str]) -> tuple[list[str], str] | None:
        if isinstance(value, dict):
            if _MARK in value:
                return path, value[_MARK]
            items = value.items()
        elif isinstance(value, list):
            items = ((str(i), v) for i, v in enumerate(value))
        else:
            return None
        for k, v in items:
            hit = find(v, path + [k])
            if hit:
                return hit
        return None

    record, where = None, None
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            hit = find(item, [])
            if hit:
                rid = item.get("id") if isinstance(item, dict) else None
                record = rid if isinstance(rid, str) and rid else f"record #{i + 1}"
                where, key = ".".join(hit[0]) or None, hit[1]
                break
    raise CatalogError([Problem(name, record, where, f"key '{key}' appears twice in one object; keep one")])


def _decoded(data: bytes, name: str) -> Any:
    """The parsed file: in one pass by jiter, which refuses duplicate keys, NaN and
    Infinity as this module does; whatever it refuses is read again by the strict
    reader above, which says exactly what is wrong (or accepts the little jiter alone
    refuses: a lone surrogate escape, nesting deeper than 200)."""
    from jiter import from_json

    try:
        return from_json(data, catch_duplicate_keys=True, allow_inf_nan=False, cache_mode="keys")
    except ValueError:
        pass
    text = _text(data, name)
    del data
    return _json(text, name)


def parse(data: bytes, name: str) -> list[Any]:
    """The validated records of a catalog file's bytes, or CatalogError naming each problem.

    Each stage lets go of the previous one (bytes, text, parsed objects) as soon as
    it can, so that a large file is held about once at any moment.
    """
    raw = _decoded(data, name)
    del data
    if not isinstance(raw, list):
        raise CatalogError([Problem(name, None, None, "a catalog file must hold a JSON array of records")])
    from pydantic import ValidationError

    from .records import Record, adapter

    check = adapter(Record).validate_python
    out: list[Any] = []
    problems: list[Problem] = []
    for i, item in enumerate(raw):
        try:
            out.append(check(item))
        except ValidationError as exc:
            rid = item.get("id") if isinstance(item, dict) else None
            record = rid if isinstance(rid, str) and rid else f"record #{i + 1}"
            for err in exc.errors(include_url=False):
                problems.append(Problem(name, record, ".".join(str(p) for p in err["loc"]) or None, _message(err)))
            if len(problems) >= 200:
                break
        raw[i] = None  # the parsed object is no longer needed: keep peak memory near one copy
    if problems:
        raise CatalogError(problems[:200])
    return out


def _message(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"unknown value {err.get('input')!r}; expected one of {expected}"
    if err["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return "unknown field"
    if err["type"] == "dataclass_type":
        return "a record must be a JSON object"
    return msg[0].lower() + msg[1:] if msg else msg


# --- the bundled catalog's pack -------------------------------------------------

def bundled_key(files: Sequence[Path]) -> tuple:
    """What the bundled pack is made from: each file's name and size."""
    return ("bundled", tuple((p.name, p.stat().st_size) for p in files))


def build_bundled_pack(files: Sequence[Path]) -> bytes:
    """The pack of the bundled catalog, validated as strictly as any file (build time)."""
    from .pack import build

    parts = [Listed(parse(_read(p)[0], str(p))) for p in files]  # never the builder's cache
    _check_layer(parts, [str(p) for p in files])
    return build([r for p in parts for r in (p.record(i) for i in range(len(p)))], bundled_key(files))


def _shipped(files: Sequence[Path]) -> Pack | None:
    """The bundled pack made when the package was built, if it is still the bundled files'."""
    if not files:
        return None
    where = files[0].parent
    if where.name != "data":  # a checkout: its catalog/ goes through the cache
        return None
    try:
        with open(where / PACK_NAME, "rb") as fh:
            info = os.fstat(fh.fileno())
            pack = Pack(cache.map_file(fh.fileno()))
        stats = [os.stat(p) for p in files]
    except (OSError, ValueError, PackError):  # ValueError: an empty file cannot be mapped
        return None
    if pack.key != ("bundled", tuple((p.name, s.st_size) for p, s in zip(files, stats))):
        return None
    if any(s.st_ctime_ns > info.st_ctime_ns + INSTALL_SLACK_NS for s in stats):
        return None  # a bundled file was changed after installation
    return pack


# --- loading --------------------------------------------------------------------

def _check_layer(parts: Sequence[Any], names: Sequence[str]) -> list[Problem]:
    """Two records with one id in one layer are an error: keeping either would lose data."""
    ids = [rid for p in parts for rid in p.column("id")]
    if len(set(ids)) == len(ids):
        return []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for p, name in zip(parts, names):
        for rid in p.column("id"):
            if rid in seen:
                problems.append(Problem(name, rid, "id", f"duplicate id (also in {seen[rid]})"))
            else:
                seen[rid] = name
    return problems


@_paused_gc
def load(extra: Iterable[str | os.PathLike] = (), bundled: bool = True, use_env: bool = True,
         warn: Callable[[str], None] | None = None) -> Catalog:
    """Bundled records, then user files; a user record replaces a bundled one by id.

    Two records with one id inside the same layer (bundled, or the user's) are an
    error: silently keeping either would lose data. Skipped files are reported
    through ``warn`` (default: a line on stderr) and kept in ``Catalog.warnings``.
    """
    notes: list[str] = []

    def note(message: str) -> None:
        notes.append(message)
        (warn or _stderr)(message)

    user_paths = list(extra) + (env_paths() if use_env else [])
    user_files = expand(user_paths, note)
    problems: list[Problem] = []
    files: list[Path] = []
    layers: list[list[Any]] = []
    for layer_files in ([bundled_files()] if bundled else []) + [user_files]:
        shipped = _shipped(layer_files) if layer_files is not user_files else None
        if shipped is not None:
            layers.append([shipped])
            files.extend(layer_files)
            continue
        parts, names = [], []
        for path in layer_files:
            try:
                parts.append(_load_part(path))
            except CatalogError as exc:
                problems.extend(exc.problems)
                continue
            names.append(str(path))
            files.append(path)
        problems.extend(_check_layer(parts, names))
        layers.append(parts)
    if problems:
        raise CatalogError(problems)
    parts = [p for layer in layers for p in layer]
    order = None
    if len(layers) == 2 and layers[0] and layers[1]:
        base = {rid for p in layers[0] for rid in p.column("id")}
        if any(rid in base for p in layers[1] for rid in p.column("id")):
            merged: dict[str, tuple[int, int]] = {}
            for n, p in enumerate(parts):
                for j, rid in enumerate(p.column("id")):
                    merged[rid] = (n, j)
            order = list(merged.values())
    return Catalog(records=Rows(parts, order), files=files, warnings=notes)
