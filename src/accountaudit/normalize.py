"""Text normalisation for matching, with a map back to the original so evidence quotes it exactly.

Two views of a text, both mapping every character back to an index of the original:

``value``
    Plain folding: case-folded, accents stripped, compatibility forms (full-width and
    "mathematical bold" letters, ligatures) decomposed, curly quotes and dashes made ASCII.
    Digits and symbols are kept, so numbers, hashtags and references still read as written.
``skeleton`` / ``skeleton_view()``
    The de-obfuscated view that rule-pack terms are matched against. On top of ``value`` it
    undoes what people do to dodge word filters: leetspeak inside words (``w4nk3rs``,
    ``f@gg0ts``, ``Ki11``), spaced or dotted letters (``t r a n n y``), zero-width characters,
    look-alike Cyrillic letters, apostrophes (``youre`` = ``you're``), hyphens (= spaces), a few
    emoji used as words (😂 = "lol", 🐷 = "pig") and repeated letters (``fuuuucking``). Letters
    ``l`` and ``i`` are merged because ``1`` stands for either. Asterisks inside a word
    (``c*nts``) are kept so that a matcher can treat them as wildcards.

Repeated characters are squeezed to one in the skeleton; ``SkeletonView.runs`` keeps how many
there were, so a matcher can tell "kill" from "kil" and "butt" from "but". Only words that
contain a letter are de-leeted, so "999", "2291" and "07700 900123" stay digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = ["NormalizedText", "SkeletonView", "normalize", "skeleton_key"]

_PUNCT = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u0131": "i",
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """One character folded; combining marks on their own (zalgo text) disappear."""
    mapped = _PUNCT.get(char)
    if mapped is not None:
        return mapped
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold(text: str) -> tuple[str, tuple[int, ...]]:
    if text.isascii():
        return text.lower(), tuple(range(len(text)))
    parts: list[str] = []
    origin: list[int] = []
    last = 0
    for run in _NON_ASCII.finditer(text):
        start, end = run.span()
        parts.append(text[last:start].lower())
        origin.extend(range(last, start))
        for index in range(start, end):
            folded = _fold_char(text[index])
            parts.append(folded)
            origin.extend([index] * len(folded))
        last = end
    parts.append(text[last:].lower())
    origin.extend(range(last, len(text)))
    return "".join(parts), tuple(origin)


# --- the skeleton pipeline ---------------------------------------------------------------------
# Each step is a regex plus a function giving (replacement, source offset per output character,
# soft) or None for "leave as is". The same function drives the fast path (string only) and the
# tracked path (string plus origin, runs and soft flags), so the two can never disagree.

_Rep = tuple[str, tuple[int, ...], bool]
_Step = Callable[[re.Match[str]], _Rep | None]

_HOMOGLYPHS = str.maketrans({
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y",
    "\u0445": "x", "\u0456": "i", "\u0458": "j", "\u0455": "s", "\u0501": "d", "\u0261": "g",
    "\u03bf": "o", "\u03b1": "a", "\u03b9": "i", "\u03ba": "k", "\u03bd": "v", "\u03c1": "p",
    "\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " ", "\u2028": " ", "\u2029": " ",
})
_ASCII_SPACE = re.compile(r"[\t\n\r\v\f]")
_NEEDS_HOMOGLYPHS = re.compile("[" + "".join(re.escape(chr(c)) for c in _HOMOGLYPHS) + "]")
_FINAL = str.maketrans({"l": "i", "-": " ", "_": " "})

EMOJI_WORDS = {
    "😂": "lol", "🤣": "lol", "😹": "lol", "😆": "lol", "🐷": "pig", "🐖": "pig", "🐽": "pig",
    "🐀": "rat", "🐁": "rat", "🤡": "clown", "🐍": "snake",
}
"""Emoji that stand for a word; the skeleton spells them out so terms can name the word."""

_ERASE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\ufe0e\ufe0f\u034f"
                    + "".join(EMOJI_WORDS) + "]")
_APOSTROPHE = re.compile("'")
_EMPHASIS = re.compile(r"(?<![^\W_])(?<!\*)\*++|(?<!\*)\*++(?![^\W_])")
_LEET_HINT = re.compile(r"[013457@$!|]")
_LEET_TOKEN = re.compile(
    r"(?<![a-z0-9@$!|*])(?=[a-z0-9@$!|*]*[a-z])(?=[a-z0-9@$!|*]*[013457@$!|])[a-z0-9@$!|*]+")
_UNIT = re.compile(r"\d+(?:st|nd|rd|th|s|am|pm|k|m|km|ft|in|mph|hrs?|mins?|secs?|yrs?|x|p|kg|g"
                   r"|mg|ml|l|mb|gb|tb|v|w|bhp|hp|cc|mm|cm|lbs?|oz|pcs?|ish)")
_SPACED_HINT = re.compile(r"[a-z0-9@$][ ._\-]{1,2}[a-z0-9@$][ ._\-]{1,2}[a-z0-9@$](?![^\W_])")
_SPACED = re.compile(
    r"(?<![^\W_])(?<!\*)[a-z0-9@$](?:[ ._\-]{1,2}[a-z0-9@$]){2,}(?![^\W_])(?!\*)")
_RUN = re.compile(r"(.)\1+", re.DOTALL)
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
         "!": "i", "|": "i"}


def _erase(match: re.Match[str]) -> _Rep:
    word = EMOJI_WORDS.get(match.group())
    if word is None:
        return "", (), False
    spelled = f" {word} "
    return spelled, (0,) * len(spelled), False


def _emphasis(match: re.Match[str]) -> _Rep:
    size = match.end() - match.start()
    return " " * size, tuple(range(size)), False


def _deleet(match: re.Match[str]) -> _Rep | None:
    token = match.group()
    if _UNIT.fullmatch(token):
        return None
    chars = list(token)
    last = len(chars) - 1
    for i, char in enumerate(chars):
        if char.isdigit() or char == "$" or (char == "@" and i > 0):
            chars[i] = _LEET.get(char, char)
        elif char in "!|" and 0 < i < last and token[i - 1].isalnum() and token[i + 1].isalnum():
            chars[i] = "i"
    changed = "".join(chars)
    return None if changed == token else (changed, tuple(range(len(chars))), False)


def _spaced(match: re.Match[str]) -> _Rep | None:
    text = match.group()
    offsets = tuple(i for i, c in enumerate(text) if c not in " ._-")
    members = [text[i] for i in offsets]
    letters = sum(c.isalpha() for c in members)
    if letters < 2 or letters * 2 < len(members):
        return None
    joined = "".join(_LEET.get(c, c) for c in members).translate(_FINAL)
    return joined, offsets, True


def _fast(func: _Step) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        rep = func(match)
        return match.group() if rep is None else rep[0]
    return replace


_FAST_ERASE, _FAST_EMPHASIS = _fast(_erase), _fast(_emphasis)
_FAST_DELEET, _FAST_SPACED = _fast(_deleet), _fast(_spaced)


def _first(match: re.Match[str]) -> str:
    return match.group(1)


def _fast_skeleton(value: str) -> tuple[str, bool]:
    """The skeleton string alone, and whether spaced-out letters were joined. Each guard only
    skips a step that would change nothing, so the string equals the tracked one (a property
    test checks it)."""
    text = value
    if not text.isascii():
        if _NEEDS_HOMOGLYPHS.search(text):
            text = text.translate(_HOMOGLYPHS)
        text = _ERASE.sub(_FAST_ERASE, text)
    elif _ASCII_SPACE.search(text):
        text = text.translate(_HOMOGLYPHS)
    text = text.replace("'", "")
    if "*" in text:
        text = _EMPHASIS.sub(_FAST_EMPHASIS, text)
    if _LEET_HINT.search(text):
        text = _LEET_TOKEN.sub(_FAST_DELEET, text)
    spaced = False
    if _SPACED_HINT.search(text):
        joined = _SPACED.sub(_FAST_SPACED, text)
        spaced, text = joined != text, joined
    text = text.replace("l", "i").replace("-", " ").replace("_", " ")
    return _RUN.sub(_first, text), spaced


def _drop(match: re.Match[str]) -> _Rep:
    return "", (), False


@dataclass(slots=True)
class _Tracked:
    text: str
    origin: list[int]
    last: list[int]
    runs: list[int]
    soft: list[bool]

    def apply(self, pattern: re.Pattern[str], func: _Step) -> None:
        parts: list[str] = []
        origin: list[int] = []
        last_of: list[int] = []
        runs: list[int] = []
        soft: list[bool] = []
        last = 0
        for match in pattern.finditer(self.text):
            rep = func(match)
            if rep is None:
                continue
            start, end = match.span()
            replacement, offsets, is_soft = rep
            parts.append(self.text[last:start])
            origin.extend(self.origin[last:start])
            last_of.extend(self.last[last:start])
            runs.extend(self.runs[last:start])
            soft.extend(self.soft[last:start])
            parts.append(replacement)
            for offset in offsets:
                origin.append(self.origin[start + offset])
                last_of.append(self.last[start + offset])
                runs.append(self.runs[start + offset])
                soft.append(is_soft or self.soft[start + offset])
            last = end
        if last:
            parts.append(self.text[last:])
            self.text = "".join(parts)
            self.origin = origin + self.origin[last:]
            self.last = last_of + self.last[last:]
            self.runs = runs + self.runs[last:]
            self.soft = soft + self.soft[last:]

    def squeeze(self) -> None:
        """Runs of one character become one, remembering the run's length (capped at 255)."""
        keep: list[int] = []
        last = 0
        for match in _RUN.finditer(self.text):
            start, end = match.span()
            keep.extend(range(last, start + 1))
            self.runs[start] = min(255, sum(self.runs[start:end]))
            self.last[start] = self.last[end - 1]
            self.soft[start] = any(self.soft[start:end])
            last = end
        if not keep:
            return
        keep.extend(range(last, len(self.text)))
        self.text = "".join([self.text[i] for i in keep])
        self.origin = [self.origin[i] for i in keep]
        self.last = [self.last[i] for i in keep]
        self.runs = [self.runs[i] for i in keep]
        self.soft = [self.soft[i] for i in keep]


