"""The backbone registry: canonical names, lineage and families answered from data, not spelling."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

from sllm.backbones import Registry, load, registry_path
from sllm.catalog import load as load_catalog
from sllm.records import validate
from sllm.resolve import normalize
from sllm.validate import backbone_problems

SCRIPT = REPO / "scripts" / "canonical_backbones.py"


def _module(name: str, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load(registry_path())


@pytest.fixture(scope="module")
def script():
    return _module("canonical_backbones", SCRIPT)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(use_env=False)


# --- the bundled registry -----------------------------------------------------------


def test_registry_loads_and_is_consistent(registry):
    assert len(registry.entries) > 100
    assert registry.problems() == []


def test_registry_file_is_written_as_the_catalog_is():
    text = registry_path().read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_every_bundled_backbone_is_an_entry_or_a_record(registry, script, catalog):
    keys = script.record_keys(script._bundled_records(REPO))
    unknown = sorted({b for r in catalog.records for b in r.backbones
                      if script.canonical_backbone(b, registry, keys) is None})
    assert unknown == []


def test_backbones_the_upstream_list_can_give_are_canonical_names(registry):
    importer = _module("import_awesome", REPO / "scripts" / "import_awesome.py")
    known = importer.KNOWN_BACKBONES
    assert {b: registry.canonical(b) for b in known} == {b: b for b in known}


def test_a_parent_from_another_model_has_a_source(registry):
    """A parent that is not a shorter name of the entry (LLaMA-7B -> LLaMA) is a claim: it needs a source."""
    unsourced = []
    for entry in registry.entries.values():
        if entry.parent and not normalize(entry.name).startswith(normalize(entry.parent)):
            facts = [dict(s).get("facts", []) for s in entry.sources]
            if not any("parent" in f for f in facts):
                unsourced.append(entry.name)
    assert unsourced == []


def test_sources_are_urls_with_facts(registry):
    for entry in registry.entries.values():
        for source in entry.sources:
            source = dict(source)
            assert source["url"].startswith(("https://", "http://")), entry.name
            assert source["facts"], entry.name


# --- lineage and families ------------------------------------------------------------


@pytest.mark.parametrize("name, ancestor", [
    ("Vicuna-13B", "LLaMA"),
    ("vicuna-13b-v1.3", "LLaMA-13B"),
    ("vicuna-7b-v1.5", "LLaMA-2-7B"),
    ("Chinese-LLaMA-7B", "LLaMA"),
    ("Chinese-Alpaca-Plus-7B", "Chinese-LLaMA-Plus-7B"),
    ("Ziya-LLaMA-13B-v1", "LLaMA-13B"),
    ("Anima-33B", "LLaMA"),
    ("LLaVA-7B", "Vicuna-7B"),
    ("MiniGPT-4", "LLaMA"),
    ("CodeGeeX2", "ChatGLM2-6B"),
    ("hfl/chinese-roberta-wwm-ext", "BERT"),
    ("Flan-PaLM", "PaLM"),
    ("Flan-T5", "T5"),
    ("DeepSeek-Coder-Base-v1.5 7B", "DeepSeek-LLM-7B"),
    ("Galactica-30B", "Galactica"),
])
def test_lineage_reaches_the_model_built_on(registry, name, ancestor):
    chain = registry.chain(name)
    assert chain[0] == registry.canonical(name)
    assert ancestor in chain


@pytest.mark.parametrize("name, family", [
    ("Llama 3.1 8B", "LLaMA"),
    ("llama-2-7b", "LLaMA"),
    ("Llama 3 (LLaMA3-8B)", "LLaMA"),
    ("quzhe/llama_chinese_13B (LLaMA-2)", "LLaMA"),
    ("Ziya-LLaMA-13B-Pretrain-v1", "LLaMA"),
    ("Mistral-7B", "Mistral"),
    ("Mistral-7B-v0.2", "Mistral"),
    ("Qwen2.5-7B-Instruct", "Qwen"),
    ("ChatGPT", "GPT"),
    ("DistilRoBERTa", "RoBERTa"),
    ("CXR-BERT-specialized", "CXR-BERT"),
])
def test_family_is_the_root_or_the_declared_family(registry, name, family):
    assert registry.family(name) == family


def test_versions_are_family_members_not_false_children(registry):
    for version in ("LLaMA-2", "LLaMA-3", "LLaMA-3.1"):
        assert registry.entries[version].parent is None
        assert registry.entries[version].family == "LLaMA"


def test_organisations_and_languages_are_not_families(registry, catalog):
    families = {registry.family(b) for r in catalog.records for b in r.backbones if registry.canonical(b)}
    assert {"LLaMA", "BERT", "Mistral"} <= families
    assert not {"hfl", "quzhe", "Chinese", "Llama"} & families
    for word in ("hfl", "quzhe", "Chinese"):
        assert registry.canonical(word) is None


def test_unknown_names_have_no_lineage(registry):
    assert registry.chain("NoSuchModel-7B") == []
    assert registry.family("NoSuchModel-7B") is None


# --- the registry's own checks, on a small fictional registry -----------------------


FICTIONAL = [
    {"name": "Base", "parent": None},
    {"name": "Base-7B", "aliases": ["base7b-hf"], "parent": "Base"},
    {"name": "Base-2", "parent": None, "family": "Base"},
    {"name": "Child-7B", "aliases": ["child-7b-v1"], "parent": "Base-7B",
     "sources": [{"url": "https://example.org/child", "facts": ["parent"]}]},
]


def test_fictional_registry_lineage():
    reg = Registry.from_data(FICTIONAL)
    assert reg.problems() == []
    assert reg.chain("CHILD_7B_V1") == ["Child-7B", "Base-7B", "Base"]
    assert reg.family("child 7b") == "Base"
    assert reg.family("Base-2") == "Base"


def test_registry_problems_name_dangling_references_and_shared_spellings():
    reg = Registry.from_data(FICTIONAL + [
        {"name": "Orphan", "parent": "Nowhere"},
        {"name": "Stray", "parent": None, "family": "NoFamily"},
        {"name": "Copy", "aliases": ["Base 7B"], "parent": None},
    ])
    problems = "\n".join(reg.problems())
    assert "Orphan: names 'Nowhere'" in problems
    assert "Stray: names 'NoFamily'" in problems
    assert "spelling 'Base 7B' also belongs to Base-7B" in problems


# --- the validation check ------------------------------------------------------------


def _record(rid: str, backbones: list[str], **extra):
    data = {"id": rid, "name": extra.pop("name", rid.title()), "domains": ["medicine"],
            "modalities": ["language"], "backbones": backbones, **extra}
    return validate(data)


def test_backbone_problems_on_a_fictional_catalog():
    reg = Registry.from_data(FICTIONAL)
    records = [
        _record("good", ["Base-7B", "Child-7B"]),
        _record("aliased", ["base7b-hf"]),
        _record("on-a-record", ["MedModel"]),
        _record("medmodel", [], name="MedModel", aliases=["MM"]),
        _record("selfish", ["Selfish"]),
        _record("unknown", ["Mystery-13B", "Base"]),
    ]
    problems = backbone_problems([("cat.json", r) for r in records], reg)
    got = {(p.record, p.field): p.message for p in problems}
    assert set(got) == {("aliased", "backbones.0"), ("selfish", "backbones.0"), ("unknown", "backbones.0")}
    assert "'Base-7B'" in got[("aliased", "backbones.0")]
    assert "itself" in got[("selfish", "backbones.0")]
    assert "neither" in got[("unknown", "backbones.0")]
    assert all(p.file == "cat.json" for p in problems)


def test_backbone_problems_accepts_bare_records():
    reg = Registry.from_data(FICTIONAL)
    problems = backbone_problems([_record("x", ["Nope"])], reg)
    assert [(p.record, p.field) for p in problems] == [("x", "backbones.0")]


# --- the canonicalizing script -------------------------------------------------------


def test_canonical_list_rewrites_keeps_records_and_drops_repeats(script):
    reg = Registry.from_data(FICTIONAL)
    keys = script.record_keys([{"id": "medmodel", "name": "MedModel", "aliases": ["MM"]}])
    out, unknown = script.canonical_list(["base7b-hf", "BASE-7B", "mm", "Mystery"], reg, keys)
    assert out == ["Base-7B", "mm", "Mystery"]
    assert unknown == ["Mystery"]


@pytest.fixture
def tiny_repo(tmp_path):
    """A repository with the fictional registry, one overlay and one hand-curated file."""
    (tmp_path / "catalog" / "registry").mkdir(parents=True)
    (tmp_path / "curation" / "scientific").mkdir(parents=True)
    (tmp_path / "catalog" / "registry" / "backbones.json").write_text(json.dumps(FICTIONAL), encoding="utf-8")
    law = [{"id": "lawmodel", "name": "LawModel", "backbones": ["child-7b-v1", "MedModel"]},
           {"id": "medmodel", "name": "MedModel", "backbones": []}]
    (tmp_path / "catalog" / "law.json").write_text(json.dumps(law, indent=2) + "\n", encoding="utf-8")
    overlay = {"sci": {"backbones": ["base7b-hf"], "notes": {"backbones": "kept"}}}
    (tmp_path / "curation" / "scientific" / "x.json").write_text(json.dumps(overlay, indent=2) + "\n",
                                                                 encoding="utf-8")
    return tmp_path


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)


def test_script_check_reports_and_writes_nothing(tiny_repo):
    before = {p: p.read_bytes() for p in tiny_repo.rglob("*.json")}
    result = _run("--check", "--root", str(tiny_repo))
    assert result.returncode == 1
    assert "lawmodel" in result.stderr and "sci" in result.stderr
    assert {p: p.read_bytes() for p in tiny_repo.rglob("*.json")} == before


def test_script_rewrites_then_is_clean(tiny_repo):
    result = _run("--root", str(tiny_repo))
    assert result.returncode == 0, result.stderr
    law = json.loads((tiny_repo / "catalog" / "law.json").read_text(encoding="utf-8"))
    assert law[0]["backbones"] == ["Child-7B", "MedModel"]
    overlay = json.loads((tiny_repo / "curation" / "scientific" / "x.json").read_text(encoding="utf-8"))
    assert overlay["sci"] == {"backbones": ["Base-7B"], "notes": {"backbones": "kept"}}
    assert "import_awesome" in result.stderr
    assert _run("--check", "--root", str(tiny_repo)).returncode == 0


def test_script_fails_on_an_unknown_backbone(tiny_repo):
    path = tiny_repo / "catalog" / "law.json"
    law = json.loads(path.read_text(encoding="utf-8"))
    law[0]["backbones"] = ["Mystery-13B"]
    path.write_text(json.dumps(law, indent=2) + "\n", encoding="utf-8")
    result = _run("--root", str(tiny_repo))
    assert result.returncode == 1
    assert "Mystery-13B" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(path.read_text(encoding="utf-8"))[0]["backbones"] == ["Mystery-13B"]


def test_script_refuses_a_broken_registry(tiny_repo):
    reg = tiny_repo / "catalog" / "registry" / "backbones.json"
    reg.write_text(json.dumps(FICTIONAL + [{"name": "Orphan", "parent": "Nowhere"}]), encoding="utf-8")
    result = _run("--check", "--root", str(tiny_repo))
    assert result.returncode == 1 and "Orphan" in result.stderr
    reg.write_text("[{", encoding="utf-8")
    result = _run("--check", "--root", str(tiny_repo))
    assert result.returncode == 1 and "not valid JSON" in result.stderr and "Traceback" not in result.stderr
    shutil.rmtree(reg.parent)
    result = _run("--check", "--root", str(tiny_repo))
    assert result.returncode == 1 and "no backbone registry" in result.stderr


def test_script_check_on_the_repository_changes_nothing():
    files = [*(REPO / "curation" / "scientific").glob("*.json"), *(REPO / "catalog").glob("*.json")]
    before = [p.read_bytes() for p in files]
    result = _run("--check")
    assert "unknown backbone" in result.stderr and "Traceback" not in result.stderr
    assert [p.read_bytes() for p in files] == before
