#!/usr/bin/env python3
"""Which models named by the public lists in ../shared/sources the catalog has, and which it lacks.

A review aid for coverage work, not an importer: it writes no record. Each list's
candidates are matched against the catalog by arXiv id first, then by normalized
name (against record names and aliases), then by normalized title; a missing
candidate that shares a GitHub repository with a record is flagged, since one
repository often holds several models.

    python scripts/import_lists.py                       # every list, text report
    python scripts/import_lists.py --summary             # one line per list
    python scripts/import_lists.py --list code --json    # lists whose file name contains "code"
    python scripts/import_lists.py --missing-only

Lists read: ``lists/*-candidates.jsonl`` (one candidate a line) and
``awesome-code-llm.md`` (its paper tables and its "Top Code LLMs" table). The
commit each list was copied at is taken from ``lists/README.md``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sllm.catalog import CatalogError, load  # noqa: E402
from sllm.resolve import normalize  # noqa: E402

DEFAULT_SOURCES = ROOT.parent / "shared" / "sources"
CODE_LIST = "awesome-code-llm.md"

_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5})", re.I)
_GITHUB_REPO = re.compile(r"github\.com/([^/\s)#?]+)/([^/\s)#?]+)", re.I)
#: A name shorter than this (normalized) matches too much to be evidence.
MIN_NAME = 3
#: A "name" longer than this is a title (the lists put whole titles among names).
TITLE_LIKE = 40
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
    #: Filled by ``match``: the catalog ids it corresponds to, and how they were found.
    ids: list[str] = field(default_factory=list)
    by: str | None = None
    #: Catalog ids that share a GitHub repository with a missing candidate.
    same_repository: list[str] = field(default_factory=list)
    #: For a match by name or title: the matched records' own arXiv ids, where they differ from the list's.
    arxiv_differs: list[str] = field(default_factory=list)

    def key(self) -> str:
        """What makes two entries of one list the same candidate."""
        if self.arxiv:
            return "arxiv:" + self.arxiv[0]
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
        arxiv = list(dict.fromkeys(arxiv + _ARXIV_URL.findall(paper)))
        out.append(Candidate(section=row.get("section") or row.get("sub") or "", names=_dedupe(names),
                             title=(row.get("title") or "").strip(), arxiv=arxiv, github=list(github)))
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


def read_lists(sources: Path, only: str | None = None) -> list[tuple[str, str, list[Candidate]]]:
    """(file name, where it came from, candidates) for each list in ``sources``."""
    provenance = read_sources(sources / "lists" / "README.md")
    found: list[tuple[str, Path]] = [(p.name, p) for p in sorted((sources / "lists").glob("*-candidates.jsonl"))]
    if (sources / CODE_LIST).is_file():
        found.append((CODE_LIST, sources / CODE_LIST))
    out = []
    for name, path in found:
        if only and only.casefold() not in name.casefold():
            continue
        candidates = parse_code_list(path) if name == CODE_LIST else parse_jsonl(path)
        origin = provenance.get(name) or "commit not recorded in lists/README.md"
        out.append((name, origin, candidates))
    return out


# --- matching ------------------------------------------------------------------------


class CatalogIndex:
    """The catalog's records keyed by arXiv id, normalized name/alias, normalized title and repository."""

    def __init__(self, records) -> None:
        self.arxiv: dict[str, set[str]] = {}
        self.name: dict[str, set[str]] = {}
        self.title: dict[str, set[str]] = {}
        self.repo: dict[str, set[str]] = {}
        for r in records:
            ids = {r.arxiv} if r.arxiv else set()
            if r.citation and r.citation.eprint:
                ids.add(r.citation.eprint)
            for url in [r.paper or ""] + ([r.citation.url or ""] if r.citation else []):
                ids.update(_ARXIV_URL.findall(url))
            for a in ids:
                self.arxiv.setdefault(a, set()).add(r.id)
            for n in [r.name, *r.aliases]:
                key = normalize(n)
                if len(key) >= MIN_NAME:
                    self.name.setdefault(key, set()).add(r.id)
            for t in {r.title, r.citation.title if r.citation else None} - {None, ""}:
                self.title.setdefault(normalize(_strip_tag(t)), set()).add(r.id)
            for url in r.github:
                repo = _repo(url)
                if repo:
                    self.repo.setdefault(repo, set()).add(r.id)

    def match(self, c: Candidate) -> None:
        # a list that gives only a short "title" (LawGPT_zh) gives a name
        short_title = [c.title] if c.title and len(c.title) <= TITLE_LIKE else []
        names = [normalize(n) for n in [*c.names, *short_title] if len(n) <= TITLE_LIKE and len(normalize(n)) >= MIN_NAME]
        titles = [normalize(_strip_tag(t)) for t in [c.title] + [n for n in c.names if len(n) > TITLE_LIKE] if t]
        for how, keys, table in (("arxiv", c.arxiv, self.arxiv), ("name", names, self.name),
                                 ("title", titles, self.title)):
            hits = sorted({i for k in keys for i in table.get(k, ())})
            if hits:
                c.ids, c.by = hits, how
                break
        else:
            hits = sorted({i for n in names for i in self._variant_of(n)})
            if hits:
                c.ids, c.by = hits, "name of a released variant"
        if c.ids and c.by != "arxiv" and c.arxiv:
            theirs = sorted({a for a, ids in self.arxiv.items() if ids & set(c.ids)} - set(c.arxiv))
            c.arxiv_differs = theirs
        if not c.ids:
            c.same_repository = sorted({i for u in c.github if (repo := _repo(u)) for i in self.repo.get(repo, ())})

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


