"""Catalog text cannot drive the terminal: escape sequences in names and titles are removed."""

from __future__ import annotations

import json

import pytest
from conftest import on_a_terminal, run_sllm

EVIL = [{
    "id": "evil", "name": "Evil\u001b]52;c;SGVsbG8=\u0007Model", "domains": ["law"], "modalities": ["language"],
    "title": "Title\u001b[2Jcleared", "backbones": ["LLaMA-2-7B"], "year": 2023,
    "citation": {"type": "misc", "key": "evil2023", "authors": ["Ann\u001b[2J Bee"], "title": "X\u009b31m", "year": 2023},
}]
COMMANDS = [["list"], ["list", "-f", "csv"], ["list", "-f", "tsv"], ["list", "-f", "markdown"], ["show", "evil"],
            ["search", "evil"], ["export"], ["cite", "evil", "-f", "text"], ["tree", "llama"], ["stats"],
            ["taxonomy"], ["compare", "evil"]]


@pytest.fixture
def evil(tmp_path):
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(EVIL), encoding="utf-8")
    return path


def _bad(text: str) -> list[str]:
    return [seq for seq in ("\x1b]52", "\x1b[2J", "\x07", "\x9b") if seq in text]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_piped_output_and_messages_carry_no_control_sequences(evil, args):
    result = run_sllm(*args, "--catalog", str(evil), "--no-bundled")
    assert result.returncode == 0, result.stderr
    assert not _bad(result.stdout) and not _bad(result.stderr)
    if args[0] not in ("stats", "taxonomy"):  # these show counts, not names
        assert "Evil" in result.stdout or "evil" in result.stdout or "Ann" in result.stdout


@pytest.mark.parametrize("args", [["list"], ["show", "evil"], ["tree", "llama"], ["stats"], ["search", "evil"]],
                         ids=" ".join)
def test_a_colour_terminal_gets_our_colours_and_none_of_theirs(evil, args):
    out = on_a_terminal(*args, "--catalog", str(evil), "--no-bundled")
    assert not _bad(out), out
