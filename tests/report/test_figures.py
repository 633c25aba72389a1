from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from dualscreen.models import (
    Action,
    Decision,
    Reason,
    ReasonKind,
    ReviewNote,
    ReviewStatus,
    Verdict,
)
from dualscreen.report.figures import (
    FiguresBuilder,
    ListProvenance,
    Provenance,
    ReportFigures,
    parse_amount,
)

PROVENANCE = Provenance(
    source="screen",
    inputs=["test.csv"],
    as_of=dt.date(2026, 11, 1),
    lists=[
        ListProvenance(name="ofac-sdn", version="2024-05-03", sha256="a" * 64),
        ListProvenance(name="un-consolidated", version="2026-02-27", sha256="b" * 64),
    ],
    rules_files=[],
    rules_sha256=["c" * 64],
    generated_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    dualscreen_version="0.1.0",
)


def mineral(name: str, stage: str) -> Reason:
    return Reason(
        kind=ReasonKind.COMMODITY,
        action=Action.MONITOR,
        rule="critical-minerals",
        explanation=f"{name} {stage}",
        mineral=name,
        stage=stage,
    )


def party(action: Action, list_name: str = "ofac-sdn", **extra: Any) -> Reason:
    return Reason(
        kind=ReasonKind.PARTY,
        action=action,
        rule="restricted-party",
        explanation="matches",
        field="consignee",
        value="Banco Nacional de Cuba",
        list=list_name,
        list_version={"ofac-sdn": "2024-05-03", "un-consolidated": "2026-02-27"}[list_name],
        entry_id="306",
        matched_name="BANCO NACIONAL DE CUBA",
        score=1.0,
        programs=("CUBA",),
        **extra,
    )


def destination_block() -> Reason:
    return Reason(
        kind=ReasonKind.DESTINATION,
        action=Action.BLOCK,
        rule="embargo-comprehensive",
        explanation="embargo",
    )


def decision(
    id: str, verdict: Verdict, reasons: tuple[Reason, ...] = (), **record: str
) -> Decision:
    return Decision(id=id, decision=verdict, reasons=reasons, record={"id": id, **record})


def build(decisions: list[Decision], max_details: int = 1000) -> ReportFigures:
    builder = FiguresBuilder(max_details=max_details)
    for d in decisions:
        builder.add(d)
    return builder.build(PROVENANCE)


def test_totals_add_up_to_the_records_in() -> None:
    figures = build(
        [
            decision("1", Verdict.PASS, destination_country="JP"),
            decision("2", Verdict.PASS, (mineral("nickel", "ore"),), destination_country="jp"),
            decision("3", Verdict.FLAG, (party(Action.FLAG),), destination_country="US"),
            decision("4", Verdict.BLOCK, (destination_block(),), destination_country="KP"),
            decision("5", Verdict.BLOCK, (party(Action.BLOCK),)),
        ]
    )
    assert figures.records == 5
    assert figures.decisions == {"pass": 2, "flag": 1, "block": 2}
    assert figures.monitored_passes == 1
    assert sum(d.records for d in figures.by_destination) == 5
    assert {d.destination: d.records for d in figures.by_destination} == {
        "JP": 2,  # `jp` cleaned as screening cleans it
        "US": 1,
        "KP": 1,
        "": 1,
    }
    lists = {lst.name: lst for lst in figures.by_list}
    assert (lists["ofac-sdn"].records, lists["ofac-sdn"].block, lists["ofac-sdn"].flag) == (2, 1, 1)
    assert lists["un-consolidated"].records == 0  # screened against, never hit: still shown
    rules = {r.rule: r for r in figures.by_rule}
    assert rules["restricted-party"].actions == {"block": 1, "flag": 1, "monitor": 0}
    assert figures.details.shown == 3 and figures.details.omitted == 0
    assert [r.id for r in figures.details.records] == ["3", "4", "5"]


def test_quantities_and_values_are_never_added_across_units_or_currencies() -> None:
    nickel = (mineral("nickel", "refined"),)
    figures = build(
        [
            decision(
                "1", Verdict.PASS, nickel, quantity="10", unit="t", value="100", currency="USD"
            ),
            decision(
                "2", Verdict.PASS, nickel, quantity="5.5", unit="t", value="50", currency="EUR"
            ),
            decision(
                "3", Verdict.PASS, nickel, quantity="2000", unit="kg", value="25", currency="usd"
            ),
            decision("4", Verdict.PASS, nickel, quantity="1,200", unit="t", value="7"),
            decision("5", Verdict.PASS, nickel, quantity="3"),
        ]
    )
    group = figures.monitoring.by_stage[0]
    assert (group.mineral, group.stage, group.records) == ("nickel", "refined", 5)
    assert {q.unit: (q.total, q.records) for q in group.quantities} == {
        "t": (Decimal("15.5"), 2),
        "kg": (Decimal("2000"), 1),
    }
    assert {v.currency: (v.total, v.records) for v in group.values} == {
        "USD": (Decimal("125"), 2),  # a currency is an ISO code: `usd` is USD
        "EUR": (Decimal("50"), 1),
    }
    # `1,200` is refused rather than guessed; a quantity without a unit is not added up.
    assert group.without_quantity == 2 and group.without_value == 2
    assert figures.monitoring.totals.quantities == group.quantities
    dumped = figures.model_dump(mode="json")["monitoring"]["by_stage"][0]
    assert dumped["quantities"] == [
        {"unit": "t", "total": 15.5, "records": 2},
        {"unit": "kg", "total": 2000, "records": 1},
    ]


