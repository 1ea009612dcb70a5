"""Property-based tests: parsers and the loader never crash, whatever they are fed."""

from __future__ import annotations

import json
import resource
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sllm.catalog import CatalogError, parse
from sllm.query import QueryError, build, family_match, tokens
from sllm.resolve import Index, ResolveError, normalize
from sllm.sizes import SizeError, format_parameters, parse_size
from sllm.vocab import DOMAINS, VocabularyError, resolve, resolve_type

UNITS = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}


# --- sizes -----------------------------------------------------------------------

@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(sorted(UNITS)), st.booleans())
def test_size_integers_round_trip(n, unit, lower):
    label = f"{n}{unit.lower() if lower else unit}"
    assert parse_size(label) == n * UNITS[unit]


@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=99), st.sampled_from("MB"))
def test_size_decimals_are_exact(whole, frac, unit):
    if whole == 0 and frac == 0:
        return
    label = f"{whole}.{frac:02d}{unit}"
    assert parse_size(label) == (whole * 100 + frac) * UNITS[unit] // 100


@given(st.integers(min_value=1000, max_value=10**13))
def test_format_then_parse_is_close(n):
    # The short form keeps one decimal, so it may round, but never by more than 5%.
    back = parse_size(format_parameters(n))
    assert abs(back - n) <= 0.05 * n


@given(st.text(max_size=60))
def test_size_parser_never_crashes(text):
    try:
        value = parse_size(text)
    except SizeError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert value > 0


# --- filters ---------------------------------------------------------------------

@given(st.sampled_from(DOMAINS), st.sampled_from([str.upper, str.title, str.lower, lambda s: f"  {s} "]))
def test_domain_spellings(domain, spell):
    assert resolve("domain", spell(domain)) == domain


@given(st.text(max_size=40))
def test_vocabulary_never_crashes(text):
    for field in ("domain", "modality", "kind"):
        try:
            resolve(field, text)
        except VocabularyError as exc:
            assert "valid:" in str(exc) and "\n" not in str(exc)


@given(st.sampled_from("123"), st.sampled_from("abcdABCD"), st.sampled_from(["", ".", "-", " ", "_"]))
def test_type_spellings(col, row, sep):
    assert resolve_type(f"{col}{sep}{row}") == (f"{col}.{row.upper()}",)


@given(st.text(max_size=20))
def test_type_parser_never_crashes(text):
    try:
        codes = resolve_type(text)
    except VocabularyError:
        return
    assert codes and all(len(c) == 3 for c in codes)


@given(
    domain=st.lists(st.text(max_size=12), max_size=3),
    size=st.lists(st.text(max_size=8), max_size=2),
    min_size=st.none() | st.text(max_size=8),
    max_size=st.none() | st.text(max_size=8),
    year=st.lists(st.integers(min_value=-10**6, max_value=10**6), max_size=2),
    backbone=st.lists(st.text(max_size=12), max_size=2),
)
def test_query_builder_fails_only_with_query_error(domain, size, min_size, max_size, year, backbone):
    try:
        build(domain=domain, size=size, min_size=min_size, max_size=max_size, year=year, backbone=backbone)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)


@given(st.from_regex(r"[A-Za-z]{2,8}", fullmatch=True), st.integers(1, 9), st.integers(1, 99))
def test_family_match_finds_versions_not_sizes(word, version, size):
    assert family_match(tokens(word), tokens(f"{word}-{version}-{size}B"))
    assert family_match(tokens(f"{word}{version}"), tokens(f"{word} {version}.1"))
    if str(size).startswith(str(version)) and size != version:
        assert not family_match(tokens(f"{word}{version}"), tokens(f"{word}-{size}B"))


# --- names -------------------------------------------------------------------------

@given(st.text(max_size=80))
def test_normalize_is_idempotent_and_case_blind(text):
    once = normalize(text)
    assert normalize(once) == once
    assert normalize(text.upper()) == normalize(text.lower()) or not text.isascii()


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9]{1,10}", fullmatch=True), st.sampled_from([" ", "-", "_", ""]))
def test_separators_do_not_matter(name, sep):
    from sllm.records import Record

    rec = Record(id="x", name=name, domains=["general"], modalities=["language"])
    index = Index.build([rec])
    spaced = sep.join(name[i:i + 2] for i in range(0, len(name), 2))
    assert index.resolve(spaced.swapcase()).record.id == "x"


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(st.text(max_size=300))
def test_resolver_never_crashes(text):
    from sllm.records import Record

    index = Index.build([Record(id="bio-x", name="BioX", domains=["biology"], modalities=["protein"])])
    try:
        index.resolve(text)
    except ResolveError as exc:
        assert str(exc)


# --- the loader ------------------------------------------------------------------

RECORD = {"id": "m", "name": "M", "domains": ["law"], "modalities": ["language"]}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150)
@given(st.dictionaries(st.sampled_from(sorted({*RECORD, "sizes", "year", "citation", "arxiv", "kind", "extra"})), json_values))
def test_loader_rejects_wrong_types_with_located_messages(patch):
    data = json.dumps([{**RECORD, **patch}]).encode()
    try:
        records = parse(data, "fuzz.json")
    except CatalogError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file == "fuzz.json" and p.message
    else:
        assert len(records) == 1


@settings(max_examples=100)
@given(st.binary(max_size=200))
def test_loader_survives_arbitrary_bytes(blob):
    try:
        parse(blob, "bytes.json")
    except CatalogError as exc:
        assert exc.problems


def _bounded(data: bytes, seconds: float = 5.0, extra_mb: int = 400):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(CatalogError) as exc:
        parse(data, "hostile.json")
    elapsed = time.perf_counter() - start
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert elapsed < seconds, elapsed
    assert grown_mb < extra_mb, grown_mb
    return exc.value


def test_deep_nesting_is_rejected_quickly():
    err = _bounded(b"[" * 100_000 + b"]" * 100_000)
    assert "nesting" in str(err) or "JSON" in str(err)


def test_deep_nesting_inside_a_record():
    deep = '{"a":' * 50_000 + "1" + "}" * 50_000
    _bounded(('[{"id": "m", "name": "M", "notes": ' + deep + "}]").encode())


def test_huge_string_is_rejected_with_a_message():
    err = _bounded(json.dumps([{**RECORD, "name": "x" * 50_000_000}]).encode(), seconds=10)
    assert "m: name" in str(err)


def test_many_bad_records_are_summarised():
    data = json.dumps([{**RECORD, "id": f"r{i}", "domains": ["nope"]} for i in range(20_000)]).encode()
    err = _bounded(data, seconds=10)
    assert 0 < len(err.problems) <= 200


def test_wrong_shapes():
    for blob, expect in [(b"{}", "JSON array"), (b'"text"', "JSON array"), (b"[1, 2]", "record #1"), (b"", "not valid JSON")]:
        with pytest.raises(CatalogError) as exc:
            parse(blob, "x.json")
        assert expect in str(exc.value)


@given(st.lists(st.text(max_size=30), max_size=30))
def test_normalizing_many_names_at_once_equals_one_by_one(texts):
    from sllm.resolve import normalize_many

    assert normalize_many(texts) == [normalize(t) for t in texts]
