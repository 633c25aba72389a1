"""Errors that stop a run; each names the file, line and field so a user can fix the input."""

from __future__ import annotations

from pathlib import Path


class DualscreenError(Exception):
    """A failure the user can act on. The CLI prints it as one line and exits 1."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where += f":{self.line}" if where else f"line {self.line}"
        prefix = f"{where}: " if where else ""
        field = f" [{self.field}]" if self.field else ""
        return f"{prefix}{self.message}{field}"

    def to_json(self) -> dict[str, object]:
        return {
            "error": self.kind,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "field": self.field,
        }


class ListError(DualscreenError):
    """A restricted-party list that cannot be loaded: the run must not go on without it."""

    kind = "list"


class RulesError(DualscreenError):
    """A rules file that cannot be loaded or does not validate."""

    kind = "rules"


class InputError(DualscreenError):
    """An input source that cannot be read at all (records that are merely bad get flagged)."""

    kind = "input"


class StoreError(DualscreenError):
    """A case store that cannot be opened, migrated or written."""

    kind = "store"
