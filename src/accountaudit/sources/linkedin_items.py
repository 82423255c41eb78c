"""LinkedIn CSV rows to Items: profile, positions, posts, comments, reactions, connections, DMs.

Positions are kept as PROFILE items with their company, title and dates, because a second job
is a business interest a reviewer must see (Police Regulations 2003, regs 7-9).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import LoadReport
from accountaudit.sources.linkedin_csv import Row, clean_share_text, parse_date, read_rows
from accountaudit.sources.text import html_to_text, unescape_html

PLATFORM = "linkedin"
_LONG_ID = re.compile(r"(\d{12,25})")
_SLUG = re.compile(r"/in/([^/?#]+)")
_NOT_WORD = re.compile(r"[^\w]+")
_VISIBILITY = {"public": Audience.PUBLIC, "anyone": Audience.PUBLIC,
               "member_network": Audience.FRIENDS, "connections": Audience.FRIENDS,
               "connections_only": Audience.FRIENDS, "logged_in": Audience.PUBLIC}


@dataclass(slots=True)
class LinkedInContext:
    """What every converter of one export shares."""

    view: ArchiveView
    source_id: str
    report: LoadReport
    owner: str | None = None
    seen: set[str] = field(default_factory=set)

    def unique(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``... so ids stay unique and stable across runs."""
        candidate, n = base, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{base}-{n}"
        self.seen.add(candidate)
        return candidate

    def when(self, raw: str, name: str, row: Row) -> datetime | None:
        """A LinkedIn date as UTC; an unreadable one is warned and left blank."""
        if not raw:
            return None
        parsed = parse_date(raw)
        if parsed is None:
            self.report.warnings.append(f"{name} line {row.line}: the date '{raw}' "
                                        "could not be read")
        return parsed


def _item(ctx: LinkedInContext, name: str, row: Row, *, raw: str = "", text: str | None = None,
          created_raw: str = "", extra: dict[str, Any] | None = None, **fields: Any) -> Item:
    """An Item with the shared fields filled in; empty facts are dropped."""
    text = unescape_html(raw) if text is None else text
    return Item(source_id=ctx.source_id, platform=PLATFORM, text=text,
                text_raw=raw if raw != text else None,
                provenance=Provenance(ctx.source_id, path=name, line=row.line),
                created_at=ctx.when(created_raw, name, row), created_raw=created_raw or None,
                extra=MappingProxyType({k: v for k, v in (extra or {}).items()
                                        if v not in (None, "")}), **fields)


def _key(link: str, row: Row) -> str:
    """A post's own number from its URN (``urn:li:share:7191...``), else the row's line."""
    match = _LONG_ID.search(link)
    return match.group(1) if match else f"line{row.line}"


def profile_items(name: str, ctx: LinkedInContext) -> Iterator[Item]:
    """Profile.csv: headline, summary, industry, location and websites as one PROFILE item."""
    for row in read_rows(ctx.view, name, ctx.report, {"first name", "headline"}):
        full = " ".join(p for p in (row.get("first name"), row.get("last name")) if p)
        ctx.owner = ctx.owner or full or None
        facts = {"name": full, "headline": row.get("headline"),
                 "industry": row.get("industry"), "location": row.get("geo location"),
                 "websites": row.get("websites"), "twitter": row.get("twitter handles")}
        lines = [row.get("headline"), row.get("summary")]
        lines += [f"{label}: {facts[key]}" for label, key in
                  (("Industry", "industry"), ("Location", "location"), ("Websites", "websites"),
                   ("Twitter", "twitter")) if facts[key]]
        yield _item(ctx, name, row, id=ctx.unique("profile"), kind=ItemKind.PROFILE,
                    text="\n".join(line for line in lines if line), author=ctx.owner,
                    audience=Audience.PUBLIC, extra=facts)


def position_items(name: str, ctx: LinkedInContext) -> Iterator[Item]:
    """Positions.csv: one PROFILE item per job, keeping company, title and dates."""
    for row in read_rows(ctx.view, name, ctx.report, {"company name", "title"}):
        company, title = row.get("company name"), row.get("title")
        started, finished = row.get("started on"), row.get("finished on")
        heading = " at ".join(p for p in (title, company) if p)
        lines = [heading, row.get("location"), row.get("description")]
        yield _item(ctx, name, row, id=ctx.unique(f"position-{row.line}"),
                    kind=ItemKind.PROFILE, text="\n".join(p for p in lines if p),
                    created_raw=started, author=ctx.owner, audience=Audience.PUBLIC,
                    extra={"position": True, "company": company, "title": title,
                           "started": started, "finished": finished,
                           "current": not finished, "location": row.get("location")})


def share_items(name: str, ctx: LinkedInContext) -> Iterator[Item]:
    """Shares.csv: own posts, with the per-line quoting of multi-line posts undone."""
    for row in read_rows(ctx.view, name, ctx.report, {"sharelink", "sharecommentary"}):
        raw = row.cells.get("sharecommentary", "")
        link, shared = row.get("sharelink"), row.get("sharedurl")
        media = row.get("mediaurl")
        visibility = row.get("visibility")
        kind = ItemKind.SHARE if not raw.strip() and shared else ItemKind.POST
        yield _item(ctx, name, row, id=ctx.unique(f"post-{_key(link, row)}"), kind=kind,
                    raw=raw, text=unescape_html(clean_share_text(raw)),
                    created_raw=row.get("date"), author=ctx.owner, url=link or None,
                    audience=_VISIBILITY.get(visibility.casefold(), Audience.UNKNOWN),
                    media=(MediaRef(url=media),) if media.startswith("http") else (),
                    extra={"shared_url": shared, "visibility": visibility})


