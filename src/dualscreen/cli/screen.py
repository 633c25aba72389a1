"""`dualscreen screen`: records in, one decision per record out, exit code from the worst."""

from __future__ import annotations

import contextlib
import gc
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.text import Text

from dualscreen.audit import AuditLog, AuditRun
from dualscreen.cli.audit_trail import (
    check_audit_path,
    close_interrupted,
    final_digests,
    hashed_stdin,
    input_digests,
    start_audit,
)
from dualscreen.cli.common import (
    EXIT_USAGE,
    AsOfOption,
    EncodingOption,
    ExitZeroOption,
    InputFormatOption,
    ListFormatOption,
    ListsOption,
    MapOption,
    OutputFormatOption,
    RulesOption,
    SheetOption,
    State,
    audit_option,
    check_list_format,
    choose_output_format,
    err,
)
from dualscreen.cli.diagnostics import InputDiagnostics
from dualscreen.cli.signals import SignalsDeferred, stops_on_signals
from dualscreen.cli.store_option import check_store_path
from dualscreen.defaults import default_lists, default_rules
from dualscreen.errors import InputError
from dualscreen.lists.interface import version_date
from dualscreen.models import SHIPMENT_FIELDS, Action, Decision, Verdict
from dualscreen.output import OutputFormat, writer_for
from dualscreen.output.atomic import atomic_output
from dualscreen.pins import check_pins, load_pins
from dualscreen.records import InputFormat, RawRecord, canonical_name, read_source
from dualscreen.screening import Screener, default_workers
from dualscreen.store import Store, resolve_store

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


def _records(
    sources: list[str], fmt: InputFormat | None, encoding: str, sheet: str | None
) -> Iterator[RawRecord]:
    for source in sources:
        yield from read_source(source, fmt, encoding, sheet)


def warn_stale(screener: Screener, today: date) -> None:
    """Say once, with each list's date, when the lists are old enough to miss designations."""
    old = []
    for lst in screener.lists:
        listed_on = version_date(lst.info.version)
        if listed_on is not None and (today - listed_on).days > STALE_AFTER_DAYS:
            old.append(f"{lst.info.name} {lst.info.version}")
    if old:
        err.print(
            Text.assemble(
                ("warning: ", "bold yellow"),
                f"list snapshots are out of date ({', '.join(old)}); new designations are "
                "missed. Run `dualscreen lists update`, or pass current files with "
                "--lists PATH (see README, 'Lists').",
            ),
            soft_wrap=True,
        )


def summary(
    screener: Screener,
    counts: Counter[Verdict],
    elapsed: float,
    monitored: int,
    audit: AuditLog | None = None,
) -> None:
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
    if audit is not None:
        # The full hash: kept in a cron log it anchors the chain (`audit verify --anchor`).
        err.print(f"  audit {audit.path} line {audit.seq} sha256:{audit.head}", soft_wrap=True)


