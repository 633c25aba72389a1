"""The EU consolidated list of persons, groups and entities subject to financial sanctions (FSF).

Two forms of one list: the XML (`export` root, one `sanctionEntity` per subject with its
`nameAlias`, `regulation`, `citizenship`, `birthdate`, `identification` and `address` children)
and the `;`-separated CSV, which repeats the entity's columns on one row per name, address,
birth date, document or citizenship. Both are assembled into the same entries.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dualscreen.errors import ListError
from dualscreen.lists.delimited import strict_rows
from dualscreen.lists.interface import (
    decode_text,
    first_seen,
    make_list,
    read_bytes,
    read_head,
    unique_names,
    version_of,
)
from dualscreen.lists.xmlstream import clean, events, root_pattern
from dualscreen.models import EntityType, ListCategory, ListEntry, RestrictedList

NAME = "eu-fsf"
SOURCE = (
    "EU consolidated financial sanctions list (FSF) — "
    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
)
CSV_SOURCE = (
    "EU consolidated financial sanctions list (FSF, CSV) — "
    "https://webgate.ec.europa.eu/fsd/fsf/public/files/csvFullSanctionsList_1_1/content"
)

_ROOT = root_pattern("export")
_CSV_REQUIRED = ("Entity_LogicalId", "NameAlias_WholeName")
_TYPES = {
    "person": EntityType.PERSON,
    "p": EntityType.PERSON,
    "enterprise": EntityType.ORGANIZATION,
    "e": EntityType.ORGANIZATION,
}

Get = Callable[[str], str]
"""Reads one attribute of an XML element, or one column of a CSV row, as tidy text."""


class EuXmlImporter:
    """Streams `sanctionEntity` records out of the FSF XML export."""

    format = "eu-fsf-xml"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        head = read_head(path)
        return bool(_ROOT.match(head)) and (b"sanctionEntity" in head or b"eu.europa" in head)

    def load(self, path: Path) -> RestrictedList:
        generated = ""
        subjects: list[_Subject] = []
        seen: dict[str, int | None] = {}
        line_of_entity = 0
        for line, event, elem in events(path, "export"):
            if event == "start":
                if elem.tag == "export":
                    generated = elem.get("generationDate", "")
                elif elem.tag == "sanctionEntity":
                    line_of_entity = line
                continue
            if elem.tag != "sanctionEntity":
                continue
            subject = _from_xml(elem, path, line_of_entity)
            first_seen(
                seen,
                subject.logical_id,
                line_of_entity,
                what=f"logicalId {subject.logical_id}",
                path=path,
                field="logicalId",
            )
            subjects.append(subject)
            elem.clear()
        version = _lenient_date(generated)
        return make_list(
            name=NAME,
            format=self.format,
            category=ListCategory.SANCTIONS,
            source=SOURCE,
            path=path,
            files=[path],
            version=(version.isoformat(), "file") if version else version_of(path),
            entries=[s.entry(path) for s in subjects],
        )


class EuCsvImporter:
    """The CSV form: rows grouped by `Entity_LogicalId`, columns read by name."""

    format = "eu-fsf-csv"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        first = next(iter(decode_text(read_head(path)).splitlines()), "")
        try:
            header = {c.strip() for c in next(csv.reader([first], delimiter=";"), [])}
        except csv.Error:
            return False
        return set(_CSV_REQUIRED) <= header

    def load(self, path: Path) -> RestrictedList:
        header, _, rows = strict_rows(path, decode_text(read_bytes(path)), delimiter=";")
        if missing := [c for c in _CSV_REQUIRED if c not in header]:
            raise ListError(
                f"not an EU FSF list: missing column {missing[0]!r}",
                path=path,
                line=1,
                field=missing[0],
            )
        subjects: dict[str, _Subject] = {}
        generated: date | None = None
        for line, row in rows:
            values = {c: clean(v) for c, v in zip(header, row, strict=True)}
            logical_id = values["Entity_LogicalId"]
            if not logical_id:
                raise ListError(
                    "empty Entity_LogicalId", path=path, line=line, field="Entity_LogicalId"
                )
            subject = subjects.get(logical_id)
            if subject is None:
                subject = _Subject(logical_id, line, name_field="NameAlias_WholeName")
                subjects[logical_id] = subject
            _add_csv_row(subject, values)
            generated = generated or _lenient_date(values.get("fileGenerationDate", ""))
        return make_list(
            name=NAME,
            format=self.format,
            category=ListCategory.SANCTIONS,
            source=CSV_SOURCE,
            path=path,
            files=[path],
            version=(generated.isoformat(), "file") if generated else version_of(path),
            entries=[s.entry(path) for s in subjects.values()],
        )


XML = EuXmlImporter()
CSV = EuCsvImporter()


@dataclass
class _Regulation:
    published: date | None
    in_force: date | None
    citation: str


@dataclass
class _Subject:
    """One sanctioned subject being assembled from XML children or CSV rows."""

    logical_id: str
    line: int
    name_field: str = "nameAlias"  # where a missing name is reported
    type: EntityType = EntityType.UNKNOWN
    names: list[str] = field(default_factory=list)
    strong: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    regulations: list[_Regulation] = field(default_factory=list)
    designated: date | None = None

    def entity(self, get: Get) -> None:
        """The subject's own fields: references, designation date, remark, type."""
        if reference := get("euReferenceNumber"):
            self.remarks.append(f"EU reference {reference}")
        if un_id := get("unitedNationId"):
            self.remarks.append(f"UN reference {un_id}")
        self.designated = self.designated or _lenient_date(get("designationDate"))
        if details := get("designationDetails"):
            self.remarks.append(details)

    def subject_type(self, *codes: str) -> None:
        for code in codes:
            if self.type is EntityType.UNKNOWN:
                self.type = _TYPES.get(code.lower(), EntityType.UNKNOWN)

    def name(self, get: Get, strong: bool) -> None:
        name = get("wholeName") or " ".join(
            p for p in (get("firstName"), get("middleName"), get("lastName")) if p
        )
        if not name:
            return
        self.names.append(name)
        if strong:
            self.strong.append(name)
        if function := get("function"):
            self.remarks.append(f"Function: {function}")
        if title := get("title"):
            self.remarks.append(f"Title: {title}")

    def regulation(self, get: Get, url: str) -> None:
        if programme := get("programme"):
            self.programs.append(programme)
        citation = " ".join(p for p in (get("numberTitle"), url) if p)
        if citation or get("publicationDate"):
            self.regulations.append(
                _Regulation(
                    _lenient_date(get("publicationDate")),
                    _lenient_date(get("entryIntoForceDate")),
                    citation,
                )
            )

    def citizenship(self, get: Get) -> None:
        if country := get("countryIso2Code") or get("countryDescription"):
            self.countries.append(country)

    def birth(self, get: Get) -> None:
        low, high = get("yearRangeFrom"), get("yearRangeTo")
        born = get("birthdate") or get("year") or (f"{low}-{high}" if low and high else low or high)
        if born:
            circa = get("circa").lower() == "true"
            self.birth_dates.append(f"circa {born}" if circa else born)
        place = ", ".join(p for p in (get("city"), get("place"), get("countryDescription")) if p)
        if place:
            self.remarks.append(f"POB {place}")

    def identification(self, get: Get) -> None:
        number = get("number") or get("latinNumber")
        if not number:
            return
        kind = get("identificationTypeDescription") or get("identificationTypeCode")
        country = get("countryIso2Code") or get("countryDescription")
        value = f"{number} ({country})" if country else number
        self.identifiers.append(f"{kind}: {value}" if kind else value)

    def address(self, get: Get) -> None:
        parts = ("street", "poBox", "city", "zipCode", "region", "place", "countryDescription")
        if address := ", ".join(p for p in (get(k) for k in parts) if p):
            self.addresses.append(address)
        if country := get("countryIso2Code"):
            self.countries.append(country)

    def entry(self, path: Path) -> ListEntry:
        if not self.names:
            raise ListError(
                f"subject {self.logical_id} has no name",
                path=path,
                line=self.line,
                field=self.name_field,
            )
        # The EU marks no primary name; its first strong (reliable) alias stands for one.
        name = (self.strong or self.names)[0]
        regulations = sorted(self.regulations, key=lambda r: r.published or date.max)
        listed = next((r.in_force or r.published for r in regulations), None)
        return ListEntry(
            entry_id=self.logical_id,
            name=name,
            aliases=tuple(unique_names(self.names, primary=name)),
            type=self.type,
            countries=tuple(dict.fromkeys(c.upper() if len(c) == 2 else c for c in self.countries)),
            programs=tuple(dict.fromkeys(self.programs)),
            addresses=tuple(dict.fromkeys(self.addresses)),
            remarks="; ".join(dict.fromkeys(self.remarks)),
            identifiers=tuple(dict.fromkeys(self.identifiers)),
            birth_dates=tuple(dict.fromkeys(self.birth_dates)),
            # The regulation that first listed the subject is what an officer cites.
            citation=regulations[0].citation if regulations else "",
            start_date=self.designated or listed,
        )


