"""`lists update` as a library: real-format files served from 127.0.0.1, installed atomically.

The publisher is a local HTTP server over a folder of small lists cut from the real snapshots in
../shared/data (OFAC SDN 2021 with its companions, the UN XML, the BIS DPL). Nothing here touches
the network beyond 127.0.0.1, or the real user data folder.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dualscreen.defaults import default_lists, packaged_lists
from dualscreen.lists import IMPORTERS, load_lists
from dualscreen.lists.update import (
    CURRENT,
    MANIFEST,
    PREVIOUS,
    SOURCES,
    Outcome,
    Source,
    UpdateError,
    installed_lists,
    list_status,
    load_sources,
    read_manifest,
    update_list,
    update_lists,
    update_lock,
)

OFAC_FILES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
UN_GENERATED = "2026-11-20"


# ---- a publisher on 127.0.0.1 (shared with tests/cli/test_lists_update_cli.py) --------------


class Publisher:
    """The files a fake publisher serves, cut from the real snapshots; rewrite them to publish."""

    def __init__(self, shared_data: Path, www: Path) -> None:
        self.shared = shared_data / "lists"
        self.www = www
        self.base = ""  # set by `serve`

    def ofac(self, rows: int = 300) -> None:
        """The 2021 SDN set's first `rows` entries (plus those sdn_comments.csv continues), with
        their aliases, addresses and comments: a matched set, Ctrl-Z endings kept."""
        folder = self.shared / "ofac-sdn" / "2021-07-07"
        sdn = _records(folder / "sdn.csv")
        comments = _records(folder / "sdn_comments.csv")
        commented = {_ent_num(line) for line in comments}
        kept = sdn[:rows] + [line for line in sdn[rows:] if _ent_num(line) in commented]
        keys = {_ent_num(line) for line in kept}
        self.put("ofac-sdn/sdn.csv", _ofac_file(kept))
        for name in ("alt.csv", "add.csv"):
            lines = [line for line in _records(folder / name) if _ent_num(line) in keys]
            self.put(f"ofac-sdn/{name}", _ofac_file(lines))
        self.put("ofac-sdn/sdn_comments.csv", _ofac_file(comments, eof=False))

    def un(self, individuals: int = 8, entities: int = 4, generated: str = UN_GENERATED) -> None:
        """The real UN XML with only its first records, dated `generated`."""
        text = (self.shared / "un" / "UN_consolidated.xml").read_text(encoding="utf-8")
        head = re.sub(
            r'dateGenerated="[^"]*"',
            f'dateGenerated="{generated}T00:00:09.554Z"',
            text[: text.index("<INDIVIDUAL>")],
        )
        people = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, flags=re.S)[:individuals]
        orgs = re.findall(r"<ENTITY>.*?</ENTITY>", text, flags=re.S)[:entities]
        xml = (
            head
            + "\n    ".join(people)
            + "\n  </INDIVIDUALS>\n  <ENTITIES>\n    "
            + "\n    ".join(orgs)
            + "\n  </ENTITIES>\n</CONSOLIDATED_LIST>"
        )
        self.put("un/consolidated.xml", xml.encode())

    def dpl(self, rows: int = 50) -> None:
        data = (self.shared / "bis-dpl" / "dpl-2023-11.txt").read_bytes()
        self.put("bis-dpl/dpl.txt", b"".join(data.splitlines(keepends=True)[: rows + 1]))

    def put(self, path: str, data: bytes) -> None:
        target = self.www / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def sources(self, names: tuple[str, ...] = ("ofac-sdn", "un", "bis-dpl")) -> dict[str, Source]:
        files = {
            "ofac-sdn": {f: f"{self.base}/ofac-sdn/{f}" for f in OFAC_FILES},
            "un": {"consolidated.xml": f"{self.base}/un/consolidated.xml"},
            "bis-dpl": {"dpl.txt": f"{self.base}/bis-dpl/dpl.txt"},
        }
        return {n: Source(format=n, files=files[n]) for n in names}

    def sources_file(self, path: Path, **override: dict[str, object]) -> Path:
        table = {n: s.model_dump(exclude_none=True) for n, s in self.sources().items()}
        path.write_text(json.dumps(table | override, indent=2), encoding="utf-8")
        return path


def _records(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().rstrip(b"\x1a").split(b"\r\n") if line]


def _ent_num(line: bytes) -> bytes:
    return line.split(b",", 1)[0]


def _ofac_file(lines: list[bytes], eof: bool = True) -> bytes:
    return b"".join(line + b"\r\n" for line in lines) + (b"\x1a" if eof else b"")


class _Handler(SimpleHTTPRequestHandler):
    """Static files, plus two misbehaving paths: a redirect to plain http and a cut-off body."""

    def do_GET(self) -> None:
        if self.path.startswith("/redirect-to-http"):
            self.send_response(302)
            self.send_header("Location", "http://lists.example.org/dpl.txt")
            self.end_headers()
        elif self.path.startswith("/cut-off"):
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"only the beginning")
        else:
            super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(publisher: Publisher) -> Iterator[Publisher]:
    """Serve `publisher.www` on 127.0.0.1 at an ephemeral port, in a thread."""
    handler = functools.partial(_Handler, directory=str(publisher.www))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    publisher.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield publisher
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def set_downloaded_at(slot: Path, when: datetime) -> None:
    manifest = read_manifest(slot).model_copy(update={"downloaded_at": when})
    (slot / MANIFEST).write_text(manifest.model_dump_json(indent=2))


# ---- fixtures ------------------------------------------------------------------------------------


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's data folder is its own: the real user folder is never read or written."""
    path = tmp_path / "data"
    monkeypatch.setenv("DUALSCREEN_DATA_DIR", str(path))
    monkeypatch.delenv("DUALSCREEN_LIST_SOURCES", raising=False)
    return path


