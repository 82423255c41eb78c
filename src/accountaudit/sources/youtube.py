"""YouTube from Google Takeout (formats.md §8.4), in any language Takeout writes it.

Layouts: ``youtube-takeout-csv`` (2023 on: ``comments/comments.csv``, ``channels/channel.csv``,
``video metadata/videos.csv``, localised, e.g. ``comentarios/comentarios.csv``),
``youtube-takeout-html`` (older: ``my-comments/my-comments.html``) and
``youtube-takeout-history`` (only watch/search history, which is not loaded). The YouTube
folder may sit under ``Takeout/`` or be the top of the zip.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from accountaudit.model import Item
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import ArchiveLoader, Detection, LoadOptions, LoadReport
from accountaudit.sources.jswrap import read_member
from accountaudit.sources.linkedin_csv import Row, read_rows
from accountaudit.sources.youtube_html import html_comment_items
from accountaudit.sources.youtube_items import (
    PLATFORM,
    YouTubeContext,
    channel_item,
    comment_item,
    index_video_files,
    subscription_item,
    video_item,
)
from accountaudit.sources.youtube_tables import (
    SEGMENT_MARKERS,
    Table,
    cell,
    classify,
    header_of,
    peek,
)

LAYOUT_CSV = "youtube-takeout-csv"
LAYOUT_HTML = "youtube-takeout-html"
LAYOUT_HISTORY = "youtube-takeout-history"

_MARKERS = frozenset(unicodedata.normalize("NFC", n) for n in (
    "comments.csv", "comentarios.csv", "comentarii.csv", "komentarai.csv", "reacties.csv",
    "channel.csv", "canal.csv", "kanaal.csv", "kanalas.csv", "videos.csv", "vídeos.csv",
    "videoclipuri.csv", "vaizdo įrašai.csv", "subscriptions.csv", "suscripciones.csv",
    "abonamente.csv", "abonnementen.csv", "prenumeratos.csv", "live chats.csv",
    "live-chats.csv", "mensajes del chat en directo.csv", "my-comments.html",
    "my-live-chat-messages.html", "watch-history.json", "watch-history.html",
    "search-history.json", "search-history.html", "historial-de-reproducciones.json",
    "historial-de-búsqueda.json"))
_COMMENT_PAGES = ("comment", "coment", "komment", "reactie", "chat")
_MAX_DEPTH = 6


@dataclass(slots=True)
class TakeoutFiles:
    """The YouTube folder and the files in it that hold something to load."""

    root: str
    tables: dict[Table, list[tuple[str, list[str]]]] = field(default_factory=dict)
    guessed: list[tuple[str, list[str]]] = field(default_factory=list)  # unknown language
    pages: list[str] = field(default_factory=list)  # old HTML comment pages
    unreadable: list[str] = field(default_factory=list)  # CSV files too damaged to recognise

    @property
    def layout(self) -> str:
        if self.tables or self.guessed:
            return LAYOUT_CSV
        return LAYOUT_HTML if self.pages else LAYOUT_HISTORY


class YouTubeLoader(ArchiveLoader):
    """Comments, live chat, uploaded videos, the channel and subscriptions from a Takeout."""

    name: ClassVar[str] = "youtube"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Takeout's YouTube file names (in any of its languages) and a header that fits."""
        files = _locate(view)
        if files is None:
            return None
        ctx = YouTubeContext(view, "", LoadReport())
        return Detection(layout=files.layout, root=files.root, account=_owner(files, ctx))

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Channel, videos, comments and live chat, old comment pages, subscriptions."""
        files = _locate(view)
        if files is None:
            report.warnings.append("the YouTube files could not be found again")
            return
        ctx = YouTubeContext(view, source_id, report)
        for name in files.unreadable:
            read_member(view, name, report)  # says why the file could not be read
        handle = _owner(files, ctx)
        ctx.author = handle
        index_video_files(ctx, files.root)
        for name, _header, row in _rows(files, Table.CHANNEL, ctx):
            yield channel_item(row, name, ctx, handle if handle and handle[0] == "@" else None)
        for name, _header, row in _rows(files, Table.VIDEOS, ctx):
            item = video_item(row, name, ctx)
            if item is not None:
                yield item
        for table in (Table.COMMENTS, Table.LIVE_CHAT):
            for name, _header, row in _rows(files, table, ctx):
                yield comment_item(row, name, ctx, table)
        yield from _guessed_comments(files, ctx)
        for name in files.pages:
            yield from html_comment_items(name, ctx)
        for name, _header, row in _rows(files, Table.SUBSCRIPTIONS, ctx):
            item = subscription_item(row, name, ctx)
            if item is not None:
                yield item


def _rows(files: TakeoutFiles, table: Table,
          ctx: YouTubeContext) -> Iterator[tuple[str, list[str], Row]]:
    for name, header in files.tables.get(table, []):
        for row in read_rows(ctx.view, name, ctx.report, set(header), escapes=False):
            yield name, header, row


def _owner(files: TakeoutFiles, ctx: YouTubeContext) -> str | None:
    """``@handle`` from the channel's URL settings, else the channel's title."""
    for _name, _header, row in _rows(files, Table.CHANNEL_URLS, ctx):
        vanity = cell(row, Table.CHANNEL_URLS, "vanity")
        if vanity:
            return vanity if vanity.startswith("@") else f"@{vanity}"
    for _name, _header, row in _rows(files, Table.CHANNEL, ctx):
        title = cell(row, Table.CHANNEL, "title")
        if title:
            return title
    return None


def _guessed_comments(files: TakeoutFiles, ctx: YouTubeContext) -> Iterator[Item]:
    """Comment files in a language not in the tables: columns found from their content."""
    for name, header in files.guessed:
        rows = list(read_rows(ctx.view, name, ctx.report, set(header), escapes=False))
        roles = _guess_roles(header, rows)
        if "text" not in roles:
            continue
        ctx.report.warnings.append(f"{name}: its column names are not known; the comment "
                                   "text and date were recognised by their content")
        for row in rows:
            yield comment_item(row, name, ctx, Table.COMMENTS, guessed=roles)


def _guess_roles(header: list[str], rows: list[Row]) -> dict[str, str]:
    roles: dict[str, str] = {}
    sample = rows[:20]
    for column in header:
        values = [r.cells.get(column, "").strip() for r in sample]
        values = [v for v in values if v]
        if not values:
            continue
        if "text" not in roles and all(v.startswith("{") for v in values):
            roles["text"] = column
        elif "created" not in roles and all(len(v) >= 19 and v[4] == "-" and v[10] == "T"
                                            for v in values):
            roles["created"] = column
    return roles


def _root_of(name: str) -> str:
    """The YouTube folder a marker belongs to: two levels up (``<root>/comments/x.csv``)."""
    parts = name.split("/")
    return "/".join(parts[:-2]) + "/" if len(parts) > 2 else ""


def _locate(view: ArchiveView) -> TakeoutFiles | None:
    """The shallowest YouTube folder whose files really are Takeout files.

    Candidates are folders holding Takeout's file names (in the languages known) and, for
    other languages, any folder named ``YouTube...`` (Takeout keeps that word untranslated).
    """
    roots: dict[str, list[str]] = {}
    for name in view.names():
        if name.count("/") > _MAX_DEPTH:
            continue
        base = unicodedata.normalize("NFC", name.rsplit("/", 1)[-1]).casefold()
        if base in _MARKERS:
            roots.setdefault(_root_of(name), []).append(name)
        elif base.endswith(".csv") and (root := _youtube_folder(name)) is not None:
            roots.setdefault(root, []).append(name)
    for root in sorted(roots, key=lambda r: (r.count("/"), r)):
        if any(_signed(view, n) for n in roots[root][:10]):
            return _collect(view, root)
    return None


def _youtube_folder(name: str) -> str | None:
    """``Takeout/YouTube und YouTube Music/`` for a file anywhere below such a folder."""
    parts = name.split("/")[:-1]
    for depth, part in enumerate(parts):
        if part.casefold().startswith("youtube"):
            return "/".join(parts[:depth + 1]) + "/"
    return None


def _signed(view: ArchiveView, name: str) -> bool:
    head = peek(view, name) or b""
    lower = name.casefold()
    if lower.endswith(".csv"):
        return classify(header_of(head)) is not None or any(m in head for m in SEGMENT_MARKERS)
    if lower.endswith(".html"):
        return b"youtube.com" in head
    return b'"header"' in head and b"YouTube" in head


def _collect(view: ArchiveView, root: str) -> TakeoutFiles:
    files = TakeoutFiles(root)
    depth = root.count("/") + 2
    for name in view.names():
        if not name.startswith(root) or name.count("/") > depth:
            continue
        base = name.rsplit("/", 1)[-1].casefold()
        if base.endswith(".csv"):
            head = peek(view, name)
            if head is None:
                files.unreadable.append(name)
                continue
            header = header_of(head)
            table = classify(header)
            if table is not None:
                files.tables.setdefault(table, []).append((name, header))
            elif any(marker in head for marker in SEGMENT_MARKERS):
                files.guessed.append((name, header))
        elif base.endswith(".html") and any(w in base for w in _COMMENT_PAGES):
            files.pages.append(name)
    return files

