"""Models users looked for and did not find (coverage, round 2): each is found by the name they typed."""

from __future__ import annotations

import json

import pytest

FOUND = {
    "Evo": "evo", "Evo 2": "evo-2", "TxGemma": "txgemma", "MedGemma": "medgemma", "Med42": "med42",
    "OpenBioLLM": "openbiollm", "Clinical Camel": "clinical-camel", "AlphaGeometry": "alphageometry",
    "FunSearch": "funsearch", "ChatDrug": "chatdrug", "DrugAssist": "drugassist", "ChatClimate": "chatclimate",
    "OpenCoder": "opencoder", "PanGu-Coder2": "pangu-coder2", "CodeRL": "coderl", "LongCoder": "longcoder",
}


@pytest.mark.parametrize("typed, expected", sorted(FOUND.items()))
def test_model_is_found_by_its_name(cli, typed, expected):
    result = cli("show", typed, "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["id"] == expected
    # round-2 standard: the facts a user pastes are there or their absence is stated
    assert record["languages"] and record["year"] and record["citation"]["authors"]
    assert record["sources"], "every fact has a recorded source"


def test_systems_built_around_language_models_are_agents_without_a_type(cli):
    for rid in ("alphageometry", "funsearch", "chatdrug", "chatclimate"):
        record = json.loads(cli("show", rid, "--json").stdout)
        assert record["kind"] == "agent" and record["architecture"] == [] and "kind" in record["notes"]
