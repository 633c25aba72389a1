"""`match_many` answers as `match` does, and the screener matches each batch of records at once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dualscreen import Screener
from dualscreen.defaults import default_rules
from dualscreen.lists import load_lists
from dualscreen.matching import NameMatcher
from dualscreen.matching import matcher as matcher_module
from dualscreen.records import RawRecord
from dualscreen.rules import load_rules
from tests.matching.test_matcher import FLAG, SANCTIONS, UN

QUERIES = [
    "Banco Nacional de Cuba",
    "Banco Nacionl de Cuba",
    "Vladimir Putin",
    "Iranian Titanium Devleopment",
    "Golden Star",
    "Golden Star Trading",
    "Martin PLC",
    "PT Vale Indonesia Tbk",
    "Ltd.",
    "",
    "Banco Nacional de Cuba",  # again: answered twice, scored once
    "banco NACIONAL de cuba",  # another spelling of the same key
]


@pytest.mark.parametrize("numpy_from", [1, 10_000], ids=["numpy-counts", "python-counts"])
@pytest.mark.parametrize("cutoff", [0.0, 0.5, FLAG, 1.0])
def test_match_many_answers_like_match_in_order(
    monkeypatch: pytest.MonkeyPatch, numpy_from: int, cutoff: float
) -> None:
    monkeypatch.setattr(matcher_module, "BATCH_MIN_NAMES", numpy_from)
    expected = [NameMatcher([SANCTIONS, UN]).match(q, cutoff) for q in QUERIES]
    assert NameMatcher([SANCTIONS, UN]).match_many(QUERIES, cutoff) == expected


def test_match_after_match_many_is_a_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    names = NameMatcher([SANCTIONS, UN])
    batch = names.match_many(QUERIES, FLAG)

    def fail(*args: Any) -> None:
        raise AssertionError("scored again")

    monkeypatch.setattr(names, "_match_key", fail)
    assert [names.match(q, FLAG) for q in QUERIES] == batch
    assert names.match_many(QUERIES, FLAG) == batch


def test_a_full_memo_starts_over_without_losing_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matcher_module, "CACHE_SIZE", 3)
    names = NameMatcher([SANCTIONS, UN])
    names.match("Golden Star", FLAG)
    assert names.match_many(QUERIES, FLAG) == [
        NameMatcher([SANCTIONS, UN]).match(q, FLAG) for q in QUERIES
    ]


# --- the screener feeds it batches -----------------------------------------------------------


@pytest.fixture
def screener(tmp_path: Path) -> Screener:
    """A fresh one each time: nothing matched yet."""
    path = tmp_path / "watch.csv"
    path.write_text("id,name\nW1,Acme Proliferation Front\n", encoding="utf-8")
    return Screener(load_rules([default_rules()]), load_lists([path]))


def _records(count: int) -> list[RawRecord]:
    parties = ("Acme Proliferation Front", "Acme Proliferaton Front", "Budi Santoso", "")
    return [
        RawRecord("test", line, {"exporter": parties[line % 4], "consignee": "Budi Santoso"})
        for line in range(1, count + 1)
    ]


def test_screen_decides_each_record_as_screen_record_does(
    monkeypatch: pytest.MonkeyPatch, screener: Screener
) -> None:
    monkeypatch.setattr("dualscreen.screening.BATCH_RECORDS", 3)
    records = _records(10)
    batched = list(screener.screen(records))
    fresh = Screener(screener.rules, screener.lists)
    assert batched == [fresh.screen_record(r) for r in records]
    assert [d.decision.value for d in batched[:4]] == ["flag", "pass", "pass", "flag"]


def test_screen_matches_once_per_batch(monkeypatch: pytest.MonkeyPatch, screener: Screener) -> None:
    monkeypatch.setattr("dualscreen.screening.BATCH_RECORDS", 4)
    batches: list[list[str]] = []
    original = screener.matcher.match_many

    def spy(names: list[str], cutoff: float) -> list[Any]:
        batches.append(names)
        return original(names, cutoff)

    monkeypatch.setattr(screener.matcher, "match_many", spy)
    assert len(list(screener.screen(_records(10)))) == 10
    assert [len(b) for b in batches] == [7, 7, 4]  # two parties a record, less the empty ones


def test_decisions_read_before_an_input_error_come_out_first(
    monkeypatch: pytest.MonkeyPatch, screener: Screener
) -> None:
    monkeypatch.setattr("dualscreen.screening.BATCH_RECORDS", 4)

    def failing() -> Iterator[RawRecord]:
        yield from _records(6)
        raise OSError("disk gone")

    out = []
    with pytest.raises(OSError, match="disk gone"):
        out.extend(screener.screen(failing()))
    assert [d.id for d in out] == [str(n) for n in range(1, 7)]


def test_a_failing_batch_match_falls_back_to_each_record(
    monkeypatch: pytest.MonkeyPatch, screener: Screener
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(screener.matcher, "match_many", broken)
    records = _records(4)
    with pytest.warns(RuntimeWarning, match="batch name matching failed"):
        batched = list(screener.screen(records))
    assert batched == [screener.screen_record(r) for r in records]


def test_one_record_does_not_import_numpy() -> None:
    """numpy costs a one-record run a seventh of a second; only batches need it."""
    code = (
        "import sys\n"
        "from dualscreen import Screener\n"
        "from dualscreen.defaults import default_lists, default_rules\n"
        "from dualscreen.lists import load_lists\n"
        "from dualscreen.records import RawRecord\n"
        "from dualscreen.rules import load_rules\n"
        "s = Screener(load_rules([default_rules()]), load_lists(default_lists()))\n"
        "list(s.screen([RawRecord('x', 1, {'consignee': 'Banco Nacional de Cuba'})]))\n"
        "print('numpy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
