"""A list's version when its content gives none: from its file or folder name, else its file's
modified time; and the day a version names, for the list's age."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dualscreen.lists import load_lists
from dualscreen.lists.interface import version_date, version_of


@pytest.mark.parametrize(
    ("name", "version", "source"),
    [
        ("sdn-2024-05-03.csv", "2024-05-03", "folder name"),
        ("consolidated-2023-11-truncated.csv", "2023-11", "folder name"),
        ("export-202311.csv", None, "modified time"),  # no hyphen: any six digits would do
        ("list-2023-13.csv", None, "modified time"),  # no month 13
    ],
)
def test_a_date_or_a_month_in_the_file_name_is_the_version(
    tmp_path: Path, name: str, version: str | None, source: str
) -> None:
    path = tmp_path / name
    path.write_text("x\n", encoding="utf-8")
    found = version_of(path)
    assert found[1] == source
    if version is not None:
        assert found[0] == version


def test_version_date_reads_a_date_or_a_months_first_day() -> None:
    assert version_date("2024-05-03") == date(2024, 5, 3)
    assert version_date("2023-11") == date(2023, 11, 1)  # the oldest the list can be
    assert version_date("2023-13") is None
    assert version_date("v42") is None


def test_the_consolidated_screening_list_snapshot_is_dated_by_its_name(shared_data: Path) -> None:
    """Copied with ../shared, its modified time is the day of the copy: a 2023 snapshot would
    look current and never be warned about."""
    csl = shared_data / "lists" / "csl" / "consolidated-2023-11-truncated.clean.csv"
    info = load_lists([csl])[0].info
    assert (info.version, info.version_from) == ("2023-11", "folder name")
