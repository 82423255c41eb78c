"""WXR records to Items: posts and pages, their comments, attachments as media (formats.md §8.1).

Drafts, pending, private, scheduled and trashed entries are kept and marked, because what an
officer wrote matters even unpublished; only spam comments (written by bots, never shown) and
WordPress's own housekeeping entries (menus, revisions, templates) are left out, with a count.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.base import LoadReport
from accountaudit.sources.text import html_to_text as html_text
from accountaudit.sources.times import parse_naive
from accountaudit.sources.wxr_parse import Channel, Record

PLATFORM = "blog"
MIN_YEAR = 1990
_ZERO_DATE = "0000-00-00 00:00:00"
_HOUSEKEEPING = frozenset({
    "nav_menu_item", "revision", "custom_css", "customize_changeset", "oembed_cache",
    "user_request", "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation",
    "wp_font_family", "wp_font_face", "jp_pay_order", "jp_pay_product", "safecss",
})
_UNPUBLISHED = {"draft": Audience.PRIVATE, "auto-draft": Audience.PRIVATE,
                "pending": Audience.PRIVATE, "private": Audience.PRIVATE,
                "future": Audience.PRIVATE, "trash": Audience.UNKNOWN}
_COMMENT_STATUS = {"1": ("", Audience.PUBLIC), "approve": ("", Audience.PUBLIC),
                   "0": ("pending", Audience.PRIVATE), "hold": ("pending", Audience.PRIVATE),
                   "trash": ("trash", Audience.UNKNOWN),
                   "post-trashed": ("trash", Audience.UNKNOWN)}
_VIDEO = (".mp4", ".m4v", ".mov", ".webm", ".avi", ".wmv", ".mkv", ".3gp", ".ogv")
_AUDIO = (".mp3", ".m4a", ".wav", ".ogg", ".oga", ".flac", ".aac")
_IMAGE = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".svg")
_IMG_SRC = re.compile(r"""<img\b[^<>]{0,2000}?\bsrc\s{0,20}=\s{0,20}["']([^"'<>]{1,2000})["']""",
                      re.I)


@dataclass(slots=True)
class BlogContext:
    """What converting one source shares: ids seen, shipped media, and what was left out."""

    source_id: str
    report: LoadReport
    media_files: dict[str, str] = field(default_factory=dict)  # "2012/05/a.jpg" -> member
    seen: dict[str, str] = field(default_factory=dict)  # item id -> its text
    sites: dict[str, str] = field(default_factory=dict)  # blog address -> id prefix

    def unique_id(self, item_id: str, text: str, where: str) -> str | None:
        """``item_id``, or None for an exact repeat, or ``id#2`` when the text differs."""
        if item_id not in self.seen:
            self.seen[item_id] = text
            return item_id
        if self.seen[item_id] == text:
            self.report.warnings.append(f"{where}: entry {item_id} appears twice; the second "
                                        "copy was skipped")
            return None
        number = 2
        while f"{item_id}#{number}" in self.seen:
            number += 1
        new_id = f"{item_id}#{number}"
        self.seen[new_id] = text
        self.report.warnings.append(f"{where}: entry {item_id} appears again with different "
                                    f"text; both were kept, the second as {new_id}")
        return new_id


@dataclass(slots=True)
class _File:
    """One WXR file being converted."""

    ctx: BlogContext
    path: str
    channel: Channel
    prefix: str = ""
    media: dict[str, list[MediaRef]] = field(default_factory=dict)  # post id -> attachments
    by_id: dict[str, MediaRef] = field(default_factory=dict)  # attachment id -> ref
    post_ids: set[str] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)


def channel_items(channel: Channel, path: str, ctx: BlogContext) -> Iterator[Item]:
    """Every item of one parsed WXR file, posts first, each followed by its comments."""
    blog = _File(ctx, path, channel, prefix=_site_prefix(channel, ctx))
    _index_attachments(blog)
    for record in channel.items:
        yield from _record_items(record, blog)
    if blog.skipped:
        listed = ", ".join(f"{n:,} {what}" for what, n in sorted(blog.skipped.items()))
        ctx.report.warnings.append(f"{path}: not loaded, as they are not the blog's writing "
                                   f"or never shown: {listed}")


