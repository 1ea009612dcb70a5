"""The licence table and --commercial: may these weights be used in a product?"""

from __future__ import annotations

import json

import pytest

from sllm.licenses import Table, load, permits_commercial


def _record(rid: str, access, license, **extra) -> dict:
    return {"id": rid, "name": rid.upper(), "domains": ["law"], "modalities": ["language"],
            "access": access, "license": license, **extra}


@pytest.fixture
def catalog(tmp_path, cli):
    records = [
        _record("permissive", "open", "apache-2.0"),
        _record("llamaish", "open-restricted", "llama2"),
        _record("nc-card", "open-noncommercial", "apache-2.0"),  # code licence, weights NC
        _record("nc-licence", "open", "cc-by-nc-4.0"),
        _record("unsettled", "open", "chatglm-6b"),
        _record("no-licence", "open", None),
        _record("api-only", "api", None),
    ]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(records))

    def invoke(*args: str):
        return cli(*args, "--catalog", str(path), "--no-bundled")

    return invoke


def _ids(result) -> set[str]:
    assert result.exit_code == 0, result.stderr
    return {r["id"] for r in json.loads(result.stdout)}


def test_commercial_keeps_open_weights_whose_licence_allows_it(catalog):
    result = catalog("list", "--commercial", "--json")
    assert _ids(result) == {"permissive", "llamaish"}
    # an unknown licence or terms that do not settle it are left out, and the user is told
    assert "2 records without known commercial terms left out by --commercial" in result.stderr


def test_non_commercial_names_weights_that_cannot_go_into_a_product(catalog):
    # access says non-commercial even where the card's licence tag is permissive; no weights: no product
    assert _ids(catalog("list", "--non-commercial", "--json")) == {"nc-card", "nc-licence", "api-only"}


def test_license_filter_takes_the_spellings_model_cards_use(catalog):
    assert _ids(catalog("list", "--license", "Apache 2.0", "--json")) == {"permissive", "nc-card"}
    assert _ids(catalog("list", "--license", "Llama 2 Community License", "--json")) == {"llamaish"}


def test_show_says_what_the_licence_allows(catalog):
    out = catalog("show", "llamaish").stdout
    assert "llama2 (commercial use allowed; acceptable use policy" in " ".join(out.split())
    out = " ".join(catalog("show", "nc-card").stdout.split())
    assert "apache-2.0 (no commercial use: access is open-noncommercial)" in out


def test_validate_names_licences_the_table_cannot_judge(tmp_path, cli):
    path = tmp_path / "c.json"
    path.write_text(json.dumps([_record("a", "open", "Apache 2.0"), _record("b", "open", "my-own-licence")]))
    result = cli("validate", str(path))
    assert result.exit_code == 1
    assert "a: license: the licence table spells 'Apache 2.0' as 'apache-2.0': write that" in result.stdout
    assert "b: license: 'my-own-licence' is not in catalog/registry/licenses.json" in result.stdout


def test_the_table_is_sourced_and_every_bundled_licence_is_in_it(cli):
    table = load()
    for entry in table.entries.values():
        assert entry.id == entry.id.lower() and " " not in entry.id
    raw = {e["id"]: e for e in json.loads(__import__("sllm.licenses", fromlist=["x"]).table_path().read_text())}
    for lid, entry in raw.items():
        if entry["commercial"] is not None:
            assert entry["sources"], f"{lid}: a commercial verdict needs the source it was read in"
    for r in json.loads(cli("list", "--json").stdout):
        if r["license"]:
            assert r["license"] in table.entries, r["id"]


def test_commercial_terms_follow_access_first():
    table = Table.from_data([{"id": "ok", "name": "OK", "commercial": True},
                             {"id": "nc", "name": "NC", "commercial": False},
                             {"id": "open-question", "name": "?", "commercial": None}])
    assert permits_commercial("open", "ok", table) is True
    assert permits_commercial("open-restricted", "OK", table) is True  # by name, too
    assert permits_commercial("open-noncommercial", "ok", table) is False
    assert permits_commercial("unreleased", None, table) is False
    assert permits_commercial("open", "nc", table) is False
    assert permits_commercial("open", "open-question", table) is None
    assert permits_commercial("open", "unknown-licence", table) is None
    assert permits_commercial(None, "ok", table) is None


def test_bundled_verdicts_read_from_licence_texts(cli):
    commercial = _ids(cli("list", "--commercial", "--json"))
    non = _ids(cli("list", "--non-commercial", "--json"))
    assert "codegeex" in non  # "solely for your non-commercial research purposes"
    assert "meditron" in commercial  # Llama 2 Community License
    assert not commercial & non


def test_validate_flags_unrestricted_access_under_a_noncommercial_licence(tmp_path, cli):
    path = tmp_path / "c.json"
    path.write_text(json.dumps([_record("a", "open", "cc-by-nc-4.0"), _record("b", "open-noncommercial", "cc-by-nc-4.0")]))
    result = cli("validate", str(path))
    assert "a: access: 'open' (unrestricted), but the licence 'cc-by-nc-4.0' allows no commercial use" in result.stderr + result.stdout
    assert "b: access" not in result.stderr + result.stdout
    assert cli("validate", str(path), "--strict").exit_code == 1
