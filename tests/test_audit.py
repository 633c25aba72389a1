"""The audit trail as a library: sealing, the chain, tampering found, locking, whole lines."""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dualscreen.audit import (
    GENESIS,
    AuditError,
    AuditLog,
    AuditRun,
    HashingReader,
    InputDigest,
    find,
    line_hash,
    verify,
)
from dualscreen.models import Action, Decision, Reason, ReasonKind, Verdict
from dualscreen.rules import RuleSet

RULES = RuleSet(rules=(), files=(("rules.yaml", "1", "a" * 64),), sha256="b" * 64)


def decision(record_id: str, verdict: Verdict = Verdict.PASS) -> Decision:
    reasons = ()
    if verdict is not Verdict.PASS:
        reasons = (
            Reason(
                kind=ReasonKind.PARTY,
                action=Action(verdict.value),
                rule="restricted-party",
                explanation="consignee matches",
                value="Banco Nacional de Cuba",
            ),
        )
    return Decision(id=record_id, decision=verdict, reasons=reasons, record={"secret": "x"})


def write_run(path: Path, ids: list[str], *, verdict: Verdict = Verdict.PASS) -> AuditRun:
    """One complete run: start, a decision per id, end."""
    run = AuditRun(AuditLog(path).open())
    run.start(args={"files": ["in.csv"]}, rules=RULES, lists=[], inputs=[], as_of=date(2026, 1, 1))
    for n, record_id in enumerate(ids, start=2):
        run.decision(decision(record_id, verdict), "in.csv", n)
    run.finish(exit_code=verdict.exit_code, inputs=[InputDigest("in.csv", "c" * 64, 10)])
    return run


@pytest.fixture()
def trail(tmp_path: Path) -> Path:
    """Two runs: 5 lines (start, A, B, C, end) then 4 (start, A, D, end)."""
    path = tmp_path / "audit.jsonl"
    write_run(path, ["A", "B", "C"])
    write_run(path, ["A", "D"], verdict=Verdict.BLOCK)
    return path


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_each_line_chains_from_the_previous_lines_bytes(trail: Path) -> None:
    raw = lines(trail)
    parsed = [json.loads(line) for line in raw]

    assert [p["seq"] for p in parsed] == list(range(1, 10))
    assert parsed[0]["prev"] == GENESIS
    for before, line in zip(raw, parsed[1:], strict=False):
        assert line["prev"] == hashlib.sha256(before).hexdigest()
    run = ["start", "decision", "decision", "decision", "end"]
    assert [p["type"] for p in parsed] == [*run, "start", "decision", "decision", "end"]
    assert all(line.isascii() and line.endswith(b"\n") for line in raw)


def test_lines_hold_what_a_regulator_asks_and_not_the_record(trail: Path) -> None:
    start, first, *_, end = (json.loads(line) for line in lines(trail)[5:])

    assert start["tool"]["name"] == "dualscreen"
    assert start["rules"] == {
        "sha256": "b" * 64,
        "files": [{"path": "rules.yaml", "version": "1", "sha256": "a" * 64}],
    }
    assert start["ts"].endswith("Z")
    assert {k: first[k] for k in ("id", "decision", "source", "line")} == {
        "id": "A",
        "decision": "block",
        "source": "in.csv",
        "line": 2,
    }
    assert first["reasons"][0]["value"] == "Banco Nacional de Cuba"  # the evidence stays
    assert "record" not in first and "secret" not in trail.read_text()
    assert end["records"] == 2
    assert end["counts"] == {"pass": 0, "flag": 0, "block": 2}
    assert end["exit_code"] == 4
    assert end["inputs"] == [{"source": "in.csv", "sha256": "c" * 64, "bytes": 10}]
    assert {start["run"], first["run"], end["run"]} == {start["run"]}


def test_verify_reports_lines_runs_and_the_head_hash(trail: Path) -> None:
    report = verify(trail)

    assert (report.lines, report.runs, report.interrupted, report.unclosed) == (9, 2, 0, ())
    assert report.head == line_hash(lines(trail)[-1])