@pytest.fixture()
def publisher(shared_data: Path, tmp_path: Path) -> Iterator[Publisher]:
    pub = Publisher(shared_data, tmp_path / "www")
    pub.ofac()
    pub.un()
    pub.dpl()
    with serve(pub):
        yield pub


@pytest.fixture()
def root(data_dir: Path) -> Path:
    return data_dir / "lists"


# ---- first update -------------------------------------------------------------------------------


def test_first_update_installs_each_list_with_its_manifest(
    publisher: Publisher, root: Path
) -> None:
    results = update_lists(publisher.sources(), root)

    assert [(r.name, r.outcome) for r in results] == [
        ("ofac-sdn", Outcome.UPDATED),
        ("un", Outcome.UPDATED),
        ("bis-dpl", Outcome.UPDATED),
    ]
    today = datetime.now(UTC).date().isoformat()
    ofac = read_manifest(root / "ofac-sdn" / CURRENT)
    assert ofac.folder == today
    assert sorted(p.name for p in (root / "ofac-sdn" / CURRENT / today).iterdir()) == sorted(
        OFAC_FILES
    )
    assert ofac.urls == {f: f"{publisher.base}/ofac-sdn/{f}" for f in OFAC_FILES}
    assert ofac.entries >= 300
    assert ofac.version == today  # OFAC's CSV has no date: the download's folder dates it
    un = read_manifest(root / "un" / CURRENT)
    assert (un.list_name, un.format, un.version) == ("un-consolidated", "un", UN_GENERATED)
    assert un.entries == 12
    assert un.downloaded_at.tzinfo is not None
    # The manifest says what `lists show` and the screen summary will print.
    (loaded,) = load_lists([root / "un" / CURRENT / un.folder])
    assert (loaded.info.sha256, loaded.info.entries) == (un.sha256, un.entries)
    assert not (root / "un" / PREVIOUS).exists()
    assert sorted(p.name for p in (root / "un").iterdir()) == [CURRENT]  # no staging left


def test_default_lists_are_the_packaged_folder_until_an_update(root: Path) -> None:
    assert default_lists() == [packaged_lists()]


