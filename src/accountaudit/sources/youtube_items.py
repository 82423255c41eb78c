"""YouTube Takeout rows to Items: comments and live chat (CSV or old HTML), videos, channel.

Comment cells hold JSON text segments: ``{"takeoutSegments":[{"text":...}]}`` before mid-2024,
comma-joined ``{"text":...},{"text":...}`` after it, plain text in a few exports (formats.md
§8.4; google_takeout_parser's tests show both JSON forms).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import LoadReport
from accountaudit.sources.linkedin_csv import Row
from accountaudit.sources.text import unescape_html
from accountaudit.sources.times import parse_iso
from accountaudit.sources.youtube_tables import Table, cell

PLATFORM = "youtube"
WATCH = "https://www.youtube.com/watch?v="
_MIN_YEAR = 2005  # YouTube launched in 2005
_PUBLIC = frozenset({"public", "público", "publico", "publiek", "viešas", "öffentlich"})
_PRIVATE = frozenset({"private", "privado", "privada", "privé", "privat", "privatus", "privată"})
_VIDEO_FILES = (".mp4", ".webm", ".mov", ".mkv", ".avi", ".3gp", ".flv", ".m4v")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(slots=True)
class YouTubeContext:
    """What every converter of one Takeout shares."""

    view: ArchiveView
    source_id: str
    report: LoadReport
    author: str | None = None
    seen: set[str] = field(default_factory=set)
    video_files: dict[str, str] = field(default_factory=dict)  # normalised title -> member

    def unique(self, base: str, where: str) -> str:
        """``base``, or ``base-2``... with a warning: YouTube's own ids should not repeat."""
        candidate, n = base, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{base}-{n}"
        if n > 1:
            self.report.warnings.append(f"{where}: the id '{base}' was already used; this "
                                        f"entry was loaded as '{candidate}'")
        self.seen.add(candidate)
        return candidate

    def when(self, raw: str, where: str) -> datetime | None:
        """An ISO 8601 Takeout time as UTC; unreadable or impossible times are warned."""
        if not raw:
            return None
        parsed = parse_iso(raw) if len(raw) >= 10 else None
        if parsed is None:
            self.report.warnings.append(f"{where}: the date '{raw}' could not be read")
        elif parsed.year < _MIN_YEAR:
            self.report.warnings.append(f"{where}: the date '{raw}' is before YouTube "
                                        "existed; it was left blank")
            return None
        return parsed


def title_key(title: str) -> str:
    """A title compared loosely with a video file's name (Takeout names files by title)."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFC", title).casefold())


def segments_text(raw: str) -> tuple[str, list[str], bool]:
    """The words and links of a comment cell, and whether its JSON could be read."""
    stripped = raw.strip()
    if not stripped.startswith("{"):
        return raw.strip(), [], True
    try:
        value = json.loads(f"[{stripped}]", strict=False)
    except (ValueError, RecursionError):
        return raw.strip(), [], False
    parts: list[Any] = []
    for obj in value:
        inner = obj.get("takeoutSegments") if isinstance(obj, Mapping) else None
        parts.extend(inner if isinstance(inner, list) else [obj])
    words, links = [], []
    for part in parts:
        if not isinstance(part, Mapping):
            continue
        if isinstance(part.get("text"), str):
            words.append(part["text"])
        link = part.get("link")
        if isinstance(link, Mapping) and isinstance(link.get("linkUrl"), str):
            links.append(link["linkUrl"])
    return "".join(words).strip(), links, True


def comment_item(row: Row, name: str, ctx: YouTubeContext, table: Table,
                 guessed: Mapping[str, str] | None = None) -> Item:
    """One comment or live-chat message (COMMENT, public wherever it was posted)."""
    where = f"{name} line {row.line}"

    def get(role: str) -> str:
        if guessed is not None:
            return row.cells.get(guessed.get(role, ""), "").strip()
        return cell(row, table, role)

    raw = get("text")
    text, links, readable = segments_text(raw)
    if not readable:
        ctx.report.warnings.append(f"{where}: the comment text is not readable JSON; "
                                   "it was kept as it is")
    own_id, video, post = get("id"), get("video"), get("post")
    live = table is Table.LIVE_CHAT
    prefix = "livechat" if live else "comment"
    url = None
    if video:
        url = f"{WATCH}{video}" + (f"&lc={own_id}" if own_id and not live else "")
    elif post:
        url = f"https://www.youtube.com/post/{post}"
    created_raw = get("created")
    facts = {"video_id": video, "post_id": post, "channel_id": get("channel"),
             "parent_comment_id": get("parent"), "links": links or None,
             "live_chat": live or None, "columns_guessed": guessed is not None or None}
    text = unescape_html(text)
    return Item(
        source_id=ctx.source_id, id=ctx.unique(f"{prefix}-{own_id or f'line{row.line}'}", where),
        platform=PLATFORM, kind=ItemKind.COMMENT, text=text,
        text_raw=raw if raw != text else None,
        provenance=Provenance(ctx.source_id, path=name, line=row.line),
        created_at=ctx.when(created_raw, where), created_raw=created_raw or None,
        author=ctx.author or get("channel") or None, url=url,
        reply_to=get("parent") or None, audience=Audience.PUBLIC,
        extra=MappingProxyType({k: v for k, v in facts.items() if v}))


def video_item(row: Row, name: str, ctx: YouTubeContext) -> Item | None:
    """One uploaded video (POST): its title and description, privacy and shipped file."""
    where = f"{name} line {row.line}"
    video = cell(row, Table.VIDEOS, "id")
    title, description = cell(row, Table.VIDEOS, "title"), cell(row, Table.VIDEOS, "description")
    privacy = cell(row, Table.VIDEOS, "privacy")
    created_raw = cell(row, Table.VIDEOS, "published") or cell(row, Table.VIDEOS, "created")
    file = ctx.video_files.get(title_key(title)) if title else None
    raw = "\n\n".join(p for p in (title, description) if p)
    facts = {"title": title, "privacy": privacy, "category": cell(row, Table.VIDEOS, "category"),
             "state": cell(row, Table.VIDEOS, "state"), "video_id": video}
    return Item(
        source_id=ctx.source_id, id=ctx.unique(f"video-{video or f'line{row.line}'}", where),
        platform=PLATFORM, kind=ItemKind.POST, text=unescape_html(raw),
        text_raw=raw if unescape_html(raw) != raw else None,
        provenance=Provenance(ctx.source_id, path=name, line=row.line),
        created_at=ctx.when(created_raw, where), created_raw=created_raw or None,
        author=ctx.author, url=f"{WATCH}{video}" if video else None,
        audience=privacy_audience(privacy),
        media=(MediaRef(path=file, kind="video"),) if file else (),
        extra=MappingProxyType({k: v for k, v in facts.items() if v}))


def privacy_audience(value: str) -> Audience:
    """Public and private in the export's language; unlisted and unknown words are UNKNOWN."""
    key = value.strip().casefold()
    if key in _PUBLIC:
        return Audience.PUBLIC
    if key in _PRIVATE:
        return Audience.PRIVATE
    return Audience.UNKNOWN


