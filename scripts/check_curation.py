#!/usr/bin/env python3
"""Check one curation file on its own, before the catalog is rebuilt.

    python scripts/check_curation.py curation/scientific/bio-language-graph.json   # an overlay
    python scripts/check_curation.py catalog/law.json                                # hand-curated records

Prints every problem as ``id: field: message`` and exits 1 if there is any.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

import import_awesome  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from sllm.records import validate  # noqa: E402


def _records(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return data
    listed = import_awesome.parse_list(import_awesome.UPSTREAM)
    import_awesome.disambiguate(listed)
    skeleton = {r["id"]: r for r in listed}
    out = []
    for rid, patch in data.items():
        if rid not in skeleton:
            print(f"{rid}: not an id of the upstream list")
            continue
        bad = set(patch) - import_awesome.OVERLAY_FIELDS - import_awesome.CORRECTABLE_FIELDS
        if bad:
            print(f"{rid}: fields not allowed in an overlay: {sorted(bad)}")
        out.append(import_awesome.apply(skeleton[rid], patch))
    return out


def main(argv: list[str]) -> int:
    problems = 0
    for name in argv:
        records = _records(Path(name))
        for raw in records:
            try:
                validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ".".join(str(p) for p in err["loc"])
                    print(f"{raw.get('id')}: {loc}: {err['msg']}")
                    problems += 1
            cit = raw.get("citation")
            if not cit:
                print(f"{raw.get('id')}: citation: missing")
                problems += 1
            elif cit.get("verified") and not any(
                "citation" in s.get("facts", []) for s in raw.get("sources", [])
            ):
                print(f"{raw.get('id')}: citation: verified but no source lists 'citation'")
                problems += 1
        print(f"{name}: {len(records)} records, {problems} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
