"""The command line: options in, a call to ``commands``, the result to one ``Output``.

Options are derived from the specifications they serve: filters from
``query.FILTERS``, formats from ``render.FORMATS``. Every command imports what it
needs inside its body, so ``sllm list --json`` never imports rich, pybtex or
rapidfuzz.
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

#: Formats of commands that print records; the overviews print a drawing or JSON.
RECORD = "records"
OVERVIEW = ("table", "json")


class Failed(Exception):
    """A command's failure: the message is already one line, ``code`` the exit code."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = 2) -> None:
    raise Failed(message, code)


def report(exc: Failed) -> None:
    """A failure on stderr: its first line prefixed, candidate lists as they are."""
    from .output import _stderr

    lines = str(exc).split("\n")
    for i, line in enumerate(lines):
        if i == 0 and not line.startswith("error: "):
            line = "error: " + line
        _stderr((f"sllm: {line}" if line.startswith("error: ") else line) + "\n")


def command(name: Optional[str] = None) -> Callable:
    """``app.command``, with failures reported as one line and an exit code."""
    def register(func: Callable) -> Callable:
        @functools.wraps(func)
        def guarded(*args, **kwargs):
            from .output import Closed, Unwritable

            try:
                return func(*args, **kwargs)
            except Failed as exc:
                report(exc)
                raise typer.Exit(exc.code) from None
            except Unwritable as exc:
                report(Failed(str(exc), 1))
                _quiet_stdout()
                raise typer.Exit(1) from None
            except Closed:
                _quiet_stdout()
                raise typer.Exit(0) from None

        return app.command(name)(guarded)
    return register


def _record_formats() -> tuple[str, ...]:
    from .render import record_formats

    return record_formats()


# --- option builders ------------------------------------------------------------

def _param(name: str, annotation, default, *flags: str, **info) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[annotation, typer.Option(*flags, **info)])


def _extend(func: Callable, drop: tuple[str, ...], extra: list[inspect.Parameter]) -> Callable:
    sig = inspect.signature(func, eval_str=True)
    params = [p for p in sig.parameters.values() if p.name not in drop]
    func.__signature__ = sig.replace(parameters=params + extra)  # type: ignore[attr-defined]
    return func


def loads_catalog(func: Callable) -> Callable:
    """Add ``--catalog`` / ``--no-bundled``; pass the command ``catalog``."""
    extra = [
        _param("catalog_paths", Optional[list[Path]], None, "--catalog", "-c", metavar="PATH",
               help="Extra catalog file or folder of *.json files (repeatable; also $SLLM_CATALOG). "
                    "A record with a bundled id replaces the bundled one.", rich_help_panel="Catalog"),
        _param("no_bundled", bool, False, "--no-bundled",
               help="Use only the catalogs given with --catalog / $SLLM_CATALOG.", rich_help_panel="Catalog"),
    ]

    @functools.wraps(func)
    def wrapper(*args, catalog_paths=None, no_bundled=False, **kwargs):
        from .catalog import CatalogError, load

        if no_bundled and not catalog_paths and not os.environ.get("SLLM_CATALOG"):
            fail("--no-bundled needs a catalog: give --catalog PATH or set SLLM_CATALOG")
        # The records live until the process ends: keep the cyclic collector from
        # walking them while they load, and at every full collection after.
        gc.disable()
        try:
            catalog = load(catalog_paths or (), bundled=not no_bundled)
        except CatalogError as exc:
            raise Failed("\n".join(f"error: {p}" for p in exc.problems), 1) from None
        finally:
            gc.freeze()
            gc.enable()
        return func(*args, catalog=catalog, **kwargs)

    return _extend(wrapper, ("catalog",), extra)


def filtered(func: Callable) -> Callable:
    """Add every filter of ``query.FILTERS`` as an option; pass the command ``query``."""
    from .query import FILTERS

    extra = []
    for f in FILTERS:
        annotation = bool if f.kind is bool else (list[f.kind] if f.many else f.kind)
        complete = None
        if f.choices is not None:
            complete = _completer(f.choices)
        extra.append(_param(f.name, Optional[annotation], None, *f.flags, help=f.help,
                            metavar=None if f.kind is bool else f.metavar, rich_help_panel="Filters",
                            autocompletion=complete, show_default=False))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .query import QueryError, build

        given = {f.name: kwargs.pop(f.name, None) for f in FILTERS}
        try:
            query = build(**given)
        except QueryError as exc:
            fail(str(exc))
        return func(*args, query=query, **kwargs)

    return _extend(wrapper, ("query",), extra)


