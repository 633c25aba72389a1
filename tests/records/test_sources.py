"""Reading records: format sniffing, line numbers, and every way a file can be broken."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

from dualscreen.errors import InputError
from dualscreen.models import ReasonKind
from dualscreen.records import sources
from dualscreen.records.shipment import to_shipment
from dualscreen.records.sources import InputFormat, RawRecord, read_source, sniff

BOM = b"\xef\xbb\xbf"


def write(tmp_path: Path, data: bytes | str, name: str = "input") -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def read(path: str, **kwargs: Any) -> list[RawRecord]:
    return list(read_source(path, **kwargs))


def lines_and_data(records: list[RawRecord]) -> list[tuple[int, dict[str, Any]]]:
    return [(r.line, r.data) for r in records]


def problems(records: list[RawRecord]) -> dict[int, str | None]:
    return {r.line: r.problem for r in records}


# --- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(b"id,exporter\n1,Acme\n", InputFormat.CSV, id="csv"),
        pytest.param(BOM + b"id,exporter\n1,Acme\n", InputFormat.CSV, id="csv-with-bom"),
        pytest.param(b'[{"id": "1"}]', InputFormat.JSON, id="json-array"),
        pytest.param(b'\r\n\n \t[{"id": "1"}]', InputFormat.JSON, id="json-array-after-whitespace"),
        pytest.param(BOM + b'[{"id": "1"}]', InputFormat.JSON, id="json-array-with-bom"),
        pytest.param(b'{\n  "id": "1"\n}\n', InputFormat.JSON, id="pretty-printed-object"),
        pytest.param(
            b'  \n{"id": "1",\n "exporter": "Acme"}', InputFormat.JSON, id="object-split-over-lines"
        ),
        pytest.param(b'{"id": "1"}\n{"id": "2"}\n', InputFormat.JSONL, id="json-lines"),
        pytest.param(b'{"id": "1"}\r\n{"id": "2"}\r\n', InputFormat.JSONL, id="json-lines-crlf"),
        pytest.param(BOM + b'{"id": "1"}\n{"id": "2"}\n', InputFormat.JSONL, id="json-lines-bom"),
        pytest.param(b'\n\n{"id": "1"}\n{"id": "2"}\n', InputFormat.JSONL, id="json-lines-late"),
        pytest.param(b"", InputFormat.CSV, id="empty"),
    ],
)
def test_sniff_tells_the_formats_apart(head: bytes, expected: InputFormat) -> None:
    assert sniff(head) == expected


TWO = [(1, {"id": "1", "exporter": "Acme"}), (2, {"id": "2", "exporter": "Globex"})]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            "id,exporter\n1,Acme\n2,Globex\n",
            [(2, {"id": "1", "exporter": "Acme"}), (3, {"id": "2", "exporter": "Globex"})],
            id="csv",
        ),
        pytest.param(
            BOM + b"id,exporter\r\n1,Acme\r\n2,Globex\r\n",
            [(2, {"id": "1", "exporter": "Acme"}), (3, {"id": "2", "exporter": "Globex"})],
            id="csv-bom-crlf",
        ),
        pytest.param(
            '[{"id": "1", "exporter": "Acme"}, {"id": "2", "exporter": "Globex"}]', TWO, id="array"
        ),
        pytest.param(
            BOM + b'\n  [\n  {"id": "1", "exporter": "Acme"},\n'
            b'  {"id": "2", "exporter": "Globex"}\n]\n',
            TWO,
            id="pretty-array-bom",
        ),
        pytest.param(
            '{"id": "1", "exporter": "Acme"}\n{"id": "2", "exporter": "Globex"}\n', TWO, id="jsonl"
        ),
        pytest.param(
            BOM + b'{"id": "1", "exporter": "Acme"}\r\n{"id": "2", "exporter": "Globex"}',
            TWO,
            id="jsonl-bom-crlf-no-final-newline",
        ),
        pytest.param(
            '\n\n{\n  "id": "1",\n  "exporter": "Acme"\n}\n',
            [(1, {"id": "1", "exporter": "Acme"})],
            id="pretty-single-object",
        ),
        pytest.param(
            '{"id": "1", "exporter": "Acme"}',
            [(1, {"id": "1", "exporter": "Acme"})],
            id="one-line-single-object",
        ),
    ],
)
def test_every_format_reads_to_records_with_their_line(
    tmp_path: Path, data: bytes | str, expected: list[tuple[int, dict[str, Any]]]
) -> None:
    records = read(write(tmp_path, data))

    assert lines_and_data(records) == expected
    assert all(r.problem is None for r in records)
    assert {r.source for r in records} == {str(tmp_path / "input")}


def test_input_format_overrides_the_sniffer(tmp_path: Path) -> None:
    # A CSV whose first header cell starts with "[" looks like JSON to the sniffer.
    path = write(tmp_path, "[ref],exporter\nR1,Acme\n")

    with pytest.raises(InputError):
        read(path)
    assert lines_and_data(read(path, input_format=InputFormat.CSV)) == [
        (2, {"[ref]": "R1", "exporter": "Acme"})
    ]


def test_json_lines_with_a_first_line_longer_than_the_sniff_window(tmp_path: Path) -> None:
    notes = "x" * (sources.SNIFF_BYTES + 10)
    path = write(tmp_path, f'{{"id": "1", "notes": "{notes}"}}\n{{"id": "2"}}\n')

    assert lines_and_data(read(path)) == [(1, {"id": "1", "notes": notes}), (2, {"id": "2"})]


# --- files without records ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(BOM, id="only-a-bom"),
        pytest.param(b"id,exporter\n", id="header-only"),
        pytest.param(b"id,exporter", id="header-only-no-newline"),
        pytest.param(b"id,exporter\r\n\r\n\r\n", id="header-and-blank-lines"),
        pytest.param(b"id,exporter\n , \n,\n", id="header-and-empty-rows"),
        pytest.param(b"\n", id="only-a-newline"),
        pytest.param(b" \n\t\n\n", id="only-whitespace"),
        pytest.param(b"[]", id="empty-json-array"),
        pytest.param(b"\n [\n ]\n", id="empty-json-array-with-whitespace"),
    ],
)
def test_files_without_records_give_no_records(tmp_path: Path, data: bytes) -> None:
    assert read(write(tmp_path, data)) == []


# --- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_csv_record_line_is_where_it_starts_across_quoted_newlines(
    tmp_path: Path, newline: str
) -> None:
    text = (
        "id,exporter,description\n"  # 1
        '1,Acme,"two\nlines"\n'  # 2-3
        '2,"Globex\n\nTrading\n",x\n'  # 4-7
        "3,Initech,plain\n"  # 8
        "\n"  # 9
        '4,Umbrella,"a ""quoted"" word"\n'  # 10
    ).replace("\n", newline)

    records = read(write(tmp_path, text))

    assert [(r.line, r.data["id"]) for r in records] == [(2, "1"), (4, "2"), (8, "3"), (10, "4")]
    assert records[0].data["description"] == f"two{newline}lines"
    assert records[1].data["exporter"] == f"Globex{newline}{newline}Trading{newline}"
    assert records[3].data["description"] == 'a "quoted" word'


def test_csv_header_over_two_lines_shifts_the_first_record(tmp_path: Path) -> None:
    records = read(write(tmp_path, 'id,"Invoice\nNo"\n1,INV-1\n'))

    assert lines_and_data(records) == [(3, {"id": "1", "Invoice\nNo": "INV-1"})]


def test_csv_ragged_rows_are_problem_records_not_crashes(tmp_path: Path) -> None:
    text = (
        "id,exporter,hs_code\n"  # 1
        "1,Acme\n"  # 2: too few
        "2,Globex,847130,extra,more\n"  # 3: too many
        "3,Initech,847130\n"  # 4
        "4\n"  # 5: one field
    )

    records = read(write(tmp_path, text))

    assert problems(records) == {
        2: "row has 2 fields, the header has 3",
        3: "row has 5 fields, the header has 3",
        4: None,
        5: "row has 1 fields, the header has 3",
    }
    assert records[0].data == {"id": "1", "exporter": "Acme"}
    assert records[1].data == {
        "id": "2",
        "exporter": "Globex",
        "hs_code": "847130",
        "_extra_fields": "extra|more",
    }


def test_csv_blank_lines_are_skipped_without_shifting_lines(tmp_path: Path) -> None:
    text = "id,exporter\n\n1,Acme\n\r\n  \n,\n 2 ,Globex\n\n\n"

    records = read(write(tmp_path, text))

    assert lines_and_data(records) == [
        (3, {"id": "1", "exporter": "Acme"}),
        (7, {"id": " 2 ", "exporter": "Globex"}),
    ]


def test_csv_blank_lines_before_the_header_are_skipped(tmp_path: Path) -> None:
    records = read(write(tmp_path, "\n\r\nid,exporter\n1,Acme\n"))

    assert lines_and_data(records) == [(4, {"id": "1", "exporter": "Acme"})]


def test_csv_header_without_names_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="header is empty"):
        read(write(tmp_path, " , ,\n1,2,3\n"))


def test_csv_unclosed_quote_is_a_problem_not_a_silent_merge(tmp_path: Path) -> None:
    # The quote opened on line 2 runs to the end of the file and swallows S2 and S3: the
    # field count still matches, so without a problem S1 would pass with S2 and S3 unscreened.
    text = 'id,exporter\nS1,"Acme\nS2,Globex\nS3,Initech\n'

    records = read(write(tmp_path, text))

    assert records
    assert records[0].line == 2
    assert records[0].problem is not None


def test_csv_repeated_column_keeps_both_values(tmp_path: Path) -> None:
    records = read(write(tmp_path, "id,consignee,consignee\n1,Globex,Acme\n"))

    (record,) = records
    assert {"Globex", "Acme"} <= set(record.data.values())


def test_csv_nul_bytes_and_huge_fields_are_read_not_fatal(tmp_path: Path) -> None:
    huge = "A" * 200_000  # beyond csv's default 128 KiB field limit
    text = f"id,exporter,notes\n1,Ac\x00me,x\n2,Globex,{huge}\n3,Initech,y\n"

    records = read(write(tmp_path, text))

    assert [(r.line, r.data["id"], r.problem) for r in records] == [
        (2, "1", None),
        (3, "2", None),
        (4, "3", None),
    ]
    assert records[0].data["exporter"] == "Ac\x00me"
    assert records[1].data["notes"] == huge


# --- JSON Lines -----------------------------------------------------------------------------


def test_jsonl_invalid_line_is_a_problem_and_the_others_come_through(tmp_path: Path) -> None:
    text = (
        '{"id": "1"}\n'  # 1
        '{"id": "2", "exporter": }\n'  # 2: invalid
        "\n"  # 3: blank
        '   {"id": "4"}   \n'  # 4
        "{'id': '5'}\n"  # 5: not JSON
        "[1, 2]\n"  # 6: not an object
        '{"id": "7"}\n'  # 7
        '{"id": "8", "exp'  # 8: truncated at the end of the file
    )

    records = read(write(tmp_path, text))

    assert [r.line for r in records] == [1, 2, 4, 5, 6, 7, 8]
    assert {r.line: r.data for r in records if r.problem is None} == {
        1: {"id": "1"},
        4: {"id": "4"},
        7: {"id": "7"},
    }
    found = problems(records)
    assert all((found[line] or "").startswith("invalid JSON") for line in (2, 5, 8))
    assert found[6] == "expected a JSON object, got list"


# --- JSON arrays ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        pytest.param('"a string"', "str", id="string"),
        pytest.param("42", "int", id="integer"),
        pytest.param("-1.5e3", "float", id="float"),
        pytest.param("true", "bool", id="bool"),
        pytest.param("null", "NoneType", id="null"),
        pytest.param("[1, 2]", "list", id="list"),
    ],
)
@pytest.mark.parametrize("shape", ["array", "jsonl"])
def test_a_json_value_that_is_not_an_object_is_flagged(
    tmp_path: Path, shape: str, value: str, type_name: str
) -> None:
    text = f'[{{"id": "1"}}, {value}]' if shape == "array" else f'{{"id": "1"}}\n{value}\n'

    records = read(write(tmp_path, text))

    assert [(r.line, r.data, r.problem) for r in records] == [
        (1, {"id": "1"}, None),
        (2, {}, f"expected a JSON object, got {type_name}"),
    ]


# Every kind of element, with numbers, strings and literals long enough to be cut by a chunk
# boundary at some chunk size; a string holds the array's own delimiters.
STREAMED = """[
  {"id": "A1", "exporter": "Société Générale", "hs_code": 847130},
  12.5, -7e3, 1234567,
  "x], [y, {z}",
  {"id": "A2", "notes": "a longer string \\" with an escaped quote", "n": [1, 2.25]},
  true, null, false,
  {"id": "A3"}
]
"""
STREAMED_RECORDS = [
    (1, {"id": "A1", "exporter": "Société Générale", "hs_code": 847130}, None),
    (2, {}, "expected a JSON object, got float"),
    (3, {}, "expected a JSON object, got float"),
    (4, {}, "expected a JSON object, got int"),
    (5, {}, "expected a JSON object, got str"),
    (6, {"id": "A2", "notes": 'a longer string " with an escaped quote', "n": [1, 2.25]}, None),
    (7, {}, "expected a JSON object, got bool"),
    (8, {}, "expected a JSON object, got NoneType"),
    (9, {}, "expected a JSON object, got bool"),
    (10, {"id": "A3"}, None),
]


# Small chunks put a boundary inside every token at some size; the last three read it whole.
CHUNKS = [*range(1, 41), len(STREAMED) - 1, len(STREAMED), len(STREAMED) + 1]


@pytest.mark.parametrize("chunk", CHUNKS, ids=lambda c: f"chunk={c}")
def test_json_array_streams_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(sources, "CHUNK", chunk)

    records = read(write(tmp_path, STREAMED))

    assert [(r.line, r.data, r.problem) for r in records] == STREAMED_RECORDS


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[", id="only-the-bracket"),
        pytest.param('[{"id": "1"}', id="no-closing-bracket"),
        pytest.param('[{"id": "1"},', id="trailing-comma"),
        pytest.param('[{"id": "1"}, {"id": "2", "exporter": "Ac', id="cut-in-a-string"),
        pytest.param('[{"id": "1"}, {"id": "2"', id="cut-in-an-object"),
        pytest.param('[{"id": "1"}] trailing', id="data-after-the-array"),
        pytest.param('{"id": "1",\n "exporter": "Acme"\n', id="cut-single-object"),
        pytest.param('{\n"id": "1"\n} trailing', id="data-after-the-object"),
    ],
)
def test_truncated_or_trailing_json_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setattr(sources, "CHUNK", 7)

    with pytest.raises(InputError):
        read(write(tmp_path, text))


# --- encodings ------------------------------------------------------------------------------

LATIN1 = "id,consignee\n1,Société Générale\n".encode("latin-1")


def test_latin1_bytes_in_a_utf8_read_get_an_input_reason_asking_for_encoding(
    tmp_path: Path,
) -> None:
    (record,) = read(write(tmp_path, LATIN1, "latin1.csv"))
    shipment, _, reasons = to_shipment(record, {}, "x")

    assert "\ufffd" in shipment.consignee
    (reason,) = reasons
    assert (reason.kind, reason.field, reason.line) == (ReasonKind.INPUT, "consignee", 2)
    assert "--encoding" in reason.explanation
    assert reason.explanation.startswith(f"{tmp_path / 'latin1.csv'}:2: ")


@pytest.mark.parametrize("encoding", ["latin-1", "ISO-8859-1", "cp1252"])
def test_latin1_bytes_read_with_their_encoding_are_clean(tmp_path: Path, encoding: str) -> None:
    (record,) = read(write(tmp_path, LATIN1), encoding=encoding)
    shipment, _, reasons = to_shipment(record, {}, "x")

    assert shipment.consignee == "Société Générale"
    assert reasons == []


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf_8"])
def test_utf8_bom_is_dropped_however_utf8_is_spelled(tmp_path: Path, encoding: str) -> None:
    records = read(write(tmp_path, BOM + b"id,exporter\n1,Acme\n"), encoding=encoding)

    assert lines_and_data(records) == [(2, {"id": "1", "exporter": "Acme"})]


def test_unknown_encoding_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        read(write(tmp_path, "id\n1\n"), encoding="klingon")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read(str(tmp_path / "nope.csv"))
    assert caught.value.path == str(tmp_path / "nope.csv")


# --- stdin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"id,exporter\n1,Acme\n2,Globex\n", id="csv"),
        pytest.param(
            b'{"id": "1", "exporter": "Acme"}\n{"id": "2", "exporter": "Globex"}\n', id="jsonl"
        ),
    ],
)
def test_dash_reads_stdin_and_leaves_it_open(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)

    records = read("-")

    assert [(r.source, r.data) for r in records] == [
        ("<stdin>", {"id": "1", "exporter": "Acme"}),
        ("<stdin>", {"id": "2", "exporter": "Globex"}),
    ]
    assert not stdin.buffer.closed
