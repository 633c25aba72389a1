"""`dualscreen screen` with Excel workbooks in and out: the round trip an officer makes."""

from __future__ import annotations

import csv
import runpy
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from dualscreen.cli import app
from tests.cli.conftest import Invoke, decisions

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

CANONICAL = [
    "id",
    "date",
    "exporter",
    "consignee",
    "end_user",
    "intermediary",
    "hs_code",
    "description",
    "origin_country",
    "destination_country",
    "control_code",
    "license",
    "quantity",
    "unit",
    "value",
    "currency",
]
HEADER = [*CANONICAL, "Invoice No", "Buyer Notes"]
DISARMED = '=HYPERLINK("http://x.example","open")'
ROWS: list[list[Any]] = [
    # id, date, exporter, consignee, end_user, intermediary, hs_code, description, origin,
    # destination, control_code, license, quantity, unit, value, currency, 2 unknown columns
    ["P-1", datetime(2026, 10, 2), "PT Kopi Toraja", "Blue Mesa Roasters LLC", None, None,
     "090111", "Green arabica coffee", "ID", "US", None, None, 20, "t", 140000, "USD",
     "INV-1", DISARMED],
    ["F-1", datetime(2026, 10, 3), "PT Morowali Powder", "Kanazawa Precision Works", None,
     None, 750400, "Nickel powder", "ID", "JP", "1C240", None, 2, "t", 96000.5, "USD",
     "INV-2", "-call the buyer"],
    ["B-1", datetime(2026, 10, 4), "PT Borneo Cobalt", "Banco Nacional de Cuba", None, None,
     282200.0, "Cobalt hydroxide", "ID", "CH", None, None, 20, "t", 610000, "USD",
     "INV-3", None],
]  # fmt: skip


def make_workbook(path: Path, rows: list[list[Any]] = ROWS) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for cell in sheet["R"][1:]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # formula-looking text typed with a leading quote, not a formula
    book.save(path)
    return path


def sheet_of(path: Path) -> Worksheet:
    with path.open("rb") as stream:  # a file, not a name: openpyxl wants names in .xlsx
        book = load_workbook(stream)
    sheet = book["decisions"]
    assert isinstance(sheet, Worksheet)
    return sheet


def table(sheet: Worksheet) -> list[dict[str, Any]]:
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture()
def run() -> Callable[..., Any]:
    def _run(*args: str, input: bytes | None = None) -> Any:
        return CliRunner().invoke(app, list(args), input=input)

    return _run


def test_xlsx_round_trip_keeps_every_column_and_adds_the_decision(
    run: Callable[..., Any], watch_list: Path, tmp_path: Path
) -> None:
    source = make_workbook(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"

    result = run("screen", str(source), "-o", str(out), "--lists", str(watch_list), "-q")

    assert result.exit_code == 4, result.stderr  # as for CSV: the worst decision was block
    assert result.stdout == ""
    sheet = sheet_of(out)
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["id", "decision", "rules", "explanation"]
    assert set(HEADER) <= set(header)
    rows = table(sheet)
    assert [(r["id"], r["decision"]) for r in rows] == [
        ("P-1", "pass"),
        ("F-1", "flag"),
        ("B-1", "block"),
    ]
    assert all(r["explanation"] for r in rows[1:])
    expected = [
        {
            "date": "2026-10-02",
            "exporter": "PT Kopi Toraja",
            "consignee": "Blue Mesa Roasters LLC",
            "hs_code": "090111",
            "quantity": 20,
            "value": 140000,
            "Invoice No": "INV-1",
            "Buyer Notes": "'" + DISARMED,
        },
        {
            "date": "2026-10-03",
            "hs_code": "750400",  # a number in the workbook, its digits kept
            "control_code": "1C240",
            "value": 96000.5,
            "Buyer Notes": "'-call the buyer",
        },
        {"hs_code": "282200", "consignee": "Banco Nacional de Cuba", "Buyer Notes": None},
    ]
    for row, values in zip(rows, expected, strict=True):
        assert {k: row[k] for k in values} == values
    # No cell of the output is a formula, whatever the text.
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)


def test_xlsx_output_matches_the_csv_output(
    run: Callable[..., Any], watch_list: Path, tmp_path: Path
) -> None:
    source = make_workbook(tmp_path / "in.xlsx")
    lists = ("--lists", str(watch_list), "-q")
    run("screen", str(source), "-o", str(tmp_path / "out.xlsx"), *lists)
    run("screen", str(source), "-o", str(tmp_path / "out.csv"), *lists)

    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as stream:
        from_csv = list(csv.DictReader(stream))
    from_xlsx = table(sheet_of(tmp_path / "out.xlsx"))
    as_text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in from_xlsx]
    assert as_text == from_csv


