"""Topic search: ranking records by what a query means, over the whole record.

A researcher types a field, a data type, a task or a language ("radiology
report", "dna language model", "chinese law"), not a model's name. So each record
is indexed by field (names, title, domains, modalities, backbones, languages,
venue, the curators' notes on what the model is) and ranked with BM25F: a word
counts more in a short field than in a long one, more in a name than in a note,
and a rare word more than a common one. Query words are also read as vocabulary
terms (``clinical`` -> medicine, ``proteins`` -> protein, and the topic words of
:mod:`sllm.lexicon`: ``radiology`` -> medicine and vision), which match a
record's domains and modalities even when its title does not use the word.

No network and nothing heavy: statistics are computed per query from the
records in pure Python, reading in full only the records a query word occurs in;
rapidfuzz is imported only to forgive a misspelt query word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

from .records import Record
from .resolve import normalize, normalize_many, typo_budget, without_size

#: field -> (weight, length normalization b). Names say what a model is; notes
#: are long and say it in passing.
FIELDS: dict[str, tuple[float, float]] = {
    "name": (5.0, 0.2),
    "title": (2.0, 0.75),
    "domains": (2.0, 0.0),
    "modalities": (2.0, 0.0),
    "backbones": (1.0, 0.5),
    "languages": (2.5, 0.0),
    "venue": (0.5, 0.0),
    "notes": (0.5, 0.75),
}
TEXT_FIELDS = ("name", "title", "backbones", "venue", "notes")
CONCEPT_FIELDS = ("domains", "modalities", "languages")
K1 = 1.2
#: Notes that say what a model is, rather than where its facts were read.
NOTE_KEYS = ("domains", "modalities", "architecture", "backbones", "kind", "sizes", "languages")
#: Query words that say nothing about a topic (dropped unless nothing else is left).
STOPWORDS = frozenset(
    "a an and are as at by for from in into is it of on or the to via with using based "
    "toward towards model language large llm pretrained pre trained foundation "
    "neural network transformer".split()
)
#: A hit scoring less than this share of the best hit is noise, not an answer.
CUTOFF = 0.25
#: How much of a topic word a record covers by the word's vocabulary terms alone.
CONCEPT_SHARE = 0.5
#: A query word corrected as a typo counts this much of a word typed right.
TYPO_WEIGHT = 0.8

_WORD = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


class Results(list):
    """The hits, best first, and how misspelt query words were read (``radiolgy`` -> radiology)."""

    def __init__(self, hits=(), readings: "dict[str, list[str]] | None" = None):
        super().__init__(hits)
        self.readings = readings or {}


@dataclass
class Hit:
    """One ranked record, its score (0-100] and, per field, the query terms it matched."""

    record: Record
    score: float
    matched: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"id": self.record.id, "name": self.record.name, "score": self.score, "matched": self.matched}


def stem(word: str) -> str:
    """A plural ``s`` does not change a topic: ``proteins`` and ``protein`` are one term."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def words(text: str) -> list[str]:
    """Lower-case stemmed words; runs of CJK characters become single characters."""
    out = []
    for w in _WORD.findall(text):
        if not w.isascii() and any(_is_wide(c) for c in w):
            out.extend(c.lower() for c in w if c.isalnum())
        else:
            out.append(stem(w.lower()))
    return out


#: A word that ends in a version or generation number: the name before it is a name too.
_VERSIONED = re.compile(r"([A-Za-z]{4,})\d+$")


def name_terms(text: str) -> set[str]:
    """A name's words, its camel-case parts (BioMistral: bio, mistral), each word without a
    version number after it (CodeQwen1.5: codeqwen; StarCoder2: starcoder) and the whole name."""
    terms = set(words(text))
    for w in _WORD.findall(text):
        parts = _CAMEL.findall(w)
        if len(parts) > 1:
            terms.update(stem(p.lower()) for p in parts)
        unversioned = _VERSIONED.match(w)
        if unversioned:
            terms.add(stem(unversioned.group(1).lower()))
    whole = normalize(text)
    if whole:
        terms.add(whole)
    return terms


# --- what a record and a query mean ------------------------------------------------

