"""Candidate blocking: the few listed names a party name could reach, found through trigrams.

Scoring a query against every listed name of a possible length costs ~8,000 comparisons, yet
a name that reaches the cutoff shares most of its letter trigrams with the query: a deleted
letter breaks at most three of them, an inserted one two. So only names that share enough of
the query's trigrams are scored. The bound is exact (`gram_slack`), so blocking loses no name
the full scan finds; tests/matching/test_candidate_index.py checks that against a reference
full scan on the real lists.

A single query counts its rarer trigrams with a Counter; a batch counts them all with numpy's
bincount, about six times faster per query once numpy is imported (which a one-record run
never does). Either way every name within reach is a candidate, so both score alike.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SINGLE_QUERY_NEED = 3
"""Counting one query's candidates in pure Python, its commonest trigrams are left out, each
lowering by one what a candidate must share, down to this many. Of 1 to 6 the fastest on the
bench names: a third less time than counting every trigram; lower lets in more candidates
than it saves reading."""


def key_grams(key: str) -> list[str]:
    """Trigrams of the words padded by a space, one per letter (named by its middle letter):
    "ab cd" → " ab", "ab ", " cd", "cd ". None spans two words, so they are the same whatever
    order the words come in, and the bound holds for scoring with shared words lined up too."""
    return list(chain.from_iterable(map(_word_grams, key.split())))


@lru_cache(maxsize=65536)
def _word_grams(word: str) -> tuple[str, ...]:
    """One word's trigrams, remembered: a batch of mostly distinct names still repeats its
    given names, surnames and company words."""
    padded = f" {word} "
    return tuple(padded[i - 1 : i + 2] for i in range(1, len(padded) - 1))


def counted_grams(key: str) -> list[str]:
    """`key_grams`, a trigram's second and later occurrences numbered (" al", " al2", " al3"):
    postings of these count shared trigrams as a multiset, as the bound needs, so a name of
    many short repeated words ("al al bn ...") is still blocked on."""
    grams = key_grams(key)
    if len(set(grams)) == len(grams):
        return grams
    seen: dict[str, int] = {}
    counted = []
    for gram in grams:
        n = seen[gram] = seen.get(gram, 0) + 1
        counted.append(gram if n == 1 else f"{gram}{n}")
    return counted


@dataclass(frozen=True, slots=True)
class GramPostings:
    """For each counted trigram, the ascending positions of the keys that have it. All postings
    lie end to end in one array, which unpickles in a fraction of the time ten thousand small
    ones take: the index is loaded from the cache on every run."""

    spans: dict[str, tuple[int, int]]
    positions: array[int]

    @classmethod
    def build(cls, keys: Sequence[str]) -> GramPostings:
        postings: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            for gram in counted_grams(key):
                postings.setdefault(gram, []).append(index)
        spans = {}
        positions = array("i")
        for gram, found in postings.items():
            spans[gram] = (len(positions), len(positions) + len(found))
            positions.extend(found)
        return cls(spans, positions)

    def get(self, gram: str) -> array[int]:
        start, end = self.spans.get(gram, (0, 0))
        return self.positions[start:end]


def pair_slack(length: int, other: int, cutoff: float) -> int | None:
    """How many of a query's trigrams a key of length `other` scoring at least `cutoff`
    against it can fail to share (fuzz.ratio, or the ratio of the two with their words
    reordered), or None when no key of that length can reach `cutoff`.

    ratio = 2·LCS / (len_q + len_k). Turning the query into the key deletes len_q − LCS of its
    characters and inserts len_k − LCS: a deletion breaks at most the three trigrams centred on
    and beside it, an insertion the two either side of it."""
    lcs = math.ceil(cutoff * (length + other) / 2 - 1e-6)
    if lcs > min(length, other):
        return None
    return 3 * (length - lcs) + 2 * (other - lcs)


@lru_cache(maxsize=4096)
def gram_slack(length: int, cutoff: float) -> int:
    """`pair_slack` at its worst over every key length within reach (one more either side, for
    rounding): what any candidate can fail to share, before its length is known."""
    low = math.floor(length * cutoff / (2 - cutoff)) - 1
    high = math.ceil(length * (2 - cutoff) / cutoff) + 1
    slacks = (pair_slack(length, other, cutoff) for other in range(max(low, 1), high + 1))
    return max((s for s in slacks if s is not None), default=0)


class CandidateIndex:
    """Trigram and word postings over the matcher's keys (sorted by length), and the searches."""

    def __init__(
        self,
        keys: Sequence[str],
        grams: GramPostings,
        words: Mapping[str, Sequence[int]],
        common_words: int,
    ) -> None:
        self._keys = keys
        self._lengths = [len(k) for k in keys]
        self._grams = grams
        self._words = words
        self._common = common_words
        self._word_sets: dict[str, frozenset[int]] = {}
        self._word_counts: array[int] | None = None
        self._windows: dict[tuple[int, float], tuple[int, int]] = {}
        self._positions: npt.NDArray[np.intp] | None = None
        self._views: dict[str, npt.NDArray[np.intp]] = {}  # gram → its postings, in numpy
        self._slacks: dict[tuple[int, float], npt.NDArray[np.intp]] = {}

    def window(self, key: str, cutoff: float) -> tuple[int, int]:
        """Positions [lo, hi) of the keys whose length can reach `cutoff` against `key`."""
        found = self._windows.get((len(key), cutoff))
        if found is None:
            if cutoff <= 0:
                found = (0, len(self._keys))
            else:  # ratio = 2·matches / (len_a + len_b) bounds the other key's length.
                lo = bisect.bisect_left(self._lengths, len(key) * cutoff / (2 - cutoff))
                hi = bisect.bisect_right(self._lengths, len(key) * (2 - cutoff) / cutoff)
                found = (lo, hi)
            self._windows[(len(key), cutoff)] = found
        return found

    def fuzzy(self, key: str, cutoff: float) -> Sequence[int]:
        """Ascending positions of every key that can score `cutoff` against `key`: those in the
        length window sharing enough trigrams, or the whole window (a range) for a query too
        short for trigrams to rule anything out."""
        lo, hi = self.window(key, cutoff)
        grams, need = self._need(key, cutoff)
        if need <= 0:
            return range(lo, hi)
        # Pure Python pays for every posting read: leave out the commonest trigrams, each one
        # lowering by one what a candidate must share, as long as that stays selective.
        postings = sorted((self._grams.get(g) for g in grams), key=len)
        while need > SINGLE_QUERY_NEED and postings:
            postings.pop()
            need -= 1
        counts = Counter[int]()
        for found in postings:
            counts.update(found)
        return sorted(i for i, n in counts.items() if n >= need and lo <= i < hi)

    def fuzzy_many(self, keys: Iterable[str], cutoff: float) -> list[Sequence[int]]:
        """`fuzzy` for each key, counting with numpy: several times faster once imported. Each
        key in the window must share what `pair_slack` asks of a key of its own length, not
        the worst case over the window: a quarter of the candidates, still every key that can
        reach the cutoff (so fewer to score, same hits)."""
        import numpy as np

        if self._positions is None:  # bincount counts in intp: converted once, not per query
            self._positions = np.frombuffer(self._grams.positions, dtype=np.int32).astype(np.intp)
        positions, spans, views = self._positions, self._grams.spans, self._views
        size = len(self._keys)
        found: list[Sequence[int]] = []
        for key in keys:
            lo, hi = self.window(key, cutoff)
            grams, need = self._need(key, cutoff)
            if need <= 0:
                found.append(range(lo, hi))
                continue
            postings = []
            for gram in grams:
                view = views.get(gram)
                if view is None and gram in spans:
                    view = views[gram] = positions[slice(*spans[gram])]
                if view is not None:
                    postings.append(view)
            if len(postings) < need or lo >= hi:
                found.append(())
                continue
            counts = np.bincount(np.concatenate(postings), minlength=size)[lo:hi]
            counts += self._window_slacks(key, cutoff, lo, hi)
            found.append(((counts >= len(grams)).nonzero()[0] + lo).tolist())
        return found

    def _window_slacks(self, key: str, cutoff: float, lo: int, hi: int) -> npt.NDArray[np.intp]:
        """`pair_slack` of each key in the window [lo, hi) of `key`'s length; a key of a length
        that cannot reach the cutoff gets one no count of shared trigrams makes up for."""
        import numpy as np

        found = self._slacks.get((len(key), cutoff))
        if found is None:
            never = -3 * len(key) - 1
            by_length = {
                other: never if (slack := pair_slack(len(key), other, cutoff)) is None else slack
                for other in set(self._lengths[lo:hi])
            }
            found = self._slacks[(len(key), cutoff)] = np.array(
                [by_length[other] for other in self._lengths[lo:hi]], dtype=np.intp
            )
        return found

    def _need(self, key: str, cutoff: float) -> tuple[list[str], int]:
        """The query's counted trigrams, and how many of them a key within reach shares."""
        grams = counted_grams(key)
        if cutoff <= 0:
            return grams, 0
        return grams, len(grams) - gram_slack(len(key), cutoff)

    def _word_set(self, word: str) -> frozenset[int]:
        found = self._word_sets.get(word)
        if found is None:
            found = self._word_sets[word] = frozenset(self._words.get(word, ()))
        return found

    def sharing_words(self, key: str, max_extra: int) -> list[int]:
        """Ascending positions of keys with one to `max_extra` words more or fewer than `key`
        that share two or more of its words outside the common ones: where subset matches are."""
        tokens = key.split()
        sets = [
            self._word_set(t)
            for t in set(tokens)
            if 0 < len(self._words.get(t, ())) <= self._common
        ]
        # Such a key is in the postings of two of the uncommon words.
        shared: set[int] = set()
        for i, first in enumerate(sets[:-1]):
            for second in sets[i + 1 :]:
                shared |= first & second
        if self._word_counts is None:
            self._word_counts = array("h", (k.count(" ") + 1 for k in self._keys))
        count, counts = len(tokens), self._word_counts
        found = [i for i in shared if 0 < abs(counts[i] - count) <= max_extra]
        return sorted(found)