def test_an_empty_file_verifies_as_the_genesis(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.touch()

    assert verify(path).head == GENESIS


def _edit(raw: list[bytes]) -> list[bytes]:
    raw[2] = raw[2].replace(b'"decision":"pass"', b'"decision":"block"')
    return raw


def _delete(raw: list[bytes]) -> list[bytes]:
    del raw[2]
    return raw


def _swap(raw: list[bytes]) -> list[bytes]:
    raw[2], raw[3] = raw[3], raw[2]
    return raw


def _insert(raw: list[bytes]) -> list[bytes]:
    forged = json.loads(raw[3])
    forged["id"] = "FORGED"
    raw.insert(3, json.dumps(forged, separators=(",", ":")).encode() + b"\n")
    return raw


def _drop_first(raw: list[bytes]) -> list[bytes]:
    return raw[1:]


def _cut_off(raw: list[bytes]) -> list[bytes]:
    raw[-1] = raw[-1][:-20]
    return raw


def _garbage(raw: list[bytes]) -> list[bytes]:
    raw[4] = b"not json\n"
    return raw


@pytest.mark.parametrize(
    ("tamper", "line", "message"),
    [
        (_edit, 3, "altered"),
        (_delete, 3, "seq is 4, expected 3"),
        (_swap, 3, "seq is 4, expected 3"),
        (_insert, 5, "seq is 4, expected 5"),  # the forged line copies seq 4 of its neighbour
        (_drop_first, 1, "seq is 2, expected 1"),
        (_cut_off, 9, "incomplete line"),
        (_garbage, 5, "not a JSON line"),
    ],
    ids=["edited", "deleted", "reordered", "inserted", "head-cut", "cut-off", "garbage"],
)
def test_verify_names_the_first_broken_line(
    trail: Path, tamper: Callable[[list[bytes]], list[bytes]], line: int, message: str
) -> None:
    trail.write_bytes(b"".join(tamper(lines(trail))))

    with pytest.raises(AuditError, match=message) as info:
        verify(trail)
    assert info.value.line == line
    assert info.value.path == str(trail)


def test_a_rechained_forgery_passes_the_chain_but_not_the_anchor(trail: Path) -> None:
    """An editor who recomputes every later hash defeats any chain; a head hash kept elsewhere
    (the run summary prints it) does not move with them."""
    anchor = verify(trail).head
    raw = lines(trail)
    raw[-1] = raw[-1].replace(b'"exit_code":4', b'"exit_code":0')  # the last line: no successor

    trail.write_bytes(b"".join(raw))

    assert verify(trail).lines == 9
    with pytest.raises(AuditError, match="anchor"):
        verify(trail, anchor=anchor)


def test_an_anchor_survives_later_runs(trail: Path) -> None:
    anchor = verify(trail).head

    write_run(trail, ["E"])

    assert verify(trail, anchor=anchor).runs == 3


def test_closing_line_must_count_the_runs_decisions(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_run(path, ["A"])
    log = AuditLog(path).open()  # a writer that lost a decision line must not verify
    log.append({"type": "start", "run": "r2"})
    log.append(
        {"type": "end", "run": "r2", "records": 1, "counts": {}, "exit_code": 0, "inputs": []}
    )
    log.close()

    with pytest.raises(AuditError, match="counts 1 decisions, the file holds 0") as info:
        verify(path)
    assert info.value.line == 5


def test_a_run_killed_without_closing_line_still_verifies_and_is_noted(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    killed = AuditRun(AuditLog(path).open())
    killed.start(args={}, rules=RULES, lists=[], inputs=[], as_of=date(2026, 1, 1))
    killed.decision(decision("A"), "in.csv", 2)
    killed.log.close()  # as if SIGKILLed after a flush: no closing line
    write_run(path, ["B"])

    report = verify(path)

    assert (report.runs, report.unclosed) == (2, (1,))


def test_appending_refuses_a_file_that_ends_in_a_half_line(trail: Path) -> None:
    trail.write_bytes(trail.read_bytes()[:-5])
    before = trail.read_bytes()

    with pytest.raises(AuditError, match="incomplete line"):
        AuditLog(trail).open()
    assert trail.read_bytes() == before


def test_appending_refuses_a_file_that_is_not_an_audit_trail(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    path.write_text('{"id": "S-1", "decision": "pass"}\n')

    with pytest.raises(AuditError, match="not a dualscreen audit line"):
        AuditLog(path).open()


def test_a_failed_write_is_cut_back_to_the_last_whole_line(
    trail: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = AuditLog(trail, buffer_bytes=1 << 30).open()
    log.append({"type": "start", "run": "r3"})
    real_write = os.write
    calls: list[int] = []

    def disk_fills_up(fd: int, data: Any) -> int:
        if calls:
            raise OSError(28, "No space left on device")
        calls.append(1)
        return real_write(fd, bytes(data)[:7])  # a short write: part of a line

    monkeypatch.setattr(os, "write", disk_fills_up)
    with pytest.raises(AuditError, match="No space left"):
        log.flush()
    monkeypatch.undo()
    log.close()

    assert verify(trail).lines == 9
    with pytest.raises(AuditError):
        log.append({"type": "decision", "run": "r3"})


def interrupted_run(path: Path, write: Callable[[int, Any], int], ids: list[str]) -> AuditRun:
    """A run whose decisions' flush is interrupted by a signal (KeyboardInterrupt) as `write`
    says, then closed as interrupted, as the CLI does."""
    run = AuditRun(AuditLog(path, buffer_bytes=1 << 30).open())
    run.start(args={"files": ["-"]}, rules=RULES, lists=[], inputs=[], as_of=date(2026, 1, 1))
    for n, record_id in enumerate(ids, start=2):
        run.decision(decision(record_id), "-", n)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "write", write)
        with pytest.raises(KeyboardInterrupt):
            run.log.flush()
    run.finish(exit_code=130, inputs=[], reason="SIGINT")
    return run


def test_a_signal_just_after_a_flush_keeps_its_lines_and_the_run_still_closes(
    trail: Path,
) -> None:
    real_write = os.write

    def signal_after(fd: int, data: Any) -> int:
        real_write(fd, bytes(data))
        raise KeyboardInterrupt  # the handler runs once the write has returned

    interrupted_run(trail, signal_after, ["E", "F", "G"])

    report = verify(trail)
    assert report.lines == 9 + 5  # start, E, F, G, interrupted: every decision made is there
    last = json.loads(lines(trail)[-1])
    assert (last["type"], last["reason"], last["records"]) == ("interrupted", "SIGINT", 3)


def test_a_signal_between_two_writes_cuts_off_the_part_line_and_writes_the_rest_at_close(
    trail: Path,
) -> None:
    real_write = os.write
    calls: list[int] = []

    def signal_between(fd: int, data: Any) -> int:
        if calls:
            raise KeyboardInterrupt
        calls.append(1)
        whole = bytes(data)
        return real_write(fd, whole[: whole.index(b"\n") + 1 + 7])  # one line and a part

    interrupted_run(trail, signal_between, ["E", "F", "G"])

    assert verify(trail).lines == 9 + 5
    assert [json.loads(line)["type"] for line in lines(trail)[9:]] == [
        "start",
        "decision",
        "decision",
        "decision",
        "interrupted",
    ]


def test_a_decision_whose_flush_a_signal_interrupts_is_still_counted_by_the_closing_line(
    trail: Path,
) -> None:
    real_write = os.write
    run = AuditRun(AuditLog(trail, buffer_bytes=1).open())  # every line flushed as appended
    run.start(args={"files": ["-"]}, rules=RULES, lists=[], inputs=[], as_of=date(2026, 1, 1))
    run.decision(decision("E"), "-", 2)

    def signal_after(fd: int, data: Any) -> int:
        real_write(fd, bytes(data))
        raise KeyboardInterrupt

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "write", signal_after)
        with pytest.raises(KeyboardInterrupt):
            run.decision(decision("F", Verdict.BLOCK), "-", 3)
    run.finish(exit_code=130, inputs=[], reason="SIGINT")

    assert verify(trail).lines == 9 + 4  # start, E, F, interrupted
    last = json.loads(lines(trail)[-1])
    assert (last["records"], last["counts"]["block"]) == (2, 1)


def test_a_second_writer_waits_for_the_lock_then_chains_from_the_first(trail: Path) -> None:
    holder = AuditLog(trail).open()
    waiting = threading.Event()
    opened: list[AuditLog] = []
    second = threading.Thread(
        target=lambda: opened.append(AuditLog(trail, on_wait=waiting.set).open())
    )
    second.start()
    try:
        assert waiting.wait(10)
        assert opened == []  # blocked while the first run holds the file
        holder.append({"type": "start", "run": "r3"})
        holder.append(
            {"type": "end", "run": "r3", "records": 0, "counts": {}, "exit_code": 0, "inputs": []}
        )
    finally:
        holder.close()
        second.join(10)

    (log,) = opened
    assert (log.seq, log.head) == (holder.seq, holder.head)  # the tail is read after the wait
    log.close()
    assert verify(trail).runs == 3


def test_find_returns_a_records_decisions_oldest_first(trail: Path) -> None:
    found = [json.loads(line) for line in find(trail, "A")]

    assert [(f["seq"], f["decision"]) for f in found] == [(2, "pass"), (7, "block")]
    assert find(trail, "nobody") == []


def test_find_refuses_a_file_that_does_not_verify(trail: Path) -> None:
    trail.write_bytes(b"".join(_edit(lines(trail))))

    with pytest.raises(AuditError, match="altered"):
        find(trail, "A")


def test_verify_of_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AuditError, match="no such audit file"):
        verify(tmp_path / "missing.jsonl")


def test_hashing_reader_hashes_exactly_what_passes_through() -> None:
    data = b"id,consignee\n" + b"x" * 200_000
    reader = HashingReader(io.BytesIO(data))
    buffered = io.BufferedReader(reader)

    head = buffered.read(100)
    reader.drain()

    assert head == data[:100]
    assert reader.hexdigest() == hashlib.sha256(data).hexdigest()
    assert reader.bytes == len(data)


def write_review(path: Path, entry_id: str = "S1") -> None:
    from dualscreen.audit import review_record, utc_now

    log = AuditLog(path).open()
    log.append(
        review_record(
            run="r" * 32,
            ts=utc_now(),
            review={"id": 1, "verdict": "cleared", "party": "Acme", "entry_id": entry_id},
            entry={"entry_id": entry_id, "fingerprint": "f" * 64},
            store="cases.db",
        )
    )
    log.close()


def test_review_lines_between_runs_verify_and_are_counted(trail: Path) -> None:
    from dualscreen.audit import find_reviews

    write_review(trail, "S1")
    write_run(trail, ["R9"])
    write_review(trail, "S2")
    report = verify(trail)
    assert (report.runs, report.reviews, report.unclosed) == (3, 2, ())
    assert [json.loads(raw)["review"]["entry_id"] for raw in find_reviews(trail)] == ["S1", "S2"]
    assert [json.loads(raw)["seq"] for raw in find_reviews(trail, "S2")] == [report.lines]
    assert find(trail, "R9")  # decisions are found as before


def test_a_review_after_a_killed_run_notes_the_run_unclosed(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    run = AuditRun(AuditLog(path).open())
    run.start(args={}, rules=RULES, lists=[], inputs=[], as_of=date(2026, 1, 1))
    run.log.close()  # killed: no closing line
    write_review(path)
    report = verify(path)
    assert (report.unclosed, report.reviews) == ((1,), 1)


def test_an_edited_review_line_breaks_the_chain(trail: Path) -> None:
    write_review(trail)
    write_run(trail, ["R9"])
    lines = trail.read_bytes().splitlines(keepends=True)
    number = next(n for n, raw in enumerate(lines) if b'"type":"review"' in raw)
    lines[number] = lines[number].replace(b"cleared", b"confirm")
    trail.write_bytes(b"".join(lines))
    with pytest.raises(AuditError) as caught:
        verify(trail)
    assert caught.value.line == number + 1


def test_a_review_line_inside_a_run_breaks_the_run(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    run = AuditRun(AuditLog(path).open())
    run.start(args={}, rules=RULES, lists=[], inputs=[], as_of=date(2026, 1, 1))
    run.log.flush()
    from dualscreen.audit import review_record, utc_now

    run.log.append(review_record(run="x", ts=utc_now(), review={}, entry={}, store="s"))
    run.decision(decision("R1"), "in.csv", 2)
    run.finish(exit_code=0, inputs=[])
    with pytest.raises(AuditError, match="outside its run"):
        verify(path)
