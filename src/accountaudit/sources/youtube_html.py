"""Older Takeouts' comment pages: ``my-comments/my-comments.html`` and the live-chat page.

Each comment is an ``<li>``: a line naming the video and the time (``2020-05-06 19:32:44 UTC``,
or ``2016-06-15T08:50:49Z`` before 2019), a ``<br>``, then the comment (formats.md §8.4;
structure as parsed by google_takeout_parser @aebb2dc ``parse_html/comment.py``).
"""

from __future__ import annotations

import re
import warnings as _warnings
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.jswrap import read_member
from accountaudit.sources.text import decode
from accountaudit.sources.youtube_items import PLATFORM, YouTubeContext, html_time

_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:\s*|T)(\d{2}):(\d{2}):(\d{2})")


def html_comment_items(name: str, ctx: YouTubeContext) -> Iterator[Item]:
    """One COMMENT per ``<li>`` of an old Takeout comment or live-chat page."""
    data = read_member(ctx.view, name, ctx.report)
    if data is None:
        return
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(decode(data, ctx.report.warnings, name), "html.parser")
    live = "chat" in name.rsplit("/", 1)[-1].casefold()
    for index, li in enumerate(soup.find_all("li")):
        item = _item(li, index, name, ctx, live)
        if item is not None:
            yield item


def _split(li: Any) -> tuple[str, str]:
    """The text before the first ``<br>`` (video and time) and after it (the comment)."""
    head: list[str] = []
    body: list[str] = []
    target = head
    for node in li.children:
        if getattr(node, "name", None) == "br":
            if target is head:
                target = body
                continue
            target.append("\n")
            continue
        target.append(node.get_text() if hasattr(node, "get_text") else str(node))
    return " ".join("".join(head).split()), "".join(body).strip()


def _item(li: Any, index: int, name: str, ctx: YouTubeContext, live: bool) -> Item | None:
    where = f"{name} #{index}"
    head, body = _split(li)
    if not body:
        ctx.report.warnings.append(f"{where}: skipped, the entry has no comment text")
        return None
    anchors = li.find_all("a", href=True)
    links = [str(a["href"]) for a in anchors]
    titles = [a.get_text(" ", strip=True) for a in anchors
              if "watch?v=" in str(a["href"]) and "lc=" not in str(a["href"])]
    watch = next((u for u in links if "watch?v=" in u), None)
    query = _query(watch)
    video = query.get("v", [""])[0]
    comment = query.get("lc", [""])[0]
    match = _TIME.search(head)
    if match is None:
        ctx.report.warnings.append(f"{where}: no date was found in '{head[:80]}'")
    prefix = "livechat" if live else "comment"
    facts = {"video_id": video, "video_title": titles[-1] if titles and not live else None,
             "live_chat": live or None, "links": links or None}
    return Item(
        source_id=ctx.source_id,
        id=ctx.unique(f"{prefix}-{comment}" if comment else f"{prefix}-html-{index}", where),
        platform=PLATFORM, kind=ItemKind.COMMENT, text=body,
        provenance=Provenance(ctx.source_id, path=name, index=index),
        created_at=html_time(match) if match else None,
        created_raw=match.group(0) if match else None, author=ctx.author,
        url=watch.replace("http://", "https://", 1) if watch else None,
        audience=Audience.PUBLIC,
        extra=MappingProxyType({k: v for k, v in facts.items() if v}))


def _query(url: str | None) -> dict[str, list[str]]:
    """A link's query, or nothing for a malformed link (e.g. ``http://[www.youtube.com/...``)."""
    if not url:
        return {}
    try:
        return parse_qs(urlsplit(url).query)
    except ValueError:
        return {}
