"""Turning what a user typed (``biomistrl``, ``BioMistral-7B``, ``esm2``) into a record.

A query only ever finds a model whose id, name or alias it spells, up to case,
spacing, punctuation, a trailing size or a small typo. The order never changes:
exact id, exact normalized name or alias, the same with a trailing size stripped,
a general model of the backbone registry that is no catalog record (LLaMA, BLOOM:
said so, with how many records are built on it, never answered with one of them),
then a typo. The beginning of a longer name
is not a typo (``llama`` is not KALE-LM's alias ``Llama3-KALE-LM-Chem-8B``), and a
typo never changes a digit (``esm1`` is not ESM-2). Ties are reported, never
broken silently. rapidfuzz is imported only when a typo has to be looked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, count, repeat
from typing import Sequence

from .messages import shown
from .records import Record

#: Fuzzy scores (0-100, rapidfuzz ratio on normalized text) at or above this
#: make a name worth suggesting; only a typo (see ``typo_budget``) is accepted.
SUGGEST = 60.0
MAX_QUERY = 200

#: A released size at the end of a name: a count (``7B``, ``1.5b``, ``8x7B``) that
#: does not continue a number (``CodeGeeX2-6B`` ends in 6B, not 26B), or Base /
#: Large as a word of their own (not the end of "database").
_SIZE_SUFFIX = re.compile(
    r"(?:(?<![\d.])(?:\d+\s*[x×]\s*)?\d+(?:\.\d+)?\s*[kmbt]|(?:^|(?<=[\s_\-]))(?:base|large))[\s_\-]*$",
    re.IGNORECASE,
)


def without_size(text: str) -> str:
    """The normalized name ``text`` spells once a trailing size is dropped ("" when it has none)."""
    shorter = _SIZE_SUFFIX.sub("", text.strip())
    return normalize(shorter) if shorter != text.strip() else ""


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


class BadName(ResolveError):
    """Not a name at all (empty, only punctuation, absurdly long): a usage error."""


class GeneralModel(NotFound):
    """A general model the catalog names as a backbone but has no record for."""

    def __init__(self, query: str, general: "General", built_on: int):
        if built_on:
            models = f"{built_on} catalog model{'s are' if built_on != 1 else ' is'} built on it"
            told = f"{models}: sllm list --backbone {_quoted(general.family)}"
        else:
            told = "no catalog model is built on it"
        super().__init__(query, f"{general.name} is a general model, not in the catalog; {told}")
        self.general = general
        self.built_on = built_on


@dataclass
class Match:
    record: Record
    how: str  # "id", "name", "alias", "size", "fuzzy" (a typo)
    score: float = 100.0
    query: str = ""  # what was typed, when the caller keeps it


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
        self._choices: "list[str] | None" = None
        self._starts: list[int] = []

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
        """The record ``query`` names; with ``strict``, a typo is refused with a suggestion.

        Raises :class:`BadName` (not a name), :class:`Ambiguous` (several records),
        :class:`GeneralModel` (a backbone with no record) or :class:`NotFound`.
        """
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
        stripped = without_size(text)
        if stripped and stripped != key:
            hit = self._exact(query, stripped, how="size")
            if hit:
                return hit
        hit = self._registry(query, key, stripped)
        if hit:
            return hit
        typo = self._typo(query, key, stripped)
        if typo is None:
            suggestions = self._suggestions(key)
            raise NotFound(query, _not_found(query, suggestions), suggestions)
        if strict:
            r = typo.record
            raise NotFound(
                query,
                f"no model is named exactly '{shown(query)}'; did you mean {r.name} ({r.id})? "
                f"give its exact name, alias or id",
                [r],
            )
        return typo

    def _registry(self, query: str, key: str, stripped: str) -> Match | None:
        """What the backbone registry says ``key`` is: a released checkpoint of a catalog
        record (CodeGen-2B-mono, listed as CodeGen-mono 2B: the record), or a general
        model with no record, which raises :class:`GeneralModel`."""
        from .backbones import load

        registry = load()
        for k in dict.fromkeys(k for k in (key, stripped) if k):
            name = registry.canonical(k)
            if name is None:
                continue
            owners = self._records_of(registry, name)
            if len(owners) == 1:
                return Match(self.records[owners[0]], "size")
            if owners:
                raise Ambiguous(query, f"'{shown(query)}' names {len(owners)} different models; give one of "
                                       f"their ids", [self.records[i] for i in owners])
            general = General(name=name, family=name.lower())
            raise GeneralModel(query, general, built_on(self.records, general.family, self))
        return None

    def _records_of(self, registry, name: str) -> list[int]:
        """The catalog records a registry entry is, by a spelling, maybe with a size (Galactica-30B)."""
        entry = registry.entries[name]
        found: set[int] = set()
        for spelling in (entry.name, *entry.aliases):
            found.update(self.equal(normalize(spelling)))
            stripped = without_size(spelling)
            if stripped:
                found.update(self.equal(stripped))
        return sorted(found)

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

    def _typo(self, query: str, key: str, stripped: str) -> Match | None:
        """The one record a small typo of ``key`` (or of ``stripped``) names; ties are reported."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        choices, owner = self.choices(), self._owner
        best: dict[int, int] = {}
        for wanted in dict.fromkeys(w for w in (key, stripped) if w):
            budget = typo_budget(wanted)
            if not budget:
                continue
            for choice, distance, at in process.extract(
                wanted, choices, scorer=OSA.distance, score_cutoff=budget, limit=None
            ):
                if is_typo(wanted, choice):
                    i = owner(at)
                    best[i] = min(distance, best.get(i, distance))
        if not best:
            return None
        top = min(best.values())
        tied = sorted(i for i, d in best.items() if d == top)
        if len(tied) > 1:
            raise Ambiguous(
                query,
                f"'{shown(query)}' is equally close to {len(tied)} models; give one of their ids",
                [self.records[i] for i in tied],
            )
        return Match(self.records[tied[0]], "fuzzy", 100.0 * (1 - top / max(len(key), 1)))

    def _suggestions(self, key: str) -> list[Record]:
        """Up to five records whose keys look like ``key`` (prefixes included), best first."""
        from rapidfuzz import fuzz, process

        # a record's name, id and aliases are often alike: look far enough for five records
        scored = process.extract(key, self.choices(), scorer=fuzz.ratio, limit=60, score_cutoff=SUGGEST)
        best: dict[int, float] = {}
        for _, score, at in scored:
            i = self._owner(at)
            best[i] = max(best.get(i, 0.0), score)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self.records[kv[0]].name))
        return [self.records[i] for i, _ in ranked[:5]]

    def choices(self) -> list[str]:
        """Every normalized key, column after column, for rapidfuzz to scan: a key's
        position names its record (``_owner``), so no pass in Python maps keys back."""
        if self._choices is None:
            keys: list[str] = []
            self._starts = []
            for column, _ in self.columns():
                self._starts.append(len(keys))
                keys += column
            self._choices = keys
        return self._choices

    def _owner(self, at: int) -> int:
        """The record whose key stands at position ``at`` of ``choices()``."""
        from bisect import bisect_right

        c = bisect_right(self._starts, at) - 1
        owners = self.columns()[c][1]
        j = at - self._starts[c]
        return j if owners is None else owners[j]


