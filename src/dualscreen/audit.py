"""The audit trail: a hash-chained JSON Lines file holding every run and every decision.

A regulator asks, years later, why a shipment was passed and against which list version. Each
`screen --audit FILE` run appends a `start` line (tool version, arguments, rules and list hashes,
input hashes), one `decision` line per record (id, decision, reasons, where the record was read)
and a closing `end` or `interrupted` line. Every line carries `seq` (its line number) and `prev`
(the sha256 of the previous line's exact bytes; the first line chains from `GENESIS`), so an
edited, deleted, inserted or reordered line breaks the chain where `verify` finds it.

`review clear|confirm --audit FILE` appends one `review` line per review: who cleared or
confirmed which party against which list entry (and that entry's fingerprint), why, until when.
It is a run of one line, chained like any other.

Record contents are not copied here beyond the id: reasons quote the values they are about (the
matched party name is the evidence for the decision), the rest of the record is not written.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import stat
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from dualscreen import __version__
from dualscreen.errors import DualscreenError
from dualscreen.models import Decision, ListInfo, Verdict
from dualscreen.rules import RuleSet

GENESIS = "0" * 64
"""The `prev` of a file's first line."""

FORMAT_VERSION = 1
"""Written in every start line; bumped if the line shapes change incompatibly."""

LINE_TYPES = ("start", "decision", "end", "interrupted", "review")
"""`review` is a line of its own (its own run id), never inside a screening run: both hold the
file's exclusive lock while they write."""
BUFFER_BYTES = 64 * 1024
_TAIL_CHUNK = 8 * 1024


class AuditError(DualscreenError):
    """The audit file cannot be written, or its chain does not verify."""

    kind = "audit"


def utc_now() -> str:
    """A UTC timestamp, RFC 3339 with microseconds: `2026-11-22T08:15:02.123456Z`."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def line_hash(line: bytes) -> str:
    """What the next line's `prev` holds: the sha256 of a line's bytes, newline included."""
    return hashlib.sha256(line).hexdigest()


def seal(record: Mapping[str, Any], seq: int, prev: str) -> bytes:
    """The exact bytes of one audit line: `seq` and `prev` first, ASCII-only JSON, one newline.
    ASCII keeps the bytes the same whatever the locale and makes a stray byte an obvious edit."""
    body = {"seq": seq, "prev": prev, **record}
    text = json.dumps(body, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.encode("ascii") + b"\n"


# ---------------------------------------------------------------------------- record building


@dataclass(frozen=True, slots=True)
class InputDigest:
    """An input source and the sha256 of its bytes (None while not yet read, for stdin)."""

    source: str
    sha256: str | None
    bytes: int | None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "sha256": self.sha256, "bytes": self.bytes}


def file_digest(source: str) -> InputDigest:
    """An input file's sha256, named as the records read from it name their source."""
    digest, size = hashlib.sha256(), 0
    with Path(source).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return InputDigest(source, digest.hexdigest(), size)


def _counts(counts: Mapping[Verdict, int]) -> dict[str, int]:
    return {v.value: counts.get(v, 0) for v in Verdict}


def start_record(
    *,
    run: str,
    ts: str,
    args: Mapping[str, Any],
    rules: RuleSet,
    lists: Sequence[ListInfo],
    inputs: Sequence[InputDigest],
    as_of: date,
) -> dict[str, Any]:
    """What a run screened against, enough to reproduce it."""
    return {
        **_opening("start", run, ts),
        "pid": os.getpid(),
        "args": dict(args),
        "as_of": as_of.isoformat(),
        "rules": {
            "sha256": rules.sha256,
            "files": [
                {"path": path, "version": version, "sha256": sha}
                for path, version, sha in rules.files
            ],
        },
        "lists": [
            {
                "name": i.name,
                "format": i.format,
                "version": i.version,
                "sha256": i.sha256,
                "entries": i.entries,
                "path": i.path,
            }
            for i in lists
        ],
        "inputs": [d.to_json() for d in inputs],
    }


def decision_record(
    *, run: str, ts: str, decision: Decision, source: str, line: int
) -> dict[str, Any]:
    """The decision and its reasons; the record itself is not echoed (only its id)."""
    return {
        "type": "decision",
        "run": run,
        "ts": ts,
        "id": decision.id,
        "decision": decision.decision.value,
        "reasons": [r.model_dump(mode="json", exclude_none=True) for r in decision.reasons],
        "source": source,
        "line": line,
    }


