"""What a record is built on, as far as the catalog and the backbone registry know.

A backbone names a registry entry (Vicuna-13B, whose parent is LLaMA-13B) or
another catalog record (a model built on BioMistral); either may have backbones
of its own. :meth:`Lineage.ancestors` follows both, so ``--backbone llama`` finds
a model built on Vicuna, and ``tree`` can show the chain.
"""

from __future__ import annotations

from typing import Iterable

from .records import Record


class Lineage:
    def __init__(self, records: Iterable[Record]):
        from .backbones import load
        from .resolve import normalize

        self.registry = load()
        self._normalize = normalize
        self.by_name: dict[str, Record] = {}
        for r in records:
            for name in (r.name, *r.aliases):
                self.by_name.setdefault(normalize(name), r)

    def parents(self, name: str) -> list[str]:
        """The names ``name`` is directly built on."""
        record = self.by_name.get(self._normalize(name))
        if record is not None:
            return list(record.backbones)
        canonical = self.registry.canonical(name)
        if canonical:
            parent = self.registry.entries[canonical].parent
            family = self.registry.entries[canonical].family
            return [p for p in (parent, family) if p]
        return []

    def chain_of(self, backbone: str, limit: int = 12) -> list[str]:
        """``backbone`` and every name it descends from, nearest first."""
        out: list[str] = []
        todo = [backbone]
        while todo and len(out) < limit * 4:
            name = todo.pop(0)
            canonical = self.registry.canonical(name) or name
            if canonical in out:
                continue
            out.append(canonical)
            todo.extend(self.parents(canonical))
        return out

    def ancestors(self, r: Record) -> list[str]:
        """Every name in the lineage of ``r``'s backbones (the record itself excluded)."""
        out: list[str] = []
        for b in r.backbones:
            for name in self.chain_of(b):
                if name not in out and name != r.name:
                    out.append(name)
        return out

    def family(self, backbone: str) -> str:
        """The family a backbone belongs to: the registry's, else the root of its chain."""
        canonical = self.registry.canonical(backbone)
        if canonical:
            return self.registry.family(canonical) or canonical
        chain = self.chain_of(backbone)
        return chain[-1] if chain else backbone
