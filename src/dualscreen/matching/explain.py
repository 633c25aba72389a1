"""Explain a party hit: the words that lined up, what normalisation set aside, the countries.

Run once per hit that becomes a reason (a few per record at most), after matching: the
matcher's hot loop never pays for it. The confidence on the names is kept per (name, listed
name, type), since the same party recurs on many records; the country check is per record.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dualscreen.countries import COUNTRY_NAMES, country_code
from dualscreen.matching.chinese import han_terms
from dualscreen.matching.normalize import (
    fold,
    legal_forms_removed,
    name_tokens,
    reorder_listed,
    split_titles,
)
from dualscreen.matching.phonetic import needs_skeleton, word_sounds
from dualscreen.matching.scoring import (
    MAX_CONFIDENCE,
    Alignment,
    TokenWeights,
    align,
    confidence,
    middle_names,
)
from dualscreen.models import (
    AlignedToken,
    CountryCheck,
    EntityType,
    ListEntry,
    MatchDetail,
    TokenMatch,
)

if TYPE_CHECKING:
    from dualscreen.matching.matcher import NameHit

COUNTRY_AGREE = 0.2
"""Both sides name the same country: the confidence moves this share of the way to 1."""

COUNTRY_DISAGREE = 0.06
"""The listed countries exclude the record's: the confidence loses this share of itself. Small
on purpose: listed parties move and trade through third countries, so a mismatch only orders
the queue; it never changes the score or the action."""

PARTY_COUNTRY_FIELD: dict[str, str] = {
    "exporter": "origin_country",
    "consignee": "destination_country",
    "end_user": "destination_country",
}
"""Where a party is presumed to be: the exporter in the origin country, the consignee and the
end user in the destination country. An intermediary can be anywhere: never compared."""

LEGAL_FORM_ON_PERSON = 0.8
"""A query with a company's legal form ("MARTIN LTD") that matched a listed person: the
names agree but the kinds of party do not, so the hit ranks lower."""

CACHE_SIZE = 50_000

_AKA = re.compile(r"\b[afn]\.k\.a\b", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[^\w\s,.]")
_PARENTHETICAL = re.compile(r"\s*\(.*\)\s*$")


def _scripts(text: str) -> list[str]:
    """Non-Latin scripts in a text, in order of appearance ("Cyrillic", "Arabic", "CJK")."""
    found: dict[str, None] = {}
    for ch in text:
        if ch.isalpha() and not ch.isascii():
            name = unicodedata.name(ch, "")
            script = name.split(" ", 1)[0] if name else ""
            if script and script != "LATIN":
                found[script.title() if script != "CJK" else "Han"] = None
    return list(found)


def _has_accents(text: str) -> bool:
    return any(
        ch.isalpha() and not ch.isascii() and unicodedata.name(ch, "").startswith("LATIN")
        for ch in text
    )


def _set_aside(name: str) -> tuple[list[str], list[str]]:
    """The legal-form words and the other words normalisation dropped from a name."""
    legal = legal_forms_removed(name)
    dropped = Counter(fold(name).split()) - Counter(name_tokens(name)) - Counter(legal)
    return legal, sorted(dropped.elements())


def normalisation_notes(query: str, listed: str, person: bool) -> tuple[str, ...]:
    """What was folded or set aside to compare the two names, one short phrase each. Commas
    and full stops are not worth a note; hyphens, apostrophes and brackets are."""
    notes: list[str] = []
    q_legal, q_other = _set_aside(query)
    n_legal, n_other = _set_aside(listed)
    if q_legal and n_legal and q_legal == n_legal:
        notes.append(f'legal form "{" ".join(q_legal)}" set aside (both)')
    elif q_legal and n_legal:
        notes.append(f'legal form "{" ".join(q_legal)}" ≙ "{" ".join(n_legal)}"')
    elif q_legal or n_legal:
        side, words = ("query", q_legal) if q_legal else ("listed", n_legal)
        notes.append(f'legal form "{" ".join(words)}" set aside ({side})')
    for side, words in (("query", q_other), ("listed", n_other)):
        if words:
            notes.append(f'"{" ".join(words)}" set aside ({side})')
    for side, name in (("query", query), ("listed", reorder_listed(listed))):
        titles = split_titles(name_tokens(name))[0] if person else ()
        if titles:
            notes.append(f'title "{" ".join(titles)}" set aside ({side})')
    for script in _scripts(query):
        notes.append(f"{script} script transliterated")
    if terms := han_terms(query):
        read = ", ".join(f"{word} {reading}" for word, reading in dict.fromkeys(terms))
        notes.append(f"Chinese words read as lists write them: {read}")
    if _has_accents(query) or _has_accents(listed):
        notes.append("accents folded")
    if _AKA.search(query) or _AKA.search(listed):
        notes.append("a.k.a. marker dropped")
    if person and reorder_listed(listed) != listed:
        notes.append('listed "LAST, First" read as "First LAST"')
    if _PUNCTUATION.search(_AKA.sub("", query)) or _PUNCTUATION.search(_AKA.sub("", listed)):
        notes.append("punctuation removed")
    return tuple(notes)


def listed_countries(entry: ListEntry) -> tuple[str, ...]:
    """The entry's countries as alpha-2 codes: its country fields, and its addresses' last part
    where that is a country's name (a two-letter last part may be a US state: not read)."""
    codes = [c for value in entry.countries if (c := country_code(value))]
    for address in entry.addresses:
        tail = _PARENTHETICAL.sub("", address.rsplit(",", 1)[-1]).strip().casefold()
        if tail in COUNTRY_NAMES:
            codes.append(COUNTRY_NAMES[tail])
    return tuple(dict.fromkeys(codes))


