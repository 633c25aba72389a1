"""Download the publishers' current list files into the user data folder, verified, swapped in.

Layout under the data folder (platformdirs' user data dir, or `DUALSCREEN_DATA_DIR`)::

    lists/<name>/current/manifest.json        what was downloaded, when, from where, its hashes
    lists/<name>/current/<YYYY-MM-DD>/...     the publisher's files, loaded like any list folder
    lists/<name>/previous/...                 the version `current` replaced, same shape

The files sit in a folder named by the day they were first downloaded, because OFAC's CSV files
carry no date of their own: the folder name is what dates them (see `interface.version_of`).

A new version is downloaded into `<name>/.download/`, must load with the normal importer and
must not be much shorter than the current one; it is then renamed to `next`, and the swap is
three renames (previous → .old, current → previous, next → current). A crash at any point leaves
either the old or the new version complete under `current` (or, between two renames, under
`previous`, which `installed_lists` then uses); the next update finishes or undoes the swap.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import os
import re
import shutil
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dualscreen import __version__
from dualscreen.errors import DualscreenError, ListError
from dualscreen.lists import IMPORTERS, discover, load_lists
from dualscreen.lists.interface import version_date
from dualscreen.models import RestrictedList

if TYPE_CHECKING:
    import urllib.request

MANIFEST = "manifest.json"
CURRENT, PREVIOUS = "current", "previous"
_NEXT, _DOWNLOAD, _OLD, _LOCK = "next", ".download", ".old", ".update.lock"

DEFAULT_MIN_RATIO = 0.9
"""A new version with fewer than this share of the current one's entries is refused as
probably truncated (a cut download, a publisher's half-written file)."""
DEFAULT_TIMEOUT = 60.0
"""Seconds without data from the server before a download is given up."""
MAX_FILE_BYTES = 256 * 2**20
"""No list file is near this (the full CSL is some tens of MiB); anything bigger is not a list."""
DEFAULT_MAX_AGE_DAYS = 7
"""`lists status` calls a list stale past this many days since it was downloaded."""

USER_AGENT = f"dualscreen/{__version__} (restricted-party list update)"

_OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports"


class UpdateError(DualscreenError):
    """A sources file that is not valid, or a list that cannot be downloaded."""

    kind = "update"


_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
_LOOPBACK_NAMES = ("localhost",)


def name_problem(value: str, what: str) -> str | None:
    """Why `value` cannot be a list or file name: it becomes a path under the data folder."""
    if not _SAFE_NAME.match(value) or ".." in value:
        return (
            f"{what} {value!r} must be a plain name (letters, digits, '.', '_', '-'; "
            "no '/', '\\' or '..')"
        )
    return None


def url_problem(url: str) -> str | None:
    """Why dualscreen will not download from `url`: https only, plain http only to this machine
    (tests and local mirrors), never file:// or ftp://."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return f"{url!r} is not a URL"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and _is_loopback(host):
        return None
    return f"{url!r}: only https URLs are allowed (plain http only to this machine)"


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Source(BaseModel):
    """Where one list's files come from: local file name → URL, and the format they must load as."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: dict[str, str] = Field(min_length=1)
    format: str | None = None  # None: whatever the files are detected as

    @field_validator("files")
    @classmethod
    def _safe(cls, files: dict[str, str]) -> dict[str, str]:
        for name, url in files.items():
            if problem := name_problem(name, "file name"):
                raise ValueError(problem)
            if name.lower() == MANIFEST:
                raise ValueError(f"file name {name!r} is reserved for the manifest")
            if problem := url_problem(url):
                raise ValueError(problem)
        return files


SOURCES: dict[str, Source] = {
    "ofac-sdn": Source(
        format="ofac-sdn",
        files={
            "sdn.csv": f"{_OFAC}/SDN.CSV",
            "alt.csv": f"{_OFAC}/ALT.CSV",
            "add.csv": f"{_OFAC}/ADD.CSV",
            "sdn_comments.csv": f"{_OFAC}/SDN_COMMENTS.CSV",
        },
    ),
    "un": Source(
        format="un",
        files={"consolidated.xml": "https://scsanctions.un.org/resources/xml/en/consolidated.xml"},
    ),
    "bis-dpl": Source(format="bis-dpl", files={"dpl.txt": "https://www.bis.doc.gov/dpl/dpl.txt"}),
    "csl": Source(
        format="csl",
        files={
            "consolidated.csv": (
                "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
            )
        },
    ),
}
"""The publishers' files, by list name (the folder under `lists/`). Names match the packaged
snapshot folders, so an updated list replaces its packaged snapshot for screening."""


def load_sources(path: Path) -> dict[str, Source]:
    """A sources file (YAML or JSON) for tests and mirrors: `{name: {files: {file: url}}}`,
    optionally with `format`. It replaces `SOURCES` whole; anything invalid fails the run."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UpdateError(f"cannot read sources file: {exc}", path=path) from exc
    import yaml  # here: `screen` imports this module and need not pay for YAML

    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise UpdateError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UpdateError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            path=path,
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    if not isinstance(data, dict) or not data:
        raise UpdateError("a sources file maps list names to {files: {file name: url}}", path=path)
    sources: dict[str, Source] = {}
    for name, spec in data.items():
        if problem := name_problem(str(name), "list name"):
            raise UpdateError(problem, path=path, field=str(name))
        try:
            sources[str(name)] = Source.model_validate(spec)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in (name, *first["loc"]))
            message = str(first["msg"]).removeprefix("Value error, ")
            raise UpdateError(message, path=path, field=where) from None
    return sources


# ---- the data folder -------------------------------------------------------------------------


def data_dir() -> Path:
    """`DUALSCREEN_DATA_DIR`, else the platform's user data folder for dualscreen."""
    configured = os.environ.get("DUALSCREEN_DATA_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_data_dir

    return Path(user_data_dir("dualscreen", appauthor=False))


def lists_dir(data: Path | None = None) -> Path:
    return (data if data is not None else data_dir()) / "lists"


class Manifest(BaseModel):
    """What a downloaded version is: kept beside its files, moved with them."""

    model_config = ConfigDict(frozen=True)

    name: str  # the folder under lists/
    list_name: str  # the list's own name, as `screen` reports it
    format: str
    folder: str  # the folder beside the manifest that holds the files
    downloaded_at: datetime  # UTC; renewed when a download finds the files unchanged
    urls: dict[str, str]
    files: dict[str, str]  # file name → sha256 of its bytes
    sha256: str  # the list's hash, as `lists show` and the screen summary print it
    entries: int
    names: int
    version: str


@dataclass(frozen=True)
class Installed:
    """One updated list on disk: its manifest and the folder to load."""

    name: str
    slot: str  # "current", or "previous" when an interrupted swap left no current
    manifest: Manifest
    path: Path


def read_manifest(slot: Path) -> Manifest:
    return Manifest.model_validate_json((slot / MANIFEST).read_bytes())


def installed_lists(root: Path) -> list[Installed]:
    """The complete updated lists under `root` (a `lists/` folder), by name. A version counts
    when its manifest reads and its folder exists; anything else is ignored, never half-used."""
    found: list[Installed] = []
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not name_problem(p.name, ""))
    except OSError:
        return []
    for folder in folders:
        for slot in (CURRENT, PREVIOUS):
            if manifest := _manifest_or_none(folder / slot):
                found.append(
                    Installed(folder.name, slot, manifest, folder / slot / manifest.folder)
                )
                break
    return found


@dataclass(frozen=True)
class InEffect:
    """A list `screen` uses by default: an updated one, or a packaged snapshot."""

    name: str
    path: Path
    installed: Installed | None  # None: the packaged snapshot


def lists_in_effect(root: Path, packaged: Path) -> list[InEffect]:
    """Each updated list, plus every packaged snapshot no updated list of its format replaces
    (the packaged folders are named by format). One list updated never drops the others."""
    updated = installed_lists(root)
    replaced = {i.manifest.format for i in updated}
    in_effect = [InEffect(i.name, i.path, i) for i in updated]
    try:
        snapshots = sorted(p for p in packaged.iterdir() if p.is_dir())
    except OSError:
        snapshots = []
    in_effect += [InEffect(p.name, p, None) for p in snapshots if p.name not in replaced]
    return in_effect


# ---- downloading -------------------------------------------------------------------------------


def _opener() -> urllib.request.OpenerDirector:
    # Imported here: `screen` imports this module, and urllib.request (with ssl) costs startup.
    import urllib.request

    class HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
        """A redirect is held to the same rule as the URL it came from."""

        def redirect_request(
            self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
        ) -> urllib.request.Request | None:
            if problem := url_problem(newurl):
                raise UpdateError(f"{req.full_url} redirects to {problem}")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(HttpsOnlyRedirects())


def fetch(url: str, dest: Path, *, timeout: float, max_bytes: int) -> str:
    """Download `url` to the new file `dest`, flushed to disk; its sha256. Refuses a body larger
    than `max_bytes`, or shorter than the Content-Length the server announced."""
    import http.client
    import urllib.error
    import urllib.request

    if problem := url_problem(url):
        raise UpdateError(problem)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    digest = hashlib.sha256()
    size = 0
    try:
        with _opener().open(request, timeout=timeout) as response, dest.open("xb") as out:
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > max_bytes:
                raise UpdateError(
                    f"{url}: {announced} bytes, more than the {max_bytes} bytes allowed"
                )
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > max_bytes:
                    raise UpdateError(f"{url}: more than the {max_bytes} bytes allowed")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except urllib.error.HTTPError as exc:
        raise UpdateError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise UpdateError(f"cannot download {url}: {_reason(exc.reason)}") from exc
    except TimeoutError as exc:
        raise UpdateError(f"cannot download {url}: no data for {timeout:g} s") from exc
    except http.client.HTTPException as exc:
        raise UpdateError(f"cannot download {url}: {type(exc).__name__} {exc}") from exc
    except OSError as exc:
        raise UpdateError(f"cannot download {url}: {_reason(exc)}") from exc
    if announced.isdigit() and size != int(announced):
        raise UpdateError(f"{url}: truncated, received {size} of {announced} bytes")
    return digest.hexdigest()


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason)


