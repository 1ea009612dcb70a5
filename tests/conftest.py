"""Shared fixtures: a small fictional catalog for behaviour, the bundled one for facts."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sllm.cli import app

# A shell starts a background job with SIGINT ignored, and children inherit an ignored
# signal: the tests that press Ctrl-C on sllm would then test nothing. A handled signal
# is reset to its default in a child, so handle it here as Python does by default.
if hasattr(signal, "SIGINT") and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.json"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """One cache folder for the whole run, never the user's own."""
    os.environ["SLLM_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("SLLM_NO_CACHE", None)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("SLLM_CATALOG", raising=False)
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture
def cli():
    """Invoke the CLI in-process; returns click's Result with stdout and stderr apart."""
    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None):
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def mini(cli):
    """The CLI over the fictional fixture catalog only."""

    def invoke(*args: str):
        return cli(*args, "--catalog", str(MINI), "--no-bundled")

    return invoke


def ids_of(result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [r["id"] for r in json.loads(result.stdout)]


def sllm_exe() -> list[str]:
    exe = shutil.which("sllm")
    return [exe] if exe else [sys.executable, "-m", "sllm"]


def run_sllm(*args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("SLLM_CATALOG", None) if env is None or "SLLM_CATALOG" not in env else None
    return subprocess.run(
        [*sllm_exe(), *args], capture_output=True, text=True, cwd=cwd, env=full_env,
        input=input, timeout=120,
    )


def on_a_terminal(*args: str, env: dict | None = None) -> str:
    """What ``sllm ARGS`` shows on a real pseudo-terminal (colour on unless env says otherwise)."""
    pty = pytest.importorskip("pty")
    cmd = [*sllm_exe(), *args]
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.environ.pop("NO_COLOR", None)
        os.environ.update({"COLUMNS": "100", "TERM": "xterm", **(env or {})})
        os.execvp(cmd[0], cmd)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8", "replace")


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
