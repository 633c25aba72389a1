"""Calibrated confidence of a name hit: which words lined up, and how much they identify.

The matcher's `score` answers "are these the same name?" (1.0: equal after normalisation) and
the rules act on it. An officer's queue needs another answer, "how likely is this the listed
party?", which depends on what the names have in common: an exact match of a rare, long name
says more than an exact match of ZHANG Wei, and a word left over on either side says less.
This module lines up the words of two names and turns the alignment into that confidence.
Pure functions over token tuples; the matcher runs them only for hits, never for candidates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from dualscreen.matching.normalize import LEGAL_FORMS
from dualscreen.matching.phonetic import word_skeleton
from dualscreen.models import EntityType, TokenMatch

GENERIC_WORDS: frozenset[str] = frozenset(
    """
    trading trade traders international intl group groups industries industry industrial
    general global holding holdings enterprise enterprises service services import export
    imports exports commercial commerce investment investments technology technologies
    engineering logistics shipping manufacturing products solutions systems resources
    development company corporation bank center centre
    and of the for de del la el et und
    """.split()
)
"""Words of many company names that identify none ("trading", "international", "group",
"industries", and particles such as "of" or "de"): they never carry a match by themselves, and
they count for little in the confidence."""

GENERIC_WEIGHT = 0.25
"""A generic word's weight, as a share of its rarity weight."""

TYPO_MIN_SIMILARITY = 0.6
"""Below this edit similarity two words are not counted as one word mistyped."""

INITIAL_SIMILARITY = 0.5
TRANSLITERATION_SIMILARITY = 0.9
JOINED_SIMILARITY = 0.95
"""How much a word lined up as an initial, a spelling variant or a word written as two counts,
against 1.0 for the same word."""

MIDDLE_NAME_WEIGHT = 0.5
"""A person's listed middle name (or patronymic) the query leaves out counts half: records often
drop it, so its absence is weak evidence of another person."""

ORDER_WEIGHT = 0.1
"""Organisations and vessels: the share of confidence lost when every pair of lined-up words
comes in the other order ("Cuba de Nacional Banco"); persons are order-free."""

EVIDENCE_HALF = 4.0
"""Rarity weight (natural-log IDF, summed over the lined-up words) at which the specificity
factor is one half: a common two-word name sums ~10 (0.7), a rare four-word name ~38 (0.9)."""

MAX_CONFIDENCE = 0.9999
"""No hit is certain on names alone: a confidence is rounded to four places and never 1.0."""

_ORDERED_TYPES = frozenset({EntityType.ORGANIZATION, EntityType.VESSEL, EntityType.AIRCRAFT})
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+")


def has_digit(token: str) -> bool:
    return _DIGIT.search(token) is not None


def numbers_agree(query_key: str, listed_key: str) -> bool:
    """Numbers identify ("11420 CORP", "PLANT N9", "MSN 391"): two names whose numbers differ
    are different names, however close their letters ("64 LLC" and "64E LLC" agree)."""
    return sorted(_NUMBER.findall(query_key)) == sorted(_NUMBER.findall(listed_key))


def identifying(key: str) -> bool:
    """Whether a key has a word that is neither generic nor a legal form: one that can carry
    a match that is not exact."""
    return any(t not in GENERIC_WORDS and t not in LEGAL_FORMS for t in key.split())


DISTINCTIVE_MIN_SIMILARITY = 0.8
"""Two names close only thanks to the generic words they share ("ADAMS GROUP", "AMS GROUP LLC")
are not one name: without those words, what is left must be this alike (edit similarity)."""


def distinctive_agree(query_key: str, listed_key: str) -> bool:
    """Whether two keys that share only generic words are alike without them: "harding
    shipping" and "hadi shipping" look 0.9 alike thanks to "shipping", but "harding" is not
    "hadi". Keys that share an identifying word, or no generic one, are not judged here."""
    query, listed = query_key.split(), listed_key.split()
    shared = set(query).intersection(listed)
    if not shared or not shared <= GENERIC_WORDS:
        return True
    rest_q = " ".join(t for t in query if t not in shared)
    rest_n = " ".join(t for t in listed if t not in shared)
    return fuzz.ratio(rest_q, rest_n) >= DISTINCTIVE_MIN_SIMILARITY * 100


@dataclass(frozen=True, slots=True)
class TokenPair:
    query: str
    listed: str
    how: TokenMatch
    similarity: float


@dataclass(frozen=True, slots=True)
class Alignment:
    """The words of a query lined up with those of a listed name; the rest left over."""

    pairs: tuple[TokenPair, ...]
    query_only: tuple[str, ...]
    listed_only: tuple[str, ...]


def _undoubled(token: str) -> str:
    return re.sub(r"(.)\1+", r"\1", token)


def _only_replaced(a: str, b: str) -> bool:
    """Letters changed for others (Sergey/Sergei), none added or dropped but doubled ones: a
    spelling from another script. A letter dropped or added is a typo ("nacionl")."""
    a, b = _undoubled(a), _undoubled(b)
    return all(op.tag == "replace" for op in Levenshtein.editops(a, b))


