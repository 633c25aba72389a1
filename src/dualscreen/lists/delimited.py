"""Read a delimited list file strictly: a cut-off download or a pasted header fails on its line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from dualscreen.errors import ListError


def strict_rows(
    path: Path, text: str, *, delimiter: str = ",", skip: int = 0
) -> tuple[list[str], int, Iterator[tuple[int, list[str]]]]:
    """(header, header line, (line, row) pairs) after `skip` lines of preamble. Quoting is strict,
    so a file that ends inside a quoted field (large lists do get cut off) fails on the record
    that broke, and so does a row with another field count or the header repeated."""
    lines = io.StringIO(text, newline="")
    for _ in range(skip):
        lines.readline()
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header_line = skip + 1
    try:
        header = [c.strip() for c in next(reader, [])]
    except csv.Error as exc:
        raise ListError(f"malformed header: {exc}", path=path, line=header_line) from exc
    # A multi-line header cell would shift every line number; no list has one.
    first_row = header_line + reader.line_num

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = first_row
        try:
            for row in reader:
                line, start = start, header_line + reader.line_num
                if not any(v.strip() for v in row):
                    continue
                if [v.strip() for v in row] == header:
                    raise ListError(
                        "the header row appears again: two files joined, or a broken download",
                        path=path,
                        line=line,
                    )
                if len(row) != len(header):
                    raise ListError(
                        f"record has {len(row)} fields, the header {len(header)}: the file is "
                        "cut off or broken here",
                        path=path,
                        line=line,
                    )
                yield line, row
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise ListError(
                    "the file ends inside a quoted field: it is truncated, and the record "
                    "starting here is incomplete",
                    path=path,
                    line=start,
                ) from exc
            raise ListError(f"malformed file: {exc}", path=path, line=start) from exc

    return header, header_line, rows()
