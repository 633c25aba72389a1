"""Where the packaged rules pack and list snapshots are, installed or in a source checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def _packaged(name: str) -> Path:
    # A wheel carries them as dualscreen/_data/<name>; an editable install reads the checkout.
    installed = Path(str(files("dualscreen") / "_data" / name))
    return installed if installed.is_dir() else _CHECKOUT / name


def default_rules() -> Path:
    return _packaged("rules")


def default_lists() -> Path:
    return _packaged("lists")
