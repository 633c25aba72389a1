"""`dualscreen lists show` and `dualscreen rules check` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke


def test_lists_show_json_for_a_given_list(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("lists", "show", str(watch_list), "--format", "json")
    assert result.exit_code == 0, result.stderr
    (info,) = json.loads(result.stdout)
    assert (info["name"], info["format"], info["version"], info["entries"], info["names"]) == (
        "test-sanctions",
        "native-yaml",
        "2026-11-01",
        2,
        3,
    )


def test_lists_show_table_names_each_list(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("lists", "show", str(watch_list))
    assert result.exit_code == 0
    assert "test-sanctions" in result.stdout


def test_lists_show_on_a_broken_list_exits_1_with_a_json_diagnostic(
    invoke: Invoke, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries:\n  - {id: 1, nmae: Acme}\n")
    result = invoke("lists", "show", str(bad), "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    diagnostic = json.loads(result.stderr.strip().splitlines()[-1])
    assert (diagnostic["error"], diagnostic["path"], diagnostic["line"]) == ("list", str(bad), 2)


def test_rules_check_lists_the_packaged_rules(invoke: Invoke) -> None:
    result = invoke("rules", "check")
    assert result.exit_code == 0
    assert "id-nickel-ore-export-ban" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("ok: 18 rules in 5 file(s)")


def test_rules_check_reports_the_broken_line(invoke: Invoke, tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - id: x\n    kind: destination\n    titel: t\n")
    result = invoke("rules", "check", str(rules))
    assert result.exit_code == 1
    assert f"{rules}:4: unknown key" in result.stderr
