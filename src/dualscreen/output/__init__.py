"""Decision writers behind one interface, chosen by `--format`."""

from __future__ import annotations

from enum import StrEnum
from typing import TextIO

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


_WRITERS: dict[OutputFormat, type[Writer]] = {
    OutputFormat.TABLE: TableWriter,
    OutputFormat.JSONL: JsonlWriter,
    OutputFormat.JSON: JsonWriter,
    OutputFormat.CSV: CsvWriter,
}


def writer_for(fmt: OutputFormat, stream: TextIO) -> Writer:
    return _WRITERS[fmt](stream)


__all__ = ["OutputFormat", "Writer", "writer_for"]