def test_workbook_input_is_sniffed_and_screens_like_its_csv(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    source = make_workbook(tmp_path / "shipments")  # no suffix: the content tells
    result = invoke("screen", str(source), "--lists", str(watch_list), "-q", "-f", "jsonl")
    assert result.exit_code == 4, result.stderr
    assert [(d["id"], d["decision"]) for d in decisions(result.stdout)] == [
        ("P-1", "pass"),
        ("F-1", "flag"),
        ("B-1", "block"),
    ]


def test_workbook_on_stdin(run: Callable[..., Any], watch_list: Path, tmp_path: Path) -> None:
    data = make_workbook(tmp_path / "in.xlsx").read_bytes()
    result = run("screen", "--lists", str(watch_list), "-q", "-f", "jsonl", input=data)
    assert result.exit_code == 4, result.stderr
    assert [d["id"] for d in decisions(result.stdout)] == ["P-1", "F-1", "B-1"]


def test_input_problems_name_the_excel_row(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    rows = [ROWS[0], [*ROWS[1][:6], "ABC", *ROWS[1][7:]]]
    source = make_workbook(tmp_path / "in.xlsx", rows)
    result = invoke("screen", str(source), "--lists", str(watch_list), "-q", "-f", "jsonl")
    assert result.exit_code == 3
    flagged = decisions(result.stdout)[1]
    assert [(r["line"], r["field"]) for r in flagged["reasons"] if r["kind"] == "input"] == [
        (3, "hs_code")
    ]


def test_sheet_option_picks_the_worksheet(invoke: Invoke, watch_list: Path, tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Prepared by the export desk"])
    orders = book.create_sheet("Orders")
    orders.append(["id", "consignee"])
    orders.append(["B-1", "Banco Nacional de Cuba"])
    book.save(tmp_path / "in.xlsx")
    args = ("screen", str(tmp_path / "in.xlsx"), "--lists", str(watch_list), "-q", "-f", "jsonl")

    result = invoke(*args, "--sheet", "Orders")
    assert result.exit_code == 4
    assert [d["id"] for d in decisions(result.stdout)] == ["B-1"]

    missing = invoke(*args, "--sheet", "Shipments")
    assert missing.exit_code == 1
    assert "no worksheet named 'Shipments'; the workbook has 'Notes', 'Orders'" in missing.stderr


def test_a_corrupt_workbook_exits_1_naming_the_file(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is no workbook")
    out = tmp_path / "out.xlsx"
    result = invoke("screen", str(bad), "--lists", str(watch_list), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}: not a readable Excel workbook (.xlsx)")
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_run_that_fails_after_some_rows_leaves_no_file_and_no_traceback(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    good = make_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is no workbook")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous run")
    result = invoke("screen", str(good), str(bad), "--lists", str(watch_list), "-o", str(out))
    assert result.exit_code == 1
    assert out.read_bytes() == b"previous run"
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "broken.xlsx",
        "good.xlsx",
        "out.xlsx",
        "watch.yaml",
    ]


def test_xlsx_format_without_output_file_is_a_usage_error(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    result = invoke(
        "screen", "--lists", str(watch_list), "-f", "xlsx", input='{"id": "1", "exporter": "A"}'
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "xlsx output is a binary file; name it with -o FILE.xlsx" in result.stderr


def test_format_xlsx_with_any_output_name(invoke: Invoke, watch_list: Path, tmp_path: Path) -> None:
    out = tmp_path / "decisions.out"
    result = invoke(
        "screen",
        "--lists",
        str(watch_list),
        "-q",
        "-f",
        "xlsx",
        "-o",
        str(out),
        input='{"id": "1", "exporter": "Acme"}',
    )
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in table(sheet_of(out))] == ["1"]


# --- the examples ---------------------------------------------------------------------------


def test_example_workbook_screens_to_the_same_decisions_as_the_csv(invoke: Invoke) -> None:
    """Against the packaged lists and rules, as the README's examples run."""
    by_format = {}
    for name in ("shipments.csv", "shipments.xlsx"):
        result = invoke("screen", str(EXAMPLES / name), "-q", "-f", "jsonl")
        assert result.exit_code == 4, result.stderr
        by_format[name] = [(d["id"], d["decision"]) for d in decisions(result.stdout)]
    assert by_format["shipments.xlsx"] == by_format["shipments.csv"]
    assert len(by_format["shipments.csv"]) == 18


def test_example_workbook_is_what_make_xlsx_builds_from_the_csv(tmp_path: Path) -> None:
    """`python examples/make_xlsx.py` rewrites it; this fails when the CSV changed and it was
    not rerun."""
    build = runpy.run_path(str(EXAMPLES / "make_xlsx.py"))["build"]
    build(EXAMPLES / "shipments.csv", tmp_path / "fresh.xlsx")

    def cells(path: Path) -> list[list[Any]]:
        sheet = load_workbook(path).active
        assert sheet is not None
        return [[c.value for c in row] for row in sheet.iter_rows()]

    assert cells(EXAMPLES / "shipments.xlsx") == cells(tmp_path / "fresh.xlsx")