def _site_prefix(channel: Channel, ctx: BlogContext) -> str:
    """Ids stay WordPress's own for the first blog; a second blog's ids get its address."""
    site = (channel.fields.get("link") or channel.fields.get("wp:base_blog_url") or "").strip()
    if site not in ctx.sites:
        host = re.sub(r"\A\w+://", "", site).strip("/") or f"blog{len(ctx.sites) + 1}"
        ctx.sites[site] = f"{host}:" if ctx.sites else ""
    return ctx.sites[site]


def _index_attachments(blog: _File) -> None:
    for record in blog.channel.items:
        blog.post_ids.add(_field(record, "wp:post_id"))
        if _field(record, "wp:post_type") != "attachment":
            continue
        url = _field(record, "wp:attachment_url") or _field(record, "guid")
        if not url:
            continue
        ref = MediaRef(path=_shipped(url, blog.ctx), url=url, kind=media_kind(url))
        blog.by_id[_field(record, "wp:post_id")] = ref
        parent = _field(record, "wp:post_parent")
        if parent and parent != "0":
            blog.media.setdefault(parent, []).append(ref)


def _record_items(record: Record, blog: _File) -> Iterator[Item]:
    post_type = _field(record, "wp:post_type") or "post"
    where = f"{blog.path} item {record.index + 1}"
    if post_type in _HOUSEKEEPING:
        blog.skipped[post_type.replace("_", " ") + " entries"] += 1
        return
    post_id = _field(record, "wp:post_id")
    if post_type == "attachment":
        parent = _field(record, "wp:post_parent")
        if parent and parent != "0" and parent in blog.post_ids:  # shown on its post
            yield from _comments(record, blog, None)
            return
    item = _post_item(record, blog, post_type, post_id, where)
    unique = blog.ctx.unique_id(item.id, item.text, where)
    if unique is None:
        return
    if unique != item.id:
        item = replace(item, id=unique)
    yield item
    yield from _comments(record, blog, item)


def _post_item(record: Record, blog: _File, post_type: str, post_id: str,
               where: str) -> Item:
    ctx = blog.ctx
    status = _field(record, "wp:status") or "publish"
    title = html_text(_field(record, "title"))
    raw = _field(record, "content:encoded")
    body = html_text(raw) if raw else ""
    kind, audience = _kind_and_audience(post_type, status, record)
    if post_type == "attachment":
        kind = ItemKind.MEDIA
        body = "\n".join(p for p in (html_text(_field(record, "excerpt:encoded")), body) if p)
    text = "\n\n".join(p for p in (title, body) if p)
    created_at, created_raw, local = _post_time(record, ctx, where)
    facts = _post_facts(record, post_type, status, title, local)
    item_id = f"{blog.prefix}{post_id}" if post_id else f"{blog.prefix}entry-{record.index}"
    return Item(
        source_id=ctx.source_id, id=item_id, platform=PLATFORM, kind=kind, text=text,
        text_raw=raw if raw and raw != body else None,
        provenance=Provenance(ctx.source_id, path=blog.path, index=record.index,
                              line=record.line or None),
        created_at=created_at, created_raw=created_raw,
        author=_field(record, "dc:creator") or None,
        url=_field(record, "link") or _field(record, "wp:attachment_url") or None,
        audience=audience, media=_media(record, blog, post_id, raw),
        extra=MappingProxyType(facts),
    )


def _kind_and_audience(post_type: str, status: str, record: Record) -> tuple[ItemKind, Audience]:
    if post_type == "feedback":  # Jetpack contact-form messages sent to the blog's owner
        return ItemKind.MESSAGE, Audience.PRIVATE
    audience = _UNPUBLISHED.get(status, Audience.PUBLIC)
    if audience is Audience.PUBLIC and _field(record, "wp:post_password"):
        audience = Audience.FRIENDS  # published, but only to people given the password
    return ItemKind.POST, audience


