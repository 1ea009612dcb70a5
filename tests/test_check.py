"""sllm check: a bibliography audited against the catalog's citations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import DATA, run_sllm

SEED = DATA / "seed-llm-written.bib"

# Read off the seed's BibTeX block and the catalog's records: which catalog paper
# each entry cites, and every author name the block made up or garbled.
SEED_MODELS = {
    "singhal2025": "med-palm-2", "singhal2023": "med-palm", "luo2023": "biogpt",
    "bolton2024": "biomedlm", "wu2023": "bloomberggpt", "yang2023": "fingpt", "chen2021": "codex",
    "li2022": "alphacode", "nijkamp2023": "codegen", "li2023starcoder": "starcoder",
    "zhou2024": "geogalactica", "bran2024": "chemcrow", "liu2024": "moleculargpt",
    "taylor2022": "galactica", "colombo2023": "saullm-7b", "demetrey2024": "lawllm",
    "zhang2023": "legalgpt-icic", "openai2024": "chatgpt-edu",
}
SEED_WRONG_AUTHORS = {
    ("singhal2025", 3, "Joey Gottweis"), ("singhal2025", 4, "Catherine T. Kelleher"),
    ("singhal2023", 2, "Shreya R. Mahdavi"),
    ("luo2023", 2, "Yanyu Zhang"), ("luo2023", 3, "Jian An"),
    ("bolton2024", 3, "Sanjay Rama"),
    ("li2022", 2, "Hanyu Liu"), ("li2022", 3, "Daria Tsvyashchenko"),
    ("colombo2023", 2, "Sergey Bobenko"), ("colombo2023", 3, "Etienne Bergeron"),
    ("demetrey2024", 1, "Arthur Demetrey"), ("demetrey2024", 2, "Chuancheng Du"),
    ("demetrey2024", 3, "Minghuang Zhang"),
    ("zhang2023", 1, "Quanyu Zhang"), ("zhang2023", 2, "Han Xu"), ("zhang2023", 3, "Yuan Liu"),
}
SEED_WRONG_ARXIV = {
    "luo2023": ("2304.15142", "2210.10341"),
    "bolton2024": ("2403.01410", "2403.18421"),
    "colombo2023": ("2312.15175", "2403.03883"),
}
SEED_CLEAN = {"wu2023", "chen2021", "nijkamp2023", "bran2024", "liu2024", "taylor2022"}


def parse_bib(text: str):
    from pybtex.database import parse_string

    return parse_string(text, "bibtex")


def by_key(result) -> dict:
    return {e["key"]: e for e in json.loads(result.stdout)} if result.stdout else {}


def problems(entry: dict, field: str) -> list[dict]:
    return [p for p in entry["problems"] if p["field"] == field]


# --- the seed's LLM-written bibliography -----------------------------------------

@pytest.fixture(scope="module")
def seed_report():
    result = run_sllm("check", str(SEED), "--json")
    assert result.returncode == 1, result.stderr
    return result


def test_seed_every_entry_is_matched_to_its_paper(seed_report):
    entries = by_key(seed_report)
    assert {k: e["model"] for k, e in entries.items()} == SEED_MODELS


def test_seed_every_invented_author_is_flagged_and_no_real_one(seed_report):
    entries = by_key(seed_report)
    flagged = {(k, p["position"], p["found"]) for k, e in entries.items() for p in problems(e, "author")}
    assert flagged == SEED_WRONG_AUTHORS
    misspelled = problems(entries["singhal2025"], "author")[0]
    assert misspelled["kind"] == "misspelled" and misspelled["expected"] == "Juraj Gottweis"


def test_seed_every_wrong_arxiv_id_is_flagged(seed_report):
    entries = by_key(seed_report)
    flagged = {k: (p["found"], p["expected"]) for k, e in entries.items() for p in problems(e, "arxiv")}
    assert flagged == SEED_WRONG_ARXIV
    assert problems(entries["luo2023"], "arxiv")[0]["source"] == "journal"


def test_seed_other_errors_are_flagged(seed_report):
    entries = by_key(seed_report)
    alphacode = entries["li2022"]
    assert [(p["found"], p["expected"]) for p in problems(alphacode, "volume")] == [("379", "378")]
    assert [p["expected"] for p in problems(alphacode, "pages")] == ["1092--1097"]
    biogpt = entries["luo2023"]
    assert [p["expected"] for p in problems(biogpt, "title")] == [
        "BioGPT: Generative Pre-trained Transformer for Biomedical Text Generation and Mining"]
    assert [p["expected"] for p in problems(biogpt, "venue")] == ["Briefings in Bioinformatics"]


def test_seed_correct_entries_are_not_flagged(seed_report):
    entries = by_key(seed_report)
    assert {k for k, e in entries.items() if not e["problems"]} == SEED_CLEAN


def test_seed_human_output_says_what_to_change(cli):
    result = cli("check", str(SEED))
    assert result.exit_code == 1
    block = result.stdout.split("\n\n")[0]
    assert block.startswith("singhal2025: Med-PaLM 2 (med-palm-2)")
    assert 'change "Joey Gottweis" to "Juraj Gottweis"' in block
    assert "18 entries: 18 checked" in result.stderr


def test_seed_fixed_copy_is_clean(cli, tmp_path):
    out = tmp_path / "fixed.bib"
    before = SEED.read_bytes()
    assert cli("check", str(SEED), "--fix", "-o", str(out)).exit_code == 1
    assert SEED.read_bytes() == before
    fixed = parse_bib(out.read_text("utf-8"))
    assert list(fixed.entries) == list(SEED_MODELS)
    again = cli("check", str(out), "--json")
    assert again.exit_code == 0, again.stdout
    assert all(e["problems"] == [] and e["model"] == SEED_MODELS[e["key"]] for e in json.loads(again.stdout))


# --- the catalog's own output -------------------------------------------------------

def test_catalog_output_is_not_flagged(cli, tmp_path):
    bib = tmp_path / "all.bib"
    # UTF-8: the ASCII output leaves out a title and authors that have no romanized form yet.
    bib.write_text(cli("list", "--format", "bibtex", "--encoding", "utf-8").stdout, "utf-8")
    keys = {r["citation"]["key"]: r["id"] for r in json.loads(cli("list", "--json").stdout) if r["citation"]}
    result = cli("check", str(bib), "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert len(report) == len(keys)
    assert [e for e in report if e["problems"] or e["model"] != keys[e["key"]]] == []


# --- matching and comparing, over a small catalog of our own ---------------------------

CATALOG = [
    {"id": "alpha", "name": "Alpha", "year": 2023, "venue": "ACL", "arxiv": "2301.00001",
     "doi": "10.1000/alpha.1",
     "citation": {"type": "inproceedings", "key": "muller2023alpha",
                  "authors": ["Jörg Müller", "John Smith", "Blaise Agüera y Arcas", "Juraj Gottweis"],
                  "title": "Alpha: A Test Model for Careful Names",
                  "booktitle": "Proceedings of the 61st Annual Meeting of the Association for "
                               "Computational Linguistics (ACL 2023)",
                  "pages": "100--110", "year": 2023, "doi": "10.1000/alpha.1", "eprint": "2301.00001",
                  "archiveprefix": "arXiv", "verified": True}},
    {"id": "beta", "name": "Beta", "year": 2023, "arxiv": "2302.00002",
     "citation": {"type": "misc", "key": "lee2023beta", "authors": ["Ann Lee", "Bo Chen"],
                  "title": "Beta: A Preprint Only", "year": 2023, "eprint": "2302.00002",
                  "archiveprefix": "arXiv", "verified": True}},
    {"id": "gamma", "name": "Gamma", "year": 2024,
     "citation": {"type": "article", "key": "gauss2024gamma", "authors": ["Carl Gauss"],
                  "title": "Gamma in a Journal", "journal": "Journal of Gamma", "volume": "7",
                  "year": 2024, "verified": True}},
]

ALPHA = "Alpha: A Test Model for Careful Names"
ALPHA_AUTHORS = "J{\\\"o}rg M{\\\"u}ller and John Smith and Blaise Ag{\\\"u}era y Arcas and Juraj Gottweis"


@pytest.fixture
def audit(cli, tmp_path):
    """Check a bibliography against CATALOG only; returns (exit code, entries by key, result)."""
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG), "utf-8")

    def run(bib: str, *extra: str):
        path = tmp_path / "refs.bib"
        path.write_text(bib, "utf-8")
        result = cli("check", str(path), "--json", *extra, "--catalog", str(catalog), "--no-bundled")
        return result.exit_code, by_key(result), result

    return run


def entry(key: str, authors: str = ALPHA_AUTHORS, title: str = ALPHA, kind: str = "inproceedings",
          **fields) -> str:
    body = "".join(f"  {k} = {{{v}}},\n" for k, v in fields.items())
    return f"@{kind}{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n{body}}}\n"


def test_right_title_and_wrong_id_matches_by_title_and_flags_the_id(audit):
    # 2302.00002 is another catalog paper's id: the title decides, the id is flagged.
    code, got, _ = audit(entry("a", year="2023", eprint="2302.00002"))
    assert code == 1
    assert got["a"]["model"] == "alpha"
    assert [(p["field"], p["found"], p["expected"]) for p in got["a"]["problems"]] == [
        ("arxiv", "2302.00002", "2301.00001")]


def test_doi_match_with_another_title_flags_the_title(audit):
    code, got, _ = audit(entry("a", title="Something Else Entirely", year="2023", doi="10.1000/ALPHA.1"))
    assert got["a"]["model"] == "alpha" and got["a"]["matched_by"] == ["doi"]
    assert [(p["field"], p["expected"]) for p in got["a"]["problems"]] == [("title", ALPHA)]


def test_title_match_ignores_case_punctuation_and_latex(audit):
    code, got, _ = audit(entry("a", title="{ALPHA} -- a test model for {C}areful names.", year="2023"))
    assert code == 0 and got["a"]["model"] == "alpha" and got["a"]["problems"] == []


@pytest.mark.parametrize("authors", [
    "M{\\\"u}ller, J{\\\"o}rg and Smith, John and Ag{\\\"u}era y Arcas, Blaise and Gottweis, Juraj",
    "J. M{\\\"{u}}ller and J. R. Smith and Blaise Aguera y Arcas and J Gottweis",
    "J{\\\"o}rg M{\\\"u}ller and {John Smith} and others",
    "J{\\\"o}rg M{\\\"u}ller and ...",
])
def test_same_authors_written_differently_are_not_flagged(audit, authors):
    code, got, _ = audit(entry("a", authors=authors, year="2023"))
    assert got["a"]["problems"] == [], got["a"]["problems"]
    assert code == 0


def test_author_errors_are_named(audit):
    authors = "John Smith and J{\\\"o}rg M{\\\"u}ller and Jane Roe and Joey Gottweis"
    code, got, _ = audit(entry("a", authors=authors, year="2023"))
    assert code == 1
    assert [(p["position"], p["kind"], p["found"], p["expected"]) for p in got["a"]["problems"]] == [
        (1, "reordered", "John Smith", "Jörg Müller"),
        (2, "reordered", 'J{\\"o}rg M{\\"u}ller', "John Smith"),
        (3, "invented", "Jane Roe", "Blaise Agüera y Arcas"),
        (4, "misspelled", "Joey Gottweis", "Juraj Gottweis"),
    ]


def test_a_short_list_without_others_is_missing_authors(audit):
    code, got, _ = audit(entry("a", authors="J{\\\"o}rg M{\\\"u}ller and John Smith", year="2023"))
    assert [(p["kind"], p["expected"]) for p in got["a"]["problems"]] == [
        ("missing", "Blaise Agüera y Arcas; Juraj Gottweis")]


def test_proceedings_wording_is_not_a_different_venue(audit):
    venue = "Annual Meeting of the Association for Computational Linguistics"
    code, got, _ = audit(entry("a", year="2023", booktitle=venue, pages="100-110"))
    assert code == 0 and got["a"]["problems"] == []


def test_a_preprint_of_a_published_paper_is_flagged(audit):
    code, got, _ = audit(entry("a", kind="article", year="2023", journal="arXiv preprint arXiv:2301.00001"))
    assert [(p["field"], p["expected"]) for p in got["a"]["problems"]] == [
        ("venue", CATALOG[0]["citation"]["booktitle"])]


def test_a_published_version_of_a_catalog_preprint_is_not_judged(audit):
    code, got, _ = audit(entry("b", authors="Ann Lee and Bo Chen", title="Beta: A Preprint Only",
                               kind="article", journal="Journal of Beta", year="2024", volume="2"))
    assert code == 0 and got["b"]["model"] == "beta" and got["b"]["problems"] == []


def test_wrong_volume_and_year_are_flagged(audit):
    code, got, _ = audit(entry("g", authors="Carl Gauss", title="Gamma in a Journal", kind="article",
                               journal="J. of Gamma", volume="8", year="2023"))
    assert {(p["field"], p["found"], p["expected"]) for p in got["g"]["problems"]} >= {
        ("volume", "8", "7"), ("year", "2023", "2024")}


def test_unknown_papers_are_listed_as_not_checked(audit):
    bib = entry("x", authors="Nobody Known", title="A Paper the Catalog Lacks", year="2020",
                eprint="2401.99999") + entry("y", authors="Ann Lee", title="", year="2021")
    code, got, result = audit(bib)
    assert code == 0
    assert got["x"] == {"key": "x", "model": None, "matched_by": [], "verified": None, "problems": []}
    assert got["y"]["model"] is None
    assert "2 not in the catalog" in result.stderr


def test_similar_title_matches_only_with_the_same_first_author(audit):
    near = "Alpha: The Test Model for Careful Names"
    code, got, _ = audit(entry("same", title=near, year="2023")
                         + entry("other", authors="Zed Zulu", title="Alpha: A Test Model for Careless Games"))
    assert got["same"]["model"] == "alpha" and got["same"]["matched_by"] == ["similar title"]
    assert got["other"]["model"] is None


# --- --fix -o ---------------------------------------------------------------------------

def test_fix_rewrites_only_wrong_entries(audit, tmp_path):
    untouched = ("% my notes\n@string{acl = {ACL}}\n" + entry("ok", year="2023", note="keep {me}")
                 + '@misc(unknown, title = "Not (yet) catalogued", year = 2001)\n')
    wrong = entry("bad", authors="Jane Roe and others", title="alpha: a test model for careful names",
                  kind="article", journal="arXiv preprint arXiv:2301.00009", year="2022", keywords="mine")
    out = tmp_path / "fixed.bib"
    code, _, result = audit(untouched + "\n" + wrong, "--fix", "-o", str(out))
    assert code == 1, result.stderr
    text = out.read_text("utf-8")
    assert text.startswith(untouched + "\n")
    data = parse_bib(text)
    assert list(data.entries) == ["ok", "unknown", "bad"]
    bad = data.entries["bad"]
    assert bad.type == "inproceedings"
    assert [str(p) for p in bad.persons["author"]][:2] == ['M{\\"u}ller, J{\\"o}rg', "Smith, John"]
    assert bad.fields["year"] == "2023" and bad.fields["keywords"] == "mine"
    assert "Computational Linguistics" in bad.fields["booktitle"] and "journal" not in bad.fields
    assert bad.fields["eprint"] == "2301.00001" and bad.fields["doi"] == "10.1000/alpha.1"
    code, got, _ = audit(text)
    assert code == 0 and got["bad"]["problems"] == []


def test_fix_refuses_to_overwrite_without_force(audit, tmp_path):
    out = tmp_path / "exists.bib"
    out.write_text("precious", "utf-8")
    code, _, result = audit(entry("a", year="2020"), "--fix", "-o", str(out))
    assert code == 2 and "--force" in result.stderr
    assert out.read_text("utf-8") == "precious"
    code, _, _ = audit(entry("a", year="2020"), "--fix", "-o", str(out), "--force")
    assert code == 1 and "year = {2023}" in out.read_text("utf-8")


# --- bad input and usage ----------------------------------------------------------------

@pytest.mark.parametrize("content, says", [
    (b"@article{a, title={caf\xe9}}\n", "not UTF-8"),
    (b"just some notes, no entries\n", "no BibTeX entries"),
    (b"@article{a, title={unclosed}\n", "not a BibTeX file"),
    (b"@article{a, title={x}}\n@article{A, title={y}}\n", "not a BibTeX file"),
])
def test_unreadable_files_are_one_line_errors(cli, tmp_path, content, says):
    path = tmp_path / "in.bib"
    path.write_bytes(content)
    result = cli("check", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and says in result.stderr


def test_missing_file_is_an_error(cli, tmp_path):
    result = cli("check", str(tmp_path / "nope.bib"))
    assert result.exit_code == 1 and "no such file" in result.stderr


@pytest.mark.parametrize("args, says", [
    (["--fix"], "-o FILE"),
    (["-o", "out.bib"], "--fix"),
])
def test_usage_errors(cli, tmp_path, args, says):
    result = cli("check", str(SEED), *[str(tmp_path / a) if a.endswith(".bib") else a for a in args])
    assert result.exit_code == 2 and says in result.stderr
    assert not (tmp_path / "out.bib").exists()


def test_output_may_not_be_the_input(cli, tmp_path):
    path = tmp_path / "refs.bib"
    path.write_bytes(SEED.read_bytes())
    link = tmp_path / "link.bib"
    link.symlink_to(path)
    for target in (path, link, Path(str(tmp_path) + "/./refs.bib")):
        result = cli("check", str(path), "--fix", "-o", str(target), "--force")
        assert result.exit_code == 2 and "input" in result.stderr
    assert path.read_bytes() == SEED.read_bytes()


def test_check_needs_no_rich():
    from test_imports import loaded

    result = loaded(["check", str(SEED), "--json"])
    assert result["code"] == 1
    assert "rich" not in result["heavy"] and result["schema"] == []


def test_fix_never_replaces_a_link_with_a_file(tmp_path):
    from sllm.bibcheck import BibError, write_copy

    target = tmp_path / "real.bib"
    target.write_text("old\n")
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    with pytest.raises(BibError, match="symbolic link"):
        write_copy(link, "new\n", force=True)
    hard = tmp_path / "hard.bib"
    os.link(target, hard)
    with pytest.raises(BibError, match="hard links"):
        write_copy(hard, "new\n", force=True)
    assert target.read_text() == "old\n" and link.is_symlink()
    lone = tmp_path / "lone.bib"
    lone.write_text("old\n")
    lone.chmod(0o640)
    write_copy(lone, "new\n", force=True)
    assert lone.read_text() == "new\n" and (lone.stat().st_mode & 0o777) == 0o640
