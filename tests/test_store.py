"""The case store: migrations from empty, idempotent re-opening, a newer schema refused."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from dualscreen.errors import StoreError
from dualscreen.review import Review, ReviewVerdict
from dualscreen.store import MIGRATIONS, Store


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_a_new_store_is_migrated_to_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cases.db"
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"schema_version", "screenings", "reviews"} <= _tables(path)


def test_reopening_keeps_the_data_and_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    review = Review(
        party="Acme GmbH",
        entry_id="S1",
        fingerprint="f" * 64,
        verdict=ReviewVerdict.CLEARED,
        reviewer="ana",
        reason="different company",
        created_at=dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC),
        expires=dt.date(2027, 1, 1),
    )
    with Store(path) as store:
        saved = store.add_review(review)
    for _ in range(2):
        with Store(path) as store:
            assert store.schema_version == len(MIGRATIONS)
            (again,) = store.reviews()
    assert saved.id == again.id == 1
    assert again == saved


def test_a_store_newer_than_this_version_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match="newer than this dualscreen knows") as caught:
        Store(path)
    assert caught.value.path == str(path)


def test_a_file_that_is_not_sqlite_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    path.write_text("not a database, just text " * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="cannot open the case store"):
        Store(path)


def _screen_into(store: Store, records: list[dict[str, str]], on: dt.date) -> None:
    from dualscreen.models import Decision, Verdict
    from dualscreen.records.shipment import to_shipment
    from dualscreen.records.sources import RawRecord

    for number, record in enumerate(records, start=1):
        shipment, _, _ = to_shipment(RawRecord("t.csv", number, record), {}, str(number))
        decision = Decision(id=str(number), decision=Verdict.PASS, record=record)
        store.record(shipment, decision, [], "r" * 64, on)
    store.flush()


def test_a_version_1_store_gains_the_record_column_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.executescript(MIGRATIONS[0])
        conn.execute("INSERT INTO schema_version VALUES (1)")
        conn.execute(
            "INSERT INTO screenings (record_id, content_sha256, parties, decision, reasons, "
            "lists, rules_sha256, screened_on, screened_at) VALUES "
            "('7', 'c', '{}', 'flag', '[]', '[]', 'r', '2026-10-01', '2026-10-01T00:00:00+00:00')"
        )
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        (old,) = store.screenings()
    assert (old.record_id, old.decision.value, old.record) == ("7", "flag", None)


def test_screenings_since_a_date_and_latest_per_record(tmp_path: Path) -> None:
    first = {"id": "1", "consignee": "Acme GmbH", "destination": "DE"}
    second = {"id": "2", "consignee": "PT Nikel", "destination": "JP"}
    with Store(tmp_path / "cases.db") as store:
        _screen_into(store, [first, second], dt.date(2026, 10, 1))
        _screen_into(store, [first], dt.date(2026, 11, 1))
        every = list(store.screenings())
        recent = list(store.screenings(since=dt.date(2026, 10, 15)))
        latest = list(store.screenings(latest=True))
    assert [s.record_id for s in every] == ["1", "2", "1"]
    assert [(s.record_id, s.screened_on) for s in recent] == [("1", dt.date(2026, 11, 1))]
    assert [(s.record_id, s.screened_on.month) for s in latest] == [("2", 10), ("1", 11)]
    assert latest[1].record == first
