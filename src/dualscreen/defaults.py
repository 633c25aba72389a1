"""Where the packaged rules pack and list snapshots are, installed or in a source checkout, and
which lists `screen` uses when none are given: the updated ones, else the packaged snapshots."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from dualscreen.lists.update import lists_dir, lists_in_effect

_CHECKOUT = Path(__file__).resolve().parents[2]


def _packaged(name: str) -> Path:
    # A wheel carries them as dualscreen/_data/<name>; an editable install reads the checkout.
    installed = Path(str(files("dualscreen") / "_data" / name))
    return installed if installed.is_dir() else _CHECKOUT / name


def default_rules() -> Path:
    return _packaged("rules")


def packaged_lists() -> Path:
    """The list snapshots shipped with dualscreen: the offline fallback, always out of date."""
    return _packaged("lists")


def default_lists() -> list[Path]:
    """What `screen` loads without `--lists`: each list `dualscreen lists update` installed in
    the data folder (`DUALSCREEN_DATA_DIR`), and the packaged snapshot of every other list.
    With nothing updated, the packaged folder as a whole."""
    packaged = packaged_lists()
    in_effect = lists_in_effect(lists_dir(), packaged)
    if not any(item.installed for item in in_effect):
        return [packaged]
    return [item.path for item in in_effect]
