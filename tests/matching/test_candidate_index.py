"""The trigram candidate index: its bound, and what blocking loses against a full scan.

`FullScan` is the matcher as it was before the index: every key of a possible length scored
(rapidfuzz over the whole length window), every name sharing a word rescored with the words
aligned, subset candidates counted over the word postings, every short one-word key tried for
one slip (OSA). Issue 4 allows the index to lose at
most 0.5% of the (entry, method) hits the full scan finds at the default flag cutoff; the
index is exact by construction, so on the real SDN list it loses none.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from dualscreen.defaults import default_rules
from dualscreen.lists import load_lists
from dualscreen.matching import NameHit, NameMatcher
from dualscreen.matching.candidates import counted_grams, gram_slack, key_grams, pair_slack
from dualscreen.matching.matcher import (
    COMMON_TOKEN_POSTINGS,
    SHORT_SLIP_MIN_LETTERS,
    SINGLE_TOKEN_MIN_FUZZY_LENGTH,
    SUBSET_MAX_EXTRA_TOKENS,
    _aligned_ratio,
    _carries,
    _search_cutoff,
)
from dualscreen.matching.scoring import has_digit, numbers_agree
from dualscreen.models import EntityType, ListEntry, RestrictedList
from dualscreen.rules import load_rules

SDN = "lists/ofac-sdn/2024-05-03"
SEED = 20261122
LISTED_SAMPLE = 500
FAKER_NAMES = 1200
FAKER_LOCALES = ("en_US", "id_ID", "de_DE", "tr_TR", "vi_VN", "ru_RU", "ar_SA", "zh_CN")
MIN_RECALL = 0.995
LEGAL_FORMS = ("Ltd", "LLC", "Co., Ltd.", "GmbH", "PT", "JSC", "S.A.")


class FullScan(NameMatcher):
    """The reference: the matcher with its candidate search replaced by the full scan."""

    def __init__(self, lists: Sequence[RestrictedList]) -> None:
        super().__init__(lists)
        self._lengths = [len(k) for k in self._keys]

    def _fuzzy(self, key: str, cutoff: float, candidates: Sequence[int]) -> list[tuple[int, float]]:
        lo = bisect.bisect_left(self._lengths, len(key) * cutoff / (2 - cutoff))
        hi = bisect.bisect_right(self._lengths, len(key) * (2 - cutoff) / cutoff)
        found = process.extract(
            key, self._keys[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff * 100, limit=50
        )
        scores = {lo + offset: ratio for _, ratio, offset in found}
        sharing = {
            i
            for token in set(key.split())
            if len(postings := self._postings.get(token, ())) <= COMMON_TOKEN_POSTINGS
            for i in postings
            if lo <= i < hi
        }
        for index in sharing:
            ratio = _aligned_ratio(key, self._keys[index])
            if ratio >= cutoff * 100 and ratio > scores.get(index, 0):
                scores[index] = ratio
        return [(index, ratio) for index, ratio in scores.items() if ratio < 100]

    def _short_slips(self, key: str) -> list[int]:
        return [
            i
            for i, other in enumerate(self._keys)
            if " " not in other
            and SHORT_SLIP_MIN_LETTERS <= len(other) <= SINGLE_TOKEN_MIN_FUZZY_LENGTH
            and not has_digit(other)
            and other != key
            and OSA.distance(key, other) <= 1
        ]

    def _subset_candidates(self, key: str) -> list[int]:
        query = Counter(key.split())
        shared: Counter[int] = Counter()
        for token in query:
            postings = self._postings.get(token, ())
            if len(postings) <= COMMON_TOKEN_POSTINGS:
                shared.update(postings)
        found = []
        for index, count in shared.items():
            other = Counter(self._keys[index].split())
            shorter, longer = (query, other) if query.total() <= other.total() else (other, query)
            if (
                count >= 2
                and 0 < longer.total() - shorter.total() <= SUBSET_MAX_EXTRA_TOKENS
                and not shorter - longer
                and _carries(shorter)
                and numbers_agree(key, self._keys[index])
            ):
                found.append(index)
        return sorted(found)


# --- the bound -------------------------------------------------------------------------------


def test_grams_are_one_per_letter_and_ignore_word_order() -> None:
    assert key_grams("ab cde") == [" ab", "ab ", " cd", "cde", "de "]
    assert sorted(key_grams("cde ab")) == sorted(key_grams("ab cde"))
    assert key_grams("x") == [" x "]


def test_repeated_grams_are_numbered() -> None:
    assert counted_grams("al al bn") == [" al", "al ", " al2", "al 2", " bn", "bn "]


_words = st.lists(st.text("abn", min_size=1, max_size=6), min_size=1, max_size=5)


@st.composite
def _near_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """A key and one a few edits away (letters and spaces inserted, deleted, replaced)."""
    query = " ".join(draw(_words))
    other = list(query)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(other)))
        op = draw(st.sampled_from(("insert", "delete", "replace", "swap")))
        letter = draw(st.sampled_from("abn "))
        if op == "insert":
            other.insert(at, letter)
        elif op == "swap":  # two adjacent letters swapped: one slip as people type (OSA)
            other[at : at + 2] = other[at : at + 2][::-1]
        elif at < len(other):
            other[at : at + 1] = [letter] if op == "replace" else []
    return query, " ".join("".join(other).split()) or "a"


@settings(max_examples=3000, deadline=None)
@given(_near_pairs(), st.sampled_from((0.6, 0.8, 0.85, 0.88, 0.9, 0.95)))
def test_a_key_within_reach_shares_all_but_the_slack_of_the_grams(
    pair: tuple[str, str], cutoff: float
) -> None:
    query, other = pair
    reach = max(fuzz.ratio(query, other), _aligned_ratio(query, other))
    if reach < cutoff * 100:
        return
    shared = len(set(counted_grams(query)) & set(counted_grams(other)))
    assert shared >= len(counted_grams(query)) - gram_slack(len(query), cutoff)
    # The batch search asks each key for what its own length allows, never more than the above.
    slack = pair_slack(len(query), len(other), cutoff)
    assert slack is not None, "a key within reach has a length that can reach the cutoff"
    assert slack <= gram_slack(len(query), cutoff)
    assert shared >= len(counted_grams(query)) - slack


@settings(max_examples=2000, deadline=None)
@given(
    st.text(alphabet="abno", min_size=8, max_size=8),
    st.integers(0, 8),
    st.sampled_from(("insert", "delete", "replace", "swap")),
    st.sampled_from("abnz"),
)
def test_one_slip_in_an_eight_letter_word_is_within_the_searched_bound(
    word: str, at: int, op: str, letter: str
) -> None:
    """An eight-letter one-word key one OSA edit from the query scores SINGLE_TOKEN_TYPO_SCORE
    whatever its edit similarity (a swap is two Indel edits): the search at `_search_cutoff`
    must still admit it, on either side."""
    chars = list(word)
    if op == "insert":
        chars.insert(at, letter)
    elif op == "delete":
        del chars[at : at + 1]
    elif op == "replace":
        chars[at : at + 1] = [letter]
    else:
        chars[at : at + 2] = chars[at : at + 2][::-1]
    other = "".join(chars)
    assert OSA.distance(word, other) <= 1
    if len(other) < SINGLE_TOKEN_MIN_FUZZY_LENGTH:
        return  # a shorter listed word: the short-slip look-up, not the trigram search
    for query, key in ((word, other), (other, word)):
        if len(query) != SINGLE_TOKEN_MIN_FUZZY_LENGTH:
            continue  # a nine-letter query: one slip is ≥ 0.889 and searched at the cutoff
        search = _search_cutoff(query, 0.88)
        shared = len(set(counted_grams(query)) & set(counted_grams(key)))
        assert shared >= len(counted_grams(query)) - gram_slack(len(query), search)


# --- against the full scan on the real SDN list ------------------------------------------------


@pytest.fixture(scope="module")
def sdn(shared_data: Path) -> RestrictedList:
    (lst,) = load_lists([shared_data / SDN])
    return lst


@pytest.fixture(scope="module")
def cutoff() -> float:
    return load_rules([default_rules()]).flag_cutoff()


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if not letters:
        return name
    i = rng.choice(letters)
    op = rng.choice(("replace", "delete", "insert", "swap"))
    if op == "delete":
        return name[:i] + name[i + 1 :]
    if op == "insert":
        return name[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + name[i:]
    if op == "swap" and i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + name[i + 1 :]


def _variants(entry: ListEntry, rng: random.Random) -> list[str]:
    name = entry.name
    if entry.type is EntityType.PERSON and name.count(",") == 1:
        last, first = name.split(",")
        name = f"{first.strip()} {last.strip()}"
    words = name.split()
    return [
        entry.name,
        name.title(),
        " ".join(words[-1:] + words[:-1]),
        _typo(name, rng),
        _typo(_typo(name, rng), rng),
        f"{name} {rng.choice(LEGAL_FORMS)}",
        " ".join(words[:-1]) or name,  # last word dropped: subset matches
    ]


def queries(sdn: RestrictedList) -> list[str]:
    """Listed names with variants, their aliases, and generated names: fixed seeds."""
    rng = random.Random(SEED)
    sample = rng.sample(sdn.entries, LISTED_SAMPLE)
    found = [v for entry in sample for v in _variants(entry, rng)]
    found += [a for entry in sample for a in entry.aliases[:1]]
    fake = Faker(list(FAKER_LOCALES))
    fake.seed_instance(SEED)
    found += [fake.name() if i % 2 else fake.company() for i in range(FAKER_NAMES)]
    return found


Hits = set[tuple[int, str, str, float]]
"""(query position, entry id, method, score) of every hit."""


def _hits(results: Sequence[tuple[NameHit, ...]]) -> Hits:
    return {
        (n, h.entry.entry_id, h.method.value, h.score) for n, r in enumerate(results) for h in r
    }


def _entry_methods(hits: Hits) -> set[tuple[int, str, str]]:
    return {(n, entry, method) for n, entry, method, _ in hits}


def _recall(found: Hits, reference: Hits) -> float:
    """The share of the full scan's (query, entry, method) hits that were found."""
    return len(_entry_methods(found) & _entry_methods(reference)) / len(_entry_methods(reference))


@pytest.fixture(scope="module")
def reference(sdn: RestrictedList, cutoff: float) -> Hits:
    full = FullScan([sdn])
    return _hits([full.match(q, cutoff) for q in queries(sdn)])


def test_batch_search_loses_no_hit_of_the_full_scan(
    sdn: RestrictedList, cutoff: float, reference: Hits
) -> None:
    found = _hits(NameMatcher([sdn]).match_many(queries(sdn), cutoff))
    recall = _recall(found, reference)
    print(f"\nbatch: {recall:.2%} of {len(_entry_methods(reference))} full-scan hits found")
    assert recall >= MIN_RECALL
    assert found == reference, "the index changed a score or added a hit"


def test_single_search_loses_no_hit_of_the_full_scan(
    sdn: RestrictedList, cutoff: float, reference: Hits
) -> None:
    matcher = NameMatcher([sdn])
    found = _hits([matcher.match(q, cutoff) for q in queries(sdn)])
    recall = _recall(found, reference)
    print(f"\nsingle: {recall:.2%} of {len(_entry_methods(reference))} full-scan hits found")
    assert recall >= MIN_RECALL
    assert found == reference, "the index changed a score or added a hit"
