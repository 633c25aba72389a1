"""`dualscreen audit verify|show`: check the audit trail's hash chain, find a record's decisions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dualscreen.audit import AuditError, find, find_reviews, verify
from dualscreen.cli.common import State, err

app = typer.Typer(
    help="Check and search the audit trail that `screen --audit FILE` and `review --audit FILE` "
    "write.",
    no_args_is_help=True,
)

AuditFile = Annotated[
    Path,
    typer.Argument(
        help="The audit file (JSON Lines).", show_default=False, dir_okay=False, readable=False
    ),
]


def _waiting() -> None:
    err.print("waiting for a screening run to finish writing the audit file...")


@app.command("verify")
def verify_cmd(
    file: AuditFile,
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            help="A line hash recorded elsewhere (a run summary's `audit` line): fail unless "
            "the chain still passes through it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check every line's seq and hash chain; exit 1 naming the first broken line."""
    State.machine_readable = False
    report = verify(file, anchor=anchor, on_wait=_waiting)
    for line in report.unclosed:
        err.print(
            f"note: the run that starts at line {line} has no closing line "
            "(the process was killed before it could write one)",
            soft_wrap=True,
        )
    reviews = f", {report.reviews} review(s)" if report.reviews else ""
    typer.echo(
        f"ok: {file}: {report.lines} line(s), {report.runs} run(s) "
        f"({report.interrupted} interrupted){reviews}; last line sha256:{report.head}"
    )


@app.command("show")
def show_cmd(
    file: AuditFile,
    record_id: Annotated[
        str | None,
        typer.Option("--id", help="The record id whose decisions to print.", show_default=False),
    ] = None,
    reviews: Annotated[
        bool,
        typer.Option("--reviews", help="Print the review lines (`review clear|confirm`)."),
    ] = False,
    entry: Annotated[
        str | None,
        typer.Option(
            "--entry", help="With --reviews: only those of this list entry id.", show_default=False
        ),
    ] = None,
) -> None:
    """Print the decisions recorded for a record id (--id), or the reviews (--reviews), oldest
    first, as JSON Lines."""
    State.machine_readable = True
    if (record_id is None) == (not reviews and entry is None):
        raise typer.BadParameter("give --id ID, or --reviews [--entry ID]", param_hint="--id")
    if record_id is not None:
        lines = find(file, record_id, on_wait=_waiting)
        if not lines:
            raise AuditError(f"no decision recorded for id {record_id!r}", path=file)
    else:
        lines = find_reviews(file, entry, on_wait=_waiting)
        if not lines:
            about = f" of entry {entry!r}" if entry else ""
            raise AuditError(f"no review recorded{about}", path=file)
    for raw in lines:
        sys.stdout.write(raw.decode("ascii", errors="replace"))
