"""The bundled catalog: reproducible from its sources, complete, classified, citable."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
from conftest import REPO

from sllm.catalog import bundled_files, load
from sllm.resolve import Index

SCRIPTS = REPO / "scripts"


def validate(tmp_path, cli, *records):
    """`sllm validate` run on a catalog file holding ``records``."""
    f = tmp_path / "c.json"
    f.write_text(json.dumps(list(records)))
    return cli("validate", str(f))


@pytest.fixture(scope="module")
def catalog():
    return load(use_env=False)


@pytest.fixture(scope="module")
def by_id(catalog):
    return catalog.by_id()


@pytest.fixture(scope="module")
def importer():
    spec = importlib.util.spec_from_file_location("import_awesome", SCRIPTS / "import_awesome.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_importer_reproduces_the_catalog():
    result = subprocess.run([sys.executable, str(SCRIPTS / "import_awesome.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_installed_catalog_equals_the_repository(catalog):
    for path in bundled_files():
        assert path.read_bytes() == (REPO / "catalog" / path.name).read_bytes(), path.name


def test_all_upstream_entries_with_list_fields_unchanged(importer, by_id):
    listed = importer.parse_list(importer.UPSTREAM)
    importer.disambiguate(listed)
    assert len(listed) == 296
    for entry in listed:
        record = by_id[entry["id"]]
        # An overlay may correct what the list says, but only with its reason in notes.
        for field in ("name", "title", "venue", "year", "paper", "arxiv", "github", "models", "section", "subsection"):
            if field not in record.notes:
                assert getattr(record, field) == entry[field], (entry["id"], field)
        if entry["doi"] and "doi" not in record.notes:
            assert record.doi == entry["doi"], entry["id"]
        if "sizes" not in record.notes:
            assert sorted(s.label for s in record.sizes) == sorted(s["label"] for s in entry["sizes"]), entry["id"]
        assert set(entry["aliases"]) <= set(record.aliases), entry["id"]


def test_names_split_and_twins_kept_apart(by_id):
    assert by_id["bluebert"].name == "BlueBERT" and "NCBI-BERT" in by_id["bluebert"].aliases
    a, b = by_id["clinicalbert-alsentzer"], by_id["clinicalbert-huang"]
    assert a.name == b.name == "ClinicalBERT" and a.title != b.title
    assert by_id["galactica"].sizes[0].label == "125M"
    # the list's "Base" and "Large" are labels, not counts: no count without a source that states one
    assert [(s.label, s.parameters) for s in by_id["bluebert"].sizes] == [("Base", None), ("Large", None)]


def test_every_record_is_classified(catalog):
    for r in catalog.records:
        assert r.domains and r.modalities, r.id
        assert r.citation is not None or "citation" in r.unverified, r.id
        assert r.sources, r.id


# Types the survey text names (Zhang et al., EMNLP 2024, sections 2-7).
SURVEY_TYPES = {
    "scibert": "1.A", "scigpt2": "2.A", "galactica": "2.A", "sciglm": "2.A", "oag-bert": "1.B",
    "specter": "3.A", "genbert": "1.A", "mathbert": "1.A", "gsm8k-gpt": "2.A", "naturalprover": "2.A",
    "rho-math": "2.A", "mammoth2": "2.A", "inter-gps": "2.D", "g-llava": "2.D", "tapas": "1.A",
    "tablellama": "2.B", "astrobert": "1.A", "astrollama": "2.A", "astrollama-chat": "2.A",
    "chembert": "1.A", "matscibert": "1.A", "batterybert": "1.A", "chemdfm": "2.A", "chemllm": "2.A",
    "llasmol": "2.A", "text2mol": "3.C", "3d-molm": "2.D", "git-mol": "2.D", "smiles-bert": "1.C",
    "molformer": "1.C", "chemberta": "1.C", "bartsmiles": "2.C", "chemgpt": "2.C", "t5chem": "2.C",
    "biobert": "1.A", "bio-electra": "1.A", "bioroberta": "1.A", "bioalbert": "1.A",
    "clinical-longformer": "1.A", "scifive": "2.A", "biobart": "2.A", "biogpt": "2.A",
    "med-palm": "2.A", "medalpaca": "2.A", "biomistral": "2.A", "medcpt": "3.A", "bmretriever": "3.A",
    "dragon": "3.C", "biolinkbert": "1.B", "llava-med": "2.D", "esm-2": "1.D", "dnabert": "1.D",
    "rnabert": "1.D", "protst": "3.B", "biomedgpt-2023": "2.D", "climatebert": "1.A", "spabert": "1.A",
    "mgeo": "1.A", "k2": "2.A", "oceangpt": "2.A", "geogalactica": "2.A", "urbanclip": "3.D",
}


@pytest.mark.parametrize("rid, code", sorted(SURVEY_TYPES.items()))
def test_survey_named_types(by_id, rid, code):
    assert code in by_id[rid].architecture


def test_weather_models_have_no_forced_type(by_id):
    for rid in ("fourcastnet", "pangu-weather", "graphcast"):
        assert by_id[rid].architecture == [], rid


def test_split_domains(by_id):
    assert by_id["biomistral"].domains == ["medicine"]
    assert "biology" in by_id["esm-2"].domains and "medicine" not in by_id["esm-2"].domains
    assert "medicine" in by_id["gatortron"].domains
    assert "materials" in by_id["matscibert"].domains


def test_medicine_lists_medical_models_not_protein_or_dna(cli):
    records = json.loads(cli("list", "--domain", "medicine", "--json").stdout)
    ids = {r["id"] for r in records}
    assert {"biomistral", "meditron", "gatortron", "med-palm", "llava-med", "chexzero"} <= ids
    assert not ids & {"esm-2", "dnabert", "protgpt2", "nucleotide-transformer", "rna-fm", "scbert"}


@pytest.mark.parametrize("domain, minimum", [("law", 15), ("finance", 15), ("code", 15), ("education", 6)])
def test_specialized_fields_are_maps(cli, domain, minimum):
    records = json.loads(cli("list", "--domain", domain, "--json").stdout)
    assert len(records) >= minimum
    for r in records:
        assert r["paper"] or r["models"] or r["github"] or r["sources"], r["id"]


@pytest.mark.parametrize(
    "name",
    ["SaulLM-7B", "LawLLM", "LegalGPT", "Faxin", "BloombergGPT", "FinGPT", "ChatGPT Edu", "Codex",
     "StarCoder", "Code Llama", "CodeGeeX", "AlphaCode", "CodeGen", "ChemCrow", "MolecularGPT",
     "LEGAL-BERT", "ChatLaw", "DISC-LawLLM", "FinBERT-Yang", "FinMA", "XuanYuan", "InvestLM",
     "CodeBERT", "CodeT5", "InCoder", "SantaCoder", "StarCoder2", "WizardCoder", "DeepSeek-Coder", "Qwen2.5-Coder"],
)
def test_seed_and_field_models_resolve(catalog, name):
    Index.build(catalog.records).resolve(name)


def test_kinds_keep_filters_honest(by_id, catalog):
    names = {r.name: r for r in catalog.records}
    assert names["ChemCrow"].kind == "agent"
    assert names["ChatGPT Edu"].kind == "service"


def test_biomistral_citation(cli):
    from pybtex.database import parse_string

    out = cli("cite", "biomistral").stdout
    entry = next(iter(parse_string(out, "bibtex").entries.values()))
    assert entry.type == "inproceedings"
    assert "Findings" in entry.fields["booktitle"] and "ACL 2024" in entry.fields["booktitle"]
    assert entry.fields["year"] == "2024"
    surnames = [" ".join(p.last_names) for p in entry.persons["author"]]
    assert surnames == ["Labrak", "Bazoge", "Morin", "Gourraud", "Rouvier", "Dufour"]


def test_validate_passes_on_the_bundled_catalog(cli):
    result = cli("validate")
    assert result.exit_code == 0, result.stdout[-2000:]
    assert "0 problems" in result.stderr


def test_medicine_bibliography_is_clean(cli):
    """No duplicate keys and every field the entry type requires, checked by pybtex's plain style."""
    from pybtex.database import parse_string
    from pybtex.style.formatting.plain import Style

    out = cli("list", "--domain", "medicine", "--format", "bibtex").stdout
    data = parse_string(out, "bibtex")  # strict: raises on a duplicate key
    n = len(json.loads(cli("list", "--domain", "medicine", "--json").stdout))
    assert len(data.entries) == n
    list(Style().format_entries(data.entries.values()))  # raises FieldIsMissing


