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


def test_a_judgement_settles_a_name_match_that_is_another_work(sources, catalog, tmp_path):
    """Two works may share a name: once the list's entry is judged, it is neither to check nor missing."""
    records = json.loads(catalog.read_text(encoding="utf-8"))
    for r in records:
        if r["id"] == "radvision":
            r["arxiv"] = "2109.00009"
    catalog.write_text(json.dumps(records), encoding="utf-8")
    judged = tmp_path / "outside.json"
    judged.write_text(json.dumps([{"key": "arxiv:2202.00002", "label": "RadVision", "reason": "no model",
                                   "basis": "its abstract: a method applied to existing models"}]), encoding="utf-8")
    fix = report(sources, catalog, "--outside", str(judged))["fix-candidates.jsonl"]
    assert (fix["present"], fix["check"], fix["outside"], fix["missing"]) == (3, 0, 1, 2)
    assert by_label(fix)["RadVision"]["outside"] == "no model"
    assert "RadVision" not in [e["names"][0] for e in report(sources, catalog, "--outside", str(judged),
                                                             "--missing-only")["fix-candidates.jsonl"]["entries"]]
    text = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled", "--outside", str(judged),
               "--list", "fix").stdout
    check = text.split("to check")[1].split("outside the inclusion rule")[0]
    assert "RadVision" not in check and "[no model] RadVision" in text


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
    assert "# awesome-code-llm.md\nsource: huybery/Awesome-Code-LLM, commit not recorded in lists/README.md" in out
    assert "  [S / B] NovelNet — NovelNet: not in the catalog\n" in out
    assert "  [S / B] SiblingLM — SiblingLM: another model  arXiv 2303.00003  [same repository as chemclip]" in out
    summary = out.splitlines()[-4:]
    assert summary[0].split() == ["list", "candidates", "present", "to", "check", "outside", "missing", "left", "out"]
    assert summary[1].split() == ["fix-candidates.jsonl", "6", "4", "0", "0", "2", "0"]


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


def test_an_entry_judged_outside_the_rule_is_not_missing(sources, catalog, tmp_path):
    """A judgement names the entry by its key (the arXiv id here), why it is no record and on what basis."""
    judged = tmp_path / "outside.json"
    judged.write_text(json.dumps([{"key": "arxiv:2303.00003", "label": "SiblingLM", "reason": "benchmark",
                                   "basis": "the entry's title and section in the list"}]), encoding="utf-8")
    fix = report(sources, catalog, "--outside", str(judged))["fix-candidates.jsonl"]
    assert (fix["present"], fix["outside"], fix["missing"]) == (4, 1, 1)
    assert by_label(fix)["SiblingLM"]["outside"] == "benchmark" and by_label(fix)["NovelNet"]["outside"] is None
    text = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled", "--outside", str(judged),
               "--list", "fix", "--missing-only").stdout
    outside, missing = text.split("missing:")[0], text.split("missing:")[1]
    assert "[benchmark] SiblingLM" in outside and "SiblingLM" not in missing and "NovelNet" in missing
    assert report(sources, catalog, "--outside", str(judged), "--no-outside")["fix-candidates.jsonl"]["missing"] == 2


def test_a_judgement_that_matches_no_entry_is_named(sources, catalog, tmp_path):
    """A newer copy of a list may drop an entry that was judged: the report still runs and says so."""
    judged = tmp_path / "outside.json"
    judged.write_text(json.dumps([{"key": "arxiv:2999.99999", "label": "Gone", "reason": "survey",
                                   "basis": "the entry's title and section in the list"}]), encoding="utf-8")
    result = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled", "--outside", str(judged),
                 "--summary")
    assert result.returncode == 0 and "fix-candidates.jsonl" in result.stdout
    assert result.stderr.strip() == (f"import_lists: 1 judgement(s) in {judged} match no entry of the lists read "
                                     "(first: arxiv:2999.99999): remove them or give the entry's current key")


