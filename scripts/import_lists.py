#!/usr/bin/env python3
"""Which models named by the public lists in ../shared/sources the catalog has, and which it lacks.

A review aid for coverage work, not an importer: it writes no record. Each list's
candidates are matched against the catalog by arXiv id first, then by DOI, then by
normalized name (against record names and aliases), then by normalized title (with or
without the model's name in front); an entry that names no model may be its GitHub
repository's namesake, and one that gives a bare title takes the match of another
list's entry with that title. A missing candidate that shares a GitHub repository
with a record is flagged, since one repository often holds several models.

    python scripts/import_lists.py                       # every list, text report
    python scripts/import_lists.py --summary             # one line per list
    python scripts/import_lists.py --list code --json    # lists whose file name contains "code"
    python scripts/import_lists.py --missing-only

Lists read (the table ``LISTS`` below): ``lists/*-candidates.jsonl`` (one
candidate a line), the medical, healthcare, financial and legal lists in ``lists/``
(``medllms-practical-guide.md``, ``awesome-healthcare-foundation-models.md``,
``awesome-finllms.md``, ``finance-llms.md``, ``awesome-legalai-resources.md``),
``awesome-code-llm.md`` (its paper tables and its "Top Code LLMs" table) and the
medical, legal, financial and education sections of ``awesome-domain-llm.zh.md``.
Sections a list gives to datasets, benchmarks, surveys, websites or deployments of
general models are left out and counted. Single entries that fall outside the catalog's
inclusion rule (a benchmark in a model section, a general model, a protein-structure
predictor) are judged once, with the reason and what the judgement rests on, in
``curation/lists/outside.json``: they are counted as outside rather than missing, so
"missing" is the list's released models the catalog still lacks. The commit each list was copied at is taken from ``lists/README.md``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sllm.catalog import CatalogError, load  # noqa: E402
from sllm.resolve import normalize  # noqa: E402

DEFAULT_SOURCES = ROOT.parent / "shared" / "sources"
DEFAULT_OUTSIDE = ROOT / "curation" / "lists" / "outside.json"
#: Why an entry is not a record (README, "What is in it").
REASONS = ("benchmark", "dataset", "survey", "study", "prompting method", "no model", "general model",
           "software", "not a language model", "outside the domains")
CODE_LIST = "awesome-code-llm.md"

_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5})", re.I)
_GITHUB_REPO = re.compile(r"github\.com/([^/\s)#?]+)/([^/\s)#?]+)", re.I)
_GITHUB_URL = re.compile(r"https?://github\.com/[^\s)\]\"'<>|]+", re.I)
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s?#)\]\"'<>|]+")
_DOI_SUFFIX = re.compile(r"(\.full\.pdf|\.full|\.abstract|\.pdf|/full|/abstract|/epdf)+$", re.I)
#: nature.com/articles/s41586-023-06160-y is DOI 10.1038/s41586-023-06160-y.
_NATURE_ARTICLE = re.compile(r"nature\.com/articles/([A-Za-z0-9.\-]+)", re.I)
#: A name shorter than this (normalized) matches too much to be evidence.
MIN_NAME = 3
#: A "name" longer than this is a title (the lists put whole titles among names).
TITLE_LIKE = 40
#: What follows a name in front of a title must be this long (normalized) to identify the paper.
MIN_SUBTITLE = 20
#: What may follow a record's name in a released variant's name (Qwen2.5-Coder-7B-Instruct).
_VARIANT = re.compile(r"^(\d+[bm]|instruct|chat|base|lite|python|preview)")


@dataclass
class Candidate:
    """One entry of a list, as the list gives it."""

    section: str
    names: list[str]
    title: str
    arxiv: list[str] = field(default_factory=list)
    github: list[str] = field(default_factory=list)
    doi: list[str] = field(default_factory=list)
    #: Filled by ``match``: the catalog ids it corresponds to, and how they were found.
    ids: list[str] = field(default_factory=list)
    by: str | None = None
    #: Catalog ids that share a GitHub repository with a missing candidate.
    same_repository: list[str] = field(default_factory=list)
    #: For a match by name or title: the matched records' own arXiv ids, where they differ from the list's.
    arxiv_differs: list[str] = field(default_factory=list)
    #: Filled by ``report`` for a candidate the catalog lacks by its rule: why (one of ``REASONS``).
    outside: str | None = None

    def key(self) -> str:
        """What makes two entries of one list the same candidate."""
        if self.arxiv:
            return "arxiv:" + self.arxiv[0]
        if self.doi:
            return "doi:" + self.doi[0]
        if self.title:
            return "title:" + normalize(_strip_tag(self.title))
        return "name:" + (normalize(self.names[0]) if self.names else "")

    def label(self) -> str:
        name = self.names[0] if self.names else ""
        if name and self.title and normalize(name) != normalize(self.title):
            return f"{name} — {self.title}"
        return name or self.title


# --- reading the lists ---------------------------------------------------------------


def read_sources(readme: Path) -> dict[str, str]:
    """``lists/README.md``'s table: file name -> "repository @ commit, date"."""
    out: dict[str, str] = {}
    if not readme.is_file():
        return out
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`") and "@" in cells[1]:
            out[cells[0].strip("`")] = cells[1]
    return out


