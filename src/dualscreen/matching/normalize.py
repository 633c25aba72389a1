"""Name normalisation: what two spellings of one party have in common, and what is noise."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from anyascii import anyascii

from dualscreen.matching.chinese import has_han, read_han

NORMALIZER_VERSION = "5"
"""Bumped whenever normalisation changes, so cached list indexes are rebuilt."""

# Legal forms compared as equivalents and never as evidence: "PT Aneka Tambang Tbk" and
# "Aneka Tambang" name the same company. Words that are also name particles (Arabic "as",
# Japanese "kk" initials) are left out on purpose: dropping them would merge distinct names.
LEGAL_FORMS: frozenset[str] = frozenset(
    """
    co company corp corporation inc incorporated ltd limited llc llp lp plc pllc gmbh
    ag kg kgaa ohg mbh sa sas sarl sca snc sasu srl spa sl
    slu sau bv nv vof cv pt tbk persero perum ud koperasi sdn bhd
    berhad pte pty jsc ojsc cjsc pjsc ooo oao zao pao ao tov ab
    asa oy oyj aps lda ltda terbuka aktiengesellschaft kommanditgesellschaft
    """.split()
)

# Words that are a legal form only together with the rest of their phrase, in whatever order
# the words come: "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA" is "Sberbank of Russia PJSC".
LEGAL_FORM_PHRASES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"joint", "stock"}), frozenset({"joint", "stock", "public", "open", "closed"})),
    (frozenset({"limited", "liability"}), frozenset({"liability"})),
    (frozenset({"sociedad", "anonima"}), frozenset({"sociedad", "anonima"})),
    (frozenset({"societe", "anonyme"}), frozenset({"societe", "anonyme"})),
    # Spelled out: Sdn Bhd, PT, GmbH, BV, NV, SpA, and Chinese "Co., Ltd." in pinyin
    # (Youxian Gongsi, Youxian Zeren Gongsi, Gufen Youxian Gongsi).
    (frozenset({"sendirian", "berhad"}), frozenset({"sendirian"})),
    (frozenset({"perseroan", "terbatas"}), frozenset({"perseroan", "terbatas"})),
    (
        frozenset({"gesellschaft", "beschrankter", "haftung"}),
        frozenset({"gesellschaft", "mit", "beschrankter", "haftung"}),
    ),
    (frozenset({"besloten", "vennootschap"}), frozenset({"besloten", "vennootschap"})),
    (frozenset({"naamloze", "vennootschap"}), frozenset({"naamloze", "vennootschap"})),
    (frozenset({"societa", "azioni"}), frozenset({"societa", "per", "azioni"})),
    (frozenset({"youxian", "gongsi"}), frozenset({"youxian", "zeren", "gufen", "gongsi"})),
)

# Legal-form words long enough that one slip in them ("LIABLITY", "CMOPANY", "SOCK" for STOCK)
# still says which word was meant, mapped from each spelling one letter shorter. Shorter forms
# are left alone: a slip in "SA" or "LLC" makes a name ("SAL", "INCA").
_LONG_LEGAL_WORDS = frozenset(
    w for w in LEGAL_FORMS | {w for _, forms in LEGAL_FORM_PHRASES for w in forms} if len(w) >= 5
)
_ANY_LEGAL_WORD = LEGAL_FORMS.union(*(forms for _, forms in LEGAL_FORM_PHRASES))
_LEGAL_DELETIONS: dict[str, str] = {
    w[:i] + w[i + 1 :]: w for w in sorted(_LONG_LEGAL_WORDS) for i in range(len(w))
}
# One slip leaves a word of five letters its first two letters or its last two: a token with
# neither of any long form is no slip of one, and most tokens are ruled out by this alone.
_LEGAL_ENDS = frozenset(w[:2] for w in _LONG_LEGAL_WORDS) | frozenset(
    "$" + w[-2:] for w in _LONG_LEGAL_WORDS
)

# Titles a record may put before a person's name and a list leaves out, or the reverse: "Dr.
# Li Fangwei", "AL ZAWAHIRI, Dr. Ayman". Only unambiguous ones: KING, PRINCE, GENERAL or
# CAPTAIN also begin company and vessel names, SULTAN and AMIR are given names.
HONORIFICS: frozenset[str] = frozenset(
    """
    mr mrs ms messrs mme mlle herr frau dr prof
    sheikh shaikh shaykh sheik haji hajji hadji alhaji alhaj alhajj hajjah hj
    mullah mulla maulana maulvi maulavi mawlawi mawlavi qari
    bapak bpk sdr sdri ir drs dra
    """.split()
)

# A form written with dots ("s.a.", "n.v.", "p.t.") is joined into one token first.
_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Only the dotted forms: "AKA Trading" is a company name, not an alias marker.
_AKA = re.compile(r"\b[afn]\.k\.a\b\.?", re.IGNORECASE)


class _Transliteration(dict[int, str]):
    """anyascii's spelling of each code point, looked up once: `str.translate` then spells a
    whole name in C, where anyascii loops in Python (it spells each code point on its own, so
    the two agree character for character)."""

    def __missing__(self, code: int) -> str:
        found = self[code] = anyascii(chr(code))
        return found


_TRANSLITERATION = _Transliteration()


def fold(text: str) -> str:
    """Case, accents and script folded to lower-case ASCII words separated by single spaces;
    Chinese written in Han characters read as lists write it (`chinese.read_han`)."""
    if not text.isascii() and has_han(text):
        text = read_han(text)
    ascii_text = (text if text.isascii() else text.translate(_TRANSLITERATION)).lower()
    if "." in ascii_text:  # both patterns need one, and most names have none
        ascii_text = _AKA.sub(" ", ascii_text)
        ascii_text = _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", ""), ascii_text)
    ascii_text = ascii_text.replace("'", "").replace("`", "")
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def reorder_listed(name: str) -> str:
    """OFAC and others write persons as `LAST, First Middle`; put them in reading order."""
    if name.count(",") == 1:
        last, first = name.split(",")
        if first.strip() and last.strip() and len(last.split()) <= 3:
            return f"{first.strip()} {last.strip()}"
    return name


def _legal_words(tokens: list[str]) -> frozenset[str]:
    present = set(tokens)
    words = LEGAL_FORMS
    for needed, forms in LEGAL_FORM_PHRASES:
        if needed <= present:
            words = words | forms
    return words


@lru_cache(maxsize=65536)
def legal_spelling(token: str) -> str:
    """A legal-form word with one letter dropped, added, or swapped with the next, as the word,
    so that the rest of the name is compared as it would be without the slip; any other token
    as it is. A changed letter is not undone: it would take cognates for the form
    ("corporacion" is not "corporation" mistyped, and is part of a name)."""
    if len(token) < 4 or token in LEGAL_FORMS or token in _LONG_LEGAL_WORDS:
        return token
    if token[:2] not in _LEGAL_ENDS and "$" + token[-2:] not in _LEGAL_ENDS:
        return token
    if token in _LEGAL_DELETIONS:  # a letter dropped
        return _LEGAL_DELETIONS[token]
    for i in range(len(token)):
        shorter = token[:i] + token[i + 1 :]
        if shorter in _LONG_LEGAL_WORDS:  # a letter added
            return shorter
        swapped = token[:i] + token[i + 1 : i + 2] + token[i : i + 1] + token[i + 2 :]
        if swapped in _LONG_LEGAL_WORDS:  # two letters swapped
            return swapped
    return token


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """The tokens that identify a party: folded, legal forms (even with a slip in a long one)
    removed unless nothing else is left."""
    tokens = fold(name).split()
    core, _ = _split_legal(tokens)
    return tuple(core or tokens)


def match_key(name: str) -> str:
    """Order-free comparison key: the identifying tokens, sorted."""
    return " ".join(sorted(name_tokens(name)))


def split_titles(tokens: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The titles before a name (`HONORIFICS`, taken while two words remain: one word alone
    would match only weakly, so "Haji Khairullah" keeps its title), and the rest."""
    first = 0
    while first < len(tokens) - 2 and tokens[first] in HONORIFICS:
        first += 1
    return tuple(tokens[:first]), tuple(tokens[first:])


def untitled_key(name: str) -> str | None:
    """`match_key` of the name without the titles before it, or None when it has none: a
    second reading of the name, matched besides the first, so that "Dr. Li Fangwei" is LI,
    Fangwei exactly and "Haji Khairullah" still matches a list that writes the title."""
    tokens = name_tokens(name)
    if len(tokens) < 3 or tokens[0] not in HONORIFICS:  # most names: no title, nothing to do
        return None
    return " ".join(sorted(split_titles(tokens)[1]))


def legal_forms_removed(name: str) -> list[str]:
    """The legal-form words that normalisation set aside, for the explanation of a match."""
    core, legal = _split_legal(fold(name).split())
    return legal if core else []


def _split_legal(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The tokens that are not legal-form words, and those that are (as written)."""
    spelled = [legal_spelling(t) for t in tokens]
    if spelled == tokens and _ANY_LEGAL_WORD.isdisjoint(tokens):
        return tokens, []  # most names: no legal form, nothing to split
    legal = _legal_words(spelled)
    core = [t for t, s in zip(tokens, spelled, strict=True) if s not in legal]
    return core, [t for t, s in zip(tokens, spelled, strict=True) if s in legal]
