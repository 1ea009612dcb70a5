"""Whole-catalog checks beyond the per-record schema.

The schema (records.py) already rejects unknown vocabulary, malformed arXiv ids,
DOIs and URLs while loading; here we check what needs more than one record or a
round trip: unique ids and citation keys, one record per paper, sizes that agree
with their labels, and BibTeX that pybtex reads back to the same fields.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence, Union

from .catalog import CatalogError, Problem, load_file
from .records import URL_PATTERN, Record, arxiv_announced
from .resolve import normalize
from .sizes import NAMED, SizeError, is_moe_label, label_size, parse_size

if TYPE_CHECKING:
    from .backbones import Registry
    from .licenses import Table

_URL = re.compile(URL_PATTERN)


@dataclass
class Target:
    """One of the catalog's fact targets: how many of how many, against a floor."""

    name: str
    count: int
    total: int
    floor: float  # share required, 0..1; 1.0 means all

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 1.0

    @property
    def met(self) -> bool:
        return self.share >= self.floor

    def __str__(self) -> str:
        goal = "all" if self.floor >= 1.0 else f">= {self.floor:.0%}"
        mark = "met" if self.met else "NOT MET"
        return f"{self.name}: {self.count} of {self.total} ({100 * self.share:.1f}%; target {goal}, {mark})"


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    records: int = 0
    citations: int = 0
    verified: int = 0
    evidence: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Facts that disagree with each other: reported, and failures only with --strict.
    inconsistencies: list[Problem] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    #: (file, record id, the targets it misses by ``Goal.gap``), for each record that misses one.
    gaps: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        pct = 100.0 * self.verified / self.citations if self.citations else 0.0
        head = (f"{self.records} records in {len(self.files)} files; {self.citations} citations "
                f"({self.records - self.citations} records without one), {self.verified} verified ({pct:.1f}%), "
                + ", ".join(f"{n} {k}" for k, n in self.evidence.items())
                + f"; {len(self.problems)} problems, {len(self.inconsistencies)} inconsistencies")
        return [head] + [f"target: {t}" for t in self.targets]

    def as_data(self, with_gaps: bool = False) -> dict:
        data = {
            "files": self.files, "records": self.records, "citations": self.citations,
            "verified": self.verified, "evidence": self.evidence,
            "targets": [{"name": t.name, "count": t.count, "total": t.total, "floor": t.floor, "met": t.met}
                        for t in self.targets],
            "problems": [{"file": p.file, "record": p.record, "field": p.field, "message": p.message}
                         for p in self.problems],
            "inconsistencies": [{"file": p.file, "record": p.record, "field": p.field, "message": p.message}
                                for p in self.inconsistencies],
        }
        if with_gaps:
            data["gaps"] = [{"file": f, "record": rid, "missing": missed} for f, rid, missed in self.gaps]
        return data


def run(paths: Sequence[Path]) -> Report:
    report = Report(files=[str(p) for p in paths])
    located: list[tuple[str, Record]] = []
    for path in paths:
        try:
            records = load_file(path)
        except CatalogError as exc:
            report.problems.extend(exc.problems)
            continue
        located.extend((str(path), r) for r in records)
    report.records = len(located)
    _ids(located, report)
    _same_paper(located, report)
    for name, r in located:
        _record(name, r, report)
    _citation_keys(located, report)
    from .backbones import load as registry

    report.problems.extend(backbone_problems(located, registry()))
    from .licenses import load as licence_table

    report.problems.extend(license_problems(located, licence_table()))
    records = [r for _, r in located]
    report.evidence = {k: sum(1 for r in records if r.citation and r.citation.evidence == k)
                       for k in ("primary", "corroborated", "unconfirmed")}
    report.targets = targets(records)
    report.gaps = [(name, r.id, missed) for name, r in located if (missed := gaps(r))]
    return report


def _backbone_settled(r: Record) -> bool:
    """A backbone named, or its absence stated (a note, and not listed as unconfirmed)."""
    return bool(r.backbones) or ("backbones" in r.notes and "backbones" not in r.unverified)


