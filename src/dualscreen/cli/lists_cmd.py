"""`dualscreen lists show`: what each list is, how big, how old, and its content hash."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dualscreen.cli.common import ListFormatOption, State, check_list_format
from dualscreen.defaults import default_lists
from dualscreen.lists import load_lists

app = typer.Typer(help="Inspect restricted-party lists.", no_args_is_help=True)

SHOWN = (
    "name",
    "format",
    "category",
    "source",
    "version",
    "version_from",
    "entries",
    "names",
    "sha256",
    "path",
)


class ShowFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command("show")
def show(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="List files or folders. Default: the packaged lists.", show_default=False
        ),
    ] = None,
    list_format: ListFormatOption = None,
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.TABLE,
) -> None:
    """Load lists (failing as `screen` would) and describe each one."""
    check_list_format(list_format)
    State.machine_readable = output_format is ShowFormat.JSON
    loaded = load_lists(paths or [default_lists()], list_format)
    infos = [lst.info.model_dump(mode="json", include=set(SHOWN)) for lst in loaded]
    if output_format is ShowFormat.JSON:
        typer.echo(json.dumps([{k: i[k] for k in SHOWN} for i in infos], indent=2))
        return
    table = Table()
    table.add_column("name", no_wrap=True, min_width=max(len(i["name"]) for i in infos))
    for column in ("format", "version", "entries", "names", "sha256", "source"):
        table.add_column(column, overflow="fold")
    for i in infos:
        table.add_row(
            i["name"],
            i["format"],
            i["version"],
            str(i["entries"]),
            str(i["names"]),
            i["sha256"][:16],
            i["source"],
        )
    Console().print(table)
