"""Fail closed: every fault that stops a run exits 1 with one clear line, nothing on stdout, and
an existing `-o` file untouched. The README's "Failure behaviour" table is this matrix."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from dualscreen.defaults import default_rules
from tests.cli.conftest import Invoke, decisions

RECORD = '{"id": "r1", "consignee": "Banco Nacional de Cuba", "destination_country": "CH"}'
PREVIOUS = "previous run\n"

Setup = Callable[[Path, Path], list[str]]  # (tmp_path, watch_list) -> extra screen arguments


def _modes_bind() -> bool:
    """False for root (os.geteuid() == 0) and anyone else who reads a file whatever its mode."""
    return os.name == "posix" and (os.geteuid() != 0 or _probe_fails())


def _probe_fails() -> bool:
    # root without CAP_DAC_OVERRIDE (a hardened container) is bound by modes like anyone
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        try:
            probe.read_text()
        except PermissionError:
            return True
        return False


needs_non_root = pytest.mark.skipif(
    not _modes_bind(), reason="this user (root) reads files whatever their mode"
)


def _unreadable(path: Path) -> Path:
    path.chmod(0)
    return path


def _rules_copy(tmp: Path) -> Path:
    folder = tmp / "rules"
    folder.mkdir()
    for file in default_rules().glob("*.yaml"):
        (folder / file.name).write_bytes(file.read_bytes())
    return folder


def _pins(tmp: Path, pins: object) -> Path:
    path = tmp / "pins.json"
    path.write_text(json.dumps(pins))
    return path


def missing_list(tmp: Path, _watch: Path) -> list[str]:
    return ["--lists", str(tmp / "missing.yaml")]


def unreadable_list(tmp: Path, watch: Path) -> list[str]:
    return ["--lists", str(_unreadable(watch))]


def unreadable_list_in_folder(tmp: Path, watch: Path) -> list[str]:
    folder = tmp / "lists"
    folder.mkdir()
    _unreadable(watch.rename(folder / watch.name))
    return ["--lists", str(folder)]


def empty_list(tmp: Path, _watch: Path) -> list[str]:
    path = tmp / "empty.csv"
    path.write_text("id,name\n")
    return ["--lists", str(path)]


def missing_rules(tmp: Path, watch: Path) -> list[str]:
    return ["--lists", str(watch), "--rules", str(tmp / "missing.yaml")]


def unreadable_rules(tmp: Path, watch: Path) -> list[str]:
    folder = _rules_copy(tmp)
    return ["--lists", str(watch), "--rules", str(_unreadable(folder / "parties.yaml"))]


def unreadable_rules_in_folder(tmp: Path, watch: Path) -> list[str]:
    folder = _rules_copy(tmp)
    _unreadable(folder / "parties.yaml")
    return ["--lists", str(watch), "--rules", str(folder)]


def pinned_hash_mismatch(tmp: Path, watch: Path) -> list[str]:
    return ["--lists", str(watch), "--pin-lists", str(_pins(tmp, {"test-sanctions": "0" * 64}))]


def pinned_list_not_loaded(tmp: Path, watch: Path) -> list[str]:
    return ["--lists", str(watch), "--pin-lists", str(_pins(tmp, {"ofac-sdn": "0" * 64}))]


def unreadable_pin_file(tmp: Path, watch: Path) -> list[str]:
    return ["--lists", str(watch), "--pin-lists", str(tmp / "missing-pins.json")]


def audit_folder_missing(tmp: Path, watch: Path) -> list[str]:
    return ["--lists", str(watch), "--audit", str(tmp / "no-such-folder" / "audit.jsonl")]


def audit_ends_in_half_line(tmp: Path, watch: Path) -> list[str]:
    audit = tmp / "audit.jsonl"
    audit.write_text('{"seq":1,"prev":"00')
    return ["--lists", str(watch), "--audit", str(audit)]


def audit_is_not_an_audit_file(tmp: Path, watch: Path) -> list[str]:
    audit = tmp / "other.jsonl"
    audit.write_text('{"id": "r0", "decision": "pass"}\n')
    return ["--lists", str(watch), "--audit", str(audit)]


def audit_is_not_a_regular_file(tmp: Path, watch: Path) -> list[str]:
    return ["--lists", str(watch), "--audit", os.devnull]


def unreadable_input(tmp: Path, watch: Path) -> list[str]:
    path = tmp / "in.jsonl"
    path.write_text(RECORD + "\n")
    return [str(_unreadable(path)), "--lists", str(watch), "--audit", str(tmp / "audit.jsonl")]


def unreadable_pin_file_mode(tmp: Path, watch: Path) -> list[str]:
    pins = _unreadable(_pins(tmp, {"test-sanctions": "0" * 64}))
    return ["--lists", str(watch), "--pin-lists", str(pins)]


def unreadable_audit_file(tmp: Path, watch: Path) -> list[str]:
    audit = tmp / "audit.jsonl"
    audit.touch()
    return ["--lists", str(watch), "--audit", str(_unreadable(audit))]


CASES: list[tuple[Setup, str]] = [
    (missing_list, "no such list file or folder"),
    (empty_list, "no entries; refusing to screen against an empty list"),
    (missing_rules, "no such rules file or folder"),
    (pinned_hash_mismatch, "list 'test-sanctions'"),
    (pinned_list_not_loaded, "pinned list 'ofac-sdn' is not loaded"),
    (unreadable_pin_file, "cannot read pin file"),
    (audit_folder_missing, "cannot open the audit file"),
    (audit_ends_in_half_line, "ends in an incomplete line"),
    (audit_is_not_an_audit_file, "not a dualscreen audit line"),
    (audit_is_not_a_regular_file, "must be a regular file"),
]
NON_ROOT_CASES: list[tuple[Setup, str]] = [
    (unreadable_list_in_folder, "ermission denied"),
    (unreadable_rules_in_folder, "ermission denied"),
    (unreadable_input, "ermission denied"),
    (unreadable_pin_file_mode, "ermission denied"),
    (unreadable_audit_file, "ermission denied"),
    # Given directly, not in a folder: the loaders report it too (typer's own readability
    # check, a usage error with exit 2, is off for --lists and --rules).
    (unreadable_list, "ermission denied"),
    (unreadable_rules, "ermission denied"),
]
ALL_CASES = [*CASES, *NON_ROOT_CASES]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        *CASES,
        *(pytest.param(*case, marks=needs_non_root) for case in NON_ROOT_CASES),
    ],
    ids=[setup.__name__.replace("_", "-") for setup, _ in ALL_CASES],
)
def test_fault_exits_1_with_nothing_on_stdout_and_the_output_file_untouched(
    invoke: Invoke, watch_list: Path, tmp_path: Path, setup: Setup, message: str
) -> None:
    out = tmp_path / "decisions.jsonl"
    out.write_text(PREVIOUS)
    args = setup(tmp_path, watch_list)
    before = {
        p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and os.access(p, os.R_OK)
    }

    result = invoke("screen", *args, "-o", str(out), input=RECORD)

    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    first, *rest = result.stderr.strip().splitlines()
    assert first.startswith("error: ")
    assert message in first
    assert len(rest) <= 1 and all(json.loads(line)["message"] for line in rest)  # diagnostic
    assert "Traceback" not in result.stderr
    assert out.read_text() == PREVIOUS
    after = {p: p.read_bytes() for p in before if p.exists()}
    assert after == before  # no file written to, the audit file included
    assert sorted(p.name for p in tmp_path.glob(".*.tmp")) == []


def test_pinned_lists_that_match_screen_as_usual(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    shown = invoke("lists", "show", str(watch_list), "--format", "json")
    pins = tmp_path / "pins.json"
    pins.write_text(shown.stdout)  # `lists show -f json` output is a pin file as it stands

    result = invoke("screen", "--lists", str(watch_list), "--pin-lists", str(pins), input=RECORD)

    assert result.exit_code == 4, result.stderr
    assert decisions(result.stdout)[0]["decision"] == "block"


def test_pins_can_come_from_the_environment(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    pins = _pins(tmp_path, {"test-sanctions": "0" * 64})

    result = invoke(
        "screen", "--lists", str(watch_list), input=RECORD, env={"DUALSCREEN_PIN_LISTS": str(pins)}
    )

    assert result.exit_code == 1
    assert result.stdout == ""


def test_a_corrupt_list_cache_is_rebuilt_not_trusted(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    env = {"DUALSCREEN_CACHE_DIR": str(tmp_path / "cache")}
    first = invoke("screen", "--lists", str(watch_list), "-q", input=RECORD, env=env)
    cached = list((tmp_path / "cache").rglob("*.pickle"))
    assert cached, "the run did not cache anything to corrupt"
    for path in cached:
        path.write_bytes(b"\x80\x04 not a pickle")

    second = invoke("screen", "--lists", str(watch_list), "-q", input=RECORD, env=env)

    assert (second.exit_code, second.stdout) == (first.exit_code, first.stdout)
