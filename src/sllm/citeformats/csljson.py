"""CSL-JSON, the input of citeproc (pandoc --citeproc, Zotero, Mendeley).

Item types follow the CSL conventions: an arXiv preprint is ``article`` with
the server as ``publisher`` and its id as ``number`` (Zotero's mapping of its
preprint type), a conference paper ``paper-conference``, a GitHub repository
``software``, a web page ``webpage``. Corporate authors are ``literal`` names;
a list the source cut short ("others") ends without a made-up name.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from sllm.names import Name, parse
from sllm.records import Citation
from sllm.venues import lookup

from .common import arxiv_url, canonical, is_preprint, kind, month_number

Warn = Optional[Callable[[str], None]]
TYPES = {
    "preprint": "article", "software": "software", "document": "document",
    "article": "article-journal", "inproceedings": "paper-conference", "techreport": "report",
    "book": "book", "incollection": "chapter", "phdthesis": "thesis", "online": "webpage",
}


def export(citations: Sequence[Citation], *, encoding: str = "utf-8", warn: Warn = None) -> str:
    import json

    items = [item(c) for c in citations]
    return json.dumps(items, ensure_ascii=(encoding == "ascii"), indent=2) + "\n"


def item(c: Citation) -> dict:
    c = canonical(c)
    data: dict = {"id": c.key, "citation-key": c.key, "type": _type(c), "title": c.title}
    authors = [_name(n) for n in map(parse, c.authors) if not n.others]
    if authors:
        data["author"] = authors
    month = month_number(c.month)
    data["issued"] = {"date-parts": [[c.year, month] if month else [c.year]]}
    container = c.journal or c.booktitle
    if container:
        data["container-title"] = container
        venue = lookup(container)
        if venue and venue.short != venue.name:
            data["container-title-short"] = venue.short
    for src, dst in (("volume", "volume"), ("number", "issue"), ("address", "publisher-place"),
                     ("note", "note"), ("doi", "DOI")):
        if getattr(c, src):
            data[dst] = getattr(c, src)
    if c.pages:
        data["page"] = c.pages.replace("--", "-")
    publisher = c.publisher or c.institution or c.organization
    if is_preprint(c):
        data["publisher"] = "arXiv"
        data["number"] = f"arXiv:{c.eprint}"
    elif publisher:
        data["publisher"] = publisher
    if c.howpublished:
        data["genre"] = c.howpublished
    elif c.type == "phdthesis":
        data["genre"] = "PhD thesis"
    url = c.url or arxiv_url(c)
    if url:
        data["URL"] = url
    return data


def _type(c: Citation) -> str:
    return TYPES.get(kind(c), "document")


def _name(n: Name) -> dict:
    if n.corporate:
        return {"literal": n.family}
    out = {"family": n.family}
    if n.given:
        out["given"] = n.given
    if n.von:
        out["non-dropping-particle"] = n.von
    if n.suffix:
        out["suffix"] = n.suffix
    return out
