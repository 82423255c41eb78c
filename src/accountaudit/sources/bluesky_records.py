"""Bluesky records (posts, reposts, likes, follows, the profile) as Items (formats.md §7).

The same converter serves records from a repository CAR and records saved as JSON, so a post
means the same thing whichever way it was exported. Every record in a repo is public.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.base import LoadReport
from accountaudit.sources.car import cid_text, link
from accountaudit.sources.times import parse_iso

PLATFORM = "bluesky"
MIN_YEAR = 1990  # createdAt is set by the client; imported posts can be old, not this old
POST, REPOST, LIKE = "app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.feed.like"
FOLLOW, PROFILE = "app.bsky.graph.follow", "app.bsky.actor.profile"
LOADED = frozenset({POST, REPOST, LIKE, FOLLOW, PROFILE})
_CDN = "https://cdn.bsky.app/img"
_MAX_FACETS = 1000


@dataclass(slots=True)
class BskyContext:
    """What every converter of one repository shares."""

    source_id: str
    report: LoadReport
    did: str | None = None
    handle: str | None = None
    seen: set[str] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)
    blobs: dict[str, str] = field(default_factory=dict)  # blob CID -> member holding it

    @property
    def author(self) -> str | None:
        """``@handle`` when known, else the DID."""
        return f"@{self.handle}" if self.handle else self.did

    def note_skipped(self) -> None:
        """One warning for every record type that is not loaded (other apps, blocks, lists)."""
        if self.skipped:
            total = sum(self.skipped.values())
            kinds = ", ".join(f"{n} {c}" for c, n in sorted(self.skipped.items()))
            self.report.warnings.append(f"{plural(total, 'record')} of kinds accountaudit "
                                        f"does not read not loaded ({kinds})")


def plural(count: int, noun: str) -> str:
    """``1 record``, ``2 records``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def text_of(value: Any) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value.strip() else None


def uri_parts(uri: Any) -> tuple[str, str, str] | None:
    """``at://<did or handle>/<collection>/<rkey>`` as its three parts."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def web_url(uri: Any) -> str | None:
    """The bsky.app address of a post (or list or feed) an ``at://`` URI names."""
    parts = uri_parts(uri)
    if parts is None:
        return None
    who, collection, rkey = parts
    page = {POST: "post", "app.bsky.graph.list": "lists",
            "app.bsky.feed.generator": "feed"}.get(collection)
    return f"https://bsky.app/profile/{who}/{page}/{rkey}" if page else None


def checked_time(raw: Any, report: LoadReport, where: str) -> tuple[datetime | None, str | None]:
    """createdAt to UTC (3 or 6 fractional digits); unreadable dates are warned and left blank."""
    if not isinstance(raw, str) or not raw.strip():
        return None, None
    try:
        when = parse_iso(raw)
    except OverflowError:
        when = None
    if when is None:
        report.warnings.append(f"{where}: the date '{raw[:60]}' could not be read")
    elif when.year < MIN_YEAR:
        report.warnings.append(f"{where}: the date '{raw[:60]}' is implausibly early; "
                               "left blank")
        when = None
    return when, raw


def record_item(collection: str, rkey: str, value: Any, ctx: BskyContext,
                where: Provenance) -> Item | None:
    """The Item for one record; None for kinds not loaded (counted) and unusable records."""
    if collection not in LOADED:
        ctx.skipped[collection[:80]] += 1
        return None
    cite = where.cite()
    if not isinstance(value, Mapping):
        if value is not None:  # a missing or unreadable block is counted by the repo walk
            ctx.report.warnings.append(f"{cite}: {collection}/{rkey} skipped, it is not a "
                                       "record")
        return None
    item_id = f"{collection}/{rkey}"
    if item_id in ctx.seen:
        return None
    ctx.seen.add(item_id)
    created_at, created_raw = checked_time(value.get("createdAt"), ctx.report, cite)
    base = {"source_id": ctx.source_id, "id": item_id, "platform": PLATFORM,
            "provenance": where, "created_at": created_at, "created_raw": created_raw}
    if collection == POST:
        return _post(rkey, value, ctx, base)
    if collection == PROFILE:
        return _profile(value, ctx, base)
    if collection == FOLLOW:
        return _follow(value, ctx, base, cite)
    return _subject_item(collection, value, ctx, base, cite)


