"""Rendering records: one function per format, each importing only what it needs.

Every format returns a plain string and none touches rich: machine formats
(json, jsonl, csv, ids, markdown, bibtex) are data, and the table of ``sllm
list`` is drawn by ``grid``, which costs a fraction of rich's Table.
"""

from __future__ import annotations

from typing import Callable, Sequence

from .records import Record

MACHINE_FORMATS = ("json", "jsonl", "csv", "markdown", "bibtex", "ids")
FORMATS = ("table",) + MACHINE_FORMATS
CSV_COLUMNS = (
    "id", "name", "aliases", "kind", "domains", "modalities", "architecture",
    "backbones", "sizes", "parameters", "year", "venue", "title", "paper", "arxiv",
    "doi", "github", "models", "open_weights", "citation_key",
)


def _json(value, indent: int | None = None) -> str:
    # pydantic-core serializes dataclasses in Rust, in field (= contract) order,
    # without building any schema.
    from pydantic_core import to_json

    return to_json(value, indent=indent).decode("utf-8")


def to_json(records: Sequence[Record]) -> str:
    from .pack import json_texts

    texts = json_texts(records)  # records from a catalog's pack carry their JSON already
    if texts is not None:
        return "[\n" + ",\n".join(texts) + "\n]\n" if texts else "[]\n"
    return _json(list(records), indent=2) + "\n"


def to_json_one(record: Record) -> str:
    from .pack import json_texts

    texts = json_texts([record], nested=False)
    return (texts[0] if texts is not None else _json(record, indent=2)) + "\n"


def to_jsonl(records: Sequence[Record]) -> str:
    return "".join(_json(r) + "\n" for r in records)


def to_table(records: Sequence[Record], width: int = 80, styled: bool = False, rule: bool = False) -> str:
    """The human table of ``sllm list``: wrapped to ``width``, ANSI styles only if ``styled``."""
    from .grid import Column, render

    columns = (
        Column("Name", ratio=3, style="1;36"), Column("Year"), Column("Domains", ratio=2),
        Column("Modalities", ratio=2), Column("Type"), Column("Backbones", ratio=2),
        Column("Sizes", ratio=2),
    )
    rows = [
        (r.name, str(r.year or ""), ", ".join(r.domains), ", ".join(r.modalities),
         ", ".join(r.architecture), ", ".join(r.backbones), ", ".join(s.label for s in r.sizes))
        for r in records
    ]
    return render(columns, rows, width, styled=styled, rule=rule)


def to_ids(records: Sequence[Record]) -> str:
    return "".join(r.id + "\n" for r in records)


def _cells(r: Record) -> dict[str, str]:
    return {
        "id": r.id,
        "name": r.name,
        "aliases": "; ".join(r.aliases),
        "kind": r.kind,
        "domains": "; ".join(r.domains),
        "modalities": "; ".join(r.modalities),
        "architecture": "; ".join(r.architecture),
        "backbones": "; ".join(r.backbones),
        "sizes": "; ".join(s.label for s in r.sizes),
        "parameters": "; ".join(str(s.parameters) if s.parameters else "" for s in r.sizes),
        "year": "" if r.year is None else str(r.year),
        "venue": r.venue or "",
        "title": r.title or "",
        "paper": r.paper or "",
        "arxiv": r.arxiv or "",
        "doi": r.doi or "",
        "github": "; ".join(r.github),
        "models": "; ".join(r.models),
        "open_weights": "" if r.open_weights is None else str(r.open_weights).lower(),
        "citation_key": r.citation.key if r.citation else "",
    }


def to_csv(records: Sequence[Record]) -> str:
    """Lists are joined with '; ' so that one model stays one row."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow(_cells(r))
    return buffer.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(records: Sequence[Record]) -> str:
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


def to_bibtex(records: Sequence[Record]) -> str:
    from .cite import bibtex

    return bibtex([r.citation for r in records if r.citation])


RENDERERS: dict[str, Callable[[Sequence[Record]], str]] = {
    "json": to_json,
    "jsonl": to_jsonl,
    "csv": to_csv,
    "markdown": to_markdown,
    "bibtex": to_bibtex,
    "ids": to_ids,
}