def pair_tokens(query: str, listed: str) -> TokenPair | None:
    """How one query word stands for one listed word, or None if it does not."""
    if query == listed:
        return TokenPair(query, listed, TokenMatch.EXACT, 1.0)
    if has_digit(query) or has_digit(listed):
        return None  # a number matches only itself
    short, long_ = sorted((query, listed), key=len)
    if len(short) == 1:
        if len(long_) > 1 and long_.startswith(short):
            return TokenPair(query, listed, TokenMatch.INITIAL, INITIAL_SIMILARITY)
        return None
    ratio = fuzz.ratio(query, listed) / 100
    if _undoubled(query) == _undoubled(listed):  # "metalic" for "metallic": a slip, not a script
        return TokenPair(query, listed, TokenMatch.TYPO, round(ratio, 4))
    if (
        len(short) >= 3
        and word_skeleton(query) == word_skeleton(listed)
        and _only_replaced(query, listed)
    ):
        similarity = max(ratio, TRANSLITERATION_SIMILARITY)
        return TokenPair(query, listed, TokenMatch.TRANSLITERATION, round(similarity, 4))
    if ratio >= TYPO_MIN_SIMILARITY:
        return TokenPair(query, listed, TokenMatch.TYPO, round(ratio, 4))
    return None


def _joined(left: list[str], right: list[str], query_side: bool) -> list[TokenPair]:
    """Words of `left` written as two adjacent-or-not words of `right` ("abdulrahman" for
    "abdul rahman"); the used words are removed from both lists."""
    pairs = []
    for word in list(left):
        found = next(
            (
                (a, b)
                for i, a in enumerate(right)
                for j, b in enumerate(right)
                if i != j and a + b == word
            ),
            None,
        )
        if found is None:
            continue
        left.remove(word)
        right.remove(found[0])
        right.remove(found[1])
        two = f"{found[0]} {found[1]}"
        query, listed = (word, two) if query_side else (two, word)
        pairs.append(TokenPair(query, listed, TokenMatch.JOINED, JOINED_SIMILARITY))
    return pairs


def _sounded(query: str, listed: str, sounds: tuple[str, ...]) -> TokenPair | None:
    """`pair_tokens`, or a transliteration when a phonetic skeleton of the query word is the
    listed word's: that is what matched, however few letters the folded spellings share."""
    if sounds and query != listed and word_skeleton(listed) in sounds:
        similarity = max(fuzz.ratio(query, listed) / 100, TRANSLITERATION_SIMILARITY)
        return TokenPair(query, listed, TokenMatch.TRANSLITERATION, round(similarity, 4))
    return pair_tokens(query, listed)


def _article_joined(
    rest_q: Sequence[str],
    rest_n: Sequence[str],
    used_q: set[int],
    used_n: set[int],
    sounds: Mapping[str, tuple[str, ...]],
) -> list[TokenPair]:
    """Query words left over whose skeleton is the Arabic article joined to a word ("altkrt",
    التكريتي) lined up with a listed "al" and that word; the indexes used are marked."""
    pairs = []
    for i, word in enumerate(rest_q):
        joined = {s[2:] for s in sounds.get(word, ()) if s.startswith("al") and len(s) >= 4}
        if i in used_q or not joined:
            continue
        free = [j for j in range(len(rest_n)) if j not in used_n]
        article = next((j for j in free if rest_n[j] == "al"), None)
        found = next((j for j in free if word_skeleton(rest_n[j]) in joined), None)
        if article is not None and found is not None:
            used_q.add(i)
            used_n.update((article, found))
            listed = f"al {rest_n[found]}"
            pairs.append(TokenPair(word, listed, TokenMatch.JOINED, TRANSLITERATION_SIMILARITY))
    return pairs


def align(
    query: Sequence[str],
    listed: Sequence[str],
    sounds: Mapping[str, tuple[str, ...]] | None = None,
) -> Alignment:
    """Line up two names' words: the same words first, then words written as two, then the
    closest remaining pairs (spelling variants, typos, initials), best first. Order-free.
    `sounds`: the phonetic skeletons of query words written in another script (phonetic.py),
    whose folded spelling may share few letters with the listed word (صدام, "sdm", for
    Saddam): such a word and a listed word of the same skeleton are a transliteration, and one
    with the Arabic article joined (التكريتي) is the listed article and word (AL-TIKRITI)."""
    q, n = Counter(query), Counter(listed)
    same = q & n
    pairs = [TokenPair(t, t, TokenMatch.EXACT, 1.0) for t in sorted(same.elements())]
    rest_q = sorted((q - same).elements())
    rest_n = sorted((n - same).elements())
    pairs += _joined(rest_q, rest_n, query_side=True)
    pairs += _joined(rest_n, rest_q, query_side=False)
    options = sorted(
        (
            (p.similarity, i, j, p)
            for i, a in enumerate(rest_q)
            for j, b in enumerate(rest_n)
            if (p := _sounded(a, b, sounds.get(a, ()) if sounds else ())) is not None
        ),
        key=lambda o: (-o[0], o[1], o[2]),
    )
    used_q: set[int] = set()
    used_n: set[int] = set()
    for _, i, j, pair in options:
        if i not in used_q and j not in used_n:
            used_q.add(i)
            used_n.add(j)
            pairs.append(pair)
    if sounds and "al" in rest_n:
        pairs += _article_joined(rest_q, rest_n, used_q, used_n, sounds)
    return Alignment(
        pairs=tuple(pairs),
        query_only=tuple(t for i, t in enumerate(rest_q) if i not in used_q),
        listed_only=tuple(t for j, t in enumerate(rest_n) if j not in used_n),
    )


