"""The installed command, as a user runs it: another directory, pipes, environment."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

from conftest import MINI, REPO, on_a_terminal, run_sllm, sllm_exe

import sllm


def test_package_is_installed_not_imported_from_the_checkout():
    # The tests must exercise what `pip install .` put in site-packages.
    assert REPO / "src" not in __import__("pathlib").Path(sllm.__file__).resolve().parents


def test_catalog_ships_inside_the_package():
    from sllm.catalog import bundled_dir, bundled_files

    assert bundled_dir().is_relative_to(__import__("pathlib").Path(sllm.__file__).resolve().parent)
    assert bundled_files(), "the installed package carries no catalog"


def test_runs_from_any_directory(tmp_path):
    result = run_sllm("list", "--domain", "medicine", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert records and all("medicine" in r["domains"] for r in records)


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sllm", "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"sllm {sllm.__version__}"


def test_version():
    result = run_sllm("--version")
    assert result.returncode == 0 and result.stdout == f"sllm {sllm.__version__}\n"


def test_pipe_to_head_ends_quietly():
    cmd = " ".join(sllm_exe()) + f" list --format jsonl --catalog {MINI} --no-bundled | head -1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert json.loads(result.stdout)["id"]
    assert result.stderr == "", result.stderr


def test_big_output_into_closed_pipe_has_no_traceback():
    cmd = " ".join(sllm_exe()) + " list --json | head -c 10 > /dev/null"
    result = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_no_color_and_pipes_are_plain():
    for env in ({"NO_COLOR": "1"}, {"FORCE_COLOR": "0"}, {}):
        result = run_sllm("list", "--catalog", str(MINI), "--no-bundled", env=env)
        assert result.returncode == 0
        assert "\x1b[" not in result.stdout and "TestBERT-Med" in result.stdout


def _on_a_terminal(env: dict, *args: str) -> str:
    """The list table (or another command) as a real pseudo-terminal shows it."""
    return on_a_terminal(*(args or ("list",)), "--catalog", str(MINI), "--no-bundled", env=env)


def test_no_color_on_a_terminal():
    """Under a real pseudo-terminal NO_COLOR still removes every escape code."""
    out = _on_a_terminal({"NO_COLOR": "1"})
    assert "TestBERT-Med" in out
    assert "\x1b[" not in out


def test_a_terminal_gets_colour_a_rule_and_a_count():
    out = _on_a_terminal({})
    assert "\x1b[1;36mTestBERT-Med\x1b[0m" in out
    assert "─" in out
    assert re.search(r"\d+ models", out)


def test_a_limited_table_says_how_many_of_how_many():
    out = _on_a_terminal({"NO_COLOR": "1"}, "list", "--limit", "3")
    assert "3 of 9 models" in out


def test_narrow_terminal_wraps_names_instead_of_cutting(tmp_path):
    result = run_sllm("list", "--catalog", str(MINI), "--no-bundled", env={"COLUMNS": "40"})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "…" not in result.stdout
    assert all(len(line) <= 40 for line in lines)
    # The long name survives whole, folded down its column.
    name_width = lines[0].index("Year")
    column = "".join(line[:name_width] for line in lines).replace(" ", "")
    assert "MedLlamaFixture" in column


def test_ctrl_c_exits_130_without_traceback(tmp_path):
    big = tmp_path / "big.json"
    record = json.loads(MINI.read_text())[0]
    records = [{**record, "id": f"m{i}", "citation": None} for i in range(60000)]
    big.write_text(json.dumps(records))
    # stdout is a pipe nobody reads yet: the run is still loading, or blocked printing, when Ctrl-C comes.
    proc = subprocess.Popen([*sllm_exe(), "list", "--catalog", str(big), "--no-bundled", "--format", "csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.8)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
