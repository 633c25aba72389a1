"""The screening pipeline as a library: reference data in, one Decision per record out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from dualscreen.errors import RulesError
from dualscreen.lists import load_lists
from dualscreen.lists.cache import cached, content_key
from dualscreen.matching import NameMatcher
from dualscreen.matching.matcher import NameIndex
from dualscreen.models import Action, Decision, Reason, ReasonKind, RestrictedList, Verdict
from dualscreen.records import RawRecord, to_shipment
from dualscreen.rules import RuleSet, evaluate, load_rules


def decide(reasons: Iterable[Reason]) -> Verdict:
    """The worst action wins; `monitor` annotates and passes."""
    worst = max((r.action.severity for r in reasons), default=0)
    if worst >= Action.BLOCK.severity:
        return Verdict.BLOCK
    if worst >= Action.FLAG.severity:
        return Verdict.FLAG
    return Verdict.PASS


class Screener:
    """Rules, lists and the name index built once; `screen` is then called per record or batch."""

    def __init__(self, rules: RuleSet, lists: Sequence[RestrictedList]) -> None:
        uncovered = [
            f"{lst.info.name} ({sub})" if sub else lst.info.name
            for lst in lists
            for sub in sorted({e.sub_list for e in lst.entries})
            if not any(
                r.covers(lst.info.name, lst.info.category) and r.covers_sub_list(sub)
                for r in rules.party_rules
            )
        ]
        if uncovered:
            raise RulesError(
                f"no party rule screens against list(s) {', '.join(uncovered)}; "
                "add a party rule that covers them or do not load them"
            )
        self.rules = rules
        self.lists = tuple(lists)
        key = content_key("name-index", *(lst.info.sha256 for lst in self.lists))
        self.matcher = NameMatcher(self.lists, cached("index", key, lambda: NameIndex.build(lists)))

    @classmethod
    def from_paths(
        cls,
        rules: Sequence[Path],
        lists: Sequence[Path],
        list_format: str | None = None,
    ) -> Screener:
        """Load everything asked for, or raise: never screen against less than was asked."""
        return cls(load_rules(rules), load_lists(lists, list_format))

    def screen_record(
        self,
        raw: RawRecord,
        mapping: Mapping[str, str] | None = None,
        default_id: str | None = None,
        on: date | None = None,
    ) -> Decision:
        """One decision for one raw record, whatever shape the record is in."""
        shipment, record, reasons = to_shipment(raw, mapping or {}, default_id or str(raw.line))
        try:
            reasons += evaluate(shipment, self.rules, self.lists, self.matcher, on or date.today())
        except Exception as exc:  # a record we fail to screen is flagged, never passed
            reasons.append(
                Reason(
                    kind=ReasonKind.INPUT,
                    action=Action.FLAG,
                    rule="internal-error",
                    explanation=f"screening failed for this record ({exc!r}); please report it",
                    line=raw.line,
                )
            )
        reasons.sort(key=lambda r: -r.action.severity)
        return Decision(
            id=shipment.id, decision=decide(reasons), reasons=tuple(reasons), record=record
        )

    def screen(
        self,
        records: Iterable[RawRecord],
        mapping: Mapping[str, str] | None = None,
        *,
        qualify_ids: bool = False,
        on: date | None = None,
    ) -> Iterator[Decision]:
        """Decisions in input order, one per record. `qualify_ids` prefixes default ids with the
        source name, for runs over several files."""
        today = on or date.today()
        for raw in records:
            default_id = f"{raw.source}:{raw.line}" if qualify_ids else str(raw.line)
            yield self.screen_record(raw, mapping, default_id, today)
