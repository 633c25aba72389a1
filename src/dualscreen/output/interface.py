"""The one interface every decision writer implements."""

from __future__ import annotations

from typing import Protocol, TextIO

from dualscreen.models import Decision


class Writer(Protocol):
    """Writes decisions to a stream as they come (streaming), then finishes the document.

    The stream is text, except for binary formats (xlsx), whose writers take bytes."""

    def __init__(self, stream: TextIO) -> None: ...

    def write(self, decision: Decision) -> None: ...

    def close(self) -> None:
        """Finish the document (closing bracket, last table page); does not close the stream."""
        ...