def _strip_tag(title: str) -> str:
    """'(Enformer) Effective gene expression ...' -> 'Effective gene expression ...'."""
    return re.sub(r"^\s*\([^)]{1,40}\)\s*", "", title)


def _dois(text: str) -> list[str]:
    """The DOIs a text's links carry, lower-cased, without a preprint's version or a page suffix
    (biorxiv.org/content/10.1101/2023.01.26.525670v1.full -> 10.1101/2023.01.26.525670)."""
    found = _DOI.findall(text) + ["10.1038/" + a for a in _NATURE_ARTICLE.findall(text)]
    out = []
    for doi in found:
        doi = _DOI_SUFFIX.sub("", doi.rstrip(".,;")).casefold()
        if doi.startswith(("10.1101/", "10.64898/")):
            doi = re.sub(r"v\d+$", "", doi)
        if doi not in out:
            out.append(doi)
    return out


def _github(text: str) -> list[str]:
    return list(dict.fromkeys(u.rstrip(".,") for u in _GITHUB_URL.findall(text)))


def _split_names(names: list[str]) -> list[str]:
    """Each name, then what it joins: 'ESM-2 & ESMFold' also gives 'ESM-2' and 'ESMFold',
    'BioLinkBERT/LinkBERT' both, 'Taiyi (太一)' both, 'The Nucleotide Transformer' the name without 'The'."""
    out: list[str] = []
    for name in names:
        parts = [name.strip()]
        if len(name) <= TITLE_LIKE:
            paren = re.fullmatch(r"(.+?)\s*[(（]([^)）]+)[)）]", parts[0])
            if paren:
                parts += [paren.group(1), paren.group(2)]
            parts += [p.strip() for part in list(parts) for p in re.split(r"\s+&\s+|/", part)]
            parts += [p[4:] for p in parts if p[:4].casefold() == "the "]
        out += [p for p in dict.fromkeys(parts) if p and p not in out]
    return out


