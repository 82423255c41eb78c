"""One ActivityPub activity from a Mastodon ``outbox.json`` to one Item (formats.md §6.1).

A status's visibility decides what it is: public and unlisted statuses are posts, followers-only
ones are seen by friends, and a direct status is a private message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import LoadReport
from accountaudit.sources.text import html_to_text, unescape_html
from accountaudit.sources.times import parse_iso

PLATFORM = "mastodon"
MIN_YEAR = 1990  # earlier dates are clock errors; ActivityPub servers only date from 2008
PUBLIC = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
# https://host/users/name/statuses/123 (Mastodon) and https://host/@name/123 (its web address)
_STATUS_URI = re.compile(r"\Ahttps?://([^/\s]+)/(?:users/([^/\s]+)/statuses|@([^/\s]+))/(\d+)")
_ACTOR_URI = re.compile(r"\Ahttps?://([^/\s]+)/(?:users/|@)([^/\s?#]+)/?\Z")
_HREF = re.compile(r"""<a\s[^>]*?href=["']([^"']+)["'][^>]*>""", re.IGNORECASE)
_TAG_LINK = re.compile(r"""class=["'][^"']*\b(?:mention|hashtag)\b""", re.IGNORECASE)
_MEDIA_DIR = "media_attachments/"


@dataclass(slots=True)
class MastoContext:
    """What every converter of one archive shares: the owner, ids seen, shipped media."""

    view: ArchiveView
    source_id: str
    report: LoadReport
    root: str = ""
    actor: str | None = None  # the owner's actor URI, e.g. https://host/users/name
    account: str | None = None  # @name@host
    seen: set[str] = field(default_factory=set)
    media: dict[str, str] = field(default_factory=dict)  # "media_attachments/..." -> member

    def index_media(self) -> None:
        """Media sit at their storage path, with a prefix that varies by server."""
        for name in self.view.names():
            where = name.find(_MEDIA_DIR)
            if name.startswith(self.root) and where >= 0:
                self.media.setdefault(name[where:], name)

    def media_path(self, url: str) -> str | None:
        """The member holding an attachment whose address in the archive is ``url``."""
        path = urlsplit(url).path if "://" in url else url
        candidate = self.root + path.lstrip("/")
        if self.view.exists(candidate):
            return candidate
        where = path.find(_MEDIA_DIR)
        return self.media.get(path[where:]) if where >= 0 else None


def as_list(value: Any) -> list[Any]:
    """ActivityStreams allows a single value where a list is usual."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_of(value: Any) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value.strip() else None


def account_of(uri: str | None) -> str | None:
    """``@name@host`` from an actor or status address, when its shape says it."""
    if not uri:
        return None
    match = _STATUS_URI.match(uri)
    if match:
        return f"@{match.group(2) or match.group(3)}@{match.group(1)}"
    match = _ACTOR_URI.match(uri)
    return f"@{match.group(2)}@{match.group(1)}" if match else None


def status_id(uri: str | None) -> str | None:
    """Mastodon's numeric status id from a status or activity address."""
    match = _STATUS_URI.match(uri or "")
    return match.group(4) if match else None


def checked_time(raw: str | None, report: LoadReport, where: str) -> datetime | None:
    """ISO 8601 to UTC; unreadable or implausibly early dates become None plus a warning."""
    if not raw:
        return None
    try:
        when = parse_iso(raw)
    except OverflowError:
        when = None
    if when is None:
        report.warnings.append(f"{where}: the date '{raw}' could not be read")
    elif when.year < MIN_YEAR:
        report.warnings.append(f"{where}: the date '{raw}' is implausibly early; left blank")
        return None
    return when


def visibility(activity: Mapping[str, Any], obj: Mapping[str, Any]) -> str:
    """public, unlisted, private (followers only) or direct, from the addressing."""
    to = [a for a in as_list(obj.get("to", activity.get("to"))) if isinstance(a, str)]
    cc = [a for a in as_list(obj.get("cc", activity.get("cc"))) if isinstance(a, str)]
    if any(a in PUBLIC for a in to):
        return "public"
    if any(a in PUBLIC for a in cc):
        return "unlisted"
    if any(a.endswith("/followers") for a in to + cc):
        return "private"
    return "direct"


def status_item(activity: Mapping[str, Any], ctx: MastoContext, path: str,
                index: int) -> Item | None:
    """A Create (a status) or an Announce (a boost) as an Item; None for anything else."""
    kind = activity.get("type")
    if kind == "Announce":
        return _boost(activity, ctx, path, index)
    obj = activity.get("object")
    if kind != "Create" or not isinstance(obj, Mapping):
        return None
    return _status(activity, obj, ctx, path, index)


def _item_id(uri: str | None, fallback: str, ctx: MastoContext, where: str) -> str | None:
    item_id = status_id(uri) or uri or fallback
    if item_id in ctx.seen:
        ctx.report.warnings.append(f"{where}: status {item_id} appears twice; "
                                   "the second copy was skipped")
        return None
    ctx.seen.add(item_id)
    return item_id


def _status(activity: Mapping[str, Any], obj: Mapping[str, Any], ctx: MastoContext,
            path: str, index: int) -> Item | None:
    where = f"{path} #{index}"
    uri = text_of(obj.get("id")) or text_of(activity.get("id"))
    item_id = _item_id(uri, f"status-{index}", ctx, where)
    if item_id is None:
        return None
    raw = _content(obj)
    text = html_to_text(raw)
    title = text_of(obj.get("name")) if obj.get("type") not in ("Note", "Question") else None
    if title:  # an Article or Page from another server: its title is the officer's words too
        text = f"{title}\n{text}" if text else title
    facts = _facts(obj, raw)
    seen_by = visibility(activity, obj)
    poll = _poll(obj, facts)
    if poll:
        text = f"{text}\n{poll}" if text else poll
    mentions = _mentions(obj)
    if mentions:
        facts["mentions"] = sorted(set(mentions.values()))
    reply_uri = text_of(obj.get("inReplyTo"))
    reply_to = _replied_account(reply_uri, mentions, ctx)
    kind = ItemKind.REPLY if reply_uri else ItemKind.POST
    audience = Audience.PUBLIC
    if seen_by == "unlisted":
        facts["unlisted"] = True
    elif seen_by == "private":
        audience = Audience.FRIENDS
    elif seen_by == "direct":
        kind, audience = ItemKind.MESSAGE, Audience.PRIVATE
        facts["recipients"] = facts.get("mentions", [])
        reply_to = reply_to or next(iter(facts["recipients"]), None)
    if reply_uri:
        facts["in_reply_to"] = reply_uri
    created_raw = text_of(obj.get("published")) or text_of(activity.get("published"))
    url = text_of(obj.get("url")) or uri
    return Item(
        source_id=ctx.source_id, id=item_id, platform=PLATFORM, kind=kind, text=text,
        text_raw=raw if raw != text else None,
        provenance=Provenance(ctx.source_id, path=path, index=index),
        created_at=checked_time(created_raw, ctx.report, where), created_raw=created_raw,
        author=ctx.account, url=url, reply_to=reply_to, audience=audience,
        media=_media(obj, ctx, facts), extra=MappingProxyType(facts),
    )


def _content(obj: Mapping[str, Any]) -> str:
    raw = obj.get("content")
    if isinstance(raw, str):
        return raw
    languages = obj.get("contentMap")
    if isinstance(languages, Mapping):
        return next((v for v in languages.values() if isinstance(v, str)), "")
    return ""


def _facts(obj: Mapping[str, Any], raw: str) -> dict[str, Any]:
    kind = obj.get("type")
    facts: dict[str, Any] = {"object_type": kind if kind != "Note" else None}
    warning = text_of(obj.get("summary"))
    if warning:
        facts["content_warning"] = html_to_text(warning)
    if obj.get("sensitive") is True:
        facts["sensitive"] = True
    edited = text_of(obj.get("updated"))
    if edited:
        facts["edited_at"] = edited
    languages = obj.get("contentMap")
    if isinstance(languages, Mapping) and languages:
        facts["languages"] = [str(k) for k in languages]
    hashtags = [t.get("name") for t in as_list(obj.get("tag"))
                if isinstance(t, Mapping) and t.get("type") == "Hashtag"]
    if any(isinstance(h, str) for h in hashtags):
        facts["hashtags"] = [h for h in hashtags if isinstance(h, str)]
    links = _links(raw)
    if links:
        facts["links"] = links
    return {k: v for k, v in facts.items() if v not in (None, "", [])}


def _links(raw: str) -> list[str]:
    """Addresses the status links to, leaving out mention and hashtag links."""
    found: list[str] = []
    for match in _HREF.finditer(raw):
        href = unescape_html(match.group(1))
        if not _TAG_LINK.search(match.group(0)) and href not in found:
            found.append(href)
    return found


def _mentions(obj: Mapping[str, Any]) -> dict[str, str]:
    """Actor address -> ``@name@host`` for every account the status mentions."""
    found: dict[str, str] = {}
    for tag in as_list(obj.get("tag")):
        if not isinstance(tag, Mapping) or tag.get("type") != "Mention":
            continue
        href, name = text_of(tag.get("href")), text_of(tag.get("name"))
        if href is None and name is None:
            continue
        if name and name.count("@") < 2 and href:
            name = f"@{name.lstrip('@')}@{urlsplit(href).hostname or ''}".rstrip("@")
        found[href or name or ""] = name or account_of(href) or href or ""
    return found


def _replied_account(uri: str | None, mentions: Mapping[str, str],
                     ctx: MastoContext) -> str | None:
    """Whose status this replies to, when the address or a mention says it."""
    if not uri:
        return None
    if ctx.actor and uri.startswith(ctx.actor.rstrip("/") + "/"):
        return ctx.account
    for href, name in mentions.items():
        if href and uri.startswith(href.rstrip("/") + "/"):
            return name
    return account_of(uri)


def _poll(obj: Mapping[str, Any], facts: dict[str, Any]) -> str:
    """A poll's options as lines of text (checks read them) and as facts."""
    if obj.get("type") != "Question":
        return ""
    multiple = "anyOf" in obj
    options: list[dict[str, Any]] = []
    for option in as_list(obj.get("anyOf" if multiple else "oneOf")):
        name = text_of(option.get("name")) if isinstance(option, Mapping) else None
        if name is None:
            continue
        replies = option.get("replies")
        votes = replies.get("totalItems") if isinstance(replies, Mapping) else None
        options.append({"option": name, "votes": votes if isinstance(votes, int) else None})
    facts["poll"] = {"options": options, "multiple": multiple,
                     "closes": text_of(obj.get("endTime")) or text_of(obj.get("closed"))}
    return "\n".join(f"Poll option: {o['option']}" for o in options)


def _media(obj: Mapping[str, Any], ctx: MastoContext, facts: dict[str, Any]) -> tuple[
        MediaRef, ...]:
    refs: list[MediaRef] = []
    alts: list[str] = []
    missing: list[str] = []
    for entry in as_list(obj.get("attachment")):
        url = _href(entry.get("url")) if isinstance(entry, Mapping) else None
        if url is None:
            continue
        mime = entry.get("mediaType") if isinstance(entry.get("mediaType"), str) else ""
        kind = "video" if mime.startswith("video/") else (
            "audio" if mime.startswith("audio/") else "image")
        path = ctx.media_path(url)
        if path is None:
            missing.append(url)
        if path or "://" in url:
            refs.append(MediaRef(path=path, url=url if "://" in url else None, kind=kind))
        if text_of(entry.get("name")):
            alts.append(entry["name"])
    if alts:
        facts["media_alt_text"] = alts
    if missing:
        facts["media_not_in_archive"] = missing
    return tuple(refs)


def _href(value: Any) -> str | None:
    """An address given as a string, or (Pleroma and others) as Link objects."""
    for candidate in as_list(value):
        if isinstance(candidate, Mapping):
            candidate = candidate.get("href")
        if text_of(candidate):
            return candidate
    return None


def _boost(activity: Mapping[str, Any], ctx: MastoContext, path: str,
           index: int) -> Item | None:
    where = f"{path} #{index}"
    target = activity.get("object")
    if isinstance(target, Mapping):
        target = target.get("id") or target.get("url")
    target = text_of(target)
    item_id = _item_id(text_of(activity.get("id")), f"boost-{index}", ctx, where)
    if item_id is None:
        return None
    facts: dict[str, Any] = {"boost_of": target, "boosted_account": account_of(target)}
    created_raw = text_of(activity.get("published"))
    seen_by = visibility(activity, {})
    if seen_by == "unlisted":
        facts["unlisted"] = True
    audience = Audience.FRIENDS if seen_by in ("private", "direct") else Audience.PUBLIC
    return Item(
        source_id=ctx.source_id, id=item_id, platform=PLATFORM, kind=ItemKind.SHARE, text="",
        provenance=Provenance(ctx.source_id, path=path, index=index),
        created_at=checked_time(created_raw, ctx.report, where), created_raw=created_raw,
        author=ctx.account, url=target, audience=audience,
        extra=MappingProxyType({k: v for k, v in facts.items() if v}),
    )