def _model(r: Record) -> list[Record]:
    return [r] if r.kind == "model" else []


def _every(r: Record) -> list[Record]:
    return [r]


@dataclass(frozen=True)
class Goal:
    """A fact target, declared once: ``validate`` counts it over the catalog and the
    curators' report lists the records that miss it, by the same rule.

    ``units`` gives what a record contributes to the count (itself, or its released
    sizes); ``holds`` says whether one unit meets the goal.
    """

    name: str
    gap: str  # what a record missing the goal lacks, in short
    floor: float
    units: Callable[[Record], Sequence]
    holds: Callable[[object], bool]


GOALS: tuple[Goal, ...] = (
    Goal("citations with primary evidence", "primary-citation", 0.95, _every,
         lambda r: r.citation is not None and r.citation.evidence == "primary"),
    Goal("citations not unconfirmed", "confirmed-citation", 1.0, _every,
         lambda r: r.citation is not None and r.citation.evidence != "unconfirmed"),
    Goal("models with a backbone or its absence stated", "backbones", 0.95, _model,
         lambda r: _backbone_settled(r)),
    Goal("numeric released sizes with a parameter count", "size-counts", 1.0,
         lambda r: [s for s in r.sizes if _numeric(s.label)] if r.kind == "model" else [],
         lambda s: bool(s.parameters)),
    Goal("models with a parameter count", "parameters", 0.95, _model, lambda r: bool(r.max_parameters)),
    Goal("models with access known", "access", 0.95, _model, lambda r: bool(r.access)),
    Goal("open-weight models with a licence", "license", 0.90,
         lambda r: [r] if r.kind == "model" and r.open_weights else [], lambda r: bool(r.license)),
    Goal("records with languages", "languages", 1.0, _every, lambda r: bool(r.languages)),
)


def targets(records: Sequence[Record]) -> list[Target]:
    """The fact targets of the catalog (README, "Status of the catalog")."""
    out = []
    for goal in GOALS:
        units = [u for r in records for u in goal.units(r)]
        out.append(Target(goal.name, sum(1 for u in units if goal.holds(u)), len(units), goal.floor))
    return out


def gaps(record: Record) -> list[str]:
    """The goals this record misses, by their short names (``Goal.gap``)."""
    return [g.gap for g in GOALS if not all(g.holds(u) for u in g.units(record))]


def _numeric(label: str) -> bool:
    """A label that states a size: a count (``7B``) or a mixture of experts (``8x7B``)."""
    return label_size(label) is not None or is_moe_label(label)


def _p(report: Report, file: str, r: Record | None, fld: str | None, msg: str) -> None:
    report.problems.append(Problem(file, r.id if r else None, fld, msg))


def _ids(located, report: Report) -> None:
    seen: dict[str, str] = {}
    for name, r in located:
        if r.id in seen:
            _p(report, name, r, "id", f"duplicate id (also in {seen[r.id]})")
        else:
            seen[r.id] = name


def _same_paper(located, report: Report) -> None:
    """Two records for one paper are allowed only when both say why (notes.same_paper)."""
    groups: dict[str, list[tuple[str, Record]]] = defaultdict(list)
    for name, r in located:
        marks = set()
        if r.arxiv:
            marks.add("arXiv " + r.arxiv)
        if r.doi:
            marks.add("DOI " + r.doi.casefold())
        if r.title:
            marks.add("title " + normalize(r.title))
        for m in marks:
            groups[m].append((name, r))
    reported = set()
    for mark, members in groups.items():
        ids = sorted({r.id for _, r in members})
        if len(ids) < 2 or tuple(ids) in reported:
            continue
        if all("same_paper" in r.notes for _, r in members):
            continue
        reported.add(tuple(ids))
        name, r = members[1]
        _p(report, name, r, "paper", f"same paper ({mark.split(' ')[0]}) as {', '.join(i for i in ids if i != r.id)}; "
           "merge them or explain in notes.same_paper")


