"""Name normalisation: which spellings of one party compare equal, and which must not."""

from __future__ import annotations

import pytest

from dualscreen.matching.normalize import (
    LEGAL_FORMS,
    fold,
    legal_forms_removed,
    match_key,
    name_tokens,
    reorder_listed,
    untitled_key,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("BANCO Nacional de CUBA", "banco nacional de cuba", id="case"),
        pytest.param("Nicolás Maduro Moros", "nicolas maduro moros", id="acute-accent"),
        pytest.param("Nguyễn Văn Đức", "nguyen van duc", id="vietnamese-stacked-diacritics"),
        pytest.param("Yıldız Şensoy", "yildiz sensoy", id="turkish-dotless-i-and-cedilla"),
        pytest.param("Straße", "strasse", id="german-sharp-s"),
        pytest.param("Łódź", "lodz", id="polish-stroke-l"),
        pytest.param("Путин Владимир", "putin vladimir", id="cyrillic"),
        pytest.param("Αθήνα", "athina", id="greek"),
        pytest.param("GAZPROM BURENIE, OOO", "gazprom burenie ooo", id="comma"),
        pytest.param("Freeport-McMoRan Inc.", "freeport mcmoran inc", id="hyphen-and-dot"),
        pytest.param("ООО «Газпром бурение»", "ooo gazprom burenie", id="guillemets"),
        pytest.param("  spaced \t out  ", "spaced out", id="whitespace-runs"),
        pytest.param("O'Brien", "obrien", id="apostrophe-joins"),
        pytest.param("O’Brien", "obrien", id="typographic-apostrophe-joins"),
        pytest.param("MOA NICKEL S.A.", "moa nickel sa", id="dotted-initials-joined"),
        pytest.param("a.k.a. BNC", "bnc", id="aka-marker-dropped"),
        pytest.param("--- ; ---", "", id="punctuation-only-is-empty"),
    ],
)
def test_fold_reduces_case_accents_script_and_punctuation(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_output_is_plain_lowercase_ascii_words() -> None:
    folded = fold("Абдуллах «Аль-Хамид» & Çö., Ltd. / 株式会社")
    assert folded.isascii()
    assert folded == folded.lower()
    assert "  " not in folded
    assert folded == folded.strip()


@pytest.mark.parametrize(
    ("listed", "reading_order"),
    [
        pytest.param(
            "PUTIN, Vladimir Vladimirovich", "Vladimir Vladimirovich PUTIN", id="person-last-first"
        ),
        pytest.param("MADURO MOROS, Nicolas", "Nicolas MADURO MOROS", id="two-word-surname"),
        pytest.param("KANG, Chol Su", "Chol Su KANG", id="korean-last-first"),
    ],
)
def test_reorder_listed_puts_last_comma_first_into_reading_order(
    listed: str, reading_order: str
) -> None:
    assert reorder_listed(listed) == reading_order


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("BANCO NACIONAL DE CUBA", id="no-comma"),
        pytest.param("AL-HARAMAIN, FOUNDATION, INC.", id="two-commas"),
        pytest.param("ONE TWO THREE FOUR, LTD", id="long-head-is-not-a-surname"),
        pytest.param("MADURO,", id="nothing-after-comma"),
        pytest.param(", Nicolas", id="nothing-before-comma"),
    ],
)
def test_reorder_listed_leaves_other_names_alone(name: str) -> None:
    assert reorder_listed(name) == name


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        pytest.param("PT Aneka Tambang Tbk", ("aneka", "tambang"), id="indonesian-pt-tbk"),
        pytest.param("Hong Pang Mining Co., Ltd.", ("hong", "pang", "mining"), id="co-ltd"),
        pytest.param("Moa Nickel S.A.", ("moa", "nickel"), id="dotted-sa"),
        pytest.param("Umicore SA", ("umicore",), id="plain-sa"),
        pytest.param("Glencore International AG", ("glencore", "international"), id="ag"),
        pytest.param("ООО «Газпром бурение»", ("gazprom", "burenie"), id="cyrillic-ooo"),
        pytest.param("Petronas Sdn Bhd", ("petronas",), id="malaysian-sdn-bhd"),
        pytest.param("Joint Stock Bank Rossiya", ("bank", "rossiya"), id="phrase-only-form"),
    ],
)
def test_name_tokens_drop_legal_forms(name: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        pytest.param("Company Limited", ("company", "limited"), id="company-limited"),
        pytest.param("S.A.", ("sa",), id="sa"),
        pytest.param("PT", ("pt",), id="pt"),
    ],
)
def test_name_tokens_keep_legal_forms_when_they_are_the_whole_name(
    name: str, tokens: tuple[str, ...]
) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        pytest.param("Abu Bakr as Siddiq", "as", id="arabic-particle-as"),
        pytest.param("Yildiz Holding A.S.", "as", id="turkish-as-not-a-form"),
        pytest.param("KK Trading", "kk", id="initials-kk"),
    ],
)
def test_name_particles_that_look_like_legal_forms_are_kept(name: str, kept: str) -> None:
    assert kept not in LEGAL_FORMS
    assert kept in name_tokens(name)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        pytest.param("Banco Nacional de Cuba", "BANCO NACIONAL DE CUBA", id="re-cased"),
        pytest.param("Nicolás Maduro Moros", "MADURO MOROS, Nicolas", id="accent-and-order"),
        pytest.param(
            "Vladimir Vladimirovich Putin", "PUTIN, Vladimir Vladimirovich", id="re-ordered"
        ),
        pytest.param("Путин Владимир Владимирович", "PUTIN, Vladimir Vladimirovich", id="cyrillic"),
        pytest.param("Kang Chol-Su", "KANG, Chol Su", id="hyphenated-given-name"),
        pytest.param(
            "Hong Pang Mining Co., Ltd.", "HONG PANG MINING COMPANY LIMITED", id="co-ltd-spelled"
        ),
        pytest.param("Gazprom Burenie LLC", "GAZPROM BURENIE, OOO", id="llc-for-ooo"),
        pytest.param("ООО «Газпром бурение»", "GAZPROM BURENIE, OOO", id="cyrillic-company"),
        pytest.param("Moa Nickel", "MOA NICKEL SA", id="legal-form-dropped"),
        pytest.param("P.T. Timah Tbk", "PT TIMAH", id="dotted-pt"),
    ],
)
def test_match_key_equal_for_spellings_of_one_party(one: str, other: str) -> None:
    assert match_key(one) == match_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        pytest.param("Banco Nacional de Cuba", "Banco Nacional", id="missing-word"),
        pytest.param("Zhang Wei", "Zhang Lei", id="one-letter-apart"),
        pytest.param("Company Limited", "Company", id="whole-name-legal-forms"),
        pytest.param("Anthony Anthony", "Anthony", id="repeated-token-counts"),
    ],
)
def test_match_key_differs_for_different_names(one: str, other: str) -> None:
    assert match_key(one) != match_key(other)


