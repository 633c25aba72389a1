"""Which importer claims which file: each format is detected from its own files, and no importer
earlier in the detection order claims another format's file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dualscreen.lists import IMPORTERS, discover, load_lists

FIXTURES = Path(__file__).parent / "fixtures"

SAMPLES = {
    "ofac-sdn-xml/sdn.xml": "ofac-sdn-xml",
    "eu/eu-fsf.xml": "eu-fsf-xml",
    "eu/eu-fsf.csv": "eu-fsf-csv",
    "csl/consolidated.json": "csl",
    "uk/ConList.csv": "uk-ofsi",
    "generic/denied-customers.list.yaml": "generic-csv",
    "ofac-cons/cons_prim.csv": "ofac-sdn",
}
REAL = {
    "lists/ofac-sdn/2024-05-03/sdn.csv": "ofac-sdn",
    "lists/un/UN_consolidated.xml": "un",
    "lists/bis-dpl/dpl-2023-11.txt": "bis-dpl",
    "lists/csl/consolidated-2023-11-truncated.clean.csv": "csl",
    "lists/csl/consolidated-2025-06-fixture.csv": "csl",
    "lists/csl/csl-2019-12-fixture.csv": "csl",
    "lists/opensanctions/wd_persons-20240310-entities.ftm.json": "opensanctions-ftm",
    "lists/opensanctions/wd_persons-20240310-targets.simple.csv": "opensanctions-simple",
}


def claims(path: Path) -> list[str]:
    return [name for name, importer in IMPORTERS.items() if importer.detect(path)]


@pytest.mark.parametrize("relative", list(SAMPLES), ids=list(SAMPLES.values()))
def test_each_fixture_is_claimed_first_by_its_own_importer(relative: str) -> None:
    path = FIXTURES / relative

    assert claims(path)[0] == SAMPLES[relative]
    ((importer, _),) = discover(path)
    assert importer.format == SAMPLES[relative]


@pytest.mark.parametrize("relative", list(REAL), ids=list(REAL.values()))
def test_each_real_file_is_claimed_first_by_its_own_importer(
    shared_data: Path, relative: str
) -> None:
    assert claims(shared_data / relative)[0] == REAL[relative]


def test_opensanctions_simple_csv_comes_before_native_csv_which_also_claims_it(
    shared_data: Path,
) -> None:
    path = shared_data / "lists/opensanctions/wd_persons-20240310-targets.simple.csv"

    assert claims(path) == ["opensanctions-simple", "native-csv"]


def test_a_folder_of_every_new_format_loads_each_list(tmp_path: Path) -> None:
    for relative in ("ofac-sdn-xml/sdn.xml", "eu/eu-fsf.xml", "csl/consolidated.json"):
        shutil.copy(FIXTURES / relative, tmp_path / Path(relative).name)
    shutil.copy(FIXTURES / "uk/ConList.csv", tmp_path / "ConList.csv")
    (tmp_path / "eu-csv").mkdir()
    shutil.copy(FIXTURES / "eu/eu-fsf.csv", tmp_path / "eu-csv" / "eu-fsf.csv")
    shutil.copytree(FIXTURES / "ofac-cons", tmp_path / "ofac-cons")

    lists = load_lists([tmp_path])
    assert sorted((lst.info.name, lst.info.format) for lst in lists) == [
        ("eu-fsf", "eu-fsf-csv"),
        ("eu-fsf@2022-10-28", "eu-fsf-xml"),  # the same list twice, kept apart by version
        ("ofac-cons", "ofac-sdn"),
        ("ofac-sdn", "ofac-sdn-xml"),
        ("uk-ofsi", "uk-ofsi"),
        ("us-csl", "csl"),
    ]
