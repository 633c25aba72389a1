"""OFAC's legacy CSV files: `sdn.csv` plus its optional `alt.csv`, `add.csv`, `sdn_comments.csv`,
and the non-SDN consolidated lists in the same layout (`cons_prim.csv`, `cons_alt.csv`, ...)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dualscreen.errors import ListError
from dualscreen.lists.interface import (
    decode_text,
    make_list,
    read_bytes,
    read_head,
    unique_names,
    version_of,
)
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

NAME = "ofac-sdn"
SOURCE = "US Treasury OFAC SDN list — https://www.treasury.gov/ofac/downloads/sdn.csv"


@dataclass(frozen=True)
class Release:
    """One of OFAC's file sets in the legacy layout: a primary file and its companions."""

    name: str
    source: str
    primary: str
    aliases: str
    addresses: str
    comments: str

    @property
    def companions(self) -> tuple[str, str, str]:
        return (self.aliases, self.addresses, self.comments)


SDN = Release(NAME, SOURCE, "sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
CONS = Release(
    "ofac-cons",
    "US Treasury OFAC consolidated non-SDN lists — "
    "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
    "cons_prim.csv",
    "cons_alt.csv",
    "cons_add.csv",
    "cons_comments.csv",
)
RELEASES = (SDN, CONS)

# Field counts OFAC documents for the legacy files; a different count means a broken or other file.
_SDN_WIDTH = 12
_ALT_WIDTH = 5
_ADD_WIDTH = 6
_COMMENT_WIDTH = 2

_TYPES = {
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
    "": EntityType.ORGANIZATION,  # OFAC leaves the type of entities null (`-0-`)
}

_VESSEL_FIELDS = (
    (5, "Call sign"),
    (6, "Vessel type"),
    (7, "Tonnage"),
    (8, "GRT"),
    (9, "Flag"),
    (10, "Owner"),
)

# OFAC's "weak" aliases live only in the remarks: `a.k.a. 'X'; f.k.a. 'Y'.` Names may hold an
# apostrophe (AL-QA'QA), so a name ends only at a quote followed by `;` or the end of the remarks.
_REMARK_ALIAS = re.compile(r"\b[afn]\.k\.a\. '([^;]+?)'(?=\s*(?:;|\.?\s*$))")
_FIRST_ROW = re.compile(r'\s*\d+\s*,\s*"')


class OfacSdnImporter:
    """Reads a folder holding `sdn.csv` or `cons_prim.csv` (plus companions), or one primary file
    on its own. One importer for both sets: they share the layout, and discovery hands whole
    folders only to this importer."""

    format = "ofac-sdn"

    def detect(self, path: Path) -> bool:
        # A folder with only companion files is claimed too, so `load` can refuse it by name
        # instead of discovery reporting the stray alt.csv as a list of unknown format.
        if path.is_dir():
            try:
                names = _files_by_name(path)
            except ListError:
                return False
            return any(n in names for r in RELEASES for n in (r.primary, r.aliases, r.addresses))
        return _looks_like_sdn_row(read_head(path))

    def load(self, path: Path) -> RestrictedList:
        if path.is_dir():
            files = _files_by_name(path)
            release = _release_in(files, path)
            if release.primary not in files:
                present = ", ".join(sorted(n for n in release.companions if n in files))
                raise ListError(
                    f"folder has {present or 'no SDN files'} but no {release.primary}: aliases "
                    f"and addresses cannot be screened without the primary file of the same date",
                    path=path,
                )
            primary = files[release.primary]
            companions = {n: files[n] for n in release.companions if n in files}
        else:
            name = path.name.lower()
            release = CONS if name == CONS.primary else SDN
            for other in RELEASES:
                if name in other.companions:
                    raise ListError(
                        f"an OFAC companion file; give the folder holding it and its "
                        f"{other.primary}",
                        path=path,
                    )
            primary, companions = path, {}
        entries = _entries(primary, companions, release)
        return make_list(
            name=release.name,
            format=self.format,
            category=ListCategory.SANCTIONS,
            source=release.source,
            path=path,
            files=[primary, *companions.values()],
            version=version_of(path),
            entries=entries,
        )


IMPORTER = OfacSdnImporter()


def _files_by_name(folder: Path) -> dict[str, Path]:
    """Files by lower-cased name: OFAC has published both `SDN.CSV` and `sdn.csv`."""
    try:
        return {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    except OSError as exc:
        raise ListError(f"cannot read list folder: {exc.strerror}", path=folder) from exc


def _release_in(files: dict[str, Path], folder: Path) -> Release:
    """Which file set a folder holds. SDN and non-SDN files side by side would be two lists
    loaded as one, their ent_nums checked against the wrong primary file: refuse that."""
    present = [r for r in RELEASES if any(n in files for n in (r.primary, *r.companions))]
    if len(present) > 1:
        raise ListError(
            f"folder mixes SDN ({SDN.primary}, ...) and non-SDN consolidated "
            f"({CONS.primary}, ...) files: give each set its own folder",
            path=folder,
        )
    return present[0] if present else SDN


def _looks_like_sdn_row(head: bytes) -> bool:
    first = next(iter(decode_text(head).splitlines()), "")
    if not _FIRST_ROW.match(first):
        return False
    try:
        row = next(csv.reader([first]), [])
    except csv.Error:  # a stray quote or NUL: not OFAC's file, whatever else it is
        return False
    return len(row) == _SDN_WIDTH


def _field(value: str) -> str:
    """OFAC writes a null field as `-0- `; anything else is kept, trimmed."""
    value = value.strip()
    return "" if value == "-0-" else value


def _rows(path: Path, width: int) -> Iterator[tuple[int, str, list[str]]]:
    """(line, ent_num, fields) per row; a ragged row or a non-integer ent_num fails on its line."""
    # The files end with a DOS end-of-file byte (0x1A) after the last CRLF.
    text = decode_text(read_bytes(path)).rstrip("\x1a\r\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    next_line = 1
    try:
        for row in reader:
            line, next_line = next_line, reader.line_num + 1
            if not row:
                continue
            if len(row) != width:
                raise ListError(
                    f"expected {width} comma-separated fields, found {len(row)}",
                    path=path,
                    line=line,
                )
            ent_num = row[0].strip()
            if not (ent_num.isascii() and ent_num.isdigit()):
                raise ListError(
                    f"ent_num {ent_num!r} is not an integer", path=path, line=line, field="ent_num"
                )
            yield line, str(int(ent_num)), row
    except csv.Error as exc:
        raise ListError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from exc


def _check_known(
    ent_num: str, known: dict[str, list[str]], path: Path, line: int, release: Release
) -> None:
    if ent_num not in known:
        raise ListError(
            f"ent_num {ent_num} is not in {release.primary}: this file belongs to another release",
            path=path,
            line=line,
            field="ent_num",
        )


def _entries(primary: Path, companions: dict[str, Path], release: Release) -> list[ListEntry]:
    rows: dict[str, list[str]] = {}
    for line, ent_num, row in _rows(primary, _SDN_WIDTH):
        if ent_num in rows:
            raise ListError(
                f"ent_num {ent_num} appears twice", path=primary, line=line, field="ent_num"
            )
        if not _field(row[1]):
            raise ListError("empty name", path=primary, line=line, field="SDN_Name")
        rows[ent_num] = row

    aliases: dict[str, list[str]] = {}
    if release.aliases in companions:
        path = companions[release.aliases]
        for line, ent_num, row in _rows(path, _ALT_WIDTH):
            _check_known(ent_num, rows, path, line, release)
            aliases.setdefault(ent_num, []).append(_field(row[3]))

    addresses: dict[str, list[str]] = {}
    countries: dict[str, list[str]] = {}
    if release.addresses in companions:
        path = companions[release.addresses]
        for line, ent_num, row in _rows(path, _ADD_WIDTH):
            _check_known(ent_num, rows, path, line, release)
            street, city, country, note = (_field(v) for v in row[2:6])
            address = ", ".join(p for p in (street, city, country) if p)
            if address and note:
                address += f" ({note})"
            addresses.setdefault(ent_num, []).append(address)
            countries.setdefault(ent_num, []).append(country)

    # Remarks longer than OFAC's field limit continue, mid-word, in sdn_comments.csv.
    continued: dict[str, str] = {}
    if release.comments in companions:
        path = companions[release.comments]
        for line, ent_num, row in _rows(path, _COMMENT_WIDTH):
            _check_known(ent_num, rows, path, line, release)
            continued[ent_num] = continued.get(ent_num, "") + row[1]

    return [
        _entry(
            ent_num,
            row,
            continued.get(ent_num, ""),
            aliases.get(ent_num, []),
            addresses.get(ent_num, []),
            countries.get(ent_num, []),
        )
        for ent_num, row in rows.items()
    ]


def _entry(
    ent_num: str,
    row: list[str],
    continuation: str,
    alt_names: list[str],
    addresses: list[str],
    countries: list[str],
) -> ListEntry:
    name = " ".join(row[1].split())
    # Keep the raw text when it continues elsewhere: trimming would eat a space at the cut.
    remarks = "" if row[11].strip() == "-0-" else row[11]
    remarks = (remarks + continuation).strip()
    details = [f"{label}: {value}" for i, label in _VESSEL_FIELDS if (value := _field(row[i]))]
    if title := _field(row[4]):
        details.insert(0, f"Title: {title}")
    return ListEntry(
        entry_id=ent_num,
        name=name,
        aliases=tuple(unique_names([*alt_names, *remark_aliases(remarks)], primary=name)),
        type=_TYPES.get(_field(row[2]).lower(), EntityType.UNKNOWN),
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        programs=programs(row[3]),
        addresses=tuple(dict.fromkeys(a for a in addresses if a)),
        remarks="; ".join([*details, remarks] if remarks else details),
    )


def programs(field: str) -> tuple[str, ...]:
    """`SDGT] [IRGC` (the CSV drops the outer brackets), `[SDGT] [IRGC]` or `CUBA` → codes."""
    return tuple(dict.fromkeys(p.strip() for p in re.split(r"[\[\]]", _field(field)) if p.strip()))


def remark_aliases(remarks: str) -> list[str]:
    """The `a.k.a.`/`f.k.a.`/`n.k.a.` names quoted in remarks, a nickname's own quotes dropped."""
    if ".k.a. " not in remarks:
        return []
    names = []
    for match in _REMARK_ALIAS.finditer(remarks):
        name = match[1].strip()
        if len(name) > 2 and name[0] == name[-1] == "'":  # a.k.a. ''FOOPIE'' → FOOPIE
            name = name[1:-1].strip()
        names.append(name)
    return names
