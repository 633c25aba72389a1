"""`dualscreen screen`: records in, one decision per record out, exit code from the worst."""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Annotated, Any, ParamSpec

import typer
from rich.text import Text

from dualscreen.audit import AuditError, AuditLog, AuditRun, HashingReader, InputDigest, file_digest
from dualscreen.cli.common import (
    EXIT_ERROR,
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
from dualscreen.cli.diagnostics import InputDiagnostics
from dualscreen.cli.store_option import check_store_path
from dualscreen.defaults import default_lists, default_rules
from dualscreen.errors import InputError
from dualscreen.models import SHIPMENT_FIELDS, Action, Decision, Verdict
from dualscreen.output import OutputFormat, writer_for
from dualscreen.output.atomic import atomic_output
from dualscreen.pins import check_pins, load_pins
from dualscreen.records import InputFormat, RawRecord, canonical_name, read_source
from dualscreen.screening import Screener, default_workers
from dualscreen.store import Store, resolve_store

P = ParamSpec("P")

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
        by_suffix = {
            ".csv": OutputFormat.CSV,
            ".json": OutputFormat.JSON,
            ".xlsx": OutputFormat.XLSX,
        }
        return by_suffix.get(output.suffix.lower(), OutputFormat.JSONL)
    return OutputFormat.TABLE if sys.stdout.isatty() else OutputFormat.JSONL


def _records(
    sources: list[str], fmt: InputFormat | None, encoding: str, sheet: str | None
) -> Iterator[RawRecord]:
    for source in sources:
        yield from read_source(source, fmt, encoding, sheet)


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


class Terminated(BaseException):
    """SIGTERM as an exception, so a run unwinds as on Ctrl-C: the temporary output file is
    removed and the audit run closed. A BaseException, like KeyboardInterrupt, so that no
    `except Exception` (the screener's per-record guard) can swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _stops_on_signals(command: Callable[P, None]) -> Callable[P, None]:
    """SIGINT and SIGTERM end the command with one line on stderr and exit 128 + the signal
    (130, 143), after the `with` blocks below them have cleaned up."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        installed = _in_main_thread() and signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
        previous = signal.signal(signal.SIGTERM, _raise_terminated) if installed else None
        try:
            command(*args, **kwargs)
        except (KeyboardInterrupt, Terminated) as exc:
            signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
            output = kwargs.get("output")
            left = f"{output} was not written" if output else "the output is incomplete"
            err.print(
                Text.assemble(
                    ("interrupted: ", "bold red"),
                    f"{signal.Signals(signum).name}; the run did not finish and {left}",
                ),
                soft_wrap=True,
            )
            raise typer.Exit(128 + signum) from None
        finally:
            if installed:
                signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)

    return run


