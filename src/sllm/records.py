"""Typed catalog records: the contract that ``--json`` prints.

Records are frozen dataclasses, and pydantic validates them: vocabulary fields are
``Literal`` types and constraints are ``Rule`` marks, all checked by pydantic-core
while it parses a file's JSON, in one pass. The classes themselves import nothing
of pydantic, so a run that reads its records from the validated cache (see
``cache``) never builds pydantic's schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, Literal, Optional

from .vocab import ACCESS, DOMAINS, EVIDENCE, MODALITIES, OPEN_ACCESS, TYPES

#: Bumped (with a README note) whenever a key is renamed or removed; new keys
#: may be added without a bump.
CONTRACT_VERSION = "2"

Domain = Literal[DOMAINS]  # type: ignore[valid-type]
Modality = Literal[MODALITIES]  # type: ignore[valid-type]
ArchType = Literal[tuple(TYPES)]  # type: ignore[valid-type]
Kind = Literal["model", "agent", "service"]
#: Epoch AI's access categories (DESIGN.md, round-2 decisions).
Access = Literal[ACCESS]  # type: ignore[valid-type]
Evidence = Literal[EVIDENCE]  # type: ignore[valid-type]
EntryType = Literal[
    "article", "inproceedings", "misc", "techreport", "book", "incollection",
    "phdthesis", "online",
]

ID_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
ARXIV_PATTERN = r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})$"
#: Identifiers are written verbatim into BibTeX: no whitespace, backslash or brace.
URL_PATTERN = r"^https?://[^\s\\{}]+$"
DOI_PATTERN = r"^10\.\d{4,9}/[^\s\\{}]+$"
KEY_PATTERN = r"^[A-Za-z0-9._:\-]+$"
#: ISO 639-1: two lower-case letters.
LANGUAGE_PATTERN = r"^[a-z]{2}$"

#: Unknown keys are an error: a misspelt field must not vanish silently.
_STRICT = {"extra": "forbid"}


@dataclass(frozen=True)
class Rule:
    """A constraint on one field, applied by pydantic-core when a file is validated."""

    pattern: Optional[str] = None
    min_length: Optional[int] = None
    max_length: Optional[int] = None
    gt: Optional[int] = None
    ge: Optional[int] = None
    le: Optional[int] = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        for key in ("pattern", "min_length", "max_length", "gt", "ge", "le"):
            value = getattr(self, key)
            if value is not None:
                schema[key] = value
        return schema


Url = Annotated[str, Rule(pattern=URL_PATTERN)]
Doi = Annotated[str, Rule(pattern=DOI_PATTERN)]
Arxiv = Annotated[str, Rule(pattern=ARXIV_PATTERN)]


@dataclass(frozen=True, slots=True)
class Size:
    """A released size: the label as published, the count as an integer."""

    __pydantic_config__ = _STRICT

    label: Annotated[str, Rule(min_length=1, max_length=40)]
    parameters: Optional[Annotated[int, Rule(gt=0)]] = None
    #: Mixture-of-experts models: the parameters active per token, as read.
    active_parameters: Optional[Annotated[int, Rule(gt=0)]] = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record's facts were read, and which facts."""

    __pydantic_config__ = _STRICT

    url: Url
    facts: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Citation:
    """A BibTeX entry kept as structured fields, rendered by pybtex on demand."""

    __pydantic_config__ = _STRICT

    type: EntryType
    key: Annotated[str, Rule(pattern=KEY_PATTERN, max_length=80)]
    authors: Annotated[list[str], Rule(min_length=1)]
    title: Annotated[str, Rule(min_length=1)]
    year: Annotated[int, Rule(ge=1900, le=2100)]
    journal: Optional[str] = None
    booktitle: Optional[str] = None
    volume: Optional[str] = None
    number: Optional[str] = None
    pages: Optional[str] = None
    publisher: Optional[str] = None
    institution: Optional[str] = None
    organization: Optional[str] = None
    address: Optional[str] = None
    month: Optional[str] = None
    note: Optional[str] = None
    howpublished: Optional[str] = None
    doi: Optional[Doi] = None
    eprint: Optional[Arxiv] = None
    archiveprefix: Optional[str] = None
    primaryclass: Optional[str] = None
    url: Optional[Url] = None
    #: True exactly when ``evidence`` is "primary" (kept for contract version 1 readers).
    verified: bool = False
    #: primary: read in a primary source; corroborated: two independent secondary
    #: sources agree on the whole author list and venue; unconfirmed: neither.
    #: Files written for contract 1 have no evidence: it follows from ``verified``.
    evidence: Optional[Evidence] = None

    def __post_init__(self) -> None:
        if self.evidence is None:
            object.__setattr__(self, "evidence", "primary" if self.verified else "unconfirmed")
        elif self.verified != (self.evidence == "primary"):
            raise ValueError(f"verified is {str(self.verified).lower()} but evidence is '{self.evidence}': "
                             "verified means primary evidence")


