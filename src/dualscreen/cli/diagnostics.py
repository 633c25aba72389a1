"""One line on stderr for each record that could not be screened fully, so a cron log shows it.

The decision itself carries the `input` reason; this is the operator's view of the same fact.
JSON when the output is machine-readable, so a script reading stderr can parse it. Logs carry no
record contents beyond ids: the line says where and which field, the decision says what.
"""

from __future__ import annotations

import json
import sys

from rich.text import Text

from dualscreen.cli.common import err
from dualscreen.models import Decision, ReasonKind

MAX_LINES = 50
"""After this many, a run only counts them: a broken export must not flood the log."""


class InputDiagnostics:
    def __init__(self, machine_readable: bool) -> None:
        self._machine = machine_readable
        self.records = 0

    def report(self, decision: Decision) -> None:
        problems = [r for r in decision.reasons if r.kind is ReasonKind.INPUT]
        if not problems:
            return
        self.records += 1
        if self.records > MAX_LINES:
            return
        if self._machine:
            line = {
                "warning": "input",
                "id": decision.id,
                "decision": decision.decision.value,
                "problems": [{"line": r.line, "field": r.field} for r in problems],
            }
            sys.stderr.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            where = ", ".join(f"line {r.line}: {r.field or 'record'}" for r in problems)
            err.print(
                Text.assemble(
                    ("warning: ", "bold yellow"),
                    f"record {decision.id} flagged, input problem at {where} "
                    "(its input reason says what)",
                ),
                soft_wrap=True,
            )

    def close(self) -> None:
        if self.records > MAX_LINES:
            more = self.records - MAX_LINES
            err.print(f"warning: {more} more record(s) with input problems (see their reasons)")
