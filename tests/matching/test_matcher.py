"""The name matcher on small hand-built lists: what hits, how strongly, and what never does."""

from __future__ import annotations

import pytest

from dualscreen.matching import MatchMethod, NameHit, NameMatcher
from dualscreen.models import EntityType, ListCategory, ListEntry, ListInfo, RestrictedList

FLAG = 0.88
"""The default rules' flag threshold (rules/parties.yaml); 1.0 blocks."""

PERSON = EntityType.PERSON
ORGANIZATION = EntityType.ORGANIZATION


def _entry(entry_id: str, name: str, *aliases: str, type: EntityType = ORGANIZATION) -> ListEntry:
    return ListEntry(entry_id=entry_id, name=name, aliases=aliases, type=type)


def _list(name: str, *entries: ListEntry) -> RestrictedList:
    info = ListInfo(
        name=name,
        format="native-csv",
        category=ListCategory.SANCTIONS,
        source="hand-built for tests",
        path=f"{name}.csv",
        version="2026-11-01",
        version_from="file",
        entries=len(entries),
        names=sum(1 + len(e.aliases) for e in entries),
        sha256="0" * 64,
    )
    return RestrictedList(info=info, entries=entries)


# Names as OFAC and the UN publish them (SDN 2024-05-03, UN consolidated 2026-02-27).
SANCTIONS = _list(
    "sanctions",
    _entry("306", "BANCO NACIONAL DE CUBA"),
    _entry("35096", "PUTIN, Vladimir Vladimirovich", type=PERSON),
    _entry("16669", "ROTENBERG, Arkady Romanovich", type=PERSON),
    _entry("36", "AEROCARIBBEAN AIRLINES"),
    _entry("11302", "HONG PANG MINING COMPANY LIMITED"),
    _entry("22603", "DANDONG ZHICHENG METALLIC MATERIAL CO., LTD."),
    _entry("3751", "MOA NICKEL SA"),
    _entry("25971", "IRANIAN TITANIUM DEVELOPMENT"),
    _entry("28305", "IRAN ALUMINUM COMPANY", "IRALCO"),
    _entry("15911", "KHAKI, Parviz", "MARTIN", type=PERSON),
    _entry("9345", "KOREA MINING DEVELOPMENT TRADING CORPORATION"),
    _entry("24752", "GOLDEN STAR CO"),
    _entry("29865", "GOLDEN STAR TRADING LLC"),
    _entry("90001", "GOLDEN STARS CO"),
)
UN = _list(
    "un",
    _entry("6908042", "OMAR HAMMAMI", "Abu Mansour Al-Amriki", "Umar Hammami", type=PERSON),
    _entry("6908522", "MUNITIONS INDUSTRY DEPARTMENT", "Military Supplies Industry Department"),
)


@pytest.fixture(scope="module")
def matcher() -> NameMatcher:
    return NameMatcher([SANCTIONS, UN])


def _hit(hits: tuple[NameHit, ...], entry_id: str) -> NameHit | None:
    return next((h for h in hits if h.entry.entry_id == entry_id), None)