@dataclass(frozen=True, slots=True)
class Record:
    __pydantic_config__ = _STRICT

    id: Annotated[str, Rule(pattern=ID_PATTERN, max_length=80)]
    name: Annotated[str, Rule(min_length=1, max_length=200)]
    aliases: list[str] = field(default_factory=list)
    kind: Kind = "model"
    domains: list[Domain] = field(default_factory=list)
    modalities: list[Modality] = field(default_factory=list)
    architecture: list[ArchType] = field(default_factory=list)
    backbones: list[str] = field(default_factory=list)
    sizes: list[Size] = field(default_factory=list)
    year: Optional[Annotated[int, Rule(ge=1950, le=2100)]] = None
    venue: Optional[str] = None
    title: Optional[str] = None
    paper: Optional[Url] = None
    arxiv: Optional[Arxiv] = None
    doi: Optional[Doi] = None
    github: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    open_weights: Optional[bool] = None
    #: One of Epoch AI's six access values; ``open_weights`` follows from it.
    access: Optional[Access] = None
    #: SPDX id where one exists (apache-2.0), else the licence's own name (llama2).
    license: Optional[Annotated[str, Rule(min_length=1, max_length=60)]] = None
    #: Natural languages trained or tuned for, ISO 639-1.
    languages: list[Annotated[str, Rule(pattern=LANGUAGE_PATTERN)]] = field(default_factory=list)
    citation: Optional[Citation] = None
    sources: list[Source] = field(default_factory=list)
    #: Where the record sits in the upstream list it was imported from, if any.
    section: Optional[str] = None
    subsection: Optional[str] = None
    #: Fields left empty (or kept) because no source could confirm them.
    unverified: list[str] = field(default_factory=list)
    #: Why a judgement call (domain, type, backbone, ...) was made: field -> reason.
    notes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # open_weights is derived from access wherever access is known.
        if self.access is not None:
            derived = self.access in OPEN_ACCESS
            if self.open_weights is not None and self.open_weights != derived:
                raise ValueError(f"open_weights {self.open_weights} contradicts access '{self.access}'")
            object.__setattr__(self, "open_weights", derived)

    @property
    def max_parameters(self) -> Optional[int]:
        counts = [s.parameters for s in self.sizes if s.parameters]
        return max(counts) if counts else None

    def contract(self) -> dict:
        """The JSON-ready dict of the contract, keys in their documented order."""
        return as_data(self)


def as_data(value: Any) -> Any:
    """Records (or lists of them) as plain dicts and lists, in field order."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value)


@lru_cache(maxsize=None)
def adapter(kind: Any = None) -> Any:
    """pydantic's validator for a list of records (or for ``kind``), built once."""
    from pydantic import TypeAdapter

    return TypeAdapter(list[Record] if kind is None else kind)


def validate(data: dict) -> Record:
    """One record from a dict, checked as strictly as a catalog file."""
    return adapter(Record).validate_python(data)


#: arXiv's help: an identifier is assigned in the month of first announcement and never back-dated.
ARXIV_DATING = "https://github.com/arXiv/arxiv-docs/blob/develop/source/help/availability.md"


def arxiv_announced(arxiv: Optional[str]) -> Optional[int]:
    """The year arXiv first announced a paper, as its identifier states it (``2306.15006``
    -> 2023, ``q-bio/0601001`` -> 2006): arXiv assigns identifiers in the month of first
    announcement and never back-dates them (``ARXIV_DATING``)."""
    import re

    m = re.match(r"^(?:[a-z\-]+(?:\.[A-Z]{2})?/)?(\d{2})(\d{2})(?:\.\d{4,5}|\d{3})$", arxiv or "")
    if not m:
        return None
    yy = int(m.group(1))
    return (1900 if yy >= 91 else 2000) + yy


def size_from_label(label: str) -> Size:
    """A released label with no count: counts are read in a source, never derived from
    a label (CodeGen's ``2B`` has about 2.7 billion). Not even ``Base`` and ``Large``:
    the upstream list writes them for 110M and 340M after BERT, but DNABERT-2's "Base"
    has 117M and a Longformer-base about 149M."""
    return Size(label=label, parameters=None)
