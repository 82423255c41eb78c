"""One X tweet object (any generation) to one Item: kind, clean text, UTC time, media.

Shared by the current loader and the Grailbird loader, so a reply or retweet means the same
thing whichever archive it came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import LoadReport
from accountaudit.sources.text import unescape_html
from accountaudit.sources.times import parse_iso

PLATFORM = "x"
MIN_YEAR = 2006  # X launched in 2006; 2025 exports hold a few tweets dated 1997 or 2003
_SNOWFLAKE_EPOCH_MS = 1288834974657
_FIRST_SNOWFLAKE = 10**15  # ids below this are pre-November-2010 sequential ids, not dates
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# "Fri Mar 06 13:02:05 +0000 2026" (the weekday is ignored: the date already says it)
_API_TIME = re.compile(r"\A[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) "
                       r"([+-])(\d{2})(\d{2}) (\d{4})\Z")
# "2013-11-28 13:37:46 +0000" (Grailbird and tweets.csv)
_LEGACY_TIME = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2}) ?"
                          r"(?:([+-])(\d{2}):?(\d{2})|Z|UTC)?\Z")
_RT = re.compile(r"\ART @(\w{1,50}):?")
_MEDIA_DIRS = ("tweets_media", "tweet_media", "media", "deleted_tweets_media",
               "community_tweet_media")


@dataclass(slots=True)
class XContext:
    """What every converter of one archive shares: who the owner is, ids seen, handle lookup."""

    view: ArchiveView
    source_id: str
    report: LoadReport
    handle: str | None = None
    owner_id: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # account id -> screen name
    seen: set[str] = field(default_factory=set)
    media: dict[str, list[str]] = field(default_factory=dict)  # tweet id -> member names

    @property
    def author(self) -> str | None:
        """The owner's ``@handle``, if the archive says it."""
        return f"@{self.handle}" if self.handle else None

    def status_url(self, tweet_id: str) -> str:
        """The tweet's public address; ``/i/web/`` works without knowing the handle."""
        who = self.handle or "i/web"
        return f"https://x.com/{who}/status/{tweet_id}"

    def at(self, account_id: str | None) -> str | None:
        """``@handle`` for an account id when the archive reveals it, else None."""
        name = self.names.get(account_id or "")
        return f"@{name}" if name else None

    def index_media(self, folders: list[str]) -> None:
        """Map tweet ids to shipped media named ``<tweetId>-<mediaKey>.<ext>``.

        ``folders`` are prefixes ending in ``/`` (or ``""`` for the top of the archive).
        """
        wanted = tuple(f"{f}{d}/" for f in folders for d in _MEDIA_DIRS)
        for name in self.view.names():
            if name.startswith(wanted):
                base = name.rsplit("/", 1)[1]
                tweet_id, sep, _ = base.partition("-")
                if sep and tweet_id.isdigit():
                    self.media.setdefault(tweet_id, []).append(name)


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list (archives are not always tidy)."""
    return value if isinstance(value, list) else []


def parse_x_time(raw: str) -> datetime | None:
    """Parse X's tweet and Grailbird timestamps to aware UTC without the process locale."""
    raw = raw.strip()
    if m := _API_TIME.match(raw):
        month = _MONTHS.get(m.group(1).lower())
        if month is None:
            return None
        sign, hh, mm = m.group(6), int(m.group(7)), int(m.group(8))
        return _build(int(m.group(9)), month, int(m.group(2)), m.group(3, 4, 5), sign, hh, mm)
    if m := _LEGACY_TIME.match(raw):
        sign = m.group(7) or "+"
        hh, mm = int(m.group(8) or 0), int(m.group(9) or 0)
        return _build(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4, 5, 6),
                      sign, hh, mm)
    return parse_iso(raw) if "T" in raw else None


def _build(year: int, month: int, day: int, hms: tuple[str, str, str], sign: str,
           hh: int, mm: int) -> datetime | None:
    offset = timedelta(hours=hh, minutes=mm) * (-1 if sign == "-" else 1)
    try:
        local = datetime(year, month, day, int(hms[0]), int(hms[1]), int(hms[2]),
                         tzinfo=timezone(offset))
    except ValueError:
        return None
    return local.astimezone(UTC)