def _record(name: str, r: Record, report: Report) -> None:
    if not r.domains:
        _p(report, name, r, "domains", "no domain: give at least one")
    if not r.modalities:
        _p(report, name, r, "modalities", "no modality: give at least one")
    for i, s in enumerate(r.sizes):
        if is_moe_label(s.label):
            continue
        if s.label.strip().lower() in NAMED and s.parameters is not None:
            continue  # "base" is 110M only by the upstream list's BERT convention (CodeT5-base is 220M)
        try:
            expected = parse_size(s.label)
        except SizeError:
            # A named size ("small") is fine with a count, or when the record says
            # the count could not be confirmed.
            if s.parameters is None and "sizes" not in r.unverified:
                _p(report, name, r, f"sizes.{i}.label",
                   f"size label '{s.label}' cannot be read: give parameters or list 'sizes' in unverified")
            continue
        # A label rounds ("16B" for 16.1B parameters); a count far from it is a typo.
        # a released label may be far from the count (CodeGen's 2B has 2.7B): then notes.sizes says so
        if s.parameters is not None and abs(s.parameters - expected) > 0.1 * expected and "sizes" not in r.notes:
            _p(report, name, r, f"sizes.{i}.parameters", f"{s.parameters} does not match label '{s.label}' ({expected})")
    if any(s.parameters for s in r.sizes) and _counts_only_from_lists(r):
        _p(report, name, r, "sizes", "parameter counts backed only by a public list, which gives size labels, "
           "not counts: give the paper or model card that states them as a source, or leave them empty")
    for fact in _resting_on_summaries(r):
        _p(report, name, r, fact, f"{fact} rests only on a summary or re-hosting page, which is not a source: "
           "give the paper, repository or model card that states it, or leave it empty")
    _consistency(name, r, report)
    for fld in ("github", "models"):
        for i, url in enumerate(getattr(r, fld)):
            if not _URL.match(url):
                _p(report, name, r, f"{fld}.{i}", f"not a URL: {url!r}")
    c = r.citation
    if c is None:
        if "citation" not in r.unverified:
            _p(report, name, r, "citation", "no citation: add one, or list 'citation' in unverified and say why in notes")
        return
    report.citations += 1
    if c.verified:
        if not any("citation" in s.facts for s in r.sources):
            _p(report, name, r, "citation.verified", "marked verified but no source lists 'citation' among its facts")
        else:
            report.verified += 1
    if c.evidence == "corroborated" and len(_citation_sources(r)) < 2:
        _p(report, name, r, "citation.evidence", "'corroborated' needs two independent sources that list 'citation' "
           "among their facts: add the second, or mark the citation 'unconfirmed'")
    for fld, text in _citation_text(c):
        if _MARKUP.search(text):
            _p(report, name, r, f"citation.{fld}", f"LaTeX markup in {text!r}, which the BibTeX writer would escape "
               "and print literally: write plain text (an address goes in 'url')")
    problem = roundtrip_problem(c)
    if problem:
        _p(report, name, r, "citation", problem)


def _citation_sources(r: Record) -> set[str]:
    return {s.url for s in r.sources if any(f == "citation" or f.startswith("citation.") for f in s.facts)}


#: A command such as \url or \textsc: the catalog holds plain text, and the writers escape it.
_MARKUP = re.compile(r"\\[A-Za-z]+")


def _citation_text(c) -> Iterable[tuple[str, str]]:
    for f in fields(c):
        value = getattr(c, f.name)
        if isinstance(value, str):
            yield f.name, value
        elif f.name == "authors":
            yield from ((f"authors.{i}", a) for i, a in enumerate(value))


#: The public lists the catalog was built from. They name models and size labels; a
#: count is read in the paper, the model card or the released config (DESIGN.md).
LISTS = (
    "github.com/yuzhimanhua/awesome-scientific-language-models",
    "github.com/huybery/awesome-code-llm",
    "github.com/luban-agi/awesome-domain-llm",
)
_SIZE_FACTS = {"sizes", "parameters", "sizes.parameters"}


