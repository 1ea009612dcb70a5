"""RIS, the tagged format that EndNote, Zotero, Mendeley and RefWorks import."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from sllm.names import Name, parse
from sllm.records import Citation

from .common import (
    arxiv_url,
    canonical,
    fold_ascii,
    is_preprint,
    kind,
    lost_message,
    month_number,
    page_range,
)

Warn = Optional[Callable[[str], None]]
TYPES = {
    "preprint": "UNPB", "software": "COMP", "document": "GEN",
    "article": "JOUR", "inproceedings": "CPAPER", "techreport": "RPRT", "book": "BOOK",
    "incollection": "CHAP", "phdthesis": "THES", "online": "ELEC",
}


def export(citations: Sequence[Citation], *, encoding: str = "utf-8", warn: Warn = None) -> str:
    return "\n".join(record(c, encoding == "ascii", warn) for c in citations)


def record(c: Citation, ascii: bool = False, warn: Warn = None) -> str:
    c = canonical(c)
    lines: list[tuple[str, str]] = [("TY", _type(c))]
    for n in map(parse, c.authors):
        if not n.others:
            lines.append(("AU", _name(n)))
    lines.append(("TI", c.title))
    container = c.journal or c.booktitle
    if container:
        lines.append(("T2", container))
    lines.append(("PY", str(c.year)))
    month = month_number(c.month)
    if month:
        lines.append(("DA", f"{c.year}/{month:02d}//"))
    for tag, value in (("VL", c.volume), ("IS", c.number)):
        if value:
            lines.append((tag, value))
    first, last = page_range(c.pages)
    if first:
        lines.append(("SP", first))
    if last:
        lines.append(("EP", last))
    publisher = c.publisher or c.institution or c.organization
    if is_preprint(c):
        publisher = "arXiv"
        lines.append(("M3", "Preprint"))
        lines.append(("AN", f"arXiv:{c.eprint}"))
    if publisher:
        lines.append(("PB", publisher))
    if c.address:
        lines.append(("CY", c.address))
    if c.doi:
        lines.append(("DO", c.doi))
    url = c.url or arxiv_url(c)
    if url:
        lines.append(("UR", url))
    for note in (c.howpublished, c.note):
        if note:
            lines.append(("N1", note))
    lines.append(("ID", c.key))
    out = []
    for tag, value in lines:
        value = " ".join(value.split())  # one line per tag
        if ascii:
            lost: set = set()
            value = fold_ascii(value, lost)
            if lost and warn:
                warn(lost_message(c.key, tag, lost))
        out.append(f"{tag}  - {value}")
    out.append("ER  - ")
    return "\n".join(out) + "\n"


def _type(c: Citation) -> str:
    return TYPES.get(kind(c), "GEN")


def _name(n: Name) -> str:
    if n.corporate:
        return n.family
    family = f"{n.von} {n.family}" if n.von else n.family
    parts = [family, n.given, n.suffix] if n.suffix else [family, n.given] if n.given else [family]
    return ", ".join(parts)
