"""Make shipments.xlsx from shipments.csv, typed as an officer's spreadsheet would be.

Dates are Excel dates, quantities and values numbers, and HS codes numbers where Excel would
have made them so (all digits); dotted codes such as 0901.11 stay text, as in a column
formatted as Text (typed as numbers, Excel turns them into 901.11). `tests/cli/test_xlsx_cli.py`
checks that the workbook matches the CSV and screens to the same decisions.

    python examples/make_xlsx.py            # rewrites examples/shipments.xlsx
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
NUMBERS = {"quantity", "value"}


def typed(column: str, text: str) -> Any:
    """The value Excel would hold for `text` typed into `column`."""
    if not text:
        return None
    if column == "date":
        return date.fromisoformat(text)
    if column in NUMBERS or (column == "hs_code" and text.isdigit()):
        return int(text)
    return text


def build(source: Path, target: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "shipments"
    with source.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        sheet.append(header)
        for row in reader:
            sheet.append([typed(column, text) for column, text in zip(header, row, strict=True)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    book.save(target)


if __name__ == "__main__":
    build(
        HERE / "shipments.csv", Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "shipments.xlsx"
    )
