"""Validated records in a form whose loading costs what a run reads, not what the file holds.

A pack is made from records that pydantic has validated. It holds each record as
plain tuples and lists (one ``marshal`` blob per record), a column per field that
filters and sorts read (domains, year, sizes, ...), and the normalized names that
name resolution scans. Opening a pack reads a small header; a column is decoded
the first time something asks for it; a record is built only when a command uses
it. Filtering 100,000 records thus builds the few thousand it prints.

``marshal`` is used for plain data only (str, int, bool, None, lists, tuples,
dicts): unlike pickle, loading it never calls a constructor or runs code, so a
pack cannot carry code whatever its bytes are. Which class a tuple becomes is
decided here, from the ``plan``, never by the data.

Everything is derived from ``records.py`` generically: the plan iterates each
dataclass's fields and their type hints, so a field added there is carried, and
becomes a column when its type is flat, with no change here. ``code_key`` is a
checksum of the sources whose meaning a pack depends on (``records.py``,
``vocab.py``, ``resolve.py``, ``catalog.py``'s strict reading, this module); a
pack made under another key is stale.
"""

from __future__ import annotations

import marshal
import os
import weakref
import zlib
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

MAGIC = b"sllm-pack\n"
#: Packs of up to this many records also keep each record's JSON as ``--json`` prints it
#: (about as big again as the rest): printing then joins text, with no serializer to import.
JSON_ROWS_LIMIT = 5000
#: marshal's format 4 is read alike by every Python since 3.4, on any byte order.
_MARSHAL = 4
_KEYED = ("records.py", "vocab.py", "resolve.py", "catalog.py", "pack.py", "fields.py", "render.py")


class PackError(ValueError):
    """Bytes that are not a pack of this version (stale, truncated, foreign)."""


@lru_cache(maxsize=1)
def code_key() -> int:
    """A checksum of the code that gives a pack its meaning; a different one makes it stale."""
    here = os.path.dirname(os.path.abspath(__file__))
    crc = 0
    for name in _KEYED:
        with open(os.path.join(here, name), "rb") as fh:
            crc = zlib.crc32(fh.read(), crc)
    return crc


# --- the plan: how a record's fields map to plain data, from the type hints ----

def _strip(hint: Any) -> Any:
    """``Optional[Annotated[X, ...]]`` -> ``X``."""
    from typing import Annotated, Union, get_args, get_origin

    while True:
        origin = get_origin(hint)
        if origin is Annotated:
            hint = get_args(hint)[0]
        elif origin is Union:
            rest = [a for a in get_args(hint) if a is not type(None)]
            if len(rest) != 1:
                return hint
            hint = rest[0]
        else:
            return hint


def _scalar(hint: Any) -> bool:
    from typing import Literal, get_origin

    hint = _strip(hint)
    return hint in (str, int, bool, float) or get_origin(hint) is Literal


def plan_of(cls: type) -> tuple:
    """``(class name, ((field, kind, subplan, column), ...))`` for a records.py dataclass.

    ``kind`` is None for plain data, ``"one"`` for a nested dataclass and ``"many"``
    for a list of them. ``column`` marks the fields kept as columns: scalars, lists
    of scalars, and lists of dataclasses made of scalars (sizes) — what filters and
    sorts read; bulky nested data (citation, sources, notes) stays in the rows.
    """
    import dataclasses
    import typing

    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        hint = _strip(hints[f.name])
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        item = _strip(args[0]) if origin is list and args else None
        if dataclasses.is_dataclass(hint):
            out.append((f.name, "one", plan_of(hint), False))
        elif item is not None and dataclasses.is_dataclass(item):
            sub = plan_of(item)
            flat = all(_scalar(h) for h in typing.get_type_hints(item).values())
            out.append((f.name, "many", sub, flat))
        else:
            column = _scalar(hint) or (origin is list and item is not None and _scalar(item))
            out.append((f.name, None, None, column))
    return (cls.__name__, tuple(out))