def report(lists, records) -> list[dict]:
    index = CatalogIndex(records)
    out = []
    for name, origin, candidates in lists:
        unique, folded = fold(candidates)
        for c in unique:
            index.match(c)
        present = sum(1 for c in unique if c.ids and not c.arxiv_differs)
        check = sum(1 for c in unique if c.arxiv_differs)
        out.append({
            "list": name, "source": origin, "candidates": len(unique), "present": present, "check": check,
            "missing": len(unique) - present - check, "folded": folded,
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
                      f"missing {rep['missing']}"
                      + (f" ({rep['folded']} repeated entries folded)" if rep["folded"] else ""), ""]
            entries = [Candidate(**e) for e in rep["entries"]]
            if not missing_only:
                lines.append("present:")
                for c in entries:
                    if c.ids and not c.arxiv_differs:
                        lines.append(f"  {c.label()}{_arxiv(c)} -> {', '.join(c.ids)} (by {c.by})")
                lines.append("")
            lines.append("to check (same name or title, another arXiv id):")
            for c in entries:
                if c.arxiv_differs:
                    lines.append(f"  {c.label()}{_arxiv(c)} -> {', '.join(c.ids)} "
                                 f"(by {c.by}; the catalog has arXiv {', '.join(c.arxiv_differs)})")
            lines.append("")
            lines.append("missing:")
            for c in entries:
                if not c.ids:
                    note = f"  [same repository as {', '.join(c.same_repository)}]" if c.same_repository else ""
                    lines.append(f"  [{c.section}] {c.label()}{_arxiv(c)}{note}")
            lines.append("")
    width = max([len(r["list"]) for r in reports] + [4])
    lines.append(f"{'list':<{width}}  candidates  present  to check  missing")
    for rep in reports:
        lines.append(f"{rep['list']:<{width}}  {rep['candidates']:>10}  {rep['present']:>7}  {rep['check']:>8}"
                     f"  {rep['missing']:>7}")
    return "\n".join(lines) + "\n"


def _arxiv(c: Candidate) -> str:
    return f"  arXiv {', '.join(c.arxiv)}" if c.arxiv else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                        help="the folder holding lists/ and awesome-code-llm.md (default: ../shared/sources)")
    parser.add_argument("--catalog", action="append", default=[], metavar="PATH",
                        help="a catalog file or folder to match against, besides the bundled one (repeatable)")
    parser.add_argument("--no-bundled", action="store_true", help="leave the bundled catalog out")
    parser.add_argument("--list", dest="only", metavar="TEXT", help="only lists whose file name contains TEXT")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--missing-only", action="store_true", help="leave out the candidates the catalog has")
    parser.add_argument("--summary", action="store_true", help="print only the table of counts")
    args = parser.parse_args(argv)

    if not (args.sources / "lists").is_dir():
        print(f"import_lists: no lists/ folder in {args.sources}: give the sources folder with --sources DIR",
              file=sys.stderr)
        return 2
    try:
        lists = read_lists(args.sources, args.only)
    except (ValueError, KeyError) as exc:
        print(f"import_lists: {exc}", file=sys.stderr)
        return 1
    if not lists:
        print(f"import_lists: no list in {args.sources} matches '{args.only}'", file=sys.stderr)
        return 2
    try:
        catalog = load(args.catalog, bundled=not args.no_bundled, use_env=False)
    except CatalogError as exc:
        print(f"import_lists: {exc.problems[0]}", file=sys.stderr)
        return 1
    reports = report(lists, catalog.records)
    if args.json:
        if args.missing_only:
            for rep in reports:
                rep["entries"] = [e for e in rep["entries"] if not e["ids"] or e["arxiv_differs"]]
        json.dump(reports, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(reports, missing_only=args.missing_only, summary=args.summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
