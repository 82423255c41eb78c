"""Instagram's 2018-2020 download: a handful of single JSON files at the top, ISO dates.

``media.json`` (``photos``/``videos``/``stories`` with ``caption``, ``taken_at``, ``path``),
``comments.json`` and ``likes.json`` (lists of ``[time, text, owner]`` rows),
``connections.json`` (``{"followers": {"user": "time"}}``), ``profile.json`` and
``messages.json`` (formats.md §3.1; shapes from pdpl-cli's instagram-2018 importer).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.base import LoadOptions
from accountaudit.sources.instagram_items import PLATFORM, owner
from accountaudit.sources.meta_common import (
    MetaContext,
    as_dict,
    as_list,
    clean_pair,
    facts,
    fixed,
    read_json,
)

LEGACY_FILES = ("media.json", "comments.json", "likes.json", "connections.json", "profile.json",
                "messages.json")
_MEDIA_GROUPS = (("photos", "post", ItemKind.POST, {}), ("videos", "post", ItemKind.POST, {}),
                 ("stories", "story", ItemKind.POST, {"story": True}),
                 ("profile", "profile-photo", ItemKind.MEDIA, {"profile_photo": True}))
_DIRECTIONS = (("followers", "follower"), ("following", "following"),
               ("close_friends", "close_friend"))


def legacy_profile(ctx: MetaContext) -> Item | None:
    """``profile.json``: bio, name, username and whether the account was private."""
    name = ctx.root + "profile.json"
    body = as_dict(read_json(ctx.view, name, ctx.report)) if ctx.view.exists(name) else {}
    handle = fixed(body.get("username"))
    if not handle:
        return None
    ctx.owner_names.update(n for n in (handle, fixed(body.get("name"))) if n)
    ctx.owner_label = f"@{handle}"
    private = body.get("private_account")
    if isinstance(private, bool):
        ctx.audience = Audience.FRIENDS if private else Audience.PUBLIC
    info = {"username": handle, "display_name": fixed(body.get("name")),
            "website": fixed(body.get("website")), "private_account": private}
    lines = [fixed(body.get("biography")) or ""]
    lines += [f"{label}: {info[key]}" for label, key in (("Name", "display_name"),
              ("Username", "username"), ("Website", "website")) if info[key]]
    when, created_raw = ctx.when_iso(body.get("date_joined"), name)
    return Item(
        source_id=ctx.source_id, id="profile", platform=PLATFORM, kind=ItemKind.PROFILE,
        text="\n".join(line for line in lines if line), provenance=Provenance(ctx.source_id, name),
        created_at=when, created_raw=created_raw, author=f"@{handle}",
        url=f"https://www.instagram.com/{handle}", audience=Audience.PUBLIC, extra=facts(info),
    )


def legacy_items(ctx: MetaContext, options: LoadOptions) -> Iterator[Item]:
    """Posts, comments, likes, connections and (opt-in) messages from the single files."""
    for loader, file_name in ((_media, "media.json"), (_comments, "comments.json"),
                              (_likes, "likes.json"), (_connections, "connections.json")):
        name = ctx.root + file_name
        if ctx.view.exists(name):
            yield from loader(as_dict(read_json(ctx.view, name, ctx.report)), name, ctx)
            ctx.flush_dates(name)
    name = ctx.root + "messages.json"
    if ctx.view.exists(name):
        value = read_json(ctx.view, name, ctx.report)
        if options.include_messages:
            yield from _messages(as_list(value), name, ctx)
            ctx.flush_dates(name)
        else:
            ctx.report.messages_skipped += sum(
                len(as_list(as_dict(t).get("conversation"))) for t in as_list(value))


def _media(body: Mapping[str, Any], name: str, ctx: MetaContext) -> Iterator[Item]:
    for group, prefix, kind, extra in _MEDIA_GROUPS:
        for index, entry in enumerate(as_list(body.get(group))):
            entry = as_dict(entry)
            if not entry:
                continue
            raw = entry.get("caption") if isinstance(entry.get("caption"), str) else ""
            when, created_raw = ctx.when_iso(entry.get("taken_at"), name)
            text, text_raw = clean_pair(raw)
            ref = ctx.media(entry.get("path"))
            yield Item(
                source_id=ctx.source_id, id=ctx.new_id(prefix, created_raw or index),
                platform=PLATFORM, kind=kind, text=text, text_raw=text_raw,
                provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
                created_raw=created_raw, author=owner(ctx), audience=ctx.audience,
                media=(ref,) if ref else (),
                extra=facts({**extra, "group": group, "location": fixed(entry.get("location"))}),
            )


def _comments(body: Mapping[str, Any], name: str, ctx: MetaContext) -> Iterator[Item]:
    for group, rows in body.items():
        for index, row in enumerate(as_list(rows)):
            row = as_list(row)
            if len(row) < 2 or not isinstance(row[1], str):
                ctx.report.warnings.append(f"{name} {group} #{index}: skipped, not a comment")
                continue
            when, created_raw = ctx.when_iso(row[0], name)
            text, text_raw = clean_pair(row[1])
            target = fixed(row[2]) if len(row) > 2 else None
            yield Item(
                source_id=ctx.source_id, id=ctx.new_id("comment", created_raw or index),
                platform=PLATFORM, kind=ItemKind.COMMENT, text=text, text_raw=text_raw,
                provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
                created_raw=created_raw, author=owner(ctx),
                reply_to=f"@{target}" if target else None, audience=ctx.audience,
                extra=facts({"group": group, "media_owner": target}),
            )


def _likes(body: Mapping[str, Any], name: str, ctx: MetaContext) -> Iterator[Item]:
    for group, rows in body.items():
        for index, row in enumerate(as_list(rows)):
            row = as_list(row)
            who = fixed(row[1]) if len(row) > 1 else None
            when, created_raw = ctx.when_iso(row[0] if row else None, name)
            yield Item(
                source_id=ctx.source_id, id=ctx.new_id("like", created_raw or index),
                platform=PLATFORM, kind=ItemKind.REACTION, text=f"@{who}" if who else "",
                provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
                created_raw=created_raw, author=owner(ctx), audience=Audience.UNKNOWN,
                extra=facts({"reaction": "like", "group": group, "owner": who}),
            )


def _connections(body: Mapping[str, Any], name: str, ctx: MetaContext) -> Iterator[Item]:
    for group, direction in _DIRECTIONS:
        for index, (who, stamp) in enumerate(as_dict(body.get(group)).items()):
            who = fixed(who) or who
            when, created_raw = ctx.when_iso(stamp, name)
            yield Item(
                source_id=ctx.source_id, id=ctx.new_id(direction, who), platform=PLATFORM,
                kind=ItemKind.CONNECTION, text=f"@{who}", author=f"@{who}",
                url=f"https://www.instagram.com/{who}",
                provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
                created_raw=created_raw, audience=Audience.UNKNOWN,
                extra=facts({"direction": direction}),
            )


def _messages(threads: list[Any], name: str, ctx: MetaContext) -> Iterator[Item]:
    for index, thread in enumerate(threads):
        thread = as_dict(thread)
        people = [p for p in (fixed(x) for x in as_list(thread.get("participants"))) if p]
        for message in as_list(thread.get("conversation")):
            message = as_dict(message)
            if not message:
                continue
            sender = fixed(message.get("sender"))
            raw = message.get("text") if isinstance(message.get("text"), str) else ""
            when, created_raw = ctx.when_iso(message.get("created_at"), name)
            text, text_raw = clean_pair(raw)
            others = [p for p in people if p != sender]
            yield Item(
                source_id=ctx.source_id,
                id=ctx.new_id("msg", index, created_raw), platform=PLATFORM,
                kind=ItemKind.MESSAGE, text=text, text_raw=text_raw,
                provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
                created_raw=created_raw, author=sender,
                reply_to=others[0] if len(others) == 1 else None, audience=Audience.PRIVATE,
                extra=facts({"participants": people, "sent_by_owner": ctx.is_owner(sender),
                             "group": len(people) > 2 or None,
                             "shared_link": fixed(message.get("media_share_url"))}),
            )