@pytest.mark.parametrize("entry, message", [
    ({"key": "arxiv:2303.00003", "label": "S", "reason": "boring", "basis": "title"},
     "reason 'boring' is not one of: benchmark, dataset"),
    ({"key": "arxiv:2303.00003", "reason": "benchmark"}, "entry 0: give an object with key, label, reason and basis"),
])
def test_a_bad_judgement_is_one_line_and_exit_1(sources, catalog, tmp_path, entry, message):
    judged = tmp_path / "outside.json"
    judged.write_text(json.dumps([entry]), encoding="utf-8")
    result = run("--sources", str(sources), "--catalog", str(catalog), "--no-bundled", "--outside", str(judged))
    assert result.returncode == 1 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_every_judgement_in_the_repository_is_well_formed(monkeypatch):
    """Known reasons, every field given, and each entry judged once."""
    monkeypatch.syspath_prepend(str(REPO / "scripts"))
    from import_lists import DEFAULT_OUTSIDE, read_outside

    judged = read_outside(DEFAULT_OUTSIDE)
    assert judged and len(judged) == len(json.loads(DEFAULT_OUTSIDE.read_text(encoding="utf-8")))


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


# --- the markdown lists ------------------------------------------------------------------
# One small file in each list's own shape, under the file name the script knows it by.

MD_README = """| file | from (repository @ commit, date) | licence | what it covers |
| --- | --- | --- | --- |
| `medllms-practical-guide.md` | med/Guide @ 1111111, 2026-01-01 | MIT | medical |
| `awesome-healthcare-foundation-models.md` | health/Models @ 2222222, 2026-01-02 | MIT | healthcare |
| `awesome-finllms.md` | fin/LLMs @ 3333333, 2025-01-03 | Apache-2.0 | finance |
| `finance-llms.md` | fin/Cases @ 4444444, 2026-01-04 | MIT | finance |
| `awesome-legalai-resources.md` | law/Resources @ 5555555, 2023-01-05 | MIT | law |
| `gene-candidates.jsonl` | gene/List @ 6666666, 2025-01-06 | none stated | genes |
"""

MEDLLMS = """<h2 align="center">A Practical Guide for Fixture LLMs</h2>

## Table of Contents
- [Practical Guide for Building Pipeline](#practical-guide-for-building-pipeline)
  - [Pre-training from Scratch](#pre-training-from-scratch)

## 🔥 Practical Guide for Building Pipeline

### Pre-training from Scratch
* [**Nature, 2024**] **CellFoundry** A cell model for fixtures [paper](https://www.nature.com/articles/s41586-024-00001-x)
* [**Arxiv, 2023**] **ESM-X & ESMFold-X**: Language models of fixture proteins at scale. [paper](https://example.org/esmx)
* [**ACL, 2022**] **BioLinkFix/LinkFix**: Pretraining with fixture links. [paper](https://arxiv.org/abs/2203.00003) [code](https://github.com/someone/linkfix)
<!-- * [**Arxiv, 2023**] **Hidden**: an entry commented out. [paper](https://arxiv.org/abs/2301.99999) -->

### Prompting General LLMs
* [**Arxiv, 2023**] Can fixture models reason about medical questions? [paper](https://arxiv.org/abs/2207.00007)
* [**Lancet, 2023**] Using ChatGPT to write fixture letters. [paper](https://www.thelancet.com/journals/landig/article/PIIS2589-7500(23)00048-1/fulltext)

## 📊 Practical Guide for Medical Data

### Pre-training Data
* [**NAACL, 2018**] **Literature**: Construction of a fixture graph. [paper](https://arxiv.org/abs/1805.00008)

## ⚔️ Practical Guide for Challenges

### Lack of Evaluation Benchmarks and Metrics
* [**Arxiv, 2025**] FixBench: A benchmark for fixtures [Paper](https://arxiv.org/pdf/2506.00009)
"""

HEALTHCARE = """# Awesome-Healthcare-Foundation-Models

## Table of Contents
- [Survey](#survey)

## Survey

**[Large AI Models in Fixture Informatics](https://example.org/survey)**

## Large Language Models

### Healthcare Domain

- Building Robust Foundation Models for Fixture Genomics [[Paper]](https://example.org/genomix)
- ChiMed-Fix: A Chinese Medical Model with Full
Training Regime and Better Alignment [[Paper]](https://arxiv.org/pdf/2311.00011.pdf) [[Code]](https://github.com/synfix/ChiMed-Fix)
- Language models of fixture proteins at scale [[Paper]](https://www.biorxiv.org/content/10.1101/2022.07.20.000012v1)
- Generative modeling for fixture antibodies [[Paper]](https://example.org/ab) [[Code]](https://github.com/fixture-lab/AntiGLM)
- Another antibody fixture paper [[Code]](https://github.com/fixture-org/shared-repo)
- A deep unsupervised language model for fixture design [[Paper]](https://example.org/protfix)
- A fixture mechanism for sequence models [[Paper]](https://example.org/attn)

## Applications of Large AI Models in Healthcare

### Medical Informatics
- - [Fixture Health Suite](https://example.org/suite): A suite of tools, including:
  - [Fixture Calculator](https://example.org/calc): a calculator.

## AI Legislation

- Blueprint for a Fixture Bill of Rights [[Source]](https://example.org/bill)
"""

