"""Name normalisation: what two spellings of one party have in common, and what is noise."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

NORMALIZER_VERSION = "2"
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
    asa oy oyj aps lda ltda
    """.split()
)

# Words that are a legal form only together with the rest of their phrase, in whatever order
# the words come: "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA" is "Sberbank of Russia PJSC".
LEGAL_FORM_PHRASES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"joint", "stock"}), frozenset({"joint", "stock", "public", "open", "closed"})),
    (frozenset({"limited", "liability"}), frozenset({"liability"})),
    (frozenset({"sociedad", "anonima"}), frozenset({"sociedad", "anonima"})),
    (frozenset({"societe", "anonyme"}), frozenset({"societe", "anonyme"})),
)

# A form written with dots ("s.a.", "n.v.", "p.t.") is joined into one token first.
_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Only the dotted forms: "AKA Trading" is a company name, not an alias marker.
_AKA = re.compile(r"\b[afn]\.k\.a\b\.?", re.IGNORECASE)


def fold(text: str) -> str:
    """Case, accents and script folded to lower-case ASCII words separated by single spaces."""
    ascii_text = anyascii(text).lower()
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
def name_tokens(name: str) -> tuple[str, ...]:
    """The tokens that identify a party: folded, legal forms removed unless nothing else is left."""
    tokens = fold(name).split()
    legal = _legal_words(tokens)
    core = [t for t in tokens if t not in legal]
    return tuple(core or tokens)


def match_key(name: str) -> str:
    """Order-free comparison key: the identifying tokens, sorted."""
    return " ".join(sorted(name_tokens(name)))


def legal_forms_removed(name: str) -> list[str]:
    """The legal-form words that normalisation set aside, for the explanation of a match."""
    tokens = fold(name).split()
    legal = _legal_words(tokens)
    core = [t for t in tokens if t not in legal]
    return [t for t in tokens if t in legal] if core else []