def parse_jsonl(path: Path) -> list[Candidate]:
    """Both shapes of the candidate files: {name, arxiv: str, sub} and {names, arxiv: [...], section}."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path.name}:{n}: not JSON ({exc.msg})") from None
        names = row.get("names")
        if names is None:
            names = [row["name"]] if row.get("name") else []
        arxiv = row.get("arxiv") or []
        if isinstance(arxiv, str):
            arxiv = [arxiv]
        github = row.get("github") or []
        paper = row.get("paper") or ""
        title = (row.get("title") or "").strip()
        arxiv = list(dict.fromkeys(arxiv + _ARXIV_URL.findall(paper)))
        # a title cut out of a link ('//www.biorxiv.org/content/10.1101/...') is no title, but its DOI counts
        doi = _dois(paper + (" " + title if title.startswith("//") else ""))
        if title.startswith("//"):
            title = ""
        out.append(Candidate(section=row.get("section") or row.get("sub") or "",
                             names=_dedupe(_split_names(names)), title=title, arxiv=arxiv, doi=doi,
                             github=list(github)))
    return out


def _dedupe(names: list[str]) -> list[str]:
    """Names once each; a 'Name: long title' name also gives 'Name', which comes first."""
    out: list[str] = []
    for name in names:
        for n in (name.split(":", 1)[0].strip() if ":" in name else "", name.strip()):
            if n and n not in out:
                out.append(n)
    return sorted(out, key=lambda n: (":" in n, len(n) > TITLE_LIKE))


_TITLE_CELL = re.compile(r"\[\*\*(.+?)\*\*\]\(([^)\s]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def parse_code_list(path: Path) -> list[Candidate]:
    """awesome-code-llm.md: the rows of its paper tables, and the models of its "Top Code LLMs" table.

    The leaderboard's source links point at whichever paper reported a score (o1-mini's at
    Qwen2.5-Coder's report), so its rows are matched by model name only.
    """
    out: list[Candidate] = []
    h2 = h3 = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            h2, h3 = _heading(line), ""
            continue
        if line.startswith("### "):
            h3 = _heading(line)
            continue
        if not line.startswith("|") or set(line.replace("|", "").strip()) <= set(":- "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if h2.endswith("Papers"):
            row = _paper_row(cells, h3 or h2)
        elif h2.startswith("Top Code LLMs"):
            row = _leaderboard_row(cells)
        else:
            row = None
        if row:
            out.append(row)
    return out


def _heading(line: str) -> str:
    """'### 🌊 Awesome Code Pre-Training Papers' -> 'Awesome Code Pre-Training Papers'."""
    text = line.lstrip("#").strip()
    return re.sub(r"^[^\w(]+", "", text).strip()


def _paper_row(cells: list[str], section: str) -> Candidate | None:
    joined = " | ".join(cells)
    m = _TITLE_CELL.search(joined)
    if not m:
        return None
    title, url = m.group(1).strip(), m.group(2)
    names = []
    first = cells[0]
    if first.startswith("`") and first.endswith("`"):
        names.append(first.strip("`").strip())
    github = [u for _, u in _LINK.findall(joined) if "github.com" in u and "img.shields.io" not in u]
    return Candidate(section=section, names=names, title=title, arxiv=_ARXIV_URL.findall(url), github=github)


def _leaderboard_row(cells: list[str]) -> Candidate | None:
    if len(cells) < 2 or not cells[0].isdigit():
        return None
    model = cells[1]
    link = _LINK.search(model)
    name = link.group(1) if link else model
    return Candidate(section="Top Code LLMs", names=[name.strip()], title="")


# --- markdown lists: bullets and tables under headings ---------------------------------


def _markdown(path: Path) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """("bullet", section, text, {}) for each top-level bullet with its continuation lines, and
    ("row", section, "", {header: cell}) for each table row; section is the '## / ### / ####'
    headings above it, joined with ' / '. HTML comments are not read."""
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    headings: list[str] = []
    bullet: list[str] | None = None
    header: list[str] | None = None
    section = ""
    for line in text.splitlines() + [""]:
        starts = re.match(r"(#{2,6}) |[*-] |\|", line)
        if bullet is not None and (not line.strip() or starts):
            yield "bullet", section, " ".join(bullet), {}
            bullet = None
        elif bullet is not None:
            bullet.append(line.strip())
            continue
        if not line.startswith("|"):
            header = None
        if line.startswith("##"):
            level = len(line) - len(line.lstrip("#"))
            headings = headings[:level - 2] + [""] * (level - 2 - len(headings)) + [_heading(line)]
            section = " / ".join(h for h in headings if h)
        elif re.match(r"[*-] ", line):
            bullet = [line[2:].strip()]
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header = [re.sub(r"\W+", " ", c).strip().casefold() for c in cells]
            elif not set("".join(cells)) <= set(":- "):
                yield "row", section, "", dict(zip(header, cells))


def _bullets(path: Path) -> Iterator[tuple[str, str]]:
    return ((section, text) for kind, section, text, _ in _markdown(path) if kind == "bullet")


def _rows(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    return ((section, row) for kind, section, _, row in _markdown(path) if kind == "row")


#: A link's target, which may hold one pair of parentheses (.../PIIS2589-7500(23)00048-1/fulltext).
_URL_BODY = r"(?:[^()\s]|\([^()\s]*\))*"


def _plain(text: str) -> str:
    """An entry's words without its links, badges, bold marks and trailing year:
    'BioGPT: Generative ... Mining. [paper](https://...)' -> 'BioGPT: Generative ... Mining'."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # badges
    text = re.sub(r"\[\[?[^\]]*\]?\]\s*\(+" + _URL_BODY + r"\)+", " ", text)  # [paper](...), [[Code]](...)
    text = re.sub(r"\[\[?[^\]]*\]?\]", " ", text)  # a link left without its target
    text = re.sub(r"<br\s*/?>", " ", text).replace("**", "")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(\.\s*((19|20)\d\d)?\.?|,)$", "", text).strip()


def _looks_like_a_name(text: str) -> bool:
    """'ChiMed-GPT', 'Med-PaLM 2', 'KeBioLM', 'Uni-Fold': up to three words, one of them
    spelt like a model (a capital inside it, a digit or a hyphen) or a single word."""
    words = text.split()
    return 0 < len(words) <= 3 and len(text) <= TITLE_LIKE and (
        len(words) == 1 or any(re.search(r"\w[A-Z]|\d|-", w) for w in words))


def _name_in_front(title: str) -> list[str]:
    """'KeBioLM: Improving Biomedical ...' -> ['KeBioLM']; a title with no name in front -> []."""
    head, sep, _rest = title.partition(":")
    return [head.strip()] if sep and _looks_like_a_name(head.strip()) else []


