"""The 2012-2018 "Grailbird" X archive: ``data/js/tweets/YYYY_MM.js`` and/or ``tweets.csv``.

The monthly JS files carry full tweet objects, so they are preferred; ``tweets.csv`` fills in
any tweet the JS files lack (or is the only source in a CSV-only archive).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.jswrap import read_js, read_js_array, read_member
from accountaudit.sources.text import decode, unescape_html
from accountaudit.sources.x_tweet import PLATFORM, XContext, as_id, checked_time, tweet_item

CSV_NAME = "tweets.csv"
USER_DETAILS = "data/js/user_details.js"
TWEET_INDEX = "data/js/tweet_index.js"
MONTHS_GLOB = "data/js/tweets/*.js"
_TCO = re.compile(r"https?://t\.co/\w+")
_LEADING_MENTION = re.compile(r"\A\.?@(\w{1,50})")


def load_grailbird(root: str, ctx: XContext) -> Iterator[Item]:
    """Profile, then monthly JS tweets, then any CSV rows the JS files did not hold."""
    if ctx.view.exists(root + USER_DETAILS):
        profile = _profile(root + USER_DETAILS, ctx)
        if profile is not None:
            yield profile
    months = sorted(ctx.view.glob(root + MONTHS_GLOB), reverse=True)
    for name in months:
        for index, tweet in enumerate(read_js_array(ctx.view, name, ctx.report)):
            if not isinstance(tweet, Mapping):
                ctx.report.warnings.append(f"{name} #{index}: skipped, not a tweet object")
                continue
            item = tweet_item(tweet, ctx, name, index)
            if item is not None and _first(item, ctx, name, index):
                yield item
    _check_index(root, months, ctx)
    if ctx.view.exists(root + CSV_NAME):
        yield from _csv_items(root + CSV_NAME, ctx)


def _first(item: Item, ctx: XContext, name: str, index: int) -> bool:
    if item.id in ctx.seen:
        ctx.report.warnings.append(f"{name} #{index}: tweet {item.id} appears twice; "
                                   "the second copy was skipped")
        return False
    ctx.seen.add(item.id)
    return True


def _profile(name: str, ctx: XContext) -> Item | None:
    details = read_js(ctx.view, name, ctx.report)
    if not isinstance(details, Mapping):
        return None

    def text_of(key: str) -> str | None:
        value = details.get(key)
        return value if isinstance(value, str) and value else None

    bio = text_of("bio") or ""
    website = text_of("expanded_url") or text_of("url")
    facts = {"handle": text_of("screen_name"), "display_name": text_of("full_name"),
             "location": text_of("location"), "website": website,
             "account_id": as_id(details.get("id"))}
    created_raw = text_of("created_at")
    return Item(
        source_id=ctx.source_id, id="profile", platform=PLATFORM, kind=ItemKind.PROFILE,
        text=profile_text(unescape_html(bio), facts), text_raw=bio,
        provenance=Provenance(ctx.source_id, path=name),
        created_at=checked_time(created_raw, ctx, name), created_raw=created_raw,
        author=ctx.author, url=f"https://x.com/{ctx.handle}" if ctx.handle else None,
        audience=Audience.PUBLIC,
        extra=MappingProxyType({k: v for k, v in facts.items() if v}),
    )


def profile_text(bio: str, facts: Mapping[str, Any]) -> str:
    """Bio first, then name, location and website, so checks read all a visitor sees."""
    lines = [bio] if bio else []
    for label, key in (("Name", "display_name"), ("Location", "location"),
                       ("Website", "website")):
        if facts.get(key):
            lines.append(f"{label}: {facts[key]}")
    return "\n".join(lines)


def _check_index(root: str, months: list[str], ctx: XContext) -> None:
    """Say so when ``tweet_index.js`` lists monthly files the archive does not contain."""
    if not ctx.view.exists(root + TWEET_INDEX):
        return
    present = set(months)
    missing = tweets = 0
    for entry in read_js_array(ctx.view, root + TWEET_INDEX, ctx.report):
        name = entry.get("file_name") if isinstance(entry, Mapping) else None
        if isinstance(name, str) and root + name not in present:
            missing += 1
            count = entry.get("tweet_count")
            tweets += count if isinstance(count, int) else 0
    if missing:
        ctx.report.warnings.append(
            f"{root}{TWEET_INDEX}: lists {missing} monthly tweet files ({tweets} tweets) that "
            "are not in the archive; those tweets could not be loaded")


def _csv_items(name: str, ctx: XContext) -> Iterator[Item]:
    data = read_member(ctx.view, name, ctx.report)
    if data is None:
        return
    text = decode(data, ctx.report.warnings, name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = set(reader.fieldnames or ())
    if not {"tweet_id", "text"} <= fields:
        ctx.report.warnings.append(f"{name}: skipped, it has no tweet_id and text columns")
        return
    try:
        for index, row in enumerate(reader):
            item = _csv_item(row, name, index, ctx)
            if item is not None and item.id not in ctx.seen:
                ctx.seen.add(item.id)
                yield item
    except csv.Error as exc:
        ctx.report.warnings.append(f"{name} line {reader.line_num}: the rest of the file was "
                                   f"skipped, it is not valid CSV ({exc})")


def _csv_item(row: Mapping[str, str | None], name: str, index: int,
              ctx: XContext) -> Item | None:
    def cell(key: str) -> str:
        return (row.get(key) or "").strip()

    tweet_id = cell("tweet_id")
    if not tweet_id:
        ctx.report.warnings.append(f"{name} #{index}: skipped, the row has no tweet_id")
        return None
    raw = row.get("text") or ""
    facts: dict[str, Any] = {}
    kind, reply_to = ItemKind.POST, None
    if cell("retweeted_status_id"):
        kind = ItemKind.SHARE
        if rt := re.match(r"\ART @(\w+)", raw):
            facts["retweet_of"] = f"@{rt.group(1)}"
    elif cell("in_reply_to_status_id") or cell("in_reply_to_user_id"):
        kind = ItemKind.REPLY
        mention = _LEADING_MENTION.match(raw)
        reply_to = f"@{mention.group(1)}" if mention else cell("in_reply_to_user_id") or None
        if cell("in_reply_to_status_id"):
            facts["in_reply_to_status_id"] = cell("in_reply_to_status_id")
    expanded = [u for u in cell("expanded_urls").split(",") if u]
    text = unescape_html(raw)
    links = _TCO.findall(text)
    if expanded and len(links) == len(expanded):
        for short, full in zip(links, expanded, strict=True):
            text = text.replace(short, full, 1)
    elif expanded:
        facts["expanded_urls"] = expanded
    if client := re.sub(r"<[^>]*>", "", cell("source")).strip():
        facts["client"] = client
    created_raw = cell("timestamp") or None
    return Item(
        source_id=ctx.source_id, id=tweet_id, platform=PLATFORM, kind=kind, text=text,
        provenance=Provenance(ctx.source_id, path=name, index=index),
        created_at=checked_time(created_raw, ctx, f"{name} #{index}"), created_raw=created_raw,
        author=ctx.author, url=ctx.status_url(tweet_id), reply_to=reply_to,
        audience=Audience.PUBLIC, text_raw=raw, extra=MappingProxyType(facts),
    )
