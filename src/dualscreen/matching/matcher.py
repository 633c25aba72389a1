"""Score a party name against every primary name and alias of the loaded lists.

A first, honest matcher: exact comparison of normalised, order-free keys; rapidfuzz edit
similarity for typos; and a token-subset rule for a missing middle name or a branch suffix.
It works on plain arrays of strings; pydantic objects stay outside the hot loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from dualscreen.matching.normalize import match_key, reorder_listed
from dualscreen.models import ListEntry, RestrictedList

SUBSET_WEIGHT = 0.92
"""A name whose tokens are all in a listed name (or the reverse) scores at most this: strong
enough to flag under the default rules, never enough to block on its own."""

SUBSET_MAX_EXTRA_TOKENS = 2
SUBSET_MIN_SHARED_CHARS = 8
"""The shared part of a subset match must be at least two tokens and this many letters, so a
lone surname or a generic word ("BANK") never carries a match."""


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
        self._entries: list[tuple[int, ListEntry]] = []  # (list index, entry)
        self._keys: list[str] = []  # one per name, parallel with _names and _owner
        self._names: list[str] = []
        self._owner: list[int] = []  # index into _entries
        self._exact: dict[str, list[int]] = {}
        for list_index, lst in enumerate(lists):
            for entry in lst.entries:
                self._entries.append((list_index, entry))
                for name in (entry.name, *entry.aliases):
                    key = match_key(reorder_listed(name))
                    if not key:
                        continue
                    self._exact.setdefault(key, []).append(len(self._keys))
                    self._keys.append(key)
                    self._names.append(name)
                    self._owner.append(len(self._entries) - 1)
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

    def _match_key(self, key: str, cutoff: float) -> tuple[NameHit, ...]:
        best: dict[int, tuple[float, int, MatchMethod]] = {}

        def consider(index: int, score: float, method: MatchMethod) -> None:
            owner = self._owner[index]
            if owner not in best or score > best[owner][0]:
                best[owner] = (score, index, method)

        for index in self._exact.get(key, ()):
            consider(index, 1.0, MatchMethod.EXACT)
        for _, ratio, index in process.extract(
            key, self._keys, scorer=fuzz.ratio, score_cutoff=cutoff * 100, limit=50
        ):
            if ratio < 100:
                consider(index, round(ratio / 100, 4), MatchMethod.FUZZY)
        if cutoff <= SUBSET_WEIGHT:
            for _, ratio, index in process.extract(
                key,
                self._keys,
                scorer=fuzz.token_set_ratio,
                score_cutoff=max(cutoff / SUBSET_WEIGHT, 0.95) * 100,
                limit=50,
            ):
                if _is_subset_match(key, self._keys[index]):
                    consider(index, round(SUBSET_WEIGHT * ratio / 100, 4), MatchMethod.SUBSET)

        hits = [
            NameHit(
                list_index=self._entries[self._owner[index]][0],
                entry=self._entries[self._owner[index]][1],
                matched_name=self._names[index],
                score=score,
                method=method,
            )
            for score, index, method in best.values()
            if score >= cutoff
        ]
        hits.sort(key=lambda h: (-h.score, h.list_index, h.entry.entry_id))
        return tuple(hits)


def _is_subset_match(query: str, listed: str) -> bool:
    """Guard the token-subset rule: enough shared substance, few unexplained extra tokens."""
    q, n = query.split(), listed.split()
    shorter, longer = (q, n) if len(q) <= len(n) else (n, q)
    extra = len(longer) - len(shorter)
    return (
        len(shorter) >= 2
        and 0 < extra <= SUBSET_MAX_EXTRA_TOKENS
        and sum(map(len, shorter)) >= SUBSET_MIN_SHARED_CHARS
    )
