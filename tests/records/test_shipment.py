"""Validating a raw record into a Shipment: what is accepted, and the input reason for the rest."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dualscreen.models import Action, Reason, ReasonKind, Shipment
from dualscreen.records.shipment import canonical_name, map_record, to_shipment
from dualscreen.records.sources import RawRecord

PARTY = {"exporter": "Acme Tools"}  # something to screen, so only the field under test matters


def validate(
    data: dict[str, Any],
    mapping: dict[str, str] | None = None,
    *,
    problem: str | None = None,
    problem_field: str | None = None,
    source: str = "shipments.csv",
) -> tuple[Shipment, dict[str, Any], list[Reason]]:
    raw = RawRecord(source, 7, data, problem, problem_field)
    return to_shipment(raw, mapping or {}, "default-7")


def by_field(reasons: list[Reason]) -> dict[str | None, str]:
    return {r.field: r.explanation for r in reasons}


# --- column names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        pytest.param("End User", "end_user", id="title-case-space"),
        pytest.param("end-user", "end_user", id="hyphen"),
        pytest.param("END_USER", "end_user", id="upper-underscore"),
        pytest.param("  Consignee ", "consignee", id="padded"),
        pytest.param("Destination \t Country", "destination_country", id="run-of-whitespace"),
        pytest.param("Invoice No.", "invoice_no.", id="not-a-field"),
    ],
)
def test_canonical_name_folds_case_spaces_and_hyphens(column: str, expected: str) -> None:
    assert canonical_name(column) == expected


@pytest.mark.parametrize(
    ("column", "raw", "field", "expected"),
    [
        pytest.param("ID", "S-1", "id", "S-1", id="id"),
        pytest.param("Exporter", "Acme Tools", "exporter", "Acme Tools", id="exporter"),
        pytest.param("CONSIGNEE", "Globex", "consignee", "Globex", id="consignee"),
        pytest.param("End User", "Initech", "end_user", "Initech", id="end_user"),
        pytest.param("intermediary", "Umbrella", "intermediary", "Umbrella", id="intermediary"),
        pytest.param("HS Code", "8471.30", "hs_code", "847130", id="hs_code"),
        pytest.param("Description", "laptops", "description", "laptops", id="description"),
        pytest.param("Origin Country", "us", "origin_country", "US", id="origin_country"),
        pytest.param("destination-country", "de", "destination_country", "DE", id="destination"),
        pytest.param("Control Code", "3a001", "control_code", "3A001", id="control_code"),
        pytest.param("License", "D123456", "license", "D123456", id="license"),
        pytest.param("Quantity", "12", "quantity", "12", id="quantity"),
        pytest.param("Unit", "pcs", "unit", "pcs", id="unit"),
        pytest.param("Value", "1500.50", "value", "1500.50", id="value"),
        pytest.param("Currency", "USD", "currency", "USD", id="currency"),
        pytest.param("Date", "2025-03-01", "date", date(2025, 3, 1), id="date"),
    ],
)
def test_each_field_is_read_from_its_column_in_any_spelling(
    column: str, raw: str, field: str, expected: object
) -> None:
    shipment, _, reasons = validate({**PARTY, column: raw})

    assert getattr(shipment, field) == expected
    assert reasons == []


def test_text_is_trimmed_and_whitespace_runs_collapsed() -> None:
    shipment, _, _ = validate({"Exporter": "  Acme \n\t Tools  ", "description": " a  b "})

    assert (shipment.exporter, shipment.description) == ("Acme Tools", "a b")


# --- --map ----------------------------------------------------------------------------------


def test_map_renames_a_source_column_to_a_field() -> None:
    shipment, record, reasons = validate(
        {"Buyer Name": "Globex", "Seller": "Acme Tools"},
        {"buyer_name": "consignee", "seller": "exporter"},
    )

    assert (shipment.consignee, shipment.exporter) == ("Globex", "Acme Tools")
    assert record == {"id": "default-7", "consignee": "Globex", "exporter": "Acme Tools"}
    assert reasons == []


def test_map_is_looked_up_before_the_column_name() -> None:
    # `--map "exporter=consignee"`: a column named like a field can be sent to another one.
    shipment, _, _ = validate({"Exporter": "Globex", "seller": "Acme"}, {"exporter": "consignee"})

    assert (shipment.consignee, shipment.exporter) == ("Globex", "")


def test_a_second_column_for_a_field_is_echoed_never_dropped() -> None:
    # `--map "Seller=exporter"` on a file that also has an `exporter` column after it: the
    # first column is screened (the docstring's rule), the second is echoed, neither is lost.
    shipment, record, _ = validate(
        {"Seller": "Globex Trading", "exporter": "Acme Tools"}, {"seller": "exporter"}
    )

    assert shipment.exporter == "Globex Trading"
    assert {"Globex Trading", "Acme Tools"} <= set(record.values())


def test_two_spellings_of_one_field_keep_both_values() -> None:
    shipment, record, _ = validate({"Consignee": "Globex Trading", "consignee": "Acme Tools"})

    assert shipment.consignee == "Globex Trading"
    assert {"Globex Trading", "Acme Tools"} <= set(record.values())


def test_map_record_keeps_columns_it_does_not_know() -> None:
    assert map_record({"End User": "x", "Invoice No": "9"}, {}) == {
        "end_user": "x",
        "Invoice No": "9",
    }


# --- hs_code --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("847130", "847130", id="six-digits"),
        pytest.param("8471.30", "847130", id="dotted"),
        pytest.param("8471 30 00", "84713000", id="spaced"),
        pytest.param("8471.30.00.00", "8471300000", id="ten-digits-dotted"),
        pytest.param(" 8471.30 ", "847130", id="padded"),
        pytest.param(847130, "847130", id="json-number"),
        pytest.param("", "", id="empty"),
    ],
)
def test_hs_code_with_separators_is_accepted_as_digits(raw: object, expected: str) -> None:
    shipment, _, reasons = validate({**PARTY, "hs_code": raw})

    assert shipment.hs_code == expected
    assert reasons == []


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("84713", id="five-digits"),
        pytest.param("84713000001", id="eleven-digits"),
        pytest.param("8471AB", id="letters"),
        pytest.param("HS 847130", id="prefix"),
        pytest.param(84713, id="five-digit-number"),
        pytest.param(8471.3, id="float-losing-a-zero"),
        pytest.param("８４７１３０", id="fullwidth-digits"),
        pytest.param("٨٤٧١٣٠", id="arabic-indic-digits"),
        pytest.param("847130²", id="superscript-digit"),
    ],
)
def test_hs_code_that_is_not_6_to_10_digits_gets_an_input_reason(raw: object) -> None:
    shipment, _, reasons = validate({**PARTY, "hs_code": raw})

    assert shipment.hs_code == ""
    (reason,) = reasons
    assert (reason.kind, reason.action, reason.field, reason.line) == (
        ReasonKind.INPUT,
        Action.FLAG,
        "hs_code",
        7,
    )
    assert reason.explanation.startswith("shipments.csv:7: hs_code ")


# --- countries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("de", "DE", id="lower-case"),
        pytest.param(" Id ", "ID", id="mixed-case-padded"),
        pytest.param("UA-43", "UA-43", id="subdivision"),
        pytest.param("ua-43", "UA-43", id="subdivision-lower-case"),
        pytest.param("XK", "XK", id="kosovo-user-assigned"),
    ],
)
@pytest.mark.parametrize("field", ["origin_country", "destination_country"])
def test_iso_country_codes_are_accepted_and_upper_cased(
    field: str, raw: str, expected: str
) -> None:
    shipment, _, reasons = validate({**PARTY, field: raw})

    assert getattr(shipment, field) == expected
    assert reasons == []


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("XX", id="unassigned"),
        pytest.param("Narnia", id="a-name"),
        pytest.param("USA", id="alpha-3"),
        pytest.param("XX-12", id="subdivision-of-no-country"),
        pytest.param("U", id="one-letter"),
    ],
)
@pytest.mark.parametrize("field", ["origin_country", "destination_country"])
def test_unknown_country_gets_an_input_reason_naming_field_and_line(field: str, raw: str) -> None:
    shipment, _, reasons = validate({**PARTY, field: raw})

    assert getattr(shipment, field) == ""
    (reason,) = reasons
    assert (reason.kind, reason.field, reason.value, reason.line) == (
        ReasonKind.INPUT,
        field,
        raw,
        7,
    )
    assert reason.explanation.startswith(f"shipments.csv:7: {field} {raw!r} is not")


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("2025-03-01", date(2025, 3, 1), id="iso-date"),
        pytest.param("2025-03-01T10:30:00Z", date(2025, 3, 1), id="iso-datetime"),
        pytest.param("", None, id="empty"),
    ],
)
def test_iso_dates_are_parsed(raw: str, expected: date | None) -> None:
    shipment, _, reasons = validate({**PARTY, "date": raw})

    assert shipment.date == expected
    assert reasons == []


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("01/03/2025", id="day-first"),
        pytest.param("2025-02-30", id="no-such-day"),
        pytest.param("March 1, 2025", id="words"),
        pytest.param("2025-3-1", id="no-padding"),
    ],
)
def test_a_date_that_is_not_iso_gets_an_input_reason(raw: str) -> None:
    shipment, _, reasons = validate({**PARTY, "date": raw})

    assert shipment.date is None
    assert list(by_field(reasons)) == ["date"]
    assert "is not an ISO date" in reasons[0].explanation


# --- JSON value types -----------------------------------------------------------------------


def test_json_numbers_become_text_and_are_echoed_as_given() -> None:
    data = {"id": 42, "hs_code": 847130, "quantity": 12, "value": 1500.5, **PARTY}

    shipment, record, reasons = validate(data)

    assert (shipment.id, shipment.hs_code, shipment.quantity, shipment.value) == (
        "42",
        "847130",
        "12",
        "1500.5",
    )
    assert record == {"id": "42", "hs_code": 847130, "quantity": 12, "value": 1500.5, **PARTY}
    assert reasons == []


def test_json_null_is_an_empty_field() -> None:
    shipment, _, reasons = validate({**PARTY, "consignee": None, "date": None})

    assert (shipment.consignee, shipment.date) == ("", None)
    assert reasons == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("consignee", ["Globex", "Initech"], id="list"),
        pytest.param("consignee", {"name": "Globex"}, id="object"),
        pytest.param("hs_code", True, id="bool"),
        pytest.param("date", False, id="false"),
    ],
)
def test_a_json_container_or_bool_in_a_field_gets_an_input_reason(field: str, value: Any) -> None:
    shipment, record, reasons = validate({**PARTY, field: value})

    assert getattr(shipment, field) in ("", None)
    (reason,) = reasons
    assert (reason.kind, reason.field, reason.line) == (ReasonKind.INPUT, field, 7)
    assert reason.explanation.startswith(f"shipments.csv:7: {field} must be text or a number")
    assert record[field] == value  # echoed as given, for the user to see


# --- records as a whole ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="empty"),
        pytest.param({"id": "S-1", "Notes": "call back", "license": "L1"}, id="no-party-no-goods"),
        pytest.param({"id": "S-1", "destination_country": "DE"}, id="only-a-country"),
        pytest.param({"exporter": " ", "hs_code": ""}, id="blank-party-and-goods"),
    ],
)
def test_a_record_with_nothing_to_screen_gets_an_input_reason(data: dict[str, Any]) -> None:
    _, _, reasons = validate(data)

    assert by_field(reasons) == {
        None: "shipments.csv:7: no party and no goods to screen; the record cannot be screened "
        "fully, check and re-run"
    }


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"end_user": "Initech"}, id="a-party"),
        pytest.param({"hs_code": "260400"}, id="an-hs-code"),
        pytest.param({"description": "nickel ore"}, id="a-description"),
        pytest.param({"control_code": "1C240"}, id="a-control-code"),
    ],
)
def test_one_party_or_one_goods_field_is_enough_to_screen(data: dict[str, Any]) -> None:
    assert validate(data)[2] == []


def test_a_read_problem_is_the_records_input_reason() -> None:
    _, _, reasons = validate(
        {"id": "S-1"}, problem="row has 1 fields, the header has 4", problem_field=None
    )

    (reason,) = reasons  # and not also "nothing to screen"
    assert (reason.kind, reason.action, reason.rule, reason.line) == (
        ReasonKind.INPUT,
        Action.FLAG,
        "input",
        7,
    )
    assert reason.explanation.startswith("shipments.csv:7: row has 1 fields, the header has 4")


def test_a_stdin_record_is_named_by_line_only() -> None:
    _, _, reasons = validate({**PARTY, "hs_code": "1"}, source="<stdin>")

    assert reasons[0].explanation.startswith("line 7: hs_code ")


def test_unknown_columns_are_echoed_back_after_the_id() -> None:
    data = {
        "Invoice No": "INV-9",
        "exporter": "Acme Tools",
        "End User": "Globex",
        "ID": "S-1",
        "Notes": "  kept as written  ",
    }

    _, record, _ = validate(data)

    assert list(record.items()) == [
        ("id", "S-1"),
        ("Invoice No", "INV-9"),
        ("exporter", "Acme Tools"),
        ("end_user", "Globex"),
        ("Notes", "  kept as written  "),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({"id": "S-1"}, "S-1", id="given"),
        pytest.param({"id": "  S-1 "}, "S-1", id="given-padded"),
        pytest.param({}, "default-7", id="missing"),
        pytest.param({"id": ""}, "default-7", id="empty"),
        pytest.param({"id": "   "}, "default-7", id="blank"),
        pytest.param({"id": None}, "default-7", id="null"),
    ],
)
def test_id_defaults_when_the_record_has_none(data: dict[str, Any], expected: str) -> None:
    shipment, record, _ = validate({**data, **PARTY})

    assert shipment.id == expected
    assert next(iter(record.items())) == ("id", expected)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2026-10-02", True),
        ("2026-10-02T08:30:00", True),
        ("2026-10-02 08:30:00+07:00", True),
        ("2025-03-01 junk", False),
        ("02/10/2026", False),
    ],
    ids=["date", "timestamp", "timestamp-with-offset", "trailing-junk", "us-format"],
)
def test_dates_must_be_iso(text: str, valid: bool) -> None:
    raw = RawRecord("t.csv", 2, {"exporter": "Acme", "date": text})
    shipment, _, reasons = to_shipment(raw, {}, "2")
    assert (shipment.date is not None) is valid
    assert any(r.field == "date" for r in reasons) is not valid
