"""The screening pipeline as a library: reference data in, one Decision per record out."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dualscreen.errors import RulesError
from dualscreen.lists import load_lists
from dualscreen.lists.cache import cached, content_key
from dualscreen.matching import NameMatcher
from dualscreen.matching.matcher import INDEX_VERSION, NameIndex
from dualscreen.models import (
    Action,
    Decision,
    ListEntry,
    Reason,
    ReasonKind,
    RestrictedList,
    Shipment,
    Verdict,
)
from dualscreen.records import RawRecord, to_shipment
from dualscreen.review import Review, ReviewKey, apply_reviews, index_reviews
from dualscreen.rules import RuleSet, evaluate, load_rules

if TYPE_CHECKING:
    from dualscreen.store import Store

BATCH_RECORDS = 2000
"""Records read ahead and their party names matched together (see `NameMatcher.match_many`):
enough for the batch search to pay, few enough that decisions keep flowing and memory stays
flat. A record waits for its batch to fill (or the input to end) before it is decided."""

Parsed = tuple[Shipment, dict[str, Any], list[Reason]]


def decide(reasons: Iterable[Reason]) -> Verdict:
    """The worst action wins; `monitor` annotates and passes; a cleared hit shows, not counts."""
    worst = max((r.action.severity for r in reasons if not r.cleared), default=0)
    if worst >= Action.BLOCK.severity:
        return Verdict.BLOCK
    if worst >= Action.FLAG.severity:
        return Verdict.FLAG
    return Verdict.PASS


class Screener:
    """Rules, lists and the name index built once; `screen` is then called per record or batch."""

    def __init__(
        self, rules: RuleSet, lists: Sequence[RestrictedList], store: Store | None = None
    ) -> None:
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
        key = content_key("name-index", INDEX_VERSION, *(lst.info.sha256 for lst in self.lists))
        self.matcher = NameMatcher(self.lists, cached("index", key, lambda: NameIndex.build(lists)))
        self.store = store
        self._reviews: dict[ReviewKey, list[Review]] = {}
        self._reviewed_entries: dict[tuple[str, str], ListEntry] = {}
        if store is not None:
            self._load_reviews(store.reviews())

    def _load_reviews(self, reviews: Sequence[Review]) -> None:
        """The reviews, and the current content of the entries they name, read once per run."""
        self._reviews = index_reviews(reviews)
        ids = {r.entry_id for r in reviews}
        self._reviewed_entries = {
            (lst.info.name, e.entry_id): e
            for lst in self.lists
            for e in lst.entries
            if e.entry_id in ids
        }

    @classmethod
    def from_paths(
        cls,
        rules: Sequence[Path],
        lists: Sequence[Path],
        list_format: str | None = None,
        store: Store | None = None,
    ) -> Screener:
        """Load everything asked for, or raise: never screen against less than was asked."""
        return cls(load_rules(rules), load_lists(lists, list_format), store)

    def screen_record(
        self,
        raw: RawRecord,
        mapping: Mapping[str, str] | None = None,
        default_id: str | None = None,
        on: date | None = None,
    ) -> Decision:
        """One decision for one raw record, whatever shape the record is in."""
        parsed = to_shipment(raw, mapping or {}, default_id or str(raw.line))
        decision = self._decide(raw, parsed, on or date.today())
        if self.store is not None:
            self.store.flush()
        return decision

    def _decide(self, raw: RawRecord, parsed: Parsed, on: date) -> Decision:
        shipment, record, reasons = parsed
        try:
            reasons += evaluate(shipment, self.rules, self.lists, self.matcher, on)
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
        if self._reviews:
            reasons = apply_reviews(reasons, self._reviews, self._reviewed_entries, on)
        reasons.sort(key=lambda r: (r.cleared, -r.action.severity))
        decision = Decision(
            id=shipment.id, decision=decide(reasons), reasons=tuple(reasons), record=record
        )
        if self.store is not None:
            self.store.record(shipment, decision, self.lists, self.rules.sha256, on)
        return decision

    def screen(
        self,
        records: Iterable[RawRecord],
        mapping: Mapping[str, str] | None = None,
        *,
        qualify_ids: bool = False,
        on: date | None = None,
    ) -> Iterator[Decision]:
        """Decisions in input order, one per record. `qualify_ids` prefixes default ids with the
        source name, for runs over several files. Records are read and matched in batches of
        `BATCH_RECORDS`; the decisions of a batch come out before the next is read."""
        today = on or date.today()
        for batch, error in _batches(records, BATCH_RECORDS):
            parsed: list[Parsed] = []
            for raw in batch:
                default_id = f"{raw.source}:{raw.line}" if qualify_ids else str(raw.line)
                try:
                    parsed.append(to_shipment(raw, mapping or {}, default_id))
                except Exception as exc:  # raised after the records before it, as unbatched
                    error = exc
                    break
            self._match_parties([shipment for shipment, _, _ in parsed])
            for raw, one in zip(batch, parsed, strict=False):
                yield self._decide(raw, one, today)
            if self.store is not None:
                self.store.flush()  # a batch's screenings in one transaction
            if error is not None:
                raise error

    def _match_parties(self, shipments: Sequence[Shipment]) -> None:
        """Match the batch's party names at once, so that the rules' `match` calls are lookups."""
        fields = {field for rule in self.rules.party_rules for field in rule.fields}
        names = [value for s in shipments for field in fields if (value := getattr(s, field))]
        # Should this fail, each record's rules match its names one by one, and a failure
        # there flags that record (see `_decide`): screening fails closed as without batches.
        # Said once on stderr, since otherwise the only symptom would be a slow run.
        try:
            self.matcher.match_many(names, self.rules.flag_cutoff())
        except Exception as exc:
            warnings.warn(
                f"batch name matching failed ({exc!r}); matching record by record",
                RuntimeWarning,
                stacklevel=2,
            )


def _batches(
    records: Iterable[RawRecord], size: int
) -> Iterator[tuple[list[RawRecord], Exception | None]]:
    """The records in lists of `size`. An error reading the input comes with the records read
    before it, so that those are still decided (and written) before the run stops on it."""
    iterator = iter(records)
    while True:
        batch: list[RawRecord] = []
        try:
            for raw in iterator:
                batch.append(raw)
                if len(batch) == size:
                    break
            else:
                if batch:
                    yield batch, None
                return
        except Exception as exc:
            yield batch, exc
            return
        yield batch, None
