"""Pinned list hashes: a run refuses to screen unless each pinned list loads byte for byte.

A customs script pins the list versions its compliance officer signed off; a list file that
changed underneath it (an update, a truncated download) stops the run instead of silently
screening against something else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dualscreen.errors import ListError
from dualscreen.models import ListInfo

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _parse(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    import yaml  # here: only a run with --pin-lists pays for it

    try:
        return yaml.safe_load(text)  # safe: plain data only, never objects
    except yaml.YAMLError as exc:
        raise ListError(f"pin file is neither JSON nor YAML: {exc}", path=path) from exc


def _pairs(data: Any, path: Path) -> list[tuple[Any, Any]]:
    """`{name: sha256}`, or `[{name, sha256, ...}]` as `dualscreen lists show -f json` prints."""
    if isinstance(data, dict):
        return list(data.items())
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        pairs = []
        for n, item in enumerate(data, start=1):
            if "name" not in item or "sha256" not in item:
                raise ListError(f"pin entry {n} has no name or no sha256", path=path)
            pairs.append((item["name"], item["sha256"]))
        return pairs
    raise ListError(
        "a pin file maps list names to sha256 hashes, or is the output of "
        "`dualscreen lists show --format json`",
        path=path,
    )


def load_pins(path: Path) -> dict[str, str]:
    """List name -> sha256 from a JSON or YAML pin file. Anything unexpected is an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ListError(f"cannot read pin file: {exc.strerror}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise ListError("pin file is not UTF-8 text", path=path) from exc
    pins: dict[str, str] = {}
    for name, sha in _pairs(_parse(text, path), path):
        if not isinstance(name, str) or not name:
            raise ListError(f"pin for {name!r}: the list name must be text", path=path)
        if not isinstance(sha, str) or not _SHA256.match(sha.strip().lower()):
            raise ListError(f"pin for {name!r}: {sha!r} is not a sha256 hex digest", path=path)
        if name in pins:
            raise ListError(f"list {name!r} is pinned twice", path=path)
        pins[name] = sha.strip().lower()
    if not pins:
        raise ListError("pin file pins no list", path=path)
    return pins


def check_pins(pins: Mapping[str, str], lists: Sequence[ListInfo], path: Path) -> None:
    """Raise unless every pinned list is loaded with its pinned hash. Lists the file does not
    name load as usual: pin every list for a run that can be reproduced exactly."""
    loaded = {info.name: info for info in lists}
    for name, sha in pins.items():
        info = loaded.get(name)
        if info is None:
            raise ListError(
                f"pinned list {name!r} is not loaded (loaded: {', '.join(loaded) or 'none'}); "
                "pass it with --lists",
                path=path,
            )
        if info.sha256 != sha:
            raise ListError(
                f"list {name!r} ({info.path}) has sha256 {info.sha256}, pinned {sha}: "
                "the list changed; screen against the pinned file or update the pin",
                path=path,
            )
