"""Phonetic skeletons: what a name keeps when it is written in another script and back.

A name written in Arabic or Hebrew loses most vowels, one in Greek or Thai gets its consonants
bent to that script's inventory (Greek writes b as μπ and has no sh; Arabic has no p or v;
Thai puts some vowels before the consonant they follow), and a Latin romanisation of any of
them picks one of several spellings (Mohammed, Muhammad, Mohamad). anyascii, which the
ordinary key uses, follows the letters: it reads Greek ου as "oy", keeps Thai's leading
vowels in front and drops the Arabic alef, so those spellings share little with the listed
Latin one. A skeleton keeps only what survives every one of these scripts: consonants folded
into classes, vowels dropped except a word's first, doubled letters written once. Equal or
near skeletons are evidence that two names may be one, never proof: the matcher scores them as
a distinct method that flags for review and never blocks.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dualscreen.matching.normalize import name_tokens

SKELETON_VERSION = "3"
"""Bumped whenever a skeleton changes (2: dj as one sound; 3: h a consonant but at a word's
end), so cached name indexes, which hold the listed names' skeletons, are rebuilt."""

# --- script-aware romanisation: the letters anyascii reads wrongly for a skeleton -----------

_GREEK_DIGRAPHS = (
    ("ου", "u"),
    ("τζ", "j"),
    ("τσ", "ts"),
    ("μπ", "b"),
    ("ντ", "d"),
    ("γκ", "g"),
    ("γγ", "ng"),
    ("αι", "e"),
    ("ει", "i"),
    ("οι", "i"),
    ("αυ", "av"),
    ("ευ", "ev"),
)
_GREEK = str.maketrans(
    {
        **dict(zip("αβγδεζηικλμνξοπρσςτυφχψω", "avgdeziiklmnxoprsstifhpo", strict=True)),
        "θ": "th",
        "ψ": "ps",
    }
)

# Arabic (with the Persian and Urdu letters): the alef, ain and hamza carriers are read as a
# vowel, as Latin spellings write them (Abdul for عبد, Ibrahim for إبراهيم); ح and ه as the h
# Latin spellings write for both (Hasan, Ahmad, Taha).
_ARABIC: dict[str, str] = {
    **dict.fromkeys("اأإآٱىءئؤع", "a"),
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ک": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ة": "a",
    "ۀ": "a",
    "و": "w",
    "ي": "y",
    "ی": "y",
    "پ": "p",
    "چ": "ch",
    "ژ": "zh",
    "گ": "g",
} | {"تش": "ch"}

# Hebrew: ו and י are as often vowels as consonants, and a geresh (or an apostrophe standing in
# for one) makes ג, ז, צ into j, zh, ch, and ח, ע, ד, ת into the Arabic sounds kh, gh, dh, th
# (خ غ ذ ث), as Hebrew writes Arabic names (ח'ליל, Khalil).
_GERESH = {
    "ג": "j",
    "ז": "zh",
    "צ": "ch",
    "ץ": "ch",
    "ח": "kh",
    "ע": "gh",
    "ד": "dh",
    "ת": "th",
}
_GERESH_MARKS = "'׳’"
_HEBREW: dict[str, str] = {
    **{f"{letter}{mark}": latin for mark in _GERESH_MARKS for letter, latin in _GERESH.items()},
    "וו": "v",
    **{
        "א": "a",
        "ע": "a",
        "ב": "b",
        "ג": "g",
        "ד": "d",
        "ה": "h",
        "ו": "w",
        "ז": "z",
        "ח": "h",
        "ט": "t",
        "י": "y",
        "כ": "k",
        "ך": "k",
        "ל": "l",
        "מ": "m",
        "ם": "m",
        "נ": "n",
        "ן": "n",
        "ס": "s",
        "פ": "p",
        "ף": "p",
        "צ": "ts",
        "ץ": "ts",
        "ק": "k",
        "ר": "r",
        "ש": "sh",
        "ת": "t",
        **dict.fromkeys(_GERESH_MARKS, ""),
    },
}

# Thai: the consonants by their usual romanisation, อ a bare vowel carrier, tone marks nothing.
_THAI = str.maketrans(
    {
        "ก": "g",
        **dict.fromkeys("ขฃ", "kh"),
        **dict.fromkeys("คฅฆ", "k"),
        "ง": "ng",
        "จ": "j",
        **dict.fromkeys("ฉชฌ", "ch"),
        **dict.fromkeys("ซศษส", "s"),
        **dict.fromkeys("ญย", "y"),
        **dict.fromkeys("ฎด", "d"),
        **dict.fromkeys("ฏต", "t"),
        **dict.fromkeys("ฐฑฒถทธ", "t"),
        **dict.fromkeys("ณน", "n"),
        "บ": "b",
        "ป": "p",
        **dict.fromkeys("ผพภ", "p"),
        **dict.fromkeys("ฝฟ", "f"),
        "ม": "m",
        **dict.fromkeys("รฤ", "r"),
        **dict.fromkeys("ลฦฬ", "l"),
        "ว": "v",
        **dict.fromkeys("หฮ", "h"),
        "อ": "",
        **dict.fromkeys("ะัาๅ", "a"),
        "ำ": "am",
        **dict.fromkeys("ิีึื", "i"),
        **dict.fromkeys("ุู", "u"),
        **dict.fromkeys("เแ", "e"),
        "โ": "o",
        **dict.fromkeys("ใไ", "ai"),
        **dict.fromkeys("่้๊๋็ํ์", ""),
    }
)
# เ แ โ ใ ไ are written before the consonant they follow in speech. A letter silenced with ์
# is kept: in a foreign name it stands for a letter of the Latin spelling (วลาดีมีร์, Vladimir).
_THAI_LEADING = re.compile(r"([เแโใไ])([\u0e01-\u0e2e])")

