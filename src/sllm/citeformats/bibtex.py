"""BibTeX and biblatex: entries that compile without an error or a warning.

Classic BibTeX (``bibtex``) gets only its standard entry types, months as the
predefined macros (``month = nov``), pure ASCII unless UTF-8 is asked for, and
every name in the unambiguous "von Last, Jr, First" form, so that no style
reads a suffix, a particle or a company as somebody's surname. ``biblatex``
gets the native fields that biber reads (``date``, ``journaltitle``,
``location``, ``eprinttype``, ``eprintclass``) and keeps ``@online``.

``doi``, ``url`` and ``eprint`` are identifiers that the schema keeps free of
whitespace, backslashes and braces: they are written verbatim. Every other
field is escaped (see ``latex``), so any catalog text gives a file that parses.
"""

from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from sllm.names import Name, parse
from sllm.records import Citation

from . import latex
from .common import MONTHS, canonical, is_arxiv, lost_message, month_number

VERBATIM = ("doi", "eprint", "url")
#: Fields in the order they are written; the name is BibTeX's.
ORDER = (
    "author", "title", "journal", "booktitle", "volume", "number", "pages", "year", "month",
    "publisher", "institution", "organization", "address", "howpublished", "note",
    "doi", "eprint", "archiveprefix", "primaryclass", "url",
)
STANDARD_TYPES = frozenset({
    "article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
    "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
})
#: biblatex's own names for BibTeX fields.
BIBLATEX_FIELDS = {"journal": "journaltitle", "address": "location", "primaryclass": "eprintclass"}
_AND = re.compile(r"\band\b", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")

Warn = Optional[Callable[[str], None]]


def export(citations: Sequence[Citation], *, encoding: str = "ascii", warn: Warn = None) -> str:
    return "\n".join(entry(c, dialect="bibtex", encoding=encoding, warn=warn) for c in citations)


def export_biblatex(citations: Sequence[Citation], *, encoding: str = "ascii", warn: Warn = None) -> str:
    return "\n".join(entry(c, dialect="biblatex", encoding=encoding, warn=warn) for c in citations)


def entry(c: Citation, dialect: str = "bibtex", encoding: str = "ascii", warn: Warn = None) -> str:
    """One entry as text, ending in a newline."""
    ascii = encoding == "ascii"
    say = warn or (lambda message: None)
    c = canonical(c)
    kind = c.type
    values: dict[str, str] = {}

    authors = _names(c, ascii, say)
    if authors:
        values["author"] = authors
    lost: set = set()
    title = latex.title(c.title, ascii, lost)
    _report(c.key, "title", lost, say)
    if not lost or _LETTER.search(title):
        values["title"] = title
    for fld in ORDER:
        if fld in ("author", "title", "year", "month") or fld in VERBATIM:
            continue
        text = getattr(c, fld)
        if text is None or not str(text).strip():
            continue
        lost = set()
        escaped = latex.escape(str(text), ascii, lost)
        _report(c.key, fld, lost, say)
        if not lost or _LETTER.search(escaped):
            values[fld] = escaped
    for fld in VERBATIM:
        if getattr(c, fld):
            values[fld] = getattr(c, fld)
    values["year"] = str(c.year)
    month = month_number(c.month)
    if c.month and month is None:
        say(f"{c.key}: month '{c.month}' is not a month; left out")

    if dialect == "bibtex":
        if kind not in STANDARD_TYPES:
            kind = "misc"  # @online and the like: BibTeX styles know only the standard types
        if kind == "article" and "number" in values and "volume" not in values:
            say(f"{c.key}: an issue number without a volume; the number is left out")
            values.pop("number")
        if kind == "misc" and is_arxiv(c) and not ({"howpublished", "journal", "booktitle"} & values.keys()):
            # Classic styles print no eprint field: say where the work is.
            values["howpublished"] = f"arXiv preprint arXiv:{c.eprint}"
        if "author" not in values:
            values["key"] = c.key  # what author-year styles sort and label by instead
        if month:
            values["month"] = MONTHS[month - 1]  # a macro, written bare below
        return _write(kind, c.key, values, bare={"month"} if month else set())

    # biblatex: a date, native eprint fields and field names.
    values["date"] = f"{c.year}-{month:02d}" if month else str(c.year)
    values.pop("year")
    if is_arxiv(c):
        values["eprinttype"] = "arxiv"
        values.pop("archiveprefix", None)
    renamed = {BIBLATEX_FIELDS.get(k, k): v for k, v in values.items()}
    return _write(kind, c.key, renamed, bare=set())


def _write(kind: str, key: str, values: dict[str, str], bare: set) -> str:
    order = ["key"] + list(ORDER) + ["date", "journaltitle", "location", "eprinttype", "eprintclass"]
    rank = {name: i for i, name in enumerate(order)}
    rank.update(date=rank["year"], journaltitle=rank["journal"], location=rank["address"],
                eprinttype=rank["eprint"] + 0.5, eprintclass=rank["eprint"] + 0.6)
    lines = [f"@{kind}{{{key},"]
    for name in sorted(values, key=lambda n: rank.get(n, len(order))):
        value = values[name]
        lines.append(f"  {name} = {value}," if name in bare else f"  {name} = {{{value}}},")
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}\n"


def _names(c: Citation, ascii: bool, say) -> str:
    written = []
    for raw in c.authors:
        name = parse(raw)
        lost: set = set()
        text = format_name(name, ascii, lost)
        if lost:
            say(lost_message(c.key, f"author '{raw}'", lost))
            if not _LETTER.search(text):
                continue
        written.append(text)
    return " and ".join(written)


def format_name(n: Name, ascii: bool = True, lost: Optional[set] = None) -> str:
    """A name BibTeX cannot misread: {Corporate}, or von Last, Jr, First."""
    if n.others:
        return "others"
    if n.corporate:
        return "{" + latex.escape(n.family, ascii, lost) + "}"
    family = latex.escape(n.family, ascii, lost)
    if " " in n.family or _AND.search(n.family):
        family = "{" + family + "}"
    head = f"{latex.escape(n.von, ascii, lost)} {family}" if n.von else family
    given = _guard(latex.escape(n.given, ascii, lost))
    if n.suffix:
        return f"{head}, {_guard(latex.escape(n.suffix, ascii, lost))}, {given}"
    return f"{head}, {given}" if given else head


def _guard(part: str) -> str:
    """Brace a name part that holds the word 'and', which would split the list."""
    return "{" + part + "}" if _AND.search(part) else part


def _report(key: str, fld: str, lost: set, say) -> None:
    if lost:
        say(lost_message(key, fld, lost))
