"""Typed catalog records: the contract that ``--json`` prints.

Vocabulary fields are ``Literal`` types so that pydantic-core checks them while it
parses the JSON, in one pass, instead of a Python loop over every record.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from .sizes import SizeError, is_moe_label, parse_size
from .vocab import DOMAINS, MODALITIES, TYPES

#: Bumped (with a README note) whenever a key is renamed or removed; new keys
#: may be added without a bump.
CONTRACT_VERSION = "1"

Domain = Literal[DOMAINS]  # type: ignore[valid-type]
Modality = Literal[MODALITIES]  # type: ignore[valid-type]
ArchType = Literal[tuple(TYPES)]  # type: ignore[valid-type]
Kind = Literal["model", "agent", "service"]
EntryType = Literal[
    "article", "inproceedings", "misc", "techreport", "book", "incollection",
    "phdthesis", "online",
]

ID_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
ARXIV_PATTERN = r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})$"
URL_PATTERN = r"^https?://[^\s]+$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"

Url = Field(pattern=URL_PATTERN)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Size(_Strict):
    """A released size: the label as published, the count as an integer."""

    label: str = Field(min_length=1, max_length=40)
    parameters: Optional[int] = Field(default=None, gt=0)


class Source(_Strict):
    """Where a record's facts were read, and which facts."""

    url: str = Field(pattern=URL_PATTERN)
    facts: list[str] = Field(default_factory=list)


class Citation(_Strict):
    """A BibTeX entry kept as structured fields, rendered by pybtex on demand."""

    type: EntryType
    key: str = Field(pattern=r"^[A-Za-z0-9._:\-]+$", max_length=80)
    authors: list[str] = Field(min_length=1)
    title: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2100)
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
    doi: Optional[str] = Field(default=None, pattern=DOI_PATTERN)
    eprint: Optional[str] = Field(default=None, pattern=ARXIV_PATTERN)
    archiveprefix: Optional[str] = None
    primaryclass: Optional[str] = None
    url: Optional[str] = Field(default=None, pattern=URL_PATTERN)
    #: False until every field above was read in a primary source.
    verified: bool = False


class Record(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=80)
    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list)
    kind: Kind = "model"
    domains: list[Domain] = Field(default_factory=list)
    modalities: list[Modality] = Field(default_factory=list)
    architecture: list[ArchType] = Field(default_factory=list)
    backbones: list[str] = Field(default_factory=list)
    sizes: list[Size] = Field(default_factory=list)
    year: Optional[int] = Field(default=None, ge=1950, le=2100)
    venue: Optional[str] = None
    title: Optional[str] = None
    paper: Optional[str] = Field(default=None, pattern=URL_PATTERN)
    arxiv: Optional[str] = Field(default=None, pattern=ARXIV_PATTERN)
    doi: Optional[str] = Field(default=None, pattern=DOI_PATTERN)
    github: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    open_weights: Optional[bool] = None
    citation: Optional[Citation] = None
    sources: list[Source] = Field(default_factory=list)
    #: Where the record sits in the upstream list it was imported from, if any.
    section: Optional[str] = None
    subsection: Optional[str] = None
    #: Fields left empty (or kept) because no source could confirm them.
    unverified: list[str] = Field(default_factory=list)
    #: Why a judgement call (domain, type, backbone, ...) was made: field -> reason.
    notes: dict[str, str] = Field(default_factory=dict)

    @property
    def max_parameters(self) -> Optional[int]:
        counts = [s.parameters for s in self.sizes if s.parameters]
        return max(counts) if counts else None

    def contract(self) -> dict:
        """The JSON-ready dict of the contract, keys in their documented order."""
        return self.model_dump(mode="json")


def size_from_label(label: str) -> Size:
    """A released label (``7B``, ``Base``, ``8x7B``) with its count where known."""
    if is_moe_label(label):
        return Size(label=label, parameters=None)
    try:
        return Size(label=label, parameters=parse_size(label))
    except SizeError:
        return Size(label=label, parameters=None)