def test_screening_defaults_to_updated_lists_and_packaged_snapshots_for_the_rest(
    publisher: Publisher, root: Path
) -> None:
    update_lists(publisher.sources(), root, only=["un"])

    paths = default_lists()

    assert paths == [
        root / "un" / CURRENT / datetime.now(UTC).date().isoformat(),
        packaged_lists() / "bis-dpl",
        packaged_lists() / "ofac-sdn",
    ]
    versions = {lst.info.name: lst.info.version for lst in load_lists(paths)}
    assert versions == {
        "un-consolidated": UN_GENERATED,
        "bis-dpl": "2023-11-28",
        "ofac-sdn": "2024-05-03",
    }


# ---- later updates ------------------------------------------------------------------------------


def test_second_update_keeps_the_replaced_version_in_previous(
    publisher: Publisher, root: Path
) -> None:
    update_lists(publisher.sources(), root)
    first = read_manifest(root / "un" / CURRENT)
    publisher.un(individuals=9, generated="2026-11-21")

    (result,) = update_lists(publisher.sources(), root, only=["un"])

    assert (result.outcome, result.entries, result.previous_entries) == (Outcome.UPDATED, 13, 12)
    assert read_manifest(root / "un" / PREVIOUS) == first
    assert read_manifest(root / "un" / CURRENT).version == "2026-11-21"
    assert (root / "un" / PREVIOUS / first.folder / "consolidated.xml").is_file()


def test_an_unchanged_download_renews_the_date_and_keeps_previous(
    publisher: Publisher, root: Path
) -> None:
    update_lists(publisher.sources(), root)
    publisher.un(individuals=9)
    update_lists(publisher.sources(), root, only=["un"])
    before = read_manifest(root / "un" / CURRENT)
    older = read_manifest(root / "un" / PREVIOUS)
    set_downloaded_at(root / "un" / CURRENT, before.downloaded_at - timedelta(days=5))

    (result,) = update_lists(publisher.sources(), root, only=["un"])

    assert result.outcome is Outcome.UNCHANGED
    after = read_manifest(root / "un" / CURRENT)
    assert after.downloaded_at >= before.downloaded_at
    assert after.model_copy(update={"downloaded_at": before.downloaded_at}) == before
    assert read_manifest(root / "un" / PREVIOUS) == older  # still the truly older version


# ---- failures keep the current version ----------------------------------------------------------


@pytest.mark.parametrize("failure", ["http-404", "connection-refused"])
def test_a_failed_download_keeps_the_current_version_and_the_others_update(
    publisher: Publisher, root: Path, failure: str
) -> None:
    update_lists(publisher.sources(), root)
    kept = read_manifest(root / "ofac-sdn" / CURRENT)
    publisher.un(individuals=9, generated="2026-11-21")
    publisher.dpl(rows=52)
    sources = publisher.sources()
    if failure == "http-404":
        (publisher.www / "ofac-sdn" / "alt.csv").unlink()
        url = f"{publisher.base}/ofac-sdn/alt.csv"
    else:
        url = f"http://127.0.0.1:{closed_port()}/ALT.CSV"
        files = sources["ofac-sdn"].files | {"alt.csv": url}
        sources["ofac-sdn"] = Source(format="ofac-sdn", files=files)

    results = {r.name: r for r in update_lists(sources, root)}

    failed = results["ofac-sdn"]
    assert failed.outcome is Outcome.FAILED
    assert url in failed.message
    expected = "HTTP 404" if failure == "http-404" else "Connection refused"
    assert expected in failed.message
    assert failed.message.endswith("the current version is kept")
    assert read_manifest(root / "ofac-sdn" / CURRENT) == kept
    assert sorted(p.name for p in (root / "ofac-sdn").iterdir()) == [CURRENT]
    assert results["un"].outcome is Outcome.UPDATED
    assert results["bis-dpl"].outcome is Outcome.UPDATED


