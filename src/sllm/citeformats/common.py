"""What every citation format needs: months, venues, arXiv dates, preprints."""

from __future__ import annotations

import dataclasses
import re
from typing import Optional

from sllm.records import Citation

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NEW_ARXIV = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")
_OLD_ARXIV = re.compile(r"[a-z\-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}")


def month_number(text: Optional[str]) -> Optional[int]:
    """1-12 from 'nov', 'November', '11'; None for anything else."""
    if not text:
        return None
    text = text.strip().casefold()
    if text.isdigit():
        n = int(text)
        return n if 1 <= n <= 12 else None
    return MONTHS.index(text[:3]) + 1 if text[:3] in MONTHS else None


def arxiv_date(eprint: Optional[str]) -> Optional[tuple[int, int]]:
    """Year and month of first submission, which an arXiv id encodes."""
    if not eprint:
        return None
    m = _NEW_ARXIV.fullmatch(eprint) or _OLD_ARXIV.fullmatch(eprint)
    if not m:
        return None
    yy, mm = int(m.group(1)), int(m.group(2))
    return (1900 + yy if yy >= 91 else 2000 + yy), mm


def is_arxiv(c: Citation) -> bool:
    return bool(c.eprint) and (c.archiveprefix or "arXiv").casefold() == "arxiv"


def is_preprint(c: Citation) -> bool:
    """An arXiv preprint: an eprint and no journal or proceedings."""
    return is_arxiv(c) and not (c.journal or c.booktitle)


def kind(c: Citation) -> str:
    """What a citation is, in the terms other formats type by: ``preprint``, ``software`` (a
    repository), ``document`` (another misc entry), or the BibTeX entry type."""
    if is_preprint(c):
        return "preprint"
    if c.type == "misc":
        from urllib.parse import urlsplit

        host = urlsplit(c.url).hostname if c.url else None
        return "software" if host == "github.com" else "document"
    return c.type


def canonical(c: Citation) -> Citation:
    """The citation with its venue spelled as the venue vocabulary says.

    A conference written as a journal (or the reverse) also gets the entry type
    that goes with it, so that styles print it as what it is.
    """
    from sllm.venues import canonical_name, lookup

    changes: dict = {}
    for fld in ("booktitle", "journal"):
        venue = lookup(getattr(c, fld))
        if venue is None:
            continue
        name = canonical_name(venue, c.year)
        if venue.kind == "conference" and fld == "journal" and c.type == "article" and not c.booktitle:
            changes.update(type="inproceedings", journal=None, booktitle=name)
        elif venue.kind == "journal" and fld == "booktitle" and c.type == "inproceedings" and not c.journal:
            changes.update(type="article", booktitle=None, journal=name)
        else:
            changes[fld] = name
    return dataclasses.replace(c, **changes) if changes else c


def preprint_version(c: Citation, arxiv: str) -> Citation:
    """The arXiv preprint of a published work, under the same key.

    Its date is the one the arXiv id encodes; the DOI, pages and venue are the
    published version's and are dropped.
    """
    date = arxiv_date(arxiv)
    year, month = date if date else (c.year, None)
    return Citation(
        type="misc", key=c.key, authors=list(c.authors), title=c.title, year=year,
        month=MONTHS[month - 1] if month else None, eprint=arxiv, archiveprefix="arXiv",
        primaryclass=c.primaryclass, url=f"https://arxiv.org/abs/{arxiv}",
        verified=c.verified, evidence=c.evidence,
    )


def arxiv_url(c: Citation) -> Optional[str]:
    return f"https://arxiv.org/abs/{c.eprint}" if is_arxiv(c) else None


def page_range(pages: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """First and last page of '1--10', '1-10', '1–10' or 'e123'."""
    if not pages:
        return None, None
    for sep in ("--", "\u2013", "-"):
        if sep in pages:
            first, _, last = pages.partition(sep)
            return first.strip() or None, last.strip() or None
    return pages.strip(), None


def fold_ascii(text: str, lost: Optional[set] = None) -> str:
    """Plain text in ASCII: accents dropped (é -> e), full-width forms folded
    (： -> :), anything else left out and added to ``lost``."""
    import unicodedata

    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if not folded.isascii():
            folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if folded.isascii() and folded:
            out.append(folded)
        else:
            out.append(_PUNCT.get(ch, ""))
            if ch not in _PUNCT and lost is not None:
                lost.add(ch)
    return "".join(out)


_PUNCT = {"\u2013": "-", "\u2014": "--", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
          "\u2032": "'", "\u2033": "''", "\u00df": "ss", "\u0142": "l", "\u0141": "L", "\u0131": "i",
          "\u00f8": "o", "\u00d8": "O", "\u00e6": "ae", "\u00c6": "AE"}


def lost_message(key: str, what: str, lost: set) -> str:
    return (f"{key}: {what} has characters with no ASCII form ({''.join(sorted(lost))}); left out: "
            "add a romanized or English form to the catalog, or use --encoding utf-8")
