"""Facebook entries to Items: posts (and group posts, stories, reels), comments and reactions.

Every one of these is ``{"timestamp", "data": [...], "attachments": [...], "title"}`` in every
generation. The ``title`` is localised ("har tilføjet et nyt billede"), so it is never parsed to
classify anything (formats.md §2.1); it is kept, and used as the text only when the entry has
no words of the holder's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from accountaudit.model import Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.meta_common import (
    MetaContext,
    as_dict,
    as_list,
    clean_pair,
    exif_location,
    facts,
    fixed,
    labelled_values,
)

REACTION_TYPES = frozenset({"LIKE", "LOVE", "HAHA", "WOW", "SAD", "ANGRY", "CARE", "SORRY",
                            "ANGER", "SUPPORT", "PRIDE", "THANKFUL"})


@dataclass(slots=True)
class Parts:
    """What one entry's ``data`` and ``attachments`` hold."""

    own: list[str] = field(default_factory=list)  # the holder's words
    captions: list[str] = field(default_factory=list)  # media descriptions, notes, polls
    links: list[str] = field(default_factory=list)
    media: list[MediaRef] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


def entry_parts(entry: Mapping[str, Any], ctx: MetaContext) -> Parts:
    """Collect text, links, media, places and tags; empty ``{}`` objects are skipped."""
    parts = Parts()
    for data in as_list(entry.get("data")):
        data = as_dict(data)
        post = data.get("post")
        if isinstance(post, str) and post.strip():
            parts.own.append(post)
    for attachment in as_list(entry.get("attachments")):
        for data in as_list(as_dict(attachment).get("data")):
            _attachment(as_dict(data), parts, ctx)
    if "label_values" in entry:  # 2024 "posts on other pages" and similar: labels are localised
        values, href = labelled_values(entry)
        parts.captions.extend(values)
        if href:
            parts.links.append(href)
    tags = [t for t in (fixed(as_dict(x).get("name")) for x in as_list(entry.get("tags"))) if t]
    if tags:
        parts.info["tagged"] = tags
    return parts


def _attachment(data: Mapping[str, Any], parts: Parts, ctx: MetaContext) -> None:
    media = as_dict(data.get("media"))
    if media:
        _add_media(media, parts, ctx)
    context = as_dict(data.get("external_context"))
    if isinstance(context.get("url"), str) and context["url"].strip():
        parts.links.append(context["url"].strip())
    if fixed(context.get("name")):
        parts.info.setdefault("link_names", []).append(fixed(context.get("name")))
    place = as_dict(data.get("place"))
    if place:
        coordinate = as_dict(place.get("coordinate"))
        parts.info["place"] = {k: v for k, v in (
            ("name", fixed(place.get("name"))), ("address", fixed(place.get("address"))),
            ("latitude", coordinate.get("latitude")),
            ("longitude", coordinate.get("longitude"))) if v not in (None, "")}
    for key, inner in (("event", "name"), ("life_event", "title"), ("fundraiser", "title")):
        value = as_dict(data.get(key)).get(inner)
        if fixed(value):
            parts.info[key] = fixed(value)
            parts.captions.append(value)
    note = as_dict(data.get("note"))
    for key in ("title", "text"):
        if fixed(note.get(key)):
            parts.captions.append(note[key])
    for inner in as_list(note.get("media")):
        _add_media(as_dict(inner), parts, ctx)
    poll = as_dict(data.get("poll"))
    if fixed(poll.get("question")):
        parts.captions.append(poll["question"])
        parts.info["poll_options"] = [o for o in (fixed(as_dict(x).get("option")) for x in
                                                  as_list(poll.get("options"))) if o]
    if fixed(data.get("text")):
        parts.captions.append(data["text"])


def _add_media(media: Mapping[str, Any], parts: Parts, ctx: MetaContext) -> None:
    ref = ctx.media(media.get("uri"))
    if ref is not None:
        parts.media.append(ref)
    elif isinstance(media.get("uri"), str) and media["uri"]:
        parts.info.setdefault("media_not_in_export", []).append(media["uri"])
    description = media.get("description")
    if isinstance(description, str) and description.strip():
        parts.captions.append(description)
    location = exif_location(media)
    if location:
        parts.info.setdefault("media_locations", []).append(location)


def post_item(entry: Mapping[str, Any], name: str, index: int, ctx: MetaContext,
              extra: Mapping[str, Any], prefix: str = "post") -> Item | None:
    """A POST, or a SHARE when the entry is only a link with none of the holder's words."""
    if not entry:
        return None
    parts = entry_parts(entry, ctx)
    title = fixed(entry.get("title"))
    raw, source = _words(parts, entry)
    kind = ItemKind.SHARE if not parts.own and not parts.captions and parts.links \
        else ItemKind.POST
    stamp = entry.get("timestamp") or _update_time(entry)
    when, created_raw = ctx.when(stamp, name)
    text, text_raw = clean_pair(raw)
    info = {**parts.info, **extra, "title": title, "text_from": source,
            "links": parts.links[1:] or None}
    prefix = "share" if kind is ItemKind.SHARE else prefix
    return Item(
        source_id=ctx.source_id, id=ctx.new_id(prefix, stamp or index),
        platform=ctx.platform, kind=kind, text=text, text_raw=text_raw,
        provenance=Provenance(ctx.source_id, path=name, index=index),
        created_at=when, created_raw=created_raw, author=_owner(ctx),
        url=parts.links[0] if parts.links else None, audience=ctx.audience,
        media=tuple(parts.media), extra=facts(info),
    )