def _encoder(plan: tuple) -> Callable[[Any], tuple]:
    from operator import attrgetter

    _, spec = plan
    names = [name for name, *_ in spec]
    get = attrgetter(*names)
    one = len(names) == 1
    nested = [(i, kind, _encoder(sub)) for i, (_, kind, sub, _) in enumerate(spec) if kind]
    if not nested:
        return (lambda obj: (get(obj),)) if one else get

    def encode(obj: Any) -> tuple:
        return tuple(_nested(nested, [get(obj)] if one else list(get(obj))))

    return encode


def _nested(nested: Sequence, values: list) -> list:
    """``values`` with each nested field (one value, or a list of them) converted in place."""
    for i, kind, convert in nested:
        v = values[i]
        if v is not None:
            values[i] = convert(v) if kind == "one" else [convert(x) for x in v]
    return values


def _maker(cls: type, names: Sequence[str]) -> Callable[[Sequence], Any]:
    """Build ``cls`` from its field values, as they were after validation.

    The values were those of an object that pydantic built and ``__post_init__``
    completed, so they are set as they are, slot by slot (what a frozen
    dataclass's ``__init__`` does itself), without running that logic again: a
    third of the cost of building a record. A class without slots is called.
    """
    import types

    slots = [getattr(cls, n, None) for n in names]
    if list(getattr(cls, "__slots__", ())) != list(names) or not all(
            isinstance(d, types.MemberDescriptorType) for d in slots):
        return lambda values: cls(*values)
    env: dict[str, Any] = {"new": object.__new__, "cls": cls}
    env.update({f"set{i}": d.__set__ for i, d in enumerate(slots)})
    body = "".join(f"    set{i}(o, v[{i}])\n" for i in range(len(names)))
    exec(f"def make(v):\n    o = new(cls)\n{body}    return o\n", env)  # noqa: S102 - code made here, from field names
    return env["make"]


def _decoder(plan: tuple) -> Callable[[Sequence], Any]:
    from . import records

    name, spec = plan
    cls = getattr(records, name)
    make = _maker(cls, [field for field, *_ in spec])
    nested = [(i, kind, _decoder(sub)) for i, (_, kind, sub, _) in enumerate(spec) if kind]
    if not nested:
        return make

    def decode(values: Sequence) -> Any:
        return make(_nested(nested, list(values)))

    return decode


# --- making and opening packs -------------------------------------------------

def build(records: Sequence[Any], key: Any) -> bytes:
    """The pack of ``records`` (validated ``Record`` objects), stamped with ``key``."""
    return b"".join(build_chunks(records, key))


def build_chunks(records: Sequence[Any], key: Any) -> list[bytes]:
    """The pack as consecutive pieces, to be written one after the other: a pack of
    100,000 records is hundreds of MiB, and joining it would hold it twice."""
    from .records import Record
    from .resolve import columns_of

    plan = plan_of(Record)
    encode = _encoder(plan)
    blobs: list[bytes] = []
    offsets = [0]
    size = 0
    rows = [encode(r) for r in records]
    for row in rows:
        blob = marshal.dumps(row, _MARSHAL)
        blobs.append(blob)
        size += len(blob)
        offsets.append(size)
    rows_end = size
    columns = {}
    for i, (name, kind, sub, column) in enumerate(plan[1]):
        if not column:
            continue
        blob = marshal.dumps([row[i] for row in rows], _MARSHAL)  # encoded, as the rows hold it
        columns[name] = (size, len(blob))
        blobs.append(blob)
        size += len(blob)
    names = marshal.dumps(columns_of(records), _MARSHAL)
    blobs.append(names)
    names_at = (size, len(names))
    size += len(names)
    texts: list[int] | None = None
    csv_at: list[int] | None = None
    if len(records) <= JSON_ROWS_LIMIT:
        from pydantic_core import to_json

        from .output import clean
        from .render import csv_rows

        # --json's elements (indented once more) and CSV lines, already free of the control
        # characters output strips, so that printing only joins
        texts, size = _append(blobs, size, (
            "  " + clean(to_json(r, indent=2).decode("utf-8")).replace("\n", "\n  ") for r in records))
        csv_at, size = _append(blobs, size, (clean(csv_rows([r])) for r in records))
    header = {
        "key": key, "code": code_key(), "count": len(records), "plan": plan, "rows": offsets,
        "rows_end": rows_end, "columns": columns, "names": names_at, "json": texts, "csv": csv_at,
        "size": size,
    }
    head = marshal.dumps(header, _MARSHAL)
    return [MAGIC, len(head).to_bytes(8, "little"), head, *blobs]


