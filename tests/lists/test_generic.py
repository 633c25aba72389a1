"""A CSV in someone else's layout as a list, through a `*.list.yaml` descriptor: the happy path
and every mistake a user makes in the descriptor or the CSV."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists import discover, load_lists
from dualscreen.lists.generic import IMPORTER
from dualscreen.lists.interface import sha256_files
from dualscreen.models import EntityType, ListCategory, ListEntry

FIXTURES = Path(__file__).parent / "fixtures" / "generic"
DESCRIPTOR = FIXTURES / "denied-customers.list.yaml"

DATA = "Ref,Company Name,Other Names\nR-1,Acme Trading LLC,Acme; ACME TRDG\nR-2,Beta Metals,\n"
MINIMAL = """\
file: data.csv
name: watch
category: internal
columns:
  id: Ref
  name: Company Name
  aliases: Other Names
"""


def write(tmp_path: Path, descriptor: str = MINIMAL, data: str = DATA) -> Path:
    (tmp_path / "data.csv").write_text(data, encoding="utf-8")
    path = tmp_path / "watch.list.yaml"
    path.write_text(textwrap.dedent(descriptor), encoding="utf-8")
    return path


def test_fixture_maps_every_column() -> None:
    lst = IMPORTER.load(DESCRIPTOR)

    assert lst.entries[0] == ListEntry(
        entry_id="C-104",
        name="Oriental Precision Machinery Trading Co., Ltd.",
        aliases=("OPMT", "Oriental Precision"),
        type=EntityType.ORGANIZATION,  # "Firma", mapped under types:
        countries=("CN",),
        programs=("export-compliance-hold",),
        remarks="Refused end-use statement, 2024-11",
    )
    assert lst.entries[1].countries == ("RU", "BY")
    assert lst.entries[2].remarks == "Two returned payments; see ticket 8812"
    info = lst.info
    assert (info.name, info.format, info.category) == (
        "customer-holds",
        "generic-csv",
        ListCategory.INTERNAL,
    )
    assert (info.version, info.version_from) == ("2025-01-15", "file")
    assert info.source == 'CRM export "Customer holds", export-compliance desk'


def test_the_list_hash_covers_the_descriptor_and_the_csv(tmp_path: Path) -> None:
    path = write(tmp_path)
    before = IMPORTER.load(path).info.sha256

    assert before == sha256_files([path, tmp_path / "data.csv"])
    (tmp_path / "data.csv").write_text(DATA.replace("Beta", "Gamma"), encoding="utf-8")
    assert IMPORTER.load(path).info.sha256 != before


def test_the_list_cache_sees_a_change_to_the_csv(tmp_path: Path) -> None:
    path = write(tmp_path)
    assert [lst.entries[1].name for lst in load_lists([path])] == ["Beta Metals"]

    (tmp_path / "data.csv").write_text(DATA.replace("Beta", "Gamma"), encoding="utf-8")
    assert [lst.entries[1].name for lst in load_lists([path])] == ["Gamma Metals"]


def test_minimal_descriptor_defaults(tmp_path: Path) -> None:
    lst = IMPORTER.load(write(tmp_path))

    assert [(e.entry_id, e.aliases, e.type) for e in lst.entries] == [
        ("R-1", ("Acme", "ACME TRDG"), EntityType.UNKNOWN),
        ("R-2", (), EntityType.UNKNOWN),
    ]
    assert lst.info.source == "data.csv mapped by watch.list.yaml"
    assert lst.info.version_from == "modified time"


def test_data_file_elsewhere_tab_delimited_with_a_column_named_no(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "holds.tsv").write_text("No\tFirm\n7\tAcme\n", encoding="utf-8")
    path = tmp_path / "holds.list.yaml"
    path.write_text(
        'file: exports/holds.tsv\nname: holds\ncategory: denied\ndelimiter: "\\t"\n'
        "columns: {id: No, name: Firm}\n",
        encoding="utf-8",
    )

    lst = IMPORTER.load(path)
    assert ([e.name for e in lst.entries], lst.info.category) == (["Acme"], ListCategory.DENIED)


@pytest.mark.parametrize(
    ("descriptor", "message", "line", "field"),
    [
        (
            MINIMAL.replace("name: watch", "nmae: watch"),
            "unknown key 'nmae' (did you mean 'name'?)",
            2,
            "nmae",
        ),
        (
            MINIMAL.replace("  aliases:", "  alias:"),
            "unknown key 'alias' (did you mean 'aliases'?)",
            7,
            "alias",
        ),
        (
            MINIMAL.replace("category: internal\n", ""),
            "missing required key 'category'",
            1,
            "category",
        ),
        (MINIMAL.replace("  id: Ref\n", ""), "missing required key 'id'", 5, "id"),
        (MINIMAL.replace("internal", "secret"), "Input should be", 3, "category"),
        (MINIMAL + "delimiter: ';;'\n", "String should have at most 1 character", 8, "delimiter"),
        (MINIMAL + "name: again\n", "key 'name' appears twice", 8, "name"),
        (MINIMAL.replace("columns:", "columns: [x"), "invalid YAML", 5, None),
        ("- just\n- a list\n", "expected a mapping", 1, None),
        ("", "empty file", None, None),
        (MINIMAL.replace("file: data.csv", "file: nowhere.csv"), "no such file", 1, "file"),
        (
            MINIMAL.replace("Other Names", "Other Name"),
            "column 'Other Name' is not in the header",
            7,
            "columns.aliases",
        ),
        (MINIMAL + "types: {Firma: firm}\n", "Input should be", 8, "Firma"),
    ],
    ids=[
        "typo-top-level",
        "typo-in-columns",
        "missing-category",
        "missing-id-column",
        "bad-category",
        "long-delimiter",
        "repeated-key",
        "broken-yaml",
        "not-a-mapping",
        "empty",
        "missing-data-file",
        "unmapped-column",
        "bad-type-mapping",
    ],
)
def test_descriptor_errors_name_file_line_and_key(
    tmp_path: Path, descriptor: str, message: str, line: int | None, field: str | None
) -> None:
    path = write(tmp_path, descriptor)

    with pytest.raises(ListError) as caught:
        IMPORTER.load(path)
    assert caught.value.message.startswith(message), caught.value.message
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_unmapped_column_suggests_the_close_one(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("Other Names", "Other Name"))

    with pytest.raises(ListError, match=r"\(did you mean 'Other Names'\?\)"):
        IMPORTER.load(path)


@pytest.mark.parametrize(
    ("data", "message", "line", "field"),
    [
        (DATA + ",Nameless Id,\n", "must not be empty", 4, "Ref"),
        (DATA + "R-3,,\n", "must not be empty", 4, "Company Name"),
        (DATA + "R-1,Again,\n", "duplicate id 'R-1' (first on line 2)", 4, "Ref"),
        (DATA + "R-3,Short\n", "record has 2 fields, the header 3", 4, None),
        (DATA + 'R-3,"Cut off\n', "the file ends inside a quoted field", 4, None),
    ],
    ids=["empty-id", "empty-name", "duplicate-id", "ragged", "truncated"],
)
def test_csv_errors_name_the_csv_its_line_and_column(
    tmp_path: Path, data: str, message: str, line: int, field: str | None
) -> None:
    write(tmp_path, data=data)

    with pytest.raises(ListError) as caught:
        IMPORTER.load(tmp_path / "watch.list.yaml")
    assert caught.value.message.startswith(message), caught.value.message
    assert (caught.value.path, caught.value.line, caught.value.field) == (
        str(tmp_path / "data.csv"),
        line,
        field,
    )


def test_unknown_type_value_fails_and_says_how_to_map_it(tmp_path: Path) -> None:
    descriptor = MINIMAL + "  type: Kind\n"
    write(tmp_path, descriptor, data="Ref,Company Name,Other Names,Kind\nR-1,Acme,,Firma\n")

    with pytest.raises(ListError, match=r"type 'Firma' is not one of .*map it under types:") as c:
        IMPORTER.load(tmp_path / "watch.list.yaml")
    assert (c.value.line, c.value.field) == (2, "Kind")


def test_header_only_csv_is_refused_as_empty(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="no entries"):
        IMPORTER.load(write(tmp_path, data="Ref,Company Name,Other Names\n"))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("x.list.yaml", MINIMAL, True),
        ("x.LIST.YML", MINIMAL, True),
        ("x.yaml", MINIMAL, False),
        ("x.list.yaml", "entries: []\n", False),
    ],
    ids=["descriptor", "upper-case-yml", "plain-yaml", "no-file-key"],
)
def test_detect_wants_the_suffix_and_a_file_key(
    tmp_path: Path, name: str, text: str, expected: bool
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    assert IMPORTER.detect(path) is expected


def test_discover_detects_the_descriptor() -> None:
    ((importer, found),) = discover(DESCRIPTOR)

    assert (importer.format, found) == ("generic-csv", DESCRIPTOR)


def test_a_folder_with_a_descriptor_and_its_csv_loads_one_list(tmp_path: Path) -> None:
    for path in FIXTURES.iterdir():
        shutil.copy(path, tmp_path / path.name)

    assert [lst.info.name for lst in load_lists([tmp_path])] == ["customer-holds"]
