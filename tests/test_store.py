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
        decision = Decision(id=record.get("id", str(number)), decision=Verdict.PASS, record=record)
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


def test_resolve_store_option_then_variable_then_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dualscreen.store import default_store_path, resolve_store

    monkeypatch.setenv("DUALSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DUALSCREEN_STORE", raising=False)
    assert default_store_path() == tmp_path / "data" / "cases.db"
    assert resolve_store(None) == default_store_path()
    assert resolve_store(None, opt_in=True) is None  # `screen`: nothing persisted unasked
    monkeypatch.setenv("DUALSCREEN_STORE", str(tmp_path / "env.db"))
    assert resolve_store(None) == resolve_store(None, opt_in=True) == tmp_path / "env.db"
    assert resolve_store(tmp_path / "given.db", opt_in=True) == tmp_path / "given.db"


def test_opening_without_create_refuses_a_missing_file_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "cases.db"
    with pytest.raises(StoreError, match="no case store here") as caught:
        Store(path, create=False)
    assert caught.value.path == str(path)
    assert not path.parent.exists()
    Store(path).close()
    with Store(path, create=False) as store:
        assert store.schema_version == len(MIGRATIONS)


def test_a_sqlite_file_of_someone_else_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="not a dualscreen case store"):
        Store(path)
    assert _tables(path) == {"invoices"}


def test_deferred_screenings_are_written_only_when_the_block_ends_well(tmp_path: Path) -> None:
    record = {"id": "1", "consignee": "Acme GmbH"}
    with Store(tmp_path / "cases.db") as store:
        with pytest.raises(RuntimeError), store.deferred():
            _screen_into(store, [record], dt.date(2026, 11, 1))
            raise RuntimeError("the output could not be written")
        assert list(store.screenings()) == []
        with store.deferred():
            _screen_into(store, [record, record], dt.date(2026, 11, 1))
            assert list(store.screenings()) == []  # not before the block ends
        assert [s.record_id for s in store.screenings()] == ["1", "1"]
        _screen_into(store, [record], dt.date(2026, 11, 2))  # and writes go straight in after
        assert len(list(store.screenings())) == 3


def test_screenings_read_what_was_stored_when_the_call_began(tmp_path: Path) -> None:
    import dualscreen.store

    records = [{"id": str(n), "consignee": f"Party {n}"} for n in range(1, 8)]
    with Store(tmp_path / "cases.db") as store:
        _screen_into(store, records, dt.date(2026, 11, 1))
        seen = []
        chunk, dualscreen.store.READ_CHUNK = dualscreen.store.READ_CHUNK, 3
        try:
            for stored in store.screenings(latest=True):
                seen.append(stored.record_id)
                _screen_into(store, [records[0]], dt.date(2026, 11, 2))  # written while reading
        finally:
            dualscreen.store.READ_CHUNK = chunk
    assert seen == [str(n) for n in range(1, 8)]


def test_first_since_takes_records_by_their_first_screening(tmp_path: Path) -> None:
    old = {"id": "old", "consignee": "Acme GmbH"}
    new = {"id": "new", "consignee": "PT Nikel"}
    with Store(tmp_path / "cases.db") as store:
        _screen_into(store, [old], dt.date(2026, 10, 1))
        _screen_into(store, [new], dt.date(2026, 11, 5))
        _screen_into(store, [old, new], dt.date(2026, 11, 20))  # both screened again
        window = dt.date(2026, 11, 1)
        latest = [(s.record_id, s.screened_on.day) for s in store.screenings(latest=True)]
        first = list(store.screenings(latest=True, first_since=window))
        every = list(store.screenings(first_since=window))
    assert latest == [("old", 20), ("new", 20)]
    assert [(s.record_id, s.screened_on.day) for s in first] == [("new", 20)]
    assert [(s.record_id, s.screened_on.day) for s in every] == [("new", 5), ("new", 20)]
