"""Turning what a user typed (``biomistrl``, ``BioMistral-7B``, ``esm2``) into a record.

Order matters and never changes: exact id, then exact normalized name or alias,
then the same with a trailing size stripped, then a unique prefix, then a fuzzy
match. An exact match
always beats a fuzzy one, and rapidfuzz is imported only when it is needed.
Ties are reported, never broken silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, count, repeat
from typing import Sequence

from .messages import shown
from .records import Record

#: Fuzzy scores (0-100, rapidfuzz ratio on normalized text) at or above this are
#: accepted as the model the user meant; below it we only suggest.
ACCEPT = 85.0
SUGGEST = 60.0
MAX_QUERY = 200

_SIZE_SUFFIX = re.compile(r"(?:\d+(?:\.\d+)?[kmbt]|base|large)$")


_PUNCT = re.compile(r"[\W_]+")
#: Every ASCII byte but lower-case letters, digits and the line break.
_ASCII_PUNCT = bytes(b for b in range(128) if not (chr(b).isdigit() or "a" <= chr(b) <= "z" or b == 10))


def normalize(text: str) -> str:
    """Case, spaces, hyphens, dots and underscores do not tell models apart; '+' does.

    CodeT5 and CodeT5+ are different models, so '+' is spelled out before the rest
    of the punctuation goes.
    """
    return _PUNCT.sub("", text.casefold().replace("+", "plus"))


_WIDE_LINE = re.compile(r"^.*[^\x00-\x7f].*$", re.MULTILINE)


def _wide_lines(joined: str) -> list[int]:
    """Numbers of the lines of ``joined`` with a non-ASCII character (a regex scan, no loop per line)."""
    out, line, pos = [], 0, 0
    for m in _WIDE_LINE.finditer(joined):
        line += joined.count("\n", pos, m.start())
        pos = m.start()
        out.append(line)
    return out


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``normalize`` of each text, done on all of them at once.

    The ASCII texts (nearly all names) are joined and normalized in one
    bytes.translate pass instead of one regex call each; the others go one by
    one. At 100,000 records the difference is most of what resolution may take.
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text with a line break in it
        return [normalize(t) for t in texts]
    wide = [] if joined.isascii() else _wide_lines(joined)
    if len(wide) * 2 > len(texts):
        return [normalize(t) for t in texts]
    narrow = list(texts)
    for i in wide:
        narrow[i] = ""
    joined = "\n".join(narrow).replace("+", "plus").encode("ascii")
    out = joined.lower().translate(None, _ASCII_PUNCT).decode("ascii").split("\n")
    for i in wide:
        out[i] = normalize(texts[i])
    return out


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


class GeneralModel(ResolveError):
    """A general model the catalog knows only as a backbone (LLaMA, BLOOM)."""


class BadName(ResolveError):
    """Not a name at all (empty, only punctuation, absurdly long): a usage error."""


@dataclass
class Match:
    record: Record
    how: str  # "id", "name", "alias", "size", "prefix", "fuzzy"
    score: float = 100.0


Columns = list[tuple[list[str], "list[int] | None"]]


def columns_of(records: Sequence[Record]) -> Columns:
    """Normalized names, ids and aliases of ``records``; aliases with their record's index."""
    aliases = [r.aliases for r in records]
    owners = list(chain.from_iterable(map(repeat, count(), map(len, aliases))))
    return [
        (normalize_many([r.name for r in records]), None),
        (normalize_many([r.id for r in records]), None),
        (normalize_many(list(chain.from_iterable(aliases))), owners),
    ]


class Index:
    """A catalog's names, normalized on first need, and scanned rather than hashed.

    Every question resolution asks (this exact id? this normalized name or alias?
    a unique prefix?) is one pass over a list of strings; building a dictionary
    of every key first would cost more than all the passes a query makes.
    """

    def __init__(self, records: Sequence[Record]):
        self.records = records
        self._columns: "Columns | None" = None

    @classmethod
    def build(cls, records: Sequence[Record]) -> "Index":
        return cls(records)

    @classmethod
    def for_catalog(cls, catalog) -> "Index":
        """The index of a loaded catalog, whose packs keep each file's normalized names."""
        return cls(catalog.records)

    def columns(self) -> "Columns":
        """Normalized names, ids and aliases; aliases with the index of their record."""
        if self._columns is None:
            kept = getattr(self.records, "name_columns", None)  # a loaded catalog's records
            self._columns = kept() if kept is not None else columns_of(self.records)
        return self._columns

    def _ids(self) -> list[str]:
        column = getattr(self.records, "column", None)  # read without building the records
        return column("id") if column is not None else [r.id for r in self.records]

    def where(self, test) -> list[int]:
        """Indexes of the records with a key for which ``test(key)`` holds, in order."""
        found: set[int] = set()
        for keys, owners in self.columns():
            hits = [i for i, key in enumerate(keys) if key and test(key)]
            found.update(hits if owners is None else (owners[i] for i in hits))
        return sorted(found)

    def equal(self, key: str) -> list[int]:
        """Indexes of the records with ``key`` among their keys (list.index runs in C)."""
        found: set[int] = set()
        for keys, owners in self.columns():
            at = -1
            while True:
                try:
                    at = keys.index(key, at + 1)
                except ValueError:
                    break
                found.add(at if owners is None else owners[at])
        return sorted(found)

    def resolve(self, query: str, strict: bool = False) -> Match:
        """The record ``query`` names; ``strict`` (for citing) accepts only an exact
        id, name or alias, up to case and punctuation."""
        match = self._resolve(query)
        if strict and match.how in ("prefix", "fuzzy"):
            raise NotFound(query, f"no model is named '{shown(query)}'; did you mean {match.record.name} "
                                  f"({match.record.id})? Cite it by that name", [match.record])
        return match

    def _resolve(self, query: str) -> Match:
        text = query.strip()
        if not text:
            raise BadName(query, "empty model name: give a name, alias or id (try 'sllm search TEXT')")
        if len(text) > MAX_QUERY:
            raise BadName(query, f"model name is {len(text)} characters long; names are under {MAX_QUERY}")
        try:
            return Match(self.records[self._ids().index(text)], "id")
        except ValueError:
            pass
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
        found = self.where(lambda k: k.startswith(key))
        if len(found) == 1:
            return Match(self.records[found[0]], "prefix")
        return None

    def _exact(self, query: str, key: str, how: str = "name") -> Match | None:
        unique = self.equal(key)
        if not unique:
            return None
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

        choices = list(dict.fromkeys(k for keys, _ in self.columns() for k in keys if k))
        scored = process.extract(key, choices, scorer=fuzz.ratio, limit=12, score_cutoff=SUGGEST)
        score_of = {choice: score for choice, score, _ in scored}
        # One entry per record, best score first.
        best: dict[int, float] = {}
        for keys, owners in self.columns():
            for i, k in enumerate(keys):
                if k in score_of:
                    at = i if owners is None else owners[i]
                    best[at] = max(best.get(at, 0.0), score_of[k])
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
