"""Excel .xlsx: the CSV writer's columns in one sheet, decisions coloured, streamed to disk."""

from __future__ import annotations

import contextlib
import math
import re
import weakref
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dualscreen.errors import DualscreenError
from dualscreen.models import Decision, Verdict
from dualscreen.output.csv_table import DECISION_COLUMNS, FixedColumns, decision_row, safe_cell

SHEET = "decisions"
MAX_ROWS = 1_048_576  # an Excel sheet's last row; the header takes the first
MAX_CELL = 32_767  # the characters an Excel cell holds
TRUNCATED = "… [truncated]"
# Control characters XML 1.0 cannot carry (openpyxl refuses them): shown as U+FFFD.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel's own Good, Neutral and Bad cell styles: (fill, font colour).
_COLOURS = {
    Verdict.PASS: ("C6EFCE", "006100"),
    Verdict.FLAG: ("FFEB9C", "9C5700"),
    Verdict.BLOCK: ("FFC7CE", "9C0006"),
}
_WIDTHS = {
    "id": 14,
    "decision": 10,
    "previous_decision": 10,
    "changes": 50,
    "rules": 30,
    "explanation": 80,
}
_OTHER_WIDTH = 18
# Written as numbers so that SUM and filters work; every other column stays text as read
# (an HS code or an id of digits must keep its leading zeros). At most 15 digits: what an
# Excel number holds exactly.
NUMERIC_FIELDS = ("quantity", "value")
_NUMERAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")


def excel_number(value: Any) -> int | float | None:
    """A plain decimal numeral as a number; anything else (1,200 / 1e3 / 007) is not one."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value if math.isfinite(value) else None
    text = str(value).strip()
    if not _NUMERAL.fullmatch(text) or len(text.replace("-", "").replace(".", "")) > 15:
        return None
    return float(text) if "." in text else int(text)


def excel_text(value: Any) -> str:
    """What a cell can hold: formulas disarmed as in CSV, no XML-illegal characters, and a
    visible mark, not Excel's repair prompt, when a huge field is cut to a cell's size."""
    text = _ILLEGAL.sub("\ufffd", safe_cell(value))
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - len(TRUNCATED)] + TRUNCATED
    return text


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Finish the rows of a run that stopped before `close()` (an error, Ctrl-C). Left open,
    openpyxl's row writer prints a traceback on stderr when it is collected at exit; its
    temporary file is removed at exit either way."""
    if not sheet.closed:
        with contextlib.suppress(Exception):
            sheet.close()


class XlsxWriter:
    """One sheet "decisions": `id, decision, rules, explanation`, then the record's columns as
    in the CSV writer; bold frozen header, a filter on every column.

    openpyxl's write-only mode streams rows to a temporary file, so memory stays flat however
    many records; the workbook is put together in `close()`.
    """

    leading: tuple[str, ...] = DECISION_COLUMNS
    """The columns before the record's; a subclass that adds some overrides `row` too. The
    decision is always the second column (it is the coloured cell)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(SHEET)
        self._columns: FixedColumns | None = None
        self._width = 0
        self._numeric: frozenset[int] = frozenset()
        self._rows = 0
        self._styles = {
            verdict: (PatternFill("solid", fgColor=fill), Font(color=font))
            for verdict, (fill, font) in _COLOURS.items()
        }
        weakref.finalize(self, _discard, self._sheet)

    def _cell(self, value: Any, numeric: bool = False) -> Cell | None:
        number = excel_number(value) if numeric else None
        if number is not None:
            return WriteOnlyCell(self._sheet, value=number)
        text = excel_text(value)
        if not text:
            return None
        cell = WriteOnlyCell(self._sheet, value=text)
        # Always a string: openpyxl would otherwise make "=..." a formula and "#N/A" an error.
        cell.data_type = "s"
        return cell

    def _start(self, names: list[str]) -> None:
        """Column widths and the frozen header: write-only mode needs them before any row."""
        for col, name in enumerate(names, start=1):
            width = _WIDTHS.get(name, _OTHER_WIDTH)
            self._sheet.column_dimensions[get_column_letter(col)].width = width
        self._sheet.freeze_panes = "A2"
        header = [self._cell(name) for name in names]
        for cell in header:
            if cell is not None:
                cell.font = Font(bold=True)
        self._sheet.append(header)
        self._width = len(names)

    def write(self, decision: Decision) -> None:
        if self._columns is None:
            self._columns = FixedColumns(decision.record)
            names = [*self.leading, *self._columns.columns]
            self._numeric = frozenset(names.index(f) for f in NUMERIC_FIELDS if f in names)
            self._start(names)
        if self._rows + 1 >= MAX_ROWS:
            raise DualscreenError(
                f"more than {MAX_ROWS - 1:,} decisions do not fit in one Excel sheet; "
                "write CSV or JSON Lines instead (-o FILE.csv)"
            )
        self._columns.check(decision)
        values = self.row(decision, self._columns.columns)
        row = [self._cell(v, i in self._numeric) for i, v in enumerate(values)]
        verdict_cell = row[1]
        if verdict_cell is not None:
            verdict_cell.fill, verdict_cell.font = self._styles[decision.decision]
        self._sheet.append(row)
        self._rows += 1

    def row(self, decision: Decision, columns: list[str]) -> list[Any]:
        return decision_row(decision, columns)

    def close(self) -> None:
        """Assemble the workbook into the stream (left open, like every writer's)."""
        if self._columns is None:
            self._start(list(self.leading))
        last = get_column_letter(self._width)
        self._sheet.auto_filter.ref = f"A1:{last}{self._rows + 1}"
        self._book.save(self._stream)
        self._stream.flush()
