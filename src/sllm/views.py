"""The numbers behind the overview commands (stats, taxonomy, tree, timeline, export).

Pure functions over records returning plain data: the CLI draws them with rich, or
prints them as JSON, and tests check them without a terminal.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Sequence

from .query import family_match, tokens
from .records import Record
from .resolve import normalize
from .vocab import DOMAINS, MODALITIES, STRATEGIES, TYPES

UNKNOWN = "unknown"


def family(backbone: str) -> str:
    """The family key of a backbone: ``LLaMA-2-13B`` -> ``llama``, ``GPT-2`` -> ``gpt``."""
    toks = tokens(backbone)
    return toks[0] if toks else backbone.casefold()


def _family_labels(records: Sequence[Record]) -> dict[str, str]:
    """The most common spelling of each family's leading word (``LLaMA``, not ``llama``)."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        for b in r.backbones:
            m = re.match(r"[A-Za-z]+", b.strip())
            if m:
                spellings[family(b)][m.group(0)] += 1
    return {k: c.most_common(1)[0][0] for k, c in spellings.items()}


def _families(records: Sequence[Record]) -> Counter:
    """Models per backbone family: the registry's family of each backbone, else the root of
    its lineage, else (a backbone the registry does not know yet) the family word of its name."""
    from .lineage import Lineage

    lineage = Lineage(records)
    labels = _family_labels(records)
    counts: Counter = Counter()
    for r in records:
        names = set()
        for b in r.backbones:
            if lineage.registry.canonical(b) or lineage.by_name.get(normalize(b)):
                names.add(lineage.family(b))
            else:
                names.add(labels.get(family(b), family(b)))
        counts.update(names)
    return counts


def stats(records: Sequence[Record], top: int = 15) -> dict[str, dict[str, int]]:
    """Counts by domain, modality, architecture type, year, kind and backbone family.

    A model counts once in each of its domains (and modalities, types, families), so
    the counts of one facet can add up to more than the number of models.
    """
    by_domain = Counter(d for r in records for d in r.domains)
    by_modality = Counter(m for r in records for m in r.modalities)
    by_type = Counter(t for r in records for t in r.architecture)
    untyped = sum(1 for r in records if not r.architecture)
    by_year = Counter(str(r.year) if r.year else UNKNOWN for r in records)
    by_family = _families(records)
    out = {
        "domain": {d: by_domain[d] for d in DOMAINS if by_domain[d]},
        "modality": {m: by_modality[m] for m in MODALITIES if by_modality[m]},
        "architecture": {**{t: by_type[t] for t in TYPES if by_type[t]}, **({"none": untyped} if untyped else {})},
        "year": dict(sorted(by_year.items())),
        "kind": dict(Counter(r.kind for r in records).most_common()),
        "backbone": dict(sorted(by_family.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:top]),
    }
    return out


def taxonomy(records: Sequence[Record], examples: int = 3) -> list[dict]:
    """The 3 x 4 grid: each cell with its meaning, its count and a few examples."""
    cells = []
    for code, meaning in TYPES.items():
        members = [r for r in records if code in r.architecture]
        members.sort(key=lambda r: (-(r.year or 0), r.name.casefold()))
        cells.append({
            "type": code,
            "strategy": STRATEGIES[code[0]],
            "input": meaning,
            "count": len(members),
            "examples": [r.name for r in members[:examples]],
        })
    return cells


def timeline(records: Sequence[Record]) -> dict[str, dict[str, int]]:
    """year -> domain -> number of models (years without a date are left out)."""
    table: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        if r.year:
            for d in r.domains or [UNKNOWN]:
                table[str(r.year)][d] += 1
    return {y: {d: c[d] for d in DOMAINS if c[d]} for y, c in sorted(table.items())}


