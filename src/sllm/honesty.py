"""Filters that cannot decide: how many records a filter left out only for lack of a field.

``--min-size 7B`` cannot say whether a model of unknown size is 7B or more, and
``--closed-weights`` cannot say whether weights nobody recorded are closed. Such
records are left out, and the user is told how many, so that an empty or short
answer is not read as "there are none".
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable

#: filter name -> (the query's fields that make up the filter, "this record lacks
#: what the filter tests"). A size filter needs read parameter counts: a size
#: without one (a mixture-of-experts label, a size nobody counted) is unknown.
FILTERS: dict[str, tuple[tuple[str, ...], Callable[[Any], bool]]] = {
    "size": (
        ("sizes", "min_size", "max_size"),
        lambda r: not r.sizes or any(s.parameters is None for s in r.sizes),
    ),
    "weights": (("open_weights",), lambda r: r.open_weights is None),
    "year": (("years", "since", "until"), lambda r: r.year is None),
}

#: How each filter's unknown field is said to the user.
WHAT = {
    "size": "a size without a known parameter count",
    "weights": "no record of whether their weights are open",
    "year": "no known year",
}


def _given(value: Any) -> bool:
    return value is not None and value != frozenset() and value != () and value != []


def unknown_for(query: Any, records: Iterable[Any]) -> dict[str, int]:
    """For each filter of ``query`` that tests a field: how many records it left out only for lack of it.

    A record counts when ``query`` rejects it, it lacks the field, and the same
    query without that filter (and without any other filter whose field it
    lacks) accepts it: the record might have matched. A record lacking several
    such fields counts under each. ``query`` is a dataclass with a
    ``matches(record)`` method and the fields named in :data:`FILTERS`; filters
    it does not have, or does not use, are skipped.
    """
    names = {f.name for f in dataclasses.fields(query)}
    active = {
        name: fields
        for name, (fields, _) in FILTERS.items()
        if any(f in names and _given(getattr(query, f)) for f in fields)
    }
    if not active:
        return {}
    defaults = {
        f.name: f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        for f in dataclasses.fields(query)
        if f.name in names and (f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING)
    }
    relaxed_for: dict[tuple[str, ...], Any] = {}
    counts: dict[str, int] = {}
    for r in records:
        lacking = tuple(name for name in active if FILTERS[name][1](r))
        if not lacking or query.matches(r):
            continue
        relaxed = relaxed_for.get(lacking)
        if relaxed is None:
            cleared = {f: defaults[f] for name in lacking for f in active[name] if f in defaults}
            relaxed = relaxed_for[lacking] = dataclasses.replace(query, **cleared)
        if relaxed.matches(r):
            for name in lacking:
                counts[name] = counts.get(name, 0) + 1
    return counts


def notes(counts: dict[str, int]) -> list[str]:
    """One line per filter, for stderr: ``left out 85 models with no record of whether their weights are open``."""
    return [
        f"left out {n} model{'s' if n != 1 else ''} with {WHAT.get(name, 'unknown ' + name)}"
        for name, n in sorted(counts.items())
    ]
