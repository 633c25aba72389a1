"""dualscreen's own simple list formats, CSV and YAML, for internal and hand-kept lists."""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import ErrorDetails

from dualscreen.errors import ListError
from dualscreen.lists.interface import (
    decode_text,
    make_list,
    read_bytes,
    read_head,
    table_rows,
    unique_names,
    version_of,
)
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

COLUMNS = ("id", "name", "aliases", "type", "countries", "programs", "remarks")
"""The columns of a native CSV list and the keys of a YAML entry; `id` and `name` are required."""

_COUNTRY = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")  # ISO 3166-1 alpha-2, or a 3166-2 region
_ENTRIES_KEY = re.compile(rb"^entries[ \t]*:", re.M)


class NativeEntry(BaseModel):
    """One entry as a user writes it. Lists may be YAML lists or `;`-separated strings."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    type: EntityType = EntityType.UNKNOWN
    countries: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    remarks: str = ""

    @field_validator("id", "name", "remarks", mode="after")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("id", "name", mode="after")
    @classmethod
    def _required(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("aliases", "countries", "programs", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(";")
        if isinstance(value, list | tuple):
            return tuple(
                " ".join(str(v).split()) for v in value if v is not None and str(v).strip()
            )
        return value

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() or EntityType.UNKNOWN.value
        return value

    @field_validator("countries", mode="after")
    @classmethod
    def _iso(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = tuple(c.upper() for c in value)
        if bad := [c for c in codes if not _COUNTRY.fullmatch(c)]:
            raise ValueError(f"{bad[0]!r} is not an ISO 3166 alpha-2 country code")
        return codes

    def to_entry(self) -> ListEntry:
        return ListEntry(
            entry_id=self.id,
            name=self.name,
            aliases=tuple(unique_names(self.aliases, primary=self.name)),
            type=self.type,
            countries=tuple(dict.fromkeys(self.countries)),
            programs=tuple(dict.fromkeys(self.programs)),
            remarks=self.remarks,
        )


class NativeDocument(BaseModel):
    """A native YAML list: optional identity, then its entries."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    name: str | None = None
    version: str | None = None
    source: str | None = None
    category: ListCategory = ListCategory.INTERNAL
    entries: list[NativeEntry]

    @field_validator("version", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        # YAML reads an unquoted 2024-05-01 as a date.
        return value.isoformat() if hasattr(value, "isoformat") else value


class NativeCsvImporter:
    """A CSV with a header row naming `id`, `name` and any of the optional columns."""

    format = "native-csv"

    def detect(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() in (".yaml", ".yml"):
            return False
        first = decode_text(read_head(path)).split("\n", 1)[0]
        try:
            header = {c.strip().lower() for c in next(csv.reader([first.rstrip("\r")]), [])}
        except csv.Error:  # a lone CR or a NUL: not a native CSV header
            return False
        return {"id", "name"} <= header

    def load(self, path: Path) -> RestrictedList:
        entries = [e.to_entry() for e in _unique_ids(_csv_entries(path), path)]
        return _assemble(self.format, path, entries)


class NativeYamlImporter:
    """A YAML mapping with an `entries:` list, validated strictly so a typo is an error."""

    format = "native-yaml"

    def detect(self, path: Path) -> bool:
        return (
            path.is_file()
            and path.suffix.lower() in (".yaml", ".yml")
            and bool(_ENTRIES_KEY.search(read_head(path)))
        )

    def load(self, path: Path) -> RestrictedList:
        doc, node = _yaml_document(path)
        lines = [_line(node, ("entries", i)) for i in range(len(doc.entries))]
        entries = [e.to_entry() for e in _unique_ids(zip(lines, doc.entries, strict=True), path)]
        return _assemble(
            self.format,
            path,
            entries,
            name=doc.name,
            source=doc.source,
            category=doc.category,
            version=(doc.version, "file") if doc.version else None,
        )


CSV = NativeCsvImporter()
YAML = NativeYamlImporter()


def _assemble(
    format: str,
    path: Path,
    entries: list[ListEntry],
    *,
    name: str | None = None,
    source: str | None = None,
    category: ListCategory = ListCategory.INTERNAL,
    version: tuple[str, str] | None = None,
) -> RestrictedList:
    return make_list(
        name=name or path.stem,
        format=format,
        category=category,
        source=source or f"native list {path}",
        path=path,
        files=[path],
        version=version or version_of(path),
        entries=entries,
    )


def _unique_ids(entries: Iterable[tuple[int, NativeEntry]], path: Path) -> Iterator[NativeEntry]:
    """Ids are what a hit reports and an allow-list refers to, so one id must mean one party."""
    first_seen: dict[str, int] = {}
    for line, entry in entries:
        if entry.id in first_seen:
            raise ListError(
                f"duplicate id {entry.id!r} (first on line {first_seen[entry.id]})",
                path=path,
                line=line,
                field="id",
            )
        first_seen[entry.id] = line
        yield entry


def _csv_entries(path: Path) -> Iterator[tuple[int, NativeEntry]]:
    header, rows = table_rows(path)
    if not any(header):
        raise ListError(
            "empty file: a native CSV list needs a header row with id and name", path=path
        )
    columns = [c.lower() for c in header]
    _check_columns(columns, path)
    for line, row in rows:
        values = {
            c: v for c, v in zip(columns, row, strict=True) if v.strip() or c in ("id", "name")
        }
        try:
            yield line, NativeEntry.model_validate(values)
        except ValidationError as exc:
            error = exc.errors()[0]
            column = str(error["loc"][0]) if error["loc"] else None
            raise ListError(_message(error), path=path, line=line, field=column) from None


def _check_columns(columns: list[str], path: Path) -> None:
    for column in columns:
        if column not in COLUMNS:
            raise ListError(
                f"unknown column {column!r}{_did_you_mean(column, COLUMNS)}; "
                f"expected some of {', '.join(COLUMNS)}",
                path=path,
                line=1,
                field=column,
            )
        if columns.count(column) > 1:
            raise ListError(f"column {column!r} appears twice", path=path, line=1, field=column)
    for required in ("id", "name"):
        if required not in columns:
            raise ListError(
                f"missing required column {required!r}", path=path, line=1, field=required
            )


def _yaml_document(path: Path) -> tuple[NativeDocument, yaml.Node]:
    text = decode_text(read_bytes(path))
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # rejects unprintable characters (NUL) right away
        node = loader.get_single_node()
        if node is None:
            raise ListError("empty file: a native YAML list needs an entries: list", path=path)
        _check_duplicate_keys(node, path)
        data: Any = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ListError(f"invalid YAML: {exc.problem or exc}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise ListError(f"invalid YAML: {exc}", path=path) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise ListError("expected a mapping with an entries: list at the top", path=path, line=1)
    try:
        return NativeDocument.model_validate(data), node
    except ValidationError as exc:
        # A misspelled key is also reported as the key it should have been, missing: the
        # misspelling is the cause, so report that one.
        errors = exc.errors()
        error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(error["loc"])
        key = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
        message = _message(error)
        if error["type"] == "extra_forbidden":
            allowed = COLUMNS if loc[0] == "entries" else tuple(NativeDocument.model_fields)
            message = f"unknown key {key!r}{_did_you_mean(key or '', allowed)}"
        elif error["type"] == "missing":
            message = f"missing required key {key!r}"
        raise ListError(message, path=path, line=_line(node, loc), field=key) from None


def _line(node: yaml.Node, loc: tuple[int | str, ...]) -> int:
    """The line of the YAML key or item a validation error points at, as far as the path leads."""
    for depth, part in enumerate(loc, 1):
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == part), None)
            if match is None:
                break
            key, value = match
            node = key if depth == len(loc) else value
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            break
    return int(node.start_mark.line) + 1


def _check_duplicate_keys(node: yaml.Node, path: Path) -> None:
    """PyYAML keeps the last of two equal keys silently; a repeated key is almost always a slip."""
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key, value in node.value:
            if key.value in seen:
                raise ListError(
                    f"key {key.value!r} appears twice",
                    path=path,
                    line=key.start_mark.line + 1,
                    field=str(key.value),
                )
            seen.add(key.value)
            _check_duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, path)


def _message(error: ErrorDetails) -> str:
    return error["msg"].removeprefix("Value error, ")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
