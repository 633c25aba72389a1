"""The name index: every listed name normalised once, in the arrays the matcher searches.

Built from the loaded lists and cached between runs (screening.py), so it holds plain lists,
dicts and arrays, which unpickle fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dualscreen.matching.candidates import GramPostings
from dualscreen.matching.normalize import match_key, reorder_listed, untitled_key
from dualscreen.matching.phonetic import skeleton_key
from dualscreen.models import EntityType, RestrictedList

INDEX_VERSION = "5"
"""Part of the cache key of a `NameIndex`: bumped when its shape changes, so that indexes cached
by an older version are rebuilt, never read (3: trigram postings; 4: phonetic skeletons;
5: persons' names without their titles)."""


@dataclass(slots=True)
class NameIndex:
    """The matcher's arrays, one slot per name, sorted by key length so a fuzzy search only looks
    at keys of a length that can reach the cutoff. Plain lists and dicts: cheap to cache."""

    keys: list[str]
    names: list[str]
    owner: list[int]  # index of the name's entry, counting entries across all lists in order
    primary: list[bool]
    exact: dict[str, list[int]]
    postings: dict[str, list[int]]  # word → names that have it
    grams: GramPostings  # padded trigram → names that have it (candidates.py)
    # Phonetic skeletons of the persons' names of two words or more, sorted by length, each
    # with the position of its name in `keys`; their word and trigram postings, as for keys.
    # Only persons': an organisation's name in another script is mostly translated ("Group",
    # "Company"), and skeletons of such words matched innocent companies to listed persons.
    skeletons: list[str]
    skeleton_of: list[int]
    skeleton_postings: dict[str, list[int]]
    skeleton_grams: GramPostings

    @classmethod
    def build(cls, lists: Sequence[RestrictedList]) -> NameIndex:
        # (key, name, entry index, is primary, phonetic skeleton if a person's)
        names: list[tuple[str, str, int, bool, str]] = []
        entry_index = 0
        for lst in lists:
            for entry in lst.entries:
                person = entry.type is EntityType.PERSON
                for position, name in enumerate((entry.name, *entry.aliases)):
                    key = match_key(reorder_listed(name))
                    if key:
                        skeleton = skeleton_key(reorder_listed(name)) if person else ""
                        names.append((key, name, entry_index, position == 0, skeleton))
                    # A person listed with a title (AL ZAWAHIRI, Dr. Ayman) is found without it.
                    untitled = untitled_key(reorder_listed(name)) if person else None
                    if untitled and untitled != key:
                        names.append((untitled, name, entry_index, position == 0, ""))
                entry_index += 1
        names.sort(key=lambda n: len(n[0]))
        keys = [n[0] for n in names]
        exact = _postings([[key] for key in keys])
        postings = _postings([set(key.split()) for key in keys])
        found = [(n[4], i) for i, n in enumerate(names) if " " in n[4]]
        skeletons = sorted(found, key=lambda s: len(s[0]))
        skeleton_keys = [s for s, _ in skeletons]
        return cls(
            keys=keys,
            names=[n[1] for n in names],
            owner=[n[2] for n in names],
            primary=[n[3] for n in names],
            exact=exact,
            postings=postings,
            grams=GramPostings.build(keys),
            skeletons=skeleton_keys,
            skeleton_of=[i for _, i in skeletons],
            skeleton_postings=_postings([set(s.split()) for s in skeleton_keys]),
            skeleton_grams=GramPostings.build(skeleton_keys),
        )


def _postings(words: Sequence[Iterable[str]]) -> dict[str, list[int]]:
    """Each word → the ascending positions whose words include it."""
    found: dict[str, list[int]] = {}
    for index, these in enumerate(words):
        for word in these:
            found.setdefault(word, []).append(index)
    return found
