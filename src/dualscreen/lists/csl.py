"""The US Consolidated Screening List (trade.gov): `consolidated.csv` (or `.tsv`) and its JSON form.

The CSL merges eleven-odd lists of Commerce, State and the Treasury. Each record keeps its
`source` as the entry's sub-list, since what a hit means (block, licence, review) depends on it.
One party can appear on several sub-lists under one OFAC number (SDN and PLC, SSI and NS-MBS);
those stay separate entries.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from dualscreen.countries import clean_country
from dualscreen.errors import ListError
from dualscreen.lists.delimited import strict_rows
from dualscreen.lists.interface import (
    decode_text,
    first_seen,
    make_list,
    read_bytes,
    read_head,
    unique_names,
    version_of,
)
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

NAME = "us-csl"
SOURCE = (
    "US Consolidated Screening List (trade.gov) — "
    "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
)

COLUMNS = (
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
"""The columns of every CSL header seen (2019, 2023, 2025); newer files add `_id` in front."""

_DETECT = frozenset({"source", "name", "alt_names", "source_list_url"})
_REQUIRED = ("source", "name")
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_VESSEL_FIELDS = (
    ("call_sign", "Call sign"),
    ("vessel_type", "Vessel type"),
    ("gross_tonnage", "Tonnage"),
    ("gross_registered_tonnage", "GRT"),
    ("vessel_flag", "Flag"),
    ("vessel_owner", "Owner"),
)
# State's nonproliferation listings name "X; and any successor, sub-unit, or subsidiary thereof".
_SUCCESSORS = re.compile(r";?\s*and any successors?,.*$", re.I)
# BIS's feed turns curly quotes into "?": "Xi?an", "People?s", "?Yaltinskaya Kinodstudiya?".
_MANGLED_APOSTROPHE = re.compile(r"(?<=\w)\?(?=\w)")
_JSON_HEAD = 16384


class CslImporter:
    """`consolidated.csv`, `.tsv` or `.json` from trade.gov, detected by its columns or keys."""

    format = "csl"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        head = decode_text(read_head(path, _JSON_HEAD)).lstrip()
        if head.startswith("{"):
            return '"results"' in head and ('"alt_names"' in head or '"source_list_url"' in head)
        first = next(iter(head.splitlines()), "")
        try:
            cells = next(csv.reader([first], delimiter="\t" if "\t" in first else ","), [])
        except csv.Error:
            return False
        return {c.strip() for c in cells} >= _DETECT

    def load(self, path: Path) -> RestrictedList:
        text = decode_text(read_bytes(path))
        if text.lstrip().startswith("{"):
            records: Iterable[tuple[int | None, Mapping[str, Any]]] = _json_records(path, text)
            id_first_ids = True
        else:
            header, rows = _csv_rows(path, text)
            records = ((line, dict(zip(header, row, strict=True))) for line, row in rows)
            # The 2023 and later files write an id as "type, number, country"; older ones as
            # "number, type". Only the newer order is rewritten as "type: number".
            id_first_ids = "_id" in header
        entries = _entries(records, path, id_first_ids)
        return make_list(
            name=NAME,
            format=self.format,
            category=ListCategory.CONSOLIDATED,
            source=SOURCE,
            path=path,
            files=[path],
            version=version_of(path),
            entries=entries,
        )


IMPORTER = CslImporter()


# --- reading the file ---------------------------------------------------------------------------


def _csv_rows(path: Path, text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    first = text.split("\n", 1)[0]
    header, _, rows = strict_rows(path, text, delimiter="\t" if "\t" in first else ",")
    if missing := [c for c in _REQUIRED if c not in header]:
        raise ListError(
            f"not a Consolidated Screening List: missing column {missing[0]!r}",
            path=path,
            line=1,
            field=missing[0],
        )
    return header, rows


def _json_records(path: Path, text: str) -> Iterator[tuple[int | None, Mapping[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListError(
            f"invalid or truncated JSON: {exc.msg}", path=path, line=exc.lineno
        ) from exc
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise ListError('expected an object with a "results" list', path=path, line=1)
    lines = _result_lines(text, len(results))
    for i, result in enumerate(results):
        if not isinstance(result, dict):
            raise ListError(f"results[{i}] is not an object", path=path, line=lines[i])
        yield lines[i], result


def _result_lines(text: str, count: int) -> list[int | None]:
    """The line each element of the results list starts on, for errors: json.loads keeps no
    positions, so the list is walked once more with the decoder's raw_decode."""
    lines: list[int | None] = [None] * count
    found = re.search(r'"results"\s*:\s*\[', text)
    if not found:
        return lines
    decoder = json.JSONDecoder()
    pos = found.end()
    for i in range(count):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        try:
            _, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        lines[i] = text.count("\n", 0, pos) + 1
        pos = end
    return lines


# --- records to entries -------------------------------------------------------------------------


def _entries(
    records: Iterable[tuple[int | None, Mapping[str, Any]]], path: Path, id_first_ids: bool
) -> list[ListEntry]:
    entries: list[ListEntry] = []
    seen: dict[tuple[str, str], int | None] = {}
    for line, record in records:
        entry = _entry(record, path, line, id_first_ids)
        first_seen(
            seen,
            (entry.sub_list, entry.entry_id),
            line,
            what=f"id {entry.entry_id}",
            where=f" on {entry.sub_list}",
            path=path,
            field="entity_number",
        )
        entries.append(entry)
    return entries


