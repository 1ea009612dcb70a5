"""scripts/import_lists.py: which candidates of the public lists the catalog has, run as a curator runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import MINI, REPO

SCRIPT = REPO / "scripts" / "import_lists.py"

README = """# More maps

| file | from (repository @ commit, date) | licence | what it covers |
| --- | --- | --- | --- |
| `fix-candidates.jsonl` | someone/Fixture-List @ abc1234, 2026-01-02 | none stated | fixtures |
| `flat-candidates.jsonl` | other/Flat-List @ def5678, 2025-05-06 (sections 1-2) | none stated | fixtures |
"""

#: Shaped like bio-foundation-models-candidates.jsonl: several names, arXiv and GitHub as lists.
FIX = [
    # the catalog's TestBERT-Med by its arXiv id, whatever the list calls it
    {"section": "S / A", "names": ["TBM paper"], "title": "Something else", "arxiv": ["2001.00001"], "github": []},
    # the same paper again in another section: folded into one candidate
    {"section": "S / B", "names": ["TestBERT"], "title": "Something else", "arxiv": ["2001.00001"], "github": []},
    # by name, the list writing it as 'Name: title'
    {"section": "S / A", "names": ["ProtoLM: a protein model for fixtures and tests"], "title": "a protein model",
     "arxiv": [], "github": []},
    # by title, with no name and a tag in front of the title
    {"section": "S / A", "names": [], "title": "(CC) ChemCLIP: Contrastive Molecules", "arxiv": [], "github": []},
    # by name; the record gives no arXiv id to compare with the list's
    {"section": "S / B", "names": ["RadVision"], "title": "Other", "arxiv": ["2202.00002"], "github": []},
    # missing, but in a repository that a record also names
    {"section": "S / B", "names": ["SiblingLM"], "title": "SiblingLM: another model",
     "arxiv": ["2303.00003"], "github": ["https://github.com/fixture-org/shared-repo"]},
    # missing
    {"section": "S / B", "names": ["NovelNet"], "title": "NovelNet: not in the catalog", "arxiv": [], "github": []},
]

#: Shaped like code-models-candidates.jsonl: one name, arXiv as a string, a paper link.
FLAT = [
    {"sub": "1 Models", "name": "Med fixture", "title": "MedLlama Fixture: Instruction Tuning for Medicine",
     "date": "2023-01", "venue": [], "paper": "https://example.org/paper", "arxiv": ""},
    {"sub": "2 More", "name": "Unknown", "title": "Unknown model", "date": "2024-01", "venue": [],
     "paper": "https://arxiv.org/abs/2404.00004", "arxiv": "2404.00004"},
]

CODE_MD = """# Awesome list

## 🚀 Top Code LLMs

