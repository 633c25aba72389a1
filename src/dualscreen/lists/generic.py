"""Any CSV as a list, through a `*.list.yaml` descriptor that maps its columns to entry fields.

For internal lists kept in someone else's layout (a CRM export, a spreadsheet): the file stays
as it is, and the descriptor beside it says which column is the id, the name, the aliases, ...

    file: denied-customers.csv        # relative to the descriptor
    name: internal-denied
    category: internal
    delimiter: ";"                    # optional, default ","
    columns:
      id: Ref
      name: Company Name
      aliases: Other Names
      aliases_separator: "|"          # optional, default ";"

The descriptor is validated strictly, so a misspelled key is an error on its line, and the list's
hash covers both files: editing the CSV changes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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
from dualscreen.lists.native import _check_duplicate_keys, _did_you_mean, _line, _message
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

SUFFIXES = (".list.yaml", ".list.yml")
_FILE_KEY = re.compile(rb"^file[ \t]*:", re.M)

TYPE_WORDS: dict[str, EntityType] = {
    "": EntityType.UNKNOWN,
    "unknown": EntityType.UNKNOWN,
    "person": EntityType.PERSON,
    "individual": EntityType.PERSON,
    "organization": EntityType.ORGANIZATION,
    "organisation": EntityType.ORGANIZATION,
    "entity": EntityType.ORGANIZATION,
    "company": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "ship": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
"""Values of the type column understood without a `types:` mapping (case-insensitive)."""


class ColumnMap(BaseModel):
    """Which CSV column holds which entry field. `id` and `name` are required."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    id: str
    name: str
    aliases: str | None = None
    aliases_separator: str = Field(default=";", min_length=1)
    type: str | None = None
    countries: str | None = None
    programs: str | None = None
    addresses: str | None = None
    identifiers: str | None = None
    birth_dates: str | None = None
    remarks: str | None = None
    citation: str | None = None
    separator: str = Field(default=";", min_length=1)
    """Between the values of countries, programs, addresses, identifiers and birth dates."""

    def mapped(self) -> dict[str, str]:
        """Entry field → CSV column, for the fields this descriptor maps."""
        skip = {"aliases_separator", "separator"}
        return {k: v for k, v in self.model_dump().items() if k not in skip and v is not None}