def test_size_counts_primary_names_and_aliases(matcher: NameMatcher) -> None:
    assert matcher.size == len(SANCTIONS.entries) + 2 + len(UN.entries) + 3


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        pytest.param("BANCO NACIONAL DE CUBA", "306", id="as-listed"),
        pytest.param("banco nacional de cuba", "306", id="re-cased"),
        pytest.param("Vladimir Vladimirovich Putin", "35096", id="re-ordered-person"),
        pytest.param("PUTIN Vladimir Vladimirovich", "35096", id="listed-order-without-comma"),
        pytest.param("Путин Владимир Владимирович", "35096", id="cyrillic"),
        pytest.param("Hong Pang Mining Co., Ltd.", "11302", id="legal-form-abbreviated"),
        pytest.param(
            "Dandong Zhicheng Metallic Material Company Limited", "22603", id="legal-form-spelled"
        ),
        pytest.param("Moa Nickel", "3751", id="legal-form-dropped"),
        pytest.param("Moa Nickel GmbH", "3751", id="legal-form-swapped"),
        pytest.param("Korea Mining Development Trading Corp.", "9345", id="corp-for-corporation"),
        pytest.param("Umar Hammami", "6908042", id="alias"),
        pytest.param("Abu Mansour al Amriki", "6908042", id="alias-hyphen-and-case"),
    ],
)
def test_same_name_after_normalisation_scores_one(
    matcher: NameMatcher, query: str, entry_id: str
) -> None:
    hit = _hit(matcher.match(query, FLAG), entry_id)
    assert hit is not None, f"{query!r} did not hit entry {entry_id}"
    assert hit.score == 1.0
    assert hit.method is MatchMethod.EXACT


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        pytest.param("Aerocarribean Airlines", "36", id="letter-doubled"),
        pytest.param("Banco Nacionl de Cuba", "306", id="letter-dropped"),
        pytest.param("Dandong Zhicheng Metalic Material Co., Ltd.", "22603", id="letter-dropped-2"),
        pytest.param("Iranian Titanium Devleopment", "25971", id="letters-swapped"),
        pytest.param("Iran Aluminium Company", "28305", id="british-spelling"),
    ],
)
def test_one_typo_flags_but_does_not_block(matcher: NameMatcher, query: str, entry_id: str) -> None:
    hit = _hit(matcher.match(query, FLAG), entry_id)
    assert hit is not None, f"{query!r} did not hit entry {entry_id}"
    assert FLAG <= hit.score < 1.0
    assert hit.method is MatchMethod.FUZZY


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        pytest.param("Vladimir Putin", "35096", id="missing-patronymic"),
        pytest.param("Arkady Rotenberg", "16669", id="missing-patronymic-2"),
        pytest.param("Munitions Industry Department Pyongyang", "6908522", id="extra-word"),
    ],
)
def test_subset_of_a_listed_name_flags_but_never_reaches_one(
    matcher: NameMatcher, query: str, entry_id: str
) -> None:
    hits = matcher.match(query, 0.0)
    hit = _hit(hits, entry_id)
    assert hit is not None, f"{query!r} did not hit entry {entry_id}"
    assert hit.method is MatchMethod.SUBSET
    assert FLAG <= hit.score < 1.0


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("PT Vale Indonesia Tbk", id="indonesian-miner"),
        pytest.param("Sumitomo Metal Mining Co., Ltd.", id="japanese-refiner"),
        pytest.param("Albemarle Corporation", id="us-lithium"),
        pytest.param("Ganfeng Lithium Group Co., Ltd.", id="chinese-lithium"),
        pytest.param("Budi Santoso", id="indonesian-person"),
        pytest.param("Banco Nacional de Costa Rica", id="shares-three-words"),
    ],
)
def test_unrelated_names_do_not_hit(matcher: NameMatcher, query: str) -> None:
    assert matcher.match(query, FLAG) == ()


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("Bank", id="bank"),
        pytest.param("Mining", id="mining"),
        pytest.param("Industry", id="industry"),
        pytest.param("Trading Co., Ltd.", id="trading-co-ltd"),
        pytest.param("Company Limited", id="legal-forms-only"),
        pytest.param("Golden", id="golden"),
    ],
)
def test_a_lone_generic_word_does_not_hit(matcher: NameMatcher, query: str) -> None:
    assert matcher.match(query, FLAG) == ()


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("Rotenberg", id="surname-alone"),
        pytest.param("Putin", id="surname-alone-2"),
        pytest.param("Ivan Rotenberg", id="other-first-name"),
        pytest.param("Vladimir Ivanov", id="shared-first-name"),
    ],
)
def test_a_single_shared_name_part_does_not_hit(matcher: NameMatcher, query: str) -> None:
    assert matcher.match(query, FLAG) == ()


def test_one_word_alias_of_a_person_flags_but_never_blocks(matcher: NameMatcher) -> None:
    # OFAC lists "MARTIN" as a nickname of an Iranian national; "Martin PLC" is not him.
    hit = _hit(matcher.match("Martin PLC", FLAG), "15911")
    assert hit is not None
    assert FLAG <= hit.score < 1.0


def test_results_are_sorted_best_first(matcher: NameMatcher) -> None:
    hits = matcher.match("Golden Star", FLAG)
    assert [h.entry.entry_id for h in hits] == ["24752", "90001", "29865"]
    assert [h.method for h in hits] == [MatchMethod.EXACT, MatchMethod.FUZZY, MatchMethod.SUBSET]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_hit_carries_list_index_entry_matched_name_and_method(matcher: NameMatcher) -> None:
    (hit,) = matcher.match("MILITARY supplies industry department", FLAG)
    assert hit.list_index == 1
    assert hit.entry is UN.entries[1]
    assert hit.matched_name == "Military Supplies Industry Department"
    assert hit.method is MatchMethod.EXACT
    assert hit.score == 1.0


def test_matched_name_is_the_listed_spelling_of_the_best_name(matcher: NameMatcher) -> None:
    (hit,) = matcher.match("Vladimir Vladimirovich Putin", FLAG)
    assert hit.matched_name == "PUTIN, Vladimir Vladimirovich"


