"""What the bench scripts and the matching tests share: generated innocent names and records,
variants of listed names, and the one-record CLI timing.

Kept in `bench/` (importable as `_common` by the scripts, as `bench._common` by the tests) so a
recall figure printed by a bench and one asserted by a test are computed from the same variants.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

from dualscreen.models import EntityType, ListEntry, RestrictedList
from dualscreen.records import RawRecord

INNOCENT_LOCALES = (
    "id_ID",
    "en_US",
    "de_DE",
    "tr_TR",
    "vi_VN",
    "fil_PH",
    "ja_JP",
    "zh_CN",
    "ko_KR",
    "th_TH",
    "ru_RU",
    "ar_SA",
    "fr_FR",
    "es_MX",
    "pt_BR",
    "it_IT",
    "pl_PL",
    "hi_IN",
    "fa_IR",
    "uk_UA",
    "he_IL",
)
"""Where the innocent parties of a US–Indonesia trade desk and its counterparts come from."""

TRADE_LOCALES = (
    "id_ID",
    "en_US",
    "de_DE",
    "tr_TR",
    "vi_VN",
    "ja_JP",
    "zh_CN",
    "ko_KR",
    "ru_RU",
    "ar_SA",
    "fr_FR",
    "es_MX",
    "pt_BR",
)
"""The locales of generated shipment records (bench_screen, bench_speed)."""

PARTY_FIELDS = ("exporter", "consignee", "end_user")
GOODS = (  # (HS code, description, origin, destination)
    ("750210", "Nickel cathode, unwrought", "ID", "US"),
    ("283324", "Nickel sulphate hexahydrate", "ID", "JP"),
    ("260400", "Nickel ore", "ID", "CN"),
    ("810520", "Cobalt hydroxide", "CD", "CN"),
    ("282520", "Lithium hydroxide monohydrate", "CL", "KR"),
    ("850760", "Lithium-ion battery cells", "CN", "US"),
    ("720260", "Ferro-nickel", "ID", "TW"),
    ("940360", "Wooden furniture", "ID", "US"),
)


# --- innocent names -------------------------------------------------------------------------


def invented_company(fake: Faker) -> str:
    """A company name Faker made up. The ru_RU and tr_TR providers also return real large
    companies (Gazprom, Sberbank, ...), several of them sanctioned: those are not innocent."""
    real = {c for p in fake.providers for c in getattr(p, "large_companies", ())}
    while (name := fake.company()) in real:
        pass
    return name


def innocent_names(
    seed: int, count: int, locales: tuple[str, ...] = INNOCENT_LOCALES
) -> list[tuple[str, str]]:
    """(locale, name) in turn from every locale: a person in the locale's script, a person as
    romanised on trade documents (where Faker can), and a company."""
    fakers = {}
    for offset, locale in enumerate(locales):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(seed + offset)
    names = []
    for i in range(count):
        locale = locales[i % len(locales)]
        fake = fakers[locale]
        kind = (i // len(locales)) % 3
        if kind == 0:
            names.append((locale, fake.name()))
        elif kind == 1:
            roman = getattr(fake, "romanized_name", None)
            names.append((locale, roman() if roman else f"{fake.first_name()} {fake.last_name()}"))
        else:
            names.append((locale, invented_company(fake)))
    return names


def innocent_party(fake: Faker, rng: random.Random) -> str:
    """A person (40%) or a company (60%) as a shipment record names it."""
    if rng.random() >= 0.6:
        return str(fake.name())
    return invented_company(fake)


# --- variants of listed names ---------------------------------------------------------------


def reading_order(entry: ListEntry) -> str:
    """`LAST, First` as a person's name is written on trade documents; other names as listed."""
    if entry.type is EntityType.PERSON and entry.name.count(",") == 1:
        last, first = entry.name.split(",")
        return f"{first.strip()} {last.strip()}"
    return entry.name


def recased(entry: ListEntry) -> str:
    """`BANCO NACIONAL DE CUBA` → `Banco Nacional De Cuba`, as a clerk would type it."""
    return entry.name.title()


def reordered(entry: ListEntry) -> str:
    """A person's `LAST, First Middle` in reading order; other names with the last word first."""
    if entry.type is EntityType.PERSON and entry.name.count(",") == 1:
        last, first = entry.name.split(",")
        return f"{first.strip()} {last.strip()}"
    words = entry.name.replace(",", " ").split()
    return " ".join(words[-1:] + words[:-1])


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_typo(name: str, rng: random.Random) -> str:
    """One keyboard slip on a letter: substituted, dropped, doubled-in or swapped with the next."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = rng.choice(letters)
    c = name[i]

    def like(x: str) -> str:
        return x.upper() if c.isupper() else x

    operation = rng.choice(("substitute", "delete", "insert", "transpose"))
    if operation == "transpose" and i + 1 < len(name) and name[i + 1].isalpha():
        if name[i + 1].lower() != c.lower():
            return name[:i] + name[i + 1] + c + name[i + 2 :]
        operation = "substitute"
    if operation == "delete":
        return name[:i] + name[i + 1 :]
    if operation == "insert":
        return name[:i] + like(rng.choice(_LETTERS)) + name[i:]
    return name[:i] + like(rng.choice(_LETTERS.replace(c.lower(), ""))) + name[i + 1 :]


# --- real names in their original script ---------------------------------------------------

_SCRIPT_NAMES = {
    "ARABIC": "Arabic",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "HEBREW": "Hebrew",
    "THAI": "Thai",
    "CJK": "Han",
    "HANGUL": "Hangul",
    "HIRAGANA": "Japanese kana",
    "KATAKANA": "Japanese kana",
    "LATIN": "Latin",
}


def script_of(name: str) -> str:
    """The script most of a name's letters are in ("Arabic", "Han", …; "other" if unnamed)."""
    scripts = Counter(unicodedata.name(c, "?").split()[0] for c in name if c.isalpha())
    if not scripts:
        return "other"
    return _SCRIPT_NAMES.get(scripts.most_common(1)[0][0], "other")


