"""Threads (Meta) data: a Threads-only download, and the Threads part of an Instagram one.

Threads files are Instagram-shaped (formats.md §3.4 and the Addendum): posts and replies in
``threads_and_replies.json`` under ``text_post_app_text_posts``; text-only posts have
``uri: ""``; replies say so in ``text_app_post`` (``is_reply``, sometimes
``in_reply_to_username``). Followers, following, likes and the profile sit beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import ArchiveLoader, Detection, LoadOptions, LoadReport
from accountaudit.sources.meta_common import (
    MetaContext,
    Rule,
    as_dict,
    as_list,
    classify,
    clean_pair,
    exif_location,
    facts,
    fixed,
    json_head_ok,
    map_value,
    read_json,
    records,
    relationship_name,
    rule_keys,
)

PLATFORM = "threads"
LAYOUT = "threads-2024"
RULES: tuple[Rule, ...] = (
    Rule("threads_posts", (r"(?:^|/)threads_and_replies(?:_\d+)?\.json\Z",),
         ("text_post_app_text_posts",), sniff=True),
    Rule("threads_followers", (r"(?:^|/)threads/followers(?:_\d+)?\.json\Z",),
         ("text_post_app_text_post_app_followers",), sniff=True),
    Rule("threads_following", (r"(?:^|/)threads/following(?:_\d+)?\.json\Z",),
         ("text_post_app_text_post_app_following",), sniff=True),
    Rule("threads_likes", (r"(?:^|/)threads/liked_threads\.json\Z",),
         ("text_post_app_media_likes",), sniff=True),
    Rule("threads_profile", (r"(?:^|/)threads/personal_information\.json\Z",),
         ("text_post_app_text_post_app_profile",), sniff=True),
    Rule("threads_ignored", (r"(?:^|/)threads/[^/]+\.json\Z",), sniff=False),
)
_SIGNATURE = (b"text_post_app",)
_TAIL = re.compile(r"(?:(?:your_instagram_activity|your_threads_activity)/)?(?:threads/)?\Z")
_CONTENT = ("threads_posts", "threads_likes", "threads_followers", "threads_following")


class ThreadsLoader(ArchiveLoader):
    """A Threads-only download (a full Instagram download is claimed by Instagram first)."""

    name: ClassVar[str] = "threads"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Threads files anywhere in the first few folders, checked by their JSON keys."""
        root = threads_root(view)
        if root is None:
            return None
        ctx = MetaContext(view, root, "", LoadReport(), PLATFORM)
        files = classify(view, root, RULES)
        handle = next((profile_handle(n, ctx) for n in files.get("threads_profile", [])), None)
        return Detection(layout=LAYOUT, root=root, account=f"@{handle}" if handle else None)

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield the profile, threads and replies, likes and connections."""
        ctx = MetaContext(view, detection.root, source_id, report, PLATFORM,
                          audience=Audience.PUBLIC)
        yield from threads_items(classify(view, detection.root, RULES), ctx)


def threads_root(view: ArchiveView) -> str | None:
    """The folder above ``your_instagram_activity/threads/`` (or wherever Threads files sit)."""
    best: str | None = None
    for name in view.names():
        rule = next((r for r in RULES[:-1] if r.matches(name)), None)
        if rule is None or name.count("/") > 5:
            continue
        folder = name[: name.rfind("/") + 1]
        match = _TAIL.search(folder)
        prefix = folder[: match.start()] if match is not None else folder
        if (best is None or len(prefix) < len(best)) and json_head_ok(view, name, _SIGNATURE):
            best = prefix
    return best


def threads_items(files: dict[str, list[str]], ctx: MetaContext) -> Iterator[Item]:
    """Every Threads item found in ``files`` (from ``classify`` with these RULES)."""
    for name in files.get("threads_profile", [])[:1]:
        item = profile_item(name, ctx)
        if item is not None:
            yield item
    for kind in _CONTENT:
        for name in files.get(kind, []):
            value = read_json(ctx.view, name, ctx.report)
            rows = records(value, rule_keys(RULES, kind), name, ctx.report)
            for index, entry in enumerate(rows):
                if isinstance(entry, Mapping) and entry:
                    item = _CONVERT[kind](entry, name, index, ctx)
                    if item is not None:
                        yield item
            ctx.flush_dates(name)


def post_item(entry: Mapping[str, Any], name: str, index: int, ctx: MetaContext) -> Item | None:
    """A thread (POST) or a reply (REPLY) with its text, time and attached media."""
    media = [as_dict(m) for m in as_list(entry.get("media")) if isinstance(m, Mapping)]
    first = media[0] if media else {}
    raw = next((t for t in [entry.get("title")] + [m.get("title") for m in media]
                if isinstance(t, str) and t.strip()), "")
    app = as_dict(first.get("text_app_post")) or as_dict(entry.get("text_app_post"))
    target = fixed(app.get("in_reply_to_username"))
    reply = bool(app.get("is_reply")) or bool(target)
    stamp = entry.get("creation_timestamp") or first.get("creation_timestamp")
    when, created_raw = ctx.when(stamp, name)
    text, text_raw = clean_pair(raw)
    refs = tuple(r for r in (ctx.media(m.get("uri")) for m in media) if r is not None)
    location = next((loc for loc in (exif_location(m) for m in media) if loc), None)
    kind = ItemKind.REPLY if reply else ItemKind.POST
    info = {"reply_control": fixed(app.get("reply_control")),
            "geo_gated": app.get("geo_gated_country_list") or None,
            "cross_posted_from": fixed(as_dict(first.get("cross_post_source")).get("source_app")),
            "media_location": location}
    return Item(
        source_id=ctx.source_id, id=ctx.new_id("threads", kind.value, stamp or index),
        platform=PLATFORM, kind=kind, text=text, text_raw=text_raw,
        provenance=Provenance(ctx.source_id, path=name, index=index), created_at=when,
        created_raw=created_raw, author=_owner(ctx), reply_to=f"@{target}" if target else None,
        audience=Audience.PUBLIC, media=refs, extra=facts(info),
    )


def _owner(ctx: MetaContext) -> str | None:
    return ctx.owner_label


def _relationship(direction: str) -> Callable[..., Item | None]:
    def convert(entry: Mapping[str, Any], name: str, index: int,
                ctx: MetaContext) -> Item | None:
        who, href, stamp = relationship_name(entry)
        if not who:
            ctx.report.warnings.append(f"{name} #{index}: skipped, the entry names nobody")
            return None
        when, created_raw = ctx.when(stamp, name)
        return Item(
            source_id=ctx.source_id, id=ctx.new_id("threads", direction, who),
            platform=PLATFORM, kind=ItemKind.CONNECTION, text=f"@{who}", author=f"@{who}",
            url=href or f"https://www.threads.net/@{who}",
            provenance=Provenance(ctx.source_id, name, index), created_at=when,
            created_raw=created_raw, audience=Audience.PUBLIC,
            extra=facts({"direction": direction}),
        )
    return convert


def like_item(entry: Mapping[str, Any], name: str, index: int, ctx: MetaContext) -> Item | None:
    """A liked thread: whose it was and its address (the export has no text for it)."""
    owner, href, stamp = fixed(entry.get("title")), None, None
    data = next((as_dict(d) for d in as_list(entry.get("string_list_data")) if d), {})
    href = data.get("href") if isinstance(data.get("href"), str) and data.get("href") else None
    stamp = data.get("timestamp")
    when, created_raw = ctx.when(stamp, name)
    return Item(
        source_id=ctx.source_id, id=ctx.new_id("threads-like", stamp or index),
        platform=PLATFORM, kind=ItemKind.REACTION, text=f"@{owner}" if owner else "",
        provenance=Provenance(ctx.source_id, name, index), created_at=when,
        created_raw=created_raw, author=_owner(ctx), url=href, audience=Audience.UNKNOWN,
        extra=facts({"reaction": fixed(data.get("value")) or "like", "owner": owner}),
    )


def profile_handle(name: str, ctx: MetaContext) -> str | None:
    """The username in a ``string_map_data`` profile file."""
    body = _profile_entry(name, ctx)
    return fixed(map_value(body, "Username")) if body else None


def _profile_entry(name: str, ctx: MetaContext) -> Mapping[str, Any]:
    value = read_json(ctx.view, name, ctx.report)
    rows = records(value, (*rule_keys(RULES, "threads_profile"), "profile_user"), name,
                   ctx.report)
    return next((as_dict(r) for r in rows if isinstance(r, Mapping)), {})


def profile_item(name: str, ctx: MetaContext, item_id: str = "threads-profile") -> Item | None:
    """Bio, name and username as one PROFILE item (Instagram and Threads share the shape)."""
    body = _profile_entry(name, ctx)
    if not body:
        return None
    handle = fixed(map_value(body, "Username"))
    display = fixed(map_value(body, "Name"))
    ctx.owner_names.update(n for n in (handle, display) if n)
    if handle:
        ctx.owner_label = f"@{handle}"
    lines = [fixed(map_value(body, "Bio")) or ""]
    info: dict[str, Any] = {"username": handle, "display_name": fixed(map_value(body, "Name")),
                            "website": fixed(map_value(body, "Website")),
                            "private_account": fixed(map_value(body, "Private Account"))}
    for label, key in (("Name", "display_name"), ("Username", "username"),
                       ("Website", "website")):
        if info[key]:
            lines.append(f"{label}: {info[key]}")
    site = "threads.net/@" if ctx.platform == PLATFORM else "instagram.com/"
    return Item(
        source_id=ctx.source_id, id=item_id, platform=ctx.platform, kind=ItemKind.PROFILE,
        text="\n".join(line for line in lines if line), provenance=Provenance(ctx.source_id, name),
        author=f"@{handle}" if handle else None,
        url=f"https://www.{site}{handle}" if handle else None, audience=Audience.PUBLIC,
        extra=facts(info),
    )


_CONVERT: dict[str, Callable[..., Item | None]] = {
    "threads_posts": post_item,
    "threads_likes": like_item,
    "threads_followers": _relationship("follower"),
    "threads_following": _relationship("following"),
}
