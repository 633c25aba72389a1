"""US Consolidated Screening List: the real 2019, 2023 and 2025 files, the JSON form, and the
truncated download that must fail closed."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists import discover
from dualscreen.lists.csl import IMPORTER, derived_id
from dualscreen.matching import MatchMethod, NameMatcher
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

FIXTURES = Path(__file__).parent / "fixtures" / "csl"
CLEAN = "lists/csl/consolidated-2023-11-truncated.clean.csv"
ORIGINAL = "lists/csl/consolidated-2023-11-truncated.original.csv"
EL = "Entity List (EL) - Bureau of Industry and Security"
HEADER = (
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
    "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,"
    "gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,"
    "alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids"
)
COLUMNS = HEADER.split(",")


def csl_row(**values: str) -> str:
    """One CSL record in the 2023 layout, every field quoted as trade.gov writes them."""
    defaults = {"_id": "x1", "source": EL, "name": "ACME TRADING"}
    row = [{**defaults, **values}.get(c, "") for c in COLUMNS]
    return ",".join('"' + v.replace('"', '""') + '"' for v in row)


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "consolidated.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def records(path: Path) -> list[dict[str, str]]:
    """An independent read of a CSL CSV, to count against."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def by_id(entries: tuple[ListEntry, ...], sub_list: str) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in entries if e.sub_list.startswith(sub_list)}


# --- the real files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def csl_2023(shared_data: Path) -> RestrictedList:
    return IMPORTER.load(shared_data / CLEAN)


def test_clean_2023_file_loads_every_record_with_its_sub_list(
    shared_data: Path, csl_2023: RestrictedList
) -> None:
    rows = records(shared_data / CLEAN)

    assert csl_2023.info.entries == len(rows) == 4_226
    assert Counter(e.sub_list for e in csl_2023.entries) == Counter(r["source"] for r in rows)
    assert Counter(e.sub_list.rsplit(" - ", 1)[0] for e in csl_2023.entries).most_common(3) == [
        ("Specially Designated Nationals (SDN)", 1_737),
        ("Entity List (EL)", 919),
        ("Denied Persons List (DPL)", 577),
    ]
    info = csl_2023.info
    assert (info.name, info.format, info.category) == ("us-csl", "csl", ListCategory.CONSOLIDATED)


def test_clean_2023_entry_keeps_what_an_officer_verifies(csl_2023: RestrictedList) -> None:
    fushun = by_id(csl_2023.entries, EL)["51573ec49e69615c1ea2acaec6be5fc8e2d1dfa4c5c4ccc79ca6666e"]

    assert fushun.name == "Fushun Jinly Petrochemical Carbon Co., Ltd."
    assert fushun.countries == ("CN",)
    assert len(fushun.addresses) == 2
    assert (
        fushun.license_requirement == "For all items subject to the EAR. (See §744.11 of the EAR.)"
    )
    assert fushun.start_date == date(2014, 5, 1)
    assert fushun.citation.startswith("79 FR 24563; https://www.bis.doc.gov/")
    assert "Licence policy: Presumption of denial." in fushun.remarks


def test_clean_2023_ofac_records_keep_their_ent_num_ids_and_dates_of_birth(
    csl_2023: RestrictedList,
) -> None:
    sdn = by_id(csl_2023.entries, "Specially Designated Nationals")
    person = sdn["11474"]  # the last complete record of the truncated download

    assert (person.name, person.type) == ("DURAN PORRAS, Gloria Amparo", EntityType.PERSON)
    assert person.birth_dates == ("1968-02-11", "1968-11-02")
    assert person.identifiers == ("Cedula No.: 42895110 (CO)",)
    assert person.programs == ("SDNT",)


def test_one_party_on_two_sub_lists_stays_two_entries(csl_2023: RestrictedList) -> None:
    bank = [e for e in csl_2023.entries if e.entry_id == "17014"]

    assert sorted(e.sub_list.split(" (")[0] for e in bank) == [
        "Non-SDN Menu-Based Sanctions List",
        "Sectoral Sanctions Identifications List",
    ]
    ssi = next(e for e in bank if e.sub_list.startswith("Sectoral"))
    assert "SWIFT/BIC: RUAGRUMM" in ssi.identifiers
    assert "Registration Number: 1027700342890 (RU)" in ssi.identifiers


