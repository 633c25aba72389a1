"""The report in a real headless browser: it renders, offline, with the totals `screen` decides.

Needs Chromium (Debian's `chromium` package; `.ci/run` installs it). Skipped when it is absent,
unless DUALSCREEN_REQUIRE_BROWSER=1 (set by `.ci/run` once Chromium is there): then it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.report.conftest import EXAMPLES, REPO

AS_OF = "2026-11-01"
BROWSERS = ("chromium", "chromium-browser")


@pytest.fixture(scope="module")
def chromium() -> str:
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if found is None:
        message = (
            "Chromium not found (install Debian's `chromium` package; .ci/run does) - "
            "the report is not checked in a real browser"
        )
        if os.environ.get("DUALSCREEN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DUALSCREEN_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    return found


def dualscreen(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "dualscreen", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def render(chromium: str, page: Path, tmp: Path) -> tuple[str, list[tuple[str, str]]]:
    """The DOM after Chromium loaded the page, and the requests the page itself made
    (`(initiator, url)`; the browser's own background requests, initiator "not an origin",
    left aside). A screenshot is saved beside the page for a person to look at."""
    netlog = tmp / "netlog.json"
    common = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    env = {**os.environ, "HOME": str(tmp)}
    dom = subprocess.run(
        [
            *common,
            f"--user-data-dir={tmp / 'profile-dom'}",
            f"--log-net-log={netlog}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    ).stdout
    subprocess.run(
        [
            *common,
            f"--user-data-dir={tmp / 'profile-shot'}",
            f"--screenshot={page.with_suffix('.png')}",
            "--window-size=1280,2000",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        env=env,
        check=True,
    )
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requests = [
        (str(p.get("initiator")), str(p["url"]))
        for ev in log["events"]
        if ev["type"] == start_job and "url" in (p := ev.get("params", {}))
    ]
    return dom, [(who, url) for who, url in requests if who != "not an origin"]


class Texts(HTMLParser):
    """The text of every element with an id, the rows of every table with an id (not nested),
    and the record ids of the flagged and blocked records (class `rid`), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: list[str] = []
        self.record_ids: list[str] = []
        self._rid: list[str] | None = None
        self.text: list[str] = []
        self._open: list[tuple[str, str | None]] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        ident = dict(attrs).get("id")
        if dict(attrs).get("class") == "rid":
            self._rid = []
        if tag == "table" and ident:
            self._table = ident
            self.tables[ident] = []
        if self._table and tag == "tr":
            self._row = []
        if self._row is not None and tag in ("td", "th"):
            self._cell = []
        if tag not in ("br", "meta", "rect"):
            self._open.append((tag, ident))
            if ident:
                self.by_id[ident] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._rid is not None and tag == "strong":
            self.record_ids.append("".join(self._rid))
            self._rid = None
        if self._cell is not None and tag in ("td", "th") and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._rid is not None:
            self._rid.append(data)
        if self._cell is not None:
            self._cell.append(data)
        for _, ident in self._open:
            if ident:
                self.by_id[ident] += data


def parse(dom: str) -> Texts:
    texts = Texts()
    texts.feed(dom)
    return texts


def test_report_renders_in_chromium_with_the_totals_of_screen(
    chromium: str, tmp_path: Path
) -> None:
    screened = dualscreen("screen", str(EXAMPLES), "-f", "jsonl", "--as-of", AS_OF, "-q")
    assert screened.returncode == 4, screened.stderr
    decisions: list[dict[str, Any]] = [json.loads(x) for x in screened.stdout.splitlines()]
    counts = Counter(d["decision"] for d in decisions)
    by_destination = Counter(d["record"]["destination_country"] for d in decisions)

    page = tmp_path / "report.html"
    made = dualscreen("report", str(EXAMPLES), "-o", str(page), "--as-of", AS_OF, "-q")
    assert made.returncode == 0, made.stderr

    dom, page_requests = render(chromium, page, tmp_path)
    shown = parse(dom)
    assert page_requests == []  # nothing fetched: the page is whole offline
    assert shown.by_id["total-records"] == str(len(decisions))
    for verdict in ("pass", "flag", "block"):
        assert shown.by_id[f"total-{verdict}"] == str(counts[verdict])
        assert shown.by_id[f"decision-{verdict}"] == str(counts[verdict])
    rows = shown.tables["table-destinations"][1:]  # the header row aside
    assert {r[0]: int(r[1]) for r in rows} == by_destination
    flagged = [d["id"] for d in decisions if d["decision"] != "pass"]
    assert shown.record_ids == flagged
    assert "svg" in shown.tags and "script" not in shown.tags
    assert page.with_suffix(".png").stat().st_size > 10_000


def test_a_record_with_markup_shows_as_text_in_chromium(chromium: str, tmp_path: Path) -> None:
    source = tmp_path / "nasty.csv"
    source.write_text(
        "id,consignee,description,destination_country\n"
        "\"<script>document.title='owned'</script>\",Banco Nacional de Cuba,"
        '"<img src=x onerror=""document.title=1"">",CU\n',
        encoding="utf-8",
    )
    page = tmp_path / "nasty.html"
    made = dualscreen("report", str(source), "-o", str(page), "--as-of", AS_OF, "-q")
    assert made.returncode == 0, made.stderr
    dom, page_requests = render(chromium, page, tmp_path)
    shown = parse(dom)
    assert "script" not in shown.tags and "img" not in shown.tags
    assert page_requests == []
    text = "".join(shown.text)
    assert "<script>document.title='owned'</script>" in text
    assert '<img src=x onerror="document.title=1">' in text
    assert shown.by_id["total-block"] == "1"