def _post_facts(record: Record, post_type: str, status: str, title: str,
                local: bool) -> dict[str, Any]:
    facts: dict[str, Any] = {"title": title or None,
                             "post_type": post_type if post_type != "post" else None,
                             "status": status if status not in ("publish", "inherit") else None,
                             "draft": True if status in ("draft", "auto-draft") else None,
                             "password_protected": True if _field(record, "wp:post_password")
                             else None,
                             "sticky": True if _field(record, "wp:is_sticky") == "1" else None,
                             "slug": _field(record, "wp:post_name") or None,
                             "date_is_local_time": True if local else None}
    categories = _unique(name for domain, name in record.categories
                         if domain == "category" and name)
    tags = _unique(name for domain, name in record.categories  # "tag" in WXR 1.0
                   if domain in ("post_tag", "tag") and name)
    facts["categories"] = categories or None
    facts["tags"] = tags or None
    excerpt = html_text(_field(record, "excerpt:encoded"))
    if excerpt and post_type != "attachment":
        facts["excerpt"] = excerpt
    return {k: v for k, v in facts.items() if v is not None}


def _media(record: Record, blog: _File, post_id: str, raw: str) -> tuple[MediaRef, ...]:
    refs: list[MediaRef] = list(blog.media.get(post_id, ())) if post_id else []
    thumb = blog.by_id.get(record.meta.get("_thumbnail_id", ""))
    if thumb is not None:
        refs.append(thumb)
    if _field(record, "wp:post_type") == "attachment":
        own = blog.by_id.get(post_id)
        refs.extend([own] if own is not None else [])
    for src in _IMG_SRC.findall(raw or ""):
        refs.append(MediaRef(path=_shipped(src, blog.ctx), url=src, kind=media_kind(src)))
    unique: dict[str, MediaRef] = {}
    for ref in refs:
        unique.setdefault((ref.url or ref.path or "").split("?", 1)[0], ref)
    return tuple(unique.values())


@dataclass(frozen=True, slots=True)
class _Thread:
    """What every comment on one entry shares."""

    post_id: str
    title: str | None
    link: str
    authors: Mapping[str, str]  # comment id -> its author, to name whom a reply answers
    owner_ids: frozenset[str]
    private: bool


def _comments(record: Record, blog: _File, post: Item | None) -> Iterator[Item]:
    post_id = _field(record, "wp:post_id")
    thread = _Thread(
        post_id=post_id,
        title=html_text(_field(record, "title")) or (f"entry {post_id}" if post_id else None),
        link=_field(record, "link"),
        authors={c.get("wp:comment_id", ""): c.get("wp:comment_author", "").strip()
                 for _, c in record.comments},
        owner_ids=frozenset(a.get("wp:author_id", "") for a in blog.channel.authors) - {"", "0"},
        private=post is not None and post.audience is Audience.PRIVATE)
    for position, (line, comment) in enumerate(record.comments):
        if comment.get("wp:comment_approved", "1").strip() == "spam":
            blog.skipped["spam comments"] += 1
            continue
        item = _comment_item(comment, thread, blog, record, line, position)
        if item is not None:
            yield item