def _candidate(section: str, text: str, names: list[str], title: str) -> Candidate:
    """An entry with the names and title read from it, and the arXiv ids, DOIs and repositories its links give."""
    return Candidate(section=section, names=_dedupe(names), title=title, arxiv=list(dict.fromkeys(
        _ARXIV_URL.findall(text))), doi=_dois(text), github=_github(text))


def parse_medllms(path: Path) -> list[Candidate]:
    """medllms-practical-guide.md: '[**Venue, Year**] **Name**: Title. [paper](url) [code](url)';
    the bold name may join two ('**BioLinkBERT/LinkBERT**'), and some entries give only a title."""
    out = []
    for section, text in _bullets(path):
        body = re.sub(r"^\[\*\*[^\]]*\*\*\]\s*", "", text)  # the venue tag
        names: list[str] = []
        bold = re.match(r"\*\*([^*\[]+)\*\*\s*:?\s*", body)
        if bold:
            names = _split_names([bold.group(1).strip()])
            body = body[bold.end():]
        title = _plain(body)
        names = names or _name_in_front(title)
        if title or names:
            out.append(_candidate(section, text, names, title))
    return out


def parse_healthcare(path: Path) -> list[Candidate]:
    """awesome-healthcare-foundation-models.md: 'Name: Title [[Paper]](url) [[Code]](url)', or a bare
    title; a few entries are '[Name](url): what it is'."""
    out = []
    for section, text in _bullets(path):
        body = re.sub(r"^[-*]\s+", "", text)  # a bullet written twice: '- - [Name](url): ...'
        link = re.match(r"\[([^\]]+)\]\(" + _URL_BODY + r"\)", body)
        if link:  # a linked name and a description, which is no title
            out.append(_candidate(section, body, [link.group(1).strip()], ""))
        elif title := _plain(body):
            out.append(_candidate(section, body, _name_in_front(title), title))
    return out


def parse_legalai(path: Path) -> list[Candidate]:
    """awesome-legalai-resources.md: '**Name**: what it is.' then '[Paper](url) [Link](url)'; the
    words after the name describe, they are no title. A website entry is a bare URL."""
    out = []
    for section, text in _bullets(path):
        bold = re.match(r"\*\*([^*]+)\*\*", text)
        name = bold.group(1).strip() if bold else text.split()[0]
        out.append(_candidate(section, text, [name], ""))
    return out


def parse_domain_llm(path: Path) -> list[Candidate]:
    """awesome-domain-llm.zh.md: '[Name (中文名)](repository)', then a stars badge, '[[paper](url)]'
    and a description in Chinese; the name's two spellings are both names."""
    out = []
    for section, text in _bullets(path):
        link = re.match(r"\[([^\]]+)\]\(([^)\s]+)\)", text)
        if link:
            out.append(_candidate(section, text, _split_names([link.group(1).strip()]), ""))
    return out


def parse_finllms(path: Path) -> list[Candidate]:
    """awesome-finllms.md: tables of Date | Name | Author | Institute | Links | Paper, the links
    cell holding arXiv, GitHub and Hugging Face badges, the paper cell the title (two, for some)."""
    out = []
    for section, row in _rows(path):
        if not row.get("name"):
            continue
        names = _split_names([_plain(row["name"])])
        # a second title goes among the names, where a name as long as a title counts as one
        titles = [_plain(t) for t in re.split(r"<br\s*/?>", row.get("paper", "")) if _plain(t)]
        out.append(_candidate(section, " ".join(row.values()), names + titles[1:], titles[0] if titles else ""))
    return out


def parse_finance_llms(path: Path) -> list[Candidate]:
    """finance-llms.md: tables of Name | Type | Date | Description | Site | Paper, one per line of
    business. The type (enterprise platform, fine-tuned model, integrated solution) joins the
    section; a name like 'HSBC & Mistral AI' names a deployment, so it is not split."""
    out = []
    for section, row in _rows(path):
        if not row.get("name"):
            continue
        links = " ".join((row.get("site", ""), row.get("paper", "")))
        kind_of_use = _plain(row.get("type", "")).strip("- ")
        where = f"{section} / {kind_of_use}" if kind_of_use else section
        out.append(_candidate(where, links, [_plain(row["name"])], ""))
    return out


