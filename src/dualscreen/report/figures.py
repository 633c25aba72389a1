"""The report's figures: decisions in, one pydantic `ReportFigures` out, aggregated on the fly.

`FiguresBuilder.add` takes decisions one at a time and keeps only counters and the first
`max_details` flagged or blocked records, so a million-record run is reported in flat memory.
`ReportFigures` is the contract between the aggregation, the HTML page and `--format json`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer

from dualscreen.countries import clean_country
from dualscreen.models import PARTY_FIELDS, SHIPMENT_FIELDS, Action, Decision, ReasonKind, Verdict
from dualscreen.report import MAX_DETAILS
from dualscreen.rules.evaluate import UNCONTROLLED

"""Flagged and blocked records listed in full by default; totals always count every record."""

VERDICTS: tuple[Verdict, ...] = (Verdict.PASS, Verdict.FLAG, Verdict.BLOCK)


def _number(value: Decimal) -> int | float:
    """Sums are exact decimals while adding up; JSON carries them as plain numbers."""
    return int(value) if value == value.to_integral_value() else float(value)


Amount = Annotated[Decimal, PlainSerializer(_number, return_type=int | float)]


class _Figure(BaseModel):
    model_config = ConfigDict(frozen=True)


class QuantityTotal(_Figure):
    """The quantities of one `unit` added up over `records` records. Quantities in different
    units are never added together: a group has one of these per unit."""

    unit: str
    total: Amount
    records: int


class ValueTotal(_Figure):
    """The values in one `currency` added up over `records` records; one per currency."""

    currency: str
    total: Amount
    records: int


class FlowTotals(_Figure):
    """Monitored records of one group: `records`, `decisions` ({pass, flag, block} counts),
    `quantities` (one total per unit), `values` (one total per currency), and how many records
    carried no usable quantity (`without_quantity`: empty, not a number, or no unit) or value
    (`without_value`: empty, not a number, or no currency)."""

    records: int
    decisions: dict[str, int]
    quantities: list[QuantityTotal]
    values: list[ValueTotal]
    without_quantity: int
    without_value: int


class Flow(FlowTotals):
    """One monitored flow: `mineral` and `stage` (empty for a dual-use item that is no critical
    mineral), `control_code` (empty when the goods are not controlled), `origin` and
    `destination` (ISO codes as screening cleans them; empty when the record has none)."""

    mineral: str
    stage: str
    control_code: str
    origin: str
    destination: str


class MineralTotals(FlowTotals):
    """Monitored critical-mineral records of one `mineral`."""

    mineral: str


class StageTotals(FlowTotals):
    """Monitored critical-mineral records of one `mineral` at one processing `stage`."""

    mineral: str
    stage: str


class CountryTotals(FlowTotals):
    """Monitored records (critical mineral or dual-use) from or to one `country`."""

    country: str


class ControlTotals(FlowTotals):
    """Dual-use records of one `control_code` (ECCN or EU Annex I entry)."""

    control_code: str


class Monitoring(_Figure):
    """The monitoring view. A record is monitored when a commodity rule found a critical mineral
    in it (its first `mineral`/`stage` reason) or when it carries a control code other than
    empty or EAR99 (dual-use), whatever its decision. `records` counts each monitored record
    once; `critical_mineral_records` and `dual_use_records` may overlap. `totals` adds up every
    monitored record; `by_mineral`, `by_stage`, `by_origin`, `by_destination`,
    `by_control_code` and `flows` (mineral × stage × control code × origin × destination)
    group them, largest first."""

    records: int
    critical_mineral_records: int
    dual_use_records: int
    totals: FlowTotals
    by_mineral: list[MineralTotals]
    by_stage: list[StageTotals]
    by_origin: list[CountryTotals]
    by_destination: list[CountryTotals]
    by_control_code: list[ControlTotals]
    flows: list[Flow]


class RuleTotals(_Figure):
    """One rule: the `records` it fired on (a cleared hit aside), by the `action` it asked for
    (`actions`: {block, flag, monitor} counts), and the records where every one of its hits was
    `cleared` by a review (store reports only)."""

    rule: str
    kind: str
    records: int
    actions: dict[str, int]
    cleared: int


class DestinationTotals(_Figure):
    """All records to one `destination` (cleaned ISO code; empty when none): `records` and
    `decisions` ({pass, flag, block})."""

    destination: str
    records: int
    decisions: dict[str, int]


class ListTotals(_Figure):
    """One list (`name`, `version`; `sha256` when known): the records with a counting hit on it
    (`records`), its hits (`hits`) by action (`block`, `flag`), and `cleared` hits."""

    name: str
    version: str
    sha256: str
    records: int
    hits: int
    block: int
    flag: int
    cleared: int


class Match(_Figure):
    """A party hit beside the record: the record's `field` and its `value` (the matched text),
    the list entry (`list`, `list_version`, `sub_list`, `entry_id`, `matched_name`,
    `programs`), the `score` (what the thresholds act on), `method` (exact, fuzzy, subset),
    `confidence` (how likely the hit is the listed party), `why` (the match explained on one
    line) and the `action`; `review` is the review status when one applied."""

    field: str
    value: str
    list: str
    list_version: str
    sub_list: str
    entry_id: str
    matched_name: str
    programs: tuple[str, ...]
    score: float | None
    method: str
    confidence: float | None
    why: str
    action: str
    review: str


class Explanation(_Figure):
    """One reason of a record: `kind`, `action`, `rule`, `explanation`, `basis` (legal source),
    and `review` (`cleared`, `confirmed`, `lapsed`, or empty)."""

    kind: str
    action: str
    rule: str
    explanation: str
    basis: str
    review: str


class RecordDetail(_Figure):
    """A flagged or blocked record: `id`, `decision`, its `parties` ({field: name}) and `goods`
    (hs_code, description, origin_country, destination_country, control_code, license,
    quantity, unit, value, currency, date — those present), the `matches` (party hits) and
    every reason's `explanations`."""

    id: str
    decision: str
    parties: dict[str, str]
    goods: dict[str, str]
    matches: list[Match]
    explanations: list[Explanation]


