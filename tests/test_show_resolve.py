"""Name resolution: forgiving of case, spacing, hyphens and typos; honest about ties."""

from __future__ import annotations

import json

import pytest

from sllm.records import Record
from sllm.resolve import Ambiguous, BadName, Index, NotFound, normalize


def rec(rid: str, name: str, aliases=()) -> Record:
    return Record(id=rid, name=name, aliases=list(aliases), domains=["biology"], modalities=["protein"])


@pytest.fixture
def index():
    return Index.build([
        rec("esm-2", "ESM-2"), rec("esm-1b", "ESM-1b"), rec("esm-1v", "ESM-1v"),
        rec("biomistral", "BioMistral", ["BioMistral-7B"]), rec("biogpt", "BioGPT"),
        rec("clinicalbert-a", "ClinicalBERT"), rec("clinicalbert-b", "ClinicalBERT"),
    ])


@pytest.mark.parametrize("query", ["biomistral", "BioMistral", "BioMistral-7B", "bio mistral", "bio-mistral", "BIOMISTRAL", "biomistrl"])
def test_biomistral_spellings(index, query):
    assert index.resolve(query).record.id == "biomistral"


def test_exact_match_is_not_fuzzy(index):
    assert index.resolve("bio mistral").how in {"name", "alias"}
    assert index.resolve("biomistrl").how == "fuzzy"


def test_esm2_finds_esm2_not_esm1b(index):
    assert index.resolve("esm2").record.id == "esm-2"
    assert index.resolve("ESM 2").record.id == "esm-2"


def test_size_suffix_is_stripped(index):
    m = index.resolve("BioGPT-7B")
    assert m.record.id == "biogpt" and m.how == "size"


def test_id_wins(index):
    assert index.resolve("clinicalbert-b").record.id == "clinicalbert-b"


def test_two_models_with_one_name_are_not_picked_silently(index):
    with pytest.raises(Ambiguous) as exc:
        index.resolve("clinicalbert")
    assert {r.id for r in exc.value.candidates} == {"clinicalbert-a", "clinicalbert-b"}


def test_no_match_suggests(index):
    with pytest.raises(NotFound) as exc:
        index.resolve("biomed mistral llama")
    assert "did you mean" in str(exc.value) or "sllm search" in str(exc.value)


@pytest.mark.parametrize("query", ["", "   ", "---"])
def test_empty_names(index, query):
    with pytest.raises(BadName):
        index.resolve(query)


def test_normalize():
    assert normalize("Bio-Mistral 7B") == "biomistral7b"
    assert normalize("ESM_2") == "esm2"
    assert normalize("CodeT5+") != normalize("CodeT5")


# --- through the CLI -------------------------------------------------------------

def test_show_panel(mini):
    result = mini("show", "tbm")
    assert result.exit_code == 0
    assert "TestBERT-Med" in result.stdout and "2001.00001" in result.stdout


def test_show_json_is_one_record(mini):
    result = mini("show", "testbert med", "--json")
    record = json.loads(result.stdout)
    assert record["id"] == "testbert-med"


def test_show_fuzzy_says_so_on_stderr(mini):
    result = mini("show", "protolmm", "--json")
    assert json.loads(result.stdout)["id"] == "protolm"
    assert "by similarity" in result.stderr


def test_show_tie_lists_candidates(mini):
    result = mini("show", "twinbert")
    assert result.exit_code == 1
    assert "twin-a" in result.stderr and "twin-b" in result.stderr
    assert "TwinBERT One" in result.stderr and "2019" in result.stderr
    assert result.stdout == ""


def test_show_unknown(mini):
    result = mini("show", "nothing-like-this-at-all")
    assert result.exit_code == 1
    assert "no model matches" in result.stderr


def test_search_ranks_with_scores(mini):
    result = mini("search", "protein", "--json")
    hits = json.loads(result.stdout)
    assert hits[0]["id"] == "protolm"
    assert all(0 < h["score"] <= 100 for h in hits)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_table(mini):
    result = mini("search", "medlama")
    assert result.exit_code == 0 and "MedLlama Fixture" in result.stdout


def test_search_empty_text(mini):
    assert mini("search", "  ").exit_code == 2
