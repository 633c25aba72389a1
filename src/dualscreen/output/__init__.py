"""Decision writers behind one interface, chosen by `--format`."""

from __future__ import annotations

import io
from enum import StrEnum
from typing import IO, Any, BinaryIO, TextIO, cast

from dualscreen.output.csv_table import CsvWriter
from dualscreen.output.interface import Writer
from dualscreen.output.json_array import JsonWriter
from dualscreen.output.jsonl import JsonlWriter
from dualscreen.output.table import TableWriter


class OutputFormat(StrEnum):
    TABLE = "table"
    JSONL = "jsonl"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def binary(self) -> bool:
        """Written as bytes, so to a file (`-o`), never to a terminal or a text pipe."""
        return self is OutputFormat.XLSX


_WRITERS: dict[OutputFormat, type[Writer]] = {
    OutputFormat.TABLE: TableWriter,
    OutputFormat.JSONL: JsonlWriter,
    OutputFormat.JSON: JsonWriter,
    OutputFormat.CSV: CsvWriter,
}


def writer_for(fmt: OutputFormat, stream: IO[Any]) -> Writer:
    """The writer for `fmt` on `stream`: a text stream, or a binary one for `fmt.binary`."""
    if fmt.binary:
        if isinstance(stream, io.TextIOBase):
            raise TypeError(f"{fmt} output needs a binary stream")
        # Imported here: openpyxl's import would cost every other run ~150 ms.
        from dualscreen.output.xlsx import XlsxWriter

        return XlsxWriter(cast(BinaryIO, stream))
    return _WRITERS[fmt](cast(TextIO, stream))


__all__ = ["OutputFormat", "Writer", "writer_for"]
