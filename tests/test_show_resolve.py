"""Name resolution: forgiving of case, spacing, hyphens and typos; honest about ties."""

from __future__ import annotations

import json
import shlex

import pytest

from sllm.records import Record
from sllm.resolve import Ambiguous, BadName, GeneralModel, Index, NotFound, general_models, normalize


def rec(rid: str, name: str, aliases=(), backbones=()) -> Record:
    return Record(id=rid, name=name, aliases=list(aliases), domains=["biology"], modalities=["protein"],
                  backbones=list(backbones))


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


def test_a_typo_is_accepted_and_said_to_be_one(index):
    for typo in ("biomistrl", "biomsitral", "biomistrall", "BioMistrl-7B"):
        match = index.resolve(typo)
        assert (match.record.id, match.how) == ("biomistral", "fuzzy"), typo


def test_the_beginning_of_a_longer_name_is_not_a_typo(index):
    for start in ("biomis", "biomistra", "clinicalber"):
        with pytest.raises(NotFound) as exc:
            index.resolve(start)
        assert not isinstance(exc.value, GeneralModel)


def test_a_typo_never_changes_a_number(index):
    """ESM-1b, ESM-1v and ESM-2 are different models: esm3 is none of them."""
    with pytest.raises(NotFound) as exc:
        index.resolve("esm3")
    assert "ESM-2" in str(exc.value)  # suggested, not answered


def test_a_typo_equally_close_to_two_models_is_a_tie():
    index = Index.build([rec("proto-a", "ProtoAlpha"), rec("proto-b", "ProtoAlphb")])
    with pytest.raises(Ambiguous) as exc:
        index.resolve("protoalphc")
    assert {r.id for r in exc.value.candidates} == {"proto-a", "proto-b"}


def test_strict_takes_only_what_the_query_spells(index):
    for query in ("biomistral", "BioMistral-7B", "bio mistral", "BIO-MISTRAL", "biomistral 7b"):
        assert index.resolve(query, strict=True).record.id == "biomistral"
    with pytest.raises(NotFound) as exc:
        index.resolve("biomistrl", strict=True)
    assert "did you mean BioMistral (biomistral)?" in str(exc.value)
    assert [r.id for r in exc.value.candidates] == ["biomistral"]


def test_a_trailing_mixture_of_experts_size_is_a_size():
    index = Index.build([rec("chatlaw", "ChatLaw")])
    assert index.resolve("ChatLaw 4x7B").how == "size"


# --- general models: named as such, never answered with a model built on them ------

@pytest.fixture
def built():
    return Index.build([
        rec("kale-lm", "KALE-LM", ["Llama3-KALE-LM-Chem-8B"], ["LLaMA-3"]),
        rec("bloomberggpt", "BloombergGPT"),
        rec("xuanyuan", "XuanYuan", backbones=["BLOOM-176B"]),
        rec("medalpaca", "MedAlpaca", backbones=["LLaMA-7B"]),
        rec("pmc-llama", "PMC-LLaMA", backbones=["LLaMA"]),
        rec("code-llama", "Code Llama", backbones=["Llama 2"]),
        rec("esm-2", "ESM-2"),
        rec("esmfold-x", "ESM-Fold-X", backbones=["ESM-1b"]),
        rec("biomedbert", "BiomedBERT", ["PubMedBERT"]),
        rec("medcpt", "MedCPT", backbones=["PubMedBERT"]),
    ])


def test_a_general_model_is_named_as_such(built):
    with pytest.raises(GeneralModel) as exc:
        built.resolve("llama")
    assert str(exc.value) == (
        "LLaMA is a general model, not in the catalog; 4 catalog models are built on it: "
        "sllm list --backbone llama"
    )
    # KALE-LM (LLaMA-3), MedAlpaca, PMC-LLaMA, Code Llama (Llama 2): the family, as --backbone reads it
    assert exc.value.built_on == 4


def test_a_general_model_known_only_with_its_size(built):
    with pytest.raises(GeneralModel) as exc:
        built.resolve("bloom")  # not BloombergGPT
    assert str(exc.value).startswith("BLOOM is a general model, not in the catalog; 1 catalog model is built on it")
    with pytest.raises(GeneralModel) as exc:
        built.resolve("LLaMA 7B")
    assert exc.value.general.name == "LLaMA-7B" and exc.value.built_on == 1


def test_strict_resolution_names_general_models_too(built):
    with pytest.raises(GeneralModel):
        built.resolve("llama", strict=True)


def test_a_backbone_that_is_a_record_is_the_record(built):
    assert built.resolve("PubMedBERT").record.id == "biomedbert"
    assert "pubmedbert" not in general_models(built.records)


def test_a_registry_entry_that_is_a_record_is_the_record(built):
    """Galactica-30B is in the backbone registry, and Galactica is a catalog record."""
    index = Index.build([*built.records, rec("galactica", "Galactica")])
    assert index.resolve("Galactica-30B").record.id == "galactica"
    assert "galactica30b" not in general_models(index.records)


