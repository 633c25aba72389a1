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
"""One-word aliases ("MARTIN", "GORDO", "BNC") are nicknames and acronyms: an exact match on one
flags for review but cannot block, since many innocent parties share them."""

SINGLE_TOKEN_MIN_FUZZY_LENGTH = 8
"""One-word names shorter than this match only exactly: "GORDON" is not "GORDO"."""

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


class NameMatcher:
    """An index over every name of the given lists; `match` is pure and its results cached."""

    def __init__(self, lists: Sequence[RestrictedList]) -> None:
        entries: list[tuple[int, ListEntry]] = []  # (list index, entry)
        names: list[tuple[str, str, int, bool]] = []  # (key, name, entry index, is primary)
        for list_index, lst in enumerate(lists):
            for entry in lst.entries:
                entries.append((list_index, entry))
                for position, name in enumerate((entry.name, *entry.aliases)):
                    key = match_key(reorder_listed(name))
                    if key:
                        names.append((key, name, len(entries) - 1, position == 0))
        # Sorted by key length, so a fuzzy search only looks at keys of a length that can
        # reach the cutoff; the arrays below are parallel.
        names.sort(key=lambda n: len(n[0]))
        self._entries = entries
        self._keys = [n[0] for n in names]
        self._lengths = [len(k) for k in self._keys]
        self._names = [n[1] for n in names]
        self._owner = [n[2] for n in names]
        self._primary = [n[3] for n in names]
        self._exact: dict[str, list[int]] = {}
        self._postings: dict[str, list[int]] = {}
        for index, key in enumerate(self._keys):
            self._exact.setdefault(key, []).append(index)
            for token in set(key.split()):
                self._postings.setdefault(token, []).append(index)
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
        entry = self._entries[self._owner[index]][1]
        strong = self._primary[index] and entry.type is not EntityType.PERSON
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
        return [(lo + offset, ratio) for _, ratio, offset in found if ratio < 100]

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
