"""`dualscreen report` end to end: totals as `screen` decides, the store, errors and usage."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tests.report.conftest import EXAMPLES, REPO, Invoke

AS_OF = "2026-11-01"


def jsonl(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_json_totals_are_the_decisions_of_screen(invoke: Invoke) -> None:
    screened = invoke("screen", str(EXAMPLES), "-f", "jsonl", "--as-of", AS_OF, "-q")
    assert screened.exit_code == 4
    decisions = jsonl(screened.stdout)

    result = invoke("report", str(EXAMPLES), "--format", "json", "--as-of", AS_OF, "-q")
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)

    counts = Counter(d["decision"] for d in decisions)
    assert figures["records"] == len(decisions) == 18
    assert figures["decisions"] == {v: counts[v] for v in ("pass", "flag", "block")}
    by_destination = Counter(d["record"]["destination_country"] for d in decisions)
    assert {x["destination"]: x["records"] for x in figures["by_destination"]} == by_destination
    by_rule = Counter(r for d in decisions for r in {x["rule"] for x in d["reasons"]})
    assert {x["rule"]: x["records"] for x in figures["by_rule"]} == by_rule
    monitored = [
        d
        for d in decisions
        if any(r.get("mineral") for r in d["reasons"])
        or d["record"]["control_code"] not in ("", "EAR99")
    ]
    assert figures["monitoring"]["records"] == len(monitored)
    usd = sum(int(d["record"]["value"]) for d in monitored if d["record"]["currency"] == "USD")
    assert figures["monitoring"]["totals"]["values"] == [
        {"currency": "USD", "total": usd, "records": len(monitored)}
    ]
    flagged = [d["id"] for d in decisions if d["decision"] != "pass"]
    assert [r["id"] for r in figures["details"]["records"]] == flagged
    hits = [
        (r["entry_id"], r["score"], r["confidence"], r["match"]["summary"])
        for d in decisions
        for r in d["reasons"]
        if r["kind"] == "party"
    ]
    shown = [
        (m["entry_id"], m["score"], m["confidence"], m["why"])
        for r in figures["details"]["records"]
        for m in r["matches"]
    ]
    assert shown == hits and hits
    provenance = figures["provenance"]
    assert provenance["as_of"] == AS_OF and provenance["source"] == "screen"
    assert {x["name"] for x in provenance["lists"]} == {x["name"] for x in figures["by_list"]}
    assert all(len(x["sha256"]) == 64 for x in provenance["lists"])


def test_html_report_is_written_to_the_file_only(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = invoke("report", str(EXAMPLES), "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0  # the report was written; the blocks are in it, not in $?
    assert result.stdout == ""
    assert f"reported 18 record(s) to {out}: pass 6 (monitored 5), flag 5, block 7" in " ".join(
        result.stderr.split()
    )
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="total-block">7</span>' in page
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_format_follows_the_output_suffix(invoke: Invoke, tmp_path: Path, watch_list: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,consignee\n1,Banco Nacional de Cuba\n2,Acme\n", encoding="utf-8")
    out = tmp_path / "report.json"
    result = invoke("report", str(src), "--lists", str(watch_list), "-o", str(out), "-q")
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["decisions"] == {"pass": 1, "flag": 0, "block": 1}


def test_stdin_and_html_to_a_pipe(invoke: Invoke, watch_list: Path) -> None:
    result = invoke(
        "report", "-", "--lists", str(watch_list), "-q", input="id,consignee\n1,Moa Nickle SA\n"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert 'id="total-flag">1</span>' in result.stdout


def test_store_reports_the_latest_stored_decisions(
    invoke: Invoke, tmp_path: Path, watch_list: Path
) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,consignee,hs_code,origin_country,destination_country,quantity,unit,value,currency\n"
        "1,Banco Nacional de Cuba,260400,ID,CN,100,t,5000,USD\n2,Acme,,ID,JP,,,,\n",
        encoding="utf-8",
    )
    db = tmp_path / "cases.db"
    for _ in range(2):  # screened twice: each record is reported once, as last decided
        screened = invoke("screen", str(src), "--lists", str(watch_list), "--store", str(db), "-q")
        assert screened.exit_code == 4, screened.stderr

    result = invoke("report", "--store", str(db), "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["records"] == 2
    assert figures["decisions"] == {"pass": 1, "flag": 0, "block": 1}
    assert figures["monitoring"]["by_mineral"][0]["mineral"] == "nickel"
    assert figures["details"]["records"][0]["matches"][0]["entry_id"] == "S1"
    provenance = figures["provenance"]
    assert provenance["source"] == "store" and provenance["inputs"] == [str(db)]
    assert [x["name"] for x in provenance["lists"]] == ["test-sanctions"]

    # DUALSCREEN_STORE names the store when no INPUT is given.
    by_env = invoke("report", "-f", "json", "-q", env={"DUALSCREEN_STORE": str(db)})
    assert json.loads(by_env.stdout)["records"] == 2

    later = invoke("report", "--store", str(db), "--since", "2999-01-01", "-f", "json", "-q")
    assert json.loads(later.stdout)["records"] == 0


def test_input_and_store_are_exclusive(invoke: Invoke, tmp_path: Path, watch_list: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,consignee\n1,Acme\n", encoding="utf-8")
    both = invoke("report", str(src), "--store", str(tmp_path / "cases.db"), "-f", "json")
    assert both.exit_code == 2
    assert "not both" in both.stderr
    assert not (tmp_path / "cases.db").exists()
    # The variable (set for `screen`'s reviews, say) gives way to INPUT.
    env = {"DUALSCREEN_STORE": str(tmp_path / "cases.db")}
    ok = invoke("report", str(src), "--lists", str(watch_list), "-f", "json", "-q", env=env)
    assert ok.exit_code == 0 and json.loads(ok.stdout)["records"] == 1
    since = invoke("report", str(src), "--since", "2026-01-01", "-f", "json")
    assert since.exit_code == 2 and "--since is for the case store" in since.stderr


def test_a_missing_store_is_an_error_and_is_not_created(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("report", "--store", str(tmp_path / "none.db"), "-f", "json")
    assert result.exit_code == 1
    assert "no case store" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_a_list_that_cannot_load_writes_nothing(invoke: Invoke, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\ncategory: sanctions\nentries:\n  - {id: 1, nam: typo}\n")
    out = tmp_path / "report.html"
    out.write_text("yesterday's report", encoding="utf-8")
    result = invoke("report", str(EXAMPLES), "--lists", str(broken), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == "yesterday's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml", "report.html"]


def test_a_missing_input_is_an_error(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = invoke("report", str(tmp_path / "nope.csv"), "-o", str(out))
    assert result.exit_code == 1 and not out.exists()


def test_untrusted_record_values_are_text(invoke: Invoke, tmp_path: Path, watch_list: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        'id,consignee,description\n"<script>alert(1)</script>",Banco Nacional de Cuba,'
        '"""><img src=x onerror=alert(2)>"\n',
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    result = invoke("report", str(src), "--lists", str(watch_list), "-o", str(out), "-q")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page