FINLLMS = """# Awesome-FinLLMs
## Papers
|  Date  | Name |      Author       |    Institute    | Links  | Paper
| :-----: | :-----: | :------------------: | :--------------: | :--------------: | :--- |
| 2024-11 | Golden-Fix & Touchstone-Fix | A, et al. | Lab | [![arXiv](https://img.shields.io/badge/Arxiv-2411.00021v1-b31b1b.svg?logo=arXiv)](https://arxiv.org/abs/2411.00021v1)[![github](https://img.shields.io/github/stars/fix/Golden.svg?style=social)](https://github.com/fix/Golden) | Golden Fix: A Benchmark for Financial Fixtures |
| 2023-05 | RadVision-Pro <br/>(放射) | B | Lab | ![arXiv](https://img.shields.io/badge/Arxiv-None-b31b1b.svg?logo=arXiv) | RadVision: Seeing Radiographs |
| 2023-06 | FinFix | C | Lab | [![arXiv](https://img.shields.io/badge/Arxiv-2306.00023-b31b1b.svg)](https://arxiv.org/abs/2306.00023) | FinFix: one title<br/> FinFix: the other title |

## Multi-modal Models
coming soon

## Agent
| Date | Name | Author | Institute | Links | Paper
| :-: | :-: | :-: | :-: | :-: | :-: |
| 2024-12 | TradingFix | D | Uni | [![arXiv](https://img.shields.io/badge/Arxiv-2412.00024-b31b1b.svg)](https://arxiv.org/abs/2412.00024) | TradingFix: Agents |

## Datasets
| Date | Name | Author | Institute | Links | Paper
| :-: | :-: | :-: | :-: | :-: | :-: |
| 2024-01 | FinData | E | Uni | - | FinData: a dataset |
"""

FINANCE_LLMS = """<h2 align="center"><strong>Fixture LLM Use Cases in Finance</strong></h2>

- [Retail & Commercial Banking](#banking)

## Retail & Commercial Banking
| Name | Type | Date | Description | Site | Paper |
| --- | --- | --- | --- | --- | --- |
| HSBC & Mistral AI | Enterprise Platform | Dec 2025 | A deployment. | [🔗](https://example.org/hsbc) | - |
| LawAgent | Fine-Tuned Model | Jun 2023 | A model. | [🔗](https://github.com/ai4fix/LawAgent) | - |
| FinBLOOM-Fix | Fine-Tuned Model | Feb 2025 | Another. | - | [🔗](https://arxiv.org/abs/2502.00031) |
| Westfix & KAI-GPT | Fine-Tuned Model | Mar 2024 | A bank's model. | [🔗](https://example.org/westfix) | - |

## Wealth & Asset Management
| Name | Type | Date | Description | Site | Paper |
| --- | --- | --- | --- | --- | --- |
| AlphaFix (BlackRock) | - | Aug 2025 | Agents. | - | [🔗](https://arxiv.org/abs/2508.00032) |
"""

LEGALAI = """# Awesome-LegalAI-Resources

## About
- Natural Language Processing (NLP) for legal text analysis

## General Corpus

- **FixPile**: A corpus of fixture law.
    [Paper](https://arxiv.org/abs/2207.00041) [Link](https://huggingface.co/datasets/fix/pile)

    **Language**: English  **Country**: Unknown

## Evaluation Benchmark

### Multi Legal Task

- **LexFix**: A benchmark.
    [Paper](https://arxiv.org/abs/2110.00042)

## Websites
- https://example.org/ all fixture laws.
"""

