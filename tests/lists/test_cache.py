"""The parsed-list cache: used when the files are unchanged, rebuilt when anything is off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dualscreen.lists import load_lists
from dualscreen.lists.cache import cached, content_key


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("DUALSCREEN_CACHE_DIR", str(directory))
    monkeypatch.delenv("DUALSCREEN_NO_CACHE", raising=False)
    return directory


@pytest.fixture()
def watch(tmp_path: Path) -> Path:
    path = tmp_path / "watch.csv"
    path.write_text("id,name\n1,Acme Trading\n", encoding="utf-8")
    return path


def test_second_load_comes_from_the_cache_and_equals_the_first(cache: Path, watch: Path) -> None:
    first = load_lists([watch])
    (entry,) = (cache / "lists").iterdir()
    second = load_lists([watch])
    assert second == first
    assert list((cache / "lists").iterdir()) == [entry]


def test_changed_file_is_parsed_again(cache: Path, watch: Path) -> None:
    load_lists([watch])
    watch.write_text("id,name\n1,Acme Trading\n2,Globex\n", encoding="utf-8")
    (lst,) = load_lists([watch])
    assert lst.info.entries == 2


def test_corrupt_cache_entry_is_rebuilt_not_trusted(cache: Path, watch: Path) -> None:
    (first,) = load_lists([watch])
    (entry,) = (cache / "lists").iterdir()
    entry.write_bytes(b"\x80\x05garbage")
    (second,) = load_lists([watch])
    assert second == first
    assert entry.read_bytes() != b"\x80\x05garbage"


def test_entry_stored_under_another_key_is_not_trusted(cache: Path) -> None:
    assert cached("t", "k1", lambda: "one") == "one"
    (cache / "t" / "k1.pickle").rename(cache / "t" / "k2.pickle")
    assert cached("t", "k2", lambda: "two") == "two"


def test_unwritable_cache_does_not_fail_the_load(
    tmp_path: Path, watch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("DUALSCREEN_CACHE_DIR", str(blocker))
    (lst,) = load_lists([watch])
    assert lst.info.entries == 1


def test_cache_can_be_switched_off(
    cache: Path, watch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALSCREEN_NO_CACHE", "1")
    load_lists([watch])
    assert not cache.exists()


def test_key_covers_content_and_names(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("x")
    key = content_key("fmt", a)
    assert key == content_key("fmt", a)
    assert key != content_key("other", a)
    a.write_text("y")
    assert key != content_key("fmt", a)


def test_name_index_from_the_cache_matches_like_a_fresh_one(cache: Path, watch: Path) -> None:
    from dualscreen import Screener
    from dualscreen.defaults import default_rules
    from dualscreen.rules import load_rules

    rules = load_rules([default_rules()])
    fresh = Screener(rules, load_lists([watch]))
    assert (cache / "index").is_dir()
    warm = Screener(rules, load_lists([watch]))
    assert warm.matcher.match("Acme Trading Ltd", 0.8) == fresh.matcher.match(
        "Acme Trading Ltd", 0.8
    )
    assert warm.matcher.size == fresh.matcher.size == 1


def test_each_format_name_is_its_importers_own(cache: Path) -> None:
    from dualscreen.lists import IMPORTERS

    assert {name: importer.format for name, importer in IMPORTERS.items()} == {
        name: name for name in IMPORTERS
    }


def test_a_list_folder_that_changes_is_detected_again(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "a.csv").write_text("id,name\n1,Acme Trading\n", encoding="utf-8")
    assert [lst.info.entries for lst in load_lists([folder])] == [1]
    (folder / "b.csv").write_text("id,name\n1,Globex\n2,Initech\n", encoding="utf-8")
    assert sorted(lst.info.entries for lst in load_lists([folder])) == [1, 2]


def test_lists_loaded_from_the_cache_import_only_their_own_importers(cache: Path) -> None:
    """Thirteen importers and YAML cost a one-record run about a tenth of its time."""
    code = (
        "import sys\n"
        "from dualscreen.defaults import default_lists, default_rules\n"
        "from dualscreen.lists import load_lists\n"
        "from dualscreen.rules import load_rules\n"
        "load_rules([default_rules()]), load_lists(default_lists())\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    run = [sys.executable, "-c", code]
    subprocess.run(run, capture_output=True, text=True, check=True)  # fills the cache
    imported = set(subprocess.run(run, capture_output=True, text=True, check=True).stdout.split())
    lists = {m.rsplit(".", 1)[1] for m in imported if m.startswith("dualscreen.lists.")}
    assert {"bis_dpl", "ofac_sdn", "un"} <= lists  # the packaged lists' own
    assert not lists & {"csl", "eu", "generic", "native", "opensanctions", "uk", "ofac_sdn_xml"}
    assert "yaml" not in imported
