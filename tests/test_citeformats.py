"""Every citation format round-trips through a real parser of that format.

BibTeX and biblatex through pybtex, CSL-JSON through the CSL-JSON schema (and
pandoc's citeproc where pandoc is installed), RIS through rispy. Each runs on
the whole bundled catalog and on tests/data/cite.json, a fixture of the cases
that broke before: a "Jr." suffix, corporate authors, particles, a name typed
in lower case, CJK text, a full-width colon, a prime, stray braces and LaTeX
commands in catalog text.
"""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess

import latexcodec  # noqa: F401
import pytest
from conftest import DATA, run_sllm
from pybtex.database import parse_string

CITE = DATA / "cite.json"


@pytest.fixture
def hard(cli):
    """The CLI over the fixture of hard cases only."""

    def invoke(*args: str):
        return cli(*args, "--catalog", str(CITE), "--no-bundled")

    return invoke


def plain(text: str) -> str:
    """The text a LaTeX field prints (latexcodec knows neither \\$ nor \\textasciicircum)."""
    text = text.replace("\\textbraceleft{}", "\x01").replace("\\textbraceright{}", "\x02")
    text = text.replace("\\$", "$").replace("\\textasciicircum{}", "^")
    text = codecs.decode(text, "ulatex").replace("{", "").replace("}", "")
    return text.replace("\x01", "{").replace("\x02", "}")


def catalog_citations():
    from sllm.catalog import load

    return [r.citation for r in load().records if r.citation]


# --- BibTeX -------------------------------------------------------------------

def test_whole_catalog_bibtex_parses_back_with_every_entry(cli):
    result = cli("list", "--format", "bibtex", "--quiet")
    assert result.exit_code == 0
    assert result.stdout.isascii()
    parsed = parse_string(result.stdout, "bibtex")
    citations = catalog_citations()
    assert len(parsed.entries) == len(citations)
    standard = {"article", "book", "inproceedings", "incollection", "misc", "phdthesis", "techreport"}
    assert {e.type for e in parsed.entries.values()} <= standard
    for c in citations:
        entry = parsed.entries[c.key]
        assert entry.fields["year"] == str(c.year)
        dashes = str.maketrans({"\u2013": "--", "\u2014": "---"})  # LaTeX's spelling of dashes
        if c.title.translate(dashes).isascii():
            assert plain(entry.fields["title"]).translate(dashes) == c.title.translate(dashes)
    # Months are the predefined macros, which pybtex expands to the full name.
    assert "month = {" not in result.stdout and "month = nov," in result.stdout


def test_names_as_the_paper_prints_them(hard):
    out = hard("cite", "suffixlm", "corplm").stdout
    entries = parse_string(out, "bibtex").entries
    people = entries["olmos2023suffix"].persons["author"]
    olmos, aguera, masson, zheng, beethoven = people[:5]
    assert (olmos.last_names, olmos.lineage_names) == (["Olmos"], ["Jr."])
    assert olmos.first_names + olmos.middle_names == ["Jose", "Luis"]
    assert plain(" ".join(aguera.last_names)) == "Agüera y Arcas" and aguera.first_names == ["Blaise"]
    assert masson.prelast_names == ["de"] and plain(" ".join(masson.last_names)) == "Masson d'Autume"
    assert (zheng.last_names, zheng.first_names) == (["zheng"], ["huimin"])
    assert (beethoven.prelast_names, beethoven.last_names) == (["van"], ["Beethoven"])
    assert str(people[-1]) == "others"
    corporate = entries["merlyn2023corp"].persons["author"]
    assert [plain(str(p)) for p in corporate] == ["Merlyn Mind", "CodeGemma Team", "Johnson and Johnson"]
    assert all(p.first_names == [] for p in corporate)
    assert "author = {{Merlyn Mind} and {CodeGemma Team} and {Johnson and Johnson}}" in out


def test_standard_types_month_macros_and_venues(hard):
    out = hard("list", "--format", "bibtex", "--quiet").stdout
    entries = parse_string(out, "bibtex").entries
    assert entries["merlyn2023corp"].type == "misc"  # @online is not a BibTeX type
    assert "month = jun," in out and "month = nov," in out and "month = mar," in out
    # One spelling per venue, whatever the catalog wrote.
    assert entries["a2024iclr"].fields["booktitle"] == entries["b2024iclr"].fields["booktitle"] \
        == "International Conference on Learning Representations"
    neurips = entries["d2023neurips"]
    assert neurips.type == "inproceedings"
    assert neurips.fields["booktitle"] == "Advances in Neural Information Processing Systems"
    assert entries["e2024findings"].fields["booktitle"] == "Findings of the Association for Computational Linguistics: ACL 2024"
    # plain.bst warns on an issue number without a volume: it is left out, with a warning.
    assert "number" not in entries["olmos2023suffix"].fields


