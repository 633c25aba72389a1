"""The `--store` option the case-store commands share, and the check that it is its own file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from dualscreen.store import STORE_ENV

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar=STORE_ENV,
        help="The case store (a SQLite file). Default: cases.db in the user data folder "
        "(DUALSCREEN_DATA_DIR moves it).",
        dir_okay=False,
        show_default=False,
    ),
]
"""For `review`, `rescreen`, `report`: a store is always used, the default one when none is
named (`store.resolve_store`). `screen` has its own option: it records only when asked."""


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)  # a hard link, or another path to the same file
    except OSError:
        return False


def check_store_path(
    store: Path,
    *,
    inputs: Iterable[str] = (),
    output: Path | None = None,
    audit: Path | None = None,
) -> None:
    """The store must not be an input (its bytes would be read as records), the output (the
    run's rename would replace the database) nor the audit file (two writers, two formats, one
    file). A usage error: nothing has been read or written yet."""
    others = [("an input", Path(s)) for s in inputs if s != "-"]
    others += [("the -o output", output)] if output is not None else []
    others += [("the audit file", audit)] if audit is not None else []
    for what, other in others:
        if _same_file(store, other):
            raise typer.BadParameter(
                f"{store} is {what}; the case store needs a file of its own",
                param_hint="--store",
            )
