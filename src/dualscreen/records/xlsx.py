"""Read shipment records from one worksheet of an Excel workbook (.xlsx), a row at a time.

Cells become the text an officer sees in Excel, so a record read from a workbook screens as the
same record exported to CSV would: dates as ISO dates, whole numbers without `.0`.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import IO, Any, TypeVar

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from dualscreen.errors import InputError
from dualscreen.records.sources import RawRecord, _unique_names

T = TypeVar("T")

WORKBOOK_PART = "xl/workbook.xml"  # where Excel, LibreOffice and the libraries all put it
_RECALCULATE = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad\s*=\s*[\"'](?:1|true)[\"']")
# A float this large has no digits after the point worth keeping, and int() of it is noise.
_WHOLE_LIMIT = 1e15


def cell_text(value: Any) -> str:
    """A cell's value as Excel shows it with the General format, give or take separators.

    An HS code typed as a number (750210, stored as 750210.0 by some writers) keeps its digits;
    the leading zero Excel drops from 0901.11 is gone for good, and the HS check will say so.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _WHOLE_LIMIT:
            return str(int(value))
        return f"{value:.15g}"  # Excel's 15 significant digits: 0.1 + 0.2 shows as 0.3
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def xlsx_records(
    binary: IO[bytes], head: bytes, source: str, sheet: str | None, *, spool: bool
) -> Iterator[RawRecord]:
    """Records of the first worksheet, or of `sheet`; `head` is what was read for sniffing.

    Each record's line is its Excel row number; the first non-empty row is the header.
    """
    with contextlib.ExitStack() as stack:
        if spool:
            # A workbook is a ZIP archive whose index is at its end: openpyxl must seek, and a
            # pipe cannot. Stdin is copied to a temporary file (removed when closed) first.
            file: IO[bytes] = stack.enter_context(tempfile.TemporaryFile())
            file.write(head)
            shutil.copyfileobj(binary, file)
        else:
            file = binary
        file.seek(0)
        workbook = _open(file, source)
        stack.callback(workbook.close)
        worksheet = _worksheet(workbook, sheet, source)
        # Some writers leave a stale <dimension> (`A1`) that would cut the sheet short.
        worksheet.reset_dimensions()
        # types-openpyxl types iter_rows for the editable Worksheet only; it is the same method.
        cells = worksheet.iter_rows(min_row=1)  # type: ignore[misc]
        rows = _guarded(cells, source, worksheet.title)
        yield from _sheet_records(rows, source)


def _open(file: IO[bytes], source: str) -> Workbook:
    """The workbook in read-only (streaming) mode, reading what Excel calculated.

    data_only=True gives a formula cell's value as Excel last calculated and saved it (what the
    officer sees), not its formula text. A workbook that asks to be recalculated when opened
    (fullCalcOnLoad: written by a program, never saved by Excel) holds no such values, or
    placeholders such as 0: it is read for its formulas instead, and each one is flagged.
    """
    try:
        data_only = not _asks_to_recalculate(file)
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles it drops are not ours
            return load_workbook(file, read_only=True, data_only=data_only)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors: a corrupt file, each way
        raise InputError(f"not a readable Excel workbook (.xlsx): {exc}", path=source) from exc


def _asks_to_recalculate(file: IO[bytes]) -> bool:
    """Read from the XML: openpyxl's parsed `calculation` says True when the attribute is
    absent, as it is in every workbook Excel saves."""
    with zipfile.ZipFile(file) as archive:
        try:
            xml = archive.read(WORKBOOK_PART)
        except KeyError:  # a workbook part elsewhere: rare; taken as calculated
            return False
    return _RECALCULATE.search(xml) is not None


def _worksheet(workbook: Workbook, sheet: str | None, source: str) -> ReadOnlyWorksheet:
    sheets = [ws for ws in workbook.worksheets if isinstance(ws, ReadOnlyWorksheet)]
    if not sheets:
        raise InputError("the workbook has no worksheet", path=source)
    if sheet is None:
        return sheets[0]
    for ws in sheets:
        if ws.title == sheet:
            return ws
    names = ", ".join(repr(ws.title) for ws in sheets)
    raise InputError(f"no worksheet named {sheet!r}; the workbook has {names}", path=source)


def _guarded(rows: Iterator[T], source: str, title: str) -> Iterator[T]:
    """Rows as openpyxl parses them; a sheet that breaks off mid-file is an InputError."""
    while True:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a date out of range: openpyxl's #VALUE!, flagged
                row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise InputError(f"cannot read worksheet {title!r}: {exc}", path=source) from exc
        yield row


def _sheet_records(rows: Iterator[tuple[Any, ...]], source: str) -> Iterator[RawRecord]:
    numbered = enumerate(rows, start=1)  # openpyxl fills missing rows: the index is the row
    names: list[str] = []
    for _, cells in numbered:
        texts = [cell_text(cell.value).strip() for cell in cells]
        if any(texts):
            while not texts[-1]:
                texts.pop()
            names = _unique_names(
                [text or get_column_letter(col) for col, text in enumerate(texts, start=1)]
            )
            break
    if not names:
        return
    for row, cells in numbered:
        yield from _record(cells, row, names, source)


def _record(cells: tuple[Any, ...], row: int, names: list[str], source: str) -> Iterator[RawRecord]:
    data = dict.fromkeys(names, "")
    problems: list[tuple[str | None, str]] = []
    extra: list[str] = []
    for col, cell in enumerate(cells, start=1):
        value = cell.value
        if value is None:
            continue
        name = names[col - 1] if col <= len(names) else None
        if cell.data_type == "f":  # only when read for formulas: see _open
            text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
            problems.append(
                (
                    name,
                    f"cell {_where(col, row)} holds a formula never calculated ({text}); open "
                    "and save the workbook in Excel, or export it as CSV",
                )
            )
        else:
            text = cell_text(value)
            if cell.data_type == "e":
                problems.append((name, f"cell {_where(col, row)} shows the Excel error {text}"))
        if name is None:
            if text.strip():
                extra.append(text)
                problems.append(
                    (None, f"cell {_where(col, row)} has a value but its column has no header")
                )
            continue
        data[name] = text
    if not any(v.strip() for v in data.values()) and not extra:
        return  # an empty row (perhaps only formatted) is not a record
    if extra:
        data["_extra_fields"] = "|".join(extra)
    problem = "; ".join(message for _, message in problems) or None
    field = next((name for name, _ in problems if name), None)
    yield RawRecord(source, row, data, problem, field)


def _where(col: int, row: int) -> str:
    return f"{get_column_letter(col)}{row}"
