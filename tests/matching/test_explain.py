"""The explanation of a party hit: normalisation notes, countries, the one-line summary."""

from __future__ import annotations

import pytest

from dualscreen.countries import country_code
from dualscreen.matching import MatchMethod, NameHit
from dualscreen.matching.explain import (
    COUNTRY_AGREE,
    COUNTRY_DISAGREE,
    LEGAL_FORM_ON_PERSON,
    HitExplainer,
    country_check,
    listed_countries,
    normalisation_notes,
)
from dualscreen.matching.scoring import TokenWeights
from dualscreen.models import EntityType, ListEntry, TokenMatch


def _entry(name: str, *, type: EntityType = EntityType.ORGANIZATION, **fields: object) -> ListEntry:
    return ListEntry.model_validate({"entry_id": "1", "name": name, "type": type, **fields})


def _hit(entry: ListEntry, method: MatchMethod = MatchMethod.EXACT, name: str = "") -> NameHit:
    return NameHit(0, entry, name or entry.name, 1.0, method)


@pytest.mark.parametrize(
    ("query", "listed", "person", "note"),
    [
        pytest.param(
            "PT Aneka Tambang Tbk",
            "ANEKA TAMBANG PERSERO",
            False,
            'legal form "pt tbk" ≙ "persero"',
            id="legal-forms-as-equivalents",
        ),
        pytest.param(
            "Sberbank of Russia PJSC",
            "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA",
            False,
            'legal form "pjsc" ≙ "public joint stock company"',
            id="multi-word-legal-form",
        ),
        pytest.param(
            "Moa Nickel",
            "MOA NICKEL SA",
            False,
            'legal form "sa" set aside (listed)',
            id="one-side",
        ),
        pytest.param(
            "Путин Владимир",
            "PUTIN, Vladimir",
            True,
            "Cyrillic script transliterated",
            id="script",
        ),
        pytest.param("Nicolás Maduro", "MADURO, Nicolas", True, "accents folded", id="accents"),
        pytest.param(
            "PUTIN, Vladimir",
            "PUTIN, Vladimir",
            True,
            'listed "LAST, First" read as "First LAST"',
            id="listed-order",
        ),
        pytest.param("Kim Jong-un", "KIM, Jong Un", True, "punctuation removed", id="hyphen"),
        pytest.param("Acme a.k.a. Acme Trading", "ACME", False, "a.k.a. marker dropped", id="aka"),
        pytest.param(
            "Dr. Li Fangwei", "LI, Fangwei", True, 'title "dr" set aside (query)', id="title"
        ),
        pytest.param(
            "Ayman al-Zawahiri",
            "AL ZAWAHIRI, Dr. Ayman",
            True,
            'title "dr" set aside (listed)',
            id="listed-title",
        ),
    ],
)
def test_normalisation_notes_say_what_was_folded_or_set_aside(
    query: str, listed: str, person: bool, note: str
) -> None:
    assert note in normalisation_notes(query, listed, person)


def test_an_organisation_listed_with_its_legal_form_after_a_comma_is_not_called_reordered() -> None:
    notes = normalisation_notes("Gazprom Burenie LLC", "GAZPROM BURENIE, OOO", person=False)
    assert notes == ('legal form "llc" ≙ "ooo"',)


def test_plain_names_need_no_note() -> None:
    assert normalisation_notes("Banco Nacional de Cuba", "BANCO NACIONAL DE CUBA", False) == ()


