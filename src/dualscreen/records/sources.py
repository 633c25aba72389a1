"""Read shipment records from CSV, JSON, JSON Lines, Excel files or stdin, one at a time.

Each record comes out as a RawRecord: its source, the line it starts on, its fields as read,
or the problem that kept it from being read. A bad row is a record with a problem, never a
crash and never a silent skip: the decision stage flags it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from dualscreen.errors import InputError

SNIFF_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a ZIP archive
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls, or an encrypted .xlsx
CHUNK = 256 * 1024

# Fields this large are not names or codes; csv's default limit (128 KiB) would raise mid-file.
csv.field_size_limit(64 * 1024 * 1024)


class InputFormat(StrEnum):
    CSV = "csv"
    JSON = "json"  # an array of objects, or a single object
    JSONL = "jsonl"
    XLSX = "xlsx"  # an Excel workbook: its first worksheet, or the one named by `sheet`


@dataclass(frozen=True, slots=True)
class RawRecord:
    source: str  # file name, or "<stdin>"
    line: int  # where the record starts (CSV/JSONL line; JSON array: element; xlsx: row)
    data: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # why the record could not be read as a whole
    problem_field: str | None = None


class _Prefixed(io.RawIOBase):
    """A binary stream that replays the bytes already read for sniffing, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def sniff(head: bytes) -> InputFormat:
    """JSON starts with `[` or `{`; one complete object on the first line means JSON Lines.

    Any ZIP archive is taken for a workbook: one that is not (.docx, .ods) then fails as a
    workbook, naming the file, instead of being screened as rows of CSV garbage."""
    if head.startswith(ZIP_MAGIC):
        return InputFormat.XLSX
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        return InputFormat.JSON
    if text.startswith("{"):
        first_line, newline, _ = text.partition("\n")
        if not newline and len(head) >= SNIFF_BYTES:
            return InputFormat.JSONL  # a first line longer than the window: not pretty-printed
        try:
            json.loads(first_line)
        except ValueError:
            return InputFormat.JSON
        return InputFormat.JSONL
    return InputFormat.CSV


def _text(binary: io.RawIOBase, encoding: str) -> io.TextIOWrapper:
    # Undecodable bytes become U+FFFD and the record holding them is flagged, not the run lost.
    if encoding.lower().replace("_", "-") in {"utf-8", "utf8"}:
        encoding = "utf-8-sig"
    return io.TextIOWrapper(
        io.BufferedReader(binary), encoding=encoding, errors="replace", newline=""
    )


def _csv_records(text: IO[str], source: str) -> Iterator[RawRecord]:
    reader = csv.reader(text, strict=True)  # strict: an unclosed quote is an error, not a merge
    try:
        header = next(reader)
        while len(header) <= 1 and not "".join(header).strip():  # blank lines before the header
            header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"cannot read the CSV header: {exc}", path=source, line=1) from exc
    names = [h.strip() for h in header]
    if not any(names):
        raise InputError("the CSV header is empty", path=source, line=1)
    names = _unique_names(names)
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RawRecord(source, line, problem=f"unreadable CSV row: {exc}")
            line = reader.line_num + 1
            continue
        if not row or all(not cell.strip() for cell in row):  # blank lines are not records
            line = reader.line_num + 1
            continue
        data = dict(zip(names, row, strict=False))
        problem = None
        if len(row) != len(names):
            problem = f"row has {len(row)} fields, the header has {len(names)}"
            if len(row) > len(names):
                data["_extra_fields"] = "|".join(row[len(names) :])
        yield RawRecord(source, line, data, problem)
        line = reader.line_num + 1


def _unique_names(names: list[str]) -> list[str]:
    """A repeated column keeps its values under `name (2)`, echoed rather than lost."""
    out: list[str] = []
    for name in names:
        unique, n = name, 2
        while unique in out:
            unique, n = f"{name} ({n})", n + 1
        out.append(unique)
    return out


def _jsonl_records(text: IO[str], source: str) -> Iterator[RawRecord]:
    for number, raw_line in enumerate(text, start=1):
        stripped = raw_line.strip()
        if not stripped:
            continue
        try:
            value = json.loads(stripped)
        except ValueError as exc:
            yield RawRecord(source, number, problem=f"invalid JSON: {exc}")
            continue
        yield _json_value_record(value, source, number)


