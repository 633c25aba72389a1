"""The packaged rules and list snapshots, through the real entry point (subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def dualscreen(
    *args: str, input: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dualscreen", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_banco_nacional_de_cuba_blocks_on_ofac_entry_306(tmp_path: Path) -> None:
    record = {
        "consignee": "Banco Nacional de Cuba",
        "hs_code": "750210",
        "origin_country": "ID",
        "destination_country": "US",
    }
    result = dualscreen("screen", input=json.dumps(record), cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    decision = json.loads(result.stdout)
    assert decision["decision"] == "block"
    top = decision["reasons"][0]
    assert (top["list"], top["entry_id"], top["action"]) == ("ofac-sdn", "306", "block")


def test_old_snapshots_are_announced_once_with_their_dates(tmp_path: Path) -> None:
    result = dualscreen("screen", input='{"exporter": "Acme"}', cwd=tmp_path)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    for name_and_date in (
        "ofac-sdn 2024-05-03",
        "un-consolidated 2026-02-27",
        "bis-dpl 2023-11-28",
    ):
        assert name_and_date in result.stderr
    assert "--lists" in warnings[0]


def test_lists_show_describes_the_packaged_lists_as_json() -> None:
    result = dualscreen("lists", "show", "--format", "json")
    assert result.returncode == 0, result.stderr
    shown = {item["name"]: item for item in json.loads(result.stdout)}
    assert set(shown) == {"ofac-sdn", "un-consolidated", "bis-dpl"}
    assert shown["ofac-sdn"]["entries"] == 14965
    assert shown["un-consolidated"]["entries"] == 1003
    for item in shown.values():
        assert {"name", "format", "source", "version", "entries", "names", "sha256"} <= set(item)
        assert item["names"] >= item["entries"]
        assert len(item["sha256"]) == 64


def test_closed_pipe_ends_the_run_quietly(tmp_path: Path) -> None:
    records = "\n".join(json.dumps({"id": str(i), "exporter": f"Acme {i}"}) for i in range(3000))
    source = tmp_path / "many.jsonl"
    source.write_text(records + "\n")
    pipeline = subprocess.run(
        f"{sys.executable} -m dualscreen screen {source} -f jsonl | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert json.loads(pipeline.stdout)["id"] == "0"
    assert "Traceback" not in pipeline.stderr
    assert "BrokenPipe" not in pipeline.stderr


def test_no_input_on_a_terminal_is_a_usage_error() -> None:
    pytest.importorskip("pty")
    import pty

    _, tty = pty.openpty()
    with open(tty) as stdin:
        result = subprocess.run(
            [sys.executable, "-m", "dualscreen", "screen"],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "pipe records on stdin" in result.stderr
