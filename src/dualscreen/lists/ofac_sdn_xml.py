"""OFAC's SDN list in its classic XML form (`sdn.xml`), and the non-SDN `consolidated.xml`.

Both follow OFAC's `sdnList.xsd`: a `publshInformation` header (sic) with the publish date and
record count, then one `sdnEntry` per listed party with its akas, addresses, ids, dates of birth
and nationalities as child lists. The record count lets a cut-off download fail instead of
loading short.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from dualscreen.errors import ListError
from dualscreen.lists import ofac_sdn
from dualscreen.lists.interface import first_seen, make_list, read_head, unique_names, version_of
from dualscreen.lists.xmlstream import events, root_pattern, text
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

SOURCE = "US Treasury OFAC SDN list (XML) — https://www.treasury.gov/ofac/downloads/sdn.xml"
CONS_SOURCE = (
    "US Treasury OFAC consolidated non-SDN lists (XML) — "
    "https://www.treasury.gov/ofac/downloads/consolidated/consolidated.xml"
)
ENTRY_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={uid}"
"""OFAC's own page for an entry, by its uid: what an officer opens to verify a hit."""

_ROOT = root_pattern("sdnList")
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_ADDRESS_PARTS = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode")
_VESSEL_FIELDS = (
    ("callSign", "Call sign"),
    ("vesselType", "Vessel type"),
    ("tonnage", "Tonnage"),
    ("grossRegisteredTonnage", "GRT"),
    ("vesselFlag", "Flag"),
    ("vesselOwner", "Owner"),
)


class OfacSdnXmlImporter:
    """Streams `sdnEntry` records; a file named `cons*.xml` is OFAC's non-SDN consolidated list."""

    format = "ofac-sdn-xml"

    def detect(self, path: Path) -> bool:
        return path.is_file() and bool(_ROOT.match(read_head(path)))

    def load(self, path: Path) -> RestrictedList:
        published, count, count_line, entries = _parse(path)
        if count is not None and count != len(entries):
            raise ListError(
                f"Record_Count says {count} entries but the file holds {len(entries)}: "
                "the file is truncated or was edited",
                path=path,
                line=count_line,
                field="Record_Count",
            )
        consolidated = path.name.lower().startswith("cons")
        return make_list(
            name=ofac_sdn.CONS.name if consolidated else ofac_sdn.SDN.name,
            format=self.format,
            category=ListCategory.SANCTIONS,
            source=CONS_SOURCE if consolidated else SOURCE,
            path=path,
            files=[path],
            version=(published, "file") if published else version_of(path),
            entries=entries,
        )


IMPORTER = OfacSdnXmlImporter()


def _parse(path: Path) -> tuple[str | None, int | None, int | None, list[ListEntry]]:
    """(publish date, record count and its line, entries), one sdnEntry at a time."""
    published: str | None = None
    count: int | None = None
    count_line: int | None = None
    entries: list[ListEntry] = []
    seen: dict[str, int | None] = {}
    entry_line = 0
    for line, event, elem in events(path, "sdnList"):
        if event == "start":
            if elem.tag == "sdnEntry":
                entry_line = line
            continue
        if elem.tag == "Publish_Date":
            published = _us_date(text(elem, "."), path, line)
        elif elem.tag == "Record_Count":
            count, count_line = _count(text(elem, "."), path, line), line
        elif elem.tag == "sdnEntry":
            entry = _entry(elem, path, entry_line)
            first_seen(
                seen,
                entry.entry_id,
                entry_line,
                what=f"uid {entry.entry_id}",
                path=path,
                field="uid",
            )
            entries.append(entry)
            elem.clear()
    return published, count, count_line, entries


def _us_date(value: str, path: Path, line: int) -> str:
    try:
        return datetime.strptime(value, "%m/%d/%Y").date().isoformat()
    except ValueError:
        raise ListError(
            f"Publish_Date {value!r} is not a MM/DD/YYYY date",
            path=path,
            line=line,
            field="Publish_Date",
        ) from None


def _count(value: str, path: Path, line: int) -> int:
    if not (value.isascii() and value.isdigit()):
        raise ListError(
            f"Record_Count {value!r} is not a number", path=path, line=line, field="Record_Count"
        )
    return int(value)


def _entry(elem: ET.Element, path: Path, line: int) -> ListEntry:
    uid = text(elem, "uid")
    if not (uid.isascii() and uid.isdigit()):
        raise ListError(f"uid {uid!r} is not an integer", path=path, line=line, field="uid")
    uid = str(int(uid))
    name = _name(elem)
    if not name:
        raise ListError(f"sdnEntry {uid} has no lastName", path=path, line=line, field="lastName")
    aliases = [_name(aka) for aka in elem.iterfind("akaList/aka")]
    addresses = [_address(a) for a in elem.iterfind("addressList/address")]
    countries = [text(a, "country") for a in elem.iterfind("addressList/address")]
    countries += [text(n, "country") for n in elem.iterfind("nationalityList/nationality")]
    countries += [text(c, "country") for c in elem.iterfind("citizenshipList/citizenship")]
    return ListEntry(
        entry_id=uid,
        name=name,
        aliases=tuple(unique_names(aliases, primary=name)),
        type=_TYPES.get(text(elem, "sdnType").lower(), EntityType.UNKNOWN),
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        programs=tuple(dict.fromkeys(p for p in _texts(elem, "programList/program") if p)),
        addresses=tuple(dict.fromkeys(a for a in addresses if a)),
        remarks=_remarks(elem),
        identifiers=tuple(dict.fromkeys(_identifier(i) for i in elem.iterfind("idList/id"))),
        birth_dates=tuple(_texts(elem, "dateOfBirthList/dateOfBirthItem/dateOfBirth")),
        citation=ENTRY_URL.format(uid=uid),
    )


def _name(elem: ET.Element) -> str:
    """`LAST, First` as the CSV files write it, so both forms of the list give the same names."""
    last, first = text(elem, "lastName"), text(elem, "firstName")
    return f"{last}, {first}" if last and first else last or first


def _address(elem: ET.Element) -> str:
    return ", ".join(p for p in (*_texts(elem, *_ADDRESS_PARTS), text(elem, "country")) if p)


def _identifier(elem: ET.Element) -> str:
    kind, number, country = text(elem, "idType"), text(elem, "idNumber"), text(elem, "idCountry")
    value = f"{number} ({country})" if number and country else number or country
    return f"{kind}: {value}" if kind and value else kind or value


def _remarks(elem: ET.Element) -> str:
    parts = []
    if title := text(elem, "title"):
        parts.append(f"Title: {title}")
    parts += [f"POB {p}" for p in _texts(elem, "placeOfBirthList/placeOfBirthItem/placeOfBirth")]
    vessel = elem.find("vesselInfo")
    if vessel is not None:
        parts += [f"{label}: {v}" for tag, label in _VESSEL_FIELDS if (v := text(vessel, tag))]
    if remarks := text(elem, "remarks"):
        parts.append(remarks)
    return "; ".join(p for p in parts if p)


def _texts(elem: ET.Element, *paths: str) -> list[str]:
    return [t for p in paths for t in (text(e, ".") for e in elem.iterfind(p)) if t]
