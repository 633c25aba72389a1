"""Screening a batch in several processes: the same decisions, in the same order, whatever
happens to the workers."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest
from bench._common import make_records

import dualscreen.screening as screening
from dualscreen.defaults import default_rules
from dualscreen.lists import load_lists
from dualscreen.models import Decision, Reason
from dualscreen.records import RawRecord
from dualscreen.rules import load_rules
from dualscreen.screening import PARALLEL_MIN_RECORDS, Screener
from dualscreen.store import Store

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="worker processes are forked; this platform cannot fork (screening stays serial)",
)


@pytest.fixture(scope="module")
def real_lists(shared_data: Path) -> list[Any]:
    return load_lists([shared_data / "lists" / "ofac-sdn" / "2024-05-03"])


@pytest.fixture(scope="module")
def sample(real_lists: list[Any]) -> list[RawRecord]:
    """Faker parties and, in one slot in ten, a real SDN name: hits of every method."""
    entries = [e for lst in real_lists for e in lst.entries]
    records, planted = make_records(1200, 0.1, entries, seed=11)
    assert planted
    return records


def _json(decisions: list[Decision]) -> list[dict[str, Any]]:
    return [d.to_json_dict() for d in decisions]


def test_parallel_decisions_equal_serial_ones_on_real_lists(
    real_lists: list[Any], sample: list[RawRecord]
) -> None:
    rules = load_rules([default_rules()])
    serial = list(Screener(rules, real_lists, workers=1).screen(sample))
    parallel = list(Screener(rules, real_lists, workers=2).screen(sample))
    assert len(parallel) == len(sample)
    assert _json(parallel) == _json(serial)
    assert sum(d.decision.value != "pass" for d in serial) > 100  # the sample has hits


def test_three_workers_decide_alike_too(real_lists: list[Any], sample: list[RawRecord]) -> None:
    rules = load_rules([default_rules()])
    serial = list(Screener(rules, real_lists, workers=1).screen(sample[:600]))
    assert _json(list(Screener(rules, real_lists, workers=3).screen(sample[:600]))) == _json(serial)


# --- failures cost time, never a record --------------------------------------------------------


def _watch(tmp_path: Path) -> Screener:
    path = tmp_path / "watch.csv"
    path.write_text("id,name\nW1,Acme Proliferation Front\n", encoding="utf-8")
    return Screener(load_rules([default_rules()]), load_lists([path]), workers=2)


def _records(count: int) -> list[RawRecord]:
    parties = ("Acme Proliferation Front", "Acme Proliferaton Front", "Budi Santoso", "")
    return [
        RawRecord("test", line, {"exporter": parties[line % 4], "consignee": "Budi Santoso"})
        for line in range(1, count + 1)
    ]


def _claim(batch: int, part: int) -> bool:
    assert screening._CLAIMS is not None
    return screening._CLAIMS.claim(batch, part)


def _raises(batch: int, part: int, *args: Any) -> None:
    if _claim(batch, part):
        raise RuntimeError("worker bug")


def _dies(batch: int, part: int, *args: Any) -> None:
    if _claim(batch, part):
        os._exit(9)


_real_worker = screening._screen_in_worker


def _loses_a_record(*args: Any) -> Any:
    found = _real_worker(*args)
    return (found[0][1:], found[1]) if found else found


@pytest.mark.parametrize(
    "worker",
    [_raises, _dies, _loses_a_record],
    ids=["worker raises", "worker process dies", "worker returns too few results"],
)
def test_a_failing_worker_falls_back_to_this_process_without_losing_a_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: Any
) -> None:
    records = _records(PARALLEL_MIN_RECORDS * 2)
    serial = list(Screener(load_rules([default_rules()]), _watch(tmp_path).lists).screen(records))
    # Forked after this, the workers run the broken function; this process is slowed down so
    # that they claim their parts before it could take them over.
    monkeypatch.setattr(screening, "_screen_in_worker", worker)
    parent, evaluate_batch = os.getpid(), Screener._evaluate_batch

    def slow_here(self: Screener, *args: Any) -> list[list[Reason]]:
        if os.getpid() == parent:
            time.sleep(0.5)
        return evaluate_batch(self, *args)

    monkeypatch.setattr(Screener, "_evaluate_batch", slow_here)
    with pytest.warns(RuntimeWarning, match="worker process failed"):
        parallel = list(_watch(tmp_path).screen(records))
    assert parallel == serial
    assert [d.decision.value for d in parallel[:4]] == ["flag", "pass", "pass", "flag"]


def test_small_batches_start_no_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(screener: Screener) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(screening._Pool, "start", refuse)
    assert len(list(_watch(tmp_path).screen(_records(PARALLEL_MIN_RECORDS - 1)))) == (
        PARALLEL_MIN_RECORDS - 1
    )


def test_without_fork_screening_stays_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    records = _records(PARALLEL_MIN_RECORDS)
    assert len(list(_watch(tmp_path).screen(records))) == len(records)


@pytest.mark.parametrize(
    ("count", "size", "expected"),
    [
        (0, 250, [(0, 0)]),
        (10, 250, [(0, 10)]),
        (500, 250, [(0, 250), (250, 500)]),
        (501, 250, [(0, 167), (167, 334), (334, 501)]),
    ],
    ids=["nothing", "one part", "two full parts", "near-equal parts"],
)
def test_a_batch_is_cut_in_near_equal_parts(
    count: int, size: int, expected: list[tuple[int, int]]
) -> None:
    assert screening._parts(count, size) == expected


@pytest.mark.parametrize("bad_line", [100, 700], ids=["in the first part", "in a later part"])
def test_a_record_that_cannot_be_parsed_stops_the_run_after_those_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad_line: int
) -> None:
    real = screening.to_shipment

    def breaks_on_one(raw: RawRecord, *args: Any) -> Any:
        if raw.line == bad_line:
            raise ValueError(f"bad record {raw.line}")
        return real(raw, *args)

    monkeypatch.setattr(screening, "to_shipment", breaks_on_one)  # before the workers fork
    out = []
    with pytest.raises(ValueError, match=f"bad record {bad_line}"):
        out.extend(_watch(tmp_path).screen(_records(PARALLEL_MIN_RECORDS * 2)))
    assert [d.id for d in out] == [str(n) for n in range(1, bad_line)]


def test_with_a_case_store_workers_send_back_what_it_records(
    tmp_path: Path, real_lists: list[Any], sample: list[RawRecord]
) -> None:
    """Worker processes leave shipments out of what they send back unless there is a case
    store to record them in: with one, the stored screenings are those of a serial run."""
    rules = load_rules([default_rules()])
    rows = []
    for workers in (1, 2):
        with Store(tmp_path / f"cases-{workers}.db") as store:
            decisions = list(Screener(rules, real_lists, store, workers=workers).screen(sample))
            assert len(decisions) == len(sample)
            rows.append(
                store.conn.execute(
                    "SELECT record_id, parties, decision, reasons FROM screenings ORDER BY rowid"
                ).fetchall()
            )
    assert len(rows[0]) == len(sample)
    assert rows[1] == rows[0]
