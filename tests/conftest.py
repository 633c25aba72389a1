"""Shared fixtures: where the real public data lives, and skipping cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data`: real list snapshots and classification facts (see its README.md)."""
    if not (SHARED_DATA / "lists").is_dir():
        pytest.skip(
            f"real public data not found at {SHARED_DATA} (clone ../shared beside the repo)"
        )
    return SHARED_DATA


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's real list cache or updated lists: a machine where
    someone ran `lists update` must test the packaged snapshots like any other."""
    import os

    os.environ["DUALSCREEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["DUALSCREEN_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
