"""`dualscreen report`: decisions summed up for an officer, as one HTML page or as JSON."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dualscreen.cli.common import (
    EXIT_PASS,
    EXIT_USAGE,
    AsOfOption,
    EncodingOption,
    InputFormatOption,
    ListFormatOption,
    ListsOption,
    MapOption,
    RulesOption,
    SheetOption,
    State,
    check_list_format,
    err,
)
from dualscreen.cli.screen import parse_mapping, warn_stale
from dualscreen.cli.store_option import StoreOption, check_store_path
from dualscreen.defaults import default_lists, default_rules
from dualscreen.errors import InputError
from dualscreen.models import Decision
from dualscreen.output.atomic import atomic_output
from dualscreen.records import InputFormat, RawRecord, read_source
from dualscreen.report import MAX_DETAILS
from dualscreen.screening import Screener
from dualscreen.store import Store, resolve_store

if TYPE_CHECKING:
    from dualscreen.report.figures import FiguresBuilder, ReportFigures


class ReportFormat(StrEnum):
    HTML = "html"
    JSON = "json"


def _format(chosen: ReportFormat | None, output: Path | None) -> ReportFormat:
    if chosen is not None:
        return chosen
    if output is not None and output.suffix.lower() == ".json":
        return ReportFormat.JSON
    return ReportFormat.HTML


def _usage(message: str) -> None:
    err.print(f"usage error: {message}", soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)


def _records(
    sources: list[str], fmt: InputFormat | None, encoding: str, sheet: str | None
) -> Iterator[RawRecord]:
    for source in sources:
        yield from read_source(source, fmt, encoding, sheet)


def report(
    ctx: typer.Context,
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="Records to screen and report on (as `screen`); `-` reads stdin. None: "
            "report on the case store.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to FILE (atomically); .json sets --format json.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    output_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="html (needs -o, or stdout that is not a terminal) or json. "
            "Default: from the -o suffix, else html.",
            show_default=False,
        ),
    ] = None,
    lists: ListsOption = None,
    list_format: ListFormatOption = None,
    rules: RulesOption = None,
    input_format: InputFormatOption = None,
    encoding: EncodingOption = "utf-8",
    sheet: SheetOption = None,
    mapping: MapOption = None,
    as_of: AsOfOption = None,
    store: StoreOption = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            help="Case store only: decisions screened as on this date or later.",
            show_default=False,
        ),
    ] = None,
    max_details: Annotated[
        int,
        typer.Option(
            "--max-details",
            min=0,
            help="Flagged and blocked records listed in full; the totals count them all.",
        ),
    ] = MAX_DETAILS,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Report on decisions: totals, monitored flows, flagged and blocked records with matches.

    Screens INPUT as `screen` does (same lists, rules and input options), or, without INPUT,
    reports the latest stored decision of each record in the case store (--store, else
    DUALSCREEN_STORE, else the default store) without screening again.

    Exit 0 when the report is written, whatever the decisions (gate jobs on `screen`); 1 on an
    error (nothing is written); 2 on a usage error.
    """
    check_list_format(list_format)
    field_map = parse_mapping(mapping or [])
    sources = list(files or [])
    given = ctx.get_parameter_source("store")
    store_given = given is not None and given.name == "COMMANDLINE"
    if sources and store_given:
        _usage("give INPUT files or --store, not both")
    if sources and since is not None:
        _usage("--since is for the case store: give no INPUT")
    # No INPUT: the case store, named or the default one (DUALSCREEN_STORE, set for `screen`'s
    # reviews, gives way to INPUT). Records on stdin are `-`, never implied: a cron job's empty
    # stdin must not pass for an empty report.
    store = resolve_store(store) if not sources else None
    if store is not None:
        check_store_path(store, output=output)
    fmt = _format(output_format, output)
    if fmt is ReportFormat.HTML and output is None and sys.stdout.isatty():
        _usage("an HTML report is a file: name it with -o report.html (or use --format json)")
    State.machine_readable = fmt is ReportFormat.JSON
    for source in sources:
        if source != "-" and not Path(source).is_file():
            raise InputError("no such input file", path=source)

    # The report's models and page, only when a report is made (see dualscreen.report).
    from dualscreen.report.figures import FiguresBuilder, Provenance
    from dualscreen.report.html import render_html
    from dualscreen.report.sources import StoredDecisions, run_provenance

    builder = FiguresBuilder(max_details=max_details)
    provenance: Provenance
    if store is not None:
        with Store(store, create=False) as case_store:
            stored = StoredDecisions(case_store, since.date() if since else None)
            _aggregate(builder, stored)
            provenance = stored.provenance()
    else:
        today = as_of.date() if as_of else date.today()
        screener = Screener.from_paths(
            rules or [default_rules()], lists or default_lists(), list_format
        )
        warn_stale(screener, today)
        records = _records(sources, input_format, encoding, sheet)
        _aggregate(
            builder, screener.screen(records, field_map, qualify_ids=len(sources) > 1, on=today)
        )
        provenance = run_provenance(screener, sources, today)

    figures = builder.build(provenance)
    text = (
        figures.model_dump_json(indent=2) + "\n"
        if fmt is ReportFormat.JSON
        else render_html(figures)
    )
    if output is not None:
        with atomic_output(output) as stream:
            stream.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if not quiet:
        _summary(figures, output)
    raise typer.Exit(EXIT_PASS)


def _aggregate(builder: FiguresBuilder, decisions: Iterable[Decision]) -> None:
    """One decision at a time: only counters and the first detailed records are kept."""
    for decision in decisions:
        builder.add(decision)


def _summary(figures: ReportFigures, output: Path | None) -> None:
    d = figures.decisions
    where = f" to {output}" if output is not None else ""
    err.print(
        f"reported {figures.records} record(s){where}: pass {d['pass']} "
        f"(monitored {figures.monitored_passes}), flag {d['flag']}, block {d['block']}; "
        f"{figures.monitoring.records} monitored (critical minerals, dual-use)",
        soft_wrap=True,
    )
    if figures.details.omitted:
        err.print(
            f"  {figures.details.omitted} flagged or blocked record(s) counted but not listed "
            f"(--max-details {figures.details.limit})",
            soft_wrap=True,
        )