def test_an_entry_hit_through_several_names_is_reported_once(matcher: NameMatcher) -> None:
    # "Omar Hammami" is the primary name and one letter from the alias "Umar Hammami".
    hits = matcher.match("Omar Hammami", FLAG)
    assert [h.entry.entry_id for h in hits] == ["6908042"]
    assert hits[0].matched_name == "OMAR HAMMAMI"
    assert hits[0].score == 1.0


@pytest.mark.parametrize("cutoff", [0.5, FLAG, 0.95, 1.0])
def test_no_hit_scores_below_the_cutoff(matcher: NameMatcher, cutoff: float) -> None:
    hits = matcher.match("Golden Star Trading", cutoff)
    assert all(cutoff <= h.score <= 1.0 for h in hits)


def test_a_higher_cutoff_keeps_only_the_stronger_hits(matcher: NameMatcher) -> None:
    assert [h.entry.entry_id for h in matcher.match("Golden Star", 1.0)] == ["24752"]


@pytest.mark.parametrize("query", ["", "   ", "---", "Ltd."])
def test_a_name_without_identifying_letters_hits_nothing(matcher: NameMatcher, query: str) -> None:
    assert matcher.match(query, FLAG) == ()


def test_match_is_repeatable(matcher: NameMatcher) -> None:
    first = matcher.match("Vladimir Putin", FLAG)
    assert matcher.match("vladimir PUTIN", FLAG) == first
    assert matcher.match("Vladimir Putin", FLAG) == first


SCRIPTS = _list(
    "scripts",
    _entry("8191", "AL-TIKRITI, Saddam Hussein", type=PERSON),
    _entry("12403", "UR-REHMAN, Mati", type=PERSON),
    _entry("36483", "KUZMIN, Pavel Vladimirovich", type=PERSON),
    _entry("15729", "HUMANITY"),
    _entry("31169", "INFOROS, OOO"),
)


@pytest.fixture(scope="module")
def script_matcher() -> NameMatcher:
    return NameMatcher([SANCTIONS, SCRIPTS])


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        pytest.param("صدام حسين التكريتي", "8191", id="arabic"),
        pytest.param("סדאם חוסיין אל-תכריתי", "8191", id="hebrew"),
        pytest.param("Παβελ Βλαντιμίροβιτς Κουζμίν", "36483", id="greek"),
        pytest.param("ปาเวล วลาดิมิโรวิช คุซมิน", "36483", id="thai"),
    ],
)
def test_a_name_in_another_script_flags_through_its_phonetic_skeleton(
    script_matcher: NameMatcher, query: str, entry_id: str
) -> None:
    hit = _hit(script_matcher.match(query, FLAG), entry_id)
    assert hit is not None, f"{query!r} did not hit entry {entry_id}"
    assert hit.method is MatchMethod.PHONETIC
    assert FLAG <= hit.score <= 0.9


def test_a_latin_name_is_not_matched_by_skeleton(script_matcher: NameMatcher) -> None:
    """Latin spellings keep the ordinary key: "Pawel Wladimirowicz Kazmin" is near Kuzmin's
    skeleton, but only edit similarity may say how close it is."""
    hits = script_matcher.match("Pawel Wladimirowicz Kazmin", 0.5)
    assert hits
    assert all(h.method is not MatchMethod.PHONETIC for h in hits)


def test_a_phonetic_match_needs_rare_enough_words() -> None:
    """محمد علي has the skeleton of MUHAMMAD ALI, but so do thousands of names: equal
    skeletons of common words prove too little to flag."""
    common = _list(
        "common",
        _entry("1", "ALI, Muhammad", type=PERSON),
        *(_entry(str(i), f"ALI, Muhammad Kx{i}", type=PERSON) for i in range(2, 3000)),
    )
    assert _hit(NameMatcher([common]).match("محمد علي", FLAG), "1") is None


def test_a_phonetic_match_is_not_reported_above_its_range(script_matcher: NameMatcher) -> None:
    assert not [h for h in script_matcher.match("صدام حسين التكريتي", 0.95)]


def test_the_same_names_in_a_batch_score_as_one_by_one(script_matcher: NameMatcher) -> None:
    queries = ["صدام حسين التكريتي", "Παβελ Βλαντιμίροβιτς Κουζμίν", "Humanzty"] * 30
    fresh = NameMatcher([SANCTIONS, SCRIPTS])
    assert fresh.match_many(queries, FLAG) == [script_matcher.match(q, FLAG) for q in queries]


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        pytest.param("Humanzty", "15729", id="eight-letters-one-changed"),
        pytest.param("Hmuanity", "15729", id="eight-letters-two-swapped"),
    ],
)
def test_one_slip_in_a_long_one_word_name_flags(
    script_matcher: NameMatcher, query: str, entry_id: str
) -> None:
    hit = _hit(script_matcher.match(query, FLAG), entry_id)
    assert hit is not None, f"{query!r} did not hit entry {entry_id}"
    assert hit.score == 0.88
    assert hit.method is MatchMethod.FUZZY


