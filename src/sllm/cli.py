"""The command line: parse arguments, call the core, print. No logic lives here.

Every command imports what it needs inside its body, so ``sllm list --json``
never imports rich, pybtex or rapidfuzz.
"""

from __future__ import annotations

import functools
import gc
import inspect
import os
import sys
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from . import __version__
from .cliparams import PlainGroup
from .messages import shown

app = typer.Typer(
    name="sllm",
    cls=PlainGroup,
    help="Look up domain-specific and scientific language models, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# --- small helpers -----------------------------------------------------------

def fail(message: str, code: int = 2) -> None:
    """One line on stderr, a proper exit code, no traceback."""
    note(f"error: {message}")
    raise typer.Exit(code)


def note(message: str) -> None:
    sys.stderr.write(f"sllm: {message}\n")


def emit(text: str) -> None:
    """Write data to stdout; a reader that went away (``| head``) ends us quietly."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None


def _loads_catalog(func: Callable) -> Callable:
    """Add ``--catalog`` / ``--no-bundled`` to a command and pass it the catalog."""
    extra = [
        inspect.Parameter(
            "catalog_paths", inspect.Parameter.KEYWORD_ONLY, default=None,
            annotation=Annotated[Optional[list[Path]], typer.Option(
                "--catalog", "-c", metavar="PATH",
                help="Extra catalog file or folder of *.json files (repeatable; also $SLLM_CATALOG). "
                     "A record with a bundled id replaces the bundled one.",
                rich_help_panel="Catalog")],
        ),
        inspect.Parameter(
            "no_bundled", inspect.Parameter.KEYWORD_ONLY, default=False,
            annotation=Annotated[bool, typer.Option(
                "--no-bundled", help="Use only the catalogs given with --catalog / $SLLM_CATALOG.",
                rich_help_panel="Catalog")],
        ),
    ]
    sig = inspect.signature(func, eval_str=True)
    params = [p for p in sig.parameters.values() if p.name not in ("records", "catalog")]
    wants_catalog = "catalog" in sig.parameters

    @functools.wraps(func)
    def wrapper(*args, catalog_paths=None, no_bundled=False, **kwargs):
        from .catalog import CatalogError, load

        if no_bundled and not catalog_paths and not os.environ.get("SLLM_CATALOG"):
            fail("--no-bundled needs a catalog: give --catalog PATH or set SLLM_CATALOG")
        try:
            catalog = load(catalog_paths or (), bundled=not no_bundled)
        except CatalogError as exc:
            for problem in exc.problems:
                note(f"error: {problem}")
            raise typer.Exit(1) from None
        # The records live until the process ends: keep the cyclic collector from
        # walking them again at every full collection (seconds at 100,000 records).
        gc.freeze()
        if wants_catalog:
            kwargs["catalog"] = catalog
        return func(*args, records=catalog.records, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params + extra)  # type: ignore[attr-defined]
    return wrapper


def _complete_from(values):
    def complete(incomplete: str):
        return [v for v in values if v.startswith(incomplete.lower())]

    return complete


def _complete_names(incomplete: str):
    """Model ids for shell completion, from the bundled catalog (and $SLLM_CATALOG)."""
    from .catalog import CatalogError, load

    try:
        records = load()
    except CatalogError:
        return []
    prefix = incomplete.lower()
    return sorted(r.id for r in records.records if r.id.startswith(prefix))


def _vocab_completions():
    from .vocab import DOMAINS, KINDS, MODALITIES, TYPES

    return {
        "domain": _complete_from(DOMAINS),
        "modality": _complete_from(MODALITIES),
        "type": _complete_from([t.lower() for t in TYPES] + list(TYPES) + ["1", "2", "3"]),
        "kind": _complete_from(KINDS),
    }


_FILTERS = [
    ("domain", Optional[list[str]], None, ("--domain", "-d"), "Domain, e.g. medicine, chem, law (repeat for OR)."),
    ("modality", Optional[list[str]], None, ("--modality", "-m"), "Modality, e.g. vision, protein, dna."),
    ("type", Optional[list[str]], None, ("--type", "-t"), "Architecture type: a cell 2.A / 2a, or a column 1, 2, 3."),
    ("backbone", Optional[list[str]], None, ("--backbone", "-b"), "Backbone family: llama finds LLaMA, LLaMA-2, Llama 3.1."),
    ("size", Optional[list[str]], None, ("--size",), "A released size, e.g. 7B, 110M, Base."),
    ("min_size", Optional[str], None, ("--min-size",), "Has a released size of at least this (1B, 500M)."),
    ("max_size", Optional[str], None, ("--max-size",), "Has a released size of at most this."),
    ("year", Optional[list[int]], None, ("--year",), "Publication year (repeatable)."),
    ("since", Optional[int], None, ("--since",), "Published in or after this year."),
    ("until", Optional[int], None, ("--until",), "Published in or before this year."),
    ("kind", Optional[list[str]], None, ("--kind",), "model, agent or service."),
    ("open_weights", Optional[bool], None, ("--open-weights/--closed-weights",), "Only models whose weights can (or cannot) be downloaded."),
]


def _filtered(func: Callable) -> Callable:
    """Add the shared filter options of ``list`` to a command; pass it a Query."""
    completions = _vocab_completions()
    extra = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default,
            annotation=Annotated[ann, typer.Option(*flags, help=help_, rich_help_panel="Filters",
                                                   autocompletion=completions.get(name))],
        )
        for name, ann, default, flags, help_ in _FILTERS
    ]
    sig = inspect.signature(func, eval_str=True)
    params = [p for p in sig.parameters.values() if p.name != "query"]
    names = [f[0] for f in _FILTERS]

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .query import QueryError, build

        given = {n: kwargs.pop(n, None) for n in names}
        try:
            query = build(**given)
        except QueryError as exc:
            fail(str(exc))
        return func(*args, query=query, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params + extra)  # type: ignore[attr-defined]
    return wrapper


def _format(fmt: str | None, as_json: bool, allowed: tuple[str, ...], default: str = "table") -> str:
    if as_json:
        if fmt not in (None, "json"):
            fail(f"--json and --format {fmt} disagree: give one of them")
        return "json"
    fmt = (fmt or default).lower()
    if fmt not in allowed:
        fail(f"unknown format '{shown(fmt)}': use one of {', '.join(allowed)}")
    return fmt


def _version(value: bool) -> None:
    if value:
        emit(f"sllm {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Look up domain-specific and scientific language models, offline."""


# --- commands ----------------------------------------------------------------

FormatOpt = Annotated[Optional[str], typer.Option("--format", "-f", help="table, json, jsonl, csv, markdown, bibtex or ids.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]


@app.command("list")
@_loads_catalog
@_filtered
def list_(
    query,
    records,
    sort: Annotated[str, typer.Option("--sort", "-s", help="name, year, size or id.")] = "name",
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=0, help="Show at most this many.")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List models; filters combine (same option repeated = OR, different = AND)."""
    from .query import QueryError, select
    from .query import sort as sort_records
    from .render import FORMATS, RENDERERS

    fmt = _format(fmt, as_json, FORMATS)
    try:
        chosen = sort_records(select(records, query), sort, reverse)
    except QueryError as exc:
        fail(str(exc))
    if not chosen:
        note("no models match these filters")
    if limit is not None:
        chosen = chosen[:limit]
    if fmt == "table":
        _print_table(chosen)
        return
    if fmt == "bibtex":
        _warn_citations(chosen)
    emit(RENDERERS[fmt](chosen))


def _print_table(chosen) -> None:
    if not chosen:
        return
    import shutil

    from .render import to_table

    terminal = sys.stdout.isatty()
    colour = terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    emit(to_table(chosen, shutil.get_terminal_size().columns, styled=colour, rule=terminal))
    if terminal:
        count = f"{len(chosen)} model{'s' if len(chosen) != 1 else ''}"
        sys.stderr.write(f"\x1b[2m{count}\x1b[0m\n" if colour else f"{count}\n")


def _resolve(catalog, name: str, strict: bool = False):
    """The record ``name`` names; ``strict`` (cite) refuses a typo with a suggestion."""
    from .resolve import Ambiguous, BadName, ResolveError

    try:
        match = catalog.index().resolve(name, strict=strict)
    except Ambiguous as exc:
        note(f"error: {exc}:")
        for r in exc.candidates:
            sys.stderr.write(f"  {r.id:<28} {r.name} ({r.year or '?'}) {r.title or ''}\n")
        raise typer.Exit(1) from None
    except BadName as exc:
        fail(str(exc), code=2)
    except ResolveError as exc:
        fail(str(exc), code=1)
    if match.how == "fuzzy":
        note(f"no model is named '{shown(name)}'; showing {match.record.name} ({match.record.id}), "
             f"matched by similarity as a typo")
    return match.record


@app.command()
@_loads_catalog
def show(
    name: Annotated[str, typer.Argument(help="Model name, alias or id; typos are forgiven.",
                                        autocompletion=_complete_names)],
    records,
    catalog,
    as_json: JsonOpt = False,
) -> None:
    """Show one model in full."""
    record = _resolve(catalog, name)
    if as_json:
        from .render import to_json_one

        emit(to_json_one(record))
        return
    from .tables import console, record_panel

    out = console()
    if not out.is_terminal:
        out.print(record.name)
    out.print(record_panel(record, fancy=out.is_terminal))


def _warn_citations(records) -> None:
    for r in records:
        if r.citation is None:
            note(f"warning: {r.name} ({r.id}) has no citation in the catalog")
        elif not r.citation.verified:
            note(f"warning: the citation of {r.name} ({r.id}) is unverified; check it before use")


@app.command()
@_loads_catalog
def cite(
    names: Annotated[list[str], typer.Argument(help="Model names, aliases or ids.", autocompletion=_complete_names)],
    records,
    catalog,
    fmt: Annotated[str, typer.Option("--format", "-f", help="bibtex, text or markdown.")] = "bibtex",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Append new BibTeX entries to this file.")] = None,
) -> None:
    """Print citations; with -o, append to a .bib file only what it lacks."""
    fmt = _format(fmt, False, ("bibtex", "text", "markdown"))
    if output is not None and fmt != "bibtex":
        fail("-o writes BibTeX: drop --format or use --format bibtex")
    chosen, seen = [], set()
    for name in names:
        record = _resolve(catalog, name, strict=True)
        if record.id not in seen:
            seen.add(record.id)
            chosen.append(record)
    _warn_citations(chosen)
    citations = [r.citation for r in chosen if r.citation]
    if not citations:
        fail("none of these models has a citation in the catalog", code=1)
    from . import cite as citing

    if output is None:
        emit(citing.bibtex(citations) if fmt == "bibtex" else citing.references(citations, fmt))
        return
    try:
        result = citing.merge_into(output, citations)
    except citing.CiteError as exc:
        fail(str(exc), code=1)
    for key, why in result.skipped:
        note(f"skipped {key}: {why}")
    note(f"added {len(result.added)} entr{'y' if len(result.added) == 1 else 'ies'} to {output}")


@app.command()
@_loads_catalog
@_filtered
def search(
    text: Annotated[str, typer.Argument(help="A topic, task, data type, language or name, e.g. 'radiology report'.")],
    query,
    records,
    catalog,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")] = 20,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Models ranked by how well they match TEXT over the whole record, with scores."""
    from .query import select
    from .render import FORMATS, RENDERERS
    from .search import search as run_search

    fmt = _format(fmt, as_json, FORMATS)
    if not text.strip():
        fail("empty search text: give a few words, e.g. 'sllm search protein language model'")
    if len(text) > 500:
        fail(f"search text is {len(text)} characters long; use fewer than 500")
    chosen = select(records, query)
    hits = run_search(chosen, text, limit, names=catalog.index() if query.is_empty() else None)
    if not hits:
        note(f"nothing matches '{shown(text)}'" + ("" if query.is_empty() else " with these filters"))
    if fmt in ("json", "jsonl"):
        import json

        rows = [h.as_dict() for h in hits]
        if fmt == "json":
            emit(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        else:
            emit("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
        return
    if fmt != "table":
        if fmt == "bibtex":
            _warn_citations([h.record for h in hits])
        emit(RENDERERS[fmt]([h.record for h in hits]))
        return
    if not hits:
        return
    from rich.table import Table

    from .tables import console

    out = console()
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold" if out.is_terminal else "")
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Id", overflow="fold")
    table.add_column("Title", overflow="fold")
    table.add_column("Matched", overflow="fold")
    for h in hits:
        table.add_row(f"{h.score:.0f}", h.record.name, h.record.id, h.record.title or "", ", ".join(h.matched))
    out.print(table)


@app.command()
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Catalog files or folders (default: the bundled catalog).")] = None,
) -> None:
    """Check catalog files: schema, ids, vocabulary, links, sizes, citations."""
    from . import validate as checks
    from .catalog import CatalogError, bundled_files, expand

    try:
        files = expand(paths) if paths else bundled_files()
    except CatalogError as exc:
        for problem in exc.problems:
            note(f"error: {problem}")
        raise typer.Exit(1) from None
    report = checks.run(files)
    for problem in report.problems:
        emit(f"{problem}\n")
    pct = 100.0 * report.verified / report.citations if report.citations else 0.0
    summary = (
        f"{report.records} records in {len(report.files)} files; {report.citations} citations "
        f"({report.records - report.citations} records without one), "
        f"{report.verified} verified ({pct:.1f}%); {len(report.problems)} problems"
    )
    note(summary)
    if not report.ok:
        raise typer.Exit(1)


# --- overview commands ----------------------------------------------------------

def _json_out(data) -> None:
    import json

    emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _human():
    from .tables import console

    out = console()
    return out, out.is_terminal and not os.environ.get("NO_COLOR")


def _present(data, as_json: bool, empty: bool, empty_note: str, draw: str) -> None:
    """The shared ending of the overview commands: JSON, a note, or a rich drawing."""
    if as_json:
        _json_out(data)
        return
    if empty:
        note(empty_note)
        return
    from . import tables

    out, fancy = _human()
    out.print(getattr(tables, draw)(data, fancy=fancy))


@app.command()
@_loads_catalog
@_filtered
def stats(
    query,
    records,
    top: Annotated[int, typer.Option("--top", min=1, help="Backbone families to show.")] = 15,
    as_json: JsonOpt = False,
) -> None:
    """Counts by domain, modality, type, year, kind and backbone family, as bar charts."""
    from .query import select
    from .views import stats as count

    chosen = select(records, query)
    data = count(chosen, top=top)
    if as_json:
        _json_out({"models": len(chosen), **data})
        return
    if not chosen:
        note("no models match these filters")
        return
    from .tables import bars

    out, fancy = _human()
    out.print(f"{len(chosen)} models", style="bold" if fancy else "")
    titles = {"domain": "By domain", "modality": "By modality", "architecture": "By architecture type",
              "year": "By year", "kind": "By kind", "backbone": f"Top {top} backbone families"}
    for facet, counts in data.items():
        out.print()
        out.print(bars(titles[facet], counts, fancy=fancy))


@app.command()
@_loads_catalog
@_filtered
def taxonomy(
    query,
    records,
    cell: Annotated[Optional[str], typer.Argument(help="A cell such as 2.D: list its models.")] = None,
    examples: Annotated[int, typer.Option("--examples", min=0, help="Example models per cell.")] = 3,
    as_json: JsonOpt = False,
) -> None:
    """The 3 x 4 grid of architecture types with counts and examples; or one cell's models."""
    from .query import select
    from .views import in_cell
    from .views import taxonomy as grid
    from .vocab import VocabularyError, resolve_type

    chosen = select(records, query)
    if cell is not None:
        try:
            codes = resolve_type(cell)
        except VocabularyError as exc:
            fail(str(exc))
        if len(codes) != 1:
            fail(f"'{shown(cell)}' is a whole column: give one cell such as {codes[0]} (or use 'sllm list --type {cell}')")
        members = sorted(in_cell(chosen, codes[0]), key=lambda r: r.name.casefold())
        if as_json:
            from .render import to_json

            emit(to_json(members))
            return
        if not members:
            note(f"no models of type {codes[0]} match these filters")
            return
        _print_table(members)
        return
    cells = grid(chosen, examples=examples)
    if as_json:
        _json_out({"models": len(chosen), "untyped": sum(1 for r in chosen if not r.architecture), "cells": cells})
        return
    from .tables import taxonomy_grid

    out, fancy = _human()
    out.print(taxonomy_grid(cells, fancy=fancy))
    untyped = sum(1 for r in chosen if not r.architecture)
    if untyped:
        out.print(f"{untyped} of {len(chosen)} models fit no cell of the taxonomy.")


@app.command()
@_loads_catalog
@_filtered
def tree(
    family: Annotated[str, typer.Argument(metavar="BACKBONE", help="A backbone family: llama, bert, t5, mistral, ...")],
    query,
    records,
    depth: Annotated[int, typer.Option("--depth", min=1, help="How many generations to follow.")] = 4,
    as_json: JsonOpt = False,
) -> None:
    """The models built on a backbone family, as a tree of lineage."""
    from .query import select, tokens
    from .views import tree as lineage

    if not tokens(family):
        fail(f"backbone '{shown(family)}' has no letters or digits: use a family name such as llama or bert")
    data = lineage(select(records, query), family, depth=depth)
    _present(data, as_json, not data["children"],
             f"no catalogued model names a backbone of the '{shown(family)}' family", "tree_view")


@app.command()
@_loads_catalog
@_filtered
def timeline(query, records, as_json: JsonOpt = False) -> None:
    """Models per year, split by domain, as a chart."""
    from .query import select
    from .views import timeline as per_year

    data = per_year(select(records, query))
    _present(data, as_json, not data, "no dated models match these filters", "timeline_chart")


@app.command()
@_loads_catalog
@_filtered
def export(
    query,
    records,
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown (an awesome-list README) or json.")] = "markdown",
) -> None:
    """Publish the (filtered) catalog as a README-style list grouped by domain and modality."""
    from .query import select
    from .query import sort as sort_records

    fmt = _format(fmt, False, ("markdown", "json"), default="markdown")
    chosen = sort_records(select(records, query), "name")
    if fmt == "json":
        from .render import to_json

        emit(to_json(chosen))
        return
    from .views import export_markdown

    emit(export_markdown(chosen))


# --- entry point ---------------------------------------------------------------

def _only(name: str) -> typer.Typer:
    """The app with just command ``name``: typer builds every registered command's
    parameters on each run, and one command is all a run needs."""
    import copy

    single = copy.copy(app)
    single.registered_commands = [c for c in app.registered_commands if _name_of(c) == name]
    return single


def _name_of(info) -> str:
    return info.name or info.callback.__name__.replace("_", "-")


def main(argv: list[str] | None = None) -> int:
    """Run the app; usage errors become one line on stderr with exit code 2."""
    args = sys.argv[1:] if argv is None else list(argv)
    runner = app
    if args and args[0] in {_name_of(c) for c in app.registered_commands} and "_SLLM_COMPLETE" not in os.environ:
        runner = _only(args[0])
    try:
        rv = runner(args=args, prog_name="sllm", standalone_mode=False)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the framework's usage errors, recognised by shape
        if type(exc).__name__ == "Abort":
            sys.stderr.write("\n")
            return 130
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            ctx = getattr(exc, "ctx", None)
            path = ctx.command_path if ctx is not None else "sllm"
            message = " ".join(exc.format_message().split())
            sys.stderr.write(f"{path}: error: {message} (see '{path} --help')\n")
            return int(exc.exit_code)
        raise
    return rv if isinstance(rv, int) else 0