@dataclass(frozen=True)
class ListSpec:
    """One public list: its file (a glob for the candidate files), the parser for its shape, and which
    of its sections hold no models by the list's own word (datasets, benchmarks, surveys, websites)."""

    file: str
    parse: Callable[[Path], list[Candidate]]
    #: Only the entries of sections matching this are read ("" reads every section).
    read: str = ""
    #: Sections, among those read, that the list gives to what is not a model: left out and counted.
    skip: str = ""
    #: Where the list came from, when lists/README.md does not record it.
    origin: str = ""


LISTS: tuple[ListSpec, ...] = (
    ListSpec("lists/*-candidates.jsonl", parse_jsonl),
    ListSpec("lists/medllms-practical-guide.md", parse_medllms,
             read=r"^(Practical Guide for|Downstream Biomedical Tasks)",
             skip=r"Medical Data|Downstream Biomedical Tasks|Benchmark"),
    ListSpec("lists/awesome-healthcare-foundation-models.md", parse_healthcare,
             read=r"^(Survey|Large|Applications|AI Legislation)",
             # its "General Domain" subsections name general models (BERT, CLIP): backbones, not records
             skip=r"^(Survey|AI Legislation|Large-scale Datasets)|General Domain"),
    ListSpec("lists/awesome-finllms.md", parse_finllms, skip=r"^Datasets"),
    # its own legend: "Enterprise Platform" and "Integrated Solution" rows are deployments of vendors'
    # general models ("ready-made integrations, cloud services, and prompt engineering"), not models
    ListSpec("lists/finance-llms.md", parse_finance_llms, skip=r"/ (Enterprise Platform|Integrated Solution)$"),
    ListSpec("lists/awesome-legalai-resources.md", parse_legalai,
             read=r"^(General Corpus|Evaluation Benchmark|Websites)",
             skip=r"^(General Corpus|Evaluation Benchmark|Websites)"),
    ListSpec(CODE_LIST, parse_code_list, origin="huybery/Awesome-Code-LLM, commit not recorded in lists/README.md"),
    ListSpec("awesome-domain-llm.zh.md", parse_domain_llm, read=r"^模型 / 领域模型 / (医疗|法律|金融|教育)$",
             origin="luban-agi/Awesome-Domain-LLM, commit not recorded in lists/README.md"),
)


@dataclass
class ListRead:
    """A list as read: its candidates, and how many entries of which sections were left out."""

    name: str
    origin: str
    candidates: list[Candidate]
    skipped: dict[str, int] = field(default_factory=dict)


def read_lists(sources: Path) -> list[ListRead]:
    """Each list of ``LISTS`` found in ``sources``."""
    provenance = read_sources(sources / "lists" / "README.md")
    out = []
    for spec in LISTS:
        for path in sorted(sources.glob(spec.file)):
            read, skipped = [], {}
            try:
                entries = spec.parse(path)
            except UnicodeDecodeError as exc:
                raise ValueError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
            except OSError as exc:
                raise ValueError(f"{path.name}: cannot be read ({exc.strerror})") from None
            for c in entries:
                if spec.read and not re.search(spec.read, c.section):
                    continue
                if spec.skip and re.search(spec.skip, c.section):
                    skipped[c.section] = skipped.get(c.section, 0) + 1
                else:
                    read.append(c)
            origin = provenance.get(path.name) or spec.origin or "commit not recorded in lists/README.md"
            out.append(ListRead(path.name, origin, read, skipped))
    return out


# --- matching ------------------------------------------------------------------------


def _title_keys(title: str) -> tuple[str, str | None]:
    """A title normalized, and the part after a name in front of it when it has one:
    'Nucleotide Transformer: Building and Evaluating ...' -> (..., 'buildingandevaluating...').
    Lists and papers disagree on whether the model's name heads the title."""
    text = _strip_tag(title).strip()
    head = re.match(r"(.{1,40}?)\s*(?::|\s[–—-]\s)\s*(.+)$", text)
    if head and len(head.group(1).split()) <= 4 and len(sub := normalize(head.group(2))) >= MIN_SUBTITLE:
        return normalize(text), sub
    # 'ProtGPT2 is a deep unsupervised language model ...': a name-like word (a digit or an
    # inner capital, so not 'Attention is ...') heading a sentence-title
    named = re.match(r"(\S{2,40})\s+is\s+((?:a|an|the)\s.+)$", text)
    if named and re.search(r"\d|.[A-Z]", named.group(1)) and len(sub := normalize(named.group(2))) >= MIN_SUBTITLE:
        return normalize(text), sub
    return normalize(text), None


