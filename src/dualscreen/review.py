"""Reviewed hits: an officer's clearances and confirmations applied to a record's party reasons."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from dualscreen.matching.normalize import match_key
from dualscreen.models import ListEntry, Reason, ReasonKind, ReviewNote, ReviewStatus

ReviewKey = tuple[str, str]
"""(the party's `match_key`, the list entry id): how a reason finds the reviews of its hit."""


class ReviewVerdict(StrEnum):
    CLEARED = "cleared"  # the party is not that list entry
    CONFIRMED = "confirmed"  # the party is that list entry


@dataclass(frozen=True)
class Review:
    """One review as the case store keeps it. `list` None applies to the entry id in any list."""

    party: str
    entry_id: str
    fingerprint: str
    verdict: ReviewVerdict
    reviewer: str
    reason: str
    created_at: dt.datetime  # UTC
    list: str | None = None
    expires: dt.date | None = None  # a clearance holds up to the day before
    id: int | None = None

    @property
    def key(self) -> ReviewKey:
        return (match_key(self.party), self.entry_id)


def entry_fingerprint(entry: ListEntry) -> str:
    """What a review vouches for: the entry's names and programs. New aliases or programs are
    new facts the reviewer did not see, so they change the fingerprint and lapse a clearance.
    Order is left out: a publisher reordering aliases changes nothing."""
    content = {
        "name": entry.name,
        "aliases": sorted(entry.aliases),
        "programs": sorted(entry.programs),
    }
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def index_reviews(reviews: Iterable[Review]) -> dict[ReviewKey, list[Review]]:
    """The reviews by (party key, entry id), newest first within each key."""
    lookup: dict[ReviewKey, list[Review]] = {}
    for review in reviews:
        lookup.setdefault(review.key, []).append(review)
    for found in lookup.values():
        found.sort(key=lambda r: (r.created_at, r.id or 0), reverse=True)
    return lookup


def apply_reviews(
    reasons: Sequence[Reason],
    reviews_lookup: Mapping[ReviewKey, Sequence[Review]],
    entries_lookup: Mapping[tuple[str, str], ListEntry],
    on: dt.date,
) -> list[Reason]:
    """Each party reason with a review of its (party, entry, list) carries that review: the
    newest one applies. A clearance holds only before its expiry date and while the entry is
    as reviewed; otherwise the hit counts again, marked `lapsed` with why."""
    if not reviews_lookup:
        return list(reasons)
    out = []
    for reason in reasons:
        review = _review_for(reason, reviews_lookup)
        if review is None:
            out.append(reason)
            continue
        entry = entries_lookup.get((reason.list or "", reason.entry_id or ""))
        out.append(reason.model_copy(update={"review": _note(review, entry, on)}))
    return out


def _review_for(reason: Reason, lookup: Mapping[ReviewKey, Sequence[Review]]) -> Review | None:
    if reason.kind is not ReasonKind.PARTY or not reason.value or not reason.entry_id:
        return None
    found = lookup.get((match_key(reason.value), reason.entry_id), ())
    return next((r for r in found if r.list is None or r.list == reason.list), None)


def _note(review: Review, entry: ListEntry | None, on: dt.date) -> ReviewNote:
    status = ReviewStatus(review.verdict.value)
    why = None
    if review.verdict is ReviewVerdict.CLEARED:
        if review.expires is not None and on >= review.expires:
            status, why = ReviewStatus.LAPSED, f"expired on {review.expires.isoformat()}"
        elif entry is None or entry_fingerprint(entry) != review.fingerprint:
            status, why = ReviewStatus.LAPSED, "the list entry changed since the review"
    return ReviewNote(
        status=status,
        reviewer=review.reviewer,
        reason=review.reason,
        date=review.created_at.date(),
        expires=review.expires,
        why=why,
    )