def _complete_record() -> dict:
    """A record that meets every fact target."""
    return {"id": "x", "name": "X", "domains": ["law"], "modalities": ["language"], "access": "open",
            "license": "mit", "languages": ["en"], "backbones": [], "notes": {"backbones": "trained from scratch"},
            "sizes": [{"label": "1B", "parameters": 1_100_000_000}],
            "citation": {"type": "misc", "key": "x2024", "authors": ["A B"], "title": "X", "year": 2024,
                         "evidence": "primary", "verified": True},
            "sources": [{"url": "https://example.org/x", "facts": ["citation"]}]}


def test_validate_reports_targets_and_strict_fails_on_unmet_ones(tmp_path, cli):
    import json as _json

    good = _complete_record()
    weak = {**good, "id": "y", "name": "Y", "access": None, "languages": [],
            "citation": {**good["citation"], "key": "y2024", "title": "Y", "evidence": "unconfirmed", "verified": False}}
    f = tmp_path / "c.json"
    f.write_text(_json.dumps([good]))
    ok = cli("validate", str(f), "--strict")
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert "target: models with access known: 1 of 1 (100.0%" in ok.stderr
    f.write_text(_json.dumps([good, weak]))
    relaxed = cli("validate", str(f))
    assert relaxed.exit_code == 0 and "NOT MET" in relaxed.stderr
    assert cli("validate", str(f), "--strict").exit_code == 1
    data = _json.loads(cli("validate", str(f), "--json").stdout)
    by_name = {t["name"]: t for t in data["targets"]}
    assert by_name["records with languages"] == {"name": "records with languages", "count": 1, "total": 2,
                                                 "floor": 1.0, "met": False}


