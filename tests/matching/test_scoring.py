"""Word alignment and the calibrated confidence: pure functions on tokens and weights."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualscreen.matching.scoring import (
    GENERIC_WORDS,
    TokenWeights,
    align,
    confidence,
    distinctive_agree,
    identifying,
    numbers_agree,
    order_agreement,
    pair_tokens,
)
from dualscreen.models import EntityType, TokenMatch

PERSON = EntityType.PERSON
ORGANIZATION = EntityType.ORGANIZATION


def _flat(token: str) -> float:
    """Every word weighs the same: the tests that are not about rarity."""
    return 5.0


# --- alignment --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "listed", "how"),
    [
        pytest.param("putin", "putin", TokenMatch.EXACT, id="same-word"),
        pytest.param("sergey", "sergei", TokenMatch.TRANSLITERATION, id="sergey-sergei"),
        pytest.param("mohammed", "muhammad", TokenMatch.TRANSLITERATION, id="mohammed-muhammad"),
        pytest.param("osama", "usama", TokenMatch.TRANSLITERATION, id="osama-usama"),
        pytest.param("metalic", "metallic", TokenMatch.TYPO, id="doubled-letter-is-a-typo"),
        pytest.param("nacionl", "nacional", TokenMatch.TYPO, id="letter-dropped"),
        pytest.param("v", "vladimir", TokenMatch.INITIAL, id="initial"),
    ],
)
def test_a_pair_of_words_is_named_for_how_they_differ(
    query: str, listed: str, how: TokenMatch
) -> None:
    pair = pair_tokens(query, listed)
    assert pair is not None and pair.how is how
    assert 0 < pair.similarity <= 1.0


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        pytest.param("11420", "11421", id="numbers-differ"),
        pytest.param("n9", "n8", id="numbered-word"),
        pytest.param("putin", "gugnin", id="different-surnames"),
        pytest.param("v", "ivan", id="initial-of-another-word"),
    ],
)
def test_words_that_are_not_one_word_do_not_pair(query: str, listed: str) -> None:
    assert pair_tokens(query, listed) is None


def test_align_pairs_same_words_first_and_leaves_the_rest_on_their_side() -> None:
    found = align(("vladimir", "putin"), ("vladimir", "vladimirovich", "putin"))
    assert [(p.query, p.listed, p.how) for p in found.pairs] == [
        ("putin", "putin", TokenMatch.EXACT),
        ("vladimir", "vladimir", TokenMatch.EXACT),
    ]
    assert found.query_only == ()
    assert found.listed_only == ("vladimirovich",)


def test_align_finds_a_word_written_as_two() -> None:
    found = align(("abdulrahman", "ali"), ("abdul", "rahman", "ali"))
    joined = [p for p in found.pairs if p.how is TokenMatch.JOINED]
    assert [(p.query, p.listed) for p in joined] == [("abdulrahman", "abdul rahman")]
    assert found.query_only == found.listed_only == ()


def test_align_takes_the_closest_pair_when_two_words_compete() -> None:
    found = align(("sergey", "lavrov"), ("sergei", "lavrof", "sergeev"))
    assert {(p.query, p.listed) for p in found.pairs} == {
        ("sergey", "sergei"),
        ("lavrov", "lavrof"),
    }
    assert found.listed_only == ("sergeev",)


@pytest.mark.parametrize(
    ("query", "listed"),
    [("sergey", "sergei"), ("muhammad", "mohammed"), ("usama", "osama"), ("qasim", "kasim")],
)
def test_a_common_romanisation_pairs_as_a_transliteration(query: str, listed: str) -> None:
    pair = pair_tokens(query, listed)
    assert pair is not None and pair.how is TokenMatch.TRANSLITERATION


def test_a_letter_dropped_pairs_as_a_typo_not_a_transliteration() -> None:
    pair = pair_tokens("nacionl", "nacional")
    assert pair is not None and pair.how is TokenMatch.TYPO


# --- numbers and generic words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "listed", "agree"),
    [
        pytest.param("11420", "11420", True, id="same-number"),
        pytest.param("2904978 canada", "2904977 canada", False, id="one-digit-off"),
        pytest.param("64 avenue brickell", "64e avenue brickell", True, id="number-with-a-letter"),
        pytest.param("n9 plant", "plant", False, id="number-missing"),
        pytest.param("golden star", "golden stars", True, id="no-numbers"),
    ],
)
def test_numbers_must_agree(query: str, listed: str, agree: bool) -> None:
    assert numbers_agree(query, listed) is agree


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("group industries international", False, id="generic-words"),
        pytest.param("company limited trading", False, id="generic-and-legal-forms"),
        pytest.param("corp", False, id="legal-form"),
        pytest.param("11420", True, id="a-number"),
        pytest.param("golden trading", True, id="one-name-word"),
    ],
)
def test_identifying_needs_a_word_neither_generic_nor_a_legal_form(
    key: str, expected: bool
) -> None:
    assert identifying(key) is expected


def test_the_words_the_issue_names_are_generic() -> None:
    assert {"trading", "international", "group", "company", "industries"} <= GENERIC_WORDS


# --- weights ------------------------------------------------------------------------------------


def test_rare_words_weigh_more_than_common_ones_and_generic_words_least() -> None:
    postings = {"zhang": list(range(300)), "dandong": [1], "trading": list(range(300))}
    weight = TokenWeights(postings, 10_000)
    assert weight("dandong") > weight("zhang") > weight("trading")
    assert weight("unheard") == weight("dandong")  # a word no list has weighs as a rare one
    assert weight("11420") == weight.rarest  # numbers identify


# --- confidence ---------------------------------------------------------------------------------


def test_an_exact_match_is_never_saturated() -> None:
    tokens = ("dandong", "zhicheng", "metallic", "material")
    value = confidence(tokens, tokens, ORGANIZATION, _flat).value
    assert 0.8 < value < 1.0


def test_a_longer_rarer_exact_name_ranks_above_a_common_short_one() -> None:
    postings = {"zhang": list(range(400)), "wei": list(range(500))}
    weight = TokenWeights(postings, 30_000)
    common = confidence(("zhang", "wei"), ("zhang", "wei"), PERSON, weight).value
    rare = ("dandong", "zhicheng", "metallic", "material")
    assert confidence(rare, rare, ORGANIZATION, weight).value > common


def test_a_missing_middle_name_costs_less_than_a_missing_surname() -> None:
    listed = ("vladimir", "vladimirovich", "putin")
    middle = confidence(("vladimir", "putin"), listed, PERSON, _flat).value
    last = confidence(("vladimir", "vladimirovich"), listed, PERSON, _flat).value
    assert middle > last


def test_every_word_left_over_lowers_the_confidence() -> None:
    listed = ("munitions", "industry", "department")
    full = confidence(listed, listed, ORGANIZATION, _flat).value
    one = confidence((*listed, "pyongyang"), listed, ORGANIZATION, _flat).value
    two = confidence((*listed, "pyongyang", "branch"), listed, ORGANIZATION, _flat).value
    assert full > one > two


def test_persons_are_order_free_organisations_are_not() -> None:
    listed = ("banco", "nacional", "de", "cuba")
    reordered = ("cuba", "de", "nacional", "banco")
    as_written = confidence(listed, listed, ORGANIZATION, _flat)
    moved = confidence(reordered, listed, ORGANIZATION, _flat)
    assert as_written.value > moved.value
    assert moved.order == pytest.approx(0.9)
    person = ("vladimir", "vladimirovich", "putin")
    assert confidence(person[::-1], person, PERSON, _flat) == confidence(
        person, person, PERSON, _flat
    )


def test_order_agreement_counts_pairs_in_the_same_order() -> None:
    found = align(("a", "b", "c"), ("a", "c", "b"))
    assert order_agreement(("a", "b", "c"), ("a", "c", "b"), found.pairs) == pytest.approx(2 / 3)
    assert order_agreement(("a",), ("a",), align(("a",), ("a",)).pairs) == 1.0


# --- properties ---------------------------------------------------------------------------------

_word = st.text("abcdefghiklmnoprstuvyz", min_size=2, max_size=9)
_name = st.lists(_word, min_size=1, max_size=6)
_types = st.sampled_from(list(EntityType))


@st.composite
def _variant(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A listed name and a query made from it: words dropped, added, retyped or moved."""
    listed = draw(_name)
    query = list(listed)
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(("drop", "add", "typo", "swap")))
        if op == "drop" and len(query) > 1:
            query.pop(draw(st.integers(0, len(query) - 1)))
        elif op == "add":
            query.insert(draw(st.integers(0, len(query))), draw(_word))
        elif op == "typo":
            i = draw(st.integers(0, len(query) - 1))
            word = query[i]
            j = draw(st.integers(0, len(word) - 1))
            query[i] = word[:j] + draw(st.sampled_from("aeixz")) + word[j + 1 :]
        elif op == "swap" and len(query) > 1:
            i = draw(st.integers(0, len(query) - 2))
            query[i], query[i + 1] = query[i + 1], query[i]
    return query, listed


