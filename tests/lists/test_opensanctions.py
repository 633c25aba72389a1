"""OpenSanctions exports: the real FollowTheMoney sample (607 persons among relation entities),
the real targets.simple.csv, and broken files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists import discover
from dualscreen.lists.opensanctions import FTM, SIMPLE
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

FTM_FILE = "lists/opensanctions/wd_persons-20240310-entities.ftm.json"
SIMPLE_FILE = "lists/opensanctions/wd_persons-20240310-targets.simple.csv"
SIMPLE_HEADER = (
    '"id","schema","name","aliases","birth_date","countries","addresses","identifiers",'
    '"sanctions","phones","emails","dataset","first_seen","last_seen","last_change"'
)


def entity(entity_id: str = "Q1", schema: str = "Person", **properties: object) -> str:
    return json.dumps(
        {
            "id": entity_id,
            "caption": "x",
            "schema": schema,
            "properties": {"name": ["Ivan Petrov"], **properties},
            "datasets": ["test"],
            "last_change": "2024-01-02T03:04:05",
            "target": True,
        },
        ensure_ascii=False,
    )


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def by_id(entries: tuple[ListEntry, ...]) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in entries}


# --- the real FtM sample ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ftm(shared_data: Path) -> RestrictedList:
    return FTM.load(shared_data / FTM_FILE)


def test_real_sample_screens_its_607_persons_and_nothing_else(
    shared_data: Path, ftm: RestrictedList
) -> None:
    lines = (shared_data / FTM_FILE).read_text(encoding="utf-8").splitlines()
    schemas = Counter(json.loads(line)["schema"] for line in lines)

    assert schemas == {"Person": 607, "Family": 756, "Occupancy": 102, "Position": 100}
    assert ftm.info.entries == schemas["Person"] == 607
    assert {e.type for e in ftm.entries} == {EntityType.PERSON}
    assert (ftm.info.name, ftm.info.format, ftm.info.category) == (
        "opensanctions",
        "opensanctions-ftm",
        ListCategory.OTHER,
    )
    assert (ftm.info.version, ftm.info.version_from) == ("2024-03-14", "file")


def test_real_person_keeps_names_dates_and_ids(ftm: RestrictedList) -> None:
    madani = by_id(ftm.entries)["Q12182638"]

    assert madani.name == "إياد بن أمين مدني"  # the first of its names, as listed
    assert {"Iyad bin Amin Madani", "Ayad"} <= set(madani.aliases)
    assert madani.birth_dates == ("1946-04-26",)
    assert madani.countries == ("SA",)
    assert madani.identifiers == ("Wikidata: Q12182638",)
    assert madani.sub_list == "sa_wiki_peps_v2"
    assert "Position: Minister of Information and Media" in madani.remarks


def test_real_person_without_a_name_property_is_named_by_its_caption(ftm: RestrictedList) -> None:
    prince = by_id(ftm.entries)["Q60195440"]  # has aliases and a caption, but no name

    assert prince.name == "Prince Abdullah Bin Bandar Bin Abdulaziz Al Sa‘ud"
    assert "Abdullah bin Bandar bin Abdulaziz Al Saud" in prince.aliases


def test_real_sample_quirks_bare_strings_and_unknown_dates(ftm: RestrictedList) -> None:
    entries = by_id(ftm.entries)

    assert entries["Q12185704"].birth_dates == ("1973",)  # "birthDate": "1973", not a list
    assert entries["Q12185704"].countries == ("SA",)  # "country": "SA", not ["S", "A"]
    assert entries["Q106829332"].birth_dates == ()  # "unknown"


def test_real_non_target_persons_say_so(shared_data: Path, ftm: RestrictedList) -> None:
    lines = (shared_data / FTM_FILE).read_text(encoding="utf-8").splitlines()
    related = {
        e["id"] for e in map(json.loads, lines) if e["schema"] == "Person" and not e["target"]
    }

    flagged = {e.entry_id for e in ftm.entries if e.remarks.startswith("related to a listed")}
    assert flagged == related
    assert len(related) == 184


# --- the real targets.simple.csv ----------------------------------------------------------------


def test_real_simple_csv_loads_every_row(shared_data: Path) -> None:
    lst = SIMPLE.load(shared_data / SIMPLE_FILE)
    rows = (shared_data / SIMPLE_FILE).read_text(encoding="utf-8").splitlines()[1:]

    assert lst.info.entries == len(rows) == 5
    assert (lst.info.name, lst.info.format) == ("opensanctions-simple", "opensanctions-simple")
    hariri = by_id(lst.entries)["Q296771"]
    assert (hariri.name, hariri.aliases) == ("Saad Hariri", ("Hariri", "Sa'd al-Din"))
    assert hariri.countries == ("FR", "LB", "SA")
    assert hariri.birth_dates == ("1970-04-18",)
    assert hariri.sub_list == "Wikidata Politically Exposed Persons"
    assert lst.info.version == "2024-03-10"


@pytest.mark.parametrize(
    ("relative", "format"),
    [(FTM_FILE, "opensanctions-ftm"), (SIMPLE_FILE, "opensanctions-simple")],
    ids=["ftm", "simple"],
)
def test_discover_detects_both_real_files(shared_data: Path, relative: str, format: str) -> None:
    ((importer, _),) = discover(shared_data / relative)

    assert importer.format == format  # not native-csv, though the header has id and name


# --- small files --------------------------------------------------------------------------------


def test_screened_schemata_and_their_types(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.ftm.json",
        entity("c1", "Company", jurisdiction=["ru"], registrationNumber=["1027700"]),
        entity("v1", "Vessel", flag=["kp"], imoNumber=["8898740"]),
        entity("a1", "Airplane"),
        entity("l1", "LegalEntity"),
        entity("s1", "Sanction"),
        entity("p1", "Position"),
        "",
    )

    entries = by_id(FTM.load(path).entries)
    assert {k: e.type for k, e in entries.items()} == {
        "c1": EntityType.ORGANIZATION,
        "v1": EntityType.VESSEL,
        "a1": EntityType.AIRCRAFT,
        "l1": EntityType.UNKNOWN,
    }
    assert entries["c1"].identifiers == ("Registration: 1027700",)
    assert (entries["v1"].countries, entries["v1"].identifiers) == (("KP",), ("IMO: 8898740",))


def test_topics_source_url_and_weak_aliases(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.ftm.json",
        entity(
            topics=["sanction", "role.pep"],
            sourceUrl=["https://example.gov/list#1"],
            weakAlias=["Vanya"],
            previousName=["Ivan Petroff"],
        ),
    )

    (entry,) = FTM.load(path).entries
    assert entry.programs == ("sanction", "role.pep")
    assert entry.citation == "https://example.gov/list#1"
    assert entry.aliases == ("Ivan Petroff",)
    assert entry.remarks == "Weak alias: Vanya"


def test_nested_entity_values_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "e.json", entity(addressEntity=[{"id": "addr1"}], address=["Kyiv"]))

    (entry,) = FTM.load(path).entries
    assert entry.addresses == ("Kyiv",)


@pytest.mark.parametrize(
    ("lines", "message", "line", "field"),
    [
        ((entity(), '{"id": "Q2", "schema": "Per'), "invalid or truncated JSON line", 2, None),
        ((entity(), "[1, 2]"), "expected an entity object", 2, None),
        ((entity(), entity(entity_id="")), "entity without an id", 2, "id"),
        ((entity(), entity("Q1")), r"entity Q1 appears twice \(first on line 1\)", 2, "id"),
        (
            (entity(), json.dumps({"id": "Q3", "schema": "Person", "properties": {}})),
            "entity Q3 has no name",
            2,
            "name",
        ),
    ],
    ids=["truncated", "not-an-object", "no-id", "duplicate-id", "no-name"],
)
def test_ftm_errors_name_the_line(
    tmp_path: Path, lines: tuple[str, ...], message: str, line: int, field: str | None
) -> None:
    path = write(tmp_path, "e.ftm.json", *lines)

    with pytest.raises(ListError, match=message) as caught:
        FTM.load(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_ftm_with_only_relation_entities_is_refused_as_empty(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="no entries"):
        FTM.load(write(tmp_path, "e.ftm.json", entity("f1", "Family")))


def test_future_stamps_do_not_date_the_export(tmp_path: Path) -> None:
    path = write(tmp_path, "e.ftm.json", entity().replace("2024-01-02", "3033-01-02"))

    assert FTM.load(path).info.version_from == "modified time"


@pytest.mark.parametrize(
    ("row", "message", "field"),
    [
        ('"","Person","A","","","","","","","","","d","","",""', "empty id", "id"),
        ('"x","Person","","","","","","","","","","d","","",""', "empty name", "name"),
        ('"x","Person","A","","","","","","","","","d","",""', "record has 14 fields", None),
    ],
    ids=["no-id", "no-name", "ragged"],
)
def test_simple_csv_errors_name_line_and_field(
    tmp_path: Path, row: str, message: str, field: str | None
) -> None:
    ok = '"ok","Company","Acme","","","ru","","","","","","d","","","2024-01-01T00:00:00"'
    path = write(tmp_path, "targets.simple.csv", SIMPLE_HEADER, ok, row)

    with pytest.raises(ListError, match=message) as caught:
        SIMPLE.load(path)
    assert (caught.value.line, caught.value.field) == (3, field)


def test_simple_csv_skips_schemata_that_are_not_parties(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "targets.simple.csv",
        SIMPLE_HEADER,
        '"ok","Company","Acme","Acme Ltd;ACME Trading","","ru","","ogrn:1027",'
        '"Sanctioned by X","","","d1;d2","","",""',
        '"addr","Address","Kyiv","","","ua","","","","","","d","","",""',
    )

    (entry,) = SIMPLE.load(path).entries
    assert (entry.aliases, entry.identifiers, entry.sub_list) == (
        ("Acme Ltd", "ACME Trading"),
        ("ogrn:1027",),
        "d1; d2",
    )
    assert entry.remarks == "Sanction: Sanctioned by X"


@pytest.mark.parametrize(
    ("name", "text", "ftm", "simple"),
    [
        ("e.json", entity(), True, False),
        ("targets.simple.csv", SIMPLE_HEADER, False, True),
        ("x.json", '{"results": []}', False, False),
        ("own.csv", "id,name,schema\n", False, False),
    ],
    ids=["ftm", "simple", "other-json", "native-csv"],
)
def test_detect(tmp_path: Path, name: str, text: str, ftm: bool, simple: bool) -> None:
    path = write(tmp_path, name, text)

    assert (FTM.detect(path), SIMPLE.detect(path)) == (ftm, simple)