_GREEK_RUN = re.compile(r"[\u0370-\u03ff]+")
_ARABIC_RUN = re.compile(r"[\u0600-\u06ff]+")
_HEBREW_RUN = re.compile(rf"[\u0590-\u05ff][\u0590-\u05ff{_GERESH_MARKS}]*")
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _greek(match: re.Match[str]) -> str:
    text = _strip_marks(match.group())
    for greek, latin in _GREEK_DIGRAPHS:
        text = text.replace(greek, latin)
    return text.translate(_GREEK)


_ARABIC_UNITS = re.compile(r"تش|.", re.DOTALL)
_HEBREW_UNITS = re.compile(rf"[{''.join(_GERESH)}][{_GERESH_MARKS}]|וו|.", re.DOTALL)


def _letters(text: str, units: re.Pattern[str], table: dict[str, str]) -> str:
    """An abjad's letters romanised one by one, a "y" (a vowel to a skeleton) between them so
    that letters the script keeps apart never make a Latin digraph or cluster (ز + ه is not
    "zh", ن + د not the "nd" that Greek's ντ stands for)."""
    return "y".join(filter(None, (table.get(u, u) for u in units.findall(text))))


def _arabic(match: re.Match[str]) -> str:
    text = _strip_marks(match.group())
    return "al" if text in ("ال", "آل") else _letters(text, _ARABIC_UNITS, _ARABIC)


_HEBREW_W = {**_HEBREW, "וו": "w"}
"""A double vav inside a word is a consonant v or w (Ivanov איוונוב, Qarawi קרווי): a skeleton
keeps v and drops w, so a name with one has two readings (`skeleton_keys`)."""


def _hebrew(match: re.Match[str], table: dict[str, str] = _HEBREW) -> str:
    text = _strip_marks(match.group())
    return "al" if text == "אל" else _letters(text, _HEBREW_UNITS, table)


def _hebrew_w(match: re.Match[str]) -> str:
    return _hebrew(match, _HEBREW_W)


def _thai(match: re.Match[str]) -> str:
    return _THAI_LEADING.sub(r"\2\1", match.group()).translate(_THAI)


def romanise(name: str, double_vav_as_w: bool = False) -> str:
    """Greek, Arabic, Hebrew and Thai letters in the Latin letters a skeleton needs; other
    scripts are left to anyascii (its Cyrillic is as good as any for this). Hebrew's double
    vav is read as v, or as w with `double_vav_as_w`."""
    text = name.lower()
    text = _GREEK_RUN.sub(_greek, text)
    text = _ARABIC_RUN.sub(_arabic, text)
    text = _HEBREW_RUN.sub(_hebrew_w if double_vav_as_w else _hebrew, text)
    return _THAI_RUN.sub(_thai, text)


# --- the skeleton of a romanised word -------------------------------------------------------

# Spellings of one sound, longest first: Cyrillic х comes back as kh where Latin wrote h, Greek
# writes j as τζ, Arabic ch as تش.
_SOUNDS = re.compile(r"sch|tch|tsh|dzh|shch|ck|dj|zh|kh|gh|ph|th|dh|sh|ch|ts|tz|ou|oo|ee|x|q|c")
_SOUND_OF = {
    "sch": "s",
    "tch": "s",
    "tsh": "s",
    "dzh": "j",
    "shch": "s",
    "ck": "k",
    "dj": "j",
    "zh": "j",
    "kh": "h",
    "gh": "g",
    "ph": "f",
    "th": "t",
    "dh": "d",
    "sh": "s",
    "ch": "s",
    "ts": "s",
    "tz": "s",
    "ou": "u",
    "oo": "u",
    "ee": "i",
    "x": "ks",
    "q": "k",
    "c": "k",
}
# Letters one script cannot tell apart: Arabic has no p or v, Greek writes v for b's β,
# Hebrew one letter for b and v and another for p and f; z and s, g and j, likewise.
_CLASSES = str.maketrans("pvfwzg", "bbbbsj")
_VOWELS = frozenset("aeiouyw")
"""Dropped after a word's first letter: short vowels are not written in abjads, long ones come
and go between romanisations (Mohammed, Muhammad). H is kept (kh is read as h: Ahmed, Akhmed)
but at a word's end, where it marks a vowel. Read as a vowel too, it made names written in
Hebrew (חן כהן, Chen Cohen: "an kn") and Persian so short that 7% and 4% of innocent ones
matched a listed person (bench/eval_matching.py, he_IL and fa_IR)."""
_ARTICLES = frozenset({"al", "el"})
"""The Arabic article: written apart in Latin (al-Tikriti), joined to its word in Arabic
(التكريتي), so a skeleton joins it too."""
_DOUBLED = re.compile(r"(.)\1+")
# Greek writes b and d as μπ and ντ, which also stand for mb, mp, nd and nt: fold those alike,
# once the vowels are gone (Arabic نديم and Latin Nadeem both give "nd").
_CLUSTERS = re.compile(r"mb|mp|nd|nt")
_CLUSTER_OF = {"mb": "b", "mp": "b", "nd": "d", "nt": "d"}