def test_catalog_text_cannot_reach_latex(hard):
    out = hard("cite", "xiezhi-fixture").stdout
    entry = parse_string(out, "bibtex").entries["liu2023xiezhi"]
    assert "\\input{" not in out
    assert plain(entry.fields["note"]) == "\\input{/etc/passwd} 50% & $x_1$ #1 ~ ^"
    assert plain(entry.fields["title"]) == "XieZhi: Chinese Law {Model} with a stray } brace"


def test_non_latin_text_is_left_out_of_ascii_with_a_warning(hard):
    result = hard("cite", "hanzi")
    assert result.exit_code == 0 and result.stdout.isascii()
    entry = parse_string(result.stdout, "bibtex").entries["renmin2024hanzi"]
    assert "title" not in entry.fields and "author" not in entry.persons
    assert entry.fields["key"] == "renmin2024hanzi"  # author-year styles sort by it
    assert "title has characters with no ASCII form" in result.stderr
    assert "--encoding utf-8" in result.stderr


def test_utf8_keeps_the_original_script(hard):
    result = hard("cite", "hanzi", "suffixlm", "--encoding", "utf-8")
    assert result.exit_code == 0
    entries = parse_string(result.stdout, "bibtex").entries
    assert entries["renmin2024hanzi"].fields["title"] == "法信法律基座大模型"
    assert entries["renmin2024hanzi"].persons["author"][0].last_names == ["人民法院出版社"]
    assert "Agüera" in result.stdout and "5′" in result.stdout
    assert "no ASCII form" not in result.stderr


def test_prime_and_full_width_colon_have_ascii_spellings(hard):
    out = hard("cite", "suffixlm", "xiezhi-fixture").stdout
    assert "A 5{$'$} {UTR} Model" in out
    assert "{XieZhi:}" in out


# --- biblatex -----------------------------------------------------------------

def test_biblatex_native_fields(hard):
    out = hard("list", "--format", "biblatex", "--quiet").stdout
    assert out.isascii()
    entries = parse_string(out, "bibtex").entries
    pre = entries["f2023preprint"]
    assert (pre.fields["eprinttype"], pre.fields["eprint"], pre.fields["eprintclass"]) == ("arxiv", "2310.15896", "cs.CL")
    assert "year" not in pre.fields and pre.fields["date"] == "2023"
    assert entries["olmos2023suffix"].fields["date"] == "2023-11"
    assert entries["g2024published"].fields["journaltitle"] == "Bioinformatics"
    assert entries["merlyn2023corp"].type == "online"
    assert "archiveprefix" not in out and "primaryclass" not in out


def test_whole_catalog_biblatex_parses_back(cli):
    out = cli("list", "--format", "biblatex", "--quiet").stdout
    parsed = parse_string(out, "bibtex")
    assert len(parsed.entries) == len(catalog_citations())
    assert all("date" in e.fields and "year" not in e.fields for e in parsed.entries.values())


# --- CSL-JSON -----------------------------------------------------------------

def _schema_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA / "csl-data.json").read_text())
    return jsonschema.Draft7Validator(schema)


