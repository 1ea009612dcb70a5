"""The validated-catalog cache: a hit must never hide a change to the file."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from conftest import MINI

from sllm import cache
from sllm.catalog import CatalogError, load


@pytest.fixture
def folder(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("SLLM_CACHE_DIR", str(where))
    return where


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (the default waits two seconds)."""
    monkeypatch.setattr(cache, "SETTLE_NS", 0)


@pytest.fixture
def validations(monkeypatch):
    """Count the runs that had to validate with pydantic."""
    from sllm import catalog

    calls = []
    real = catalog.parse

    def counting(data, name):
        calls.append(name)
        return real(data, name)

    monkeypatch.setattr(catalog, "parse", counting)
    return calls


def names(path) -> list[str]:
    return sorted(r.name for r in load([path], bundled=False, use_env=False).records)


def rename_first(path, old: str, new: str) -> None:
    """Rewrite the file in place with one name changed (same length keeps the same size).

    The tests that call this have set SETTLE_NS to 0, so they wait out one
    timestamp tick first, as the real two-second wait would.
    """
    time.sleep(0.05)
    data = path.read_text(encoding="utf-8")
    assert old in data
    path.write_text(data.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def mine(tmp_path):
    path = tmp_path / "mine.json"
    shutil.copy(MINI, path)
    return path


def first_name(path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))[0]["name"]


def test_an_unchanged_file_is_validated_once(mine, folder, settled, validations):
    assert names(mine) == names(mine) == names(mine)
    assert len(validations) == 1
    assert list(folder.glob("*.pack"))


def test_records_from_the_cache_equal_validated_ones(mine, folder, settled, monkeypatch):
    fresh = load([mine], bundled=False, use_env=False).records
    cached = load([mine], bundled=False, use_env=False).records
    assert cached == fresh
    monkeypatch.setenv("SLLM_NO_CACHE", "1")
    assert load([mine], bundled=False, use_env=False).records == fresh


def test_an_edit_of_the_same_size_is_seen(mine, folder, settled):
    old = first_name(mine)
    names(mine)
    rename_first(mine, old, old[::-1])
    assert old[::-1] in names(mine)
    assert old not in names(mine) or old == old[::-1]


def test_an_edit_with_the_old_mtime_put_back_is_seen(mine, folder, settled):
    old = first_name(mine)
    before = mine.stat()
    names(mine)
    rename_first(mine, old, old.upper())
    os.utime(mine, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `touch -r` would do
    assert old.upper() in names(mine)


def test_a_file_written_moments_ago_is_not_cached(mine, folder, validations):
    # Two writes within one timestamp tick look alike; such a file is not cached yet.
    names(mine)
    names(mine)
    assert len(validations) == 2
    assert not list(folder.glob("*.pack"))


def test_a_corrupt_entry_is_a_miss(mine, folder, settled, validations):
    expected = names(mine)
    for entry in folder.glob("*.pack"):
        entry.write_bytes(b"sllm-pack\nnot a pack at all")
    assert names(mine) == expected
    assert len(validations) == 2


def test_other_record_types_are_a_miss(mine, folder, settled, validations, monkeypatch):
    names(mine)
    monkeypatch.setattr(cache, "_runtime", lambda: ("another sllm",))
    names(mine)
    assert len(validations) == 2


def test_an_unusable_cache_folder_costs_nothing_but_time(mine, tmp_path, monkeypatch, settled):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("SLLM_CACHE_DIR", str(blocker / "cache"))
    assert names(mine) == names(mine)


def test_no_cache_writes_nothing(mine, folder, settled, validations, monkeypatch):
    monkeypatch.setenv("SLLM_NO_CACHE", "1")
    names(mine)
    names(mine)
    assert len(validations) == 2
    assert not folder.exists()


def test_a_bad_file_is_never_cached(tmp_path, folder, settled):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "x", "name": "X", "domains": ["astrology"]}]))
    for _ in range(2):
        with pytest.raises(CatalogError, match="astrology"):
            load([bad], bundled=False, use_env=False)
    assert not list(folder.glob("*.pack"))


def test_the_cli_sees_an_edit_between_runs(cli, mine, folder, settled):
    old = first_name(mine)
    args = ("list", "--catalog", str(mine), "--no-bundled", "--format", "ids")
    assert cli(*args).exit_code == 0
    rename_first(mine, old, old.upper())
    result = cli("show", old.upper(), "--catalog", str(mine), "--no-bundled", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["name"] == old.upper()


def test_a_changed_alias_resolves_only_as_it_now_is(cli, mine, folder, settled):
    args = ("--catalog", str(mine), "--no-bundled", "--json")
    assert json.loads(cli("show", "TBM", *args).stdout)["id"] == "testbert-med"  # caches the names too
    rename_first(mine, '"TBM"', '"QXZ"')
    assert json.loads(cli("show", "QXZ", *args).stdout)["id"] == "testbert-med"
    assert cli("show", "TBM", *args).exit_code == 1


def test_names_from_several_files_point_at_the_right_records(cli, tmp_path, folder, settled):
    records = json.loads(MINI.read_text(encoding="utf-8"))
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(records[1:5]), encoding="utf-8")
    second.write_text(json.dumps(records[5:] + records[:1]), encoding="utf-8")  # TestBERT-Med, alias TBM, last
    args = ("--catalog", str(first), "--catalog", str(second), "--no-bundled", "--json")
    for _ in range(2):  # validating, then from the cache
        for record in records:
            for name in [record["name"], record["id"], *record.get("aliases", [])]:
                result = cli("show", name, *args)
                if result.exit_code == 0:
                    assert json.loads(result.stdout)["name"] == record["name"], name
    assert json.loads(cli("show", "tbm", *args).stdout)["id"] == "testbert-med"