@lru_cache(maxsize=65536)
def word_skeleton(word: str) -> str:
    """A romanised word's skeleton: a first vowel as "a", then its consonant classes."""
    # A word's last h is a vowel's (Abdullah, Abdulla; Fatemeh; Hebrew's final ה).
    sounds = _SOUNDS.sub(lambda m: _SOUND_OF[m.group()], word).removesuffix("h")
    if not sounds:
        return ""
    first = "a" if sounds[0] in _VOWELS and sounds[0] != "w" else sounds[0].translate(_CLASSES)
    rest = "".join(c for c in sounds[1:] if c not in _VOWELS)
    rest = _CLUSTERS.sub(lambda m: _CLUSTER_OF[m.group()], rest).translate(_CLASSES)
    # Dj is one sound (Djamel, Jamel): a script that writes it d + g (Hebrew דג׳) folds to dj.
    return _DOUBLED.sub(r"\1", (first + rest).replace("dj", "j"))


_JOINED = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdoul"})
"""Abd (servant of) with the name that follows, one word or two in any script (Abdul Aziz,
Abd al-Aziz, عبد العزيز, Abdelaziz): joined to the next word, like the article."""
_CONNECTORS = frozenset({"bn", "abn", "bnt"})
"""Skeletons of bin, ibn, ben, bint: "son/daughter of", present in one writing of a name and
not in another (Khalid bin Faisal, Khalid Faisal)."""


@lru_cache(maxsize=65536)
def skeleton_key(name: str) -> str:
    """Order-free skeleton of a whole name: its identifying tokens' skeletons, sorted, with the
    Arabic article and Abd joined to the word that follows and bin, ibn left out."""
    return _skeleton(romanise(name) if needs_skeleton(name) else name)


def skeleton_keys(name: str) -> tuple[str, ...]:
    """The skeletons of a name's readings: `skeleton_key`, and for a name in Hebrew with a
    double vav inside a word, the skeleton of that vav read as w (ג'ווד, Jawad) too."""
    first = skeleton_key(name)
    if _DOUBLE_VAV not in name:
        return (first,)
    return tuple(dict.fromkeys((first, _skeleton(romanise(name, double_vav_as_w=True)))))


_DOUBLE_VAV = "וו"


def _skeleton(text: str) -> str:
    words: list[str] = []
    prefix = ""
    tokens = name_tokens(text)
    for i, token in enumerate(tokens):
        last = i == len(tokens) - 1
        if token in _ARTICLES or (not last and (token in _JOINED or word_skeleton(token) == "abd")):
            prefix += "al" if token in _ARTICLES else token
            continue
        word = word_skeleton(prefix + token)
        prefix = ""
        if word not in _CONNECTORS:
            words.append(word)
    return " ".join(sorted(w for w in words if w))


def word_sounds(name: str) -> dict[str, tuple[str, ...]]:
    """Each word of a name (as `name_tokens` folds it) → its phonetic skeletons (one per
    reading), for the words that fold to one token and have one: to line up a name written in
    another script with the listed words it was matched to, where the folded spellings share
    few letters."""
    found: dict[str, tuple[str, ...]] = {}
    for written in name.split():
        tokens = name_tokens(written)
        sounds = tuple(s for s in skeleton_keys(written) if s and " " not in s)
        if len(tokens) == 1 and sounds:
            found[tokens[0]] = sounds
    return found


_SKELETON_SCRIPTS = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f]"
)


def needs_skeleton(name: str) -> bool:
    """Whether a name is written (partly) in Greek, Cyrillic, Hebrew, Arabic or Thai, where the
    ordinary key is a poor guide and the skeleton is worth a search. Han, Hangul, kana and
    Indic scripts are not: anyascii romanises them by sound already, and their skeletons
    (short syllables, few consonants) found more innocent names than listed ones."""
    return _SKELETON_SCRIPTS.search(name) is not None