def _concepts_of_words() -> tuple[dict[str, dict[str, float]], int]:
    """Every word or phrase that names a vocabulary term, with the terms (as concepts).

    Each concept comes with the share of the word it stands for: 1 for the
    vocabulary's own spellings and languages (``legal`` is law), ``CONCEPT_SHARE``
    for a topic word, which is narrower than its terms (``geometry`` is a part
    of mathematics).
    """
    from .lexicon import TOPICS
    from .vocab import _SYNONYMS, DOMAINS, LANGUAGES, MODALITIES

    table: dict[str, dict[str, float]] = {}

    def add(phrase: str, concepts, share: float = 1.0) -> None:
        key = " ".join(stem(w) for w in _WORD.findall(phrase.lower().replace("_", " ")))
        if key:
            entry = table.setdefault(key, {})
            for c in concepts:
                entry[c] = max(entry.get(c, 0.0), share)

    def concepts(term: str) -> set[str]:
        out = set()
        if term in DOMAINS:
            out.add(f"domain:{term}")
        if term in MODALITIES:
            out.add(f"modality:{term}")
        return out

    for term in (*DOMAINS, *MODALITIES):
        add(term, concepts(term))
    for kind in ("domain", "modality"):
        for spelling, term in _SYNONYMS[kind].items():
            add(spelling, {f"{kind}:{term}"})
    for phrase, terms in TOPICS.items():
        add(phrase, set().union(*(concepts(t) for t in terms)), CONCEPT_SHARE)
    for code, names in LANGUAGES.items():
        for word in names:
            add(word, {f"language:{code}"})
    add("zh", {"language:zh"})
    longest = max(len(k.split()) for k in table)
    return table, longest


_CONCEPTS: "tuple[dict[str, dict[str, float]], int] | None" = None


def concept_table() -> tuple[dict[str, dict[str, float]], int]:
    global _CONCEPTS
    if _CONCEPTS is None:
        _CONCEPTS = _concepts_of_words()
    return _CONCEPTS


def _language_evidence(r: Record) -> list[str]:
    """``languages`` when the record has them; until then, the script of its names.

    A name or alias written in Han characters is the record's own evidence of a
    Chinese model (kana: Japanese, hangul: Korean); nothing else is guessed.
    """
    codes = list(getattr(r, "languages", None) or ())
    if not codes:
        for text in (r.name, *r.aliases):
            if text.isascii():
                continue
            for ch in text:
                name = unicodedata.name(ch, "")
                if name.startswith("CJK UNIFIED"):
                    codes.append("zh")
                elif name.startswith(("HIRAGANA", "KATAKANA")):
                    codes.append("ja")
                elif name.startswith("HANGUL"):
                    codes.append("ko")
        codes = list(dict.fromkeys(codes))
    return [f"language:{c}" for c in codes]


#: A curator's word on how a note was reached ("judgement: ...", "(judgement)", "... is a
#: judgement"), not what the model is about: "judgement" must find law models, not judged records.
_NOTE_LABEL = re.compile(r"^\s*judge?ment\b[^:]{0,40}:|\(judge?ment[^)]{0,40}\)|\bis a judge?ment\b",
                         re.IGNORECASE)


def _note_texts(r: Record) -> list[str]:
    return [_NOTE_LABEL.sub("", v) for k, v in r.notes.items() if k in NOTE_KEYS]


def _notes(r: Record) -> str:
    return " ".join(_note_texts(r))


#: The text of each field searched word by word (short fields are read as names).
_TEXT = {"title": lambda r: r.title or "", "venue": lambda r: r.venue or "", "notes": _notes}


def _word_pattern(term: str) -> "re.Pattern[str]":
    """The words that stem to ``term`` (``protein``: protein, proteins; ``study``: study, studies)."""
    if not term.isascii():
        return re.compile(re.escape(term))
    forms = [re.escape(term), re.escape(term) + "s"]
    if term.endswith("y"):
        forms.append(re.escape(term[:-1]) + "ies")
    return re.compile(r"(?<![^\W_])(?:" + "|".join(forms) + r")(?![^\W_])", re.IGNORECASE)