def test_entity_list_question_marks_for_apostrophes_get_a_repaired_alias(
    csl_2023: RestrictedList,
) -> None:
    (xian,) = [e for e in csl_2023.entries if e.name.startswith("Xi?an Research")]

    assert "Xi'an Research Institute of Navigation Technology" in xian.aliases


def test_a_csl_entity_is_found_by_its_short_name(csl_2023: RestrictedList) -> None:
    matcher = NameMatcher([csl_2023])

    hit = matcher.match("Fushun Jinly Petrochemical Carbon", 0.9)[0]
    assert hit.entry.entry_id == "51573ec49e69615c1ea2acaec6be5fc8e2d1dfa4c5c4ccc79ca6666e"
    assert hit.entry.sub_list == EL
    assert (hit.score, hit.method) == (1.0, MatchMethod.EXACT)


def test_nonproliferation_successor_clause_is_not_needed_to_match(
    shared_data: Path,
) -> None:
    lst = IMPORTER.load(shared_data / "lists/csl/consolidated-2025-06-fixture.csv")

    (hit, *_) = NameMatcher([lst]).match("Sinobright Import and Export Company", 0.9)
    assert hit.entry.name.endswith("; and any successor, sub-unit, or subsidiary thereof")
    assert hit.score == 1.0


@pytest.mark.parametrize(
    ("relative", "count"),
    [
        ("lists/csl/consolidated-2025-06-fixture.csv", 13),
        ("lists/csl/csl-2019-12-fixture.csv", 115),
    ],
    ids=["2025-header", "2019-header-without-_id"],
)
def test_older_and_newer_headers_load_every_record(
    shared_data: Path, relative: str, count: int
) -> None:
    rows = records(shared_data / relative)
    lst = IMPORTER.load(shared_data / relative)

    assert lst.info.entries == len(rows) == count
    assert Counter(e.sub_list for e in lst.entries) == Counter(r["source"] for r in rows)
    assert {e.entry_id for e in lst.entries if e.entry_id.isdigit()} == {
        r["entity_number"] for r in rows if r["entity_number"]
    }


def test_2019_records_without_any_id_get_stable_derived_ids(shared_data: Path) -> None:
    first = IMPORTER.load(shared_data / "lists/csl/csl-2019-12-fixture.csv")
    again = IMPORTER.load(shared_data / "lists/csl/csl-2019-12-fixture.csv")

    derived = [e.entry_id for e in first.entries if e.entry_id.startswith("CSL-")]
    assert len(derived) == 47 == len(set(derived))  # the 47 records with no entity_number
    assert derived == [e.entry_id for e in again.entries if e.entry_id.startswith("CSL-")]


def test_2019_ids_are_kept_as_published(shared_data: Path) -> None:
    lst = IMPORTER.load(shared_data / "lists/csl/csl-2019-12-fixture.csv")
    (holding,) = [e for e in lst.entries if e.entry_id == "20264"]

    assert holding.identifiers == ("US, 80-0890696, Tax ID No.",)  # "number, type" order


def test_truncated_download_is_refused_at_its_repeated_header(shared_data: Path) -> None:
    path = shared_data / ORIGINAL

    with pytest.raises(ListError, match="header row appears again") as caught:
        IMPORTER.load(path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)


def test_truncated_download_is_refused_at_the_record_it_cuts(
    shared_data: Path, tmp_path: Path
) -> None:
    lines = (shared_data / ORIGINAL).read_bytes().split(b"\n")
    path = tmp_path / "consolidated.csv"
    path.write_bytes(b"\n".join([lines[0], *lines[2:]]))  # without the repeated header
    text = path.read_text(encoding="utf-8")
    broken = text[: text.rindex('"11476","Specially Designated')].count("\n") + 1

    with pytest.raises(ListError, match="ends inside a quoted field") as caught:
        IMPORTER.load(path)
    assert (caught.value.path, caught.value.line) == (str(path), broken)
    assert broken == 4_232


