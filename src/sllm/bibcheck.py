"""Auditing a user's bibliography against the catalog's citations.

Written bibliographies (and LLM-written ones most of all) carry invented authors,
wrong arXiv ids and misremembered venues. ``check`` finds, for each BibTeX entry,
the catalog paper it cites and lists what disagrees with the catalog's citation;
an entry the catalog does not know is reported as not checked, never judged.
``fix`` writes a corrected copy of the text, replacing only the entries that
need it, so everything else in the file stays byte for byte.

Decisions, so that a report can be trusted:

- Matching scores the evidence: the same title (ignoring case, punctuation and
  LaTeX markup) 4, the same DOI 3, the same arXiv id 3, a near-identical title 2,
  the same first-author surname 1, the same key 1. The best-scoring record wins;
  so a right title beats one wrong identifier, and two agreeing identifiers beat
  a title. A near title alone (no identifier, no exact title) needs the first
  author's surname or the year to agree, or, when the title is only similar,
  both.
- Authors are compared after decoding LaTeX, folding accents and reading both
  "Last, First" and "First Last". Two names are one person when the surnames
  agree and the given names agree as far as both go: "J. Smith", "John Smith"
  and "John R. Smith" are one person, "Joey Gottweis" and "Juraj Gottweis" are
  not. A list ending in "and others" (or "...") is checked as far as it goes.
- Absent optional fields (DOI, arXiv id, venue, volume, pages) are not problems;
  an absent author list, title or year is.
- Venue: when the catalog cites a published version and the entry a preprint,
  that is a problem (the published version exists). When the catalog cites a
  preprint and the entry a published version, the venue, year, volume and pages
  are not judged: the catalog may be behind. Published venues are compared with
  "Proceedings of the", "Advances in", years, ordinals and parenthesised
  acronyms set aside; either side's acronym (CIKM, ICLR) also counts, and so
  does an abbreviated word ("J.", "Intell.").
- Fixing keeps the key and every field not judged wrong; a wrong author list
  becomes the catalog's whole list, a wrong venue the catalog's entry type and
  venue fields (with its DOI and arXiv id where the entry has none). A rewritten
  entry has its @string macros expanded.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Sequence

from .records import Citation, Record
from .venues import lookup as lookup_venue

#: A bibliography larger than this is refused rather than read into memory.
MAX_BYTES = 64 * 1024 * 1024

NEAR_TITLE = 90.0  # rapidfuzz ratio of normalized titles: a near-identical title
SIMILAR_TITLE = 75.0  # accepted only with the first author and the year agreeing

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_IN_TEXT = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf)/|arxiv[:\s]*(?:abs/)?|10\.48550/arxiv\.|corr\s+abs/)\s*({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?",
    re.IGNORECASE,
)
_ARXIV_BARE = re.compile(rf"^\s*(?:arxiv:)?({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?\s*$", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"(?:doi\.org/|doi:\s*|^\s*)(10\.\d{4,9}/[^\s{}\"',]+)", re.IGNORECASE)
_PREPRINT = re.compile(r"arxiv|biorxiv|medrxiv|chemrxiv|preprint|\bcorr\b|ssrn", re.IGNORECASE)
_VENUE_FIELDS = ("journal", "booktitle")
_VENUE_GROUP = ("journal", "booktitle", "howpublished", "volume", "number", "pages",
                "publisher", "organization", "address", "series", "edition")
_ID_SOURCES = ("eprint", "doi", "url", "journal", "note", "howpublished")
_FOLD = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae",
                       "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ð": "d", "þ": "th"})
_MARKERS = {"", "others", "etal"}
#: Entry types that, with an arXiv id and no venue, cite the preprint.
_PREPRINT_TYPES = {"misc", "article", "unpublished", "online", "techreport"}


class BibError(Exception):
    """A bibliography that cannot be read or written; the message says why."""


@dataclass(frozen=True)
class Problem:
    """One disagreement with the catalog's citation.

    ``found`` is the value as written in the file, ``expected`` the catalog's
    value as plain text; either is None when the value is missing or should go.
    """

    field: str
    found: Optional[str]
    expected: Optional[str]
    kind: str = "differs"  # author: invented, misspelled, reordered, missing
    position: Optional[int] = None  # 1-based author position
    source: Optional[str] = None  # the BibTeX field the value was read from

    def as_dict(self) -> dict:
        return {"field": self.field, "found": self.found, "expected": self.expected,
                "kind": self.kind, "position": self.position, "source": self.source}


@dataclass
class EntryReport:
    key: str
    model: Optional[str] = None  # catalog id, or None when not checked
    name: Optional[str] = None
    matched_by: list[str] = field(default_factory=list)  # title, doi, arxiv, similar title
    verified: Optional[bool] = None  # whether the catalog's citation is verified
    problems: list[Problem] = field(default_factory=list)
    citation: Optional[Citation] = field(default=None, repr=False)

    @property
    def checked(self) -> bool:
        return self.model is not None

    def as_dict(self) -> dict:
        return {"key": self.key, "model": self.model, "matched_by": self.matched_by,
                "verified": self.verified, "problems": [p.as_dict() for p in self.problems]}


@dataclass
class Report:
    entries: list[EntryReport] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(len(e.problems) for e in self.entries)

    def as_data(self) -> list[dict]:
        return [e.as_dict() for e in self.entries]

    def summary(self) -> str:
        checked = [e for e in self.entries if e.checked]
        wrong = [e for e in checked if e.problems]
        n = len(self.entries)
        return (f"{n} entr{'y' if n == 1 else 'ies'}: {len(checked)} checked, {len(wrong)} with problems "
                f"({self.problems} problem{'' if self.problems == 1 else 's'}), "
                f"{n - len(checked)} not in the catalog (not checked)")


# --- reading -------------------------------------------------------------------

def read(path: Path) -> str:
    """The file's text, or a BibError that says in one line what is wrong."""
    try:
        if path.is_dir():
            raise BibError(f"{path} is a folder; give a .bib file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BibError(f"{path} is {size} bytes; the limit is {MAX_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BibError(f"{path}: no such file") from None
    except OSError as exc:
        raise BibError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BibError(f"{path} is not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from None


def parse(text: str, name: str = "the bibliography"):
    """pybtex's BibliographyData for ``text``; a BibError when it is not BibTeX."""
    from pybtex.database import parse_string

    try:
        data = parse_string(text, "bibtex")
    except Exception as exc:  # noqa: BLE001 - pybtex raises several kinds; all mean "not BibTeX"
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise BibError(f"{name} is not a BibTeX file pybtex can read ({first})") from None
    if not data.entries:
        raise BibError(f"{name} has no BibTeX entries (expected entries such as @article{{key, ...}})")
    return data


# --- normalizing ---------------------------------------------------------------

def _decode(text: str) -> str:
    """LaTeX -> Unicode, braces and commands dropped; raw text when undecodable."""
    if "\\" in text or "~" in text:
        import latexcodec  # noqa: F401  (registers the codec)

        try:
            text = codecs.decode(text, "ulatex")
        except Exception:  # noqa: BLE001 - odd markup is compared as written
            pass
    text = re.sub(r"\\[a-zA-Z]+\s*", "", text)
    return " ".join(text.replace("{", "").replace("}", "").split())


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _plain(text: str) -> str:
    """Only letters and digits, folded: the form in which titles are compared."""
    return re.sub(r"[\W_]+", "", _fold(_decode(text)))


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", _fold(_decode(text)))


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- names -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Name:
    shown: str  # as written, First von Last
    surname: str  # last word of the last name, normalized
    given: tuple[tuple[str, ...], ...]  # every other word, split at hyphens
    full: str  # all words, normalized

    @property
    def marker(self) -> bool:
        return self.full in _MARKERS


def _name(person) -> _Name:
    parts = [*person.first_names, *person.middle_names, *person.prelast_names, *person.last_names]
    shown = _flat(" ".join(parts))
    words = [[p for p in (_plain(w) for w in re.split(r"[-‐]", part)) if p] for part in parts]
    words = [w for w in words if w]
    if not words:
        return _Name(shown, "", (), "")
    return _Name(shown, "".join(words[-1]), tuple(tuple(w) for w in words[:-1]),
                 "".join("".join(w) for w in words))


def _names(persons) -> tuple[list[_Name], bool]:
    """The names, without "others" / "..." markers, and whether the list was cut short."""
    names = [_name(p) for p in persons]
    kept = [n for n in names if not n.marker]
    return kept, len(kept) < len(names)


def _word_agrees(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if "".join(a) == "".join(b):
        return True
    if len(a) != len(b):
        return False
    return all(x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))
               for x, y in zip(a, b))


def _given_agree(a: Sequence[tuple[str, ...]], b: Sequence[tuple[str, ...]]) -> bool:
    """First given names agree; the shorter list's others appear in order in the longer."""
    if not a or not b:
        return True
    if not _word_agrees(a[0], b[0]):
        return False
    short, long_ = (a[1:], b[1:]) if len(a) <= len(b) else (b[1:], a[1:])
    i = 0
    for word in short:
        while i < len(long_) and not _word_agrees(word, long_[i]):
            i += 1
        if i == len(long_):
            return False
        i += 1
    return True


def same_person(a: _Name, b: _Name) -> bool:
    if a.full == b.full:
        return True
    return a.surname == b.surname and _given_agree(a.given, b.given)


def _close(a: _Name, b: _Name) -> bool:
    """A misspelling rather than another person: same surname, or nearly the same name."""
    from rapidfuzz.fuzz import ratio

    if a.surname == b.surname:
        return True
    same_initial = bool(a.given) and bool(b.given) and a.given[0][0][0] == b.given[0][0][0]
    return same_initial and ratio(a.full, b.full) >= 85


def _catalog_names(c: Citation) -> list[_Name]:
    from pybtex.database import Person

    from .citeformats.bibtex import format_name
    from .names import parse as parse_name

    # Catalog names are plain Unicode: split as sllm writes them (suffixes, particles,
    # corporate names), not through LaTeX.
    out = []
    for a in c.authors:
        name = parse_name(a)
        out.append(replace(_name(Person(format_name(name, ascii=False))), shown=name.display()))
    return out


def compare_authors(found: list[_Name], cut: bool, expected: list[_Name]) -> list[Problem]:
    problems: list[Problem] = []
    for i, name in enumerate(found):
        want = expected[i] if i < len(expected) else None
        if want is not None and same_person(name, want):
            continue
        elsewhere = next((j for j, e in enumerate(expected) if j != i and same_person(name, e)), None)
        if elsewhere is not None:
            problems.append(Problem("author", name.shown, want.shown if want else None, "reordered", i + 1))
        elif want is not None and _close(name, want):
            problems.append(Problem("author", name.shown, want.shown, "misspelled", i + 1))
        else:
            problems.append(Problem("author", name.shown, want.shown if want else None, "invented", i + 1))
    if not cut and len(found) < len(expected):
        missing = [e for e in expected[len(found):] if not any(same_person(n, e) for n in found)]
        names = "; ".join(n.shown for n in missing)
        problems.append(Problem("author", None, names, "missing", len(found) + 1))
    return problems


# --- identifiers and venues -------------------------------------------------------

def _arxiv_ids(fields) -> list[tuple[str, str]]:
    """(id, field it was read from) for every arXiv id in the entry, versions dropped."""
    out = []
    for name in _ID_SOURCES:
        value = fields.get(name)
        if not value:
            continue
        bare = _ARXIV_BARE.match(value) if name == "eprint" else None
        found = [bare.group(1)] if bare else [m.group(1) for m in _ARXIV_IN_TEXT.finditer(value)]
        out.extend((i, name) for i in found if (i, name) not in out)
    return out


def _dois(fields) -> list[tuple[str, str]]:
    out = []
    for name in ("doi", "url", "note"):
        value = fields.get(name)
        if not value:
            continue
        pattern = _DOI_IN_TEXT if name == "doi" else re.compile(r"doi\.org/(10\.\d{4,9}/[^\s{}\"',]+)", re.I)
        for m in pattern.finditer(value):
            doi = m.group(1).rstrip(".")
            if doi.lower().startswith("10.48550/arxiv."):
                continue  # an arXiv id, compared as one
            if (doi, name) not in [(d, n) for d, n in out]:
                out.append((doi, name))
    return out


def _venue(fields) -> Optional[str]:
    for name in _VENUE_FIELDS:
        if fields.get(name):
            return fields[name]
    return None


def _is_preprint(text: Optional[str]) -> bool:
    return bool(text) and bool(_PREPRINT.search(_decode(text)))


_SKIP_WORDS = {"proceedings", "of", "the", "in", "advances", "conference", "on", "annual", "and", "for"}


def _venue_forms(*texts: Optional[str]) -> set[str]:
    forms: set[str] = set()
    for text in texts:
        if not text:
            continue
        decoded = _decode(text)
        known = lookup_venue(decoded)  # every spelling the venue vocabulary knows is one venue
        if known is not None:
            forms.add(f"venue:{known.id}")
        for acronym in re.findall(r"\(([^()]*)\)", decoded):
            word = re.sub(r"[^A-Za-z]", "", acronym.split()[0]) if acronym.split() else ""
            if len(word) >= 2:
                forms.add(word.casefold())
        outside = re.sub(r"\([^()]*\)", " ", decoded)
        words = [w for w in _words(outside) if w not in _SKIP_WORDS
                 and not re.fullmatch(r"\d+(st|nd|rd|th)?|(19|20)\d\d", w)]
        if words:
            forms.add(" ".join(words))
    return forms


def _same_venue(ours: set[str], theirs: set[str]) -> bool:
    """Some form agrees word for word, an abbreviation ("J.", "Intell.") matching its word."""
    for a in ours:
        for b in theirs:
            x, y = a.split(), b.split()
            if len(x) == len(y) and all(u.startswith(v) or v.startswith(u) for u, v in zip(x, y)):
                return True
    return False


def _pages(text: str) -> str:
    return re.sub(r"[-‐–—]+", "-", re.sub(r"\s+", "", _decode(text)))


def _cite_venue(c: Citation) -> Optional[str]:
    return c.journal or c.booktitle


# --- matching ----------------------------------------------------------------------

@dataclass
class _Index:
    records: list[Record]
    titles: dict[str, list[int]]
    dois: dict[str, list[int]]
    arxiv: dict[str, list[int]]
    keys: dict[str, list[int]]
    plain_titles: list[str]
    names: dict[int, list[_Name]] = field(default_factory=dict)

    @classmethod
    def build(cls, records: Sequence[Record]) -> "_Index":
        kept = [r for r in records if r.citation is not None]
        titles: dict[str, list[int]] = {}
        dois: dict[str, list[int]] = {}
        arxiv: dict[str, list[int]] = {}
        keys: dict[str, list[int]] = {}
        plain = []
        for i, r in enumerate(kept):
            c = r.citation
            assert c is not None
            plain.append(_plain(c.title))
            titles.setdefault(plain[-1], []).append(i)
            for doi in {d.casefold() for d in (c.doi, r.doi) if d}:
                dois.setdefault(doi, []).append(i)
            for a in {a.casefold() for a in (c.eprint, r.arxiv) if a}:
                arxiv.setdefault(a, []).append(i)
            keys.setdefault(c.key.casefold(), []).append(i)
        return cls(kept, titles, dois, arxiv, keys, plain)

    def authors(self, i: int) -> list[_Name]:
        if i not in self.names:
            c = self.records[i].citation
            assert c is not None
            self.names[i] = _catalog_names(c)
        return self.names[i]

    def match(self, key: str, fields, names: list[_Name]) -> tuple[Optional[int], list[str]]:
        """The best-supported record for an entry, and the evidence, strongest first."""
        score: dict[int, float] = {}
        how: dict[int, list[str]] = {}

        def add(i: int, points: float, reason: str) -> None:
            score[i] = score.get(i, 0) + points
            if reason and reason not in how.setdefault(i, []):
                how[i].append(reason)

        title = _plain(fields.get("title", ""))
        for i in self.titles.get(title, []) if title else []:
            add(i, 4, "title")
        for doi, _ in _dois(fields):
            for i in self.dois.get(doi.casefold(), []):
                add(i, 3, "doi")
        for a, _ in _arxiv_ids(fields):
            for i in self.arxiv.get(a.casefold(), []):
                add(i, 3, "arxiv")
        near: dict[int, float] = {}
        if title and not any(i in score for i in self.titles.get(title, [])):
            from rapidfuzz import fuzz, process

            for _, similarity, i in process.extract(title, self.plain_titles, scorer=fuzz.ratio,
                                                    score_cutoff=SIMILAR_TITLE, limit=5):
                near[i] = similarity
        year = fields.get("year", "").strip()
        first = names[0] if names else None
        for i in list(near):
            c = self.records[i].citation
            assert c is not None
            cat_first = self.authors(i)[0] if self.authors(i) else None
            same_first = bool(first and cat_first and first.surname == cat_first.surname)
            same_year = year == str(c.year)
            near_enough = near[i] >= NEAR_TITLE and (same_first or same_year)
            if i in score or near_enough or (same_first and same_year):
                add(i, 2, "similar title")
        for i in list(score):
            cat_names = self.authors(i)
            if first and cat_names and first.surname == cat_names[0].surname:
                add(i, 1, "")
            if i in self.keys.get(key.casefold(), []):
                add(i, 1, "")
        if not score and not title and not names:
            # Nothing else to go by (an ASCII entry whose non-Latin title and authors
            # were left out): the catalog's own key.
            for i in self.keys.get(key.casefold(), []):
                add(i, 1, "key")
        if not score:
            return None, []
        best = max(score, key=lambda i: (score[i], -i))
        return best, how[best]


# --- checking -------------------------------------------------------------------------

def check(text: str, records: Sequence[Record], name: str = "the bibliography") -> Report:
    """Compare every entry of ``text`` with the catalog paper it cites."""
    data = parse(text, name)
    index = _Index.build(records)
    report = Report()
    for key, entry in data.entries.items():
        names, cut = _names(entry.persons.get("author", []))
        i, how = index.match(key, entry.fields, names)
        if i is None:
            report.entries.append(EntryReport(key))
            continue
        record = index.records[i]
        c = record.citation
        assert c is not None
        problems = _compare(entry, names, cut, record, index.authors(i), index)
        report.entries.append(EntryReport(key, record.id, record.name, how, c.verified, problems, c))
    return report


def _compare(entry, names: list[_Name], cut: bool, record: Record, cat_names: list[_Name],
             index: _Index) -> list[Problem]:
    c = record.citation
    assert c is not None
    fields = entry.fields
    problems: list[Problem] = []

    if "author" not in entry.persons:
        problems.append(Problem("author", None, "; ".join(n.shown for n in cat_names), "missing", 1))
    else:
        problems.extend(compare_authors(names, cut, cat_names))

    title = fields.get("title")
    if not title:
        problems.append(Problem("title", None, c.title, "missing", source="title"))
    elif _plain(title) != _plain(c.title):
        problems.append(Problem("title", _flat(title), c.title, source="title"))

    venue = _venue(fields)
    cat_venue = _cite_venue(c)
    cat_preprint = cat_venue is None or _is_preprint(cat_venue)
    # What says the entry cites a preprint: its venue, else howpublished, else a bare arXiv id.
    shown, source = (venue, next(n for n in _VENUE_FIELDS if fields.get(n))) if venue else (None, None)
    if venue is None and _is_preprint(fields.get("howpublished")):
        shown, source = fields["howpublished"], "howpublished"
    elif venue is None and entry.type.lower() in _PREPRINT_TYPES and _arxiv_ids(fields):
        found, where = _arxiv_ids(fields)[0]
        shown, source = f"arXiv:{found}", where
    entry_preprint = shown is not None and _is_preprint(shown)
    published_unknown = cat_preprint and venue is not None and not entry_preprint
    year = fields.get("year", "").strip()
    if not year:
        problems.append(Problem("year", None, str(c.year), "missing", source="year"))
    elif year != str(c.year) and not published_unknown:
        problems.append(Problem("year", year, str(c.year), source="year"))

    arxiv = c.eprint or record.arxiv
    problems.extend(_id_problems("arxiv", _arxiv_ids(fields), arxiv, index.arxiv, record, index))
    problems.extend(_id_problems("doi", _dois(fields), c.doi or record.doi, index.dois, record, index))

    if cat_venue and not cat_preprint and shown is not None:
        same = not entry_preprint and _same_venue(_venue_forms(shown), _venue_forms(cat_venue, record.venue))
        if not same:
            problems.append(Problem("venue", _flat(shown), cat_venue, source=source))
        else:
            for name, want in (("volume", c.volume), ("pages", c.pages)):
                got = fields.get(name)
                norm = _pages if name == "pages" else _plain
                if got and want and norm(got) != norm(want):
                    problems.append(Problem(name, _flat(got), want, source=name))
    return problems


def _id_problems(name: str, found: list[tuple[str, str]], expected: Optional[str],
                 owners: dict[str, list[int]], record: Record, index: _Index) -> list[Problem]:
    """Ids that are not the paper's. Where the catalog knows none for it, only an id
    that belongs to another catalog paper is judged."""
    out = []
    for value, source in found:
        if expected and value.casefold() == expected.casefold():
            continue
        elsewhere = any(index.records[j] is not record for j in owners.get(value.casefold(), []))
        if expected or elsewhere:
            out.append(Problem(name, value, expected, source=source))
    return out


# --- human output ---------------------------------------------------------------------

_KIND_NOTES = {
    "invented": "not an author of this paper",
    "misspelled": "misspelled",
}


def human(report: Report) -> str:
    """One block per entry: what it was matched to and what to change."""
    blocks = []
    for e in report.entries:
        if not e.checked:
            blocks.append(f"{e.key}: not checked (the catalog does not know this paper)")
            continue
        how = [_HOW[m] for m in e.matched_by]
        how_text = how[0] if len(how) == 1 else ", ".join(how[:-1]) + " and " + how[-1]
        head = f"{e.key}: {e.name} ({e.model}), matched by {how_text}"
        if e.verified is False:
            head += "; the catalog's citation is itself unverified"
        lines = [head + (": no problems" if not e.problems else "")]
        lines.extend("  " + _advice(p) for p in e.problems)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


_HOW = {"doi": "DOI", "arxiv": "arXiv id", "title": "title", "similar title": "a similar title", "key": "its key alone"}
_LABELS = {"arxiv": "arXiv id", "doi": "DOI"}


def _advice(p: Problem) -> str:
    if p.field == "author":
        if p.kind == "missing":
            names = (p.expected or "").split("; ")
            shown = "; ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            return f"authors: add the {len(names)} missing after author {(p.position or 1) - 1}: {shown}"
        label = f"author {p.position}"
        if p.kind == "reordered":
            tail = f"; author {p.position} is \"{p.expected}\"" if p.expected else ""
            return f"{label}: \"{p.found}\" is in the wrong place{tail}"
        if p.expected is None:
            why = _KIND_NOTES.get(p.kind, p.kind)
            return f"{label}: remove \"{p.found}\" ({why}; the paper has fewer authors)"
        return f"{label}: change \"{p.found}\" to \"{p.expected}\" ({_KIND_NOTES.get(p.kind, p.kind)})"
    label = _LABELS.get(p.field, p.field)
    if p.source and p.source != p.field and p.field in ("arxiv", "doi", "venue"):
        label += f" (in {p.source})"
    if p.found is None:
        return f"{label}: add \"{p.expected}\""
    if p.expected is None:
        return f"{label}: remove \"{p.found}\" (it belongs to another paper in the catalog)"
    why = " (the catalog cites the published version)" if p.field == "venue" and _is_preprint(p.found) else ""
    return f"{label}: change \"{p.found}\" to \"{p.expected}\"{why}"


# --- fixing -----------------------------------------------------------------------------

def fix(text: str, report: Report, name: str = "the bibliography") -> str:
    """``text`` with every entry that has problems rewritten from the catalog.

    Only those entries change; the user's key and fields the catalog does not
    judge are kept. The result is checked to parse before it is returned.
    """
    from .cite import entry as render

    data = parse(text, name)
    spans = _entry_spans(text)
    if sorted(k.casefold() for k in spans) != sorted(k.casefold() for k in data.entries):
        raise BibError(f"{name}: cannot locate every entry in the text to rewrite it; nothing written")
    lookup = {k.casefold(): v for k, v in spans.items()}
    edits = []
    for e in report.entries:
        if not e.problems or e.citation is None:
            continue
        start, end = lookup[e.key.casefold()]
        new = _fixed_entry(e, data.entries[e.key], render(e.citation))
        edits.append((start, end, new.replace("\n", "\r\n") if "\r\n" in text else new))
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    fixed = parse(out, "the corrected bibliography")
    if list(fixed.entries) != list(data.entries):
        raise BibError("the corrected bibliography lost or renamed entries; nothing written")
    return out


def _fixed_entry(e: EntryReport, entry, rendered) -> str:
    from .cite import latex

    c = e.citation
    assert c is not None
    fields = {k.lower(): v for k, v in entry.fields.items()}
    order = list(fields)
    kind = entry.type
    cat = {k.lower(): v for k, v in rendered.fields.items()}
    wrong = {p.field for p in e.problems}

    def put(name: str, value: str) -> None:
        if name not in fields:
            order.append(name)
        fields[name] = value

    def drop(name: str) -> None:
        fields.pop(name, None)
        if name in order:
            order.remove(name)

    if "venue" in wrong:
        kind = c.type
        for name in _VENUE_GROUP:
            drop(name)
        for name in _VENUE_GROUP:
            if name in cat:
                put(name, cat[name])
    for name in ("volume", "pages", "title", "year"):
        if name in wrong:
            put(name, cat[name])
    for p in e.problems:
        if p.field not in ("arxiv", "doi") or p.source not in fields:
            continue
        if p.expected:
            fields[p.source] = fields[p.source].replace(p.found, p.expected)
        else:
            drop(p.source)
    if "venue" in wrong:
        if c.eprint and not _arxiv_ids(fields):
            put("eprint", c.eprint)
            if c.archiveprefix:
                put("archiveprefix", c.archiveprefix)
        if c.doi and not _dois(fields):
            put("doi", c.doi)

    if "author" in wrong:
        authors = " and ".join(latex(a) for a in c.authors)
    else:
        authors = _people(entry.persons.get("author", []))
    lines = [f"@{kind}{{{e.key},"]
    if authors:
        lines.append(f"  author = {{{authors}}},")
    for role, persons in entry.persons.items():
        if role.lower() != "author":
            lines.append(f"  {role.lower()} = {{{_people(persons)}}},")
    lines.extend(f"  {name} = {{{fields[name]}}}," for name in order if name in fields)
    lines.append("}")
    return "\n".join(lines)


def _people(persons) -> str:
    """Names as the user most likely wrote them: First von Last, or Last, Jr, First."""
    return " and ".join(
        str(p) if p.lineage_names else
        " ".join([*p.first_names, *p.middle_names, *p.prelast_names, *p.last_names])
        for p in persons)


def _entry_spans(text: str) -> dict[str, tuple[int, int]]:
    """Where each entry (not @comment, @string or @preamble) starts and ends in ``text``."""
    spans: dict[str, tuple[int, int]] = {}
    head = re.compile(r"@\s*([A-Za-z][\w\-]*)\s*([{(])")
    pos = 0
    while True:
        m = head.search(text, pos)
        if m is None:
            return spans
        kind, opener = m.group(1).lower(), m.group(2)
        if kind == "comment":
            pos = m.end()  # like pybtex, skip the word and read on: entries inside still count
            continue
        end = _close_of(text, m.end() - 1, opener)
        if end is None:
            return spans
        if kind not in ("string", "preamble"):
            body = text[m.end():end - 1]
            key = body.split(",", 1)[0].strip()
            spans[key] = (m.start(), end)
        pos = end


def _close_of(text: str, start: int, opener: str) -> Optional[int]:
    """The index just past the delimiter that closes the one at ``start``."""
    depth = 0
    if opener == "{":
        for i in range(start, len(text)):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
        return None
    quoted = False
    for i in range(start + 1, len(text)):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == ")" and depth == 0 and not quoted:
            return i + 1
    return None


# --- writing ------------------------------------------------------------------------------

def write_copy(path: Path, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically; refuse to replace a file unless ``force``."""
    if path.exists() and not force:
        raise BibError(f"{path} already exists; give another -o path, or --force to replace it")
    if path.exists() and not path.is_file():
        raise BibError(f"{path} is not a regular file; nothing written")
    if path.is_symlink():
        # replacing would turn the link into a file and leave its target as it was
        raise BibError(f"{path} is a symbolic link; give the file it points to, or another path; nothing written")
    if path.exists() and path.stat().st_nlink > 1:
        raise BibError(f"{path} has other hard links that would keep the old text; give another path; nothing written")
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise BibError(f"cannot write in {directory}: {exc.strerror or exc}; nothing written") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():  # a replaced copy keeps the old file's mode
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise BibError(f"cannot write {path}: {exc.strerror or exc}; nothing written") from None
