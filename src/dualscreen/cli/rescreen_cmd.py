"""`dualscreen rescreen`: stored records against today's lists and rules; only the changes out."""

from __future__ import annotations

import contextlib
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.text import Text

from dualscreen.audit import AuditRun, InputDigest
from dualscreen.cli.audit_trail import check_audit_path, close_interrupted, start_audit
from dualscreen.cli.common import (
    EXIT_USAGE,
    AsOfOption,
    ExitZeroOption,
    ListFormatOption,
    ListsOption,
    OutputFormatOption,
    RulesOption,
    State,
    audit_option,
    check_list_format,
    choose_output_format,
    err,
)
from dualscreen.cli.screen import warn_stale
from dualscreen.cli.signals import SignalsDeferred, stops_on_signals
from dualscreen.cli.store_option import StoreOption, check_store_path
from dualscreen.defaults import default_lists, default_rules
from dualscreen.models import Verdict
from dualscreen.output import OutputFormat
from dualscreen.output.atomic import atomic_output
from dualscreen.output.changes import changes_writer_for
from dualscreen.rescreen import rescreen as rescreen_records
from dualscreen.screening import Screener
from dualscreen.store import Store, StoredScreening, resolve_store


@stops_on_signals
def rescreen(
    ctx: typer.Context,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            help="Only records first screened as on DATE or later (re-screening does not "
            "renew a record's date). Default: every stored record.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    lists: ListsOption = None,
    list_format: ListFormatOption = None,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
    output_format: OutputFormatOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the changed decisions to FILE (atomically; replaced even when none "
            "changed, so yesterday's changes are never sent twice).",
            show_default=False,
        ),
    ] = None,
    exit_zero: ExitZeroOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
    audit: Annotated[
        Path | None,
        audit_option(
            "Append the run and every decision made (changed or not) to FILE, hash-chained, "
            "as `screen --audit` does."
        ),
    ] = None,
) -> None:
    """Judge the records in the case store again, against the current lists, rules and
    reviews, and print only those whose decision changed: each with `previous_decision` and
    `changes` (reasons added, removed, changed). The new decisions are recorded in the store,
    changed or not, once the output is written: the next run compares with them, so a change
    is reported once. Records stored before dualscreen kept them cannot be judged again: they
    are reported flagged, every run, until their file is screened again with --store."""
    check_list_format(list_format)
    path = resolve_store(store)
    assert path is not None  # not opt-in: the default store when none is named
    check_store_path(path, output=output, audit=audit)
    if audit is not None:
        check_audit_path(audit, output, [])
    fmt = choose_output_format(output_format, output)
    if fmt.binary and output is None:
        err.print(f"usage error: {fmt} output is a binary file; name it with -o FILE.{fmt}")
        raise typer.Exit(EXIT_USAGE)
    State.machine_readable = fmt is not OutputFormat.TABLE
    today = as_of.date() if as_of else date.today()

    started = time.perf_counter()
    case_store = Store(path, create=False)
    ctx.call_on_close(case_store.close)
    ctx.with_resource(case_store.one_run_at_a_time("rescreen"))
    screener = Screener.from_paths(
        rules or [default_rules()], lists or default_lists(), list_format, case_store
    )
    warn_stale(screener, today)

    considered, not_judged = 0, 0
    changed: Counter[Verdict] = Counter()
    sink: contextlib.AbstractContextManager[IO[Any]] = (
        atomic_output(output, binary=fmt.binary) if output else contextlib.nullcontext(sys.stdout)
    )
    unloaded: Counter[str] = Counter()
    stored = _noting_unloaded_lists(
        case_store.screenings(latest=True, first_since=since.date() if since else None),
        {lst.info.name for lst in screener.lists},
        unloaded,
    )
    inputs = [InputDigest(f"case store {path}", None, None)]
    trail: AuditRun | None = None
    try:
        if audit is not None:
            trail = start_audit(ctx, audit, screener, inputs, today, quiet)
        # Written in this order: the audit, then the output, then the store. The store last:
        # a run that fails before its changes are delivered leaves the store as it was, so
        # the next run reports them again rather than never.
        with case_store.deferred(), SignalsDeferred() as deferred, sink as stream:
            writer = changes_writer_for(fmt, stream)
            for result in rescreen_records(screener, stored, today):
                if trail is not None:
                    trail.decision(result, "store", result.stored_row)
                considered += 1
                not_judged += not result.rejudged
                if result.changed:
                    writer.write(result)
                    changed[result.decision] += 1
            writer.close()
            worst = max(changed, key=lambda v: v.exit_code, default=Verdict.PASS)
            code = 0 if exit_zero else worst.exit_code
            deferred.hold()  # until the output file is renamed into place
            if trail is not None:
                trail.finish(exit_code=code, inputs=inputs)
    except BaseException as exc:
        if trail is not None and not trail.closed:
            close_interrupted(trail, exc, inputs)
        raise
    if unloaded:  # even with -q: a cron job run without its --lists must not pass unnoticed
        names = ", ".join(f"{name} ({n} record(s))" for name, n in sorted(unloaded.items()))
        err.print(
            Text.assemble(
                ("warning: ", "bold yellow"),
                f"records were last screened against list(s) not loaded now: {names}; their "
                "hits on those lists show as removed. Pass the same --lists as `screen`.",
            ),
            soft_wrap=True,
        )
    if not quiet or considered == 0:
        _summary(path, since, considered, not_judged, changed, time.perf_counter() - started)
    if not quiet and considered:
        for lst in screener.lists:  # what the records were judged against, for the cron log
            i = lst.info
            err.print(f"  list  {i.name} {i.version} sha256:{i.sha256[:16]}", soft_wrap=True)
        for rules_path, version, sha in screener.rules.files:
            err.print(f"  rules {rules_path} {version} sha256:{sha[:16]}", soft_wrap=True)
    raise typer.Exit(code)


def _noting_unloaded_lists(
    screenings: Iterator[StoredScreening], loaded: set[str], unloaded: Counter[str]
) -> Iterator[StoredScreening]:
    """The screenings, counting on the way those made against a list not loaded now."""
    for stored in screenings:
        for name in {str(info.get("name")) for info in stored.lists} - loaded:
            unloaded[name] += 1
        yield stored


def _summary(
    path: Path,
    since: datetime | None,
    considered: int,
    not_judged: int,
    changed: Counter[Verdict],
    elapsed: float,
) -> None:
    window = f" first screened on or after {since.date().isoformat()}" if since else ""
    if considered == 0:
        err.print(f"no stored records{window} in {path}: nothing to re-screen", soft_wrap=True)
        return
    unjudged = (
        f"; {not_judged} stored without their record, reported flagged: screen their files "
        "again with --store"
        if not_judged
        else ""
    )
    err.print(
        f"re-screened {considered} stored record(s){window} in {elapsed:.2f} s: "
        f"{changed.total()} changed (now pass {changed[Verdict.PASS]}, "
        f"flag {changed[Verdict.FLAG]}, block {changed[Verdict.BLOCK]}){unjudged}; "
        f"the new decisions are recorded in {path}",
        soft_wrap=True,
    )
