"""What Meta's three exports (Facebook, Instagram, Threads) share: JSON, mojibake, dates, ids.

They come from the same "Download Your Information" machinery, so they share the broken UTF-8
(formats.md §2.5), Unix-second timestamps, ``string_list_data`` entries and Messenger threads.
Files are picked by name rules, and files with unknown names by the JSON key they start with,
because Meta renames folders every year or two (formats.md §0 rule 1, §2.1).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, MediaRef
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import LoadReport
from accountaudit.sources.jswrap import READ_ERRORS, read_member
from accountaudit.sources.text import decode, fix_meta_mojibake
from accountaudit.sources.times import from_unix, from_unix_ms, parse_iso

MIN_YEAR = 2004  # Facebook opened in 2004; Meta dates before it are clock or export errors
_HEAD = 2048
_SNIFF_LIMIT = 400  # unknown-name JSON files peeked at per export
_FIRST_KEY = re.compile(rb"\A\s*(\[\s*)?\{\s*\"([^\"\\]{1,80})\"")
_DIGITS = re.compile(r"\d+")
_VERSIONED = re.compile(r"_v\d\Z")
_VIDEO = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".3gp", ".mkv")
_AUDIO = (".mp3", ".m4a", ".aac", ".wav", ".ogg", ".opus")
EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Rule:
    """One data type: where it lives (path patterns) and the JSON keys that wrap its list."""

    kind: str
    patterns: tuple[str, ...]
    keys: tuple[str, ...] = ()
    sniff: bool | None = None  # None: only versioned keys (``friends_v2``) identify a file
    array_keys: tuple[str, ...] = ()  # first keys of a bare array's entries that identify it

    def matches(self, rel: str) -> bool:
        """True if the path (relative to the export root) fits one of the patterns."""
        return any(re.search(p, rel) for p in self.patterns)

    def sniffs(self, key: str) -> bool:
        """True if a file of unknown name starting with ``key`` holds this data type."""
        if self.sniff is False or key not in self.keys:
            return False
        return bool(self.sniff) or _VERSIONED.search(key) is not None


@dataclass(slots=True)
class MetaContext:
    """What every converter of one export shares: where it is, ids used, dates rejected."""

    view: ArchiveView
    root: str
    source_id: str
    report: LoadReport
    platform: str
    owner_names: set[str] = field(default_factory=set)
    owner_label: str | None = None  # how the holder is named as an author
    audience: Audience = Audience.UNKNOWN
    used_ids: set[str] = field(default_factory=set)
    bad_dates: Counter[str] = field(default_factory=Counter)
    bad_example: dict[str, str] = field(default_factory=dict)

    def new_id(self, *parts: object) -> str:
        """A stable id from the parts; a repeat gets ``-2``, ``-3`` in file order."""
        base = "-".join(str(p) for p in parts if p not in (None, ""))
        candidate, number = base, 2
        while candidate in self.used_ids:
            candidate = f"{base}-{number}"
            number += 1
        self.used_ids.add(candidate)
        return candidate

    def when(self, value: Any, member: str, ms: bool = False) -> tuple[datetime | None, str | None]:
        """Unix seconds (or ms) to aware UTC plus the original as text; bad ones are counted."""
        if value is None or isinstance(value, bool) or value == "" or value == 0:
            return None, None
        parsed = from_unix_ms(value) if ms else from_unix(value)
        return self._checked(parsed, str(value), member)

    def when_iso(self, value: Any, member: str) -> tuple[datetime | None, str | None]:
        """An ISO 8601 date (Instagram 2018-2020 files) to aware UTC plus the original."""
        if not isinstance(value, str) or not value.strip():
            return None, None
        return self._checked(parse_iso(value), value, member)

    def _checked(self, parsed: datetime | None, raw: str,
                 member: str) -> tuple[datetime | None, str | None]:
        latest = datetime.now(UTC) + timedelta(days=2)
        if parsed is None or parsed.year < MIN_YEAR or parsed > latest:
            self.bad_dates[member] += 1
            self.bad_example.setdefault(member, raw)
            return None, raw
        return parsed, raw

    def flush_dates(self, member: str) -> None:
        """One warning per file for every date that was unreadable or implausible."""
        count = self.bad_dates.pop(member, 0)
        if count:
            example = self.bad_example.pop(member, "")
            self.report.warnings.append(
                f"{member}: {count} date(s) could not be read or are implausible "
                f"(for example '{example}'); those items were loaded without a date")

    def media(self, uri: Any, kind: str | None = None) -> MediaRef | None:
        """A reference to an attached file: its member name when shipped, else its address."""
        if not isinstance(uri, str) or not uri.strip():
            return None
        uri = uri.strip()
        kind = kind or media_kind(uri)
        if uri.startswith(("http://", "https://")):
            return MediaRef(url=uri, kind=kind)
        for candidate in (self.root + uri.lstrip("/"), uri.lstrip("/")):
            if self.view.exists(candidate):
                return MediaRef(path=candidate, kind=kind)
        return None

    def is_owner(self, name: str | None) -> bool | None:
        """Whether a display name is the holder's; None when the export does not say who."""
        if not self.owner_names or not name:
            return None
        return name in self.owner_names


