"""Report fixtures: the CLI runner and small list of the CLI tests, and the example file."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Invoke, invoke, watch_list

__all__ = ["EXAMPLES", "REPO", "Invoke", "invoke", "watch_list"]

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "shipments.csv"