class _SignalsDeferred:
    """From `hold()` to the end of the block, SIGINT and SIGTERM are noted, not raised: the
    audit's closing line and the output file's rename happen together. A signal that arrives
    then is too late to stop the run and is dropped."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._previous: dict[int, Any] = {}
        self.received: list[int] = []

    def __enter__(self) -> _SignalsDeferred:
        return self

    def hold(self) -> None:
        if _in_main_thread() and not self._previous:
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._note)

    def _note(self, signum: int, _frame: FrameType | None) -> None:
        self.received.append(signum)

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()


@_stops_on_signals
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
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table on a terminal, jsonl when piped; -o FILE.csv/.json/.xlsx sets it.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write decisions to FILE (atomically).", show_default=False
        ),
    ] = None,
    as_of: AsOfOption = None,
    exit_zero: Annotated[
        bool,
        typer.Option("--exit-zero", help="Exit 0 whatever the decisions (errors still exit 1)."),
    ] = False,
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
        typer.Option(
            "--audit",
            envvar="DUALSCREEN_AUDIT",
            help="Append the run and every decision to FILE, hash-chained (see `audit`).",
            show_default=False,
            dir_okay=False,
            readable=False,  # checked when read: exit 1 as a fault, not 2 as a usage error
        ),
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
        _check_audit_path(audit, output, sources)
    store = resolve_store(store, opt_in=True)  # opt-in: None unless --store or DUALSCREEN_STORE
    if store is not None:
        check_store_path(store, inputs=sources, output=output, audit=audit)
    fmt = _output_format(output_format, output)
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
    inputs = _input_digests(sources) if audit else []
    read_from: deque[tuple[str, int]] = deque()  # (source, line) of each record, for the audit
    with _hashed_stdin(audit is not None and "-" in sources) as stdin_hash:
        try:
            if audit is not None:
                trail = _start_audit(ctx, audit, screener, inputs, today, quiet)
            records = _tracked(_records(sources, input_format, encoding, sheet), read_from)
            decisions = screener.screen(records, field_map, qualify_ids=len(sources) > 1, on=today)
            with _SignalsDeferred() as deferred, sink as stream, _progress(quiet) as tick:
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
                    trail.finish(exit_code=code, inputs=_final(inputs, stdin_hash, drain=True))
        except BaseException as exc:
            if trail is not None and not trail.closed:
                _close_interrupted(trail, exc, _final(inputs, stdin_hash, drain=False))
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


def _check_audit_path(audit: Path, output: Path | None, sources: list[str]) -> None:
    """The audit file must not be the output (the run's rename would replace it) nor an input
    (each decision appended would be read back as a record, without end)."""
    others = [Path(s) for s in sources if s != "-"] + ([output] if output else [])
    for other in others:
        if other.resolve() == audit.resolve():
            raise typer.BadParameter(f"{other} is the audit file", param_hint="--audit")


def _tracked(
    records: Iterable[RawRecord], read_from: deque[tuple[str, int]]
) -> Iterator[RawRecord]:
    """Note where each record was read: the screener yields one decision per record, in order,
    so the audit pairs them first in, first out."""
    for raw in records:
        read_from.append((raw.source, raw.line))
        yield raw


def _input_digests(sources: list[str]) -> list[InputDigest]:
    """Each input file's sha256, before screening; stdin's is taken as it is read."""
    digests = []
    for source in sources:
        if source == "-":
            digests.append(InputDigest("<stdin>", None, None))
            continue
        try:
            digests.append(file_digest(source))
        except OSError as exc:
            raise InputError(f"cannot read input: {exc.strerror}", path=source) from exc
    return digests


@contextlib.contextmanager
def _hashed_stdin(enabled: bool) -> Iterator[HashingReader | None]:
    """`read_source("-")` reads `sys.stdin.buffer`; for the run, that buffer hashes what passes
    through it, so the audit holds the sha256 of the bytes screened without reading them twice."""
    if not enabled or sys.stdin is None:
        yield None
        return
    original = sys.stdin
    hashing = HashingReader(original.buffer)
    sys.stdin = io.TextIOWrapper(io.BufferedReader(hashing), encoding=original.encoding)
    try:
        yield hashing
    finally:
        sys.stdin = original


def _final(
    inputs: list[InputDigest], stdin_hash: HashingReader | None, *, drain: bool
) -> list[InputDigest]:
    """The input digests for the closing line: stdin's now that it has been read."""
    if stdin_hash is None:
        return inputs
    if drain:
        stdin_hash.drain()  # trailing bytes the reader did not need are part of the input
    return [
        InputDigest(d.source, stdin_hash.hexdigest(), stdin_hash.bytes)
        if d.source == "<stdin>"
        else d
        for d in inputs
    ]


def _args(ctx: typer.Context) -> dict[str, Any]:
    """The command line as parsed, environment variables included; records are never in it."""

    def plain(value: Any) -> Any:
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Path):
            return str(value)
        return value

    return {k: plain(v) for k, v in ctx.params.items()}


def _start_audit(
    ctx: typer.Context,
    path: Path,
    screener: Screener,
    inputs: list[InputDigest],
    today: date,
    quiet: bool,
) -> AuditRun:
    def waiting() -> None:
        if not quiet:
            err.print(f"waiting for another run to finish writing the audit file {path}...")

    log = AuditLog(path, on_wait=waiting).open()
    trail = AuditRun(log)
    try:
        trail.start(
            args=_args(ctx),
            rules=screener.rules,
            lists=[lst.info for lst in screener.lists],
            inputs=inputs,
            as_of=today,
        )
    except BaseException:
        log.close(sync=False)
        raise
    return trail


def _close_interrupted(trail: AuditRun, exc: BaseException, inputs: list[InputDigest]) -> None:
    """Close the audit run as `interrupted`, with why, so the file stays whole and verifiable.
    A failure to do so is said, but never hides the error that stopped the run."""
    if isinstance(exc, KeyboardInterrupt):
        reason, code = "SIGINT", 128 + signal.SIGINT
    elif isinstance(exc, Terminated):
        reason, code = signal.Signals(exc.signum).name, 128 + exc.signum
    elif isinstance(exc, BrokenPipeError):
        reason, code = "broken pipe", EXIT_ERROR
    else:
        reason, code = f"error: {exc}", EXIT_ERROR
    try:
        with _SignalsDeferred() as deferred:
            deferred.hold()
            trail.finish(exit_code=code, inputs=inputs, reason=reason)
    except AuditError as audit_exc:
        err.print(f"warning: the audit run could not be closed: {audit_exc}", soft_wrap=True)


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
