"""The screening pipeline as a library: reference data in, one Decision per record out."""

from __future__ import annotations

import contextlib
import importlib
import itertools
import multiprocessing
import os
import signal
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dualscreen.errors import RulesError
from dualscreen.lists import load_lists
from dualscreen.lists.cache import cached, content_key
from dualscreen.matching import NameMatcher
from dualscreen.matching.index import INDEX_VERSION, NameIndex
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

PARALLEL_MIN_RECORDS = 400
"""A batch is shared out among worker processes from this many records on: below it, the
pickling of records and reasons to and fro costs more than a second core saves (and a
one-record run never starts a process)."""

PART_RECORDS = 250
"""Records a worker process screens at a time: small enough for the work to even out between
processes, large enough for `match_many` to count candidates in bulk."""

Parsed = tuple[Shipment, dict[str, Any], list[Reason]]
Screening = tuple[str, Shipment | None, dict[str, Any], list[Reason]]
"""One record screened: its id, the shipment (None once it has come back from a worker
process with no case store to record it in), the record as output, and all its reasons."""
Screened = tuple[list[Screening], Exception | None]
"""A part's records screened, and the error that stopped it."""
RawFields = tuple[str, int, dict[str, Any], str | None, str | None]
"""A `RawRecord` as a plain tuple, which pickles in a fraction of the time."""


def default_workers() -> int:
    """One worker per CPU this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
        self,
        rules: RuleSet,
        lists: Sequence[RestrictedList],
        store: Store | None = None,
        workers: int = 1,
    ) -> None:
        """`workers` > 1 screens large batches in that many processes (forked, so they share the
        index), this one included; decisions are the same and in the same order as with 1."""
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
        self.workers = max(1, workers)
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
        workers: int = 1,
    ) -> Screener:
        """Load everything asked for, or raise: never screen against less than was asked."""
        return cls(load_rules(rules), load_lists(lists, list_format), store, workers)

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
        return self._conclude(
            shipment.id, shipment, record, reasons + self._evaluate(shipment, raw.line, on), on
        )

    def _evaluate(self, shipment: Shipment, line: int, on: date) -> list[Reason]:
        """The rules' reasons for one shipment; a record we fail to screen is flagged, never
        passed."""
        try:
            return evaluate(shipment, self.rules, self.lists, self.matcher, on)
        except Exception as exc:
            return [
                Reason(
                    kind=ReasonKind.INPUT,
                    action=Action.FLAG,
                    rule="internal-error",
                    explanation=f"screening failed for this record ({exc!r}); please report it",
                    line=line,
                )
            ]

    def _conclude(
        self,
        id: str,
        shipment: Shipment | None,
        record: dict[str, Any],
        reasons: list[Reason],
        on: date,
    ) -> Decision:
        if self._reviews:
            reasons = apply_reviews(reasons, self._reviews, self._reviewed_entries, on)
        reasons.sort(key=lambda r: (r.cleared, -r.action.severity))
        decision = Decision(id=id, decision=decide(reasons), reasons=tuple(reasons), record=record)
        if self.store is not None:
            assert shipment is not None, "workers send shipments back when there is a store"
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
        pool: _Pool | None = None
        try:
            for batch, error in _batches(records, BATCH_RECORDS):
                if pool is None and self.workers > 1 and len(batch) >= PARALLEL_MIN_RECORDS:
                    pool = _Pool.start(self)
                if pool is not None and len(batch) >= PARALLEL_MIN_RECORDS:
                    parts = pool.screen(batch, mapping or {}, qualify_ids, today)
                else:
                    parts = iter([self._screen_part(batch, mapping or {}, qualify_ids, today)])
                for screened, failed in parts:  # in order, part by part
                    for id, shipment, record, reasons in screened:
                        yield self._conclude(id, shipment, record, reasons, today)
                    if failed is not None:  # raised after the records before it, as unbatched
                        error = failed
                        break
                if self.store is not None:
                    self.store.flush()  # a batch's screenings in one transaction
                if error is not None:
                    raise error
        finally:
            if pool is not None:
                pool.close()

    def _screen_part(
        self, raws: Sequence[RawRecord], mapping: Mapping[str, str], qualify_ids: bool, on: date
    ) -> Screened:
        """Each record parsed, then the rules' reasons for all of them; parsing stops at a
        record that raises, and the error comes back after the records before it."""
        parsed: list[Parsed] = []
        error: Exception | None = None
        for raw in raws:
            default_id = f"{raw.source}:{raw.line}" if qualify_ids else str(raw.line)
            try:
                parsed.append(to_shipment(raw, mapping, default_id))
            except Exception as exc:
                error = exc
                break
        shipments = [shipment for shipment, _, _ in parsed]
        found = self._evaluate_batch(shipments, [raw.line for raw in raws[: len(parsed)]], on)
        screened: list[Screening] = [
            (shipment.id, shipment, record, reasons + more)
            for (shipment, record, reasons), more in zip(parsed, found, strict=True)
        ]
        return screened, error

    def _evaluate_batch(
        self, shipments: Sequence[Shipment], lines: Sequence[int], on: date
    ) -> list[list[Reason]]:
        """The rules' reasons for each shipment, their party names matched together first."""
        self._match_parties(shipments)
        return [self._evaluate(s, line, on) for s, line in zip(shipments, lines, strict=True)]

    def _match_parties(self, shipments: Sequence[Shipment]) -> None:
        """Match the batch's party names at once, so that the rules' `match` calls are lookups."""
        fields = self.rules.party_fields
        names = [value for s in shipments for field in fields if (value := getattr(s, field))]
        # Should this fail, each record's rules match its names one by one, and a failure
        # there flags that record (see `_evaluate`): screening fails closed as without batches.
        # Said once on stderr, since otherwise the only symptom would be a slow run.
        try:
            self.matcher.match_many(names, self.rules.flag_cutoff())
        except Exception as exc:
            warnings.warn(
                f"batch name matching failed ({exc!r}); matching record by record",
                RuntimeWarning,
                stacklevel=2,
            )


