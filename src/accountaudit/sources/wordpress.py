"""WordPress blogs: WXR export files, alone or in a zip/folder as WordPress.com sends them.

Layouts are named after the WXR version in the file's namespace (``wordpress-wxr-1.0``, ``-1.1``,
``-1.2``); a file is recognised by its content (an RSS document in the WordPress export
namespace), never by its name. Parsing and its safety rules live in ``wxr_parse``; turning
entries into items lives in ``wxr_items``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, ClassVar

from accountaudit.errors import InputError
from accountaudit.model import Item
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import (
    ArchiveLoader,
    Detection,
    FileLoader,
    LoadOptions,
    LoadReport,
)
from accountaudit.sources.decoding import guess_utf16
from accountaudit.sources.wxr_items import PLATFORM, BlogContext, channel_items, media_key
from accountaudit.sources.wxr_parse import parse_wxr

HEAD = 64 << 10
MAX_DETECT_PEEKS = 50
_NAMESPACE = re.compile(r"""xmlns:\w+\s*=\s*["']https?://wordpress\.org/export/(\d+\.\d+)/?["']""")
_RSS = re.compile(r"<rss[\s>]")
# Every repeat is bounded: the head comes from the person under investigation.
_TITLE = re.compile(r"<channel>\s{0,200}<title>\s*(?:<!\[CDATA\[)?(.{0,500}?)(?:\]\]>)?\s*</title>",
                    re.S)
_LINK = re.compile(r"<channel>.{0,4000}?<link>\s*(.{0,500}?)\s*</link>", re.S)
_LOGIN = re.compile(r"<wp:author_login>\s*(?:<!\[CDATA\[)?(.{0,200}?)(?:\]\]>)?\s*"
                    r"</wp:author_login>")
_ENTITY = re.compile(r"<!ENTITY", re.I)
_MEDIA = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".heic", ".mp4", ".m4v", ".mov",
          ".webm", ".mp3", ".m4a", ".wav", ".pdf")


def head_text(head: bytes) -> str:
    """Enough of a file's start as text to recognise it (UTF-8, UTF-16 or a legacy charset)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    guessed = guess_utf16(head) if b"\x00" in head[:512] else None
    if guessed is not None:
        return head.decode(guessed, errors="ignore")
    return head.decode("utf-8", errors="replace")


def wxr_version(text: str) -> str | None:
    """The WXR version if ``text`` starts an RSS document in the WordPress export namespace."""
    match = _NAMESPACE.search(text)
    if match is None or _RSS.search(text, 0, match.start()) is None:
        return None
    return match.group(1)


def blog_account(text: str) -> str | None:
    """``Title (address)`` of the blog, else its one author's login, from the file's start."""
    title = _clean(_TITLE.search(text))
    link = _clean(_LINK.search(text))
    if title and link:
        return f"{title} ({link})"
    logins = {_clean(m) for m in _LOGIN.finditer(text)} - {None}
    return title or link or (logins.pop() if len(logins) == 1 else None)


def _clean(match: re.Match[str] | None) -> str | None:
    value = html.unescape(match.group(1)).strip() if match else ""
    return " ".join(value.split())[:200] or None


class WordPressLoader(ArchiveLoader):
    """A zip or folder holding one or more WXR files (WordPress.com splits big blogs)."""

    name: ClassVar[str] = "wordpress"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """The first WXR file among the ``.xml`` members (looking at up to 50 of them)."""
        candidates = [n for n in view.names() if n.lower().endswith(".xml") and n.count("/") <= 5]
        for name in candidates[:MAX_DETECT_PEEKS]:
            text = _peek(view, name)
            version = wxr_version(text) if text else None
            if version is not None:
                root = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
                return Detection(layout=f"wordpress-wxr-{version}", root=root,
                                 account=blog_account(text))
        return None

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Every WXR file's posts, pages, comments and media; messages only on opt-in."""
        ctx = BlogContext(source_id, report, media_files=_media_index(view))
        for name in view.names():
            if not name.lower().endswith(".xml"):
                continue
            text = _peek(view, name)
            if not text or wxr_version(text) is None:
                continue
            channel = parse_wxr(_opener(view, name), name, report.warnings)
            yield from channel_items(channel, name, ctx)


class WxrFileLoader(FileLoader):
    """A bare WXR ``.xml`` file, as a self-hosted WordPress's Tools > Export writes it."""

    name: ClassVar[str] = "wordpress-file"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect_file(cls, path: Path, head: bytes) -> Detection | None:
        """An RSS document in the WordPress export namespace; refuses entity declarations."""
        text = head_text(head)
        version = wxr_version(text)
        if version is None:
            return None
        if _ENTITY.search(text):
            raise InputError(path, "declares XML entities, which WordPress never writes and "
                                   "which can be used to attack the reader; it was not read")
        return Detection(layout=f"wordpress-wxr-{version}", account=blog_account(text))

    def load(self, path: Path, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Stream the file's entries; damage is a warning and earlier entries are kept."""
        ctx = BlogContext(source_id, report)
        channel = parse_wxr(_file_opener(path), path.name, report.warnings)
        yield from channel_items(channel, path.name, ctx)


def _peek(view: ArchiveView, name: str) -> str | None:
    try:
        with view.open(name) as fh:
            return head_text(fh.read(HEAD))
    except (InputError, OSError):
        return None


def _opener(view: ArchiveView, name: str) -> Callable[[], BinaryIO]:
    return lambda: view.open(name)


def _file_opener(path: Path) -> Callable[[], BinaryIO]:
    def opener() -> BinaryIO:
        try:
            return open(path, "rb")
        except OSError as exc:
            raise InputError(path, f"cannot be read ({exc.strerror})") from None
    return opener


def _media_index(view: ArchiveView) -> dict[str, str]:
    """Shipped uploads by their last three path parts, to link attachments to files."""
    return {media_key(n): n for n in view.names() if n.lower().endswith(_MEDIA)}
