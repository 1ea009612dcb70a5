"""No traceback and no hang, whatever happens to stdout: closed, full, narrow, or unable to encode."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import run_sllm, sllm_exe

COMMANDS = [["list"], ["list", "--json"], ["show", "biomistral"], ["cite", "biomistral"],
            ["compare", "biomistral", "meditron"], ["search", "protein"], ["validate"], ["stats"], ["taxonomy"],
            ["tree", "llama"], ["timeline"], ["export"], ["--help"], ["list", "--help"]]


def _with_stdout(args: list[str], stdout, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*sllm_exe(), *args], stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_that_went_away_ends_it_quietly(args):
    read, write = os.pipe()
    os.close(read)  # every write now meets a closed pipe
    try:
        result = _with_stdout(args, write)
    finally:
        os.close(write)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "error" not in result.stderr


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["stats"], ["--help"], ["show", "biomistral"]],
                         ids=" ".join)
def test_a_full_disk_is_one_line_and_exit_1(args):
    with open("/dev/full", "w") as full:
        result = _with_stdout(args, full)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "No space left on device" in result.stderr


def test_closed_stdout_is_one_line_and_exit_1():
    result = subprocess.run(" ".join(sllm_exe()) + " list >&-", shell=True, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == "sllm: error: standard output is closed: nothing was written"


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "tsv", "markdown", "ids", "bibtex", "text",
                                 "references"])
@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"}], ids=["ascii", "C"])
def test_an_output_encoding_without_the_letters_is_no_traceback(fmt, env):
    # the law records include Chinese names
    result = run_sllm("list", "--domain", "law", "--format", fmt, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and result.stdout


@pytest.mark.parametrize("columns", ["0", "1", "-5", "x"])
@pytest.mark.parametrize("args", [["show", "biomistral"], ["stats"], ["taxonomy"], ["timeline"], ["search", "protein"],
                                  ["tree", "mistral"], ["list", "--domain", "law"], ["compare", "biomistral", "meditron"]],
                         ids=" ".join)
def test_a_silly_terminal_width_still_prints(args, columns):
    result = run_sllm(*args, env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) > 1


def test_ctrl_c_while_the_program_is_still_loading_exits_130_quietly():
    import sys

    code = (
        "import builtins, sys\n"
        "real = builtins.__import__\n"
        "def interrupted(name, *a, **k):\n"
        "    if name == 'typer':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = interrupted\n"
        "from sllm.entry import main\n"
        "sys.exit(main())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 130
    assert "Traceback" not in result.stderr


def test_the_installed_command_is_the_guarded_entry_point():
    import shutil

    exe = shutil.which("sllm")
    if exe is None:
        pytest.skip("sllm is not on PATH")
    with open(exe, encoding="utf-8") as fh:
        assert "sllm.entry" in fh.read()


def test_json_through_an_ascii_stdout_is_the_same_document_with_letters_replaced():
    """Stored UTF-8 goes to a UTF-8 stdout as it is; any other encoding gets the same JSON, re-encoded."""
    import json

    utf8 = json.loads(run_sllm("list", "--domain", "law", "--json").stdout)
    plain = run_sllm("list", "--domain", "law", "--json", env={"PYTHONIOENCODING": "ascii"})
    assert plain.returncode == 0, plain.stderr
    ascii_doc = json.loads(plain.stdout)
    assert [r["id"] for r in ascii_doc] == [r["id"] for r in utf8]
    chinese = next(r for r in utf8 if any(ord(c) > 127 for c in json.dumps(r, ensure_ascii=False)))
    again = next(r for r in ascii_doc if r["id"] == chinese["id"])
    assert again != chinese and "?" in json.dumps(again)
