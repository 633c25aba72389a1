"""dualscreen's native CSV and YAML lists: the happy path and every mistake a user makes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists.native import CSV, YAML
from dualscreen.models import EntityType, ListCategory, ListEntry

GOOD_CSV = """\
id,name,aliases,type,countries,programs,remarks
C-1,Acme Trading LLC,ACME TRADING; Acme Trdg,organization,ae;ir,internal-watch,"Seen in 2023, twice"
C-2,Ivan Petrov,,Person,RU,,
"""

GOOD_YAML = """\
name: customs-watch
version: 2025-01-15
source: Customs desk memo 12
category: denied
entries:
  - id: W-1
    name: Acme Trading LLC
    aliases: [ACME TRADING, Acme Trdg]
    type: organization
    countries: [AE, IR]
    programs: internal-watch
  - id: 2
    name: Ivan Petrov
    aliases: "Ivan P.; I. Petrov"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- CSV ------------------------------------------------------------------------------------


def test_csv_happy_path(tmp_path: Path) -> None:
    lst = CSV.load(write(tmp_path, "watch-2025-02-01.csv", GOOD_CSV))

    assert lst.entries == (
        ListEntry(
            entry_id="C-1",
            name="Acme Trading LLC",
            aliases=("ACME TRADING", "Acme Trdg"),
            type=EntityType.ORGANIZATION,
            countries=("AE", "IR"),
            programs=("internal-watch",),
            remarks="Seen in 2023, twice",
        ),
        ListEntry(entry_id="C-2", name="Ivan Petrov", type=EntityType.PERSON, countries=("RU",)),
    )
    info = lst.info
    assert (info.name, info.format, info.category) == (
        "watch-2025-02-01",
        "native-csv",
        ListCategory.INTERNAL,
    )
    assert info.source == f"native list {tmp_path / 'watch-2025-02-01.csv'}"
    assert (info.version, info.version_from) == ("2025-02-01", "folder name")


def test_csv_needs_only_id_and_name_in_any_case(tmp_path: Path) -> None:
    (entry,) = CSV.load(write(tmp_path, "l.csv", "Name,ID\nAcme,1\n")).entries

    assert (entry.entry_id, entry.name, entry.type) == ("1", "Acme", EntityType.UNKNOWN)


def test_csv_with_bom_and_latin1_bytes_loads(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes("id,name\r\n1,José Muñoz\r\n".encode("latin-1"))

    (entry,) = CSV.load(path).entries
    assert entry.name == "José Muñoz"


@pytest.mark.parametrize(
    ("text", "message", "line", "field"),
    [
        ("", "empty file", None, None),
        ("id,aliases\n1,x\n", "missing required column 'name'", 1, "name"),
        ("id,name,nmae\n1,a,b\n", "unknown column 'nmae' (did you mean 'name'?)", 1, "nmae"),
        ("id,name,name\n1,a,b\n", "column 'name' appears twice", 1, "name"),
        ("id,name\n1,a\n2,b\n1,c\n", "duplicate id '1' (first on line 2)", 4, "id"),
        ("id,name\n1,\n", "must not be empty", 2, "name"),
        ("id,name\n ,a\n", "must not be empty", 2, "id"),
        ("id,name,type\n1,a,company\n", "Input should be 'person'", 2, "type"),
        ("id,name,countries\n1,a,Iran\n", "'IRAN' is not an ISO 3166 alpha-2", 2, "countries"),
        ("id,name\n1,a,extra\n", "expected 2 fields as in the header, found 3", 2, None),
    ],
    ids=[
        "empty-file",
        "missing-name-column",
        "unknown-column",
        "repeated-column",
        "duplicate-id",
        "empty-name",
        "empty-id",
        "bad-type",
        "bad-country",
        "ragged-row",
    ],
)
def test_csv_errors_name_file_line_and_field(
    tmp_path: Path, text: str, message: str, line: int | None, field: str | None
) -> None:
    path = write(tmp_path, "l.csv", text)

    with pytest.raises(ListError) as caught:
        CSV.load(path)
    assert caught.value.message.startswith(message), caught.value.message
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_csv_line_numbers_count_quoted_newlines(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", 'id,name,remarks\n1,a,"two\nlines"\n2,,x\n')

    with pytest.raises(ListError) as caught:
        CSV.load(path)
    assert caught.value.line == 4


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("l.csv", "id,name\n1,a\n", True),
        ("l.txt", " ID , Name ,remarks\n", True),
        ("l.csv", "name,street\n", False),
        ("l.yaml", "id,name\n", False),
    ],
    ids=["csv", "spaced-upper-case", "no-id", "yaml-suffix"],
)
def test_csv_detect_wants_id_and_name_in_the_header(
    tmp_path: Path, name: str, text: str, expected: bool
) -> None:
    assert CSV.detect(write(tmp_path, name, text)) is expected


