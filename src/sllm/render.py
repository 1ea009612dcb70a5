"""Record formats: one exporter function per format, in a registry keyed by its name.

A new format is one decorated function here (or in a module that registers
one); every command that prints records offers it. Exporters return a string
and import what they need inside: machine formats never load rich, and the
human table is drawn by ``grid``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from .records import Record


class Clean(str):
    """Text already free of control characters (stored that way), which output need not scan."""


class Encoded(bytes):
    """UTF-8 output stored free of control characters: a UTF-8 stdout takes it as it is,
    without decoding and encoding again megabytes of ``--json``."""

    def text(self) -> Clean:
        return Clean(self.decode("utf-8"))


@dataclass(frozen=True)
class Options:
    """What an exporter may take into account besides the records."""

    fields: Optional[tuple[str, ...]] = None
    width: int = 80
    styled: bool = False
    rule: bool = False
    prefer: str = "published"
    #: None: each citation format's own default (ASCII for BibTeX and biblatex).
    encoding: Optional[str] = None
    #: Where a citation format reports what it could not write faithfully.
    warn: Optional[Callable[[str], None]] = None


@dataclass(frozen=True)
class Format:
    name: str
    render: Callable[[Sequence[Record], Options], str]
    help: str
    #: Renders the records' citations (and warns about unconfirmed ones).
    citations: bool = False
    #: Honours --fields.
    fields: bool = False
    #: For people: coloured on a terminal, never parsed.
    human: bool = False


FORMATS: dict[str, Format] = {}


def exporter(name: str, help: str, citations: bool = False, fields: bool = False, human: bool = False):
    def register(func: Callable[[Sequence[Record], Options], str]):
        FORMATS[name] = Format(name, func, help, citations=citations, fields=fields, human=human)
        return func
    return register


def record_formats() -> tuple[str, ...]:
    _load_plugins()
    return tuple(FORMATS)


def citation_formats() -> tuple[str, ...]:
    _load_plugins()
    return tuple(n for n, f in FORMATS.items() if f.citations)


def render(name: str, records: Sequence[Record], options: Options = Options(), raw: bool = False) -> str:
    """Records in format ``name``; ``raw`` lets stored output through as :class:`Encoded` bytes."""
    _load_plugins()
    out = FORMATS[name].render(records, options)
    return out.text() if isinstance(out, Encoded) and not raw else out


def _load_plugins() -> None:
    """Formats defined outside this module register themselves when imported."""
    from . import citeformats  # noqa: F401


def _json(value, indent: int | None = None) -> str:
    # pydantic-core serializes dataclasses in Rust, in field (= contract) order,
    # without building any schema.
    from pydantic_core import to_json

    return to_json(value, indent=indent).decode("utf-8")


def _picked(records: Sequence[Record], fields: Optional[tuple[str, ...]]):
    """Records as they go out as JSON: whole, or only the chosen keys."""
    if not fields:
        return list(records)
    from .fields import DERIVED, cell
    from .records import as_data

    out = []
    for r in records:
        data = as_data(r)
        out.append({f: (cell(r, f) if f in DERIVED else data[f]) for f in fields})
    return out


@exporter("table", "a table for people", human=True)
def to_table(records: Sequence[Record], options: Options = Options()) -> str:
    """The human table of ``sllm list``: wrapped to the width, ANSI styles only if styled."""
    from .grid import Column
    from .grid import render as draw

    columns = (
        Column("Name", ratio=3, style="1;36"), Column("Year"), Column("Domains", ratio=2),
        Column("Modalities", ratio=2), Column("Type"), Column("Backbones", ratio=2),
        Column("Sizes", ratio=2),
    )
    rows = [
        (r.name, str(r.year or ""), ", ".join(r.domains), ", ".join(r.modalities),
         ", ".join(r.architecture), ", ".join(r.backbones), ", ".join(s.label for s in r.sizes))
        for r in (records.views() if hasattr(records, "views") else records)  # columns only: nothing built
    ]
    return draw(columns, rows, options.width, styled=options.styled, rule=options.rule)


@exporter("json", "a JSON array of records (the contract)", fields=True)
def to_json(records: Sequence[Record], options: Options = Options()) -> str:
    if not options.fields:
        from .pack import json_document

        data = json_document(records)  # records from a catalog's pack carry their JSON already
        if data is not None:
            return Encoded(data)  # type: ignore[return-value]
    return _json(_picked(records, options.fields), indent=2) + "\n"


def to_json_one(record: Record, options: Options = Options()) -> str:
    if not options.fields:
        from .pack import json_texts

        texts = json_texts([record], nested=False)
        if texts is not None:
            return Clean(texts[0] + "\n")
    return _json(_picked([record], options.fields)[0], indent=2) + "\n"


@exporter("jsonl", "one JSON record per line", fields=True)
def to_jsonl(records: Sequence[Record], options: Options = Options()) -> str:
    return "".join(_json(r) + "\n" for r in _picked(records, options.fields))


def _delimited(records: Sequence[Record], options: Options, dialect: str, header: bool = True) -> str:
    import csv
    import io

    from .fields import cell, csv_columns

    columns = options.fields or csv_columns()
    buffer = io.StringIO()
    if dialect == "tsv":
        writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    else:
        writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(columns)
    for r in records:
        row = [cell(r, c) for c in columns]
        if dialect == "tsv":  # a TSV cell cannot hold a tab or a line break
            row = [" ".join(v.split()) for v in row]
        writer.writerow(row)
    return buffer.getvalue()


def csv_rows(records: Sequence[Record]) -> str:
    """The CSV lines of ``records`` in the default columns, without the header (what packs store)."""
    return _delimited(records, Options(), "csv", header=False)


@exporter("csv", "comma-separated, one row per model, lists joined with '; '", fields=True)
def to_csv(records: Sequence[Record], options: Options = Options()) -> str:
    stored = getattr(records, "csv_blobs", None)
    blobs = stored() if stored is not None and not options.fields else None
    if blobs is not None:  # chosen from a pack: its lines are stored, nothing is built
        head = _delimited([], options, "csv")
        return Encoded(b"".join((head.encode("utf-8"), *blobs)))  # type: ignore[return-value]
    return _delimited(records, options, "csv")


@exporter("tsv", "tab-separated, one row per model", fields=True)
def to_tsv(records: Sequence[Record], options: Options = Options()) -> str:
    return _delimited(records, options, "tsv")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


@exporter("markdown", "a Markdown table")
def to_markdown(records: Sequence[Record], options: Options = Options()) -> str:
    head = "| Name | Year | Domains | Modalities | Type | Backbones | Sizes | Paper |\n"
    head += "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    rows = []
    for r in records:
        paper = f"[paper]({r.paper})" if r.paper else ""
        rows.append(
            "| " + " | ".join(_md(x) for x in (
                r.name, str(r.year or ""), ", ".join(r.domains), ", ".join(r.modalities),
                ", ".join(r.architecture), ", ".join(r.backbones),
                ", ".join(s.label for s in r.sizes), paper,
            )) + " |"
        )
    return head + "".join(row + "\n" for row in rows)


@exporter("ids", "model ids, one per line")
def to_ids(records: Sequence[Record], options: Options = Options()) -> str:
    return "".join(r.id + "\n" for r in records)


@exporter("bibtex", "BibTeX entries of the models' papers", citations=True)
def to_bibtex(records: Sequence[Record], options: Options = Options()) -> str:
    from .cite import write

    return write("bibtex", records, options)


@exporter("citekeys", "one \\cite{...} command with the models' citation keys", citations=True)
def to_citekeys(records: Sequence[Record], options: Options = Options()) -> str:
    keys = [r.citation.key for r in records if r.citation]
    return f"\\cite{{{','.join(keys)}}}\n" if keys else ""


@exporter("text", "formatted references, plain text", citations=True)
def to_text(records: Sequence[Record], options: Options = Options()) -> str:
    from .cite import write

    return write("text", records, options)


@exporter("references", "formatted references, Markdown", citations=True)
def to_references(records: Sequence[Record], options: Options = Options()) -> str:
    from .cite import write

    return write("markdown", records, options)


def __getattr__(name: str):
    if name == "CSV_COLUMNS":
        from .fields import csv_columns

        return csv_columns()
    raise AttributeError(name)



def record_text(record: Record, width: int = 80, styled: bool = False, verbose: bool = False) -> str:
    """One model for people (``sllm show``): label and value, wrapped at spaces.

    Words are never broken, so a URL stays whole (clickable, copyable) even when it
    is wider than the terminal. Curation notes and sources appear with ``verbose``.
    """
    import textwrap

    from .fields import panel_rows
    from .grid import clean

    pad = 14
    bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if styled else (lambda s: s)
    lines = [bold(clean(record.name)) if not styled else f"\x1b[1;36m{clean(record.name)}\x1b[0m"]
    room = max(width - pad - 2, 20)
    for label, value in panel_rows(record, verbose=verbose):
        first = True
        for raw in value.split("\n"):
            parts = textwrap.wrap(clean(raw), room, break_long_words=False, break_on_hyphens=False) or [""]
            for part in parts:
                head = bold(label.ljust(pad)) if first else " " * pad
                lines.append(f"  {head}{part}")
                first = False
    if not verbose and (record.notes or record.sources):
        lines.append(f"  {' ' * pad}(sources and curation notes: sllm show {record.id} --verbose)")
    return "\n".join(lines) + "\n"