| Rank | Model | Params | HumanEval | MBPP | Source |
|------|-------|--------|-----------|------|--------|
| 1    | [ProtoLM-7B-Instruct](https://huggingface.co/x/y) | 7B | 90 | 90 | [paper](https://arxiv.org/abs/2001.00001) |
| 2    | ProtoLM2 | - | 80 | 80 | [paper](https://arxiv.org/abs/2001.00001) |

## 🚀 Awesome Code LLMs Leaderboard
| Leaderboard | Description |
|:---|:---|
| [Some Leaderboard](https://example.org) | Not a model |

## 📚 Awesome Code LLMs Papers

### 🌊 Awesome Code Pre-Training Papers
| Title | Venue | Date | Code | Resources |
|:---|---|---|---|---|
| ![Star](https://img.shields.io/github/stars/a/b.svg) <br> [**TestBERT-Med: A Fixture Encoder for Clinical Notes**](https://arxiv.org/abs/2001.00001) <br> | `Preprint` | `2020.01` | [Github](https://github.com/a/b) | - |
| [**A Paper Nobody Has**](https://arxiv.org/abs/2405.00005) <br> | `ICML'24` | `2024.05` | - | - |

### 🐙 Awesome Code Benchmark & Evaluation Papers
| Dataset | Title | Venue | Date | Code |
|:---|---|---|---|---|
| `FixBench` | [**Some Benchmark**](https://arxiv.org/abs/2406.00006) <br> | `Preprint` | `2024.06` | - |
"""


@pytest.fixture
def sources(tmp_path):
    lists = tmp_path / "sources" / "lists"
    lists.mkdir(parents=True)
    (lists / "README.md").write_text(README, encoding="utf-8")
    (lists / "fix-candidates.jsonl").write_text("\n".join(json.dumps(r) for r in FIX) + "\n", encoding="utf-8")
    (lists / "flat-candidates.jsonl").write_text("\n".join(json.dumps(r) for r in FLAT) + "\n", encoding="utf-8")
    (tmp_path / "sources" / "awesome-code-llm.md").write_text(CODE_MD, encoding="utf-8")
    return tmp_path / "sources"


@pytest.fixture
def catalog(tmp_path):
    """The fixture catalog, one record of it also naming a GitHub repository."""
    records = json.loads(MINI.read_text(encoding="utf-8"))
    for r in records:
        if r["id"] == "chemclip":
            r["github"] = ["https://github.com/fixture-org/shared-repo"]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def report(sources, catalog, *args):
    result = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled", "--json", *args)
    assert result.returncode == 0, result.stderr
    return {rep["list"]: rep for rep in json.loads(result.stdout)}


def by_label(rep):
    return {(e["names"][0] if e["names"] else e["title"]): e for e in rep["entries"]}


def test_counts_per_list(sources, catalog):
    reps = report(sources, catalog)
    fix = reps["fix-candidates.jsonl"]
    # 7 lines, one repeating a paper; present: TestBERT-Med, ProtoLM, ChemCLIP, RadVision
    assert (fix["candidates"], fix["present"], fix["check"], fix["missing"], fix["folded"]) == (6, 4, 0, 2, 1)
    flat = reps["flat-candidates.jsonl"]
    assert (flat["candidates"], flat["present"], flat["missing"]) == (2, 1, 1)
    code = reps["awesome-code-llm.md"]
    assert (code["candidates"], code["present"], code["missing"]) == (5, 2, 3)


def test_how_each_candidate_was_found(sources, catalog):
    fix = by_label(report(sources, catalog)["fix-candidates.jsonl"])
    assert (fix["TBM paper"]["ids"], fix["TBM paper"]["by"]) == (["testbert-med"], "arxiv")
    assert fix["TBM paper"]["names"] == ["TBM paper", "TestBERT"]  # the folded entry's name kept
    assert (fix["ProtoLM"]["ids"], fix["ProtoLM"]["by"]) == (["protolm"], "name")
    chem = fix["(CC) ChemCLIP: Contrastive Molecules"]
    assert (chem["ids"], chem["by"]) == (["chemclip"], "title")
    assert fix["RadVision"]["ids"] == ["radvision"] and fix["RadVision"]["arxiv_differs"] == []
    assert fix["SiblingLM"]["ids"] == [] and fix["SiblingLM"]["same_repository"] == ["chemclip"]
    assert fix["NovelNet"]["ids"] == [] and fix["NovelNet"]["same_repository"] == []


def test_name_match_with_another_arxiv_id_is_to_be_checked(sources, catalog):
    records = json.loads(catalog.read_text(encoding="utf-8"))
    for r in records:
        if r["id"] == "radvision":
            r["arxiv"] = "2109.00009"
    catalog.write_text(json.dumps(records), encoding="utf-8")
    fix = report(sources, catalog)["fix-candidates.jsonl"]
    assert (fix["present"], fix["check"], fix["missing"]) == (3, 1, 2)
    entry = by_label(fix)["RadVision"]
    assert entry["arxiv_differs"] == ["2109.00009"]
    text = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled", "--list", "fix").stdout
    assert "RadVision — Other  arXiv 2202.00002 -> radvision (by name; the catalog has arXiv 2109.00009)" in text


def test_code_list_tables(sources, catalog):
    code = by_label(report(sources, catalog)["awesome-code-llm.md"])
    # a leaderboard model is matched by name only: its source link is the paper that reported the score
    assert code["ProtoLM-7B-Instruct"]["ids"] == ["protolm"]
    assert code["ProtoLM-7B-Instruct"]["by"] == "name of a released variant"
    assert code["ProtoLM2"]["ids"] == [] and code["ProtoLM2"]["arxiv"] == []
    assert code["TestBERT-Med: A Fixture Encoder for Clinical Notes"]["by"] == "arxiv"
    assert code["A Paper Nobody Has"]["ids"] == []
    # the benchmark table's first column names the dataset; the leaderboard list is not read
    assert code["FixBench"]["section"] == "Awesome Code Benchmark & Evaluation Papers"
    assert code["FixBench"]["title"] == "Some Benchmark" and code["FixBench"]["ids"] == []
    assert "Some Leaderboard" not in code


def test_text_report_names_each_lists_commit(sources, catalog):
    result = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "# fix-candidates.jsonl\nsource: someone/Fixture-List @ abc1234, 2026-01-02\n" in out
    assert "source: other/Flat-List @ def5678, 2025-05-06 (sections 1-2)" in out
    assert "# awesome-code-llm.md\nsource: commit not recorded in lists/README.md" in out
    assert "  [S / B] NovelNet — NovelNet: not in the catalog\n" in out
    assert "  [S / B] SiblingLM — SiblingLM: another model  arXiv 2303.00003  [same repository as chemclip]" in out
    summary = out.splitlines()[-4:]
    assert summary[0].split() == ["list", "candidates", "present", "to", "check", "missing"]
    assert summary[1].split() == ["fix-candidates.jsonl", "6", "4", "0", "2"]


def test_missing_only_and_list_filter(sources, catalog):
    result = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled", "--list", "FLAT",
                 "--missing-only")
    assert result.returncode == 0, result.stderr
    assert "# flat-candidates.jsonl" in result.stdout and "# fix-candidates.jsonl" not in result.stdout
    assert "present:" not in result.stdout and "MedLlama Fixture" not in result.stdout
    assert "[2 More] Unknown — Unknown model  arXiv 2404.00004" in result.stdout
    only = report(sources, catalog, "--list", "flat", "--missing-only")
    assert [e["names"] for e in only["flat-candidates.jsonl"]["entries"]] == [["Unknown"]]


def test_summary_only(sources, catalog):
    result = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled", "--summary")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 4 and "present:" not in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--sources", "/nonexistent/place"], "no lists/ folder in /nonexistent/place"),
    (["--list", "nothing-like-this"], "no list in"),
])
def test_bad_input_is_one_line_and_exit_2(sources, catalog, args, message):
    base = ["--sources", str(sources)] if args[0] != "--sources" else []
    result = run(*base, "--catalog", str(catalog), "--no-bundled", *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_broken_list_line_is_reported_not_raised(sources, catalog):
    (sources / "lists" / "fix-candidates.jsonl").write_text('{"names": ["A"]}\n{oops\n', encoding="utf-8")
    result = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled")
    assert result.returncode == 1
    assert "fix-candidates.jsonl:2: not JSON" in result.stderr and "Traceback" not in result.stderr


def test_an_entry_that_gives_only_a_short_title_is_matched_as_a_name(sources, catalog):
    lines = (sources / "lists" / "fix-candidates.jsonl").read_text(encoding="utf-8")
    extra = {"section": "S / C", "names": [], "title": "LawAgent", "arxiv": [], "github": []}
    (sources / "lists" / "fix-candidates.jsonl").write_text(lines + json.dumps(extra) + "\n", encoding="utf-8")
    entry = by_label(report(sources, catalog)["fix-candidates.jsonl"])["LawAgent"]
    assert (entry["ids"], entry["by"]) == (["lawagent"], "name")