def outputs(formats=RECORD, default: str = "table", quiet: bool = False, verbose: bool = False,
            fields: Optional[bool] = None, citations: bool = False) -> Callable:
    """Add ``--format`` (and ``--json``, ``--fields``, ``--quiet``, ``--verbose``, and for
    citations ``--prefer`` and ``--encoding``, where they mean something); pass the
    command an ``out`` that owns all printing."""

    def decorate(func: Callable) -> Callable:
        names = _record_formats() if formats == RECORD else tuple(formats() if callable(formats) else formats)
        with_fields = (formats == RECORD) if fields is None else fields
        extra = [
            _param("fmt", Optional[str], None, "--format", "-f", metavar=f"[{'|'.join(names)}]",
                   help=f"Output format (default {default}).", rich_help_panel="Output",
                   autocompletion=_completer(lambda: names), show_default=False),
        ]
        if "json" in names:
            extra.append(_param("as_json", bool, False, "--json", help="Shorthand for --format json.",
                                rich_help_panel="Output"))
        if with_fields:
            extra.append(_param("field_spec", Optional[str], None, "--fields", metavar="KEY,KEY",
                                help="Only these fields, for json, jsonl, csv and tsv (e.g. id,name,year).",
                                rich_help_panel="Output", show_default=False))
        if quiet:
            extra.append(_param("quiet", bool, False, "--quiet", "-q",
                                help="One summary line instead of a warning per entry.", rich_help_panel="Output"))
        if verbose:
            extra.append(_param("verbose", bool, False, "--verbose", "-v",
                                help="Also show sources and curation notes.", rich_help_panel="Output"))
        if citations:
            extra.append(_param("prefer", str, "published", "--prefer", metavar="[published|preprint]",
                                help="Where a preprint was published, cite this version.", rich_help_panel="Citations",
                                autocompletion=_completer(lambda: ("published", "preprint"))))
            extra.append(_param("encoding", Optional[str], None, "--encoding", metavar="[ascii|utf-8]",
                                help="ascii: LaTeX accents (default for bibtex, biblatex); utf-8: the text as it is "
                                     "(default for the others).", rich_help_panel="Citations", show_default=False,
                                autocompletion=_completer(lambda: ("ascii", "utf-8"))))

        @functools.wraps(func)
        def wrapper(*args, fmt=None, as_json=False, field_spec=None, quiet=False, verbose=False,
                    prefer="published", encoding=None, **kwargs):
            from .output import Output

            if as_json and fmt not in (None, "json"):
                fail(f"--json and --format {shown(fmt)} disagree: give one of them")
            chosen = "json" if as_json else (fmt or default).lower()
            if chosen not in names:
                fail(f"unknown format '{shown(chosen)}': use one of {', '.join(names)}")
            picked = None
            if field_spec is not None:
                from .fields import FieldError, parse_fields
                from .render import FORMATS

                if chosen not in FORMATS or not FORMATS[chosen].fields:
                    fields_ok = [n for n in names if n in FORMATS and FORMATS[n].fields]
                    fail(f"--fields works with {', '.join(fields_ok)}, not --format {chosen}")
                try:
                    picked = parse_fields(field_spec)
                except FieldError as exc:
                    fail(str(exc))
            if prefer not in ("published", "preprint"):
                fail(f"unknown --prefer '{shown(prefer)}': use published or preprint")
            if encoding is not None and encoding.lower() not in ("ascii", "utf-8"):
                fail(f"unknown --encoding '{shown(encoding)}': use ascii or utf-8")
            out = Output(fmt=chosen, fields=picked, quiet=quiet, verbose=verbose, prefer=prefer,
                         encoding=encoding.lower() if encoding else None)
            return func(*args, out=out, **kwargs)

        return _extend(wrapper, ("out",), extra)

    return decorate


def _completer(values: Callable[[], object]):
    def complete(incomplete: str):
        return [v for v in values() if str(v).lower().startswith(incomplete.lower())]

    return complete


def _complete_names(incomplete: str):
    """Model ids for shell completion, from the bundled catalog (and $SLLM_CATALOG)."""
    from .catalog import CatalogError, load

    try:
        ids = load().ids()
    except CatalogError:
        return []
    prefix = incomplete.lower()
    return sorted(i for i in ids if i.startswith(prefix))