def country_check(
    field: str, record: dict[str, str], entry: ListEntry, name_confidence: float
) -> CountryCheck | None:
    """Compare the party's presumed country with the listed ones when both are known."""
    source = PARTY_COUNTRY_FIELD.get(field)
    code = country_code(record.get(source, "")) if source else None
    listed = listed_countries(entry)
    if source is None or code is None or not listed:
        return None
    agrees = code in listed
    if agrees:
        adjustment = COUNTRY_AGREE * (1.0 - name_confidence)
    else:
        adjustment = -COUNTRY_DISAGREE * name_confidence
    return CountryCheck(
        record=code, source=source, listed=listed, agrees=agrees, adjustment=round(adjustment, 4)
    )


def _words(words: Iterable[str]) -> str:
    return " ".join(words)


def summary(detail: MatchDetail, middle: frozenset[str] = frozenset()) -> str:
    """The match on one line: "same words: …; close words: …; query only: …; listed only: …;
    normalised: …; country: …". `middle`: the listed person's middle names, marked as such."""
    parts: list[str] = []
    same = [a.query for a in detail.aligned if a.how is TokenMatch.EXACT]
    if same:
        parts.append(f"same words: {_words(same)}")
    close = [
        f"{a.query}~{a.listed} ({a.how.value})"
        for a in detail.aligned
        if a.how is not TokenMatch.EXACT
    ]
    if close:
        parts.append(f"close words: {', '.join(close)}")
    if detail.query_only:
        parts.append(f"query only: {_words(detail.query_only)}")
    if detail.listed_only:
        left = (f"{t} (middle name)" if t in middle else t for t in detail.listed_only)
        parts.append(f"listed only: {_words(left)}")
    if detail.normalised:
        parts.append(f"normalised: {', '.join(detail.normalised)}")
    if detail.adjustments:
        parts.append(f"confidence: {', '.join(detail.adjustments)}")
    if detail.country is not None:
        c = detail.country
        verdict = "agrees" if c.agrees else "differs"
        parts.append(
            f"country: {c.source.replace('_', ' ')} {c.record} vs listed {'/'.join(c.listed)},"
            f" {verdict} ({c.adjustment:+.2f})"
        )
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class _OnNames:
    alignment: Alignment
    confidence: float
    notes: tuple[str, ...]
    adjustments: tuple[str, ...]


class HitExplainer:
    """Explanations and confidences of hits, with the rarity weights of one matcher's index."""

    def __init__(self, weights: TokenWeights) -> None:
        self.weights = weights
        self._names: dict[tuple[str, str, EntityType], _OnNames] = {}

    def _on_names(self, value: str, matched_name: str, entity_type: EntityType) -> _OnNames:
        key = (value, matched_name, entity_type)
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = self._score_names(value, matched_name, entity_type)
            if len(self._names) > CACHE_SIZE:
                self._names.clear()
        return found

    def _score_names(self, value: str, matched_name: str, entity_type: EntityType) -> _OnNames:
        query = name_tokens(value)
        listed = name_tokens(reorder_listed(matched_name))
        if entity_type is EntityType.PERSON:  # read without titles, as the matcher reads them
            query, listed = split_titles(query)[1], split_titles(listed)[1]
        alignment = align(query, listed, word_sounds(value) if needs_skeleton(value) else None)
        found = confidence(query, listed, entity_type, self.weights, alignment)
        value_confidence = found.value
        adjustments: list[str] = []
        if found.order < 1.0:
            adjustments.append(f"words in another order ×{found.order:.2f}")
        # Two-letter forms (SA, AB, AO) are also parts of persons' names: not evidence here.
        if entity_type is EntityType.PERSON and any(
            len(word) > 2 for word in legal_forms_removed(value)
        ):
            value_confidence = round(value_confidence * LEGAL_FORM_ON_PERSON, 4)
            adjustments.append(
                f"a company's legal form against a listed person ×{LEGAL_FORM_ON_PERSON:.2f}"
            )
        notes = normalisation_notes(value, matched_name, entity_type is EntityType.PERSON)
        return _OnNames(alignment, value_confidence, notes, tuple(adjustments))

    def explain(
        self, field: str, value: str, hit: NameHit, record: dict[str, str]
    ) -> tuple[float, MatchDetail]:
        """The hit's confidence (names, then country) and the detail that explains it.
        `record` holds the record's country fields."""
        entry = hit.entry
        names = self._on_names(value, hit.matched_name, entry.type)
        alignment, on_names = names.alignment, names.confidence
        country = country_check(field, record, entry, on_names)
        moved = on_names + (country.adjustment if country else 0.0)
        final = round(min(max(moved, 0.0), MAX_CONFIDENCE), 4)
        middle = (
            middle_names(name_tokens(reorder_listed(hit.matched_name)))
            if entry.type is EntityType.PERSON
            else frozenset()
        )
        detail = MatchDetail(
            method=hit.method.value,
            entity_type=entry.type,
            aligned=tuple(
                AlignedToken(query=p.query, listed=p.listed, how=p.how, similarity=p.similarity)
                for p in alignment.pairs
            ),
            query_only=alignment.query_only,
            listed_only=alignment.listed_only,
            normalised=names.notes,
            adjustments=names.adjustments,
            name_confidence=on_names,
            country=country,
            summary="",
        )
        return final, detail.model_copy(update={"summary": summary(detail, middle)})
