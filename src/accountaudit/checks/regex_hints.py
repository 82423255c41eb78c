"""A cheap, safe prefilter for rule-pack regexes: words one of which every match must contain.

Case-insensitive regexes cannot use the regex engine's fast literal scan, so a dozen of them cost
more than the whole Aho-Corasick pass. ``required_words`` reads a pattern's leading literal (or
the leading literals of each branch of a leading group); a regex is only run on texts whose
folded form contains one of them. When the start of a pattern is anything else (``\\d``, ``.``,
an optional group), it returns None and the regex always runs: the prefilter may be useless,
never wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from accountaudit.normalize import normalize

_META = set(".^$*+?{}[]\\|()")
_ZERO_WIDTH_ESCAPES = ("\\b", "\\B", "\\A")
_LOOKAROUND = ("(?<=", "(?<!", "(?=", "(?!")
_LITERAL_ESCAPES = set(".-'/#&,:;!\"@£$%^*+?()[]{}|\\ ")


def _close(source: str, start: int) -> int:
    """Index of the ')' closing the group opened at ``source[start]``, or -1."""
    depth, i = 0, start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(source, i)
            if i < 0:
                return -1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _class_end(source: str, start: int) -> int:
    i = start + 1
    if i < len(source) and source[i] == "^":
        i += 1
    if i < len(source) and source[i] == "]":
        i += 1
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "]":
            return i
        i += 1
    return -1


def _optional(source: str, i: int) -> bool:
    """Whether the element ending just before ``i`` may occur zero times."""
    return i < len(source) and (source[i] in "?*" or source.startswith("{0", i)
                                or source.startswith("{,", i))


def _branches(body: str) -> list[str]:
    parts, depth, i, last = [], 0, 0, 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(body, i)
            if i < 0:
                return [body]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[last:i])
            last = i + 1
        i += 1
    parts.append(body[last:])
    return parts


def _group_body_start(source: str, i: int) -> int | None:
    """Where the body of the group opened at ``source[i]`` starts (None for lookarounds etc.)."""
    if not source.startswith("(?", i):
        return i + 1
    if source.startswith(_LOOKAROUND, i) or source.startswith("(?#", i):
        return None
    if source.startswith("(?P<", i):
        end = source.find(">", i)
        return end + 1 if end > 0 else None
    colon = source.find(":", i)
    flags = source[i + 2:colon] if colon > 0 else ""
    if colon > 0 and all(c in "aiLmsux-" for c in flags):
        return colon + 1
    return None


@dataclass(frozen=True, slots=True)
class Hints:
    """Every match contains one of ``folded`` in the folded text (``normalize(text).value``) or
    one of ``exact`` (from case-sensitive ``(?-i:...)`` parts) in the original text."""

    folded: frozenset[str]
    exact: frozenset[str]


def required_words(source: str, shortest: int = 2) -> Hints | None:
    """The words one of which every match of ``source`` contains; None when unknown or when a
    word is shorter than ``shortest`` (too common to be worth checking)."""
    words: set[tuple[str, bool]] = set()
    for branch in _branches(source):
        found = _first(branch, 0, exact=False)
        if not found:
            return None
        words |= found
    folded = {normalize(w).value for w, exact in words if not exact}
    exact = {w for w, is_exact in words if is_exact}
    if any(len(w) < shortest for w in folded | exact):
        return None
    return Hints(frozenset(folded), frozenset(exact))


def _skip_zero_width(source: str, i: int) -> int:
    """Index after the assertions (\\b, ^, $, lookarounds, groups of them) starting at ``i``."""
    while i < len(source):
        if source.startswith(_ZERO_WIDTH_ESCAPES, i):
            i += 2
        elif source[i] in "^$":
            i += 1
        elif source[i] == "(":
            end = _close(source, i)
            body = _group_body_start(source, i)
            zero_width = source.startswith(_LOOKAROUND, i) or (
                body is not None and end > 0 and all(
                    _skip_zero_width(b, 0) == len(b) for b in _branches(source[body:end])))
            if end < 0 or not zero_width:
                return i
            i = end + 1
        else:
            return i
    return i


def _first(source: str, i: int, exact: bool) -> set[tuple[str, bool]] | None:
    i = _skip_zero_width(source, i)
    if i >= len(source):
        return None
    if source[i] == "(":
        return _group(source, i, exact)
    if source[i] == "[":
        members = _char_class(source, i)
        return {(m, exact) for m in members} if members else None
    word = _literal(source, i)
    return {(word, exact)} if word else None


def _group(source: str, i: int, exact: bool) -> set[tuple[str, bool]] | None:
    end = _close(source, i)
    body = _group_body_start(source, i)
    if end < 0 or body is None or _optional(source, end + 1):
        return None
    flags = source[i + 2:body - 1] if source.startswith("(?", i) else ""
    if "-" in flags:
        on, off = flags.split("-", 1)
        exact = True if "i" in off else (False if "i" in on else exact)
    elif "i" in flags and not flags.startswith("P"):
        exact = False
    found: set[tuple[str, bool]] = set()
    for branch in _branches(source[body:end]):
        words = _first(branch, 0, exact)
        if not words:
            return None
        found |= words
    return found


def _char_class(source: str, i: int) -> set[str] | None:
    end = _class_end(source, i)
    if end < 0 or _optional(source, end + 1):
        return None
    members = source[i + 1:end]
    if not members or members.startswith("^") or "\\" in members or "-" in members.strip("-"):
        return None
    return set(members)


def _literal(source: str, i: int) -> str:
    chars: list[str] = []
    while i < len(source):
        char, step = source[i], 1
        if char == "\\":
            if i + 1 >= len(source) or source[i + 1] not in _LITERAL_ESCAPES:
                break
            char, step = source[i + 1], 2
        elif char in _META:
            break
        if _optional(source, i + step):
            break
        chars.append(char)
        if i + step < len(source) and source[i + step] in "+{":
            break
        i += step
    return "".join(chars)