def _resolving(out, catalog, names: list[str], strict: bool = False) -> list:
    """The records ``names`` name (each once), or a one-line failure that says what would be right."""
    from . import commands
    from .resolve import Ambiguous, BadName, ResolveError

    try:
        matches = commands.resolve_all(catalog, names, strict=strict)
    except Ambiguous as exc:
        lines = [f"{exc}:"] + [f"  {r.id:<28} {r.name} ({r.year or '?'}) {r.title or ''}" for r in exc.candidates]
        raise Failed("\n".join(lines), 1) from None
    except BadName as exc:
        fail(str(exc), code=2)
    except ResolveError as exc:
        fail(str(exc), code=1)
    for match in matches:
        if match.how == "fuzzy":
            out.note(f"'{shown(match.query)}' matched {match.record.name} ({match.record.id}) by similarity")
    return [m.record for m in matches]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"sllm {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Look up domain-specific and scientific language models, offline."""


# --- commands ----------------------------------------------------------------

@command("list")
@loads_catalog
@filtered
@outputs(quiet=True, citations=True)
def list_(
    catalog, query, out,
    sort: Annotated[str, typer.Option("--sort", "-s", metavar="[name|year|size|id]", help="Sort order.",
                                      autocompletion=_completer(lambda: ("name", "year", "size", "id")))] = "name",
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=0, metavar="N",
                                                 help="Show at most N.", show_default=False)] = None,
) -> None:
    """List models; filters combine (same option repeated = OR, different = AND)."""
    from . import commands
    from .query import QueryError, unknown_note

    try:
        listing = commands.list_models(catalog.records, query, sort, reverse, limit)
    except QueryError as exc:
        fail(str(exc))
    for line in unknown_note(listing.unknown, query):
        out.note(line)
    out.records(listing.records, total=listing.total,
                empty="no models match these filters" if not listing.total else "")


@command()
@loads_catalog
@outputs(verbose=True)
def show(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Model name, alias or id; a small typo is forgiven.",
                                        autocompletion=_complete_names, show_default=False)],
    catalog, out,
) -> None:
    """Show one model in full."""
    (record,) = _resolving(out, catalog, [name])
    if out.fmt == "table":
        from .render import record_text

        out.write(record_text(record, out.width, styled=out.colour, verbose=out.verbose), styled=out.colour)
    elif out.fmt == "json":
        from .render import to_json_one

        out.write(to_json_one(record, out.options()))
    else:
        out.records([record])


def _cite_formats() -> tuple[str, ...]:
    from .render import citation_formats

    return (*citation_formats(), "markdown")


@command()
@loads_catalog
@outputs(formats=lambda: _cite_formats(), default="bibtex", fields=False, quiet=True, citations=True)
def cite(
    names: Annotated[list[str], typer.Argument(metavar="NAME...", help="Exact model names, aliases or ids.",
                                               autocompletion=_complete_names, show_default=False)],
    catalog, out,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE",
                                                   help="Append the entries FILE lacks (BibTeX only).",
                                                   show_default=False)] = None,
) -> None:
    """Print citations; with -o, append to a .bib file only what it lacks."""
    records = _resolving(out, catalog, names, strict=True)
    if out.fmt == "markdown":  # the first version's name for Markdown references
        out.fmt = "references"
    if output is not None and out.fmt != "bibtex":
        fail("-o writes BibTeX: drop --format or use --format bibtex")
    if not any(r.citation for r in records):
        out.citation_warnings(records)
        fail("none of these models has a citation in the catalog", code=1)
    if output is None:
        out.records(records)
        return
    from .bibfile import CiteError, merge_into
    from .cite import select

    out.citation_warnings(records)
    try:
        result = merge_into(output, select(records, out.prefer), notify=out.note)
    except CiteError as exc:
        fail(str(exc), code=1)
    for key, why in result.skipped:
        out.note(f"skipped {key}: {why}")
    out.note(f"added {len(result.added)} entr{'y' if len(result.added) == 1 else 'ies'} to {output}")


