"""Write an output file all-or-nothing, and turn file-system failures into plain sentences.

A reviewer must never open a half-written sheet, nor lose the previous one because a write
failed: the new file is written beside the target and renamed onto it only when complete.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from accountaudit.errors import OutputError

log = logging.getLogger(__name__)


def partial_path(out: Path) -> Path:
    """The temporary file used while ``out`` is being written (hidden, same folder)."""
    return out.with_name(f".{out.name}.partial")


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``out`` only if the block finishes.

    On any exception, KeyboardInterrupt included, the temporary file is removed and the
    exception re-raised; an OSError becomes an OutputError naming ``out``.
    """
    out = Path(out)
    if out.is_dir():
        raise OutputError(out, "is a folder; choose a file name for the output")
    if not out.parent.is_dir():
        raise OutputError(out, f"cannot be written because the folder {out.parent} does not exist")
    tmp = partial_path(out)
    try:
        yield tmp
        os.replace(tmp, out)
    except BaseException as exc:
        _remove_quietly(tmp)
        if isinstance(exc, OSError):
            raise OutputError(out, describe_os_error(exc)) from exc
        raise


def describe_os_error(exc: OSError) -> str:
    """A plain sentence for why a file could not be written."""
    if isinstance(exc, PermissionError):
        return ("cannot be written: permission was refused, or the file is open in another "
                "program such as Excel; close it there and try again")
    if isinstance(exc, FileNotFoundError):
        return "cannot be written because its folder does not exist"
    if exc.errno == errno.ENOSPC:
        return "cannot be written because the disk is full"
    reason = exc.strerror or str(exc)
    return f"cannot be written ({reason})"


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:  # the original failure matters more than this one
        log.warning("Could not remove the unfinished file %s: %s", path, exc)
