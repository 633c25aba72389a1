"""OFAC SDN XML (`sdn.xml`, and the non-SDN `consolidated.xml` in the same schema): a fixture
built from the publisher's schema, since no real file could be obtained, and broken files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists import discover
from dualscreen.lists.ofac_sdn_xml import IMPORTER
from dualscreen.models import EntityType, ListCategory, ListEntry

FIXTURE = Path(__file__).parent / "fixtures" / "ofac-sdn-xml" / "sdn.xml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "sdn.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def by_id(entries: tuple[ListEntry, ...]) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in entries}


def test_fixture_loads_every_entry_as_the_ofac_sdn_list() -> None:
    lst = IMPORTER.load(FIXTURE)

    assert lst.info.entries == len(re.findall(r"<sdnEntry>", TEXT)) == 6
    assert (lst.info.name, lst.info.format, lst.info.category) == (
        "ofac-sdn",
        "ofac-sdn-xml",
        ListCategory.SANCTIONS,
    )
    assert (lst.info.version, lst.info.version_from) == ("2024-05-03", "file")
    assert {e.type for e in lst.entries} == {
        EntityType.ORGANIZATION,
        EntityType.PERSON,
        EntityType.VESSEL,
    }


def test_person_has_names_as_the_csv_writes_them_and_what_verifies_a_hit() -> None:
    nasuf = by_id(IMPORTER.load(FIXTURE).entries)["9598"]

    assert nasuf.name == "NASUF, Tahir"  # as sdn.csv has it
    assert nasuf.aliases == ("NASUF, Tahir Mustafa", "NASOOF, Tahar", "AL-QA'QA")
    assert nasuf.birth_dates == ("04 Nov 1961", "11 Apr 1961")
    assert nasuf.remarks == "POB Tripoli, Libya"
    assert nasuf.addresses == ("Manchester, United Kingdom",)
    assert nasuf.citation == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=9598"


def test_ids_nationality_and_citizenship_are_kept() -> None:
    entries = by_id(IMPORTER.load(FIXTURE).entries)

    soleimani = entries["10481"]
    assert soleimani.identifiers == ("Diplomatic Passport: 008827 (Iran)",)
    assert soleimani.countries == ("Iran",)
    assert soleimani.programs == ("SDGT", "SYRIA", "NPWMD", "IRGC", "IFSR")
    assert entries["7157"].identifiers == ("R.F.C.: FVS-870610-LX3 (Mexico)",)
    assert entries["7157"].addresses == (
        "Blvd. Agua Caliente 1381, Colonia Revolucion, Tijuana, Baja California, Mexico",
    )


def test_weak_akas_are_aliases_too() -> None:
    bnc = by_id(IMPORTER.load(FIXTURE).entries)["306"]

    assert bnc.aliases == ("NATIONAL BANK OF CUBA", "BNC")
    assert bnc.countries == ("Switzerland", "Spain")


def test_vessel_details_go_into_remarks() -> None:
    vessel = by_id(IMPORTER.load(FIXTURE).entries)["4234"]

    assert vessel.type is EntityType.VESSEL
    assert vessel.remarks == (
        "Call sign: CL2685; Vessel type: General Cargo; Tonnage: 2597; GRT: 1098; Flag: Cuba; "
        "Owner: Compania Navegacion Golfo S.A."
    )


def test_consolidated_xml_is_the_non_sdn_list(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    shutil.copy(FIXTURE, path)

    assert IMPORTER.load(path).info.name == "ofac-cons"


def test_the_newer_publication_namespace_loads_too(tmp_path: Path) -> None:
    newer = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"
    path = write(tmp_path, TEXT.replace("http://tempuri.org/sdnList.xsd", newer))

    assert IMPORTER.load(path).info.entries == 6


def test_record_count_short_of_the_entries_is_a_truncated_file(tmp_path: Path) -> None:
    text = TEXT.replace("<Record_Count>6</Record_Count>", "<Record_Count>7</Record_Count>")
    path = write(tmp_path, text)

    with pytest.raises(ListError, match="Record_Count says 7 entries but the file holds 6") as c:
        IMPORTER.load(path)
    assert (c.value.line, c.value.field) == (line_of(text, "<Record_Count>"), "Record_Count")


def test_cut_off_file_fails_on_its_last_line(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT[: TEXT.index("<uid>10481</uid>") + 8])

    with pytest.raises(ListError, match="malformed or truncated XML") as caught:
        IMPORTER.load(path)
    assert caught.value.line == line_of(TEXT, "<uid>10481</uid>")


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("<uid>4234</uid>", "<uid>42x4</uid>", "uid", "uid '42x4' is not an integer"),
        ("<lastName>HERMANN</lastName>", "", "lastName", "sdnEntry 4234 has no lastName"),
        ("<uid>4234</uid>", "<uid>36</uid>", "uid", "uid 36 appears twice"),
    ],
    ids=["non-integer-uid", "no-name", "duplicate-uid"],
)
def test_bad_entry_fails_on_its_line(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    text = TEXT.replace(old, new)
    path = write(tmp_path, text)

    with pytest.raises(ListError, match=message) as caught:
        IMPORTER.load(path)
    vessel_line = text[: text.index("<sdnType>Vessel")].rindex("<sdnEntry>")
    assert (caught.value.line, caught.value.field) == (text[:vessel_line].count("\n") + 1, field)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "<Publish_Date>05/03/2024</Publish_Date>",
            "<Publish_Date>2024-05-03</Publish_Date>",
            "Publish_Date",
        ),
        ("<Record_Count>6</Record_Count>", "<Record_Count>six</Record_Count>", "Record_Count"),
    ],
    ids=["iso-publish-date", "word-count"],
)
def test_bad_header_fields_fail_on_their_line(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    text = TEXT.replace(old, new)

    with pytest.raises(ListError) as caught:
        IMPORTER.load(write(tmp_path, text))
    assert (caught.value.line, caught.value.field) == (line_of(text, new), field)


def test_file_without_publish_information_is_dated_by_the_file(tmp_path: Path) -> None:
    text = re.sub(r"<publshInformation>.*?</publshInformation>", "", TEXT, flags=re.S)

    assert IMPORTER.load(write(tmp_path, text)).info.version_from == "modified time"


def test_empty_list_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?>\n<sdnList>\n</sdnList>\n')

    with pytest.raises(ListError, match="no entries"):
        IMPORTER.load(path)


def test_other_xml_is_refused_by_its_root(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n</CONSOLIDATED_LIST>\n')

    with pytest.raises(ListError, match="root element is <CONSOLIDATED_LIST>, not <sdnList>") as c:
        IMPORTER.load(path)
    assert c.value.line == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TEXT, True),
        ('<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="x"/>', False),
        ('<?xml version="1.0"?>\n<export xmlns="http://eu.europa.eu/fsd/bcl/export"/>', False),
    ],
    ids=["sdn", "un", "eu"],
)
def test_detect_wants_an_sdnlist_root(tmp_path: Path, text: str, expected: bool) -> None:
    assert IMPORTER.detect(write(tmp_path, text, name="list.xml")) is expected


def test_discover_detects_the_fixture() -> None:
    ((importer, found),) = discover(FIXTURE)

    assert (importer.format, found) == ("ofac-sdn-xml", FIXTURE)
