"""Filtering and sorting records.

Repeating an option widens it (OR), different options narrow (AND). All values
arrive already resolved to the vocabulary; parsing loose user input is
:func:`build`'s job, so :class:`Query` itself can be built by library callers too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .messages import shown
from .records import Record
from .sizes import SizeError, parse_size
from .vocab import VocabularyError, resolve, resolve_type

SORT_KEYS = ("name", "year", "size", "id")
MIN_YEAR, MAX_YEAR = 1950, 2100


class QueryError(ValueError):
    """Bad filter input; the message is one line that says what would be right."""


@dataclass(frozen=True)
class Query:
    domains: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    backbones: tuple[str, ...] = ()
    sizes: frozenset[int] = frozenset()
    min_size: int | None = None
    max_size: int | None = None
    years: frozenset[int] = frozenset()
    since: int | None = None
    until: int | None = None
    kinds: frozenset[str] = frozenset()
    open_weights: bool | None = None
    _backbone_tokens: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_backbone_tokens", tuple(tokens(b) for b in self.backbones))

    def matches(self, r: Record) -> bool:
        if self.domains and self.domains.isdisjoint(r.domains):
            return False
        if self.modalities and self.modalities.isdisjoint(r.modalities):
            return False
        if self.types and self.types.isdisjoint(r.architecture):
            return False
        if self.kinds and r.kind not in self.kinds:
            return False
        if self.open_weights is not None and r.open_weights is not self.open_weights:
            return False
        if self.years or self.since or self.until:
            if r.year is None:
                return False
            if self.years and r.year not in self.years:
                return False
            if self.since and r.year < self.since:
                return False
            if self.until and r.year > self.until:
                return False
        if self.sizes or self.min_size or self.max_size:
            if not any(self._size_ok(s.parameters) for s in r.sizes):
                return False
        if self._backbone_tokens:
            if not any(
                family_match(q, tokens(b)) for q in self._backbone_tokens for b in r.backbones
            ):
                return False
        return True

    def _size_ok(self, n: int | None) -> bool:
        """One released size must satisfy every size condition at once."""
        if n is None:
            return False
        if self.sizes and n not in self.sizes:
            return False
        if self.min_size is not None and n < self.min_size:
            return False
        if self.max_size is not None and n > self.max_size:
            return False
        return True

    def is_empty(self) -> bool:
        return self == Query()


_TOKEN_RE = re.compile(r"[a-z]+|\d+(?:\.\d+)*[a-z]*")


def tokens(text: str) -> tuple[str, ...]:
    """``LLaMA-2-13B`` -> ('llama', '2', '13b'); ``Llama 3.1`` -> ('llama', '3.1')."""
    return tuple(_TOKEN_RE.findall(text.lower()))


def family_match(query: Sequence[str], backbone: Sequence[str]) -> bool:
    """``llama`` finds LLaMA, LLaMA-2, Llama 3.1; ``llama3`` finds Llama 3.1, not LLaMA-30B."""
    if not query:
        return False
    if "".join(query) == "".join(backbone):
        return True
    if len(query) > len(backbone):
        return False
    *head, last = query
    if list(backbone[: len(head)]) != head:
        return False
    part = backbone[len(head)]
    return part == last or (last[-1].isdigit() and part.startswith(last + "."))


def build(
    domain: Iterable[str] | None = (),
    modality: Iterable[str] | None = (),
    type: Iterable[str] | None = (),
    backbone: Iterable[str] | None = (),
    size: Iterable[str] | None = (),
    min_size: str | None = None,
    max_size: str | None = None,
    year: Iterable[int] | None = (),
    since: int | None = None,
    until: int | None = None,
    kind: Iterable[str] | None = (),
    open_weights: bool | None = None,
) -> Query:
    """A :class:`Query` from user input, or :class:`QueryError` naming the bad value.

    ``None`` for a repeatable option means "not given", as the CLI passes it.
    """
    domain, modality, type, backbone, size, year, kind = (
        tuple(v or ()) for v in (domain, modality, type, backbone, size, year, kind)
    )
    try:
        domains = frozenset(resolve("domain", d) for d in domain)
        modalities = frozenset(resolve("modality", m) for m in modality)
        kinds = frozenset(resolve("kind", k) for k in kind)
        types = frozenset(t for value in type for t in resolve_type(value))
    except VocabularyError as exc:
        raise QueryError(str(exc)) from None
    try:
        sizes = frozenset(parse_size(s) for s in size)
        lo = parse_size(min_size) if min_size is not None else None
        hi = parse_size(max_size) if max_size is not None else None
    except SizeError as exc:
        raise QueryError(str(exc)) from None
    if lo is not None and hi is not None and lo > hi:
        raise QueryError(f"--min-size {shown(min_size)} is larger than --max-size {shown(max_size)}: no model can match")
    for value in [*year, since, until]:
        if value is not None and not MIN_YEAR <= value <= MAX_YEAR:
            raise QueryError(f"year {value} is out of range: use a year between {MIN_YEAR} and {MAX_YEAR}")
    if since is not None and until is not None and since > until:
        raise QueryError(f"--since {since} is after --until {until}: no model can match")
    cleaned = []
    for b in backbone:
        if not tokens(b):
            raise QueryError(f"backbone '{shown(b)}' has no letters or digits: use a family name such as llama or bert")
        cleaned.append(b)
    return Query(
        domains=domains, modalities=modalities, types=types, backbones=tuple(cleaned),
        sizes=sizes, min_size=lo, max_size=hi, years=frozenset(year), since=since,
        until=until, kinds=kinds, open_weights=open_weights,
    )


def select(records: Iterable[Record], query: Query) -> list[Record]:
    if query.is_empty():
        return list(records)
    where = getattr(records, "where", None)  # a loaded catalog filters without building every record
    if where is not None:
        return where(query.matches)
    return [r for r in records if query.matches(r)]


def sort(records: list[Record], key: str = "name", reverse: bool = False) -> list[Record]:
    """Unknown values sort last whatever the direction: a missing year is not 0."""
    if key not in SORT_KEYS:
        raise QueryError(f"cannot sort by '{shown(key)}': use one of {', '.join(SORT_KEYS)}")
    if key == "name":
        return sorted(records, key=lambda r: (r.name.casefold(), r.id), reverse=reverse)
    if key == "id":
        return sorted(records, key=lambda r: r.id, reverse=reverse)
    if key == "year":
        getter = lambda r: r.year  # noqa: E731
    else:
        getter = lambda r: r.max_parameters  # noqa: E731
    known = [r for r in records if getter(r) is not None]
    unknown = [r for r in records if getter(r) is None]
    known.sort(key=lambda r: (getter(r), r.name.casefold()), reverse=reverse)
    return known + sorted(unknown, key=lambda r: r.name.casefold())
