"""The packaged US–Indonesia rules pack, evaluated on single shipments (pure, no I/O)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dualscreen.defaults import default_rules
from dualscreen.lists.interface import make_list
from dualscreen.matching import NameMatcher
from dualscreen.models import (
    Action,
    EntityType,
    ListCategory,
    ListEntry,
    Reason,
    ReasonKind,
    RestrictedList,
    Shipment,
)
from dualscreen.rules import evaluate, load_rules
from dualscreen.rules.evaluate import in_region
from dualscreen.screening import decide

TODAY = date(2026, 11, 21)


def _list(
    tmp_path: Any, name: str, category: ListCategory, entries: list[ListEntry]
) -> RestrictedList:
    path = tmp_path / f"{name}.csv"
    path.write_text("x")
    return make_list(
        name=name,
        format="native-csv",
        category=category,
        source="test",
        path=path,
        files=[path],
        version=("2026-11-01", "file"),
        entries=entries,
    )


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> list[RestrictedList]:
    tmp = tmp_path_factory.mktemp("lists")
    sanctions = _list(
        tmp,
        "sanctions",
        ListCategory.SANCTIONS,
        [
            ListEntry(
                entry_id="306",
                name="BANCO NACIONAL DE CUBA",
                aliases=("BNC", "NATIONAL BANK OF CUBA"),
                programs=("CUBA",),
            ),
            ListEntry(entry_id="77", name="PUTIN, Vladimir Vladimirovich", type=EntityType.PERSON),
        ],
    )
    denied = _list(
        tmp,
        "denied",
        ListCategory.DENIED,
        [ListEntry(entry_id="D1", name="GLOBE METALS AB", end_date=date(2024, 3, 2))],
    )
    internal = _list(
        tmp, "internal", ListCategory.INTERNAL, [ListEntry(entry_id="W1", name="Red Flag Trading")]
    )
    return [sanctions, denied, internal]


@pytest.fixture(scope="module")
def run(lists: list[RestrictedList]) -> Any:
    rules = load_rules([default_rules()])
    matcher = NameMatcher(lists)

    def _run(**fields: Any) -> tuple[str, list[Reason]]:
        shipment = Shipment(id="t", **fields)
        reasons = evaluate(shipment, rules, lists, matcher, TODAY)
        return decide(reasons).value, reasons

    return _run


def kinds(reasons: list[Reason]) -> list[tuple[str, str, str]]:
    return [(r.kind.value, r.action.value, r.rule) for r in reasons]


def test_exact_sanctioned_name_blocks_with_entry_field_and_score(run: Any) -> None:
    decision, reasons = run(consignee="Banco Nacional de Cuba")
    assert decision == "block"
    party = reasons[0]
    assert (party.kind, party.action, party.rule) == (
        ReasonKind.PARTY,
        Action.BLOCK,
        "restricted-party",
    )
    assert (party.field, party.value, party.list, party.entry_id) == (
        "consignee",
        "Banco Nacional de Cuba",
        "sanctions",
        "306",
    )
    assert party.matched_name == "BANCO NACIONAL DE CUBA"
    assert party.score == 1.0
    assert "306" in party.explanation and "consignee" in party.explanation


def test_alias_match_blocks(run: Any) -> None:
    decision, reasons = run(end_user="National Bank of Cuba")
    assert decision == "block"
    assert reasons[0].matched_name == "NATIONAL BANK OF CUBA"


def test_one_word_alias_flags_but_never_blocks(run: Any) -> None:
    decision, reasons = run(end_user="bnc")
    assert decision == "flag"
    assert (reasons[0].matched_name, reasons[0].score) == ("BNC", 0.9)


def test_person_missing_middle_name_flags_but_does_not_block(run: Any) -> None:
    decision, reasons = run(end_user="Vladimir Putin")
    assert decision == "flag"
    assert reasons[0].entry_id == "77"
    assert reasons[0].score is not None and 0.88 <= reasons[0].score < 1.0


def test_one_typo_flags(run: Any) -> None:
    decision, reasons = run(exporter="Banco Nacional de Cubba")
    assert decision == "flag"
    assert reasons[0].entry_id == "306"


def test_expired_denial_order_flags_instead_of_blocking(run: Any) -> None:
    decision, reasons = run(consignee="Globe Metals AB")
    assert decision == "flag"
    assert "expired on 2024-03-02" in reasons[0].explanation


def test_internal_list_match_only_flags(run: Any) -> None:
    decision, reasons = run(consignee="RED FLAG TRADING")
    assert decision == "flag"
    assert reasons[0].rule == "internal-watch-list"


@pytest.mark.parametrize("country", ["KP", "IR", "CU", "UA-43", "UA-40", "UA-14", "UA-09", "IR-07"])
def test_comprehensive_embargo_blocks_any_goods(run: Any, country: str) -> None:
    decision, reasons = run(
        exporter="PT Kopi Toraja", hs_code="090111", destination_country=country
    )
    assert decision == "block"
    assert reasons[0].kind is ReasonKind.DESTINATION


def test_ukraine_outside_occupied_regions_is_not_embargoed(run: Any) -> None:
    decision, _ = run(exporter="PT Kopi Toraja", hs_code="090111", destination_country="UA")
    assert decision == "pass"


def test_indonesian_nickel_ore_export_blocks(run: Any) -> None:
    decision, reasons = run(
        hs_code="26040000", origin_country="ID", destination_country="CN", date=date(2026, 1, 5)
    )
    assert decision == "block"
    assert ("export_ban", "block", "id-nickel-ore-export-ban") in kinds(reasons)


def test_nickel_ore_exported_before_the_ban_is_only_monitored(run: Any) -> None:
    decision, reasons = run(
        hs_code="260400", origin_country="ID", destination_country="CN", date=date(2019, 12, 31)
    )
    assert decision == "pass"
    assert kinds(reasons) == [("commodity", "monitor", "critical-minerals")]


def test_bauxite_ban_starts_on_2023_06_10(run: Any) -> None:
    before, _ = run(hs_code="260600", origin_country="ID", date=date(2023, 6, 9))
    on, _ = run(hs_code="260600", origin_country="ID", date=date(2023, 6, 10))
    assert (before, on) == ("pass", "block")


def test_nickel_ore_of_another_origin_is_not_banned(run: Any) -> None:
    decision, _ = run(hs_code="260400", origin_country="PH", destination_country="CN")
    assert decision == "pass"


def test_unwrought_nickel_to_us_with_clean_parties_passes_as_monitored(run: Any) -> None:
    decision, reasons = run(
        exporter="PT Aneka Tambang Tbk",
        consignee="Westbrook Alloys LLC",
        hs_code="750210",
        origin_country="ID",
        destination_country="US",
    )
    assert decision == "pass"
    assert len(reasons) == 1
    assert (reasons[0].kind, reasons[0].mineral, reasons[0].stage) == (
        ReasonKind.COMMODITY,
        "nickel",
        "refined",
    )


def test_critical_minerals_to_russia_flag(run: Any) -> None:
    decision, reasons = run(hs_code="283324", origin_country="ID", destination_country="RU")
    assert decision == "flag"
    assert ("destination", "flag", "broad-restrictions-strategic") in kinds(reasons)


def test_ordinary_goods_to_russia_pass(run: Any) -> None:
    decision, reasons = run(hs_code="090111", origin_country="ID", destination_country="RU")
    assert (decision, reasons) == ("pass", [])


def test_controlled_item_without_licence_flags(run: Any) -> None:
    decision, reasons = run(
        hs_code="750400", control_code="1C240", origin_country="ID", destination_country="JP"
    )
    assert decision == "flag"
    assert ("control", "flag", "controlled-item-unlicensed") in kinds(reasons)


def test_controlled_item_with_licence_passes(run: Any) -> None:
    decision, _ = run(
        hs_code="750400", control_code="1C240", license="JP-2026-1", destination_country="JP"
    )
    assert decision == "pass"


def test_ear99_is_not_a_controlled_item(run: Any) -> None:
    decision, _ = run(hs_code="090111", control_code="EAR99", destination_country="CN")
    assert decision == "pass"


def test_controlled_item_to_arms_embargoed_destination_flags_even_with_licence(run: Any) -> None:
    decision, reasons = run(
        hs_code="848180", control_code="2B350", license="L-1", destination_country="SO"
    )
    assert decision == "flag"
    assert ("destination", "flag", "restricted-controlled") in kinds(reasons)


@pytest.mark.parametrize(
    ("description", "monitored"),
    [("Cobalt sulphate heptahydrate", True), ("Magnesium sulphate fertiliser", False)],
    ids=["cobalt-keyword", "no-keyword"],
)
def test_basket_code_needs_a_keyword_to_count_as_critical_mineral(
    run: Any, description: str, monitored: bool
) -> None:
    _, reasons = run(hs_code="283329", description=description)
    assert bool(reasons) is monitored


def test_most_specific_commodity_wins(run: Any) -> None:
    _, reasons = run(hs_code="8505110010", description="NdFeB magnets")
    assert reasons[0].explanation.startswith("HS 8505110010 is Permanent magnets of metal")


def test_reasons_are_worst_first(run: Any) -> None:
    _, reasons = run(consignee="Banco Nacional de Cuba", hs_code="260400", origin_country="ID")
    severities = [r.action.severity for r in reasons]
    assert severities == sorted(severities, reverse=True)


@pytest.mark.parametrize(
    ("code", "region", "inside"),
    [
        ("IR", "IR", True),
        ("IR-07", "IR", True),
        ("UA", "UA-43", False),
        ("UA-43", "UA-43", True),
        ("UA-40", "UA-43", False),
        ("IRQ", "IR", False),
    ],
)
def test_region_containment(code: str, region: str, inside: bool) -> None:
    assert in_region(code, region) is inside


SDN_SUB = "Specially Designated Nationals (SDN) - Treasury Department"
EL_SUB = "Entity List (EL) - Bureau of Industry and Security"
MEU_SUB = "Military End User (MEU) List - Bureau of Industry and Security"
SSI_SUB = "Sectoral Sanctions Identifications List (SSI) - Treasury Department"


@pytest.fixture(scope="module")
def csl_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    csl = _list(
        tmp_path_factory.mktemp("csl"),
        "us-csl",
        ListCategory.CONSOLIDATED,
        [
            ListEntry(entry_id="c1", name="Volga Nickel Holding", sub_list=SDN_SUB),
            ListEntry(
                entry_id="c2",
                name="Harbin Rare Metals Institute",
                sub_list=EL_SUB,
                license_requirement="For all items subject to the EAR.",
            ),
            ListEntry(entry_id="c3", name="Aviastar Components", sub_list=MEU_SUB),
            ListEntry(entry_id="c4", name="Sibir Tantalum", sub_list=SSI_SUB),
        ],
    )
    rules = load_rules([default_rules()])
    matcher = NameMatcher([csl])

    def _run(**fields: Any) -> tuple[str, list[Reason]]:
        reasons = evaluate(Shipment(id="t", **fields), rules, [csl], matcher, TODAY)
        return decide(reasons).value, [r for r in reasons if r.kind is ReasonKind.PARTY]

    return _run


@pytest.mark.parametrize(
    ("party", "destination", "decision", "rule"),
    [
        ("Volga Nickel Holding", "US", "block", "csl-blocking-lists"),
        ("Harbin Rare Metals Institute", "CN", "flag", "csl-entity-list"),
        ("Aviastar Components", "RU", "flag", "csl-military-end-user"),
        ("Aviastar Components", "JP", "pass", None),
        ("Sibir Tantalum", "DE", "flag", "csl-other-lists"),
    ],
    ids=[
        "sdn-blocks",
        "entity-list-flags",
        "meu-to-russia-flags",
        "meu-to-japan-passes",
        "ssi-flags",
    ],
)
def test_csl_hits_act_by_sub_list(
    csl_run: Any, party: str, destination: str, decision: str, rule: str | None
) -> None:
    got, reasons = csl_run(consignee=party, destination_country=destination)
    assert got == decision
    assert [r.rule for r in reasons] == ([rule] if rule else [])
    if reasons:
        assert reasons[0].sub_list is not None


def test_entity_list_hit_explains_the_licence_requirement(csl_run: Any) -> None:
    _, (reason,) = csl_run(end_user="Harbin Rare Metals Institute", destination_country="CN")
    assert "For all items subject to the EAR." in reason.explanation
    assert reason.sub_list == EL_SUB