# ---- updating ----------------------------------------------------------------------------------


class Outcome(StrEnum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # the publisher serves what `current` holds; its date is renewed
    SKIPPED = "skipped"  # no importer for the format in this dualscreen
    FAILED = "failed"  # download or disk error: `current` kept
    REFUSED = "refused"  # downloaded but does not load or looks truncated: `current` kept

    @property
    def ok(self) -> bool:
        return self in (Outcome.UPDATED, Outcome.UNCHANGED, Outcome.SKIPPED)


class UpdateResult(BaseModel):
    """What an update did to one list."""

    model_config = ConfigDict(frozen=True)

    name: str
    outcome: Outcome
    message: str = ""
    version: str | None = None
    entries: int | None = None
    previous_entries: int | None = None  # of the version the update replaced or kept
    sha256: str | None = None
    path: str | None = None


@contextlib.contextmanager
def update_lock(root: Path) -> Iterator[None]:
    """One update at a time per data folder (POSIX advisory lock; none where there is no fcntl)."""
    root.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with (root / _LOCK).open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise UpdateError("another `dualscreen lists update` is running", path=root) from exc
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def update_lists(
    sources: dict[str, Source],
    root: Path,
    *,
    only: Sequence[str] = (),
    min_ratio: float = DEFAULT_MIN_RATIO,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[str], contextlib.AbstractContextManager[object]] | None = None,
) -> list[UpdateResult]:
    """Update each list of `sources` (or those in `only`) under the `lists/` folder `root`.
    Lists succeed or fail one by one: a failure never stops the others. A list whose format
    this dualscreen cannot read is skipped, unless asked for by name. `progress(message)` wraps
    each list's work (a spinner, say)."""
    unknown = [n for n in only if n not in sources]
    if unknown:
        raise UpdateError(f"no list named {unknown[0]!r}; lists: {', '.join(sources)}")
    with update_lock(root):
        results = []
        for name in only or list(sources):
            source = sources[name]
            if not only and source.format is not None and source.format not in IMPORTERS:
                results.append(
                    UpdateResult(
                        name=name,
                        outcome=Outcome.SKIPPED,
                        message=f"this dualscreen has no importer for {source.format!r} lists",
                    )
                )
                continue
            with progress(f"updating {name}...") if progress else contextlib.nullcontext():
                result = update_list(
                    name,
                    source,
                    root,
                    min_ratio=min_ratio,
                    force=force,
                    timeout=timeout,
                    max_bytes=max_bytes,
                )
            results.append(result)
    return results


