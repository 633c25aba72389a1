"""Reading Excel workbooks: cells as the officer sees them, row numbers, and broken workbooks."""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from dualscreen.errors import InputError
from dualscreen.models import ReasonKind
from dualscreen.records.shipment import to_shipment
from dualscreen.records.sources import InputFormat, RawRecord, read_source, sniff
from dualscreen.records.xlsx import cell_text


def workbook(path: Path, *rows: list[Any], title: str = "Sheet") -> str:
    """A workbook as openpyxl writes it: no calculated values, asks Excel to calculate."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def excel_saved(path: Path, sheet_data: str, dimension: str = "A1:C3") -> str:
    """A workbook as Excel saves it: cells with calculated values, no request to recalculate.
    `sheet_data` is the worksheet's <sheetData> rows, written by hand."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Shipments" sheetId="1" r:id="rId1"/></sheets>'
            '<calcPr calcId="191029"/></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{ns}"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return str(path)


def read(path: str, **kwargs: Any) -> list[RawRecord]:
    return list(read_source(path, **kwargs))


# --- cells as text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(None, "", id="empty"),
        pytest.param("  Acme  ", "  Acme  ", id="text-as-is"),
        pytest.param(750210, "750210", id="integer"),
        pytest.param(750210.0, "750210", id="hs-code-stored-as-float"),
        pytest.param(901.11, "901.11", id="hs-code-that-lost-its-zero"),
        pytest.param(0.1 + 0.2, "0.3", id="float-noise-as-excel-shows-it"),
        pytest.param(1e20, "1e+20", id="huge-float"),
        pytest.param(True, "TRUE", id="boolean"),
        pytest.param(datetime(2026, 10, 2), "2026-10-02", id="date"),
        pytest.param(datetime(2026, 10, 2, 14, 30), "2026-10-02 14:30:00", id="date-and-time"),
        pytest.param(date(2026, 10, 2), "2026-10-02", id="plain-date"),
        pytest.param(time(14, 30), "14:30:00", id="time"),
        pytest.param(timedelta(hours=30), "1 day, 6:00:00", id="duration"),
    ],
)
def test_cell_text_is_what_the_officer_sees(value: Any, text: str) -> None:
    assert cell_text(value) == text


# --- sniffing -------------------------------------------------------------------------------


def test_a_workbook_is_sniffed_from_its_zip_magic(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", ["id"], ["S1"])
    assert sniff(Path(path).read_bytes()[:4096]) is InputFormat.XLSX


def test_a_workbook_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = workbook(tmp_path / "shipments.dat", ["id", "consignee"], ["S1", "Acme"])
    assert [(r.line, r.data) for r in read(path)] == [(2, {"id": "S1", "consignee": "Acme"})]


def test_an_old_xls_or_encrypted_workbook_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError, match=r"\.xls\) or password-protected") as exc:
        read(str(path))
    assert exc.value.path == str(path)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04" + b"\0" * 100, id="zip-magic-then-garbage"),
        pytest.param(b"", id="empty"),
        pytest.param(b"id,consignee\nS1,Acme\n", id="csv-forced-as-xlsx"),
    ],
)
def test_a_corrupt_workbook_is_an_input_error_naming_the_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data)
    with pytest.raises(InputError, match="not a readable Excel workbook") as exc:
        read(str(path), input_format=InputFormat.XLSX)
    assert exc.value.path == str(path)


def test_a_truncated_workbook_is_an_input_error(tmp_path: Path) -> None:
    path = Path(workbook(tmp_path / "in.xlsx", ["id"], ["S1"]))
    path.write_bytes(path.read_bytes()[:-200])  # the ZIP index at the end is cut
    with pytest.raises(InputError, match="not a readable Excel workbook"):
        read(str(path))


