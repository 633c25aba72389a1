"""Where a report's decisions come from: a screening run, or a case store's stored decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from pydantic import ValidationError

from dualscreen import __version__
from dualscreen.errors import StoreError
from dualscreen.models import Decision, Reason
from dualscreen.report.figures import ListProvenance, Provenance, RulesFile
from dualscreen.screening import Screener
from dualscreen.store import Store


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def run_provenance(screener: Screener, inputs: Sequence[str], as_of: dt.date) -> Provenance:
    """The lists and rules a run screened against, as `screen`'s summary names them."""
    return Provenance(
        source="screen",
        inputs=[("stdin" if s == "-" else s) for s in inputs],
        as_of=as_of,
        lists=[
            ListProvenance(name=i.name, version=i.version, sha256=i.sha256)
            for i in (lst.info for lst in screener.lists)
        ],
        rules_files=[
            RulesFile(path=path, version=version, sha256=sha)
            for path, version, sha in screener.rules.files
        ],
        rules_sha256=[screener.rules.sha256],
        generated_at=_now(),
        dualscreen_version=__version__,
    )


class StoredDecisions:
    """The latest stored decision of each record (same id and content, as
    `Store.screenings(latest=True)` has it), as `Decision`s, read one at a time: nothing is
    screened again. The lists, rules hashes and dates seen are noted for the provenance."""

    def __init__(self, store: Store, since: dt.date | None = None) -> None:
        self.store = store
        self.since = since
        self._lists: dict[tuple[str, str, str], None] = {}
        self._rules: dict[str, None] = {}
        self._first: dt.date | None = None
        self._last: dt.date | None = None

    def __iter__(self) -> Iterator[Decision]:
        for row in self.store.screenings(since=self.since, latest=True):
            for lst in row.lists:
                key = (
                    str(lst.get("name", "")),
                    str(lst.get("version", "")),
                    str(lst.get("sha256", "")),
                )
                self._lists.setdefault(key, None)
            self._rules.setdefault(row.rules_sha256, None)
            self._first = min(self._first or row.screened_on, row.screened_on)
            self._last = max(self._last or row.screened_on, row.screened_on)
            try:
                reasons = tuple(Reason.model_validate(r) for r in row.reasons)
            except ValidationError as exc:
                raise StoreError(
                    f"stored screening {row.row} (record {row.record_id!r}) has reasons this "
                    f"dualscreen cannot read: {exc.errors()[0]['msg']}",
                    path=self.store.path,
                ) from exc
            # A row stored before the store kept records (schema 1) has only its parties.
            record = row.record if row.record is not None else {"id": row.record_id, **row.parties}
            yield Decision(id=row.record_id, decision=row.decision, reasons=reasons, record=record)

    def provenance(self) -> Provenance:
        return Provenance(
            source="store",
            inputs=[str(self.store.path)],
            screened_from=self._first,
            screened_to=self._last,
            since=self.since,
            lists=[ListProvenance(name=n, version=v, sha256=s) for n, v, s in sorted(self._lists)],
            rules_files=[],
            rules_sha256=list(self._rules),
            generated_at=_now(),
            dualscreen_version=__version__,
        )


def stored_decisions(store: Store, since: dt.date | None = None) -> StoredDecisions:
    return StoredDecisions(store, since)
