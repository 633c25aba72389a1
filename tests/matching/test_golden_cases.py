"""The golden party-name table (tests/cases/party_names.csv) screened against the real lists.

Each row is one query screened as a consignee with the packaged default rules:
`block`/`flag` need a party reason naming that list entry with that action; `pass` needs none
for that entry, or none at all when the row names no entry. A note starting with "KNOWN GAP"
marks a row the matcher gets wrong today: it runs as a strict xfail, so fixing the gap fails
the row until the marker is removed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from dualscreen.defaults import default_rules
from dualscreen.lists import load_lists
from dualscreen.models import Action, Reason, ReasonKind
from dualscreen.records import RawRecord
from dualscreen.rules import load_rules
from dualscreen.screening import Screener

CASES_FILE = Path(__file__).resolve().parents[1] / "cases" / "party_names.csv"
COLUMNS = ["query", "list", "expected_entry_id", "expected", "note"]
EXPECTED = ("block", "flag", "pass")
KNOWN_GAP = "KNOWN GAP"

REAL_LISTS = (
    "lists/ofac-sdn/2024-05-03",
    "lists/un/UN_consolidated.xml",
    "lists/bis-dpl/dpl-2023-11.txt",
)
"""Below ../shared/data: the list snapshots the table's entry ids come from."""


@dataclass(frozen=True)
class Case:
    line: int
    query: str
    list: str
    entry_id: str
    expected: str
    note: str


def _read_cases() -> tuple[list[str], list[Case]]:
    with CASES_FILE.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cases = [
            Case(
                line=reader.line_num,
                query=row["query"],
                list=row["list"],
                entry_id=row["expected_entry_id"],
                expected=row["expected"],
                note=row["note"],
            )
            for row in reader
        ]
        return list(reader.fieldnames or ()), cases


HEADER, CASES = _read_cases()


def _param(case: Case) -> object:
    gap = case.note.upper().startswith(KNOWN_GAP)
    marks = [pytest.mark.xfail(strict=True, reason=case.note)] if gap else []
    return pytest.param(case, id=case.query, marks=marks)


@pytest.fixture(scope="module")
def screener(shared_data: Path) -> Screener:
    lists = load_lists([shared_data / path for path in REAL_LISTS])
    return Screener(load_rules([default_rules()]), lists)


def test_case_table_is_well_formed() -> None:
    assert HEADER == COLUMNS
    problems = []
    for case in CASES:
        where = f"{CASES_FILE.name} line {case.line} ({case.query!r})"
        if not case.query.strip():
            problems.append(f"{where}: empty query")
        if case.expected not in EXPECTED:
            problems.append(f"{where}: expected {case.expected!r} is not one of {EXPECTED}")
        if bool(case.list) != bool(case.entry_id):
            problems.append(f"{where}: give both list and expected_entry_id, or neither")
        if case.expected != "pass" and not case.entry_id:
            problems.append(f"{where}: a {case.expected} row must name the entry it hits")
        if not case.note.strip():
            problems.append(f"{where}: say in the note why the case matters")
    keys = [(c.query, c.list, c.entry_id) for c in CASES]
    problems += [f"duplicate row {k}" for k in sorted({k for k in keys if keys.count(k) > 1})]
    assert not problems, "\n".join(problems)


def test_every_entry_in_the_table_is_on_its_list(screener: Screener) -> None:
    """A `pass` row naming an entry that does not exist could never fail."""
    on_lists = {(lst.info.name, e.entry_id) for lst in screener.lists for e in lst.entries}
    missing = [
        f"line {c.line}: {c.list} {c.entry_id} ({c.query!r})"
        for c in CASES
        if c.entry_id and (c.list, c.entry_id) not in on_lists
    ]
    assert not missing, "entries not on the loaded lists:\n" + "\n".join(missing)


def _describe(reasons: list[Reason]) -> str:
    return "; ".join(
        f"{r.action} {r.list} {r.entry_id} {r.matched_name!r} score {r.score}" for r in reasons
    )


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_golden_party_name(screener: Screener, case: Case) -> None:
    record = RawRecord(
        source=CASES_FILE.name,
        line=case.line,
        data={"id": f"line-{case.line}", "consignee": case.query},
    )
    decision = screener.screen_record(record)
    party = [r for r in decision.reasons if r.kind is ReasonKind.PARTY]
    on_entry = [r for r in party if r.list == case.list and r.entry_id == case.entry_id]
    seen = _describe(party) or "no party reason"

    if case.expected == "pass":
        unwanted = on_entry if case.entry_id else party
        assert not unwanted, f"{case.query!r} should pass ({case.note}); got: {seen}"
    else:
        assert on_entry, f"{case.query!r} should {case.expected} {case.entry_id}; got: {seen}"
        strongest = max(on_entry, key=lambda r: r.action.severity).action
        assert strongest == Action(case.expected), (
            f"{case.query!r} should {case.expected} {case.entry_id}; got: {seen}"
        )
