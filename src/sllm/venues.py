"""The venue vocabulary: one spelling per conference or journal.

Catalog citations name a venue the way their source did ("ICLR 2024", "The
Twelfth International Conference on Learning Representations", "International
Conference on Learning Representations (ICLR)"). ``venues.json`` beside this
module gives each venue one canonical name, written into BibTeX's booktitle or
journal (with ``{year}`` where the official name carries the year), and a
short name for tables. Matching ignores case, punctuation,
years and edition ordinals, parenthesised remarks ("(Volume 1: Long Papers)")
and a few filler words, so a new spelling of a known venue needs no new alias;
a venue not in the vocabulary is written as the catalog has it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

#: Words that never tell two venues apart.
_FILLER = frozenset({"the", "proceedings", "of", "annual", "in"})
_NUMBER_WORDS = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "thirtieth fortieth fiftieth one two three four five six seven eight nine twenty thirty "
    "forty fifty".split()
)
# Each pattern is a single character class or a class with one bounded run:
# linear time on any input.
_PARENS = re.compile(r"\([^()]*\)")
_NON_WORD = re.compile(r"[\W_]+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    short: str
    kind: str  # conference or journal


def normalize(text: str) -> str:
    """The matching form of a venue name: 'ICLR 2024' and 'ICLR' are one venue."""
    text = _PARENS.sub(" ", text.casefold().replace("&", " and "))
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(
        w for w in words
        if w not in _FILLER and w not in _NUMBER_WORDS and not w.isdigit() and not _ORDINAL.fullmatch(w)
    )


def vocabulary_path() -> Path:
    return Path(__file__).with_name("venues.json")


@lru_cache(maxsize=1)
def _index() -> dict[str, Venue]:
    data = json.loads(vocabulary_path().read_text(encoding="utf-8"))
    index: dict[str, Venue] = {}
    for item in data["venues"]:
        venue = Venue(item["id"], item["name"], item["short"], item["kind"])
        for spelling in (item["name"].replace("{year}", ""), item["short"], *item.get("aliases", ())):
            key = normalize(spelling)
            if key in index and index[key] != venue:
                raise ValueError(f"venues.json: '{spelling}' names both {index[key].id} and {venue.id}")
            index[key] = venue
    return index


def lookup(text: Optional[str]) -> Optional[Venue]:
    """The vocabulary's venue for a spelling, or None for a venue it does not know."""
    if not text:
        return None
    return _index().get(normalize(text))


def canonical_name(venue: Venue, year: Optional[int]) -> str:
    """The name to print; a venue whose official name carries the year
    ("Findings of the Association for Computational Linguistics: ACL 2024")
    writes it as ``{year}`` in the vocabulary."""
    if "{year}" not in venue.name:
        return venue.name
    return venue.name.replace("{year}", str(year) if year else "").strip()


def venues() -> list[Venue]:
    return sorted(set(_index().values()), key=lambda v: v.id)
