"""BIS Denied Persons List: the real 2023-11 file, its 3033 typo, and broken files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists.bis_dpl import COLUMNS, IMPORTER, entry_id
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

HEADER = "\t".join(f'"{c}"' for c in COLUMNS)


def dpl_row(
    name: str,
    street: str = "1 MAIN ST",
    country: str = "US",
    effective: str = "03/16/2020",
    expiration: str = "12/13/2028",
    updated: str = "2020-03-20",
) -> str:
    fields = [name, street, "TOWN", "TX", country, "75001", effective, expiration, "Y", updated]
    fields += ["FR NOTICE ADDED", "85 F.R. 16054 3/20/2020"]
    return "\t".join('"' + f.replace('"', '""') + '"' for f in fields)


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "dpl.txt"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def named(entries: tuple[ListEntry, ...], name: str) -> ListEntry:
    (entry,) = [e for e in entries if e.name == name]
    return entry


# --- the real list --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dpl(shared_data: Path) -> RestrictedList:
    return IMPORTER.load(shared_data / "lists/bis-dpl/dpl-2023-11.txt")


def test_real_list_has_one_entry_per_denial_order(shared_data: Path, dpl: RestrictedList) -> None:
    with (shared_data / "lists/bis-dpl/dpl-2023-11.txt").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    orders = {(" ".join(r["Name"].split()).upper(), r["Effective_Date"]) for r in rows}

    assert len(rows) == 665  # PROVENANCE's "665 denied persons" counts address rows
    assert dpl.info.entries == len(orders) == 547
    assert (dpl.info.name, dpl.info.category) == ("bis-dpl", ListCategory.DENIED)
    assert all(e.programs == ("DPL",) and e.type is EntityType.UNKNOWN for e in dpl.entries)


def test_real_person_with_several_addresses_is_one_entry(dpl: RestrictedList) -> None:
    entry = named(dpl.entries, "ISSAM ANWAR")

    assert len(entry.addresses) == 4
    assert entry.countries == ("GB", "LB", "TR", "SY")
    assert entry.end_date == date(2024, 10, 30)
    assert "effective 2023-10-31" in entry.remarks and "88 F.R. 30078" in entry.remarks


def test_real_typo_year_3033_loads_and_does_not_date_the_list(dpl: RestrictedList) -> None:
    garcia = named(dpl.entries, "JOSE ERNESTO GARCIA")  # Last_Update "3033-09-30"

    assert garcia.end_date == date(2030, 2, 3)
    assert (dpl.info.version, dpl.info.version_from) == ("2023-11-28", "file")


def test_real_order_without_expiry_never_lapses(dpl: RestrictedList) -> None:
    assert named(dpl.entries, "ALI M HIJAZI").end_date is None


def test_real_list_ids_and_hash_are_stable(shared_data: Path, dpl: RestrictedList) -> None:
    again = IMPORTER.load(shared_data / "lists/bis-dpl/dpl-2023-11.txt")

    assert [e.entry_id for e in again.entries] == [e.entry_id for e in dpl.entries]
    assert again.info.sha256 == dpl.info.sha256


# --- small files ----------------------------------------------------------------------------


def test_rows_of_one_order_merge_and_others_stay_apart(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        dpl_row("ZIMO SHENG", street="JINXIUYUAN 17-403", country="CN"),
        dpl_row("ZIMO  SHENG ", street="PO BOX 1", country="CN", expiration="12/13/2029"),
        dpl_row("ZIMO SHENG", effective="01/01/2010"),  # an earlier, separate order
    )

    first, second = IMPORTER.load(path).entries
    assert first.addresses == (
        "JINXIUYUAN 17-403, TOWN, TX, 75001, CN",
        "PO BOX 1, TOWN, TX, 75001, CN",
    )
    assert first.end_date == date(2029, 12, 13)  # the latest expiry of the order's rows
    assert first.entry_id == entry_id("ZIMO SHENG", "2020-03-16")
    assert second.entry_id == entry_id("zimo sheng", "2010-01-01")
    assert first.entry_id != second.entry_id


def test_entry_id_is_derived_from_name_and_effective_date() -> None:
    assert entry_id("ZIMO SHENG", "2020-03-16") == entry_id(" zimo  sheng", "2020-03-16")
    assert entry_id("ZIMO SHENG", "2020-03-16").startswith("DPL-")
    assert len(entry_id("ZIMO SHENG", "2020-03-16")) == 14


def test_a_quoted_nickname_gives_an_alias_without_it(tmp_path: Path) -> None:
    (entry,) = IMPORTER.load(write(tmp_path, dpl_row('SHAOHUA "ERIC" WANG'))).entries

    assert entry.name == 'SHAOHUA "ERIC" WANG'
    assert entry.aliases == ("SHAOHUA WANG",)


def test_wrong_field_count_fails_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, dpl_row("A"), dpl_row("B").rsplit("\t", 1)[0])

    with pytest.raises(ListError, match="expected 12 fields as in the header, found 11") as caught:
        IMPORTER.load(path)
    assert (caught.value.path, caught.value.line) == (str(path), 3)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (dpl_row("A", effective="2020-03-16"), "Effective_Date"),
        (dpl_row("A", expiration="13/13/2028"), "Expiration_Date"),
        (dpl_row(" "), "Name"),
    ],
    ids=["iso-effective-date", "impossible-expiry", "empty-name"],
)
def test_unreadable_date_or_empty_name_fails_naming_the_field(
    tmp_path: Path, row: str, field: str
) -> None:
    with pytest.raises(ListError) as caught:
        IMPORTER.load(write(tmp_path, dpl_row("OK"), row))
    assert (caught.value.line, caught.value.field) == (3, field)


def test_missing_column_fails_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_text(HEADER.replace('"FR_Citation"', '"Citation"') + "\n", encoding="utf-8")

    with pytest.raises(ListError, match="missing column 'FR_Citation'") as caught:
        IMPORTER.load(path)
    assert (caught.value.line, caught.value.field) == (1, "FR_Citation")


def test_future_last_update_falls_back_to_the_file_date(tmp_path: Path) -> None:
    path = write(tmp_path, dpl_row("A", updated="3033-09-30"))

    assert IMPORTER.load(path).info.version_from == "modified time"


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        (HEADER, True),
        (HEADER.replace("\t", ","), False),
        ("id,name", False),
    ],
    ids=["dpl", "comma-separated", "native-csv"],
)
def test_detect_wants_the_tab_separated_header(
    tmp_path: Path, first_line: str, expected: bool
) -> None:
    path = tmp_path / "list.txt"
    path.write_text(first_line + "\n", encoding="utf-8")

    assert IMPORTER.detect(path) is expected
