"""Reading catalog files a user gives: whatever is in the folder, nothing hangs, nothing is guessed."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys

import pytest
from conftest import MINI

from sllm import catalog as catalogs
from sllm.catalog import CatalogError, load

RECORD = {"id": "alpha", "name": "Alpha", "domains": ["medicine"], "year": 2023}


def ids(*paths, **kwargs) -> list[str]:
    return sorted(r.id for r in load(list(paths), bundled=False, use_env=False, **kwargs).records)


def problem(data: bytes, tmp_path) -> str:
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    with pytest.raises(CatalogError) as caught:
        load([path], bundled=False, use_env=False)
    assert len(caught.value.problems) == 1, caught.value
    return str(caught.value.problems[0])


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SLLM_CATALOG"}
    return subprocess.run([sys.executable, "-m", "sllm", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


@pytest.fixture
def folder(tmp_path):
    where = tmp_path / "mine"
    where.mkdir()
    (where / "good.json").write_text(json.dumps([RECORD]), encoding="utf-8")
    return where


@pytest.mark.parametrize("plant, what", [("fifo", "a FIFO"), ("zero", "a character device")])
def test_special_files_in_a_catalog_folder_are_skipped_with_a_message(folder, plant, what):
    bad = folder / "planted.json"
    if plant == "fifo":
        os.mkfifo(bad)
    else:
        bad.symlink_to("/dev/zero")
    result = run("list", "--catalog", str(folder), "--no-bundled", "--format", "ids", timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "alpha\n"
    assert f"{bad}: skipped: it is {what}, not a file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("plant", ["fifo", "zero"])
def test_a_special_file_given_by_name_is_refused_at_once(tmp_path, plant):
    bad = tmp_path / "planted.json"
    if plant == "fifo":
        os.mkfifo(bad)
    else:
        bad.symlink_to("/dev/zero")
    result = run("list", "--catalog", str(bad), "--no-bundled", timeout=30)
    assert result.returncode == 1
    assert "give a JSON file or a folder of them" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_swapped_for_a_fifo_after_listing_does_not_hang(folder):
    # The folder is listed, then the file becomes a FIFO before it is read.
    path = folder / "good.json"
    files = catalogs.expand([folder])
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(CatalogError, match="it is a FIFO, not a catalog file"):
        catalogs.load_file(files[0])


def test_a_file_over_the_size_limit_is_refused_with_the_limit(folder, monkeypatch, cli):
    monkeypatch.setattr(catalogs, "MAX_FILE_BYTES", 1024 * 1024)
    (folder / "big.json").write_text(json.dumps([RECORD]) + " " * (2 * 1024 * 1024), encoding="utf-8")
    result = cli("list", "--catalog", str(folder), "--no-bundled")
    assert result.exit_code == 1
    assert "big.json: file is 2 MiB; a catalog file may hold at most 1 MiB: split it into several files" in result.stderr


def test_a_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(codecs.BOM_UTF8 + json.dumps([RECORD]).encode())
    assert ids(path) == ["alpha"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named(tmp_path, encoding):
    assert problem(json.dumps([RECORD]).encode(encoding), tmp_path).endswith("file is UTF-16 text; save it as UTF-8")


def test_utf32_is_named(tmp_path):
    assert problem(json.dumps([RECORD]).encode("utf-32"), tmp_path).endswith("file is UTF-32 text; save it as UTF-8")


def test_latin1_is_not_utf8(tmp_path):
    data = json.dumps([{**RECORD, "name": "Médecin"}], ensure_ascii=False).encode("latin-1")
    assert "not UTF-8: byte 0xe9 on line 1; save the file as UTF-8" in problem(data, tmp_path)


def test_a_duplicate_key_is_rejected_where_it_is(tmp_path):
    data = b'[{"id": "alpha", "name": "Alpha", "name": "Beta"}]'
    assert problem(data, tmp_path).endswith("bad.json: alpha: key 'name' appears twice in one object; keep one")


def test_a_duplicate_key_deep_in_a_record_is_located(tmp_path):
    record = json.dumps({**RECORD, "citation": {"type": "misc", "key": "k", "authors": ["A"], "title": "T",
                                                "year": 2020}})
    data = b"[" + json.dumps(RECORD).replace('"alpha"', '"beta"').encode() + b"," + \
        record.replace('"year": 2020', '"year": 2020, "year": 2021').encode() + b"]"
    assert problem(data, tmp_path).endswith("bad.json: alpha: citation: key 'year' appears twice in one object; keep one")


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_rejected(tmp_path, word):
    data = f'[{{"id": "alpha", "name": "Alpha", "year": {word}}}]'.encode()
    assert f"{word} is not a JSON number: write null or a finite number" in problem(data, tmp_path)


def test_a_huge_integer_is_called_what_it_is(tmp_path):
    data = b'[{"id": "alpha", "name": "Alpha",\n "sizes": [{"label": "7B", "parameters": ' + b"7" * 5000 + b"}]}]"
    message = problem(data, tmp_path)
    assert "a number on line 2 is far too large (5000 digits)" in message
    assert "nesting" not in message


def test_a_large_but_plausible_integer_is_checked_by_the_schema(tmp_path):
    data = b'[{"id": "alpha", "name": "Alpha", "year": 99999999999999999999999}]'
    assert "year: input should be less than or equal to 2100" in problem(data, tmp_path)


def test_deep_nesting_is_not_a_crash(tmp_path):
    assert "nesting too deep" in problem(b"[" * 100_000, tmp_path)


def test_a_record_that_is_not_an_object(tmp_path):
    assert problem(b'["alpha"]', tmp_path).endswith("record #1: a record must be a JSON object")


def test_problems_name_the_record_and_field(tmp_path):
    data = json.dumps([RECORD, {"id": "beta", "name": "Beta", "domains": ["astrology"]}]).encode()
    assert "bad.json: beta: domains.0: unknown value 'astrology'" in problem(data, tmp_path)


def test_the_strict_reader_agrees_with_pydantic_on_good_files():
    from sllm.records import adapter

    data = MINI.read_bytes()
    assert catalogs.parse(data, "mini") == adapter().validate_json(data)


def test_ctrl_c_while_a_catalog_is_validated_exits_130_and_leaves_no_cache_entry(tmp_path):
    """A real process, interrupted once it is validating (pydantic-core is mapped in)."""
    import signal
    import time

    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc to see when validation has started")
    record = json.loads(MINI.read_text(encoding="utf-8"))[0]
    big = tmp_path / "big.json"
    big.write_text(json.dumps([{**record, "id": f"m{i}", "citation": None} for i in range(150_000)]))
    old = time.time() - 60
    os.utime(big, (old, old))  # settled: a finished validation would be cached
    cache_dir = tmp_path / "cache"
    env = {**os.environ, "SLLM_CACHE_DIR": str(cache_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "sllm", "list", "--catalog", str(big), "--no-bundled",
                             "--format", "ids"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/maps") as maps:
                if "_pydantic_core" in maps.read():
                    break
        except OSError:
            pass
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not cache_dir.exists() or list(cache_dir.iterdir()) == []
