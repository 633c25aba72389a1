"""Rule kinds as validated pydantic models: what a rules YAML file may say, and nothing else."""

from __future__ import annotations

import re
from datetime import date
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dualscreen.models import PARTY_FIELDS, SHIPMENT_FIELDS, Action, ListCategory, Reason
from dualscreen.rules.template import placeholders

PartyField = Literal["exporter", "consignee", "end_user", "intermediary"]
_PARTY_FIELDS: tuple[PartyField, ...] = ("exporter", "consignee", "end_user", "intermediary")
assert _PARTY_FIELDS == PARTY_FIELDS
_RECORD_PLACEHOLDERS = frozenset(SHIPMENT_FIELDS) | {"rule_id"}
_COUNTRY = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleBase(_Strict):
    """What every rule has: who it is, what it does, why (basis), and when it is in force."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    title: str
    action: Action
    explanation: str
    basis: str
    effective_from: date | None = None
    effective_to: date | None = None

    hit_placeholders: ClassVar[frozenset[str]] = frozenset()
    """Placeholders an explanation may use beyond the record's fields; set per kind."""

    @model_validator(mode="after")
    def _check(self) -> RuleBase:
        allowed = _RECORD_PLACEHOLDERS | type(self).hit_placeholders
        unknown = sorted(placeholders(self.explanation) - allowed)
        if unknown:
            raise ValueError(
                f"explanation uses unknown placeholder(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or on >= self.effective_from) and (
            self.effective_to is None or on <= self.effective_to
        )


