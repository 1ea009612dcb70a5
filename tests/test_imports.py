"""Start-up stays lean: machine-format commands import nothing they do not use.

Each probe runs the command twice in a fresh process: the first run may validate
the catalog (pydantic) and fills the cache; the second is what a user's every
later run looks like.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import io, json, sys
from contextlib import redirect_stdout
import sllm.cache
sllm.cache.SETTLE_NS = 0  # the catalog files may have been installed a moment ago
from sllm.cli import main
if {warm!r}:
    with redirect_stdout(io.StringIO()):
        main({args!r})
    sys.exit(0)
with redirect_stdout(io.StringIO()):
    code = main({args!r})
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {{'rich', 'pybtex', 'rapidfuzz', 'latexcodec'}})
schema = sorted(m for m in sys.modules if m in SCHEMA)
print(json.dumps({{'code': code, 'heavy': heavy, 'schema': schema}}))
"""

#: pydantic's schema building and typer's pydantic-based argument conversion:
#: what a run that reads its records from the cache must not need.
SCHEMA = {"pydantic.main", "pydantic.type_adapter", "pydantic._internal._generate_schema", "typer._adapters"}


def loaded(args: list[str]) -> dict:
    for warm in (True, False):
        code = PROBE.format(args=args, warm=warm).replace("SCHEMA", repr(SCHEMA))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
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
        (["search", "protein", "--json"], {"rapidfuzz"}),
        (["taxonomy", "--json"], set()),
        (["tree", "llama", "--json"], set()),
        (["timeline", "--json"], set()),
        (["export", "--format", "json"], set()),
    ],
)
def test_commands_import_only_what_they_need(args, allowed):
    result = loaded(args)
    assert result["code"] == 0
    assert set(result["heavy"]) <= allowed, result["heavy"]
    assert result["schema"] == [], result["schema"]


def test_the_list_table_does_without_rich():
    assert loaded(["list", "--domain", "law"])["heavy"] == []


def test_show_draws_without_rich():
    assert "rich" not in loaded(["show", "biomistral"])["heavy"]


def test_charts_do_need_rich():
    assert "rich" in loaded(["stats"])["heavy"]
