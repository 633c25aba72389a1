"""Properties of screening over arbitrary records, on the packaged rules and list snapshots.

For any records, junk included: exactly one decision per record, in order; the same decisions
every time and whatever the batch; a listed name added to a party never lowers a decision; and
whitespace or letter-case noise in party names and country codes never changes one.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dualscreen.countries import ISO_ALPHA2
from dualscreen.defaults import default_rules
from dualscreen.lists import load_lists
from dualscreen.models import (
    PARTY_FIELDS,
    SHIPMENT_FIELDS,
    Decision,
    EntityType,
    ReasonKind,
    Verdict,
)
from dualscreen.records import RawRecord, canonical_name
from dualscreen.rules import load_rules
from dualscreen.screening import Screener, decide

PROPERTIES = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
ON = date(2026, 11, 22)
PACKAGED_LISTS = Path(__file__).resolve().parents[2] / "lists"


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(load_rules([default_rules()]), load_lists([PACKAGED_LISTS]))


def _listed_names() -> list[str]:
    """Primary names of organisations on the packaged lists, as listed: what a listed party
    looks like in a record (a sample, so the strategy stays small)."""
    names = sorted(
        {
            e.name
            for lst in load_lists([PACKAGED_LISTS])
            for e in lst.entries
            if e.type is EntityType.ORGANIZATION and len(e.name.split()) > 1
        }
    )
    return random.Random(5).sample(names, 200)


LISTED = _listed_names()
INNOCENT = ["PT Kopi Toraja", "Acme Tools Inc", "Nusantara Elektronik", "Müller GmbH", "李华"]

# ---------------------------------------------------------------------------- strategies

scalar_junk = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
junk = st.recursive(
    scalar_junk,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
names = st.one_of(st.sampled_from(LISTED), st.sampled_from(INNOCENT), st.text(max_size=40), junk)
countries = st.one_of(
    st.sampled_from([*sorted(ISO_ALPHA2), "UA-43", "UA-40", "ua-14", "XX", "USA"]), junk
)
hs_codes = st.one_of(
    st.sampled_from(["260400", "2604.00", "750210", "847130", "283324", "810520", "090111"]),
    st.from_regex(r"[0-9. ]{0,12}", fullmatch=True),
    junk,
)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    **dict.fromkeys(PARTY_FIELDS, names),
    "hs_code": hs_codes,
    "description": st.one_of(st.sampled_from(["cobalt sulphate", "nickel ore"]), junk),
    "origin_country": countries,
    "destination_country": countries,
    "control_code": st.one_of(st.sampled_from(["", "EAR99", "1C240", "3A001"]), junk),
    "license": st.one_of(st.sampled_from(["", "D123456"]), junk),
    "quantity": junk,
    "date": st.one_of(st.dates().map(date.isoformat), junk),
}
unknown_keys = st.text(max_size=12).filter(lambda k: canonical_name(k) not in SHIPMENT_FIELDS)


def spellings(field: str) -> list[str]:
    """How a spreadsheet header may spell a canonical field."""
    spaced = field.replace("_", " ")
    return [field, field.upper(), spaced.title(), field.replace("_", "-"), f" {spaced} "]


@st.composite
def record_data(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field, values in VALUES.items():
        if draw(st.booleans()):
            data[draw(st.sampled_from(spellings(field)))] = draw(values)
    for key, value in draw(st.dictionaries(unknown_keys, junk, max_size=3)).items():
        data.setdefault(key, value)
    return data


@st.composite
def batches(draw: st.DrawFn) -> list[RawRecord]:
    """Records as a reader yields them: lines 1..n, an id `R-n` or none (the line is the id)."""
    out = []
    for line, data in enumerate(draw(st.lists(record_data(), min_size=1, max_size=8)), start=1):
        if draw(st.booleans()):
            data = {"id": f"R-{line}", **data}
        out.append(RawRecord("prop.jsonl", line, data))
    return out


def expected_id(raw: RawRecord) -> str:
    return str(raw.data.get("id", raw.line))


def outcome(decision: Decision) -> tuple[Any, ...]:
    """A decision without the echoed text: what it decided and on which rules and entries."""
    return (
        decision.decision,
        sorted(
            (r.kind, r.rule, r.action, r.field or "", r.entry_id or "") for r in decision.reasons
        ),
    )


# ---------------------------------------------------------------------------- properties


@PROPERTIES
@given(records=batches())
def test_exactly_one_decision_per_record_in_order(
    screener: Screener, records: list[RawRecord]
) -> None:
    decisions = list(screener.screen(records, on=ON))

    assert [d.id for d in decisions] == [expected_id(r) for r in records]
    for decision in decisions:
        assert decision.decision is decide(decision.reasons)
        if any(r.kind is ReasonKind.INPUT for r in decision.reasons):
            assert decision.decision is not Verdict.PASS  # unscreenable is never passed


@PROPERTIES
@given(records=batches())
def test_decisions_are_deterministic_and_independent_of_the_batch(
    screener: Screener, records: list[RawRecord]
) -> None:
    first = [(d.id, d.decision, d.reasons) for d in screener.screen(records, on=ON)]
    again = [(d.id, d.decision, d.reasons) for d in screener.screen(records, on=ON)]
    alone = [
        (d.id, d.decision, d.reasons)
        for d in (screener.screen_record(r, default_id=str(r.line), on=ON) for r in records)
    ]

    assert first == again == alone


def _key_for(data: dict[str, Any], field: str) -> str | None:
    """The key a record's `field` is read from: the first spelling of it, as mapping does."""
    return next((k for k in data if canonical_name(k) == field), None)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@PROPERTIES