def _words(parts: Parts, entry: Mapping[str, Any]) -> tuple[str, str | None]:
    """The holder's words, else a caption, else the (localised) title: and which it was."""
    if parts.own:
        return "\n\n".join(dict.fromkeys(parts.own)), None
    if parts.captions:
        return "\n\n".join(dict.fromkeys(parts.captions)), "caption"
    title = entry.get("title")
    if isinstance(title, str) and title.strip():
        return title, "title"
    return "", None


def _update_time(entry: Mapping[str, Any]) -> Any:
    for data in as_list(entry.get("data")):
        stamp = as_dict(data).get("update_timestamp")
        if stamp:
            return stamp
    return None


def _owner(ctx: MetaContext) -> str | None:
    return ctx.owner_label


def comment_item(entry: Mapping[str, Any], name: str, index: int,
                 ctx: MetaContext) -> Item | None:
    """A COMMENT; the post it answers is not linked by id, only named in the title."""
    if not entry:
        return None
    comment = next((as_dict(d)["comment"] for d in as_list(entry.get("data"))
                    if isinstance(as_dict(d).get("comment"), Mapping)), {})
    parts = entry_parts({"attachments": entry.get("attachments")}, ctx)
    raw = comment.get("comment") if isinstance(comment.get("comment"), str) else ""
    source = None
    if not raw.strip() and isinstance(entry.get("title"), str):
        raw, source = entry["title"], "title"
    stamp = comment.get("timestamp") or entry.get("timestamp")
    when, created_raw = ctx.when(stamp, name)
    text, text_raw = clean_pair(raw)
    info = {**parts.info, "title": fixed(entry.get("title")), "text_from": source,
            "group": fixed(comment.get("group")), "links": parts.links or None}
    return Item(
        source_id=ctx.source_id, id=ctx.new_id("comment", stamp or index),
        platform=ctx.platform, kind=ItemKind.COMMENT, text=text, text_raw=text_raw,
        provenance=Provenance(ctx.source_id, path=name, index=index),
        created_at=when, created_raw=created_raw,
        author=fixed(comment.get("author")) or _owner(ctx),
        url=parts.links[0] if parts.links else None, audience=ctx.audience,
        media=tuple(parts.media), extra=facts(info),
    )


def reaction_item(entry: Mapping[str, Any], name: str, index: int,
                  ctx: MetaContext) -> Item | None:
    """A REACTION: the title says what was reacted to; the reaction type goes in ``extra``."""
    if not entry:
        return None
    reaction = next((as_dict(d)["reaction"] for d in as_list(entry.get("data"))
                     if isinstance(as_dict(d).get("reaction"), Mapping)), {})
    kind_of = fixed(reaction.get("reaction"))
    values, href = labelled_values(entry)
    if not kind_of:
        kind_of = next((v for v in values if v.upper() in REACTION_TYPES), None)
    raw = entry.get("title") if isinstance(entry.get("title"), str) else ""
    if not raw and values:
        raw = "\n".join(v for v in values if v != kind_of)
    parts = entry_parts({"attachments": entry.get("attachments")}, ctx)
    url = parts.links[0] if parts.links else href
    when, created_raw = ctx.when(entry.get("timestamp"), name)
    text, text_raw = clean_pair(raw)
    return Item(
        source_id=ctx.source_id, id=ctx.new_id("reaction", entry.get("timestamp") or index),
        platform=ctx.platform, kind=ItemKind.REACTION, text=text, text_raw=text_raw,
        provenance=Provenance(ctx.source_id, path=name, index=index),
        created_at=when, created_raw=created_raw,
        author=fixed(reaction.get("actor")) or _owner(ctx), url=url, audience=ctx.audience,
        extra=facts({"reaction": kind_of, **parts.info}),
    )


def page_like_item(entry: Mapping[str, Any], name: str, index: int,
                   ctx: MetaContext) -> Item | None:
    """A liked Page (``page_likes_v2``): endorsing a Page is a reaction too."""
    page = fixed(entry.get("name")) or fixed(entry.get("title"))
    if not page:
        return None
    when, created_raw = ctx.when(entry.get("timestamp"), name)
    url = entry.get("url") if isinstance(entry.get("url"), str) else None
    return Item(
        source_id=ctx.source_id, id=ctx.new_id("page-like", page), platform=ctx.platform,
        kind=ItemKind.REACTION, text=page, provenance=Provenance(ctx.source_id, name, index),
        created_at=when, created_raw=created_raw, author=_owner(ctx), url=url,
        audience=ctx.audience, extra=facts({"reaction": "LIKE", "page": page}),
    )


def entries(items: list[Any], name: str,
            ctx: MetaContext) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, entry) for each JSON object in a list; empty ``{}`` objects are skipped."""
    for index, entry in enumerate(items):
        if isinstance(entry, Mapping):
            if entry:
                yield index, entry
        elif entry is not None:
            ctx.report.warnings.append(f"{name} #{index}: skipped, not a JSON object")
