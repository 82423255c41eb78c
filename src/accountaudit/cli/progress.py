"""A progress bar on stderr with items/s (shown only on a terminal), and a final rate line."""

from __future__ import annotations

import sys
import time
from types import TracebackType

from tqdm import tqdm


class ProgressBar:
    """Wraps tqdm; ``update(done)`` takes the running total the engine reports."""

    def __init__(self, label: str) -> None:
        self._bar = tqdm(desc=label, unit=" items", file=sys.stderr, disable=None,
                         dynamic_ncols=True, leave=False, mininterval=0.2)
        self._done = 0
        self._started = time.perf_counter()

    def update(self, done: int) -> None:
        """Advance to ``done`` items."""
        self._bar.update(done - self._done)
        self._done = done

    @property
    def rate(self) -> float:
        """Items per second so far."""
        elapsed = time.perf_counter() - self._started
        return self._done / elapsed if elapsed > 0 else 0.0

    @property
    def elapsed(self) -> float:
        """Seconds since the bar started."""
        return time.perf_counter() - self._started

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._bar.close()