def test_validate_gaps_names_each_record_that_misses_a_target(tmp_path, cli):
    import json as _json

    good = _complete_record()
    weak = {**good, "id": "y", "name": "Y", "access": None, "sizes": [{"label": "7B"}],
            "citation": {**good["citation"], "key": "y2024", "title": "Y"}}
    f = tmp_path / "c.json"
    f.write_text(_json.dumps([good, weak]))
    text = cli("validate", str(f), "--gaps")
    assert text.exit_code == 0
    assert text.stdout.splitlines() == [f"{f}: y: misses size-counts, parameters, access (gap)"]
    assert "gap" not in cli("validate", str(f)).stdout
    data = _json.loads(cli("validate", str(f), "--gaps", "--json").stdout)
    assert data["gaps"] == [{"file": str(f), "record": "y", "missing": ["size-counts", "parameters", "access"]}]
    assert "gaps" not in _json.loads(cli("validate", str(f), "--json").stdout)


def test_a_count_backed_only_by_a_public_list_is_a_problem(tmp_path, cli):
    """Lists give size labels ("125M", "Base"); a count is read in the paper or model card."""
    listed = {"url": "https://github.com/yuzhimanhua/Awesome-Scientific-Language-Models", "facts": ["sizes"]}
    record = {"id": "x", "name": "X", "domains": ["medicine"], "modalities": ["language"],
              "sizes": [{"label": "125M", "parameters": 125_000_000}], "sources": [listed],
              "citation": {"type": "misc", "key": "x2024", "authors": ["A B"], "title": "X", "year": 2024},
              "unverified": ["citation"]}
    bad = validate(tmp_path, cli, record)
    assert bad.exit_code == 1 and "x: sizes: parameter counts backed only by a public list" in bad.stdout
    card = {"url": "https://huggingface.co/x/x", "facts": ["sizes"]}
    assert validate(tmp_path, cli, {**record, "sources": [listed, card]}).exit_code == 0
    # a label alone is what the list gives
    assert validate(tmp_path, cli, {**record, "sizes": [{"label": "125M"}]}).exit_code == 0


