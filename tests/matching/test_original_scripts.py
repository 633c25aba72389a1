"""Real names in their original script find their listed Latin forms.

The UN consolidated list gives many entries' names in their original script (Arabic, some
Cyrillic and Han) beside the Latin ones. Taken out of the list and screened against what is
left, each must find its own entry through the Latin names alone: cross-script matching
measured on names as they are really written, not as a bench's tables write them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from bench._common import ScriptPair, original_script_pairs

from dualscreen.lists import load_lists
from dualscreen.matching import NameMatcher

FLAG = 0.88

FLOORS = {"Arabic": 0.65, "Cyrillic": 0.9, "Han": 0.5}
"""Recall at the flag threshold below which a change to matching has lost real names: UN
consolidated list of 2026-02-27, measured 257 of 379 Arabic (0 before phonetic skeletons),
10 of 11 Cyrillic and 2 of 4 Han (0 before Chinese was read word by word: the other two are
translations, 海連 "sea link" for SHIPPING, 联合 "joint" for RYONHA)."""


@pytest.fixture(scope="module")
def un_pairs(shared_data: Path) -> tuple[NameMatcher, list[ScriptPair]]:
    stripped, pairs = original_script_pairs(
        load_lists([shared_data / "lists/un/UN_consolidated.xml"])
    )
    return NameMatcher(stripped), pairs


def test_original_script_names_are_taken_out_of_the_lists(
    un_pairs: tuple[NameMatcher, list[ScriptPair]],
) -> None:
    """Else a query would find its own copy and prove nothing."""
    matcher, pairs = un_pairs
    assert pairs
    hits = matcher.match(pairs[0].query, FLAG)
    assert all(h.matched_name != pairs[0].query for h in hits)


@pytest.mark.parametrize("script", sorted(FLOORS))
def test_original_script_names_find_their_latin_entry(
    un_pairs: tuple[NameMatcher, list[ScriptPair]], script: str
) -> None:
    matcher, pairs = un_pairs
    mine = [p for p in pairs if p.script == script]
    found = Counter(
        any(h.entry.entry_id == p.entry.entry_id for h in hits)
        for p, hits in zip(mine, matcher.match_many([p.query for p in mine], FLAG), strict=True)
    )
    recall = found[True] / len(mine)
    assert recall >= FLOORS[script], f"{script}: {found[True]} of {len(mine)} found"
