"""Name normalisation: what two spellings of one party have in common, and what is noise."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

NORMALIZER_VERSION = "1"
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

# A form written with dots ("s.a.", "n.v.", "p.t.") is joined into one token first.
_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_AKA = re.compile(r"\b(?:a\.?k\.?a|f\.?k\.?a|n\.?k\.?a)\b\.?", re.IGNORECASE)


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


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """The tokens that identify a party: folded, legal forms removed unless nothing else is left."""
    tokens = fold(name).split()
    core = [t for t in tokens if t not in LEGAL_FORMS]
    return tuple(core or tokens)


def match_key(name: str) -> str:
    """Order-free comparison key: the identifying tokens, sorted."""
    return " ".join(sorted(name_tokens(name)))


def legal_forms_removed(name: str) -> list[str]:
    """The legal-form words that normalisation set aside, for the explanation of a match."""
    tokens = fold(name).split()
    core = [t for t in tokens if t not in LEGAL_FORMS]
    return [t for t in tokens if t in LEGAL_FORMS] if core else []
