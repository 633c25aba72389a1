"""Write an output file all at once: a failed run leaves an existing file untouched."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A temporary file beside `path`, renamed over it only when the block ends without error.

    UTF-8 text by default; `binary` for formats that are bytes (xlsx). A device or a pipe
    (`-o /dev/null`, a FIFO) is written straight through: renaming a file over it would
    replace the device itself (as root, /dev/null became a regular file)."""
    target = path.resolve()  # through a symlink: replace the file it points to, not the link
    if _is_device_or_pipe(target):
        stream = target.open("wb") if binary else target.open("w", encoding="utf-8", newline="")
        with stream:
            yield stream
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would surprise whoever reads the file
        stream = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with stream:
            yield stream
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _is_device_or_pipe(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:  # absent (the usual case) or unreachable: the temporary file path decides
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)