def update_list(
    name: str,
    source: Source,
    root: Path,
    *,
    min_ratio: float = DEFAULT_MIN_RATIO,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FILE_BYTES,
    now: datetime | None = None,
) -> UpdateResult:
    """Download, verify and install one list. Call under `update_lock`."""
    if problem := name_problem(name, "list name"):
        raise UpdateError(problem)
    folder = root / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _recover(folder)
        return _update(name, source, folder, min_ratio, force, timeout, max_bytes, now)
    except UpdateError as exc:
        return _failed(name, folder, exc.message)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _failed(name, folder, f"{where}{exc.strerror or exc}")
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(folder / _DOWNLOAD)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty: a first download that failed leaves nothing


_KEPT, _NOTHING = "the current version is kept", "nothing was installed"


def _failed(name: str, folder: Path, message: str) -> UpdateResult:
    kept = _manifest_or_none(folder / CURRENT)
    return UpdateResult(
        name=name,
        outcome=Outcome.FAILED,
        message=f"{message}; " + (_KEPT if kept else _NOTHING),
        previous_entries=kept.entries if kept else None,
    )


def _update(
    name: str,
    source: Source,
    folder: Path,
    min_ratio: float,
    force: bool,
    timeout: float,
    max_bytes: int,
    now: datetime | None,
) -> UpdateResult:
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    current = _manifest_or_none(folder / CURRENT)
    if source.format is not None and source.format not in IMPORTERS:
        raise UpdateError(f"this dualscreen has no importer for {source.format!r} lists")

    staging = folder / _DOWNLOAD
    files_dir = staging / now.date().isoformat()
    files_dir.mkdir(parents=True)
    hashes = {
        file: fetch(url, files_dir / file, timeout=timeout, max_bytes=max_bytes)
        for file, url in source.files.items()
    }

    if current is not None and current.files == hashes:
        renewed = current.model_copy(update={"downloaded_at": now, "urls": dict(source.files)})
        _write_durably(folder / CURRENT / MANIFEST, renewed.model_dump_json(indent=2) + "\n")
        return _result(renewed, folder / CURRENT, Outcome.UNCHANGED, current.entries)

    def refused(message: str) -> UpdateResult:
        return UpdateResult(
            name=name,
            outcome=Outcome.REFUSED,
            message=f"{message}; " + (_KEPT if current else _NOTHING),
            previous_entries=current.entries if current else None,
        )

    try:
        loaded = _load_uncached(files_dir)
    except ListError as exc:
        return refused(f"the downloaded files do not load: {_relative(exc, staging)}")
    if len(loaded) != 1:
        return refused(f"the downloaded files hold {len(loaded)} lists, not one")
    info = loaded[0].info
    if source.format is not None and info.format != source.format:
        return refused(f"the download is a {info.format!r} list, not {source.format!r}")
    if current is not None and not force and info.entries < min_ratio * current.entries:
        return refused(
            f"the new version has {info.entries} entries, the current one {current.entries} "
            f"(fewer than {min_ratio:.0%}): it may be truncated. Pass --force to accept it"
        )

    manifest = Manifest(
        name=name,
        list_name=info.name,
        format=info.format,
        folder=files_dir.name,
        downloaded_at=now,
        urls=dict(source.files),
        files=hashes,
        sha256=info.sha256,
        entries=info.entries,
        names=info.names,
        version=info.version,
    )
    _write_durably(staging / MANIFEST, manifest.model_dump_json(indent=2) + "\n")
    _swap(folder)
    previous_entries = current.entries if current else None
    return _result(manifest, folder / CURRENT, Outcome.UPDATED, previous_entries)