def _from_xml(elem: ET.Element, path: Path, line: int) -> _Subject:
    logical_id = clean(elem.get("logicalId"))
    if not logical_id:
        raise ListError("sanctionEntity has no logicalId", path=path, line=line, field="logicalId")
    subject = _Subject(logical_id, line)
    subject.entity(_attributes(elem))
    if remark := clean(elem.findtext("remark")):
        subject.remarks.append(remark)
    for kind in elem.iterfind("subjectType"):
        subject.subject_type(clean(kind.get("code")), clean(kind.get("classificationCode")))
    for alias in elem.iterfind("nameAlias"):
        subject.name(_attributes(alias), strong=alias.get("strong", "").lower() == "true")
    for regulation in elem.iterfind("regulation"):
        subject.regulation(_attributes(regulation), clean(regulation.findtext("publicationUrl")))
    for child in elem.iterfind("citizenship"):
        subject.citizenship(_attributes(child))
    for child in elem.iterfind("birthdate"):
        subject.birth(_attributes(child))
    for child in elem.iterfind("identification"):
        subject.identification(_attributes(child))
    for child in elem.iterfind("address"):
        subject.address(_attributes(child))
    return subject


def _attributes(elem: ET.Element) -> Get:
    return lambda key: clean(elem.get(key))


