"""OpenSanctions exports: FollowTheMoney entities (`entities.ftm.json`, one JSON object a line)
and the flat `targets.simple.csv`.

Only entities that can be a party to a shipment are screened (persons, organisations, companies,
legal entities, vessels, aircraft); positions, occupancies, family ties and sanction records
describe them and are left out. The category is OTHER: one export may hold PEPs, sanctions or
crime data, so a user who loads a sanctions collection names its category in the rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

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

NAME = "opensanctions"
SIMPLE_NAME = "opensanctions-simple"
SOURCE = "OpenSanctions FollowTheMoney entities — https://www.opensanctions.org/datasets/"
SIMPLE_SOURCE = "OpenSanctions targets.simple.csv — https://www.opensanctions.org/datasets/"

SCHEMAS: dict[str, EntityType] = {
    "Person": EntityType.PERSON,
    "Organization": EntityType.ORGANIZATION,
    "Company": EntityType.ORGANIZATION,
    "PublicBody": EntityType.ORGANIZATION,
    "LegalEntity": EntityType.UNKNOWN,  # may be a person or a firm
    "Vessel": EntityType.VESSEL,
    "Airplane": EntityType.AIRCRAFT,
}
"""The FollowTheMoney schemata screened, and what each is as a party."""

SIMPLE_COLUMNS = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "dataset",
    "first_seen",
    "last_seen",
    "last_change",
)
_SIMPLE_REQUIRED = ("id", "schema", "name")
_SIMPLE_DETECT = frozenset({"id", "schema", "name", "aliases", "dataset", "last_change"})

_NAMES = ("name", "alias", "previousName")
_COUNTRIES = ("nationality", "citizenship", "country", "jurisdiction", "flag")
_IDENTIFIERS = (
    ("idNumber", "ID"),
    ("registrationNumber", "Registration"),
    ("taxNumber", "Tax"),
    ("passportNumber", "Passport"),
    ("imoNumber", "IMO"),
    ("mmsi", "MMSI"),
    ("leiCode", "LEI"),
    ("swiftBic", "SWIFT/BIC"),
    ("innCode", "INN"),
    ("ogrnCode", "OGRN"),
    ("wikidataId", "Wikidata"),
)


class FtmImporter:
    """FollowTheMoney entity lines, as OpenSanctions and its crawlers write them."""

    format = "opensanctions-ftm"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        head = decode_text(read_head(path)).lstrip()
        return head.startswith("{") and '"schema"' in head and '"properties"' in head

    def load(self, path: Path) -> RestrictedList:
        entries: list[ListEntry] = []
        seen: dict[str, int | None] = {}
        newest = ""
        for line, entity in _json_lines(path):
            newest = max(newest, _stamp(entity))
            if entity.get("schema") not in SCHEMAS:
                continue
            entry = _ftm_entry(entity, path, line)
            first_seen(
                seen, entry.entry_id, line, what=f"entity {entry.entry_id}", path=path, field="id"
            )
            entries.append(entry)
        return make_list(
            name=NAME,
            format=self.format,
            category=ListCategory.OTHER,
            source=SOURCE,
            path=path,
            files=[path],
            version=_version(newest) or version_of(path),
            entries=entries,
        )


class SimpleCsvImporter:
    """`targets.simple.csv`: one row per target, multiple values `;`-separated."""

    format = "opensanctions-simple"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        first = decode_text(read_head(path)).split("\n", 1)[0]
        header = {c.strip().strip('"') for c in first.rstrip("\r").split(",")}
        return header >= _SIMPLE_DETECT

    def load(self, path: Path) -> RestrictedList:
        header, _, rows = strict_rows(path, decode_text(read_bytes(path)))
        if missing := [c for c in _SIMPLE_REQUIRED if c not in header]:
            raise ListError(
                f"not an OpenSanctions targets.simple.csv: missing column {missing[0]!r}",
                path=path,
                line=1,
                field=missing[0],
            )
        entries: list[ListEntry] = []
        seen: dict[str, int | None] = {}
        newest = ""
        for line, row in rows:
            values = {c: v.strip() for c, v in zip(header, row, strict=True)}
            newest = max(newest, values.get("last_change") or values.get("last_seen") or "")
            if values["schema"] not in SCHEMAS:
                continue
            entry = _simple_entry(values, path, line)
            first_seen(
                seen, entry.entry_id, line, what=f"id {entry.entry_id}", path=path, field="id"
            )
            entries.append(entry)
        return make_list(
            name=SIMPLE_NAME,
            format=self.format,
            category=ListCategory.OTHER,
            source=SIMPLE_SOURCE,
            path=path,
            files=[path],
            version=_version(newest) or version_of(path),
            entries=entries,
        )


FTM = FtmImporter()
SIMPLE = SimpleCsvImporter()


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    text = decode_text(read_bytes(path))
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            entity = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ListError(
                f"invalid or truncated JSON line: {exc.msg}", path=path, line=line
            ) from exc
        if not isinstance(entity, dict) or not isinstance(entity.get("properties", {}), dict):
            raise ListError("expected an entity object with properties", path=path, line=line)
        yield line, entity


def _ftm_entry(entity: dict[str, Any], path: Path, line: int) -> ListEntry:
    entity_id = _strings(entity.get("id"))
    if not entity_id:
        raise ListError("entity without an id", path=path, line=line, field="id")
    props: dict[str, Any] = entity.get("properties") or {}

    def values(*keys: str) -> list[str]:
        return [v for k in keys for v in _strings(props.get(k))]

    # Every listed name is a name to screen; the caption stands in when a crawler left none.
    names = values(*_NAMES) or _strings(entity.get("caption"))
    if not names:
        raise ListError(f"entity {entity_id[0]} has no name", path=path, line=line, field="name")
    remarks = [f"Position: {p}" for p in values("position")]
    remarks += [f"POB {p}" for p in values("birthPlace")]
    remarks += [f"Weak alias: {a}" for a in values("weakAlias")]
    remarks += values("notes")
    if entity.get("target") is False:
        remarks.insert(0, "related to a listed target, not listed itself")
    return ListEntry(
        entry_id=entity_id[0],
        name=names[0],
        aliases=tuple(unique_names(names[1:], primary=names[0])),
        type=SCHEMAS[entity["schema"]],
        countries=tuple(dict.fromkeys(c.upper() for c in values(*_COUNTRIES))),
        programs=tuple(dict.fromkeys(values("topics"))),
        addresses=tuple(dict.fromkeys(values("address"))),
        remarks="; ".join(dict.fromkeys(remarks)),
        sub_list="; ".join(_strings(entity.get("datasets"))),
        identifiers=tuple(
            dict.fromkeys(f"{label}: {v}" for key, label in _IDENTIFIERS for v in values(key))
        ),
        birth_dates=tuple(dict.fromkeys(d for d in values("birthDate") if _dated(d))),
        citation="; ".join(dict.fromkeys(values("sourceUrl"))),
    )


def _simple_entry(row: dict[str, str], path: Path, line: int) -> ListEntry:
    for column in _SIMPLE_REQUIRED:
        if not row[column]:
            raise ListError(f"empty {column}", path=path, line=line, field=column)

    def split(column: str) -> list[str]:
        return [" ".join(v.split()) for v in row.get(column, "").split(";") if v.strip()]

    name = " ".join(row["name"].split())
    return ListEntry(
        entry_id=row["id"],
        name=name,
        aliases=tuple(unique_names(split("aliases"), primary=name)),
        type=SCHEMAS[row["schema"]],
        countries=tuple(dict.fromkeys(c.upper() for c in split("countries"))),
        addresses=tuple(dict.fromkeys(split("addresses"))),
        remarks="; ".join(f"Sanction: {s}" for s in split("sanctions")),
        sub_list="; ".join(split("dataset")),
        identifiers=tuple(dict.fromkeys(split("identifiers"))),
        birth_dates=tuple(d for d in split("birth_date") if _dated(d)),
    )


def _strings(value: Any) -> list[str]:
    """A property's values. FtM writes lists of strings; hand-made crawlers sometimes write a
    bare string, and nested exports put entity objects where strings would be."""
    items = value if isinstance(value, list) else [value]
    return [s for v in items if isinstance(v, str | int) and (s := " ".join(str(v).split()))]


def _dated(value: str) -> bool:
    """A birth date worth showing: crawlers also write "unknown"."""
    return any(ch.isdigit() for ch in value)


def _stamp(entity: dict[str, Any]) -> str:
    stamps = [entity.get(k) for k in ("last_change", "last_seen")]
    return max((s for s in stamps if isinstance(s, str)), default="")


def _version(stamp: str) -> tuple[str, str] | None:
    """The newest change in the export dates it; a stamp in the future is a typo, not a date."""
    try:
        day = date.fromisoformat(stamp[:10])
    except ValueError:
        return None
    if day > datetime.now(tz=UTC).date():
        return None
    return day.isoformat(), "file"
