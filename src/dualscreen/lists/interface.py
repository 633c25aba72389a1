"""The one interface every restricted-party list importer implements, and helpers they share."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Hashable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from dualscreen.errors import ListError
from dualscreen.models import ListCategory, ListEntry, ListInfo, RestrictedList


class Importer(Protocol):
    """Reads one list format. `path` is a file, or a folder for multi-file formats (OFAC CSV)."""

    format: str
    """The name users pass to `--list-format`, e.g. `ofac-sdn`."""

    def detect(self, path: Path) -> bool:
        """True when `path` is in this format; cheap (reads at most the first few KiB)."""
        ...

    def load(self, path: Path) -> RestrictedList:
        """Parse the whole list or raise ListError naming file and line: never a partial list."""
        ...


def sha256_files(paths: Iterable[Path]) -> str:
    """One content hash over the files of a list, so a run can be reproduced exactly."""
    digest = hashlib.sha256()
    for p in sorted(paths, key=lambda p: p.name):
        digest.update(p.name.encode() + b"\0")
        digest.update(p.read_bytes())
    return digest.hexdigest()


def read_head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise ListError(f"cannot read list file: {exc.strerror}", path=path) from exc


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ListError(f"cannot read list file: {exc.strerror}", path=path) from exc


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else cp1252/latin-1 as US files use."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


_DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_MONTH_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})-(0[1-9]|1[0-2])(?!\d)")


def version_of(path: Path) -> tuple[str, str]:
    """A list's date when its content has none: a date in the folder or file name, or a month
    ("consolidated-2023-11.csv": "2023-11"), else mtime. A copied file's mtime is the day it
    was copied, which would make an old snapshot look current."""
    parts = (path.name, path.parent.name) if path.is_file() else (path.name,)
    for part in parts:
        m = _DATE_IN_NAME.search(part)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3])).isoformat(), "folder name"
            except ValueError:
                pass
    for part in parts:
        m = _MONTH_IN_NAME.search(part)
        if m:
            return f"{m[1]}-{m[2]}", "folder name"
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return mtime.date().isoformat(), "modified time"


def version_date(version: str) -> date | None:
    """The day a list's version names, for its age: the date, or for a month alone ("2023-11")
    its first day, the oldest the list can be; None when the version is no date."""
    try:
        return date.fromisoformat(f"{version}-01" if len(version) == 7 else version)
    except ValueError:
        return None


def table_rows(
    path: Path, delimiter: str = ","
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """A delimited list file as its header and its (line, row) pairs, blank rows skipped. A row
    whose field count differs from the header's, or broken quoting, stops the load there."""
    text = decode_text(read_bytes(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [c.strip() for c in next(reader, [])]
    except csv.Error as exc:
        raise ListError(f"malformed header: {exc}", path=path, line=1) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        next_line = reader.line_num + 1
        try:
            for row in reader:
                line, next_line = next_line, reader.line_num + 1
                if not any(v.strip() for v in row):
                    continue
                if len(row) != len(header):
                    raise ListError(
                        f"expected {len(header)} fields as in the header, found {len(row)}",
                        path=path,
                        line=line,
                    )
                yield line, row
        except csv.Error as exc:
            raise ListError(f"malformed file: {exc}", path=path, line=reader.line_num) from exc

    return header, rows()


K = TypeVar("K", bound=Hashable)


def first_seen(
    seen: dict[K, int | None],
    key: K,
    line: int | None,
    *,
    what: str,
    path: Path,
    field: str,
    where: str = "",
) -> None:
    """Note that `key` is on `line`. An id is what a hit reports and a review refers to, so one
    id twice in a list is an error naming both lines: `{what} appears twice{where} (first …)`."""
    if key in seen:
        raise ListError(
            f"{what} appears twice{where} (first on line {seen[key]})",
            path=path,
            line=line,
            field=field,
        )
    seen[key] = line


def unique_names(names: Iterable[str], *, primary: str) -> list[str]:
    """Aliases once each, ignoring case and spacing, and never the primary name again."""
    seen = {" ".join(primary.split()).casefold()}
    unique = []
    for name in names:
        name = " ".join(name.split())
        key = name.casefold()
        if key and key not in seen:
            seen.add(key)
            unique.append(name)
    return unique


def make_list(
    *,
    name: str,
    format: str,
    category: ListCategory,
    source: str,
    path: Path,
    files: Iterable[Path],
    version: tuple[str, str],
    entries: list[ListEntry],
) -> RestrictedList:
    """Assemble a RestrictedList. An empty list is an error: screening against it passes all."""
    if not entries:
        raise ListError("list has no entries; refusing to screen against an empty list", path=path)
    info = ListInfo(
        name=name,
        format=format,
        category=category,
        source=source,
        path=str(path),
        version=version[0],
        version_from=version[1],
        entries=len(entries),
        names=sum(1 + len(e.aliases) for e in entries),
        sha256=sha256_files(files),
    )
    return RestrictedList(info=info, entries=tuple(entries))
