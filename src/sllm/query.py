"""Filtering and sorting records, from one specification of every filter.

Each :class:`Filter` says how the option is spelled, how its values are parsed,
and how a record is tested. The CLI builds its options from :data:`FILTERS`, and
:func:`build` parses user input with the same entries, so a new filter is one
entry here. Repeating an option widens it (OR), different options narrow (AND).

A test answers True, False, or None when the record lacks the field the filter
needs (no parameter count, unknown weights, no year): such records are left out,
and :func:`select` counts them so that the user can be told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Sequence

from .messages import shown
from .records import Record, Size
from .sizes import SizeError, parse_size, same_label
from .vocab import (
    ACCESS,
    DOMAINS,
    EVIDENCE,
    KINDS,
    MODALITIES,
    TYPES,
    VocabularyError,
    resolve,
    resolve_type,
)

SORT_KEYS = ("name", "year", "size", "id")
MIN_YEAR, MAX_YEAR = 1950, 2100


class QueryError(ValueError):
    """Bad filter input; the message is one line that says what would be right."""


@dataclass(frozen=True)
class Filter:
    """One filter: its option, its parser and its test.

    ``parse`` turns the user's values (a tuple when ``many``, else one value) into
    what ``test`` takes; ``test(record, value)`` is True, False, or None when the
    record lacks ``needs``. Filters with ``per_size`` test one released size at a
    time, and all of them must hold for the same size.
    """

    name: str
    flags: tuple[str, ...]
    help: str
    parse: Callable[[Any], Any]
    test: Callable[[Any, Any], Optional[bool]]
    many: bool = False
    kind: type = str
    metavar: str = "TEXT"
    choices: Callable[[], Sequence[str]] | None = None
    needs: str = ""
    per_size: bool = False
    #: The test also takes the catalog's :class:`lineage.Lineage` (backbones of backbones).
    lineage: bool = False


def _vocab(field: str) -> Callable[[tuple[str, ...]], frozenset[str]]:
    return lambda values: frozenset(resolve(field, v) for v in values)


def _types(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for v in values for t in resolve_type(v))


def _size(value: str) -> int:
    return parse_size(value)


def _year(value: int) -> int:
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise QueryError(f"year {value} is out of range: use a year between {MIN_YEAR} and {MAX_YEAR}")
    return value


def _backbones(values: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    for b in values:
        if not tokens(b):
            raise QueryError(f"backbone '{shown(b)}' has no letters or digits: use a family name such as llama or bert")
    return tuple(tokens(b) for b in values)


def _any_of(attr: str) -> Callable[[Record, frozenset], Optional[bool]]:
    return lambda r, wanted: not wanted.isdisjoint(getattr(r, attr))


def _year_test(compare: Callable[[int, Any], bool]) -> Callable[[Record, Any], Optional[bool]]:
    return lambda r, v: None if r.year is None else compare(r.year, v)


def _count(size: Size) -> Optional[int]:
    """The read parameter count, else what the released label says (7B): for filtering
    only, never stored."""
    if size.parameters is not None:
        return size.parameters
    try:
        return parse_size(size.label)
    except SizeError:
        return None


def _sizes_test(wanted: tuple[tuple[str, Optional[int]], ...]) -> Callable[[Size], Optional[bool]]:
    """``--size``: the label as released (``8x7B``), or the count it names (``7B``)."""
    def test(s: Size) -> Optional[bool]:
        for label, count in wanted:
            if same_label(s.label, label):
                return True
            if count is not None and _count(s) == count:
                return True
        if all(count is None for _, count in wanted):
            return False  # labels alone (8x7B) decide it
        return None if _count(s) is None else False
    return test


def _parse_sizes(values: tuple[str, ...]) -> tuple[tuple[str, Optional[int]], ...]:
    out = []
    for v in values:
        try:
            out.append((v, parse_size(v)))
        except SizeError:
            from .sizes import is_moe_label

            if not is_moe_label(v):
                raise
            out.append((v, None))
    return tuple(out)


def _license(values: tuple[str, ...]) -> frozenset[str]:
    """Ids as the licence table spells them, so ``--license "Apache 2.0"`` finds apache-2.0."""
    from .licenses import load

    table = load()
    return frozenset((table.canonical(v) or v.strip()).casefold() for v in values)


def _language(values: tuple[str, ...]) -> frozenset[str]:
    from .vocab import resolve_language

    return frozenset(resolve_language(v) for v in values)


def _choice(what: str, value: str, valid: Sequence[str]) -> str:
    key = value.strip().casefold()
    if key not in valid:
        import difflib

        close = difflib.get_close_matches(key, valid, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise QueryError(f"unknown {what} '{shown(value)}': {hint}valid: {', '.join(valid)}")
    return key


def _access(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_choice("access", v, ACCESS) for v in values)


def _commercial_test(r: Record, wanted: bool) -> Optional[bool]:
    from .licenses import permits_commercial

    allowed = permits_commercial(r.access, r.license)
    return None if allowed is None else allowed is wanted


def _backbone_test(r: Record, wanted: tuple[tuple[str, ...], ...], lineage: Any) -> Optional[bool]:
    return any(family_match(q, tokens(b)) for q in wanted for b in lineage.ancestors(r))


FILTERS: tuple[Filter, ...] = (
    Filter("domain", ("--domain", "-d"), "Domain, e.g. medicine, chem, law (repeat for OR).",
           _vocab("domain"), _any_of("domains"), many=True, metavar="DOMAIN", choices=lambda: DOMAINS),
    Filter("modality", ("--modality", "-m"), "Modality, e.g. vision, protein, dna.",
           _vocab("modality"), _any_of("modalities"), many=True, metavar="MODALITY", choices=lambda: MODALITIES),
    Filter("type", ("--type", "-t"), "Architecture type: a cell 2.A / 2a, or a column 1, 2, 3.",
           _types, _any_of("architecture"), many=True, metavar="TYPE",
           choices=lambda: [*TYPES, "1", "2", "3"]),
    Filter("backbone", ("--backbone", "-b"),
           "Backbone family, following lineage: llama finds LLaMA, Llama 2, and models built on Vicuna.",
           _backbones, _backbone_test, many=True, metavar="FAMILY", choices=lambda: _backbone_names(),
           lineage=True),
    Filter("size", ("--size",), "A released size: 7B, 110M, Base, 8x7B.",
           _parse_sizes, lambda s, v: _sizes_test(v)(s), many=True, metavar="SIZE",
           needs="a known size", per_size=True),
    Filter("min_size", ("--min-size",), "Has a released size of at least this (1B, 500M).",
           _size, lambda s, v: None if _count(s) is None else _count(s) >= v, metavar="SIZE",
           needs="a known size", per_size=True),
    Filter("max_size", ("--max-size",), "Has a released size of at most this.",
           _size, lambda s, v: None if _count(s) is None else _count(s) <= v, metavar="SIZE",
           needs="a known size", per_size=True),
    Filter("year", ("--year",), "Year of the first public version (repeatable).",
           lambda vs: frozenset(_year(v) for v in vs), _year_test(lambda y, v: y in v), many=True, kind=int,
           metavar="YEAR", needs="a year"),
    Filter("since", ("--since",), "First public in or after this year.",
           _year, _year_test(lambda y, v: y >= v), kind=int, metavar="YEAR", needs="a year"),
    Filter("until", ("--until",), "First public in or before this year.",
           _year, _year_test(lambda y, v: y <= v), kind=int, metavar="YEAR", needs="a year"),
    Filter("kind", ("--kind",), "model, agent or service.",
           _vocab("kind"), lambda r, v: r.kind in v, many=True, metavar="KIND", choices=lambda: KINDS),
    Filter("open_weights", ("--open-weights/--closed-weights",),
           "Weights can (or cannot) be downloaded.",
           lambda v: v, lambda r, v: None if r.open_weights is None else r.open_weights is v, kind=bool,
           needs="known weights"),
    Filter("access", ("--access",), "open, open-restricted, open-noncommercial, api, hosted or unreleased.",
           _access, lambda r, v: None if r.access is None else r.access in v, many=True, metavar="ACCESS",
           choices=lambda: ACCESS, needs="a known access"),
    Filter("license", ("--license",), "Licence of the weights, e.g. apache-2.0, mit, llama2.",
           _license, lambda r, v: None if r.license is None else r.license.casefold() in v, many=True,
           metavar="LICENSE", choices=lambda: _license_ids(), needs="a known licence"),
    Filter("commercial", ("--commercial/--non-commercial",),
           "Open weights whose licence allows (or does not allow) commercial use, from the licence table.",
           lambda v: v, lambda r, v: _commercial_test(r, v), kind=bool, needs="known commercial terms"),
    Filter("evidence", ("--evidence",), "How the citation was checked: primary, corroborated or unconfirmed.",
           lambda vs: frozenset(_choice("evidence", v, EVIDENCE) for v in vs),
           lambda r, v: None if r.citation is None else r.citation.evidence in v, many=True, metavar="LEVEL",
           choices=lambda: EVIDENCE, needs="a citation"),
    Filter("language", ("--language", "-l"), "Natural language, ISO 639-1 or its name: zh, chinese, en.",
           _language, lambda r, v: None if not r.languages else not v.isdisjoint(r.languages), many=True,
           metavar="LANG", needs="known languages"),
)

BY_NAME = {f.name: f for f in FILTERS}


def _license_ids() -> list[str]:
    from .licenses import load

    return sorted(load().entries)


def _backbone_names() -> list[str]:
    from .backbones import load

    return sorted({b.family or b.name for b in load().entries.values()}, key=str.casefold)


@dataclass(frozen=True)
class Query:
    """Parsed filter values by filter name; an empty query matches everything."""

    values: tuple[tuple[str, Any], ...] = ()

    def __getitem__(self, name: str) -> Any:
        return dict(self.values).get(name)

    def is_empty(self) -> bool:
        return not self.values

    def test(self, r: Record, lineage: Any = None) -> tuple[bool, Optional[str]]:
        """(matches, the filter whose field the record lacks when it is left out for that)."""
        unknown = None
        sized = []
        for name, value in self.values:
            f = BY_NAME[name]
            if f.per_size:
                sized.append((f, value))
                continue
            if f.lineage:
                if lineage is None:
                    from .lineage import Lineage

                    lineage = Lineage([r])
                ok = f.test(r, value, lineage)
            else:
                ok = f.test(r, value)
            if ok is False:
                return False, None
            if ok is None and unknown is None:
                unknown = name
        if sized:
            results = [[f.test(s, v) for f, v in sized] for s in r.sizes]
            if not any(all(x is True for x in res) for res in results):
                lacking = not results or any(None in res and False not in res for res in results)
                if not lacking:
                    return False, None
                unknown = unknown or sized[0][0].name
        return (unknown is None), unknown

    def matches(self, r: Record) -> bool:
        return self.test(r)[0]


_TOKEN_RE = re.compile(r"[a-z]+|\d+(?:\.\d+)*[a-z]*")


def tokens(text: str) -> tuple[str, ...]:
    """``LLaMA-2-13B`` -> ('llama', '2', '13b'); ``Llama 3.1`` -> ('llama', '3.1')."""
    return tuple(_TOKEN_RE.findall(text.lower()))


def family_match(query: Sequence[str], backbone: Sequence[str]) -> bool:
    """``llama`` finds LLaMA, LLaMA-2, Llama 3.1; ``llama3`` finds Llama 3.1, not LLaMA-30B."""
    if not query:
        return False
    if "".join(query) == "".join(backbone):
        return True
    if len(query) > len(backbone):
        return False
    *head, last = query
    if list(backbone[: len(head)]) != head:
        return False
    part = backbone[len(head)]
    return part == last or (last[-1].isdigit() and part.startswith(last + "."))


def build(**given: Any) -> Query:
    """A :class:`Query` from user input by filter name, or :class:`QueryError` naming the bad value.

    ``None`` (or an empty list for a repeatable filter) means "not given", as the CLI passes it.
    """
    unknown = set(given) - set(BY_NAME)
    if unknown:
        raise TypeError(f"unknown filters: {sorted(unknown)}")
    values = []
    for f in FILTERS:
        raw = given.get(f.name)
        if raw is None or (f.many and not raw):
            continue
        if f.many and isinstance(raw, (str, int)):
            raw = (raw,)
        try:
            values.append((f.name, f.parse(tuple(raw) if f.many else raw)))
        except (VocabularyError, SizeError) as exc:
            raise QueryError(str(exc)) from None
    query = Query(tuple(values))
    lo, hi = query["min_size"], query["max_size"]
    if lo is not None and hi is not None and lo > hi:
        raise QueryError(f"--min-size {shown(given['min_size'])} is larger than --max-size "
                         f"{shown(given['max_size'])}: no model can match")
    if query["since"] is not None and query["until"] is not None and query["since"] > query["until"]:
        raise QueryError(f"--since {query['since']} is after --until {query['until']}: no model can match")
    return query


@dataclass
class Selection:
    """The records a query matched, and how many it left out for lack of a fact, by filter."""

    records: list[Record]
    unknown: dict[str, int]


def select(records: Iterable[Record], query: Query) -> list[Record]:
    return list(choose(records, query).records)


def choose(records: Iterable[Record], query: Query) -> Selection:
    if query.is_empty():
        everything = getattr(records, "everything", None)
        return Selection(everything() if everything is not None else list(records), {})
    lineaged = any(BY_NAME[name].lineage for name, _ in query.values)
    where = getattr(records, "where", None)  # a loaded catalog builds only the records that match
    if where is not None and not lineaged:
        left_out: dict[str, int] = {}

        def passes(r: Record) -> bool:
            ok, lacking = query.test(r)
            if not ok and lacking:
                left_out[lacking] = left_out.get(lacking, 0) + 1
            return ok

        return Selection(where(passes), left_out)
    records = list(records)
    lineage = None
    if lineaged:
        from .lineage import Lineage

        lineage = Lineage(records)
    chosen: list[Record] = []
    unknown: dict[str, int] = {}
    for r in records:
        ok, lacking = query.test(r, lineage)
        if ok:
            chosen.append(r)
        elif lacking:
            unknown[lacking] = unknown.get(lacking, 0) + 1
    return Selection(chosen, unknown)


def unknown_note(unknown: dict[str, int], query: Query = Query()) -> list[str]:
    """One line per filter that could not decide some records, named by the flag given."""
    out = []
    for name, count in unknown.items():
        f = BY_NAME[name]
        on, _, off = f.flags[0].partition("/")
        flag = off if off and query[name] is False else on
        out.append(f"{count} record{'s' if count != 1 else ''} without {f.needs} left out by {flag}")
    return out


def sort(records: list[Record], key: str = "name", reverse: bool = False) -> list[Record]:
    """Unknown values sort last whatever the direction: a missing year is not 0."""
    if key not in SORT_KEYS:
        raise QueryError(f"cannot sort by '{shown(key)}': use one of {', '.join(SORT_KEYS)}")
    # chosen catalog records are sorted on their columns, without being built
    views = records.views() if hasattr(records, "views") else records
    order = range(len(views))
    if key == "name":
        order = sorted(order, key=lambda k: (views[k].name.casefold(), views[k].id), reverse=reverse)
    elif key == "id":
        order = sorted(order, key=lambda k: views[k].id, reverse=reverse)
    else:
        if key == "year":
            values = [v.year for v in views]
        else:
            values = [max((s.parameters or 0 for s in v.sizes), default=0) or None for v in views]
        known = sorted((k for k in order if values[k] is not None),
                       key=lambda k: (values[k], views[k].name.casefold()), reverse=reverse)
        unknown = sorted((k for k in order if values[k] is None), key=lambda k: views[k].name.casefold())
        order = known + unknown
    take = getattr(records, "take", None)
    return take(order) if take is not None else [records[k] for k in order]