def close_record(
    *,
    run: str,
    ts: str,
    counts: Mapping[Verdict, int],
    exit_code: int,
    inputs: Sequence[InputDigest],
    reason: str | None = None,
) -> dict[str, Any]:
    """`end` for a run that finished, `interrupted` (with why) for one that did not."""
    record: dict[str, Any] = {
        "type": "end" if reason is None else "interrupted",
        "run": run,
        "ts": ts,
        "records": sum(counts.values()),
        "counts": _counts(counts),
        "exit_code": exit_code,
        "inputs": [d.to_json() for d in inputs],
    }
    if reason is not None:
        record["reason"] = reason
    return record


def review_record(
    *, run: str, ts: str, review: Mapping[str, Any], entry: Mapping[str, Any], store: str
) -> dict[str, Any]:
    """An officer's review as evidence: the review as stored (with its id in the store), the
    list entry it was made against as it stood, and the store that holds it."""
    return {
        **_opening("review", run, ts),
        "user": _user(),
        "review": dict(review),
        "entry": dict(entry),
        "store": store,
    }


def _opening(kind: str, run: str, ts: str) -> dict[str, Any]:
    """The first keys of a line that opens something (a run, a review): what it is, when, and
    which dualscreen on which host wrote it."""
    return {
        "type": kind,
        "run": run,
        "ts": ts,
        "format": FORMAT_VERSION,
        "tool": {"name": "dualscreen", "version": __version__},
        "host": os.uname().nodename if hasattr(os, "uname") else "",
    }


def _user() -> str:
    """The login the review was recorded under, beside the reviewer it names."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in a bare container: not a reason to refuse the review
        return ""


# ---------------------------------------------------------------------------- the appender


def _flock(fd: int, exclusive: bool, on_wait: Callable[[], None] | None) -> None:
    import fcntl  # POSIX only; imported here so the rest of dualscreen runs anywhere

    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        if on_wait is not None:
            on_wait()
        fcntl.flock(fd, mode)


def _last_line(fd: int, size: int) -> bytes:
    """The file's last line, newline included, read backwards from the end."""
    tail = b""
    pos = size
    while pos > 0:
        step = min(_TAIL_CHUNK, pos)
        pos -= step
        tail = os.pread(fd, step, pos) + tail
        cut = tail.rfind(b"\n", 0, len(tail) - 1)
        if cut >= 0:
            return tail[cut + 1 :]
    return tail


