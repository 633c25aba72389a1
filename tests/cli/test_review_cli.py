"""Reviewed hits end to end: `review clear|confirm|list` and `screen --store`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, decisions

NEAR = "id,consignee,destination_country\nR1,Banco Nacional de Kuba,DE\n"
PARTY = "Banco Nacional de Kuba"


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    return tmp_path / "cases.db"


def screen(invoke: Invoke, watch_list: Path, store: Path | None, *extra: str) -> tuple[int, dict]:
    args = ["screen", "--lists", str(watch_list), "-q", "-f", "jsonl", *extra]
    if store is not None:
        args += ["--store", str(store)]
    result = invoke(*args, input=NEAR)
    assert result.exit_code in (0, 3, 4), result.stderr
    (decision,) = decisions(result.stdout)
    return result.exit_code, decision


def review(invoke: Invoke, watch_list: Path, store: Path, verb: str, *extra: str) -> None:
    result = invoke(
        "review", verb, "--party", PARTY, "--entry", "S1", "--reviewer", "ana",
        "--reason", "a German savings bank, registry checked",
        "--lists", str(watch_list), "--store", str(store), *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"{verb.rstrip('e')}ed" in result.stderr


def test_a_cleared_near_match_passes_the_next_screen_with_the_clearance_shown(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    code, before = screen(invoke, watch_list, store)
    assert (code, before["decision"]) == (3, "flag")
    review(invoke, watch_list, store, "clear")
    code, after = screen(invoke, watch_list, store)
    assert (code, after["decision"]) == (0, "pass")
    (hit,) = after["reasons"]
    assert hit["action"] == "flag" and hit["entry_id"] == "S1"
    assert hit["review"]["status"] == "cleared"
    assert hit["review"]["reviewer"] == "ana"
    assert hit["review"]["reason"] == "a German savings bank, registry checked"
    assert "date" in hit["review"]


def test_the_table_says_the_hit_was_cleared(invoke: Invoke, watch_list: Path, store: Path) -> None:
    review(invoke, watch_list, store, "clear")
    result = invoke(
        "screen", "--lists", str(watch_list), "-q", "-f", "csv", "--store", str(store), input=NEAR
    )
    assert "flag, cleared by ana on " in result.stdout


def test_an_expired_clearance_raises_the_hit_again(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    review(invoke, watch_list, store, "clear", "--expires", "2026-12-01")
    code, _ = screen(invoke, watch_list, store, "--as-of", "2026-11-30")
    assert code == 0
    code, decision = screen(invoke, watch_list, store, "--as-of", "2026-12-01")
    assert (code, decision["decision"]) == (3, "flag")
    assert decision["reasons"][0]["review"]["status"] == "lapsed"
    assert decision["reasons"][0]["review"]["why"] == "expired on 2026-12-01"


def test_new_aliases_on_the_entry_lapse_the_clearance(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    review(invoke, watch_list, store, "clear")
    text = watch_list.read_text(encoding="utf-8")
    watch_list.write_text(text.replace("aliases: [BNC]", "aliases: [BNC, BANCO CUBANO]"))
    code, decision = screen(invoke, watch_list, store)
    assert code == 3
    assert decision["reasons"][0]["review"] == {
        **decision["reasons"][0]["review"],
        "status": "lapsed",
        "why": "the list entry changed since the review",
    }


def test_a_confirmed_review_is_shown_and_still_flags(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    review(invoke, watch_list, store, "confirm")
    code, decision = screen(invoke, watch_list, store)
    assert (code, decision["decision"]) == (3, "flag")
    assert decision["reasons"][0]["review"]["status"] == "confirmed"


def test_screen_with_a_store_records_each_record(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    screen(invoke, watch_list, store)
    with sqlite3.connect(store) as conn:
        rows = conn.execute(
            "SELECT record_id, decision, parties, content_sha256, lists, rules_sha256 "
            "FROM screenings"
        ).fetchall()
    ((record_id, decision, parties, sha, lists, rules),) = rows
    assert (record_id, decision) == ("R1", "flag")
    assert json.loads(parties) == {"consignee": PARTY}
    assert len(sha) == len(rules) == 64
    assert json.loads(lists)[0]["name"] == "test-sanctions"


def test_without_a_store_nothing_is_written_and_no_review_applies(
    invoke: Invoke, watch_list: Path, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review(invoke, watch_list, store, "clear")
    before = sorted(tmp_path.rglob("*"))
    monkeypatch.delenv("DUALSCREEN_STORE", raising=False)
    code, decision = screen(invoke, watch_list, None)
    assert code == 3 and "review" not in decision["reasons"][0]
    assert sorted(tmp_path.rglob("*")) == before


def test_an_unknown_entry_id_is_an_error_and_records_nothing(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    result = invoke(
        "review", "clear", "--party", PARTY, "--entry", "S9", "--reviewer", "ana",
        "--reason", "x", "--lists", str(watch_list), "--store", str(store),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no entry 'S9' in the loaded lists" in result.stderr
    assert not store.exists()


def test_review_needs_a_store(invoke: Invoke, watch_list: Path) -> None:
    result = invoke(
        "review", "clear", "--party", PARTY, "--entry", "S1", "--reviewer", "ana",
        "--reason", "x", "--lists", str(watch_list),
    )  # fmt: skip
    assert result.exit_code == 2


def test_review_list_shows_every_review(invoke: Invoke, watch_list: Path, store: Path) -> None:
    review(
        invoke, watch_list, store, "clear", "--expires", "2027-01-01", "--list", "test-sanctions"
    )
    review(invoke, watch_list, store, "confirm")
    result = invoke("review", "list", "--store", str(store), "--format", "json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [(r["verdict"], r["list"], r["expires"]) for r in listed] == [
        ("cleared", "test-sanctions", "2027-01-01"),
        ("confirmed", None, None),
    ]
    table = invoke("review", "list", "--store", str(store))
    assert table.exit_code == 0 and "cleared" in table.stdout
