#!/usr/bin/env python3
"""Rewrite every curated record's backbones to the backbone registry's canonical names.

    python scripts/canonical_backbones.py            # rewrite the curated files in place
    python scripts/canonical_backbones.py --check    # only say what would change

A backbone is kept when it already is a registry name or names another catalog
record (by id, name or alias: PubMedBERT, ESM-2); a registry alias or any other
spelling of a registry name ("Llama-2-7B", "hfl/chinese-roberta-wwm-ext") becomes
the canonical name. The curated files are the scientific overlays
(curation/scientific/*.json, then run scripts/import_awesome.py) and the
hand-curated catalog files; catalog/scientific.json is generated, so its
backbones are only checked. Exit 1 if a backbone is unknown to both the registry
and the catalog, or, with --check, if anything would change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterable, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sllm.backbones import Registry  # noqa: E402
from sllm.resolve import normalize  # noqa: E402


def record_keys(records: Iterable[dict]) -> set[str]:
    """Normalized ids, names and aliases of catalog records: the backbones that name a record."""
    keys = set()
    for r in records:
        for text in (r.get("id"), r.get("name"), *r.get("aliases", ())):
            if text:
                keys.add(normalize(text))
    return keys


def canonical_backbone(text: str, registry: Registry, records: set[str]) -> Optional[str]:
    """The spelling a record should use for ``text``, or None when nothing in the repository knows it.

    The registry comes first, so a size of a catalog record (Galactica-30B) resolves
    to its entry; a backbone that names a record is left as written.
    """
    name = registry.canonical(text)
    if name:
        return name
    if normalize(text) in records:
        return text
    return None


def canonical_list(
    backbones: list[str], registry: Registry, records: set[str]
) -> tuple[list[str], list[str]]:
    """(the canonical backbones, in order and without repeats; the ones nothing knows, kept as written)."""
    out: list[str] = []
    unknown: list[str] = []
    for text in backbones:
        name = canonical_backbone(text, registry, records)
        if name is None:
            unknown.append(text)
            name = text
        if name not in out:
            out.append(name)
    return out, unknown


def _curated_files(root: Path) -> list[tuple[Path, bool]]:
    """(file, is it an overlay) for every file whose backbones are curated by hand."""
    catalog = root / "catalog"
    files = [(p, True) for p in sorted((root / "curation" / "scientific").glob("*.json"))]
    files += [(p, False) for p in sorted(catalog.glob("*.json")) if p.name != "scientific.json"]
    return files


def _entries(data, overlay: bool) -> list[tuple[str, dict]]:
    if overlay:
        return list(data.items())
    return [(r.get("id", "?"), r) for r in data]


def _read(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None


def _bundled_records(root: Path) -> list[dict]:
    records: list[dict] = []
    for path in sorted((root / "catalog").glob("*.json")):
        records.extend(_read(path))
    return records


def run(check: bool, root: Path = ROOT) -> int:
    """Canonicalize (or, with ``check``, only report) the backbones of the repository at ``root``."""
    registry_path = root / "catalog" / "registry" / "backbones.json"
    generated = root / "catalog" / "scientific.json"
    if not registry_path.is_file():
        print(f"no backbone registry at {registry_path}", file=sys.stderr)
        return 1
    try:
        registry = Registry.from_data(_read(registry_path))
        files = [(path, overlay, _read(path)) for path, overlay in _curated_files(root)]
        records = _bundled_records(root)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cannot read the repository's data: {exc}", file=sys.stderr)
        return 1
    problems = registry.problems()
    if problems:
        for p in problems:
            print(f"registry: {p}", file=sys.stderr)
        return 1
    keys = record_keys(records)
    changed_files, unknown, changes, unfixable = [], [], 0, 0
    for path, overlay, data in files:
        dirty = False
        for rid, entry in _entries(data, overlay):
            if "backbones" not in entry:
                continue
            new, missing = canonical_list(entry["backbones"], registry, keys)
            unknown += [(path, rid, b) for b in missing]
            if new != entry["backbones"]:
                print(f"{path.relative_to(root)}: {rid}: {entry['backbones']} -> {new}", file=sys.stderr)
                entry["backbones"] = new
                dirty = True
                changes += 1
        if dirty:
            changed_files.append(path)
            if not check:
                path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    curated = {rid for path, overlay, data in files for rid, e in _entries(data, overlay) if "backbones" in e}
    if generated.exists():
        # Backbones the upstream list gives (no overlay sets them) cannot be rewritten here.
        for r in _read(generated):
            if r["id"] in curated:
                continue
            for b in r.get("backbones", ()):
                name = canonical_backbone(b, registry, keys)
                if name is None:
                    unknown.append((generated, r["id"], b))
                elif name != b:
                    print(f"{generated.relative_to(root)}: {r['id']}: backbone '{b}' comes from the upstream "
                          f"list; the registry spells it '{name}': set it in the record's overlay",
                          file=sys.stderr)
                    unfixable += 1
    for path, rid, b in unknown:
        print(f"{path.relative_to(root)}: {rid}: backbone '{b}' is neither a registry entry nor a catalog "
              f"record: add it to {registry_path.relative_to(root)} (or as an alias of an entry)",
              file=sys.stderr)
    verb = "would change" if check else "changed"
    print(f"{changes} record(s) {verb} in {len(changed_files)} file(s); {len(unknown)} unknown backbone(s)",
          file=sys.stderr)
    if not check and any(overlay for path, overlay, _ in files if path in changed_files):
        print("overlays changed: run scripts/import_awesome.py to rebuild catalog/scientific.json",
              file=sys.stderr)
    return 1 if unknown or unfixable or (check and changes) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if anything would change")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return run(args.check, args.root.resolve())


if __name__ == "__main__":
    sys.exit(main())
