"""X likes, follower/following lists and direct messages as Items.

None of these carry the officer's own words, but endorsing a post, following an account and a
private conversation are all conduct a reviewer may need to see.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.jswrap import read_js_array, unwrap
from accountaudit.sources.text import unescape_html
from accountaudit.sources.x_tweet import (
    PLATFORM,
    XContext,
    as_id,
    as_list,
    checked_time,
    expand_links,
    snowflake_time,
)


def like_items(name: str, ctx: XContext) -> Iterator[Item]:
    """One REACTION per liked tweet; the date comes from the tweet id (likes have none)."""
    for index, entry in enumerate(read_js_array(ctx.view, name, ctx.report)):
        like = unwrap(entry, "like")
        tweet_id = as_id(like.get("tweetId")) if like else None
        if like is None or tweet_id is None:
            ctx.report.warnings.append(f"{name} #{index}: skipped, the like has no tweetId")
            continue
        item_id = f"like-{tweet_id}"
        if item_id in ctx.seen:
            continue
        ctx.seen.add(item_id)
        raw = like.get("fullText") if isinstance(like.get("fullText"), str) else ""
        url = like.get("expandedUrl")
        when = snowflake_time(tweet_id)
        yield Item(
            source_id=ctx.source_id, id=item_id, platform=PLATFORM, kind=ItemKind.REACTION,
            text=unescape_html(raw), text_raw=raw,
            provenance=Provenance(ctx.source_id, path=name, index=index),
            created_at=when, author=None,  # the liked tweet's author is not in the archive
            url=url if isinstance(url, str) and url else f"https://x.com/i/web/status/{tweet_id}",
            audience=Audience.UNKNOWN,
            extra=MappingProxyType({"tweet_id": tweet_id,
                                    "date_from": "snowflake" if when else "unknown"}),
        )


def connection_items(name: str, direction: str, ctx: XContext) -> Iterator[Item]:
    """One CONNECTION per account followed or following; handles only when tweets reveal them."""
    for index, entry in enumerate(read_js_array(ctx.view, name, ctx.report)):
        body = unwrap(entry, direction)
        account_id = as_id(body.get("accountId")) if body else None
        if body is None or account_id is None:
            ctx.report.warnings.append(f"{name} #{index}: skipped, the entry has no accountId")
            continue
        item_id = f"{direction}-{account_id}"
        if item_id in ctx.seen:
            continue
        ctx.seen.add(item_id)
        handle = ctx.at(account_id)
        link = body.get("userLink") if isinstance(body.get("userLink"), str) else None
        facts: dict[str, Any] = {"direction": direction, "account_id": account_id,
                                 "user_link": link}
        url = (f"https://x.com/{handle[1:]}" if handle
               else link or f"https://x.com/intent/user?user_id={account_id}")
        yield Item(
            source_id=ctx.source_id, id=item_id, platform=PLATFORM, kind=ItemKind.CONNECTION,
            text=handle or "", provenance=Provenance(ctx.source_id, path=name, index=index),
            author=handle, url=url, audience=Audience.PUBLIC,
            extra=MappingProxyType({k: v for k, v in facts.items() if v}),
        )


def message_items(name: str, ctx: XContext, group: bool) -> Iterator[Item]:
    """One MESSAGE per sent or received DM; conversation events (joins, renames) are skipped."""
    for index, entry in enumerate(read_js_array(ctx.view, name, ctx.report)):
        conversation = unwrap(entry, "dmConversation")
        messages = conversation.get("messages") if conversation else None
        if not isinstance(messages, list):
            ctx.report.warnings.append(f"{name} #{index}: skipped, not a conversation")
            continue
        conv_id = as_id(conversation.get("conversationId")) if conversation else None
        for event in messages:
            body = event.get("messageCreate") if isinstance(event, Mapping) else None
            if isinstance(body, Mapping):
                item = _message(body, conv_id, group, name, index, ctx)
                if item is not None:
                    yield item


def _message(body: Mapping[str, Any], conv_id: str | None, group: bool, name: str,
             index: int, ctx: XContext) -> Item | None:
    where = f"{name} #{index}"
    msg_id = as_id(body.get("id"))
    if msg_id is None:
        ctx.report.warnings.append(f"{where}: a message without an id was skipped")
        return None
    if f"dm-{msg_id}" in ctx.seen:
        return None
    ctx.seen.add(f"dm-{msg_id}")
    sender = as_id(body.get("senderId"))
    recipient = as_id(body.get("recipientId"))
    other = _other_party(sender, recipient, conv_id, group, ctx)
    raw = body.get("text") if isinstance(body.get("text"), str) else ""
    urls = [u for u in as_list(body.get("urls")) if isinstance(u, Mapping)]
    created_raw = body.get("createdAt") if isinstance(body.get("createdAt"), str) else None
    facts: dict[str, Any] = {"conversation_id": conv_id, "sender_id": sender,
                             "recipient_id": recipient if recipient != "0" else None,
                             "group": group or None,
                             "sent_by_owner": (sender == ctx.owner_id) if ctx.owner_id else None}
    media = [u for u in as_list(body.get("mediaUrls")) if isinstance(u, str)]
    if media:
        facts["media_urls"] = media
    return Item(
        source_id=ctx.source_id, id=f"dm-{msg_id}", platform=PLATFORM, kind=ItemKind.MESSAGE,
        text=expand_links(unescape_html(raw), urls), text_raw=raw,
        provenance=Provenance(ctx.source_id, path=name, index=index),
        created_at=checked_time(created_raw, ctx, where), created_raw=created_raw,
        author=ctx.at(sender) or sender,
        reply_to=other, audience=Audience.PRIVATE,
        extra=MappingProxyType({k: v for k, v in facts.items() if v is not None}),
    )


def _other_party(sender: str | None, recipient: str | None, conv_id: str | None,
                 group: bool, ctx: XContext) -> str | None:
    """The person the owner was talking to: a handle when known, else the account id."""
    if group:
        return f"group {conv_id}" if conv_id else None
    candidates = [p for p in (sender, recipient) if p and p != "0"]
    if conv_id and "-" in conv_id:
        candidates += conv_id.split("-")
    others = [p for p in candidates if p != ctx.owner_id] if ctx.owner_id else [recipient]
    other = next((p for p in others if p), None)
    return ctx.at(other) or other
