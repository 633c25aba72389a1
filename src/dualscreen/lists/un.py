"""The UN Security Council Consolidated List XML (`consolidated.xml`)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from dualscreen.errors import ListError
from dualscreen.lists.interface import first_seen, make_list, read_head, unique_names, version_of
from dualscreen.lists.xmlstream import clean, events, root_pattern, text
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

NAME = "un-consolidated"
SOURCE = "UN Security Council Consolidated List — https://scsanctions.un.org/resources/xml/en/consolidated.xml"

_ROOT = root_pattern("CONSOLIDATED_LIST")
_RECORDS = ("INDIVIDUAL", "ENTITY")
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
_ORIGINAL_SCRIPT_NOTE = re.compile(r"\s*\(original script\)$", re.I)
_ENUMERATION = re.compile(r"\s+[a-z]\)\s+")  # "Mohammed Sabet b) M. Javad Sabet"


class UnImporter:
    """Streams the XML record by record so the whole tree is never held in memory."""

    format = "un"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        return bool(_ROOT.match(read_head(path)))

    def load(self, path: Path) -> RestrictedList:
        generated, entries = _parse(path)
        return make_list(
            name=NAME,
            format=self.format,
            category=ListCategory.SANCTIONS,
            source=SOURCE,
            path=path,
            files=[path],
            version=_version(generated) or version_of(path),
            entries=entries,
        )


IMPORTER = UnImporter()


def _parse(path: Path) -> tuple[str | None, list[ListEntry]]:
    """(dateGenerated, entries), one record at a time, each cleared once read."""
    generated: str | None = None
    entries: list[ListEntry] = []
    seen: dict[str, int | None] = {}
    record_line = 0
    for line, event, elem in events(path, "CONSOLIDATED_LIST"):
        if event == "start":
            if elem.tag in _RECORDS:
                record_line = line
            elif elem.tag == "CONSOLIDATED_LIST":
                generated = elem.get("dateGenerated")
            continue
        if elem.tag not in _RECORDS:
            continue
        entry = _entry(elem, path, record_line)
        first_seen(
            seen,
            entry.entry_id,
            record_line,
            what=f"DATAID {entry.entry_id}",
            path=path,
            field="DATAID",
        )
        entries.append(entry)
        elem.clear()
    return generated, entries


def _version(generated: str | None) -> tuple[str, str] | None:
    try:
        return date.fromisoformat((generated or "")[:10]).isoformat(), "file"
    except ValueError:
        return None


def _entry(elem: ET.Element, path: Path, line: int) -> ListEntry:
    data_id = text(elem, "DATAID")
    if not data_id:
        raise ListError(f"{elem.tag} has no DATAID", path=path, line=line, field="DATAID")
    person = elem.tag == "INDIVIDUAL"
    name = " ".join(p for p in (text(elem, t) for t in _NAME_PARTS[: 4 if person else 1]) if p)
    if not name:
        raise ListError(
            f"{elem.tag} {data_id} has no name", path=path, line=line, field="FIRST_NAME"
        )
    alias_tag = "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"
    address_tag = "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS"
    aliases = [n for a in elem.iterfind(alias_tag) for n in split_names(text(a, "ALIAS_NAME"))]
    aliases += split_names(text(elem, "NAME_ORIGINAL_SCRIPT"))
    if not person and ";" in name:  # "COMPAGNIE AERIENNE ... (CAGL) ; GREAT LAKES BUSINESS ..."
        aliases += split_names(name)
    addresses = [_address(a) for a in elem.iterfind(address_tag)]
    # Individuals carry nationalities; entities have none, so their address countries stand in.
    countries = (
        [clean(v.text) for v in elem.iterfind("NATIONALITY/VALUE")]
        if person
        else [text(a, "COUNTRY") for a in elem.iterfind(address_tag)]
    )
    return ListEntry(
        entry_id=data_id,
        name=name,
        aliases=tuple(unique_names(aliases, primary=name)),
        type=EntityType.PERSON if person else EntityType.ORGANIZATION,
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        programs=tuple(p for p in (text(elem, "UN_LIST_TYPE"),) if p),
        addresses=tuple(dict.fromkeys(a for a in addresses if a)),
        remarks=_remarks(elem),
    )


def _remarks(elem: ET.Element) -> str:
    """What an officer checks a hit against: the UN reference, listing date, birth dates, notes."""
    parts = []
    if ref := text(elem, "REFERENCE_NUMBER"):
        parts.append(f"UN reference {ref}")
    if listed := text(elem, "LISTED_ON"):
        parts.append(f"listed on {listed}")
    births = [_birth(d) for d in elem.iterfind("INDIVIDUAL_DATE_OF_BIRTH")]
    if births := [b for b in births if b]:
        parts.append("DOB " + ", ".join(births))
    if comments := text(elem, "COMMENTS1"):
        parts.append(comments)
    return "; ".join(parts)


def _birth(elem: ET.Element) -> str:
    exact = text(elem, "DATE") or text(elem, "YEAR")
    if exact:
        return exact
    low, high = text(elem, "FROM_YEAR"), text(elem, "TO_YEAR")
    return f"{low}-{high}" if low and high else low or high


def _address(elem: ET.Element) -> str:
    address = ", ".join(p for p in (text(elem, t) for t in _ADDRESS_PARTS) if p)
    note = text(elem, "NOTE")
    return f"{address} ({note})" if address and note else address


def split_names(text: str) -> list[str]:
    """UN packs variants into one field, `A; B` or `ORIGINAL (A; B)`: give each name on its own."""
    text = " ".join(text.split())
    if ";" not in text:
        return [text] if text else []
    names = []
    opening = _opening_paren(text)
    if opening > 0 and ";" in text[opening:]:
        names.append(text[:opening].strip())
        text = text[opening + 1 : -1]
    for part in text.split(";"):
        part = _ORIGINAL_SCRIPT_NOTE.sub("", part.strip())
        names.extend(p.strip() for p in _ENUMERATION.split(part))
    return [n for n in names if n]


def _opening_paren(text: str) -> int:
    """Where the parenthesis closing `text` opens, or -1 when it does not end with one."""
    if not text.endswith(")"):
        return -1
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return -1
