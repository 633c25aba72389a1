"""The case store: a SQLite file of screened records and officers' reviews, with migrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from dualscreen.errors import StoreError
from dualscreen.models import Decision, RestrictedList, Shipment, Verdict
from dualscreen.review import Review, ReviewVerdict

BUSY_TIMEOUT_S = 30.0
"""How long a write waits for another run holding the store (a nightly screen, say)."""

STORE_ENV = "DUALSCREEN_STORE"
STORE_FILE = "cases.db"
READ_CHUNK = 500
"""Screenings read per query: no read cursor stays open while the caller writes."""
_SCREENING_COLUMNS = (
    "record_id, content_sha256, parties, decision, reasons, lists, rules_sha256, "
    "screened_on, screened_at, record"
)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE screenings (
        id INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL,
        content_sha256 TEXT NOT NULL,   -- of the canonical JSON of the record as read
        parties TEXT NOT NULL,          -- JSON: {field: name}
        decision TEXT NOT NULL,
        reasons TEXT NOT NULL,          -- JSON: the decision's reasons, as in the output
        lists TEXT NOT NULL,            -- JSON: [{name, version, sha256}]
        rules_sha256 TEXT NOT NULL,
        screened_on TEXT NOT NULL,      -- the date screened as (--as-of)
        screened_at TEXT NOT NULL       -- UTC, ISO 8601
    );
    CREATE INDEX screenings_record ON screenings (record_id);
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        party TEXT NOT NULL,            -- as the reviewer gave it
        party_key TEXT NOT NULL,        -- dualscreen.matching.normalize.match_key(party)
        list TEXT,                      -- NULL: the entry id in any list
        entry_id TEXT NOT NULL,
        entry_fingerprint TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('cleared', 'confirmed')),
        reviewer TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,       -- UTC, ISO 8601
        expires TEXT                    -- a date; NULL: no expiry
    );
    CREATE INDEX reviews_key ON reviews (party_key, entry_id);
    """,
    """
    -- The record as read, so that `rescreen` can judge it again; NULL in rows stored before.
    ALTER TABLE screenings ADD COLUMN record TEXT;
    CREATE INDEX screenings_on ON screenings (screened_on);
    """,
)
"""Schema changes in order; the store's `schema_version` is how many have been applied. Append
only: a released migration is never edited."""


@dataclass(frozen=True, slots=True)
class StoredScreening:
    """One screening as the store holds it: what was decided, on what, against which versions."""

    row: int
    record_id: str
    content_sha256: str
    record: dict[str, Any] | None  # None: screened before the store kept records (schema 1)
    parties: dict[str, str]
    decision: Verdict
    reasons: list[dict[str, Any]]
    lists: list[dict[str, Any]]
    rules_sha256: str
    screened_on: dt.date
    screened_at: dt.datetime


def default_store_path() -> Path:
    """`cases.db` in dualscreen's user data folder, beside the lists `lists update` keeps
    (`DUALSCREEN_DATA_DIR` moves both)."""
    from dualscreen.lists.update import data_dir  # the data folder's one definition

    return data_dir() / STORE_FILE


def resolve_store(given: Path | None, *, opt_in: bool = False) -> Path | None:
    """Where the case store is: `--store PATH`, else `DUALSCREEN_STORE`, else the default file
    in the user data folder. `opt_in` (for `screen`): no default, None — nothing is persisted
    unless a store is named. The CLI's options read the variable themselves; reading it here
    too keeps library callers on the same rules."""
    if given is not None:
        return given
    named = os.environ.get(STORE_ENV)
    if named:
        return Path(named)
    return None if opt_in else default_store_path()