_WORKER: Screener | None = None
"""In a worker process: the screener it was forked from (index, lists and rules shared)."""


class _Claims:
    """Which process screens each part of a batch: the first to claim it. One slot per part,
    in memory shared with the workers, holding the number of the batch that last claimed it."""

    def __init__(self, parts: int) -> None:
        context = multiprocessing.get_context("fork")
        self._slots = context.RawArray("q", parts)
        self._lock = context.Lock()
        self.parts = parts

    def claim(self, batch: int, part: int) -> bool:
        with self._lock:
            if self._slots[part] == batch:
                return False
            self._slots[part] = batch
            return True


_CLAIMS: _Claims | None = None


def _start_worker(screener: Screener, claims: _Claims) -> None:
    global _WORKER, _CLAIMS
    _WORKER, _CLAIMS = screener, claims
    # Ctrl-C reaches the whole process group: the parent stops the run and its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _screen_in_worker(
    batch: int,
    part: int,
    raws: Sequence[RawFields],
    mapping: Mapping[str, str],
    qualify_ids: bool,
    on: date,
) -> Screened | None:
    """`Screener._screen_part` of one part, or None when the parent has claimed it first."""
    assert _WORKER is not None and _CLAIMS is not None, "not a worker process"
    if not _CLAIMS.claim(batch, part):
        return None
    records = [RawRecord(*fields) for fields in raws]
    screened, error = _WORKER._screen_part(records, mapping, qualify_ids, on)
    return _to_parent(screened, keep_shipments=_WORKER.store is not None), error


def _to_parent(screened: list[Screening], keep_shipments: bool) -> list[Screening]:
    """A worker's results made cheap to pickle, which the parent otherwise pays for on its
    critical path: shipments left out unless there is a case store to record them in, and
    equal reasons (most records of one kind of goods get the same commodity reasons) made
    one object, which pickle then sends once."""
    seen: dict[tuple[Reason, frozenset[str]], Reason] = {}

    def one(reason: Reason) -> Reason:
        try:
            return seen.setdefault((reason, frozenset(reason.model_fields_set)), reason)
        except TypeError:  # an unhashable value: sent as it is
            return reason

    return [
        (id, shipment if keep_shipments else None, record, [one(r) for r in reasons])
        for id, shipment, record, reasons in screened
    ]


