#!/usr/bin/env python3
"""Build ``catalog/scientific.json`` from the upstream awesome list plus overlays.

The upstream list (Awesome-Scientific-Language-Models, MIT) is parsed, never
retyped: name, paper title, venue, year, links, size labels and the backbones that
size labels name come from it verbatim. What the list does not say (domains,
modalities, architecture type, backbones, open weights, citations) comes from the
hand-curated overlays in ``curation/scientific/*.json``, keyed by record id,
each judgement with its reason and source.

Rerunning this script reproduces the catalog byte for byte, so a newer version of
the list can be merged later with a reviewable diff:

    python scripts/import_awesome.py            # rewrite catalog/scientific.json
    python scripts/import_awesome.py --check    # exit 1 if it is out of date
    python scripts/import_awesome.py --skeleton # list-derived records only, for curators
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sllm.records import ARXIV_DATING, arxiv_announced, as_data, size_from_label, validate  # noqa: E402
from sllm.sizes import label_size  # noqa: E402

UPSTREAM = ROOT / "curation" / "upstream" / "awesome-scientific-language-models.md"
UPSTREAM_URL = "https://github.com/yuzhimanhua/Awesome-Scientific-Language-Models"
OVERLAYS = ROOT / "curation" / "scientific"
OUTPUT = ROOT / "catalog" / "scientific.json"

#: Second parts of size labels ("7B, Mistral") that name a backbone; the others
#: ("1.4B, Physics") name a variant of the model.
KNOWN_BACKBONES = {
    "ALBERT", "BART", "BERT", "BigBird", "DeBERTa", "ELECTRA", "Galactica", "Gemma",
    "InternLM", "InternLM2", "LLaMA", "LLaMA-2", "LLaMA-3", "LLaMA-3.1", "Longformer",
    "Mistral", "Mixtral", "Pythia", "Qwen2.5", "RoBERTa", "T5", "XLNet",
}

#: Fields an overlay may set: what the list does not say.
OVERLAY_FIELDS = {
    "aliases", "kind", "domains", "modalities", "architecture", "backbones",
    "open_weights", "access", "license", "languages", "doi", "citation", "sources",
    "unverified", "notes",
}
#: Fields the list does say, which an overlay may correct only with the reason in
#: ``notes`` under the same name (a parameter count read in the paper, the year of
#: the first preprint, the published venue): the diff shows list and correction.
CORRECTABLE_FIELDS = {"sizes", "year", "venue", "title", "arxiv", "paper", "github", "models"}

ENTRY_RE = re.compile(r"^- \*\*\((?P<name>[^)]*)\)\*\* _(?P<title>.+?)_ ```(?P<venue>[^`]+)```")
LINK_RE = re.compile(r"\[\[(?P<kind>Paper|GitHub|Model)(?: \((?P<label>[^)]*)\))?\]\((?P<url>[^)\s]+)\)\]")
H2_RE = re.compile(r"^## (?P<title>.+)$")
H3_RE = re.compile(r'^<h3 id="[^"]*">(?P<title>.+)</h3>$')
ARXIV_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(?P<id>\d{4}\.\d{4,5})")
#: DOIs that a paper URL carries in its path: doi.org, publishers' /doi/ paths,
#: and bioRxiv/medRxiv content paths (whose DOIs are 10.1101/<id>).
DOI_RE = re.compile(
    r"(?:doi\.org/|/doi/(?:abs/|full/|pdf/)?|(?:bio|med)rxiv\.org/content/)"
    r"(?P<doi>10\.\d{4,9}/[^\s?#]+?)(?:v\d+)?(?:\.full)?/?$"
)


def slug(text: str) -> str:
    text = text.lower().replace("+", "-")
    text = re.sub(r"[^a-z0-9.]+", "-", text)
    text = re.sub(r"-*\.-*", ".", text)
    return text.strip("-.")


def split_name(raw: str) -> tuple[str, list[str], str]:
    """``BlueBERT, f.k.a. NCBI-BERT`` -> name, aliases, id; ``X, Huang et al.`` -> id x-huang."""
    parts = [p.strip() for p in raw.split(",")]
    name, aliases, tag = parts[0], [], ""
    for extra in parts[1:]:
        if extra.startswith("f.k.a. "):
            aliases.append(extra[len("f.k.a. "):])
        elif extra.endswith("et al."):
            tag = extra.split()[0]
        else:
            aliases.append(extra)
    rid = slug(name + (" " + tag if tag else ""))
    return name, aliases, rid


def parse_venue(text: str) -> tuple[str | None, int | None]:
    text = " ".join(text.split())
    match = re.search(r"\b(19|20)\d{2}\b", text)
    year = int(match.group(0)) if match else None
    venue = " ".join(re.sub(r"\b(19|20)\d{2}\b", " ", text).split()) if match else text
    return venue or None, year


def parse_list(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    records: list[dict] = []
    section = subsection = None
    in_body = False
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if (m := H2_RE.match(line)) and m.group("title") != "Contents":
            section, subsection, in_body = m.group("title"), None, True
        elif (m := H3_RE.match(line)) and in_body:
            subsection = m.group("title")
        elif (m := ENTRY_RE.match(line)) and in_body:
            link_line = lines[i + 1] if i + 1 < len(lines) else ""
            records.append(_entry(m, link_line, section, subsection))
            i += 1
        i += 1
    return records


def _entry(m: re.Match, link_line: str, section: str | None, subsection: str | None) -> dict:
    name, aliases, rid = split_name(m.group("name"))
    venue, year = parse_venue(m.group("venue"))
    paper, github, models, sizes, backbones = None, [], [], [], []
    for link in LINK_RE.finditer(link_line):
        kind, label, url = link.group("kind"), link.group("label"), link.group("url")
        if kind == "Paper":
            paper = paper or url
        elif kind == "GitHub":
            if url not in github:
                github.append(url)
        else:
            if url not in models:
                models.append(url)
            if label:
                size_label, _, extra = (p.strip() for p in label.partition(","))
                if size_label not in [s["label"] for s in sizes]:
                    sizes.append(as_data(size_from_label(size_label)))
                if extra in KNOWN_BACKBONES and extra not in backbones:
                    backbones.append(extra)
    # Hugging Face links first: they are what most users can load directly.
    models.sort(key=lambda u: 0 if "huggingface.co" in u else 1)
    arxiv = m_.group("id") if paper and (m_ := ARXIV_RE.search(paper)) else None
    doi = m_.group("doi") if paper and (m_ := DOI_RE.search(paper)) else None
    facts = ["name", "title", "venue", "year", "paper", "github", "models", "sizes"]
    if arxiv:
        facts.append("arxiv")
    if doi:
        facts.append("doi")
    if aliases:
        facts.append("aliases")
    if backbones:
        facts.append("backbones")
    return {
        "id": rid,
        "name": name,
        "aliases": aliases,
        "kind": "model",
        "domains": [],
        "modalities": [],
        "architecture": [],
        "backbones": backbones,
        "sizes": sizes,
        "year": year,
        "venue": venue,
        "title": m.group("title").strip(),
        "paper": paper,
        "arxiv": arxiv,
        "doi": doi,
        "github": github,
        "models": models,
        "open_weights": True if models else None,
        "citation": None,
        "sources": [{"url": UPSTREAM_URL, "facts": facts}],
        "section": section,
        "subsection": subsection,
        "unverified": [],
        "notes": {} if not models else {
            "open_weights": "the upstream list links downloadable weights"
        },
    }


def disambiguate(records: list[dict]) -> None:
    """Names equal but for case (BiomedBERT, BioMedBERT) get their year in the id.

    Both get it, not just the second: an id must not depend on list order.
    """
    seen: dict[str, list[dict]] = {}
    for record in records:
        seen.setdefault(record["id"], []).append(record)
    for group in seen.values():
        if len(group) > 1:
            for record in group:
                record["id"] = f"{record['id']}-{record['year']}"


def load_overlays(folder: Path) -> dict[str, dict]:
    merged: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for rid, patch in data.items():
            if rid in merged:
                raise SystemExit(f"{path.name}: id '{rid}' is curated in two overlay files")
            unknown = set(patch) - OVERLAY_FIELDS - CORRECTABLE_FIELDS
            if unknown:
                raise SystemExit(f"{path.name}: {rid}: fields not allowed in an overlay: {sorted(unknown)}")
            unexplained = sorted(f for f in set(patch) & CORRECTABLE_FIELDS if f not in patch.get("notes", {}))
            if unexplained:
                raise SystemExit(f"{path.name}: {rid}: corrects what the list says without a reason in notes: "
                                 f"{unexplained}")
            merged[rid] = patch
    return merged


def apply(record: dict, patch: dict) -> dict:
    out = dict(record)
    for key, value in patch.items():
        if key == "aliases":
            out["aliases"] = record["aliases"] + [a for a in value if a not in record["aliases"]]
        elif key == "sources":
            out["sources"] = record["sources"] + value
        elif key == "notes":
            out["notes"] = {**record["notes"], **value}
        elif key == "doi" and value is None:
            continue  # "not found" in an overlay must not erase the DOI the list's link carries
        else:
            out[key] = value
    return out


def consistent(record: dict) -> dict:
    """What follows from the record itself: the citation's DOI at the top level, sizes ascending,
    and the year of the first public version, which an arXiv identifier bounds."""
    citation = record.get("citation") or {}
    if citation.get("doi") and not record.get("doi"):
        record["doi"] = citation["doi"]
    elif citation.get("doi") and record["doi"].casefold() != citation["doi"].casefold():
        # the list links the preprint; the record cites the published version
        record["notes"] = {**record["notes"], "doi": f"the upstream list links the preprint (DOI {record['doi']}); "
                           "this is the DOI of the published version cited"}
        record["doi"] = citation["doi"]
    record["sizes"] = sorted(record["sizes"], key=_size_order)
    arxiv = record.get("arxiv") or citation.get("eprint")
    announced = arxiv_announced(arxiv)
    if announced and record.get("year") and record["year"] > announced:
        # the list dates a model by its publication; its arXiv version came first
        record["notes"] = {**record["notes"], "year": (
            f"first public version: arXiv {arxiv}, first announced in {announced} (arXiv assigns an identifier "
            f"in the month of first announcement); {record['year']} is the year of the version the list names")}
        record["year"] = announced
        record["sources"] = record["sources"] + [{"url": ARXIV_DATING, "facts": ["year"]}]
    return record


def _size_order(size: dict) -> tuple:
    """By the count where one was read, else by what the label says (``sizes.label_size``,
    the order validate checks); a label that names no size goes last."""
    value = size.get("parameters") or label_size(size["label"])
    return (0, value) if value else (1, 0)


def build(skeleton: bool = False) -> list[dict]:
    records = parse_list(UPSTREAM)
    disambiguate(records)
    ids = [r["id"] for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit(f"upstream names give duplicate ids: {dupes}")
    if skeleton:
        return records
    overlays = load_overlays(OVERLAYS) if OVERLAYS.is_dir() else {}
    stray = sorted(set(overlays) - set(ids))
    if stray:
        raise SystemExit(f"overlays curate ids the list does not have: {stray}")
    out = []
    for record in records:
        merged = consistent(apply(record, overlays.get(record["id"], {})))
        # Round-trip through the model: the catalog is written in contract order
        # and nothing invalid is written at all.
        out.append(validate(merged).contract())
    return out


def dumps(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the catalog is out of date")
    parser.add_argument("--skeleton", action="store_true", help="print list-derived records only")
    args = parser.parse_args(argv)
    records = build(skeleton=args.skeleton)
    text = dumps(records)
    if args.skeleton:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: rerun scripts/import_awesome.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(records)} records to {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
