"""A JSON array of decisions, streamed element by element."""

from __future__ import annotations

from typing import TextIO

from dualscreen.models import Decision
from dualscreen.output.jsonl import dumps


class JsonWriter:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._count = 0

    def write(self, decision: Decision) -> None:
        self._stream.write(("[\n" if self._count == 0 else ",\n") + dumps(decision))
        self._count += 1

    def close(self) -> None:
        self._stream.write("[]\n" if self._count == 0 else "\n]\n")
        self._stream.flush()
