"""A cache of parsed lists and of the name index, so a run loads its lists in a blink.

A customs script that calls dualscreen once per record cannot parse a 4 MB CSV and a 2 MB XML
every time. Each parsed list is kept in the user cache directory under a key made of its files'
content, its importer and the normaliser's version; the name index under the keys of the lists
it covers. A cache entry whose key does not match, or that does not unpickle, is rebuilt: never
trusted. The cache holds only what dualscreen itself wrote from list files, in the user's own
cache directory (pickle is not for files from others).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dualscreen.matching.normalize import NORMALIZER_VERSION
from dualscreen.matching.phonetic import SKELETON_VERSION

CACHE_VERSION = "2"
"""Bumped when a cached object's shape changes (models, importers, the matcher's arrays)."""

T = TypeVar("T")


def cache_dir() -> Path | None:
    """`DUALSCREEN_CACHE_DIR`, else the platform's user cache directory; None when disabled."""
    if os.environ.get("DUALSCREEN_NO_CACHE"):
        return None
    configured = os.environ.get("DUALSCREEN_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dualscreen"))


def content_key(*parts: str | Path) -> str:
    """A key over strings and over the bytes of files (a folder: its files, by name)."""
    versions = f"{CACHE_VERSION}\0{NORMALIZER_VERSION}\0{SKELETON_VERSION}\0"
    digest = hashlib.sha256(versions.encode())
    for part in parts:
        if isinstance(part, Path):
            files = sorted(p for p in part.iterdir() if p.is_file()) if part.is_dir() else [part]
            for file in files:
                digest.update(file.name.encode() + b"\0")
                digest.update(file_digest(file))
        else:
            digest.update(part.encode() + b"\0")
    return digest.hexdigest()


_DIGESTS: dict[tuple[str, int, int, int], bytes] = {}


def file_digest(path: Path) -> bytes:
    """The SHA-256 of a file's bytes, read once per run while its size, modification time and
    inode stay the same: finding a list's format and keying its cache entry both need it, and
    a one-record run would otherwise read its 6 MB of lists twice."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    found = _DIGESTS.get(key)
    if found is None:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        found = _DIGESTS[key] = digest.digest()
    return found


def cached(kind: str, key: str, build: Callable[[], T]) -> T:
    """The cached object for `key`, or `build()` stored for next time. Failures to read or write
    the cache never fail the run: the object is built from its source instead."""
    directory = cache_dir()
    if directory is None:
        return build()
    path = directory / kind / f"{key}.pickle"
    try:
        with path.open("rb") as fh:
            data = fh.read()
        # Unpickling makes many objects and no garbage: the collector's passes over them, set
        # off by the count of new objects, are half the time of loading a list (without them,
        # 15,000 SDN entries load in under 50 ms).
        collecting = gc.isenabled()
        gc.disable()
        try:
            stored_key, value = pickle.loads(data)
        finally:
            if collecting:
                gc.enable()
        if stored_key == key:
            return value  # type: ignore[no-any-return]
    except FileNotFoundError:
        pass
    except Exception:  # corrupt, truncated, or from another version: rebuild it
        with contextlib.suppress(OSError):
            path.unlink()
    value = build()
    _store(path, key, value)
    return value


def _store(path: Path, key: str, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers see the old entry or the new one, never half of one
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
