"""Chinese names in Han characters are read as lists write them in Latin letters."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from anyascii import anyascii

from dualscreen.lists import load_lists
from dualscreen.matching import MatchMethod, NameMatcher
from dualscreen.matching.chinese import han_terms, pinyin_words, read_han
from dualscreen.matching.normalize import fold, match_key, name_tokens
from dualscreen.models import EntityType
from tests.matching.test_matcher import FLAG, _entry, _list

# Chinese parties as the SDN list (2024-05-03) writes them, and names a letter away.
LISTED = _list(
    "sanctions",
    _entry("11447", "LI, Fangwei", type=EntityType.PERSON),
    _entry("16318", "ZHANG, Lei", type=EntityType.PERSON),
    _entry("22603", "DANDONG ZHICHENG METALLIC MATERIAL CO., LTD."),
    _entry("23769", "SHEN ZHONG INTERNATIONAL SHIPPING"),
    _entry("27248", "DIMACO TECHNOLOGY, S.A."),
)


@pytest.fixture(scope="module")
def matcher() -> NameMatcher:
    return NameMatcher([LISTED])


def _found(matcher: NameMatcher, name: str) -> dict[str, MatchMethod]:
    return {hit.entry.entry_id: hit.method for hit in matcher.match(name, FLAG)}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("李方伟", "li fangwei"),  # LI, Fangwei on the SDN list
        ("马晓红", "ma xiaohong"),
        ("王毅", "wang yi"),
        ("欧阳修", "ouyang xiu"),  # a compound surname stays one word
        ("司馬光", "sima guang"),
    ],
)
def test_a_persons_name_reads_surname_apart_and_given_name_as_one_word(
    name: str, expected: str
) -> None:
    assert fold(name) == expected


def test_a_given_name_that_is_also_a_word_stays_a_given_name() -> None:
    assert fold("王建设") == "wang jianshe"  # 建设 is also "construction"
    assert fold("天齐锂业") == "tianqi lithium"  # four characters with a word: a company


def test_a_persons_name_written_with_a_space_keeps_its_two_parts() -> None:
    assert fold("李 方伟") == "li fangwei"


def test_a_company_reads_place_and_brand_as_two_words_and_its_generic_words_in_english() -> None:
    # DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD on the SDN list.
    assert fold("丹东鸿祥实业发展有限公司") == "dandong hongxiang industrial development co ltd"


def test_the_legal_form_read_from_han_is_set_aside_like_its_latin_spelling() -> None:
    assert name_tokens("丹东鸿祥实业发展有限公司") == (
        "dandong",
        "hongxiang",
        "industrial",
        "development",
    )
    assert match_key("江西铜业股份有限公司") == match_key("Jiangxi Copper Co., Ltd.")


def test_traditional_characters_read_as_simplified_ones_do() -> None:
    assert fold("沈忠國際海運有限公司") == fold("沈忠国际海运有限公司")
    assert fold("沈忠國際海運有限公司") == "shenzhong international shipping co ltd"


def test_a_place_anyascii_reads_by_the_wrong_sound_is_read_as_lists_write_it() -> None:
    assert anyascii("重庆").lower() == "zhongqing"  # 重 is chong in Chongqing
    assert fold("重庆") == "chongqing"
    assert fold("華信船務(香港)有限公司") == "huaxin shipping hong kong co ltd"


def test_a_critical_mineral_industry_reads_as_the_mineral() -> None:
    assert fold("天齐锂业") == "tianqi lithium"
    assert fold("洛阳钼业") == "luoyang molybdenum"


def test_a_name_with_a_generic_word_is_not_read_as_a_persons() -> None:
    assert fold("中国银行") == "china bank"


def test_a_foreign_name_spelt_in_characters_keeps_each_dotted_part_one_word() -> None:
    # Two characters to a word would cut 阿卜杜勒 (Abdul) in two.
    assert fold("阿卜杜勒·阿齐兹") == "abodulei aqizi"
    assert fold("瓦利德•本•塔拉勒") == "walide ben talalei"  # a bullet for the dot


def test_latin_words_beside_han_are_left_as_they_are() -> None:
    assert fold("PT 华为 Indonesia") == "pt huawei indonesia"
    assert read_han("ACME 有限公司") == "ACME  co ltd "


def test_han_terms_name_the_words_read_in_english_for_the_explanation() -> None:
    assert han_terms("丹东至诚金属材料有限公司") == [
        ("金属", "metal"),
        ("材料", "material"),
        ("有限公司", "co ltd"),
    ]
    assert han_terms("李方伟") == []


def test_pinyin_words_are_those_read_by_sound_not_the_english_ones() -> None:
    assert pinyin_words("丹东至诚金属材料有限公司") == {"dandong", "zhicheng"}
    assert pinyin_words("李方伟") == {"li", "fangwei"}
    assert pinyin_words("Li Fangwei") == frozenset()
    assert pinyin_words("奥萨马·本·拉登") == frozenset()  # Osama bin Laden, spelt roughly


def test_a_chinese_name_in_han_finds_its_listed_pinyin_form(matcher: NameMatcher) -> None:
    assert _found(matcher, "李方伟") == {"11447": MatchMethod.EXACT}


def test_a_han_name_whose_syllable_differs_by_a_letter_is_another_name(
    matcher: NameMatcher,
) -> None:
    # 张利 is ZHANG LI: in Latin letters a slip from ZHANG, Lei, in characters another name.
    assert _found(matcher, "Zhang Li") == {"16318": MatchMethod.FUZZY}
    assert _found(matcher, "张利") == {}
    assert _found(matcher, "迪摩科技有限公司") == {}  # DIMO is not DIMACO


def test_english_words_read_from_han_may_still_differ_from_the_lists(
    matcher: NameMatcher,
) -> None:
    # 金属 read as metal; the list has METALLIC.
    assert _found(matcher, "丹东至诚金属材料有限公司") == {"22603": MatchMethod.FUZZY}


def test_a_pinyin_word_may_be_two_listed_words_run_together(matcher: NameMatcher) -> None:
    # 沈忠 read as one word, SHENZHONG; the list writes SHEN ZHONG.
    assert _found(matcher, "沈忠國際海運有限公司") == {"23769": MatchMethod.FUZZY}
    assert _found(matcher, "沈忠國際海運有限公司") == _found(
        matcher, "Shenzhong International Shipping"
    )


def test_batch_matching_reads_han_names_as_one_by_one_matching_does(
    matcher: NameMatcher,
) -> None:
    names = [
        "李方伟",
        "张利",
        "迪摩科技有限公司",
        "丹东至诚金属材料有限公司",
        "沈忠國際海運有限公司",
    ]
    fresh = NameMatcher([LISTED])
    assert fresh.match_many(names * 40, FLAG)[: len(names)] == [
        matcher.match(name, FLAG) for name in names
    ]


CSL_NAMES = Path(__file__).resolve().parents[1] / "cases" / "chinese_names.csv"
"""Official Chinese names of Chinese state groups, universities and institutes on the US
Consolidated Screening List (snapshot of 2023-11), with the entry each must find."""


def _csl_cases() -> list[object]:
    with CSL_NAMES.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        pytest.param(
            row["query"],
            row["expected_entry_id"],
            id=row["listed_name"],
            marks=[pytest.mark.xfail(strict=True, reason=row["note"])]
            if row["note"].startswith("KNOWN GAP")
            else [],
        )
        for row in rows
    ]


@pytest.fixture(scope="module")
def csl_matcher(shared_data: Path) -> NameMatcher:
    csl = shared_data / "lists" / "csl" / "consolidated-2023-11-truncated.clean.csv"
    return NameMatcher(load_lists([csl]))


@pytest.mark.parametrize(("query", "entry_id"), _csl_cases())
def test_a_chinese_state_groups_name_in_han_finds_its_consolidated_screening_list_entry(
    csl_matcher: NameMatcher, query: str, entry_id: str
) -> None:
    hits = csl_matcher.match(query, FLAG)
    assert entry_id in {hit.entry.entry_id for hit in hits}
