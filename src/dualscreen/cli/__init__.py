"""The command-line interface: a thin layer over the library that maps outcomes to exit codes."""

from __future__ import annotations

import os
import sys
import warnings
from typing import Annotated, Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from dualscreen import __version__
from dualscreen.cli import audit_cmd, lists_cmd, report_cmd, rescreen_cmd, review_cmd, rules_cmd
from dualscreen.cli.common import EXIT_ERROR, State, err, fail
from dualscreen.cli.screen import screen
from dualscreen.cli.signals import INTERRUPTED_EXITS, leave_interrupted
from dualscreen.errors import DualscreenError


class _Group(TyperGroup):
    """Library errors become one clear line and exit 1 — the same under CliRunner as in a shell."""

    def invoke(self, ctx: Any) -> Any:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return self._invoke(ctx)

    def _invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError):
            raise
        except DualscreenError as exc:
            if State.verbose:
                raise
            fail(exc)
        except Exception as exc:
            if State.verbose:
                raise
            err.print(
                Text.assemble(
                    ("internal error: ", "bold red"),
                    f"{exc!r}; nothing was decided. Run with -v for the traceback and report it.",
                ),
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_ERROR) from exc


def _show_warning(message: Warning | str, *_: Any, **__: Any) -> None:
    """A warning the library gives (a worker process failed, fields left out of a table) is a
    `warning:` line on stderr like the CLI's own, not Python's file:line form."""
    err.print(Text.assemble(("warning: ", "bold yellow"), str(message)), soft_wrap=True)


app = typer.Typer(
    name="dualscreen",
    cls=_Group,
    help="Strategic trade screening: restricted parties, critical minerals, dual-use goods.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("screen")(screen)
app.command("report")(report_cmd.report)
app.add_typer(lists_cmd.app, name="lists")
app.add_typer(rules_cmd.app, name="rules")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(review_cmd.app, name="review")
app.command("rescreen")(rescreen_cmd.rescreen)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dualscreen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    State.verbose = verbose


def main() -> None:
    """Console entry point. A reader that closes the pipe early (`| head`) ends the run quietly."""
    try:
        app()
    except SystemExit as exc:
        if exc.code in INTERRUPTED_EXITS:
            leave_interrupted(exc.code)
        raise
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