def test_two_slips_in_a_one_word_name_do_not_hit(script_matcher: NameMatcher) -> None:
    assert _hit(script_matcher.match("Humanzti", FLAG), "15729") is None


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("Niforos OOO", id="two-swapped"),
        pytest.param("Inforas, OOO", id="one-changed"),
        pytest.param("Infros OOO", id="one-dropped"),
        pytest.param("OOO Inforoos", id="one-added"),
    ],
)
def test_one_slip_in_a_short_company_name_with_its_legal_form_flags(
    script_matcher: NameMatcher, query: str
) -> None:
    """INFOROS, OOO: the same legal form on both sides, and one slip in the word."""
    hit = _hit(script_matcher.match(query, FLAG), "31169")
    assert hit is not None, f"{query!r} did not hit INFOROS, OOO"
    assert (hit.score, hit.method) == (0.88, MatchMethod.FUZZY)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("Niforos", id="no-legal-form"),
        pytest.param("Niforos LLC", id="another-legal-form"),
        pytest.param("Niforso OOO", id="two-slips"),
        pytest.param("Niforos OOO", id="above-the-slip-score"),
    ],
)
def test_a_short_one_word_name_needs_its_legal_form_to_allow_a_slip(
    script_matcher: NameMatcher, query: str
) -> None:
    """Seven letters and one changed make other names too (Clément, ELEMENT): without the same
    legal form, or with two slips, a short one-word name matches only exactly."""
    cutoff = 0.9 if query == "Niforos OOO" else FLAG
    assert _hit(script_matcher.match(query, cutoff), "31169") is None


def test_slips_score_alike_in_a_batch() -> None:
    queries = ["Niforos OOO", "Niforos", "Evil Crp", "Humanzty"] * 40
    fresh = NameMatcher([SANCTIONS, SCRIPTS, SLIPS])
    matcher = NameMatcher([SANCTIONS, SCRIPTS, SLIPS])
    assert fresh.match_many(queries, FLAG) == [matcher.match(q, FLAG) for q in queries]


SLIPS = _list(
    "slips",
    _entry("26664", "EVIL CORP"),
    _entry("41997", "LLC ONELEK"),
    _entry("45716", "GENERAL TECHNOLOGY LIMITED"),
    _entry("47850", "LIMITED LIABILITY COMPANY MAKETIR"),
    _entry("90", "ONELEK", type=PERSON),
    _entry("36063", "PUBLIC JOINT STOCK COMPANY AMURSKY SHIPBUILDING PLANT"),
    _entry("9550", "HATKAEW COMPANY LTD."),
)


@pytest.fixture(scope="module")
def slip_matcher() -> NameMatcher:
    return NameMatcher([SLIPS])


@pytest.mark.parametrize(
    ("query", "entry_id", "score"),
    [
        pytest.param("Evil Crp", "26664", 0.9412, id="corp-letter-dropped"),
        pytest.param("Evil Cor", "26664", 0.9412, id="corp-last-letter-dropped"),
        pytest.param("Lolc Onelek", "41997", 0.9524, id="llc-letter-added"),
        pytest.param("General Technology Limiied", "45716", 0.9615, id="limited-letter-changed"),
        pytest.param("Limited Ligbility Company Maketir", "47850", 0.9412, id="phrase-word"),
        pytest.param(
            "Public Jyint Stock Company Amursky Shipbuilding Plant",
            "36063",
            0.9778,
            id="phrase-word-changed-rest-of-phrase-kept",
        ),
        pytest.param("Hatkaew Company Td.", "9550", 0.9524, id="ltd-first-letter-dropped"),
    ],
)
def test_a_slip_in_a_listed_legal_form_flags(
    slip_matcher: NameMatcher, query: str, entry_id: str, score: float
) -> None:
    hit = _hit(slip_matcher.match(query, FLAG), entry_id)
    assert hit is not None, f"{query!r} did not hit entry {entry_id}"
    assert (hit.score, hit.method) == (score, MatchMethod.FUZZY)


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        pytest.param("Evil Lcd", "26664", id="slip-of-a-form-the-listed-name-lacks"),
        pytest.param("Lolc Onelek", "90", id="a-person-has-no-legal-form"),
        pytest.param("Evil Crpo", "26664", id="two-slips"),
    ],
)
def test_a_word_near_a_legal_form_the_listed_name_lacks_does_not_hit(
    slip_matcher: NameMatcher, query: str, entry_id: str
) -> None:
    assert _hit(slip_matcher.match(query, FLAG), entry_id) is None