def test_whole_catalog_csl_json_is_valid_against_the_schema(cli):
    result = cli("list", "--format", "csl-json", "--quiet")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    errors = sorted(_schema_validator().iter_errors(items), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert len(items) == len(catalog_citations())
    assert len({i["id"] for i in items}) == len(items)


def test_csl_json_types_names_and_dates(hard):
    items = {i["id"]: i for i in json.loads(hard("list", "--format", "csl-json", "--quiet").stdout)}
    assert not list(_schema_validator().iter_errors(list(items.values())))
    pre = items["f2023preprint"]
    assert (pre["type"], pre["publisher"], pre["number"]) == ("article", "arXiv", "arXiv:2310.15896")
    assert items["g2024published"]["type"] == "article-journal"
    assert items["g2024published"]["issued"] == {"date-parts": [[2024, 3]]}
    assert items["g2024published"]["page"] == "e12-e20"
    assert items["c2022neurips"]["type"] == "paper-conference"
    assert items["c2022neurips"]["container-title-short"] == "NeurIPS"
    assert items["liu2023xiezhi"]["type"] == "software"
    assert items["merlyn2023corp"]["type"] == "webpage"
    authors = items["olmos2023suffix"]["author"]
    assert authors[0] == {"family": "Olmos", "given": "Jose Luis", "suffix": "Jr."}
    assert authors[2] == {"family": "Masson d’Autume", "given": "Cyprien", "non-dropping-particle": "de"}
    assert len(authors) == 5  # "others" is not a person
    assert items["merlyn2023corp"]["author"][0] == {"literal": "Merlyn Mind"}
    assert items["renmin2024hanzi"]["title"] == "法信法律基座大模型"  # JSON is Unicode


def test_csl_json_ascii_is_the_same_data(hard):
    utf8 = hard("cite", "hanzi", "-f", "csl-json").stdout
    ascii = hard("cite", "hanzi", "-f", "csl-json", "--encoding", "ascii").stdout
    assert ascii.isascii() and json.loads(ascii) == json.loads(utf8)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_citeproc_reads_the_csl_json(hard, tmp_path):
    (tmp_path / "refs.json").write_text(hard("list", "--format", "csl-json", "--quiet").stdout)
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n")
    done = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "plain", "doc.md"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    text = " ".join(done.stdout.split())
    assert "Olmos, Jose Luis, Jr." in text
    assert "Merlyn Mind" in text and "Published After a Preprint" in text
    assert "International Conference on Learning Representations" in text


# --- RIS --------------------------------------------------------------------

def test_ris_round_trips_through_rispy(hard):
    rispy = pytest.importorskip("rispy")
    out = hard("list", "--format", "ris", "--quiet").stdout
    records = {r["id"]: r for r in rispy.loads(out)}
    assert len(records) == 12
    pub = records["g2024published"]
    assert pub["type_of_reference"] == "JOUR"
    assert (pub["secondary_title"], pub["volume"], pub["number"]) == ("Bioinformatics", "40", "3")
    assert (pub["start_page"], pub["end_page"], pub["doi"]) == ("e12", "e20", "10.1093/fixture/btae001")
    assert records["olmos2023suffix"]["authors"][:3] == ["Olmos, Jose Luis, Jr.", "Agüera y Arcas, Blaise",
                                                         "de Masson d’Autume, Cyprien"]
    assert records["merlyn2023corp"]["authors"][0] == "Merlyn Mind"
    assert records["f2023preprint"]["type_of_reference"] == "UNPB"
    assert records["c2022neurips"]["type_of_reference"] == "CPAPER"


def test_whole_catalog_ris_parses_back(cli):
    rispy = pytest.importorskip("rispy")
    out = cli("list", "--format", "ris", "--quiet").stdout
    records = rispy.loads(out)
    citations = catalog_citations()
    assert [r["id"] for r in records] == [c.key for c in sorted(citations, key=lambda c: c.key)] or \
        sorted(r["id"] for r in records) == sorted(c.key for c in citations)
    assert all(r.get("title") and r.get("year") for r in records)


# --- choosing the version, quiet, bad options ----------------------------------------

def test_prefer_preprint_cites_the_arxiv_version_under_the_same_key(hard):
    out = hard("cite", "published-pre", "neurips-a", "--prefer", "preprint").stdout
    entries = parse_string(out, "bibtex").entries
    pre = entries["g2024published"]
    assert pre.type == "misc"
    assert (pre.fields["eprint"], pre.fields["year"], pre.fields["url"]) == ("2311.04567", "2023", "https://arxiv.org/abs/2311.04567")
    assert "doi" not in pre.fields and "journal" not in pre.fields
    assert entries["c2022neurips"].fields["eprint"] == "2205.01234"
    published = parse_string(hard("cite", "published-pre").stdout, "bibtex").entries["g2024published"]
    assert published.type == "article" and published.fields["doi"] == "10.1093/fixture/btae001"


def test_prefer_preprint_leaves_works_without_an_arxiv_id(hard):
    out = hard("cite", "iclr-a", "--prefer", "preprint").stdout
    assert parse_string(out, "bibtex").entries["a2024iclr"].type == "inproceedings"


def test_quiet_gives_one_summary_line(cli):
    loud = cli("list", "--format", "bibtex")
    quiet = cli("list", "--format", "bibtex", "--quiet")
    assert loud.stdout == quiet.stdout
    assert len(loud.stderr.splitlines()) > 50
    lines = quiet.stderr.splitlines()
    assert len(lines) == 1 and "not confirmed in a primary source" in lines[0] and "without --quiet" in lines[0]
    # what ASCII BibTeX had to leave out is counted too
    others = [w for w in loud.stderr.splitlines() if "citation of" not in w and "has no citation" not in w]
    assert others and f"{len(others)} other warning" in lines[0]


@pytest.mark.parametrize("args", [["--prefer", "newest"], ["--encoding", "latin-1"], ["--format", "endnote"]])
def test_bad_citation_options_are_usage_errors(hard, args):
    result = hard("cite", "iclr-a", *args)
    assert result.exit_code == 2
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csl-json", "ris"])
def test_export_writes_every_citation_format(hard, fmt):
    result = hard("export", "--format", fmt, "--quiet")
    assert result.exit_code == 0
    assert "g2024published" in result.stdout


def test_cite_subprocess_keeps_stdout_for_data(tmp_path):
    result = run_sllm("cite", "progen", "--format", "ris")
    assert result.returncode == 0
    assert result.stdout.startswith("TY  - JOUR") and result.stdout.rstrip().endswith("ER  -")
    assert "AU  - Olmos, Jose Luis, Jr." in result.stdout


def test_the_venue_vocabulary_ships_inside_the_package():
    from importlib.resources import files

    import sllm

    assert files(sllm).joinpath("venues.json").is_file()


def test_references_print_names_in_reading_order(hard):
    text = hard("cite", "suffixlm", "corplm", "--format", "text").stdout
    assert text.startswith("Jose Luis Olmos Jr., Blaise Agüera y Arcas, Cyprien de Masson d’Autume, "
                           "huimin zheng, Ludwig van Beethoven, et al. (2023).")
    assert "Merlyn Mind, CodeGemma Team, and Johnson and Johnson (2023)." in text
