"""The golden ranking table (tests/cases/party_ranking.csv): which of two hits an officer's
queue shows first, by the reasons' `confidence`, screened against the real lists.

Each row screens two queries as consignees (with the destination given, if any) through the
packaged default rules and compares the confidence of the reason each raises on its entry:
`>` the first ranks above the second, `=` they rank the same.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from dualscreen.models import ReasonKind
from dualscreen.records import RawRecord
from dualscreen.screening import Screener
from tests.matching.test_golden_cases import screener  # noqa: F401  (the shared fixture)

CASES_FILE = Path(__file__).resolve().parents[1] / "cases" / "party_ranking.csv"


@dataclass(frozen=True)
class Row:
    line: int
    higher: tuple[str, str, str]  # query, destination, "list:entry id"
    relation: str
    lower: tuple[str, str, str]
    note: str


def _rows() -> list[Row]:
    with CASES_FILE.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return [
            Row(
                line=reader.line_num,
                higher=(r["higher"], r["higher_destination"], r["higher_entry"]),
                relation=r["relation"],
                lower=(r["lower"], r["lower_destination"], r["lower_entry"]),
                note=r["note"],
            )
            for r in reader
        ]


ROWS = _rows()


def _confidence(screener: Screener, line: int, side: tuple[str, str, str]) -> float:  # noqa: F811
    query, destination, entry = side
    list_name, entry_id = entry.split(":", 1)
    data = {"id": f"line-{line}", "consignee": query}
    if destination:
        data["destination_country"] = destination
    decision = screener.screen_record(RawRecord(source=CASES_FILE.name, line=line, data=data))
    found = [
        r.confidence
        for r in decision.reasons
        if r.kind is ReasonKind.PARTY and r.list == list_name and r.entry_id == entry_id
    ]
    assert found and found[0] is not None, f"{query!r} raised no reason on {entry}"
    return max(c for c in found if c is not None)


def test_ranking_table_is_well_formed() -> None:
    for row in ROWS:
        assert row.relation in (">", "="), f"line {row.line}: relation must be > or ="
        assert row.note.strip(), f"line {row.line}: say why the order matters"
        assert ":" in row.higher[2] and ":" in row.lower[2], f"line {row.line}: list:entry id"


@pytest.mark.parametrize("row", ROWS, ids=[r.note[:60] for r in ROWS])
def test_golden_ranking(screener: Screener, row: Row) -> None:  # noqa: F811
    higher = _confidence(screener, row.line, row.higher)
    lower = _confidence(screener, row.line, row.lower)
    shown = f"{row.higher[0]!r} {higher} vs {row.lower[0]!r} {lower} ({row.note})"
    if row.relation == ">":
        assert higher > lower, shown
    else:
        assert higher == lower, shown