# The CSV's column for each XML attribute, per block. Only what the entry uses is listed.
_CSV_BLOCKS: dict[str, dict[str, str]] = {
    "Entity": {
        "euReferenceNumber": "EU_ReferenceNumber",
        "unitedNationId": "UnitedNationId",
        "designationDate": "DesignationDate",
        "designationDetails": "DesignationDetails",
    },
    "Entity_Regulation": {
        "programme": "Programme",
        "numberTitle": "NumberTitle",
        "publicationDate": "PublicationDate",
        "entryIntoForceDate": "EntryIntoForceDate",
    },
    "NameAlias": {
        "wholeName": "WholeName",
        "firstName": "FirstName",
        "middleName": "MiddleName",
        "lastName": "LastName",
        "function": "Function",
        "title": "Title",
    },
    "Citizenship": {
        "countryIso2Code": "CountryIso2Code",
        "countryDescription": "CountryDescription",
    },
    "BirthDate": {
        "birthdate": "BirthDate",
        "year": "Year",
        "yearRangeFrom": "YearRangeFrom",
        "yearRangeTo": "YearRangeTo",
        "circa": "Circa",
        "city": "City",
        "place": "Place",
        "countryDescription": "CountryDescription",
    },
    "Identification": {
        "number": "Number",
        "latinNumber": "LatinNumber",
        "identificationTypeCode": "TypeCode",
        "identificationTypeDescription": "TypeDescription",
        "countryIso2Code": "CountryIso2Code",
        "countryDescription": "CountryDescription",
    },
    "Address": {
        "street": "Street",
        "poBox": "PoBox",
        "city": "City",
        "zipCode": "ZipCode",
        "region": "Region",
        "place": "Place",
        "countryIso2Code": "CountryIso2Code",
        "countryDescription": "CountryDescription",
    },
}


def _add_csv_row(subject: _Subject, row: dict[str, str]) -> None:
    def block(prefix: str) -> Get:
        columns = _CSV_BLOCKS[prefix]
        return lambda key: row.get(f"{prefix}_{columns[key]}", "") if key in columns else ""

    subject.entity(block("Entity"))
    if remark := row.get("Entity_Remark", ""):
        subject.remarks.append(remark)
    subject.subject_type(
        row.get("Entity_SubjectType_ClassificationCode", ""), row.get("Entity_SubjectType", "")
    )
    # The CSV has no `strong` flag: its first name row stands for the primary name.
    subject.name(block("NameAlias"), strong=False)
    subject.regulation(block("Entity_Regulation"), row.get("Entity_Regulation_PublicationUrl", ""))
    subject.citizenship(block("Citizenship"))
    subject.birth(block("BirthDate"))
    subject.identification(block("Identification"))
    subject.address(block("Address"))


_DMY = re.compile(r"\d{2}/\d{2}/\d{4}")


def _lenient_date(value: str) -> date | None:
    """ISO (`2022-10-28`, or the start of a timestamp) or DD/MM/YYYY as the CSV writes its
    generation date. These dates only say when a listing or the file was made, never whether a
    listing holds, and no full EU file could be checked here: an unreadable one is left out
    rather than refusing the whole list."""
    value = value.strip()
    try:
        if _DMY.fullmatch(value):
            return datetime.strptime(value, "%d/%m/%Y").date()
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