DOMAIN = """# Awesome Domain LLM

## 🔔 更新
- [2023/11/26] 增加医疗大模型[ChiMed-Fix](https://github.com/synfix/ChiMed-Fix)

## 🤖 模型

### 🌐 通用模型

| 模型 | 大小 | 机构 | 论文 |
|:--:|:--:|:--:|:--:|
| [LLaMA2](https://github.com/facebookresearch/llama) | 7B | [Meta](https://ai.meta.com/) | [paper](https://arxiv.org/abs/2307.09288) |

### 🧩 领域模型

#### 🏥 医疗

- [ChiMed-Fix](https://github.com/synfix/ChiMed-Fix)
  ![](https://img.shields.io/github/stars/synfix/ChiMed-Fix.svg?style=social)
  [[paper](https://arxiv.org/abs/2311.00011)]
  - ChiMed-Fix 是一款中文医疗大模型。

- [TestBERT-Med (测试)](https://github.com/fix/testbert)
  ![](https://img.shields.io/github/stars/fix/testbert.svg?style=social)
  - 描述。

#### ⚖ 法律

- [夫子•明察](https://github.com/fix/fuzi)

#### 🎓 教育

- [桃李 (ProtoLM)](https://github.com/fix/taoli)

#### ➕ 其他

- [DevOps-Fix](https://github.com/fix/devops)

## 📚 数据集
- [FixData](https://github.com/fix/data)
"""

#: Shaped like bio-foundation-models-candidates.jsonl, with its two ways of hiding a known model.
GENE = [
    # 'The' in front of the record's name
    {"section": "Models / DNA", "names": ["The GenomiX"], "title": "Something else", "arxiv": [], "github": []},
    # the title cut out of a bioRxiv link: the link's DOI is the record's preprint
    {"section": "Models / DNA", "names": ["Species-aware fixture modeling"],
     "title": "//www.biorxiv.org/content/10.1101/2023.01.26.000051v1) !", "arxiv": [], "github": []},
]

#: Records the markdown lists name in other ways than by name.
EXTRA_RECORDS = [
    {"id": "genomix", "name": "GenomiX", "title": "GenomiX: Building Robust Foundation Models for Fixture Genomics"},
    {"id": "cellfm", "name": "CellFM", "title": "A Cell Foundation Model", "doi": "10.1038/s41586-024-00001-x"},
    {"id": "esm-x", "name": "ESM-X", "title": "Published Title of ESM-X"},
    {"id": "antiglm", "name": "AntiGLM", "title": "AntiGLM: Infilling for Antibodies",
     "github": ["https://github.com/fixture-lab/AntiGLM"]},
    {"id": "protfix2", "name": "ProtFix2", "title": "ProtFix2 is a deep unsupervised language model for fixture design"},
    {"id": "attnfix", "name": "AttnFix", "title": "Attention is a fixture mechanism for sequence models"},
    {"id": "specfix", "name": "SpecFix", "title": "Species-Aware Fixture Models Capture Things",
     "paper": "https://www.biorxiv.org/content/10.1101/2023.01.26.000051"},
]


@pytest.fixture
def md_sources(tmp_path):
    root = tmp_path / "md-sources"
    (root / "lists").mkdir(parents=True)
    files = {"lists/README.md": MD_README, "lists/medllms-practical-guide.md": MEDLLMS,
             "lists/awesome-healthcare-foundation-models.md": HEALTHCARE, "lists/awesome-finllms.md": FINLLMS,
             "lists/finance-llms.md": FINANCE_LLMS, "lists/awesome-legalai-resources.md": LEGALAI,
             "awesome-domain-llm.zh.md": DOMAIN,
             "lists/gene-candidates.jsonl": "\n".join(json.dumps(r) for r in GENE) + "\n"}
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def wide_catalog(catalog):
    records = json.loads(catalog.read_text(encoding="utf-8")) + EXTRA_RECORDS
    catalog.write_text(json.dumps(records), encoding="utf-8")
    return catalog


def test_summary_line_for_each_list(md_sources, wide_catalog):
    result = run("--sources", str(md_sources), "--catalog", str(wide_catalog), "--no-bundled", "--summary")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["list", "candidates", "present", "to", "check", "outside", "missing", "left", "out"]
    rows = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in lines[1:]}
    assert rows == {
        # candidates, present, to check, outside the rule (none judged here), missing,
        # left out (the list's datasets, benchmarks, ...)
        "gene-candidates.jsonl": [2, 2, 0, 0, 0, 0],
        "medllms-practical-guide.md": [5, 2, 0, 0, 3, 2],
        "awesome-healthcare-foundation-models.md": [8, 4, 0, 0, 4, 1],
        "awesome-finllms.md": [4, 1, 0, 0, 3, 1],
        "finance-llms.md": [4, 1, 0, 0, 3, 1],
        "awesome-legalai-resources.md": [0, 0, 0, 0, 0, 3],
        "awesome-domain-llm.zh.md": [4, 2, 0, 0, 2, 0],
    }


