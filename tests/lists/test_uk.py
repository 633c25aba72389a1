"""UK OFSI consolidated list (`ConList.csv`): a fixture in the 2022 format (no real file could be
obtained), the header variants, and broken files."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists import discover
from dualscreen.lists.uk import IMPORTER
from dualscreen.models import EntityType, ListCategory, ListEntry

FIXTURE = Path(__file__).parent / "fixtures" / "uk" / "ConList.csv"
TEXT = FIXTURE.read_text(encoding="utf-8")
PREAMBLE, HEADER_LINE, *ROWS = TEXT.splitlines()
HEADER = next(csv.reader([HEADER_LINE]))


def row(**values: str) -> str:
    defaults = {"Name 6": "ACME TRADING", "Group Type": "Entity", "Alias Type": "Primary name"}
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([{**defaults, **values}.get(c, "") for c in HEADER])
    return out.getvalue()


def write(tmp_path: Path, *rows: str, preamble: str = PREAMBLE, header: str = HEADER_LINE) -> Path:
    path = tmp_path / "ConList.csv"
    lines = [preamble, header, *rows] if preamble else [header, *rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def by_id(entries: tuple[ListEntry, ...]) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in entries}


def test_fixture_has_one_entry_per_group_id() -> None:
    lst = IMPORTER.load(FIXTURE)
    groups = {r["Group ID"] for r in csv.DictReader(io.StringIO("\n".join([HEADER_LINE, *ROWS])))}

    assert lst.info.entries == len(groups) == 3
    assert (lst.info.name, lst.info.format, lst.info.category) == (
        "uk-ofsi",
        "uk-ofsi",
        ListCategory.SANCTIONS,
    )
    assert (lst.info.version, lst.info.version_from) == ("2022-05-13", "file")


def test_entity_keeps_address_reference_and_listing_date() -> None:
    entity = by_id(IMPORTER.load(FIXTURE).entries)["12431"]

    assert entity.name == "(GENERAL) ORGANIZATION FOR ENGINEERING INDUSTRIES"
    assert entity.type is EntityType.ORGANIZATION
    assert entity.addresses == ("PO Box 21120, Baramkeh, Damascus, Syria",)
    assert (entity.programs, entity.countries) == (("Syria",), ("Syria",))
    assert entity.identifiers == ("UK Sanctions List Ref: SYR0306",)
    assert entity.citation == "UK Sanctions List SYR0306"
    assert entity.start_date == date(2011, 12, 2)
    assert "Front company for the acquisition" in entity.remarks


def test_person_rows_merge_into_one_entry_named_by_its_primary_row() -> None:
    person = by_id(IMPORTER.load(FIXTURE).entries)["6897"]

    assert person.name == "Aiman Muhammed Rabi AL-ZAWAHIRI"  # given names, then Name 6
    assert person.aliases == ("Aiman ABDEL RAHMAN", "Ayman AL-ZAWAHIRI", "أيمن الظواهري")
    assert person.type is EntityType.PERSON
    assert person.birth_dates == ("1951-06-19", "1951")  # 00/00/1951: year only
    assert person.identifiers == ("UK Sanctions List Ref: AQD0104", "Passport: 1084010")
    assert person.remarks.startswith(
        "Title: Dr; POB Giza, Egypt; Passport details: Egyptian; "
        "Passport details: Alternative number 19820215; (UK Sanctions List Ref):AQD0104"
    )
    assert person.countries == ("Egyptian",)


def test_ship_is_a_vessel_with_its_imo_number() -> None:
    ship = by_id(IMPORTER.load(FIXTURE).entries)["13647"]

    assert ship.type is EntityType.VESSEL
    assert ship.identifiers == ("UK Sanctions List Ref: DPR0269", "IMO: 8898740")


def test_newer_header_with_a_list_ref_column_and_no_preamble(tmp_path: Path) -> None:
    header = HEADER_LINE.replace("Group ID", "UK Sanctions List Ref,Group ID")
    columns = next(csv.reader([header]))
    line = ",".join(
        {"Name 6": "ACME", "Group Type": "Entity", "UK Sanctions List Ref": "RUS0001"}.get(c, "")
        if c != "Group ID"
        else "99"
        for c in columns
    )
    path = write(tmp_path, line, preamble="", header=header)

    (entry,) = IMPORTER.load(path).entries
    assert (entry.entry_id, entry.citation) == ("99", "UK Sanctions List RUS0001")
    assert IMPORTER.load(path).info.version_from == "modified time"


def test_group_without_a_primary_row_is_named_by_its_first_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row(**{"Name 6": "FIRST", "Alias Type": "AKA", "Group ID": "1"}),
        row(**{"Name 6": "SECOND", "Alias Type": "AKA", "Group ID": "1"}),
    )

    (entry,) = IMPORTER.load(path).entries
    assert (entry.name, entry.aliases) == ("FIRST", ("SECOND",))


def test_enumerated_nationalities_and_passports_are_split(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row(
            **{
                "Group Type": "Individual",
                "Nationality": "(1) Syria (2) Iraq",
                "Passport Number": "(1) A123 (2) B456",
                "Group ID": "7",
            }
        ),
    )

    (entry,) = IMPORTER.load(path).entries
    assert entry.countries == ("Syria", "Iraq")
    assert entry.identifiers == ("Passport: A123", "Passport: B456")


@pytest.mark.parametrize(
    ("rows", "message", "line", "field"),
    [
        ((row(**{"Group ID": "1"}), row(**{"Group ID": " "})), "empty Group ID", 4, "Group ID"),
        ((row(**{"Group ID": "1", "Name 6": ""}),), "a row without a name", 3, "Name 6"),
        ((row(**{"Group ID": "1", "Listed On": "2011-12-02"}),), "DD/MM/YYYY", 3, "Listed On"),
        (
            (row(**{"Group ID": "1"}), row(**{"Group ID": "2"})[:-2]),
            "record has 35 fields",
            4,
            None,
        ),
        ((row(**{"Group ID": "1"}), HEADER_LINE), "header row appears again", 4, None),
        ((row(**{"Group ID": "1"}), '"CUT OFF,'), "ends inside a quoted field", 4, None),
    ],
    ids=["empty-group-id", "no-name", "iso-listing-date", "ragged", "repeated-header", "truncated"],
)
def test_bad_rows_fail_naming_line_and_field(
    tmp_path: Path, rows: tuple[str, ...], message: str, line: int, field: str | None
) -> None:
    path = write(tmp_path, *rows)

    with pytest.raises(ListError, match=message) as caught:
        IMPORTER.load(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_bad_last_updated_date_fails_on_line_one(tmp_path: Path) -> None:
    path = write(tmp_path, row(**{"Group ID": "1"}), preamble="Last Updated,2022-05-13")

    with pytest.raises(ListError, match="not a DD/MM/YYYY date") as caught:
        IMPORTER.load(path)
    assert (caught.value.line, caught.value.field) == (1, "Last Updated")


def test_missing_column_fails_on_the_header_line(tmp_path: Path) -> None:
    path = write(tmp_path, header=HEADER_LINE.replace("Group Type", "Type"))

    with pytest.raises(ListError, match="missing column 'Group Type'") as caught:
        IMPORTER.load(path)
    assert (caught.value.line, caught.value.field) == (2, "Group Type")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TEXT, True),
        ("\n".join([HEADER_LINE, *ROWS]), True),
        ("Last Updated:,13/05/2022\n" + HEADER_LINE, True),
        ("Last Updated,13/05/2022\nName,Group\n", False),
        ("id,name\n", False),
    ],
    ids=["with-preamble", "without-preamble", "colon-preamble", "other-columns", "native"],
)
def test_detect_wants_the_ofsi_header(tmp_path: Path, text: str, expected: bool) -> None:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")

    assert IMPORTER.detect(path) is expected


def test_discover_detects_the_fixture() -> None:
    ((importer, found),) = discover(FIXTURE)

    assert (importer.format, found) == ("uk-ofsi", FIXTURE)