def test_html_to_a_terminal_is_a_usage_error() -> None:
    """A web page is a file: on a terminal, `report` asks for -o instead of printing HTML."""
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dualscreen", "report", str(EXAMPLES)],
            stdout=terminal,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=REPO,
            env={**os.environ, "NO_COLOR": "1"},
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert proc.returncode == 2
    assert b"-o report.html" in proc.stderr


def test_a_cleared_hit_in_the_store_is_shown_not_counted(
    invoke: Invoke, tmp_path: Path, watch_list: Path
) -> None:
    db = tmp_path / "cases.db"
    cleared = invoke(
        "review", "clear", "--party", "Moa Nickle SA", "--entry", "S2", "--reviewer", "ana",
        "--reason", "a Canadian trader, registry checked", "--lists", str(watch_list),
        "--store", str(db),
    )  # fmt: skip
    assert cleared.exit_code == 0, cleared.stderr
    src = tmp_path / "in.csv"
    src.write_text("id,consignee\n1,Moa Nickle SA\n", encoding="utf-8")
    screened = invoke("screen", str(src), "--lists", str(watch_list), "--store", str(db), "-q")
    assert screened.exit_code == 0, screened.stdout

    result = invoke("report", "--store", str(db), "-f", "json", "-q")
    figures = json.loads(result.stdout)
    assert figures["decisions"] == {"pass": 1, "flag": 0, "block": 0}
    (listed,) = figures["by_list"]
    assert (listed["hits"], listed["cleared"]) == (0, 1)
    assert figures["by_rule"][0]["cleared"] == 1


def test_without_input_the_default_store_is_reported(
    invoke: Invoke, tmp_path: Path, watch_list: Path
) -> None:
    env = {"DUALSCREEN_DATA_DIR": str(tmp_path / "data"), "DUALSCREEN_STORE": ""}
    missing = invoke("report", "-f", "json", env=env)
    assert missing.exit_code == 1 and "no case store" in missing.stderr
    assert not (tmp_path / "data" / "cases.db").exists()  # never created by a report

    src = tmp_path / "in.csv"
    src.write_text("id,consignee\n1,Banco Nacional de Cuba\n", encoding="utf-8")
    store = tmp_path / "data" / "cases.db"
    invoke("screen", str(src), "--lists", str(watch_list), "--store", str(store), "-q")
    result = invoke("report", "-f", "json", "-q", env=env)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["decisions"]["block"] == 1


def test_the_store_is_not_the_output(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    db.write_bytes(b"")
    result = invoke("report", "--store", str(db), "-o", str(db))
    assert result.exit_code == 2 and "file of its own" in result.stderr
    assert db.read_bytes() == b""