class AuditLog:
    """Appends sealed lines to an audit file under an exclusive `flock` held until `close`.

    The lock is held for the whole run, not per batch: a run's lines stay together (start,
    decisions, end), the chain's tail is read once, and concurrent cron runs are serialised
    whole rather than interleaved. Lines are buffered and written whole (never a write that
    ends mid-line); a failed write is cut back to the last whole line. `close` fsyncs.
    """

    def __init__(
        self,
        path: Path,
        *,
        on_wait: Callable[[], None] | None = None,
        buffer_bytes: int = BUFFER_BYTES,
    ) -> None:
        self.path = path
        self._on_wait = on_wait
        self._buffer_bytes = buffer_bytes
        self._fd: int | None = None
        self._failed = False
        self._chain = _Chain(0, GENESIS, (), 0)

    @property
    def seq(self) -> int:
        """The last line's number (written or pending)."""
        return self._chain.seq

    @property
    def head(self) -> str:
        """The last line's sha256 (written or pending)."""
        return self._chain.head

    def open(self) -> AuditLog:
        existed = self.path.exists()
        try:
            fd = os.open(
                self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o640
            )
        except OSError as exc:
            raise AuditError(f"cannot open the audit file: {exc.strerror}", path=self.path) from exc
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # /dev/stdout would mix into the data
                raise AuditError("the audit file must be a regular file", path=self.path)
            _flock(fd, exclusive=True, on_wait=self._on_wait)
            seq, head = self._read_tail(fd)
            self._chain = _Chain(seq, head, (), 0)
            if not existed:
                _fsync_dir(self.path)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def _read_tail(self, fd: int) -> tuple[int, str]:
        """The chain's tail: the last line's seq and hash. Appending trusts the last line only
        (reading a years-long file every run would not scale); `verify` checks all of it."""
        size = os.fstat(fd).st_size
        if size == 0:
            return 0, GENESIS
        line = _last_line(fd, size)
        if not line.endswith(b"\n"):
            raise AuditError(
                "the audit file ends in an incomplete line; check it with `dualscreen audit "
                "verify` and remove the partial line before appending",
                path=self.path,
            )
        try:
            seq = json.loads(line)["seq"]
        except (ValueError, KeyError, TypeError) as exc:
            raise AuditError(
                "the last line is not a dualscreen audit line; refusing to append to this file",
                path=self.path,
            ) from exc
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise AuditError("the last line has no integer seq", path=self.path)
        return seq, line_hash(line)

    def append(self, record: Mapping[str, Any]) -> str:
        """Seal `record` as the next line; returns its hash. Written at the next flush."""
        if self._fd is None or self._failed:
            raise AuditError("the audit file is not open for writing", path=self.path)
        chain = self._chain
        line = seal(record, chain.seq + 1, chain.head)
        # One attribute store commits seq, head and the pending line together: a signal handler
        # that raises between two statements (SIGTERM does) can never leave a gap in the chain.
        self._chain = _Chain(
            chain.seq + 1, line_hash(line), (*chain.pending, line), chain.pending_bytes + len(line)
        )
        if self._chain.pending_bytes >= self._buffer_bytes:
            self.flush()
        return self._chain.head

    def flush(self) -> None:
        chain = self._chain
        if self._fd is None or not chain.pending:
            return
        data = b"".join(chain.pending)
        start = os.lseek(self._fd, 0, os.SEEK_END)  # stable: we hold the exclusive lock
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]
            self._chain = chain._replace(pending=(), pending_bytes=0)
        except OSError as exc:
            # A short write (disk full): cut back to where this flush began and write nothing
            # more this run, so the file never holds a half line.
            self._failed = True
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, start)
            raise AuditError(
                f"cannot write the audit file: {exc.strerror}", path=self.path
            ) from exc
        except BaseException:
            # A signal (SIGTERM, Ctrl-C) raised between two writes or just after the last one:
            # the lines written whole stay, a part of one is cut off, and the lines not written
            # stay pending, so the run can still be closed as interrupted after them.
            self._keep_whole_lines(chain, start)
            raise

    def _keep_whole_lines(self, chain: _Chain, start: int) -> None:
        assert self._fd is not None
        try:
            written = os.fstat(self._fd).st_size - start
            whole, lines = 0, 0
            for line in chain.pending:
                if whole + len(line) > written:
                    break
                whole, lines = whole + len(line), lines + 1
            if whole < written:
                os.ftruncate(self._fd, start + whole)
        except OSError:
            self._failed = True  # what is in the file is unknown: nothing more is written
            return
        self._chain = chain._replace(
            pending=chain.pending[lines:], pending_bytes=chain.pending_bytes - whole
        )

    def close(self, *, sync: bool = True) -> None:
        """Flush, fsync and release the lock. Idempotent."""
        if self._fd is None:
            return
        fd = self._fd
        try:
            if not self._failed:
                self.flush()
                if sync:
                    try:
                        os.fsync(fd)
                    except OSError as exc:
                        raise AuditError(
                            f"cannot sync the audit file: {exc.strerror}", path=self.path
                        ) from exc
        finally:
            self._fd = None
            self._chain = self._chain._replace(pending=(), pending_bytes=0)
            os.close(fd)  # closing the descriptor releases the flock


class _Chain(NamedTuple):
    """The chain's end and the lines not yet written, replaced whole, never mutated."""

    seq: int
    head: str
    pending: tuple[bytes, ...]
    pending_bytes: int


def _fsync_dir(path: Path) -> None:
    """A new file's directory entry is durable only once its directory is synced."""
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def append_event(
    path: Path, record: Mapping[str, Any], *, on_wait: Callable[[], None] | None = None
) -> AuditLog:
    """Open the audit file (locked, its tail checked), ready for one event line; the caller
    appends and closes. Opened before the event happens, so an audit file that cannot be
    written stops the event instead of leaving it unaudited."""
    return AuditLog(path, on_wait=on_wait).open()


