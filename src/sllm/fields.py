"""How each key of the record contract is shown: one place for JSON, CSV, and the panel.

The contract itself is the :class:`records.Record` dataclass: its fields, in order,
are the JSON keys. Here each key gets at most a small override of how it reads as
text; a key without one is shown with a generic rule (lists joined with '; ',
sizes by label, a citation by its key), so a new record field needs no change
here to appear in ``--json``, ``--fields``, CSV and ``show``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Optional

from .records import Citation, Record, Size, Source


def text(value: Any, sep: str = "; ") -> str:
    """One line of text for any field value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Size):
        return value.label
    if isinstance(value, Citation):
        return value.key
    if isinstance(value, Source):
        return value.url
    if isinstance(value, dict):
        return sep.join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sep.join(text(v, sep) for v in value)
    return str(value)


@dataclass(frozen=True)
class View:
    """Overrides for one key: its label, where the panel shows it, its text."""

    label: Optional[str] = None
    #: "panel" (always), "verbose" (only with --verbose), or "never"
    panel: str = "panel"
    csv: bool = True
    render: Optional[Callable[[Record], str]] = None


def _sizes(r: Record) -> str:
    from .sizes import format_parameters

    parts = []
    for s in r.sizes:
        if s.parameters and s.label.casefold() != format_parameters(s.parameters).casefold():
            extra = format_parameters(s.parameters)
            if s.active_parameters:
                extra += f", {format_parameters(s.active_parameters)} active"
            parts.append(f"{s.label} ({extra})")
        else:
            parts.append(s.label)
    return ", ".join(parts)


def _citation(r: Record) -> str:
    c = r.citation
    if c is None:
        return ""
    return f"{c.key} ({c.evidence}; sllm cite {r.id})"


def _license(r: Record) -> str:
    """The licence with what it allows, so that ``show`` answers "may I build on it?"."""
    if not r.license:
        return ""
    from .licenses import load, permits_commercial

    entry = load().get(r.license)
    if entry is None:
        return r.license
    allowed = permits_commercial(r.access, r.license)
    if allowed is False and entry.commercial:
        return f"{r.license} (no commercial use: access is {r.access})"
    return f"{r.license} ({entry.describe()})"


def _type(r: Record) -> str:
    from .vocab import TYPES

    return ", ".join(f"{t} ({TYPES[t]})" for t in r.architecture)


VIEWS: dict[str, View] = {
    "id": View(),
    "name": View(panel="never"),
    "kind": View(),
    "architecture": View(label="type", render=_type),
    "sizes": View(render=_sizes),
    "open_weights": View(label="open weights", render=lambda r: {True: "yes", False: "no", None: "unknown"}[r.open_weights]),
    "arxiv": View(label="arXiv"),
    "doi": View(label="DOI"),
    "github": View(label="GitHub"),
    "models": View(label="weights"),
    "license": View(render=_license),
    "citation": View(csv=False, render=_citation),
    "sources": View(panel="verbose", csv=False),
    "section": View(panel="verbose", csv=False),
    "subsection": View(panel="verbose", csv=False),
    "unverified": View(csv=False),
    "notes": View(panel="verbose", csv=False),
}

#: CSV columns computed from a record rather than read from one key: name -> (after which key, how).
DERIVED: dict[str, tuple[str, Callable[[Record], str]]] = {
    "parameters": ("sizes", lambda r: "; ".join(str(s.parameters) if s.parameters else "" for s in r.sizes)),
    "citation_key": ("languages", lambda r: r.citation.key if r.citation else ""),
}


@lru_cache(maxsize=1)
def contract_keys() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(Record))


def view(key: str) -> View:
    return VIEWS.get(key, View())


@lru_cache(maxsize=1)
def csv_columns() -> tuple[str, ...]:
    out: list[str] = []
    for key in contract_keys():
        if view(key).csv:
            out.append(key)
        out += [name for name, (after, _) in DERIVED.items() if after == key]
    return tuple(out)


def cell(r: Record, column: str) -> str:
    """The CSV/TSV text of one column."""
    if column in DERIVED:
        return DERIVED[column][1](r)
    return text(getattr(r, column))


def panel_rows(r: Record, verbose: bool = False) -> list[tuple[str, str]]:
    """(label, text) for the show panel, in contract order, empty values left out."""
    rows = []
    for key in contract_keys():
        v = view(key)
        if v.panel == "never" or (v.panel == "verbose" and not verbose):
            continue
        value = v.render(r) if v.render else text(getattr(r, key), sep="\n" if key in ("github", "models", "sources") else ", ")
        if key == "notes" and r.notes:
            value = "\n".join(f"{k}: {why}" for k, why in r.notes.items())
        if value:
            rows.append((v.label or key.replace("_", " "), value))
    return rows


def selectable() -> tuple[str, ...]:
    """What ``--fields`` accepts: every contract key and every CSV column."""
    return tuple(dict.fromkeys((*contract_keys(), *csv_columns())))


class FieldError(ValueError):
    pass


def parse_fields(spec: str) -> tuple[str, ...]:
    from .messages import shown

    names = tuple(n.strip() for n in spec.split(",") if n.strip())
    if not names:
        raise FieldError("--fields is empty: give field names separated by commas, e.g. id,name,year")
    valid = selectable()
    for n in names:
        if n not in valid:
            import difflib

            close = difflib.get_close_matches(n, valid, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise FieldError(f"unknown field '{shown(n)}': {hint}valid: {', '.join(valid)}")
    return names
