"""Citations: which ones to write, in which format, with which warnings.

The formats themselves live in ``citeformats`` (one exporter per format). Here
a list of records becomes the citations to write: the published version or,
with ``prefer="preprint"``, the arXiv preprint where the catalog knows both.
What writing them could not do faithfully (a character with no ASCII form, a
field left out) comes back as warnings, one line each.
"""

from __future__ import annotations

from typing import Optional, Sequence

from .records import Citation, Record

PREFER = ("published", "preprint")
ENCODINGS = ("ascii", "utf-8")


def select(records: Sequence[Record], prefer: str = "published") -> list[Citation]:
    """Each record's citation, in the version asked for; records without one are skipped."""
    from .citeformats.common import preprint_version

    if prefer not in PREFER:
        raise ValueError(f"unknown version '{prefer}': use published or preprint")
    chosen = []
    for r in records:
        c = r.citation
        if c is None:
            continue
        arxiv = c.eprint or r.arxiv
        if prefer == "preprint" and arxiv and (c.journal or c.booktitle):
            c = preprint_version(c, arxiv)
        chosen.append(c)
    return chosen


def render(fmt: str, citations: Sequence[Citation], encoding: Optional[str] = None) -> tuple[str, list[str]]:
    """The citations in format ``fmt``, and the warnings writing them raised.

    BibTeX and biblatex are pure ASCII unless ``encoding`` is "utf-8"; the other
    formats are UTF-8 unless it is "ascii".
    """
    from .citeformats import export

    if encoding is None:
        encoding = "ascii" if fmt in ("bibtex", "biblatex") else "utf-8"
    warnings: list[str] = []
    text = export(fmt, citations, encoding=encoding, warn=warnings.append)
    return text, warnings


def write(fmt: str, records: Sequence[Record], options) -> str:
    """What a record exporter (render.Options) prints for the records' citations."""
    text, warnings = render(fmt, select(records, options.prefer), options.encoding)
    if options.warn is not None:
        for warning in warnings:
            options.warn(warning)
    return text


def bibtex(citations: Sequence[Citation], encoding: str = "ascii") -> str:
    """BibTeX for the citations, as written to a .bib file: pure ASCII by default."""
    return render("bibtex", citations, encoding)[0]


def latex(text: str) -> str:
    """Plain Unicode as the pure-ASCII LaTeX of a BibTeX field."""
    from .citeformats.latex import escape

    return escape(text)


def entry(c: Citation):
    """The citation as ``bibtex`` writes it, parsed back: a pybtex Entry whose
    field values are the escaped LaTeX of the file."""
    from pybtex.database import parse_string

    return parse_string(bibtex([c]), "bibtex").entries[c.key]


def references(citations: Sequence[Citation], style: str = "text") -> str:
    """Formatted references, one paragraph each, as plain text or Markdown."""
    return render("markdown" if style == "markdown" else "text", citations)[0]