class Thresholds(_Strict):
    """Scores in [0, 1]: at or above `block` a match blocks, at or above `flag` it flags.
    `block: null` means matches on these lists never block, only flag."""

    flag: Annotated[float, Field(ge=0.0, le=1.0)]
    block: Annotated[float, Field(ge=0.0, le=1.0)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.block is not None and self.block < self.flag:
            raise ValueError("block threshold is below the flag threshold")
        return self


class PartyRule(RuleBase):
    """Screen the parties of a record against restricted-party lists."""

    kind: Literal["party"]
    action: Action = Action.BLOCK
    lists: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    categories: list[ListCategory] | None = None
    fields: list[PartyField] = Field(default_factory=lambda: list(_PARTY_FIELDS), min_length=1)
    thresholds: Thresholds
    per_list: dict[str, Thresholds] = Field(default_factory=dict)
    sub_lists: list[str] | None = None
    """For lists of lists (US CSL): the sub-lists (patterns, case-insensitive) this rule acts on."""
    exclude_sub_lists: list[str] = Field(default_factory=list)
    destinations: list[str] | None = None
    """Act only on shipments to these destinations (MEU listings bind exports to RU, CN, ...)."""
    hit_placeholders: ClassVar[frozenset[str]] = frozenset(
        {
            "field",
            "value",
            "list",
            "list_version",
            "entry_id",
            "matched_name",
            "score",
            "confidence",
            "match",
            "method",
            "programs",
            "entry_type",
            "sub_list",
            "license_requirement",
            "note",
        }
    )

    _norm_destinations = field_validator("destinations")(
        lambda values: None if values is None else _countries(values)
    )

    def covers(self, list_name: str, category: ListCategory) -> bool:
        return any(fnmatchcase(list_name, p) for p in self.lists) and (
            self.categories is None or category in self.categories
        )

    def covers_sub_list(self, sub_list: str) -> bool:
        """Entries without a sub-list belong to any rule; with one, the patterns decide."""
        if not sub_list:
            return True
        name = sub_list.casefold()
        included = self.sub_lists is None or any(
            fnmatchcase(name, p.casefold()) for p in self.sub_lists
        )
        return included and not any(fnmatchcase(name, p.casefold()) for p in self.exclude_sub_lists)

    def thresholds_for(self, list_name: str) -> Thresholds:
        for pattern, thresholds in self.per_list.items():
            if fnmatchcase(list_name, pattern):
                return thresholds
        return self.thresholds


def _countries(values: list[str]) -> list[str]:
    upper = [v.strip().upper() for v in values]
    bad = [v for v in upper if not _COUNTRY.match(v)]
    if bad:
        raise ValueError(f"not ISO 3166 codes: {', '.join(bad)}")
    return upper


class DestinationRule(RuleBase):
    """Destinations of concern. A subdivision (UA-43) matches only itself; a country (IR)
    matches itself and its subdivisions."""

    kind: Literal["destination"]
    countries: list[str] = Field(min_length=1)
    goods: Literal["all", "strategic", "controlled"] = "all"
    hit_placeholders: ClassVar[frozenset[str]] = frozenset({"country", "goods"})

    _norm_countries = field_validator("countries")(_countries)


class ExportBanRule(RuleBase):
    """An origin country's ban on exporting goods under some HS prefixes, from a date."""

    kind: Literal["export_ban"]
    origins: list[str] = Field(min_length=1)
    hs_prefixes: list[Annotated[str, Field(pattern=r"^\d{2,10}$")]] = Field(min_length=1)
    hit_placeholders: ClassVar[frozenset[str]] = frozenset({"hs_prefix"})

    _norm_origins = field_validator("origins")(_countries)


class ControlRule(RuleBase):
    """Items on a control list (ECCN / EU Annex I) shipped without a licence."""

    kind: Literal["control"]
    codes: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    exempt: list[str] = Field(default_factory=lambda: ["EAR99"])
    hit_placeholders: ClassVar[frozenset[str]] = frozenset()

    def applies_to(self, control_code: str) -> bool:
        code = control_code.upper()
        return (
            bool(code)
            and code not in {e.upper() for e in self.exempt}
            and any(fnmatchcase(code, p.upper()) for p in self.codes)
        )


class Commodity(_Strict):
    """One HS prefix of interest; `keywords` narrows a basket code to the goods that matter."""

    hs: Annotated[str, Field(pattern=r"^\d{4,10}$")]
    title: str
    mineral: str
    stage: str
    keywords: list[str] = Field(default_factory=list)
    note: str = ""


class CommodityRule(RuleBase):
    """Classify goods (critical minerals, dual-use items) so they are monitored and so
    destination rules for strategic goods apply to them."""

    kind: Literal["commodity"]
    action: Action = Action.MONITOR
    commodities: list[Commodity] = Field(min_length=1)
    hit_placeholders: ClassVar[frozenset[str]] = frozenset(
        {"mineral", "stage", "commodity", "hs_prefix"}
    )

    @cached_property
    def by_prefix(self) -> dict[str, tuple[Commodity, ...]]:
        """The commodities by HS prefix, in file order: a record's code is looked up by its
        own prefixes (4 to 10 digits) instead of tested against every commodity."""
        found: dict[str, tuple[Commodity, ...]] = {}
        for c in self.commodities:
            found[c.hs] = (*found.get(c.hs, ()), c)
        return found


Rule = Annotated[
    PartyRule | DestinationRule | ExportBanRule | ControlRule | CommodityRule,
    Field(discriminator="kind"),
]


class RuleFile(_Strict):
    """One rules YAML file."""

    pack: str | None = None
    version: str | None = None
    description: str | None = None
    rules: list[Rule] = Field(min_length=1)


class RuleSet(BaseModel):
    """All rules of a run, with the identity of the files they came from."""

    model_config = ConfigDict(frozen=True)

    rules: tuple[Rule, ...]
    files: tuple[tuple[str, str, str], ...]  # (path, version, sha256)
    sha256: str

    # Asked for once per record: worked out once per rule set (and per date) instead. Cached
    # properties, not private attributes: those go through pydantic's slow `__getattr__`.
    @cached_property
    def _party_rules(self) -> tuple[PartyRule, ...]:
        return tuple(r for r in self.rules if isinstance(r, PartyRule))

    @cached_property
    def _cutoff(self) -> float:
        cutoffs = [t.flag for r in self._party_rules for t in (r.thresholds, *r.per_list.values())]
        return min(cutoffs, default=1.0)

    @cached_property
    def party_fields(self) -> tuple[str, ...]:
        """The party fields any party rule screens, in the order the rules name them."""
        return tuple(dict.fromkeys(f for r in self._party_rules for f in r.fields))

    @cached_property
    def explained_fields(self) -> tuple[str, ...]:
        """The record fields the explanations of the rules other than party rules name."""
        named = {
            field
            for rule in self.rules
            if not isinstance(rule, PartyRule)
            for field in placeholders(rule.explanation)
        }
        return tuple(sorted(named & set(SHIPMENT_FIELDS)))

    @cached_property
    def goods_memo(self) -> dict[tuple[Any, ...], tuple[Reason, ...]]:
        """evaluate.py's memo: the reasons of a record with no party hit, by its date, goods,
        route and the fields the explanations name."""
        return {}

    @cached_property
    def _in_force(self) -> dict[date, tuple[Rule, ...]]:
        return {}

    @property
    def party_rules(self) -> list[PartyRule]:
        return list(self._party_rules)

    def flag_cutoff(self) -> float:
        """The lowest score any party rule acts on: the matcher need not look below it."""
        return self._cutoff

    def in_force(self, on: date) -> tuple[Rule, ...]:
        """The rules in force on a date, in file order."""
        found = self._in_force.get(on)
        if found is None:
            if len(self._in_force) > 1024:  # records with many distinct dates
                self._in_force.clear()
            found = self._in_force[on] = tuple(r for r in self.rules if r.in_force(on))
        return found
