"""LinkedIn "Get a copy of your data" exports: a zip of CSV files (formats.md §5 and Addendum).

Layouts: ``linkedin-2025`` (the Complete export whose activity files carry the member's number,
``Shares_252701747.csv``, with a fully quoted ``messages.csv`` header) and ``linkedin-classic``
(plain ``Shares.csv``, ``Comments.csv``...; older files may start with a byte-order mark).
Files may sit under a folder (``Basic_LinkedInDataExport_MM-DD-YYYY/``).
"""

from __future__ import annotations

import logging
import re
import warnings as _warnings
from collections.abc import Callable, Iterator
from types import MappingProxyType
from typing import ClassVar

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import ArchiveLoader, Detection, LoadOptions, LoadReport
from accountaudit.sources.jswrap import READ_ERRORS, read_member
from accountaudit.sources.linkedin_csv import norm_header
from accountaudit.sources.linkedin_items import (
    PLATFORM,
    LinkedInContext,
    comment_items,
    connection_items,
    count_rows,
    follow_items,
    message_items,
    position_items,
    profile_items,
    reaction_items,
    repost_items,
    share_items,
)
from accountaudit.sources.text import decode, html_to_text

log = logging.getLogger(__name__)

LAYOUT_2025 = "linkedin-2025"
LAYOUT_CLASSIC = "linkedin-classic"

# File kind -> base name (lower case); ``_<digits>`` may follow (member id or part number).
_FILES = {"profile": "profile", "positions": "positions", "shares": "shares",
          "reposts": "instantreposts", "comments": "comments", "reactions": "reactions",
          "connections": "connections", "member_follows": "member_follows",
          "company_follows": "company follows", "messages": "messages"}
# What the header line of each marker file starts with, to tell LinkedIn's files from others.
_HEADERS = {"profile": ("first name", "last name"), "positions": ("company name", "title"),
            "shares": ("date", "sharelink"), "comments": ("date", "link", "message"),
            "connections": ("first name", "last name"), "reactions": ("date", "type", "link"),
            "messages": ("conversation id", "conversation title")}
_MEMBER_ID = re.compile(r"_\d{5,}\.csv\Z")
_PART = re.compile(r"_(\d+)\.csv\Z")
_MAX_DEPTH = 3
_PEEK = 4096


class LinkedInLoader(ArchiveLoader):
    """Every LinkedIn CSV export; messages are read only when the user asked for them."""

    name: ClassVar[str] = "linkedin"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """LinkedIn's file names in one folder, and at least one header that matches."""
        found = _locate(view)
        if found is None:
            return None
        root, files = found
        ctx = LinkedInContext(view, "", LoadReport())
        for name in files.get("profile", []):
            for _ in profile_items(name, ctx):
                break
        layout = LAYOUT_2025 if any(_MEMBER_ID.search(n) or _quoted_header(view, n)
                                    for names in files.values() for n in names) else \
            LAYOUT_CLASSIC
        return Detection(layout=layout, root=root, account=ctx.owner)

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Profile and positions, posts, reposts, comments, reactions, connections, DMs."""
        found = _locate(view)
        if found is None:
            report.warnings.append("the LinkedIn files could not be found again")
            return
        root, files = found
        ctx = LinkedInContext(view, source_id, report)
        steps: list[tuple[str, Callable[[str, LinkedInContext], Iterator[Item]]]] = [
            ("profile", profile_items), ("positions", position_items),
            ("shares", share_items), ("reposts", repost_items), ("comments", comment_items),
            ("reactions", reaction_items), ("connections", connection_items),
            ("member_follows", lambda n, c: follow_items(n, c, company=False)),
            ("company_follows", lambda n, c: follow_items(n, c, company=True))]
        for kind, convert in steps:
            for name in files.get(kind, []):
                yield from convert(name, ctx)
        yield from _articles(view, root, ctx)
        for name in files.get("messages", []):
            if options.include_messages:
                yield from message_items(name, ctx)
            else:
                report.messages_skipped += count_rows(name, ctx)


def _kind_of(base: str) -> str | None:
    """Which LinkedIn file a base name is (``shares_252701747.csv`` -> ``shares``)."""
    stem = _PART.sub(".csv", base)
    for kind, wanted in _FILES.items():
        if stem == wanted + ".csv":
            return kind
    return None


def _locate(view: ArchiveView) -> tuple[str, dict[str, list[str]]] | None:
    """The shallowest folder holding LinkedIn's files, and those files by kind."""
    folders: dict[str, dict[str, list[str]]] = {}
    for name in view.names():
        folder, _, base = name.rpartition("/")
        kind = _kind_of(base.casefold())
        if kind is None or name.count("/") > _MAX_DEPTH:
            continue
        root = folder + "/" if folder else ""
        folders.setdefault(root, {}).setdefault(kind, []).append(name)
    for root in sorted(folders, key=lambda r: (r.count("/"), r)):
        files = folders[root]
        if any(_signed(view, n, kind) for kind, names in files.items() if kind in _HEADERS
               for n in names[:1]):
            return root, {k: sorted(v, key=_part_order) for k, v in files.items()}
    return None


def _part_order(name: str) -> tuple[int, str]:
    match = _PART.search(name.casefold())
    return (int(match.group(1)) if match else -1, name)


def _head(view: ArchiveView, name: str) -> str:
    try:
        with view.open(name) as fh:
            data = fh.read(_PEEK)
    except READ_ERRORS as exc:
        log.debug("cannot read %s while detecting: %s", name, exc)
        return ""
    return data.decode("utf-8", errors="replace")


def _signed(view: ArchiveView, name: str, kind: str) -> bool:
    """True if one of the first lines of ``name`` is the header LinkedIn writes for ``kind``."""
    wanted = _HEADERS[kind]
    for line in _head(view, name).splitlines()[:12]:
        cells = [norm_header(c) for c in line.split(",")]
        if cells[:len(wanted)] == list(wanted):
            return True
    return False


def _quoted_header(view: ArchiveView, name: str) -> bool:
    """The 2025 messages.csv quotes every header cell."""
    return name.casefold().endswith("messages.csv") and \
        _head(view, name).lstrip("\ufeff").startswith('"CONVERSATION ID"')


def _articles(view: ArchiveView, root: str, ctx: LinkedInContext) -> Iterator[Item]:
    """Long-form articles (``Articles/Articles/<slug>.html``): title, link and body, undated."""
    for name in view.glob(root + "Articles/Articles/*.html"):
        data = read_member(view, name, ctx.report)
        if data is None:
            continue
        markup = decode(data, ctx.report.warnings, name)
        title, url, body = _article_parts(markup)
        slug = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        text = "\n".join(p for p in (title, body) if p)
        yield Item(source_id=ctx.source_id, id=ctx.unique(f"article-{slug}"), platform=PLATFORM,
                   kind=ItemKind.POST, text=text, provenance=Provenance(ctx.source_id, name),
                   author=ctx.owner, url=url, audience=Audience.PUBLIC,
                   extra=MappingProxyType({"article": True, "title": title} if title
                                          else {"article": True}))


def _article_parts(markup: str) -> tuple[str, str | None, str]:
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(markup, "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    heading = soup.find("h1")
    link = heading.find("a", href=True) if heading else None
    url = str(link["href"]) if link is not None else None
    for tag in soup.find_all(["title", "style", "script", "h1"]):
        tag.decompose()
    body = soup.body if soup.body is not None else soup
    return title, url, html_to_text(str(body))

