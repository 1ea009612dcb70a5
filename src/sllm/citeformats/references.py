"""Formatted references for a reading list: plain text or Markdown."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from sllm.names import parse
from sllm.records import Citation

from .common import canonical, fold_ascii, is_preprint, lost_message

Warn = Optional[Callable[[str], None]]


def export_text(citations: Sequence[Citation], *, encoding: str = "utf-8", warn: Warn = None) -> str:
    return _export(citations, False, encoding, warn)


def export_markdown(citations: Sequence[Citation], *, encoding: str = "utf-8", warn: Warn = None) -> str:
    return _export(citations, True, encoding, warn)


def _export(citations, markdown: bool, encoding: str, warn: Warn) -> str:
    lines = []
    for c in citations:
        text = reference(canonical(c), markdown)
        if encoding == "ascii":
            lost: set = set()
            text = fold_ascii(text, lost)
            if lost and warn:
                warn(lost_message(c.key, "the reference", lost))
        lines.append(text)
    return "\n\n".join(lines) + ("\n" if lines else "")


def reference(c: Citation, markdown: bool = False) -> str:
    names = [parse(a) for a in c.authors]
    authors = _author_list([n.display() for n in names if not n.others], any(n.others for n in names))
    title = c.title.rstrip(".")
    venue = c.journal or c.booktitle or c.howpublished or c.publisher or c.institution
    if not venue and is_preprint(c):
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


def _author_list(names: Sequence[str], et_al: bool) -> str:
    if not names:
        return "Anonymous"
    if et_al:
        return ", ".join(names) + ", et al."
    if len(names) == 1:
        return names[0]
    if len(names) <= 20:
        return ", ".join(names[:-1]) + ", and " + names[-1]
    return ", ".join(names[:19]) + ", ... " + names[-1]
