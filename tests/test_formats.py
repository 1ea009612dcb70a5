"""Every output format is a contract: parse each one back."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sllm.render import CSV_COLUMNS

# Contract 2, exactly: a key added here is a README change; one removed is a version bump.
CONTRACT_KEYS = [
    "id", "name", "aliases", "kind", "domains", "modalities", "architecture", "backbones",
    "sizes", "year", "venue", "title", "paper", "arxiv", "doi", "github", "models",
    "open_weights", "access", "license", "languages", "citation", "sources", "section",
    "subsection", "unverified", "notes",
]
LIST_KEYS = {"aliases", "domains", "modalities", "architecture", "backbones", "sizes", "github", "models",
             "sources", "languages", "unverified"}


def check_contract(record: dict) -> None:
    assert list(record) == CONTRACT_KEYS
    for key in LIST_KEYS:
        assert isinstance(record[key], list), key
    for size in record["sizes"]:
        assert set(size) == {"label", "parameters", "active_parameters"}
        assert size["parameters"] is None or isinstance(size["parameters"], int)
    assert record["kind"] in {"model", "agent", "service"}
    assert record["open_weights"] in {True, False, None}
    assert record["access"] in {None, "open", "open-restricted", "open-noncommercial", "api", "hosted", "unreleased"}
    if record["access"] is not None:
        assert record["open_weights"] == record["access"].startswith("open")
    if record["citation"] is not None:
        c = record["citation"]
        assert {"type", "key", "authors", "title", "year", "verified", "evidence"} <= set(c)
        assert isinstance(c["authors"], list) and c["authors"]
        assert c["verified"] == (c["evidence"] == "primary")


def test_json_follows_the_contract(mini):
    result = mini("list", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 9
    for record in records:
        check_contract(record)
    med = next(r for r in records if r["id"] == "testbert-med")
    assert [(s["label"], s["parameters"]) for s in med["sizes"]] == [("Base", 110000000), ("Large", 340000000)]
    assert med["citation"]["authors"][0] == "Jörg Müller"


def test_json_shorthand_equals_format_json(mini):
    assert mini("list", "--json").stdout == mini("list", "--format", "json").stdout


def test_jsonl_one_record_per_line(mini):
    lines = mini("list", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 9
    for line in lines:
        check_contract(json.loads(line))


def test_csv_parses_back(mini):
    text = mini("list", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 9
    assert tuple(rows[0]) == CSV_COLUMNS
    med = next(r for r in rows if r["id"] == "medllama-fixture")
    assert med["domains"] == "medicine; biology"
    assert med["sizes"] == "7B; 13B"
    assert med["parameters"] == "7000000000; 13000000000"
    assert med["citation_key"] == "roe2023medllama"


def test_ids_format(mini):
    assert mini("list", "--domain", "law", "--format", "ids").stdout == "lawagent\n"


def test_markdown_is_a_table(mini):
    lines = mini("list", "--domain", "chemistry", "--format", "markdown").stdout.splitlines()
    assert lines[0].startswith("| Name |") and lines[1].startswith("| --- |")
    assert lines[2].startswith("| ChemCLIP | 2021 |")


def test_bibtex_format_parses_back(mini):
    from pybtex.database import parse_string

    result = mini("list", "--domain", "medicine", "--format", "bibtex")
    data = parse_string(result.stdout, "bibtex")
    assert set(data.entries) == {"muller2020testbert", "roe2023medllama"}
    assert "has no citation" in result.stderr  # the others are named on stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "markdown", "ids", "bibtex"])
def test_machine_formats_have_no_colour_or_boxes(mini, fmt):
    out = mini("list", "--format", fmt).stdout
    assert "\x1b[" not in out
    assert not any(ch in out for ch in "─│╭╮┃━")


def test_table_piped_is_plain(mini):
    out = mini("list").stdout
    assert "TestBERT-Med" in out and "\x1b[" not in out
    assert not any(ch in out for ch in "─│╭╮┃━")


def test_unknown_format_is_a_usage_error(mini):
    result = mini("list", "--format", "yaml")
    assert result.exit_code == 2
    assert "unknown format 'yaml'" in result.stderr and "json" in result.stderr
    assert result.stdout == ""


def test_json_and_other_format_disagree(mini):
    result = mini("list", "--json", "--format", "csv")
    assert result.exit_code == 2
