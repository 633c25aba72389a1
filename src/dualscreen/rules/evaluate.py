"""Evaluate every rule on one shipment: a pure function from record and reference data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from dualscreen.matching import NameMatcher
from dualscreen.matching.matcher import NameHit
from dualscreen.matching.normalize import fold
from dualscreen.models import (
    GOODS_FIELDS,
    SHIPMENT_FIELDS,
    Action,
    Reason,
    ReasonKind,
    RestrictedList,
    Shipment,
)
from dualscreen.rules.models import (
    Commodity,
    CommodityRule,
    ControlRule,
    DestinationRule,
    ExportBanRule,
    PartyRule,
    RuleBase,
    RuleSet,
)
from dualscreen.rules.template import placeholders, render

UNCONTROLLED = frozenset({"", "EAR99"})
_RECORD_FIELDS = frozenset(SHIPMENT_FIELDS)


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """`fold`, remembered: goods descriptions and rule keywords repeat across records."""
    return fold(text)


@lru_cache(maxsize=4096)
def _first_region(code: str, regions: tuple[str, ...]) -> str | None:
    """The first of a rule's regions that `code` falls under, remembered: asked once per rule
    and record, of a handful of distinct destinations."""
    return next((r for r in regions if in_region(code, r)), None)


def in_region(code: str, region: str) -> bool:
    """A record's country code falls under a rule's: IR covers IR-07; UA-43 covers only UA-43."""
    return code == region or ("-" not in region and code.startswith(region + "-"))


@lru_cache(maxsize=256)
def _record_placeholders(template: str) -> tuple[str, ...]:
    return tuple(sorted(placeholders(template) & _RECORD_FIELDS))


def _render(template: str, values: dict[str, Any]) -> str:
    """`render`, remembered for text values seen before: most records of a batch share their
    commodity and destination reasons word for word. (Not for numbers: 1 and 1.0 are one key
    to a cache but not one text.)"""
    if all(v is None or type(v) is str for v in values.values()):
        return _render_items(template, tuple(values.items()))
    return render(template, values)


@lru_cache(maxsize=4096)
def _render_items(template: str, items: tuple[tuple[str, Any], ...]) -> str:
    return render(template, dict(items))


def _values(shipment: Shipment, rule: RuleBase, **hit: Any) -> dict[str, Any]:
    """What the explanation can show: only the record fields its template names (a whole
    `model_dump` per reason cost more than the rest of the reason)."""
    values: dict[str, Any] = {}
    for name in _record_placeholders(rule.explanation):
        value = getattr(shipment, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    values["rule_id"] = rule.id
    values.update(hit)
    return values


def _reason(
    kind: ReasonKind,
    rule: RuleBase,
    shipment: Shipment,
    action: Action | None = None,
    fields: dict[str, Any] | None = None,
    **hit: Any,
) -> Reason:
    """A reason with its explanation filled from the record and the hit; `fields` are the
    structured Reason fields a script reads (list, entry_id, score, ...)."""
    return Reason(
        kind=kind,
        action=action or rule.action,
        rule=rule.id,
        explanation=_render(rule.explanation, _values(shipment, rule, **hit)),
        basis=rule.basis,
        **(fields or {}),
    )


def classify(shipment: Shipment, rule: CommodityRule) -> Commodity | None:
    """The most specific commodity whose HS prefix (and keywords, if any) the goods match."""
    if not shipment.hs_code:
        return None
    description = f" {_folded(shipment.description)} "
    best: Commodity | None = None
    code, by_prefix = shipment.hs_code, rule.by_prefix
    # Prefixes of one length are one string, so ties on length stay in file order.
    for c in (c for n in range(4, len(code) + 1) for c in by_prefix.get(code[:n], ())):
        if c.keywords and not any(f" {_folded(k)} " in description for k in c.keywords):
            continue
        if best is None or len(c.hs) > len(best.hs):
            best = c
    return best


def _party_hits(
    shipment: Shipment, fields: Sequence[str], matcher: NameMatcher, cutoff: float
) -> dict[str, tuple[NameHit, ...]]:
    """The hits of each party field the rules screen that has any: asked once per field, not
    once per rule and field, and most records have none, so their party rules are skipped."""
    found = {}
    for field in fields:
        value = getattr(shipment, field)
        if value and (hits := matcher.match(value, cutoff)):
            found[field] = hits
    return found


def _party_reasons(
    shipment: Shipment,
    rule: PartyRule,
    lists: Sequence[RestrictedList],
    matcher: NameMatcher,
    hits_by_field: dict[str, tuple[NameHit, ...]],
    on: date,
) -> list[Reason]:
    reasons: list[Reason] = []
    if (
        rule.destinations is not None
        and _first_region(shipment.destination_country, tuple(rule.destinations)) is None
    ):
        return reasons
    countries = {
        "origin_country": shipment.origin_country,
        "destination_country": shipment.destination_country,
    }
    for field in rule.fields:
        value = getattr(shipment, field)
        for hit in hits_by_field.get(field, ()):
            info = lists[hit.list_index].info
            if not rule.covers(info.name, info.category):
                continue
            if not rule.covers_sub_list(hit.entry.sub_list):
                continue
            thresholds = rule.thresholds_for(info.name)
            if thresholds.block is not None and hit.score >= thresholds.block:
                action = rule.action
            elif hit.score >= thresholds.flag:
                action = Action.FLAG
            else:
                continue
            note = ""
            entry = hit.entry
            if entry.end_date is not None and entry.end_date < on:
                note = f"the listing's order expired on {entry.end_date.isoformat()}; verify"
                action = min(action, Action.FLAG, key=lambda a: a.severity)
            confidence, detail = matcher.explainer.explain(field, value, hit, countries)
            fields = {
                "field": field,
                "value": value,
                "list": info.name,
                "list_version": info.version,
                "sub_list": entry.sub_list or None,
                "entry_id": entry.entry_id,
                "matched_name": hit.matched_name,
                "score": hit.score,
                "programs": entry.programs,
                "confidence": confidence,
                "match": detail,
            }
            reasons.append(
                _reason(
                    ReasonKind.PARTY,
                    rule,
                    shipment,
                    action,
                    fields,
                    **{**fields, "match": detail.summary},
                    method=hit.method.value,
                    entry_type=entry.type.value,
                    license_requirement=entry.license_requirement,
                    note=note,
                )
            )
    # The likeliest match first: the final sort by action keeps this order within an action.
    reasons.sort(key=lambda r: -(r.confidence or 0.0))
    return reasons


GOODS_MEMO_SIZE = 4096
"""Distinct goods-and-route combinations whose reasons a rule set keeps (`evaluate`)."""


def evaluate(
    shipment: Shipment,
    rules: RuleSet,
    lists: Sequence[RestrictedList],
    matcher: NameMatcher,
    on: date,
) -> list[Reason]:
    """All reasons the rules in force find, worst first. Rules apply as on the shipment's
    date, else `on`.

    Most records match no listed party, and most of a batch ships the same few goods on the
    same few routes: their reasons depend only on the date, the goods fields and the record
    fields the rules' explanations name, so they are worked out once per combination and
    shared (reasons are immutable)."""
    when = shipment.date or on
    hits = _party_hits(shipment, rules.party_fields, matcher, rules.flag_cutoff())
    if hits:
        return _evaluate(shipment, rules, lists, matcher, hits, when, on)
    key = (when, *(getattr(shipment, f) for f in (*GOODS_FIELDS, *rules.explained_fields)))
    memo = rules.goods_memo
    found = memo.get(key)
    if found is None:
        if len(memo) >= GOODS_MEMO_SIZE:
            memo.clear()
        found = memo[key] = tuple(_evaluate(shipment, rules, lists, matcher, hits, when, on))
    return list(found)


def _evaluate(
    shipment: Shipment,
    rules: RuleSet,
    lists: Sequence[RestrictedList],
    matcher: NameMatcher,
    hits: dict[str, tuple[NameHit, ...]],
    when: date,
    on: date,
) -> list[Reason]:
    in_force = rules.in_force(when)
    reasons: list[Reason] = []

    strategic = shipment.control_code not in UNCONTROLLED
    for rule in in_force:
        if isinstance(rule, CommodityRule) and (commodity := classify(shipment, rule)):
            strategic = True
            fields = {"mineral": commodity.mineral, "stage": commodity.stage}
            reasons.append(
                _reason(
                    ReasonKind.COMMODITY,
                    rule,
                    shipment,
                    None,
                    fields,
                    **fields,
                    commodity=commodity.title,
                    hs_prefix=commodity.hs,
                )
            )

    for rule in in_force:
        if isinstance(rule, PartyRule):
            if hits:
                reasons.extend(_party_reasons(shipment, rule, lists, matcher, hits, on))
        elif isinstance(rule, ExportBanRule):
            prefix = next((p for p in rule.hs_prefixes if shipment.hs_code.startswith(p)), None)
            if prefix and _first_region(shipment.origin_country, tuple(rule.origins)):
                reasons.append(_reason(ReasonKind.EXPORT_BAN, rule, shipment, hs_prefix=prefix))
        elif isinstance(rule, DestinationRule):
            goods_apply = (
                rule.goods == "all"
                or (rule.goods == "strategic" and strategic)
                or (rule.goods == "controlled" and shipment.control_code not in UNCONTROLLED)
            )
            country = _first_region(shipment.destination_country, tuple(rule.countries))
            if country and goods_apply:
                reasons.append(
                    _reason(
                        ReasonKind.DESTINATION, rule, shipment, country=country, goods=rule.goods
                    )
                )
        elif (
            isinstance(rule, ControlRule)
            and rule.applies_to(shipment.control_code)
            and not shipment.license
        ):
            reasons.append(_reason(ReasonKind.CONTROL, rule, shipment))

    reasons.sort(key=lambda r: -r.action.severity)
    return reasons
