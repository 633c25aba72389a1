"""`dualscreen lists update` and `lists status` through the CLI, with a publisher on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dualscreen.lists.update import CURRENT, PREVIOUS, read_manifest
from tests.cli.conftest import Invoke, decisions
from tests.lists.test_update import (
    UN_GENERATED,
    Publisher,
    closed_port,
    serve,
    set_downloaded_at,
)

AEROCARIBBEAN = '{"id": "r1", "consignee": "Aerocaribbean Airlines", "destination_country": "CU"}'


@pytest.fixture()
def publisher(shared_data: Path, tmp_path: Path) -> Iterator[Publisher]:
    pub = Publisher(shared_data, tmp_path / "www")
    pub.ofac()
    pub.un()
    pub.dpl()
    with serve(pub):
        yield pub


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, publisher: Publisher) -> Path:
    """The data folder and the sources override, both through the environment, as cron sets
    them; the real user data folder is never touched."""
    path = tmp_path / "data"
    monkeypatch.setenv("DUALSCREEN_DATA_DIR", str(path))
    monkeypatch.setenv(
        "DUALSCREEN_LIST_SOURCES", str(publisher.sources_file(tmp_path / "sources.json"))
    )
    monkeypatch.delenv("DUALSCREEN_MAX_LIST_AGE_DAYS", raising=False)
    return path


def outcomes(stdout: str) -> dict[str, str]:
    return {r["name"]: r["outcome"] for r in json.loads(stdout)}


def update_json(invoke: Invoke, *args: str) -> Any:
    return invoke("lists", "update", "--format", "json", *args)


def test_first_update_then_screen_uses_the_updated_lists(invoke: Invoke, data_dir: Path) -> None:
    update = invoke("lists", "update")
    assert update.exit_code == 0, update.stderr
    assert update.stderr == ""
    for name in ("ofac-sdn", "un", "bis-dpl"):
        assert name in update.stdout
    assert "updated" in update.stdout

    un = read_manifest(data_dir / "lists" / "un" / CURRENT)
    shown = invoke("lists", "show", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    infos = {i["name"]: i for i in json.loads(shown.stdout)}
    assert set(infos) == {"ofac-sdn", "un-consolidated", "bis-dpl"}
    assert all(i["path"].startswith(str(data_dir)) for i in infos.values())
    assert (infos["un-consolidated"]["version"], infos["un-consolidated"]["sha256"]) == (
        UN_GENERATED,
        un.sha256,
    )

    screen = invoke("screen", "-f", "jsonl", input=AEROCARIBBEAN)
    assert screen.exit_code == 4, screen.stderr
    today = datetime.now(UTC).date().isoformat()
    assert f"list  un-consolidated {UN_GENERATED} (12 entries" in screen.stderr
    assert f"sha256:{un.sha256[:16]}" in screen.stderr
    (decision,) = decisions(screen.stdout)
    (top,) = [r for r in decision["reasons"] if r["kind"] == "party"]
    assert (top["list"], top["list_version"], top["entry_id"]) == ("ofac-sdn", today, "36")


def test_a_second_update_keeps_the_previous_version(
    invoke: Invoke, data_dir: Path, publisher: Publisher
) -> None:
    assert invoke("lists", "update").exit_code == 0
    publisher.un(individuals=9, generated="2026-11-21")

    result = update_json(invoke)

    assert result.exit_code == 0, result.stderr
    assert outcomes(result.stdout) == {
        "ofac-sdn": "unchanged",
        "un": "updated",
        "bis-dpl": "unchanged",
    }
    un = data_dir / "lists" / "un"
    assert read_manifest(un / PREVIOUS).version == UN_GENERATED
    assert read_manifest(un / CURRENT).version == "2026-11-21"


@pytest.mark.parametrize("failure", ["http-404", "connection-refused"])
def test_a_failed_download_names_list_and_url_exits_1_and_the_others_update(
    invoke: Invoke, data_dir: Path, publisher: Publisher, tmp_path: Path, failure: str
) -> None:
    assert invoke("lists", "update").exit_code == 0
    kept = read_manifest(data_dir / "lists" / "un" / CURRENT)
    publisher.ofac(rows=310)
    if failure == "http-404":
        (publisher.www / "un" / "consolidated.xml").unlink()
        url = f"{publisher.base}/un/consolidated.xml"
        sources = tmp_path / "sources.json"
    else:
        url = f"http://127.0.0.1:{closed_port()}/consolidated.xml"
        sources = publisher.sources_file(
            tmp_path / "mirror.json", un={"format": "un", "files": {"consolidated.xml": url}}
        )

    result = update_json(invoke, "--sources", str(sources))

    assert result.exit_code == 1
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith("error: un: ")
    assert url in error
    assert error.endswith("the current version is kept")
    assert outcomes(result.stdout) == {
        "ofac-sdn": "updated",
        "un": "failed",
        "bis-dpl": "unchanged",
    }
    assert read_manifest(data_dir / "lists" / "un" / CURRENT) == kept


def test_a_short_version_is_refused_and_accepted_with_force(
    invoke: Invoke, data_dir: Path, publisher: Publisher
) -> None:
    assert invoke("lists", "update", "--only", "bis-dpl").exit_code == 0
    kept = read_manifest(data_dir / "lists" / "bis-dpl" / CURRENT)
    publisher.dpl(rows=20)

    refused = update_json(invoke, "--only", "bis-dpl")
    assert refused.exit_code == 1
    assert "error: bis-dpl: the new version has" in refused.stderr
    assert "Pass --force to accept it" in refused.stderr
    assert read_manifest(data_dir / "lists" / "bis-dpl" / CURRENT) == kept

    lenient = update_json(invoke, "--only", "bis-dpl", "--min-ratio", "0.3")
    assert (lenient.exit_code, outcomes(lenient.stdout)) == (0, {"bis-dpl": "updated"})

    publisher.dpl(rows=5)
    forced = update_json(invoke, "--only", "bis-dpl", "--force")
    assert (forced.exit_code, outcomes(forced.stdout)) == (0, {"bis-dpl": "updated"})


def test_a_file_that_does_not_parse_is_refused(
    invoke: Invoke, data_dir: Path, publisher: Publisher
) -> None:
    publisher.put("un/consolidated.xml", b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>")

    result = update_json(invoke)

    assert result.exit_code == 1
    assert "error: un: the downloaded files do not load:" in result.stderr
    assert "truncated XML" in result.stderr
    assert outcomes(result.stdout)["un"] == "refused"
    assert not (data_dir / "lists" / "un" / CURRENT).exists()
    assert (data_dir / "lists" / "ofac-sdn" / CURRENT).is_dir()


def test_only_updates_the_named_lists(invoke: Invoke, data_dir: Path) -> None:
    result = update_json(invoke, "--only", "un", "--only", "bis-dpl")

    assert result.exit_code == 0
    assert outcomes(result.stdout) == {"un": "updated", "bis-dpl": "updated"}
    assert not (data_dir / "lists" / "ofac-sdn").exists()


def test_an_unknown_list_name_is_a_usage_error(invoke: Invoke, data_dir: Path) -> None:
    result = invoke("lists", "update", "--only", "eu")

    assert result.exit_code == 2
    assert "no list named 'eu'" in result.stderr


def test_a_sources_file_that_would_write_outside_the_data_dir_exits_1(
    invoke: Invoke, data_dir: Path, tmp_path: Path, publisher: Publisher
) -> None:
    sources = tmp_path / "evil.json"
    sources.write_text(json.dumps({"../../evil": {"files": {"x.xml": f"{publisher.base}/x"}}}))

    result = invoke("lists", "update", "--sources", str(sources))

    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {sources}: list name '../../evil' must be a plain")
    assert not data_dir.exists()
    assert not (tmp_path / "evil").exists()


def test_status_is_0_when_fresh_and_3_when_a_list_is_stale(invoke: Invoke, data_dir: Path) -> None:
    assert invoke("lists", "update").exit_code == 0

    fresh = invoke("lists", "status", "--format", "json")
    assert fresh.exit_code == 0, fresh.stderr
    assert fresh.stderr == ""
    statuses = {s["name"]: s for s in json.loads(fresh.stdout)}
    assert {s["origin"] for s in statuses.values()} == {"updated"}
    assert statuses["un"]["age_days"] == 0
    assert statuses["un"]["version"] == UN_GENERATED

    un = data_dir / "lists" / "un" / CURRENT
    set_downloaded_at(un, read_manifest(un).downloaded_at - timedelta(days=10))
    stale = invoke("lists", "status")
    assert stale.exit_code == 3
    assert "un" in stale.stdout and "10d" in stale.stdout
    (warning,) = stale.stderr.splitlines()
    assert warning.startswith("warning: un is 10 days old (downloaded")
    assert "dualscreen lists update" in warning

    assert invoke("lists", "status", "--max-age-days", "30").exit_code == 0
    relaxed = invoke("lists", "status", env={"DUALSCREEN_MAX_LIST_AGE_DAYS": "30"})
    assert relaxed.exit_code == 0


def test_status_of_the_packaged_snapshots_only_is_stale(invoke: Invoke, data_dir: Path) -> None:
    result = invoke("lists", "status", "--format", "json")

    assert result.exit_code == 3
    statuses = json.loads(result.stdout)
    assert {s["origin"] for s in statuses} == {"packaged"}
    assert {s["name"] for s in statuses} == {"ofac-sdn", "un", "bis-dpl"}
    assert all(s["stale"] for s in statuses)
    assert result.stderr.count("warning:") == 3


def test_data_dir_option_overrides_the_environment(
    invoke: Invoke, data_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere"

    result = update_json(invoke, "--data-dir", str(other), "--only", "un")

    assert result.exit_code == 0
    assert (other / "lists" / "un" / CURRENT / "manifest.json").is_file()
    assert not data_dir.exists()
    status = invoke("lists", "status", "--data-dir", str(other), "--format", "json")
    origins = {s["name"]: s["origin"] for s in json.loads(status.stdout)}
    assert origins == {"un": "updated", "ofac-sdn": "packaged", "bis-dpl": "packaged"}


def test_screen_warns_of_a_list_dated_only_by_a_month_in_its_name(
    invoke: Invoke, tmp_path: Path
) -> None:
    fixture = Path(__file__).resolve().parents[1] / "lists" / "fixtures" / "csl"
    dated = tmp_path / "consolidated-2023-11.json"
    dated.write_bytes((fixture / "consolidated.json").read_bytes())
    result = invoke("screen", "--lists", str(dated), input='{"id": "1", "consignee": "Acme"}\n')
    assert result.exit_code == 0
    assert "list snapshots are out of date (us-csl 2023-11)" in " ".join(result.stderr.split())
