"""The xlsx writer's workbook, read back cell by cell: the CSV writer's table, safe and styled."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from dualscreen.errors import DualscreenError
from dualscreen.models import Decision, Verdict
from dualscreen.output import OutputFormat, writer_for
from dualscreen.output import xlsx as xlsx_module
from dualscreen.output.atomic import atomic_output
from dualscreen.output.xlsx import MAX_CELL, TRUNCATED, excel_number
from tests.output.test_writers import BLOCKED, MONITORED, render

CANONICAL = [
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
    "date",
]


def render_xlsx(*decisions: Decision) -> Worksheet:
    stream = io.BytesIO()
    writer = writer_for(OutputFormat.XLSX, stream)
    for decision in decisions:
        writer.write(decision)
    writer.close()
    book = load_workbook(io.BytesIO(stream.getvalue()))
    assert book.sheetnames == ["decisions"]
    sheet = book["decisions"]
    assert isinstance(sheet, Worksheet)
    return sheet


def values(sheet: Worksheet) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_xlsx_holds_the_csv_table_cell_for_cell() -> None:
    sheet = render_xlsx(MONITORED, BLOCKED)
    from_csv = list(csv.reader(io.StringIO(render(OutputFormat.CSV, MONITORED, BLOCKED))))
    as_text = [["" if v is None else str(v) for v in row] for row in values(sheet)]

    assert as_text == from_csv
    assert values(sheet)[0] == [
        "id",
        "decision",
        "rules",
        "explanation",
        *CANONICAL,
        "Invoice No",
        "Incoterm",
    ]
    assert values(sheet)[1][:4] == [
        "S-1",
        "pass",
        "critical-mineral-nickel",
        "monitor: HS 750110 is nickel mattes (nickel, intermediate): monitored.",
    ]


def test_a_formula_stays_text_disarmed_as_in_csv() -> None:
    sheet = render_xlsx(BLOCKED)
    consignee = sheet.cell(row=2, column=6)
    assert consignee.value == '\'=HYPERLINK("http://x.example","open")'
    assert consignee.data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("#N/A", "#N/A", id="an-error-code-is-text"),
        pytest.param("-5 kg", "'-5 kg", id="minus"),
        pytest.param("Acme\x00Corp\x1b", "Acme\ufffdCorp\ufffd", id="control-characters"),
        pytest.param(
            "x" * (MAX_CELL + 10), "x" * (MAX_CELL - len(TRUNCATED)) + TRUNCATED, id="huge"
        ),
    ],
)
def test_any_text_is_written_as_text_excel_can_open(value: str, expected: str) -> None:
    decision = Decision(id="S-1", decision=Verdict.PASS, record={"id": "S-1", "note": value})
    sheet = render_xlsx(decision)
    note = sheet.cell(row=2, column=5 + len(CANONICAL))
    assert (note.value, note.data_type) == (expected, "s")
    assert len(note.value) <= MAX_CELL


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("12000", 12000, id="integer"),
        pytest.param("-3.25", -3.25, id="negative-decimal"),
        pytest.param(96000, 96000, id="json-number"),
        pytest.param("1,200", None, id="thousands-separator"),
        pytest.param("007", None, id="leading-zero"),
        pytest.param("1e3", None, id="exponent"),
        pytest.param("1234567890123456", None, id="more-digits-than-excel-keeps"),
        pytest.param(float("nan"), None, id="nan"),
        pytest.param(True, None, id="boolean"),
    ],
)
def test_quantities_and_values_are_numbers_only_when_plainly_so(value: Any, expected: Any) -> None:
    assert excel_number(value) == expected


def test_quantity_and_value_cells_are_numbers_other_digits_stay_text() -> None:
    record = {"id": "S-1", "hs_code": "090111", "quantity": "20", "value": "140000.50"}
    sheet = render_xlsx(Decision(id="S-1", decision=Verdict.PASS, record=record))
    row = dict(zip(values(sheet)[0], values(sheet)[1], strict=True))
    assert (row["hs_code"], row["quantity"], row["value"]) == ("090111", 20, 140000.5)


def test_header_bold_and_frozen_decisions_coloured_and_filtered() -> None:
    flagged = Decision(id="S-3", decision=Verdict.FLAG, record={"id": "S-3"})
    sheet = render_xlsx(MONITORED, BLOCKED, flagged)
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:U4"
    fills = [sheet.cell(row=r, column=2).fill.fgColor.rgb for r in (2, 3, 4)]
    assert fills == ["00C6EFCE", "00FFC7CE", "00FFEB9C"]  # green, red, amber
    assert sheet.cell(row=2, column=3).fill.fill_type is None


def test_xlsx_of_no_decisions_is_the_header() -> None:
    assert values(render_xlsx()) == [["id", "decision", "rules", "explanation"]]


def test_more_rows_than_a_sheet_holds_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_ROWS", 3)
    writer = writer_for(OutputFormat.XLSX, io.BytesIO())
    writer.write(MONITORED)
    writer.write(MONITORED)
    with pytest.raises(DualscreenError, match="do not fit in one Excel sheet"):
        writer.write(MONITORED)


def test_xlsx_needs_a_binary_stream() -> None:
    with pytest.raises(TypeError, match="binary stream"):
        writer_for(OutputFormat.XLSX, io.StringIO())


def test_csv_disarms_a_formula_in_a_column_name() -> None:
    decision = Decision(id="S-1", decision=Verdict.PASS, record={"id": "S-1", "=cmd()": "x"})
    header = render(OutputFormat.CSV, decision).splitlines()[0]
    assert header.endswith(",'=cmd()")
    assert values(render_xlsx(decision))[0][-1] == "'=cmd()"


def test_atomic_output_in_binary_mode(tmp_path: Path) -> None:
    target = tmp_path / "decisions.xlsx"
    target.write_bytes(b"old")
    with atomic_output(target, binary=True) as stream:
        stream.write(b"PK\x03\x04new")
        assert target.read_bytes() == b"old"
    assert target.read_bytes() == b"PK\x03\x04new"
    assert os.listdir(tmp_path) == ["decisions.xlsx"]