def subscription_item(row: Row, name: str, ctx: YouTubeContext) -> Item | None:
    """A channel the owner subscribes to (CONNECTION, following)."""
    channel = cell(row, Table.SUBSCRIPTIONS, "id")
    title = cell(row, Table.SUBSCRIPTIONS, "title")
    url = cell(row, Table.SUBSCRIPTIONS, "url")
    if not (channel or title):
        ctx.report.warnings.append(f"{name} line {row.line}: skipped, no channel")
        return None
    where = f"{name} line {row.line}"
    return Item(
        source_id=ctx.source_id,
        id=ctx.unique(f"subscription-{channel or f'line{row.line}'}", where), platform=PLATFORM,
        kind=ItemKind.CONNECTION, text=title, author=title or None, url=url or None,
        provenance=Provenance(ctx.source_id, path=name, line=row.line),
        audience=Audience.UNKNOWN,
        extra=MappingProxyType({k: v for k, v in
                                {"direction": "following", "channel_id": channel}.items() if v}))


def channel_item(row: Row, name: str, ctx: YouTubeContext, handle: str | None) -> Item:
    """The owner's channel (PROFILE): title and description, country and visibility."""
    channel = cell(row, Table.CHANNEL, "id")
    title = cell(row, Table.CHANNEL, "title")
    description = cell(row, Table.CHANNEL, "description")
    visibility = cell(row, Table.CHANNEL, "visibility")
    url = (f"https://www.youtube.com/{handle}" if handle else
           f"https://www.youtube.com/channel/{channel}" if channel else None)
    raw = "\n".join(p for p in (title, description) if p)
    facts = {"title": title, "handle": handle, "channel_id": channel, "visibility": visibility,
             "country": cell(row, Table.CHANNEL, "country")}
    return Item(
        source_id=ctx.source_id,
        id=ctx.unique(f"channel-{channel or f'line{row.line}'}", f"{name} line {row.line}"),
        platform=PLATFORM, kind=ItemKind.PROFILE, text=unescape_html(raw),
        provenance=Provenance(ctx.source_id, path=name, line=row.line),
        author=handle or title or None, url=url, audience=privacy_audience(visibility),
        extra=MappingProxyType({k: v for k, v in facts.items() if v}))


def index_video_files(ctx: YouTubeContext, root: str) -> None:
    """Uploaded video files shipped in the Takeout, by their title-derived names."""
    for name in ctx.view.names():
        if name.startswith(root) and name.casefold().endswith(_VIDEO_FILES):
            stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            ctx.video_files.setdefault(title_key(stem), name)


def html_time(match: re.Match[str]) -> datetime | None:
    """A ``2020-05-06 19:32:44`` time from an old Takeout HTML page, read as UTC."""
    try:
        return datetime(*(int(g) for g in match.groups()), tzinfo=UTC)
    except ValueError:
        return None
