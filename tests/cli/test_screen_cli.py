"""`dualscreen screen` end to end: formats in, formats out, exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, decisions

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

PASS = (
    '{"id": "p1", "exporter": "PT Kopi Toraja", "hs_code": "090111", "destination_country": "US"}'
)
FLAG = '{"id": "f1", "hs_code": "750400", "control_code": "1C240", "destination_country": "JP"}'
BLOCK = '{"id": "b1", "consignee": "Banco Nacional de Cuba", "destination_country": "CH"}'


@pytest.mark.parametrize(
    ("records", "code"),
    [([PASS], 0), ([PASS, FLAG], 3), ([PASS, FLAG, BLOCK], 4), ([BLOCK, PASS], 4)],
    ids=["all-pass-0", "worst-flag-3", "worst-block-4", "block-first-4"],
)
def test_exit_code_is_the_worst_decision(
    invoke: Invoke, watch_list: Path, records: list[str], code: int
) -> None:
    result = invoke("screen", "--lists", str(watch_list), "-q", input="\n".join(records) + "\n")
    assert result.exit_code == code, result.stderr
    assert len(decisions(result.stdout)) == len(records)


def test_exit_zero_keeps_the_output_and_exits_0(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("screen", "--lists", str(watch_list), "--exit-zero", "-q", input=BLOCK)
    assert result.exit_code == 0
    assert decisions(result.stdout)[0]["decision"] == "block"


def test_decision_json_shape_is_the_documented_contract(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("screen", "--lists", str(watch_list), "-q", input=BLOCK)
    (decision,) = decisions(result.stdout)
    assert list(decision) == ["id", "decision", "reasons", "record"]
    party = decision["reasons"][0]
    assert {
        k: party[k]
        for k in (
            "kind",
            "action",
            "rule",
            "field",
            "value",
            "list",
            "entry_id",
            "matched_name",
            "score",
        )
    } == {
        "kind": "party",
        "action": "block",
        "rule": "restricted-party",
        "field": "consignee",
        "value": "Banco Nacional de Cuba",
        "list": "test-sanctions",
        "entry_id": "S1",
        "matched_name": "BANCO NACIONAL DE CUBA",
        "score": 1.0,
    }
    assert party["explanation"]
    assert decision["record"] == json.loads(BLOCK)


def test_stdout_carries_only_data_and_stderr_the_summary(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("screen", "--lists", str(watch_list), input=PASS)
    assert decisions(result.stdout)[0]["id"] == "p1"
    assert "screened 1 record(s)" in result.stderr
    assert "test-sanctions 2026-11-01" in result.stderr
    assert "sha256:" in result.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "table"])
def test_every_output_format_gives_one_row_per_record_in_order(
    invoke: Invoke, watch_list: Path, fmt: str
) -> None:
    result = invoke(
        "screen", str(EXAMPLES / "shipments.csv"), "--lists", str(watch_list), "-f", fmt, "-q"
    )
    assert result.exit_code == 4, result.stderr
    ids = [f"S-{n:04d}" for n in range(1, 19)]
    if fmt == "jsonl":
        assert [d["id"] for d in decisions(result.stdout)] == ids
    elif fmt == "json":
        assert [d["id"] for d in json.loads(result.stdout)] == ids
    elif fmt == "csv":
        lines = result.stdout.splitlines()
        assert lines[0].startswith("id,decision,rules,explanation,")
        assert [line.split(",")[0] for line in lines[1:]] == ids
    else:
        positions = [result.stdout.index(i) for i in ids]
        assert positions == sorted(positions)


def test_jsonl_and_csv_examples_give_the_same_decisions(invoke: Invoke, watch_list: Path) -> None:
    args = ("--lists", str(watch_list), "-q")
    from_csv = decisions(invoke("screen", str(EXAMPLES / "shipments.csv"), *args).stdout)
    from_jsonl = decisions(invoke("screen", str(EXAMPLES / "shipments.jsonl"), *args).stdout)
    assert [(d["id"], d["decision"]) for d in from_csv] == [
        (d["id"], d["decision"]) for d in from_jsonl
    ]


def test_example_file_exercises_pass_flag_and_block(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("screen", str(EXAMPLES / "shipments.csv"), "--lists", str(watch_list), "-q")
    verdicts = {d["decision"] for d in decisions(result.stdout)}
    assert verdicts == {"pass", "flag", "block"}


def test_map_renames_a_source_column(invoke: Invoke, watch_list: Path) -> None:
    csv_text = "Ref,Buyer Name,HS\nA1,Banco Nacional de Cuba,750210\n"
    result = invoke(
        "screen",
        "--lists",
        str(watch_list),
        "-q",
        "--map",
        "Buyer Name=consignee",
        "--map",
        "HS=hs_code",
        "--map",
        "ref=id",
        input=csv_text,
    )
    (decision,) = decisions(result.stdout)
    assert decision["id"] == "A1"
    assert decision["decision"] == "block"
    assert decision["record"]["consignee"] == "Banco Nacional de Cuba"


def test_map_to_an_unknown_field_is_a_usage_error(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("screen", "--lists", str(watch_list), "--map", "Buyer=buyer", input=PASS)
    assert result.exit_code == 2
    assert "buyer" in result.stderr


def test_missing_ids_default_to_line_numbers(invoke: Invoke, watch_list: Path) -> None:
    result = invoke(
        "screen", "--lists", str(watch_list), "-q", input="consignee\nAcme Ltd\n\nMoa Nickel\n"
    )
    assert [(d["id"], d["decision"]) for d in decisions(result.stdout)] == [
        ("2", "pass"),
        ("4", "block"),
    ]


def test_several_files_qualify_default_ids_with_the_file(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("consignee\nAcme Ltd\n")
    b.write_text("consignee\nBNC\n")
    result = invoke("screen", str(a), str(b), "--lists", str(watch_list), "-q")
    assert [d["id"] for d in decisions(result.stdout)] == [f"{a}:2", f"{b}:2"]


def test_unscreenable_record_is_flagged_with_an_input_reason(
    invoke: Invoke, watch_list: Path
) -> None:
    result = invoke(
        "screen",
        "--lists",
        str(watch_list),
        "-q",
        input='{"id": "x", "exporter": "Acme", "hs_code": "75A2", "destination_country": "ZZ"}\n',
    )
    assert result.exit_code == 3
    (decision,) = decisions(result.stdout)
    assert decision["decision"] == "flag"
    fields = {r["field"] for r in decision["reasons"] if r["kind"] == "input"}
    assert fields == {"hs_code", "destination_country"}


def test_output_file_is_written_and_format_follows_its_suffix(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    out = tmp_path / "decisions.csv"
    result = invoke("screen", "--lists", str(watch_list), "-q", "-o", str(out), input=BLOCK)
    assert result.exit_code == 4
    assert result.stdout == ""
    assert out.read_text().startswith("id,decision,rules,explanation")


def test_failed_run_leaves_an_existing_output_file_untouched(
    invoke: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "decisions.jsonl"
    out.write_text("previous run\n")
    result = invoke("screen", "--lists", str(tmp_path / "missing"), "-o", str(out), input=PASS)
    assert result.exit_code == 1
    assert out.read_text() == "previous run\n"
    assert list(tmp_path.iterdir()) == [out]


def test_list_that_does_not_parse_exits_1_with_one_line_and_nothing_on_stdout(
    invoke: Invoke, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,colour\n1,Acme,red\n")
    result = invoke("screen", "--lists", str(bad), "-f", "table", input=PASS)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {bad}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_misspelled_rules_key_exits_1_naming_file_and_line(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - id: p\n    kind: party\n    title: t\n    explanation: x\n    basis: b\n"
        "    treshold: {flag: 0.9}\n"
    )
    result = invoke(
        "screen", "--lists", str(watch_list), "--rules", str(rules), "-f", "jsonl", input=PASS
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    first, diagnostic = result.stderr.strip().splitlines()
    assert first.startswith(f"error: {rules}:7: unknown key")
    assert json.loads(diagnostic)["line"] == 7


def test_a_loaded_list_no_party_rule_covers_is_an_error(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - id: c\n    kind: control\n    title: t\n    action: flag\n"
        "    explanation: x\n    basis: b\n"
    )
    result = invoke("screen", "--lists", str(watch_list), "--rules", str(rules), input=PASS)
    assert result.exit_code == 1
    assert "no party rule screens against list(s) test-sanctions" in result.stderr


def test_bad_list_format_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("screen", "--list-format", "xml", input=PASS)
    assert result.exit_code == 2


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("dualscreen 0.")


def test_as_of_applies_rules_in_force_on_that_date(invoke: Invoke, watch_list: Path) -> None:
    record = '{"hs_code": "260600", "origin_country": "ID"}'
    before = invoke(
        "screen", "--lists", str(watch_list), "-q", "--as-of", "2023-06-09", input=record
    )
    after = invoke(
        "screen", "--lists", str(watch_list), "-q", "--as-of", "2023-06-10", input=record
    )
    assert (before.exit_code, after.exit_code) == (0, 4)


def test_environment_variables_choose_lists(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("screen", "-q", input=BLOCK, env={"DUALSCREEN_LISTS": str(watch_list)})
    assert decisions(result.stdout)[0]["reasons"][0]["list"] == "test-sanctions"


def test_a_missing_input_file_stops_the_run_before_any_decision(
    invoke: Invoke, watch_list: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("consignee\nAcme Ltd\n")
    result = invoke("screen", str(good), str(tmp_path / "missing.csv"), "--lists", str(watch_list))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "missing.csv: no such input file" in result.stderr


def test_each_unscreenable_record_gets_one_json_line_on_stderr(
    invoke: Invoke, watch_list: Path
) -> None:
    csv_text = (
        "id,exporter,hs_code,destination_country\n"
        "1,Acme,12AB,US\n2,Globex,750210,ZZ\n3,Initech,750210,US\n"
    )
    result = invoke("screen", "--lists", str(watch_list), "-q", "-f", "jsonl", input=csv_text)
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [(d["id"], d["problems"][0]["field"], d["problems"][0]["line"]) for d in lines] == [
        ("1", "hs_code", 2),
        ("2", "destination_country", 3),
    ]


def test_input_diagnostics_stop_after_fifty_lines_and_say_how_many_more(
    invoke: Invoke, watch_list: Path
) -> None:
    csv_text = "exporter,hs_code\n" + "".join(f"Acme {i},12AB\n" for i in range(60))
    result = invoke("screen", "--lists", str(watch_list), "-q", "-f", "table", input=csv_text)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 51
    assert warnings[-1] == "warning: 10 more record(s) with input problems (see their reasons)"


def test_jsonl_party_reasons_carry_confidence_and_the_match_detail(
    invoke: Invoke, watch_list: Path
) -> None:
    record = '{"id": "c1", "consignee": "Moa Nickel", "destination_country": "CU"}'
    result = invoke("screen", "--lists", str(watch_list), "--format", "jsonl", "-q", input=record)
    (decision,) = decisions(result.stdout)
    (party,) = [r for r in decision["reasons"] if r["kind"] == "party"]
    assert party["score"] == 1.0 and party["action"] == "block"
    assert 0 < party["confidence"] < 1
    match = party["match"]
    assert match["method"] == "exact" and match["entity_type"] == "organization"
    assert [(a["query"], a["listed"], a["how"]) for a in match["aligned"]] == [
        ("moa", "moa", "exact"),
        ("nickel", "nickel", "exact"),
    ]
    assert match["query_only"] == [] and match["listed_only"] == []
    assert match["normalised"] == ['legal form "sa" set aside (listed)']
    assert "country" not in match  # the watch list gives no country
    assert match["summary"] in party["explanation"]


def test_workers_change_nothing_in_the_output(invoke: Invoke, watch_list: Path) -> None:
    """900 records: enough for the batch to be shared out among worker processes."""
    records = "\n".join([PASS, FLAG, BLOCK] * 300) + "\n"
    outputs = [
        invoke("screen", "--lists", str(watch_list), "-q", *workers, input=records)
        for workers in ([], ["--workers", "1"], ["-j", "2"])
    ]
    assert {r.exit_code for r in outputs} == {4}
    assert outputs[0].stdout == outputs[1].stdout == outputs[2].stdout
    assert len(decisions(outputs[2].stdout)) == 900


def test_workers_must_be_at_least_one(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("screen", "--lists", str(watch_list), "--workers", "0", input=PASS)
    assert result.exit_code == 2
    assert "--workers" in result.stderr


MIXED_FIELDS = (
    '{"id": "m1", "consignee": "Acme Trading"}\n'
    '{"id": "m2", "consignee": "Beta Metals", "po_number": "PO-7"}\n'
    '{"id": "m3", "consignee": "Gamma Mining", "po_number": "PO-8", "incoterm": "FOB"}\n'
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_table_says_once_which_fields_its_first_records_columns_leave_out(
    invoke: Invoke, watch_list: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"out.{fmt}"
    result = invoke("screen", "--lists", str(watch_list), "-o", str(out), input=MIXED_FIELDS)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "first record had not" in line]
    assert warnings == [
        "warning: record m2 has fields the first record had not (po_number): a table's columns "
        "are its first record's, so their values are left out of it (JSON output keeps every "
        "field; said once per table)"
    ]
    if fmt == "csv":
        lines = out.read_text().splitlines()
        assert [line.split(",")[0] for line in lines[1:]] == ["m1", "m2", "m3"]
        assert "po_number" not in lines[0]


def test_json_output_keeps_every_field_and_warns_of_none(invoke: Invoke, watch_list: Path) -> None:
    result = invoke("screen", "--lists", str(watch_list), input=MIXED_FIELDS)
    assert result.exit_code == 0, result.stderr
    assert [d["record"].get("incoterm") for d in decisions(result.stdout)] == [None, None, "FOB"]
    assert "first record had not" not in result.stderr


def test_a_table_whose_records_share_their_fields_warns_of_none(
    invoke: Invoke, watch_list: Path
) -> None:
    result = invoke(
        "screen", str(EXAMPLES / "shipments.csv"), "--lists", str(watch_list), "-f", "csv", "-q"
    )
    assert result.exit_code == 4, result.stderr
    assert "first record had not" not in result.stderr