def _json_value_record(value: Any, source: str, line: int) -> RawRecord:
    if isinstance(value, dict):
        return RawRecord(source, line, value)
    return RawRecord(source, line, problem=f"expected a JSON object, got {type(value).__name__}")


def _json_records(text: IO[str], source: str) -> Iterator[RawRecord]:
    """A JSON array decoded one element at a time, so a large array is never held whole."""
    decoder = json.JSONDecoder()
    buffer = text.read(CHUNK).lstrip("\ufeff \t\r\n")
    if buffer.startswith("{"):  # a single object: read it whole
        buffer += text.read()
        try:
            value, end = decoder.raw_decode(buffer)
        except ValueError as exc:
            raise InputError(f"invalid JSON: {exc}", path=source) from exc
        if buffer[end:].strip():
            raise InputError("unexpected data after the JSON object", path=source)
        yield _json_value_record(value, source, 1)
        return
    if not buffer.startswith("["):
        raise InputError("expected a JSON array or object", path=source, line=1)
    pos, number, eof = 1, 0, False
    while True:
        while pos < len(buffer) and buffer[pos] in " \t\r\n,":
            pos += 1
        if pos < len(buffer) and buffer[pos] == "]":
            if buffer[pos + 1 :].strip() or text.read(1).strip():
                raise InputError("unexpected data after the JSON array", path=source)
            return
        try:
            value, end = decoder.raw_decode(buffer, pos)
        except ValueError as exc:
            if not eof:
                more = text.read(CHUNK)
                eof = not more
                buffer = buffer[pos:] + more
                pos = 0
                continue
            raise InputError(
                f"invalid JSON in array element {number + 1}: {exc}", path=source
            ) from exc
        if buffer[end:].lstrip(" \t\r\n")[:1] not in (",", "]"):
            if not eof:  # a number cut at "1." or "1e" may continue in the next chunk
                more = text.read(CHUNK)
                eof = not more
                buffer, pos = buffer[pos:] + more, 0
                continue
            raise InputError(
                f"invalid JSON after array element {number + 1}: expected ',' or ']'",
                path=source,
            )
        number += 1
        yield _json_value_record(value, source, number)
        pos = end
        if pos > CHUNK:
            buffer, pos = buffer[pos:], 0


_READERS = {
    InputFormat.CSV: _csv_records,
    InputFormat.JSONL: _jsonl_records,
    InputFormat.JSON: _json_records,
}


def read_source(
    path: str,
    input_format: InputFormat | None = None,
    encoding: str = "utf-8",
    sheet: str | None = None,
) -> Iterator[RawRecord]:
    """Records of one source: a file path, or `-` for stdin. `sheet` names the worksheet of a
    workbook (default: the first); other formats have none."""
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}") from exc
    if path == "-":
        source, binary = "<stdin>", sys.stdin.buffer
    else:
        source = path
        try:
            binary = Path(path).open("rb")  # noqa: SIM115 - closed below, after streaming
        except OSError as exc:
            raise InputError(f"cannot open input: {exc.strerror}", path=path) from exc
    try:
        head = binary.read(SNIFF_BYTES)
        fmt = input_format or sniff(head)
        if fmt is InputFormat.XLSX:
            # Imported here: openpyxl's import would cost every CSV and JSON run ~150 ms.
            from dualscreen.records.xlsx import xlsx_records

            yield from xlsx_records(binary, head, source, sheet, spool=path == "-")
            return
        if input_format is None and head.startswith(OLE2_MAGIC):
            raise InputError(
                "an Excel 97-2003 (.xls) or password-protected workbook: save it as .xlsx "
                "without a password, or as CSV",
                path=source,
            )
        text = _text(_Prefixed(head, binary), encoding)
        try:
            yield from _READERS[fmt](text, source)
        except UnicodeError as exc:  # e.g. UTF-16 without a byte-order mark: nothing decodes
            raise InputError(f"cannot decode the input as {encoding}: {exc}", path=source) from exc
    finally:
        if binary is not sys.stdin.buffer:
            binary.close()