def snowflake_time(tweet_id: str) -> datetime | None:
    """When a tweet was posted, from its id alone (likes carry no date)."""
    if not tweet_id.isdigit() or int(tweet_id) < _FIRST_SNOWFLAKE:
        return None
    ms = (int(tweet_id) >> 22) + _SNOWFLAKE_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def as_id(value: Any) -> str | None:
    """An id as a string; JSON integers stay exact (never via float)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def checked_time(raw: str | None, ctx: XContext, where: str) -> datetime | None:
    """Parse a timestamp; unreadable or pre-2006 dates become None plus a warning."""
    if not raw:
        return None
    when = parse_x_time(raw)
    if when is None:
        ctx.report.warnings.append(f"{where}: the date '{raw}' could not be read")
    elif when.year < MIN_YEAR:
        ctx.report.warnings.append(f"{where}: the date '{raw}' is before X existed; "
                                   "it was left blank")
        return None
    return when


def expand_links(text: str, entities: list[Mapping[str, Any]]) -> str:
    """Swap each ``t.co`` link for the address it hides, so checks see the real site."""
    for entity in entities:
        short, full = entity.get("url"), entity.get("expanded_url") or entity.get("expanded")
        if isinstance(short, str) and short and isinstance(full, str) and full:
            text = text.replace(short, full)
    return text


def link_entities(tweet: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every url and media entity of a tweet (``entities`` and ``extended_entities``)."""
    found: list[Mapping[str, Any]] = []
    for group in (tweet.get("entities"), tweet.get("extended_entities")):
        if isinstance(group, Mapping):
            for key in ("urls", "media"):
                found.extend(e for e in as_list(group.get(key)) if isinstance(e, Mapping))
    return found