class AuditRun:
    """One screening run in the audit file: a start line, a line per decision, a closing line."""

    def __init__(
        self, log: AuditLog, *, run_id: str | None = None, clock: Callable[[], str] = utc_now
    ) -> None:
        self.log = log
        self.run_id = run_id or uuid.uuid4().hex
        self.clock = clock
        self.counts: Counter[Verdict] = Counter()
        self.closed = False
        self._first_seq = log.seq  # the chain before the run's start line
        self._last: Verdict | None = None  # the verdict of the decision last appended

    def start(
        self,
        *,
        args: Mapping[str, Any],
        rules: RuleSet,
        lists: Sequence[ListInfo],
        inputs: Sequence[InputDigest],
        as_of: date,
    ) -> None:
        self._first_seq = self.log.seq
        self.log.append(
            start_record(
                run=self.run_id,
                ts=self.clock(),
                args=args,
                rules=rules,
                lists=lists,
                inputs=inputs,
                as_of=as_of,
            )
        )
        self.log.flush()  # a run that has begun is visible at once, even if it is then killed

    def decision(self, decision: Decision, source: str, line: int) -> None:
        self._last = decision.decision
        self.log.append(
            decision_record(
                run=self.run_id, ts=self.clock(), decision=decision, source=source, line=line
            )
        )
        self.counts[decision.decision] += 1

    def _reconcile(self) -> None:
        """A signal raised once a decision's line is in the chain but before it is counted (in
        the flush that line started, or just after): the closing line must count every
        decision line the run holds, so the one not counted is counted from the chain."""
        lines = self.log.seq - self._first_seq - 1  # less the start line
        if self._last is not None and lines == self.counts.total() + 1:
            self.counts[self._last] += 1

    def finish(
        self, *, exit_code: int, inputs: Sequence[InputDigest], reason: str | None = None
    ) -> None:
        """Write the closing line (`end`, or `interrupted` when `reason` is given), flush and
        fsync, release the lock. On failure the log is closed anyway and the error raised."""
        self._reconcile()
        try:
            self.log.append(
                close_record(
                    run=self.run_id,
                    ts=self.clock(),
                    counts=self.counts,
                    exit_code=exit_code,
                    inputs=inputs,
                    reason=reason,
                )
            )
            self.log.close()
        finally:
            self.closed = True
            self.log.close(sync=False)


# ---------------------------------------------------------------------------- hashing input


class HashingReader(io.RawIOBase):
    """A binary stream that hashes what is read through it, so input is hashed while streamed
    (stdin cannot be read twice)."""

    def __init__(self, inner: IO[bytes]) -> None:
        super().__init__()
        self._inner = inner
        self._digest = hashlib.sha256()
        self.bytes = 0
        self.eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        read1 = getattr(self._inner, "read1", None)
        data = read1(len(buffer)) if read1 is not None else self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._digest.update(data)
        self.bytes += n
        self.eof = self.eof or n == 0
        return n

    def drain(self) -> None:
        """Read (and hash) whatever the reader above left unread, up to the end."""
        while not self.eof:
            self.readinto(bytearray(1 << 16))

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


# ---------------------------------------------------------------------------- verify and find


@dataclass(frozen=True, slots=True)
class ChainReport:
    """A verified audit file: how much it holds and the hash of its last line."""

    lines: int
    runs: int
    interrupted: int
    unclosed: tuple[int, ...]  # start lines of runs with no closing line (a killed process)
    head: str  # sha256 of the last line: record it elsewhere to anchor the chain
    reviews: int = 0  # `review` lines


@dataclass
class _OpenRun:
    run: str
    line: int
    decisions: int = 0