def test_monitoring_groups_minerals_stages_routes_and_dual_use() -> None:
    figures = build(
        [
            decision(
                "1",
                Verdict.PASS,
                (mineral("nickel", "ore"),),
                origin_country="ID",
                destination_country="CN",
            ),
            decision(
                "2",
                Verdict.BLOCK,
                (mineral("nickel", "ore"), destination_block()),
                origin_country="ID",
                destination_country="CN",
            ),
            decision(
                "3",
                Verdict.PASS,
                (mineral("cobalt", "refined"),),
                origin_country="ID",
                destination_country="JP",
                control_code="1c240",
            ),
            decision(
                "4",
                Verdict.FLAG,
                (),
                origin_country="US",
                destination_country="JP",
                control_code="3A001",
            ),
            decision("5", Verdict.PASS, (), control_code="EAR99"),  # not controlled
            decision("6", Verdict.PASS, ()),  # nothing to monitor
        ]
    )
    m = figures.monitoring
    assert (m.records, m.critical_mineral_records, m.dual_use_records) == (4, 3, 2)
    assert [(x.mineral, x.records) for x in m.by_mineral] == [("nickel", 2), ("cobalt", 1)]
    assert [(x.country, x.records) for x in m.by_origin] == [("ID", 3), ("US", 1)]
    assert [(x.control_code, x.records) for x in m.by_control_code] == [("1C240", 1), ("3A001", 1)]
    nickel_flow = m.flows[0]
    assert (
        nickel_flow.mineral,
        nickel_flow.stage,
        nickel_flow.origin,
        nickel_flow.destination,
    ) == (
        "nickel",
        "ore",
        "ID",
        "CN",
    )
    assert nickel_flow.decisions == {"pass": 1, "flag": 0, "block": 1}
    assert sum(f.records for f in m.flows) == m.records == m.totals.records
    dual_only = next(f for f in m.flows if f.control_code == "3A001")
    assert dual_only.mineral == "" and dual_only.stage == ""


def test_details_are_capped_but_totals_count_every_record() -> None:
    flagged = [decision(str(i), Verdict.FLAG, (party(Action.FLAG),)) for i in range(5)]
    figures = build([decision("p", Verdict.PASS), *flagged], max_details=2)
    assert figures.decisions == {"pass": 1, "flag": 5, "block": 0}
    assert (figures.details.shown, figures.details.omitted, figures.details.limit) == (2, 3, 2)
    assert [r.id for r in figures.details.records] == ["0", "1"]
    assert {lst.name: lst.hits for lst in figures.by_list}["ofac-sdn"] == 5


def test_detail_holds_the_match_beside_the_record() -> None:
    figures = build(
        [
            decision(
                "1",
                Verdict.BLOCK,
                (party(Action.BLOCK),),
                consignee="Banco Nacional de Cuba",
                hs_code="282200",
                value="610000",
                currency="USD",
                custom="kept out",
            )
        ]
    )
    detail = figures.details.records[0]
    assert detail.parties == {"consignee": "Banco Nacional de Cuba"}
    assert detail.goods == {"hs_code": "282200", "value": "610000", "currency": "USD"}
    match = detail.matches[0]
    assert (match.list, match.entry_id, match.matched_name, match.programs, match.score) == (
        "ofac-sdn",
        "306",
        "BANCO NACIONAL DE CUBA",
        ("CUBA",),
        1.0,
    )
    assert (match.field, match.value) == ("consignee", "Banco Nacional de Cuba")


def test_a_cleared_hit_is_shown_but_not_counted() -> None:
    note = ReviewNote(
        status=ReviewStatus.CLEARED, reviewer="ana", reason="other bank", date=dt.date(2026, 1, 1)
    )
    figures = build([decision("1", Verdict.PASS, (party(Action.FLAG, review=note),))])
    ofac = next(lst for lst in figures.by_list if lst.name == "ofac-sdn")
    assert (ofac.records, ofac.hits, ofac.cleared) == (0, 0, 1)
    rule = figures.by_rule[0]
    assert (rule.records, rule.cleared) == (0, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12000", Decimal("12000")),
        (" 9100000.50 ", Decimal("9100000.50")),
        ("1e3", Decimal("1000")),
        ("-2", Decimal("-2")),
        ("1,200", None),
        ("1.200,5", None),
        ("NaN", None),
        ("Infinity", None),
        ("12 t", None),
        ("", None),
    ],
    ids=lambda v: repr(v),
)
def test_parse_amount(text: str, expected: Decimal | None) -> None:
    assert parse_amount(text) == expected


def test_the_json_is_the_model() -> None:
    figures = build(
        [decision("1", Verdict.PASS, (mineral("nickel", "ore"),), quantity="1", unit="t")]
    )
    again = ReportFigures.model_validate_json(figures.model_dump_json())
    assert again.records == 1 and again.monitoring.by_mineral[0].quantities[0].total == 1