@dataclass(frozen=True, slots=True)
class SkeletonView:
    """The de-obfuscated text with, per character: the original index where it starts and ends
    (a squeezed run such as "uuu" covers several), the run length, and whether it came from
    spaced-out letters (where a word may start or end mid-run)."""

    text: str
    origin: tuple[int, ...]
    origin_last: tuple[int, ...]
    runs: bytes
    soft: bytes

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text covering ``text[start:end]`` and all squeezed letters."""
        start, end = max(start, 0), min(end, len(self.origin))
        if start >= end:
            return (0, 0)
        return (self.origin[start], self.origin_last[end - 1] + 1)


def _span(origin: tuple[int, ...], start: int, end: int) -> tuple[int, int]:
    start, end = max(start, 0), min(end, len(origin))
    if start >= end:
        return (0, 0)
    return (origin[start], origin[end - 1] + 1)


def _tracked_skeleton(value: str, origin: tuple[int, ...]) -> SkeletonView:
    tracked = _Tracked(value.translate(_HOMOGLYPHS), list(origin), list(origin),
                       [1] * len(value), [False] * len(value))
    for pattern, func in ((_ERASE, _erase), (_APOSTROPHE, _drop), (_EMPHASIS, _emphasis),
                          (_LEET_TOKEN, _deleet), (_SPACED, _spaced)):
        if pattern is not _ERASE or not value.isascii():
            tracked.apply(pattern, func)
    tracked.text = tracked.text.translate(_FINAL)
    tracked.squeeze()
    return SkeletonView(tracked.text, tuple(tracked.origin), tuple(tracked.last),
                        bytes(tracked.runs), bytes(tracked.soft))


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text and, for each of its characters, the index of the original character."""

    original: str
    value: str
    origin: tuple[int, ...]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text covering normalised ``value[start:end]``."""
        return _span(self.origin, start, end)

    def quote(self, start: int, end: int) -> str:
        """The original words behind normalised ``value[start:end]``."""
        a, b = self.original_span(start, end)
        return self.original[a:b]

    @property
    def skeleton(self) -> str:
        """The de-obfuscated matching view (cheap: no offsets are computed)."""
        cached = self._cache.get("skeleton")
        if cached is None:
            view = self._cache.get("view")
            if view is not None:
                cached, spaced = view.text, any(view.soft)
            else:
                cached, spaced = _fast_skeleton(self.value)
            self._cache["skeleton"], self._cache["spaced"] = cached, spaced
        return cached  # type: ignore[no-any-return]

    @property
    def spaced_letters(self) -> bool:
        """Whether the skeleton joined spaced-out letters ("f u c k"), where a word may start or
        end inside a run of letters; when False a plain word-boundary test is exact."""
        if "spaced" not in self._cache:
            _ = self.skeleton
        return self._cache["spaced"]  # type: ignore[no-any-return]

    def skeleton_view(self) -> SkeletonView:
        """The matching view with offsets back to the original (computed once, on demand)."""
        cached = self._cache.get("view")
        if cached is None:
            cached = self._cache["view"] = _tracked_skeleton(self.value, self.origin)
        return cached  # type: ignore[no-any-return]


def normalize(text: str) -> NormalizedText:
    """Case-fold and strip accents, one original index per output character."""
    value, origin = _fold(text)
    return NormalizedText(text, value, origin)


def skeleton_key(text: str) -> tuple[str, bytes]:
    """A term's skeleton without surrounding spaces, and its run lengths (for matchers)."""
    view = normalize(text).skeleton_view()
    stripped = view.text.strip(" ")
    start = len(view.text) - len(view.text.lstrip(" "))
    return stripped, view.runs[start:start + len(stripped)]