#: Pages that summarise a paper or re-host a model card in their own words: they may help find a
#: fact, but are never its source (two sessions' facts had to be withdrawn for resting on them).
NOT_SOURCES = (
    "alphaxiv.org/overview", "themoonlight.io", "liner.com/review", "featherless.ai", "obarolabs.com",
    "emergentmind.com/topics", "/whatmodel/", "ai-explorer.io", "study.space", "paperium.net", "arxivlens.com",
)
#: Facts a user filters on and that only a paper, a repository or a model card can give.
_CARD_FACTS = ("backbones", "sizes", "license", "access")


def _resting_on_summaries(r: Record) -> list[str]:
    """The filterable facts a record gives whose every source is a summary or re-hosting page."""
    out = []
    for fact in _CARD_FACTS:
        value = getattr(r, fact)
        if fact == "sizes":
            value = [s for s in value if s.parameters]
        if value and _backed_only_by(r, _SIZE_FACTS if fact == "sizes" else {fact}, NOT_SOURCES):
            out.append(fact)
    return out


def _counts_only_from_lists(r: Record) -> bool:
    return _backed_only_by(r, _SIZE_FACTS, LISTS)


def _backed_only_by(r: Record, facts: set[str], hosts: Sequence[str]) -> bool:
    """Some source names one of ``facts``, and every such source is on one of ``hosts``."""
    backing = [s.url.casefold() for s in r.sources if facts & set(s.facts)]
    return bool(backing) and all(any(host in url for host in hosts) for url in backing)


def _consistency(name: str, r: Record, report: Report) -> None:
    """Top-level facts agree with the citation; sizes ascend; years do not run backwards."""
    def _p(report: Report, file: str, r: Record, fld: str, msg: str) -> None:
        report.inconsistencies.append(Problem(file, r.id, fld, msg))

    c = r.citation
    if c is not None:
        if c.doi and r.doi and c.doi.casefold() != r.doi.casefold():
            _p(report, name, r, "doi", f"'{r.doi}' differs from the citation's '{c.doi}'")
        if c.doi and not r.doi:
            _p(report, name, r, "doi", f"empty, but the citation has '{c.doi}': copy it up")
        if c.eprint and r.arxiv and c.eprint != r.arxiv:
            _p(report, name, r, "arxiv", f"'{r.arxiv}' differs from the citation's eprint '{c.eprint}'")
        if r.year and c.year < r.year:
            _p(report, name, r, "year", f"{r.year} is after the cited version's year {c.year}: "
               "year is the first public version")
        _venue_consistency(name, r, _p, report)
    arxiv = r.arxiv or (c.eprint if c else None)
    announced = arxiv_announced(arxiv)
    if r.year and announced and r.year > announced:
        _p(report, name, r, "year", f"{r.year} is after {announced}, when arXiv first announced {arxiv}: "
           "year is the first public version")
    order = [n for n in (s.parameters or label_size(s.label) for s in r.sizes) if n]
    if order != sorted(order):
        _p(report, name, r, "sizes", "not in ascending order (of the counts, or of the labels where no count was read)")
    if r.access == "open" and r.license:
        from .licenses import load

        entry = load().get(r.license)
        if entry is not None and entry.commercial is False:
            _p(report, name, r, "access", f"'open' (unrestricted), but the licence '{r.license}' allows no "
               "commercial use: open-noncommercial, or open-restricted where no licence is named")


def _venue_consistency(name: str, r: Record, _p, report: Report) -> None:
    """The venue a record names is the one its citation cites: a preprint cited for a model
    whose venue is a conference or journal is the published version not yet cited."""
    from . import venues

    c = r.citation
    stated = venues.lookup(r.venue)
    if stated is None or c is None:
        return
    where = c.booktitle or c.journal
    cited = venues.lookup(where)
    # a track or joint edition of the venue named (EMNLP-IJCNLP for EMNLP) is that venue
    if cited is not None and not (cited.id.startswith(stated.id) or stated.id.startswith(cited.id)):
        _p(report, name, r, "venue", f"'{r.venue}' is not the cited version's '{where}'")
    elif where is None and c.type == "misc":
        _p(report, name, r, "venue", f"'{r.venue}', but the citation is a preprint: "
           f"cite the {stated.short} version once its page is read")