class CatalogIndex:
    """The catalog's records keyed by arXiv id, DOI, normalized name/alias, normalized title and repository."""

    def __init__(self, records) -> None:
        self.arxiv: dict[str, set[str]] = {}
        self.doi: dict[str, set[str]] = {}
        self.name: dict[str, set[str]] = {}
        self.title: dict[str, set[str]] = {}
        #: Titles that have a name in front, keyed by what follows the name.
        self.subtitle: dict[str, set[str]] = {}
        self.repo: dict[str, set[str]] = {}
        self.names_of: dict[str, set[str]] = {}
        for r in records:
            ids = {r.arxiv} if r.arxiv else set()
            if r.citation and r.citation.eprint:
                ids.add(r.citation.eprint)
            urls = " ".join([r.paper or ""] + ([r.citation.url or ""] if r.citation else []))
            ids.update(_ARXIV_URL.findall(urls))
            for a in ids:
                self.arxiv.setdefault(a, set()).add(r.id)
            dois = [r.doi or "", (r.citation.doi or "") if r.citation else "", urls]
            for d in _dois(" ".join(dois)):
                self.doi.setdefault(d, set()).add(r.id)
            for n in [r.name, *r.aliases]:
                key = normalize(n)
                self.names_of.setdefault(r.id, set()).add(key)
                if len(key) >= MIN_NAME:
                    self.name.setdefault(key, set()).add(r.id)
            for t in {r.title, r.citation.title if r.citation else None} - {None, ""}:
                full, sub = _title_keys(t)
                self.title.setdefault(full, set()).add(r.id)
                if sub:
                    self.subtitle.setdefault(sub, set()).add(r.id)
            for url in r.github:
                repo = _repo(url)
                if repo:
                    self.repo.setdefault(repo, set()).add(r.id)

    def match(self, c: Candidate) -> None:
        # a list that gives only a short "title" (LawGPT_zh) gives a name
        short_title = [c.title] if c.title and len(c.title) <= TITLE_LIKE else []
        names = [normalize(n) for n in [*c.names, *short_title] if len(n) <= TITLE_LIKE and len(normalize(n)) >= MIN_NAME]
        titles = [t for t in [c.title] + [n for n in c.names if len(n) > TITLE_LIKE] if t]
        for how, hits in (("arxiv", self._lookup(c.arxiv, self.arxiv)), ("doi", self._lookup(c.doi, self.doi)),
                          ("name", self._lookup(names, self.name)), ("title", self._by_title(titles)),
                          ("name of a released variant", {i for n in names for i in self._variant_of(n)}),
                          ("repository", self._by_repository(c) if not c.names else set())):
            if hits:
                c.ids, c.by = sorted(hits), how
                break
        if c.ids and c.by not in ("arxiv", "doi") and c.arxiv:
            theirs = sorted({a for a, ids in self.arxiv.items() if ids & set(c.ids)} - set(c.arxiv))
            c.arxiv_differs = theirs
        if not c.ids:
            c.same_repository = sorted({i for u in c.github if (repo := _repo(u)) for i in self.repo.get(repo, ())})

    @staticmethod
    def _lookup(keys, table: dict[str, set[str]]) -> set[str]:
        return {i for k in keys for i in table.get(k, ())}

    def _by_title(self, titles: list[str]) -> set[str]:
        """The same title, or the same title but for a model's name in front of one of the two
        (not of both: 'FinA: A Model for Finance' is not 'FinB: A Model for Finance')."""
        hits: set[str] = set()
        for t in titles:
            full, sub = _title_keys(t)
            hits |= self.title.get(full, set()) | self.subtitle.get(full, set())
            if sub:
                hits |= self.title.get(sub, set())
        return hits

    def _by_repository(self, c: Candidate) -> set[str]:
        """For an entry that names no model (a title and a link): the record its GitHub repository
        is named after (Graylab/IgLM is IgLM's). A repository that holds several models is named
        after at most one of them, so a bare shared repository is no match."""
        hits: set[str] = set()
        for url in c.github:
            repo = _repo(url)
            if repo:
                key = normalize(repo.split("/", 1)[1])
                hits |= {i for i in self.repo.get(repo, ()) if key in self.names_of.get(i, ())}
        return hits

    def _variant_of(self, name: str) -> set[str]:
        """The record whose name (6 characters or more, the longest that fits) starts ``name``
        and is followed by a size or a tuning suffix: StarCoder2-15B-Instruct is StarCoder2's."""
        for i in range(len(name) - 1, 5, -1):
            if _VARIANT.match(name[i:]) and name[:i] in self.name:
                return set(self.name[name[:i]])
        return set()


def _repo(url: str) -> str | None:
    m = _GITHUB_REPO.search(url)
    if not m:
        return None
    owner, name = m.group(1), m.group(2)
    if name.endswith(".git"):
        name = name[:-4]
    return f"{owner}/{name}".casefold()


