"""CSV: decision and explanation beside the original columns, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from typing import Any, TextIO

from dualscreen.models import SHIPMENT_FIELDS, Decision

DECISION_COLUMNS = ("id", "decision", "rules", "explanation")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a leading quote disarms them."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class CsvWriter:
    """Columns: id, decision, rules, explanation, then the record's own columns (canonical fields
    first, others in the order of the first record)."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")
        self._stream = stream
        self._columns: list[str] | None = None

    def write(self, decision: Decision) -> None:
        record = decision.record
        if self._columns is None:
            canonical = [f for f in SHIPMENT_FIELDS if f != "id"]
            others = [k for k in record if k not in SHIPMENT_FIELDS]
            self._columns = canonical + others
            self._writer.writerow([*DECISION_COLUMNS, *self._columns])
        rules = ";".join(dict.fromkeys(r.rule for r in decision.reasons))
        explanation = " | ".join(f"{r.action.value}: {r.explanation}" for r in decision.reasons)
        row = [decision.id, decision.decision.value, rules, explanation]
        row += [record.get(c, "") for c in self._columns]
        self._writer.writerow([safe_cell(v) for v in row])

    def close(self) -> None:
        if self._columns is None:
            self._writer.writerow(DECISION_COLUMNS)
        self._stream.flush()
