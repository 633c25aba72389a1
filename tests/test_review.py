"""apply_reviews: cleared hits shown but not counted; lapsed and confirmed hits still count."""

from __future__ import annotations

import datetime as dt

import pytest

from dualscreen.models import Action, ListEntry, Reason, ReasonKind, ReviewStatus, Verdict
from dualscreen.review import Review, ReviewVerdict, apply_reviews, entry_fingerprint, index_reviews
from dualscreen.screening import decide

ENTRY = ListEntry(
    entry_id="S1", name="BANCO NACIONAL DE CUBA", aliases=("BNC",), programs=("CUBA",)
)
HIT = Reason(
    kind=ReasonKind.PARTY,
    action=Action.FLAG,
    rule="restricted-party",
    explanation="consignee matches S1",
    field="consignee",
    value="Banco Nacional de Kuba",
    list="test-sanctions",
    entry_id="S1",
)
ON = dt.date(2026, 11, 20)


def review(
    verdict: ReviewVerdict = ReviewVerdict.CLEARED,
    *,
    party: str = "BANCO NACIONAL DE KUBA",
    entry: ListEntry = ENTRY,
    list_name: str | None = None,
    expires: dt.date | None = None,
    at: dt.datetime = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC),
) -> Review:
    return Review(
        party=party,
        entry_id=entry.entry_id,
        fingerprint=entry_fingerprint(entry),
        verdict=verdict,
        reviewer="ana",
        reason="a German bank",
        created_at=at,
        list=list_name,
        expires=expires,
    )


def apply(*reviews: Review, entry: ListEntry = ENTRY, on: dt.date = ON) -> Reason:
    (out,) = apply_reviews([HIT], index_reviews(reviews), {("test-sanctions", "S1"): entry}, on)
    return out


def test_a_cleared_hit_is_kept_marked_and_does_not_count() -> None:
    out = apply(review())
    assert out.action is Action.FLAG
    assert out.review is not None and out.review.status is ReviewStatus.CLEARED
    assert (out.review.reviewer, out.review.reason, out.review.date) == (
        "ana",
        "a German bank",
        dt.date(2026, 11, 1),
    )
    assert decide([out]) is Verdict.PASS


def test_other_hits_still_count_beside_a_cleared_one() -> None:
    other = HIT.model_copy(update={"entry_id": "S2", "action": Action.BLOCK})
    reasons = apply_reviews(
        [HIT, other], index_reviews([review()]), {("test-sanctions", "S1"): ENTRY}, ON
    )
    assert reasons[1].review is None
    assert decide(reasons) is Verdict.BLOCK


@pytest.mark.parametrize(
    ("expires", "lapsed"),
    [(dt.date(2026, 11, 21), False), (ON, True), (dt.date(2026, 11, 1), True)],
    ids=["before-expiry", "on-expiry-date", "after-expiry"],
)
def test_a_clearance_lapses_on_its_expiry_date(expires: dt.date, lapsed: bool) -> None:
    out = apply(review(expires=expires))
    assert out.review is not None
    if lapsed:
        assert out.review.status is ReviewStatus.LAPSED
        assert out.review.why == f"expired on {expires.isoformat()}"
        assert decide([out]) is Verdict.FLAG
    else:
        assert out.review.status is ReviewStatus.CLEARED


@pytest.mark.parametrize(
    "changed",
    [
        ENTRY.model_copy(update={"aliases": ("BNC", "BANCO NACIONAL")}),
        ENTRY.model_copy(update={"programs": ("CUBA", "SDGT")}),
        ENTRY.model_copy(update={"name": "BANCO NACIONAL DE CUBA SA"}),
    ],
    ids=["new-alias", "new-program", "renamed"],
)
def test_a_change_in_the_entry_lapses_the_clearance(changed: ListEntry) -> None:
    out = apply(review(), entry=changed)
    assert out.review is not None and out.review.status is ReviewStatus.LAPSED
    assert out.review.why == "the list entry changed since the review"
    assert decide([out]) is Verdict.FLAG


def test_reordered_aliases_do_not_lapse_it() -> None:
    entry = ENTRY.model_copy(update={"aliases": ("BNC",), "programs": ("CUBA",)})
    assert apply(review(), entry=entry).cleared


def test_a_confirmed_hit_is_shown_and_counts() -> None:
    out = apply(review(ReviewVerdict.CONFIRMED))
    assert out.review is not None and out.review.status is ReviewStatus.CONFIRMED
    assert decide([out]) is Verdict.FLAG


def test_the_newest_review_of_a_hit_applies() -> None:
    cleared = review(at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    confirmed = review(ReviewVerdict.CONFIRMED, at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    assert apply(cleared, confirmed).review.status is ReviewStatus.CONFIRMED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kwargs", "applies"),
    [
        ({"party": "banco  nacional de kuba"}, True),
        ({"party": "Kuba, Banco Nacional de"}, True),
        ({"party": "Banco Nacional de Chile"}, False),
        ({"list_name": "test-sanctions"}, True),
        ({"list_name": "other-list"}, False),
    ],
    ids=["normalised-name", "reordered-name", "other-party", "same-list", "other-list"],
)
def test_a_review_applies_to_its_party_and_list_only(kwargs: dict[str, str], applies: bool) -> None:
    assert (apply(review(**kwargs)).review is not None) is applies  # type: ignore[arg-type]