# --- countries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("RU", "RU"),
        ("ua-43", "UA"),
        ("Russian Federation", "RU"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Democratic People's Republic of Korea", "KP"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_code_reads_codes_and_the_names_lists_use(value: str, code: str | None) -> None:
    assert country_code(value) == code


def test_listed_countries_come_from_the_country_fields_and_addresses_ending_in_a_country() -> None:
    entry = _entry(
        "X",
        countries=("Russian Federation", "RU"),
        addresses=("Kinshasa, Democratic Republic of the Congo (as of June 2016)", "EL PASO, CA"),
    )
    assert listed_countries(entry) == ("RU", "CD")  # "CA" ends a US address: not Canada


@pytest.mark.parametrize(
    ("field", "record", "expected"),
    [
        pytest.param("consignee", {"destination_country": "RU"}, True, id="consignee-agrees"),
        pytest.param("end_user", {"destination_country": "ID"}, False, id="end-user-differs"),
        pytest.param("exporter", {"origin_country": "RU-MOW"}, True, id="exporter-subdivision"),
        pytest.param("intermediary", {"destination_country": "RU"}, None, id="intermediary"),
        pytest.param("consignee", {"destination_country": ""}, None, id="no-country"),
    ],
)
def test_country_check_compares_where_the_party_is_presumed_to_be(
    field: str, record: dict[str, str], expected: bool | None
) -> None:
    check = country_check(field, record, _entry("X", countries=("RU",)), 0.8)
    if expected is None:
        assert check is None
    else:
        assert check is not None and check.agrees is expected
        if expected:
            assert check.adjustment == pytest.approx(COUNTRY_AGREE * 0.2)
        else:
            assert check.adjustment == pytest.approx(-COUNTRY_DISAGREE * 0.8)


def test_no_country_check_when_the_list_gives_none() -> None:
    assert country_check("consignee", {"destination_country": "RU"}, _entry("X"), 0.8) is None


# --- the explainer -----------------------------------------------------------------------------


@pytest.fixture
def explainer() -> HitExplainer:
    return HitExplainer(TokenWeights({"vladimir": list(range(40))}, 1000))


def test_explain_gives_the_aligned_words_the_leftovers_and_a_one_line_summary(
    explainer: HitExplainer,
) -> None:
    entry = _entry("PUTIN, Vladimir Vladimirovich", type=EntityType.PERSON, countries=("RU",))
    value, detail = explainer.explain(
        "consignee",
        "Vladimir Putin",
        _hit(entry, MatchMethod.SUBSET),
        {"destination_country": "ID"},
    )
    assert [(a.query, a.how) for a in detail.aligned] == [
        ("putin", TokenMatch.EXACT),
        ("vladimir", TokenMatch.EXACT),
    ]
    assert detail.listed_only == ("vladimirovich",)
    assert detail.method == "subset" and detail.entity_type is EntityType.PERSON
    assert detail.country is not None and not detail.country.agrees
    assert value == pytest.approx(detail.name_confidence + detail.country.adjustment, abs=1e-4)
    assert detail.summary == (
        "same words: putin vladimir; listed only: vladimirovich (middle name); "
        'normalised: listed "LAST, First" read as "First LAST"; '
        f"country: destination country ID vs listed RU, differs ({detail.country.adjustment:+.2f})"
    )


def test_a_country_moves_the_confidence_but_never_to_one(explainer: HitExplainer) -> None:
    entry = _entry("DANDONG ZHICHENG METALLIC MATERIAL", countries=("CN",))
    hit = _hit(entry)
    alone, _ = explainer.explain("consignee", hit.matched_name, hit, {})
    agrees, _ = explainer.explain("consignee", hit.matched_name, hit, {"destination_country": "CN"})
    differs, _ = explainer.explain(
        "consignee", hit.matched_name, hit, {"destination_country": "ID"}
    )
    assert differs < alone < agrees < 1.0


def test_close_words_are_named_in_the_summary(explainer: HitExplainer) -> None:
    entry = _entry("LAVROV, Sergei Viktorovich", type=EntityType.PERSON)
    _, detail = explainer.explain(
        "intermediary", "Sergey Viktorovich Lavrov", _hit(entry, MatchMethod.FUZZY), {}
    )
    assert "close words: sergey~sergei (transliteration)" in detail.summary
    assert detail.country is None


def test_a_legal_form_against_a_listed_person_lowers_the_confidence_and_says_so(
    explainer: HitExplainer,
) -> None:
    entry = _entry("KHAKI, Parviz", type=EntityType.PERSON)
    plain, _ = explainer.explain("consignee", "Parviz Khaki", _hit(entry), {})
    company, detail = explainer.explain("consignee", "Parviz Khaki Ltd", _hit(entry), {})
    assert company == pytest.approx(plain * LEGAL_FORM_ON_PERSON, abs=1e-4)
    assert detail.adjustments == ("a company's legal form against a listed person ×0.80",)
    assert "confidence: a company's legal form against a listed person ×0.80" in detail.summary


def test_an_organisation_in_another_word_order_says_so(explainer: HitExplainer) -> None:
    entry = _entry("BANCO NACIONAL DE CUBA")
    _, detail = explainer.explain("consignee", "Cuba de Nacional Banco", _hit(entry), {})
    assert detail.adjustments == ("words in another order ×0.90",)


def test_a_name_in_another_script_lines_up_by_sound_and_ranks_as_the_same_name(
    explainer: HitExplainer,
) -> None:
    """Folded letter by letter, صدام حسين التكريتي is "sdm hsyn ltkryty", which shares too few
    letters with SADDAM HUSSEIN AL-TIKRITI to line up; by their phonetic skeletons the words do,
    the article joined in Arabic and written apart in Latin. Unaligned, a true phonetic hit
    ranked below most false alerts on other names (bench/eval_ranking.py)."""
    entry = _entry("AL-TIKRITI, Saddam Hussein", type=EntityType.PERSON)
    value, detail = explainer.explain(
        "consignee", "صدام حسين التكريتي", _hit(entry, MatchMethod.PHONETIC), {}
    )
    assert [(a.query, a.listed, a.how) for a in detail.aligned] == [
        ("hsyn", "hussein", TokenMatch.TRANSLITERATION),
        ("sdm", "saddam", TokenMatch.TRANSLITERATION),
        ("ltkryty", "al tikriti", TokenMatch.JOINED),
    ]
    assert not detail.query_only and not detail.listed_only
    latin, _ = explainer.explain("consignee", "Saddam Hussein al-Tikriti", _hit(entry), {})
    assert latin > value > latin / 2


def test_a_title_before_a_persons_name_costs_no_confidence(explainer: HitExplainer) -> None:
    entry = _entry("AL ZAWAHIRI, Dr. Ayman", type=EntityType.PERSON)
    plain, detail = explainer.explain("consignee", "Ayman al-Zawahiri", _hit(entry), {})
    titled, _ = explainer.explain("consignee", "Sheikh Dr. Ayman al-Zawahiri", _hit(entry), {})
    assert titled == plain
    assert detail.query_only == () and detail.listed_only == ()
