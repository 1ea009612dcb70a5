"""Overview commands: the numbers behind each picture, and the pictures themselves."""

from __future__ import annotations

import json


def test_stats_json_counts(mini):
    data = json.loads(mini("stats", "--json").stdout)
    assert data["models"] == 9
    assert data["domain"]["medicine"] == 5 and data["domain"]["biology"] == 2
    assert data["modality"]["language"] == 8
    assert data["architecture"]["2.A"] == 2 and data["architecture"]["none"] == 1
    assert data["year"]["2024"] == 2
    assert data["kind"] == {"model": 8, "agent": 1}
    # LLaMA-2-13B, Llama 3.1 and LLaMA-30B are one family, counted once per model.
    assert data["backbone"]["LLaMA"] == 3


def test_stats_takes_filters(mini):
    data = json.loads(mini("stats", "--domain", "medicine", "--json").stdout)
    assert data["models"] == 5 and set(data["domain"]) == {"medicine", "biology"}


def test_stats_chart(mini):
    out = mini("stats").stdout
    assert "By domain" in out and "medicine" in out and "#####" in out


def test_taxonomy_grid_json(mini):
    data = json.loads(mini("taxonomy", "--json").stdout)
    cells = {c["type"]: c for c in data["cells"]}
    assert len(cells) == 12
    assert cells["2.A"]["count"] == 2 and cells["3.C"]["examples"] == ["ChemCLIP"]
    assert cells["1.A"]["strategy"].startswith("masked LM")
    assert data["untyped"] == 1


def test_taxonomy_picture(mini):
    out = mini("taxonomy").stdout
    assert "2.D" in out and "RadVision" in out and "fit no cell" in out


def test_taxonomy_one_cell(mini):
    result = mini("taxonomy", "2d", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["radvision"]
    assert mini("taxonomy", "2").exit_code == 2
    assert mini("taxonomy", "9.Z").exit_code == 2


def test_tree_follows_the_registry_chain(mini):
    """LLaMA-2-13B is a size of LLaMA-2, which is of the LLaMA family: the tree shows each step."""
    data = json.loads(mini("tree", "llama", "--json").stdout)
    assert data["name"] == "LLaMA"
    top = {v["name"]: v for v in data["children"]}
    assert set(top) == {"LLaMA-2", "LLaMA-3.1", "LLaMA-30B"}
    assert [n["name"] for n in top["LLaMA-2"]["children"]] == ["LLaMA-2-13B"]
    assert [m["id"] for m in top["LLaMA-2"]["children"][0]["children"]] == ["medllama-fixture"]
    assert [m["id"] for m in top["LLaMA-3.1"]["children"]] == ["radvision"]


def test_backbone_filter_and_tree_follow_lineage_through_vicuna(cli, tmp_path):
    records = [{"id": "vic-med", "name": "VicMed", "domains": ["medicine"], "modalities": ["language"],
                "backbones": ["Vicuna-13B"], "year": 2023}]
    f = tmp_path / "v.json"
    f.write_text(json.dumps(records))
    ids = [r["id"] for r in json.loads(cli("list", "--backbone", "llama", "--json", "--catalog", str(f),
                                           "--no-bundled").stdout)]
    assert ids == ["vic-med"]
    text = cli("tree", "llama", "--catalog", str(f), "--no-bundled").stdout
    assert text.index("Vicuna-13B") < text.index("VicMed")


def test_tree_follows_lineage(cli, tmp_path):
    records = [
        {"id": "base-x", "name": "BaseX", "domains": ["general"], "modalities": ["language"], "backbones": ["LLaMA-2-7B"], "year": 2023},
        {"id": "child-y", "name": "ChildY", "domains": ["medicine"], "modalities": ["language"], "backbones": ["BaseX"], "year": 2024},
    ]
    f = tmp_path / "c.json"
    f.write_text(json.dumps(records))
    data = json.loads(cli("tree", "llama", "--json", "--catalog", str(f), "--no-bundled").stdout)
    size = data["children"][0]["children"][0]
    assert (data["children"][0]["name"], size["name"]) == ("LLaMA-2", "LLaMA-2-7B")
    node = size["children"][0]
    assert node["id"] == "base-x" and node["children"][0]["id"] == "child-y"
    text = cli("tree", "llama", "--catalog", str(f), "--no-bundled").stdout
    assert text.index("BaseX") < text.index("ChildY")


def test_tree_unknown_family(mini):
    result = mini("tree", "nonexistentfamily")
    assert result.exit_code == 0 and "no catalogued model" in result.stderr


def test_timeline(mini):
    data = json.loads(mini("timeline", "--json").stdout)
    assert data["2023"] == {"general": 1, "medicine": 1, "biology": 1}
    assert list(data) == sorted(data)
    out = mini("timeline").stdout
    assert "2023" in out and "medicine 1" in out


def test_export_markdown(mini):
    out = mini("export", "--format", "markdown").stdout
    assert out.startswith("# Specialized language models")
    assert "## Medicine" in out and "### Language + vision" in out
    assert "- **TestBERT-Med** _TestBERT-Med: A Fixture Encoder for Clinical Notes_ `Workshop 2020` [Paper](https://example.org/testbert-med)" in out
    assert out.index("## Medicine") < out.index("## Law")


def test_export_filters(mini):
    out = mini("export", "--domain", "law").stdout
    assert "LawAgent" in out and "TestBERT" not in out


def test_views_reject_bad_filters(mini):
    for cmd in ("stats", "taxonomy", "timeline", "export"):
        assert mini(cmd, "--domain", "astrology").exit_code == 2


def test_shell_completion_of_values_and_names():
    from conftest import run_sllm

    domains = run_sllm(env={"_SLLM_COMPLETE": "complete_bash", "COMP_WORDS": "sllm list --domain me", "COMP_CWORD": "3"})
    assert domains.stdout.split() == ["medicine"]
    names = run_sllm(env={"_SLLM_COMPLETE": "complete_bash", "COMP_WORDS": "sllm show biomis", "COMP_CWORD": "2"})
    assert "biomistral" in names.stdout.split()
