"""Rules files load into typed rules, or fail with the file, line and key to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualscreen.defaults import default_rules
from dualscreen.errors import RulesError
from dualscreen.rules import load_rules
from dualscreen.rules.models import CommodityRule, DestinationRule, PartyRule

VALID = """\
pack: test
version: "1"
rules:
  - id: embargo
    kind: destination
    title: Embargo
    action: block
    countries: [cu, UA-43]
    explanation: "{destination_country} is embargoed ({country})"
    basis: test basis
"""


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_rules_load_and_cover_every_rule_kind() -> None:
    ruleset = load_rules([default_rules()])
    kinds = {rule.kind for rule in ruleset.rules}
    assert kinds == {"party", "destination", "export_ban", "control", "commodity"}
    assert len(ruleset.sha256) == 64
    assert all(version for _, version, _ in ruleset.files)


def test_packaged_critical_minerals_hold_every_code_of_the_classification(
    shared_data: Path,
) -> None:
    import csv

    with (shared_data / "classifications" / "critical-minerals-hs.csv").open() as fh:
        expected = {row["hs_code"] for row in csv.DictReader(fh)}
    ruleset = load_rules([default_rules()])
    shipped = {c.hs for r in ruleset.rules if isinstance(r, CommodityRule) for c in r.commodities}
    assert shipped == expected


def test_country_codes_are_upper_cased(tmp_path: Path) -> None:
    ruleset = load_rules([write(tmp_path, VALID)])
    rule = ruleset.rules[0]
    assert isinstance(rule, DestinationRule)
    assert rule.countries == ["CU", "UA-43"]


def test_misspelled_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("    countries:", "    countrys:"))
    with pytest.raises(RulesError) as info:
        load_rules([path])
    err = info.value
    assert err.path == str(path)
    assert err.line == 8
    assert "countrys" in (err.field or "")
    assert "unknown key" in err.message


def test_missing_required_key_is_reported_on_the_rule(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("    basis: test basis\n", ""))
    with pytest.raises(RulesError) as info:
        load_rules([path])
    assert info.value.line == 4
    assert info.value.field == "rules[0].basis"


def test_unknown_placeholder_in_explanation_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("({country})", "({matched_name})"))
    with pytest.raises(RulesError, match="matched_name"):
        load_rules([path])


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("rules: [", "invalid YAML"),
        ("", "empty"),
        ("rules:\n  - id: x\n    id: y\n", "appears twice"),
        ("rules: []\n", "at least 1"),
        ("rules:\n  - !!python/object:os.system {}\n", "invalid YAML"),
    ],
    ids=["syntax-error", "empty-file", "duplicate-key", "no-rules", "python-object-tag"],
)
def test_broken_files_fail_with_a_message(tmp_path: Path, broken: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        load_rules([write(tmp_path, broken)])


def test_bad_threshold_order_is_rejected(tmp_path: Path) -> None:
    text = """\
rules:
  - id: p
    kind: party
    title: P
    explanation: "{value}"
    basis: b
    thresholds: {flag: 0.95, block: 0.9}
"""
    with pytest.raises(RulesError, match="below the flag"):
        load_rules([write(tmp_path, text)])


def test_party_rule_defaults_screen_every_party_field_on_every_list(tmp_path: Path) -> None:
    text = """\
rules:
  - id: p
    kind: party
    title: P
    explanation: "{value} ~ {matched_name}"
    basis: b
    thresholds: {flag: 0.9, block: 1.0}
    per_list:
      internal-*: {flag: 0.95}
"""
    rule = load_rules([write(tmp_path, text)]).rules[0]
    assert isinstance(rule, PartyRule)
    assert rule.fields == ["exporter", "consignee", "end_user", "intermediary"]
    assert rule.thresholds_for("internal-watch").block is None
    assert rule.thresholds_for("ofac-sdn").block == 1.0


def test_same_rule_id_in_two_files_is_an_error(tmp_path: Path) -> None:
    a = write(tmp_path, VALID, "a.yaml")
    b = write(tmp_path, VALID, "b.yaml")
    with pytest.raises(RulesError, match="also defined"):
        load_rules([a, b])


def test_folder_loads_yaml_files_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, VALID.replace("id: embargo", "id: second"), "b.yaml")
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, "not rules", "notes.txt")
    ruleset = load_rules([tmp_path])
    assert [r.id for r in ruleset.rules] == ["embargo", "second"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="no such"):
        load_rules([tmp_path / "nope.yaml"])


# --- the cache of validated rules ----------------------------------------------------------


@pytest.fixture()
def rules_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("DUALSCREEN_CACHE_DIR", str(directory))
    monkeypatch.delenv("DUALSCREEN_NO_CACHE", raising=False)
    return directory / "rules"


def test_rules_loaded_again_come_from_the_cache_and_equal_the_first(
    tmp_path: Path, rules_cache: Path
) -> None:
    path = write(tmp_path, VALID)
    first = load_rules([path])
    (entry,) = rules_cache.iterdir()
    assert load_rules([path]) == first
    assert list(rules_cache.iterdir()) == [entry]


def test_an_edited_rules_file_is_validated_again(tmp_path: Path, rules_cache: Path) -> None:
    path = write(tmp_path, VALID)
    load_rules([path])
    write(tmp_path, VALID.replace("countries: [cu, UA-43]", "countries: [IR]"))
    (rule,) = load_rules([path]).rules
    assert isinstance(rule, DestinationRule) and rule.countries == ["IR"]


def test_invalid_rules_fail_every_time_and_are_not_cached(
    tmp_path: Path, rules_cache: Path
) -> None:
    path = write(tmp_path, VALID.replace("basis:", "basys:"))
    for _ in range(2):
        with pytest.raises(RulesError, match="unknown key"):
            load_rules([path])
    assert not rules_cache.exists() or not any(rules_cache.iterdir())
