"""Finding and loading lists in files and folders: format detection, the packaged snapshots."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists import discover, load_lists

PACKAGED = Path(__file__).resolve().parents[2] / "lists"

SAMPLES = {
    "sdn.csv": (
        b'306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a'
    ),
    "consolidated.xml": (
        b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">'
        b"<ENTITIES><ENTITY><DATAID>1</DATAID><FIRST_NAME>ACME</FIRST_NAME></ENTITY></ENTITIES>"
        b"</CONSOLIDATED_LIST>\n"
    ),
    "dpl.txt": (
        b'"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t"Effective_Date"\t'
        b'"Expiration_Date"\t"Standard_Order"\t"Last_Update"\t"Action"\t"FR_Citation"\n'
        b'"ACME"\t""\t""\t""\t"CN"\t""\t"01/02/2020"\t""\t"Y"\t"2020-01-03"\t""\t""\n'
    ),
    "own.csv": b"id,name\nX-1,Acme\n",
    "own.yaml": b"entries:\n  - {id: Y-1, name: Acme}\n",
}
FORMATS = {
    "sdn.csv": "ofac-sdn",
    "consolidated.xml": "un",
    "dpl.txt": "bis-dpl",
    "own.csv": "native-csv",
    "own.yaml": "native-yaml",
}


@pytest.mark.parametrize("name", list(SAMPLES), ids=list(FORMATS.values()))
def test_discover_detects_each_format_from_a_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(SAMPLES[name])

    ((importer, found),) = discover(path)
    assert (importer.format, found) == (FORMATS[name], path)
    assert importer.load(found).info.entries == 1


def test_load_lists_reads_a_folder_of_mixed_formats_and_skips_documentation(
    tmp_path: Path,
) -> None:
    for name, data in SAMPLES.items():
        if name != "sdn.csv":
            (tmp_path / name).write_bytes(data)
    (tmp_path / "ofac" / "2024-05-03").mkdir(parents=True)
    (tmp_path / "ofac" / "2024-05-03" / "sdn.csv").write_bytes(SAMPLES["sdn.csv"])
    (tmp_path / "README.md").write_text("# our lists\n")

    lists = load_lists([tmp_path])
    assert sorted(lst.info.format for lst in lists) == sorted(FORMATS.values())
    (sdn,) = [lst for lst in lists if lst.info.format == "ofac-sdn"]
    assert sdn.info.path == str(tmp_path / "ofac" / "2024-05-03")


def test_unrecognised_file_is_an_error_that_suggests_list_format(tmp_path: Path) -> None:
    path = tmp_path / "mystery.csv"
    path.write_text("a,b,c\n1,2,3\n")

    with pytest.raises(ListError, match="--list-format"):
        discover(path)


def test_packaged_folder_loads_three_lists() -> None:
    lists = load_lists([PACKAGED])

    assert {lst.info.name: lst.info.format for lst in lists} == {
        "bis-dpl": "bis-dpl",
        "ofac-sdn": "ofac-sdn",
        "un-consolidated": "un",
    }
    assert {lst.info.name: lst.info.entries for lst in lists} == {
        "bis-dpl": 547,
        "ofac-sdn": 14_965,
        "un-consolidated": 1_003,
    }


@pytest.mark.parametrize(
    "relative",
    ["ofac-sdn/2024-05-03/sdn.csv", "un/UN_consolidated.xml", "bis-dpl/dpl-2023-11.txt"],
    ids=["sdn", "un", "dpl"],
)
def test_packaged_snapshots_are_byte_identical_to_the_shared_data(
    shared_data: Path, relative: str
) -> None:
    packaged = hashlib.sha256((PACKAGED / relative).read_bytes()).hexdigest()
    shared = hashlib.sha256((shared_data / "lists" / relative).read_bytes()).hexdigest()

    assert packaged == shared
    assert packaged in (PACKAGED / "PROVENANCE.md").read_text(encoding="utf-8")


def test_two_snapshots_of_one_list_are_kept_apart_by_version(shared_data: Path) -> None:
    lists = load_lists(
        [shared_data / "lists/ofac-sdn/2021-07-07", shared_data / "lists/ofac-sdn/2024-05-03"]
    )

    assert [(lst.info.name, lst.info.entries) for lst in lists] == [
        ("ofac-sdn", 8_976),
        ("ofac-sdn@2024-05-03", 14_965),
    ]


def test_partial_sdn_folder_stops_the_load(shared_data: Path) -> None:
    folder = shared_data / "lists/ofac-sdn/2025-12-24-partial"

    ((importer, found),) = discover(folder)
    assert (importer.format, found) == ("ofac-sdn", folder)
    with pytest.raises(ListError, match=r"no sdn\.csv"):
        load_lists([shared_data / "lists/ofac-sdn"])


def test_the_same_list_given_twice_is_an_error(tmp_path: Path) -> None:
    first = tmp_path / "a" / "watch.csv"
    second = tmp_path / "b" / "watch.csv"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text("id,name\n1,Acme Trading\n", encoding="utf-8")
    with pytest.raises(ListError, match="given twice"):
        load_lists([first, second])


def test_opensanctions_folder_loads_its_exports_and_skips_the_dataset_index(
    shared_data: Path,
) -> None:
    loaded = load_lists([shared_data / "lists" / "opensanctions"])
    assert sorted(lst.info.name for lst in loaded) == ["opensanctions", "opensanctions-simple"]
