"""Turning what a user typed (``biomistrl``, ``BioMistral-7B``, ``esm2``) into a record.

Order matters and never changes: exact id, then exact normalized name or alias,
then the same with a trailing size stripped, then a unique prefix, then a fuzzy
match. An exact match
always beats a fuzzy one, and rapidfuzz is imported only when it is needed.
Ties are reported, never broken silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from .messages import shown
from .records import Record

#: Fuzzy scores (0-100, rapidfuzz ratio on normalized text) at or above this are
#: accepted as the model the user meant; below it we only suggest.
ACCEPT = 85.0
SUGGEST = 60.0
MAX_QUERY = 200

_SIZE_SUFFIX = re.compile(r"(?:\d+(?:\.\d+)?[kmbt]|base|large)$")


def normalize(text: str) -> str:
    """Case, spaces, hyphens, dots and underscores do not tell models apart; '+' does.

    CodeT5 and CodeT5+ are different models, so '+' is spelled out before the rest
    of the punctuation goes.
    """
    return re.sub(r"[\W_]+", "", text.casefold().replace("+", "plus"))


class ResolveError(LookupError):
    """Nothing matched, or several did; carries what to show the user."""

    def __init__(self, query: str, message: str, candidates: Sequence[Record] = ()):
        super().__init__(message)
        self.query = query
        self.candidates = list(candidates)


class Ambiguous(ResolveError):
    pass


class NotFound(ResolveError):
    pass


class BadName(ResolveError):
    """Not a name at all (empty, only punctuation, absurdly long): a usage error."""


@dataclass
class Match:
    record: Record
    how: str  # "id", "name", "alias", "size", "prefix", "fuzzy"
    score: float = 100.0


@dataclass
class Index:
    """Normalized keys of a catalog, built once per invocation."""

    records: Sequence[Record]
    keys: dict[str, list[int]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, records: Sequence[Record]) -> "Index":
        index = cls(records)
        for i, r in enumerate(records):
            index.ids[r.id] = i
            for key in {normalize(r.name), normalize(r.id), *(normalize(a) for a in r.aliases)}:
                if key:
                    index.keys.setdefault(key, []).append(i)
        return index

    def resolve(self, query: str) -> Match:
        text = query.strip()
        if not text:
            raise BadName(query, "empty model name: give a name, alias or id (try 'sllm search TEXT')")
        if len(text) > MAX_QUERY:
            raise BadName(query, f"model name is {len(text)} characters long; names are under {MAX_QUERY}")
        if text in self.ids:
            return Match(self.records[self.ids[text]], "id")
        key = normalize(text)
        if not key:
            raise BadName(query, f"'{shown(query)}' has no letters or digits: give a model name")
        hit = self._exact(query, key)
        if hit:
            return hit
        stripped = _SIZE_SUFFIX.sub("", key)
        if stripped and stripped != key:
            hit = self._exact(query, stripped, how="size")
            if hit:
                return hit
        hit = self._prefix(key)
        if hit:
            return hit
        return self._fuzzy(query, key)

    def _prefix(self, key: str) -> Match | None:
        """``medllama`` for "MedLlama Fixture": accepted only when one model starts so."""
        if len(key) < 4:
            return None
        found = {i for k, idx in self.keys.items() if k.startswith(key) for i in idx}
        if len(found) == 1:
            return Match(self.records[found.pop()], "prefix")
        return None

    def _exact(self, query: str, key: str, how: str = "name") -> Match | None:
        found = self.keys.get(key)
        if not found:
            return None
        unique = sorted(set(found))
        if len(unique) > 1:
            raise Ambiguous(
                query,
                f"'{shown(query)}' names {len(unique)} different models; give one of their ids",
                [self.records[i] for i in unique],
            )
        record = self.records[unique[0]]
        if how == "name" and normalize(record.name) != key and normalize(record.id) != key:
            how = "alias"
        return Match(record, how)

    def _fuzzy(self, query: str, key: str) -> Match:
        from rapidfuzz import fuzz, process

        choices = list(self.keys)
        scored = process.extract(key, choices, scorer=fuzz.ratio, limit=12, score_cutoff=SUGGEST)
        # One entry per record, best score first.
        best: dict[int, float] = {}
        for choice, score, _ in scored:
            for i in self.keys[choice]:
                best[i] = max(best.get(i, 0.0), score)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self.records[kv[0]].name))
        if not ranked or ranked[0][1] < ACCEPT:
            suggestions = [self.records[i] for i, _ in ranked[:5]]
            hint = ", ".join(r.name for r in suggestions)
            message = f"no model matches '{shown(query)}'" + (f"; did you mean: {hint}?" if hint else "; try 'sllm search TEXT'")
            raise NotFound(query, message, suggestions)
        top = ranked[0][1]
        tied = [i for i, s in ranked if s == top]
        if len(tied) > 1:
            raise Ambiguous(
                query,
                f"'{shown(query)}' is equally close to {len(tied)} models; give one of their ids",
                [self.records[i] for i in tied],
            )
        return Match(self.records[ranked[0][0]], "fuzzy", top)


def search(records: Sequence[Record], text: str, limit: int = 20) -> list[tuple[Record, float]]:
    """Rank records by how well ``text`` matches their names, aliases, titles, backbones."""
    from rapidfuzz import fuzz, utils

    query = utils.default_process(text)
    if not query:
        return []
    out = []
    for r in records:
        names = [r.name, r.id, *r.aliases]
        name_score = max(fuzz.WRatio(query, utils.default_process(n)) for n in names)
        if any(normalize(n) == normalize(text) for n in names):
            name_score = 100.0
        other = [r.title or "", *r.backbones]
        other_score = max((fuzz.partial_ratio(query, utils.default_process(o)) for o in other if o), default=0.0)
        # Titles are long: a partial hit in one is weaker evidence than a name hit.
        score = max(name_score, other_score * 0.9)
        if score >= SUGGEST:
            out.append((r, round(score, 1)))
    out.sort(key=lambda pair: (-pair[1], pair[0].name.casefold()))
    return out[:limit]
