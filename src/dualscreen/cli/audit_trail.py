"""The audit trail of one command run: its start, inputs' digests and close (audit.py)."""

from __future__ import annotations

import contextlib
import io
import signal
import sys
from collections.abc import Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from dualscreen.audit import AuditError, AuditLog, AuditRun, HashingReader, InputDigest, file_digest
from dualscreen.cli.common import EXIT_ERROR, err
from dualscreen.cli.signals import SignalsDeferred, Terminated
from dualscreen.errors import InputError

if TYPE_CHECKING:
    from dualscreen.screening import Screener


def check_audit_path(audit: Path, output: Path | None, sources: list[str]) -> None:
    """The audit file must not be the output (the run's rename would replace it) nor an input
    (each decision appended would be read back as a record, without end)."""
    others = [Path(s) for s in sources if s != "-"] + ([output] if output else [])
    for other in others:
        if other.resolve() == audit.resolve():
            raise typer.BadParameter(f"{other} is the audit file", param_hint="--audit")


def input_digests(sources: list[str]) -> list[InputDigest]:
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
def hashed_stdin(enabled: bool) -> Iterator[HashingReader | None]:
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


def final_digests(
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


def start_audit(
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


def close_interrupted(trail: AuditRun, exc: BaseException, inputs: list[InputDigest]) -> None:
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
        with SignalsDeferred() as deferred:
            deferred.hold()
            trail.finish(exit_code=code, inputs=inputs, reason=reason)
    except AuditError as audit_exc:
        err.print(f"warning: the audit run could not be closed: {audit_exc}", soft_wrap=True)
