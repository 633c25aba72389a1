"""Pin files: the shapes accepted, and every way a pin refuses a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dualscreen.errors import ListError
from dualscreen.models import ListCategory, ListInfo
from dualscreen.pins import check_pins, load_pins

SDN, UN = "a" * 64, "b" * 64


def info(name: str, sha256: str) -> ListInfo:
    return ListInfo(
        name=name,
        format="native-csv",
        category=ListCategory.SANCTIONS,
        source="test",
        path=f"/lists/{name}.csv",
        version="2026-11-01",
        version_from="file",
        entries=1,
        names=1,
        sha256=sha256,
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pins.json", json.dumps({"ofac-sdn": SDN, "un": UN})),
        ("pins.yaml", f"ofac-sdn: {SDN}\nun: '{UN.upper()}'\n"),
        (
            "shown.json",
            json.dumps(
                [
                    {"name": "ofac-sdn", "format": "ofac-sdn", "sha256": SDN, "entries": 3},
                    {"name": "un", "format": "un", "sha256": UN, "entries": 2},
                ]
            ),
        ),
    ],
    ids=["json-mapping", "yaml-mapping", "lists-show-json"],
)
def test_pin_file_shapes(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)

    assert load_pins(path) == {"ofac-sdn": SDN, "un": UN}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "pins no list"),
        ('{"un": "abc"}', "not a sha256"),
        ('{"un": 12}', "not a sha256"),
        ('[{"name": "un"}]', "no name or no sha256"),
        (f'[{{"name": "un", "sha256": "{UN}"}}, {{"name": "un", "sha256": "{UN}"}}]', "twice"),
        ("just text", "maps list names"),
        ("un: [unclosed", "neither JSON nor YAML"),
        ("!!python/object/apply:os.system ['true']", "neither JSON nor YAML"),
    ],
    ids=[
        "empty",
        "short-hash",
        "number",
        "no-hash",
        "pinned-twice",
        "scalar",
        "bad-yaml",
        "python-tag",
    ],
)
def test_bad_pin_files_are_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pins.yaml"
    path.write_text(text)

    with pytest.raises(ListError, match=message) as error:
        load_pins(path)
    assert error.value.path == str(path)


def test_missing_pin_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="cannot read pin file"):
        load_pins(tmp_path / "missing.json")


def test_matching_pins_pass_and_unpinned_lists_load_as_usual(tmp_path: Path) -> None:
    check_pins({"ofac-sdn": SDN}, [info("ofac-sdn", SDN), info("un", UN)], tmp_path)


def test_a_changed_list_is_refused_naming_both_hashes(tmp_path: Path) -> None:
    with pytest.raises(ListError, match=f"has sha256 {UN}, pinned {SDN}"):
        check_pins({"ofac-sdn": SDN}, [info("ofac-sdn", UN)], tmp_path / "pins.json")


def test_a_pinned_list_that_is_not_loaded_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="pinned list 'un' is not loaded \\(loaded: ofac-sdn\\)"):
        check_pins({"un": UN}, [info("ofac-sdn", SDN)], tmp_path / "pins.json")