def _raw_fields(raw: RawRecord) -> RawFields:
    return (raw.source, raw.line, raw.data, raw.problem, raw.problem_field)


class _Pool:
    """Worker processes forked from a screener, sharing out each batch in parts of
    `PART_RECORDS`. The workers take the parts from the end of the batch, this process from
    the front, each claiming a part before parsing and screening it, and each part is decided
    as soon as it is screened: both ends meet wherever the work takes them, and decisions still
    come out in input order. Forked, not spawned, so workers start in milliseconds with the
    index built (shared copy-on-write) and only records and their reasons are pickled. A
    worker that fails costs time, never a record: the parts it had are screened here instead,
    with a warning."""

    def __init__(self, screener: Screener, executor: Executor, claims: _Claims) -> None:
        self._screener = screener
        self._executor: Executor | None = executor
        self._claims = claims
        self._batch = 0

    @classmethod
    def start(cls, screener: Screener) -> _Pool | None:
        """The pool, or None where processes cannot be forked (Windows, macOS default)."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        claims = _Claims(len(_parts(BATCH_RECORDS, PART_RECORDS)))
        # Batch matching counts candidates with numpy: imported once here, before the fork,
        # rather than once in every worker.
        with contextlib.suppress(ImportError):
            importlib.import_module("numpy")
        executor = ProcessPoolExecutor(
            screener.workers - 1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(screener, claims),  # inherited through the fork, not pickled
        )
        return cls(screener, executor, claims)

    def screen(
        self, raws: Sequence[RawRecord], mapping: Mapping[str, str], qualify_ids: bool, on: date
    ) -> Iterator[Screened]:
        """`Screener._screen_part` of the batch, shared out, one part at a time in order."""
        screener = self._screener
        self._batch += 1
        batch = self._batch
        parts = _parts(len(raws), PART_RECORDS)
        if len(parts) > self._claims.parts:  # a batch larger than when the pool started
            yield screener._screen_part(raws, mapping, qualify_ids, on)
            return
        futures: dict[int, Future[Screened | None]] = {}
        for i in reversed(range(1, len(parts))):
            if self._executor is None:
                break
            start, end = parts[i]
            try:
                futures[i] = self._executor.submit(
                    _screen_in_worker,
                    batch,
                    i,
                    [_raw_fields(raw) for raw in raws[start:end]],
                    mapping,
                    qualify_ids,
                    on,
                )
            except Exception as exc:  # the pool broke: these parts are screened here
                self._failed(exc)
        for i, (start, end) in enumerate(parts):
            future = futures.get(i)
            if (
                future is not None
                and self._executor is not None
                and not self._claims.claim(batch, i)  # a worker has it
            ):
                try:
                    part = future.result()
                    if part is None or not _complete(part, end - start):
                        found = "no" if part is None else len(part[0])
                        raise RuntimeError(f"{found} results for {end - start} records")
                except Exception as exc:
                    self._failed(exc)
                else:
                    yield part
                    continue
            yield screener._screen_part(raws[start:end], mapping, qualify_ids, on)

    def _failed(self, exc: Exception) -> None:
        """Said once; the pool is shut and the run goes on in this process alone."""
        if self._executor is not None:
            warnings.warn(
                f"a screening worker process failed ({exc!r}); screening in this process only",
                RuntimeWarning,
                stacklevel=3,
            )
            self._executor.shutdown(wait=False)
            self._executor = None

    def close(self) -> None:
        """Parts not started yet are dropped: the run is over, or abandoned by its reader. The
        parts the workers are on are waited for (one part each, a fraction of a second): an
        executor left running while the interpreter exits can print a traceback from its
        manager thread ("Bad file descriptor") as `| head` ends a run."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _complete(part: Screened, count: int) -> bool:
    """A part's results are one per record, or fewer and the error that stopped them."""
    screened, failed = part
    return len(screened) == count if failed is None else len(screened) < count


def _parts(count: int, size: int) -> list[tuple[int, int]]:
    """[start, end) of consecutive parts of `count` items, none longer than `size`, all of
    near-equal length."""
    n = max(1, -(-count // size))
    bounds = [count * i // n for i in range(n + 1)]
    return list(itertools.pairwise(bounds))


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