class Details(_Figure):
    """The flagged and blocked records in input order: `shown` of them in `records` (the first
    `limit`), `omitted` more counted in the totals but not listed."""

    limit: int
    shown: int
    omitted: int
    records: list[RecordDetail]


class ListProvenance(_Figure):
    """A list the decisions were made against: `name`, `version`, `sha256`."""

    name: str
    version: str
    sha256: str


class RulesFile(_Figure):
    """A rules file of the run: `path`, `version` (the pack's), `sha256`."""

    path: str
    version: str
    sha256: str


class Provenance(_Figure):
    """Where the figures come from. `source`: `screen` (INPUT screened for this report) or
    `store` (stored decisions); `inputs`: the input files or the store; `as_of`: the date
    screened as (a screen run); `screened_from`/`screened_to`: the dates the stored decisions
    were screened as (a store report); `since`: the store report's `--since`; `lists` and
    `rules_files`; `rules_sha256`: the rules hash (every distinct one in a store report);
    `generated_at` (UTC); `dualscreen_version`."""

    source: Literal["screen", "store"]
    inputs: list[str]
    as_of: dt.date | None = None
    screened_from: dt.date | None = None
    screened_to: dt.date | None = None
    since: dt.date | None = None
    lists: list[ListProvenance]
    rules_files: list[RulesFile]
    rules_sha256: list[str]
    generated_at: dt.datetime
    dualscreen_version: str


class ReportFigures(_Figure):
    """Everything `dualscreen report` shows, and exactly what `--format json` prints.

    `records`: decisions reported (one per record); `decisions`: {pass, flag, block} counts,
    adding up to `records`; `monitored_passes`: passed records a monitor rule annotated (as in
    `screen`'s summary); `input_problems`: records with an `input` reason (not screened fully);
    `by_rule`, `by_destination`, `by_list`; `monitoring` (see `Monitoring`); `details` (the
    flagged and blocked records, see `Details`); `provenance`."""

    records: int
    decisions: dict[str, int]
    monitored_passes: int
    input_problems: int
    by_rule: list[RuleTotals]
    by_destination: list[DestinationTotals]
    by_list: list[ListTotals]
    monitoring: Monitoring
    details: Details
    provenance: Provenance


