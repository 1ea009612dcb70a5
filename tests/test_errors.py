"""Bad input: one line on stderr that says what was wrong and what is right, exit 2."""

from __future__ import annotations

import pytest
from conftest import MINI, run_sllm


@pytest.mark.parametrize(
    "args, expect",
    [
        (["--domain", "astrology"], "unknown domain 'astrology'"),
        (["--domain", "medicne"], "did you mean 'medicine'"),
        (["--modality", "smell"], "unknown modality 'smell'"),
        (["--type", "4.A"], "unknown architecture type '4.A'"),
        (["--type", "2.E"], "unknown architecture type"),
        (["--kind", "robot"], "unknown kind 'robot'"),
        (["--size", "banana"], "cannot read size 'banana'"),
        (["--size", "0B"], "greater than zero"),
        (["--min-size", "10B", "--max-size", "1B"], "larger than --max-size"),
        (["--year", "99999"], "out of range"),
        (["--since", "2024", "--until", "2020"], "after --until"),
        (["--backbone", "---"], "has no letters or digits"),
        (["--sort", "colour"], "cannot sort by 'colour'"),
    ],
)
def test_bad_filter_values(mini, args, expect):
    result = mini("list", *args)
    assert result.exit_code == 2
    assert expect in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["x" * 10_000, "", "   ", "·:·"])
def test_names_that_are_not_names(mini, name):
    result = mini("show", name)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_no_bundled_without_catalog(cli):
    result = cli("list", "--no-bundled")
    assert result.exit_code == 2 and "--no-bundled needs a catalog" in result.stderr


@pytest.mark.parametrize(
    "args, expect",
    [
        (["list", "--colour"], "No such option: --colour"),
        (["list", "--limit", "lots"], "Invalid value for '--limit'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["show"], "Missing argument"),
    ],
)
def test_usage_errors_are_one_line(args, expect):
    result = run_sllm(*args, "--catalog", str(MINI), "--no-bundled") if args[0] != "frobnicate" else run_sllm(*args)
    assert result.returncode == 2
    assert expect in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "╭" not in result.stderr


def test_non_utf8_argument():
    import os
    import subprocess

    from conftest import sllm_exe

    result = subprocess.run(
        [*map(os.fsencode, sllm_exe()), b"show", b"bio\xffmistral", b"--catalog", os.fsencode(str(MINI)), b"--no-bundled"],
        capture_output=True, timeout=60,
    )
    assert result.returncode == 1  # a name that matches nothing, said in one line
    assert b"no model matches" in result.stderr and b"Traceback" not in result.stderr
    assert result.stderr.count(b"\n") == 1


@pytest.mark.parametrize(
    "args, expected",
    [
        (["list", "--year", "abc"], "Invalid value for '--year': 'abc' is not a whole number"),
        (["list", "--since", "20x"], "Invalid value for '--since': '20x' is not a whole number"),
        (["list", "--limit", "1.5"], "'1.5' is not a whole number"),
        (["list", "--limit", "-3"], "-3 is below the minimum, 0"),
        (["search", "bert", "--limit", "0"], "0 is below the minimum, 1"),
    ],
)
def test_bad_numbers_are_named_in_one_line(args, expected):
    result = run_sllm(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
