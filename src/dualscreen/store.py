"""The case store: a SQLite file of screened records and officers' reviews, with migrations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from dualscreen.errors import StoreError
from dualscreen.models import Decision, RestrictedList, Shipment, Verdict
from dualscreen.review import Review, ReviewVerdict

BUSY_TIMEOUT_S = 30.0
"""How long a write waits for another run holding the store (a nightly screen, say)."""

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


class Store:
    """One connection to a case store, migrated to the current schema when opened."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pending: list[tuple[Any, ...]] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: the transactions below are explicit, so that each is whole or absent.
            self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
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
        version, so that two runs opening a new store at once migrate it once."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
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
        """Write the screenings noted since the last flush, in one transaction."""
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        self._write(
            "INSERT INTO screenings (record_id, content_sha256, parties, decision, reasons, "
            "lists, rules_sha256, screened_on, screened_at, record) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def screenings(
        self, since: dt.date | None = None, latest: bool = False
    ) -> Iterator[StoredScreening]:
        """Stored screenings, oldest first; `since`: those screened as on that date or later;
        `latest`: only the last screening of each record (same id and content)."""
        where, args = ("WHERE screened_on >= ?", (since.isoformat(),)) if since else ("", ())
        if latest:
            where = (
                f"{where} {'AND' if where else 'WHERE'} id IN (SELECT max(id) FROM screenings "
                "GROUP BY record_id, content_sha256)"
            )
        try:
            cursor = self.conn.execute(
                "SELECT id, record_id, content_sha256, record, parties, decision, reasons, lists, "
                f"rules_sha256, screened_on, screened_at FROM screenings {where} ORDER BY id",
                args,
            )
            for row in cursor:
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
        rows = self.conn.execute(
            "SELECT id, party, list, entry_id, entry_fingerprint, verdict, reviewer, reason, "
            "created_at, expires FROM reviews ORDER BY id"
        )
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

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> sqlite3.Cursor:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
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


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