def _entry(
    record: Mapping[str, Any], path: Path, line: int | None, id_first_ids: bool
) -> ListEntry:
    def one(key: str) -> str:
        return _one(record.get(key))

    source, name = one("source"), one("name")
    for key, value in (("source", source), ("name", name)):
        if not value:
            raise ListError(f"empty {key}", path=path, line=line, field=key)
    listed_id = one("entity_number") or one("_id") or one("id")
    addresses = [_address(a) for a in _many(record.get("addresses"), "; ")]
    addresses = [a for a in addresses if a]
    countries = _many(record.get("nationalities")) + _many(record.get("citizenships"))
    countries += [c for a in addresses if (c := clean_country(a.rsplit(",", 1)[-1]))]
    start = _date(one("start_date"), path, line, "start_date")
    return ListEntry(
        entry_id=listed_id or derived_id(source, name, addresses, start),
        name=name,
        aliases=tuple(unique_names(_aliases(name, _many(record.get("alt_names"))), primary=name)),
        type=_TYPES.get(one("type").lower(), EntityType.UNKNOWN),
        countries=tuple(dict.fromkeys(c.upper() for c in countries if c)),
        programs=tuple(dict.fromkeys(_many(record.get("programs")))),
        addresses=tuple(dict.fromkeys(addresses)),
        remarks=_remarks(record),
        sub_list=source,
        identifiers=tuple(
            dict.fromkeys(i for v in _many(record.get("ids"), "; ") if (i := _id(v, id_first_ids)))
        ),
        birth_dates=tuple(dict.fromkeys(_many(record.get("dates_of_birth")))),
        citation="; ".join(
            p
            for p in (
                one("federal_register_notice"),
                one("source_information_url") or one("source_list_url"),
            )
            if p
        ),
        license_requirement=one("license_requirement"),
        start_date=start,
        end_date=_date(one("end_date"), path, line, "end_date"),
    )


def derived_id(source: str, name: str, addresses: list[str], start: date | None) -> str:
    """Old CSL files give non-OFAC records no id at all. One derived from what identifies the
    listing stays the same across releases of the file, and tells apart one party's records
    at different addresses (the Entity List has one per address)."""
    key = "|".join(
        [source, " ".join(name.split()).upper(), *addresses, start.isoformat() if start else ""]
    )
    return "CSL-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def _aliases(name: str, alt_names: list[str]) -> list[str]:
    names = [_SUCCESSORS.sub("", name).strip(), *(_strip_and(a) for a in alt_names)]
    names += [_MANGLED_APOSTROPHE.sub("'", n).replace("?", " ") for n in (name, *names) if "?" in n]
    return [n for n in names if n]


def _strip_and(value: str) -> str:
    """The Entity List writes its last alias or address as "...; and X"."""
    value = value.strip()
    return value[4:].strip() if value.lower().startswith("and ") else value


def _address(value: Any) -> str:
    if isinstance(value, dict):  # the JSON form: {address, city, state, postal_code, country}
        parts = (_one(value.get(k)) for k in ("address", "city", "state", "postal_code", "country"))
        return ", ".join(p for p in parts if p)
    return _strip_and(_one(value))


def _id(value: Any, id_first: bool) -> str:
    """`type: number (country)` from the JSON object, or from the newer CSV's "type, number,
    country"; anything else as published."""
    if isinstance(value, dict):
        kind, number, country = (_one(value.get(k)) for k in ("type", "number", "country"))
    else:
        text = _one(value)
        parts = [p.strip() for p in text.split(", ")]
        if not id_first or len(parts) < 2:
            return text
        kind, rest = parts[0].rstrip(" -:"), parts[1:]
        country = rest.pop() if len(rest) > 1 and clean_country(rest[-1]) else ""
        number = ", ".join(rest)
    number = f"{number} ({country})" if number and country else number
    return f"{kind}: {number}" if kind and number else kind or number


def _remarks(record: Mapping[str, Any]) -> str:
    def one(key: str) -> str:
        return _one(record.get(key))

    parts = [f"Title: {t}" for t in (one("title"),) if t]
    parts += [f"POB {p}" for p in _many(record.get("places_of_birth"))]
    if one("standard_order").upper() == "Y":
        parts.append("standard order")
    if policy := one("license_policy"):
        parts.append(f"Licence policy: {policy}")
    parts += [f"{label}: {v}" for key, label in _VESSEL_FIELDS if (v := one(key))]
    if remarks := one("remarks"):
        parts.append(remarks)
    return "; ".join(parts)


def _date(value: str, path: Path, line: int | None, field: str) -> date | None:
    """ISO dates; one we cannot read fails the list, since end_date decides whether a listing
    still holds."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ListError(
            f"{value!r} is not a YYYY-MM-DD date", path=path, line=line, field=field
        ) from None


def _one(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(s for v in value if (s := _one(v)))
    return " ".join(str(value).split())


def _many(value: Any, separator: str = ";") -> list[Any]:
    """A CSV cell's `;`-separated values, or a JSON list's items (objects kept as they are)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v if isinstance(v, dict) else _one(v) for v in value if _one(v) or v]
    return [p for p in (" ".join(v.split()) for v in str(value).split(separator)) if p]