def test_a_zip_that_is_not_a_workbook_fails_as_one(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(InputError, match="not a readable Excel workbook"):
        read(str(path))


# --- rows and records -----------------------------------------------------------------------


def test_the_header_is_the_first_non_empty_row_and_lines_are_excel_rows(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "in.xlsx",
        [],
        ["Shipment ID", "End User", None, "Note"],
        ["S1", "Acme", "stray in an unnamed column", "x"],
        [],
        [None, None, None, None],
        ["S2", "Globex"],
    )
    assert [(r.line, r.data, r.problem) for r in read(path)] == [
        (
            3,
            {
                "Shipment ID": "S1",
                "End User": "Acme",
                "C": "stray in an unnamed column",
                "Note": "x",
            },
            None,
        ),
        (6, {"Shipment ID": "S2", "End User": "Globex", "C": "", "Note": ""}, None),
    ]


def test_typed_cells_become_text_a_shipment_validates(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "in.xlsx",
        ["id", "date", "hs_code", "quantity", "value", "consignee"],
        ["S1", datetime(2026, 10, 2), 750210, 12000, 9100000.5, "Acme"],
    )
    (raw,) = read(path)
    assert raw.data == {
        "id": "S1",
        "date": "2026-10-02",
        "hs_code": "750210",
        "quantity": "12000",
        "value": "9100000.5",
        "consignee": "Acme",
    }
    shipment, _, reasons = to_shipment(raw, {}, "1")
    assert (shipment.date, shipment.hs_code, reasons) == (date(2026, 10, 2), "750210", [])


def test_an_hs_code_that_lost_its_leading_zero_is_left_to_the_hs_check(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", ["id", "consignee", "hs_code"], ["S1", "Acme", 901.11])
    (raw,) = read(path)
    assert (raw.data["hs_code"], raw.problem) == ("901.11", None)
    _, _, reasons = to_shipment(raw, {}, "1")
    assert [r.field for r in reasons] == ["hs_code"]


def test_duplicate_headers_keep_both_columns(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", ["id", "consignee", "consignee"], ["S1", "A", "B"])
    assert read(path)[0].data == {"id": "S1", "consignee": "A", "consignee (2)": "B"}


def test_a_value_right_of_the_header_is_a_record_problem(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", ["id", "consignee"], ["S1", "Acme", None, "Globex"])
    (raw,) = read(path)
    assert raw.problem == "cell D2 has a value but its column has no header"
    assert raw.data["_extra_fields"] == "Globex"


def test_header_only_and_empty_sheets_have_no_records(tmp_path: Path) -> None:
    assert read(workbook(tmp_path / "header.xlsx", ["id", "consignee"])) == []
    assert read(workbook(tmp_path / "empty.xlsx")) == []


def test_a_formula_never_calculated_is_flagged_not_read_as_empty(tmp_path: Path) -> None:
    """openpyxl (and other programs) write formulas without their values: the consignee below
    would read as empty and pass unscreened."""
    path = workbook(
        tmp_path / "in.xlsx", ["id", "name", "consignee"], ["S1", "Banco Nacional de Cuba", "=B2"]
    )
    (raw,) = read(path)
    assert raw.problem_field == "consignee"
    assert (
        raw.problem is not None and "cell C2 holds a formula never calculated (=B2)" in raw.problem
    )
    _, _, reasons = to_shipment(raw, {}, "1")
    assert reasons[0].kind is ReasonKind.INPUT


def test_formula_text_that_is_a_string_is_read_as_text(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "description"])
    sheet.append(["S1", "=HYPERLINK(1)"])
    sheet["B2"].data_type = "s"
    book.save(tmp_path / "in.xlsx")
    (raw,) = read(str(tmp_path / "in.xlsx"))
    assert (raw.data["description"], raw.problem) == ("=HYPERLINK(1)", None)


EXCEL_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>consignee</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>hs_code</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>S1</t></is></c>'
    '<c r="B2" t="str"><f>VLOOKUP(A2,Parties!A:B,2,0)</f><v>Acme Metals</v></c>'
    '<c r="C2"><f>750000+210</f><v>750210</v></c></row>'
    '<row r="3"><c r="A3" t="inlineStr"><is><t>S2</t></is></c>'
    '<c r="B3" t="e"><f>VLOOKUP(A3,Parties!A:B,2,0)</f><v>#N/A</v></c></row>'
    '<row r="5"><c r="A5" t="inlineStr"><is><t>S3</t></is></c></row>'
)


def test_formulas_excel_calculated_give_their_values(tmp_path: Path) -> None:
    records = read(excel_saved(tmp_path / "in.xlsx", EXCEL_ROWS))
    assert (records[0].line, records[0].data, records[0].problem) == (
        2,
        {"id": "S1", "consignee": "Acme Metals", "hs_code": "750210"},
        None,
    )


def test_an_excel_error_cell_is_a_record_problem_on_its_field(tmp_path: Path) -> None:
    records = read(excel_saved(tmp_path / "in.xlsx", EXCEL_ROWS))
    assert (records[1].line, records[1].problem, records[1].problem_field) == (
        3,
        "cell B3 shows the Excel error #N/A",
        "consignee",
    )


def test_a_stale_dimension_does_not_cut_the_sheet_short(tmp_path: Path) -> None:
    records = read(excel_saved(tmp_path / "in.xlsx", EXCEL_ROWS, dimension="A1"))
    assert [r.line for r in records] == [2, 3, 5]


def test_sheet_chooses_the_worksheet_and_a_missing_one_is_named(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["read me first"])
    second = book.create_sheet("Shipments")
    second.append(["id", "consignee"])
    second.append(["S1", "Acme"])
    book.save(tmp_path / "in.xlsx")
    path = str(tmp_path / "in.xlsx")

    assert read(path) == []  # the first worksheet: a header and nothing under it
    assert [r.data for r in read(path, sheet="Shipments")] == [{"id": "S1", "consignee": "Acme"}]
    with pytest.raises(
        InputError, match="no worksheet named 'Orders'; the workbook has 'Notes', 'Shipments'"
    ):
        read(path, sheet="Orders")


def test_a_sheet_name_is_ignored_for_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,consignee\nS1,Acme\n")
    assert [r.data for r in read(str(path), sheet="Shipments")] == [
        {"id": "S1", "consignee": "Acme"}
    ]


def test_a_workbook_on_stdin_is_read_through_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = Path(workbook(tmp_path / "in.xlsx", ["id", "consignee"], ["S1", "Acme"])).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert [(r.source, r.line, r.data) for r in read("-")] == [
        ("<stdin>", 2, {"id": "S1", "consignee": "Acme"})
    ]
