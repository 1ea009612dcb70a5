"""Citations: which ones to write, in which format, with which warnings.

The formats themselves live in ``citeformats`` (one exporter per format). Here
a list of records becomes the citations to write: the published version or,
with ``prefer="preprint"``, the arXiv preprint where the catalog knows both.
What writing them could not do faithfully (a character with no ASCII form, a
field left out) comes back as warnings, one line each.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from .records import Citation, Record

PREFER = ("published", "preprint")
ENCODINGS = ("ascii", "utf-8")


class CiteError(Exception):
    """A bibliography that cannot be written safely; nothing was changed."""


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


# --- appending to an existing bibliography ---------------------------------

def _norm_title(text: str) -> str:
    import latexcodec  # noqa: F401

    try:
        text = codecs.decode(text, "ulatex")
    except Exception:  # noqa: BLE001 - a title we cannot decode is compared raw
        pass
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass
class MergeResult:
    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # key, why


def merge_into(path: Path, citations: Sequence[Citation]) -> MergeResult:
    """Append the citations the file does not have yet; never damage what is there.

    Existing entries are matched by key (case-insensitively, as BibTeX does), arXiv
    id, DOI and title. The new file is written beside the old one and renamed over
    it, so an interrupted write leaves the old file as it was.
    """
    from pybtex.database import parse_string
    from pybtex.scanner import PybtexError

    original = b""
    if path.exists():
        if not path.is_file():
            raise CiteError(f"{path} is not a regular file; nothing written")
        try:
            original = path.read_bytes()
        except OSError as exc:
            raise CiteError(f"cannot read {path}: {exc.strerror}; nothing written") from None
        try:
            text = original.decode("utf-8")
        except UnicodeDecodeError:
            raise CiteError(f"{path} is not UTF-8 text; nothing written") from None
        try:
            existing = parse_string(text, "bibtex")
        except (PybtexError, Exception) as exc:  # noqa: BLE001 - any parse failure means hands off
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise CiteError(f"{path} is not a BibTeX file pybtex can read ({first}); nothing written") from None
    else:
        existing = None

    keys, ids = set(), set()
    if existing is not None:
        for key, e in existing.entries.items():
            keys.add(key.casefold())
            for name in ("eprint", "doi"):
                if e.fields.get(name):
                    ids.add(f"{name}:{e.fields[name].strip().casefold()}")
            if e.fields.get("title"):
                ids.add("title:" + _norm_title(e.fields["title"]))

    result = MergeResult()
    fresh: list[Citation] = []
    for c in citations:
        marks = [f"title:{_norm_title(c.title)}"]
        if c.eprint:
            marks.append(f"eprint:{c.eprint.casefold()}")
        if c.doi:
            marks.append(f"doi:{c.doi.casefold()}")
        if c.key.casefold() in keys:
            result.skipped.append((c.key, "key already in the file"))
        elif any(m in ids for m in marks):
            result.skipped.append((c.key, "same paper already in the file"))
        else:
            fresh.append(c)
            keys.add(c.key.casefold())
            ids.update(marks)
            result.added.append(c.key)
    if not fresh:
        return result

    addition = bibtex(fresh).encode("utf-8")
    if original and not original.endswith(b"\n"):
        addition = b"\n" + addition
    if original:
        addition = b"\n" + addition
    _atomic_write(path, original + addition)
    return result


def _atomic_write(path: Path, data: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise CiteError(f"cannot write in {directory}: {exc.strerror}; nothing written") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