def fields_of(r: Record) -> dict[str, list[str]]:
    """The terms of each field of ``r``, repeated as often as they occur (what the ranking counts)."""
    names: set[str] = set()
    for text in (r.name, r.id, *r.aliases):
        names |= name_terms(text)
    backbones: list[str] = []
    for b in r.backbones:
        backbones += list(name_terms(b))
    return {
        "name": sorted(names),
        "title": words(r.title or ""),
        "domains": [f"domain:{d}" for d in r.domains],
        "modalities": [f"modality:{m}" for m in r.modalities],
        "backbones": backbones,
        "languages": _language_evidence(r),
        "venue": words(r.venue or ""),
        "notes": words(_notes(r)),
    }


@dataclass
class Unit:
    """One thing the query asks for: a word (matched in text) or a concept (in vocabulary fields).

    ``aspects`` are the query words the unit stands for: a record is ranked by
    how much of the query it covers as well as by how well.
    """

    label: str
    terms: dict[str, float]  # term -> weight (a typo correction counts less)
    fields: tuple[str, ...]
    aspects: dict[int, float] = field(default_factory=dict)  # query word -> share it covers


def parse(text: str, known: "set[str] | None" = None, readings: "dict[str, list[str]] | None" = None) -> list[Unit]:
    """The units of a query: its topic words, and the vocabulary terms they name.

    ``known`` (the index's terms) lets a misspelt word be read as the closest
    known one.
    """
    table, longest = concept_table()
    all_words = words(text)
    corrections: dict[str, dict[str, float]] = {}
    if known is not None:
        single = {k for k in table if " " not in k}
        for w in sorted(set(all_words) - single - STOPWORDS):
            if w in known:
                continue
            fixed = known.near(w, single) if hasattr(known, "near") else _corrected(w, set(known) | single)
            if fixed:
                corrections[w] = fixed
                if readings is not None:
                    readings[w] = sorted(fixed)
        # A word read as one typo fix is looked up as that word (radiolgy -> radiology -> medicine).
        all_words = [next(iter(corrections[w])) if len(corrections.get(w, ())) == 1 else w for w in all_words]
    content = [w for w in all_words if w not in STOPWORDS] or all_words
    aspect = {w: n for n, w in enumerate(dict.fromkeys(content))}
    units: list[Unit] = []
    for w, n in aspect.items():
        terms = corrections.get(w) or {w: TYPO_WEIGHT if w in corrected_to(corrections) else 1.0}
        units.append(Unit(w, terms, TEXT_FIELDS, {n: 1.0}))
    concepts: dict[str, dict[int, float]] = {}
    i = 0
    while i < len(all_words):
        for n in range(min(longest, len(all_words) - i), 0, -1):
            phrase = all_words[i:i + n]
            if " ".join(phrase) in table:
                for c, share in sorted(table[" ".join(phrase)].items()):
                    mine = concepts.setdefault(c, {})
                    for a in (aspect[w] for w in phrase if w in aspect):
                        mine[a] = max(mine.get(a, 0.0), share)
                i += n - 1
                break
        i += 1
    for c, covered in concepts.items():
        units.append(Unit(c.split(":", 1)[1], {c: 1.0}, CONCEPT_FIELDS, covered))
    return units


def corrected_to(corrections: dict[str, dict[str, float]]) -> set[str]:
    """The words typos were read as (when one fix was clear, the query holds it instead)."""
    return {t for fixed in corrections.values() if len(fixed) == 1 for t in fixed}


def _corrected(word: str, known: set[str]) -> dict[str, float] | None:
    """The known terms ``word`` is a small typo of (``radiolgy`` -> radiology)."""
    budget = typo_budget(word)
    if not budget or not word.isascii():
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    close = process.extract(word, list(known), scorer=OSA.distance, score_cutoff=budget, limit=None)
    if not close:
        return None
    best = min(d for _, d, _ in close)
    return {term: TYPO_WEIGHT for term, d, _ in close if d == best and ":" not in term}


# --- ranking ----------------------------------------------------------------------

def _hays(records: Sequence[Record]) -> list[str]:
    """Everything a text term can match in each record, lower-cased, to find candidates in C speed.

    Names and backbones are there twice, the second time normalized, so that a
    whole-name term (``esm2`` for ESM-2) is found too.
    """
    names = [" ".join((r.name, r.id, *r.aliases, *r.backbones)) for r in records]
    return [
        "\n".join((name, r.title or "", r.venue or "", *_note_texts(r))).lower()
        + "\n" + key
        for r, name, key in zip(records, names, normalize_many(names))
    ]


