"""Finding and loading catalogs: the bundled one and the user's own.

Each file is parsed and validated in one pass by pydantic-core
(``TypeAdapter.validate_json``): no Python loop touches a record on the happy path.
Only when a file is bad do we parse it again to say which record and field. A
file validated before, and unchanged since, comes from the cache (``cache``).
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from . import cache
from .records import Record, adapter

#: A user catalog larger than this is refused rather than read into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024
ENV_VAR = "SLLM_CATALOG"


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


@dataclass
class Catalog:
    records: list[Record]
    files: list[Path] = field(default_factory=list)
    #: Each file with its stat at load time and its records, when together they are
    #: ``records`` in order (no bundled record replaced); else empty.
    parts: list[tuple[Path, os.stat_result, list[Record]]] = field(default_factory=list)
    _index: Any = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.records)

    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.records}

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
    return sorted(bundled_dir().glob("*.json"))


def expand(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given; folders as the ``*.json`` files directly inside them."""
    out: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                problems.append(Problem(str(path), None, None, "folder has no *.json catalog files"))
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            problems.append(Problem(str(path), None, None, "no such file or folder"))
    if problems:
        raise CatalogError(problems)
    return out


def env_paths() -> list[str]:
    value = os.environ.get(ENV_VAR, "")
    return [p for p in value.split(os.pathsep) if p.strip()]


def load_file(path: Path) -> list[Record]:
    """The validated records of one file.

    Loading makes hundreds of thousands of small acyclic objects for a large
    catalog, and the cyclic garbage collector would walk them all again at every
    generation threshold: three times the load time at 100,000 records. It is
    paused while a file loads; reference counting still frees everything.
    """
    return _load_file(path)[1]


def _load_file(path: Path) -> tuple[os.stat_result, list[Record]]:
    """The file's stat as loaded (what the cache keys on) and its records."""
    paused = gc.isenabled()
    gc.disable()
    try:
        stat = path.stat()
        if stat.st_size > MAX_FILE_BYTES:
            raise CatalogError([Problem(str(path), None, None,
                                        f"file is {stat.st_size} bytes; the limit is {MAX_FILE_BYTES}")])
        return stat, cache.records(path, stat, lambda data: parse(data, str(path)))
    except OSError as exc:
        raise CatalogError([Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}")]) from None
    finally:
        if paused:
            gc.enable()


def parse(data: bytes, name: str) -> list[Record]:
    from pydantic import ValidationError

    try:
        return adapter().validate_json(data)
    except ValidationError as exc:
        raise CatalogError(_explain(exc, data, name)) from None


def _explain(exc, data: bytes, name: str) -> list[Problem]:
    """Turn pydantic's error locations into file / record id / field."""
    import json

    try:
        raw = json.loads(data)
    except (ValueError, RecursionError) as err:
        msg = err.msg if isinstance(err, json.JSONDecodeError) else "nesting too deep"
        where = f" at line {err.lineno} column {err.colno}" if isinstance(err, json.JSONDecodeError) else ""
        return [Problem(name, None, None, f"not valid JSON{where}: {msg}")]
    if not isinstance(raw, list):
        return [Problem(name, None, None, "a catalog file must hold a JSON array of records")]
    problems = []
    for err in exc.errors(include_url=False)[:200]:
        loc = list(err["loc"])
        record = None
        if loc and isinstance(loc[0], int):
            index = loc.pop(0)
            item = raw[index] if index < len(raw) else None
            rid = item.get("id") if isinstance(item, dict) else None
            record = rid if isinstance(rid, str) and rid else f"record #{index + 1}"
        field_name = ".".join(str(p) for p in loc) or None
        problems.append(Problem(name, record, field_name, _message(err)))
    return problems


def _message(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"unknown value {err.get('input')!r}; expected one of {expected}"
    if err["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return "unknown field"
    return msg[0].lower() + msg[1:] if msg else msg


def load(extra: Iterable[str | os.PathLike] = (), bundled: bool = True, use_env: bool = True) -> Catalog:
    """Bundled records, then user files; a user record replaces a bundled one by id.

    Two records with one id inside the same layer (bundled, or the user's) are an
    error: silently keeping either would lose data.
    """
    user_paths = list(extra) + (env_paths() if use_env else [])
    user_files = expand(user_paths)
    layers = [bundled_files() if bundled else [], user_files]
    merged: dict[str, Record] = {}
    problems: list[Problem] = []
    files: list[Path] = []
    parts: list[tuple[Path, os.stat_result, list[Record]]] = []
    replaced = False
    for layer in layers:
        seen: dict[str, Path] = {}
        for path in layer:
            try:
                stat, records = _load_file(path)
            except CatalogError as exc:
                problems.extend(exc.problems)
                continue
            files.append(path)
            parts.append((path, stat, records))
            for record in records:
                if record.id in seen:
                    problems.append(Problem(str(path), record.id, "id", f"duplicate id (also in {seen[record.id]})"))
                    continue
                seen[record.id] = path
                replaced = replaced or record.id in merged
                merged[record.id] = record
    if problems:
        raise CatalogError(problems)
    return Catalog(records=list(merged.values()), files=files, parts=[] if replaced else parts)