def _result(
    manifest: Manifest, slot: Path, outcome: Outcome, previous_entries: int | None
) -> UpdateResult:
    return UpdateResult(
        name=manifest.name,
        outcome=outcome,
        version=manifest.version,
        entries=manifest.entries,
        previous_entries=previous_entries,
        sha256=manifest.sha256,
        path=str(slot / manifest.folder),
    )


def _load_uncached(path: Path) -> list[RestrictedList]:
    """The normal importers, as `load_lists` runs them, without filling the parsed-list cache
    with a staging folder that is about to be renamed."""
    return [importer.load(target) for importer, target in discover(path)]


def _relative(exc: ListError, staging: Path) -> str:
    """A load error names the file by its name, not by the staging folder about to vanish."""
    if exc.path is not None:
        with contextlib.suppress(ValueError):
            exc.path = str(Path(exc.path).relative_to(staging))
    return str(exc)


def _manifest_or_none(slot: Path) -> Manifest | None:
    """The version in `slot` when it is complete, as `installed_lists` counts it."""
    try:
        manifest = read_manifest(slot)
    except (OSError, ValueError):
        return None
    complete = not name_problem(manifest.folder, "") and (slot / manifest.folder).is_dir()
    return manifest if complete else None


def _swap(folder: Path) -> None:
    """staging → next, previous → .old, current → previous, next → current, drop .old."""
    staging, nxt, old = folder / _DOWNLOAD, folder / _NEXT, folder / _OLD
    current, previous = folder / CURRENT, folder / PREVIOUS
    os.replace(staging, nxt)
    _fsync_dir(folder)
    if previous.exists():
        os.replace(previous, old)
    if current.exists():
        os.replace(current, previous)
    os.replace(nxt, current)
    _fsync_dir(folder)
    shutil.rmtree(old, ignore_errors=True)


