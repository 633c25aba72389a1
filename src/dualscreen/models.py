"""The data contract between the pipeline's stages: records in, reference data, decisions out."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PARTY_FIELDS: tuple[str, ...] = ("exporter", "consignee", "end_user", "intermediary")
"""The shipment fields that name a party to screen, in the order reasons report them."""

GOODS_FIELDS: tuple[str, ...] = (
    "hs_code",
    "description",
    "origin_country",
    "destination_country",
    "control_code",
    "license",
)
"""What is shipped, where from and where to, under which control code and licence: the fields
the commodity, destination, export-ban and control rules read."""

SHIPMENT_FIELDS: tuple[str, ...] = (
    "id",
    *PARTY_FIELDS,
    *GOODS_FIELDS,
    "quantity",
    "unit",
    "value",
    "currency",
    "date",
)
"""Canonical input fields; any other column is kept and echoed back untouched."""


class Action(StrEnum):
    """What a reason asks for. Ordered: a decision takes the worst of its reasons."""

    PASS = "pass"
    MONITOR = "monitor"  # annotate only: the record is of interest but passes
    FLAG = "flag"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Action.PASS: 0, Action.MONITOR: 1, Action.FLAG: 2, Action.BLOCK: 3}


class Verdict(StrEnum):
    """The decision on a record, as scripts read it."""

    PASS = "pass"
    FLAG = "flag"
    BLOCK = "block"

    @property
    def exit_code(self) -> int:
        return {Verdict.PASS: 0, Verdict.FLAG: 3, Verdict.BLOCK: 4}[self]


class ReasonKind(StrEnum):
    PARTY = "party"
    DESTINATION = "destination"
    EXPORT_BAN = "export_ban"
    CONTROL = "control"
    COMMODITY = "commodity"
    INPUT = "input"


class EntityType(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


class Shipment(BaseModel):
    """One input record after field mapping and validation; values are cleaned strings."""

    model_config = ConfigDict(frozen=True)

    id: str
    exporter: str = ""
    consignee: str = ""
    end_user: str = ""
    intermediary: str = ""
    hs_code: str = ""  # digits only
    description: str = ""
    origin_country: str = ""  # ISO 3166-1 alpha-2 or 3166-2 subdivision, upper case
    destination_country: str = ""
    control_code: str = ""  # upper case, e.g. 1C240 or EAR99
    license: str = ""
    quantity: str = ""
    unit: str = ""
    value: str = ""
    currency: str = ""
    date: dt.date | None = None

    def parties(self) -> list[tuple[str, str]]:
        """(field, name) for every non-empty party field."""
        return [(f, getattr(self, f)) for f in PARTY_FIELDS if getattr(self, f)]


class ListEntry(BaseModel):
    """One restricted party as its list publishes it, with what an officer needs to verify a hit."""

    model_config = ConfigDict(frozen=True)

    entry_id: str  # the list's own id: OFAC ent_num, UN DATAID, ...
    name: str
    aliases: tuple[str, ...] = ()
    type: EntityType = EntityType.UNKNOWN
    countries: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    remarks: str = ""
    sub_list: str = ""  # for aggregated lists: the list within the list (CSL `source`, ...)
    identifiers: tuple[str, ...] = ()  # registration, passport, IMO numbers, as "type: value"
    birth_dates: tuple[str, ...] = ()  # as published: a year, a date or a range
    citation: str = ""  # Federal Register citation or the publisher's page for the entry
    license_requirement: str = ""  # Entity List: the licence the listing imposes
    start_date: dt.date | None = None  # when the listing took effect
    end_date: dt.date | None = None  # an order that lapses (BIS denial orders have one)


class ListCategory(StrEnum):
    SANCTIONS = "sanctions"
    DENIED = "denied"
    CONSOLIDATED = "consolidated"  # many lists in one (US CSL): policy per sub-list
    INTERNAL = "internal"
    OTHER = "other"


class ListInfo(BaseModel):
    """What identifies a loaded list, for `lists show`, the run summary and reproducibility."""

    model_config = ConfigDict(frozen=True)

    name: str
    format: str
    category: ListCategory
    source: str  # the publisher and where it publishes the file
    path: str
    version: str  # the list's own date where it says one, else the file's
    version_from: str  # where `version` came from: "file", "folder name", "modified time"
    entries: int
    names: int  # primary names plus aliases
    sha256: str


class RestrictedList(BaseModel):
    """A loaded restricted-party list: its identity plus its entries."""

    model_config = ConfigDict(frozen=True)

    info: ListInfo
    entries: tuple[ListEntry, ...]


class ReviewStatus(StrEnum):
    """Where an officer's review of a party hit stands on the screening date."""

    CLEARED = "cleared"  # a false positive: shown, but does not raise the decision
    CONFIRMED = "confirmed"  # a true match: shown, and counts as before
    LAPSED = "lapsed"  # a clearance that expired or whose list entry changed: counts again


