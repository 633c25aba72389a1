"""`dualscreen rescreen` end to end: stored records against changed lists, rules and reviews."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from dualscreen.defaults import default_rules
from tests.cli.conftest import Invoke, decisions, flat

SHIPMENTS = (
    "id,consignee,destination_country\n"
    "R1,Banco Nacional de Kuba,DE\n"
    "R2,Acme Trading GmbH,DE\n"
    "R3,Globex Ltd,JP\n"
    "R4,Initech Pty Ltd,AU\n"
)
NEW_ENTRY = "  - {id: S3, name: 'ACME TRADING GMBH', programs: [TEST]}\n"
DE_RULE = """\
rules:
  - id: company-de-watch
    kind: destination
    title: Everything to Germany is checked
    action: flag
    countries: [DE]
    goods: all
    explanation: "Goods to {country}: check with the trade desk."
    basis: Company policy TC-12
"""


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    return tmp_path / "cases.db"


def screen(
    invoke: Invoke, watch_list: Path, store: Path, text: str = SHIPMENTS, *extra: str
) -> list[dict]:
    result = invoke(
        "screen", "--lists", str(watch_list), "--store", str(store), "-q", "-f", "jsonl", *extra,
        input=text,
    )  # fmt: skip
    assert result.exit_code in (0, 3, 4), result.stderr
    return decisions(result.stdout)


def rescreen(invoke: Invoke, watch_list: Path, store: Path, *extra: str) -> tuple[int, list[dict]]:
    result = invoke(
        "rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "jsonl", *extra
    )
    assert result.exit_code in (0, 3, 4), result.stderr
    return result.exit_code, decisions(result.stdout)


def add_entry(watch_list: Path, line: str = NEW_ENTRY) -> None:
    with watch_list.open("a", encoding="utf-8") as fh:
        fh.write(line)


def test_after_a_list_gains_a_name_rescreen_reports_exactly_the_records_that_now_match(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    before = {d["id"]: d["decision"] for d in screen(invoke, watch_list, store)}
    assert before == {"R1": "flag", "R2": "pass", "R3": "pass", "R4": "pass"}
    add_entry(watch_list)
    code, changed = rescreen(invoke, watch_list, store)
    assert code == 4
    assert [(d["id"], d["previous_decision"], d["decision"]) for d in changed] == [
        ("R2", "pass", "block")
    ]
    (r2,) = changed
    assert list(r2)[:5] == [
        "id",
        "decision",
        "previous_decision",
        "previous_screened_on",
        "changes",
    ]
    (added,) = r2["changes"]["added"]
    assert (added["rule"], added["list"], added["entry_id"], added["field"]) == (
        "restricted-party",
        "test-sanctions",
        "S3",
        "consignee",
    )
    assert r2["changes"]["removed"] == r2["changes"]["changed"] == []
    assert r2["reasons"] == [added]
    assert r2["record"] == {
        "id": "R2",
        "consignee": "Acme Trading GmbH",
        "destination_country": "DE",
    }


def test_a_second_rescreen_right_after_reports_nothing(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    screen(invoke, watch_list, store)
    add_entry(watch_list)
    assert rescreen(invoke, watch_list, store)[0] == 4
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "jsonl")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "re-screened 4 stored record(s) in" in result.stderr
    assert "0 changed" in result.stderr


def test_nothing_changed_means_no_output_and_exit_0(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    screen(invoke, watch_list, store)
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "jsonl")
    assert (result.exit_code, result.stdout) == (0, "")


def test_a_new_rule_shows_as_the_added_reason(
    invoke: Invoke, watch_list: Path, store: Path, tmp_path: Path
) -> None:
    screen(invoke, watch_list, store)
    extra = tmp_path / "company.yaml"
    extra.write_text(DE_RULE, encoding="utf-8")
    code, changed = rescreen(
        invoke, watch_list, store, "--rules", str(default_rules()), "--rules", str(extra)
    )
    assert code == 3
    # R1 was already flagged (the bank): its decision did not change, so it is not reported.
    assert [(d["id"], d["previous_decision"], d["decision"]) for d in changed] == [
        ("R2", "pass", "flag")
    ]
    (added,) = changed[0]["changes"]["added"]
    assert (added["kind"], added["rule"]) == ("destination", "company-de-watch")


def test_a_clearance_shows_as_a_changed_reason(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    screen(invoke, watch_list, store)
    cleared = invoke(
        "review", "clear", "--party", "Banco Nacional de Kuba", "--entry", "S1",
        "--reviewer", "ana", "--reason", "registry checked", "--lists", str(watch_list),
        "--store", str(store),
    )  # fmt: skip
    assert cleared.exit_code == 0, cleared.stderr
    code, changed = rescreen(invoke, watch_list, store)
    assert code == 0  # the worst changed decision is a pass
    ((r1),) = changed
    assert (r1["id"], r1["previous_decision"], r1["decision"]) == ("R1", "flag", "pass")
    assert r1["changes"]["added"] == r1["changes"]["removed"] == []
    (change,) = r1["changes"]["changed"]
    assert "review" not in change["before"]
    assert change["after"]["review"]["status"] == "cleared"


def test_since_takes_the_records_first_screened_on_or_after_the_date(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    screen(
        invoke, watch_list, store, "id,consignee\nOLD,Acme Trading GmbH\n", "--as-of", "2026-10-01"
    )
    screen(
        invoke, watch_list, store, "id,consignee\nNEW,Acme Trading Gmbh\n", "--as-of", "2026-11-10"
    )
    add_entry(watch_list)
    _, changed = rescreen(
        invoke, watch_list, store, "--since", "2026-11-01", "--as-of", "2026-11-20"
    )
    assert [d["id"] for d in changed] == ["NEW"]
    # Re-screening does not renew OLD's date: it stays out of the window.
    _, changed = rescreen(invoke, watch_list, store, "--since", "2026-11-01")
    assert changed == []
    _, changed = rescreen(invoke, watch_list, store)
    assert [(d["id"], d["previous_screened_on"]) for d in changed] == [("OLD", "2026-10-01")]


def test_a_record_stored_before_records_were_kept_is_reported_flagged_every_run(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    screen(invoke, watch_list, store)
    with sqlite3.connect(store) as conn:  # a row as schema 1 stored it: no record
        conn.execute(
            "INSERT INTO screenings (record_id, content_sha256, parties, decision, reasons, "
            "lists, rules_sha256, screened_on, screened_at) VALUES ('OLD-7', 'c', "
            "'{\"consignee\": \"Someone Ltd\"}', 'block', '[]', '[]', 'r', '2026-09-01', "
            "'2026-09-01T00:00:00+00:00')"
        )
    for _ in range(2):
        result = invoke(
            "rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "jsonl"
        )
        assert result.exit_code == 3, result.stderr
        (old,) = decisions(result.stdout)
        assert (old["id"], old["decision"], old["previous_decision"]) == ("OLD-7", "flag", "block")
        (reason,) = old["reasons"]
        assert (reason["kind"], reason["rule"]) == ("input", "no-stored-record")
        assert "screen the file again" in reason["explanation"]
        assert old["changes"] == {"added": [reason], "removed": [], "changed": []}
        assert old["record"] == {"id": "OLD-7", "consignee": "Someone Ltd"}
        assert "1 stored without their record, reported flagged" in result.stderr


def test_a_record_flagged_for_its_input_stays_flagged(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    ragged = "id,consignee,destination_country\nR9,Acme Trading GmbH,DE,surplus field\n"
    (first,) = screen(invoke, watch_list, store, ragged)
    assert first["decision"] == "flag" and first["reasons"][0]["kind"] == "input"
    code, changed = rescreen(invoke, watch_list, store)
    assert (code, changed) == (0, [])
    add_entry(watch_list)
    code, (again,) = rescreen(invoke, watch_list, store)
    assert (code, again["decision"], again["previous_decision"]) == (4, "block", "flag")
    assert "input" in [r["kind"] for r in again["reasons"]]


def test_the_table_shows_previous_then_new(invoke: Invoke, watch_list: Path, store: Path) -> None:
    screen(invoke, watch_list, store)
    add_entry(watch_list)
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "table")
    assert result.exit_code == 4
    assert "pass → block" in result.stdout
    assert "added [block] restricted-party" in result.stdout


def test_csv_has_previous_decision_and_changes_after_the_decision(
    invoke: Invoke, watch_list: Path, store: Path, tmp_path: Path
) -> None:
    screen(invoke, watch_list, store)
    add_entry(watch_list)
    out = tmp_path / "changes.csv"
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-o", str(out))
    assert (result.exit_code, result.stdout) == (4, "")
    header, row = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert header[:6] == ["id", "decision", "previous_decision", "changes", "rules", "explanation"]
    assert row[:3] == ["R2", "block", "pass"]
    assert row[3].startswith(
        'added [block] restricted-party: consignee "Acme Trading GmbH" matches'
    )
    # Nothing changed the next time: the file is replaced by an empty one, never sent twice.
    again = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-o", str(out))
    assert again.exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines() == [",".join(header[:6])]


def test_xlsx_output_has_the_change_columns(
    invoke: Invoke, watch_list: Path, store: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    screen(invoke, watch_list, store)
    add_entry(watch_list)
    out = tmp_path / "changes.xlsx"
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-o", str(out))
    assert result.exit_code == 4, result.stderr
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("id", "decision", "previous_decision", "changes")
    assert rows[1][:3] == ("R2", "block", "pass")


def test_json_output_is_an_array_of_the_changed(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    screen(invoke, watch_list, store)
    add_entry(watch_list)
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "json")
    assert [d["id"] for d in json.loads(result.stdout)] == ["R2"]


def test_a_store_that_does_not_exist_is_an_error_naming_it_and_is_not_created(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "jsonl")
    assert (result.exit_code, result.stdout) == (1, "")
    assert f"{store}: no case store here" in result.stderr
    assert not store.exists()


def test_a_store_without_screenings_exits_0_with_a_note(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    from dualscreen.store import Store

    Store(store).close()
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-q")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.strip() == f"no stored records in {store}: nothing to re-screen"


def test_the_default_store_is_in_the_data_folder(
    invoke: Invoke, watch_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DUALSCREEN_STORE", raising=False)
    result = invoke("rescreen", "--lists", str(watch_list))
    assert result.exit_code == 1
    assert f"{tmp_path / 'data' / 'cases.db'}: no case store here" in result.stderr
    monkeypatch.setenv("DUALSCREEN_STORE", str(tmp_path / "env.db"))
    result = invoke("rescreen", "--lists", str(watch_list))
    assert f"{tmp_path / 'env.db'}: no case store here" in result.stderr


def test_exit_zero_and_the_summary(invoke: Invoke, watch_list: Path, store: Path) -> None:
    screen(invoke, watch_list, store)
    add_entry(watch_list)
    result = invoke(
        "rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "jsonl", "--exit-zero"
    )
    assert result.exit_code == 0
    assert "1 changed (now pass 0, flag 0, block 1)" in result.stderr


@pytest.mark.parametrize("option", ["-o", "--audit"])
def test_screen_refuses_a_store_that_is_its_output_or_audit_file(
    invoke: Invoke, watch_list: Path, store: Path, option: str
) -> None:
    result = invoke(
        "screen", "--lists", str(watch_list), "--store", str(store), option, str(store),
        input=SHIPMENTS,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "the case store needs a file of its own" in flat(result.stderr)
    assert not store.exists()


def test_screen_refuses_a_store_that_is_an_input(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    data = tmp_path / "shipments.csv"
    data.write_text(SHIPMENTS, encoding="utf-8")
    result = invoke("screen", str(data), "--lists", str(watch_list), "--store", str(data))
    assert result.exit_code == 2
    assert "is an input; the case store needs a file of its own" in flat(result.stderr)
    assert data.read_text(encoding="utf-8") == SHIPMENTS


def test_rescreen_refuses_a_store_that_is_its_output(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    screen(invoke, watch_list, store)
    before = store.read_bytes()
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-o", str(store))
    assert result.exit_code == 2
    assert store.read_bytes() == before


def test_with_audit_every_decision_is_audited_and_the_file_verifies(
    invoke: Invoke, watch_list: Path, store: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    screen(invoke, watch_list, store, SHIPMENTS, "--audit", str(audit))
    add_entry(watch_list)
    code, changed = rescreen(invoke, watch_list, store, "--audit", str(audit))
    assert (code, [d["id"] for d in changed]) == (4, ["R2"])
    verified = invoke("audit", "verify", str(audit))
    assert verified.exit_code == 0, verified.stderr
    assert "2 run(s) (0 interrupted)" in verified.stdout
    lines = decisions(audit.read_text(encoding="utf-8"))
    start, *judged, end = lines[6:]
    assert start["type"] == "start" and start["args"]["store"] == str(store)
    assert [(d["id"], d["decision"], d["source"]) for d in judged] == [
        ("R1", "flag", "store"),
        ("R2", "block", "store"),
        ("R3", "pass", "store"),
        ("R4", "pass", "store"),
    ]
    assert (end["type"], end["records"], end["exit_code"]) == ("end", 4, 4)


def test_a_rescreen_that_fails_before_delivering_records_nothing_in_the_store(
    invoke: Invoke,
    watch_list: Path,
    store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dualscreen.cli.rescreen_cmd as command
    from dualscreen.output.changes import changes_writer_for

    screen(invoke, watch_list, store)
    add_entry(watch_list)

    def failing(*args: object) -> object:
        writer = changes_writer_for(*args)  # type: ignore[arg-type]

        def close() -> None:
            raise OSError(28, "No space left on device")

        writer.close = close  # type: ignore[method-assign]
        return writer

    monkeypatch.setattr(command, "changes_writer_for", failing)
    out = tmp_path / "changes.csv"
    result = invoke("rescreen", "--lists", str(watch_list), "--store", str(store), "-o", str(out))
    assert result.exit_code == 1
    assert not out.exists()
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM screenings").fetchone() == (4,)
    monkeypatch.undo()
    # So the change is still reported by the next run that succeeds.
    assert [d["id"] for d in rescreen(invoke, watch_list, store)[1]] == ["R2"]


def test_records_screened_against_a_list_not_loaded_now_are_warned_about(
    invoke: Invoke, watch_list: Path, store: Path, tmp_path: Path
) -> None:
    screen(invoke, watch_list, store)
    other = tmp_path / "other.yaml"
    other.write_text(
        "name: other-list\nversion: '2026-11-01'\ncategory: sanctions\nentries:\n"
        "  - {id: O1, name: NOBODY AT ALL}\n",
        encoding="utf-8",
    )
    result = invoke("rescreen", "--lists", str(other), "--store", str(store), "-f", "jsonl", "-q")
    assert result.exit_code == 0  # R1's hit is gone: flag -> pass
    assert [d["id"] for d in decisions(result.stdout)] == ["R1"]
    assert "test-sanctions (4 record(s))" in flat(result.stderr)
    assert "hits on those lists show as removed" in flat(result.stderr)


def test_a_second_rescreen_while_one_runs_is_refused_and_reports_nothing(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    """Overlapping runs would both report the same changes: the second stops at once, exit 1,
    naming the lock, and the changes are still reported once the first is done."""
    from dualscreen.store import Store

    screen(invoke, watch_list, store)
    add_entry(watch_list)
    with Store(store, create=False) as running, running.one_run_at_a_time("rescreen"):
        result = invoke(
            "rescreen", "--lists", str(watch_list), "--store", str(store), "-f", "jsonl"
        )
        assert (result.exit_code, result.stdout) == (1, "")
        assert "another `dualscreen rescreen` is running on this case store" in result.stderr
        assert f"{store}.rescreen.lock" in result.stderr
    code, changed = rescreen(invoke, watch_list, store)
    assert (code, [d["id"] for d in changed]) == (4, ["R2"])
