"""The controlled vocabulary: domains, modalities, architecture types, kinds.

Users type loosely (``med``, ``clinical``, ``proteins``, ``2a``); everything that
accepts a vocabulary value goes through :func:`resolve` so the same spelling works
in every command and in user catalogs alike.
"""

from __future__ import annotations

import re

from .messages import shown

DOMAINS: tuple[str, ...] = (
    "general", "mathematics", "physics", "chemistry", "materials", "biology",
    "medicine", "geoscience", "law", "finance", "education", "code",
)

MODALITIES: tuple[str, ...] = (
    "language", "graph", "vision", "table", "molecule", "protein", "dna", "rna",
    "multiomics", "climate",
)

KINDS: tuple[str, ...] = ("model", "agent", "service")

#: Epoch AI's access categories: weights (unrestricted, restricted use,
#: non-commercial), an API, a hosted product, or nothing released.
ACCESS: tuple[str, ...] = (
    "open", "open-restricted", "open-noncommercial", "api", "hosted", "unreleased",
)
#: Access values under which the weights can be downloaded.
OPEN_ACCESS: frozenset[str] = frozenset({"open", "open-restricted", "open-noncommercial"})

#: How a citation was checked (DESIGN.md, "Evidence").
EVIDENCE: tuple[str, ...] = ("primary", "corroborated", "unconfirmed")

#: Architecture types of the survey's Figure 1: column = pre-training strategy,
#: row = kind of input.
STRATEGIES: dict[str, str] = {
    "1": "masked LM, encoder (BERT-like)",
    "2": "next-token prediction, (encoder-)decoder (GPT/LLaMA-like)",
    "3": "contrastive, two encoders (DPR/CLIP-like)",
}
TYPES: dict[str, str] = {
    "1.A": "text: papers, notes",
    "1.B": "text + metadata / graph neighbours",
    "1.C": "linearized molecules (SMILES/SELFIES)",
    "1.D": "biological sequences: protein, DNA, RNA",
    "2.A": "text",
    "2.B": "tables and crystals flattened to text",
    "2.C": "molecules as sequences",
    "2.D": "images / graphs encoded into tokens for an LLM",
    "3.A": "text-text",
    "3.B": "text-protein",
    "3.C": "text-graph",
    "3.D": "text-image",
}

_SYNONYMS: dict[str, dict[str, str]] = {
    "domain": {
        "science": "general", "scientific": "general", "sci": "general",
        "math": "mathematics", "maths": "mathematics", "mathematical": "mathematics",
        "phys": "physics", "astronomy": "physics", "astro": "physics",
        "astrophysics": "physics",
        "chem": "chemistry", "chemical": "chemistry",
        "material": "materials", "materials science": "materials", "matsci": "materials",
        "bio": "biology", "biological": "biology", "life science": "biology",
        "med": "medicine", "medical": "medicine", "clinical": "medicine",
        "biomedicine": "medicine", "biomedical": "medicine", "health": "medicine",
        "healthcare": "medicine", "clinic": "medicine",
        "geo": "geoscience", "earth": "geoscience", "earth science": "geoscience",
        "geography": "geoscience", "geology": "geoscience", "climate": "geoscience",
        "environment": "geoscience", "environmental science": "geoscience",
        "legal": "law", "juridical": "law",
        "fin": "finance", "financial": "finance", "economics": "finance",
        "edu": "education", "educational": "education", "teaching": "education",
        "programming": "code", "software": "code", "coding": "code",
    },
    "modality": {
        "text": "language", "lang": "language", "nl": "language",
        "graphs": "graph", "image": "vision", "images": "vision", "visual": "vision",
        "tables": "table", "tabular": "table",
        "molecules": "molecule", "mol": "molecule", "smiles": "molecule",
        "proteins": "protein", "genome": "dna", "genomics": "dna",
        "multi-omics": "multiomics", "omics": "multiomics", "single-cell": "multiomics",
        "climate time series": "climate", "weather": "climate",
    },
    "kind": {"models": "model", "agents": "agent", "services": "service"},
}

_VOCAB: dict[str, tuple[str, ...]] = {
    "domain": DOMAINS, "modality": MODALITIES, "kind": KINDS,
}


class VocabularyError(ValueError):
    """A value outside the vocabulary; the message names what would be right."""


def _norm(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().lower())


def resolve(field: str, value: str) -> str:
    """Map a loosely typed value onto its canonical vocabulary term."""
    canon = _VOCAB[field]
    key = _norm(value)
    if key in canon:
        return key
    key2 = key.replace("-", " ")
    synonyms = _SYNONYMS.get(field, {})
    for candidate in (key, key2, key.replace(" ", "-")):
        if candidate in synonyms:
            return synonyms[candidate]
    # A unique prefix of at least three letters ("chemi", "medic", "prot") is
    # unambiguous enough to accept.
    if len(key) >= 3:
        hits = {c for c in canon if c.startswith(key)}
        hits |= {v for s, v in synonyms.items() if s.startswith(key)}
        if len(hits) == 1:
            return hits.pop()
    raise VocabularyError(_unknown(field, value, canon))


def _unknown(field: str, value: str, canon: tuple[str, ...]) -> str:
    import difflib

    pool = list(canon) + list(_SYNONYMS.get(field, {}))
    close = difflib.get_close_matches(_norm(value), pool, n=1, cutoff=0.6)
    hint = ""
    if close:
        best = close[0]
        target = best if best in canon else _SYNONYMS[field][best]
        hint = f"did you mean '{target}'? "
    return f"unknown {field} '{shown(value)}': {hint}valid: {', '.join(canon)}"


_TYPE_RE = re.compile(r"^\s*([123])\s*[.\-_ ]?\s*([abcdABCD])?\s*$")


def resolve_type(value: str) -> tuple[str, ...]:
    """``2.A``/``2a`` give one cell; a bare column ``2`` gives its four cells."""
    match = _TYPE_RE.match(value)
    if not match:
        raise VocabularyError(
            f"unknown architecture type '{shown(value)}': use a cell like 2.A (or 2a) "
            f"or a column 1, 2 or 3"
        )
    column, row = match.group(1), match.group(2)
    if row:
        return (f"{column}.{row.upper()}",)
    return tuple(t for t in TYPES if t.startswith(column + "."))


#: Natural languages by ISO 639-1 code, with the names users type.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("english",), "zh": ("chinese", "mandarin", "cn"), "ja": ("japanese", "jp"),
    "ko": ("korean", "kr"), "fr": ("french",), "de": ("german",), "es": ("spanish",),
    "pt": ("portuguese",), "it": ("italian",), "ru": ("russian",), "ar": ("arabic",),
    "hi": ("hindi",), "vi": ("vietnamese",), "nl": ("dutch",), "pl": ("polish",),
    "tr": ("turkish",), "id": ("indonesian",), "th": ("thai",), "el": ("greek",),
    "he": ("hebrew",), "fa": ("persian", "farsi"), "sv": ("swedish",),
}


def resolve_language(value: str) -> str:
    """``zh``, ``Chinese`` or ``ZH`` -> ``zh``."""
    key = _norm(value)
    if key in LANGUAGES:
        return key
    for code, names in LANGUAGES.items():
        if key in names:
            return code
    if len(key) == 2 and key.isalpha():
        return key  # another ISO 639-1 code: no record may have it, which is an answer too
    raise VocabularyError(
        f"unknown language '{shown(value)}': use an ISO 639-1 code (en, zh, ja, ...) or a name such as chinese"
    )
