"""Re-screening's comparison: reasons matched by what they are about, never by their text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dualscreen.defaults import default_rules
from dualscreen.models import Verdict
from dualscreen.rescreen import compare, not_rejudged, raw_record, reason_identity, rescreen
from dualscreen.screening import Screener
from dualscreen.store import StoredScreening

HIT = {
    "kind": "party",
    "action": "flag",
    "rule": "restricted-party",
    "explanation": 'consignee "Acme" matches ofac-sdn entry 306 (score 0.91)',
    "field": "consignee",
    "value": "Acme",
    "list": "ofac-sdn",
    "list_version": "2026-11-01",
    "entry_id": "306",
    "score": 0.91,
}
EMBARGO = {
    "kind": "destination",
    "action": "block",
    "rule": "embargo-comprehensive",
    "explanation": "Destination CU is under a comprehensive embargo.",
}


def reason(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param([HIT], [HIT], ([], [], []), id="same"),
        pytest.param(
            [HIT],
            [reason(HIT, explanation="new text", list_version="2026-11-20", score=0.93)],
            ([], [], []),
            id="new-list-version-same-finding",
        ),
        pytest.param([HIT], [HIT, EMBARGO], ([EMBARGO], [], []), id="new-rule"),
        pytest.param([HIT, EMBARGO], [EMBARGO], ([], [HIT], []), id="entry-delisted"),
        pytest.param(
            [HIT],
            [reason(HIT, entry_id="307")],
            ([reason(HIT, entry_id="307")], [HIT], []),
            id="another-entry",
        ),
        pytest.param(
            [HIT],
            [reason(HIT, field="end_user")],
            ([reason(HIT, field="end_user")], [HIT], []),
            id="another-field",
        ),
        pytest.param(
            [HIT],
            [reason(HIT, list="un")],
            ([reason(HIT, list="un")], [HIT], []),
            id="another-list",
        ),
    ],
)
def test_compare_by_identity(
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    expected: tuple[list[Any], list[Any], list[Any]],
) -> None:
    changes = compare(before, after)
    assert (list(changes.added), list(changes.removed), list(changes.changed)) == expected


@pytest.mark.parametrize(
    "after",
    [
        pytest.param(reason(HIT, action="block"), id="action"),
        pytest.param(reason(HIT, review={"status": "cleared", "reviewer": "ana"}), id="review"),
    ],
)
def test_the_same_finding_counting_differently_is_a_change(after: dict[str, Any]) -> None:
    (change,) = compare([HIT], [after]).changed
    assert (change.before, change.after) == (HIT, after)


def test_identity_of_party_and_other_reasons() -> None:
    assert reason_identity(HIT) == ("party", "restricted-party", "ofac-sdn", "306", "consignee")
    assert reason_identity(EMBARGO) == ("destination", "embargo-comprehensive", None)
    bad_hs = {"kind": "input", "rule": "input", "field": "hs_code", "line": 7}
    assert reason_identity(bad_hs) == reason_identity({**bad_hs, "line": 9})


def stored(
    row: int, record: dict[str, Any] | None, decision: Verdict = Verdict.PASS, reasons: Any = ()
) -> StoredScreening:
    record_id = record["id"] if record else f"legacy-{row}"
    return StoredScreening(
        row=row,
        record_id=record_id,
        content_sha256="c" * 64,
        record=record,
        parties={"consignee": "Someone"} if record is None else {},
        decision=decision,
        reasons=list(reasons),
        lists=[],
        rules_sha256="r" * 64,
        screened_on=dt.date(2026, 11, 1),
        screened_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )


def test_input_problems_found_when_first_read_come_back_as_the_records_problem() -> None:
    ragged = {"kind": "input", "action": "flag", "rule": "input", "field": None, "line": 3}
    failed = {"kind": "input", "action": "flag", "rule": "internal-error"}
    raw = raw_record(stored(5, {"id": "R5"}, Verdict.FLAG, [ragged, failed]))
    assert (raw.source, raw.line, raw.data) == ("store", 5, {"id": "R5"})
    assert raw.problem is not None and "(record)" in raw.problem
    assert raw.problem_field is None
    assert raw_record(stored(6, {"id": "R6"}, Verdict.FLAG, [failed])).problem is None


def test_a_screening_without_its_record_is_flagged_not_dropped() -> None:
    result = not_rejudged(stored(9, None, Verdict.BLOCK))
    assert (result.id, result.decision, result.previous_decision) == (
        "legacy-9",
        Verdict.FLAG,
        Verdict.BLOCK,
    )
    assert result.changed and not result.rejudged
    assert list(result.to_json_dict())[:5] == [
        "id",
        "decision",
        "previous_decision",
        "previous_screened_on",
        "changes",
    ]


@pytest.fixture(scope="module")
def screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    path = Path(tmp_path_factory.mktemp("lists")) / "watch.yaml"
    path.write_text(
        "name: test-sanctions\nversion: '2026-11-01'\ncategory: sanctions\nentries:\n"
        "  - {id: S1, name: ACME TRADING GMBH}\n",
        encoding="utf-8",
    )
    return Screener.from_paths([default_rules()], [path])


def test_every_stored_screening_gives_one_result_in_store_order(screener: Screener) -> None:
    screenings = [
        stored(1, None),
        stored(2, {"id": "A", "consignee": "Acme Trading GmbH"}),
        stored(3, None),
        stored(4, {"id": "B", "consignee": "Globex Ltd"}),
        stored(5, None),
    ]
    results = list(rescreen(screener, screenings, dt.date(2026, 11, 22)))
    assert [(r.id, r.decision.value, r.changed) for r in results] == [
        ("legacy-1", "flag", True),
        ("A", "block", True),
        ("legacy-3", "flag", True),
        ("B", "pass", False),
        ("legacy-5", "flag", True),
    ]
    assert results[1].changes.added[0]["entry_id"] == "S1"
