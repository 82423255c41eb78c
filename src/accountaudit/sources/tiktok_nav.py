"""Finding things in a TikTok ``user_data.json`` whose key names change between exports.

TikTok renames sections freely (``Video``/``Post``, ``Activity``/``Your Activity``, key case and
spacing), so every lookup compares keys with case, spaces and punctuation removed and accepts
a list of alternatives (formats.md §4 and its Addendum).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accountaudit.model import Audience
from accountaudit.sources.base import LoadReport
from accountaudit.sources.text import fix_meta_mojibake, unescape_html
from accountaudit.sources.times import parse_iso, parse_naive

PLATFORM = "tiktok"
PLACEHOLDERS = frozenset({"", "n/a", "na", "none", "null"})
_MIN_YEAR = 2014  # musical.ly, TikTok's predecessor, launched in 2014
_AUDIENCES = (
    (Audience.PRIVATE, ("onlyyou", "onlyme", "myself", "private", "nobody", "noone")),
    (Audience.FRIENDS, ("friends", "followers", "followersonly", "friendsonly", "mutualfollowers",
                        "mutualfriends")),
    (Audience.PUBLIC, ("everyone", "public", "all")),
)


def norm(key: str) -> str:
    """A key with case, spaces and punctuation removed: ``"Follower List"`` -> ``followerlist``."""
    return "".join(ch for ch in key.casefold() if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one kind of list lives: alternative section, subsection and list key names."""

    sections: frozenset[str]
    subs: frozenset[str]
    lists: frozenset[str]


def spot(sections: str, subs: str, lists: str) -> Spot:
    """Build a Spot from space-separated normalised names."""
    return Spot(frozenset(sections.split()), frozenset(subs.split()), frozenset(lists.split()))


def children(obj: Any, names: frozenset[str]) -> Iterator[tuple[str, Any]]:
    """Every ``(key, value)`` of a mapping whose normalised key is one of ``names``."""
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            if isinstance(key, str) and norm(key) in names:
                yield key, value


def lists_at(data: Mapping[str, Any], where: Spot) -> Iterator[tuple[str, list[Any]]]:
    """Every list found at ``where``, with its path (``"Video › Videos › VideoList"``).

    A list may sit directly under the subsection in some exports; ``null`` counts as empty.
    """
    seen: set[int] = set()
    for sec_key, section in children(data, where.sections):
        for sub_key, sub in children(section, where.subs):
            found = [(f"{sec_key} › {sub_key} › {k}", v) for k, v in children(sub, where.lists)]
            if isinstance(sub, list):
                found.append((f"{sec_key} › {sub_key}", sub))
            for path, value in found:
                if isinstance(value, list) and id(value) not in seen:
                    seen.add(id(value))
                    yield path, value


def mapping_at(data: Mapping[str, Any], where: Spot) -> tuple[str, Mapping[str, Any]] | None:
    """The first mapping found at ``where`` (ProfileMap, ChatHistory, SettingsMap)."""
    for sec_key, section in children(data, where.sections):
        for sub_key, sub in children(section, where.subs):
            for key, value in children(sub, where.lists):
                if isinstance(value, Mapping):
                    return f"{sec_key} › {sub_key} › {key}", value
    return None


def entry(value: Any) -> dict[str, Any] | None:
    """A list entry with normalised keys, or None if it is not an object."""
    if not isinstance(value, Mapping):
        return None
    return {norm(k): v for k, v in value.items() if isinstance(k, str)}


def text_of(obj: Mapping[str, Any], *keys: str) -> str | None:
    """The first non-placeholder string under one of ``keys`` (normalised names)."""
    for key in keys:
        value = obj.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip().casefold() not in PLACEHOLDERS:
            return value.strip()
    return None


def clean(raw: str) -> str:
    """Text for checks: mojibake repaired, entities unescaped."""
    return unescape_html(fix_meta_mojibake(raw))


def audience_of(value: str | None) -> Audience:
    """``WhoCanView``-style settings to an Audience; anything unrecognised is UNKNOWN."""
    if not value:
        return Audience.UNKNOWN
    key = norm(value)
    for audience, words in _AUDIENCES:
        if key in words:
            return audience
    return Audience.UNKNOWN


@dataclass(slots=True)
class TikTokContext:
    """What every converter of one export shares: the member, ids used, the report."""

    source_id: str
    member: str
    report: LoadReport
    handle: str | None = None
    seen: set[str] = field(default_factory=set)

    @property
    def author(self) -> str | None:
        """The owner's ``@handle``, if the export says it."""
        return f"@{self.handle}" if self.handle else None

    def unique(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``... so ids stay unique and stable across runs."""
        candidate, n = base, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{base}-{n}"
        self.seen.add(candidate)
        return candidate

    def when(self, raw: str | None, where: str) -> datetime | None:
        """A naive TikTok date read as UTC; unreadable or impossible dates are warned."""
        if raw is None:
            return None
        parsed = parse_naive(raw, "%Y-%m-%d %H:%M:%S") or parse_iso(raw)
        if parsed is None:
            self.report.warnings.append(f"{self.member} {where}: the date '{raw}' "
                                        "could not be read")
        elif parsed.year < _MIN_YEAR:
            self.report.warnings.append(f"{self.member} {where}: the date '{raw}' is before "
                                        "TikTok existed; it was left blank")
            return None
        return parsed


def stamp(raw: str | None) -> str:
    """A compact id fragment from a date string: ``2024-11-24 09:31:53`` -> ``20241124093153``."""
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    return digits[:14] if len(digits) >= 8 else "undated"
