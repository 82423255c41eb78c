"""TikTok list entries to Items: own videos, comments, likes, shares, connections, messages.

Every converter takes the parsed ``user_data.json`` and yields Items; an entry it cannot use
becomes a warning naming the member, the section and the entry's position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.tiktok_nav import (
    PLATFORM,
    TikTokContext,
    audience_of,
    clean,
    entry,
    lists_at,
    mapping_at,
    spot,
    stamp,
    text_of,
)

_VIDEO_SECTIONS = "video videos post posts"
POSTS = spot(_VIDEO_SECTIONS, "videos video posts post", "videolist postlist posts videos")
DELETED = spot(_VIDEO_SECTIONS, "recentlydeletedposts recentlydeletedvideos deletedposts "
               "deletedvideos", "postlist videolist")
COMMENTS = spot("comment comments activity youractivity", "comments comment",
                "commentslist commentlist comments")
_LIKE_SECTIONS = "activity youractivity likesandfavorites likesandfavourites"
LIKES = spot(_LIKE_SECTIONS, "likelist likes likedvideos", "itemfavoritelist itemlikelist likelist")
FAVOURITES = spot(_LIKE_SECTIONS, "favoritevideos favouritevideos",
                  "favoritevideolist favouritevideolist")
SHARES = spot("activity youractivity", "sharehistory shares", "sharehistorylist")
_PEOPLE = "activity youractivity profileandsettings profile"
FOLLOWERS = spot(_PEOPLE, "followerlist follower followers fanslist",
                 "fanslist followerlist followers")
FOLLOWING = spot(_PEOPLE, "followinglist following", "following followinglist")
CHATS = spot("directmessages directmessage", "chathistory directmessages chathistories",
             "chathistory")
PROFILE = spot("profile profileandsettings", "profileinformation profileinfo", "profilemap")
SETTINGS = spot("appsettings profileandsettings settings", "settings", "settingsmap")

_VIDEO_ID = re.compile(r"/video/(\d{6,25})")
_IMAGE = re.compile(r"\.(?:jpe?g|png|webp|heic|gif)(?:\?|\Z)|image|photomode", re.IGNORECASE)
_VIDEO_FACTS = (("likes", "likes"), ("sound", "sound"), ("location", "location"),
                ("who_can_view", "whocanview"), ("allow_comments", "allowcomments"),
                ("allow_duets", "allowduets"), ("allow_stitches", "allowstitches"),
                ("add_yours_text", "addyourstext"), ("content_disclosure", "contentdisclosure"),
                ("ai_generated", "aigeneratedcontent"), ("alternate_text", "alternatetext"),
                ("deleted_at", "datedeleted"))
_CHAT_PREFIX = re.compile(r"\A\s*chat history with\s+", re.IGNORECASE)


def settings(data: Mapping[str, Any]) -> dict[str, str]:
    """The account's settings (``Private Account``, ``Who Can View Videos I Liked``...)."""
    found = mapping_at(data, SETTINGS)
    if found is None:
        return {}
    return {k: v for k, v in found[1].items() if isinstance(k, str) and isinstance(v, str)}


def _skip(ctx: TikTokContext, path: str, index: int, why: str) -> None:
    ctx.report.warnings.append(f"{ctx.member} {path} #{index}: skipped, {why}")


def _item(ctx: TikTokContext, path: str, index: int, **fields: Any) -> Item:
    """An Item with the shared fields filled in; ``extra`` gets the section path."""
    facts = {k: v for k, v in fields.pop("extra", {}).items() if v not in (None, "")}
    facts["section"] = path
    raw = fields.pop("raw", "")
    text = clean(raw)
    return Item(source_id=ctx.source_id, platform=PLATFORM, text=text,
                text_raw=raw if text != raw else None,
                provenance=Provenance(ctx.source_id, path=ctx.member, index=index),
                extra=MappingProxyType(facts), **fields)


