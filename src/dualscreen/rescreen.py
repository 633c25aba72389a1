"""Re-screening: judge stored records again and say, reason by reason, what changed since.

A list gains a name, a rule is added, a clearance lapses: records screened before are judged
again from the record as stored (`Store.screenings`), and only those whose decision changed
are reported, each with its previous decision and the reasons added, removed or changed.
Reasons are compared by what they are about (rule, list, entry, field), never by their text:
a new list version rewrites every explanation without changing a finding.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from dualscreen.models import Action, Decision, Reason, ReasonKind, Verdict
from dualscreen.records import RawRecord
from dualscreen.screening import Screener
from dualscreen.store import StoredScreening

SOURCE = "store"
"""The source of a record read back from the case store; its line is the store's row id."""

NO_RECORD_RULE = "no-stored-record"
NO_RECORD_EXPLANATION = (
    "stored before dualscreen kept records (case store schema 1): it cannot be judged again; "
    "screen the file again with --store"
)

ReasonIdentity = tuple[str | None, ...]


def reason_identity(reason: Mapping[str, Any]) -> ReasonIdentity:
    """What a reason is about: its kind and rule, and for a party hit the list, entry and
    field. Explanations, scores and list versions are left out: they change with every list
    release while the finding stays the same."""
    kind, rule, field = reason.get("kind"), reason.get("rule"), reason.get("field")
    if kind == ReasonKind.PARTY.value:
        return (kind, rule, reason.get("list"), reason.get("entry_id"), field)
    return (kind, rule, field)


def _standing(reason: Mapping[str, Any]) -> tuple[Any, Any]:
    """What makes the same finding count differently: its action and its review's status."""
    review = reason.get("review")
    return reason.get("action"), review.get("status") if isinstance(review, Mapping) else None


class ReasonChange(BaseModel):
    """The same finding (same identity) with another action or review status."""

    model_config = ConfigDict(frozen=True)

    before: dict[str, Any]
    after: dict[str, Any]


class Changes(BaseModel):
    """What differs between the previous reasons and the new ones, as reason JSON objects."""

    model_config = ConfigDict(frozen=True)

    added: tuple[dict[str, Any], ...] = ()
    removed: tuple[dict[str, Any], ...] = ()
    changed: tuple[ReasonChange, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [c.model_dump(mode="json") for c in self.changed],
        }


def compare(previous: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]]) -> Changes:
    """Reasons new since last time, gone since, and kept with another action or review.
    Both sides are reason JSON objects (as stored, as output); order is the current one's."""
    before = {reason_identity(r): r for r in previous}
    after = {reason_identity(r): r for r in current}
    return Changes(
        added=tuple(dict(r) for key, r in after.items() if key not in before),
        removed=tuple(dict(r) for key, r in before.items() if key not in after),
        changed=tuple(
            ReasonChange(before=dict(before[key]), after=dict(r))
            for key, r in after.items()
            if key in before and _standing(before[key]) != _standing(r)
        ),
    )


class Rescreened(Decision):
    """A record judged again: the new decision, the stored one it replaces, and what changed.
    `changed` says whether it is reported: the decision differs, or it could not be judged."""

    previous_decision: Verdict
    previous_screened_on: dt.date
    changes: Changes
    rejudged: bool = True  # False: stored before records were kept; flagged, not judged
    stored_row: int = 0  # the store's row judged again: where the record was read, for the audit

    @property
    def changed(self) -> bool:
        return not self.rejudged or self.decision is not self.previous_decision

    def to_json_dict(self) -> dict[str, Any]:
        """The decision's JSON with `previous_decision`, `previous_screened_on` and `changes`
        after `decision`: id first, as every output."""
        base = super().to_json_dict()
        return {
            "id": base.pop("id"),
            "decision": base.pop("decision"),
            "previous_decision": self.previous_decision.value,
            "previous_screened_on": self.previous_screened_on.isoformat(),
            "changes": self.changes.to_json_dict(),
            **base,
        }


def raw_record(stored: StoredScreening) -> RawRecord:
    """The stored record as a record to screen. Input problems found when the record was first
    read (a ragged row, say) are not in the stored fields: they come back as the record's
    problem, so that a record flagged for its input is never passed on re-screening."""
    assert isinstance(stored.record, dict)
    fields = sorted(
        {str(r.get("field") or "record") for r in stored.reasons if _is_input_problem(r)}
    )
    problem = (
        f"the record had input problems when it was first read ({', '.join(fields)}); "
        "they still apply"
        if fields
        else None
    )
    return RawRecord(
        SOURCE,
        stored.row,
        stored.record,
        problem=problem,
        problem_field=fields[0] if len(fields) == 1 and fields[0] != "record" else None,
    )


def _is_input_problem(reason: Mapping[str, Any]) -> bool:
    # `internal-error` is a failure of screening, not of the record: judging again may succeed.
    return reason.get("kind") == ReasonKind.INPUT.value and reason.get("rule") == "input"


def not_rejudged(stored: StoredScreening) -> Rescreened:
    """A screening stored without its record: flagged, never dropped, never passed."""
    reason = Reason(
        kind=ReasonKind.INPUT,
        action=Action.FLAG,
        rule=NO_RECORD_RULE,
        explanation=f"{SOURCE}:{stored.row}: {NO_RECORD_EXPLANATION}",
        line=stored.row,
    )
    return Rescreened(
        id=stored.record_id,
        decision=Verdict.FLAG,
        reasons=(reason,),
        record={"id": stored.record_id, **stored.parties},
        previous_decision=stored.decision,
        previous_screened_on=stored.screened_on,
        # What was removed is unknown: the stored reasons are not claimed to be gone.
        changes=Changes(added=(reason.model_dump(mode="json", exclude_none=True),)),
        rejudged=False,
        stored_row=stored.row,
    )


def rescreen(
    screener: Screener, screenings: Iterable[StoredScreening], on: dt.date
) -> Iterator[Rescreened]:
    """Every stored screening judged again as on `on`, in store order, one result each (records
    in == results out); `Rescreened.changed` picks those to report. The screener is the one
    `screen` uses: with the case store, it applies the reviews and records each new decision."""
    kept: deque[StoredScreening] = deque()

    def records() -> Iterator[RawRecord]:
        for stored in screenings:
            kept.append(stored)
            if judgeable(stored):
                yield raw_record(stored)

    # The screener reads ahead in batches; `kept` holds the screenings read so far, in order.
    decisions = screener.screen(records(), on=on)
    for decision in decisions:
        while not judgeable(kept[0]):
            yield not_rejudged(kept.popleft())
        yield judged(kept.popleft(), decision)
    for stored in kept:  # after the last record the screener saw: only unjudgeable ones
        yield not_rejudged(stored)


def judgeable(stored: StoredScreening) -> bool:
    """A record is stored with the screening (schema 2 on), as the object it was read as."""
    return isinstance(stored.record, dict)


def judged(stored: StoredScreening, decision: Decision) -> Rescreened:
    """A new decision beside the stored one it follows."""
    return Rescreened(
        id=decision.id,
        decision=decision.decision,
        reasons=decision.reasons,
        record=decision.record,
        previous_decision=stored.decision,
        previous_screened_on=stored.screened_on,
        changes=compare(stored.reasons, decision.to_json_dict()["reasons"]),
        stored_row=stored.row,
    )
