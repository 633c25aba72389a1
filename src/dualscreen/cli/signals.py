"""SIGINT and SIGTERM for the commands that write files: a clean unwind, never half a file."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, NoReturn, ParamSpec

import typer
from rich.text import Text

from dualscreen.cli.common import err

P = ParamSpec("P")


class Terminated(BaseException):
    """SIGTERM as an exception, so a run unwinds as on Ctrl-C: the temporary output file is
    removed and the audit run closed. A BaseException, like KeyboardInterrupt, so that no
    `except Exception` (the screener's per-record guard) can swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


INTERRUPTED_EXITS = frozenset({128 + signal.SIGINT, 128 + signal.SIGTERM})
"""The exit codes of a run stopped by a signal (130, 143)."""


def leave_interrupted(code: int) -> NoReturn:
    """End an interrupted run, cleaned up already, with its exit code. Not through the
    interpreter's exit: a Ctrl-C that lands while Python runs code it generates from a string
    (exec or eval: a namedtuple, a dataclass, `multiprocessing.sharedctypes` being imported as
    the worker pool starts) leaves CPython's "unhandled KeyboardInterrupt" flag set, though
    `stops_on_signals` handled it, and CPython then ends the process by SIGINT instead of with
    the code chosen (seen as 1 in 40 to 100 runs of tests/cli/test_signals.py under load). By
    now the output file, the audit trail and the case store are closed; what the interpreter's
    exit would still do is end the worker processes (which hold our stdout and stderr open)
    and flush the standard streams."""
    if (mp := sys.modules.get("multiprocessing")) is not None:
        workers = mp.active_children()
        for worker in workers:
            worker.terminate()  # the run is over: their parts are dropped
        for worker in workers:
            worker.join(timeout=5)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def stops_on_signals(command: Callable[P, None]) -> Callable[P, None]:
    """SIGINT and SIGTERM end the command with one line on stderr and exit 128 + the signal
    (130, 143), after the `with` blocks below them have cleaned up."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        installed = _in_main_thread() and signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
        previous = signal.signal(signal.SIGTERM, _raise_terminated) if installed else None
        try:
            command(*args, **kwargs)
        except (KeyboardInterrupt, Terminated) as exc:
            signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
            output = kwargs.get("output")
            left = f"{output} was not written" if output else "the output is incomplete"
            err.print(
                Text.assemble(
                    ("interrupted: ", "bold red"),
                    f"{signal.Signals(signum).name}; the run did not finish and {left}",
                ),
                soft_wrap=True,
            )
            raise typer.Exit(128 + signum) from None
        finally:
            if installed:
                signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)

    return run


class SignalsDeferred:
    """From `hold()` to the end of the block, SIGINT and SIGTERM are noted, not raised: the
    audit's closing line and the output file's rename happen together. A signal that arrives
    then is too late to stop the run and is dropped."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._previous: dict[int, Any] = {}
        self.received: list[int] = []

    def __enter__(self) -> SignalsDeferred:
        return self

    def hold(self) -> None:
        if _in_main_thread() and not self._previous:
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._note)

    def _note(self, signum: int, _frame: FrameType | None) -> None:
        self.received.append(signum)

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()