@pytest.mark.parametrize("name", ["", "   ", "---", "()"])
def test_match_key_of_a_name_without_letters_is_empty(name: str) -> None:
    assert match_key(name) == ""


@pytest.mark.parametrize(
    ("name", "removed"),
    [
        pytest.param("Hong Pang Mining Co., Ltd.", ["co", "ltd"], id="co-ltd"),
        pytest.param("PT Vale Indonesia Tbk", ["pt", "tbk"], id="pt-tbk"),
        pytest.param("Banco Nacional de Cuba", [], id="none"),
        pytest.param("Company Limited", [], id="whole-name-kept"),
    ],
)
def test_legal_forms_removed_explains_what_was_set_aside(name: str, removed: list[str]) -> None:
    assert legal_forms_removed(name) == removed


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        pytest.param("Elix St Limited Liablity Company", ("elix", "st"), id="letter-dropped"),
        pytest.param("Elix St Limited Lijability Company", ("elix", "st"), id="letter-added"),
        pytest.param("Joint Stock Cmopany Plant N9", ("plant", "n9"), id="letters-swapped"),
        pytest.param("SDM-Bank Public Joint Sock Company", ("sdm", "bank"), id="phrase-word"),
        pytest.param("Rajbrook Flimited", ("rajbrook",), id="letter-added-in-front"),
    ],
)
def test_a_slip_in_a_long_legal_form_still_drops_it(name: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        pytest.param(
            "Corporacion Cimex", ("corporacion", "cimex"), id="cognate-one-letter-changed"
        ),
        pytest.param("Sal Trading", ("sal", "trading"), id="short-form-sa-plus-a-letter"),
        pytest.param("Inca Mining", ("inca", "mining"), id="short-form-inc-plus-a-letter"),
        pytest.param("Publico Stick", ("publico", "stick"), id="near-phrase-words-kept-as-written"),
    ],
)
def test_words_near_a_legal_form_that_are_not_one_are_kept(
    name: str, tokens: tuple[str, ...]
) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("name", "untitled"),
    [
        ("Dr. Li Fangwei", "fangwei li"),
        ("Mr. Dr. Li Fangwei", "fangwei li"),  # titles stack
        ("Sheikh Yunis al-Mauritani", "al mauritani yunis"),
        ("Haji Khairullah", None),  # one word left would match weakly: the title stays
        ("Li Fangwei", None),
        ("Li Dr Fangwei", None),  # a title goes only before the name
        ("MR HANDYMAN LTD", None),  # the legal form is not a word that remains
    ],
)
def test_untitled_key_reads_a_name_without_the_titles_before_it(
    name: str, untitled: str | None
) -> None:
    assert untitled_key(name) == untitled
