"""Batch speed of `Screener.screen` against exhaustive rapidfuzz, recall of planted listed names,
peak memory and the one-record CLI latency, as figures.

Run from the repository root:

    .venv/bin/python bench/bench_speed.py [--records 20000] [--planted 0.02] [--seed 7]
                                          [--with-un-dpl] [--lists PATH ...] [--profile N]

Needs numpy (rapidfuzz's `cdist` returns a numpy array); it is not a dependency of dualscreen:
`.venv/bin/pip install numpy` for this bench only.

The batch: `--records` shipment records with three parties each, Faker names from thirteen
locales (mostly distinct), and in `--planted` of the party slots a real SDN primary name (as
listed, re-cased, or a person in reading order). The lists: the packaged SDN 2024-05-03 with
its aliases; `--with-un-dpl` adds the packaged UN and DPL lists. The same batch is screened
twice in one process:

* through `Screener.screen` on the packaged default rules, as the CLI does (record parsing,
  every rule, decisions included; the list and index loading timed apart; `--screen-workers`
  processes, by default one per core as `screen`, with the loaded objects `gc.freeze()`d as
  `screen` does; the CPU shown is this process's, the workers' is shown apart);
* exhaustively: every distinct normalised party name against every normalised listed name and
  alias with rapidfuzz `process.cdist(scorer=fuzz.token_sort_ratio, workers=2,
  score_cutoff=flag threshold)`, in chunks of `--chunk` queries so memory stays bounded.
  Both sides go through dualscreen's own `match_key` (case, accents, script, punctuation, legal
  forms), so the comparison is between the search strategies, not the normalisations.

Memory: the process's resident set, from /proc/self/status. Before each stage the kernel's
peak counter is reset (`echo 5 > /proc/self/clear_refs`), so "peak" is the high-water mark of
that stage (VmHWM); where it cannot be reset, the process's lifetime peak (`ru_maxrss`) is
shown instead and says so. The delta is RSS after the stage less RSS before it. RSS counts
what C extensions (rapidfuzz, pydantic-core) allocate and costs nothing to read; tracemalloc
would see only Python's own allocations and slow down the very run it measures. The peak held
against the target is the higher of the loading and the screening stage's (the exhaustive
stage is the bench's, not dualscreen's). It includes the bench's own generated records, so it
overstates the CLI's, which streams its input (`bench_memory.py` measures the CLI itself).

Lists and the name index are cached in a fresh temporary folder (unless DUALSCREEN_CACHE_DIR
is set), so a cache written by other code never skews the figures; the CLI's warm-up run fills
it before the timed runs.

A script, not a test: it prints figures and the issue's targets, and asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import multiprocessing
import os
import pstats
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from _common import PARTY_FIELDS, cli_latency, make_records, private_cache
from dualscreen.defaults import default_rules, packaged_lists
from dualscreen.lists import load_lists
from dualscreen.matching.normalize import match_key, name_tokens, reorder_listed
from dualscreen.models import ReasonKind
from dualscreen.rules import load_rules
from dualscreen.screening import Screener, default_workers

try:
    import numpy as np
except ImportError:  # pragma: no cover - a message, not a failure mode
    sys.exit("bench_speed needs numpy for rapidfuzz's cdist: .venv/bin/pip install numpy")

SDN = Path("ofac-sdn") / "2024-05-03"
UN_DPL = (Path("un") / "UN_consolidated.xml", Path("bis-dpl") / "dpl-2023-11.txt")
MB = 1_000_000
TARGET_RATIO = 0.2
TARGET_RECALL = 0.99
TARGET_PEAK_MB = 400
TARGET_CLI_S = 0.5


# --- memory ---------------------------------------------------------------------------------


def _status_bytes(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    return None


def rss() -> int:
    return _status_bytes("VmRSS") or 0


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter (Linux 4.0+): the next VmHWM is this stage's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak(was_reset: bool) -> str:
    if was_reset and (hwm := _status_bytes("VmHWM")):
        return f"{hwm / MB:,.0f} MB"
    lifetime = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return f"{lifetime / MB:,.0f} MB (process lifetime peak: the counter could not be reset)"


def peak_mb(was_reset: bool) -> float:
    hwm = _status_bytes("VmHWM") if was_reset else None
    return (hwm or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024) / MB


# --- the two ways -----------------------------------------------------------------------------


class MatcherClock:
    """Adds up the time spent in the matcher's matching methods (`match`, and `match_many` where
    the matcher has one), to tell matching apart from the rest of a record's screening. Only
    outermost calls are timed, so a method calling another is not counted twice."""

    METHODS = ("match", "match_many")

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher
        self.seconds = 0.0
        self.calls: Counter[str] = Counter()
        self._depth = 0
        self._originals = {m: getattr(matcher, m) for m in self.METHODS if hasattr(matcher, m)}
        for name, original in self._originals.items():
            setattr(matcher, name, self._timed(name, original))

    def _timed(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            self._depth += 1
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:
                    self.seconds += time.perf_counter() - start

        return timed

    def restore(self) -> None:
        for name in self._originals:
            delattr(self.matcher, name)  # the class's method shows through again

    def describe(self, total: float) -> str:
        if not self.calls:
            return "no call to match or match_many (the screener matches some other way)"
        calls = ", ".join(f"{name} ×{n:,}" for name, n in sorted(self.calls.items()))
        return (
            f"{self.seconds:.2f} s ({self.seconds / total:.0%}; {calls}); the rest, "
            f"{total - self.seconds:.2f} s, is parsing, rules and decisions"
        )


def screen_batch(screener: Screener, records: list[Any]) -> set[tuple[int, str, str, str]]:
    """(line, field, list, entry id) of every party reason; decisions are not kept (the CLI
    streams them out)."""
    found = set()
    for decision in screener.screen(records):
        line = int(decision.id[1:])
        for r in decision.reasons:
            if r.kind is ReasonKind.PARTY:
                found.add((line, r.field or "", r.list or "", r.entry_id or ""))
    return found


def exhaustive(
    queries: list[str], names: list[str], cutoff: float, chunk: int, workers: int
) -> dict[int, np.ndarray]:
    """For each query (by position) with any name at or above `cutoff` (0..100), the positions of
    those names. `cdist` fills a chunk × names matrix of uint8 scores (0 below the cutoff)."""
    hits: dict[int, np.ndarray] = {}
    for start in range(0, len(queries), chunk):
        scores = process.cdist(
            queries[start : start + chunk],
            names,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=cutoff,
            workers=workers,
            dtype=np.uint8,
        )
        rows = np.flatnonzero(scores.any(axis=1))
        for row in rows:
            hits[start + int(row)] = np.flatnonzero(scores[row])
    return hits


def profile_screening(screener_args: tuple[Any, Any], records: list[Any], top: int) -> None:
    """cProfile of a fresh screener (empty match cache) on part of the batch."""
    screener = Screener(*screener_args)
    profiler = cProfile.Profile()
    profiler.enable()
    screen_batch(screener, records)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(f"\nprofile of screening {len(records):,} records (cProfile, by own time):")
    keep = False
    for line in out.getvalue().splitlines():
        keep = keep or line.lstrip().startswith("ncalls")
        if keep and line.strip():
            print("  " + line.strip()[:150])


def _workers_usage(before: resource.struct_rusage) -> tuple[float, float]:
    """CPU seconds and the largest peak RSS (MB) of the worker processes that ended since
    `before`: the screener shuts its pool when a run ends; its processes are waited for here."""
    for _ in range(50):
        if not multiprocessing.active_children():
            break
        time.sleep(0.02)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, after.ru_maxrss * 1024 / MB


def _verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def main() -> None:
    with private_cache():
        run()


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--planted", type=float, default=0.02, help="share of SDN party names")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--with-un-dpl", action="store_true", help="add the packaged UN and DPL lists"
    )
    parser.add_argument("--lists", nargs="+", type=Path, help="list files instead of these")
    parser.add_argument("--chunk", type=int, default=1000, help="cdist queries per chunk")
    parser.add_argument("--workers", type=int, default=2, help="cdist workers")
    parser.add_argument(
        "--screen-workers",
        type=int,
        default=default_workers(),
        help="Screener processes (default: one per core, as `screen`)",
    )
    parser.add_argument("--cli-runs", type=int, default=7)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="also profile N records"
    )
    args = parser.parse_args()

    rss_start = rss()
    packaged = packaged_lists()
    paths = args.lists or [packaged / SDN]
    if args.with_un_dpl and not args.lists:
        paths += [packaged / p for p in UN_DPL]

    reset = reset_peak()
    started = time.perf_counter()
    lists = load_lists(paths)
    loaded = time.perf_counter()
    rules = load_rules([default_rules()])
    screener = Screener(rules, lists, workers=args.screen_workers)
    gc.freeze()  # as `screen` does once its lists, rules and index are loaded
    built = time.perf_counter()
    rss_ready = rss()
    ready_peak, ready_peak_mb = peak(reset), peak_mb(reset)

    sdn = [e for lst in lists if lst.info.name == "ofac-sdn" for e in lst.entries]
    if not sdn:
        sys.exit("no ofac-sdn list among the lists: the planted names come from it")
    records, planted = make_records(args.records, args.planted, sdn, args.seed)
    parties = [r.data[f] for r in records for f in PARTY_FIELDS]
    generated = time.perf_counter()
    rss_generated = rss()

    clock = MatcherClock(screener.matcher)
    load_before = os.getloadavg()[0]
    reset = reset_peak()
    rss_before = rss()
    start, start_cpu = time.perf_counter(), time.process_time()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = screen_batch(screener, records)
    screen_s, screen_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    workers_cpu, workers_peak_mb = _workers_usage(children_before)
    screen_rss = rss() - rss_before
    screen_peak, screen_peak_mb = peak(reset), peak_mb(reset)
    clock.restore()

    caught = sum((p.line, p.field, "ofac-sdn", p.entry.entry_id) in found for p in planted)
    planted_slots = {(p.line, p.field) for p in planted}
    screen_alerts = {(line, field) for line, field, _, _ in found} - planted_slots

    # Exhaustive: the same names, normalised alike, every one against every listed name.
    cutoff = rules.flag_cutoff() * 100
    start = time.perf_counter()
    owners: list[tuple[str, str]] = []
    names: list[str] = []
    for lst in lists:
        for entry in lst.entries:
            for name in (entry.name, *entry.aliases):
                key = match_key(reorder_listed(name))
                if key:
                    names.append(key)
                    owners.append((lst.info.name, entry.entry_id))
    names_s = time.perf_counter() - start
    reset = reset_peak()
    rss_before = rss()
    # The screener has filled normalisation's memo with these names: empty it, so the
    # exhaustive way pays for normalising them too.
    getattr(name_tokens, "cache_clear", lambda: None)()
    start, start_cpu = time.perf_counter(), time.process_time()
    keys = [match_key(p) for p in parties]
    distinct = sorted(set(keys))
    normalise_s = time.perf_counter() - start
    hits = exhaustive(distinct, names, cutoff, args.chunk, args.workers)
    exhaustive_s, exhaustive_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    load_after = os.getloadavg()[0]
    cdist_peak, cdist_rss = peak(reset), rss() - rss_before
    position = {key: i for i, key in enumerate(distinct)}

    def entries_hit(key: str) -> set[tuple[str, str]]:
        return {owners[int(i)] for i in hits.get(position[key], ())}

    exhaustive_caught = sum(
        ("ofac-sdn", p.entry.entry_id) in entries_hit(match_key(p.query)) for p in planted
    )
    exhaustive_alerts = sum(
        1
        for r in records
        for f in PARTY_FIELDS
        if (r.line, f) not in planted_slots and position[match_key(r.data[f])] in hits
    )

    try:
        cli = cli_latency(args.cli_runs)
    except SystemExit as failed:  # the figures above are still worth printing
        cli, cli_error = [float("nan")], str(failed)
    else:
        cli_error = ""

    ratio = screen_s / exhaustive_s
    recall = caught / max(len(planted), 1)
    exhaustive_recall = exhaustive_caught / max(len(planted), 1)
    cli_median = statistics.median(cli)
    peak_target_mb = max(ready_peak_mb, screen_peak_mb)
    rows = [
        ("lists", ", ".join(f"{x.info.name} {x.info.version} ({x.info.entries:,})" for x in lists)),
        ("names indexed (with aliases)", f"{screener.matcher.size:,} (exhaustive: {len(names):,})"),
        ("load lists / rules + index", f"{loaded - started:.2f} s / {built - loaded:.2f} s"),
        (
            "batch",
            f"{len(records):,} records, {len(parties):,} party names, "
            f"{len(set(parties)):,} distinct ({len(distinct):,} distinct keys), "
            f"generated in {generated - built:.1f} s",
        ),
        ("", ""),
        (
            f"Screener.screen (workers={args.screen_workers})",
            f"{screen_s:.2f} s wall, {screen_cpu:.2f} s CPU here"
            + (
                f" + {workers_cpu:.2f} s CPU in worker processes (peak RSS "
                f"{workers_peak_mb:,.0f} MB each, pages shared with this one counted in both)"
                if args.screen_workers > 1
                else ""
            ),
        ),
        ("  records/s", f"{len(records) / screen_s:,.0f}"),
        ("  party names/s", f"{len(parties) / screen_s:,.0f}"),
        ("  in the matcher (this process)", clock.describe(screen_s)),
        ("  planted SDN names caught", f"{caught}/{len(planted)} = {recall:.1%}"),
        ("  other party slots alerted", f"{len(screen_alerts):,}"),
        (
            f"exhaustive cdist (workers={args.workers})",
            f"{exhaustive_s:.2f} s wall, {exhaustive_cpu:.2f} s CPU ({normalise_s:.2f} s "
            "normalising the parties, "
            f"{exhaustive_s - normalise_s:.2f} s cdist; listed names {names_s:.2f} s, not counted)",
        ),
        ("  party names/s", f"{len(parties) / exhaustive_s:,.0f}"),
        (
            "  planted SDN names caught",
            f"{exhaustive_caught}/{len(planted)} = {exhaustive_recall:.1%}",
        ),
        ("  other party slots alerted", f"{exhaustive_alerts:,} (token_sort_ratio ≥ {cutoff:.0f})"),
        ("time ratio screen / exhaustive", f"{ratio:.3f} (wall)"),
        (
            "load average (1 min)",
            f"{load_before:.2f} before screening, {load_after:.2f} after cdist "
            f"({os.cpu_count()} CPUs; this bench alone makes about 1: more is other work)",
        ),
        ("", ""),
        ("RSS at start (interpreter, imports)", f"{rss_start / MB:,.0f} MB"),
        (
            "lists + rules + index",
            f"RSS +{(rss_ready - rss_start) / MB:,.0f} MB, peak {ready_peak}",
        ),
        ("generated batch (bench only)", f"RSS +{(rss_generated - rss_ready) / MB:,.0f} MB"),
        ("screening", f"RSS +{screen_rss / MB:,.0f} MB, peak {screen_peak}"),
        ("exhaustive cdist", f"RSS +{cdist_rss / MB:,.0f} MB, peak {cdist_peak}"),
        (
            f"CLI one record, median of {len(cli)}",
            cli_error
            or f"{cli_median:.3f} s (min {min(cli):.3f}, max {max(cli):.3f}; warm cache, "
            "packaged lists)",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    print(
        f"dualscreen speed bench — {time.strftime('%Y-%m-%d %H:%M')}, Python "
        f"{sys.version.split()[0]}, numpy {np.__version__}, seed {args.seed}"
    )
    for key, value in rows:
        print(f"  {key:<{width}}  {value}" if key else "")
    targets = [
        (
            f"batch time ≤ {TARGET_RATIO}× exhaustive",
            f"{ratio:.3f}× ({screen_s:.1f} s vs {exhaustive_s:.1f} s)",
            ratio <= TARGET_RATIO,
        ),
        (f"planted caught ≥ {TARGET_RECALL:.0%}", f"{recall:.1%}", recall >= TARGET_RECALL),
        (
            f"peak memory ≤ {TARGET_PEAK_MB} MB",
            f"{peak_target_mb:,.0f} MB (loading and screening)",
            peak_target_mb <= TARGET_PEAK_MB,
        ),
        (
            f"one-record CLI ≤ {TARGET_CLI_S} s",
            f"{cli_median:.3f} s",
            cli_median <= TARGET_CLI_S,
        ),
    ]
    print("\ntargets (issue 4):")
    width = max(len(t) for t, _, _ in targets)
    for target, value, met in targets:
        print(f"  {target:<{width}}  {value:<32} {_verdict(met)}")

    missed = [p for p in planted if (p.line, p.field, "ofac-sdn", p.entry.entry_id) not in found]
    if missed:
        print("planted names missed by Screener.screen:")
        for p in missed[:10]:
            print(f"  {p.query!r} (entry {p.entry.entry_id} {p.entry.name!r})")
    if args.profile:
        profile_screening((rules, lists), records[: args.profile], 15)


if __name__ == "__main__":
    main()
