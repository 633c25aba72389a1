"""`dualscreen lists show|update|status`: what each list is, fetching current ones, how old."""

from __future__ import annotations

import contextlib
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dualscreen.cli.common import EXIT_ERROR, ListFormatOption, State, check_list_format, err
from dualscreen.defaults import default_lists, packaged_lists
from dualscreen.lists import load_lists
from dualscreen.lists import update as updater

app = typer.Typer(help="Inspect and update restricted-party lists.", no_args_is_help=True)

EXIT_STALE = 3
"""`lists status`: some list in use is older than --max-age-days."""

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
            help="List files or folders. Default: what `screen` uses (updated, else packaged).",
            show_default=False,
        ),
    ] = None,
    list_format: ListFormatOption = None,
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.TABLE,
) -> None:
    """Load lists (failing as `screen` would) and describe each one."""
    check_list_format(list_format)
    State.machine_readable = output_format is ShowFormat.JSON
    loaded = load_lists(paths or default_lists(), list_format)
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


DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="DUALSCREEN_DATA_DIR",
        help="Where updated lists live (under lists/). Default: the user data folder.",
        show_default=False,
    ),
]


def _root(data_dir: Path | None) -> Path:
    return updater.lists_dir(data_dir)


@app.command("update")
def update(
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Update only this list (repeatable).", show_default=False),
    ] = None,
    data_dir: DataDirOption = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            envvar="DUALSCREEN_LIST_SOURCES",
            help="YAML/JSON file of list name → {files: {name: url}}, replacing the "
            "publishers' URLs (mirrors, tests).",
            show_default=False,
        ),
    ] = None,
    min_ratio: Annotated[
        float,
        typer.Option(
            "--min-ratio",
            min=0.0,
            max=1.0,
            help="Refuse a new version with fewer entries than this share of the current one.",
        ),
    ] = updater.DEFAULT_MIN_RATIO,
    force: Annotated[
        bool, typer.Option("--force", help="Accept a new version however short it is.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1.0, help="Seconds to wait for a server.")
    ] = updater.DEFAULT_TIMEOUT,
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.TABLE,
) -> None:
    """Download the current lists from their publishers; `screen` then uses them.

    Exit 1 when a list fails or is refused: it keeps its current version; the others update.
    """
    # Each list must load and must not be much shorter than the one it replaces; it is swapped
    # in whole, and the version it replaces is kept in `previous/`.
    State.machine_readable = output_format is ShowFormat.JSON
    table = updater.load_sources(sources) if sources else updater.SOURCES
    if unknown := [n for n in only or [] if n not in table]:
        raise typer.BadParameter(
            f"no list named {unknown[0]!r}; lists: {', '.join(table)}", param_hint="--only"
        )
    results = updater.update_lists(
        table,
        _root(data_dir),
        only=only or (),
        min_ratio=min_ratio,
        force=force,
        timeout=timeout,
        progress=_progress,
    )
    for result in results:
        if not result.outcome.ok:
            label = ("error: ", "bold red")
        elif result.outcome is updater.Outcome.SKIPPED:
            label = ("note: ", "bold")
        else:
            continue
        err.print(Text.assemble(label, f"{result.name}: {result.message}"), soft_wrap=True)
    if output_format is ShowFormat.JSON:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in results], indent=2))
    else:
        _update_table(results)
    if not all(r.outcome.ok for r in results):
        raise typer.Exit(EXIT_ERROR)


def _progress(message: str) -> contextlib.AbstractContextManager[object]:
    """A spinner on stderr while a list downloads, only when stderr is a terminal."""
    return err.status(message) if err.is_terminal else contextlib.nullcontext()


def _update_table(results: list[updater.UpdateResult]) -> None:
    """One row per list; why a list failed or was refused is on stderr."""
    table = Table()
    for column in ("name", "result", "version", "entries", "sha256"):
        table.add_column(column, no_wrap=True)
    for r in results:
        entries = "" if r.entries is None else str(r.entries)
        if r.previous_entries is not None and r.outcome is updater.Outcome.UPDATED:
            entries += f" (was {r.previous_entries})"
        table.add_row(r.name, r.outcome.value, r.version or "", entries, (r.sha256 or "")[:16])
    Console().print(table)


@app.command("status")
def status(
    data_dir: DataDirOption = None,
    max_age_days: Annotated[
        int,
        typer.Option(
            "--max-age-days",
            envvar="DUALSCREEN_MAX_LIST_AGE_DAYS",
            min=0,
            help="A list downloaded longer ago than this (a packaged snapshot: dated) is stale.",
        ),
    ] = updater.DEFAULT_MAX_AGE_DAYS,
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.TABLE,
) -> None:
    """Where each list `screen` uses comes from, its version, age, size and hash.

    Exit 3 when any list is stale, so a job can refuse to screen against old lists.
    """
    State.machine_readable = output_format is ShowFormat.JSON
    statuses = updater.list_status(_root(data_dir), packaged_lists(), max_age_days=max_age_days)
    if output_format is ShowFormat.JSON:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in statuses], indent=2))
    else:
        table = Table()
        for column in ("name", "from", "version", "age", "entries", "sha256"):
            table.add_column(column, no_wrap=True)
        for s in statuses:
            age = "?" if s.age_days is None else f"{s.age_days}d"
            table.add_row(s.name, s.origin, s.version, age, str(s.entries), s.sha256[:16])
        Console().print(table)
    stale = [s for s in statuses if s.stale]
    for s in stale:
        age = "of unknown age" if s.age_days is None else f"{s.age_days} days old"
        what = "downloaded" if s.origin == "updated" else "packaged snapshot of"
        err.print(
            Text.assemble(
                ("warning: ", "bold yellow"),
                f"{s.name} is {age} ({what} {s.version}, more than {max_age_days} days); "
                "run `dualscreen lists update`",
            ),
            soft_wrap=True,
        )
    if stale:
        raise typer.Exit(EXIT_STALE)
