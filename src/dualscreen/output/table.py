"""A rich table for people at a terminal, printed a page at a time so long runs stream."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dualscreen.models import Decision, Verdict

PAGE = 500
_STYLE = {Verdict.PASS: "green", Verdict.FLAG: "yellow", Verdict.BLOCK: "bold red"}


class TableWriter:
    def __init__(self, stream: TextIO) -> None:
        self._console = Console(file=stream, soft_wrap=False)
        self._rows: list[Decision] = []

    def write(self, decision: Decision) -> None:
        self._rows.append(decision)
        if len(self._rows) >= PAGE:
            self._flush()

    def _flush(self) -> None:
        table = Table(show_lines=True, expand=False)
        table.add_column("id", overflow="fold")
        table.add_column("decision", no_wrap=True)
        table.add_column("reasons")
        for d in self._rows:
            reasons = (
                "\n".join(f"[{r.action_label}] {r.rule}: {r.explanation}" for r in d.reasons) or "-"
            )
            # Text, not markup: list data such as "[SDGT]" must print as written.
            table.add_row(
                Text(d.id), Text(d.decision.value, style=_STYLE[d.decision]), Text(reasons)
            )
        self._console.print(table, highlight=False)
        self._rows.clear()

    def close(self) -> None:
        if self._rows:
            self._flush()