class Descriptor(BaseModel):
    """A `*.list.yaml` file."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    file: str
    name: str = Field(min_length=1)
    category: ListCategory
    version: str | None = None
    source: str | None = None
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    columns: ColumnMap
    types: dict[str, EntityType] = Field(default_factory=dict)
    """Extra values of the type column, e.g. `{Firma: organization}`."""

    @field_validator("version", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        # YAML reads an unquoted 2024-05-01 as a date.
        return value.isoformat() if hasattr(value, "isoformat") else value


class GenericCsvImporter:
    """Reads the descriptor, then the CSV it names."""

    format = "generic-csv"

    def detect(self, path: Path) -> bool:
        return (
            path.is_file()
            and path.name.lower().endswith(SUFFIXES)
            and bool(_FILE_KEY.search(read_head(path)))
        )

    def source_files(self, path: Path) -> list[Path]:
        """The descriptor and the CSV it maps: the list cache must see a change to either."""
        try:
            doc, _ = _descriptor(path)
        except ListError:
            return [path]  # `load` reports the problem
        data = path.parent / doc.file
        return [path, data] if data.is_file() else [path]

    def load(self, path: Path) -> RestrictedList:
        doc, node = _descriptor(path)
        data = path.parent / doc.file
        if not data.is_file():
            raise ListError(
                f"no such file: {data}", path=path, line=_line(node, ("file",)), field="file"
            )
        entries = list(_entries(doc, node, path, data))
        return make_list(
            name=doc.name,
            format=self.format,
            category=doc.category,
            source=doc.source or f"{doc.file} mapped by {path.name}",
            path=path,
            files=[path, data],
            version=(doc.version, "file") if doc.version else version_of(data),
            entries=entries,
        )


IMPORTER = GenericCsvImporter()


class _Loader(yaml.SafeLoader):
    """Safe YAML in which `No`, `Yes`, `On` and `Off` stay text: they are column names here, and
    YAML 1.1 would read them as booleans. Nothing in a descriptor is a boolean."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _descriptor(path: Path) -> tuple[Descriptor, yaml.Node]:
    text = decode_text(read_bytes(path))
    try:
        loader = _Loader(text)  # refuses NUL and other unprintable bytes at once
    except yaml.YAMLError as exc:
        raise ListError(f"invalid YAML: {exc}", path=path) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise ListError("empty file: a list descriptor needs file, name, columns", path=path)
        _check_duplicate_keys(node, path)
        data: Any = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ListError(f"invalid YAML: {exc.problem or exc}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise ListError(f"invalid YAML: {exc}", path=path) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ListError("expected a mapping with file, name and columns", path=path, line=1)
    try:
        return Descriptor.model_validate(data), node
    except ValidationError as exc:
        errors = exc.errors()
        error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(error["loc"])
        key = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
        message = _message(error)
        if error["type"] == "extra_forbidden":
            allowed = ColumnMap.model_fields if loc[0] == "columns" else Descriptor.model_fields
            message = f"unknown key {key!r}{_did_you_mean(key or '', allowed)}"
        elif error["type"] == "missing":
            message = f"missing required key {key!r}"
        raise ListError(message, path=path, line=_line(node, loc), field=key) from None


def _entries(doc: Descriptor, node: yaml.Node, path: Path, data: Path) -> Iterator[ListEntry]:
    header, _, rows = strict_rows(data, decode_text(read_bytes(data)), delimiter=doc.delimiter)
    columns = doc.columns.mapped()
    for key, column in columns.items():
        if column not in header:
            raise ListError(
                f"column {column!r} is not in the header of {data.name}"
                f"{_did_you_mean(column, header)}",
                path=path,
                line=_line(node, ("columns", key)),
                field=f"columns.{key}",
            )
    index = {key: header.index(column) for key, column in columns.items()}
    types = {**TYPE_WORDS, **{k.strip().lower(): v for k, v in doc.types.items()}}
    first_seen: dict[str, int] = {}
    for line, row in rows:

        def cell(key: str, row: list[str] = row) -> str:
            return " ".join(row[index[key]].split()) if key in index else ""

        def cells(
            key: str, separator: str = doc.columns.separator, row: list[str] = row
        ) -> list[str]:
            raw = row[index[key]] if key in index else ""
            return [v for v in (" ".join(p.split()) for p in raw.split(separator)) if v]

        entry_id, name = cell("id"), cell("name")
        for key, value in (("id", entry_id), ("name", name)):
            if not value:
                raise ListError("must not be empty", path=data, line=line, field=columns[key])
        if entry_id in first_seen:
            raise ListError(
                f"duplicate id {entry_id!r} (first on line {first_seen[entry_id]})",
                path=data,
                line=line,
                field=columns["id"],
            )
        first_seen[entry_id] = line
        kind = cell("type")
        if kind.lower() not in types:
            raise ListError(
                f"type {kind!r} is not one of {', '.join(sorted(k for k in types if k))}; "
                "map it under types: in the descriptor",
                path=data,
                line=line,
                field=columns["type"],
            )
        yield ListEntry(
            entry_id=entry_id,
            name=name,
            aliases=tuple(
                unique_names(cells("aliases", doc.columns.aliases_separator), primary=name)
            ),
            type=types[kind.lower()],
            countries=tuple(dict.fromkeys(cells("countries"))),
            programs=tuple(dict.fromkeys(cells("programs"))),
            addresses=tuple(dict.fromkeys(cells("addresses"))),
            identifiers=tuple(dict.fromkeys(cells("identifiers"))),
            birth_dates=tuple(dict.fromkeys(cells("birth_dates"))),
            remarks=cell("remarks"),
            citation=cell("citation"),
        )
