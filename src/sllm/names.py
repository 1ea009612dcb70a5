"""Author names split into their parts, once, for every citation format.

The catalog writes a person as the paper prints the name ("Jose Luis Olmos Jr.",
"Cyprien de Masson d'Autume") or as "Last, First" / "Last, Jr., First" where the
split is not obvious. A corporate author (a team, a company, a publisher) is
written wrapped in braces, as BibTeX itself marks one: ``"{Merlyn Mind}"``.
A name whose last word is a collective noun ("CodeGemma Team") is taken as
corporate too, since no person is called that. ``"others"`` closes a list that
the source itself cut short.

Parsing follows BibTeX's rules (First von Last, von Last, First) with three
fixes that BibTeX gets wrong for real names: a trailing "Jr." / "III" is the
suffix, not the last name; Spanish "y" joins two surnames ("Agüera y Arcas");
and a name typed all in lower case is still split as given name then surname.
"""

from __future__ import annotations

from dataclasses import dataclass

OTHERS = "others"
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
#: Last words that make a name collective (corporate), compared case-insensitively.
COLLECTIVE = frozenset({
    "team", "consortium", "collaboration", "inc", "inc.", "ltd", "ltd.", "llc",
    "corp", "corp.", "corporation", "gmbh", "foundation", "press",
})
#: Conjunctions that join two surnames into one family name.
_JOINERS = frozenset({"y", "i", "e"})


@dataclass(frozen=True)
class Name:
    """One author: either ``corporate`` (all of it in ``family``) or a person."""

    family: str
    given: str = ""
    von: str = ""
    suffix: str = ""
    corporate: bool = False

    @property
    def others(self) -> bool:
        return self.family == OTHERS and not (self.given or self.von or self.corporate)

    def display(self) -> str:
        """The name in reading order, as a reference list prints it."""
        if self.corporate:
            return self.family
        parts = [self.given, self.von, self.family]
        text = " ".join(p for p in parts if p)
        return f"{text} {self.suffix}" if self.suffix else text


def parse(text: str) -> Name:
    text = " ".join(text.split())
    if text.startswith("{") and text.endswith("}") and _balanced(text[1:-1]):
        return Name(family=text[1:-1].strip(), corporate=True)
    if text == OTHERS:
        return Name(family=OTHERS)
    if "," in text:
        return _comma_form(text)
    words = text.split(" ")
    if len(words) > 1 and words[-1].casefold() in COLLECTIVE:
        return Name(family=text, corporate=True)
    suffix = ""
    if len(words) > 1 and words[-1].casefold() in SUFFIXES:
        suffix = words.pop()
        words[-1] = words[-1].rstrip(",")
    if len(words) == 1:
        return Name(family=words[0], suffix=suffix)
    if not any(_upper_start(w) for w in words):
        # "huimin zheng": BibTeX would read it all as a von part.
        return Name(family=words[-1], given=" ".join(words[:-1]), suffix=suffix)
    # First von Last: von runs from the first to the last lower-case word that
    # is not the last word; everything before it is the given name.
    lower = [i for i, w in enumerate(words[:-1]) if not _upper_start(w)]
    if not lower:
        return _joined(words[:-1], "", [words[-1]], suffix)
    first, last = lower[0], lower[-1]
    if first == 0:  # a name starting in lower case has no given part in BibTeX
        return _joined([], " ".join(words[: last + 1]), words[last + 1:], suffix)
    return _joined(words[:first], " ".join(words[first: last + 1]), words[last + 1:], suffix)


def _joined(given: list[str], von: str, family: list[str], suffix: str) -> Name:
    """Move a surname joiner ("Blaise Agüera y Arcas") from von into the family name."""
    if von in _JOINERS and given and len(given) > 1:
        family = [given[-1], von, *family]
        given, von = given[:-1], ""
    return Name(family=" ".join(family), given=" ".join(given), von=von, suffix=suffix)


def _comma_form(text: str) -> Name:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2:
        head, given, suffix = parts[0], parts[1], ""
    else:
        head, suffix, given = parts[0], parts[1], ", ".join(parts[2:])
    if given.casefold() in SUFFIXES and len(parts) == 2:
        # "Olmos, Jr." with no given name is a suffix, not a first name.
        head, given, suffix = head, "", given
    words = head.split(" ")
    lower = [i for i, w in enumerate(words[:-1]) if not _upper_start(w)]
    if lower and lower[0] == 0:
        cut = lower[-1] + 1
        return Name(family=" ".join(words[cut:]), given=given, von=" ".join(words[:cut]), suffix=suffix)
    return Name(family=head, given=given, suffix=suffix)


def _upper_start(word: str) -> bool:
    """BibTeX's case test: the first letter decides; "d'Autume" is lower case."""
    for ch in word:
        if ch.isalpha():
            return not ch.islower()
    return True  # no letter at all (a digit, an initial's punctuation): not von


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0
