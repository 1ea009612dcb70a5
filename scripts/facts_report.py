#!/usr/bin/env python3
"""Report which catalog records lack which facts, and where a record contradicts itself.

Curators run it before and after a pass over the facts: it needs no network and
changes nothing. Each section lists record ids; the summary gives the shares.

    python scripts/facts_report.py                          # catalog/scientific.json
    python scripts/facts_report.py catalog/law.json ...     # any catalog files
    python scripts/facts_report.py --summary                # shares only
    python scripts/facts_report.py --json                   # sections as JSON, for scripts
    python scripts/facts_report.py catalog/*.json --by-record   # a work list: id, file to edit, targets missed

The consistency checks are mechanical:

- ``doi-from-citation``: the citation carries a DOI that a recorded source supports
  (primary evidence, or a source listing ``citation.doi``/``doi``) but the top-level
  ``doi`` is empty: the same fact from the same source belongs in both places.
- ``arxiv-mismatch`` / ``venue-mismatch``: top-level ``arxiv``/``venue`` disagree with
  the citation (DESIGN.md: they agree with the cited, preferably published, version).
- ``year-after-citation`` / ``year-after-arxiv``: ``year`` is later than the year of the
  cited version, or later than the year arXiv first announced it (an identifier is
  assigned in the month of first announcement), so it is not the first public version;
  no note excuses it.
- ``sizes-order``: parameter counts not ascending.

The ``lacks-*`` sections list the records that miss one of the catalog's fact targets
(``sllm.validate.GOALS``: the same rule ``sllm validate`` counts), and the summary
gives those targets' shares for the files read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sllm.records import arxiv_announced, validate  # noqa: E402
from sllm.validate import GOALS, gaps, targets  # noqa: E402

DEFAULT = [ROOT / "catalog" / "scientific.json"]

#: Short venue names and a phrase that the citation's booktitle/journal contains
#: when it is that venue (lower-case). A venue absent here is compared as text.
VENUE_PHRASES: dict[str, tuple[str, ...]] = {
    "acl": ("association for computational linguistics", "acl"),
    "emnlp": ("empirical methods in natural language processing", "emnlp"),
    "naacl": ("north american chapter", "naacl"),
    "coling": ("computational linguistics", "coling"),
    "eacl": ("european chapter", "eacl"),
    "aacl": ("asia-pacific chapter", "aacl", "ijcnlp"),
    "neurips": ("neural information processing systems", "neurips"),
    "icml": ("international conference on machine learning", "icml"),
    "iclr": ("international conference on learning representations", "iclr"),
    "icail": ("artificial intelligence and law", "icail"),
    "tmlr": ("transactions on machine learning research", "tmlr"),
    "kdd": ("knowledge discovery", "kdd"),
    "cikm": ("information and knowledge management", "cikm"),
    "sigir": ("sigir", "research and development in information retrieval"),
    "www": ("web conference", "www"),
    "wsdm": ("web search and data mining", "wsdm"),
    "aaai": ("aaai",),
    "ijcai": ("ijcai", "international joint conference on artificial intelligence"),
    "cvpr": ("computer vision and pattern recognition", "cvpr"),
    "iccv": ("international conference on computer vision", "iccv"),
    "eccv": ("eccv",),
    "miccai": ("miccai", "medical image computing"),
    "acm mm": ("multimedia",),
    "mlhc": ("machine learning for healthcare",),
    "ml4h": ("machine learning for health",),
    "colm": ("colm", "conference on language modeling"),
    "sc": ("high performance computing",),
    "isbi": ("isbi", "biomedical imaging"),
    "recomb": ("recomb", "computational molecular biology"),
    "acm bcb": ("bioinformatics, computational biology",),
    "sigmod": ("sigmod", "management of data"),
    "tpami": ("pattern analysis and machine intelligence",),
    "jbhi": ("biomedical and health informatics",),
    "jbi": ("journal of biomedical informatics",),
    "pnas": ("proceedings of the national academy of sciences",),
    "jamia": ("american medical informatics association",),
    "nejm ai": ("nejm ai",),
    "bionlp": ("bionlp", "biomedical natural language processing"),
    "clinicalnlp": ("clinical natural language processing",),
}


def load(paths: list[Path]) -> list[dict]:
    records: list[dict] = []
    for path in paths:
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    return records


def cited_venue(cit: dict) -> str:
    return " ".join(filter(None, (cit.get("booktitle"), cit.get("journal")))).lower()


def venue_agrees(venue: str | None, cit: dict) -> bool:
    """Whether the short top-level venue names the venue of the cited version."""
    text = cited_venue(cit)
    published = cit.get("type") in ("article", "inproceedings", "incollection")
    if not venue or venue.lower() in ("arxiv", "biorxiv", "medrxiv", "chemrxiv"):
        # A preprint venue agrees with a preprint citation only.
        return not (published and text and "arxiv" not in text and "rxiv" not in text)
    if not published or not text:
        return False  # a venue is named but the citation is not its published version
    if "workshop" in venue.lower():
        return "workshop" in text or "bionlp" in text
    key = " ".join(venue.lower().replace("findings", "").split())
    phrases = VENUE_PHRASES.get(key)
    if phrases:
        return any(p in text for p in phrases)
    return key in text or text in key


def doi_supported(record: dict) -> bool:
    cit = record.get("citation") or {}
    if cit.get("evidence") == "primary":
        return True
    return any({"citation.doi", "doi"} & set(s.get("facts", [])) for s in record.get("sources", []))


#: Notes are shown to users under each record: one or two sentences, not the curation's story.
NOTE_CHARS = 280


def sections(records: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k in (
        "doi-from-citation", "arxiv-mismatch", "venue-mismatch", "year-after-citation",
        "year-after-arxiv", "sizes-order",
        "notes-long",
    )}
    out.update({f"lacks-{g.gap}": [] for g in GOALS})
    for r in records:
        rid = r["id"]
        cit = r.get("citation") or {}
        notes = r.get("notes") or {}
        if cit.get("doi") and not r.get("doi") and doi_supported(r):
            out["doi-from-citation"].append(rid)
        if cit and (r.get("arxiv") or None) != (cit.get("eprint") or None):
            out["arxiv-mismatch"].append(f"{rid} ({r.get('arxiv')} vs eprint {cit.get('eprint')})")
        if cit and not venue_agrees(r.get("venue"), cit):
            out["venue-mismatch"].append(
                f"{rid} ({r.get('venue')} vs {cit.get('type')} {cited_venue(cit)[:60] or '-'})")
        if cit and r.get("year") and cit.get("year") and r["year"] > cit["year"]:
            out["year-after-citation"].append(f"{rid} ({r['year']} vs cited {cit['year']})")
        ay = arxiv_announced(r.get("arxiv") or cit.get("eprint"))
        if ay and r.get("year") and r["year"] > ay:
            out["year-after-arxiv"].append(f"{rid} ({r['year']} vs arXiv id {ay})")
        counts = [s.get("parameters") for s in r.get("sizes") or [] if s.get("parameters")]
        if counts != sorted(counts):
            out["sizes-order"].append(rid)
        for gap in gaps(validate(r)):
            out[f"lacks-{gap}"].append(rid)
        long = [f"{k}: {len(v)} characters" for k, v in notes.items() if len(v) > NOTE_CHARS]
        if long:
            out["notes-long"].append(f"{rid} ({'; '.join(long)})")
    return out


def summary(records: list[dict]) -> list[tuple[str, int, int]]:
    """(what, how many, out of how many): the catalog's fact targets, counted as
    ``sllm validate`` counts them, then the evidence and DOI shares a curator reports."""
    n = len(records)
    ev = [((r.get("citation") or {}).get("evidence") or "unconfirmed") for r in records]
    return [(t.name, t.count, t.total) for t in targets([validate(r) for r in records])] + [
        ("citation evidence corroborated", ev.count("corroborated"), n),
        ("citation evidence unconfirmed", ev.count("unconfirmed"), n),
        ("top-level doi set", sum(bool(r.get("doi")) for r in records), n),
    ]


OVERLAYS = ROOT / "curation" / "scientific"


def worklist(files: dict[Path, list[dict]]) -> list[tuple[str, str, list[str]]]:
    """Each record that misses a target: its id, the file a curator edits (the overlay
    for a generated record), and the targets it misses; most gaps first."""
    overlay: dict[str, str] = {}
    for path in sorted(OVERLAYS.glob("*.json")):
        for rid in json.loads(path.read_text(encoding="utf-8")):
            overlay.setdefault(rid, str(path.relative_to(ROOT)))
    rows = []
    for path, records in files.items():
        generated = path.resolve() == (ROOT / "catalog" / "scientific.json").resolve()
        for r in records:
            missed = gaps(validate(r))
            if missed:
                where = overlay.get(r["id"], "curation/scientific/ (new overlay)") if generated else str(path)
                rows.append((r["id"], where, missed))
    return sorted(rows, key=lambda row: -len(row[2]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="catalog files (default: catalog/scientific.json)")
    parser.add_argument("--summary", action="store_true", help="print the shares only")
    parser.add_argument("--json", action="store_true", help="print the sections as JSON")
    parser.add_argument("--by-record", action="store_true",
                        help="print one line per record that misses a target: id, file to edit, targets")
    args = parser.parse_args(argv)
    try:
        files = {path: load([path]) for path in args.files or DEFAULT}
    except (OSError, ValueError) as exc:
        print(f"facts_report: cannot read the catalog: {exc}", file=sys.stderr)
        return 1
    records = [r for part in files.values() for r in part]
    if args.by_record:
        for rid, where, missed in worklist(files):
            print(f"{rid}\t{where}\t{' '.join(missed)}")
        return 0
    found = sections(records)
    if args.json:
        print(json.dumps({"sections": found, "summary": [
            {"what": w, "count": c, "of": t} for w, c, t in summary(records)]}, indent=2))
        return 0
    if not args.summary:
        for name, ids in found.items():
            print(f"## {name}: {len(ids)}")
            for rid in ids:
                print(f"  {rid}")
    for what, count, total in summary(records):
        share = f"{100 * count / total:.0f}%" if total else "-"
        print(f"{what}: {count}/{total} ({share})")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # a reader such as `head` stopped early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0)