def repost_items(name: str, ctx: LinkedInContext) -> Iterator[Item]:
    """InstantReposts.csv: other people's posts reposted without a comment (SHARE)."""
    for row in read_rows(ctx.view, name, ctx.report, {"link"}):
        link = row.get("link")
        yield _item(ctx, name, row, id=ctx.unique(f"repost-{_key(link, row)}"),
                    kind=ItemKind.SHARE, created_raw=row.get("date"), author=ctx.owner,
                    url=link or None, audience=Audience.UNKNOWN)


def comment_items(name: str, ctx: LinkedInContext) -> Iterator[Item]:
    """Comments.csv: comments on posts (backslash-escaped quotes are read correctly)."""
    for row in read_rows(ctx.view, name, ctx.report, {"message"}):
        link = row.get("link")
        yield _item(ctx, name, row, id=ctx.unique(f"comment-{_key(link, row)}"),
                    kind=ItemKind.COMMENT, raw=row.cells.get("message", "").strip(),
                    created_raw=row.get("date"), author=ctx.owner, url=link or None,
                    audience=Audience.PUBLIC)


def reaction_items(name: str, ctx: LinkedInContext) -> Iterator[Item]:
    """Reactions.csv: likes, celebrations and so on (REACTION = endorsement)."""
    for row in read_rows(ctx.view, name, ctx.report, {"type", "link"}):
        link = row.get("link")
        yield _item(ctx, name, row, id=ctx.unique(f"reaction-{_key(link, row)}"),
                    kind=ItemKind.REACTION, created_raw=row.get("date"), url=link or None,
                    audience=Audience.PUBLIC, extra={"reaction": row.get("type")})


def connection_items(name: str, ctx: LinkedInContext) -> Iterator[Item]:
    """Connections.csv (after its ``Notes:`` preamble): name, company, position, date."""
    for row in read_rows(ctx.view, name, ctx.report, {"first name", "connected on"}):
        full = " ".join(p for p in (row.get("first name"), row.get("last name")) if p)
        url = row.get("url", "profile url")
        if not full and not url:
            ctx.report.warnings.append(f"{name} line {row.line}: skipped, no name or address")
            continue
        slug = _SLUG.search(url)
        key = slug.group(1).casefold() if slug else f"line{row.line}"
        yield _item(ctx, name, row, id=ctx.unique(f"connection-{key}"),
                    kind=ItemKind.CONNECTION, text=full, created_raw=row.get("connected on"),
                    author=full or None, url=url or None, audience=Audience.UNKNOWN,
                    extra={"direction": "connection", "company": row.get("company"),
                           "position": row.get("position")})


def follow_items(name: str, ctx: LinkedInContext, company: bool) -> Iterator[Item]:
    """Member_Follows.csv and Company Follows.csv: people and organisations followed."""
    wanted = {"organization"} if company else {"fullname"}
    for row in read_rows(ctx.view, name, ctx.report, wanted):
        who = row.get("organization", "fullname")
        if not who:
            continue
        prefix = "follows-company" if company else "follows"
        slug = _NOT_WORD.sub("-", who.casefold()).strip("-") or f"line{row.line}"
        yield _item(ctx, name, row, id=ctx.unique(f"{prefix}-{slug}"),
                    kind=ItemKind.CONNECTION, text=who,
                    created_raw=row.get("followed on", "date"), author=who,
                    audience=Audience.UNKNOWN,
                    extra={"direction": "following", "organisation": company or None,
                           "status": row.get("status")})


def message_items(name: str, ctx: LinkedInContext) -> Iterator[Item]:
    """messages.csv (PRIVATE): CONTENT may be HTML; SUBJECT goes first when there is one."""
    for row in read_rows(ctx.view, name, ctx.report, {"conversation id", "content"}):
        raw = row.cells.get("content", "")
        subject = row.get("subject")
        body = html_to_text(raw) if "<" in raw else unescape_html(raw).strip()
        text = f"{subject}\n{body}" if subject else body
        conversation = row.get("conversation id")
        yield _item(ctx, name, row, id=ctx.unique(f"message-{conversation or 'x'}-{row.line}"),
                    kind=ItemKind.MESSAGE, raw=raw, text=text, created_raw=row.get("date"),
                    author=row.get("from") or None, reply_to=row.get("to") or None,
                    audience=Audience.PRIVATE,
                    extra={"conversation_id": conversation,
                           "conversation_title": row.get("conversation title"),
                           "folder": row.get("folder"),
                           "sender_url": row.get("sender profile url"),
                           "recipient_urls": row.get("recipient profile urls"),
                           "draft": True if row.get("is message draft").casefold() in (
                               "yes", "true") else None})


def count_rows(name: str, ctx: LinkedInContext) -> int:
    """How many messages a file holds, without building them."""
    return sum(1 for _ in read_rows(ctx.view, name, LoadReport(),
                                    {"conversation id", "content"}))