class TokenWeights:
    """How much a word identifies: its inverse document frequency among the loaded names
    (ln((N + 1) / (names with it + 1))), from the matcher's word postings. A word no list has
    weighs as a word one name has; generic words weigh a quarter; numbers weigh the most."""

    def __init__(self, postings: Mapping[str, Sequence[int]], names: int) -> None:
        self._postings = postings
        self._total = names + 1
        self.rarest = math.log(self._total / 2)

    def __call__(self, token: str) -> float:
        if " " in token:  # a word written as two: the rarer of its parts
            return max(self(part) for part in token.split())
        if has_digit(token):
            return self.rarest
        found = len(self._postings.get(token, ()))
        weight = math.log(self._total / (max(found, 1) + 1))
        return weight * GENERIC_WEIGHT if token in GENERIC_WORDS else weight


def order_agreement(
    query: Sequence[str], listed: Sequence[str], pairs: Sequence[TokenPair]
) -> float:
    """The share of pairs of lined-up words that come in the same order in both names (1.0 when
    fewer than two words lined up). `query` and `listed` are the words in written order."""
    positions: list[tuple[int, int]] = []
    free_q = list(enumerate(query))
    free_n = list(enumerate(listed))
    for pair in pairs:
        first_q = pair.query.split()[0]
        first_n = pair.listed.split()[0]
        iq = next((k for k, (_, t) in enumerate(free_q) if t == first_q), None)
        jn = next((k for k, (_, t) in enumerate(free_n) if t == first_n), None)
        if iq is None or jn is None:
            continue
        positions.append((free_q.pop(iq)[0], free_n.pop(jn)[0]))
    total = same = 0
    for a in range(len(positions)):
        for b in range(a + 1, len(positions)):
            total += 1
            same += (positions[a][0] < positions[b][0]) == (positions[a][1] < positions[b][1])
    return 1.0 if total == 0 else same / total


def middle_names(listed: Sequence[str]) -> frozenset[str]:
    """A person's words between the first and the last, in reading order."""
    return frozenset(listed[1:-1]) if len(listed) > 2 else frozenset()


@dataclass(frozen=True, slots=True)
class Confidence:
    """The confidence of a hit on the names alone, and the factors it is the product of."""

    value: float
    agreement: float  # weighted Dice of the words: 1.0 when every word lined up exactly
    specificity: float  # how much the lined-up words identify, in (0, 1)
    order: float  # organisations and vessels: the order factor; 1.0 for persons


def confidence(
    query: Sequence[str],
    listed: Sequence[str],
    entity_type: EntityType,
    weight: Callable[[str], float],
    alignment: Alignment | None = None,
) -> Confidence:
    """agreement² × specificity × order, in [0, 1).

    agreement: 2·Σ similarity·weight of lined-up words / (weight of all query words + of all
    listed words), so every word left over on either side lowers it, a rare one the most.
    specificity: E / (E + EVIDENCE_HALF), E the weight of the lined-up words: never 1.0, and
    higher for a longer and rarer name. Squaring the agreement keeps a name with a word
    missing below the same name in full. Words are in written (reading) order."""
    found = alignment or align(query, listed)
    middle = middle_names(listed) if entity_type is EntityType.PERSON else frozenset()
    matched = sum(p.similarity * weight(p.listed) for p in found.pairs)
    paired = sum(weight(p.listed) for p in found.pairs)
    extra_q = sum(weight(t) for t in found.query_only)
    extra_n = sum(
        weight(t) * (MIDDLE_NAME_WEIGHT if t in middle else 1.0) for t in found.listed_only
    )
    total = 2 * paired + extra_q + extra_n
    agreement = 2 * matched / total if total else 0.0
    specificity = matched / (matched + EVIDENCE_HALF)
    order = 1.0
    if entity_type in _ORDERED_TYPES:
        order = 1.0 - ORDER_WEIGHT * (1.0 - order_agreement(query, listed, found.pairs))
    value = min(agreement * agreement * specificity * order, MAX_CONFIDENCE)
    return Confidence(round(value, 4), round(agreement, 4), round(specificity, 4), round(order, 4))
