"""BibTeX and formatted references, built with pybtex from structured citations.

Catalog text is plain Unicode. Here it becomes BibTeX that classic BibTeX accepts:
LaTeX specials escaped once, non-ASCII letters as braced accent commands, words
with inner capitals (BioMistral, LLaMA) brace-protected in titles, and doi / url /
eprint written verbatim (they are identifiers, not prose).
"""

from __future__ import annotations

import codecs
import re
from typing import Sequence

from .records import Citation, as_data

VERBATIM = {"doi", "url", "eprint"}
FIELD_ORDER = (
    "title", "journal", "booktitle", "volume", "number", "pages", "year", "month",
    "publisher", "institution", "organization", "address", "howpublished", "note",
    "doi", "eprint", "archiveprefix", "primaryclass", "url",
)
_ASCII_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
    "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\^{}",
}
_INNER_CAPS = re.compile(r"(?<![\w{])([\w\-]*[a-z0-9][\w\-]*[A-Z][\w\-]*|[A-Z]{2,}[\w\-]*)")


def latex(text: str) -> str:
    """Plain Unicode -> LaTeX that pure-ASCII BibTeX reads back to the same text."""
    import latexcodec  # noqa: F401  (registers the codec)

    out = []
    for ch in text:
        if ch in _ASCII_SPECIALS:
            out.append(_ASCII_SPECIALS[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            try:
                enc = codecs.encode(ch, "ulatex+ascii")
            except UnicodeEncodeError:
                # No LaTeX spelling (法, ：): keep the character; biber and
                # bibtex8 read UTF-8, and escaping it wrongly would be worse.
                out.append(ch)
                continue
            out.append("{" + enc + "}" if enc.startswith("\\") and not enc.startswith("\\(") else enc)
    return "".join(out)


def protect_title(escaped: str) -> str:
    """Brace words whose capitals a bibliography style must not lower-case."""
    return _INNER_CAPS.sub(lambda m: "{" + m.group(1) + "}", escaped)


def _writer():
    from pybtex.database.output.bibtex import Writer

    class _Writer(Writer):
        def _encode(self, text: str) -> str:  # already escaped by entry()
            return text

    return _Writer(encoding="ascii")


def entry(c: Citation):
    """A pybtex Entry whose field values are already BibTeX-escaped."""
    from pybtex.database import Entry, Person

    fields: dict[str, str] = {}
    data = {k: v for k, v in as_data(c).items() if v is not None}
    for name in FIELD_ORDER:
        value = data.get(name)
        if value is None:
            continue
        value = str(value)
        if name in VERBATIM:
            fields[name] = value
        elif name == "title":
            fields[name] = protect_title(latex(value))
        elif name == "year":
            fields[name] = str(value)
        else:
            fields[name] = latex(value)
    fields.setdefault("year", str(c.year))
    persons = {"author": [Person(latex(a)) for a in c.authors]}
    return Entry(c.type, fields=fields, persons=persons)


def bibtex(citations: Sequence[Citation]) -> str:
    from pybtex.database import BibliographyData

    data = BibliographyData()
    for c in citations:
        data.add_entry(c.key, entry(c))
    text = _writer().to_string(data) if citations else ""
    return text if text.endswith("\n") or not text else text + "\n"


def references(citations: Sequence[Citation], style: str = "text") -> str:
    """Formatted references, one paragraph each, as plain text or Markdown."""
    lines = [_reference(c, markdown=(style == "markdown")) for c in citations]
    return "\n\n".join(lines) + ("\n" if lines else "")


def _reference(c: Citation, markdown: bool) -> str:
    authors = _author_list(c.authors)
    title = c.title.rstrip(".")
    venue = c.journal or c.booktitle or c.howpublished or c.publisher or c.institution
    if not venue and c.eprint:
        venue = f"arXiv preprint arXiv:{c.eprint}"
    parts = [f"{authors} ({c.year}).", f"{title}."]
    if venue:
        detail = f"*{venue}*" if markdown else venue
        if c.volume:
            detail += f", {c.volume}"
            if c.number:
                detail += f"({c.number})"
        if c.pages:
            detail += f", {c.pages.replace('--', '–')}"
        parts.append(detail + ".")
    if c.doi:
        url = f"https://doi.org/{c.doi}"
        parts.append(f"[doi:{c.doi}]({url})" if markdown else url)
    elif c.url:
        parts.append(f"<{c.url}>" if markdown else c.url)
    text = " ".join(parts)
    return f"- {text}" if markdown else text


def _author_list(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) <= 20:
        return ", ".join(names[:-1]) + ", and " + names[-1]
    return ", ".join(names[:19]) + ", ... " + names[-1]