def fold(candidates: list[Candidate]) -> tuple[list[Candidate], int]:
    """Each candidate once (a list may name a paper in two sections); how many were folded."""
    seen: dict[str, Candidate] = {}
    for c in candidates:
        k = c.key()
        if k in seen:
            first = seen[k]
            first.names = _dedupe(first.names + c.names)
            continue
        seen[k] = c
    return list(seen.values()), len(candidates) - len(seen)


def _paper_keys(c: Candidate) -> set[str]:
    """What identifies an entry's paper across lists: its title (with and without a name in front)
    and any name long enough to be a title ('Species-aware DNA language modeling')."""
    keys = set()
    for t in [c.title, *c.names]:
        full, sub = _title_keys(t) if t else ("", None)
        keys |= {k for k in (full, sub) if k and len(k) >= MIN_SUBTITLE}
    return keys


def _match_across(lists: list[tuple[str, list[Candidate]]]) -> None:
    """A paper one list cites by title alone may be one another list links or names: the preprint
    title 'Language models of protein sequences at the scale of evolution ...' is ESM-2's in a list
    that names it. Such an entry takes the record(s) the other entry was matched to."""
    known: dict[str, tuple[set[str], str]] = {}
    for name, cands in lists:
        for c in cands:
            if c.by in ("arxiv", "doi", "name", "title") and not c.arxiv_differs:
                for k in _paper_keys(c):
                    ids, where = known.get(k, (set(), name))
                    known[k] = (ids | set(c.ids), where)
    for name, cands in lists:
        for c in cands:
            if c.ids:
                continue
            hits = [known[k] for k in _paper_keys(c) if k in known]
            if hits:
                c.ids = sorted(set().union(*(ids for ids, _ in hits)))
                c.by = f"title, as {hits[0][1]} names it"
                c.same_repository = []


def read_outside(path: Path | None) -> dict[str, str]:
    """Candidate key -> reason, from the curated judgements (none when ``path`` is None)."""
    if path is None:
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror})") from None
    except ValueError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    out = {}
    for i, e in enumerate(entries if isinstance(entries, list) else [None]):
        if not isinstance(e, dict) or not {"key", "label", "reason", "basis"} <= set(e):
            raise ValueError(f"{path}: entry {i}: give an object with key, label, reason and basis")
        if e["reason"] not in REASONS:
            raise ValueError(f"{path}: entry {i} ({e['key']}): reason '{e['reason']}' is not one of: "
                             + ", ".join(REASONS))
        out[e["key"]] = e["reason"]
    return out


def report(lists: list[ListRead], records, only: str | None = None,
           outside: dict[str, str] | None = None) -> list[dict]:
    """The counts and entries of each list whose file name contains ``only`` (every list, if not given);
    all lists are matched, since one list may tell which record another list's entry is."""
    index = CatalogIndex(records)
    outside = outside or {}
    folded_lists = []
    for lst in lists:
        unique, folded = fold(lst.candidates)
        for c in unique:
            index.match(c)
        folded_lists.append((lst, unique, folded))
    _match_across([(lst.name, unique) for lst, unique, _ in folded_lists])
    out = []
    for lst, unique, folded in folded_lists:
        if only and only.casefold() not in lst.name.casefold():
            continue
        for c in unique:
            # A name match under another arXiv id may be another work of the same name: a judgement settles it.
            if not c.ids or c.arxiv_differs:
                c.outside = outside.get(c.key())
        present = sum(1 for c in unique if c.ids and not c.arxiv_differs)
        check = sum(1 for c in unique if c.arxiv_differs and not c.outside)
        judged = sum(1 for c in unique if c.outside)
        out.append({
            "list": lst.name, "source": lst.origin, "candidates": len(unique), "present": present, "check": check,
            "outside": judged, "missing": len(unique) - present - check - judged, "folded": folded,
            "left_out": sum(lst.skipped.values()), "left_out_sections": lst.skipped,
            "entries": [asdict(c) for c in unique],
        })
    return out


# --- output --------------------------------------------------------------------------


