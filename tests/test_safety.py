"""No rules file can run code: explanation templates substitute names and reach nothing else.

YAML python tags in rules are refused in tests/rules/test_loader.py and CSV formula cells are
disarmed in tests/output; this file covers the templates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dualscreen.errors import RulesError
from dualscreen.records import RawRecord
from dualscreen.rules import load_rules
from dualscreen.rules.template import placeholders, render
from dualscreen.screening import Screener

RULE = """\
rules:
  - id: watch
    kind: party
    title: Watch
    action: flag
    thresholds: {{flag: 0.9}}
    explanation: "{explanation}"
    basis: test
"""
LIST = (
    "name: watch\nversion: '2026-11-01'\ncategory: internal\n"
    "entries:\n  - {id: W1, name: GLOBEX TRADING COMPANY}\n"
)
# What str.format would do with each: reach attributes, items, conversions, positions.
REACHING = [
    "{value.__class__}",
    "{value.__class__.__mro__}",
    "{value.__init__.__globals__}",
    "{value[0]}",
    "{value!r}",
    "{0}",
    "{}",
]


def write(tmp_path: Path, explanation: str) -> tuple[Path, Path]:
    rules, lists = tmp_path / "rules.yaml", tmp_path / "watch.yaml"
    rules.write_text(RULE.format(explanation=explanation))
    lists.write_text(LIST)
    return rules, lists


@pytest.mark.parametrize("template", REACHING)
def test_a_template_that_reaches_into_a_value_is_no_placeholder(template: str) -> None:
    assert placeholders(template) == frozenset({template})  # reported whole, so it is refused
    assert render(template, {"value": "Globex", "score": 1.0}) == template  # never evaluated


@pytest.mark.parametrize("template", REACHING)
def test_a_rule_explanation_can_never_show_more_than_plain_values(
    tmp_path: Path, template: str
) -> None:
    rules, lists = write(tmp_path, f"matched {template} ({{value}})")
    try:
        screener = Screener.from_paths([rules], [lists])
    except RulesError:
        return  # refused outright: the stricter outcome
    record = RawRecord("test", 1, {"id": "r1", "consignee": "Globex Trading Company"})

    (reason,) = screener.screen_record(record).reasons

    assert reason.explanation == f"matched {template} (Globex Trading Company)"


def test_a_template_with_attribute_access_is_a_rules_error(tmp_path: Path) -> None:
    rules, _ = write(tmp_path, "{value.__class__}")

    with pytest.raises(RulesError, match=r"value\.__class__"):
        load_rules([rules])
