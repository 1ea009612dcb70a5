"""The precomputed form: derived from validated records, generic over records.py, never stale."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Literal, Optional

import pytest
from conftest import REPO

from sllm import catalog as catalogs
from sllm import pack
from sllm.catalog import PACK_NAME, build_bundled_pack, load
from sllm.query import build, select
from sllm.records import Record, adapter


@pytest.fixture(scope="module")
def validated() -> list[Record]:
    out: list[Record] = []
    for path in sorted((REPO / "catalog").glob("*.json")):
        out.extend(adapter().validate_json(path.read_bytes()))
    return out


@pytest.fixture(scope="module")
def packed(validated) -> pack.Pack:
    return pack.Pack(pack.build(validated, "key"))


def test_a_pack_gives_back_the_validated_records(validated, packed):
    assert len(packed) == len(validated)
    built = [packed.record(i) for i in range(len(packed))]
    assert built == validated
    assert [type(r) for r in built] == [type(r) for r in validated]
    assert [r.citation.evidence for r in built if r.citation] == [r.citation.evidence for r in validated if r.citation]
    with pytest.raises(dataclasses.FrozenInstanceError):
        built[0].name = "changed"  # built slot by slot, still frozen


def test_columns_hold_what_the_records_hold(validated, packed):
    for f in dataclasses.fields(Record):
        assert packed.column(f.name) == [getattr(r, f.name) for r in validated], f.name


def test_the_plan_follows_every_field_of_records_py():
    """Fields are read from the dataclasses, not listed by hand: each one is carried."""
    plan = pack.plan_of(Record)
    assert [name for name, *_ in plan[1]] == [f.name for f in dataclasses.fields(Record)]
    nested = {name: kind for name, kind, *_ in plan[1] if kind}
    assert nested == {"sizes": "many", "citation": "one", "sources": "many"}


@dataclasses.dataclass(frozen=True)
class _Part:
    label: str
    active_parameters: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class _Future:
    """What the record types may become: the plan needs no change for it."""

    id: str
    access: Optional[Literal["open", "api"]] = None
    languages: list[Literal["en", "zh"]] = dataclasses.field(default_factory=list)
    sizes: list[_Part] = dataclasses.field(default_factory=list)
    notes: dict[str, str] = dataclasses.field(default_factory=dict)


def test_a_new_field_becomes_a_column_by_its_type():
    columns = {name for name, _, _, column in pack.plan_of(_Future)[1] if column}
    assert columns == {"id", "access", "languages", "sizes"}


def test_filtering_builds_only_the_records_that_match(validated):
    packed = pack.Pack(pack.build(validated, "key"))
    query = build(domain=["law"])
    chosen = select(catalogs.Rows([packed]), query)
    assert chosen == [r for r in validated if query.matches(r)]
    assert 0 < len(packed._made) == len(chosen) < len(validated) / 5


def test_a_pack_made_by_other_code_is_stale(validated, monkeypatch):
    data = pack.build(validated[:3], "key")
    monkeypatch.setattr(pack, "code_key", lambda: 12345)
    with pytest.raises(pack.PackError):
        pack.Pack(data)


def test_the_code_key_changes_with_records_py(tmp_path):
    copy = tmp_path / "sllm"
    shutil.copytree(REPO / "src" / "sllm", copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    probe = [sys.executable, "-c", "from sllm.pack import code_key; print(code_key())"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    before = subprocess.run(probe, capture_output=True, text=True, env=env, check=True).stdout
    with open(copy / "records.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a new field\n")
    after = subprocess.run(probe, capture_output=True, text=True, env=env, check=True).stdout
    assert before and before != after


@pytest.mark.parametrize("damage", [b"", b"sllm-pack\n", b"sllm-pack\n\xff\xff\xff\xff\xff\xff\xff\x7fxx"])
def test_damaged_packs_are_refused(damage):
    with pytest.raises(pack.PackError):
        pack.Pack(damage)


def test_a_truncated_pack_is_refused(validated):
    data = pack.build(validated[:5], "key")
    with pytest.raises(pack.PackError):
        pack.Pack(data[:-10])


# --- the pack the wheel ships ----------------------------------------------------

@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A package data folder as the wheel installs it: the catalog files, then their pack."""
    data = tmp_path / "data"
    data.mkdir()
    for path in (REPO / "catalog").glob("*.json"):
        shutil.copy(path, data / path.name)
    files = sorted(data.glob("*.json"))
    (data / PACK_NAME).write_bytes(build_bundled_pack(files))
    monkeypatch.setattr(catalogs, "bundled_dir", lambda: data)
    return data


