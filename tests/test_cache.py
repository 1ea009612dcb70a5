"""The validated-catalog cache: a hit must never hide a change to the file."""

from __future__ import annotations

import functools
import json
import os
import pickle
import shutil
import stat as st
import subprocess
import sys
import sysconfig
import tempfile
import time

import pytest
from conftest import MINI

from sllm import cache
from sllm.catalog import CatalogError, load
from sllm.records import Record


@pytest.fixture
def folder(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("SLLM_CACHE_DIR", str(where))
    return where


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (the default waits two seconds)."""
    monkeypatch.setattr(cache, "SETTLE_NS", 0)


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


# --- who may put what in the cache -------------------------------------------------

NOBODY = 65534


def _victim():
    """Run the victim as another user than the attacker (the test process) when we can.

    As root, the attacker plants entries and the victim is ``nobody``; otherwise both
    are us, and only the cases that need no second user can be played.
    """
    if os.geteuid() != 0:
        return None

    def drop() -> None:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)

    return drop


def _shared_dir() -> str:
    """A folder the victim can read (pytest's tmp_path is private to root)."""
    where = tempfile.mkdtemp(prefix="sllm-shared-")
    os.chmod(where, 0o755)
    return where


@functools.lru_cache(maxsize=1)
def _victim_command() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    """An interpreter the victim may run, with this sllm and its dependencies importable."""
    import sllm

    paths = os.pathsep.join([str(__import__("pathlib").Path(sllm.__file__).resolve().parents[1]),
                             sysconfig.get_paths()["purelib"]])
    env = (("PYTHONPATH", paths),)
    for exe in (sys.executable, "/usr/bin/python3"):
        try:
            probe = subprocess.run([exe, "-c", "import sllm.cli, sys; print(sys.version_info[:2])"],
                                   capture_output=True, text=True, env={"PYTHONPATH": paths},
                                   preexec_fn=_victim(), cwd="/", timeout=60)
        except OSError:
            continue
        if probe.returncode == 0 and probe.stdout.strip() == str(sys.version_info[:2]):
            return (exe,), env
    return None


def _victim_ids(catalog: str, cache_dir: str) -> subprocess.CompletedProcess:
    found = _victim_command()
    if found is None:
        pytest.skip("no Python interpreter this user and nobody can both run")
    exe, extra = found
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLLM_")}
    env.update({"SLLM_CACHE_DIR": cache_dir, "NO_COLOR": "1", **dict(extra)})
    return subprocess.run(
        [*exe, "-m", "sllm", "list", "--catalog", catalog, "--no-bundled", "--format", "ids"],
        capture_output=True, text=True, env=env, timeout=60, preexec_fn=_victim(), cwd="/",
    )


def _plant(catalog: str, cache_dir: str, monkeypatch) -> None:
    """The attacker writes an entry for the victim's file, with records of its own, as sllm would."""
    real = json.loads(open(catalog, encoding="utf-8").read())
    planted = [Record(id=f"planted-{r['id']}", name="PLANTED") for r in real]
    monkeypatch.setenv("SLLM_CACHE_DIR", cache_dir)
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    cache.store(__import__("pathlib").Path(catalog), os.stat(catalog), planted)


@pytest.fixture
def shared(monkeypatch):
    """The victim's catalog (readable by the victim, settled) and a cache folder path."""
    where = _shared_dir()
    catalog = os.path.join(where, "mine.json")
    shutil.copy(MINI, catalog)
    os.chmod(catalog, 0o644)
    old = time.time() - 60
    os.utime(catalog, (old, old))
    time.sleep(0.01)
    yield catalog, os.path.join(where, "cache")
    shutil.rmtree(where, ignore_errors=True)


def _own(path: str, uid: int) -> None:
    os.chown(path, uid, uid)


def _arrange(catalog, cache_dir, monkeypatch, folder_owner, folder_mode, entry_owner, entry_mode):
    _plant(catalog, cache_dir, monkeypatch)
    (entry,) = [os.path.join(cache_dir, n) for n in os.listdir(cache_dir)]
    if folder_owner is not None:
        _own(cache_dir, folder_owner)
    if entry_owner is not None:
        _own(entry, entry_owner)
    os.chmod(entry, entry_mode)
    os.chmod(cache_dir, folder_mode)


def test_an_entry_the_victim_really_owns_is_used(shared, monkeypatch):
    """The control case: the planted records show when the entry passes every check,
    so the cases below fail for the checks, not for a broken plant."""
    catalog, cache_dir = shared
    victim = NOBODY if os.geteuid() == 0 else None
    _arrange(catalog, cache_dir, monkeypatch, victim, 0o700, victim, 0o600)
    result = _victim_ids(catalog, cache_dir)
    assert result.returncode == 0, result.stderr
    assert "planted-" in result.stdout


@pytest.mark.parametrize(
    "folder_owner, folder_mode, entry_owner, entry_mode",
    [
        ("attacker", 0o755, "attacker", 0o644),  # a folder someone else made
        ("attacker", 0o777, "attacker", 0o666),  # ... and left open to all
        ("victim", 0o700, "attacker", 0o644),    # an entry someone else owns
        ("victim", 0o777, "victim", 0o600),      # a world-writable folder (umask 000 made these)
        ("victim", 0o770, "victim", 0o600),      # a group-writable folder
        ("victim", 0o700, "victim", 0o666),      # a world-writable entry
        ("victim", 0o700, "victim", 0o620),      # a group-writable entry
    ],
)
def test_entries_others_could_have_written_are_never_loaded(shared, monkeypatch, folder_owner, folder_mode,
                                                            entry_owner, entry_mode):
    catalog, cache_dir = shared
    if os.geteuid() != 0 and "attacker" in (folder_owner, entry_owner):
        pytest.skip("needs a second user: run as root to play the attacker")
    uid = {"attacker": 0, "victim": NOBODY} if os.geteuid() == 0 else {"victim": None}
    _arrange(catalog, cache_dir, monkeypatch, uid[folder_owner], folder_mode, uid[entry_owner], entry_mode)
    result = _victim_ids(catalog, cache_dir)
    assert result.returncode == 0, result.stderr
    assert "planted-" not in result.stdout
    assert result.stdout.split() == sorted(r["id"] for r in json.loads(MINI.read_text()))  # the real records


def test_a_planted_pickle_never_runs(tmp_path, mine, folder, settled):
    """Entries are not pickles: a pickle where an entry (old or new) would be is never unpickled."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    names(mine)
    folder.mkdir(exist_ok=True)
    for entry in list(folder.iterdir()):
        entry.write_bytes(pickle.dumps(Payload()))
    for suffix in (".records.pickle", ".names.pickle"):
        (folder / f"{zlib_name(mine)}{suffix}").write_bytes(pickle.dumps(Payload()))
    assert names(mine) == names(mine)
    assert not marker.exists()


def zlib_name(path) -> str:
    import zlib

    return f"{zlib.crc32(os.path.abspath(path).encode()):08x}"


def test_folder_and_entries_are_private_whatever_the_umask(mine, tmp_path, monkeypatch, settled):
    where = tmp_path / "deep" / "er" / "cache"
    monkeypatch.setenv("SLLM_CACHE_DIR", str(where))
    old = os.umask(0)
    try:
        names(mine)
    finally:
        os.umask(old)
    for d in (tmp_path / "deep", tmp_path / "deep" / "er", where):
        assert st.S_IMODE(d.stat().st_mode) == 0o700, d
    entries = list(where.iterdir())
    assert entries and all(st.S_IMODE(e.stat().st_mode) == 0o600 for e in entries)


@pytest.mark.parametrize("variable, value", [("SLLM_CACHE_DIR", "relative/cache"), ("SLLM_CACHE_DIR", "~nosuchuser/x")])
def test_a_relative_cache_folder_is_not_used(mine, tmp_path, monkeypatch, settled, validations, variable, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    names(mine)
    names(mine)
    assert len(validations) == 2
    assert not (tmp_path / "relative").exists() and not (tmp_path / "~nosuchuser").exists()


def test_without_a_home_nothing_lands_in_the_current_folder(mine, tmp_path, monkeypatch, settled, validations):
    # With HOME unset and no password entry, "~/.cache" stays relative: "./~/.cache/sllm".
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLLM_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)
    planted = tmp_path / "~" / ".cache" / "sllm"
    planted.mkdir(parents=True)
    names(mine)
    names(mine)
    assert len(validations) == 2
    assert list(planted.iterdir()) == []


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.delenv("SLLM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.folder() == tmp_path / ".cache" / "sllm"


@pytest.mark.parametrize("plant", ["fifo", "dev-zero", "folder"])
def test_special_files_in_the_cache_are_ignored(mine, folder, settled, plant):
    names(mine)
    (entry,) = list(folder.iterdir())
    entry.unlink()
    if plant == "fifo":
        os.mkfifo(entry)
    elif plant == "dev-zero":
        entry.symlink_to("/dev/zero")
    else:
        entry.mkdir()
    env = {**os.environ, "SLLM_CACHE_DIR": str(folder)}
    for _ in range(2):  # the second run also prunes around the planted file
        result = subprocess.run([sys.executable, "-m", "sllm", "list", "--catalog", str(mine), "--no-bundled",
                                 "--format", "ids"], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == sorted(r["id"] for r in json.loads(MINI.read_text()))


def test_entries_of_vanished_files_are_pruned(tmp_path, folder, settled):
    files = []
    for i in range(3):
        path = tmp_path / f"c{i}.json"
        shutil.copy(MINI, path)
        files.append(path)
        names(path)
    assert len(list(folder.glob("*.pack"))) == 3
    files[0].unlink()
    files[1].unlink()
    (folder / "0000000000000000.records.pickle").write_bytes(b"old")
    last = tmp_path / "c3.json"
    shutil.copy(MINI, last)
    names(last)  # writing an entry prunes the folder
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == sorted([cache._entry_name(str(files[2])), cache._entry_name(str(last))])


def test_the_cache_stays_under_its_bound(tmp_path, folder, settled, monkeypatch):
    first = tmp_path / "c0.json"
    shutil.copy(MINI, first)
    names(first)
    (entry,) = list(folder.iterdir())
    monkeypatch.setattr(cache, "MAX_BYTES", int(entry.stat().st_size * 2.5))
    for i in range(1, 5):
        path = tmp_path / f"c{i}.json"
        shutil.copy(MINI, path)
        time.sleep(0.01)
        names(path)
        assert sum(p.stat().st_size for p in folder.iterdir()) <= cache.MAX_BYTES
    assert (folder / cache._entry_name(str(path))).exists()  # the newest is kept


def test_an_interrupted_write_leaves_nothing_behind(mine, folder, settled, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load([mine], bundled=False, use_env=False)
    assert list(folder.iterdir()) == []
    monkeypatch.undo()
    assert json.loads(mine.read_text(encoding="utf-8")) == json.loads(MINI.read_text(encoding="utf-8"))


def test_the_command_caches_a_new_file_once_it_has_answered(mine, folder):
    """The first run answers, and the entry it leaves behind is trusted by the next."""
    time.sleep(cache.SETTLE_NS / 1e9 + 0.1)  # settled: a file just written is never cached
    env = {**os.environ, "SLLM_CACHE_DIR": str(folder), "NO_COLOR": "1"}
    expected = sorted(r["id"] for r in json.loads(MINI.read_text()))
    args = [sys.executable, "-m", "sllm", "list", "--catalog", str(mine), "--no-bundled", "--format", "ids"]
    first = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == expected
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(folder.glob("*.pack")):
        time.sleep(0.05)
    (entry,) = folder.glob("*.pack")
    while time.monotonic() < deadline and list(folder.glob(".tmp-*")):
        time.sleep(0.05)
    assert not list(folder.glob(".tmp-*"))
    assert cache.read(mine, os.stat(mine)) is not None  # trusted for this very file (folder: SLLM_CACHE_DIR)
    second = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert second.stdout == first.stdout


@pytest.mark.parametrize("can_fork", [True, False])
def test_deferred_entries_are_written_by_a_child_or_else_at_once(mine, folder, settled, monkeypatch, can_fork):
    records = load([mine], bundled=False, use_env=False).records  # a library call writes at once
    (written,) = folder.glob("*.pack")
    written.unlink()
    cache.defer()
    cache.store(mine, os.stat(mine), list(records))
    assert not list(folder.glob("*.pack"))  # kept, not written, until the command has answered
    if can_fork:
        monkeypatch.setattr(os, "fork", lambda: 4242)  # the parent's side of a fork
        assert cache.write_deferred() is True
        assert not list(folder.glob("*.pack"))  # the child writes it, never the parent
    else:
        monkeypatch.delattr(os, "fork")
        assert cache.write_deferred() is False
        assert len(list(folder.glob("*.pack"))) == 1
    assert cache.write_deferred() is False  # nothing is kept twice
