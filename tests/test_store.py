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
