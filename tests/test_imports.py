"""Start-up stays lean: machine-format commands import nothing they do not use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import io, json, sys
from contextlib import redirect_stdout
from sllm.cli import main
with redirect_stdout(io.StringIO()):
    code = main({args!r})
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {{'rich', 'pybtex', 'rapidfuzz', 'latexcodec'}})
print(json.dumps({{'code': code, 'heavy': heavy}}))
"""


def loaded(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    "args, allowed",
    [
        (["list", "--domain", "medicine", "--json"], set()),
        (["list", "--backbone", "llama", "--format", "csv"], set()),
        (["show", "biomistral", "--json"], set()),        # exact name: no fuzzy matching
        (["show", "BioMistral-7B", "--json"], set()),     # size suffix is still exact
        (["show", "biomistrl", "--json"], {"rapidfuzz"}),  # a typo needs rapidfuzz, nothing else
        (["cite", "biomistral"], {"pybtex", "latexcodec"}),
        (["stats", "--json"], set()),
    ],
)
def test_commands_import_only_what_they_need(args, allowed):
    result = loaded(args)
    assert result["code"] == 0
    assert set(result["heavy"]) <= allowed, result["heavy"]


def test_table_output_does_need_rich():
    assert "rich" in loaded(["list", "--domain", "law"])["heavy"]
