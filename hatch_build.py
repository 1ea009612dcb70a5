"""Build hook: the wheel carries the bundled catalog as a validated pack (``sllm.pack``).

The catalog files are validated exactly as sllm validates them at run time (a bad
file stops the build with its problems), and the pack made from the records goes
into the wheel beside them, as ``sllm/data/catalog.pack``: the first run after
installation reads it instead of validating, and needs no cache. sllm uses the
pack only while the bundled files keep the names and sizes it was made from.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogPackHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads the checkout's catalog/ through the cache
        root = Path(self.root)
        sys.path.insert(0, str(root / "src"))
        try:
            from sllm.catalog import PACK_NAME, CatalogError, build_bundled_pack

            files = sorted((root / "catalog").glob("*.json"))
            try:
                data = build_bundled_pack(files)
            except CatalogError as exc:
                raise SystemExit(f"the bundled catalog is invalid:\n{exc}") from None
        finally:
            sys.path.remove(str(root / "src"))
            for name in [m for m in sys.modules if m == "sllm" or m.startswith("sllm.")]:
                del sys.modules[name]
        self._tmp = tempfile.mkdtemp(prefix="sllm-pack-")
        out = Path(self._tmp) / PACK_NAME
        out.write_bytes(data)
        build_data["force_include"][str(out)] = f"sllm/data/{PACK_NAME}"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
