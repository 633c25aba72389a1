"""JSON Lines: one decision object per line, the default when stdout is piped."""

from __future__ import annotations

import json
from typing import TextIO

from dualscreen.models import Decision


def dumps(decision: Decision) -> str:
    return json.dumps(decision.to_json_dict(), ensure_ascii=False, default=str)


class JsonlWriter:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, decision: Decision) -> None:
        self._stream.write(dumps(decision) + "\n")

    def close(self) -> None:
        self._stream.flush()