def _links(value: Any) -> list[str]:
    """Every URL in a ``Link`` field, which can hold several separated by new lines."""
    if not isinstance(value, str):
        return []
    return [part for part in value.split() if part.startswith(("http://", "https://"))]


def _media(urls: list[str]) -> tuple[MediaRef, ...]:
    return tuple(MediaRef(url=u, kind="image" if _IMAGE.search(u) else "video") for u in urls)


def video_items(data: Mapping[str, Any], ctx: TikTokContext, deleted: bool,
                private_account: bool) -> Iterator[Item]:
    """Own videos (POST) with their captions; recently deleted ones are marked as such."""
    for path, values in lists_at(data, DELETED if deleted else POSTS):
        for index, value in enumerate(values):
            e = entry(value)
            if e is None:
                _skip(ctx, path, index, "not a video entry")
                continue
            created_raw = text_of(e, "date", "createtime", "creationtime")
            who = text_of(e, "whocanview")
            audience = audience_of(who)
            if audience is Audience.PUBLIC and private_account:
                audience = Audience.FRIENDS  # a private account shows "Everyone" to followers only
            urls = _links(e.get("link")) + _links(e.get("videolink"))
            facts: dict[str, Any] = {k: text_of(e, key) for k, key in _VIDEO_FACTS}
            facts["deleted"] = True if deleted else None
            prefix = "deleted-video" if deleted else "video"
            yield _item(ctx, path, index, id=ctx.unique(f"{prefix}-{stamp(created_raw)}"),
                        kind=ItemKind.POST, raw=text_of(e, "title", "description", "caption")
                        or "", created_at=ctx.when(created_raw, f"{path} #{index}"),
                        created_raw=created_raw, author=ctx.author, audience=audience,
                        media=_media(urls), extra=facts)


def comment_items(data: Mapping[str, Any], ctx: TikTokContext) -> Iterator[Item]:
    """Comments the owner wrote on videos (public wherever the video is)."""
    for path, values in lists_at(data, COMMENTS):
        for index, value in enumerate(values):
            e = entry(value)
            raw = text_of(e, "comment", "comments", "content") if e else None
            if e is None or raw is None:
                _skip(ctx, path, index, "the entry has no comment text")
                continue
            created_raw = text_of(e, "date")
            url = (_links(e.get("url")) + _links(e.get("link")) or [None])[0]
            photo = _links(e.get("photo"))
            yield _item(ctx, path, index, id=ctx.unique(f"comment-{stamp(created_raw)}"),
                        kind=ItemKind.COMMENT, raw=raw,
                        created_at=ctx.when(created_raw, f"{path} #{index}"),
                        created_raw=created_raw, author=ctx.author, url=url,
                        audience=Audience.PUBLIC, media=_media(photo) if photo else (),
                        extra={})


def reaction_items(data: Mapping[str, Any], ctx: TikTokContext,
                   like_audience: Audience) -> Iterator[Item]:
    """Liked and favourited videos (REACTION): endorsement, even without words."""
    for where, reaction, audience in ((LIKES, "like", like_audience),
                                      (FAVOURITES, "favourite", Audience.UNKNOWN)):
        for path, values in lists_at(data, where):
            for index, value in enumerate(values):
                e = entry(value)
                urls = (_links(e.get("link")) + _links(e.get("videolink"))
                        + _links(e.get("videolandingpagelink"))) if e else []
                if e is None or not urls:
                    _skip(ctx, path, index, f"the {reaction} has no link")
                    continue
                created_raw = text_of(e, "date")
                match = _VIDEO_ID.search(urls[0])
                key = match.group(1) if match else stamp(created_raw)
                yield _item(ctx, path, index, id=ctx.unique(f"{reaction}-{key}"),
                            kind=ItemKind.REACTION,
                            created_at=ctx.when(created_raw, f"{path} #{index}"),
                            created_raw=created_raw, url=urls[0], audience=audience,
                            extra={"reaction": reaction,
                                   "video_id": match.group(1) if match else None})


