"""Citation formats: one exporter function per format, looked up by name.

Each exporter takes the citations to write and returns the text. It imports
its own heavy dependency (latexcodec for the LaTeX formats) inside the
function, so that asking for one format loads nothing the others need.
Problems that do not stop the output (a character with no ASCII form, a
field left out) go to ``warn``, one line each.
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable, Optional, Sequence

from sllm.records import Citation

#: format name -> (module in this package, function)
EXPORTERS: dict[str, tuple[str, str]] = {
    "bibtex": ("bibtex", "export"),
    "biblatex": ("bibtex", "export_biblatex"),
    "csl-json": ("csljson", "export"),
    "ris": ("ris", "export"),
    "text": ("references", "export_text"),
    "markdown": ("references", "export_markdown"),
}
FORMATS = tuple(EXPORTERS)
ENCODINGS = ("ascii", "utf-8")


def export(fmt: str, citations: Sequence[Citation], *, encoding: str = "ascii",
           warn: Optional[Callable[[str], None]] = None) -> str:
    """The citations written in format ``fmt`` (a key of EXPORTERS)."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown citation format '{fmt}': use one of {', '.join(FORMATS)}")
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding '{encoding}': use ascii or utf-8")
    module, function = EXPORTERS[fmt]
    exporter = getattr(import_module(f".{module}", __name__), function)
    return exporter(list(citations), encoding=encoding, warn=warn)


def _register() -> None:
    """Offer the formats beyond BibTeX wherever records are printed (render's registry)."""
    from sllm.render import exporter

    def citing(fmt: str):
        def run(records, options):
            from sllm.cite import write

            return write(fmt, records, options)
        return run

    for fmt, help in (
        ("biblatex", "biblatex entries (date, journaltitle, eprinttype) for biber"),
        ("csl-json", "CSL-JSON items for pandoc --citeproc, Zotero and other CSL processors"),
        ("ris", "RIS records for EndNote, Zotero, Mendeley and RefWorks"),
    ):
        exporter(fmt, help, citations=True)(citing(fmt))


_register()
