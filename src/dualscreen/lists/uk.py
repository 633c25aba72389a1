"""The UK consolidated list of financial sanctions targets (HM Treasury OFSI), `ConList.csv`.

The file starts with a `Last Updated,DD/MM/YYYY` line, then a header, then one row per name:
a target's primary name and its aliases share a `Group ID`, which is the entry's id.
Columns are read by name, since OFSI has added and renamed some over the years.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dualscreen.errors import ListError
from dualscreen.lists.delimited import strict_rows
from dualscreen.lists.interface import (
    decode_text,
    make_list,
    read_bytes,
    read_head,
    unique_names,
    version_of,
)
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

NAME = "uk-ofsi"
SOURCE = (
    "UK HM Treasury OFSI consolidated list — "
    "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"
)

NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
"""Given names, then the surname (or an organisation's whole name) in `Name 6`."""
_REQUIRED = ("Name 6", "Group Type", "Group ID")
_ADDRESS_COLUMNS = (
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
)
_ID_COLUMNS = (
    ("Passport", ("Passport Number",), "Passport Details"),
    # `NI Number` is the header before 2022, which had no separate details column.
    (
        "National ID",
        ("National Identification Number", "NI Number"),
        "National Identification Details",
    ),
)
_TYPES = {"individual": EntityType.PERSON, "entity": EntityType.ORGANIZATION}
_SHIP = EntityType.VESSEL
_ENUMERATION = re.compile(r"\(\d+\)\s*")  # "(1) Syria (2) Iraq"
_LIST_REF = re.compile(r"\(UK Sanctions List Ref\):\s*(\S+)")
_IMO = re.compile(r"\(IMO number\):\s*(\d{7})\b")


class UkOfsiImporter:
    """Groups the rows of each `Group ID` into one entry."""

    format = "uk-ofsi"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        lines = decode_text(read_head(path)).splitlines()
        if lines and _is_preamble(lines[0].split(",", 1)[0]):
            lines = lines[1:]
        header = {c.strip().strip('"') for c in lines[0].split(",")} if lines else set()
        return set(_REQUIRED) <= header

    def load(self, path: Path) -> RestrictedList:
        text = decode_text(read_bytes(path))
        first = next(iter(text.splitlines()), "").split(",")
        updated = None
        if _is_preamble(first[0]):
            value = first[1].strip().strip('"') if len(first) > 1 else ""
            updated = _dmy(value, path, 1, "Last Updated")
        header, header_line, rows = strict_rows(path, text, skip=1 if updated else 0)
        if missing := [c for c in _REQUIRED if c not in header]:
            raise ListError(
                f"not an OFSI consolidated list: missing column {missing[0]!r}",
                path=path,
                line=header_line,
                field=missing[0],
            )
        groups: dict[str, _Group] = {}
        for line, values in _records(header, rows):
            group_id = values["Group ID"]
            if not group_id:
                raise ListError("empty Group ID", path=path, line=line, field="Group ID")
            group = groups.setdefault(group_id, _Group(group_id, line))
            group.add(values, path, line)
        entries = [g.entry(path) for g in groups.values()]
        return make_list(
            name=NAME,
            format=self.format,
            category=ListCategory.SANCTIONS,
            source=SOURCE,
            path=path,
            files=[path],
            version=(updated.isoformat(), "file") if updated else version_of(path),
            entries=entries,
        )


IMPORTER = UkOfsiImporter()


def _records(
    header: list[str], rows: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    for line, row in rows:
        values = {c: " ".join(v.split()) for c, v in zip(header, row, strict=True)}
        yield line, values


@dataclass
class _Group:
    """One target being assembled from its name rows."""

    group_id: str
    line: int
    primary: str = ""
    names: list[str] = field(default_factory=list)
    type: EntityType = EntityType.UNKNOWN
    countries: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    listed: date | None = None

    def add(self, row: dict[str, str], path: Path, line: int) -> None:
        name = " ".join(v for c in NAME_COLUMNS if (v := row.get(c, "")))
        if not name:
            raise ListError("a row without a name", path=path, line=line, field="Name 6")
        if not self.primary and row.get("Alias Type", "").lower() == "primary name":
            self.primary = name
        self.names.append(name)
        self.names += [n for n in (row.get("Name Non-Latin Script", ""),) if n]
        if self.type is EntityType.UNKNOWN:
            kind = row["Group Type"].lower()
            self.type = _SHIP if kind in ("ship", "vessel") else _TYPES.get(kind, self.type)
        self.countries += _enumerated(row.get("Nationality", ""))
        self.countries += [c for c in (row.get("Country", ""),) if c]
        self.programs += [p for p in (row.get("Regime", ""),) if p]
        address = ", ".join(v for c in _ADDRESS_COLUMNS if (v := row.get(c, "")))
        self.addresses += [address] if address else []
        self._remark(row)
        for label, number_columns, details_column in _ID_COLUMNS:
            numbers = [n for c in number_columns for n in _enumerated(row.get(c, ""))]
            details = _enumerated(row.get(details_column, ""))
            if numbers:
                self.identifiers += [f"{label}: {n}" for n in numbers]
                self.remarks += [f"{label} details: {d}" for d in details]
            else:  # older files put the number in the details column
                self.identifiers += [f"{label}: {d}" for d in details]
        self.birth_dates += [_birth(d) for d in _enumerated(row.get("DOB", ""))]
        if other := row.get("Other Information", ""):
            self.remarks.append(other)
            self.identifiers += [f"IMO: {n}" for n in _IMO.findall(other)]
        reference = row.get("UK Sanctions List Ref", "")
        if not reference and (found := _LIST_REF.search(row.get("Other Information", ""))):
            reference = found[1]
        self.references += [reference] if reference else []
        if listed := row.get("Listed On", ""):
            day = _dmy(listed, path, line, "Listed On")
            self.listed = min(self.listed, day) if self.listed else day

    def _remark(self, row: dict[str, str]) -> None:
        for column, label in (("Title", "Title"), ("Position", "Position")):
            if value := row.get(column, ""):
                self.remarks.append(f"{label}: {value}")
        birth_place = ", ".join(
            v for c in ("Town of Birth", "Country of Birth") if (v := row.get(c, ""))
        )
        if birth_place:
            self.remarks.append(f"POB {birth_place}")

    def entry(self, path: Path) -> ListEntry:
        # OFSI marks one row "Primary name"; a group without one is named by its first row.
        name = self.primary or self.names[0]
        references = list(dict.fromkeys(self.references))
        return ListEntry(
            entry_id=self.group_id,
            name=name,
            aliases=tuple(unique_names(self.names, primary=name)),
            type=self.type,
            countries=tuple(dict.fromkeys(self.countries)),
            programs=tuple(dict.fromkeys(self.programs)),
            addresses=tuple(dict.fromkeys(self.addresses)),
            remarks="; ".join(dict.fromkeys(self.remarks)),
            identifiers=tuple(
                dict.fromkeys(
                    [*(f"UK Sanctions List Ref: {r}" for r in references), *self.identifiers]
                )
            ),
            birth_dates=tuple(dict.fromkeys(self.birth_dates)),
            citation="; ".join(f"UK Sanctions List {r}" for r in references),
            start_date=self.listed,
        )


def _is_preamble(cell: str) -> bool:
    return cell.strip().strip('"').rstrip(":").strip().lower() == "last updated"


def _enumerated(value: str) -> list[str]:
    """OFSI packs several values into one cell as `(1) A (2) B`."""
    return [p.strip(" ,;") for p in _ENUMERATION.split(value) if p.strip(" ,;")]


def _birth(value: str) -> str:
    """`19/06/1951` → `1951-06-19`; unknown parts are zeros (`00/00/1951` → `1951`)."""
    parts = value.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return value
    day, month, year = parts
    if int(month) == 0:
        return year
    return f"{year}-{month}" if int(day) == 0 else f"{year}-{month}-{day}"


def _dmy(value: str, path: Path, line: int, column: str) -> date:
    """DD/MM/YYYY, as OFSI writes dates; an unreadable one fails the list on its line."""
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise ListError(
            f"{value!r} is not a DD/MM/YYYY date", path=path, line=line, field=column
        ) from None
