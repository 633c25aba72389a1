"""EU consolidated financial sanctions list (FSF): the XML and CSV forms, from fixtures built
on the publisher's documented formats (no real file could be obtained), and broken files."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists import discover
from dualscreen.lists.eu import CSV, XML
from dualscreen.models import EntityType, ListCategory, ListEntry

FIXTURES = Path(__file__).parent / "fixtures" / "eu"
XML_TEXT = (FIXTURES / "eu-fsf.xml").read_text(encoding="utf-8")
CSV_TEXT = (FIXTURES / "eu-fsf.csv").read_text(encoding="utf-8-sig")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def by_id(entries: tuple[ListEntry, ...]) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in entries}


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def csv_rows() -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(CSV_TEXT, newline=""), delimiter=";"))
    return header, rows


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue()


# --- XML ----------------------------------------------------------------------------------------


def test_xml_fixture_loads_each_subject() -> None:
    lst = XML.load(FIXTURES / "eu-fsf.xml")

    assert lst.info.entries == XML_TEXT.count("<sanctionEntity ") == 2
    assert (lst.info.name, lst.info.format, lst.info.category) == (
        "eu-fsf",
        "eu-fsf-xml",
        ListCategory.SANCTIONS,
    )
    assert (lst.info.version, lst.info.version_from) == ("2022-10-28", "file")


def test_xml_person_keeps_what_an_officer_verifies() -> None:
    saddam = by_id(XML.load(FIXTURES / "eu-fsf.xml").entries)["13"]

    assert saddam.name == "Saddam Hussein Al-Tikriti"
    assert saddam.aliases == ("Abu Ali", "Abou Ali")
    assert (saddam.type, saddam.countries, saddam.programs) == (
        EntityType.PERSON,
        ("IQ",),
        ("IRQ",),
    )
    assert saddam.birth_dates == ("1937-04-28",)
    assert saddam.remarks == (
        "EU reference EU.27.28; UN reference IQi.001; (UNSC RESOLUTION 1483); "
        "POB al-Awja, near Tikrit, IRAQ"
    )
    # The listing regulation, not the later amendment, is the citation and the listing date.
    assert saddam.citation.startswith("1210/2003 (OJ L169) http://eur-lex.europa.eu/")
    assert saddam.start_date == date(2003, 7, 7)


def test_xml_enterprise_has_its_document_address_and_strong_name_first() -> None:
    company = by_id(XML.load(FIXTURES / "eu-fsf.xml").entries)["990001"]

    assert company.type is EntityType.ORGANIZATION
    assert company.name == "Joint Stock Company Example Machine Tools"
    assert company.aliases == ("АО «Пример Станкостроение»", "EXMT")
    assert company.identifiers == ("Registration Number: 1027700000000 (RU)",)
    assert company.addresses == ("Ulitsa Primernaya 1, Moscow, 101000, RUSSIAN FEDERATION",)
    assert company.start_date == date(2022, 3, 15)  # its designationDate


def test_xml_primary_name_is_the_first_strong_alias(tmp_path: Path) -> None:
    text = XML_TEXT.replace(
        'wholeName="Saddam Hussein Al-Tikriti" function="" gender="M" title="" nameLanguage="" '
        'strong="true"',
        'wholeName="Saddam Hussein Al-Tikriti" function="" gender="M" title="" nameLanguage="" '
        'strong="false"',
    ).replace(
        'wholeName="Abou Ali" function="" gender="M" title="" nameLanguage="" strong="false"',
        'wholeName="Abou Ali" function="" gender="M" title="" nameLanguage="" strong="true"',
    )

    saddam = by_id(XML.load(write(tmp_path, "eu.xml", text)).entries)["13"]
    assert saddam.name == "Abou Ali"
    assert "Saddam Hussein Al-Tikriti" in saddam.aliases


def test_xml_in_the_newer_namespace_loads(tmp_path: Path) -> None:
    text = XML_TEXT.replace(
        "http://eu.europa.eu/fsd/bcl/export", "http://eu.europa.ec/fpi/fsd/export"
    )

    assert XML.load(write(tmp_path, "eu.xml", text)).info.entries == 2


def test_xml_name_from_its_parts_when_whole_name_is_empty(tmp_path: Path) -> None:
    text = XML_TEXT.replace('wholeName="Saddam Hussein Al-Tikriti"', 'wholeName=""')

    saddam = by_id(XML.load(write(tmp_path, "eu.xml", text)).entries)["13"]
    assert saddam.name == "Saddam Hussein Al-Tikriti"


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ('logicalId="990001"', 'logicalId=""', "logicalId", "has no logicalId"),
        ('logicalId="990001"', 'logicalId="13"', "logicalId", "logicalId 13 appears twice"),
    ],
    ids=["no-id", "duplicate-id"],
)
def test_xml_bad_subject_fails_on_its_line(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    text = XML_TEXT.replace(old, new)

    with pytest.raises(ListError, match=message) as caught:
        XML.load(write(tmp_path, "eu.xml", text))
    assert (caught.value.line, caught.value.field) == (
        line_of(text, 'euReferenceNumber="EU.9990'),
        field,
    )


def test_xml_subject_without_a_name_fails_on_its_line(tmp_path: Path) -> None:
    text = XML_TEXT
    for name in ("Joint Stock Company Example Machine Tools", "АО «Пример Станкостроение»", "EXMT"):
        text = text.replace(f'wholeName="{name}"', 'wholeName=""')

    with pytest.raises(ListError, match="subject 990001 has no name") as caught:
        XML.load(write(tmp_path, "eu.xml", text))
    assert caught.value.line == line_of(text, 'logicalId="990001"')


def test_xml_cut_off_fails_on_the_last_line(tmp_path: Path) -> None:
    text = XML_TEXT[: XML_TEXT.index('<subjectType code="enterprise"')]

    with pytest.raises(ListError, match="malformed or truncated XML") as caught:
        XML.load(write(tmp_path, "eu.xml", text))
    assert caught.value.line == text.count("\n") + 1


def test_xml_without_generation_date_is_dated_by_the_file(tmp_path: Path) -> None:
    text = XML_TEXT.replace(' generationDate="2022-10-28T17:52:11.497+02:00"', "")

    assert XML.load(write(tmp_path, "eu.xml", text)).info.version_from == "modified time"


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_gives_the_same_entries_as_the_xml() -> None:
    from_csv = CSV.load(FIXTURES / "eu-fsf.csv")
    from_xml = XML.load(FIXTURES / "eu-fsf.xml")

    assert from_csv.entries == from_xml.entries
    assert (from_csv.info.name, from_csv.info.format) == ("eu-fsf", "eu-fsf-csv")
    assert (from_csv.info.version, from_csv.info.version_from) == ("2022-10-28", "file")


def test_csv_counts_one_entry_per_logical_id() -> None:
    header, rows = csv_rows()
    ids = {r[header.index("Entity_LogicalId")] for r in rows}

    assert CSV.load(FIXTURES / "eu-fsf.csv").info.entries == len(ids) == 2
    assert len(rows) == 10


def test_csv_rows_of_one_subject_need_not_be_adjacent(tmp_path: Path) -> None:
    header, rows = csv_rows()
    rows = [rows[0], rows[5], *rows[1:5], *rows[6:]]  # a company row between Saddam's

    lst = CSV.load(write(tmp_path, "eu.csv", csv_text(header, rows)))
    assert lst.entries == CSV.load(FIXTURES / "eu-fsf.csv").entries


@pytest.mark.parametrize(
    ("column", "value", "row", "message", "line"),
    [
        ("Entity_LogicalId", "", 3, "empty Entity_LogicalId", 4),
        ("NameAlias_WholeName", "x", None, "record has 117 fields, the header 118", 2),
    ],
    ids=["empty-id", "ragged-row"],
)
def test_csv_bad_rows_fail_on_their_line(
    tmp_path: Path, column: str, value: str, row: int | None, message: str, line: int
) -> None:
    header, rows = csv_rows()
    if row is None:
        rows[0] = rows[0][:-1]
    else:
        rows[row - 1][header.index(column)] = value

    with pytest.raises(ListError, match=message) as caught:
        CSV.load(write(tmp_path, "eu.csv", csv_text(header, rows)))
    assert caught.value.line == line


def test_csv_subject_without_a_name_fails_on_its_first_row(tmp_path: Path) -> None:
    header, rows = csv_rows()
    ids, names = header.index("Entity_LogicalId"), header.index("NameAlias_WholeName")
    rows = [r for r in rows if not (r[ids] == "990001" and r[names])]

    with pytest.raises(ListError, match="subject 990001 has no name") as caught:
        CSV.load(write(tmp_path, "eu.csv", csv_text(header, rows)))
    first_row = 2 + next(i for i, r in enumerate(rows) if r[ids] == "990001")
    assert (caught.value.line, caught.value.field) == (first_row, "NameAlias_WholeName")


def test_csv_missing_column_fails_on_the_header(tmp_path: Path) -> None:
    header, rows = csv_rows()
    header[header.index("NameAlias_WholeName")] = "NameAlias_Name"

    with pytest.raises(ListError, match="missing column 'NameAlias_WholeName'") as caught:
        CSV.load(write(tmp_path, "eu.csv", csv_text(header, rows)))
    assert (caught.value.line, caught.value.field) == (1, "NameAlias_WholeName")


def test_csv_unreadable_dates_are_left_out_not_fatal(tmp_path: Path) -> None:
    header, rows = csv_rows()
    for row in rows:
        row[header.index("fileGenerationDate")] = "28.10.2022"
        row[header.index("Entity_Regulation_EntryIntoForceDate")] = "n/a"
        row[header.index("Entity_Regulation_PublicationDate")] = "n/a"
        row[header.index("Entity_DesignationDate")] = ""

    lst = CSV.load(write(tmp_path, "eu.csv", csv_text(header, rows)))
    assert lst.info.version_from == "modified time"
    assert all(e.start_date is None for e in lst.entries)


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "format"),
    [("eu-fsf.xml", "eu-fsf-xml"), ("eu-fsf.csv", "eu-fsf-csv")],
    ids=["xml", "csv"],
)
def test_discover_detects_both_forms(name: str, format: str) -> None:
    ((importer, _),) = discover(FIXTURES / name)

    assert importer.format == format


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (XML_TEXT, True),
        ('<?xml version="1.0"?>\n<export><row/></export>', False),
        ('<?xml version="1.0"?>\n<sdnList/>', False),
    ],
    ids=["eu", "other-export", "ofac"],
)
def test_xml_detect_wants_an_eu_export(tmp_path: Path, text: str, expected: bool) -> None:
    assert XML.detect(write(tmp_path, "list.xml", text)) is expected


def test_csv_detect_wants_the_semicolon_header(tmp_path: Path) -> None:
    assert CSV.detect(FIXTURES / "eu-fsf.csv")
    assert not CSV.detect(write(tmp_path, "l.csv", CSV_TEXT.replace(";", ",")))
