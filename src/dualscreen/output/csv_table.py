"""CSV: decision and explanation beside the original columns, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Mapping
from typing import Any, TextIO

from dualscreen.models import SHIPMENT_FIELDS, Decision

DECISION_COLUMNS = ("id", "decision", "rules", "explanation")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a leading quote disarms them."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def record_columns(record: Mapping[str, Any]) -> list[str]:
    """The columns after the decision's, for a spreadsheet: every canonical field, then the
    first record's others in their order. Shared by the CSV and xlsx writers."""
    canonical = [f for f in SHIPMENT_FIELDS if f != "id"]
    return canonical + [k for k in record if k not in SHIPMENT_FIELDS]


class LeftOutFieldsWarning(UserWarning):
    """A record has fields the table's columns, fixed by the first record, do not hold."""


class FixedColumns:
    """A table's record columns, fixed by its first record (a stream cannot add columns once
    rows are written), and a warning, once per table, for the first record with fields they
    leave out: its decision is written, the fields' values are not."""

    def __init__(self, record: Mapping[str, Any]) -> None:
        self.columns = record_columns(record)
        self._known = frozenset(self.columns).union(SHIPMENT_FIELDS)
        self._warned = False

    def check(self, decision: Decision) -> None:
        if self._warned or self._known.issuperset(decision.record):
            return
        self._warned = True
        fields = ", ".join(k for k in decision.record if k not in self._known)
        warnings.warn(
            f"record {decision.id} has fields the first record had not ({fields}): a table's "
            "columns are its first record's, so their values are left out of it (JSON output "
            "keeps every field; said once per table)",
            LeftOutFieldsWarning,
            stacklevel=3,
        )


def decision_row(decision: Decision, columns: list[str]) -> list[Any]:
    """`id, decision, rules, explanation`, then the record's value in each column."""
    rules = ";".join(dict.fromkeys(r.rule for r in decision.reasons))
    explanation = " | ".join(f"{r.action_label}: {r.explanation}" for r in decision.reasons)
    row: list[Any] = [decision.id, decision.decision.value, rules, explanation]
    return row + [decision.record.get(c, "") for c in columns]


class CsvWriter:
    """Columns: id, decision, rules, explanation, then the record's own columns (canonical fields
    first, others in the order of the first record)."""

    leading: tuple[str, ...] = DECISION_COLUMNS
    """The columns before the record's; a subclass that adds some overrides `row` too."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")
        self._stream = stream
        self._columns: FixedColumns | None = None

    def write(self, decision: Decision) -> None:
        if self._columns is None:
            self._columns = FixedColumns(decision.record)
            # A column named "=cmd(...)" is as live in a header as in a row.
            self._writer.writerow([safe_cell(c) for c in (*self.leading, *self._columns.columns)])
        self._columns.check(decision)
        self._writer.writerow([safe_cell(v) for v in self.row(decision, self._columns.columns)])

    def row(self, decision: Decision, columns: list[str]) -> list[Any]:
        return decision_row(decision, columns)

    def close(self) -> None:
        if self._columns is None:
            self._writer.writerow(self.leading)
        self._stream.flush()
