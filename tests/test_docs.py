"""Keep the README honest: its commands, exit codes and rule examples are what the code does."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from dualscreen.cli.common import EXIT_BLOCK, EXIT_ERROR, EXIT_FLAG, EXIT_PASS, EXIT_USAGE
from dualscreen.models import ReasonKind
from dualscreen.rules.models import RuleFile

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def fenced(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_the_install_and_test_commands_ci_runs() -> None:
    install, test = [block.strip() for block in fenced("sh")[:2]]
    assert "pip install ." in install and "dualscreen screen examples/shipments.csv" in install
    assert "pytest" in test
    assert test in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_exit_code_table_matches_the_code() -> None:
    table = dict(re.findall(r"^\| (\d) \| (.+?) \|$", README, flags=re.M))
    assert table[str(EXIT_PASS)].startswith("every record passed")
    assert "**flag**" in table[str(EXIT_FLAG)]
    assert "**block**" in table[str(EXIT_BLOCK)]
    assert table[str(EXIT_ERROR)].startswith("error")
    assert table[str(EXIT_USAGE)].startswith("usage error")


def test_rule_examples_in_the_readme_validate() -> None:
    (example,) = fenced("yaml")
    RuleFile.model_validate(yaml.safe_load(example))


def test_every_reason_kind_is_documented() -> None:
    for kind in ReasonKind:
        assert f"`{kind.value}`" in README