# --- YAML -----------------------------------------------------------------------------------


def test_yaml_happy_path(tmp_path: Path) -> None:
    lst = YAML.load(write(tmp_path, "watch.yaml", GOOD_YAML))

    first, second = lst.entries
    assert first.aliases == ("ACME TRADING", "Acme Trdg")
    assert first.programs == ("internal-watch",)
    assert (second.entry_id, second.aliases) == ("2", ("Ivan P.", "I. Petrov"))
    info = lst.info
    assert (info.name, info.format, info.source, info.category) == (
        "customs-watch",
        "native-yaml",
        "Customs desk memo 12",
        ListCategory.DENIED,
    )
    assert (info.version, info.version_from) == ("2025-01-15", "file")


def test_yaml_defaults_name_source_category_and_version(tmp_path: Path) -> None:
    path = write(tmp_path, "own.yml", "entries:\n  - {id: a, name: Acme}\n")

    info = YAML.load(path).info
    assert (info.name, info.source, info.category) == (
        "own",
        f"native list {path}",
        ListCategory.INTERNAL,
    )
    assert info.version_from == "modified time"


@pytest.mark.parametrize(
    ("text", "message", "line", "field"),
    [
        (
            """\
            entries:
              - id: a
                name: Acme
              - id: b
                nmae: Beta
            """,
            "unknown key 'nmae' (did you mean 'name'?)",
            5,
            "nmae",
        ),
        (
            "entris:\n  - {id: a, name: A}\n",
            "unknown key 'entris' (did you mean 'entries'?)",
            1,
            "entris",
        ),
        ("name: x\n", "missing required key 'entries'", 1, "entries"),
        ("entries:\n  - id: a\n  - id: b\n    name: B\n", "missing required key 'name'", 2, "name"),
        (
            "entries:\n  - {id: a, name: A}\n  - {id: a, name: B}\n",
            "duplicate id 'a' (first on line 2)",
            3,
            "id",
        ),
        (
            "entries:\n  - id: a\n    name: A\n    type: firm\n",
            "Input should be 'person'",
            4,
            "type",
        ),
        (
            "entries:\n  - {id: a, name: A}\ncategory: secret\n",
            "Input should be 'sanctions'",
            3,
            "category",
        ),
        ("entries:\n  - {id: a, name: '  '}\n", "must not be empty", 2, "name"),
        ("entries:\n  - id: a\n    id: b\n    name: A\n", "key 'id' appears twice", 3, "id"),
        ("entries: [\n", "invalid YAML", 2, None),
        ("", "empty file", None, None),
        ("- id: a\n", "expected a mapping", 1, None),
    ],
    ids=[
        "misspelled-entry-key",
        "misspelled-top-key",
        "no-entries",
        "missing-name",
        "duplicate-id",
        "bad-type",
        "bad-category",
        "blank-name",
        "repeated-key",
        "syntax-error",
        "empty-file",
        "not-a-mapping",
    ],
)
def test_yaml_errors_name_file_line_and_key(
    tmp_path: Path, text: str, message: str, line: int | None, field: str | None
) -> None:
    path = write(tmp_path, "l.yaml", text)

    with pytest.raises(ListError) as caught:
        YAML.load(path)
    assert caught.value.message.startswith(message), caught.value.message
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    path = write(tmp_path, "l.yaml", "entries:\n  - !!python/object:os.system {id: a}\n")

    with pytest.raises(ListError, match="invalid YAML"):
        YAML.load(path)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("l.yaml", "name: x\nentries:\n  - {id: a, name: A}\n", True),
        ("l.yml", "entries: []\n", True),
        ("l.yaml", "rules:\n  - id: r1\n", False),
        ("l.txt", "entries: []\n", False),
    ],
    ids=["yaml", "yml", "rules-file", "wrong-suffix"],
)
def test_yaml_detect_wants_the_suffix_and_an_entries_key(
    tmp_path: Path, name: str, text: str, expected: bool
) -> None:
    assert YAML.detect(write(tmp_path, name, text)) is expected