@command()
@loads_catalog
@outputs(verbose=False)
def compare(
    names: Annotated[list[str], typer.Argument(metavar="NAME...", help="Two or more model names, aliases or ids.",
                                               autocompletion=_complete_names, show_default=False)],
    catalog, out,
) -> None:
    """Models side by side, one column each."""
    from . import commands

    records = _resolving(out, catalog, names)
    if out.fmt != "table":
        out.records(records)
        return
    from .grid import Column, render

    rows = commands.comparison(records)
    columns = (Column("", ratio=1, style="1"), *(Column(r.name, ratio=2, style="1;36") for r in records))
    cells = [(label, *values) for label, values in rows]
    out.write(render(columns, cells, out.width, styled=out.colour, rule=out.terminal), styled=out.colour)


@command()
@loads_catalog
@filtered
@outputs()
def search(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="Words: a name, a field, a data type, a task.",
                                        show_default=False)],
    catalog, query, out,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="Show at most N.")] = 20,
) -> None:
    """Search by meaning over names, titles, domains, modalities, backbones and more."""
    from .query import select
    from .search import search as run_search

    if not text.strip():
        fail("empty search text: give a few words, e.g. 'sllm search protein language model'")
    if len(text) > 500:
        fail(f"search text is {len(text)} characters long; use fewer than 500")
    names = catalog.index() if query.is_empty() else None  # its name columns are cached
    hits = run_search(select(catalog.records, query), text, limit, names=names)
    for word, read in hits.readings.items():
        out.note(f"read '{word}' as {' or '.join(repr(w) for w in read)}")
    nothing = f"nothing matches '{shown(text)}'" + ("" if query.is_empty() else " with these filters")
    if out.fmt == "json" and not out.fields:
        if not hits:
            out.note(nothing)
        out.json([h.as_dict() for h in hits])
        return
    if out.fmt != "table":
        out.records([h.record for h in hits], empty=nothing)
        return
    if not hits:
        out.note(nothing)
        return
    from .grid import Column, render

    columns = (Column("Score"), Column("Name", ratio=2, style="1;36"), Column("Id", ratio=2),
               Column("Title", ratio=4), Column("Matched", ratio=2))
    rows = [(f"{h.score:.0f}", h.record.name, h.record.id, h.record.title or "", ", ".join(h.matched))
            for h in hits]
    out.write(render(columns, rows, out.width, styled=out.colour, rule=out.terminal), styled=out.colour)


@command()
@outputs(formats=("text", "json"), default="text", fields=False)
def validate(
    out,
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATH...", show_default=False,
                     help="Catalog files or folders (default: the bundled catalog).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Also fail on inconsistencies and unmet targets.")] = False,
    gaps: Annotated[bool, typer.Option("--gaps", help="Also list each record that misses a fact target, "
                                        "with the targets it misses.")] = False,
) -> None:
    """Check catalog files: schema, ids, vocabulary, links, sizes, citations, targets."""
    from . import validate as checks
    from .catalog import CatalogError, bundled_files, expand

    try:
        files = expand(paths) if paths else bundled_files()
    except CatalogError as exc:
        raise Failed("\n".join(f"error: {p}" for p in exc.problems), 1) from None
    report = checks.run(files)
    if out.fmt == "json":
        out.json(report.as_data(with_gaps=gaps))
    else:
        for problem in report.problems:
            out.write(f"{problem}\n")
        for finding in report.inconsistencies:
            out.write(f"{finding} (inconsistent)\n")
        for file, rid, missed in report.gaps if gaps else ():
            out.write(f"{file}: {rid}: misses {', '.join(missed)} (gap)\n")
        for line in report.summary():
            out.note(line)
    if not report.ok or (strict and (report.inconsistencies or not all(t.met for t in report.targets))):
        raise typer.Exit(1)


@command()
@loads_catalog
@outputs(formats=("text", "json"), default="text", fields=False)
def check(
    file: Annotated[Path, typer.Argument(metavar="FILE.bib", help="The bibliography to audit; it is never changed.",
                                         show_default=False)],
    catalog, out,
    fix: Annotated[bool, typer.Option("--fix", help="Write a corrected copy (needs -o).")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", show_default=False,
                                                   help="Where --fix writes the corrected copy.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Let -o replace an existing file.")] = False,
) -> None:
    """Audit a .bib file against the catalog's citations: authors, title, year, ids, venue."""
    from . import bibcheck

    if fix and output is None:
        fail("--fix writes a corrected copy: give it a path with -o FILE")
    if output is not None and not fix:
        fail("-o is where --fix writes: add --fix")
    if output is not None and (output.resolve() == file.resolve()
                               or (output.exists() and file.exists() and output.samefile(file))):
        fail(f"-o {shown(str(output))} is the input file: the input is never changed; give another path")
    if output is not None and output.exists() and not force:
        fail(f"{shown(str(output))} already exists: give another -o path, or --force to replace it")
    try:
        text = bibcheck.read(file)
        report = bibcheck.check(text, catalog.records, name=str(file))
        if fix:
            bibcheck.write_copy(output, bibcheck.fix(text, report, name=str(file)), force=force)
    except bibcheck.BibError as exc:
        fail(str(exc), code=1)
    if out.fmt == "json":
        out.json(report.as_data())
    else:
        out.write(bibcheck.human(report))
    out.note(report.summary())
    if fix:
        out.note(f"wrote the corrected copy to {output}")
    if report.problems:
        raise typer.Exit(1)