def test_a_fact_resting_only_on_a_summary_or_rehosting_page_is_a_problem(tmp_path, cli):
    """A licence or backbone read only on a page that retells a model card is not read at its source."""
    rehost = {"url": "https://featherless.ai/models/x/X-7B", "facts": ["license", "backbones"]}
    record = {"id": "x", "name": "X", "domains": ["code"], "modalities": ["language"], "license": "mit",
              "backbones": ["Mistral-7B"], "sources": [rehost],
              "citation": {"type": "misc", "key": "x2024", "authors": ["A B"], "title": "X", "year": 2024},
              "unverified": ["citation"]}
    bad = validate(tmp_path, cli, record)
    assert bad.exit_code == 1
    assert "x: license: license rests only on a summary or re-hosting page" in bad.stdout
    assert "x: backbones: backbones rests only on a summary or re-hosting page" in bad.stdout
    card = {"url": "https://huggingface.co/x/X-7B", "facts": ["license", "backbones"]}
    assert validate(tmp_path, cli, {**record, "sources": [rehost, card]}).exit_code == 0
    # a summary may still help find the paper: it is no problem when it backs nothing filterable
    assert validate(tmp_path, cli, {**record, "license": None, "backbones": []}).exit_code == 0
    counted = {**record, "license": None, "backbones": [], "sizes": [{"label": "7B", "parameters": 7_240_000_000}],
               "sources": [{"url": "https://featherless.ai/models/x/X-7B", "facts": ["parameters"]}]}
    assert "x: sizes: sizes rests only on a summary or re-hosting page" in validate(tmp_path, cli, counted).stdout


def test_a_corroborated_citation_names_two_sources(tmp_path, cli):
    """'Corroborated' means two independent secondary sources agree; one copy of a paper is not that."""
    copy = {"url": "https://example.org/copy-of-the-pdf", "facts": ["citation"]}
    record = {"id": "x", "name": "X", "domains": ["code"], "modalities": ["language"], "sources": [copy],
              "citation": {"type": "misc", "key": "x2024", "authors": ["A B"], "title": "X", "year": 2024,
                           "evidence": "corroborated"}}
    bad = validate(tmp_path, cli, record)
    assert bad.exit_code == 1 and "x: citation.evidence: 'corroborated' needs two independent sources" in bad.stdout
    index = {"url": "https://example.org/index-record", "facts": ["citation.authors"]}
    assert validate(tmp_path, cli, {**record, "sources": [copy, index]}).exit_code == 0
    unconfirmed = {**record, "citation": {**record["citation"], "evidence": "unconfirmed"}}
    assert validate(tmp_path, cli, unconfirmed).exit_code == 0


def test_a_model_listed_by_its_publication_year_is_dated_by_its_arxiv_version(importer):
    record = {"year": 2024, "arxiv": "2306.15006", "citation": {"year": 2024, "eprint": "2306.15006"},
              "notes": {}, "sources": [], "sizes": []}
    out = importer.consistent(record)
    assert out["year"] == 2023
    assert "2306.15006" in out["notes"]["year"] and "2024" in out["notes"]["year"]
    assert {"url": importer.ARXIV_DATING, "facts": ["year"]} in out["sources"]
    earlier = importer.consistent({"year": 2022, "arxiv": "2306.15006", "notes": {}, "sources": [], "sizes": []})
    assert earlier["year"] == 2022 and "year" not in earlier["notes"]  # an earlier first version stands


def test_no_listed_year_runs_after_its_arxiv_announcement(catalog):
    from sllm.records import arxiv_announced

    late = [(r.id, r.year) for r in catalog.records
            if r.year and arxiv_announced(r.arxiv or (r.citation.eprint if r.citation else None) or "") and
            r.year > arxiv_announced(r.arxiv or r.citation.eprint)]
    assert late == []


def test_latex_markup_in_a_citation_is_a_problem(tmp_path, cli):
    r"""The writers escape what the catalog holds: a stored \url{...} would print literally."""
    good = _complete_record()
    marked = {**good, "citation": {**good["citation"], "howpublished": r"\url{https://example.org/x}"}}
    bad = validate(tmp_path, cli, marked)
    assert bad.exit_code == 1
    assert "x: citation.howpublished: LaTeX markup" in bad.stdout
    plain = {**good, "citation": {**good["citation"], "url": "https://example.org/x"}}
    assert validate(tmp_path, cli, plain).exit_code == 0