def remember_names(tweet: Mapping[str, Any], ctx: XContext) -> None:
    """Learn id -> screen name pairs from mentions and replies, to name connections later."""
    entities = tweet.get("entities")
    mentions = entities.get("user_mentions") if isinstance(entities, Mapping) else None
    for mention in as_list(mentions):
        if isinstance(mention, Mapping):
            uid = as_id(mention.get("id_str") or mention.get("id"))
            name = mention.get("screen_name")
            if uid and isinstance(name, str) and name:
                ctx.names.setdefault(uid, name)
    uid = as_id(tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id"))
    name = tweet.get("in_reply_to_screen_name")
    if uid and isinstance(name, str) and name:
        ctx.names.setdefault(uid, name)


def tweet_item(tweet: Mapping[str, Any], ctx: XContext, path: str, index: int,
               extra: Mapping[str, Any] | None = None) -> Item | None:
    """Build the Item for one tweet object; None (with a warning) when it cannot be used."""
    where = f"{path} #{index}"
    tweet_id = as_id(tweet.get("id_str")) or as_id(tweet.get("id"))
    if tweet_id is None:
        ctx.report.warnings.append(f"{where}: skipped, the tweet has no id")
        return None
    raw = tweet.get("full_text", tweet.get("text"))
    if not isinstance(raw, str):
        ctx.report.warnings.append(f"{where}: tweet {tweet_id} has no text; loaded as empty")
        raw = ""
    remember_names(tweet, ctx)
    created_raw = tweet.get("created_at") if isinstance(tweet.get("created_at"), str) else None
    kind, reply_to, facts = _kind(tweet, raw)
    facts.update(_facts(tweet))
    facts.update(extra or {})
    return Item(
        source_id=ctx.source_id, id=tweet_id, platform=PLATFORM, kind=kind,
        text=expand_links(unescape_html(raw), link_entities(tweet)),
        provenance=Provenance(ctx.source_id, path=path, index=index),
        created_at=checked_time(created_raw, ctx, where), created_raw=created_raw,
        author=ctx.author, url=ctx.status_url(tweet_id), reply_to=reply_to,
        audience=Audience.PUBLIC, media=_media(tweet, tweet_id, ctx), text_raw=raw,
        extra=MappingProxyType(facts),
    )


def _kind(tweet: Mapping[str, Any], raw: str) -> tuple[ItemKind, str | None, dict[str, Any]]:
    facts: dict[str, Any] = {}
    retweeted = tweet.get("retweeted_status")
    rt = _RT.match(raw)
    if rt or isinstance(retweeted, Mapping):
        user = retweeted.get("user") if isinstance(retweeted, Mapping) else None
        name = user.get("screen_name") if isinstance(user, Mapping) else None
        name = name if isinstance(name, str) and name else (rt.group(1) if rt else None)
        if name:
            facts["retweet_of"] = f"@{name}"
        return ItemKind.SHARE, None, facts
    status = as_id(tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id"))
    user_id = as_id(tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id"))
    name = tweet.get("in_reply_to_screen_name")
    if not (status or user_id or name):
        return ItemKind.POST, None, facts
    if status:
        facts["in_reply_to_status_id"] = status
    reply_to = f"@{name}" if isinstance(name, str) and name else user_id
    return ItemKind.REPLY, reply_to, facts


def _facts(tweet: Mapping[str, Any]) -> dict[str, Any]:
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), Mapping) else {}
    facts: dict[str, Any] = {
        "lang": tweet.get("lang") if isinstance(tweet.get("lang"), str) else None,
        "mentions": [m["screen_name"] for m in as_list(entities.get("user_mentions"))
                     if isinstance(m, Mapping) and isinstance(m.get("screen_name"), str)],
        "hashtags": [h["text"] for h in as_list(entities.get("hashtags"))
                     if isinstance(h, Mapping) and isinstance(h.get("text"), str)],
    }
    edit = tweet.get("edit_info")
    initial = edit.get("initial") if isinstance(edit, Mapping) else None
    versions = initial.get("editTweetIds") if isinstance(initial, Mapping) else None
    if isinstance(versions, list) and len(versions) > 1:
        facts["edit_versions"] = [str(v) for v in versions]
    if isinstance(tweet.get("source"), str):
        facts["client"] = re.sub(r"<[^>]*>", "", tweet["source"]).strip() or None
    return {k: v for k, v in facts.items() if v not in (None, "")}


def _media(tweet: Mapping[str, Any], tweet_id: str, ctx: XContext) -> tuple[MediaRef, ...]:
    entries: list[Mapping[str, Any]] = []
    for group in (tweet.get("extended_entities"), tweet.get("entities")):
        if isinstance(group, Mapping):
            entries = [m for m in as_list(group.get("media")) if isinstance(m, Mapping)]
        if entries:
            break
    files = list(ctx.media.get(tweet_id, ()))
    refs: list[MediaRef] = []
    for entry in entries:
        url = entry.get("media_url_https") or entry.get("media_url")
        url = url if isinstance(url, str) else None
        kind = "video" if entry.get("type") in ("video", "animated_gif") else "image"
        path = _pick_file(files, _media_keys(entry, url), len(entries))
        refs.append(MediaRef(path=path, url=url, kind=kind))
    return tuple(refs)


def _media_keys(entry: Mapping[str, Any], url: str | None) -> set[str]:
    urls = [url] if url else []
    info = entry.get("video_info")
    for variant in as_list(info.get("variants")) if isinstance(info, Mapping) else ():
        if isinstance(variant, Mapping) and isinstance(variant.get("url"), str):
            urls.append(variant["url"])
    return {u.split("?", 1)[0].rsplit("/", 1)[-1].rsplit(".", 1)[0] for u in urls}


def _pick_file(files: list[str], keys: set[str], entries: int) -> str | None:
    """The shipped file for one media entry, matched by key; removed so it is used once."""
    for name in files:
        stem = name.rsplit("/", 1)[-1].partition("-")[2].rsplit(".", 1)[0]
        if stem in keys:
            files.remove(name)
            return name
    if entries == 1 and len(files) == 1:
        return files.pop()
    return None