def test_a_name_mixing_scripts_is_not_matched_by_skeleton(script_matcher: NameMatcher) -> None:
    """ "صدام حسين Group" names a company after a person: no skeleton match on the person."""
    assert _hit(script_matcher.match("صدام حسين التكريتي Group", FLAG), "8191") is None


# Persons as the SDN list (2024-05-03) writes them, surname first.
SURNAMES = _list(
    "surnames",
    _entry("35096", "PUTIN, Vladimir Vladimirovich", type=PERSON),
    _entry("46832", "GUGNIN, Vladimir Vladimirovich", type=PERSON),
    _entry("22790", "MADURO MOROS, Nicolas", type=PERSON),
    _entry("12607", "QADHAFI, Khamis", type=PERSON),
    _entry("48262", "JON, Yun Gun", type=PERSON),
)


@pytest.fixture(scope="module")
def surname_matcher() -> NameMatcher:
    return NameMatcher([SURNAMES])


def test_given_names_alone_do_not_match_a_person_of_another_surname(
    surname_matcher: NameMatcher,
) -> None:
    # Vladimir Vladimirovich is half the men of a Russian list; GUGNIN scored 0.91.
    hits = surname_matcher.match("Vladimir Vladimirovich Putin", FLAG)
    assert [h.entry.entry_id for h in hits] == ["35096"]
    assert surname_matcher.match("Vladimir Vladimirovich", FLAG) == ()


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        pytest.param("Nicolas Maduro", "22790", id="one-word-of-a-double-surname"),
        pytest.param("Khamis Kadkhafi", "12607", id="surname-transliterated-otherwise"),
        pytest.param("Jqn Yun Gun", "48262", id="slip-in-a-short-surname"),
    ],
)
def test_a_surname_kept_in_part_or_spelt_otherwise_still_matches(
    surname_matcher: NameMatcher, query: str, entry_id: str
) -> None:
    assert _hit(surname_matcher.match(query, FLAG), entry_id) is not None


TITLED = _list(
    "titled",
    _entry("2676", "AL ZAWAHIRI, Dr. Ayman", type=PERSON),
    _entry("11447", "LI, Fangwei", type=PERSON),
    _entry("7001", "Haji Khairullah Haji Sattar Barakzai", type=PERSON),
    _entry("8001", "MS ULUSLARARASI ENERJI YATIRIM"),
)


@pytest.fixture(scope="module")
def titled_matcher() -> NameMatcher:
    return NameMatcher([TITLED])


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        pytest.param("Dr. Li Fangwei", "11447", id="title-in-the-record"),
        pytest.param("Ayman al-Zawahiri", "2676", id="title-in-the-list"),
        pytest.param("Sheikh Ayman al-Zawahiri", "2676", id="another-title-in-the-record"),
        pytest.param("Haji Khairullah Haji Sattar Barakzai", "7001", id="title-in-both"),
        pytest.param("Khairullah Haji Sattar Barakzai", "7001", id="title-only-listed"),
    ],
)
def test_a_title_before_a_persons_name_is_matched_exactly_with_or_without_it(
    titled_matcher: NameMatcher, query: str, entry_id: str
) -> None:
    hit = _hit(titled_matcher.match(query, FLAG), entry_id)
    assert hit is not None and (hit.score, hit.method) == (1.0, MatchMethod.EXACT)


def test_a_companys_first_word_is_not_read_as_a_title(titled_matcher: NameMatcher) -> None:
    """MS may be a title (Ms.) or part of a company's name: listed companies keep it."""
    hit = _hit(titled_matcher.match("Uluslararasi Enerji Yatirim", FLAG), "8001")
    assert hit is not None and hit.score < 1.0  # it flags, and no more
    exact = _hit(titled_matcher.match("Ms. Uluslararasi Enerji Yatirim", FLAG), "8001")
    assert exact is not None and exact.method is MatchMethod.EXACT


def test_batch_matching_reads_titles_as_one_by_one_matching_does(
    titled_matcher: NameMatcher,
) -> None:
    names = ["Dr. Li Fangwei", "Ayman al-Zawahiri", "Khairullah Haji Sattar Barakzai"] * 30
    assert NameMatcher([TITLED]).match_many(names, FLAG)[:3] == [
        titled_matcher.match(name, FLAG) for name in names[:3]
    ]