def media_kind(uri: str) -> str:
    """``video``, ``audio`` or ``image`` from the file extension."""
    lower = uri.lower().split("?", 1)[0]
    if lower.endswith(_VIDEO):
        return "video"
    if lower.endswith(_AUDIO):
        return "audio"
    return "image"


def fixed(value: Any) -> str | None:
    """A string value with Meta's mojibake undone; None for anything that is not a string."""
    if not isinstance(value, str):
        return None
    return fix_meta_mojibake(value)


def clean_pair(raw: str) -> tuple[str, str | None]:
    """(text for checks, exported text when cleaning changed it)."""
    text = fix_meta_mojibake(raw).replace("\x00", "").strip()
    return text, (raw if text != raw else None)


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty mapping."""
    return value if isinstance(value, Mapping) else EMPTY


def facts(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """An ``extra`` mapping without empty values."""
    return MappingProxyType({k: v for k, v in mapping.items() if v not in (None, "", [], {})})


def member_order(name: str) -> str:
    """Sort key putting ``posts_2.json`` before ``posts_10.json``."""
    return _DIGITS.sub(lambda m: f"{int(m.group()):010d}", name)


def read_json(view: ArchiveView, name: str, report: LoadReport) -> Any | None:
    """Read, decode and parse one member; any failure is a warning naming it, and None."""
    data = read_member(view, name, report)
    if data is None or not data.strip():
        return None
    text = decode(data, report.warnings, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        report.warnings.append(f"{name}: skipped, it is not valid JSON ({exc.msg} at line "
                               f"{exc.lineno}, column {exc.colno})")
    except (ValueError, RecursionError):
        report.warnings.append(f"{name}: skipped, it is not valid JSON or is nested too deeply")
    return None


def records(value: Any, keys: tuple[str, ...], name: str, report: LoadReport) -> list[Any]:
    """The list of entries in a file: a bare array, or the array under one of ``keys``.

    Older exports nest lists one level deeper (``{"group_posts": {"activity_log_data": []}}``).
    """
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        for key in keys:
            inner = value.get(key)
            if isinstance(inner, list):
                return inner
            if isinstance(inner, Mapping):
                nested = next((v for v in inner.values() if isinstance(v, list)), None)
                if nested is not None:
                    return nested
        if any(isinstance(v, list) for v in value.values()) and not keys:
            return next(v for v in value.values() if isinstance(v, list))
        report.warnings.append(f"{name}: skipped, it holds none of the expected lists "
                               f"({', '.join(keys) or 'a JSON array'})")
        return []
    report.warnings.append(f"{name}: skipped, it holds a JSON {type(value).__name__} "
                           "where a list was expected")
    return []


def first_key(view: ArchiveView, name: str) -> tuple[bool, str] | None:
    """(is a bare array, first key) of a JSON member, from its first bytes only."""
    try:
        with view.open(name) as fh:
            head = fh.read(_HEAD)
    except READ_ERRORS:
        return None
    match = _FIRST_KEY.match(head.removeprefix(b"\xef\xbb\xbf"))
    if match is None:
        return None
    return match.group(1) is not None, match.group(2).decode("utf-8", "replace")


def sniff_kind(view: ArchiveView, name: str, rules: Iterable[Rule]) -> str | None:
    """The data type a JSON member of unknown name holds, by the key it starts with."""
    found = first_key(view, name)
    if found is None:
        return None
    if found[0]:
        return next((r.kind for r in rules if found[1] in r.array_keys), None)
    return next((r.kind for r in rules if r.sniffs(found[1])), None)


def classify(view: ArchiveView, root: str, rules: tuple[Rule, ...],
             skip: re.Pattern[str] | None = None) -> dict[str, list[str]]:
    """Every member under ``root`` sorted into data types, by name and then by content."""
    found: dict[str, list[str]] = {}
    sniffed = 0
    for name in view.names():
        if not name.startswith(root) or not name.endswith(".json"):
            continue
        rel = name[len(root):]
        if skip is not None and skip.search(rel):
            continue
        rule = next((r for r in rules if r.matches(rel)), None)
        kind = rule.kind if rule is not None else None
        if kind is None and sniffed < _SNIFF_LIMIT and not rel.endswith(_MESSAGE_SUFFIX):
            sniffed += 1
            kind = sniff_kind(view, name, rules)
        if kind is not None:
            found.setdefault(kind, []).append(name)
    return {k: sorted(v, key=member_order) for k, v in found.items()}


_MESSAGE_SUFFIX = tuple(f"message_{n}.json" for n in range(10))


def rule_keys(rules: tuple[Rule, ...], kind: str) -> tuple[str, ...]:
    """The wrapping keys a data type may use."""
    return next((r.keys for r in rules if r.kind == kind), ())


def json_head_ok(view: ArchiveView, name: str, signatures: tuple[bytes, ...]) -> bool:
    """True if a member starts like JSON and its first bytes hold one of ``signatures``."""
    try:
        with view.open(name) as fh:
            head = fh.read(_HEAD)
    except READ_ERRORS:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head[:1] in (b"[", b"{") and any(s in head for s in signatures)


def folder_root(view: ArchiveView, folders: tuple[str, ...], max_depth: int = 4) -> str | None:
    """The shortest prefix under which one of ``folders`` starts some member name."""
    best: str | None = None
    for name in view.names():
        for folder in folders:
            at = name.find(folder + "/")
            while at >= 0:
                if at == 0 or name[at - 1] == "/":
                    prefix = name[:at]
                    if prefix.count("/") <= max_depth and (best is None or len(prefix) < len(best)):
                        best = prefix
                    break
                at = name.find(folder + "/", at + 1)
    return best


def labelled_values(entry: Mapping[str, Any]) -> tuple[list[str], str | None]:
    """Values and the first link of a 2024-style ``label_values`` entry (labels are localised)."""
    values: list[str] = []
    href: str | None = None
    for pair in as_list(entry.get("label_values")):
        pair = as_dict(pair)
        value = fixed(pair.get("value"))
        link = pair.get("href")
        if value and value.strip() and value != link:
            values.append(value.strip())
        if href is None and isinstance(link, str) and link:
            href = link
        for inner in as_list(pair.get("vec")):
            inner_value = fixed(as_dict(inner).get("value"))
            if inner_value and inner_value.strip():
                values.append(inner_value.strip())
    return values, href


def relationship_name(entry: Mapping[str, Any]) -> tuple[str | None, str | None, Any]:
    """(username, profile link, timestamp) of a ``string_list_data`` entry (formats.md §3.2).

    The name is in ``value``, else in ``title`` (2025 exports), else the link's last part.
    """
    data = next((as_dict(d) for d in as_list(entry.get("string_list_data")) if d), EMPTY)
    href = data.get("href") if isinstance(data.get("href"), str) and data.get("href") else None
    name = fixed(data.get("value")) or fixed(entry.get("title"))
    if not name and href:
        name = href.rstrip("/").rsplit("/", 1)[-1].lstrip("@") or None
    return (name.strip() if name else None), href, data.get("timestamp")


def map_value(entry: Mapping[str, Any], label: str, field_name: str = "value") -> Any:
    """One field of a ``string_map_data`` entry (``{"Comment": {"value": ...}}``)."""
    return as_dict(as_dict(entry.get("string_map_data")).get(label)).get(field_name)


def exif_location(media: Mapping[str, Any]) -> dict[str, float] | None:
    """Latitude and longitude from a media item's EXIF data (a location disclosure)."""
    meta = as_dict(media.get("media_metadata"))
    for group in ("photo_metadata", "video_metadata"):
        for exif in as_list(as_dict(meta.get(group)).get("exif_data")):
            exif = as_dict(exif)
            lat, lon = exif.get("latitude"), exif.get("longitude")
            if isinstance(lat, int | float) and isinstance(lon, int | float) and (lat or lon):
                return {"latitude": float(lat), "longitude": float(lon)}
    return None
