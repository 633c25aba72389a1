"""Score a party name against every primary name and alias of the loaded lists.

A first, honest matcher: exact comparison of normalised, order-free keys; rapidfuzz edit
similarity for typos; and a token-subset rule for a missing middle name or a branch suffix.
Edit similarity is scored only on the candidates the trigram index finds (candidates.py),
which are every name that can reach the cutoff. It works on plain arrays of strings; pydantic
objects stay outside the hot loop.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from dualscreen.matching.candidates import CandidateIndex
from dualscreen.matching.chinese import has_han, pinyin_words
from dualscreen.matching.explain import HitExplainer
from dualscreen.matching.index import NameIndex
from dualscreen.matching.normalize import (
    LEGAL_FORM_PHRASES,
    legal_forms_removed,
    match_key,
    name_tokens,
    reorder_listed,
    untitled_key,
)
from dualscreen.matching.phonetic import needs_skeleton, skeleton_keys
from dualscreen.matching.scoring import (
    GENERIC_WORDS,
    TokenWeights,
    distinctive_agree,
    has_digit,
    identifying,
    numbers_agree,
)
from dualscreen.matching.slips import OneEditIndex, legal_slips
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

SINGLE_TOKEN_TYPO_SCORE = 0.88
"""One letter changed, or two swapped, in a one-word name of eight letters ("HUMANZTY") has an
edit similarity of 7/8 = 0.875, under the flag threshold though the word is long enough to be
matched with a typo: one such slip scores this instead. (From nine letters it is 0.889 and
flags as it is. Seven letters would also find "NIFOROS" for INFOROS, but matched innocent
one-word names as well: Clément to ELEMENT, Monnier to JONNIER.)"""

SHORT_SLIP_MIN_LETTERS = 4
"""A company's one-word name of this many letters up to `SINGLE_TOKEN_MIN_FUZZY_LENGTH` matches
with one slip (a letter changed, dropped, added, or two swapped: "NIFOROS OOO" for INFOROS OOO,
"HAARA COMPANY" for HARA COMPANY) only when both are written with the same legal form, and
scores `SINGLE_TOKEN_TYPO_SCORE`. The word alone is too short to tell a slip from another name
(Clément and ELEMENT); the same form on both sides says both are a company's name written the
same way but for that letter. A name without a legal form, or with another, still needs the
word exactly."""

_PHRASE_WORDS = frozenset().union(*(forms for _, forms in LEGAL_FORM_PHRASES))

_PARTY_TYPES = frozenset({EntityType.ORGANIZATION, EntityType.UNKNOWN})

SURNAME_MIN_SIMILARITY = 0.7
"""How alike a query word must be to a word of a listed person's surname for an inexact match
to stand: MAHMUD and MAHMOOD (0.71) are one surname transliterated two ways, PUTIN and GUGNIN
(0.55) two surnames."""

COMMON_TOKEN_POSTINGS = 5000
"""Tokens in more names than this ("al", "company") are not used to find subset candidates."""

BATCH_MIN_NAMES = 64
"""`match_many` counts trigrams with numpy from this many new names on; below it, importing
numpy costs more than it saves (a one-record run stays quick)."""

CACHE_SIZE = 200_000
"""Distinct names whose hits are kept; the memo starts over when full."""

PHONETIC_CUTOFF = 0.9
"""How alike (edit similarity) two phonetic skeletons must be: below it, names written in
another script and their Latin forms overlap too little to tell from chance."""
PHONETIC_SCORES = (0.88, 0.9)
"""The score of a phonetic match, from a skeleton just at `PHONETIC_CUTOFF` to an equal one:
the default flag threshold and above, below subset's 0.92 and far below a block, since a
skeleton keeps only consonant classes and many different names share one."""
PHONETIC_EQUAL_WEIGHT = 5.0
PHONETIC_NEAR_WEIGHT = 17.0
"""How rare a query's skeleton words must be, summed (each word's log(persons' names / those
with it)), for an equal or a near skeleton to count: "md al" (Muhammad Ali) is shared by
hundreds of names and proves nothing. Set on bench/eval_matching.py (seeds 7, 11, 23) so that
innocent names written in Arabic, Persian, Russian, Ukrainian and Thai stay within the
false-alert budget."""
PHONETIC_SUBSET_EXTRA = 3
PHONETIC_SUBSET_WEIGHT = 14.0
"""A name in another script whose skeleton words are all in a listed person's, or the reverse,
with up to this many words more or fewer, matches at the lowest phonetic score when the words
they share weigh this much: an Arabic name is often written with the father's and tribe's
names the list leaves out (گلبدین قطب الدین حکمتیار for HEKMATYAR, Gulbuddin). Real
Arabic names of the UN and OpenSanctions lists found: 55.3% → 58.2%; innocent names flagged
unchanged at 14 (bench/eval_matching.py); at 12 61% of the real names, but innocent Arabic
names flagged 0.3% → 0.8%."""
PHONETIC_REFERENCE_NAMES = 5_000
"""A list with fewer persons' names than this says little about how common a word is: its
counts are read as if it had this many (the bench's lists have about 15,000)."""


class MatchMethod(StrEnum):
    EXACT = "exact"  # equal after normalisation (case, accents, punctuation, order, legal form)
    FUZZY = "fuzzy"  # edit similarity of the normalised keys
    SUBSET = "subset"  # one name's tokens all appear in the other
    PHONETIC = "phonetic"  # a name in another script: alike consonant skeletons (phonetic.py)


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

    def __init__(self, lists: Sequence[RestrictedList], index: NameIndex | None = None) -> None:
        self._entries = [(i, entry) for i, lst in enumerate(lists) for entry in lst.entries]
        self._entry_position = {
            (i, entry.entry_id): position for position, (i, entry) in enumerate(self._entries)
        }
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
        self._skeletons = index.skeletons
        self._skeleton_of = index.skeleton_of
        self._skeleton_postings = index.skeleton_postings
        self._skeleton_candidates = CandidateIndex(
            index.skeletons, index.skeleton_grams, index.skeleton_postings, COMMON_TOKEN_POSTINGS
        )
        self._short_words: OneEditIndex | None = None  # built on first use (`_short_slips`)
        self._surnames: dict[int, tuple[str, ...]] = {}
        self._forms: dict[int, list[str]] = {}  # `_legal_forms` of the names a slip found
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
            readings = _readings(name)
            key = readings[0]
            found: dict[str, tuple[NameHit, ...]] = {}
            for reading in readings:
                if reading and (reading, cutoff) not in self._by_key:
                    found[reading] = self._match_key(reading, cutoff, None)
            hits = self._read_hits(readings, found, cutoff)
            hits = _as_written_in_han(name, hits)
            if _short_word(key):
                hits = self._with_short_slips(name, key, hits, cutoff)
            if _phonetic_applies(name):
                for skeleton in skeleton_keys(name):
                    hits = self._with_phonetic(skeleton, hits, cutoff, None)
            self._remember(found, {name: hits}, cutoff)
        return hits

    def match_many(self, names: Iterable[str], cutoff: float) -> list[tuple[NameHit, ...]]:
        """`match` for each name, in order: each distinct name scored once, and the candidates
        of the batch counted together. Results are kept, so `match` on these names is then a
        lookup: a screener calls this once per batch of records."""
        names = list(names)
        hits: dict[str, tuple[NameHit, ...]] = {}
        keys: dict[str, tuple[str, ...]] = {}
        for name in dict.fromkeys(names):
            cached = self._by_name.get((name, cutoff))
            if cached is None:
                keys[name] = _readings(name)
            else:
                hits[name] = cached
        todo = sorted(
            {
                k
                for readings in keys.values()
                for k in readings
                if k and (k, cutoff) not in self._by_key
            }
        )
        blocked: Mapping[str, Sequence[int]] = {}
        if len(todo) >= BATCH_MIN_NAMES:
            by_cutoff: dict[float, list[str]] = {}
            for k in todo:
                if self._fuzzy_applies(k):
                    by_cutoff.setdefault(_search_cutoff(k, cutoff), []).append(k)
            blocked = {
                k: found
                for search, keys in by_cutoff.items()
                for k, found in zip(keys, self._candidates.fuzzy_many(keys, search), strict=True)
            }
        found = {k: self._match_key(k, cutoff, blocked.get(k)) for k in todo}
        skeletons = {name: skeleton_keys(name) for name in keys if _phonetic_applies(name)}
        near: Mapping[str, Sequence[int]] = {}
        searched = sorted(
            {
                s
                for readings in skeletons.values()
                for s in readings
                if self._phonetic_search(s, cutoff)
            }
        )
        if searched and len(todo) >= BATCH_MIN_NAMES:
            near = dict(
                zip(
                    searched,
                    self._skeleton_candidates.fuzzy_many(searched, PHONETIC_CUTOFF),
                    strict=True,
                )
            )
        for name, readings in keys.items():
            key = readings[0]
            hits[name] = _as_written_in_han(name, self._read_hits(readings, found, cutoff))
            if _short_word(key):
                hits[name] = self._with_short_slips(name, key, hits[name], cutoff)
            for skeleton in skeletons.get(name, ()):
                hits[name] = self._with_phonetic(skeleton, hits[name], cutoff, near.get(skeleton))
        self._remember(found, {name: hits[name] for name in keys}, cutoff)
        return [hits[name] for name in names]

    def _read_hits(
        self, readings: Sequence[str], found: Mapping[str, tuple[NameHit, ...]], cutoff: float
    ) -> tuple[NameHit, ...]:
        """The hits of a name's readings (`_readings`), found now or earlier, each entry once
        through its best-scoring name."""
        by_reading = [
            found[k] if k in found else self._by_key.get((k, cutoff), ()) if k else ()
            for k in readings
        ]
        if len(by_reading) == 1:
            return by_reading[0]
        best: dict[int, NameHit] = {}
        for hit in itertools.chain.from_iterable(by_reading):
            owner = self._owner_of(hit)
            if owner not in best or hit.score > best[owner].score:
                best[owner] = hit
        return tuple(sorted(best.values(), key=_hit_order))

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
            search = _search_cutoff(key, cutoff)
            if candidates is None:
                candidates = self._candidates.fuzzy(key, search)
            for index, ratio in self._fuzzy(key, search, candidates):
                other = self._keys[index]
                other_single = " " not in other
                if single != other_single:
                    continue  # one word against several is never a typo
                if other_single and len(other) < SINGLE_TOKEN_MIN_FUZZY_LENGTH:
                    continue
                if not numbers_agree(key, other) or not identifying(other):
                    continue  # "2904978 CANADA" is not "2904977 CANADA", however close
                if not distinctive_agree(key, other):
                    continue  # "ADAMS GROUP" is not "AMS GROUP": only "group" is alike
                if not self._surname_kept(index, key):
                    continue  # "VLADIMIR VLADIMIROVICH PUTIN" is not GUGNIN, Vladimir V.
                score = round(ratio / 100, 4)
                if score < cutoff and single and OSA.distance(key, other, score_cutoff=1) <= 1:
                    score = SINGLE_TOKEN_TYPO_SCORE
                consider(index, score, MatchMethod.FUZZY)

        if not single:
            for index, score in self._legal_slips(key):
                consider(index, score, MatchMethod.FUZZY)

        if cutoff <= SUBSET_WEIGHT and not single:
            for index in self._subset_candidates(key):
                if self._surname_kept(index, key):
                    consider(index, SUBSET_WEIGHT, MatchMethod.SUBSET)

        return self._hits(best.values())

    def _legal_slips(self, key: str) -> list[tuple[int, float]]:
        """Names the query is but for one slip in a legal-form word ("EVIL CRP" for EVIL CORP,
        "LOLC ONELEK" for LLC ONELEK, "PUBLIC JYINT STOCK COMPANY" for PUBLIC JOINT STOCK
        COMPANY): the query with the word put right is a listed key, and the listed name has
        that form. Scored by edit similarity of the query and the query put right (a one-word
        name's weak exact score at most)."""
        tokens = key.split()
        pair = len(tokens) == 2  # most names: the rest is the other word, no join needed
        phrase = not _PHRASE_WORDS.isdisjoint(tokens)  # a slip may leave a phrase in the key
        found = []
        for position, token in enumerate(tokens):
            rest = (
                tokens[1 - position]
                if pair
                else " ".join([*tokens[:position], *tokens[position + 1 :]])
            )
            # One dict look-up of the rest first: cheaper than looking a new word up for slips.
            if not phrase and rest not in self._exact:
                continue
            for form in legal_slips(token):
                fixed = [*tokens[:position], form, *tokens[position + 1 :]]
                # The form put right, or left out (when the rest of its phrase already was).
                keys = dict.fromkeys((" ".join(sorted(name_tokens(" ".join(fixed)))), rest))
                for index in (i for k in keys for i in self._exact.get(k, ())):
                    listed_key = self._keys[index]
                    if form not in self._legal_forms(index):
                        continue
                    score = _aligned_ratio(key, " ".join(sorted(fixed))) / 100
                    if " " not in listed_key:
                        score = min(score, self._single_token_exact_score(index))
                    found.append((index, round(score, 4)))
        return found

    def _with_short_slips(
        self, name: str, key: str, hits: tuple[NameHit, ...], cutoff: float
    ) -> tuple[NameHit, ...]:
        """`hits` and the companies whose one-word names are one slip from the query's, written
        with the same legal form (`SHORT_SLIP_MIN_LETTERS`)."""
        if not _short_word(key) or cutoff > SINGLE_TOKEN_TYPO_SCORE or has_digit(key):
            return hits
        near = self._short_slips(key)
        forms = sorted(legal_forms_removed(name)) if near else None
        if not forms:
            return hits
        taken = {self._owner_of(h) for h in hits}
        best: dict[int, tuple[float, int, MatchMethod]] = {}
        for index in near:
            owner = self._owner[index]
            if owner in taken or owner in best:
                continue
            if self._legal_forms(index) == forms:
                best[owner] = (SINGLE_TOKEN_TYPO_SCORE, index, MatchMethod.FUZZY)
        if not best:
            return hits
        return tuple(sorted((*hits, *self._hits(best.values())), key=_hit_order))

    def _surname_kept(self, index: int, key: str) -> bool:
        """Whether the query keeps something of a listed person's surname (written `LAST,
        First`): a word of it, one slip from it (JQN for JON), or one near enough to be its
        spelling in another transliteration (KADKHAFI for QADHAFI). A match on given names
        alone names someone else: Vladimir Vladimirovich PUTIN is not GUGNIN, Vladimir V."""
        surname = self._surnames.get(index)
        if surname is None:
            entry = self._entries[self._owner[index]][1]
            last, _, first = self._names[index].partition(",")
            last_first = bool(first.strip()) and "," not in first
            person = entry.type is EntityType.PERSON
            surname = self._surnames[index] = name_tokens(last) if person and last_first else ()
        query = key.split()
        return not surname or any(
            fuzz.ratio(word, q, score_cutoff=SURNAME_MIN_SIMILARITY * 100) > 0
            or OSA.distance(word, q, score_cutoff=1) <= 1
            for word in surname
            for q in query
        )

    def _legal_forms(self, index: int) -> list[str]:
        """A listed name's legal-form words, sorted: remembered, a slip's few candidates recur."""
        found = self._forms.get(index)
        if found is None:
            found = self._forms[index] = sorted(
                legal_forms_removed(reorder_listed(self._names[index]))
            )
        return found

    def _short_slips(self, key: str) -> list[int]:
        """Positions of the one-word keys of `SHORT_SLIP_MIN_LETTERS` to eight letters one edit
        (OSA) from `key`."""
        if self._short_words is None:
            self._short_words = OneEditIndex(
                (i, k)
                for i, k in enumerate(self._keys)
                if " " not in k
                and SHORT_SLIP_MIN_LETTERS <= len(k) <= SINGLE_TOKEN_MIN_FUZZY_LENGTH
                and not has_digit(k)
            )
        return self._short_words.near(key)

    def _hits(self, best: Iterable[tuple[float, int, MatchMethod]]) -> tuple[NameHit, ...]:
        hits = [
            NameHit(
                list_index=self._entries[self._owner[index]][0],
                entry=self._entries[self._owner[index]][1],
                matched_name=self._names[index],
                score=score,
                method=method,
            )
            for score, index, method in best
        ]
        hits.sort(key=lambda h: (-h.score, h.list_index, h.entry.entry_id))
        return tuple(hits)

    def _phonetic_search(self, skeleton: str, cutoff: float) -> bool:
        """Whether a skeleton is searched for near ones too, not only equal ones: when its
        words are rare enough that a near skeleton is still unlikely by chance."""
        return (
            " " in skeleton
            and cutoff <= PHONETIC_SCORES[1]
            and self._skeleton_weight(skeleton) >= PHONETIC_NEAR_WEIGHT
        )

    def _with_phonetic(
        self,
        skeleton: str,
        hits: tuple[NameHit, ...],
        cutoff: float,
        candidates: Sequence[int] | None,
    ) -> tuple[NameHit, ...]:
        """`hits` and the persons whose names' phonetic skeletons are like `skeleton`, a name's
        written in another script, where the ordinary key is a poor guide. An entry the
        ordinary key found keeps that hit. `candidates`: of a near search, if a batch found
        them already."""
        low, high = PHONETIC_SCORES
        if " " not in skeleton or cutoff > high:
            return hits
        weight = self._skeleton_weight(skeleton)
        if weight < PHONETIC_EQUAL_WEIGHT:
            return hits
        if weight >= PHONETIC_NEAR_WEIGHT:
            if candidates is None:
                candidates = self._skeleton_candidates.fuzzy(skeleton, PHONETIC_CUTOFF)
            found = _similar(
                skeleton, PHONETIC_CUTOFF, candidates, self._skeletons, self._skeleton_postings
            )
        else:
            found = [(i, 100.0) for i in self._skeleton_positions.get(skeleton, ())]
        found += self._phonetic_subsets(skeleton)
        taken = {self._owner_of(h) for h in hits}
        best: dict[int, tuple[float, int, MatchMethod]] = {}
        for position, ratio in found:
            index = self._skeleton_of[position]
            owner = self._owner[index]
            share = (ratio / 100 - PHONETIC_CUTOFF) / (1 - PHONETIC_CUTOFF)
            score = round(low + (high - low) * share, 4)
            if owner not in taken and score >= cutoff and score > best.get(owner, (0.0,))[0]:
                best[owner] = (score, index, MatchMethod.PHONETIC)
        if not best:
            return hits
        return tuple(sorted((*hits, *self._hits(best.values())), key=_hit_order))

    def _phonetic_subsets(self, skeleton: str) -> list[tuple[int, float]]:
        """Listed skeletons whose words are all among the query's, or the reverse, sharing
        words rare enough (`PHONETIC_SUBSET_WEIGHT`), scored as a skeleton at the cutoff."""
        words = Counter(skeleton.split())
        found = []
        for position in self._skeleton_candidates.sharing_words(skeleton, PHONETIC_SUBSET_EXTRA):
            shared = _contained(words, Counter(self._skeletons[position].split()))
            if (
                shared
                and self._skeleton_weight(" ".join(shared.elements())) >= PHONETIC_SUBSET_WEIGHT
            ):
                found.append((position, PHONETIC_CUTOFF * 100))
        return found

    @functools.cached_property
    def _skeleton_positions(self) -> dict[str, list[int]]:
        """Positions of each skeleton, for the equal-skeleton search; built on first use, so a
        run with no name in those scripts never pays for it."""
        positions: dict[str, list[int]] = {}
        for position, skeleton in enumerate(self._skeletons):
            positions.setdefault(skeleton, []).append(position)
        return positions

    def _skeleton_weight(self, skeleton: str) -> float:
        """How much a skeleton's words say: rare words much, common ones ("md", "al") little."""
        names = max(len(self._skeletons), PHONETIC_REFERENCE_NAMES)
        postings = self._skeleton_postings
        return sum(math.log(names / (1 + len(postings.get(w, ())))) for w in skeleton.split())

    def _owner_of(self, hit: NameHit) -> int:
        return self._entry_position[(hit.list_index, hit.entry.entry_id)]

    def _fuzzy(self, key: str, cutoff: float, candidates: Sequence[int]) -> list[tuple[int, float]]:
        """Keys within edit-similarity `cutoff` but not equal, among the candidates the trigram
        index found (for a query too short to block on: every key of a possible length)."""
        found = _similar(key, cutoff, candidates, self._keys, self._postings)
        return [(index, ratio) for index, ratio in found if ratio < 100]

    def _subset_candidates(self, key: str) -> list[int]:
        """Names that contain every token of the query, or whose tokens the query all contains."""
        tokens = key.split()
        words, query = set(tokens), None
        found = []
        for index in self._candidates.sharing_words(key, SUBSET_MAX_EXTRA_TOKENS):
            listed = self._keys[index].split()
            # The word sets first (cheap, and most candidates fail them), then the counts.
            if not (words <= set(listed) if len(listed) > len(tokens) else words >= set(listed)):
                continue
            query = query or Counter(tokens)
            shared = _contained(query, Counter(listed))
            if shared and _carries(shared) and numbers_agree(key, self._keys[index]):
                found.append(index)
        return found


_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _readings(name: str) -> tuple[str, ...]:
    """The keys a name is matched by: its match key, and the key without the titles before it
    when it has some ("Dr. Li Fangwei" is also "li fangwei")."""
    key = match_key(name)
    untitled = untitled_key(name)
    return (key,) if untitled is None else (key, untitled)


def _phonetic_applies(name: str) -> bool:
    """A name written in a script the skeleton reads, and not a company's: one with a legal
    form or a Latin word ("العليان Group", "Хохлов Ltd") is not compared with persons'
    skeletons."""
    return needs_skeleton(name) and not _LATIN_LETTER.search(name) and not legal_forms_removed(name)


def _as_written_in_han(name: str, hits: tuple[NameHit, ...]) -> tuple[NameHit, ...]:
    """`hits`, less those by edit similarity that change a word read from Han characters by its
    sound. Such a word has no slips of a letter: another character is another syllable (张利
    ZHANG LI is not ZHANG, Lei; 迪摩 DIMO is not DIMACO). It must be a listed word, or two
    listed words run together (沈忠 SHENZHONG, SHEN ZHONG); the words read in English (技术
    technology, 金属 metal) may still differ from the list's (METALLIC)."""
    if not hits or name.isascii() or not has_han(name):
        return hits
    sounded = pinyin_words(name)
    kept = []
    for hit in hits:
        if hit.method is MatchMethod.FUZZY:
            words = name_tokens(reorder_listed(hit.matched_name))
            listed = {*words, *map("".join, itertools.pairwise(words))}
            if not sounded <= listed:
                continue
        kept.append(hit)
    return tuple(kept)


def _short_word(key: str) -> bool:
    """A one-word key of a length a slip is looked for by `_with_short_slips`."""
    return SHORT_SLIP_MIN_LETTERS <= len(key) <= SINGLE_TOKEN_MIN_FUZZY_LENGTH and " " not in key


def _search_cutoff(key: str, cutoff: float) -> float:
    """The edit similarity down to which candidates of `key` are searched: 7/8 for a one-word
    name of eight letters, where a single slip scores that and still counts, else `cutoff`."""
    slip = 1 - 1 / SINGLE_TOKEN_MIN_FUZZY_LENGTH
    if " " in key or len(key) != SINGLE_TOKEN_MIN_FUZZY_LENGTH:
        return cutoff
    return slip if slip < cutoff <= SINGLE_TOKEN_TYPO_SCORE else cutoff


def _hit_order(hit: NameHit) -> tuple[float, int, str]:
    return (-hit.score, hit.list_index, hit.entry.entry_id)


def _similar(
    key: str,
    cutoff: float,
    candidates: Sequence[int],
    keys: Sequence[str],
    postings: Mapping[str, Sequence[int]],
) -> list[tuple[int, float]]:
    """Positions of `keys` within edit-similarity `cutoff` of `key` among `candidates` (for a
    query too short to block on: every key of a possible length, a range), with the ratio."""
    # A typo can move a word in the sorted key ("banco cuba de nacional" against "banco de
    # kuba nacional"), so names sharing a word with the query are also scored with the
    # shared words lined up first.
    if not candidates:
        return []
    words = {t for t in key.split() if len(postings.get(t, ())) <= COMMON_TOKEN_POSTINGS}
    if isinstance(candidates, range):
        lo, hi = candidates.start, candidates.stop
        choices = keys[lo:hi]
        sharing = sorted({i for t in words for i in postings.get(t, ()) if lo <= i < hi})
    else:
        choices = [keys[i] for i in candidates]
        sharing = [i for i in candidates if not words.isdisjoint(keys[i].split())]
    found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff * 100, limit=50)
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
    return list(scores.items())