def _comment_item(comment: Mapping[str, str], thread: _Thread, blog: _File, record: Record,
                  line: int, position: int) -> Item | None:
    ctx, where = blog.ctx, f"{blog.path} line {line}"
    approved = comment.get("wp:comment_approved", "1").strip()
    status, audience = _COMMENT_STATUS.get(approved, (approved, Audience.UNKNOWN))
    audience = Audience.PRIVATE if thread.private else audience
    comment_id = comment.get("wp:comment_id", "").strip()
    raw = comment.get("wp:comment_content", "")
    text = html_text(raw)
    item_id = ctx.unique_id(f"{blog.prefix}comment-{comment_id}" if comment_id else
                            f"{blog.prefix}comment-{thread.post_id or record.index}-{position}",
                            text, where)
    if item_id is None:
        return None
    parent = comment.get("wp:comment_parent", "0").strip()
    parent = parent if parent not in ("", "0") else ""
    created_at, created_raw, local = _comment_time(comment, ctx, where)
    facts = {"post_id": thread.post_id or None, "post_title": thread.title,
             "status": status or None, "comment_type": comment.get("wp:comment_type") or None,
             "parent_comment_id": parent or None,
             "author_url": comment.get("wp:comment_author_url") or None,
             "by_blog_author": True if comment.get("wp:comment_user_id") in thread.owner_ids
             else None,
             "date_is_local_time": True if local else None}
    return Item(
        source_id=ctx.source_id, id=item_id, platform=PLATFORM, kind=ItemKind.COMMENT,
        text=text, text_raw=raw if raw != text else None,
        provenance=Provenance(ctx.source_id, path=blog.path, index=record.index,
                              line=line or None),
        created_at=created_at, created_raw=created_raw,
        author=comment.get("wp:comment_author", "").strip() or None,
        url=f"{thread.link}#comment-{comment_id}" if thread.link and comment_id else None,
        reply_to=thread.authors.get(parent) or thread.title, audience=audience,
        extra=MappingProxyType({k: v for k, v in facts.items() if v is not None}),
    )


def _post_time(record: Record, ctx: BlogContext,
               where: str) -> tuple[datetime | None, str | None, bool]:
    """``wp:post_date_gmt``, else ``pubDate``, else the blog's local ``wp:post_date``."""
    gmt, pub, local = (_field(record, k) for k in ("wp:post_date_gmt", "pubDate", "wp:post_date"))
    return _first_time(((gmt, _naive, False), (pub, _rfc822, False), (local, _naive, True)),
                       ctx, where)


def _comment_time(comment: Mapping[str, str], ctx: BlogContext,
                  where: str) -> tuple[datetime | None, str | None, bool]:
    gmt = comment.get("wp:comment_date_gmt", "").strip()
    local = comment.get("wp:comment_date", "").strip()
    return _first_time(((gmt, _naive, False), (local, _naive, True)), ctx, where)


def _first_time(candidates: tuple[tuple[str, Any, bool], ...], ctx: BlogContext,
                where: str) -> tuple[datetime | None, str | None, bool]:
    """The first readable date; ``True`` last when only the blog's local time was given."""
    unreadable: str | None = None
    for raw, parse, is_local in candidates:
        if not raw or raw == _ZERO_DATE or raw.startswith(("Mon, 30 Nov -0001", "-0001")):
            continue  # how WordPress writes "no date yet" for a draft
        when = parse(raw)
        if when is not None and when.year >= MIN_YEAR:
            return when, raw, is_local
        unreadable = unreadable or raw
    if unreadable:
        ctx.report.warnings.append(f"{where}: the date '{unreadable}' could not be read")
    return None, unreadable, False


def _naive(raw: str) -> datetime | None:
    return parse_naive(raw, "%Y-%m-%d %H:%M:%S")


def _rfc822(raw: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def media_kind(url: str) -> str:
    """``image``, ``video``, ``audio`` or ``file``, from the address's extension."""
    lower = url.lower().split("?", 1)[0].split("#", 1)[0]
    if lower.endswith(_VIDEO):
        return "video"
    if lower.endswith(_AUDIO):
        return "audio"
    if lower.endswith(_IMAGE) or "." not in lower.rsplit("/", 1)[-1]:
        return "image"
    return "file"


def media_key(path: str) -> str:
    """The last three parts of a path (``2012/05/photo.jpg``), matching URLs to shipped files."""
    parts = path.split("?", 1)[0].split("#", 1)[0].rstrip("/").split("/")
    return "/".join(parts[-3:]).lower()


def _shipped(url: str, ctx: BlogContext) -> str | None:
    return ctx.media_files.get(media_key(url)) if ctx.media_files else None


def _unique(names: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in names))


def _field(record: Record, name: str) -> str:
    return record.fields.get(name, "").strip()
