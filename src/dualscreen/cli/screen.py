"""`dualscreen screen`: records in, one decision per record out, exit code from the worst."""

from __future__ import annotations

import contextlib
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.text import Text

from dualscreen.cli.common import (
    EXIT_USAGE,
    ListFormatOption,
    ListsOption,
    RulesOption,
    State,
    check_list_format,
    err,
)
from dualscreen.defaults import default_lists, default_rules
from dualscreen.errors import InputError
from dualscreen.models import SHIPMENT_FIELDS, Action, Decision, Verdict
from dualscreen.output import OutputFormat, writer_for
from dualscreen.output.atomic import atomic_output
from dualscreen.records import InputFormat, RawRecord, canonical_name, read_source
from dualscreen.screening import Screener

STALE_AFTER_DAYS = 90
PROGRESS_EVERY = 1000


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`--map "Buyer Name=consignee"`: a source column renamed to a canonical field."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.rpartition("=")
        target = canonical_name(target)
        if not sep or not source.strip():
            raise typer.BadParameter(f"{pair!r} is not SOURCE=FIELD", param_hint="--map")
        if target not in SHIPMENT_FIELDS:
            raise typer.BadParameter(
                f"{target!r} is not a field; fields: {', '.join(SHIPMENT_FIELDS)}",
                param_hint="--map",
            )
        mapping[canonical_name(source)] = target
    return mapping


def _output_format(chosen: OutputFormat | None, output: Path | None) -> OutputFormat:
    if chosen is not None:
        return chosen
    if output is not None:
        by_suffix = {".csv": OutputFormat.CSV, ".json": OutputFormat.JSON}
        return by_suffix.get(output.suffix.lower(), OutputFormat.JSONL)
    return OutputFormat.TABLE if sys.stdout.isatty() else OutputFormat.JSONL


def _records(sources: list[str], fmt: InputFormat | None, encoding: str) -> Iterator[RawRecord]:
    for source in sources:
        yield from read_source(source, fmt, encoding)


def warn_stale(screener: Screener, today: date) -> None:
    """Say once, with each list's date, when the lists are old enough to miss designations."""
    old = []
    for lst in screener.lists:
        try:
            age = (today - date.fromisoformat(lst.info.version)).days
        except ValueError:
            continue
        if age > STALE_AFTER_DAYS:
            old.append(f"{lst.info.name} {lst.info.version}")
    if old:
        err.print(
            Text.assemble(
                ("warning: ", "bold yellow"),
                f"list snapshots are out of date ({', '.join(old)}); new designations are "
                "missed. Download current files from the publishers and pass them with "
                "--lists PATH (see README, 'Lists').",
            ),
            soft_wrap=True,
        )


def summary(screener: Screener, counts: Counter[Verdict], elapsed: float, monitored: int) -> None:
    total = sum(counts.values())
    rate = total / elapsed if elapsed > 0 else float(total)
    err.print(
        f"screened {total} record(s) in {elapsed:.2f} s ({rate:,.0f}/s): "
        f"pass {counts[Verdict.PASS]} (monitored {monitored}), "
        f"flag {counts[Verdict.FLAG]}, block {counts[Verdict.BLOCK]}",
        soft_wrap=True,
    )
    for lst in screener.lists:
        i = lst.info
        err.print(
            f"  list  {i.name} {i.version} ({i.entries} entries, {i.names} names) "
            f"sha256:{i.sha256[:16]}",
            soft_wrap=True,
        )
    for path, version, sha in screener.rules.files:
        err.print(f"  rules {path} {version} sha256:{sha[:16]}", soft_wrap=True)


def screen(
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="CSV, JSON or JSON Lines files; `-` or none reads stdin.", show_default=False
        ),
    ] = None,
    lists: ListsOption = None,
    list_format: ListFormatOption = None,
    rules: RulesOption = None,
    input_format: Annotated[
        InputFormat | None,
        typer.Option("--input-format", help="Force the input format. Default: sniffed."),
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="Text encoding of CSV input (e.g. cp1252).")
    ] = "utf-8",
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", "-m", help="Rename a column: SOURCE=FIELD (repeatable).", show_default=False
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format", "-f", help="table on a terminal, jsonl when piped.", show_default=False
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write decisions to FILE (atomically).", show_default=False
        ),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Screen as on this date (records without a date). Default: today.",
            show_default=False,
        ),
    ] = None,
    exit_zero: Annotated[
        bool,
        typer.Option("--exit-zero", help="Exit 0 whatever the decisions (errors still exit 1)."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress.")] = False,
) -> None:
    """Screen shipment records: pass, flag or block each, with the reasons."""
    check_list_format(list_format)
    field_map = parse_mapping(mapping or [])
    sources = list(files or [])
    if not sources:
        if sys.stdin is None or sys.stdin.isatty():
            err.print("usage error: give input files, or pipe records on stdin (see --help)")
            raise typer.Exit(EXIT_USAGE)
        sources = ["-"]
    for source in sources:
        if source != "-" and not Path(source).is_file():
            # Before anything is screened: a missing second file must not cut a run in half.
            raise InputError("no such input file", path=source)
    fmt = _output_format(output_format, output)
    State.machine_readable = fmt is not OutputFormat.TABLE
    today = as_of.date() if as_of else date.today()

    started = time.perf_counter()
    screener = Screener.from_paths(
        rules or [default_rules()], lists or default_lists(), list_format
    )
    warn_stale(screener, today)

    counts: Counter[Verdict] = Counter()
    monitored = 0
    sink: contextlib.AbstractContextManager[TextIO] = (
        atomic_output(output) if output else contextlib.nullcontext(sys.stdout)
    )
    records = _records(sources, input_format, encoding)
    decisions = screener.screen(records, field_map, qualify_ids=len(sources) > 1, on=today)
    with sink as stream, _progress(quiet) as tick:
        writer = writer_for(fmt, stream)
        for decision in decisions:
            writer.write(decision)
            counts[decision.decision] += 1
            monitored += _is_monitored(decision)
            tick(counts.total())
        writer.close()
    if not quiet:
        summary(screener, counts, time.perf_counter() - started, monitored)
    worst = max(counts, key=lambda v: v.exit_code, default=Verdict.PASS)
    raise typer.Exit(0 if exit_zero else worst.exit_code)


def _is_monitored(decision: Decision) -> bool:
    return decision.decision is Verdict.PASS and any(
        r.action is Action.MONITOR for r in decision.reasons
    )


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int], None]]:
    """A transient record counter on stderr, only when stderr is a terminal."""
    if quiet or not err.is_terminal:
        yield lambda _: None
        return
    with err.status("screening...") as status:

        def tick(n: int) -> None:
            if n % PROGRESS_EVERY == 0:
                status.update(f"screening... {n:,} records")

        yield tick
