"""UN Security Council consolidated list XML: the real list, and broken files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.lists.un import IMPORTER, split_names
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

PERSON = """
    <INDIVIDUAL>
      <DATAID>6908048</DATAID>
      <FIRST_NAME>SADDAM</FIRST_NAME>
      <SECOND_NAME>HUSSEIN</SECOND_NAME>
      <THIRD_NAME>AL-TIKRITI</THIRD_NAME>
      <UN_LIST_TYPE>Iraq</UN_LIST_TYPE>
      <REFERENCE_NUMBER>IQi.001</REFERENCE_NUMBER>
      <LISTED_ON>2003-06-27</LISTED_ON>
      <NAME_ORIGINAL_SCRIPT>صدام حسين التكريتي</NAME_ORIGINAL_SCRIPT>
      <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Abu Ali</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><DATE>1937-04-28</DATE></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>"""
ENTITY = """
    <ENTITY>
      <DATAID>6908026</DATAID>
      <FIRST_NAME>GREAT LAKES AIR (GLA) ; LAKES BUSINESS CO</FIRST_NAME>
      <UN_LIST_TYPE>DRC</UN_LIST_TYPE>
      <ENTITY_ALIAS><ALIAS_NAME>GLA</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ADDRESS>
        <CITY>Goma</CITY><COUNTRY>Democratic Republic of the Congo</COUNTRY>
      </ENTITY_ADDRESS>
    </ENTITY>"""


def un_xml(individuals: str = PERSON, entities: str = ENTITY) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">\n'
        f"  <INDIVIDUALS>{individuals}\n  </INDIVIDUALS>\n"
        f"  <ENTITIES>{entities}\n  </ENTITIES>\n"
        "</CONSOLIDATED_LIST>\n"
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "consolidated.xml"
    path.write_text(text, encoding="utf-8")
    return path


def by_id(entries: tuple[ListEntry, ...]) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in entries}


# --- the real list --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def un_list(shared_data: Path) -> RestrictedList:
    return IMPORTER.load(shared_data / "lists/un/UN_consolidated.xml")


def test_real_list_has_every_individual_and_entity(
    shared_data: Path, un_list: RestrictedList
) -> None:
    raw = (shared_data / "lists/un/UN_consolidated.xml").read_bytes()
    counted = Counter(m[1] for m in re.finditer(rb"<(INDIVIDUAL|ENTITY)>", raw))

    assert Counter(e.type for e in un_list.entries) == {
        EntityType.PERSON: counted[b"INDIVIDUAL"],
        EntityType.ORGANIZATION: counted[b"ENTITY"],
    }
    assert (counted[b"INDIVIDUAL"], counted[b"ENTITY"], un_list.info.entries) == (730, 273, 1_003)
    assert (un_list.info.name, un_list.info.category) == ("un-consolidated", ListCategory.SANCTIONS)


def test_real_list_is_dated_by_its_generation_date(un_list: RestrictedList) -> None:
    assert (un_list.info.version, un_list.info.version_from) == ("2026-02-27", "file")


def test_real_person_has_dataid_aliases_nationality_and_reference(un_list: RestrictedList) -> None:
    saddam = by_id(un_list.entries)["6908048"]

    assert saddam.name == "SADDAM HUSSEIN AL-TIKRITI"
    assert saddam.aliases == ("Abu Ali", "صدام حسين التكريتي")
    assert (saddam.countries, saddam.programs) == (("Iraq",), ("Iraq",))
    assert "IQi.001" in saddam.remarks and "2003-06-27" in saddam.remarks


def test_real_entity_aliases_packed_into_one_field_are_split(un_list: RestrictedList) -> None:
    nusrah = by_id(un_list.entries)["6908429"]

    assert nusrah.type is EntityType.ORGANIZATION
    assert {"Hay’at Tahrir al-Sham (HTS)", "هيئة تحرير الشام", "Jabhat al-Nusrah"} <= set(
        nusrah.aliases
    )
    assert not any(";" in a for a in nusrah.aliases)


def test_real_list_hash_is_stable(shared_data: Path, un_list: RestrictedList) -> None:
    again = IMPORTER.load(shared_data / "lists/un/UN_consolidated.xml")

    assert again.info.sha256 == un_list.info.sha256
    assert again.entries == un_list.entries


# --- small files ----------------------------------------------------------------------------


def test_small_list_maps_persons_and_entities(tmp_path: Path) -> None:
    entries = by_id(IMPORTER.load(write(tmp_path, un_xml())).entries)

    person, entity = entries["6908048"], entries["6908026"]
    assert person.remarks == "UN reference IQi.001; listed on 2003-06-27; DOB 1937-04-28"
    assert entity.name == "GREAT LAKES AIR (GLA) ; LAKES BUSINESS CO"
    assert entity.aliases == ("GLA", "GREAT LAKES AIR (GLA)", "LAKES BUSINESS CO")
    assert entity.countries == ("Democratic Republic of the Congo",)
    assert entity.addresses == ("Goma, Democratic Republic of the Congo",)


def test_truncated_xml_fails_naming_file_and_line(tmp_path: Path) -> None:
    text = un_xml()
    path = write(tmp_path, text[: text.index("<DATAID>6908026") + 10])  # cut mid-line

    with pytest.raises(ListError, match="malformed or truncated XML") as caught:
        IMPORTER.load(path)
    assert caught.value.path == str(path)
    assert caught.value.line == len(path.read_text(encoding="utf-8").splitlines())


def test_malformed_xml_fails_on_the_broken_line(tmp_path: Path) -> None:
    text = un_xml().replace("<LISTED_ON>2003-06-27</LISTED_ON>", "<LISTED_ON>2003-06-27</LISTED>")
    path = write(tmp_path, text)

    with pytest.raises(ListError, match="mismatched tag") as caught:
        IMPORTER.load(path)
    broken = next(i for i, ln in enumerate(text.splitlines(), 1) if "</LISTED>" in ln)
    assert caught.value.line == broken


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("<DATAID>6908026</DATAID>", "", "DATAID"),
        (
            "<FIRST_NAME>GREAT LAKES AIR (GLA) ; LAKES BUSINESS CO</FIRST_NAME>",
            "<FIRST_NAME/>",
            "FIRST_NAME",
        ),
    ],
    ids=["no-dataid", "empty-name"],
)
def test_record_without_id_or_name_fails_on_its_line(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    text = un_xml().replace(old, new)
    path = write(tmp_path, text)

    with pytest.raises(ListError) as caught:
        IMPORTER.load(path)
    entity_line = next(i for i, ln in enumerate(text.splitlines(), 1) if "<ENTITY>" in ln)
    assert (caught.value.line, caught.value.field) == (entity_line, field)


def test_duplicate_dataid_fails(tmp_path: Path) -> None:
    path = write(tmp_path, un_xml(individuals=PERSON + PERSON))

    with pytest.raises(ListError, match="DATAID 6908048 appears twice"):
        IMPORTER.load(path)


def test_empty_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="no entries"):
        IMPORTER.load(write(tmp_path, un_xml(individuals="", entities="")))


def test_list_without_date_falls_back_to_the_file_date(tmp_path: Path) -> None:
    path = write(tmp_path, un_xml().replace(' dateGenerated="2026-02-27T00:00:09.554Z"', ""))

    assert IMPORTER.load(path).info.version_from == "modified time"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (un_xml(), True),
        ("\ufeff" + un_xml(), True),
        ("<!-- comment -->\n<CONSOLIDATED_LIST>", True),
        ('<?xml version="1.0"?>\n<sdnList>', False),
        ("id,name\n", False),
    ],
    ids=["un", "bom", "comment-first", "other-xml", "csv"],
)
def test_detect_wants_a_consolidated_list_root(tmp_path: Path, text: str, expected: bool) -> None:
    assert IMPORTER.detect(write(tmp_path, text)) is expected


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("Abu Ali", ["Abu Ali"]),
        ("", []),
        ("Fazel Rahim; Fazil Rahim", ["Fazel Rahim", "Fazil Rahim"]),
        ("BUTEMBO AIRLINES (BAL)", ["BUTEMBO AIRLINES (BAL)"]),
        ("حسن غول (Hassan Ghul; Hasan Gul)", ["حسن غول", "Hassan Ghul", "Hasan Gul"]),
        (
            "HTS (هيئة تحرير الشام (original script); Tahrir al-Sham)",
            ["HTS", "هيئة تحرير الشام", "Tahrir al-Sham"],
        ),
        (
            "Mohammed Sabet; Mohammad Sabet b) M. Javad Sabet",
            ["Mohammed Sabet", "Mohammad Sabet", "M. Javad Sabet"],
        ),
    ],
    ids=[
        "one",
        "empty",
        "semicolons",
        "parenthesis-kept",
        "original-then-variants",
        "nested",
        "enumerated",
    ],
)
def test_split_names(field: str, names: list[str]) -> None:
    assert split_names(field) == names


def test_other_xml_is_refused_by_its_root_element(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?>\n<sdnList><sdnEntry/></sdnList>\n')

    with pytest.raises(ListError, match="root element is <sdnList>") as caught:
        IMPORTER.load(path)
    assert caught.value.line == 2
