"""Screening throughput, recall on planted listed names, memory and CLI latency, as figures.

Run from the repository root:

    .venv/bin/python bench/bench_screen.py [--records 5000] [--planted 0.02] [--seed 7]

Screens against the packaged default rules and lists. Records carry three parties each
(exporter, consignee, end user): Faker names from many locales, with a share of the party
slots replaced by real SDN primary names (as listed, re-cased, or persons in reading order)
whose recall is reported. A script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

from dualscreen.defaults import default_lists, default_rules
from dualscreen.lists import load_lists
from dualscreen.models import EntityType, ListEntry, ReasonKind
from dualscreen.records import RawRecord
from dualscreen.rules import load_rules
from dualscreen.screening import Screener

LOCALES = (
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
CLI_RUNS = 5


@dataclass(frozen=True)
class Planted:
    line: int
    field: str
    entry: ListEntry
    query: str


def reading_order(entry: ListEntry) -> str:
    """`LAST, First` as a person's name is written on trade documents; other names as listed."""
    if entry.type is EntityType.PERSON and entry.name.count(",") == 1:
        last, first = entry.name.split(",")
        return f"{first.strip()} {last.strip()}"
    return entry.name


def innocent_party(fake: Faker, rng: random.Random) -> str:
    if rng.random() >= 0.6:
        return fake.name()
    # ru_RU and tr_TR also return real large companies, some sanctioned: not innocent.
    real = {c for p in fake.providers for c in getattr(p, "large_companies", ())}
    while (name := fake.company()) in real:
        pass
    return name


def make_records(
    n: int, planted_share: float, sdn: list[ListEntry], seed: int
) -> tuple[list[RawRecord], list[Planted]]:
    rng = random.Random(seed)
    fake = Faker(list(LOCALES))
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
                entry = rng.choice(sdn)
                query = rng.choice((entry.name, entry.name.title(), reading_order(entry)))
                planted.append(Planted(line, field, entry, query))
                data[field] = query
            else:
                data[field] = innocent_party(fake[rng.choice(LOCALES)], rng)
        records.append(RawRecord(source="bench", line=line, data=data))
    return records, planted


def cli_latency() -> list[float]:
    """Wall seconds of `echo '{...}' | dualscreen screen` on the packaged defaults."""
    exe = shutil.which("dualscreen", path=str(Path(sys.executable).parent)) or "dualscreen"
    record = json.dumps(
        {"id": "1", "consignee": "PT Vale Indonesia Tbk", "hs_code": "750210", "unit": "t"}
    )
    times = []
    for _ in range(CLI_RUNS):
        start = time.perf_counter()
        done = subprocess.run(
            [exe, "screen"], input=record + "\n", capture_output=True, text=True, check=False
        )
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 3, 4):
            raise SystemExit(f"dualscreen screen failed ({done.returncode}): {done.stderr}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000, help="records to screen")
    parser.add_argument("--planted", type=float, default=0.02, help="share of SDN party names")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-alerts", type=int, default=10, help="list this many alerts")
    args = parser.parse_args()

    start = time.perf_counter()
    lists = load_lists(default_lists())
    loaded = time.perf_counter()
    screener = Screener(load_rules([default_rules()]), lists)
    built = time.perf_counter()

    sdn = [e for lst in lists if lst.info.name == "ofac-sdn" for e in lst.entries]
    records, planted = make_records(args.records, args.planted, sdn, args.seed)
    names = [r.data[f] for r in records for f in PARTY_FIELDS]

    start_screen = time.perf_counter()
    decisions = list(screener.screen(records))
    screened = time.perf_counter() - start_screen

    hits = {
        (int(d.id[1:]), r.field, r.entry_id)
        for d in decisions
        for r in d.reasons
        if r.kind is ReasonKind.PARTY and r.list == "ofac-sdn"
    }
    caught = sum((p.line, p.field, p.entry.entry_id) in hits for p in planted)
    planted_slots = {(p.line, p.field) for p in planted}
    other_alerts = sorted(
        {
            (r.value or "", f"{r.action} {r.list} {r.entry_id} {r.matched_name!r} {r.score}")
            for d in decisions
            for r in d.reasons
            if r.kind is ReasonKind.PARTY and (int(d.id[1:]), r.field) not in planted_slots
        }
    )
    innocent_alerts = len({value for value, _ in other_alerts})
    verdicts = {v: sum(d.decision == v for d in decisions) for v in ("pass", "flag", "block")}
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    cli = cli_latency()

    rows = [
        ("lists", ", ".join(f"{x.info.name} {x.info.entries}" for x in lists)),
        ("names indexed", f"{screener.matcher.size:,}"),
        ("load lists", f"{loaded - start:.2f} s"),
        ("load rules + build matcher", f"{built - loaded:.2f} s"),
        (
            "records screened",
            f"{len(records):,} ({len(names):,} party names, {len(set(names)):,} distinct)",
        ),
        ("screening time", f"{screened:.2f} s"),
        ("records/s", f"{len(records) / screened:,.0f}"),
        ("party names/s", f"{len(names) / screened:,.0f}"),
        ("decisions (all rules)", ", ".join(f"{k} {v}" for k, v in verdicts.items())),
        ("planted SDN names", f"{len(planted)} ({len(planted) / len(names):.1%} of parties)"),
        ("recall on planted", f"{caught}/{len(planted)} = {caught / max(len(planted), 1):.1%}"),
        (
            "alerts on other names",
            f"{innocent_alerts} distinct names alerted "
            f"({innocent_alerts / len(set(names)):.2%} of distinct names)",
        ),
        ("peak RSS", f"{peak_rss_mib:,.0f} MiB"),
        (
            f"CLI one record, median of {CLI_RUNS}",
            f"{statistics.median(cli):.2f} s (min {min(cli):.2f}, max {max(cli):.2f})",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"dualscreen bench — {time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    if other_alerts and args.show_alerts:
        print("alerts on other parties (name → reason):")
        for value, reason in other_alerts[: args.show_alerts]:
            print(f"  {value!r} → {reason}")


if __name__ == "__main__":
    main()
