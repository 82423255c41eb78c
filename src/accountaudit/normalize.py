"""Text normalisation for matching, with a map back to the original so evidence quotes it exactly.

Matching runs on ``NormalizedText.value``; ``original_span`` turns a match there into offsets of the
text as written.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text and, for each of its characters, the index of the original character."""

    original: str
    value: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text covering normalised ``value[start:end]``."""
        if start >= end or not self.origin:
            return (0, 0)
        first = self.origin[start]
        last = self.origin[min(end, len(self.origin)) - 1]
        return (first, last + 1)

    def quote(self, start: int, end: int) -> str:
        """The original words behind normalised ``value[start:end]``."""
        a, b = self.original_span(start, end)
        return self.original[a:b]


def normalize(text: str) -> NormalizedText:
    """Case-fold and strip accents, one original index per output character."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            folded = char.lower()
        else:
            decomposed = unicodedata.normalize("NFKD", char.casefold())
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
        out.append(folded)
        origin.extend([index] * len(folded))
    return NormalizedText(text, "".join(out), tuple(origin))
