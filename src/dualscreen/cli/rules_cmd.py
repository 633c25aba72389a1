"""`dualscreen rules check`: validate rules files the way `screen` loads them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dualscreen.defaults import default_rules
from dualscreen.rules import load_rules
from dualscreen.rules.models import RuleBase

app = typer.Typer(help="Validate and inspect rules.", no_args_is_help=True)


@app.command("check")
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Rules files or folders. Default: the packaged pack.", show_default=False
        ),
    ] = None,
) -> None:
    """Load and validate rules; list them. Exit 1 with file, line and key on the first problem."""
    ruleset = load_rules(paths or [default_rules()])
    table = Table()
    table.add_column("id", no_wrap=True, min_width=max(len(r.id) for r in ruleset.rules))
    for column in ("kind", "action", "in force", "title"):
        table.add_column(column, overflow="fold")
    for rule in ruleset.rules:
        table.add_row(rule.id, rule.kind, rule.action.value, _window(rule), rule.title)
    console = Console()
    console.print(table)
    rules, files = len(ruleset.rules), len(ruleset.files)
    console.print(f"ok: {rules} rules in {files} file(s), sha256:{ruleset.sha256[:16]}")


def _window(rule: RuleBase) -> str:
    if rule.effective_from and rule.effective_to:
        return f"{rule.effective_from} to {rule.effective_to}"
    if rule.effective_from:
        return f"from {rule.effective_from}"
    if rule.effective_to:
        return f"until {rule.effective_to}"
    return "always"
