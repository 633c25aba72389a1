"""One slip the edit-similarity score cannot see: in a legal-form word, or in a short one-word name.

Normalisation sets legal forms aside and a one-word name under eight letters matches only
exactly, so "EVIL CRP" (a letter dropped from CORP) and "NIFOROS OOO" (two letters of INFOROS
swapped) never reach the fuzzy score. Both are found here by one edit, counted as people
mistype: a letter changed, dropped, added, or swapped with the next (optimal string alignment,
rapidfuzz's OSA). The matcher decides when such a slip is evidence enough; this module only
finds them, exactly and cheaply, through deletion neighbourhoods: two words within one edit
share the word itself or the word less one letter, so a look-up of a word and its deletions
finds every word one edit away, with no scan.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import OSA

from dualscreen.matching.normalize import LEGAL_FORM_PHRASES, LEGAL_FORMS

SLIP_LEGAL_MIN_LETTERS = 3
"""Legal-form words this long or longer are looked for with a slip ("crp" for CORP, "lolc"
for LLC, "td" for LTD); "sa" or "co" with one slip are any two or three letters."""


def deletions(word: str) -> set[str]:
    """The word and every word it gives with one letter dropped."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


class OneEditIndex:
    """Words (by position) found by any word within one OSA edit of them."""

    def __init__(self, words: Iterable[tuple[int, str]]) -> None:
        self._words: dict[int, str] = {}
        self._neighbours: dict[str, list[int]] = {}
        for position, word in words:
            self._words[position] = word
            for variant in deletions(word):
                self._neighbours.setdefault(variant, []).append(position)

    def near(self, word: str) -> list[int]:
        """Ascending positions of the words one edit from `word` (not equal to it)."""
        found: set[int] = set()
        for variant in deletions(word):
            found.update(self._neighbours.get(variant, ()))
        words = self._words
        return sorted(
            i
            for i in found
            if words[i] != word and OSA.distance(word, words[i], score_cutoff=1) <= 1
        )


_LEGAL_WORDS = sorted(
    w
    for w in LEGAL_FORMS.union(*(forms for _, forms in LEGAL_FORM_PHRASES))
    if len(w) >= SLIP_LEGAL_MIN_LETTERS
)
_LEGAL_INDEX = OneEditIndex(enumerate(_LEGAL_WORDS))
_ANY_LEGAL_WORD = frozenset(LEGAL_FORMS.union(*(forms for _, forms in LEGAL_FORM_PHRASES)))


@lru_cache(maxsize=65536)
def legal_slips(token: str) -> frozenset[str]:
    """The legal-form words `token` is one slip from ("crp" → CORP, "lolc" → LLC, "limiied" →
    LIMITED), none for a legal-form word itself, a number, or a single letter.
    Which one was meant is for the listed name to say: a slip counts only against a name that
    has that form."""
    if len(token) < SLIP_LEGAL_MIN_LETTERS - 1 or token in _ANY_LEGAL_WORD:
        return frozenset()
    if any(c.isdigit() for c in token):
        return frozenset()
    return frozenset(_LEGAL_WORDS[i] for i in _LEGAL_INDEX.near(token))
