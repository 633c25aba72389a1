"""Writers for re-screened decisions: each decision beside the previous one and what changed.

JSON Lines and JSON reuse the decision writers (a `Rescreened` carries its own keys); CSV and
xlsx add `previous_decision` and `changes` columns after `decision`; the table shows
previous → new.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any, BinaryIO, TextIO, cast

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dualscreen.models import Decision, Verdict
from dualscreen.output import OutputFormat, Writer, writer_for
from dualscreen.output.csv_table import CsvWriter, decision_row
from dualscreen.rescreen import Rescreened

CHANGE_COLUMNS = ("id", "decision", "previous_decision", "changes", "rules", "explanation")
_STYLE = {Verdict.PASS: "green", Verdict.FLAG: "yellow", Verdict.BLOCK: "bold red"}


def _label(reason: Mapping[str, Any]) -> str:
    review = reason.get("review")
    status = f", {review['status']}" if isinstance(review, Mapping) else ""
    return f"[{reason.get('action')}{status}] {reason.get('rule')}"


def change_lines(rescreened: Rescreened) -> list[str]:
    """One line per change, each with its explanation (the new one for a changed reason).
    Words, not `+`/`-`: a spreadsheet takes a cell starting with those for a formula."""
    changes = rescreened.changes
    lines = [f"added {_label(r)}: {r.get('explanation', '')}" for r in changes.added]
    lines += [f"removed {_label(r)}: {r.get('explanation', '')}" for r in changes.removed]
    lines += [
        f"changed {_label(c.before)} -> {_label(c.after)}: {c.after.get('explanation', '')}"
        for c in changes.changed
    ]
    return lines


def change_row(decision: Decision, columns: list[str]) -> list[Any]:
    """`decision_row` with `previous_decision` and `changes` after the decision."""
    rescreened = cast(Rescreened, decision)
    row = decision_row(decision, columns)
    return [
        *row[:2],
        rescreened.previous_decision.value,
        " | ".join(change_lines(rescreened)),
        *row[2:],
    ]


class ChangesCsvWriter(CsvWriter):
    leading = CHANGE_COLUMNS

    def row(self, decision: Decision, columns: list[str]) -> list[Any]:
        return change_row(decision, columns)


class ChangesTableWriter:
    """id, previous → new, and the changes; at the end of the run (changes are few)."""

    def __init__(self, stream: TextIO) -> None:
        self._console = Console(file=stream, soft_wrap=False)
        self._rows: list[Rescreened] = []

    def write(self, decision: Decision) -> None:
        self._rows.append(cast(Rescreened, decision))

    def close(self) -> None:
        if not self._rows:
            return
        table = Table(show_lines=True, expand=False)
        table.add_column("id", overflow="fold")
        table.add_column("previous → new", no_wrap=True)
        table.add_column("changes")
        for r in self._rows:
            verdicts = Text.assemble(
                (r.previous_decision.value, _STYLE[r.previous_decision]),
                " → ",
                (r.decision.value, _STYLE[r.decision]),
            )
            # Text, not markup: list data such as "[SDGT]" must print as written.
            table.add_row(Text(r.id), verdicts, Text("\n".join(change_lines(r)) or "-"))
        self._console.print(table, highlight=False)
        self._rows.clear()


def changes_writer_for(fmt: OutputFormat, stream: IO[Any]) -> Writer:
    """The writer for re-screened decisions in `fmt` on `stream`."""
    if fmt is OutputFormat.TABLE:
        return ChangesTableWriter(cast(TextIO, stream))
    if fmt is OutputFormat.CSV:
        return ChangesCsvWriter(cast(TextIO, stream))
    if fmt is OutputFormat.XLSX:
        from dualscreen.output.xlsx import XlsxWriter  # openpyxl only when asked for

        class ChangesXlsxWriter(XlsxWriter):
            leading = CHANGE_COLUMNS

            def row(self, decision: Decision, columns: list[str]) -> list[Any]:
                return change_row(decision, columns)

        return ChangesXlsxWriter(cast(BinaryIO, stream))
    return writer_for(fmt, stream)  # JSON Lines, JSON: a Rescreened writes its own keys
