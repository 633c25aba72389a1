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
import resource
import statistics
import sys
import time

from _common import PARTY_FIELDS, cli_latency, make_records
from dualscreen.defaults import default_lists, default_rules
from dualscreen.lists import load_lists
from dualscreen.models import ReasonKind
from dualscreen.rules import load_rules
from dualscreen.screening import Screener

CLI_RUNS = 5


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
    cli = cli_latency(CLI_RUNS)

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
