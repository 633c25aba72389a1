"""OFAC SDN legacy CSV: the real 2021 and 2024 snapshots, and the file quirks OFAC ships."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists.interface import sha256_files
from dualscreen.lists.ofac_sdn import IMPORTER, programs, remark_aliases
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

BNC = (
    '306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'BNC\'."'
)
PERSON = '7157,"AL-ZAWAHIRI, Ayman",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '
VESSEL = (
    '9999,"SEA STAR",vessel,"IRAN] [IFSR",-0- ,"9HXX9","Crude Oil Tanker","100000",'
    '"60000","Malta","NITC",-0- '
)


def write_ofac(path: Path, *lines: str, encoding: str = "cp1252") -> Path:
    """Lines as OFAC writes them: CRLF endings and a Ctrl-Z byte after the last one."""
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding) + b"\x1a")
    return path


def by_id(entries: tuple[ListEntry, ...]) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in entries}


def rows_of(path: Path) -> list[list[str]]:
    """An independent read of an OFAC file, to check the importer against."""
    text = path.read_bytes().decode("cp1252").rstrip("\x1a\r\n")
    return list(csv.reader(io.StringIO(text, newline="")))


# --- the real snapshots ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdn_2024(shared_data: Path) -> RestrictedList:
    return IMPORTER.load(shared_data / "lists/ofac-sdn/2024-05-03")


@pytest.fixture(scope="module")
def sdn_2021(shared_data: Path) -> RestrictedList:
    return IMPORTER.load(shared_data / "lists/ofac-sdn/2021-07-07")


def test_sdn_2024_loads_every_entry_with_its_type(sdn_2024: RestrictedList) -> None:
    lst = sdn_2024

    assert lst.info.entries == len(lst.entries) == 14_965
    assert Counter(e.type for e in lst.entries) == {
        EntityType.PERSON: 6_854,
        EntityType.ORGANIZATION: 6_884,
        EntityType.VESSEL: 851,
        EntityType.AIRCRAFT: 376,
    }
    assert lst.info.name == "ofac-sdn"
    assert lst.info.category is ListCategory.SANCTIONS


def test_sdn_2024_banco_nacional_de_cuba_has_its_remark_alias_and_program(
    sdn_2024: RestrictedList,
) -> None:
    entry = by_id(sdn_2024.entries)["306"]

    assert entry.name == "BANCO NACIONAL DE CUBA"
    assert entry.aliases == ("BNC",)
    assert entry.programs == ("CUBA",)
    assert entry.type is EntityType.ORGANIZATION


def test_sdn_2024_aliases_with_apostrophes_and_nickname_quotes_survive(
    sdn_2024: RestrictedList,
) -> None:
    entries = by_id(sdn_2024.entries)

    assert "AL-QA'QA" in entries["9598"].aliases
    assert "FOOPIE" in entries["6925"].aliases  # written a.k.a. ''FOOPIE''
    assert "'ABD AL-MUHSI" in entries["7150"].aliases  # a leading ayn, not a quote
    assert "SUE RC 'KMP'" in entries["21040"].aliases


def test_sdn_2024_has_one_alias_per_quoted_remark_name(
    shared_data: Path, sdn_2024: RestrictedList
) -> None:
    folder = shared_data / "lists/ofac-sdn/2024-05-03"
    lst = sdn_2024
    # Independent count: every a.k.a./f.k.a./n.k.a. in the remarks, less the three whose
    # remarks OFAC cut off mid-name (their ends are in sdn_comments.csv, not shipped here).
    marks = sum(r[11].count(f"{k}.k.a. '") for r in rows_of(folder / "sdn.csv") for k in "afn")

    assert sum(len(e.aliases) for e in lst.entries) == marks - 3 == 3_663


def test_sdn_2021_folder_attaches_every_alt_csv_alias(
    shared_data: Path, sdn_2021: RestrictedList
) -> None:
    folder = shared_data / "lists/ofac-sdn/2021-07-07"
    entries = by_id(sdn_2021.entries)
    alt = rows_of(folder / "alt.csv")

    def names(e: ListEntry) -> set[str]:
        return {" ".join(n.split()) for n in (e.name, *e.aliases)}

    attached = [r for r in alt if " ".join(r[3].split()) in names(entries[r[0]])]
    assert len(entries) == 8_976
    assert len(attached) == len(alt) == 11_910
    assert entries["306"].aliases[0] == "NATIONAL BANK OF CUBA"  # alt.csv first, then remarks
    assert "BNC" in entries["306"].aliases


def test_sdn_2021_folder_attaches_addresses_and_countries(
    shared_data: Path, sdn_2021: RestrictedList
) -> None:
    folder = shared_data / "lists/ofac-sdn/2021-07-07"
    entries = by_id(sdn_2021.entries)
    with_address = [r for r in rows_of(folder / "add.csv") if any(f != "-0- " for f in r[2:5])]

    assert sum(len(e.addresses) for e in entries.values()) == len(with_address) == 11_440
    assert "Zweierstrasse 35, Zurich CH-8022, Switzerland" in entries["306"].addresses
    assert entries["306"].countries == ("Switzerland", "Spain", "Japan", "Panama")


def test_sdn_2021_comments_continue_remarks_cut_off_mid_name(sdn_2021: RestrictedList) -> None:
    entry = by_id(sdn_2021.entries)["28263"]

    assert "snowsjohn" in entry.aliases  # "a.k.a. 'snowsjo" + "hn'; Linked To: ..."
    assert entry.remarks.endswith("Linked To: LAZARUS GROUP.")


def test_partial_folder_without_sdn_csv_is_detected_then_refused(shared_data: Path) -> None:
    folder = shared_data / "lists/ofac-sdn/2025-12-24-partial"

    assert IMPORTER.detect(folder)
    with pytest.raises(ListError, match=r"no sdn\.csv") as caught:
        IMPORTER.load(folder)
    assert caught.value.path == str(folder)


def test_version_comes_from_the_dated_folder(
    sdn_2024: RestrictedList, sdn_2021: RestrictedList
) -> None:
    assert (sdn_2024.info.version, sdn_2024.info.version_from) == ("2024-05-03", "folder name")
    assert (sdn_2021.info.version, sdn_2021.info.version_from) == ("2021-07-07", "folder name")


def test_hash_is_stable_and_covers_the_companion_files(
    shared_data: Path, sdn_2021: RestrictedList
) -> None:
    folder = shared_data / "lists/ofac-sdn/2021-07-07"
    first, second = sdn_2021.info, IMPORTER.load(folder).info

    assert first.sha256 == second.sha256
    assert first.sha256 == sha256_files(sorted(folder.glob("*.csv")))
    assert first.sha256 != sha256_files([folder / "sdn.csv"])


def test_a_single_sdn_file_loads_and_takes_its_folder_date(shared_data: Path) -> None:
    lst = IMPORTER.load(shared_data / "lists/ofac-sdn/2024-05-03/sdn.csv")

    assert lst.info.entries == 14_965
    assert lst.info.version == "2024-05-03"


# --- the format's quirks, on small files ----------------------------------------------------


def test_ctrl_z_and_cp1252_bytes_are_read(tmp_path: Path) -> None:
    write_ofac(
        tmp_path / "sdn.csv",
        '1,"JOSÉ MUÑOZ, Señor",individual,"SDNT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        encoding="cp1252",
    )

    (entry,) = IMPORTER.load(tmp_path).entries
    assert entry.name == "JOSÉ MUÑOZ, Señor"
    assert "\x1a" not in entry.remarks


def test_null_fields_become_empty_and_a_null_type_is_an_organization(tmp_path: Path) -> None:
    write_ofac(tmp_path / "sdn.csv", '1,"ACME",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ')

    (entry,) = IMPORTER.load(tmp_path).entries
    assert entry.type is EntityType.ORGANIZATION
    assert (entry.aliases, entry.programs, entry.remarks) == ((), (), "")


def test_vessel_details_go_into_remarks(tmp_path: Path) -> None:
    write_ofac(tmp_path / "sdn.csv", VESSEL)

    (entry,) = IMPORTER.load(tmp_path).entries
    assert entry.type is EntityType.VESSEL
    assert entry.programs == ("IRAN", "IFSR")
    assert entry.remarks == (
        "Call sign: 9HXX9; Vessel type: Crude Oil Tanker; Tonnage: 100000; GRT: 60000; "
        "Flag: Malta; Owner: NITC"
    )


def test_ragged_row_fails_naming_file_and_line(tmp_path: Path) -> None:
    path = write_ofac(tmp_path / "sdn.csv", BNC, '2,"SHORT",-0- ,"CUBA"', PERSON)

    with pytest.raises(ListError, match="expected 12 comma-separated fields, found 4") as caught:
        IMPORTER.load(tmp_path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (PERSON.replace("7157", "71x7"), "ent_num"),
        (PERSON.replace('"AL-ZAWAHIRI, Ayman"', "-0- "), "SDN_Name"),
    ],
    ids=["non-integer-ent-num", "null-name"],
)
def test_bad_row_fails_naming_line_and_field(tmp_path: Path, row: str, field: str) -> None:
    write_ofac(tmp_path / "sdn.csv", BNC, row)

    with pytest.raises(ListError) as caught:
        IMPORTER.load(tmp_path)
    assert (caught.value.line, caught.value.field) == (2, field)


def test_duplicate_ent_num_fails(tmp_path: Path) -> None:
    write_ofac(tmp_path / "sdn.csv", BNC, PERSON, BNC)

    with pytest.raises(ListError, match="appears twice") as caught:
        IMPORTER.load(tmp_path)
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("companion", "row"),
    [
        ("alt.csv", '999,1,"aka","NOBODY",-0- '),
        ("add.csv", '999,1,"Street 1","Havana","Cuba",-0- '),
        ("sdn_comments.csv", '999,"more remarks"'),
    ],
    ids=["alias", "address", "comment"],
)
def test_companion_row_for_an_unknown_ent_num_fails_naming_file_and_line(
    tmp_path: Path, companion: str, row: str
) -> None:
    write_ofac(tmp_path / "sdn.csv", BNC, PERSON)
    path = write_ofac(tmp_path / companion, row.replace("999", "306"), row)

    with pytest.raises(ListError, match=r"not in sdn\.csv") as caught:
        IMPORTER.load(tmp_path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 2, "ent_num")


def test_aliases_are_deduplicated_and_never_repeat_the_primary_name(tmp_path: Path) -> None:
    write_ofac(tmp_path / "sdn.csv", BNC)
    write_ofac(
        tmp_path / "alt.csv",
        '306,1,"aka","BANCO NACIONAL  DE CUBA",-0- ',
        '306,2,"aka","bnc",-0- ',
        '306,3,"fka","NATIONAL BANK OF CUBA",-0- ',
    )

    (entry,) = IMPORTER.load(tmp_path).entries
    assert entry.aliases == ("bnc", "NATIONAL BANK OF CUBA")


def test_companion_files_are_found_whatever_their_case(tmp_path: Path) -> None:
    write_ofac(tmp_path / "SDN.CSV", BNC)
    write_ofac(tmp_path / "ADD.CSV", '306,1,"Zweierstrasse 35","Zurich","Switzerland",-0- ')

    (entry,) = IMPORTER.load(tmp_path).entries
    assert entry.countries == ("Switzerland",)


def test_a_companion_file_given_alone_is_refused(tmp_path: Path) -> None:
    path = write_ofac(tmp_path / "alt.csv", '306,1,"aka","BNC",-0- ')

    with pytest.raises(ListError, match="companion file"):
        IMPORTER.load(path)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"sdn.csv": BNC}, True),
        ({"alt.csv": '306,1,"aka","BNC",-0- '}, True),
        ({"add.csv": '306,1,-0- ,"Havana","Cuba",-0- '}, True),
        ({"notes.txt": "nothing"}, False),
    ],
    ids=["sdn", "alt-only", "add-only", "unrelated"],
)
def test_detect_claims_folders_with_any_sdn_file(
    tmp_path: Path, files: dict[str, str], expected: bool
) -> None:
    for name, line in files.items():
        write_ofac(tmp_path / name, line)

    assert IMPORTER.detect(tmp_path) is expected


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        (BNC, True),
        (PERSON, True),
        ('306,220,"aka","NATIONAL BANK OF CUBA",-0- ', False),
        ("id,name,aliases", False),
        ('"Name"\t"Street_Address"', False),
    ],
    ids=["entity", "person", "alt-row", "csv-header", "dpl-header"],
)
def test_detect_recognises_a_file_by_its_first_row(
    tmp_path: Path, first_line: str, expected: bool
) -> None:
    path = write_ofac(tmp_path / "list.csv", first_line)

    assert IMPORTER.detect(path) is expected


@pytest.mark.parametrize(
    ("remarks", "aliases"),
    [
        ("a.k.a. 'BNC'.", ["BNC"]),
        ("DOB 1951; a.k.a. 'A'; f.k.a. 'B'; n.k.a. 'C'.", ["A", "B", "C"]),
        ("a.k.a. 'AL-QA'QA'; Linked To: X.", ["AL-QA'QA"]),
        ("a.k.a. ''FOOPIE''; a.k.a. ''FUPI''.", ["FOOPIE", "FUPI"]),
        ("a.k.a. 'ABU-AL-KARKH', 'Yusuf'.", ["ABU-AL-KARKH', 'Yusuf"]),
        ("a.k.a. 'AHMED, A.'; a.k.a. 'X'", ["AHMED, A.", "X"]),
        ("a.k.a. 'WHOIS HACKIN", []),  # cut off by OFAC's field limit
        ("POB Kostiantynivka; Linked To: LASHKAR E-TAYYIBA.", []),
        ("", []),
    ],
    ids=[
        "one",
        "aka-fka-nka",
        "apostrophe-inside",
        "nickname-quotes",
        "quote-comma-inside",
        "trailing-period-in-name",
        "truncated",
        "no-alias",
        "empty",
    ],
)
def test_remark_aliases(remarks: str, aliases: list[str]) -> None:
    assert remark_aliases(remarks) == aliases


@pytest.mark.parametrize(
    ("field", "codes"),
    [
        ("CUBA", ("CUBA",)),
        ("SDGT] [IRGC", ("SDGT", "IRGC")),
        ("[SDGT] [IRGC] [SDGT]", ("SDGT", "IRGC")),
        ("-0- ", ()),
    ],
    ids=["one", "csv-brackets", "full-brackets", "null"],
)
def test_programs(field: str, codes: tuple[str, ...]) -> None:
    assert programs(field) == codes