def share_items(data: Mapping[str, Any], ctx: TikTokContext) -> Iterator[Item]:
    """Videos the owner passed on (to a chat, WhatsApp, Facebook...), as SHARE items."""
    for path, values in lists_at(data, SHARES):
        for index, value in enumerate(values):
            e = entry(value)
            urls = _links(e.get("link")) if e else []
            if e is None or not urls:
                _skip(ctx, path, index, "the share has no link")
                continue
            created_raw = text_of(e, "date")
            yield _item(ctx, path, index, id=ctx.unique(f"share-{stamp(created_raw)}"),
                        kind=ItemKind.SHARE,
                        created_at=ctx.when(created_raw, f"{path} #{index}"),
                        created_raw=created_raw, author=ctx.author, url=urls[0],
                        audience=Audience.UNKNOWN,
                        extra={"method": text_of(e, "method"),
                               "shared_content": text_of(e, "sharedcontent")})


def connection_items(data: Mapping[str, Any], ctx: TikTokContext) -> Iterator[Item]:
    """Followers and accounts followed (CONNECTION), one per account and direction."""
    for where, direction in ((FOLLOWING, "following"), (FOLLOWERS, "follower")):
        for path, values in lists_at(data, where):
            for index, value in enumerate(values):
                e = entry(value)
                name = text_of(e, "username", "user", "name") if e else None
                if e is None or name is None:
                    _skip(ctx, path, index, "the entry has no UserName")
                    continue
                item_id = f"{direction}-{name.casefold()}"
                if item_id in ctx.seen:  # followed, unfollowed and followed again
                    continue
                ctx.seen.add(item_id)
                created_raw = text_of(e, "date")
                yield _item(ctx, path, index, id=item_id, kind=ItemKind.CONNECTION, raw=name,
                            created_at=ctx.when(created_raw, f"{path} #{index}"),
                            created_raw=created_raw, author=f"@{name}",
                            url=f"https://www.tiktok.com/@{name}", audience=Audience.PUBLIC,
                            extra={"direction": direction})


def count_messages(data: Mapping[str, Any]) -> int:
    """How many direct messages the export holds, without building them."""
    found = mapping_at(data, CHATS)
    if found is None:
        return 0
    return sum(len(v) for v in found[1].values() if isinstance(v, list))


def message_items(data: Mapping[str, Any], ctx: TikTokContext) -> Iterator[Item]:
    """Direct messages (PRIVATE): ``{"Chat History with <user>:": [{Date, From, Content}]}``."""
    found = mapping_at(data, CHATS)
    if found is None:
        return
    base, chats = found
    for chat_key, values in chats.items():
        other = _CHAT_PREFIX.sub("", str(chat_key)).rstrip(": ").strip() or str(chat_key)
        path = f"{base} › {chat_key}"
        if values is None:  # TikTok writes null for an empty list
            continue
        if not isinstance(values, list):
            ctx.report.warnings.append(f"{ctx.member} {path}: skipped, not a list of messages")
            continue
        for index, value in enumerate(values):
            e = entry(value)
            if e is None:
                _skip(ctx, path, index, "not a message")
                continue
            sender = text_of(e, "from", "sender")
            created_raw = text_of(e, "date")
            mine = sender is not None and ctx.handle is not None and sender == ctx.handle
            yield _item(ctx, path, index, id=ctx.unique(f"dm-{other.casefold()}-{index}"),
                        kind=ItemKind.MESSAGE, raw=text_of(e, "content", "message") or "",
                        created_at=ctx.when(created_raw, f"{path} #{index}"),
                        created_raw=created_raw, author=f"@{sender}" if sender else None,
                        reply_to=f"@{other}", audience=Audience.PRIVATE,
                        extra={"conversation_with": other,
                               "sent_by_owner": mine if ctx.handle else None})