# --- overview commands ----------------------------------------------------------

def _drawn(out, data, empty: bool, empty_note: str, draw: Callable) -> None:
    """The shared ending of the overview commands: JSON, a note, or a drawing."""
    if out.fmt == "json":
        out.json(data)
    elif empty:
        out.note(empty_note)
    else:
        out.draw(draw(data, fancy=out.colour))


@command()
@loads_catalog
@filtered
@outputs(formats=OVERVIEW)
def stats(
    catalog, query, out,
    top: Annotated[int, typer.Option("--top", min=1, metavar="N", help="Backbone families to show.")] = 15,
) -> None:
    """Counts by domain, modality, type, year, kind and backbone family, as bar charts."""
    from . import commands

    data = commands.stats(catalog.records, query, top=top)
    if out.fmt == "json":
        out.json(data)
        return
    if not data["models"]:
        out.note("no models match these filters")
        return
    from .tables import bars

    titles = {"domain": "By domain", "modality": "By modality", "architecture": "By architecture type",
              "year": "By year", "kind": "By kind", "backbone": "Backbone families"}
    parts = [f"{data['models']} models"]
    from rich.console import Group

    items = [parts[0]]
    for facet, counts in data.items():
        if facet == "models":
            continue
        title = titles[facet]
        if facet == "backbone":
            title = f"Top {len(counts)} backbone families" if len(counts) == top else title
        items += ["", bars(title, counts, fancy=out.colour)]
    out.draw(Group(*items))


@command()
@loads_catalog
@filtered
@outputs(formats=OVERVIEW, fields=False)
def taxonomy(
    catalog, query, out,
    cell: Annotated[Optional[str], typer.Argument(metavar="[CELL]", help="A cell such as 2.D: list its models.",
                                                  autocompletion=_completer(lambda: _cells()),
                                                  show_default=False)] = None,
    examples: Annotated[int, typer.Option("--examples", min=0, metavar="N", help="Example models per cell.")] = 3,
) -> None:
    """The 3 x 4 grid of architecture types with counts and examples; or one cell's models."""
    from . import commands
    from .vocab import VocabularyError, resolve_type

    if cell is not None:
        try:
            codes = resolve_type(cell)
        except VocabularyError as exc:
            fail(str(exc))
        if len(codes) != 1:
            fail(f"'{shown(cell)}' is a whole column: give one cell such as {codes[0]} (or use 'sllm list --type {cell}')")
        members = commands.taxonomy_cell(catalog.records, codes[0], query)
        out.records(members, empty=f"no models of type {codes[0]} match these filters")
        return
    data = commands.taxonomy(catalog.records, query, examples=examples)
    if out.fmt == "json":
        out.json(data)
        return
    from .tables import taxonomy_grid

    out.draw(taxonomy_grid(data["cells"], fancy=out.colour))
    if data["untyped"]:
        out.write(f"{data['untyped']} of {data['models']} models fit no cell of the taxonomy.\n")


def _cells() -> list[str]:
    from .vocab import TYPES

    return list(TYPES)


def _families() -> list[str]:
    from .query import BY_NAME

    return list(BY_NAME["backbone"].choices())


@command()
@loads_catalog
@filtered
@outputs(formats=OVERVIEW)
def tree(
    family: Annotated[str, typer.Argument(metavar="BACKBONE", help="A backbone family: llama, bert, t5, mistral, ...",
                                          autocompletion=_completer(_families), show_default=False)],
    catalog, query, out,
    depth: Annotated[int, typer.Option("--depth", min=1, metavar="N", help="How many generations to follow.")] = 4,
) -> None:
    """The models built on a backbone family, as a tree of lineage."""
    from . import commands
    from .query import tokens

    if not tokens(family):
        fail(f"backbone '{shown(family)}' has no letters or digits: use a family name such as llama or bert")
    from .tables import tree_view

    data = commands.tree(catalog.records, family, query, depth=depth)
    _drawn(out, data, not data["children"], f"no catalogued model names a backbone of the '{shown(family)}' family",
           tree_view)