class Store:
    """One connection to a case store, migrated to the current schema when opened."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        """`create=False` (commands that only read, or judge what is stored): a missing file
        is an error naming it, never a new empty store that would look like "nothing stored"."""
        self.path = path
        self._pending: list[tuple[Any, ...]] = []
        self._into = "screenings"
        if not create and not path.exists():
            raise StoreError(
                "no case store here; check --store or DUALSCREEN_STORE (`screen --store PATH` "
                "and `review` create one)",
                path=path,
            )
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: the transactions below are explicit, so that each is whole or absent.
            # Without `create`, mode=rw: a file removed since the check above is not recreated.
            target: str | Path = path if create else f"{path.resolve().as_uri()}?mode=rw"
            self.conn = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_S, isolation_level=None, uri=not create
            )
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the case store: {exc}", path=path) from exc

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        """Apply the migrations the file lacks, all in one transaction taken before reading the
        version, so that two runs opening a new store at once migrate it once. A SQLite file
        with tables of its own but no `schema_version` is someone else's database: refused,
        never given our tables."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            tables = {
                row[0]
                for row in self.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            }
            if tables and "schema_version" not in tables:
                raise StoreError(
                    "not a dualscreen case store (a SQLite file with other tables: "
                    f"{', '.join(sorted(tables)[:5])}); name another file with --store",
                    path=self.path,
                )
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            version = self.schema_version
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"the case store is at schema version {version}, newer than this "
                    f"dualscreen knows ({len(MIGRATIONS)}); upgrade dualscreen",
                    path=self.path,
                )
            for script in MIGRATIONS[version:]:
                for statement in _statements(script):
                    self.conn.execute(statement)
            if version < len(MIGRATIONS):
                self.conn.execute("DELETE FROM schema_version")
                self.conn.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS),))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.flush()
        self.conn.close()

    @contextlib.contextmanager
    def one_run_at_a_time(self, command: str) -> Iterator[None]:
        """Hold the store's lock for `command` during the block, or raise at once if another
        process holds it. `rescreen` reports each change once because it records what it
        reported; two overlapping runs (a cron job slower than its interval) would both
        report the same changes. An OS file lock on `<store>.<command>.lock`: released when
        the process ends, however it ends, so a killed run never leaves the store locked."""
        lock_path = self.path.with_name(f"{self.path.name}.{command}.lock")
        try:
            handle = lock_path.open("a+")
        except OSError as exc:
            msg = f"cannot open the lock file {lock_path}: {exc}"
            raise StoreError(msg, path=self.path) from exc
        with handle:
            if not _lock(handle):
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise StoreError(
                    f"another `dualscreen {command}` is running on this case store ({holder} "
                    f"holds {lock_path}); runs take turns so that each change is reported once",
                    path=self.path,
                )
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
            yield

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()

    # screenings

    def record(
        self,
        shipment: Shipment,
        decision: Decision,
        lists: Sequence[RestrictedList],
        rules_sha256: str,
        on: dt.date,
    ) -> None:
        """Note one screened record; written with the others at the next `flush`."""
        self._pending.append(
            (
                decision.id,
                hashlib.sha256(_canonical(decision.record).encode("utf-8")).hexdigest(),
                _canonical(dict(shipment.parties())),
                decision.decision.value,
                _canonical(decision.to_json_dict()["reasons"]),
                _canonical(
                    [
                        {"name": i.name, "version": i.version, "sha256": i.sha256}
                        for i in (lst.info for lst in lists)
                    ]
                ),
                rules_sha256,
                on.isoformat(),
                _now().isoformat(),
                _canonical(decision.record),
            )
        )

    def flush(self) -> None:
        """Write the screenings noted since the last flush, in one transaction (inside
        `deferred`, to the side table that block commits at its end)."""
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        self._write(
            f"INSERT INTO {self._into} ({_SCREENING_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
            immediate=self._into == "screenings",  # the side table locks no other run out
        )

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Screenings recorded inside the block reach the store only when it ends without
        error, all in one transaction; otherwise none do. `rescreen` commits its new
        screenings after the changes are delivered: a run that fails half-way must not make
        tomorrow's run take today's undelivered changes as already reported. They wait in a
        temporary table (SQLite's temporary file, not Python's memory), which locks no other
        run out."""
        self.flush()
        try:
            self.conn.execute("DROP TABLE IF EXISTS temp.pending_screenings")
            self.conn.execute(
                f"CREATE TEMP TABLE pending_screenings AS SELECT {_SCREENING_COLUMNS} "
                "FROM main.screenings WHERE 0"
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the case store: {exc}", path=self.path) from exc
        self._into = "temp.pending_screenings"
        try:
            yield
            self.flush()
        except BaseException:
            self._pending = []
            self._into = "screenings"
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("DROP TABLE IF EXISTS temp.pending_screenings")
            raise
        self._into = "screenings"
        self._write(
            f"INSERT INTO main.screenings ({_SCREENING_COLUMNS}) SELECT {_SCREENING_COLUMNS} "
            "FROM temp.pending_screenings ORDER BY rowid",
            [()],
        )
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("DROP TABLE IF EXISTS temp.pending_screenings")

    def screenings(
        self,
        since: dt.date | None = None,
        latest: bool = False,
        *,
        first_since: dt.date | None = None,
    ) -> Iterator[StoredScreening]:
        """Stored screenings, oldest first; `since`: those screened as on that date or later;
        `latest`: only the last screening of each record (same id and content); `first_since`:
        only records whose first screening was as on that date or later (a re-screening does
        not renew a record's date, so a window such as "the last 90 days" moves on).

        What is yielded is what the store held when the call began: rows written while the
        caller iterates (`rescreen` records as it goes) are not read back, and no read cursor
        stays open across the caller's writes."""
        try:
            for chunk in _chunks(self._screening_ids(since, latest, first_since), READ_CHUNK):
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    "SELECT id, record_id, content_sha256, record, parties, decision, reasons, "
                    "lists, rules_sha256, screened_on, screened_at FROM screenings "
                    f"WHERE id IN ({marks}) ORDER BY id",
                    chunk,
                ).fetchall()
                for row in rows:
                    yield StoredScreening(
                        row=row[0],
                        record_id=row[1],
                        content_sha256=row[2],
                        record=json.loads(row[3]) if row[3] is not None else None,
                        parties=json.loads(row[4]),
                        decision=Verdict(row[5]),
                        reasons=json.loads(row[6]),
                        lists=json.loads(row[7]),
                        rules_sha256=row[8],
                        screened_on=dt.date.fromisoformat(row[9]),
                        screened_at=dt.datetime.fromisoformat(row[10]),
                    )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the case store: {exc}", path=self.path) from exc

    def _screening_ids(
        self, since: dt.date | None, latest: bool, first_since: dt.date | None
    ) -> list[int]:
        """The row ids to read, in order, fixed at the call."""
        where, args = ("WHERE screened_on >= ?", [since.isoformat()]) if since else ("", [])
        if latest or first_since:
            # Per record (id and content): its last row, and the date it was first screened as.
            having = ""
            if first_since is not None:
                having = "HAVING min(screened_on) >= ?"
                args.append(first_since.isoformat())
            group = (
                f"SELECT max(id) FROM screenings GROUP BY record_id, content_sha256 {having}"
                if latest
                else "SELECT id FROM screenings WHERE (record_id, content_sha256) IN ("
                "SELECT record_id, content_sha256 FROM screenings "
                f"GROUP BY record_id, content_sha256 {having})"
            )
            where = f"{where} {'AND' if where else 'WHERE'} id IN ({group})"
        return [
            row[0]
            for row in self.conn.execute(f"SELECT id FROM screenings {where} ORDER BY id", args)
        ]

    # reviews

    def add_review(self, review: Review) -> Review:
        """Store a review; it is returned with its id. Reviews are never updated in place: a
        later review of the same party and entry supersedes an earlier one."""
        cursor = self._write(
            "INSERT INTO reviews (party, party_key, list, entry_id, entry_fingerprint, verdict, "
            "reviewer, reason, created_at, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    review.party,
                    review.key[0],
                    review.list,
                    review.entry_id,
                    review.fingerprint,
                    review.verdict.value,
                    review.reviewer,
                    review.reason,
                    review.created_at.isoformat(),
                    review.expires.isoformat() if review.expires else None,
                )
            ],
        )
        return Review(**{**review.__dict__, "id": cursor.lastrowid})

    def reviews(self) -> list[Review]:
        """Every review, oldest first."""
        try:
            rows = self.conn.execute(
                "SELECT id, party, list, entry_id, entry_fingerprint, verdict, reviewer, reason, "
                "created_at, expires FROM reviews ORDER BY id"
            ).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the case store: {exc}", path=self.path) from exc
        return [
            Review(
                id=row[0],
                party=row[1],
                list=row[2],
                entry_id=row[3],
                fingerprint=row[4],
                verdict=ReviewVerdict(row[5]),
                reviewer=row[6],
                reason=row[7],
                created_at=dt.datetime.fromisoformat(row[8]),
                expires=dt.date.fromisoformat(row[9]) if row[9] else None,
            )
            for row in rows
        ]

    def _write(
        self, sql: str, rows: list[tuple[Any, ...]], *, immediate: bool = True
    ) -> sqlite3.Cursor:
        try:
            self.conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            try:
                if len(rows) == 1:  # `lastrowid` is set by `execute` only
                    cursor = self.conn.execute(sql, rows[0])
                else:
                    cursor = self.conn.executemany(sql, rows)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the case store: {exc}", path=self.path) from exc
        return cursor


def _lock(handle: IO[str]) -> bool:
    """An exclusive lock on an open file, without waiting: False when another process has it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _statements(script: str) -> list[str]:
    """A migration's statements, for `execute` one by one inside the caller's transaction
    (`executescript` would commit first)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line.split("--", 1)[0].rstrip() + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s.strip(" \n;")]


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
