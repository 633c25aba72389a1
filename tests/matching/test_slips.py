"""One-edit look-ups: the deletion neighbourhood finds exactly the words one OSA edit away."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from dualscreen.matching.slips import OneEditIndex, legal_slips

_words = st.text(alphabet="abno", min_size=1, max_size=8)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_words, min_size=1, max_size=40), _words)
def test_near_finds_every_word_one_edit_away_and_no_other(words: list[str], query: str) -> None:
    index = OneEditIndex(enumerate(words))
    expected = [i for i, w in enumerate(words) if w != query and OSA.distance(query, w) <= 1]
    assert index.near(query) == expected


@pytest.mark.parametrize(
    ("token", "forms"),
    [
        pytest.param("crp", {"corp"}, id="letter-dropped"),
        pytest.param("lolc", {"llc"}, id="letter-added"),
        pytest.param("limiied", {"limited"}, id="letter-changed"),
        pytest.param("ltdi", {"ltd", "ltda"}, id="two-forms-the-listed-name-decides"),
        pytest.param("cropo", set(), id="two-slips"),
        pytest.param("corp", set(), id="a-form-itself"),
        pytest.param("td", {"ltd"}, id="two-letters-left"),
        pytest.param("jyint", {"joint"}, id="phrase-word"),
        pytest.param("s", set(), id="too-short"),
        pytest.param("ll3", set(), id="a-number"),
    ],
)
def test_legal_slips(token: str, forms: set[str]) -> None:
    assert legal_slips(token) == forms