@command()
@loads_catalog
@filtered
@outputs(formats=OVERVIEW)
def timeline(catalog, query, out) -> None:
    """Models per year, split by domain, as a chart."""
    from . import commands
    from .tables import timeline_chart

    data = commands.timeline(catalog.records, query)
    _drawn(out, data, not data, "no dated models match these filters", timeline_chart)


@command()
@loads_catalog
@filtered
@outputs(formats=("markdown", "json", "jsonl", "csv", "tsv", "bibtex", "biblatex", "csl-json", "ris"),
         default="markdown", quiet=True, citations=True)
def export(catalog, query, out) -> None:
    """Publish the (filtered) catalog: a README-style list (markdown) or the records."""
    from . import commands

    chosen = commands.export(catalog.records, query)
    if out.fmt == "markdown":
        from .views import export_markdown

        out.write(export_markdown(chosen))
        return
    out.records(chosen)


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


def _completing() -> str | None:
    """The command whose arguments the shell is completing (``sllm show bio<TAB>``), if the
    cursor is past it: completing its values needs only that command's parameters."""
    if "COMP_WORDS" in os.environ:  # bash: the words and the cursor's word index
        words = os.environ["COMP_WORDS"].split()
        try:
            position = int(os.environ.get("COMP_CWORD", ""))
        except ValueError:
            return None
    else:  # zsh, fish, PowerShell: the line up to the cursor
        line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
        words = line.split()
        position = len(words) if line.endswith(" ") else len(words) - 1
    return words[1] if position >= 2 and len(words) >= 2 else None


def command_names() -> list[str]:
    return [_name_of(c) for c in app.registered_commands]


def main(argv: list[str] | None = None) -> int:
    """Run the app; failures become one line on stderr with a proper exit code."""
    from .output import Closed, _stderr

    args = sys.argv[1:] if argv is None else list(argv)
    runner = app
    wanted = _completing() if "_SLLM_COMPLETE" in os.environ else (args[0] if args else None)
    if wanted in set(command_names()):
        runner = _only(wanted)
    try:
        try:
            rv = runner(args=args, prog_name="sllm", standalone_mode=False)
        finally:
            try:
                if sys.stdout is not None:
                    sys.stdout.flush()
            except BrokenPipeError:
                raise Closed() from None
            except (ValueError, OSError):
                _quiet_stdout()
    except (Closed, BrokenPipeError):
        _quiet_stdout()
        return 0
    except OSError as exc:  # the framework's own output (--help) refused: disk full, ...
        _quiet_stdout()
        _stderr(f"sllm: error: cannot write the output: {exc.strerror or exc}\n")
        return 1
    except Failed as exc:
        report(exc)
        return exc.code
    except KeyboardInterrupt:
        _stderr("\n")
        return 130
    except SystemExit as exc:
        # rich and the framework exit 1 when their output (--help) meets a closed pipe,
        # after pointing stdout at /dev/null: a reader that went away is not a failure.
        if exc.code == 1 and (type(sys.stdout).__name__ == "PacifyFlushWrapper" or _stdout_is_devnull()):
            _quiet_stdout()
            return 0
        raise exc
    except Exception as exc:  # the framework's own exits and usage errors, recognised by shape
        name = type(exc).__name__
        if name == "Abort":
            _stderr("\n")
            return 130
        if name == "Exit":
            return int(getattr(exc, "exit_code", 0) or 0)
        if name == "NoArgsIsHelpError":
            return 2
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            ctx = getattr(exc, "ctx", None)
            path = ctx.command_path if ctx is not None else "sllm"
            message = " ".join(exc.format_message().split())
            if not message:
                return int(exc.exit_code)
            _stderr(f"{path}: error: {message} (see '{path} --help')\n")
            return int(exc.exit_code)
        raise
    return rv if isinstance(rv, int) else 0


def _stdout_is_devnull() -> bool:
    try:
        here, null = os.fstat(1), os.stat(os.devnull)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (null.st_dev, null.st_ino)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that Python's exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