def _recover(folder: Path) -> None:
    """Finish or undo a swap a crash interrupted, and drop an unfinished download."""
    nxt, old = folder / _NEXT, folder / _OLD
    current, previous = folder / CURRENT, folder / PREVIOUS
    shutil.rmtree(folder / _DOWNLOAD, ignore_errors=True)
    if nxt.exists():
        if current.exists():  # stopped before current moved: the old state stands
            shutil.rmtree(nxt)
        else:  # stopped between two renames: `next` was verified, finish
            os.replace(nxt, current)
    if old.exists():
        if previous.exists():
            shutil.rmtree(old)
        else:
            os.replace(old, previous)


def _write_durably(path: Path, text: str) -> None:
    """Write then rename, flushed: a reader sees the old file or the new one, whole."""
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- status ------------------------------------------------------------------------------------


class ListStatus(BaseModel):
    """How current one list in effect is."""

    model_config = ConfigDict(frozen=True)

    name: str
    list_name: str
    origin: Literal["updated", "packaged"]
    version: str
    age_days: int | None  # since download (updated) or since its version date (packaged)
    stale: bool
    entries: int
    sha256: str
    downloaded_at: datetime | None
    path: str


def list_status(
    root: Path,
    packaged: Path,
    *,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    now: datetime | None = None,
) -> list[ListStatus]:
    """Every list `screen` uses by default, with its age. Packaged snapshots are loaded (to know
    their dates); updated lists are described by their manifests."""
    now = now or datetime.now(UTC)
    statuses = []
    for item in lists_in_effect(root, packaged):
        if item.installed is not None:
            m = item.installed.manifest
            age = (now - m.downloaded_at).days
            statuses.append(
                ListStatus(
                    name=item.name,
                    list_name=m.list_name,
                    origin="updated",
                    version=m.version,
                    age_days=age,
                    stale=age > max_age_days,
                    entries=m.entries,
                    sha256=m.sha256,
                    downloaded_at=m.downloaded_at,
                    path=str(item.path),
                )
            )
            continue
        for lst in load_lists([item.path]):
            i = lst.info
            listed_on = version_date(i.version)
            snapshot_age = None if listed_on is None else (now.date() - listed_on).days
            statuses.append(
                ListStatus(
                    name=item.name,
                    list_name=i.name,
                    origin="packaged",
                    version=i.version,
                    age_days=snapshot_age,
                    stale=snapshot_age is None or snapshot_age > max_age_days,
                    entries=i.entries,
                    sha256=i.sha256,
                    downloaded_at=None,
                    path=i.path,
                )
            )
    return statuses