def test_a_suspiciously_short_version_is_refused_unless_forced(
    publisher: Publisher, root: Path
) -> None:
    update_lists(publisher.sources(), root, only=["bis-dpl"])
    kept = read_manifest(root / "bis-dpl" / CURRENT)
    publisher.dpl(rows=25)

    (refused,) = update_lists(publisher.sources(), root, only=["bis-dpl"])
    assert refused.outcome is Outcome.REFUSED
    assert f"the current one {kept.entries}" in refused.message
    assert "--force" in refused.message
    assert read_manifest(root / "bis-dpl" / CURRENT) == kept

    (lenient,) = update_lists(publisher.sources(), root, only=["bis-dpl"], min_ratio=0.3)
    assert lenient.outcome is Outcome.UPDATED


def test_force_accepts_a_short_version(publisher: Publisher, root: Path) -> None:
    update_lists(publisher.sources(), root, only=["bis-dpl"])
    publisher.dpl(rows=5)

    (forced,) = update_lists(publisher.sources(), root, only=["bis-dpl"], force=True)

    assert forced.outcome is Outcome.UPDATED
    assert read_manifest(root / "bis-dpl" / CURRENT).entries == forced.entries
    assert forced.entries is not None and forced.previous_entries is not None
    assert forced.entries < forced.previous_entries


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("un/consolidated.xml", b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>", "truncated XML"),
        ("bis-dpl/dpl.txt", b"<html><body>Access denied</body></html>", "cannot tell"),
        ("ofac-sdn/sdn.csv", b'36,"AEROCARIBBEAN AIRLINES",-0- \r\n\x1a', "expected 12"),
        ("un/consolidated.xml", b"", "cannot tell"),
    ],
    ids=["cut-off-xml", "html-error-page", "ragged-sdn-row", "empty-file"],
)
def test_a_download_that_does_not_load_is_refused(
    publisher: Publisher, root: Path, path: str, data: bytes, expected: str
) -> None:
    update_lists(publisher.sources(), root)
    name = path.split("/")[0]
    kept = read_manifest(root / name / CURRENT)
    publisher.put(path, data)

    results = {r.name: r for r in update_lists(publisher.sources(), root)}

    assert results[name].outcome is Outcome.REFUSED
    assert "do not load" in results[name].message
    assert expected in results[name].message
    assert str(root) not in results[name].message  # named by file, not by the staging folder
    assert read_manifest(root / name / CURRENT) == kept
    assert all(r.outcome.ok for n, r in results.items() if n != name)


def test_a_download_of_another_format_is_refused(publisher: Publisher, root: Path) -> None:
    sources = {"un": Source(format="un", files={"dpl.txt": f"{publisher.base}/bis-dpl/dpl.txt"})}

    (result,) = update_lists(sources, root)

    assert result.outcome is Outcome.REFUSED
    assert "'bis-dpl' list, not 'un'" in result.message
    assert not (root / "un" / CURRENT).exists()


def test_a_redirect_to_plain_http_is_refused(publisher: Publisher, root: Path) -> None:
    sources = {"bis-dpl": Source(files={"dpl.txt": f"{publisher.base}/redirect-to-http"})}

    (result,) = update_lists(sources, root)

    assert result.outcome is Outcome.FAILED
    assert "redirects to 'http://lists.example.org/dpl.txt'" in result.message
    assert "only https" in result.message


def test_a_body_shorter_than_announced_is_refused(publisher: Publisher, root: Path) -> None:
    sources = {"bis-dpl": Source(files={"dpl.txt": f"{publisher.base}/cut-off"})}

    (result,) = update_lists(sources, root)

    assert result.outcome is Outcome.FAILED
    assert "truncated, received 18 of 100000 bytes" in result.message


def test_a_file_over_the_size_limit_is_refused(publisher: Publisher, root: Path) -> None:
    (result,) = update_lists(publisher.sources(), root, only=["un"], max_bytes=1000)

    assert result.outcome is Outcome.FAILED
    assert "bytes allowed" in result.message
    assert not (root / "un" / CURRENT).exists()


def test_a_format_without_importer_is_skipped_unless_named(
    publisher: Publisher, root: Path
) -> None:
    sources = publisher.sources(("un",)) | {
        "later": Source(format="no-such-format", files={"x.csv": f"{publisher.base}/x.csv"})
    }

    results = {r.name: r.outcome for r in update_lists(sources, root)}
    (named,) = update_lists(sources, root, only=["later"])

    assert results == {"un": Outcome.UPDATED, "later": Outcome.SKIPPED}
    assert named.outcome is Outcome.FAILED
    assert "no importer for 'no-such-format'" in named.message