def render_text(reports: list[dict], missing_only: bool = False, summary: bool = False) -> str:
    lines: list[str] = []
    if not summary:
        for rep in reports:
            lines += [f"# {rep['list']}", f"source: {rep['source']}",
                      f"candidates {rep['candidates']}, present {rep['present']}, to check {rep['check']}, "
                      f"outside the rule {rep['outside']}, missing {rep['missing']}"
                      + (f" ({rep['folded']} repeated entries folded)" if rep["folded"] else "")]
            if rep["left_out"]:
                sections = "; ".join(f"{s} ({n})" for s, n in rep["left_out_sections"].items())
                lines.append(f"left out, as the list's own sections say they hold no models: "
                             f"{rep['left_out']} entries of {sections}")
            lines.append("")
            entries = [Candidate(**e) for e in rep["entries"]]
            if not missing_only:
                lines.append("present:")
                for c in entries:
                    if c.ids and not c.arxiv_differs:
                        lines.append(f"  {c.label()}{_paper(c)} -> {', '.join(c.ids)} (by {c.by})")
                lines.append("")
            lines.append("to check (same name or title, another arXiv id):")
            for c in entries:
                if c.arxiv_differs and not c.outside:
                    lines.append(f"  {c.label()}{_paper(c)} -> {', '.join(c.ids)} "
                                 f"(by {c.by}; the catalog has arXiv {', '.join(c.arxiv_differs)})")
            lines.append("")
            if rep["outside"]:
                lines.append("outside the inclusion rule (curation/lists/outside.json):")
                for c in entries:
                    if c.outside:
                        lines.append(f"  [{c.outside}] {c.label()}{_paper(c)}")
                lines.append("")
            lines.append("missing:")
            for c in entries:
                if not c.ids and not c.outside:
                    note = f"  [same repository as {', '.join(c.same_repository)}]" if c.same_repository else ""
                    lines.append(f"  [{c.section}] {c.label()}{_paper(c)}{note}")
            lines.append("")
    width = max([len(r["list"]) for r in reports] + [4])
    lines.append(f"{'list':<{width}}  candidates  present  to check  outside  missing  left out")
    for rep in reports:
        lines.append(f"{rep['list']:<{width}}  {rep['candidates']:>10}  {rep['present']:>7}  {rep['check']:>8}"
                     f"  {rep['outside']:>7}  {rep['missing']:>7}  {rep['left_out']:>8}")
    return "\n".join(lines) + "\n"


def _paper(c: Candidate) -> str:
    """The paper's arXiv ids, or else its DOIs."""
    if c.arxiv:
        return f"  arXiv {', '.join(c.arxiv)}"
    return f"  DOI {', '.join(c.doi)}" if c.doi else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                        help="the folder holding lists/, awesome-code-llm.md and awesome-domain-llm.zh.md "
                             "(default: ../shared/sources)")
    parser.add_argument("--catalog", action="append", default=[], metavar="PATH",
                        help="a catalog file or folder to match against, besides the bundled one (repeatable)")
    parser.add_argument("--no-bundled", action="store_true", help="leave the bundled catalog out")
    parser.add_argument("--list", dest="only", metavar="TEXT", help="only lists whose file name contains TEXT")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--missing-only", action="store_true", help="leave out the candidates the catalog has")
    parser.add_argument("--summary", action="store_true", help="print only the table of counts")
    parser.add_argument("--outside", type=Path, default=DEFAULT_OUTSIDE, metavar="PATH",
                        help="the judgements of entries outside the inclusion rule "
                             "(default: curation/lists/outside.json)")
    parser.add_argument("--no-outside", action="store_true", help="count every unmatched entry as missing")
    args = parser.parse_args(argv)

    if not (args.sources / "lists").is_dir():
        print(f"import_lists: no lists/ folder in {args.sources}: give the sources folder with --sources DIR",
              file=sys.stderr)
        return 2
    try:
        lists = read_lists(args.sources)
        outside = read_outside(None if args.no_outside else args.outside)
    except (ValueError, KeyError) as exc:
        print(f"import_lists: {exc}", file=sys.stderr)
        return 1
    if not any(not args.only or args.only.casefold() in lst.name.casefold() for lst in lists):
        print(f"import_lists: no list in {args.sources} matches '{args.only}'", file=sys.stderr)
        return 2
    try:
        catalog = load(args.catalog, bundled=not args.no_bundled, use_env=False)
    except CatalogError as exc:
        print(f"import_lists: {exc.problems[0]}", file=sys.stderr)
        return 1
    reports = report(lists, catalog.records, args.only, outside)
    stale = sorted(set(outside) - {c.key() for lst in lists for c in lst.candidates})
    if stale:  # a newer copy of a list may drop or re-key an entry that was judged
        print(f"import_lists: {len(stale)} judgement(s) in {args.outside} match no entry of the lists read "
              f"(first: {stale[0]}): remove them or give the entry's current key", file=sys.stderr)
    if args.json:
        if args.missing_only:
            for rep in reports:
                rep["entries"] = [e for e in rep["entries"] if not e["outside"] and (not e["ids"] or e["arxiv_differs"])]
        json.dump(reports, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(reports, missing_only=args.missing_only, summary=args.summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