# --- the JSON form ------------------------------------------------------------------------------


def test_json_form_loads_like_the_csv(tmp_path: Path) -> None:
    lst = IMPORTER.load(FIXTURES / "consolidated.json")
    entries = {e.entry_id: e for e in lst.entries}

    assert lst.info.entries == len(
        json.loads((FIXTURES / "consolidated.json").read_text())["results"]
    )
    fushun = entries["51573ec49e69615c1ea2acaec6be5fc8e2d1dfa4c5c4ccc79ca6666e"]
    assert fushun.addresses[0] == (
        "Room 2104, Jinhui Plaza, No. 16 Dongsi Road, Xinfu District, Fushun, Liaoning, 113015, CN"
    )
    assert fushun.name == "Fushun Jinly Petrochemical Carbon Co., Ltd."
    rim = entries["52291"]
    assert (rim.type, rim.countries, rim.birth_dates) == (
        EntityType.PERSON,
        ("KP", "CN"),
        ("1978-12-05",),
    )
    assert rim.identifiers == ("Passport: 836238033 (KP)",)
    ash = entries["b601cbf2841d0aaedfe63661581ffbc3d54b6ba39d7e3a9027cff50e"]
    assert (ash.start_date, ash.end_date) == (date(2002, 3, 4), date(2056, 6, 29))
    assert entries["17014"].aliases == ("RUSSIAN AGRICULTURAL BANK", "ROSSELKHOZBANK", "RUSAG")


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{"results": [\n  {"name": "A", "source": "EL"},\n  {"name": "B"', "invalid or", 3),
        ('{"total": 0}', 'expected an object with a "results" list', 1),
        ('{"results": [\n  {"name": "A", "source": "EL"},\n  "B"\n]}', "is not an object", 3),
        (
            '{"results": [\n  {"name": "A", "source": "EL"},\n  {"source": "EL"}\n]}',
            "empty name",
            3,
        ),
    ],
    ids=["truncated", "no-results", "not-an-object", "no-name"],
)
def test_json_errors_name_the_line(tmp_path: Path, text: str, message: str, line: int) -> None:
    path = tmp_path / "consolidated.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ListError, match=message) as caught:
        IMPORTER.load(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)


# --- small files --------------------------------------------------------------------------------


def test_aliases_and_addresses_lose_the_entity_lists_trailing_and(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csl_row(
            alt_names="Kinglead International Trading; and Kinglead Trading",
            addresses="113 Hezuo Road, Shijiazhuang, CN; and 21 Changsheng Street, Shenzhen, CN",
        ),
    )

    (entry,) = IMPORTER.load(path).entries
    assert entry.aliases == ("Kinglead International Trading", "Kinglead Trading")
    assert entry.addresses[1] == "21 Changsheng Street, Shenzhen, CN"


def test_tab_separated_form_loads(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.tsv"
    row = {"_id": "t1", "source": EL, "name": "ACME", "programs": "A; B", "type": "Entity"}
    path.write_text(
        "\t".join(COLUMNS) + "\n" + "\t".join(row.get(c, "") for c in COLUMNS) + "\n",
        encoding="utf-8",
    )

    ((importer, _),) = discover(path)
    (entry,) = importer.load(path).entries
    assert (entry.entry_id, entry.programs, entry.type) == (
        "t1",
        ("A", "B"),
        EntityType.ORGANIZATION,
    )


def test_vessel_details_and_licence_policy_go_into_remarks(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csl_row(
            type="Vessel",
            call_sign="CL2059",
            vessel_flag="Cuba",
            license_policy="Presumption of denial.",
            remarks="FR NOTICE ADDED",
        ),
    )

    (entry,) = IMPORTER.load(path).entries
    assert entry.type is EntityType.VESSEL
    assert entry.remarks == (
        "Licence policy: Presumption of denial.; Call sign: CL2059; Flag: Cuba; FR NOTICE ADDED"
    )


@pytest.mark.parametrize(
    ("rows", "message", "line", "field"),
    [
        ((csl_row(), csl_row(name=" ")), "empty name", 3, "name"),
        ((csl_row(source=""),), "empty source", 2, "source"),
        ((csl_row(start_date="16/11/2023"),), "not a YYYY-MM-DD date", 2, "start_date"),
        ((csl_row(end_date="2056-13-29"),), "not a YYYY-MM-DD date", 2, "end_date"),
        ((csl_row(), csl_row()), "id x1 appears twice on Entity List", 3, "entity_number"),
        ((csl_row(), csl_row().rsplit(",", 2)[0]), "record has 27 fields, the header 29", 3, None),
        ((csl_row(), HEADER), "header row appears again", 3, None),
        (
            (csl_row(), csl_row(_id="x2", remarks="two\nlines"), '"x3","cut off'),
            "ends inside a quoted",
            5,
            None,
        ),
        ((csl_row(), csl_row(name='AC"ME"')[:-3] + 'x"y'), "malformed file", 3, None),
    ],
    ids=[
        "empty-name",
        "empty-source",
        "day-first-date",
        "impossible-end-date",
        "duplicate-id-on-one-sub-list",
        "ragged-row",
        "repeated-header",
        "truncated-after-a-multi-line-record",
        "stray-quote",
    ],
)
def test_bad_records_fail_naming_line_and_field(
    tmp_path: Path, rows: tuple[str, ...], message: str, line: int, field: str | None
) -> None:
    path = write(tmp_path, *rows)

    with pytest.raises(ListError, match=message) as caught:
        IMPORTER.load(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_same_id_on_two_sub_lists_is_two_entries(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csl_row(entity_number="9659", source="Specially Designated Nationals (SDN) - Treasury"),
        csl_row(entity_number="9659", source="Palestinian Legislative Council List (PLC)"),
    )

    assert [e.entry_id for e in IMPORTER.load(path).entries] == ["9659", "9659"]


def test_missing_column_fails_on_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, header=HEADER.replace(",source,", ",list,"))

    with pytest.raises(ListError, match="missing column 'source'") as caught:
        IMPORTER.load(path)
    assert (caught.value.line, caught.value.field) == (1, "source")


def test_header_only_file_is_refused_as_empty(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="no entries"):
        IMPORTER.load(write(tmp_path))


def test_derived_id_is_stable_and_tells_addresses_apart() -> None:
    one = derived_id(EL, "Kinglead Electronics Co., Ltd.", ["Room 1041, Kowloon, HK"], None)

    assert one == derived_id(
        EL, " kinglead  electronics co., ltd.", ["Room 1041, Kowloon, HK"], None
    )
    assert one != derived_id(EL, "Kinglead Electronics Co., Ltd.", ["15H Buji, Shenzhen, CN"], None)
    assert one.startswith("CSL-") and len(one) == 14


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("consolidated.csv", HEADER + "\n", True),
        ("csl.csv", HEADER.replace("_id,", "") + "\n", True),
        ("consolidated.json", '{"results": [{"name": "A", "alt_names": ["B"]}]}', True),
        ("other.json", '{"results": [{"name": "A"}]}', False),
        ("own.csv", "id,name\n", False),
    ],
    ids=["2023-header", "2019-header", "json", "other-json", "native-csv"],
)
def test_detect_by_columns_or_keys(tmp_path: Path, name: str, text: str, expected: bool) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    assert IMPORTER.detect(path) is expected


@pytest.mark.parametrize(
    "relative",
    [
        CLEAN,
        ORIGINAL,
        "lists/csl/consolidated-2025-06-fixture.csv",
        "lists/csl/csl-2019-12-fixture.csv",
    ],
    ids=["clean", "truncated", "2025", "2019"],
)
def test_discover_detects_every_real_csl_file(shared_data: Path, relative: str) -> None:
    ((importer, found),) = discover(shared_data / relative)

    assert (importer.format, found) == ("csl", shared_data / relative)


def test_discover_detects_the_json_form() -> None:
    ((importer, _),) = discover(FIXTURES / "consolidated.json")

    assert importer.format == "csl"