def _aligned_ratio(query: str, listed: str) -> float:
    """Edit similarity with the words both keys share put first, so a mistyped word is compared
    with the word it was meant to be, wherever the typo moved it in the sorted key."""
    q, n = Counter(query.split()), Counter(listed.split())
    shared = " ".join(sorted((q & n).elements()))
    rest_q = " ".join(sorted((q - n).elements()))
    rest_n = " ".join(sorted((n - q).elements()))
    return fuzz.ratio(f"{shared} {rest_q}".strip(), f"{shared} {rest_n}".strip())


def _contained(query: Counter[str], listed: Counter[str]) -> Counter[str] | None:
    """The words of the name with fewer, when they are all in the other's (counted), else None:
    the part a subset match rests on, either way round."""
    shorter, longer = (query, listed) if query.total() <= listed.total() else (listed, query)
    return None if shorter - longer else shorter


def _carries(shared: Counter[str]) -> bool:
    """A shared part that can carry a subset match: two words or more, enough letters, and at
    least one word that is not generic ("INDUSTRIES GROUP" alone is no one's name)."""
    return (
        shared.total() >= 2
        and sum(len(t) * n for t, n in shared.items()) >= SUBSET_MIN_SHARED_CHARS
        and any(t not in GENERIC_WORDS for t in shared)
    )
