"""Every writer's exact output, pinned once; and the atomic file that a failed run leaves alone."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dualscreen.models import Action, Decision, Reason, ReasonKind, Verdict
from dualscreen.output import OutputFormat, writer_for
from dualscreen.output import table as table_module
from dualscreen.output.atomic import atomic_output
from dualscreen.output.csv_table import safe_cell

MONITORED = Decision(
    id="S-1",
    decision=Verdict.PASS,
    reasons=(
        Reason(
            kind=ReasonKind.COMMODITY,
            action=Action.MONITOR,
            rule="critical-mineral-nickel",
            explanation="HS 750110 is nickel mattes (nickel, intermediate): monitored.",
            field="hs_code",
            value="750110",
            mineral="nickel",
            stage="intermediate",
        ),
    ),
    record={
        "id": "S-1",
        "exporter": "PT Aneka Tambang Tbk",
        "hs_code": "7501.10",
        "destination_country": "JP",
        "Invoice No": "INV-1",
        "Incoterm": "FOB",
    },
)
BLOCKED = Decision(
    id="S-2",
    decision=Verdict.BLOCK,
    reasons=(
        Reason(
            kind=ReasonKind.PARTY,
            action=Action.BLOCK,
            rule="restricted-party",
            explanation='consignee "Al Qaida" matches ofac-sdn entry 6366 [SDGT]',
            basis="31 CFR 594",
            field="consignee",
            value="Al Qaida",
            list="ofac-sdn",
            list_version="2024-05-03",
            entry_id="6366",
            matched_name="AL QA'IDA",
            score=1.0,
            programs=("SDGT",),
        ),
    ),
    record={
        "id": "S-2",
        "consignee": '=HYPERLINK("http://x.example","open")',
        "hs_code": "847130",
        "Invoice No": "INV-2 Société",
        "Incoterm": "CIF",
    },
)

MONITORED_JSON = (
    '{"id": "S-1", "decision": "pass", "reasons": [{"kind": "commodity", "action": "monitor", '
    '"rule": "critical-mineral-nickel", "explanation": "HS 750110 is nickel mattes (nickel, '
    'intermediate): monitored.", "basis": "", "field": "hs_code", "value": "750110", '
    '"mineral": "nickel", "stage": "intermediate"}], "record": {"id": "S-1", "exporter": '
    '"PT Aneka Tambang Tbk", "hs_code": "7501.10", "destination_country": "JP", '
    '"Invoice No": "INV-1", "Incoterm": "FOB"}}'
)
BLOCKED_JSON = (
    '{"id": "S-2", "decision": "block", "reasons": [{"kind": "party", "action": "block", '
    '"rule": "restricted-party", "explanation": "consignee \\"Al Qaida\\" matches ofac-sdn '
    'entry 6366 [SDGT]", "basis": "31 CFR 594", "field": "consignee", "value": "Al Qaida", '
    '"list": "ofac-sdn", "list_version": "2024-05-03", "entry_id": "6366", '
    '"matched_name": "AL QA\'IDA", "score": 1.0, "programs": ["SDGT"]}], "record": {"id": '
    '"S-2", "consignee": "=HYPERLINK(\\"http://x.example\\",\\"open\\")", "hs_code": "847130", '
    '"Invoice No": "INV-2 Société", "Incoterm": "CIF"}}'
)


def render(fmt: OutputFormat, *decisions: Decision) -> str:
    stream = io.StringIO()
    writer = writer_for(fmt, stream)
    for decision in decisions:
        writer.write(decision)
    writer.close()
    return stream.getvalue()


# --- jsonl and json -------------------------------------------------------------------------


def test_jsonl_is_one_decision_object_per_line() -> None:
    assert render(OutputFormat.JSONL, MONITORED, BLOCKED) == (
        MONITORED_JSON + "\n" + BLOCKED_JSON + "\n"
    )


def test_jsonl_of_no_decisions_is_empty() -> None:
    assert render(OutputFormat.JSONL) == ""


def test_json_is_an_array_with_one_decision_per_line() -> None:
    assert render(OutputFormat.JSON, MONITORED, BLOCKED) == (
        "[\n" + MONITORED_JSON + ",\n" + BLOCKED_JSON + "\n]\n"
    )


def test_json_of_no_decisions_is_an_empty_array() -> None:
    assert render(OutputFormat.JSON) == "[]\n"


# --- csv ------------------------------------------------------------------------------------


def test_csv_puts_the_decision_first_and_disarms_formulas() -> None:
    header = (
        "id,decision,rules,explanation,exporter,consignee,end_user,intermediary,hs_code,"
        "description,origin_country,destination_country,control_code,license,quantity,unit,"
        "value,currency,date,Invoice No,Incoterm\n"
    )
    monitored = (
        'S-1,pass,critical-mineral-nickel,"monitor: HS 750110 is nickel mattes (nickel, '
        'intermediate): monitored.",PT Aneka Tambang Tbk,,,,7501.10,,,JP,,,,,,,,INV-1,FOB\n'
    )
    blocked = (
        'S-2,block,restricted-party,"block: consignee ""Al Qaida"" matches ofac-sdn entry 6366 '
        '[SDGT]",,"\'=HYPERLINK(""http://x.example"",""open"")",,,847130,,,,,,,,,,,'
        "INV-2 Société,CIF\n"
    )

    assert render(OutputFormat.CSV, MONITORED, BLOCKED) == header + monitored + blocked


def test_csv_of_no_decisions_is_the_header() -> None:
    assert render(OutputFormat.CSV) == "id,decision,rules,explanation\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("=1+1", "'=1+1", id="equals"),
        pytest.param("+1+1", "'+1+1", id="plus"),
        pytest.param("-2+3", "'-2+3", id="minus"),
        pytest.param("@SUM(1)", "'@SUM(1)", id="at"),
        pytest.param("\t=1+1", "'\t=1+1", id="tab"),
        pytest.param("\r=1+1", "'\r=1+1", id="carriage-return"),
        pytest.param("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", id="dde"),
        pytest.param("Acme = Tools", "Acme = Tools", id="formula-character-inside"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
        pytest.param(847130, "847130", id="number"),
    ],
)
def test_safe_cell_quotes_what_a_spreadsheet_would_run(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


# --- table ----------------------------------------------------------------------------------


@pytest.fixture
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed width and no colour, whatever the terminal running the tests says."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("plain_terminal")
def test_table_shows_ids_decisions_and_reasons_as_written() -> None:
    bracketed = MONITORED.model_copy(update={"id": "[bold]S-3[/bold]"})

    out = render(OutputFormat.TABLE, MONITORED, BLOCKED, bracketed)

    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 200
    rows = [line for line in out.splitlines() if "S-" in line]
    assert len(rows) == 3
    assert "│ S-1 " in rows[0]
    assert "│ pass " in rows[0]
    assert "│ [monitor] critical-mineral-nickel: HS 750110 is nickel mattes" in rows[0]
    assert "│ S-2 " in rows[1]
    assert "│ block " in rows[1]
    reason = '[block] restricted-party: consignee "Al Qaida" matches ofac-sdn entry 6366 [SDGT]'
    assert f"│ {reason} " in rows[1]
    assert "│ [bold]S-3[/bold] " in rows[2]


@pytest.mark.usefixtures("plain_terminal")
def test_table_prints_a_page_as_soon_as_it_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_module, "PAGE", 2)
    stream = io.StringIO()
    writer = writer_for(OutputFormat.TABLE, stream)

    writer.write(MONITORED)
    assert stream.getvalue() == ""
    writer.write(BLOCKED)
    assert "S-2" in stream.getvalue()
    writer.write(MONITORED.model_copy(update={"id": "S-3"}))
    writer.close()
    assert "S-3" in stream.getvalue()


# --- atomic_output --------------------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test changes it."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


def test_atomic_output_replaces_the_target_only_when_the_block_ends(tmp_path: Path) -> None:
    target = tmp_path / "decisions.jsonl"
    target.write_bytes(b"old\n")

    with atomic_output(target) as stream:
        stream.write("new\n")
        stream.flush()
        assert target.read_bytes() == b"old\n"

    assert target.read_bytes() == b"new\n"
    assert os.listdir(tmp_path) == ["decisions.jsonl"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt], ids=["error", "ctrl-c"])
def test_atomic_output_leaves_an_existing_file_untouched_on_error(
    tmp_path: Path, error: type[BaseException]
) -> None:
    target = tmp_path / "decisions.csv"
    original = b"id,decision\r\nS-1,pass\r\n\xff"
    target.write_bytes(original)

    with pytest.raises(error), atomic_output(target) as stream:
        stream.write("half a run")
        raise error

    assert target.read_bytes() == original
    assert os.listdir(tmp_path) == ["decisions.csv"]


def test_atomic_output_creates_nothing_on_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_output(tmp_path / "new.jsonl") as stream:
        stream.write("half a run")
        raise RuntimeError

    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("mask", "mode"),
    [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)],
    ids=["022", "077", "002"],
)
@pytest.mark.usefixtures("umask")
def test_atomic_output_file_mode_follows_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    os.umask(mask)
    target = tmp_path / "decisions.jsonl"

    with atomic_output(target) as stream:
        stream.write("x\n")

    assert target.stat().st_mode & 0o777 == mode


def test_atomic_output_through_a_symlink_replaces_the_target_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    with atomic_output(link) as stream:
        stream.write("new\n")
    assert link.is_symlink()
    assert real.read_text() == "new\n"


def test_a_fifo_is_written_through_not_replaced_by_a_file(tmp_path: Path) -> None:
    """`-o /dev/null` once replaced the device with a regular file (as root): a device or a
    pipe is written straight through. A FIFO stands in for the device here."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    with atomic_output(fifo) as stream:
        stream.write("decisions\n")
    reader.join(timeout=10)
    assert received == ["decisions\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file left
