"""Instagram entries (2020 onwards) to Items: posts, stories, reels, comments, likes, follows.

Shapes from formats.md §3 and the real samples: a post is ``{"media": [...], "title"?,
"creation_timestamp"?}`` where a carousel's caption is the top-level ``title`` and a single
photo's is ``media[0].title``; relationships and likes are ``string_list_data`` entries;
2022+ comments are ``string_map_data`` entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.meta_common import (
    MetaContext,
    as_dict,
    as_list,
    clean_pair,
    exif_location,
    facts,
    fixed,
    map_value,
    relationship_name,
)

PLATFORM = "instagram"
Converter = Callable[[Mapping[str, Any], str, int, MetaContext], Item | None]


def owner(ctx: MetaContext) -> str | None:
    """The holder's ``@username`` when the export says it."""
    return ctx.owner_label


def _media_list(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A post's media; stories and profile photos are a single media object each."""
    if isinstance(entry.get("media"), list):
        return [as_dict(m) for m in entry["media"] if isinstance(m, Mapping)]
    return [entry] if "uri" in entry else []


def media_post(prefix: str, extra: dict[str, Any], kind: ItemKind = ItemKind.POST) -> Converter:
    """A converter for posts, stories, reels, archived and deleted posts alike."""
    def convert(entry: Mapping[str, Any], name: str, index: int,
                ctx: MetaContext) -> Item | None:
        media = _media_list(entry)
        if not media and not isinstance(entry.get("title"), str):
            if entry.get("media") != []:  # ``{"media": []}`` is Meta's empty placeholder
                ctx.report.warnings.append(f"{name} #{index}: skipped, it is not a post")
            return None
        first = media[0] if media else {}
        raw = next((t for t in [entry.get("title")] + [m.get("title") for m in media]
                    if isinstance(t, str) and t.strip()), "")
        stamp = entry.get("creation_timestamp") or first.get("creation_timestamp")
        when, created_raw = ctx.when(stamp, name)
        text, text_raw = clean_pair(raw)
        refs = tuple(r for r in (ctx.media(m.get("uri")) for m in media) if r is not None)
        missing = [m["uri"] for m in media if isinstance(m.get("uri"), str) and m["uri"]
                   and ctx.media(m["uri"]) is None]
        info = {**extra, "media_locations": [loc for loc in map(exif_location, media) if loc],
                "cross_posted_from": fixed(as_dict(first.get("cross_post_source"))
                                           .get("source_app")),
                "media_not_in_export": missing}
        return Item(
            source_id=ctx.source_id, id=ctx.new_id(prefix, stamp or index), platform=PLATFORM,
            kind=kind, text=text, text_raw=text_raw,
            provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
            created_raw=created_raw, author=owner(ctx), audience=ctx.audience, media=refs,
            extra=facts(info),
        )
    return convert


def comment_item(entry: Mapping[str, Any], name: str, index: int,
                 ctx: MetaContext) -> Item | None:
    """A comment: 2022+ ``string_map_data`` or 2020-2022 ``string_list_data`` entries."""
    if "string_map_data" in entry:
        raw = map_value(entry, "Comment")
        target = fixed(map_value(entry, "Media Owner"))
        stamp = map_value(entry, "Time", "timestamp")
        href = None
    else:
        data = next((as_dict(d) for d in as_list(entry.get("string_list_data")) if d), {})
        raw, stamp, target = data.get("value"), data.get("timestamp"), fixed(entry.get("title"))
        href = data.get("href") if isinstance(data.get("href"), str) and data["href"] else None
    if not isinstance(raw, str):
        ctx.report.warnings.append(f"{name} #{index}: skipped, the comment has no text")
        return None
    when, created_raw = ctx.when(stamp, name)
    text, text_raw = clean_pair(raw)
    return Item(
        source_id=ctx.source_id, id=ctx.new_id("comment", stamp or index), platform=PLATFORM,
        kind=ItemKind.COMMENT, text=text, text_raw=text_raw,
        provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
        created_raw=created_raw, author=owner(ctx), url=href,
        reply_to=f"@{target}" if target else None, audience=ctx.audience,
        extra=facts({"media_owner": target}),
    )


def like(target: str) -> Converter:
    """A liked post, comment or story: whose it was and its address (no text is exported)."""
    def convert(entry: Mapping[str, Any], name: str, index: int,
                ctx: MetaContext) -> Item | None:
        data = next((as_dict(d) for d in as_list(entry.get("string_list_data")) if d), {})
        who = fixed(entry.get("title"))
        href = data.get("href") if isinstance(data.get("href"), str) and data["href"] else None
        when, created_raw = ctx.when(data.get("timestamp"), name)
        return Item(
            source_id=ctx.source_id, id=ctx.new_id("like", data.get("timestamp") or index),
            platform=PLATFORM, kind=ItemKind.REACTION, text=f"@{who}" if who else "",
            provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
            created_raw=created_raw, author=owner(ctx), url=href, audience=Audience.UNKNOWN,
            extra=facts({"reaction": fixed(data.get("value")) or "like", "target": target,
                         "owner": who}),
        )
    return convert


def relationship(direction: str) -> Converter:
    """A follower, an account followed, or a close friend."""
    def convert(entry: Mapping[str, Any], name: str, index: int,
                ctx: MetaContext) -> Item | None:
        who, href, stamp = relationship_name(entry)
        if not who:
            ctx.report.warnings.append(f"{name} #{index}: skipped, the entry names nobody")
            return None
        when, created_raw = ctx.when(stamp, name)
        return Item(
            source_id=ctx.source_id, id=ctx.new_id(direction, who), platform=PLATFORM,
            kind=ItemKind.CONNECTION, text=f"@{who}", author=f"@{who}",
            url=href or f"https://www.instagram.com/{who}",
            provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
            created_raw=created_raw, audience=Audience.UNKNOWN,
            extra=facts({"direction": direction}),
        )
    return convert


CONVERTERS: dict[str, Converter] = {
    "posts": media_post("post", {}),
    "archived": media_post("archived-post", {"archived": True}),
    "deleted": media_post("deleted-post", {"deleted": True}),
    "igtv": media_post("igtv", {"igtv": True}),
    "other_media": media_post("other-post", {"other_content": True}),
    "stories": media_post("story", {"story": True}),
    "reels": media_post("reel", {"reel": True}),
    "profile_photos": media_post("profile-photo", {"profile_photo": True}, ItemKind.MEDIA),
    "comments": comment_item,
    "likes": like("post"),
    "comment_likes": like("comment"),
    "story_likes": like("story"),
    "followers": relationship("follower"),
    "following": relationship("following"),
    "close_friends": relationship("close_friend"),
}
