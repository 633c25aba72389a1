"""`dualscreen lists show` on every real list snapshot, through the CLI entry point: the counts a
user sees, and the truncated CSL download refused with the broken line named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dualscreen.cli import app


@pytest.mark.parametrize(
    ("relative", "name", "format", "entries"),
    [
        ("lists/ofac-sdn/2024-05-03", "ofac-sdn", "ofac-sdn", 14_965),
        ("lists/ofac-sdn/2021-07-07", "ofac-sdn", "ofac-sdn", 8_976),
        ("lists/un/UN_consolidated.xml", "un-consolidated", "un", 1_003),
        ("lists/csl/consolidated-2023-11-truncated.clean.csv", "us-csl", "csl", 4_226),
        ("lists/csl/consolidated-2025-06-fixture.csv", "us-csl", "csl", 13),
        ("lists/csl/csl-2019-12-fixture.csv", "us-csl", "csl", 115),
        (
            "lists/opensanctions/wd_persons-20240310-entities.ftm.json",
            "opensanctions",
            "opensanctions-ftm",
            607,
        ),
        (
            "lists/opensanctions/wd_persons-20240310-targets.simple.csv",
            "opensanctions-simple",
            "opensanctions-simple",
            5,
        ),
        ("lists/bis-dpl/dpl-2023-11.txt", "bis-dpl", "bis-dpl", 547),
    ],
    ids=[
        "sdn-2024",
        "sdn-2021",
        "un",
        "csl-2023-clean",
        "csl-2025",
        "csl-2019",
        "opensanctions-ftm",
        "opensanctions-simple",
        "bis-dpl",
    ],
)
def test_lists_show_json_counts_every_real_list(
    shared_data: Path, relative: str, name: str, format: str, entries: int
) -> None:
    result = CliRunner().invoke(app, ["lists", "show", str(shared_data / relative), "-f", "json"])

    assert result.exit_code == 0, result.stderr
    (info,) = json.loads(result.stdout)
    assert (info["name"], info["format"], info["entries"]) == (name, format, entries)


def test_lists_show_refuses_the_truncated_csl_naming_the_broken_line(
    shared_data: Path, tmp_path: Path
) -> None:
    original = shared_data / "lists/csl/consolidated-2023-11-truncated.original.csv"
    lines = original.read_bytes().split(b"\n")
    without_repeated_header = tmp_path / "consolidated.csv"
    without_repeated_header.write_bytes(b"\n".join([lines[0], *lines[2:]]))

    for path, line in ((original, 2), (without_repeated_header, 4_232)):
        result = CliRunner().invoke(app, ["lists", "show", str(path), "--format", "json"])

        assert result.exit_code == 1
        assert result.stdout == ""
        assert f"{path}:{line}:" in result.stderr
        diagnostic = json.loads(result.stderr.strip().splitlines()[-1])
        assert (diagnostic["error"], diagnostic["path"], diagnostic["line"]) == (
            "list",
            str(path),
            line,
        )