def _post(rkey: str, value: Mapping[str, Any], ctx: BskyContext, base: dict[str, Any]) -> Item:
    raw = value.get("text") if isinstance(value.get("text"), str) else ""
    facts: dict[str, Any] = {}
    text = _facets(raw, value.get("facets"), facts)
    reply = value.get("reply")
    parent = reply.get("parent") if isinstance(reply, Mapping) else None
    parent_uri = parent.get("uri") if isinstance(parent, Mapping) else None
    parts = uri_parts(parent_uri)
    if isinstance(parent_uri, str):
        facts["in_reply_to"] = parent_uri
        root = reply.get("root") if isinstance(reply, Mapping) else None
        if isinstance(root, Mapping) and root.get("uri") != parent_uri:
            facts["thread_root"] = root.get("uri")
    media = _embed(value.get("embed"), ctx, facts)
    _labels_and_langs(value, facts)
    reply_to = None
    if parts:
        reply_to = ctx.author if parts[0] == ctx.did else parts[0]
    who = ctx.did or ctx.handle
    return Item(
        **base, kind=ItemKind.REPLY if isinstance(parent_uri, str) else ItemKind.POST,
        text=text, text_raw=raw if raw != text else None, author=ctx.author,
        url=f"https://bsky.app/profile/{who}/post/{rkey}" if who else None,
        reply_to=reply_to, audience=Audience.PUBLIC, media=media,
        extra=MappingProxyType({k: v for k, v in facts.items() if v not in (None, "", [])}),
    )


def _facets(raw: str, facets: Any, facts: dict[str, Any]) -> str:
    """Mentions, tags and links into facts; shortened link text swapped for the full address.

    Facet offsets count UTF-8 bytes, not characters (formats.md §7).
    """
    swaps: list[tuple[int, int, str]] = []
    for facet in facets[:_MAX_FACETS] if isinstance(facets, list) else ():
        index = facet.get("index") if isinstance(facet, Mapping) else None
        span = (index.get("byteStart"), index.get("byteEnd")) if isinstance(
            index, Mapping) else (None, None)
        features = facet.get("features") if isinstance(facet, Mapping) else None
        for feature in features if isinstance(features, list) else ():
            kind = str(feature.get("$type", "")) if isinstance(feature, Mapping) else ""
            kind = kind.rsplit("#", 1)[-1]
            key = {"mention": "did", "tag": "tag", "link": "uri"}.get(kind)
            value = text_of(feature.get(key)) if key else None
            if value is None:
                continue
            facts.setdefault({"did": "mentions", "tag": "hashtags", "uri": "links"}[key],
                             []).append(value)
            if kind == "link" and all(isinstance(x, int) for x in span):
                swaps.append((span[0], span[1], value))
    try:
        return _swap_links(raw, swaps)
    except UnicodeError:
        return raw


def _swap_links(raw: str, swaps: list[tuple[int, int, str]]) -> str:
    """Replace each link's visible text by its address, unless it already shows it whole."""
    data = raw.encode("utf-8")
    kept: list[tuple[int, int, bytes]] = []
    for start, end, uri in sorted(swaps):
        full = uri.encode("utf-8")
        if 0 <= start < end <= len(data) and full not in data[start:end] and (
                not kept or kept[-1][1] <= start):
            kept.append((start, end, full))
    if not kept:
        return raw
    for start, end, full in reversed(kept):
        data = data[:start] + full + data[end:]
    return data.decode("utf-8", errors="replace")


def _embed(embed: Any, ctx: BskyContext, facts: dict[str, Any],
           nested: bool = False) -> tuple[MediaRef, ...]:
    """Images, video, a quoted post and a link card; blobs are not in the repo, only addresses."""
    if not isinstance(embed, Mapping):
        return ()
    kind = str(embed.get("$type", ""))
    refs: list[MediaRef] = []
    if kind.endswith("recordWithMedia"):
        if nested:  # the lexicon allows one level; deeper is hostile or broken
            return ()
        inner = embed.get("record")
        _quote(inner.get("record") if isinstance(inner, Mapping) else None, facts)
        return _embed(embed.get("media"), ctx, facts, nested=True)
    if kind.endswith("embed.record"):
        _quote(embed.get("record"), facts)
    elif kind.endswith("embed.images"):
        images = embed.get("images")
        for image in images if isinstance(images, list) else ():
            if isinstance(image, Mapping):
                refs.append(_blob_ref(image.get("image"), "image", ctx))
                _alt(image, facts)
    elif kind.endswith("embed.video"):
        refs.append(_blob_ref(embed.get("video"), "video", ctx))
        _alt(embed, facts)
    elif kind.endswith("embed.external") and isinstance(embed.get("external"), Mapping):
        card = embed["external"]
        facts["link_card"] = {k: card.get(k) for k in ("uri", "title", "description")
                              if text_of(card.get(k))}
    return tuple(r for r in refs if r.path or r.url)


def _alt(holder: Mapping[str, Any], facts: dict[str, Any]) -> None:
    if text_of(holder.get("alt")):
        facts.setdefault("media_alt_text", []).append(holder["alt"])


def _quote(ref: Any, facts: dict[str, Any]) -> None:
    uri = ref.get("uri") if isinstance(ref, Mapping) else None
    if isinstance(uri, str):
        facts["quote_of"] = uri


