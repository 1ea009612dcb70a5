"""Each command of ``sllm`` as a function: typed arguments in, data out.

Nothing here prints or knows about the command line; ``cli`` maps options to
these functions and hands what they return to one ``output.Output``. The same
functions serve notebooks through :mod:`sllm` itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from .catalog import Catalog
from .query import Query, choose
from .query import sort as sort_records
from .records import Record


@dataclass
class Listing:
    """Records to print, how many matched before a limit, and what filters could not decide."""

    records: list[Record]
    total: int
    unknown: dict[str, int] = field(default_factory=dict)


def list_models(records: Sequence[Record], query: Query = Query(), sort: str = "name",
                reverse: bool = False, limit: Optional[int] = None) -> Listing:
    chosen = choose(records, query)
    ordered = sort_records(chosen.records, sort, reverse)
    shown = ordered if limit is None else ordered[:limit]
    return Listing(shown, len(ordered), chosen.unknown)


def show(catalog: Catalog, name: str):
    """The match for ``name`` (a typo allowed; ``match.how`` says how it was found)."""
    return catalog.index().resolve(name)


def resolve_all(catalog: Catalog, names: Sequence[str], strict: bool = False) -> list:
    """One match per model named, in the order given, a model named twice once.

    ``strict`` (for citing) accepts only exact ids, names and aliases; otherwise a
    small typo is forgiven and ``match.how`` says so."""
    chosen: dict[str, object] = {}
    for name in names:
        match = catalog.index().resolve(name, strict=strict)
        match.query = name
        chosen.setdefault(match.record.id, match)
    return list(chosen.values())


def cite(catalog: Catalog, names: Sequence[str]) -> list[Record]:
    """The models to cite: only exact names (see ``resolve``)."""
    return [m.record for m in resolve_all(catalog, names, strict=True)]


def compare(catalog: Catalog, names: Sequence[str]) -> list[Record]:
    """Models side by side: each name resolved as ``show`` does."""
    return [m.record for m in resolve_all(catalog, names)]


def comparison(records: Sequence[Record]) -> list[tuple[str, list[str]]]:
    """(label, one cell per model) for every field that any of the models has."""
    from .fields import panel_rows

    per_model = [dict(panel_rows(r)) for r in records]
    labels: list[str] = []
    for rows in per_model:
        labels += [k for k in rows if k not in labels]
    return [(label, [rows.get(label, "") for rows in per_model]) for label in labels]


def stats(records: Sequence[Record], query: Query = Query(), top: int = 15) -> dict:
    from .views import stats as count

    chosen = choose(records, query).records
    return {"models": len(chosen), **count(chosen, top=top)}


def taxonomy(records: Sequence[Record], query: Query = Query(), examples: int = 3) -> dict:
    from .views import taxonomy as grid

    chosen = choose(records, query).records
    return {"models": len(chosen), "untyped": sum(1 for r in chosen if not r.architecture),
            "cells": grid(chosen, examples=examples)}


def taxonomy_cell(records: Sequence[Record], code: str, query: Query = Query()) -> list[Record]:
    chosen = choose(records, query).records
    return sorted((r for r in chosen if code in r.architecture), key=lambda r: r.name.casefold())


def tree(records: Sequence[Record], family: str, query: Query = Query(), depth: int = 4) -> dict:
    from .views import tree as lineage

    return lineage(choose(records, query).records, family, depth=depth)


def timeline(records: Sequence[Record], query: Query = Query()) -> dict:
    from .views import timeline as per_year

    return per_year(choose(records, query).records)


def export(records: Sequence[Record], query: Query = Query()) -> list[Record]:
    return sort_records(choose(records, query).records, "name")