# aggregation

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SPACES = re.compile(r"\s+")
_GOODS_FIELDS = tuple(f for f in SHIPMENT_FIELDS if f != "id" and f not in PARTY_FIELDS)


def parse_amount(text: str) -> Decimal | None:
    """A plain decimal number (`12000`, `9100000.50`, `1e3`), or None. Thousands separators are
    refused rather than guessed: `1,200` is 1200 in one country and 1.2 in another."""
    text = text.strip().replace(" ", "")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _text(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    if value is None or isinstance(value, bool | dict | list):
        return ""
    return _SPACES.sub(" ", str(value)).strip()


def _country(record: Mapping[str, Any], name: str) -> str:
    """The code as screening cleans it; text that is no code is kept (escaped when shown)."""
    text = _text(record, name)
    return (clean_country(text) or text[:40]) if text else ""


@dataclass
class _Sum:
    total: Decimal = Decimal(0)
    records: int = 0


Labelled = tuple[str, Decimal]
"""(unit or currency, amount)"""


@dataclass
class _Acc:
    """One group's running totals; amounts kept apart per unit and per currency."""

    records: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    quantities: dict[str, _Sum] = field(default_factory=dict)
    values: dict[str, _Sum] = field(default_factory=dict)
    without_quantity: int = 0
    without_value: int = 0

    def add(self, verdict: str, quantity: Labelled | None, value: Labelled | None) -> None:
        self.records += 1
        self.decisions[verdict] += 1
        if quantity is None:
            self.without_quantity += 1
        else:
            _add(self.quantities, quantity)
        if value is None:
            self.without_value += 1
        else:
            _add(self.values, value)

    def totals(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "decisions": {v.value: self.decisions[v.value] for v in VERDICTS},
            "quantities": [
                QuantityTotal(unit=u, total=x.total, records=x.records)
                for u, x in _by_size(self.quantities)
            ],
            "values": [
                ValueTotal(currency=c, total=x.total, records=x.records)
                for c, x in _by_size(self.values)
            ],
            "without_quantity": self.without_quantity,
            "without_value": self.without_value,
        }


def _add(sums: dict[str, _Sum], amount: Labelled) -> None:
    slot = sums.setdefault(amount[0], _Sum())
    slot.total += amount[1]
    slot.records += 1


def _by_size(sums: dict[str, _Sum]) -> list[tuple[str, _Sum]]:
    return sorted(sums.items(), key=lambda kv: (-kv[1].records, kv[0]))


def _grouped(accs: dict[Any, _Acc]) -> list[tuple[Any, dict[str, Any]]]:
    """Largest group first, then by key, so that the page and the JSON read the same."""
    return [
        (key, acc.totals())
        for key, acc in sorted(accs.items(), key=lambda kv: (-kv[1].records, kv[0]))
    ]


@dataclass
class _RuleAcc:
    kind: str
    records: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    cleared: int = 0


@dataclass
class _ListAcc:
    sha256: str = ""
    records: int = 0
    hits: int = 0
    block: int = 0
    flag: int = 0
    cleared: int = 0


class FiguresBuilder:
    """Add decisions one by one (`add`), then `build` the figures with the run's provenance."""

    def __init__(self, max_details: int = MAX_DETAILS) -> None:
        self.max_details = max_details
        self.decisions: Counter[str] = Counter()
        self.monitored_passes = 0
        self.input_problems = 0
        self._rules: dict[str, _RuleAcc] = {}
        self._destinations: dict[str, Counter[str]] = {}
        self._lists: dict[tuple[str, str], _ListAcc] = {}
        self._details: list[RecordDetail] = []
        self._omitted = 0
        self._monitored = _Acc()
        self._minerals = 0
        self._dual_use = 0
        self._by_mineral: dict[str, _Acc] = {}
        self._by_stage: dict[tuple[str, str], _Acc] = {}
        self._by_origin: dict[str, _Acc] = {}
        self._by_destination: dict[str, _Acc] = {}
        self._by_control: dict[str, _Acc] = {}
        self._flows: dict[tuple[str, str, str, str, str], _Acc] = {}

    @property
    def records(self) -> int:
        return self.decisions.total()

    def add(self, decision: Decision) -> None:
        verdict = decision.decision.value
        self.decisions[verdict] += 1
        reasons = decision.reasons
        if decision.decision is Verdict.PASS and any(
            r.action is Action.MONITOR and not r.cleared for r in reasons
        ):
            self.monitored_passes += 1
        if any(r.kind is ReasonKind.INPUT for r in reasons):
            self.input_problems += 1
        self._add_rules(decision)
        self._add_lists(decision)
        record = decision.record
        destination = _country(record, "destination_country")
        self._destinations.setdefault(destination, Counter())[verdict] += 1
        self._add_monitoring(decision, record, destination)
        if decision.decision is not Verdict.PASS:
            if len(self._details) < self.max_details:
                self._details.append(_detail(decision))
            else:
                self._omitted += 1

    def _add_rules(self, decision: Decision) -> None:
        fired: dict[str, tuple[str, set[str], bool]] = {}
        for r in decision.reasons:
            kind, actions, all_cleared = fired.get(r.rule, (r.kind.value, set(), True))
            if not r.cleared:
                actions.add(r.action.value)
            fired[r.rule] = (kind, actions, all_cleared and r.cleared)
        for rule, (kind, actions, all_cleared) in fired.items():
            acc = self._rules.setdefault(rule, _RuleAcc(kind=kind))
            if all_cleared:
                acc.cleared += 1
                continue
            acc.records += 1
            worst = max(actions, key=lambda a: Action(a).severity)
            acc.actions[worst] += 1

    def _add_lists(self, decision: Decision) -> None:
        hit: set[tuple[str, str]] = set()
        for r in decision.reasons:
            if r.kind is not ReasonKind.PARTY or r.list is None:
                continue
            key = (r.list, r.list_version or "")
            acc = self._lists.setdefault(key, _ListAcc())
            if r.cleared:
                acc.cleared += 1
                continue
            acc.hits += 1
            acc.block += r.action is Action.BLOCK
            acc.flag += r.action is Action.FLAG
            hit.add(key)
        for key in hit:
            self._lists[key].records += 1

    def _add_monitoring(self, decision: Decision, record: Mapping[str, Any], dest: str) -> None:
        commodity = next(
            (r for r in decision.reasons if r.kind is ReasonKind.COMMODITY and r.mineral), None
        )
        control = _text(record, "control_code").upper()
        dual_use = control not in UNCONTROLLED
        if commodity is None and not dual_use:
            return
        mineral = (commodity.mineral or "") if commodity else ""
        stage = (commodity.stage or "") if commodity else ""
        control = control if dual_use else ""
        origin = _country(record, "origin_country")
        quantity = _amount(record, "quantity", "unit", upper=False)
        value = _amount(record, "value", "currency", upper=True)
        verdict = decision.decision.value
        groups: list[_Acc] = [
            self._monitored,
            self._by_origin.setdefault(origin, _Acc()),
            self._by_destination.setdefault(dest, _Acc()),
            self._flows.setdefault((mineral, stage, control, origin, dest), _Acc()),
        ]
        if commodity is not None:
            self._minerals += 1
            groups.append(self._by_mineral.setdefault(mineral, _Acc()))
            groups.append(self._by_stage.setdefault((mineral, stage), _Acc()))
        if dual_use:
            self._dual_use += 1
            groups.append(self._by_control.setdefault(control, _Acc()))
        for acc in groups:
            acc.add(verdict, quantity, value)

    def build(self, provenance: Provenance) -> ReportFigures:
        """The figures so far. Every list of the provenance is in `by_list`, hit or not."""
        for lst in provenance.lists:
            self._lists.setdefault((lst.name, lst.version), _ListAcc()).sha256 = lst.sha256
        return ReportFigures(
            records=self.records,
            decisions={v.value: self.decisions[v.value] for v in VERDICTS},
            monitored_passes=self.monitored_passes,
            input_problems=self.input_problems,
            by_rule=[
                RuleTotals(
                    rule=rule,
                    kind=acc.kind,
                    records=acc.records,
                    actions={a: acc.actions[a] for a in ("block", "flag", "monitor")},
                    cleared=acc.cleared,
                )
                for rule, acc in sorted(self._rules.items(), key=lambda kv: (-kv[1].records, kv[0]))
            ],
            by_destination=[
                DestinationTotals(
                    destination=dest,
                    records=counts.total(),
                    decisions={v.value: counts[v.value] for v in VERDICTS},
                )
                for dest, counts in sorted(
                    self._destinations.items(), key=lambda kv: (-kv[1].total(), kv[0])
                )
            ],
            by_list=[
                ListTotals(
                    name=name,
                    version=version,
                    sha256=acc.sha256,
                    records=acc.records,
                    hits=acc.hits,
                    block=acc.block,
                    flag=acc.flag,
                    cleared=acc.cleared,
                )
                for (name, version), acc in sorted(self._lists.items())
            ],
            monitoring=Monitoring(
                records=self._monitored.records,
                critical_mineral_records=self._minerals,
                dual_use_records=self._dual_use,
                totals=FlowTotals(**self._monitored.totals()),
                by_mineral=[MineralTotals(mineral=k, **t) for k, t in _grouped(self._by_mineral)],
                by_stage=[
                    StageTotals(mineral=k[0], stage=k[1], **t) for k, t in _grouped(self._by_stage)
                ],
                by_origin=[CountryTotals(country=k, **t) for k, t in _grouped(self._by_origin)],
                by_destination=[
                    CountryTotals(country=k, **t) for k, t in _grouped(self._by_destination)
                ],
                by_control_code=[
                    ControlTotals(control_code=k, **t) for k, t in _grouped(self._by_control)
                ],
                flows=[
                    Flow(
                        mineral=k[0],
                        stage=k[1],
                        control_code=k[2],
                        origin=k[3],
                        destination=k[4],
                        **t,
                    )
                    for k, t in _grouped(self._flows)
                ],
            ),
            details=Details(
                limit=self.max_details,
                shown=len(self._details),
                omitted=self._omitted,
                records=list(self._details),
            ),
            provenance=provenance,
        )


def _amount(record: Mapping[str, Any], number: str, unit: str, *, upper: bool) -> Labelled | None:
    """(unit or currency, amount) when the record carries both, else None. Units keep their
    case (`Mg` is not `mg`); currencies are ISO 4217 codes, upper-cased."""
    amount = parse_amount(_text(record, number))
    label = _text(record, unit)
    if amount is None or not label:
        return None
    return (label.upper() if upper else label)[:40], amount


def _detail(decision: Decision) -> RecordDetail:
    record = decision.record
    parties = {f: v for f in PARTY_FIELDS if (v := _text(record, f))}
    goods = {f: v for f in _GOODS_FIELDS if (v := _text(record, f))}
    matches = [
        Match(
            field=r.field or "",
            value=r.value or "",
            list=r.list or "",
            list_version=r.list_version or "",
            sub_list=r.sub_list or "",
            entry_id=r.entry_id or "",
            matched_name=r.matched_name or "",
            programs=tuple(r.programs or ()),
            score=r.score,
            method=r.match.method if r.match else "",
            confidence=r.confidence,
            why=r.match.summary if r.match else "",
            action=r.action.value,
            review=r.review.status.value if r.review else "",
        )
        for r in decision.reasons
        if r.kind is ReasonKind.PARTY
    ]
    explanations = [
        Explanation(
            kind=r.kind.value,
            action=r.action.value,
            rule=r.rule,
            explanation=r.explanation,
            basis=r.basis,
            review=r.review.status.value if r.review else "",
        )
        for r in decision.reasons
    ]
    return RecordDetail(
        id=decision.id,
        decision=decision.decision.value,
        parties=parties,
        goods=goods,
        matches=matches,
        explanations=explanations,
    )
