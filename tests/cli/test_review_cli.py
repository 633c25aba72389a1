"""Reviewed hits end to end: `review clear|confirm|list` and `screen --store`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, decisions, flat

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


def test_without_store_a_review_goes_to_the_default_store(
    invoke: Invoke, watch_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DUALSCREEN_STORE", raising=False)
    result = invoke(
        "review", "clear", "--party", PARTY, "--entry", "S1", "--reviewer", "ana",
        "--reason", "x", "--lists", str(watch_list),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    listed = invoke("review", "list", "--format", "json")
    assert [r["party"] for r in json.loads(listed.stdout)] == [PARTY]
    assert (tmp_path / "data" / "cases.db").is_file()


def test_review_list_on_a_missing_store_is_an_error_naming_it(invoke: Invoke, store: Path) -> None:
    result = invoke("review", "list", "--store", str(store))
    assert (result.exit_code, result.stdout) == (1, "")
    assert f"{store}: no case store here" in result.stderr
    assert not store.exists()


def test_a_review_is_audited_and_the_file_still_verifies(
    invoke: Invoke, watch_list: Path, store: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    screened = invoke(
        "screen", "--lists", str(watch_list), "-q", "-f", "jsonl", "--audit", str(audit),
        input=NEAR,
    )  # fmt: skip
    assert screened.exit_code == 3, screened.stderr
    review(invoke, watch_list, store, "clear", "--expires", "2027-06-30", "--audit", str(audit))
    again = invoke(
        "screen", "--lists", str(watch_list), "-q", "-f", "jsonl", "--audit", str(audit),
        "--store", str(store), input=NEAR,
    )  # fmt: skip
    assert again.exit_code == 0, again.stderr
    verified = invoke("audit", "verify", str(audit))
    assert verified.exit_code == 0, verified.stderr
    assert "2 run(s) (0 interrupted), 1 review(s)" in verified.stdout
    shown = invoke("audit", "show", str(audit), "--reviews")
    assert shown.exit_code == 0, shown.stderr
    (line,) = decisions(shown.stdout)
    assert (line["type"], line["seq"]) == ("review", 4)
    assert {
        k: line["review"][k] for k in ("verdict", "party", "entry_id", "reviewer", "expires")
    } == {
        "verdict": "cleared",
        "party": PARTY,
        "entry_id": "S1",
        "reviewer": "ana",
        "expires": "2027-06-30",
    }
    assert line["review"]["reason"] == "a German savings bank, registry checked"
    assert line["review"]["entry_fingerprint"] == line["entry"]["fingerprint"]
    assert (line["entry"]["list"], line["entry"]["name"]) == (
        "test-sanctions",
        "BANCO NACIONAL DE CUBA",
    )
    assert line["store"] == str(store)
    assert decisions(invoke("audit", "show", str(audit), "--reviews", "--entry", "S1").stdout)
    missing = invoke("audit", "show", str(audit), "--entry", "S9")
    assert missing.exit_code == 1 and "no review recorded of entry 'S9'" in missing.stderr
    assert invoke("audit", "show", str(audit)).exit_code == 2


def test_a_review_the_audit_file_cannot_take_is_not_made(
    invoke: Invoke, watch_list: Path, store: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    audit.write_text("not an audit line\n", encoding="utf-8")
    result = invoke(
        "review", "clear", "--party", PARTY, "--entry", "S1", "--reviewer", "ana",
        "--reason", "x", "--lists", str(watch_list), "--store", str(store), "--audit", str(audit),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "not a dualscreen audit line" in result.stderr
    assert not store.exists()


def test_review_refuses_a_store_that_is_the_audit_file(
    invoke: Invoke, watch_list: Path, store: Path
) -> None:
    result = invoke(
        "review", "confirm", "--party", PARTY, "--entry", "S1", "--reviewer", "ana",
        "--reason", "x", "--lists", str(watch_list), "--store", str(store), "--audit", str(store),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "is the audit file; the case store needs a file of its own" in flat(result.stderr)


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