def test_general_models_are_the_registrys_entries_that_are_not_records(built):
    names = {g.name for g in general_models(built.records).values()}
    assert {"LLaMA", "LLaMA-2", "LLaMA-7B", "BLOOM", "BLOOM-176B", "Mistral", "BERT"} <= names
    assert not names & {"KALE-LM", "PubMedBERT", "BloombergGPT"}


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
    assert "'protolmm' matched ProtoLM (protolm) by similarity" in result.stderr


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


def test_show_does_not_complete_a_prefix(mini):
    result = mini("show", "medllama")
    assert result.exit_code == 1 and result.stdout == ""
    assert "did you mean: MedLlama Fixture (medllama-fixture)" in result.stderr


def test_cite_takes_only_exact_names(mini):
    for query in ("testbert-med", "TestBERT Med", "tbm", "TestBERT-Med-Large"):
        result = mini("cite", query)
        assert result.exit_code == 0 and "muller2020testbert" in result.stdout, query
    result = mini("cite", "testbert-mde")
    assert result.exit_code == 1 and result.stdout == ""
    assert "did you mean TestBERT-Med (testbert-med)?" in result.stderr
    assert mini("show", "testbert-mde", "--json").exit_code == 0  # show forgives it, and says so


def test_cite_tie_lists_candidates(mini):
    result = mini("cite", "twinbert")
    assert result.exit_code == 1 and result.stdout == ""
    assert "twin-a" in result.stderr and "twin-b" in result.stderr


# --- the bundled catalog: the cases a new user met -----------------------------------

@pytest.fixture(scope="module")
def catalog():
    from sllm.catalog import load

    return load(bundled=True, use_env=False)


@pytest.mark.parametrize("command", ["show", "cite"])
def test_llama_is_a_general_model_not_kale_lm(cli, command):
    result = cli(command, "llama")
    assert result.exit_code == 1 and result.stdout == ""
    assert "KALE" not in result.stderr
    listed = cli("list", "--backbone", "llama", "--format", "ids").stdout.split()
    assert (
        f"LLaMA is a general model, not in the catalog; {len(listed)} catalog models are built on it: "
        "sllm list --backbone llama"
    ) in result.stderr


@pytest.mark.parametrize("command", ["show", "cite"])
def test_bloom_is_not_bloomberggpt(cli, command):
    result = cli(command, "bloom")
    assert result.exit_code == 1 and result.stdout == ""
    assert "BLOOM is a general model" in result.stderr and "sllm list --backbone bloom" in result.stderr


def test_every_general_model_message_counts_what_list_lists(cli, catalog):
    """The count in the message is what the suggested command prints, for every general model."""
    from sllm.query import build, select

    for general in set(general_models(catalog.records).values()):
        listed = select(catalog.records, build(backbone=[general.family]))
        with pytest.raises(GeneralModel) as exc:
            catalog.index().resolve(general.name)
        assert exc.value.built_on == len(listed), general
        if listed:
            assert str(exc.value).endswith(f"sllm list --backbone {shlex.quote(general.family)}")


def test_every_name_and_alias_cites_its_own_record(catalog):
    index = catalog.index()
    for r in catalog.records:
        for name in (r.id, r.name, *r.aliases):
            try:
                assert index.resolve(name, strict=True).record.id == r.id, name
            except Ambiguous as exc:
                assert r.id in {c.id for c in exc.candidates}, name


def test_a_trailing_size_does_not_continue_a_number():
    """CodeGeeX2-6B is CodeGeeX2 at 6B, not CodeGeeX at "26B"."""
    index = Index.build([rec("codegeex", "CodeGeeX")])
    with pytest.raises(NotFound):
        index.resolve("CodeGeeX2-6B", strict=True)
    index = Index.build([rec("codegeex", "CodeGeeX"), rec("codegeex2", "CodeGeeX2")])
    assert index.resolve("CodeGeeX2-6B").record.id == "codegeex2"


def test_base_and_large_are_sizes_only_as_words():
    index = Index.build([rec("data", "Data")])
    with pytest.raises(NotFound):
        index.resolve("database", strict=True)
    assert index.resolve("Data-Large", strict=True).how == "size"


def test_every_backbone_the_catalog_names_is_a_record_or_a_general_model(catalog):
    index = catalog.index()
    for b in sorted({b for r in catalog.records for b in r.backbones}):
        try:
            index.resolve(b, strict=True)
        except (GeneralModel, Ambiguous):
            pass


def test_a_registry_checkpoint_of_a_record_is_the_record(cli):
    """The registry lists CodeGen-2B-mono as a released CodeGen checkpoint: cite CodeGen's paper."""
    result = cli("cite", "CodeGen-2B-mono", "--format", "bibtex")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == cli("cite", "codegen", "--format", "bibtex").stdout