def _append(blobs: list[bytes], size: int, texts: Iterable[str]) -> tuple[list[int], int]:
    """Each text appended to ``blobs`` as UTF-8: their offsets, and the size after them."""
    offsets = [size]
    for text in texts:
        blob = text.encode("utf-8")
        blobs.append(blob)
        size += len(blob)
        offsets.append(size)
    return offsets, size


def _at(body: memoryview, offsets: list[int] | None, i: int) -> memoryview | None:
    return None if offsets is None else body[offsets[i]: offsets[i + 1]]


def key_of(data: bytes | memoryview) -> Any:
    """The key a pack was stamped with, without decoding the rest; PackError if not a pack."""
    return Pack(data).key


class Pack:
    """An opened pack: a sequence of records decoded on demand."""

    def __init__(self, data: bytes | memoryview):
        view = memoryview(data)
        start = len(MAGIC) + 8
        if bytes(view[: len(MAGIC)]) != MAGIC:
            raise PackError("not a pack")
        try:
            length = int.from_bytes(view[len(MAGIC): start], "little")
            header = marshal.loads(view[start: start + length])
            self.key = header["key"]
            if header["code"] != code_key():
                raise PackError("made by other code")
            self._count: int = header["count"]
            self._plan = header["plan"]
            self._offsets: list[int] = header["rows"]
            self._columns: dict[str, tuple[int, int]] = header["columns"]
            self._names_at: tuple[int, int] = header["names"]
            self._texts: list[int] | None = header["json"]
            self._csv: list[int] | None = header["csv"]
            size = header["size"]
        except PackError:
            raise
        except Exception as exc:  # marshal's ValueError/EOFError/TypeError, a missing key
            raise PackError(f"damaged pack: {exc}") from None
        self._body = view[start + length:]
        if len(self._body) != size or len(self._offsets) != self._count + 1:
            raise PackError("truncated pack")
        self._fields = [name for name, *_ in self._plan[1]]
        self._decode: Callable[[Sequence], Any] | None = None  # needs records.py: made on first use
        self._made: dict[int, Any] = {}
        self._made_ids: dict[int, int] = {}  # id(record) -> row, for json_texts
        self._decoded: dict[str, list] = {}
        if self._texts is not None:
            _WITH_JSON.add(self)

    def __len__(self) -> int:
        return self._count

    def record(self, i: int) -> Any:
        made = self._made.get(i)
        if made is None:
            if self._decode is None:
                self._decode = _decoder(self._plan)
            at = self._offsets
            made = self._made[i] = self._decode(marshal.loads(self._body[at[i]: at[i + 1]]))
            self._made_ids[id(made)] = i
        return made

    def json_text(self, record: Any) -> bytes | None:
        """``record``'s stored JSON (see :meth:`json_at`), if it was built here."""
        i = self._made_ids.get(id(record))
        if i is None or self._made.get(i) is not record:
            return None
        return self.json_at(i)

    def json_at(self, i: int) -> bytes | None:
        """Record ``i`` as ``pydantic_core.to_json(record, indent=2)`` wrote it, control
        characters removed and indented as an element of a list; None if not stored."""
        return _at(self._body, self._texts, i)

    def csv_at(self, i: int) -> bytes | None:
        """Record ``i``'s line of the default CSV columns, control characters removed; None if not stored."""
        return _at(self._body, self._csv, i)

    def view(self, i: int) -> Any:
        """Record ``i`` as filters and sorts see it, answered from the columns."""
        return _View(self, i)

    def column(self, name: str) -> list:
        """Every record's value of field ``name``, in order."""
        values = self._decoded.get(name)
        if values is not None:
            return values
        if name in self._columns:
            at, length = self._columns[name]
            values = marshal.loads(self._body[at: at + length])
            i = self._fields.index(name)
            _, kind, sub, _ = self._plan[1][i]
            if kind == "many":
                dec = _decoder(sub)
                values = [[dec(x) for x in v] for v in values]
        else:
            values = [getattr(self.record(i), name) for i in range(self._count)]
        self._decoded[name] = values
        return values

    def where(self, test: Callable[[Any], bool]) -> list[int]:
        """Indexes of the records for which ``test(record)`` holds.

        ``test`` sees a stand-in that answers from the columns (and builds the
        record only for a field that has none), so only the records that pass are
        ever built.
        """
        return [i for i in range(self._count) if test(_View(self, i))]

    def names(self) -> list:
        at, length = self._names_at
        return marshal.loads(self._body[at: at + length])

    def _cell(self, name: str, i: int) -> Any:
        values = self._decoded.get(name)
        if values is None:
            if name not in self._columns:
                return getattr(self.record(i), name)
            values = self.column(name)
        return values[i]