def test_medllms_entries(md_sources, wide_catalog):
    med = report(md_sources, wide_catalog, "--list", "medllms")["medllms-practical-guide.md"]
    got = {e["names"][0] if e["names"] else e["title"]: e for e in med["entries"]}
    assert set(got) == {"CellFoundry", "ESM-X & ESMFold-X", "BioLinkFix/LinkFix",
                        "Can fixture models reason about medical questions?", "Using ChatGPT to write fixture letters"}
    # the bold name gives the names, the words after it the title; the venue tag is neither
    link = got["BioLinkFix/LinkFix"]
    assert link["names"] == ["BioLinkFix/LinkFix", "BioLinkFix", "LinkFix"]
    assert link["title"] == "Pretraining with fixture links"
    assert (link["arxiv"], link["github"]) == (["2203.00003"], ["https://github.com/someone/linkfix"])
    assert link["section"] == "Practical Guide for Building Pipeline / Pre-training from Scratch"
    # a Nature article link is its DOI, which finds the record whatever the list calls it
    cell = got["CellFoundry"]
    assert (cell["doi"], cell["ids"], cell["by"]) == (["10.1038/s41586-024-00001-x"], ["cellfm"], "doi")
    assert (got["ESM-X & ESMFold-X"]["ids"], got["ESM-X & ESMFold-X"]["by"]) == (["esm-x"], "name")
    assert med["left_out_sections"] == {"Practical Guide for Medical Data / Pre-training Data": 1,
                                        "Practical Guide for Challenges / Lack of Evaluation Benchmarks and Metrics": 1}


def test_healthcare_entries(md_sources, wide_catalog):
    health = report(md_sources, wide_catalog, "--list", "healthcare")["awesome-healthcare-foundation-models.md"]
    got = {e["names"][0] if e["names"] else e["title"]: e for e in health["entries"]}
    # an entry broken over two lines is one entry, its title whole
    chimed = got["ChiMed-Fix"]
    assert chimed["title"] == "ChiMed-Fix: A Chinese Medical Model with Full Training Regime and Better Alignment"
    assert chimed["arxiv"] == ["2311.00011"] and chimed["ids"] == []
    # the record's title has the model's name in front, the list's does not
    genomics = got["Building Robust Foundation Models for Fixture Genomics"]
    assert (genomics["ids"], genomics["by"]) == (["genomix"], "title")
    # a preprint title given bare, which another list gives with the record's name
    proteins = got["Language models of fixture proteins at scale"]
    assert proteins["ids"] == ["esm-x"] and proteins["by"] == "title, as medllms-practical-guide.md names it"
    assert proteins["doi"] == ["10.1101/2022.07.20.000012"]
    # no name, but the record's own repository, named after it; a shared repository is only flagged
    antibodies = got["Generative modeling for fixture antibodies"]
    assert (antibodies["ids"], antibodies["by"]) == (["antiglm"], "repository")
    other = got["Another antibody fixture paper"]
    assert other["ids"] == [] and other["same_repository"] == ["chemclip"]
    # a title that is a sentence about the model ('ProtFix2 is a ...'), which the list gives without the name;
    # an ordinary word in front ('Attention is a ...') is not a name
    protein = got["A deep unsupervised language model for fixture design"]
    assert (protein["ids"], protein["by"]) == (["protfix2"], "title")
    assert got["A fixture mechanism for sequence models"]["ids"] == []
    assert got["Fixture Health Suite"]["title"] == ""
    assert health["left_out_sections"] == {"AI Legislation": 1}


def test_a_record_is_found_by_title_under_another_name(md_sources, wide_catalog):
    fin = report(md_sources, wide_catalog, "--list", "finllms")["awesome-finllms.md"]
    got = {e["names"][0]: e for e in fin["entries"]}
    rad = got["RadVision-Pro (放射)"]
    assert (rad["ids"], rad["by"]) == (["radvision"], "title")
    assert {"RadVision-Pro", "放射"} <= set(rad["names"])
    golden = got["Golden-Fix & Touchstone-Fix"]
    assert {"Golden-Fix", "Touchstone-Fix"} <= set(golden["names"])
    assert golden["arxiv"] == ["2411.00021"] and golden["github"] == ["https://github.com/fix/Golden"]
    assert golden["title"] == "Golden Fix: A Benchmark for Financial Fixtures"
    assert {e["section"] for e in fin["entries"]} == {"Papers", "Agent"}
    assert fin["left_out_sections"] == {"Datasets": 1}