def _rarity(token: str) -> float:
    return 1.0 + (sum(map(ord, token)) % 9)


@settings(max_examples=500, deadline=None)
@given(_variant(), _types)
def test_confidence_is_in_the_unit_interval_and_the_name_itself_ranks_highest(
    pair: tuple[list[str], list[str]], entity_type: EntityType
) -> None:
    query, listed = pair
    exact = confidence(listed, listed, entity_type, _rarity).value
    variant = confidence(query, listed, entity_type, _rarity).value
    assert 0.0 <= variant <= exact < 1.0


@settings(max_examples=300, deadline=None)
@given(_name, _word, _types)
def test_an_extra_word_never_raises_the_confidence(
    listed: list[str], extra: str, entity_type: EntityType
) -> None:
    full = confidence(listed, listed, entity_type, _rarity).value
    assert confidence([*listed, extra], listed, entity_type, _rarity).value <= full


@pytest.mark.parametrize(
    ("query", "listed", "agree"),
    [
        pytest.param("adams group", "ams group", False, id="only-a-generic-word-shared"),
        pytest.param("harding shipping", "hadi shipping", False, id="shipping-carries-nothing"),
        pytest.param("li international", "ui international", False, id="short-acronym-differs"),
        pytest.param("acme trading", "acmee trading", True, id="identifying-word-mistyped"),
        pytest.param("banco cuba de nacional", "banco de kuba nacional", True, id="shares-banco"),
        pytest.param("dandong metalic", "dandong metallic", True, id="no-generic-word-shared"),
    ],
)
def test_names_alike_only_through_generic_words_do_not_agree(
    query: str, listed: str, agree: bool
) -> None:
    assert distinctive_agree(query, listed) is agree
