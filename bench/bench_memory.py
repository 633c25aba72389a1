"""Peak memory and throughput of `dualscreen screen` on a large CSV, through the real CLI.

Run from the repository root:

    .venv/bin/python bench/bench_memory.py [--rows 300000] [--audit] [--seed 7]

Generates a CSV of `--rows` shipments in a temporary folder (three parties each, a share of
them real names from the packaged lists, critical-mineral and ordinary goods), screens it with
`dualscreen screen big.csv -o out.csv` on the packaged rules and lists in a subprocess, and
prints the child's peak RSS (from wait4's rusage) and records/s. `--audit` adds `--audit FILE`
and prints its size. Input and output are streamed, so the peak should not grow with the
rows: the target is at most 400 MB for 300,000. A script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dualscreen.defaults import default_lists
from dualscreen.lists import load_lists

WORDS = (
    "Acme Global Nusantara Sinar Jaya Makmur Baltic Orient Pacific Trading Logistics Metals "
    "Mining Energy Tools Systems Andalas Borneo Celebes Delta Eagle Harbour Indo Java Kencana"
).split()
FORMS = ("PT", "Ltd", "GmbH", "LLC", "Co., Ltd.", "Tbk", "SA", "Sdn Bhd")
HEADER = (
    "id,exporter,consignee,end_user,hs_code,description,origin_country,destination_country,date"
).split(",")
GOODS = (  # (HS code, description, origin, destination)
    ("750210", "Nickel cathode, unwrought", "ID", "US"),
    ("283324", "Nickel sulphate hexahydrate", "ID", "JP"),
    ("260400", "Nickel ore", "ID", "CN"),
    ("810520", "Cobalt hydroxide", "CD", "CN"),
    ("850760", "Lithium-ion battery cells", "CN", "US"),
    ("940360", "Wooden furniture", "ID", "US"),
    ("090111", "Coffee, not roasted", "ID", "DE"),
    ("847130", "Laptop computers", "US", "ID"),
)


def write_csv(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    listed = sorted({e.name for lst in load_lists(default_lists()) for e in lst.entries})
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for n in range(rows):
            parties = [
                rng.choice(listed)
                if rng.random() < 0.01
                else f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(FORMS)}"
                for _ in range(3)
            ]
            hs, description, origin, destination = rng.choice(GOODS)
            out.writerow([f"S-{n:07d}", *parties, hs, description, origin, destination, ""])


def run(command: list[str], log: Path) -> tuple[int, float, int]:
    """Exit code, wall seconds and the child's peak RSS in bytes."""
    started = time.perf_counter()
    with log.open("wb") as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # Linux: KiB
    return child.returncode, elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--audit", action="store_true", help="also write an audit trail")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        big, out, audit = tmp / "big.csv", tmp / "out.csv", tmp / "audit.jsonl"
        started = time.perf_counter()
        write_csv(big, args.rows, args.seed)
        print(
            f"generated {args.rows:,} rows ({big.stat().st_size / 2**20:.1f} MiB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        command = [sys.executable, "-m", "dualscreen", "screen", str(big), "-o", str(out), "-q"]
        if args.audit:
            command += ["--audit", str(audit)]
        code, elapsed, peak = run(command, tmp / "stderr.log")
        if code not in (0, 3, 4):
            sys.exit(f"dualscreen exited {code}:\n{(tmp / 'stderr.log').read_text()}")
        with out.open(encoding="utf-8") as fh:
            decided = sum(1 for _ in fh) - 1
        print(f"exit code       {code}")
        print(f"decisions       {decided:,} (rows {args.rows:,})")
        print(f"wall time       {elapsed:.1f} s (lists and rules loading included)")
        print(f"throughput      {args.rows / elapsed:,.0f} records/s")
        print(f"peak RSS        {peak / 2**20:,.0f} MiB (target: <= 400 MB)")
        print(f"output          {out.stat().st_size / 2**20:.1f} MiB")
        if args.audit:
            print(f"audit file      {audit.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
