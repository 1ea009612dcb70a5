"""The licence table: what each licence a record names allows, read from its text.

``--commercial`` and the ``show`` panel answer "may I use these weights in a
product?" from ``catalog/registry/licenses.json``, not from a licence's name, so
that a licence is judged once, with its source, and every record naming it
follows. Each entry: ``id`` (what records write), ``name``, ``aliases`` (other
spellings met in model cards), ``commercial`` (true, false, or null when the
text does not settle it), ``conditions`` (a short summary of what commercial
use must respect); ``url`` and ``sources`` are for the reader of the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional


@dataclass(frozen=True)
class License:
    id: str
    name: str
    commercial: Optional[bool]
    conditions: str = ""
    aliases: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for a user deciding whether they may build a product on the weights."""
        if self.commercial is None:
            use = "commercial use not settled by its terms"
        elif self.commercial:
            use = "commercial use allowed"
        else:
            use = "no commercial use"
        return f"{use}; {self.conditions}" if self.conditions else use


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("_", "-").split())


class Table:
    """Licences by id, and every spelling (id, name, alias) to its id."""

    def __init__(self, entries: Iterable[License]) -> None:
        self.entries: dict[str, License] = {}
        self._by_key: dict[str, str] = {}
        for entry in entries:
            self.entries[entry.id] = entry
            for spelling in (entry.id, entry.name, *entry.aliases):
                self._by_key.setdefault(_key(spelling), entry.id)

    @classmethod
    def from_data(cls, data: Iterable[dict]) -> "Table":
        return cls(
            License(id=raw["id"], name=raw["name"], commercial=raw.get("commercial"),
                    conditions=raw.get("conditions", ""), aliases=tuple(raw.get("aliases", ())))
            for raw in data
        )

    def canonical(self, text: str) -> Optional[str]:
        """The id that ``text`` spells (up to case and spacing), if the table has it."""
        return self._by_key.get(_key(text))

    def get(self, text: Optional[str]) -> Optional[License]:
        if not text:
            return None
        canonical = self.canonical(text)
        return self.entries[canonical] if canonical else None


def table_path() -> Path:
    from .catalog import bundled_dir

    return bundled_dir() / "registry" / "licenses.json"


@lru_cache(maxsize=1)
def load() -> Table:
    return Table.from_data(json.loads(table_path().read_text(encoding="utf-8")))


def permits_commercial(access: Optional[str], license: Optional[str], table: Optional[Table] = None) -> Optional[bool]:
    """Whether released weights may be used commercially: None when that is not known.

    Weights that are not released, or released for non-commercial use only, answer
    False whatever the licence; open weights follow their licence's entry.
    """
    from .vocab import OPEN_ACCESS

    if access is not None and (access not in OPEN_ACCESS or access == "open-noncommercial"):
        return False
    entry = (table or load()).get(license)
    return None if access is None or entry is None else entry.commercial
