"""The US Commerce BIS Denied Persons List, tab-separated `dpl.txt` with one row per address."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dualscreen.errors import ListError
from dualscreen.lists.interface import (
    decode_text,
    make_list,
    read_head,
    table_rows,
    version_of,
)
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

NAME = "bis-dpl"
SOURCE = "US Commerce BIS Denied Persons List — https://www.bis.doc.gov/dpl/dpl.txt"

COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
_NICKNAME = re.compile(r'\s*"[^"]*"\s*')  # IHSAN MEDHAT "SAMMY" ELASHI


class BisDplImporter:
    """Groups the address rows of one denial order into one entry."""

    format = "bis-dpl"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        first = decode_text(read_head(path)).split("\n", 1)[0]
        return "\t" in first and set(COLUMNS) <= set(_header(first))

    def load(self, path: Path) -> RestrictedList:
        orders: dict[tuple[str, str], _Order] = {}
        updates: list[date] = []
        for line, row in _rows(path):
            name = " ".join(row["Name"].split())
            if not name:
                raise ListError("empty name", path=path, line=line, field="Name")
            effective = _us_date(row, "Effective_Date", path, line)
            key = (name.upper(), effective.isoformat() if effective else "")
            order = orders.setdefault(key, _Order(name=name, effective=effective))
            order.add(row, _us_date(row, "Expiration_Date", path, line))
            if updated := _iso_date(row["Last_Update"]):
                updates.append(updated)
        entries = [order.entry(key) for key, order in orders.items()]
        if len({e.entry_id for e in entries}) != len(entries):
            raise ListError("two denied persons share a derived id; report this file", path=path)
        # One row's Last_Update is a typo (3033-09-30): a date in the future cannot date the list.
        past = [d for d in updates if d <= date.today()]
        version = (max(past).isoformat(), "file") if past else version_of(path)
        return make_list(
            name=NAME,
            format=self.format,
            category=ListCategory.DENIED,
            source=SOURCE,
            path=path,
            files=[path],
            version=version,
            entries=entries,
        )


IMPORTER = BisDplImporter()


@dataclass
class _Order:
    """One denial order being assembled from its address rows."""

    name: str
    effective: date | None
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    expirations: list[date | None] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    standard: str = ""

    def add(self, row: dict[str, str], expiration: date | None) -> None:
        parts = (
            row[c].strip() for c in ("Street_Address", "City", "State", "Postal_Code", "Country")
        )
        self.addresses.append(", ".join(p for p in parts if p))
        self.countries.append(row["Country"].strip())
        self.expirations.append(expiration)
        self.citations.append(" ".join(row["FR_Citation"].split()))
        self.standard = self.standard or row["Standard_Order"].strip().upper()

    def entry(self, key: tuple[str, str]) -> ListEntry:
        # A row without an expiry means the order has no known end: the entry never lapses.
        end = None if None in self.expirations else max(d for d in self.expirations if d)
        # Each row repeats the order's citations, some with typos; the longest lists most notices.
        citation = max(self.citations, key=len)
        remarks = [
            f"effective {self.effective.isoformat()}" if self.effective else "",
            f"expires {end.isoformat()}" if end else "no expiry date",
            f"standard order {self.standard}" if self.standard else "",
            f"FR {citation}" if citation else "",
        ]
        plain = " ".join(_NICKNAME.sub(" ", self.name).split())
        return ListEntry(
            entry_id=entry_id(*key),
            name=self.name,
            aliases=(plain,) if plain and plain.upper() != self.name.upper() else (),
            type=EntityType.UNKNOWN,  # the DPL does not say whether a party is a person or a firm
            countries=tuple(dict.fromkeys(c for c in self.countries if c)),
            programs=("DPL",),
            addresses=tuple(dict.fromkeys(a for a in self.addresses if a)),
            remarks="; ".join(r for r in remarks if r),
            end_date=end,
        )


def entry_id(name: str, effective: str) -> str:
    """The DPL has no ids of its own. One derived from the name and the order's effective date
    stays the same across releases, and tells apart two orders against one name."""
    key = f"{' '.join(name.split()).upper()}|{effective}"
    return "DPL-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def _header(line: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in line.rstrip("\r\n").split("\t")]


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    header, rows = table_rows(path, delimiter="\t")
    if missing := [c for c in COLUMNS if c not in header]:
        raise ListError(
            f"not a Denied Persons List: missing column {missing[0]!r}",
            path=path,
            line=1,
            field=missing[0],
        )
    for line, row in rows:
        yield line, dict(zip(header, row, strict=True))


def _us_date(row: dict[str, str], column: str, path: Path, line: int) -> date | None:
    """MM/DD/YYYY; a date we cannot read fails the list, since it decides whether a denial holds."""
    value = row[column].strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%m/%d/%Y").date()
    except ValueError:
        raise ListError(
            f"{value!r} is not a MM/DD/YYYY date", path=path, line=line, field=column
        ) from None


def _iso_date(value: str) -> date | None:
    """Last_Update only dates the file, so an unreadable one is skipped rather than fatal."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