@dataclass(frozen=True)
class ScriptPair:
    """A listed entry's own name in its original script, and the entry with only Latin names."""

    script: str
    query: str
    list_name: str
    entry: ListEntry


def original_script_pairs(
    lists: Sequence[RestrictedList],
) -> tuple[list[RestrictedList], list[ScriptPair]]:
    """The lists with every name not in Latin script taken out, and each name taken out paired
    with its entry, if the entry keeps a Latin name: real pairs of an original-script name
    (the UN's NAME_ORIGINAL_SCRIPT, OpenSanctions' native names) and its listed Latin forms, so
    that finding the entry from the query shows cross-script matching on names as people
    really write them, not as a bench's tables do."""
    stripped: list[RestrictedList] = []
    pairs: list[ScriptPair] = []
    for lst in lists:
        entries = []
        for entry in lst.entries:
            names = (entry.name, *entry.aliases)
            latin = [n for n in names if script_of(n) == "Latin"]
            if latin and len(latin) < len(names):
                entry = entry.model_copy(update={"name": latin[0], "aliases": latin[1:]})
                pairs += [
                    ScriptPair(script_of(n), n, lst.info.name, entry)
                    for n in dict.fromkeys(names)
                    if script_of(n) != "Latin"
                ]
            entries.append(entry)
        stripped.append(lst.model_copy(update={"entries": entries}))
    return stripped, pairs


# --- shipment records -----------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    """A real listed name put in a party slot of a generated record."""

    line: int
    field: str
    entry: ListEntry
    query: str


def make_records(
    n: int,
    planted_share: float,
    listed: list[ListEntry],
    seed: int,
    locales: tuple[str, ...] = TRADE_LOCALES,
) -> tuple[list[RawRecord], list[Planted]]:
    """`n` shipment records with three parties each: Faker names, and in `planted_share` of the
    party slots a listed primary name (as listed, re-cased, or a person in reading order)."""
    rng = random.Random(seed)
    fake = Faker(list(locales))
    fake.seed_instance(seed)
    records, planted = [], []
    for line in range(1, n + 1):
        hs, description, origin, destination = rng.choice(GOODS)
        data = {
            "id": f"B{line:06d}",
            "hs_code": hs,
            "description": description,
            "origin_country": origin,
            "destination_country": destination,
            "quantity": str(rng.randint(1, 500)),
            "unit": "t",
        }
        for field in PARTY_FIELDS:
            if rng.random() < planted_share:
                entry = rng.choice(listed)
                query = rng.choice((entry.name, entry.name.title(), reading_order(entry)))
                planted.append(Planted(line, field, entry, query))
                data[field] = query
            else:
                data[field] = innocent_party(fake[rng.choice(locales)], rng)
        records.append(RawRecord(source="bench", line=line, data=data))
    return records, planted


# --- the environment ------------------------------------------------------------------------


@contextlib.contextmanager
def private_cache() -> Iterator[None]:
    """Cache parsed lists and the name index in a fresh temporary folder for this run (and the
    CLI runs it starts), unless DUALSCREEN_CACHE_DIR says where: a cache written by another
    version of the code never skews a figure."""
    if os.environ.get("DUALSCREEN_CACHE_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="dualscreen-bench-") as folder:
        os.environ["DUALSCREEN_CACHE_DIR"] = folder
        try:
            yield
        finally:
            del os.environ["DUALSCREEN_CACHE_DIR"]


# --- the CLI --------------------------------------------------------------------------------


def cli_latency(runs: int, warm_up: bool = True) -> list[float]:
    """Wall seconds of `echo '{...}' | dualscreen screen` on the packaged defaults, interpreter
    start included. The warm-up (not timed) fills the list and index cache and compiles the
    package's bytecode, as `pip install` does: an editable checkout run with
    PYTHONDONTWRITEBYTECODE set (as this workplace's shells are) would otherwise compile every
    module on every run, ~80 ms that no installed copy pays."""
    if warm_up:
        import compileall

        import dualscreen

        compileall.compile_dir(Path(dualscreen.__file__).parent, quiet=1)
    exe = shutil.which("dualscreen", path=str(Path(sys.executable).parent)) or "dualscreen"
    record = json.dumps(
        {"id": "1", "consignee": "PT Vale Indonesia Tbk", "hs_code": "750210", "unit": "t"}
    )
    times = []
    for run in range(runs + int(warm_up)):
        start = time.perf_counter()
        done = subprocess.run(
            [exe, "screen"], input=record + "\n", capture_output=True, text=True, check=False
        )
        if run or not warm_up:
            times.append(time.perf_counter() - start)
        if done.returncode not in (0, 3, 4):
            raise SystemExit(f"dualscreen screen failed ({done.returncode}): {done.stderr}")
    return times