@given(data=record_data(), name=st.sampled_from(LISTED), order=st.permutations(PARTY_FIELDS))
def test_adding_a_listed_name_to_a_party_never_lowers_the_decision(
    screener: Screener, data: dict[str, Any], name: str, order: list[str]
) -> None:
    empty = [f for f in order if _is_empty(data.get(_key_for(data, f) or f))]
    assume(empty)
    field = empty[0]
    before = screener.screen_record(RawRecord("prop", 1, data), on=ON)

    added = {**data, _key_for(data, field) or field: name}
    after = screener.screen_record(RawRecord("prop", 1, added), on=ON)

    assert after.decision.exit_code >= before.decision.exit_code
    assert after.decision is not Verdict.PASS, after.reasons
    assert any(r.kind is ReasonKind.PARTY and r.field == field for r in after.reasons)


def _case_noise(text: str, rnd: random.Random) -> str:
    """ASCII letters only: Unicode case mappings (ß -> SS, İ -> i̇) change a name, not its case."""
    return "".join(
        (c.upper() if rnd.random() < 0.5 else c.lower()) if c.isascii() else c for c in text
    )


def _space_noise(text: str, rnd: random.Random) -> str:
    runs = [" ", "  ", "\t", "\u00a0", " \t "]
    words = text.split()
    pad = [rnd.choice(["", *runs]) for _ in range(2)]
    return pad[0] + "".join(w + rnd.choice(runs) for w in words[:-1]) + "".join(words[-1:]) + pad[1]


@PROPERTIES
@given(data=record_data(), seed=st.integers(0, 2**32 - 1))
def test_whitespace_and_case_noise_never_change_a_decision(
    screener: Screener, data: dict[str, Any], seed: int
) -> None:
    rnd = random.Random(seed)
    noisy = dict(data)
    for key, value in data.items():
        field = canonical_name(key)
        if not isinstance(value, str) or _key_for(data, field) != key:
            continue
        if field in PARTY_FIELDS:
            noisy[key] = _space_noise(_case_noise(value, rnd), rnd)
        elif field in ("origin_country", "destination_country"):
            pad = rnd.choice(["", " ", "\t "])
            noisy[key] = pad + _case_noise(value, rnd) + rnd.choice(["", " "])

    clean = screener.screen_record(RawRecord("prop", 1, data), on=ON)
    shaken = screener.screen_record(RawRecord("prop", 1, noisy), on=ON)

    assert outcome(shaken) == outcome(clean)
