"""Score a party name against every primary name and alias of the loaded lists.

A first, honest matcher: exact comparison of normalised, order-free keys; rapidfuzz edit
similarity for typos; and a token-subset rule for a missing middle name or a branch suffix.
Edit similarity is scored only on the candidates the trigram index finds (candidates.py),
which are every name that can reach the cutoff. It works on plain arrays of strings; pydantic
objects stay outside the hot loop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from dualscreen.matching.candidates import CandidateIndex, GramPostings
from dualscreen.matching.explain import HitExplainer
from dualscreen.matching.normalize import match_key, reorder_listed
from dualscreen.matching.scoring import GENERIC_WORDS, TokenWeights, identifying, numbers_agree
from dualscreen.models import EntityType, ListEntry, RestrictedList

SUBSET_WEIGHT = 0.92
"""A name whose tokens are all in a listed name (or the reverse) scores this: strong enough to
flag under the default rules, never enough to block on its own."""

SUBSET_MAX_EXTRA_TOKENS = 2
SUBSET_MIN_SHARED_CHARS = 8
"""The shared part of a subset match must be at least two tokens and this many letters, one of
them not generic (scoring.GENERIC_WORDS), so a lone surname or generic words ("BANK",
"INDUSTRIES GROUP") never carry a match."""

SINGLE_TOKEN_WEAK_SCORE = 0.9
"""One-word aliases and vessel names are often nicknames, acronyms or plain words ("MARTIN",
"BNC", "DANIEL"): an exact match on one flags for review but cannot block, since many innocent
parties share them."""

SINGLE_TOKEN_MIN_FUZZY_LENGTH = 8
"""One-word names shorter than this match only exactly: "GORDON" is not "GORDO"."""

_PARTY_TYPES = frozenset({EntityType.ORGANIZATION, EntityType.UNKNOWN})

COMMON_TOKEN_POSTINGS = 5000
"""Tokens in more names than this ("al", "company") are not used to find subset candidates."""

BATCH_MIN_NAMES = 64
"""`match_many` counts trigrams with numpy from this many new names on; below it, importing
numpy costs more than it saves (a one-record run stays quick)."""

CACHE_SIZE = 200_000
"""Distinct names whose hits are kept; the memo starts over when full."""

INDEX_VERSION = "3"
"""Part of the cache key of a `NameIndex`: bumped when its shape changes, so that indexes cached
by an older version are rebuilt, never read (3: trigram postings)."""


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
    postings: dict[str, list[int]]  # word → names that have it
    grams: GramPostings  # padded trigram → names that have it (candidates.py)

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
            grams=GramPostings.build(keys),
        )


class NameMatcher:
    """An index over every name of the given lists; `match` is pure and its results cached."""

    def __init__(self, lists: Sequence[RestrictedList], index: NameIndex | None = None) -> None:
        self._entries = [(i, entry) for i, lst in enumerate(lists) for entry in lst.entries]
        index = index or NameIndex.build(lists)
        self._keys = index.keys
        self._names = index.names
        self._owner = index.owner
        self._primary = index.primary
        self._exact = index.exact
        self._postings = index.postings
        self._candidates = CandidateIndex(
            self._keys, index.grams, index.postings, COMMON_TOKEN_POSTINGS
        )
        self.explainer = HitExplainer(TokenWeights(index.postings, len(index.keys)))
        """Explains and ranks the hits that become reasons (explain.py), by word rarity here."""
        # Hits by normalised key and by the name as given (which saves normalising it again
        # for each rule that screens the same field).
        self._by_key: dict[tuple[str, float], tuple[NameHit, ...]] = {}
        self._by_name: dict[tuple[str, float], tuple[NameHit, ...]] = {}

    @property
    def size(self) -> int:
        """How many names (primary and aliases) the index holds."""
        return len(self._keys)

    def match(self, name: str, cutoff: float) -> tuple[NameHit, ...]:
        """Every entry whose best name scores at least `cutoff` (0..1), best first."""
        hits = self._by_name.get((name, cutoff))
        if hits is None:
            key = match_key(name)
            hits = self._by_key.get((key, cutoff)) if key else ()
            found: dict[str, tuple[NameHit, ...]] = {}
            if hits is None:
                hits = found[key] = self._match_key(key, cutoff, None)
            self._remember(found, {name: hits}, cutoff)
        return hits

    def match_many(self, names: Iterable[str], cutoff: float) -> list[tuple[NameHit, ...]]:
        """`match` for each name, in order: each distinct name scored once, and the candidates
        of the batch counted together. Results are kept, so `match` on these names is then a
        lookup: a screener calls this once per batch of records."""
        names = list(names)
        hits: dict[str, tuple[NameHit, ...]] = {}
        keys: dict[str, str] = {}
        for name in dict.fromkeys(names):
            cached = self._by_name.get((name, cutoff))
            if cached is None:
                keys[name] = match_key(name)
            else:
                hits[name] = cached
        todo = sorted({k for k in keys.values() if k and (k, cutoff) not in self._by_key})
        blocked: Mapping[str, Sequence[int]] = {}
        if len(todo) >= BATCH_MIN_NAMES:
            fuzzy = [k for k in todo if self._fuzzy_applies(k)]
            blocked = dict(zip(fuzzy, self._candidates.fuzzy_many(fuzzy, cutoff), strict=True))
        found = {k: self._match_key(k, cutoff, blocked.get(k)) for k in todo}
        for name, key in keys.items():
            if key in found:
                hits[name] = found[key]
            else:  # no identifying letters, or scored in an earlier batch
                hits[name] = self._by_key.get((key, cutoff), ()) if key else ()
        self._remember(found, {name: hits[name] for name in keys}, cutoff)
        return [hits[name] for name in names]

    def _remember(
        self,
        by_key: Mapping[str, tuple[NameHit, ...]],
        by_name: Mapping[str, tuple[NameHit, ...]],
        cutoff: float,
    ) -> None:
        if len(self._by_name) + len(by_name) > CACHE_SIZE:
            self._by_name.clear()
            self._by_key.clear()
        self._by_key.update(((k, cutoff), hits) for k, hits in by_key.items())
        self._by_name.update(((n, cutoff), hits) for n, hits in by_name.items())

    def _single_token_exact_score(self, index: int) -> float:
        """An organisation listed under a one-word name (ANSARU, "OOO SERTAL") blocks on an exact
        match like any other name; one-word aliases, person names and vessel or aircraft names
        (DANIEL, ADLER: not parties to a shipment) only flag."""
        entry = self._entries[self._owner[index]][1]
        strong = self._primary[index] and entry.type in _PARTY_TYPES
        return 1.0 if strong else SINGLE_TOKEN_WEAK_SCORE

    @staticmethod
    def _fuzzy_applies(key: str) -> bool:
        """One word is compared by edit similarity only when long enough: "GORDON" is not
        "GORDO"."""
        return " " in key or len(key) >= SINGLE_TOKEN_MIN_FUZZY_LENGTH

    def _match_key(
        self, key: str, cutoff: float, candidates: Sequence[int] | None
    ) -> tuple[NameHit, ...]:
        """The hits of one normalised key; `candidates` are the fuzzy candidates when a batch
        found them already."""
        best: dict[int, tuple[float, int, MatchMethod]] = {}

        def consider(index: int, score: float, method: MatchMethod) -> None:
            owner = self._owner[index]
            if score >= cutoff and (owner not in best or score > best[owner][0]):
                best[owner] = (score, index, method)

        single = " " not in key
        for index in self._exact.get(key, ()):
            score = self._single_token_exact_score(index) if single else 1.0
            consider(index, score, MatchMethod.EXACT)

        # Generic words and legal forms alone ("INTERNATIONAL TRADING GROUP") match only exactly.
        if self._fuzzy_applies(key) and identifying(key):
            if candidates is None:
                candidates = self._candidates.fuzzy(key, cutoff)
            for index, ratio in self._fuzzy(key, cutoff, candidates):
                other_single = " " not in self._keys[index]
                if single != other_single:
                    continue  # one word against several is never a typo
                if other_single and len(self._keys[index]) < SINGLE_TOKEN_MIN_FUZZY_LENGTH:
                    continue
                if not numbers_agree(key, self._keys[index]) or not identifying(self._keys[index]):
                    continue  # "2904978 CANADA" is not "2904977 CANADA", however close
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

    def _fuzzy(self, key: str, cutoff: float, candidates: Sequence[int]) -> list[tuple[int, float]]:
        """Keys within edit-similarity `cutoff`, among the candidates the trigram index found
        (for a query too short to block on: every key of a possible length, a range)."""
        keys = self._keys
        # A typo can move a word in the sorted key ("banco cuba de nacional" against "banco de
        # kuba nacional"), so names sharing a word with the query are also scored with the
        # shared words lined up first.
        words = {t for t in key.split() if len(self._postings.get(t, ())) <= COMMON_TOKEN_POSTINGS}
        if isinstance(candidates, range):
            lo, hi = candidates.start, candidates.stop
            choices = keys[lo:hi]
            sharing = sorted({i for t in words for i in self._postings.get(t, ()) if lo <= i < hi})
        else:
            choices = [keys[i] for i in candidates]
            sharing = [i for i in candidates if not words.isdisjoint(keys[i].split())]
        found = process.extract(
            key, choices, scorer=fuzz.ratio, score_cutoff=cutoff * 100, limit=50
        )
        scores = {candidates[position]: ratio for _, ratio, position in found}
        # token_set_ratio is never below the aligned ratio: a cheap filter before scoring.
        for _, _, position in process.extract(
            key,
            [keys[i] for i in sharing],
            scorer=fuzz.token_set_ratio,
            score_cutoff=cutoff * 100,
            limit=None,
        ):
            index = sharing[position]
            ratio = _aligned_ratio(key, keys[index])
            if ratio >= cutoff * 100 and ratio > scores.get(index, 0):
                scores[index] = ratio
        return [(index, ratio) for index, ratio in scores.items() if ratio < 100]

    def _subset_candidates(self, key: str) -> list[int]:
        """Names that contain every token of the query, or whose tokens the query all contains."""
        tokens = key.split()
        words, query = set(tokens), Counter(tokens)
        found = []
        for index in self._candidates.sharing_words(key, SUBSET_MAX_EXTRA_TOKENS):
            listed = self._keys[index].split()
            # The word sets first (cheap, and most candidates fail them), then the counts.
            if not (words <= set(listed) if len(listed) > len(tokens) else words >= set(listed)):
                continue
            other = Counter(listed)
            shorter, longer = (query, other) if query.total() <= other.total() else (other, query)
            if not shorter - longer and _carries(shorter) and numbers_agree(key, self._keys[index]):
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


def _carries(shared: Counter[str]) -> bool:
    """A shared part that can carry a subset match: two words or more, enough letters, and at
    least one word that is not generic ("INDUSTRIES GROUP" alone is no one's name)."""
    return (
        shared.total() >= 2
        and sum(len(t) * n for t, n in shared.items()) >= SUBSET_MIN_SHARED_CHARS
        and any(t not in GENERIC_WORDS for t in shared)
    )
