"""Confidence and match detail on party reasons: they order and explain, never decide."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dualscreen.defaults import default_rules
from dualscreen.matching import NameMatcher
from dualscreen.models import Action, EntityType, ListCategory, ListEntry, Reason, Shipment
from dualscreen.rules import evaluate, load_rules
from tests.rules.test_evaluate import _list

TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    entries = [
        ListEntry(
            entry_id="R1",
            name="ZHAROV, Nikolai Petrovich",
            countries=("RU",),
            type=EntityType.PERSON,
        ),
        ListEntry(entry_id="R2", name="ZHAROV, Nikolai", countries=("RU",), type=EntityType.PERSON),
        ListEntry(
            entry_id="C1",
            name="SHENZHEN BRIGHT OPTICS CO., LTD.",
            countries=("CN",),
            type=EntityType.ORGANIZATION,
        ),
    ]
    lists = [_list(tmp_path_factory.mktemp("l"), "sanctions", ListCategory.SANCTIONS, entries)]
    rules = load_rules([default_rules()])
    matcher = NameMatcher(lists)

    def _run(**fields: Any) -> list[Reason]:
        return evaluate(Shipment(id="t", **fields), rules, lists, matcher, TODAY)

    return _run


def _on(reasons: list[Reason], entry_id: str) -> Reason:
    (reason,) = [r for r in reasons if r.entry_id == entry_id]
    return reason


@pytest.mark.parametrize(
    ("query", "entry_id", "action"),
    [
        pytest.param("Shenzhen Bright Optics Co Ltd", "C1", Action.BLOCK, id="exact-blocks"),
        pytest.param("Shenzhen Brigth Optics Co Ltd", "C1", Action.FLAG, id="typo-flags"),
    ],
)
def test_a_country_mismatch_lowers_the_confidence_but_never_the_score_or_action(
    run: Any, query: str, entry_id: str, action: Action
) -> None:
    home = _on(run(consignee=query, destination_country="CN"), entry_id)
    away = _on(run(consignee=query, destination_country="ID"), entry_id)
    unknown = _on(run(consignee=query), entry_id)
    assert home.action == away.action == unknown.action == action
    assert home.score == away.score == unknown.score
    assert home.confidence is not None and away.confidence is not None
    assert unknown.confidence is not None
    assert away.confidence < unknown.confidence < home.confidence < 1.0
    assert away.match is not None and away.match.country is not None
    assert not away.match.country.agrees
    assert "country: destination country ID vs listed CN, differs (-" in away.explanation


def test_the_exporter_is_compared_with_the_origin_country(run: Any) -> None:
    reason = _on(run(exporter="Shenzhen Bright Optics", origin_country="CN"), "C1")
    assert reason.match is not None and reason.match.country is not None
    assert reason.match.country.source == "origin_country" and reason.match.country.agrees


def test_party_reasons_of_a_rule_come_likeliest_first(run: Any) -> None:
    reasons = run(consignee="Nikolai Zharov")
    assert [r.entry_id for r in reasons] == ["R2", "R1"]  # exact, then the name with a middle
    assert [r.action for r in reasons] == [Action.BLOCK, Action.FLAG]
    flags = run(consignee="Nikolay Zharov", end_user="Nikolai Petrovich Zharov")
    confidences = [r.confidence or 0.0 for r in flags if r.action is Action.FLAG]
    assert confidences == sorted(confidences, reverse=True)


def test_the_explanation_says_the_confidence_and_the_match(run: Any) -> None:
    reason = _on(run(consignee="Nikolai Zharov"), "R1")
    assert reason.match is not None and reason.confidence is not None
    assert f"confidence {reason.confidence:.2f}" in reason.explanation
    assert "listed only: petrovich (middle name)" in reason.explanation
