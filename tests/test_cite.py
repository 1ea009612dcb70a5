"""Citations: BibTeX that round-trips, formatted references, safe appends."""

from __future__ import annotations

import codecs
import os

import latexcodec  # noqa: F401
import pytest
from pybtex.database import parse_string


def plain(text: str) -> str:
    return codecs.decode(text, "ulatex").replace("{", "").replace("}", "")


def test_bibtex_round_trips_every_field(mini):
    result = mini("cite", "testbert-med")
    assert result.exit_code == 0
    entry = parse_string(result.stdout, "bibtex").entries["muller2020testbert"]
    assert entry.type == "inproceedings"
    assert plain(entry.fields["title"]) == "TestBERT-Med: A Fixture Encoder for Clinical Notes & 100% of_Tests"
    assert [plain(str(p)) for p in entry.persons["author"]] == ["Müller, Jörg", "Núñez, Ana", "O'Brien, Seán"]
    assert entry.fields["year"] == "2020" and entry.fields["pages"] == "1--10"
    # Identifiers are verbatim, not LaTeX-escaped.
    assert entry.fields["url"] == "https://example.org/a_b?x=1"
    assert entry.fields["eprint"] == "2001.00001"


def test_bibtex_is_ascii_with_escaped_specials(mini):
    out = mini("cite", "testbert-med").stdout
    assert out.isascii()
    assert r"\&" in out and r"100\%" in out and r"of\_Tests" in out
    assert r"{\"u}" in out  # Müller


def test_doi_verbatim(mini):
    out = mini("cite", "medllama-fixture").stdout
    assert "10.1234/fix.2023_01" in out


def test_title_capitals_are_protected(mini):
    out = mini("cite", "testbert-med").stdout
    assert "{TestBERT-Med}" in out


def test_text_and_markdown_references(mini):
    text = mini("cite", "medllama-fixture", "--format", "text").stdout
    assert text.startswith("Richard Roe, and Jane Doe (2023). MedLlama Fixture: Instruction Tuning for Medicine.")
    assert "Journal of Fixtures, 3." in text and "https://doi.org/10.1234/fix.2023_01" in text
    md = mini("cite", "medllama-fixture", "--format", "markdown").stdout
    assert md.startswith("- ") and "*Journal of Fixtures*" in md


def test_unverified_citation_warns(mini):
    result = mini("cite", "protolm")
    assert result.exit_code == 0
    assert "unconfirmed" in result.stderr
    assert "doe2022protolm" in result.stdout


def test_model_without_citation(mini):
    result = mini("cite", "radvision")
    assert result.exit_code == 1
    assert "no citation" in result.stderr


def test_several_names_each_once(mini):
    out = mini("cite", "testbert-med", "tbm", "medllama-fixture").stdout
    keys = list(parse_string(out, "bibtex").entries)
    assert keys == ["muller2020testbert", "roe2023medllama"]


def test_output_creates_then_appends_only_new(mini, tmp_path):
    bib = tmp_path / "refs.bib"
    first = mini("cite", "testbert-med", "-o", str(bib))
    assert first.exit_code == 0 and first.stdout == ""
    assert "added 1 entry" in first.stderr
    again = mini("cite", "testbert-med", "medllama-fixture", "-o", str(bib))
    assert "added 1 entry" in again.stderr and "skipped muller2020testbert" in again.stderr
    entries = parse_string(bib.read_text(), "bibtex").entries
    assert list(entries) == ["muller2020testbert", "roe2023medllama"]


def test_output_keeps_existing_bytes(mini, tmp_path):
    bib = tmp_path / "refs.bib"
    original = "% my notes, kept verbatim\n@article{Mine2001,\n  title = {Something Else},\n  author = {A. Person},\n  year = 2001}"
    bib.write_text(original)
    result = mini("cite", "medllama-fixture", "-o", str(bib))
    assert result.exit_code == 0
    text = bib.read_text()
    assert text.startswith(original)
    assert set(parse_string(text, "bibtex").entries) == {"Mine2001", "roe2023medllama"}


@pytest.mark.parametrize(
    "existing, why",
    [
        ("@misc{ROE2023MEDLLAMA, title={X}, year=2023}", "key"),  # keys are case-insensitive
        ("@misc{other, title={Y}, doi={10.1234/FIX.2023_01}, year=2023}", "same paper"),
        ("@misc{other2, title={MedLlama {F}ixture: Instruction Tuning for Medicine}, year=2023}", "same paper"),
    ],
)
def test_output_detects_duplicates(mini, tmp_path, existing, why):
    bib = tmp_path / "refs.bib"
    bib.write_text(existing + "\n")
    result = mini("cite", "medllama-fixture", "-o", str(bib))
    assert result.exit_code == 0
    assert why in result.stderr
    assert bib.read_text() == existing + "\n"


def test_output_refuses_a_malformed_file(mini, tmp_path):
    bib = tmp_path / "refs.bib"
    broken = "@article{broken, title = {unclosed\n"
    bib.write_text(broken)
    result = mini("cite", "medllama-fixture", "-o", str(bib))
    assert result.exit_code == 1
    assert "nothing written" in result.stderr
    assert bib.read_text() == broken


def test_output_refuses_non_utf8(mini, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(b"@misc{x, title={\xff\xfe}}\n")
    result = mini("cite", "medllama-fixture", "-o", str(bib))
    assert result.exit_code == 1 and "UTF-8" in result.stderr
    assert bib.read_bytes() == b"@misc{x, title={\xff\xfe}}\n"


def test_output_keeps_file_mode(mini, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("")
    os.chmod(bib, 0o640)
    mini("cite", "medllama-fixture", "-o", str(bib))
    assert (bib.stat().st_mode & 0o777) == 0o640


def test_output_only_with_bibtex(mini, tmp_path):
    result = mini("cite", "medllama-fixture", "-f", "text", "-o", str(tmp_path / "x.bib"))
    assert result.exit_code == 2