def test_finance_llms_rows(md_sources, wide_catalog):
    fin = report(md_sources, wide_catalog, "--list", "finance-llms")["finance-llms.md"]
    got = {e["names"][0]: e for e in fin["entries"]}
    # the list's own legend calls Enterprise Platform rows deployments of vendors' models: left out, counted
    assert "HSBC & Mistral AI" not in got
    assert fin["left_out_sections"] == {"Retail & Commercial Banking / Enterprise Platform": 1}
    # 'Bank & vendor' names one entry, not two models
    assert got["Westfix & KAI-GPT"]["names"] == ["Westfix & KAI-GPT"]
    assert got["LawAgent"]["ids"] == ["lawagent"]
    assert got["FinBLOOM-Fix"]["arxiv"] == ["2502.00031"]
    assert got["AlphaFix (BlackRock)"]["section"] == "Wealth & Asset Management"


def test_legal_resources_hold_no_model(md_sources, wide_catalog):
    law = report(md_sources, wide_catalog, "--list", "legalai")["awesome-legalai-resources.md"]
    assert law["candidates"] == 0 and law["entries"] == []
    assert law["left_out_sections"] == {"General Corpus": 1, "Evaluation Benchmark / Multi Legal Task": 1,
                                        "Websites": 1}


def test_domain_list_reads_its_four_domain_sections(md_sources, wide_catalog):
    dom = report(md_sources, wide_catalog, "--list", "domain")["awesome-domain-llm.zh.md"]
    got = {e["names"][0]: e for e in dom["entries"]}
    assert set(got) == {"ChiMed-Fix", "TestBERT-Med (测试)", "夫子•明察", "桃李 (ProtoLM)"}
    assert got["ChiMed-Fix"]["arxiv"] == ["2311.00011"]
    assert got["ChiMed-Fix"]["github"] == ["https://github.com/synfix/ChiMed-Fix"]
    assert got["ChiMed-Fix"]["section"] == "模型 / 领域模型 / 医疗"
    assert got["TestBERT-Med (测试)"]["ids"] == ["testbert-med"]
    assert got["桃李 (ProtoLM)"]["ids"] == ["protolm"]  # the name in brackets is a name too
    assert got["夫子•明察"]["ids"] == []


def test_jsonl_names_with_the_and_dois_in_broken_titles(md_sources, wide_catalog):
    gene = report(md_sources, wide_catalog, "--list", "gene")["gene-candidates.jsonl"]
    got = {e["names"][0]: e for e in gene["entries"]}
    assert (got["The GenomiX"]["ids"], got["The GenomiX"]["by"]) == (["genomix"], "name")
    species = got["Species-aware fixture modeling"]
    assert (species["ids"], species["by"], species["title"]) == (["specfix"], "doi", "")


def test_text_report_of_a_markdown_list(md_sources, wide_catalog):
    result = run("--sources", str(md_sources), "--catalog", str(wide_catalog), "--no-bundled", "--list", "medllms",
                 "--missing-only")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "# medllms-practical-guide.md\nsource: med/Guide @ 1111111, 2026-01-01\n" in out
    assert "left out, as the list's own sections say they hold no models: 2 entries of" in out
    assert "  [Practical Guide for Building Pipeline / Pre-training from Scratch] BioLinkFix/LinkFix — " \
           "Pretraining with fixture links  arXiv 2203.00003\n" in out
    assert "CellFoundry" not in out
    domain = run("--sources", str(md_sources), "--catalog", str(wide_catalog), "--no-bundled", "--list", "domain")
    assert "source: luban-agi/Awesome-Domain-LLM, commit not recorded in lists/README.md" in domain.stdout


def test_a_list_that_is_not_text_is_reported_not_raised(md_sources, wide_catalog):
    (md_sources / "lists" / "finance-llms.md").write_bytes(b"| Name |\n| --- |\n| Fin\xff\xfe |\n")
    result = run("--sources", str(md_sources), "--catalog", str(wide_catalog), "--no-bundled", "--summary")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("import_lists: finance-llms.md: not UTF-8 text")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
