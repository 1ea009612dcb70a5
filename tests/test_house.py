"""One declaration per filter, format and field, and the commands built from them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import MINI, run_sllm

COMMANDS_WITH_FILTERS = ["list", "search", "stats", "taxonomy", "timeline", "export"]


def test_every_filter_is_an_option_of_every_filtering_command(cli):
    from sllm.query import FILTERS

    for command in COMMANDS_WITH_FILTERS:
        text = cli(command, "--help", env={"COLUMNS": "200"}).stdout
        for f in FILTERS:
            assert f.flags[0].split("/")[0] in text, (command, f.name)


def test_every_record_format_is_offered_by_list_and_renders(mini):
    from sllm.render import record_formats

    for fmt in record_formats():
        result = mini("list", "--format", fmt)
        assert result.exit_code == 0, (fmt, result.stderr)
        assert result.stdout.strip(), fmt


@pytest.mark.parametrize("command", ["list", "show", "cite", "compare", "search", "validate", "check", "stats",
                                     "taxonomy", "tree", "timeline", "export"])
def test_help_has_no_python_type_names(cli, command):
    text = cli(command, "--help", env={"COLUMNS": "200"}).stdout
    for bad in ("<bool>", "<str>", "<int>", "list[str]", "list[int]", "<int range>", "x>=", "<Path>"):
        assert bad not in text, (command, bad)


def test_every_record_field_reaches_json_and_fields(mini):
    from sllm.fields import contract_keys

    record = json.loads(mini("list", "--json").stdout)[0]
    assert list(record) == list(contract_keys())
    for key in contract_keys():
        picked = json.loads(mini("list", "--json", "--fields", f"id,{key}").stdout)[0]
        assert list(picked) == (["id"] if key == "id" else ["id", key])


def test_fields_picks_json_and_csv_columns(mini):
    rows = json.loads(mini("list", "--json", "--fields", "id,year").stdout)
    assert rows and all(set(r) == {"id", "year"} for r in rows)
    table = list(csv.reader(io.StringIO(mini("list", "--format", "csv", "--fields", "name,parameters").stdout)))
    assert table[0] == ["name", "parameters"]
    tsv = mini("list", "--format", "tsv", "--fields", "id,name").stdout.splitlines()
    assert tsv[0] == "id\tname" and all(line.count("\t") == 1 for line in tsv)


def test_an_unknown_field_lists_the_valid_ones(mini):
    result = mini("list", "--json", "--fields", "id,yaer")
    assert result.exit_code == 2
    assert "unknown field 'yaer': did you mean 'year'?" in result.stderr and "valid: id, name" in result.stderr


def test_fields_with_a_format_that_cannot_pick_is_an_error(mini):
    result = mini("list", "--fields", "id")
    assert result.exit_code == 2 and "--fields works with" in result.stderr


def test_overview_commands_offer_json_and_say_so(mini):
    for command in ("stats", "taxonomy", "timeline"):
        assert json.loads(mini(command, "--json").stdout)
        assert mini(command, "--format", "json").stdout == mini(command, "--json").stdout
        bad = mini(command, "--format", "csv")
        assert bad.exit_code == 2 and "use one of table, json" in bad.stderr
    assert json.loads(mini("export", "--json").stdout)[0]["id"]


def test_compare_puts_models_side_by_side(mini):
    table = mini("compare", "testbert-med", "protolm").stdout
    header = table.splitlines()[0]
    assert "TestBERT-Med" in header and "ProtoLM" in header
    assert "domains" in table
    records = json.loads(mini("compare", "testbert-med", "protolm", "--json").stdout)
    assert [r["id"] for r in records] == ["testbert-med", "protolm"]
    md = mini("compare", "testbert-med", "protolm", "--format", "markdown").stdout
    assert md.startswith("| Name |")


def test_show_keeps_urls_whole_on_a_narrow_terminal(mini):
    result = run_sllm("show", "testbert-med", "--catalog", str(MINI), "--no-bundled", env={"COLUMNS": "40"})
    record = json.loads(run_sllm("show", "testbert-med", "--json", "--catalog", str(MINI), "--no-bundled").stdout)
    for url in [record["paper"], *record["github"], *record["models"]]:
        if url:
            assert url in result.stdout, url


def test_show_keeps_curation_notes_for_verbose(mini):
    record = json.loads(mini("show", "testbert-med", "--json").stdout)
    assert record["notes"]
    plain = mini("show", "testbert-med").stdout
    verbose = mini("show", "testbert-med", "--verbose").stdout
    for why in record["notes"].values():
        assert why[:30] not in plain and why[:30] in verbose
    assert "  sources " not in plain and "  sources " in verbose
    assert "--verbose" in plain


def test_json_round_trips_through_catalog(mini, tmp_path):
    first = mini("list", "--json").stdout
    path = tmp_path / "again.json"
    path.write_text(first, encoding="utf-8")
    from typer.testing import CliRunner

    from sllm.cli import app

    again = CliRunner().invoke(app, ["list", "--json", "--catalog", str(path), "--no-bundled"])
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(first)


def test_a_bare_sllm_prints_help_and_no_empty_error():
    result = run_sllm()
    assert result.returncode == 2
    assert "Usage: sllm" in result.stdout
    assert "error:" not in result.stderr


def test_filters_say_what_they_left_out(cli):
    result = cli("list", "--domain", "medicine", "--min-size", "7B", "--json")
    assert result.exit_code == 0
    assert "without a known size left out by --min-size" in result.stderr
    weights = cli("list", "--closed-weights", "--json")
    assert "without known weights left out by --closed-weights" in weights.stderr


def test_a_mixture_of_experts_label_is_a_size(cli):
    result = cli("list", "--size", "8x7B", "--json")
    assert result.exit_code == 0, result.stderr
    assert all(any(s["label"].lower() == "8x7b" for s in r["sizes"]) for r in json.loads(result.stdout))


def test_the_library_does_not_import_the_cli():
    code = ("import sys, sllm; c = sllm.load(); r = sllm.lookup(c, 'biomistral');"
            "assert sllm.select(c.records, domain='medicine'); assert '@' in sllm.citations([r]);"
            "assert sllm.to_format('ids', [r]) == 'biomistral\\n';"
            "print(sorted(m for m in ('sllm.cli', 'typer', 'rich') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_library_errors_are_the_documented_ones():
    import sllm

    catalog = sllm.load(MINI, bundled=False)
    with pytest.raises(sllm.ResolveError):
        sllm.lookup(catalog, "medllama", strict=True)
    with pytest.raises(sllm.QueryError):
        sllm.select(catalog.records, domain="astrology")


@pytest.mark.parametrize("words, cword, expected", [
    ("sllm list --format js", "3", {"json", "jsonl"}),
    ("sllm list --sort y", "3", {"year"}),
    ("sllm taxonomy 2.", "2", {"2.A", "2.B", "2.C", "2.D"}),
    ("sllm list --access open-", "3", {"open-restricted", "open-noncommercial"}),
    ("sllm cite biomistral --format bib", "4", {"bibtex"}),
])
def test_shell_completion_of_choices(words, cword, expected):
    result = run_sllm(env={"_SLLM_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword})
    assert expected <= set(result.stdout.split()), result.stdout


@pytest.mark.parametrize("shell", ["zsh", "fish"])
@pytest.mark.parametrize("line, wanted, unwanted", [
    ("sllm show biomis", {"biomistral"}, {"show", "list"}),
    ("sllm sh", {"show"}, {"biomistral"}),
    ("sllm list --domain me", {"medicine"}, set()),
    ("sllm cite meditr", {"meditron"}, set()),
])
def test_shell_completion_in_zsh_and_fish(shell, line, wanted, unwanted):
    """These shells pass the line up to the cursor; a command's values come from that command."""
    env = {"_SLLM_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line,
           "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    result = run_sllm(env=env)
    words = set(result.stdout.replace('"', " ").replace("(", " ").replace(")", " ").split())
    assert result.returncode == 0 and wanted <= words and not unwanted & words, result.stdout


def test_the_evidence_filter_and_citekeys_format(mini):
    """Added as one FILTERS entry and one exporter: the options, help and docs follow."""
    ids = [r["id"] for r in json.loads(mini("list", "--evidence", "primary", "--json").stdout)]
    assert ids and "protolm" not in ids  # ProtoLM's citation is unconfirmed in the fixture
    assert mini("list", "--evidence", "unconfirmed", "--format", "ids").stdout.split() == ["protolm"]
    keys = mini("cite", "testbert-med", "medllama-fixture", "--format", "citekeys").stdout
    assert keys == "\\cite{muller2020testbert,roe2023medllama}\n"
    bad = mini("list", "--evidence", "primry")
    assert bad.exit_code == 2 and "did you mean 'primary'" in bad.stderr