@contextlib.contextmanager
def _locked_reader(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[IO[bytes]]:
    """The audit file for reading, under a shared lock so no run is half-way through a write."""
    try:
        fh = path.open("rb")
    except FileNotFoundError as exc:
        raise AuditError("no such audit file", path=path) from exc
    except OSError as exc:
        raise AuditError(f"cannot read the audit file: {exc.strerror}", path=path) from exc
    with fh:
        _flock(fh.fileno(), exclusive=False, on_wait=on_wait)
        yield fh


def walk(
    path: Path,
    visit: Callable[[int, dict[str, Any], bytes], None] | None = None,
    *,
    anchor: str | None = None,
    on_wait: Callable[[], None] | None = None,
) -> ChainReport:
    """Check the whole chain, calling `visit(line_number, line, raw)` for each line; raise
    AuditError naming the first line that breaks it."""
    prev, number, runs, interrupted, reviews = GENESIS, 0, 0, 0, 0
    unclosed: list[int] = []
    current: _OpenRun | None = None
    anchored = anchor is None or anchor == GENESIS

    def broken(line: int, message: str) -> AuditError:
        return AuditError(message, path=path, line=line)

    with _locked_reader(path, on_wait) as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.endswith(b"\n"):
                raise broken(number, "incomplete line (no newline at the end): a cut-off write")
            try:
                line = json.loads(raw)
            except ValueError as exc:
                raise broken(number, f"not a JSON line: {exc}") from exc
            if not isinstance(line, dict):
                raise broken(number, "not a JSON object")
            if line.get("seq") != number:
                raise broken(
                    number,
                    f"seq is {line.get('seq')!r}, expected {number}: "
                    "lines were deleted, inserted or moved before this one",
                )
            if line.get("prev") != prev:
                if number == 1:
                    raise broken(1, "the first line does not chain from the genesis value")
                raise broken(
                    number - 1,
                    f"altered: its sha256 is not the prev that line {number} recorded for it "
                    f"(or line {number}'s prev was altered)",
                )
            kind, run = line.get("type"), line.get("run")
            if kind not in LINE_TYPES or not isinstance(run, str):
                raise broken(number, f"unknown line type {kind!r} or no run id")
            if kind == "review":  # a line of its own, after a run's closing line
                if current is not None:  # a run killed before it could close
                    unclosed.append(current.line)
                    current = None
                reviews += 1
            elif kind == "start":
                if current is not None:
                    unclosed.append(current.line)
                current = _OpenRun(run, number)
                runs += 1
            elif current is None or current.run != run:
                raise broken(number, f"a {kind} line outside its run {run!r}")
            elif kind == "decision":
                current.decisions += 1
            else:
                if line.get("records") != current.decisions:
                    raise broken(
                        number,
                        f"the run's closing line counts {line.get('records')!r} decisions, "
                        f"the file holds {current.decisions} (from line {current.line})",
                    )
                interrupted += kind == "interrupted"
                current = None
            if visit is not None:
                visit(number, line, raw)
            prev = line_hash(raw)
            anchored = anchored or prev == anchor
    if current is not None:
        unclosed.append(current.line)
    if not anchored:
        raise AuditError(
            f"no line has the anchor hash {anchor}: the chain was rewritten or cut short",
            path=path,
        )
    return ChainReport(number, runs, interrupted, tuple(unclosed), prev, reviews)


def verify(
    path: Path, *, anchor: str | None = None, on_wait: Callable[[], None] | None = None
) -> ChainReport:
    """Check the chain of an audit file; raise AuditError naming the first broken line."""
    return walk(path, anchor=anchor, on_wait=on_wait)


def find(path: Path, record_id: str, *, on_wait: Callable[[], None] | None = None) -> list[bytes]:
    """The decision lines recorded for a record id, as stored, oldest first. The chain is
    verified on the way: lines from a file that does not verify are not evidence."""
    found: list[bytes] = []

    def visit(_number: int, line: dict[str, Any], raw: bytes) -> None:
        if line["type"] == "decision" and line.get("id") == record_id:
            found.append(raw)

    walk(path, visit, on_wait=on_wait)
    return found


def find_reviews(
    path: Path, entry_id: str | None = None, *, on_wait: Callable[[], None] | None = None
) -> list[bytes]:
    """The review lines (of one list entry id, if given), as stored, oldest first; verified on
    the way, as `find`."""
    found: list[bytes] = []

    def visit(_number: int, line: dict[str, Any], raw: bytes) -> None:
        review = line.get("review")
        if line["type"] == "review" and (
            entry_id is None or (isinstance(review, dict) and review.get("entry_id") == entry_id)
        ):
            found.append(raw)

    walk(path, visit, on_wait=on_wait)
    return found
