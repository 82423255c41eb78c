"""Messenger-shaped threads (``message_N.json``), shared by Facebook and Instagram (§2.4).

Messages are private and opt-in: when the user did not ask for them the files are only counted,
so the report can say how many were left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.base import LoadOptions
from accountaudit.sources.jswrap import read_member
from accountaudit.sources.meta_common import (
    MetaContext,
    as_dict,
    as_list,
    clean_pair,
    facts,
    fixed,
    read_json,
)

_PART = re.compile(r"(?:^|/)message_\d+\.json\Z")
_MEDIA_KEYS = (("photos", "image"), ("videos", "video"), ("gifs", "image"),
               ("audio_files", "audio"), ("files", "file"))


def is_message_file(rel: str) -> bool:
    """True for ``.../<thread>/message_N.json``."""
    return _PART.search(rel) is not None


def load_messages(names: list[str], ctx: MetaContext, options: LoadOptions) -> Iterator[Item]:
    """Every message of every thread file; only counted when messages were not asked for."""
    for name in names:
        if not options.include_messages:
            data = read_member(ctx.view, name, ctx.report)
            ctx.report.messages_skipped += data.count(b'"sender_name"') if data else 0
            continue
        yield from thread_items(name, ctx)
        ctx.flush_dates(name)


def thread_items(name: str, ctx: MetaContext) -> Iterator[Item]:
    """One MESSAGE per message in one thread file."""
    thread = read_json(ctx.view, name, ctx.report)
    if thread is None:
        return
    if not isinstance(thread, Mapping) or not isinstance(thread.get("messages"), list):
        ctx.report.warnings.append(f"{name}: skipped, it is not a message thread")
        return
    folder = name.rsplit("/", 2)
    key = folder[-2] if _PART.search(name) and len(folder) > 1 else name.rsplit("/", 1)[-1][:-5]
    people = [p for p in (fixed(as_dict(x).get("name")) for x in as_list(
        thread.get("participants"))) if p]
    title = fixed(thread.get("title")) or fixed(thread.get("thread_name")) or None
    for index, message in enumerate(thread["messages"]):
        if not isinstance(message, Mapping) or not message:
            continue
        yield _message(message, name, index, key, title, people, ctx)


def _message(message: Mapping[str, Any], name: str, index: int, key: str, title: str | None,
             people: list[str], ctx: MetaContext) -> Item:
    when, raw_when = ctx.when(message.get("timestamp_ms"), name, ms=True)
    sender = fixed(message.get("sender_name"))
    share = as_dict(message.get("share"))
    raw = message.get("content") if isinstance(message.get("content"), str) else ""
    if not raw and isinstance(share.get("share_text"), str):
        raw = share["share_text"]
    text, text_raw = clean_pair(raw)
    others = [p for p in people if p != sender]
    info: dict[str, Any] = {
        "thread": title, "thread_id": key, "participants": people,
        "group": len(people) > 2 or None, "sent_by_owner": ctx.is_owner(sender),
        "share_link": share.get("link") if isinstance(share.get("link"), str)
        and share["link"].startswith(("http://", "https://")) else None,
        "unsent": True if message.get("is_unsent") else None,
        "call_duration": message.get("call_duration"),
        "type": message.get("type") if message.get("type") not in (None, "Generic") else None,
        "reactions": [r for r in (fixed(as_dict(x).get("reaction")) for x in as_list(
            message.get("reactions"))) if r],
    }
    if len(others) == 1:
        reply_to: str | None = others[0]
    else:
        reply_to = f"group {title}" if title else None
    return Item(
        source_id=ctx.source_id, id=ctx.new_id("msg", key, message.get("timestamp_ms")),
        platform=ctx.platform, kind=ItemKind.MESSAGE, text=text, text_raw=text_raw,
        provenance=Provenance(ctx.source_id, path=name, index=index),
        created_at=when, created_raw=raw_when, author=sender, reply_to=reply_to,
        url=info["share_link"], audience=Audience.PRIVATE, media=_media(message, ctx),
        extra=facts(info),
    )


def _media(message: Mapping[str, Any], ctx: MetaContext) -> tuple[MediaRef, ...]:
    refs: list[MediaRef] = []
    for key, kind in _MEDIA_KEYS:
        for entry in as_list(message.get(key)):
            ref = ctx.media(as_dict(entry).get("uri"), kind)
            if ref is not None:
                refs.append(ref)
    sticker = ctx.media(as_dict(message.get("sticker")).get("uri"))
    if sticker is not None:
        refs.append(sticker)
    return tuple(refs)
