"""Refuse rule-pack regexes whose run time explodes on long texts (a safety net, not a proof).

A pattern such as ``crime\\s*\\s*\\s*x`` or ``(a+)+b`` is quick on a tweet but can take minutes
on a long post ("catastrophic backtracking"), which would freeze a whole scan. ``too_slow``
times the pattern on hostile texts of growing length, built from the pattern's own leading
words, and stops as soon as the time grows much faster than the text. Timings are repeated
before a pattern is refused, so a busy machine does not make a good pack fail to load.
"""

from __future__ import annotations

import re
import time

from accountaudit.checks.regex_hints import required_words

_FILLERS = (" ", "a", "1", "a ", "1 ", "1/", "-", ".", "ab1 ", "\n")
_SIZES = (8, 11, 16, 23, 32, 45, 64, 90, 128, 181, 256)   # each about 1.4 times the last
_SLOW = 0.02        # one search of a few hundred characters should take microseconds
_NOTICEABLE = 0.001
_GROWTH = 3.5       # per step: linear x1.4, quadratic x2, cubic x2.8, exponential far more


def _seconds(pattern: re.Pattern[str], text: str, repeats: int = 1) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        pattern.search(text)
        best = min(best, time.perf_counter() - start)
    return best


def _explodes(pattern: re.Pattern[str], prefix: str, filler: str) -> bool:
    previous, smaller = 0.0, ""
    for size in _SIZES:
        text = prefix + filler * size + "\x00"
        took = _seconds(pattern, text)
        if took > _SLOW or (took > _NOTICEABLE and took > _GROWTH * previous):
            took = _seconds(pattern, text, repeats=2)  # rule out a pause of the machine
            before = _seconds(pattern, smaller, repeats=2)
            if took > _SLOW or (took > _NOTICEABLE and took > _GROWTH * before):
                return True
        previous, smaller = took, text
    return False


def too_slow(pattern: re.Pattern[str]) -> bool:
    """Whether searching grows much faster than the text on some hostile input."""
    hints = required_words(pattern.pattern, shortest=1)
    words = sorted(hints.folded | hints.exact)[:6] if hints else []
    fillers = (*_FILLERS, *words)
    return any(_explodes(pattern, prefix, filler)
               for prefix in ("", *words) for filler in fillers)
