"""OFAC's non-SDN consolidated lists in the legacy CSV layout (`cons_prim.csv` and companions),
read by the same importer as `sdn.csv`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists import discover, load_lists
from dualscreen.lists.ofac_sdn import IMPORTER
from dualscreen.lists.ofac_sdn_xml import IMPORTER as XML_IMPORTER
from dualscreen.models import EntityType, ListCategory

FIXTURE = Path(__file__).parent / "fixtures" / "ofac-cons"


def copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(FIXTURE / name, tmp_path / name)
    return tmp_path


def test_folder_with_cons_prim_loads_as_the_non_sdn_list() -> None:
    lst = IMPORTER.load(FIXTURE)
    entries = {e.entry_id: e for e in lst.entries}

    assert (lst.info.name, lst.info.category) == ("ofac-cons", ListCategory.SANCTIONS)
    assert "cons_prim.csv" in lst.info.source
    assert lst.info.entries == 3
    assert entries["17014"].aliases == ("ROSSELKHOZBANK", "RUSSIAN AGRICULTURAL BANK")
    assert entries["17014"].addresses == ("3, Gagarinsky Pereulok, Moscow 119034, Russia",)
    assert entries["9659"].type is EntityType.PERSON
    assert entries["9659"].programs == ("NS-PLC", "SDGT")


def test_discover_hands_the_whole_folder_to_the_ofac_importer() -> None:
    ((importer, found),) = discover(FIXTURE)

    assert (importer.format, found) == ("ofac-sdn", FIXTURE)
    (lst,) = load_lists([FIXTURE])
    assert lst.info.name == "ofac-cons"


def test_a_cons_prim_file_alone_loads_as_the_non_sdn_list(tmp_path: Path) -> None:
    path = copy(tmp_path, "cons_prim.csv") / "cons_prim.csv"

    lst = IMPORTER.load(path)
    assert (lst.info.name, lst.info.entries) == ("ofac-cons", 3)
    assert lst.entries[0].aliases == ()


def test_hash_covers_the_companion_files(tmp_path: Path) -> None:
    alone = IMPORTER.load(copy(tmp_path, "cons_prim.csv"))

    assert alone.info.sha256 != IMPORTER.load(FIXTURE).info.sha256


def test_companions_without_cons_prim_are_refused_by_name(tmp_path: Path) -> None:
    folder = copy(tmp_path, "cons_alt.csv", "cons_add.csv")

    assert IMPORTER.detect(folder)
    with pytest.raises(ListError, match=r"cons_add\.csv, cons_alt\.csv but no cons_prim\.csv"):
        IMPORTER.load(folder)


def test_a_cons_companion_given_alone_is_refused(tmp_path: Path) -> None:
    path = copy(tmp_path, "cons_alt.csv") / "cons_alt.csv"

    with pytest.raises(
        ListError, match=r"companion file; give the folder holding it and its cons_"
    ):
        IMPORTER.load(path)


def test_a_folder_mixing_sdn_and_non_sdn_files_is_refused(tmp_path: Path) -> None:
    folder = copy(tmp_path, "cons_prim.csv")
    shutil.copy(FIXTURE / "cons_prim.csv", folder / "sdn.csv")

    with pytest.raises(ListError, match=r"mixes SDN .* and non-SDN consolidated"):
        IMPORTER.load(folder)


def test_cons_alias_of_an_unknown_ent_num_names_cons_prim(tmp_path: Path) -> None:
    folder = copy(tmp_path, "cons_prim.csv")
    (folder / "cons_alt.csv").write_bytes(b'99999,1,"aka","NOBODY",-0- \r\n\x1a')

    with pytest.raises(ListError, match=r"ent_num 99999 is not in cons_prim\.csv") as caught:
        IMPORTER.load(folder)
    assert (caught.value.path, caught.value.line) == (str(folder / "cons_alt.csv"), 1)


def test_sdn_and_non_sdn_lists_load_side_by_side(tmp_path: Path, shared_data: Path) -> None:
    lists = load_lists([shared_data / "lists/ofac-sdn/2021-07-07", FIXTURE])

    assert [(lst.info.name, lst.info.entries) for lst in lists] == [
        ("ofac-sdn", 8_976),
        ("ofac-cons", 3),
    ]


def test_the_xml_form_of_the_non_sdn_list_has_the_same_name(tmp_path: Path) -> None:
    xml = Path(__file__).parent / "fixtures" / "ofac-sdn-xml" / "sdn.xml"
    shutil.copy(xml, tmp_path / "consolidated.xml")

    assert XML_IMPORTER.load(tmp_path / "consolidated.xml").info.name == "ofac-cons"
