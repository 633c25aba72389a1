"""Score a party name against every primary name and alias of the loaded lists.

A first, honest matcher: exact comparison of normalised, order-free keys; rapidfuzz edit
similarity for typos; and a token-subset rule for a missing middle name or a branch suffix.
It works on plain arrays of strings; pydantic objects stay outside the hot loop.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from dualscreen.matching.normalize import match_key, reorder_listed
from dualscreen.models import EntityType, ListEntry, RestrictedList

SUBSET_WEIGHT = 0.92
"""A name whose tokens are all in a listed name (or the reverse) scores this: strong enough to
flag under the default rules, never enough to block on its own."""

SUBSET_MAX_EXTRA_TOKENS = 2
SUBSET_MIN_SHARED_CHARS = 8
"""The shared part of a subset match must be at least two tokens and this many letters, so a
lone surname or a generic word ("BANK") never carries a match."""

SINGLE_TOKEN_WEAK_SCORE = 0.9
"""One-word aliases and vessel names are often nicknames, acronyms or plain words ("MARTIN",
"BNC", "DANIEL"): an exact match on one flags for review but cannot block, since many innocent
parties share them."""

SINGLE_TOKEN_MIN_FUZZY_LENGTH = 8
"""One-word names shorter than this match only exactly: "GORDON" is not "GORDO"."""

_PARTY_TYPES = frozenset({EntityType.ORGANIZATION, EntityType.UNKNOWN})

COMMON_TOKEN_POSTINGS = 5000
"""Tokens in more names than this ("al", "company") are not used to find subset candidates."""


class MatchMethod(StrEnum):
    EXACT = "exact"  # equal after normalisation (case, accents, punctuation, order, legal form)
    FUZZY = "fuzzy"  # edit similarity of the normalised keys
    SUBSET = "subset"  # one name's tokens all appear in the other


@dataclass(frozen=True, slots=True)
class NameHit:
    """One list entry a party name matched, through its best-matching name."""

    list_index: int
    entry: ListEntry
    matched_name: str
    score: float
    method: MatchMethod


@dataclass(slots=True)
class NameIndex:
    """The matcher's arrays, one slot per name, sorted by key length so a fuzzy search only looks
    at keys of a length that can reach the cutoff. Plain lists and dicts: cheap to cache."""

    keys: list[str]
    names: list[str]
    owner: list[int]  # index of the name's entry, counting entries across all lists in order
    primary: list[bool]
    exact: dict[str, list[int]]
    postings: dict[str, list[int]]

    @classmethod
    def build(cls, lists: Sequence[RestrictedList]) -> NameIndex:
        names: list[tuple[str, str, int, bool]] = []  # (key, name, entry index, is primary)
        entry_index = 0
        for lst in lists:
            for entry in lst.entries:
                for position, name in enumerate((entry.name, *entry.aliases)):
                    key = match_key(reorder_listed(name))
                    if key:
                        names.append((key, name, entry_index, position == 0))
                entry_index += 1
        names.sort(key=lambda n: len(n[0]))
        keys = [n[0] for n in names]
        exact: dict[str, list[int]] = {}
        postings: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            exact.setdefault(key, []).append(index)
            for token in set(key.split()):
                postings.setdefault(token, []).append(index)
        return cls(
            keys=keys,
            names=[n[1] for n in names],
            owner=[n[2] for n in names],
            primary=[n[3] for n in names],
            exact=exact,
            postings=postings,
        )


class NameMatcher:
    """An index over every name of the given lists; `match` is pure and its results cached."""

    def __init__(self, lists: Sequence[RestrictedList], index: NameIndex | None = None) -> None:
        self._entries = [(i, entry) for i, lst in enumerate(lists) for entry in lst.entries]
        index = index or NameIndex.build(lists)
        self._keys = index.keys
        self._lengths = [len(k) for k in self._keys]
        self._names = index.names
        self._owner = index.owner
        self._primary = index.primary
        self._exact = index.exact
        self._postings = index.postings
        self._cache: dict[tuple[str, float], tuple[NameHit, ...]] = {}

    @property
    def size(self) -> int:
        """How many names (primary and aliases) the index holds."""
        return len(self._keys)

    def match(self, name: str, cutoff: float) -> tuple[NameHit, ...]:
        """Every entry whose best name scores at least `cutoff` (0..1), best first."""
        key = match_key(name)
        if not key:
            return ()
        cached = self._cache.get((key, cutoff))
        if cached is None:
            cached = self._match_key(key, cutoff)
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[(key, cutoff)] = cached
        return cached

    def _single_token_exact_score(self, index: int) -> float:
        """An organisation listed under a one-word name (ANSARU, "OOO SERTAL") blocks on an exact
        match like any other name; one-word aliases, person names and vessel or aircraft names
        (DANIEL, ADLER: not parties to a shipment) only flag."""
        entry = self._entries[self._owner[index]][1]
        strong = self._primary[index] and entry.type in _PARTY_TYPES
        return 1.0 if strong else SINGLE_TOKEN_WEAK_SCORE

    def _match_key(self, key: str, cutoff: float) -> tuple[NameHit, ...]:
        best: dict[int, tuple[float, int, MatchMethod]] = {}

        def consider(index: int, score: float, method: MatchMethod) -> None:
            owner = self._owner[index]
            if score >= cutoff and (owner not in best or score > best[owner][0]):
                best[owner] = (score, index, method)

        single = " " not in key
        for index in self._exact.get(key, ()):
            score = self._single_token_exact_score(index) if single else 1.0
            consider(index, score, MatchMethod.EXACT)

        if not single or len(key) >= SINGLE_TOKEN_MIN_FUZZY_LENGTH:
            for index, ratio in self._fuzzy(key, cutoff):
                other_single = " " not in self._keys[index]
                if single != other_single:
                    continue  # one word against several is never a typo
                if other_single and len(self._keys[index]) < SINGLE_TOKEN_MIN_FUZZY_LENGTH:
                    continue
                consider(index, round(ratio / 100, 4), MatchMethod.FUZZY)

        if cutoff <= SUBSET_WEIGHT and not single:
            for index in self._subset_candidates(key):
                consider(index, SUBSET_WEIGHT, MatchMethod.SUBSET)

        hits = [
            NameHit(
                list_index=self._entries[self._owner[index]][0],
                entry=self._entries[self._owner[index]][1],
                matched_name=self._names[index],
                score=score,
                method=method,
            )
            for score, index, method in best.values()
        ]
        hits.sort(key=lambda h: (-h.score, h.list_index, h.entry.entry_id))
        return tuple(hits)

    def _fuzzy(self, key: str, cutoff: float) -> list[tuple[int, float]]:
        """Keys within edit-similarity `cutoff`, searched only among keys of a possible length."""
        if cutoff <= 0:
            lo, hi = 0, len(self._keys)
        else:
            # ratio = 2·matches / (len_a + len_b) bounds the other key's length.
            lo = bisect.bisect_left(self._lengths, len(key) * cutoff / (2 - cutoff))
            hi = bisect.bisect_right(self._lengths, len(key) * (2 - cutoff) / cutoff)
        found = process.extract(
            key, self._keys[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff * 100, limit=50
        )
        scores = {lo + offset: ratio for _, ratio, offset in found}
        # A typo can move a word in the sorted key ("banco cuba de nacional" against "banco de
        # kuba nacional"), so names sharing a word with the query are also scored with the
        # shared words lined up first.
        candidates: set[int] = set()
        for token in set(key.split()):
            postings = self._postings.get(token, ())
            if len(postings) <= COMMON_TOKEN_POSTINGS:
                candidates.update(i for i in postings if lo <= i < hi)
        indexes = list(candidates)
        # token_set_ratio is never below the aligned ratio: a cheap filter before scoring.
        for _, _, position in process.extract(
            key,
            [self._keys[i] for i in indexes],
            scorer=fuzz.token_set_ratio,
            score_cutoff=cutoff * 100,
            limit=None,
        ):
            index = indexes[position]
            ratio = _aligned_ratio(key, self._keys[index])
            if ratio >= cutoff * 100 and ratio > scores.get(index, 0):
                scores[index] = ratio
        return [(index, ratio) for index, ratio in scores.items() if ratio < 100]

    def _subset_candidates(self, key: str) -> list[int]:
        """Names that contain every token of the query, or whose tokens the query all contains."""
        tokens = key.split()
        shared: Counter[int] = Counter()
        for token in set(tokens):
            postings = self._postings.get(token, ())
            if len(postings) <= COMMON_TOKEN_POSTINGS:
                shared.update(postings)
        found = []
        query = Counter(tokens)
        for index, count in shared.items():
            if count < 2:
                continue
            other = Counter(self._keys[index].split())
            shorter, longer = (query, other) if query.total() <= other.total() else (other, query)
            extra = longer.total() - shorter.total()
            if (
                0 < extra <= SUBSET_MAX_EXTRA_TOKENS
                and not shorter - longer
                and sum(len(t) * n for t, n in shorter.items()) >= SUBSET_MIN_SHARED_CHARS
            ):
                found.append(index)
        return found


def _aligned_ratio(query: str, listed: str) -> float:
    """Edit similarity with the words both keys share put first, so a mistyped word is compared
    with the word it was meant to be, wherever the typo moved it in the sorted key."""
    q, n = Counter(query.split()), Counter(listed.split())
    shared = " ".join(sorted((q & n).elements()))
    rest_q = " ".join(sorted((q - n).elements()))
    rest_n = " ".join(sorted((n - q).elements()))
    return fuzz.ratio(f"{shared} {rest_q}".strip(), f"{shared} {rest_n}".strip())