def test_the_csl_is_a_source_like_the_others() -> None:
    assert set(SOURCES) == {"ofac-sdn", "un", "bis-dpl", "csl"}
    for source in SOURCES.values():
        assert all(url.startswith("https://") for url in source.files.values())
    assert set(SOURCES["ofac-sdn"].files) == set(OFAC_FILES)


def test_the_csl_updates_once_its_importer_is_registered(publisher: Publisher, root: Path) -> None:
    if "csl" not in IMPORTERS:
        pytest.skip("the CSL importer (format 'csl') is not registered in this tree yet")
    fixture = publisher.shared / "csl" / "consolidated-2025-06-fixture.csv"
    publisher.put("csl/consolidated.csv", fixture.read_bytes())
    url = f"{publisher.base}/csl/consolidated.csv"
    sources = {"csl": SOURCES["csl"].model_copy(update={"files": {"consolidated.csv": url}})}

    (result,) = update_lists(sources, root)

    assert result.outcome is Outcome.UPDATED, result.message
    manifest = read_manifest(root / "csl" / CURRENT)
    assert (manifest.format, manifest.entries) == ("csl", result.entries)
    assert root / "csl" / CURRENT / manifest.folder in default_lists()


# ---- crashes and concurrency --------------------------------------------------------------------


def test_an_interrupted_swap_is_read_from_previous_and_finished_by_the_next_update(
    publisher: Publisher, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    update_lists(publisher.sources(), root, only=["un"])
    first = read_manifest(root / "un" / CURRENT)
    publisher.un(individuals=9, generated="2026-11-21")
    rename = os.replace

    def crash_before_the_last_rename(src: Path, dst: Path) -> None:
        if Path(dst).name == CURRENT:
            raise OSError(5, "simulated crash")
        rename(src, dst)

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", crash_before_the_last_rename)
        (crashed,) = update_lists(publisher.sources(), root, only=["un"])
    assert crashed.outcome is Outcome.FAILED
    folder = root / "un"
    assert not (folder / CURRENT).exists()
    (un,) = installed_lists(root)
    assert (un.slot, un.manifest) == (PREVIOUS, first)  # screening still has a complete UN list

    (result,) = update_lists(publisher.sources(), root, only=["un"])

    assert result.outcome is Outcome.UNCHANGED  # the verified `next` was installed, then fetched
    assert read_manifest(folder / CURRENT).version == "2026-11-21"
    assert read_manifest(folder / PREVIOUS) == first
    assert sorted(p.name for p in folder.iterdir()) == [CURRENT, PREVIOUS]


def test_a_crash_before_the_swap_leaves_current_untouched(publisher: Publisher, root: Path) -> None:
    update_lists(publisher.sources(), root, only=["un"])
    first = read_manifest(root / "un" / CURRENT)
    staging = root / "un" / ".download" / "2026-11-21"
    staging.mkdir(parents=True)
    (staging / "consolidated.xml").write_bytes(b"<CONSOLIDATED_LIST>")  # half a download

    assert default_lists()[0] == root / "un" / CURRENT / first.folder
    (result,) = update_lists(publisher.sources(), root, only=["un"])
    assert result.outcome is Outcome.UNCHANGED
    assert not (root / "un" / ".download").exists()


def test_one_update_at_a_time(root: Path) -> None:
    with update_lock(root), pytest.raises(UpdateError, match="another"), update_lock(root):
        pass


# ---- the sources override -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"../evil": {"files": {"a.csv": "https://x.org/a"}}}, "list name '../evil'"),
        ({"a/b": {"files": {"a.csv": "https://x.org/a"}}}, "list name 'a/b'"),
        ({"..": {"files": {"a.csv": "https://x.org/a"}}}, "list name '..'"),
        ({"un": {"files": {"../../x.xml": "https://x.org/a"}}}, "file name '../../x.xml'"),
        ({"un": {"files": {"sub/x.xml": "https://x.org/a"}}}, "file name 'sub/x.xml'"),
        ({"un": {"files": {"..x.xml": "https://x.org/a"}}}, "file name '..x.xml'"),
        ({"un": {"files": {"manifest.json": "https://x.org/a"}}}, "reserved"),
        ({"un": {"files": {"x.xml": "file:///etc/passwd"}}}, "only https"),
        ({"un": {"files": {"x.xml": "http://lists.example.org/x"}}}, "only https"),
        ({"un": {"files": {"x.xml": "ftp://lists.example.org/x"}}}, "only https"),
        ({"un": {"url": "https://x.org/a", "files": {"x.xml": "https://x.org/a"}}}, "url"),
        ({"un": {"files": {}}}, "at least 1"),
        ([], "maps list names"),
    ],
    ids=[
        "name-parent",
        "name-slash",
        "name-dotdot",
        "file-parent",
        "file-slash",
        "file-dotdot",
        "file-manifest",
        "file-url",
        "plain-http",
        "ftp",
        "unknown-key",
        "no-files",
        "not-a-mapping",
    ],
)
def test_a_sources_file_that_could_write_outside_or_fetch_unsafely_is_rejected(
    tmp_path: Path, table: object, expected: str
) -> None:
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(table))

    with pytest.raises(UpdateError, match=re.escape(expected)) as caught:
        load_sources(path)

    assert caught.value.path == str(path)


