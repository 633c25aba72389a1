"""Report fixtures: a runner with stdout and stderr apart, a small list, hand-built decisions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dualscreen.cli import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "shipments.csv"

Invoke = Callable[..., Any]


@pytest.fixture()
def invoke() -> Invoke:
    def _invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        return CliRunner().invoke(app, list(args), input=input, env=env)

    return _invoke


@pytest.fixture()
def watch_list(tmp_path: Path) -> Path:
    """A native sanctions-style list small enough to load in milliseconds."""
    path = tmp_path / "watch.yaml"
    path.write_text(
        "name: test-sanctions\nversion: '2026-11-01'\ncategory: sanctions\nentries:\n"
        "  - {id: S1, name: BANCO NACIONAL DE CUBA, aliases: [BNC], programs: [CUBA]}\n"
        "  - {id: S2, name: 'MOA NICKEL SA', type: organization}\n",
        encoding="utf-8",
    )
    return path