_WITH_JSON: "weakref.WeakSet[Pack]" = weakref.WeakSet()


def json_texts(records: Sequence[Any], nested: bool = True) -> list[str] | None:
    """The stored JSON of each record, indented for a list when ``nested``; None unless all have one.

    What ``pydantic_core.to_json`` writes, made from the same validated records
    when the pack was, with control characters already removed: ``--json``
    output is joined from it instead of serializing again (and importing the
    serializer). Records chosen from a catalog (:class:`catalog.Picked`) give
    theirs without being built at all.
    """
    blobs = _json_blobs(records)
    if blobs is None:
        return None
    if nested:
        return [bytes(b).decode("utf-8") for b in blobs]
    return [bytes(b).decode("utf-8")[2:].replace("\n  ", "\n") for b in blobs]


def json_document(records: Sequence[Any]) -> bytes | None:
    """``--json``'s whole array, UTF-8, from stored texts; None unless every record has one."""
    blobs = _json_blobs(records)
    if blobs is None:
        return None
    if not blobs:
        return b"[]\n"
    return b"".join((b"[\n", b",\n".join(blobs), b"\n]\n"))


def _json_blobs(records: Sequence[Any]) -> list | None:
    """Chosen records give their stored text directly; built ones are looked up by identity."""
    stored = getattr(records, "json_blobs", None)
    if stored is not None:
        return stored()
    packs = list(_WITH_JSON)
    if not packs:
        return None
    out = []
    for r in records:
        for p in packs:
            blob = p.json_text(r)
            if blob is not None:
                break
        else:
            return None
        out.append(blob)
    return out


class _View:
    """A record as a filter sees it: attributes read from the pack's columns."""

    __slots__ = ("_pack", "_i")

    def __init__(self, pack: Pack, i: int):
        self._pack = pack
        self._i = i

    def __getattr__(self, name: str) -> Any:
        values = self._pack._decoded.get(name)  # the common case, inline: a column already decoded
        return values[self._i] if values is not None else self._pack._cell(name, self._i)


class Listed:
    """Records already in memory (just validated), behind the same interface as a Pack."""

    def __init__(self, records: Sequence[Any]):
        self._records = list(records)

    def __len__(self) -> int:
        return len(self._records)

    def record(self, i: int) -> Any:
        return self._records[i]

    view = record

    def json_at(self, i: int) -> None:
        return None

    csv_at = json_at

    def column(self, name: str) -> list:
        return [getattr(r, name) for r in self._records]

    def where(self, test: Callable[[Any], bool]) -> list[int]:
        return [i for i, r in enumerate(self._records) if test(r)]

    def names(self) -> list:
        from .resolve import columns_of

        return columns_of(self._records)


def records_of(parts: Iterable[Pack | Listed]) -> list[Any]:
    """Every record of ``parts``, built."""
    return [p.record(i) for p in parts for i in range(len(p))]