def blob_cid(blob: Any) -> str | None:
    """A blob's CID text: ``ref`` is a link in a repo, ``{"$link": ...}`` in JSON; old ``cid``."""
    if not isinstance(blob, Mapping):
        return None
    ref = blob.get("ref")
    raw = link(ref)
    if raw is not None:
        return cid_text(raw)
    if isinstance(ref, Mapping) and text_of(ref.get("$link")):
        return ref["$link"]
    return text_of(blob.get("cid"))


def _blob_ref(blob: Any, kind: str, ctx: BskyContext, size: str = "feed_fullsize") -> MediaRef:
    cid = blob_cid(blob)
    if cid is None:
        return MediaRef(kind=kind)
    url = None
    if ctx.did and kind == "image":
        url = f"{_CDN}/{size}/plain/{ctx.did}/{cid}@jpeg"
    elif ctx.did:
        url = f"https://video.bsky.app/watch/{quote(ctx.did, safe='')}/{cid}/playlist.m3u8"
    return MediaRef(path=ctx.blobs.get(cid), url=url, kind=kind)


def _labels_and_langs(value: Mapping[str, Any], facts: dict[str, Any]) -> None:
    labels = value.get("labels")
    values = labels.get("values") if isinstance(labels, Mapping) else None
    found = [v.get("val") for v in values if isinstance(v, Mapping)] if isinstance(
        values, list) else []
    if any(isinstance(v, str) for v in found):
        facts["self_labels"] = [v for v in found if isinstance(v, str)]
    langs = value.get("langs")
    if isinstance(langs, list) and all(isinstance(x, str) for x in langs):
        facts["languages"] = langs
    tags = value.get("tags")
    if isinstance(tags, list):
        facts.setdefault("hashtags", []).extend(t for t in tags if isinstance(t, str))


def _profile(value: Mapping[str, Any], ctx: BskyContext, base: dict[str, Any]) -> Item:
    bio = value.get("description") if isinstance(value.get("description"), str) else ""
    name = text_of(value.get("displayName"))
    lines = [bio] if bio else []
    lines += [f"Name: {name}"] if name else []
    facts: dict[str, Any] = {"display_name": name, "did": ctx.did, "handle": ctx.handle}
    pinned = value.get("pinnedPost")
    if isinstance(pinned, Mapping) and isinstance(pinned.get("uri"), str):
        facts["pinned_post"] = pinned["uri"]
    _labels_and_langs(value, facts)
    media = [_blob_ref(value.get(k), "image", ctx, size) for k, size in
             (("avatar", "avatar"), ("banner", "banner"))]
    return Item(
        **base, kind=ItemKind.PROFILE, text="\n".join(lines), author=ctx.author,
        url=f"https://bsky.app/profile/{ctx.did}" if ctx.did else None,
        audience=Audience.PUBLIC, media=tuple(m for m in media if m.path or m.url),
        extra=MappingProxyType({k: v for k, v in facts.items() if v}),
    )


def _follow(value: Mapping[str, Any], ctx: BskyContext, base: dict[str, Any],
            cite: str) -> Item | None:
    subject = value.get("subject")
    if isinstance(subject, Mapping):  # early 2023 records: {did, declarationCid}
        subject = subject.get("did")
    if not text_of(subject):
        ctx.report.warnings.append(f"{cite}: a follow without an account was skipped")
        return None
    return Item(
        **base, kind=ItemKind.CONNECTION, text=subject, author=subject,
        url=f"https://bsky.app/profile/{subject}", audience=Audience.PUBLIC,
        extra=MappingProxyType({"direction": "following"}),
    )


def _subject_item(collection: str, value: Mapping[str, Any], ctx: BskyContext,
                  base: dict[str, Any], cite: str) -> Item | None:
    """A repost (SHARE) or a like (REACTION) of someone else's post, feed or list."""
    subject = value.get("subject")
    uri = subject.get("uri") if isinstance(subject, Mapping) else None
    if not text_of(uri):
        ctx.report.warnings.append(f"{cite}: a {collection.rsplit('.', 1)[-1]} without a "
                                   "subject was skipped")
        return None
    parts = uri_parts(uri)
    repost = collection == REPOST
    facts = {"repost_of" if repost else "liked": uri,
             "subject_account": parts[0] if parts else None,
             "subject_kind": parts[1] if parts and parts[1] != POST else None}
    return Item(
        **base, kind=ItemKind.SHARE if repost else ItemKind.REACTION, text="",
        author=ctx.author if repost else None,  # a like's "author" would be the post's
        url=web_url(uri) or uri, audience=Audience.PUBLIC,
        extra=MappingProxyType({k: v for k, v in facts.items() if v}),
    )