def test_the_shipped_pack_is_used_without_validating_or_caching(installed, monkeypatch, tmp_path):
    monkeypatch.setenv("SLLM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(catalogs, "parse", lambda *a: pytest.fail("validated a bundled file"))
    records = load(use_env=False).records
    assert len(records) > 300
    assert not (tmp_path / "cache").exists()


def test_the_shipped_pack_equals_the_validated_catalog(installed, validated):
    assert list(load(use_env=False).records) == validated


def test_a_bundled_file_edited_after_installation_makes_the_pack_stale(installed, validations):
    calls = validations
    law = installed / "law.json"
    law.write_text(law.read_text(encoding="utf-8").replace('"SaulLM-7B"', '"SaulLM-7B-edited"', 1),
                   encoding="utf-8")
    names = {r.name for r in load(use_env=False).records}
    assert "SaulLM-7B-edited" in names and calls


def test_a_same_size_edit_long_after_installation_makes_the_pack_stale(installed, validations, monkeypatch):
    calls = validations
    monkeypatch.setattr(catalogs, "INSTALL_SLACK_NS", 0)
    time.sleep(0.02)
    law = installed / "law.json"
    text = law.read_text(encoding="utf-8")
    law.write_text(text.replace('"SaulLM-7B"', '"SAULLM-7B"', 1), encoding="utf-8")
    assert "SAULLM-7B" in {r.name for r in load(use_env=False).records}
    assert calls


@pytest.mark.parametrize("change", ["added", "removed"])
def test_a_bundled_file_added_or_removed_makes_the_pack_stale(installed, validations, change):
    calls = validations
    if change == "added":
        (installed / "extra.json").write_text("[]", encoding="utf-8")
    else:
        (installed / "education.json").unlink()
    load(use_env=False)
    assert calls


def test_a_checkout_never_uses_a_pack(tmp_path, monkeypatch, validations):
    folder = tmp_path / "catalog"
    folder.mkdir()
    for path in (REPO / "catalog").glob("*.json"):
        shutil.copy(path, folder / path.name)
    (folder / PACK_NAME).write_bytes(b"sllm-pack\n" + b"\0" * 8)
    monkeypatch.setattr(catalogs, "bundled_dir", lambda: folder)
    calls = validations
    monkeypatch.setenv("SLLM_NO_CACHE", "1")
    assert len(load(use_env=False).records) > 300
    assert calls


def test_the_build_hook_ships_an_up_to_date_pack():
    """In an installed package (not an editable one), the pack is there and is the catalog's."""
    data = Path(catalogs.__file__).resolve().parent / "data"
    if not data.is_dir():
        pytest.skip("an editable install reads the checkout's catalog/ and has no built pack")
    shipped = catalogs._shipped(catalogs.bundled_files())
    assert shipped is not None
    assert [shipped.record(i) for i in range(len(shipped))] == [
        r for p in catalogs.bundled_files() for r in adapter().validate_json(p.read_bytes())]


# --- JSON printed from the pack ----------------------------------------------------

def test_json_from_a_pack_is_byte_for_byte_what_the_serializer_writes(validated):
    from pydantic_core import to_json

    from sllm import render

    rows = catalogs.Rows([pack.Pack(pack.build(validated, "key"))])
    chosen = select(rows, build(domain=["medicine"]))
    assert render.render("json", chosen) == to_json(chosen, indent=2).decode() + "\n"
    assert render.to_json_one(chosen[0]) == to_json(chosen[0], indent=2).decode() + "\n"
    assert render.render("json", []) == "[]\n"


def test_listing_json_builds_no_record(validated):
    """A listing sorted and printed as JSON reads columns and stored text only."""
    from pydantic_core import to_json

    from sllm import render
    from sllm.commands import list_models

    packed = pack.Pack(pack.build(validated, "key"))
    listing = list_models(catalogs.Rows([packed]), build(domain=["medicine"]), sort="year", reverse=True)
    out = render.render("json", listing.records)
    assert not packed._made  # nothing built
    medicine = [r for r in validated if "medicine" in r.domains]
    expected = sorted((r for r in medicine if r.year), key=lambda r: (r.year, r.name.casefold()), reverse=True) + \
        sorted((r for r in medicine if not r.year), key=lambda r: r.name.casefold())
    assert out == to_json(expected, indent=2).decode() + "\n"


def test_records_without_stored_json_are_serialized(validated):
    from pydantic_core import to_json

    from sllm import render

    rows = catalogs.Rows([pack.Pack(pack.build(validated[:5], "key")), pack.Listed(validated[5:8])])
    assert render.to_json(list(rows)) == to_json(validated[:8], indent=2).decode() + "\n"


PROBE = """
import io, sys
from contextlib import redirect_stdout
import sllm.cache
sllm.cache.SETTLE_NS = 0
from sllm.cli import main
with redirect_stdout(io.StringIO()):
    code = main({args!r})
print(code, 'pydantic_core' in sys.modules, 'pydantic' in sys.modules)
"""


@pytest.mark.parametrize("args", [["list", "--domain", "medicine", "--json"], ["show", "biomistral", "--json"],
                                  ["list", "--domain", "law", "--format", "csv"], ["list", "--domain", "law"]])
def test_a_warm_run_needs_neither_pydantic_nor_its_serializer(args, tmp_path):
    env = {**os.environ, "SLLM_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the first run may validate and fill the cache
        out = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True,
                             env=env, timeout=60)
        assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "False", "False"]


def test_listing_table_reads_columns_only(validated):
    """The human table shows only column fields, so a listing draws it without building records."""
    from sllm import render
    from sllm.commands import list_models

    packed = pack.Pack(pack.build(validated, "key"))
    listing = list_models(catalogs.Rows([packed]), build(domain=["medicine"]))
    table = render.render("table", listing.records)
    assert not packed._made
    assert table == render.render("table", list(listing.records))  # built records draw the same table