class ReviewNote(BaseModel):
    """The review a party reason carries when a case store holds one for its party and entry."""

    model_config = ConfigDict(frozen=True)

    status: ReviewStatus
    reviewer: str
    reason: str
    date: dt.date  # when the review was recorded
    expires: dt.date | None = None
    why: str | None = None  # lapsed: why the clearance no longer holds


class TokenMatch(StrEnum):
    """How a query word lined up with a listed word, weakest evidence last."""

    EXACT = "exact"  # the same word after folding case, accents and script
    JOINED = "joined"  # one word written as two ("Abdulrahman" / "Abdul Rahman")
    TRANSLITERATION = "transliteration"  # the same consonants spelt another way (Sergey/Sergei)
    TYPO = "typo"  # a close spelling: a letter added, dropped, changed or swapped
    INITIAL = "initial"  # a lone letter for a word it begins ("V." for Vladimir)


class AlignedToken(BaseModel):
    """One query word and the listed word(s) it stands for."""

    model_config = ConfigDict(frozen=True)

    query: str
    listed: str
    how: TokenMatch
    similarity: float  # 1.0 for an exact word, the edit similarity of a typo, 0.5 an initial


class CountryCheck(BaseModel):
    """The record's country for the party against the countries the list gives the entry."""

    model_config = ConfigDict(frozen=True)

    record: str  # ISO 3166-1 alpha-2, from the record field named in `source`
    source: str  # origin_country for the exporter, destination_country for consignee, end user
    listed: tuple[str, ...]  # the entry's countries, as alpha-2 codes
    agrees: bool
    adjustment: float  # what it added to (or took from) the confidence; never to the score


class MatchDetail(BaseModel):
    """Why a party name matched a listed name, as data: the words that lined up, the words
    left over on either side, what normalisation set aside, and what moved the confidence.
    Computed for the hits that become reasons only, never for every candidate."""

    model_config = ConfigDict(frozen=True)

    method: str  # exact, fuzzy or subset: how the score was reached
    entity_type: EntityType  # whose rules the confidence followed: persons are order-free
    aligned: tuple[AlignedToken, ...] = ()
    query_only: tuple[str, ...] = ()  # query words with no listed counterpart
    listed_only: tuple[str, ...] = ()  # listed words the query lacks (a missing middle name)
    normalised: tuple[str, ...] = ()  # what was folded or set aside, one phrase each
    adjustments: tuple[str, ...] = ()  # what else moved the confidence: word order, party kind
    name_confidence: float  # the confidence on the names alone, before the country check
    country: CountryCheck | None = None
    summary: str  # all of the above on one line, as the explanation shows it


class Reason(BaseModel):
    """One finding on a record. Party reasons name the list entry, field, matched text and score,
    and say how likely the match is (`confidence`) and why the names matched (`match`)."""

    model_config = ConfigDict(frozen=True)

    kind: ReasonKind
    action: Action
    rule: str
    explanation: str
    basis: str = ""
    field: str | None = None
    value: str | None = None
    list: str | None = None
    list_version: str | None = None
    sub_list: str | None = None
    entry_id: str | None = None
    matched_name: str | None = None
    score: float | None = None
    programs: tuple[str, ...] | None = None
    mineral: str | None = None
    stage: str | None = None
    line: int | None = None  # input reasons: where in the source the problem is
    review: ReviewNote | None = None  # set only when screening with a case store
    confidence: float | None = None
    """Party reasons: how likely the hit is the listed party, in [0, 1), for ranking a review
    queue. `score` says whether the names are the same (1.0: equal after normalisation) and is
    what the rules' thresholds act on; `confidence` weighs how much those names identify
    (rare, long names above common short ones, words left over below), the entity type and
    the countries. It never changes an action."""
    match: MatchDetail | None = None  # party reasons: why the names matched (MatchDetail)

    @property
    def cleared(self) -> bool:
        """A reviewed false positive: kept in the reasons, left out of the decision."""
        return self.review is not None and self.review.status is ReviewStatus.CLEARED

    @property
    def action_label(self) -> str:
        """The action as the table and CSV writers show it, with the review when there is one."""
        note = self.review
        if note is None:
            return self.action.value
        if note.status is ReviewStatus.LAPSED:
            return f"{self.action.value}, clearance lapsed: {note.why}"
        return f"{self.action.value}, {note.status.value} by {note.reviewer} on {note.date}"


class Decision(BaseModel):
    """The outcome for one input record: one per record, in input order."""

    model_config = ConfigDict(frozen=True)

    id: str
    decision: Verdict
    reasons: tuple[Reason, ...] = ()
    record: dict[str, Any] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """The documented JSON shape: id first, reasons without empty optional keys."""
        return {
            "id": self.id,
            "decision": self.decision.value,
            "reasons": [r.model_dump(mode="json", exclude_none=True) for r in self.reasons],
            "record": self.record,
        }