def _plain(text: str) -> str:
    import latexcodec  # noqa: F401

    # Braces in catalog text are written as \textbraceleft{} / \textbraceright{}.
    text = text.replace("\\textbraceleft{}", "{").replace("\\textbraceright{}", "}")
    text = codecs.decode(text, "ulatex").replace("{", "").replace("}", "")
    # LaTeX reads -- and --- as dashes; a title typed with them is unchanged.
    return " ".join(text.replace("\u2014", "---").replace("\u2013", "--").split())


def roundtrip_problem(c) -> str | None:
    """Render one entry, parse it back with pybtex, compare the fields."""
    from pybtex.database import parse_string

    from .cite import bibtex

    try:
        parsed = parse_string(bibtex([c], encoding="utf-8"), "bibtex")  # ASCII output folds on purpose
    except Exception as exc:  # noqa: BLE001 - any failure is the finding
        return f"BibTeX that pybtex cannot read back: {exc}"
    entry = parsed.entries.get(c.key)
    if entry is None:
        return "BibTeX key lost in the round trip"
    if _plain(entry.fields.get("title", "")) != _plain(c.title.replace("{", "").replace("}", "")):
        return "title changes in the BibTeX round trip"
    authors = entry.persons.get("author", [])
    if len(authors) != len(c.authors):
        return f"{len(c.authors)} authors become {len(authors)} in BibTeX (use 'Last, First' for this name)"
    if entry.fields.get("year") != str(c.year):
        return "year changes in the BibTeX round trip"
    return None


def _citation_keys(located, report: Report) -> None:
    """BibTeX keys are case-insensitive: BioMistral and biomistral collide."""
    seen: dict[str, str] = {}
    for name, r in located:
        if not r.citation:
            continue
        key = r.citation.key.casefold()
        if key in seen:
            _p(report, name, r, "citation.key", f"key '{r.citation.key}' is also used by {seen[key]}")
        else:
            seen[key] = r.id


def backbone_problems(
    records: Iterable[Union[Record, tuple[str, Record]]], registry: "Registry"
) -> list[Problem]:
    """Backbones that are not a registry entry's canonical name nor another catalog record.

    ``records`` are Records, or (file, Record) pairs as ``run`` holds them. A
    registry alias or other spelling ("Llama-2-7B") is reported with the name to write
    (scripts/canonical_backbones.py rewrites them all); a backbone that names a
    record by id, name or alias (PubMedBERT) is fine unless it names only itself.
    """
    located = [item if isinstance(item, tuple) else ("catalog", item) for item in records]
    named: dict[str, set[str]] = defaultdict(set)
    for _, r in located:
        for text in (r.id, r.name, *r.aliases):
            named[normalize(text)].add(r.id)
    out = []
    for file, r in located:
        for i, text in enumerate(r.backbones):
            canonical = registry.canonical(text)
            if canonical == text:
                continue
            if canonical:
                msg = f"the backbone registry spells '{text}' as '{canonical}': write that"
            elif named.get(normalize(text), set()) - {r.id}:
                continue
            elif r.id in named.get(normalize(text), ()):
                msg = f"'{text}' names this record itself"
            else:
                msg = (f"'{text}' is neither a backbone registry entry nor a catalog record: "
                       "add it to catalog/registry/backbones.json or use an entry's name")
            out.append(Problem(file, r.id, f"backbones.{i}", msg))
    return out


def license_problems(located: Iterable[tuple[str, Record]], table: "Table") -> list[Problem]:
    """Licences the licence table does not hold under that id, so ``--commercial`` cannot judge them."""
    out = []
    for file, r in located:
        if not r.license:
            continue
        canonical = table.canonical(r.license)
        if canonical == r.license:
            continue
        if canonical:
            msg = f"the licence table spells '{r.license}' as '{canonical}': write that"
        else:
            msg = (f"'{r.license}' is not in catalog/registry/licenses.json: add it there with its "
                   "commercial terms and source, or use an entry's id")
        out.append(Problem(file, r.id, "license", msg))
    return out