def _probe(term: str) -> str:
    """A substring every text holding ``term`` contains (``study`` is stemmed from ``studies``)."""
    return term[:-1] if term.endswith("y") else term


_LENGTHS = {
    "name": lambda r: sum(map(len, r.aliases)) + len(r.name) + len(r.id),
    "title": lambda r: len(r.title or ""),
    "backbones": lambda r: sum(map(len, r.backbones)),
    "venue": lambda r: len(r.venue or ""),
    "notes": lambda r: len(_notes(r)),
}


class SearchIndex:
    """BM25F over the fields of a set of records, computed per query for the records that can match.

    Term statistics need every record, tokenizing every record does not: a
    record is read in full only when one of the query's words occurs in its text
    (a plain substring test), and vocabulary terms are looked up in its lists.
    Field lengths are counted in characters, which ranks the same way as words
    and costs nothing to sum over 100,000 records.
    """

    def __init__(self, records: Sequence[Record], names=None):
        """``names``: the resolver's index of the same records, when one is at hand (its columns are cached)."""
        self.records = list(records)
        self._hays: "list[str] | None" = None
        self._avg: dict[str, float] = {}
        self._names = names
        self._docs: dict[int, tuple[set[str], list[str]]] = {}
        self._languages: "list[list[str]] | None" = None
        self._known: "set[str] | None" = None

    def hays(self) -> list[str]:
        if self._hays is None:
            self._hays = _hays(self.records)
        return self._hays

    def _in_any(self, word: str) -> bool:
        probe = _probe(word)
        return any(probe in h for h in self.hays())

    def known(self) -> set[str]:
        """The words of names, titles and backbones: what a misspelt query word is read against."""
        if self._known is None:
            names = [x for r in self.records for x in (r.name, r.id, *r.aliases, *r.backbones)]
            raw = set(_WORD.findall(" ".join(names))) | set(_WORD.findall(" ".join(r.title or "" for r in self.records)))
            known = set(words(" ".join(raw)))
            for w in raw:  # camel-case parts of names: BioMistral -> bio, mistral
                known.update(stem(p.lower()) for p in _CAMEL.findall(w))
            known.update(normalize_many(names))
            self._known = known
        return self._known

    def _names_of(self, i: int) -> tuple[set[str], list[str]]:
        """The name terms of record ``i`` and of its backbones (short: read whole, once)."""
        if i not in self._docs:
            r = self.records[i]
            names: set[str] = set()
            for text in (r.name, r.id, *r.aliases):
                names |= name_terms(text)
            self._docs[i] = (names, [t for b in r.backbones for t in name_terms(b)])
        return self._docs[i]

    def count(self, i: int, f: str, term: str, pattern: "re.Pattern[str]") -> int:
        """How often ``term`` occurs in field ``f`` of record ``i``."""
        if f in ("name", "backbones"):
            r = self.records[i]
            texts = (r.name, r.id, *r.aliases) if f == "name" else r.backbones
            probe = _probe(term)
            if not any(probe in t.lower() or probe in normalize(t) for t in texts):
                return 0
            if f == "name":
                return int(term in self._names_of(i)[0])
            return self._names_of(i)[1].count(term)
        text = _TEXT[f](self.records[i])
        if _probe(term) not in text.lower():
            return 0
        return sum(1 for w in pattern.findall(text) if not term.isascii() or stem(w.lower()) == term)

    def languages(self) -> list[list[str]]:
        if self._languages is None:
            self._languages = [_language_evidence(r) for r in self.records]
        return self._languages

    def avg(self, f: str) -> float:
        """The mean length of field ``f``, in characters, summed only when a query needs it."""
        if f not in self._avg:
            total = sum(map(_LENGTHS[f], self.records))
            self._avg[f] = (total / len(self.records) if self.records else 0.0) or 1.0
        return self._avg[f]

    def exact_names(self, text: str) -> list[int]:
        """Records whose id, name or alias ``text`` spells (as ``sllm show`` reads names)."""
        from .resolve import Index

        if self._names is None:
            self._names = Index.build(self.records)
        key = normalize(text)
        if not key:
            return []
        stripped = without_size(text)
        return self._names.equal(key) or (self._names.equal(stripped) if stripped else [])

    def _unit_tf(self, unit: Unit) -> tuple[dict[int, float], dict[int, set[str]]]:
        """Pseudo term frequency of ``unit`` in each record that has it, and the fields it was in."""
        tf: dict[int, float] = {}
        where: dict[int, set[str]] = {}

        def add(i: int, f: str, count: float, length: int) -> None:
            w, b = FIELDS[f]
            norm = 1 - b + b * length / self.avg(f) if b else 1.0
            tf[i] = tf.get(i, 0.0) + w * count / norm
            where.setdefault(i, set()).add(f)

        if unit.fields is TEXT_FIELDS:
            probes = [_probe(t) for t in unit.terms]
            patterns = {t: _word_pattern(t) for t in unit.terms}
            hays = self.hays()
            for i in (i for i, h in enumerate(hays) if any(p in h for p in probes)):
                for f in TEXT_FIELDS:
                    count = sum(weight * self.count(i, f, t, patterns[t]) for t, weight in unit.terms.items())
                    if count:
                        add(i, f, count, _LENGTHS[f](self.records[i]))
            return tf, where
        for term, weight in unit.terms.items():
            kind, _, value = term.partition(":")
            if kind == "language":
                hits = (i for i, codes in enumerate(self.languages()) if term in codes)
                f = "languages"
            else:
                f = "domains" if kind == "domain" else "modalities"
                hits = (i for i, r in enumerate(self.records) if value in getattr(r, f))
            for i in hits:
                add(i, f, weight, 1)
        return tf, where

    def search(self, text: str, limit: int | None = 20) -> Results:
        n = len(self.records)
        if not n:
            return Results()
        readings: dict[str, list[str]] = {}
        units = parse(text, _Known(self), readings)
        if not units:
            return Results(readings=readings)
        total: dict[int, float] = {}
        covered: dict[int, dict[int, float]] = {}
        aspects = set().union(*(u.aspects for u in units)) or {0}
        matched: dict[int, dict[str, list[str]]] = {}
        ideal = 0.0
        for unit in units:
            tf, where = self._unit_tf(unit)
            if not tf:
                continue
            df = len(tf)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            ideal += idf
            for i, x in tf.items():
                total[i] = total.get(i, 0.0) + idf * x / (K1 + x)
                mine = covered.setdefault(i, {})
                for a, share in unit.aspects.items():
                    mine[a] = max(mine.get(a, 0.0), share)
                for f in where[i]:
                    matched.setdefault(i, {}).setdefault(f, []).append(unit.label)
        if not total:
            return Results(readings=readings)
        # BM25F's share of the best possible score, times the share of the query covered.
        scores = {i: 100.0 * s / ideal * sum(covered[i].values()) / len(aspects) for i, s in total.items()}
        for i in self.exact_names(text):
            scores[i] = 100.0
            matched.setdefault(i, {}).setdefault("name", []).append(text.strip())
        top = max(scores.values())
        ranked = sorted(
            (i for i, s in scores.items() if s >= CUTOFF * top),
            key=lambda i: (-scores[i], self.records[i].name.casefold(), self.records[i].id),
        )
        if limit is not None:
            ranked = ranked[:limit]
        return Results([
            Hit(self.records[i], round(scores[i], 1),
                {f: sorted(set(v)) for f, v in sorted(matched.get(i, {}).items(), key=lambda kv: _order(kv[0]))})
            for i in ranked
        ], readings)


class _Known:
    """What the query parser asks of an index: is this word known, and which known words are near it."""

    def __init__(self, index: SearchIndex):
        self.index = index

    def __contains__(self, word: str) -> bool:
        return self.index._in_any(word)

    def near(self, word: str, extra: set[str]) -> dict[str, float] | None:
        return _corrected(word, self.index.known() | extra)


def _order(f: str) -> int:
    return list(FIELDS).index(f)


def search(records: Sequence[Record], text: str, limit: int | None = 20, names=None) -> Results:
    """The records ``text`` is about, best first (see the module's docstring).

    ``names``: the resolver's :class:`~sllm.resolve.Index` of exactly these records, if at hand.
    """
    return SearchIndex(records, names).search(text, limit)