@stops_on_signals
def screen(
    ctx: typer.Context,
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="CSV, JSON, JSON Lines or Excel (.xlsx) files; `-` or none reads stdin.",
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
    output_format: OutputFormatOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write decisions to FILE (atomically).", show_default=False
        ),
    ] = None,
    as_of: AsOfOption = None,
    exit_zero: ExitZeroOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress.")] = False,
    pin_lists: Annotated[
        Path | None,
        typer.Option(
            "--pin-lists",
            envvar="DUALSCREEN_PIN_LISTS",
            help="Refuse to screen unless each list named in FILE (JSON or YAML: name -> "
            "sha256, or `lists show -f json` output) loads with that sha256.",
            show_default=False,
            dir_okay=False,
            readable=False,  # checked when read: exit 1 as a fault, not 2 as a usage error
        ),
    ] = None,
    audit: Annotated[
        Path | None,
        audit_option("Append the run and every decision to FILE, hash-chained (see `audit`)."),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            envvar="DUALSCREEN_STORE",
            help="Case store (SQLite): record every decision there and apply its reviews "
            "(see `review`).",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-j",
            envvar="DUALSCREEN_WORKERS",
            min=1,
            help="Processes that screen large inputs together (forked where the platform "
            "allows; decisions and their order are the same). Default: one per CPU core; "
            "1 screens in this process only.",
            show_default=False,
        ),
    ] = None,
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
    if audit is not None:
        check_audit_path(audit, output, sources)
    store = resolve_store(store, opt_in=True)  # opt-in: None unless --store or DUALSCREEN_STORE
    if store is not None:
        check_store_path(store, inputs=sources, output=output, audit=audit)
    fmt = choose_output_format(output_format, output)
    if fmt.binary and output is None:
        err.print(f"usage error: {fmt} output is a binary file; name it with -o FILE.{fmt}")
        raise typer.Exit(EXIT_USAGE)
    State.machine_readable = fmt is not OutputFormat.TABLE
    today = as_of.date() if as_of else date.today()

    started = time.perf_counter()
    case_store = Store(store) if store is not None else None
    if case_store is not None:
        ctx.call_on_close(case_store.close)
    # Loading makes a few hundred thousand objects that live for the run and no garbage: the
    # collector's passes over them while they load, and after, would be waste (and, frozen,
    # their pages stay shared with forked workers).
    gc.disable()
    try:
        screener = Screener.from_paths(
            rules or [default_rules()],
            lists or default_lists(),
            list_format,
            case_store,
            workers or default_workers(),
        )
    finally:
        gc.freeze()
        gc.enable()
    if pin_lists is not None:
        check_pins(load_pins(pin_lists), [lst.info for lst in screener.lists], pin_lists)
    warn_stale(screener, today)

    counts: Counter[Verdict] = Counter()
    monitored = 0
    sink: contextlib.AbstractContextManager[IO[Any]] = (
        atomic_output(output, binary=fmt.binary) if output else contextlib.nullcontext(sys.stdout)
    )
    trail: AuditRun | None = None
    inputs = input_digests(sources) if audit else []
    read_from: deque[tuple[str, int]] = deque()  # (source, line) of each record, for the audit
    with hashed_stdin(audit is not None and "-" in sources) as stdin_hash:
        try:
            if audit is not None:
                trail = start_audit(ctx, audit, screener, inputs, today, quiet)
            records = _tracked(_records(sources, input_format, encoding, sheet), read_from)
            decisions = screener.screen(records, field_map, qualify_ids=len(sources) > 1, on=today)
            with SignalsDeferred() as deferred, sink as stream, _progress(quiet) as tick:
                writer = writer_for(fmt, stream)
                diagnostics = InputDiagnostics(State.machine_readable)
                for decision in decisions:
                    source, line = read_from.popleft()
                    if trail is not None:  # before the output: what was delivered is audited
                        trail.decision(decision, source, line)
                    writer.write(decision)
                    diagnostics.report(decision)
                    counts[decision.decision] += 1
                    monitored += _is_monitored(decision)
                    tick(counts.total())
                writer.close()
                diagnostics.close()
                worst = max(counts, key=lambda v: v.exit_code, default=Verdict.PASS)
                code = 0 if exit_zero else worst.exit_code
                deferred.hold()  # until the output file is renamed into place
                if trail is not None:
                    trail.finish(
                        exit_code=code, inputs=final_digests(inputs, stdin_hash, drain=True)
                    )
        except BaseException as exc:
            if trail is not None and not trail.closed:
                close_interrupted(trail, exc, final_digests(inputs, stdin_hash, drain=False))
            raise
    if not quiet:
        summary(
            screener,
            counts,
            time.perf_counter() - started,
            monitored,
            trail.log if trail is not None else None,
        )
    raise typer.Exit(code)


def _tracked(
    records: Iterable[RawRecord], read_from: deque[tuple[str, int]]
) -> Iterator[RawRecord]:
    """Note where each record was read: the screener yields one decision per record, in order,
    so the audit pairs them first in, first out."""
    for raw in records:
        read_from.append((raw.source, raw.line))
        yield raw


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
