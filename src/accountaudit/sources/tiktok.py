"""TikTok "Download your data" exports in JSON: ``user_data.json`` / ``user_data_tiktok.json``.

Layouts (formats.md §4 and Addendum): ``tiktok-2024`` (top-level ``Video``, ``Comment``,
``Activity``), ``tiktok-early-2025`` (comments under ``Activity``, or only an ``Activity`` key)
and ``tiktok-late-2025`` (``Post``/``Posts``, ``Your Activity``, ``Direct Message``; some
parsers also show ``Profile And Settings``). ``tiktok-unreadable`` names a data file too damaged
to tell. The JSON file may sit at the top of a zip or folder, or below it; ``TikTokFileLoader``
reads it when it is given on its own.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.archive import ArchiveView, read_file_capped
from accountaudit.sources.base import (
    ArchiveLoader,
    Detection,
    FileLoader,
    LoadOptions,
    LoadReport,
)
from accountaudit.sources.jswrap import READ_ERRORS, read_member
from accountaudit.sources.text import decode
from accountaudit.sources.tiktok_items import (
    PROFILE,
    comment_items,
    connection_items,
    count_messages,
    message_items,
    reaction_items,
    settings,
    share_items,
    video_items,
)
from accountaudit.sources.tiktok_nav import (
    PLATFORM,
    TikTokContext,
    audience_of,
    clean,
    entry,
    mapping_at,
    norm,
    text_of,
)

log = logging.getLogger(__name__)

LAYOUT_2024 = "tiktok-2024"
LAYOUT_EARLY_2025 = "tiktok-early-2025"
LAYOUT_LATE_2025 = "tiktok-late-2025"
LAYOUT_UNREADABLE = "tiktok-unreadable"  # the data file is too damaged to tell

_HEAD = 256 << 10
_CHUNK = 16 << 10
_MAX_DEPTH = 4
# Inner keys only TikTok uses; one of them near the start tells its JSON from anyone else's.
_SIGNATURES = (b'"ActivitySummaryMap"', b'"FavoriteVideoList"', b'"ItemFavoriteList"',
               b'"FansList"', b'"VideoList"', b'"ProfileMap"', b'"CommentsList"',
               b'"LoginHistoryList"', b'"ShareHistoryList"', b'"FavoriteEffectsList"',
               b'"FavoriteHashtagList"', b'"FavoriteSoundList"', b'"AdInterestCategories"',
               b'"OffTikTokActivityDataList"', b'"BlockList"', b'"SearchList"')
_LATE_KEYS = re.compile(rb'"(?:Your Activity|Posts?|Profile And Settings|Direct Message)"\s*:')
_COMMENT_SECTION = re.compile(rb'"Comment"\s*:\s*\{')
_VIDEO_SECTION = re.compile(rb'"Video"\s*:\s*\{')
_COMMENTS_SUB = re.compile(rb'"Comments"\s*:\s*\{')
_USERNAME = re.compile(rb'"userName"\s*:\s*"((?:[^"\\]|\\.){1,200})"')
_ON = frozenset({"enabled", "on", "yes", "true"})


class TikTokLoader(ArchiveLoader):
    """Every TikTok JSON layout; messages are read only when the user asked for them."""

    name: ClassVar[str] = "tiktok"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Find the JSON file by its content (a few TikTok-only keys near its start)."""
        member = _locate(view)
        if member is None:
            return None
        data = read_member(view, member, LoadReport()) or b""
        root = member.rsplit("/", 1)[0] + "/" if "/" in member else ""
        return Detection(layout=_layout(data), root=root, account=_account(data))

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield the profile, videos, comments, likes, shares, connections and (opt-in) DMs."""
        member = _locate(view)
        if member is None:  # the view changed between detect and load
            report.warnings.append("the TikTok data file could not be found again")
            return
        raw = read_member(view, member, report)
        if raw is not None:
            yield from load_json(raw, member, source_id, options, report)


class TikTokFileLoader(FileLoader):
    """The bare ``user_data_tiktok.json`` given on its own, outside any zip or folder."""

    name: ClassVar[str] = "tiktok-json"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect_file(cls, path: Path, head: bytes) -> Detection | None:
        """A JSON object with TikTok's own keys near its start (read again: ``head`` is short)."""
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            return None
        try:
            with open(path, "rb") as fh:
                start = fh.read(_HEAD)
        except OSError:
            return None
        if not _signed(start):
            return None
        data = _read_file(path, LoadReport()) or b""
        return Detection(layout=_layout(data), account=_account(data))

    def load(self, path: Path, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Same items as from a zip; provenance names the file itself."""
        raw = _read_file(path, report)
        if raw is not None:
            yield from load_json(raw, path.name, source_id, options, report)


def load_json(raw: bytes, member: str, source_id: str, options: LoadOptions,
              report: LoadReport) -> Iterator[Item]:
    """Every item of one TikTok JSON export, in a fixed order so ids are stable."""
    data = _parse(raw, member, report)
    if data is None:
        return
    ctx = TikTokContext(source_id, member, report)
    profile = _profile_item(data, ctx)
    if profile is not None:
        yield profile
    prefs = {norm(k): v for k, v in settings(data).items()}
    private = norm(prefs.get("privateaccount", "")) in _ON
    yield from video_items(data, ctx, deleted=False, private_account=private)
    yield from video_items(data, ctx, deleted=True, private_account=private)
    yield from comment_items(data, ctx)
    yield from reaction_items(data, ctx, audience_of(prefs.get("whocanviewvideosiliked")))
    yield from share_items(data, ctx)
    yield from connection_items(data, ctx)
    if options.include_messages:
        yield from message_items(data, ctx)
    else:
        report.messages_skipped += count_messages(data)


def _read_file(path: Path, report: LoadReport) -> bytes | None:
    try:
        data = read_file_capped(path)
    except OSError as exc:
        report.warnings.append(f"{path.name}: skipped, it could not be read ({exc.strerror})")
        return None
    if data is None:
        report.warnings.append(f"{path.name}: skipped, it is larger than 1 GiB")
        return None
    return data


def _locate(view: ArchiveView) -> str | None:
    """The shallowest JSON member that starts like a TikTok export.

    Files named like ``user_data*.json`` are tried first (one too damaged to read is still
    taken, so loading can say what is wrong with it); in a small export every JSON file is
    tried, so a renamed file is still found.
    """
    jsons = sorted((n for n in view.names() if n.lower().endswith(".json")
                    and n.count("/") <= _MAX_DEPTH), key=lambda n: (n.count("/"), n))
    named = [n for n in jsons if "user_data" in n.rsplit("/", 1)[-1].lower()]
    others = [n for n in jsons if n not in named] if len(view.names()) <= 20 else []
    for name in (named + others)[:6]:
        head = _peek(view, name)
        if (head is None and name in named) or (head is not None and _signed(head)):
            return name
    return None


def _peek(view: ArchiveView, name: str) -> bytes | None:
    """The member's first bytes, or None if it cannot be read at all."""
    head = b""
    try:
        with view.open(name) as fh:
            while len(head) < _HEAD and (chunk := fh.read(_CHUNK)):
                head += chunk
    except (*READ_ERRORS, zipfile.BadZipFile) as exc:
        log.debug("cannot read all of %s while detecting: %s", name, exc)
        return head or None
    return head


def _signed(head: bytes) -> bool:
    """A JSON object holding one of TikTok's own inner keys."""
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return False
    return any(sig in head for sig in _SIGNATURES)


def _layout(data: bytes) -> str:
    """Which generation, from the section names present (keys are never inside strings)."""
    if not data:
        return LAYOUT_UNREADABLE
    if _LATE_KEYS.search(data):
        return LAYOUT_LATE_2025
    if _COMMENT_SECTION.search(data):
        return LAYOUT_2024
    if _VIDEO_SECTION.search(data) and not _COMMENTS_SUB.search(data):
        return LAYOUT_2024
    return LAYOUT_EARLY_2025  # comments moved under Activity, or only an Activity key


def _account(data: bytes) -> str | None:
    match = _USERNAME.search(data)
    if match is None:
        return None
    try:
        name = json.loads(b'"' + match.group(1) + b'"')
    except (ValueError, RecursionError):
        return None
    return f"@{name}" if isinstance(name, str) and name.strip() else None


def _parse(raw: bytes, member: str, report: LoadReport) -> Mapping[str, Any] | None:
    try:
        data = json.loads(decode(raw, report.warnings, member))
    except (ValueError, RecursionError) as exc:
        detail = f" ({exc.msg} at line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) \
            else ""
        report.warnings.append(f"{member}: skipped, it is not valid JSON{detail}")
        return None
    if not isinstance(data, Mapping):
        report.warnings.append(f"{member}: skipped, it holds a JSON {type(data).__name__} "
                               "where an object was expected")
        return None
    return data


def _profile_item(data: Mapping[str, Any], ctx: TikTokContext) -> Item | None:
    """The bio, name and links as one PROFILE item; the owner's handle is learnt here."""
    found = mapping_at(data, PROFILE)
    if found is None:
        return None
    path, body = found
    e = entry(body) or {}
    ctx.handle = text_of(e, "username", "uniqueid")
    bio = text_of(e, "biodescription", "bio", "signature") or ""
    facts: dict[str, Any] = {
        "handle": ctx.author, "display_name": text_of(e, "displayname", "nickname"),
        "likes_received": text_of(e, "likesreceived"),
        "followers": text_of(e, "followercount"), "following": text_of(e, "followingcount"),
        "instagram": text_of(e, "instagramlink"), "youtube": text_of(e, "youtubelink"),
        "avatar_url": text_of(e, "profilephoto"), "linked_accounts": _linked(e),
        "section": path,
    }
    lines = [clean(bio)] if bio else []
    lines += [f"{label}: {facts[key]}" for label, key in
              (("Name", "display_name"), ("Instagram", "instagram"), ("YouTube", "youtube"))
              if facts[key]]
    text = "\n".join(lines)
    return Item(
        source_id=ctx.source_id, id="profile", platform=PLATFORM, kind=ItemKind.PROFILE,
        text=text, text_raw=bio if bio and bio != text else None,
        provenance=Provenance(ctx.source_id, path=ctx.member),
        author=ctx.author, url=f"https://www.tiktok.com/@{ctx.handle}" if ctx.handle else None,
        audience=Audience.PUBLIC,
        extra=MappingProxyType({k: v for k, v in facts.items() if v}),
    )


def _linked(e: Mapping[str, Any]) -> list[str]:
    """Other platforms' names linked to the profile (``PlatformInfo``), e.g. ``Facebook: Name``."""
    found: list[str] = []
    info = e.get("platforminfo")
    for value in info if isinstance(info, list) else ():
        linked = entry(value) or {}
        platform, name = text_of(linked, "platform"), text_of(linked, "name")
        if name:
            found.append(f"{platform}: {name}" if platform else name)
    return found
