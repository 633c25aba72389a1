"""What every command shares: the stderr console, option types, errors as exit codes."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from dualscreen.errors import DualscreenError
from dualscreen.lists import IMPORTERS
from dualscreen.output import OutputFormat
from dualscreen.records import InputFormat

EXIT_PASS, EXIT_ERROR, EXIT_USAGE, EXIT_FLAG, EXIT_BLOCK = 0, 1, 2, 3, 4

err = Console(stderr=True, highlight=False)
"""Everything that is not data goes here: warnings, progress, the run summary, errors."""

LIST_FORMATS = tuple(IMPORTERS)  # names only: no importer is imported

ListsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--lists",
        "-l",
        envvar="DUALSCREEN_LISTS",
        readable=False,  # the loader reports an unreadable list: exit 1, not a usage error
        help=(
            "Restricted-party list file or folder (repeatable). Default: the lists kept "
            "current by `lists update`, else the packaged snapshots."
        ),
        show_default=False,
    ),
]
ListFormatOption = Annotated[
    str | None,
    typer.Option(
        "--list-format",
        help=f"Force the list format: {', '.join(LIST_FORMATS)}. Default: detected.",
        show_default=False,
    ),
]
RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        "-r",
        envvar="DUALSCREEN_RULES",
        readable=False,
        help="Rules YAML file or folder (repeatable). Default: the packaged rules pack.",
        show_default=False,
    ),
]

# How records are read, shared by the commands that screen them (`screen`, `report`).
InputFormatOption = Annotated[
    InputFormat | None,
    typer.Option("--input-format", help="Force the input format. Default: sniffed."),
]
EncodingOption = Annotated[
    str, typer.Option("--encoding", help="Text encoding of CSV input (e.g. cp1252).")
]
SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet", help="Worksheet of .xlsx input. Default: the first.", show_default=False
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map", "-m", help="Rename a column: SOURCE=FIELD (repeatable).", show_default=False
    ),
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Screen as on this date (records without a date). Default: today.",
        show_default=False,
    ),
]

OutputFormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="table on a terminal, jsonl when piped; -o FILE.csv/.json/.xlsx sets it.",
        show_default=False,
    ),
]

ExitZeroOption = Annotated[
    bool,
    typer.Option("--exit-zero", help="Exit 0 whatever the decisions (errors still exit 1)."),
]


def audit_option(help: str) -> Any:
    """`--audit FILE` (env DUALSCREEN_AUDIT), with what the command appends there. The file is
    not checked as readable here: one that cannot be opened is a fault when opened (exit 1),
    not a usage error (exit 2)."""
    return typer.Option(
        "--audit",
        envvar="DUALSCREEN_AUDIT",
        help=help,
        show_default=False,
        dir_okay=False,
        readable=False,
    )


class State:
    verbose = False
    machine_readable = False  # errors as a JSON line on stderr too


def check_list_format(value: str | None) -> str | None:
    if value is not None and value not in LIST_FORMATS:
        raise typer.BadParameter(
            f"{value!r} is not one of {', '.join(LIST_FORMATS)}", param_hint="--list-format"
        )
    return value


def fail(exc: DualscreenError) -> NoReturn:
    """One clear line on stderr (and a JSON diagnostic for scripts), nothing on stdout, exit 1."""
    err.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
    if State.machine_readable:
        sys.stderr.write(json.dumps(exc.to_json()) + "\n")
    raise typer.Exit(EXIT_ERROR)


def choose_output_format(chosen: OutputFormat | None, output: Path | None) -> OutputFormat:
    """`--format`, else the `-o` suffix, else a table on a terminal and JSON Lines in a pipe."""
    if chosen is not None:
        return chosen
    if output is not None:
        by_suffix = {
            ".csv": OutputFormat.CSV,
            ".json": OutputFormat.JSON,
            ".xlsx": OutputFormat.XLSX,
        }
        return by_suffix.get(output.suffix.lower(), OutputFormat.JSONL)
    return OutputFormat.TABLE if sys.stdout.isatty() else OutputFormat.JSONL