def _not_found(query: str, suggestions: Sequence[Record]) -> str:
    hint = ", ".join(f"{r.name} ({r.id})" for r in suggestions)
    return f"no model matches '{shown(query)}'" + (
        f"; did you mean: {hint}?" if hint else "; try 'sllm search TEXT'"
    )


# --- typos ---------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")


def typo_budget(key: str) -> int:
    """Edits a typo of ``key`` may make: none under 4 characters, one up to 9, then two."""
    n = len(key)
    return 0 if n < 4 else 1 if n < 10 else 2


def is_typo(query: str, key: str) -> bool:
    """Whether normalized ``query``, already within the edit budget of ``key``, may be a typo of it.

    The beginning of a longer name is a different, shorter name (``bloom`` is
    not BloombergGPT, ``esm`` not ESM-2); and numbers name versions and sizes,
    so a typo keeps every digit (``esm1`` is not ESM-2, ``llama3`` not LLaMA-2).
    """
    if key != query and key.startswith(query):
        return False
    return _DIGITS.findall(query) == _DIGITS.findall(key)


# --- general models ------------------------------------------------------------

@dataclass(frozen=True)
class General:
    """A general model the catalog knows only as what its records are built on (a registry entry)."""

    name: str    # the backbone registry's name: "LLaMA"
    family: str  # the --backbone value that lists the models built on it: "llama"


def built_on(records: Sequence[Record], family: str, index: "Index | None" = None) -> int:
    """How many records ``sllm list --backbone family`` lists: the same filter, asked once
    per distinct list of backbones (few, even in a catalog of 100,000 records)."""
    from collections import Counter

    from .backbones import load
    from .lineage import Lineage
    from .query import build

    query = build(backbone=[family])
    groups: Counter = Counter()
    first: dict[tuple, Record] = {}
    for r in records:
        key = tuple(r.backbones)
        if key:
            groups[key] += 1
            first.setdefault(key, r)
    # Lineage passes through records that a backbone, or a registry entry, names
    # (a model built on ProtBert, whose registry parent is the ProtTrans record).
    registry = load()
    spellings = {b for key in groups for b in key}
    for entry in registry.entries.values():
        spellings.update(x for x in (entry.name, *entry.aliases, entry.parent, entry.family) if x)
    lineage = Lineage(_named(records, set(normalize_many(sorted(spellings))), index))
    return sum(n for key, n in groups.items() if query.test(first[key], lineage)[0])


def _named(records: Sequence[Record], keys: set[str], index: "Index | None") -> list[Record]:
    """The records some backbone names (BioMistral, for a model built on it): what lineage follows."""
    if index is None:
        return [r for r in records if any(normalize(n) in keys for n in (r.name, *r.aliases))]
    found: set[int] = set()
    for column, owners in (index.columns()[0], index.columns()[2]):
        found.update(i if owners is None else owners[i] for i, k in enumerate(column) if k in keys)
    return [records[i] for i in sorted(found)]


def general_models(records: Sequence[Record]) -> dict[str, General]:
    """The general models the catalog knows, keyed by every normalized spelling.

    They are the entries of the backbone registry (LLaMA, BLOOM, BERT ...) that
    are not catalog records themselves, by name or alias, with or without a
    trailing size.
    """
    from .backbones import load

    registry = load()
    index = Index.build(records)
    out: dict[str, General] = {}
    for name, entry in registry.entries.items():
        if index._records_of(registry, name):
            continue
        general = General(name=name, family=name.lower())
        for spelling in (entry.name, *entry.aliases):
            out.setdefault(normalize(spelling), general)
    return out


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)
