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


def test_a_capital_before_a_digit_keeps_its_case():
    """Sentence-case styles lower unbraced capitals: 'T5' and 'O3-mini' would print as 't5', 'o3-mini'."""
    from sllm.citeformats.latex import title

    assert title("Fine-tuning T5 at O3-mini Level") == "Fine-tuning {T5} at {O3-mini} Level"
    assert title("Version 2 of A Model") == "Version 2 of A Model"  # lone capitals and digits are left to the style


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


# --- names, venues, escaping: the parts every format shares ------------------------

@pytest.mark.parametrize(
    "text, family, given, von, suffix, corporate",
    [
        ("Jose Luis Olmos Jr.", "Olmos", "Jose Luis", "", "Jr.", False),
        ("Olmos, Jr., Jose Luis", "Olmos", "Jose Luis", "", "Jr.", False),
        ("John Smith III", "Smith", "John", "", "III", False),
        ("Cyprien de Masson d'Autume", "Masson d'Autume", "Cyprien", "de", "", False),
        ("Blaise Agüera y Arcas", "Agüera y Arcas", "Blaise", "", "", False),
        ("Leandro von Werra", "Werra", "Leandro", "von", "", False),
        ("von Werra, Leandro", "Werra", "Leandro", "von", "", False),
        ("huimin zheng", "zheng", "huimin", "", "", False),
        ("{Merlyn Mind}", "Merlyn Mind", "", "", "", True),
        ("CodeGemma Team", "CodeGemma Team", "", "", "", True),
        ("Mausam", "Mausam", "", "", "", False),
    ],
)
def test_name_parts(text, family, given, von, suffix, corporate):
    from sllm.names import parse

    n = parse(text)
    assert (n.family, n.given, n.von, n.suffix, n.corporate) == (family, given, von, suffix, corporate)


def test_venue_vocabulary_spellings():
    from sllm.venues import lookup

    iclr = {"ICLR", "ICLR 2024", "International Conference on Learning Representations (ICLR)",
            "The Twelfth International Conference on Learning Representations",
            "International Conference on Learning Representations 2024"}
    assert {lookup(v).name for v in iclr} == {"International Conference on Learning Representations"}
    neurips = {"NeurIPS 2022", "Advances in Neural Information Processing Systems 36 (NeurIPS 2023)",
               "The Thirty-eighth Annual Conference on Neural Information Processing Systems",
               "Conference on Neural Information Processing Systems (NeurIPS 2024)"}
    assert {lookup(v).short for v in neurips} == {"NeurIPS"}
    assert lookup("Proceedings of the 3rd Clinical Natural Language Processing Workshop") is None
    assert lookup("Findings of EMNLP'23").id == "findings-emnlp"


def test_every_vocabulary_entry_is_well_formed():
    import json

    from sllm.venues import _index, vocabulary_path

    data = json.loads(vocabulary_path().read_text(encoding="utf-8"))
    ids = [v["id"] for v in data["venues"]]
    assert len(ids) == len(set(ids))
    assert all(v["name"] and v["short"] and v["kind"] in ("conference", "journal") for v in data["venues"])
    _index.cache_clear()
    _index()  # raises when one spelling names two venues


def test_the_catalog_spells_each_known_venue_one_way(cli):
    out = cli("list", "--format", "bibtex", "--quiet").stdout
    entries = parse_string(out, "bibtex").entries.values()
    venues = {e.fields.get("booktitle") or e.fields.get("journal") for e in entries}
    assert len({v for v in venues if v and "Learning Representations" in v}) == 1
    assert len({v for v in venues if v and "Neural Information Processing" in v and "Datasets" not in v}) == 1


@pytest.mark.parametrize("size", [40_000, 1_000_000])
def test_long_pathological_text_renders(size):
    """Every pattern on catalog text is linear: these took seconds to minutes before."""
    from sllm.cite import render
    from sllm.records import Citation

    for title in ("a" * size, "aB" * (size // 2), "{" * size, "é" * size, ("x-" * (size // 2))):
        c = Citation(type="misc", key="k", authors=["A B"], title=title, year=2020, note=title)
        for fmt in ("bibtex", "biblatex", "csl-json", "ris", "text"):
            text, _ = render(fmt, [c])
            assert len(text) >= size


@pytest.mark.parametrize(
    "field, value",
    [
        ("doi", "10.1234/x\\input{/etc/passwd}"),
        ("doi", "10.1234/a}b"),
        ("url", "https://example.org/\\input{x}"),
        ("url", "https://example.org/a b"),
        ("key", "key{x}"),
        ("eprint", "2001.00001}"),
    ],
)
def test_identifiers_written_verbatim_are_validated(tmp_path, field, value):
    import json

    from conftest import MINI, run_sllm

    record = json.loads(MINI.read_text())[0]
    record["citation"][field] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([record]))
    result = run_sllm("validate", str(path))
    assert result.returncode == 1
    assert f"citation.{field}" in result.stdout + result.stderr


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_any_catalog_text_gives_bibtex_that_parses_back(text):
    from sllm.cite import render
    from sllm.records import Citation

    if not text.strip():
        return
    c = Citation(type="article", key="k", authors=[text], title=text, year=2020, journal=text, note=text)
    for encoding in ("ascii", "utf-8"):
        for fmt in ("bibtex", "biblatex"):
            out, _ = render(fmt, [c], encoding)
            parse_string(out, "bibtex")  # raises on unbalanced braces or a broken entry
            if encoding == "ascii":
                assert out.isascii()