def tree(records: Sequence[Record], query: str, depth: int = 4) -> dict:
    """Models built on a backbone family, along the chain the registry records.

    ``{"name": "LLaMA", "children": [{"name": "LLaMA-13B", "children": [{"name":
    "Vicuna-13B", "children": [model nodes]}]}]}``: backbone nodes carry a name,
    model nodes also an id and a year. A model that is itself the backbone of other
    catalogued models gets them as children (a model built on BioMistral sits under
    BioMistral), as far as ``depth`` generations.
    """
    from .lineage import Lineage

    q = tokens(query)
    lineage = Lineage(records)
    in_catalog = {normalize(n) for r in records for n in (r.name, *r.aliases)}
    by_backbone_name: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        for b in r.backbones:
            by_backbone_name[normalize(b)].append(r)

    def model_node(r: Record, seen: frozenset[str], level: int) -> dict:
        node = {"name": r.name, "id": r.id, "year": r.year, "children": []}
        if level >= depth:
            return node
        keys = {normalize(r.name), *(normalize(a) for a in r.aliases)}
        kids = {c.id: c for k in keys for c in by_backbone_name.get(k, []) if c.id not in seen and c.id != r.id}
        for child in sorted(kids.values(), key=lambda c: (c.year or 0, c.name.casefold())):
            node["children"].append(model_node(child, seen | {child.id}, level + 1))
        return node

    canonical = lineage.registry.canonical(query)
    root_name = canonical or _family_labels(records).get(q[0], query) if q else query
    root: dict = {"name": root_name, "children": []}
    branches: dict[tuple[str, ...], dict] = {(): root}
    placed: dict[tuple[str, ...], dict[str, Record]] = defaultdict(dict)
    for r in records:
        for b in r.backbones:
            if normalize(b) in in_catalog:
                continue  # under that model's own node
            chain = lineage.chain_of(b)
            hits = [i for i, name in enumerate(chain) if family_match(q, tokens(name))]
            if not hits:
                continue
            path = tuple(reversed(chain[: hits[-1] + 1]))
            if normalize(path[0]) == normalize(root_name):
                path = path[1:]
            placed[path][r.id] = r
            for i in range(1, len(path) + 1):
                if path[:i] not in branches:
                    node = {"name": path[i - 1], "children": []}
                    branches[path[:i]] = node
                    branches[path[: i - 1]]["children"].append(node)
    for path, members in placed.items():
        node = branches[path]
        node["children"] += [model_node(r, frozenset({r.id}), 1)
                             for r in sorted(members.values(), key=lambda r: (r.year or 0, r.name.casefold()))]
    for node in branches.values():
        node["children"].sort(key=lambda n: (0, _variant_order(n["name"])) if "id" not in n else (1, (n["year"] or 0, n["name"].casefold())))
    return root


def _variant_order(name: str):
    nums = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", name)[:1]]
    return (nums[0] if nums else -1.0, name.casefold())


def export_markdown(records: Sequence[Record]) -> str:
    """A README-style list grouped by domain, then modality, with links."""
    lines = [
        "# Specialized language models",
        "",
        f"Generated by `sllm export` from {len(records)} catalog records.",
        "",
    ]
    by_domain: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        for d in r.domains or [UNKNOWN]:
            by_domain[d].append(r)
    order = [d for d in DOMAINS if d in by_domain] + ([UNKNOWN] if UNKNOWN in by_domain else [])
    lines.append("## Contents")
    for d in order:
        lines.append(f"- [{d.capitalize()}](#{d})")
    lines.append("")
    for d in order:
        lines += [f"## {d.capitalize()}", ""]
        by_mod: dict[str, list[Record]] = defaultdict(list)
        for r in by_domain[d]:
            by_mod[" + ".join(r.modalities) or UNKNOWN].append(r)
        for mod in sorted(by_mod, key=lambda m: (m != "language", m)):
            lines += [f"### {mod.capitalize()}", ""]
            for r in sorted(by_mod[mod], key=lambda r: (r.year or 0, r.name.casefold())):
                lines.append(_export_line(r))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _export_line(r: Record) -> str:
    head = f"- **{r.name}**"
    if r.title:
        head += f" _{r.title}_"
    venue = " ".join(x for x in (r.venue, str(r.year) if r.year else None) if x)
    if venue:
        head += f" `{venue}`"
    links = []
    if r.paper:
        links.append(f"[Paper]({r.paper})")
    links += [f"[GitHub]({u})" for u in r.github[:1]]
    links += [f"[Model]({u})" for u in r.models[:1]]
    extra = []
    if r.architecture:
        extra.append("type " + ", ".join(r.architecture))
    if r.sizes:
        extra.append(", ".join(s.label for s in r.sizes))
    tail = (" " + " ".join(links)) if links else ""
    if extra:
        tail += f" ({'; '.join(extra)})"
    return head + tail
