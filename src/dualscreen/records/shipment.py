"""Turn a raw record into a validated Shipment, plus an `input` reason for each problem."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from dualscreen.countries import clean_country
from dualscreen.models import SHIPMENT_FIELDS, Action, Reason, ReasonKind, Shipment
from dualscreen.records.sources import RawRecord

_HS_SEPARATORS = re.compile(r"[.\s-]")
_SPACES = re.compile(r"\s+")
_HS_DIGITS = re.compile(r"[0-9]{6,10}")  # ASCII only: str.isdigit() also takes "８" and "²"
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")  # left after whitespace is collapsed
_CANONICAL = frozenset(SHIPMENT_FIELDS)
_JOINER = "\x1c"  # whitespace to str.split(), so in no cleaned field; not in _CONTROL


@lru_cache(maxsize=1024)
def canonical_name(column: str) -> str:
    """`End User`, `end-user` and `END_USER` all name the canonical field `end_user`.
    Remembered: every record of a file has the same columns."""
    return _SPACES.sub("_", column.strip().lower()).replace("-", "_")


def map_record(data: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """Rename columns to canonical fields (via `--map` first, then by name); keep the others."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        target = mapping.get(canonical_name(key))
        if target is None:
            name = canonical_name(key)
            target = name if name in _CANONICAL else key
        if target in out and target in _CANONICAL:
            # A second column for the same field is echoed under its own name, not screened;
            # never over the first one when its own name is the field's.
            echo, n = key, 2
            while echo in out:
                echo, n = f"{key} ({n})", n + 1
            out[echo] = value
            continue
        out[target] = value
    return out


def _input_reason(raw: RawRecord, field: str | None, message: str, value: Any = None) -> Reason:
    where = f"{raw.source}:{raw.line}" if raw.source != "<stdin>" else f"line {raw.line}"
    return Reason(
        kind=ReasonKind.INPUT,
        action=Action.FLAG,
        rule="input",
        explanation=f"{where}: {message}; the record cannot be screened fully, check and re-run",
        field=field,
        value=None if value is None else str(value)[:200],
        line=raw.line,
    )


def _as_text(value: Any) -> str | None:
    """JSON scalars become text (an HS code given as a number is common); containers do not."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | float):
        # str.split() splits on the whitespace `\s` matches: runs collapsed, ends trimmed.
        return " ".join(str(value).split())
    return None


def _parse_date(text: str) -> date:
    """`2026-10-02`, or an ISO timestamp whose date part is taken; anything else is an error."""
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text).date()


def to_shipment(
    raw: RawRecord, mapping: Mapping[str, str], default_id: str
) -> tuple[Shipment, dict[str, Any], list[Reason]]:
    """The shipment to screen, the record to echo back, and the input problems found."""
    record = map_record(raw.data, mapping)
    reasons: list[Reason] = []
    if raw.problem:
        reasons.append(_input_reason(raw, raw.problem_field, raw.problem))

    values: dict[str, Any] = {}
    for name in SHIPMENT_FIELDS:
        value = record.get(name)
        # str.split() splits on the whitespace `\s` matches: runs collapsed, ends trimmed.
        text = " ".join(value.split()) if type(value) is str else _as_text(value)
        if text is None:
            reasons.append(_input_reason(raw, name, f"{name} must be text or a number", value))
            text = ""
        values[name] = text
    # Checked on all fields at once first (joined by a character split() has taken out of
    # each), and field by field only when something is there to report.
    joined = _JOINER.join(values.values())
    if "\ufffd" in joined or _CONTROL.search(joined):
        for name, text in values.items():
            if "\ufffd" in text:
                reasons.append(
                    _input_reason(
                        raw, name, f"{name} has bytes that are not valid text; pass --encoding"
                    )
                )
            if _CONTROL.search(text):
                reasons.append(
                    _input_reason(raw, name, f"{name} has control characters such as NUL", text)
                )

    values["id"] = values["id"] or default_id
    record = {"id": values["id"], **{k: v for k, v in record.items() if k != "id"}}

    hs = _HS_SEPARATORS.sub("", values["hs_code"])
    if hs and not _HS_DIGITS.fullmatch(hs):
        reasons.append(
            _input_reason(raw, "hs_code", f"hs_code {values['hs_code']!r} is not 6-10 digits", hs)
        )
        hs = ""
    values["hs_code"] = hs

    for name in ("origin_country", "destination_country"):
        if values[name]:
            code = clean_country(values[name])
            if code is None:
                reasons.append(
                    _input_reason(
                        raw, name, f"{name} {values[name]!r} is not an ISO 3166 code", values[name]
                    )
                )
            values[name] = code or ""

    values["control_code"] = values["control_code"].upper()
    shipment_date = None
    if values["date"]:
        try:
            shipment_date = _parse_date(values["date"])
        except ValueError:
            reasons.append(
                _input_reason(
                    raw, "date", f"date {values['date']!r} is not an ISO date (YYYY-MM-DD)"
                )
            )
    values["date"] = shipment_date

    has_party = any(values[f] for f in ("exporter", "consignee", "end_user", "intermediary"))
    has_goods = any(values[f] for f in ("hs_code", "description", "control_code"))
    if not has_party and not has_goods and not raw.problem:
        reasons.append(_input_reason(raw, None, "no party and no goods to screen"))

    return Shipment(**values), record, reasons
