"""How well `score` and `confidence` rank a review queue: true hits above false alerts.

Run from the repository root:

    .venv/bin/python bench/eval_ranking.py [--per-type 300] [--innocent 3000] [--seed 7]

The queries are eval_matching's: labelled name variants of listed entries, and innocent names.
Every party reason they raise is one item of a queue. An item is true when it names the entry
its query was made from, or another listing of one of that entry's names (the same party on
SDN and CSL); false when it names another entry (a neighbour of a listed name) or comes from
an innocent name. For each ranking value the script prints the probability that a
random true item ranks above a random false one (ROC AUC; ties count half), the share of items
tied at the value's maximum (saturation), and the precision of the top of the queue. A script,
not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable

from _common import innocent_names, private_cache
from dualscreen.defaults import default_rules
from dualscreen.lists import load_lists
from dualscreen.models import Reason
from dualscreen.rules import load_rules
from dualscreen.screening import Screener
from eval_matching import (
    DEFAULT_LISTS,
    DESTINATION,
    evaluate,
    make_cases,
    party_reasons,
    plain_key,
)

Item = tuple[bool, Reason]


def auc(items: list[Item], value: Callable[[Reason], float]) -> float:
    """P(a true item ranks above a false one), ties half: by ranks, O(n log n)."""
    ranked = sorted(items, key=lambda item: value(item[1]))
    positives = sum(1 for truth, _ in items if truth)
    negatives = len(items) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and value(ranked[j][1]) == value(ranked[i][1]):
            j += 1
        mid = (i + j + 1) / 2  # average 1-based rank of the tie
        rank_sum += mid * sum(1 for truth, _ in ranked[i:j] if truth)
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def top_precision(items: list[Item], value: Callable[[Reason], float], share: float) -> float:
    ranked = sorted(items, key=lambda item: -value(item[1]))
    top = ranked[: max(1, int(len(ranked) * share))]
    return sum(truth for truth, _ in top) / len(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-type", type=int, default=300)
    parser.add_argument("--innocent", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    missing = [str(p) for p in DEFAULT_LISTS if not p.exists()]
    if missing:
        sys.exit(f"list data not found: {', '.join(missing)}")

    with private_cache():
        lists = load_lists(list(DEFAULT_LISTS))
        screener = Screener(load_rules([default_rules()]), lists)
        pool = [(lst.info.name, entry) for lst in lists for entry in lst.entries]
        cases = make_cases(pool, args.per_type, args.seed)
        items: list[Item] = []
        per_kind: dict[str, list[float]] = {}
        for kind, found in cases.items():
            for outcome in evaluate(screener, found, DESTINATION):
                case = outcome.case
                names = {plain_key(n) for n in (case.entry.name, *case.entry.aliases)}
                for reason in outcome.reasons:
                    own = reason.list == case.list_name and reason.entry_id == case.entry.entry_id
                    # The same name listed again (SDN and CSL, OFAC and UN) is no false alert.
                    truth = own or plain_key(reason.matched_name or "") in names
                    items.append((truth, reason))
                    if own:
                        per_kind.setdefault(kind, []).append(reason.confidence or 0.0)
        listed = {plain_key(n) for lst in lists for e in lst.entries for n in (e.name, *e.aliases)}
        innocent = sorted(
            {name for _, name in innocent_names(args.seed, args.innocent)} - listed, key=str
        )
        innocent = [n for n in innocent if plain_key(n) not in listed]
        alerts = [r for rs in party_reasons(screener, innocent) for r in rs]
        items += [(False, r) for r in alerts]

    true_n = sum(truth for truth, _ in items)
    print(
        f"queue: {len(items):,} party reasons — {true_n:,} true (on the query's own entry), "
        f"{len(items) - true_n - len(alerts):,} false on other names, "
        f"{len(alerts):,} from innocent names"
    )
    values: dict[str, Callable[[Reason], float]] = {
        "score": lambda r: r.score or 0.0,
        "confidence": lambda r: r.confidence or 0.0,
    }
    print(
        f"{'ranked by':<12} {'AUC':>6} {'at max':>7} {'distinct':>9} {'top 10%':>8} {'top 25%':>8}"
    )
    for name, value in values.items():
        top = max(value(r) for _, r in items)
        at_max = sum(value(r) == top for _, r in items) / len(items)
        distinct = len({value(r) for _, r in items})
        print(
            f"{name:<12} {auc(items, value):>6.3f} {at_max:>7.1%} {distinct:>9,}"
            f" {top_precision(items, value, 0.10):>8.1%} {top_precision(items, value, 0.25):>8.1%}"
        )
    print("\nmean confidence of true hits per variant type, and of the false alerts:")
    for kind, found in per_kind.items():
        print(f"  {kind:<20} {len(found):>5} {statistics.fmean(found):.3f}")
    false_other = [r.confidence or 0.0 for truth, r in items if not truth and r not in alerts]
    if false_other:
        print(f"  {'other names':<20} {len(false_other):>5} {statistics.fmean(false_other):.3f}")
    worst = sorted((r for t, r in items if not t), key=lambda r: -(r.confidence or 0))[:8]
    print("\nthe false items ranked highest:")
    for r in worst:
        method = r.match.method if r.match else ""
        print(f"  {r.confidence:.3f} {r.value!r} → {r.matched_name!r} ({method})")
    if alerts:
        mean = statistics.fmean(r.confidence or 0.0 for r in alerts)
        print(f"  {'innocent names':<20} {len(alerts):>5} {mean:.3f}")


if __name__ == "__main__":
    main()
