"""sllm: an offline lookup tool for domain-specific and scientific language models.

The package is also a library, usable from a notebook::

    import sllm
    catalog = sllm.load()                                   # bundled records (+ your files)
    med = sllm.select(catalog.records, domain="medicine", min_size="7B")
    model = sllm.lookup(catalog, "biomistral")              # a Record, or sllm.ResolveError
    print(sllm.citations([model]))                          # BibTeX
    print(sllm.to_format("csv", med))                       # any output format

(The functions are not named after the modules ``resolve``, ``cite`` and
``render``, which a submodule import would shadow.) Importing ``sllm`` loads nothing but this file: the names below are fetched on
first use, and the command line (``sllm.cli``) is never imported by the library.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "load", "select", "lookup", "citations", "to_format", "Catalog", "Record", "Query",
    "ResolveError", "QueryError", "CatalogError", "FILTERS", "FORMATS",
]


def load(*paths, bundled: bool = True):
    """The bundled catalog, plus catalog files or folders given (and $SLLM_CATALOG)."""
    from .catalog import load as _load

    return _load(paths, bundled=bundled)


def select(records, **filters):
    """Records matching filters named as the CLI's options: ``domain="medicine"``, ``min_size="7B"``."""
    from .query import build
    from .query import select as _select

    return _select(records, build(**filters))


def lookup(catalog, name: str, strict: bool = False):
    """The record ``name`` names (``strict``: exact id, name or alias only, as ``sllm cite``)."""
    return catalog.index().resolve(name, strict=strict).record


def citations(records, fmt: str = "bibtex") -> str:
    """The records' citations in a citation format (bibtex, text, references, ...)."""
    from .render import render as _render

    return _render(fmt, list(records))


def to_format(fmt: str, records) -> str:
    """Records in any output format of ``sllm list --format``."""
    from .render import render as _render

    return _render(fmt, list(records))


def __getattr__(name: str):
    if name in ("Catalog", "CatalogError"):
        from . import catalog

        return getattr(catalog, name)
    if name == "Record":
        from .records import Record

        return Record
    if name in ("Query", "QueryError", "FILTERS"):
        from . import query

        return getattr(query, name)
    if name == "ResolveError":
        from .resolve import ResolveError

        return ResolveError
    if name == "FORMATS":
        from .render import FORMATS, record_formats

        record_formats()
        return FORMATS
    raise AttributeError(f"module 'sllm' has no attribute {name!r}")
