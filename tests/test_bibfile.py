"""cite -o: appending to a bibliography loses nothing, whoever else writes to it.

Concurrency, links, modes and signals are tested with real processes: those are
properties of files and processes, which an in-process runner would not show.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import pwd
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import MINI, run_sllm, sllm_exe
from hypothesis import given, settings
from hypothesis import strategies as st

from sllm import bibfile
from sllm.bibfile import CiteError, merge_into, scan

CAT = ("--catalog", str(MINI), "--no-bundled")
MEDLLAMA_DOI = "10.1234/fix.2023_01"
IS_ROOT = os.geteuid() == 0


def cite_o(bib, *names: str, cwd=None, **kwargs):
    return run_sllm("cite", *(names or ("medllama-fixture",)), "-o", str(bib), *CAT, cwd=cwd, **kwargs)


def popen_sllm(*args: str, stderr_path: Path, **kwargs) -> subprocess.Popen:
    """A running sllm whose stderr can be read while it runs."""
    env = {**os.environ, "SLLM_NO_CACHE": "1", **kwargs.pop("env", {})}
    env.pop("SLLM_CATALOG", None)
    err = open(stderr_path, "wb")
    try:
        return subprocess.Popen([*sllm_exe(), *args], stdout=subprocess.DEVNULL, stderr=err, env=env,
                                **kwargs)
    finally:
        err.close()


def wait_for(path: Path, text: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            pytest.fail(f"sllm ended ({proc.returncode}) before '{text}': {path.read_text()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"sllm never said '{text}'")


def medllama_citation():
    from sllm.catalog import load

    return next(r for r in load([MINI], bundled=False).records if r.id == "medllama-fixture").citation


def one_line_error(result_stderr: str) -> str:
    lines = result_stderr.strip().splitlines()
    assert "Traceback" not in result_stderr
    assert len(lines) == 1, result_stderr
    return lines[0]


# --- many writers ---------------------------------------------------------------

@pytest.fixture
def twenty(tmp_path) -> Path:
    """A catalog of twenty models, each with its own paper."""
    base = next(r for r in json.loads(MINI.read_text()) if r["id"] == "testbert-med")
    records = []
    for i in range(20):
        r = json.loads(json.dumps(base))
        r.update(id=f"fixture-{i}", name=f"Fixture Model {i}", aliases=[], arxiv=f"2001.{i + 100:05d}",
                 title=f"Fixture Paper Number {i}")
        r["citation"].update(key=f"fixture{i}", title=f"Fixture Paper Number {i}",
                             eprint=f"2001.{i + 100:05d}")
        records.append(r)
    path = tmp_path / "twenty.json"
    path.write_text(json.dumps(records))
    return path


def test_twenty_concurrent_writers_all_land(tmp_path, twenty):
    bib = tmp_path / "same.bib"
    bib.write_text("% shared bibliography\n@misc{Mine2001, title={Kept}, year=2001}\n")

    def one(i):
        return run_sllm("cite", f"fixture-{i}", "-o", str(bib), "--catalog", str(twenty), "--no-bundled")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "added 1 entry" in r.stderr
    from pybtex.database import parse_string

    keys = set(parse_string(bib.read_text(), "bibtex").entries)
    assert keys == {"Mine2001"} | {f"fixture{i}" for i in range(20)}
    assert bib.read_text().startswith("% shared bibliography\n@misc{Mine2001, title={Kept}, year=2001}\n")


def test_an_entry_appended_while_sllm_waits_for_the_lock_survives(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{first, title={First}, year=2001}\n")
    err = tmp_path / "err"
    with open(bib, "r+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = popen_sllm("cite", "medllama-fixture", "-o", str(bib), *CAT, stderr_path=err)
        wait_for(err, "waiting for another program", proc)
        held.seek(0, os.SEEK_END)
        held.write(b"\n@misc{byhand, title={Added by hand}, year=2002}\n")
        held.flush()
        fcntl.flock(held, fcntl.LOCK_UN)
    assert proc.wait(timeout=60) == 0, err.read_text()
    text = bib.read_text()
    assert text.startswith("@misc{first, title={First}, year=2001}\n\n"
                           "@misc{byhand, title={Added by hand}, year=2002}\n")
    assert [e.key for e in scan(text)] == ["first", "byhand", "roe2023medllama"]


def test_an_editor_saving_by_rename_while_sllm_waits_is_not_lost(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{first, title={First}, year=2001}\n")
    err = tmp_path / "err"
    with open(bib, "rb") as held:  # sllm waits on this inode...
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = popen_sllm("cite", "medllama-fixture", "-o", str(bib), *CAT, stderr_path=err)
        wait_for(err, "waiting for another program", proc)
        saved = tmp_path / "refs.bib~"  # ...while an editor writes a new file and renames it over
        saved.write_text("@misc{first, title={First}, year=2001}\n@misc{edited, title={Edited}, year=2003}\n")
        os.replace(saved, bib)
    assert proc.wait(timeout=60) == 0, err.read_text()
    assert [e.key for e in scan(bib.read_text())] == ["first", "edited", "roe2023medllama"]


# --- links, owner, mode ------------------------------------------------------------

def test_a_symlink_stays_a_symlink_and_its_target_is_updated(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "refs.bib"
    target.write_text("@misc{mine, title={Mine}, year=2000}\n")
    link = tmp_path / "link.bib"
    link.symlink_to("real/refs.bib")
    result = cite_o(link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == "real/refs.bib"
    assert [e.key for e in scan(target.read_text())] == ["mine", "roe2023medllama"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.bib"
    link.symlink_to("made.bib")
    result = cite_o(link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert [e.key for e in scan((tmp_path / "made.bib").read_text())] == ["roe2023medllama"]


def test_hard_links_stay_linked(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{mine, title={Mine}, year=2000}\n")
    other = tmp_path / "copy-in-another-project.bib"
    os.link(bib, other)
    assert cite_o(bib).returncode == 0
    assert os.path.samefile(bib, other) and bib.stat().st_nlink == 2
    assert [e.key for e in scan(other.read_text())] == ["mine", "roe2023medllama"]


def test_owner_and_mode_are_kept(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{mine, title={Mine}, year=2000}\n")
    os.chmod(bib, 0o600)
    owner = pwd.getpwnam("nobody") if IS_ROOT else pwd.getpwuid(os.getuid())
    if IS_ROOT:
        os.chown(bib, owner.pw_uid, owner.pw_gid)  # root citing into a user's private file
    result = cite_o(bib)
    assert result.returncode == 0, result.stderr
    st = bib.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (owner.pw_uid, owner.pw_gid, 0o600)
    assert [e.key for e in scan(bib.read_text())] == ["mine", "roe2023medllama"]


def test_a_new_file_follows_the_umask(tmp_path):
    bib = tmp_path / "new.bib"
    result = subprocess.run([*sllm_exe(), "cite", "medllama-fixture", "-o", str(bib), *CAT], capture_output=True,
                            text=True, timeout=120, preexec_fn=lambda: os.umask(0o077))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(bib.stat().st_mode) == 0o600


def test_a_read_only_file_is_refused_even_for_root(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{mine, title={Mine}, year=2000}\n")
    os.chmod(bib, 0o444)
    result = cite_o(bib)
    assert result.returncode == 1
    assert "read-only" in one_line_error(result.stderr)
    assert bib.read_text() == "@misc{mine, title={Mine}, year=2000}\n"
    assert stat.S_IMODE(bib.stat().st_mode) == 0o444


# --- as an unprivileged user -------------------------------------------------------

@pytest.fixture(scope="module")
def as_nobody():
    """Run sllm as the unprivileged user nobody (the tests run as root), or skip."""
    if not IS_ROOT:
        pytest.skip("the test runs unprivileged already: the other tests cover it")
    try:
        user = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody'")
    import sllm

    here = os.path.dirname(os.path.dirname(os.path.abspath(sllm.__file__)))
    path = os.pathsep.join([here, *(p for p in sys.path if p.endswith("site-packages"))])
    env = {**os.environ, "PYTHONPATH": path, "SLLM_NO_CACHE": "1", "HOME": "/"}
    env.pop("SLLM_CATALOG", None)
    folder = Path(tempfile.mkdtemp(prefix="sllm-nobody-"))
    os.chmod(folder, 0o755)
    v = sys.version_info
    version = f"{v.major}.{v.minor}"
    for exe in (sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"):
        try:
            probe = subprocess.run([exe, "-c", "import sllm.cli"], user=user.pw_uid, group=user.pw_gid,
                                   extra_groups=[], env=env, cwd=folder, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            break
    else:
        shutil.rmtree(folder)
        pytest.skip("no Python interpreter that the user nobody can run")

    def run(*args: str):
        return subprocess.run([exe, "-m", "sllm", *args], user=user.pw_uid, group=user.pw_gid,
                              extra_groups=[], env=env, cwd=folder, capture_output=True, text=True,
                              timeout=120)

    run.folder, run.user = folder, user
    yield run
    shutil.rmtree(folder)


def test_unprivileged_user_cannot_append_to_a_file_they_may_not_write(as_nobody):
    bib = as_nobody.folder / "roots.bib"
    bib.write_text("@misc{mine, title={Mine}, year=2000}\n")
    os.chmod(bib, 0o644)
    result = as_nobody("cite", "medllama-fixture", "-o", str(bib), *CAT)
    assert result.returncode == 1
    assert "permission denied" in one_line_error(result.stderr)
    assert bib.read_text() == "@misc{mine, title={Mine}, year=2000}\n"


def test_unprivileged_user_is_refused_their_own_read_only_file(as_nobody):
    bib = as_nobody.folder / "own.bib"
    bib.write_text("@misc{mine, title={Mine}, year=2000}\n")
    os.chown(bib, as_nobody.user.pw_uid, as_nobody.user.pw_gid)
    os.chmod(bib, 0o444)
    result = as_nobody("cite", "medllama-fixture", "-o", str(bib), *CAT)
    assert result.returncode == 1
    assert "read-only" in one_line_error(result.stderr)
    assert bib.read_text() == "@misc{mine, title={Mine}, year=2000}\n"


def test_unprivileged_user_appends_to_their_own_file(as_nobody):
    bib = as_nobody.folder / "mine.bib"
    bib.write_text("@misc{mine, title={Mine}, year=2000}\n")
    os.chown(bib, as_nobody.user.pw_uid, as_nobody.user.pw_gid)
    os.chmod(bib, 0o600)
    result = as_nobody("cite", "medllama-fixture", "-o", str(bib), *CAT)
    assert result.returncode == 0, result.stderr
    assert [e.key for e in scan(bib.read_text())] == ["mine", "roe2023medllama"]
    assert bib.stat().st_uid == as_nobody.user.pw_uid


# --- things that are not a regular file ----------------------------------------------

def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    result = cite_o(fifo)  # run_sllm gives up after 120 s, which would fail the test
    assert result.returncode == 1
    assert "not a regular file" in one_line_error(result.stderr)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_dev_stdout_is_refused_even_when_stdout_is_a_file(tmp_path):
    out = tmp_path / "out.txt"
    link = "/dev/stdout"
    before = os.readlink(link) if os.path.islink(link) else None
    try:
        with open(out, "wb") as handle:
            result = subprocess.run([*sllm_exe(), "cite", "medllama-fixture", "-o", link, *CAT], stdout=handle,
                                    stderr=subprocess.PIPE, text=True, timeout=120)
        assert result.returncode == 1
        assert "not a regular file" in one_line_error(result.stderr)
        assert out.read_bytes() == b""
        assert before is None or (os.path.islink(link) and os.readlink(link) == before)
    finally:
        if before is not None and not os.path.islink(link):  # a regression must not break the machine
            os.unlink(link)
            os.symlink(before, link)


@pytest.mark.parametrize("where", ["/dev/null", "."])
def test_devices_and_directories_are_refused(tmp_path, where):
    result = cite_o(where, cwd=tmp_path)
    assert result.returncode == 1
    one_line_error(result.stderr)
    assert list(tmp_path.iterdir()) == []


# --- what the file holds ------------------------------------------------------------

def test_crlf_files_get_crlf_entries(tmp_path):
    bib = tmp_path / "refs.bib"
    original = b"@misc{mine,\r\n  title = {Mine},\r\n  year = 2000\r\n}\r\n"
    bib.write_bytes(original)
    assert cite_o(bib).returncode == 0
    data = bib.read_bytes()
    assert data.startswith(original + b"\r\n@article{roe2023medllama,\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") and data.endswith(b"}\r\n")


def test_skipped_names_the_matching_key(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(f"@article{{Smith2020, title={{Something}}, doi={{https://doi.org/{MEDLLAMA_DOI.upper()}}}}}\n")
    result = cite_o("refs.bib", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert "sllm: skipped roe2023medllama: same paper as key Smith2020 already in refs.bib" in lines


def test_an_arxiv_reference_in_the_journal_field_is_the_same_paper(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{scholar, title={Other wording},\n"
                   "  journal={arXiv preprint arXiv:2001.00001v2}, year=2020}\n")
    result = cite_o(bib, "testbert-med")
    assert "skipped muller2020testbert: same paper as key scholar" in result.stderr


def test_an_accented_title_in_latex_is_the_same_paper(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{other, title = \"{TestBERT-Med}: A Fixture Encoder for Clinical Notes \\& "
                   "100\\% of\\_Tests\"}\n")
    result = cite_o(bib, "testbert-med")
    assert "same paper as key other" in result.stderr


@pytest.mark.parametrize("content", [
    '{"models": [1, 2, 3]}\n',
    "just some notes\nwithout any entries\n",
    "@misc{ok, title={Fine}}\n@article{open,\n  title = {never closed}\n",
    "@misc{ok, title={Fine}}\n@article{x, title = \"unclosed quote}\n",
    "@misc{ok, title={Fine}}\n@article\n",
])
def test_files_that_are_not_bibtex_are_left_alone(tmp_path, content):
    bib = tmp_path / "refs.bib"
    bib.write_text(content)
    result = cite_o(bib)
    assert result.returncode == 1
    assert "nothing written" in one_line_error(result.stderr)
    assert bib.read_text() == content


def test_a_binary_file_is_left_alone(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(b"@misc{a, title={A}}\n\x00\x01\x02")
    result = cite_o(bib)
    assert result.returncode == 1 and bib.read_bytes() == b"@misc{a, title={A}}\n\x00\x01\x02"


def test_comments_strings_and_an_email_address_are_fine(tmp_path):
    bib = tmp_path / "refs.bib"
    content = ("% maintained by me@example.org\n@comment{jabref-meta: databaseType:bibtex;}\n"
               "@string{jof = \"Journal of {F}ixtures\"}\n@preamble{\"\\newcommand{\\x}{y}\"}\n"
               "@book(paren, title = {A (book)}, publisher = jof # \" Press\", year = 1999)\n")
    bib.write_text(content)
    result = cite_o(bib)
    assert result.returncode == 0, result.stderr
    assert bib.read_text().startswith(content)
    assert [e.key for e in scan(bib.read_text()) if e.key] == ["paren", "roe2023medllama"]


def test_the_scanner_reads_what_pybtex_reads():
    from pybtex.database import parse_string

    text = ("@Article{Key-1, author = {A and B}, title = \"A {\"}quoted{\"} title\", year = 2001,\n"
            "  doi = {10.1/x}, note = {nested {deep {deeper {deepest}}}} }\n"
            "junk between entries\n@misc{k2, title = {Part} # { two}, eprint = \"2101.00001\"}\n"
            "@inproceedings{k3,}\n")
    entries = list(scan(text))
    assert [e.key for e in entries] == list(parse_string(text, "bibtex").entries)
    assert entries[0].fields == {"title": 'A {"}quoted{"} title', "doi": "10.1/x"}
    assert entries[1].fields == {"title": "Part two", "eprint": "2101.00001"}


_PIECES = [*'@{}(),="# \nab%', "@misc{", "@article(", "title = ", "@comment", "@string{", "@preamble{"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_what_the_scanner_accepts_does_not_swallow_an_appended_entry(text):
    from pybtex.database import parse_string

    new = "\n\n@misc{zzznew,\n  title = {T}\n}\n"
    try:
        list(scan(text))
    except bibfile._NotBibtex:
        return  # refused: nothing is appended
    assert [e.key for e in scan(text + new) if e.key][-1] == "zzznew"
    try:
        parse_string(text, "bibtex")
    except Exception:  # noqa: BLE001 - pybtex is stricter about stray '@'
        return
    assert "zzznew" in parse_string(text + new, "bibtex").entries


@pytest.mark.parametrize("text", [
    "@misc{k, title = {" + "{a" * 200_000,
    "@misc{k, title = \"" + "{a" * 200_000,
    "@misc{k, title = {" + "a}" * 200_000,
    "@" * 200_000,
    "@misc{k, " + "a = b # " * 100_000,
])
def test_the_scanner_is_linear_on_hostile_input(text):
    # Exponential backtracking would not finish; a linear scan takes milliseconds.
    with pytest.raises(bibfile._NotBibtex):
        list(scan(text + "\n@misc{"))


# --- failures while writing -----------------------------------------------------------

def test_file_too_large_leaves_the_file_byte_identical(tmp_path):
    bib = tmp_path / "refs.bib"
    original = b"@misc{mine, title={Mine}, year=2000}\n"
    bib.write_bytes(original)
    limit = len(original) + 40  # room for part of the entry only

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run([*sllm_exe(), "cite", "medllama-fixture", "-o", str(bib), *CAT], capture_output=True,
                            text=True, timeout=120, preexec_fn=small_files,
                            env={**os.environ, "SLLM_NO_CACHE": "1"})
    assert result.returncode == 1
    assert "nothing written" in one_line_error(result.stderr)
    assert bib.read_bytes() == original


@pytest.fixture
def tiny_disk(tmp_path):
    if not IS_ROOT or not shutil.which("mount"):
        pytest.skip("mounting a small file system needs root")
    where = tmp_path / "disk"
    where.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(where)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield where
    subprocess.run(["umount", str(where)], check=True)


def test_disk_full_leaves_the_file_byte_identical(tiny_disk):
    bib = tiny_disk / "refs.bib"
    entry = b"@misc{mine, title={Mine}, year=2000}\n"
    # Ten bytes short of a full page: the entry begins to fit, then the disk is full.
    original = b"%" + b"x" * (4096 - 10 - len(entry) - 2) + b"\n" + entry
    bib.write_bytes(original)
    fd = os.open(tiny_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 512)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    result = cite_o(bib, env={"SLLM_NO_CACHE": "1"})
    assert result.returncode == 1
    assert "No space left" in one_line_error(result.stderr)
    assert bib.read_bytes() == original


def test_an_interrupt_mid_write_restores_the_file(tmp_path, monkeypatch):
    bib = tmp_path / "refs.bib"
    original = b"@misc{keep, title={Keep}, year=2000}\n"
    bib.write_bytes(original)
    real_write = os.write

    def half_then_interrupt(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        raise KeyboardInterrupt

    monkeypatch.setattr(bibfile.os, "write", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        merge_into(bib, [medllama_citation()])
    assert bib.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


def test_a_failed_write_to_a_new_file_leaves_no_file(tmp_path, monkeypatch):
    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(bibfile.os, "write", full)
    with pytest.raises(CiteError, match="No space left"):
        merge_into(tmp_path / "new.bib", [medllama_citation()])
    assert list(tmp_path.iterdir()) == []


# sllm, signalled after the first bytes of the entry are written.
_SIGNAL_MID_WRITE = """
import os, signal, sys, types
import sllm.bibfile as b
class Os(types.SimpleNamespace):
    def __getattr__(self, name):
        return getattr(os, name)
