"""The backbone registry: the general models that catalog records are built on.

A record's ``backbones`` name entries of ``catalog/registry/backbones.json`` (or
other catalog records, such as PubMedBERT), never free text, so that families and
lineage (Vicuna-13B -> LLaMA-13B -> LLaMA) are answered from data, not from
spelling. Each entry: ``name`` (canonical), ``aliases`` (other spellings, used
to canonicalize curated text), ``parent`` (the entry it was built on or is a
version of), optional ``family`` (the family it belongs to when that is not its
parent's), ``sources`` and ``notes``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional


@dataclass(frozen=True)
class Backbone:
    name: str
    aliases: tuple[str, ...] = ()
    parent: Optional[str] = None
    family: Optional[str] = None
    sources: tuple = ()
    notes: str = ""


def registry_path() -> Path:
    from .catalog import bundled_dir

    return bundled_dir() / "registry" / "backbones.json"


def _key(text: str) -> str:
    from .resolve import normalize

    return normalize(text)


@dataclass
class Registry:
    entries: dict[str, Backbone] = field(default_factory=dict)
    _by_key: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Iterable[dict]) -> "Registry":
        reg = cls()
        for raw in data:
            entry = Backbone(
                name=raw["name"], aliases=tuple(raw.get("aliases", ())), parent=raw.get("parent"),
                family=raw.get("family"), sources=tuple(tuple(s.items()) for s in raw.get("sources", ())),
                notes=raw.get("notes", ""),
            )
            reg.entries[entry.name] = entry
            for spelling in (entry.name, *entry.aliases):
                reg._by_key.setdefault(_key(spelling), entry.name)
        return reg

    def canonical(self, text: str) -> Optional[str]:
        """The registry name that ``text`` spells (up to case and punctuation), if any."""
        return self._by_key.get(_key(text))

    def chain(self, name: str) -> list[str]:
        """``name`` and its ancestors, nearest first (cycles cut)."""
        out: list[str] = []
        current: Optional[str] = self.canonical(name)
        while current and current not in out:
            out.append(current)
            current = self.entries[current].parent
        return out

    def family(self, name: str) -> Optional[str]:
        """The family an entry belongs to: its own ``family``, else its root ancestor."""
        for member in self.chain(name):
            if self.entries[member].family:
                return self.entries[member].family
        chain = self.chain(name)
        return chain[-1] if chain else None

    def problems(self) -> list[str]:
        """Parents and families that name no entry, and spellings shared by two entries."""
        out = []
        seen: dict[str, str] = {}
        for entry in self.entries.values():
            for ref in (entry.parent, entry.family):
                if ref and ref not in self.entries:
                    out.append(f"{entry.name}: names '{ref}', which is not a registry entry")
            for spelling in (entry.name, *entry.aliases):
                key = _key(spelling)
                if seen.setdefault(key, entry.name) != entry.name:
                    out.append(f"{entry.name}: spelling '{spelling}' also belongs to {seen[key]}")
        return out


@lru_cache(maxsize=4)
def load(path: Optional[Path] = None) -> Registry:
    path = path or registry_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = []
    return Registry.from_data(data)
