"""`screen --audit` and `dualscreen audit verify|show` through the CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from dualscreen.defaults import default_rules
from dualscreen.rules import load_rules
from tests.cli.conftest import Invoke, decisions

PASS = (
    '{"id": "p1", "exporter": "PT Kopi Toraja", "hs_code": "090111", "destination_country": "US"}'
)
BLOCK = '{"id": "b1", "consignee": "Banco Nacional de Cuba", "destination_country": "CH"}'
SECRET = (
    '{"id": "s1", "consignee": "Harmless Harbour Traders", "description": "TOP SECRET ALLOY", '
    '"Notes": "call Mr Smith", "hs_code": "090111", "destination_country": "US"}'
)


def audit_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_screen_appends_a_start_line_a_line_per_decision_and_an_end_line(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    stdin = f"{PASS}\n{BLOCK}\n"

    result = invoke("screen", "--lists", str(watch_list), "-q", "--audit", str(audit), input=stdin)

    assert result.exit_code == 4, result.stderr
    start, *made, end = audit_lines(audit)
    assert start["type"] == "start"
    assert start["tool"]["version"].startswith("0.")
    assert start["args"]["lists"] == [str(watch_list)]
    assert start["rules"]["sha256"] == load_rules([default_rules()]).sha256
    assert [(lst["name"], lst["version"], lst["entries"]) for lst in start["lists"]] == [
        ("test-sanctions", "2026-11-01", 2)
    ]
    assert (
        start["lists"][0]["sha256"]
        == hashlib.sha256(b"watch.yaml\0" + watch_list.read_bytes()).hexdigest()
    )
    assert [(d["id"], d["decision"], d["source"], d["line"]) for d in made] == [
        ("p1", "pass", "<stdin>", 1),
        ("b1", "block", "<stdin>", 2),
    ]
    assert made[1]["reasons"][0]["entry_id"] == "S1"
    assert end["type"] == "end"
    assert (end["records"], end["exit_code"]) == (2, 4)
    assert end["counts"] == {"pass": 1, "flag": 0, "block": 1}
    # stdin is hashed as it streams: the sha256 of exactly the bytes piped in
    assert end["inputs"] == [
        {
            "source": "<stdin>",
            "sha256": hashlib.sha256(stdin.encode()).hexdigest(),
            "bytes": len(stdin.encode()),
        }
    ]
    assert start["inputs"] == [{"source": "<stdin>", "sha256": None, "bytes": None}]


def test_input_files_are_hashed_in_the_start_line(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(PASS + "\n")
    second.write_text(BLOCK + "\n")
    audit = tmp_path / "audit.jsonl"

    invoke("screen", str(first), str(second), "--lists", str(watch_list), "--audit", str(audit))

    start = audit_lines(audit)[0]
    assert start["inputs"] == [
        {
            "source": str(p),
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            "bytes": 1 + len(t),
        }
        for p, t in ((first, PASS), (second, BLOCK))
    ]
    assert [d["source"] for d in audit_lines(audit)[1:3]] == [str(first), str(second)]


def test_the_audit_holds_ids_decisions_and_reasons_but_not_the_records(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"

    result = invoke("screen", "--lists", str(watch_list), "--audit", str(audit), input=SECRET)

    text = audit.read_text()
    assert '"id":"s1"' in text
    for content in ("Harmless Harbour", "TOP SECRET", "Mr Smith"):
        assert content not in text
        assert content not in result.stderr  # nor do the default logs carry record contents


def test_the_audit_file_can_come_from_the_environment(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"

    invoke(
        "screen", "--lists", str(watch_list), "-q", input=PASS, env={"DUALSCREEN_AUDIT": str(audit)}
    )

    assert [line["type"] for line in audit_lines(audit)] == ["start", "decision", "end"]


def test_a_run_that_fails_midway_is_closed_as_interrupted(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"

    result = invoke(
        "screen", "--lists", str(watch_list), "--audit", str(audit), input=f"[{PASS}, {BLOCK}, {{"
    )

    assert result.exit_code == 1
    *_, last = audit_lines(audit)
    assert last["type"] == "interrupted"
    assert last["reason"].startswith("error: <stdin>: invalid JSON in array element 3")
    assert (last["records"], last["exit_code"]) == (2, 1)
    assert invoke("audit", "verify", str(audit)).exit_code == 0


def test_verify_says_ok_with_the_head_hash(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    invoke("screen", "--lists", str(watch_list), "--audit", str(audit), input=PASS)
    invoke("screen", "--lists", str(watch_list), "--audit", str(audit), input=BLOCK)

    result = invoke("audit", "verify", str(audit))

    head = hashlib.sha256(audit.read_bytes().splitlines(keepends=True)[-1]).hexdigest()
    assert result.exit_code == 0
    assert (
        result.stdout
        == f"ok: {audit}: 6 line(s), 2 run(s) (0 interrupted); last line sha256:{head}\n"
    )
    assert invoke("audit", "verify", str(audit), "--anchor", head).exit_code == 0


def test_verify_of_an_edited_file_exits_1_naming_the_line(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    invoke("screen", "--lists", str(watch_list), "--audit", str(audit), input=f"{BLOCK}\n{PASS}\n")
    audit.write_text(audit.read_text().replace('"decision":"block"', '"decision":"pass"'))

    result = invoke("audit", "verify", str(audit))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {audit}:2: altered")
    assert len(result.stderr.strip().splitlines()) == 1


def test_show_prints_a_records_decisions_as_json_lines(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    for _ in range(2):
        invoke(
            "screen", "--lists", str(watch_list), "--audit", str(audit), input=f"{PASS}\n{BLOCK}\n"
        )

    result = invoke("audit", "show", str(audit), "--id", "b1")

    assert result.exit_code == 0
    shown = decisions(result.stdout)
    assert [(d["seq"], d["id"], d["decision"]) for d in shown] == [
        (3, "b1", "block"),
        (7, "b1", "block"),
    ]
    assert result.stdout.splitlines() == [
        line for line in audit.read_text().splitlines() if '"id":"b1"' in line
    ]


def test_show_of_an_unknown_id_exits_1(invoke: Invoke, watch_list: Path, tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    invoke("screen", "--lists", str(watch_list), "--audit", str(audit), input=PASS)

    result = invoke("audit", "show", str(audit), "--id", "nobody")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no decision recorded for id 'nobody'" in result.stderr


def test_concurrent_runs_are_serialised_whole(watch_list: Path, tmp_path: Path) -> None:
    """Cron runs that overlap: each run's lines stay together and the chain holds."""
    audit = tmp_path / "audit.jsonl"
    inputs = []
    for n in range(3):
        path = tmp_path / f"in{n}.csv"
        path.write_text("id,consignee\n" + "".join(f"{n}-{i},Acme {i}\n" for i in range(300)))
        inputs.append(path)
    command = [sys.executable, "-m", "dualscreen", "screen", "--lists", str(watch_list), "-q"]
    runs = [
        subprocess.Popen(
            [*command, str(path), "--audit", str(audit)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for path in inputs
    ]
    codes = [run.wait(timeout=120) for run in runs]

    assert codes == [0, 0, 0]
    verified = subprocess.run(
        [sys.executable, "-m", "dualscreen", "audit", "verify", str(audit)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    assert "906 line(s), 3 run(s)" in verified.stdout


def test_the_audit_file_cannot_also_be_the_output_or_an_input(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    invoke("screen", "--lists", str(watch_list), "--audit", str(audit), input=PASS)
    before = audit.read_bytes()

    as_output = invoke(
        "screen", "--lists", str(watch_list), "--audit", str(audit), "-o", str(audit), input=PASS
    )
    as_input = invoke("screen", str(audit), "--lists", str(watch_list), "--audit", str(audit))

    assert (as_output.exit_code, as_input.exit_code) == (2, 2)
    assert "is the audit file" in as_output.stderr
    assert audit.read_bytes() == before
