"""The library pipeline: one decision per record, in order, the worst action deciding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dualscreen import Screener, decide
from dualscreen.defaults import default_rules
from dualscreen.lists import load_lists
from dualscreen.models import Action, Reason, ReasonKind
from dualscreen.records import RawRecord
from dualscreen.rules import load_rules


def reason(action: Action) -> Reason:
    return Reason(kind=ReasonKind.COMMODITY, action=action, rule="r", explanation="e")


@pytest.mark.parametrize(
    ("actions", "verdict"),
    [
        ([], "pass"),
        ([Action.MONITOR], "pass"),
        ([Action.MONITOR, Action.FLAG], "flag"),
        ([Action.BLOCK, Action.FLAG, Action.MONITOR], "block"),
    ],
    ids=["no-reasons", "monitor-passes", "flag", "block-wins"],
)
def test_worst_action_decides(actions: list[Action], verdict: str) -> None:
    assert decide(reason(a) for a in actions).value == verdict


@pytest.fixture(scope="module")
def screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    path = tmp_path_factory.mktemp("l") / "watch.csv"
    path.write_text("id,name\nW1,Acme Proliferation Front\n", encoding="utf-8")
    return Screener(load_rules([default_rules()]), load_lists([path]))


def raw(line: int, **data: Any) -> RawRecord:
    return RawRecord("test", line, data)


def test_records_in_equal_decisions_out_in_order(screener: Screener) -> None:
    records = [
        raw(2, id="a", exporter="Acme Proliferation Front"),
        RawRecord("test", 3, problem="invalid JSON"),
        raw(4, id="c", hs_code="260400", origin_country="ID"),
        raw(5),
    ]
    out = list(screener.screen(records))
    assert [(d.id, d.decision.value) for d in out] == [
        ("a", "flag"),
        ("3", "flag"),
        ("c", "block"),
        ("5", "flag"),
    ]
    assert out[1].reasons[0].kind is ReasonKind.INPUT
    assert out[1].reasons[0].line == 3
    assert "no party and no goods" in out[3].reasons[0].explanation


def test_a_record_that_breaks_evaluation_is_flagged_not_lost(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> list[Reason]:
        raise RuntimeError("boom")

    monkeypatch.setattr("dualscreen.screening.evaluate", explode)
    (decision,) = screener.screen([raw(2, exporter="Acme")])
    assert decision.decision.value == "flag"
    assert decision.reasons[0].rule == "internal-error"
    assert "boom" in decision.reasons[0].explanation


def test_screen_record_is_deterministic(screener: Screener) -> None:
    record = raw(2, consignee="Acme Proliferation Front Ltd", hs_code="750210")
    assert screener.screen_record(record) == screener.screen_record(record)


def test_from_paths_loads_everything_or_raises(tmp_path: Path) -> None:
    from dualscreen.errors import ListError

    with pytest.raises(ListError):
        Screener.from_paths([default_rules()], [tmp_path / "absent"])


def test_a_sub_list_no_party_rule_covers_is_an_error(tmp_path: Path) -> None:
    from dualscreen.errors import RulesError
    from dualscreen.lists.interface import make_list
    from dualscreen.models import ListCategory, ListEntry

    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - id: p\n    kind: party\n    title: t\n    explanation: x\n    basis: b\n"
        "    sub_lists: ['Entity List*']\n    thresholds: {flag: 0.9}\n"
    )
    src = tmp_path / "csl.csv"
    src.write_text("x")
    csl = make_list(
        name="us-csl",
        format="csl",
        category=ListCategory.CONSOLIDATED,
        source="test",
        path=src,
        files=[src],
        version=("2026-01-01", "file"),
        entries=[
            ListEntry(entry_id="1", name="A Co", sub_list="Entity List (EL)"),
            ListEntry(entry_id="2", name="B Co", sub_list="Unverified List (UVL)"),
        ],
    )
    with pytest.raises(RulesError, match=r"us-csl \(Unverified List \(UVL\)\)"):
        Screener(load_rules([rules]), [csl])