def test_a_sources_file_in_yaml(tmp_path: Path) -> None:
    path = tmp_path / "mirror.yaml"
    path.write_text(
        "un:\n  format: un\n  files:\n    consolidated.xml: https://mirror.example.org/un.xml\n"
        "my-list:\n  files: {list.csv: 'http://localhost:8080/list.csv'}\n"
    )

    sources = load_sources(path)

    assert sources["un"].files == {"consolidated.xml": "https://mirror.example.org/un.xml"}
    assert sources["my-list"].format is None


def test_a_sources_file_with_a_yaml_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mirror.yaml"
    path.write_text("un:\n  files: {a: b\n")

    with pytest.raises(UpdateError, match="invalid YAML") as caught:
        load_sources(path)

    assert caught.value.line is not None


def test_updates_never_write_outside_the_data_dir(
    publisher: Publisher, data_dir: Path, tmp_path: Path
) -> None:
    def everything() -> set[Path]:
        return {p for p in tmp_path.rglob("*") if publisher.www not in p.parents}

    before = everything()
    update_lists(publisher.sources(), data_dir / "lists")
    publisher.un(individuals=9)
    update_lists(publisher.sources(), data_dir / "lists")

    new = everything() - before
    assert new
    assert all(data_dir in p.parents for p in new if p != data_dir)


def test_update_list_refuses_an_unsafe_name_itself(publisher: Publisher, root: Path) -> None:
    with pytest.raises(UpdateError, match="plain name"):
        update_list("../un", publisher.sources()["un"], root)


# ---- status -------------------------------------------------------------------------------------


def test_status_gives_each_list_its_origin_and_age(publisher: Publisher, root: Path) -> None:
    update_lists(publisher.sources(), root, only=["un"])
    downloaded = read_manifest(root / "un" / CURRENT).downloaded_at

    statuses = {
        s.name: s
        for s in list_status(
            root, packaged_lists(), max_age_days=7, now=downloaded + timedelta(days=3)
        )
    }

    un = statuses["un"]
    assert (un.origin, un.version, un.age_days, un.stale) == ("updated", UN_GENERATED, 3, False)
    assert un.entries == 12
    ofac = statuses["ofac-sdn"]
    assert (ofac.origin, ofac.version, ofac.stale) == ("packaged", "2024-05-03", True)
    assert ofac.age_days == (downloaded.date() + timedelta(days=3) - date(2024, 5, 3)).days

    later = list_status(root, packaged_lists(), max_age_days=7, now=downloaded + timedelta(days=8))
    assert next(s for s in later if s.name == "un").stale