def write(fd, data):
    n = os.write(fd, bytes(data[:10]))
    os.kill(os.getpid(), signal.{sig})
    return n
b.os = Os(write=write)
from sllm.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("sig, code", [("SIGINT", 130), ("SIGTERM", -signal.SIGTERM),
                                       ("SIGHUP", -signal.SIGHUP)])
def test_a_signal_mid_write_restores_the_file(tmp_path, sig, code):
    bib = tmp_path / "refs.bib"
    original = b"@misc{keep, title={Keep}, year=2000}\n"
    bib.write_bytes(original)
    result = subprocess.run([sys.executable, "-c", _SIGNAL_MID_WRITE.format(sig=sig), "cite", "medllama-fixture",
                             "-o", str(bib), *CAT], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SLLM_NO_CACHE": "1"})
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert bib.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, -signal.SIGTERM),
                                       (signal.SIGKILL, -signal.SIGKILL)])
def test_a_signal_while_waiting_changes_nothing(tmp_path, sig, code):
    bib = tmp_path / "refs.bib"
    original = b"@misc{keep, title={Keep}, year=2000}\n"
    bib.write_bytes(original)
    err = tmp_path.parent / f"{tmp_path.name}.err"
    with open(bib, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = popen_sllm("cite", "medllama-fixture", "-o", str(bib), *CAT, stderr_path=err)
        wait_for(err, "waiting for another program", proc)
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == code
    assert "Traceback" not in err.read_text()
    assert bib.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


def test_temporary_files_left_by_older_versions_are_cleaned(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{keep, title={Keep}, year=2000}\n")
    stale = tmp_path / ".refs.bib.k3j_9xq2.tmp"
    fresh = tmp_path / ".refs.bib.abcd1234.tmp"
    unrelated = tmp_path / ".refs.bib.notes.tmp"
    for p in (stale, fresh, unrelated):
        p.write_text("@misc{keep, title={Ke")
    old = time.time() - 3600
    for p in (stale, unrelated):
        os.utime(p, (old, old))
    assert cite_o(bib).returncode == 0
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [".refs.bib.abcd1234.tmp", ".refs.bib.notes.tmp", "refs.bib"]


# --- size ------------------------------------------------------------------------------

def test_a_50_mb_bibliography_is_appended_to(tmp_path):
    bib = tmp_path / "big.bib"
    words = "protein language model clinical notes graph molecular legal finance retrieval".split()
    with open(bib, "w") as f:
        i = written = 0
        while written < 50_000_000:
            title = " ".join(words[(i * 7 + k) % len(words)] for k in range(9)) + f" {i}"
            if i % 20 == 0:
                title = "{\\\"U}ber " + title
            written += f.write(
                f"@article{{key{i},\n  title = {{{title}}},\n  author = {{M{{\\\"u}}ller, J. and Doe, J.}},\n"
                f"  journal = {{Journal of {{Synthetic}} Results}},\n  year = {2000 + i % 25},\n"
                f"  doi = {{10.1000/syn.{i}}},\n  eprint = {{09{i % 12 + 1:02d}.{i:05d}}},\n"
                f"  abstract = {{{' '.join(words * 6)}}},\n}}\n\n")
            if i == 20_000:  # medllama's paper, far from both ends
                f.write(f"@article{{Hidden, title = {{X}}, doi = {{{MEDLLAMA_DOI}}}}}\n\n")
            i += 1
    size = bib.stat().st_size
    digest = hashlib.sha256(bib.read_bytes()).hexdigest()
    start = time.monotonic()
    result = cite_o(bib, "testbert-med", "medllama-fixture")
    took = time.monotonic() - start
    print(f"\n50 MB append: {took:.2f} s")  # shown with -s; not asserted
    assert result.returncode == 0, result.stderr
    assert "skipped roe2023medllama: same paper as key Hidden" in result.stderr
    assert "added 1 entry" in result.stderr
    with open(bib, "rb") as f:
        assert hashlib.sha256(f.read(size)).hexdigest() == digest
        tail = f.read().decode()
    assert [e.key for e in scan(tail)] == ["muller2020testbert"]
