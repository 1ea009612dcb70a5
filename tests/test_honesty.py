"""Filters say what they could not decide; mixture-of-experts labels are sizes."""

from __future__ import annotations

import pytest

from sllm.honesty import notes, unknown_for
from sllm.query import Query, build, select
from sllm.records import Record, Size
from sllm.sizes import SizeError, WantedSize, label_key, parse_bound, parse_size, parse_wanted


def rec(rid: str, sizes=(), open_weights=None, year=2023, domains=("medicine",)) -> Record:
    return Record(id=rid, name=rid.upper(), domains=list(domains), modalities=["language"],
                  sizes=[Size(label=l, parameters=p) for l, p in sizes], open_weights=open_weights, year=year)


RECORDS = [
    rec("big", [("13B", 13_000_000_000)], open_weights=True),
    rec("small", [("110M", 110_000_000)], open_weights=False),
    rec("nosize", [], open_weights=None),
    rec("moe", [("8x7B", None)], open_weights=True),
    rec("mixed", [("7B", 7_000_000_000), ("8x7B", None)], open_weights=True),
    rec("law-nosize", [], open_weights=None, domains=("law",)),
    rec("undated", [("7B", 7_000_000_000)], open_weights=True, year=None),
]


def left_out(**filters) -> dict[str, int]:
    return unknown_for(build(**filters), RECORDS)


def test_min_size_counts_the_models_of_unknown_size():
    # nosize and moe have no count at all; mixed has 7B (too small) and an uncounted 8x7B.
    assert [r.id for r in select(RECORDS, build(domain=["medicine"], min_size="10B"))] == ["big"]
    assert left_out(domain=["medicine"], min_size="10B") == {"size": 3}


def test_other_filters_still_apply_to_what_is_counted():
    """law-nosize lacks a size too, but the domain filter would leave it out anyway."""
    assert left_out(domain=["medicine"], min_size="10B")["size"] == 3
    assert left_out(min_size="10B")["size"] == 4


def test_weights_filters_count_unknown_weights():
    assert left_out(open_weights=False) == {"weights": 2}
    assert left_out(open_weights=True) == {"weights": 2}
    assert left_out(open_weights=True, domain=["law"]) == {"weights": 1}


def test_year_filters_count_undated_models():
    assert left_out(since=2020) == {"year": 1}


def test_a_model_lacking_two_fields_counts_under_both():
    assert left_out(open_weights=False, min_size="1B") == {"size": 2, "weights": 2}


def test_filters_that_test_no_missing_field_report_nothing():
    assert left_out() == {}
    assert left_out(domain=["law"]) == {}
    assert left_out(min_size="100M") == {"size": 3}  # moe and the two sizeless
    assert unknown_for(Query(), RECORDS) == {}


def test_a_model_that_matches_is_never_counted():
    """mixed has an uncounted 8x7B, but its 7B already matches: it is listed, not left out."""
    assert "mixed" in [r.id for r in select(RECORDS, build(min_size="1B"))]
    assert left_out(min_size="1B") == {"size": 3}  # nosize, moe, law-nosize
    assert left_out(min_size="1B", domain=["law"]) == {"size": 1}


def test_the_closed_weights_case_on_the_bundled_catalog():
    from sllm.catalog import load

    records = load(bundled=True, use_env=False).records
    unknown = sum(1 for r in records if r.open_weights is None)
    assert unknown_for(build(open_weights=False), records) == {"weights": unknown}


def test_notes_say_how_many_and_why():
    assert notes({"weights": 85, "size": 1}) == [
        "left out 1 model with a size without a known parameter count",
        "left out 85 models with no record of whether their weights are open",
    ]


# --- mixture-of-experts labels -----------------------------------------------------

def test_a_moe_label_is_a_size_matched_by_its_label():
    wanted = parse_wanted("8x7B")
    assert wanted == WantedSize(label="8x7b", parameters=None)
    assert wanted.matches(Size(label="8x7B", parameters=None))
    assert wanted.matches(Size(label="8x7B", parameters=46_700_000_000))
    assert not wanted.matches(Size(label="7B", parameters=7_000_000_000))
    assert not wanted.matches(Size(label="4x7B", parameters=None))


@pytest.mark.parametrize("text", ["8x7B", "8X7b", "8 x 7B", "8×7B"])
def test_moe_spellings(text):
    assert parse_wanted(text).label == "8x7b"


def test_a_moe_label_gives_no_count():
    """Per the catalog's rule, counts are read, never derived: 8x7B is not 56B."""
    assert parse_wanted("8x7B").parameters is None
    with pytest.raises(SizeError) as exc:
        parse_bound("8x7B", "--min-size")
    assert "not a parameter count" in str(exc.value) and "--size 8x7B" in str(exc.value)


def test_a_plain_size_matches_its_label_or_its_count():
    wanted = parse_wanted("2B")
    assert wanted.parameters == 2_000_000_000
    assert wanted.matches(Size(label="2B", parameters=2_700_000_000))  # CodeGen's 2B, as released
    assert wanted.matches(Size(label="2.0B", parameters=2_000_000_000))
    assert not wanted.matches(Size(label="3B", parameters=2_700_000_000))
    assert parse_wanted("Base").matches(Size(label="base", parameters=None))


def test_bad_sizes_still_say_what_is_right():
    with pytest.raises(SizeError) as exc:
        parse_wanted("banana")
    assert "cannot read size 'banana'" in str(exc.value) and "8x7B" in str(exc.value)
    assert parse_bound("7B") == parse_size("7B")


def test_label_key():
    assert label_key("8 x 7B") == label_key("8×7b") == "8x7b"
    assert label_key("Base") == "base"
