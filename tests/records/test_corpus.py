"""The nasty-inputs corpus through the real CLI: one decision per record, never a traceback.

The expectations below were written by reading each file in tests/corpus, not by running the
tool: the ids a person would count, in order, and the line of every record that has a problem.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dualscreen.cli import app

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
WATCH = CORPUS / "lists" / "watch.csv"  # W-1 Globex Trading Company, W-2 Initrode Logistics


@dataclass(frozen=True)
class Expected:
    ids: tuple[str, ...]  # one decision per record a person would count, in file order
    problems: dict[str, int] = field(default_factory=dict)  # id -> line of its input problem
    decisions: dict[str, str] = field(default_factory=dict)  # known from the watch list


EXPECTED: dict[str, Expected] = {
    "empty.csv": Expected(ids=()),
    "header_only.csv": Expected(ids=()),
    "bom.csv": Expected(ids=("B-1", "B-2")),
    # L-2's consignee is "Société Générale" in latin-1 bytes, read as UTF-8.
    "latin1.csv": Expected(ids=("L-1", "L-2", "L-3"), problems={"L-2": 3}),
    # cp1252 bytes read as UTF-8 (CRLF): P-2's consignee and description hold curly quotes and
    # an en dash, P-3's description a euro sign; P-3's consignee is on the watch list.
    "cp1252.csv": Expected(
        ids=("P-1", "P-2", "P-3"), problems={"P-2": 3, "P-3": 4}, decisions={"P-3": "flag"}
    ),
    # C-2 has a CRLF inside a quoted description; C-3's consignee is on the watch list.
    "crlf.csv": Expected(ids=("C-1", "C-2", "C-3"), decisions={"C-3": "flag"}),
    # R-2 too few fields, R-3 too many, a blank line 5, R-5 only an id.
    "ragged_rows.csv": Expected(
        ids=("R-1", "R-2", "R-3", "R-4", "R-5"), problems={"R-2": 3, "R-3": 4, "R-5": 7}
    ),
    # N-2: a NUL inside the watch-listed name "Glo\0bex Trading Company"; N-3: "847130\0".
    "nul_bytes.csv": Expected(ids=("N-1", "N-2", "N-3", "N-4"), problems={"N-2": 3, "N-3": 4}),
    # Q-1 lines 2-3, Q-2 lines 4-7 (a blank line inside quotes), Q-3 lines 8-9, Q-4 line 10.
    "quoted_newlines.csv": Expected(ids=("Q-1", "Q-2", "Q-3", "Q-4"), decisions={"Q-3": "flag"}),
    # Line 2 invalid, 3 blank, 5 an array, 6 single quotes, 8 cut off: unreadable lines keep
    # their line number as id.
    "invalid_lines.jsonl": Expected(
        ids=("J-1", "2", "J-4", "5", "6", "J-7", "8"),
        problems={"2": 2, "5": 5, "6": 6, "8": 8},
        decisions={"J-1": "pass", "J-7": "flag"},
    ),
    # Elements 2-4 hold a list, an object and a bool; 6-8 are not objects; T-9's hs_code is
    # the number 84713 (five digits). Element 5 has the numeric id 105.
    "wrong_types.json": Expected(
        ids=("T-1", "T-2", "T-3", "T-4", "105", "6", "7", "8", "T-9"),
        problems={"T-2": 2, "T-3": 3, "T-4": 4, "6": 6, "7": 7, "8": 8, "T-9": 9},
        decisions={"T-1": "pass", "105": "pass"},
    ),
    "duplicate_ids.csv": Expected(ids=("D-1", "D-1", "D-2", "D-1")),
    # Formulas are text to screen, not problems; F-5's hs_code "+847130" is not digits.
    "formula_cells.csv": Expected(ids=("F-1", "F-2", "F-3", "=1+1", "F-5"), problems={"F-5": 6}),
    # U-2's "End User" is on the watch list.
    "unknown_columns.csv": Expected(ids=("U-1", "U-2"), decisions={"U-1": "pass", "U-2": "flag"}),
    # Two blank lines before the header.
    "leading_blank_lines.csv": Expected(ids=("K-1", "K-2")),
}

EXIT_CODES = {"pass": 0, "flag": 3, "block": 4}


def screen(*args: str) -> Any:
    return CliRunner().invoke(app, ["screen", *args, "--lists", str(WATCH)])


def decisions_of(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def input_reasons(decision: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in decision["reasons"] if r["kind"] == "input"]


def test_every_corpus_file_has_expectations() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.is_file()}

    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_one_decision_per_record(name: str) -> None:
    expected = EXPECTED[name]
    path = CORPUS / name

    result = screen(str(path), "--format", "jsonl")

    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code in (0, 3, 4), result.stderr
    decisions = decisions_of(result.stdout)
    assert [d["id"] for d in decisions] == list(expected.ids)
    worst = max((EXIT_CODES[d["decision"]] for d in decisions), default=0)
    assert result.exit_code == worst

    for decision in decisions:
        reasons = input_reasons(decision)
        line = expected.problems.get(decision["id"])
        if line is None:
            assert reasons == [], decision
            continue
        assert decision["decision"] in ("flag", "block"), decision
        assert reasons, decision
        assert all(r["line"] == line for r in reasons), decision
        assert all(r["explanation"].startswith(f"{path}:{line}: ") for r in reasons), decision
    verdicts = {d["id"]: d["decision"] for d in decisions}
    assert {i: verdicts[i] for i in expected.decisions} == expected.decisions


def test_latin1_file_reads_clean_with_its_encoding() -> None:
    result = screen(str(CORPUS / "latin1.csv"), "--format", "jsonl", "--encoding", "latin-1")

    decisions = decisions_of(result.stdout)
    assert [input_reasons(d) for d in decisions] == [[], [], []]
    assert decisions[1]["record"]["consignee"] == "Société Générale"


def test_cp1252_file_reads_clean_with_its_encoding() -> None:
    result = screen(str(CORPUS / "cp1252.csv"), "--format", "jsonl", "--encoding", "cp1252")

    decisions = decisions_of(result.stdout)
    assert [input_reasons(d) for d in decisions] == [[], [], []]
    assert decisions[1]["record"]["consignee"] == "\u201cCafé Noir\u201d SARL"
    assert decisions[2]["record"]["description"] == "Price \u20ac 100"


def test_a_one_megabyte_field_is_screened_not_truncated(tmp_path: Path) -> None:
    """Generated, not kept in the corpus: a 1 MB file would weigh on every clone."""
    huge = "x" * 1_000_000
    path = tmp_path / "huge_field.csv"
    path.write_text(
        "id,consignee,description,hs_code,destination_country\n"
        f"H-1,Acme Tools,{huge},847130,ID\n"
        "H-2,Globex Trading Company,ok,847130,ID\n"
    )

    result = screen(str(path), "--format", "jsonl")

    decisions = decisions_of(result.stdout)
    assert [(d["id"], d["decision"]) for d in decisions] == [("H-1", "pass"), ("H-2", "flag")]
    assert decisions[0]["record"]["description"] == huge
    assert result.exit_code == 3


def test_unknown_columns_are_echoed_back() -> None:
    result = screen(str(CORPUS / "unknown_columns.csv"), "--format", "jsonl")

    first = decisions_of(result.stdout)[0]
    assert first["record"] == {
        "id": "U-1",
        "Invoice No": "INV-001",
        "exporter": "Acme Tools",
        "end_user": "Nusantara Elektronik",
        "Consignee Address": "Jl. Sudirman 1, Jakarta",
        "hs_code": "847130",
        "origin_country": "US",
        "destination_country": "ID",
        "Notes": "first",
    }


def test_formula_cells_are_disarmed_in_csv_output() -> None:
    result = screen(str(CORPUS / "formula_cells.csv"), "--format", "csv")

    rows = list(csv.reader(io.StringIO(result.stdout)))
    cells = [cell for row in rows[1:] for cell in row]
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@")] == []
    for formula in ("=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "-2+3", "=1+1"):
        assert "'" + formula in cells
    assert [row[0] for row in rows[1:]] == ["F-1", "F-2", "F-3", "'=1+1", "F-5"]
