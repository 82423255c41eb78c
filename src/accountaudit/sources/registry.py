"""Which loader fits a path, decided by the files present (never by the file name), and hashing.

``open_source`` is the single entry point the engine, CLI and GUI use to load anything.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from accountaudit.errors import InputError, UnknownFormatError
from accountaudit.model import Item, ItemKind, Source
from accountaudit.sources.archive import ArchiveView, is_zip, open_view
from accountaudit.sources.base import (
    ArchiveLoader,
    Detection,
    FileLoader,
    LoadOptions,
    LoadReport,
)
from accountaudit.sources.bluesky import BlueskyCarLoader, BlueskyLoader
from accountaudit.sources.facebook import FacebookLoader
from accountaudit.sources.instagram import InstagramLoader
from accountaudit.sources.jsonl import JsonlLoader
from accountaudit.sources.linkedin import LinkedInLoader
from accountaudit.sources.mastodon import MastodonLoader
from accountaudit.sources.threads import ThreadsLoader
from accountaudit.sources.tiktok import TikTokFileLoader, TikTokLoader
from accountaudit.sources.wordpress import WordPressLoader, WxrFileLoader
from accountaudit.sources.x import XArchiveLoader
from accountaudit.sources.youtube import YouTubeLoader

# Order matters where exports nest: Instagram (which may hold Threads) before Threads alone.
ARCHIVE_LOADERS: tuple[type[ArchiveLoader], ...] = (
    XArchiveLoader, FacebookLoader, InstagramLoader, ThreadsLoader, TikTokLoader,
    LinkedInLoader, YouTubeLoader, MastodonLoader, BlueskyLoader, WordPressLoader,
)
# A single JSON document (TikTok) also starts with '{': it is tried before JSON Lines.
FILE_LOADERS: tuple[type[FileLoader], ...] = (
    TikTokFileLoader, JsonlLoader, BlueskyCarLoader, WxrFileLoader,
)
_CHUNK = 1 << 20
LOG = logging.getLogger(__name__)


@dataclass(slots=True)
class OpenedSource:
    """A recognised source ready to stream its items; close it (or use ``with``) when done."""

    source: Source
    report: LoadReport
    _loader: ArchiveLoader | FileLoader
    _detection: Detection
    _view: ArchiveView | None
    options: LoadOptions = field(default_factory=LoadOptions)

    def items(self) -> Iterator[Item]:
        """Stream items, counting them into ``report``."""
        if isinstance(self._loader, ArchiveLoader):
            assert self._view is not None
            stream = self._loader.load(self._view, self._detection, self.source.id,
                                       self.options, self.report)
        else:
            stream = self._loader.load(Path(self.source.path), self._detection, self.source.id,
                                       self.options, self.report)
        counts = self.report.counts
        try:
            for item in stream:
                if item.kind is ItemKind.MESSAGE and not self.options.include_messages:
                    self.report.messages_skipped += 1
                    continue
                counts[item.kind] += 1
                yield item
        except InputError as exc:
            self.report.warnings.append(f"loading stopped early: {exc}")
        except Exception as exc:
            # Exports come from people under investigation: a loader that trips over hostile
            # input keeps what it read and says where it stopped, instead of a traceback.
            LOG.warning("%s loader stopped on %s", self._loader.name, self.source.path,
                        exc_info=True)
            self.report.warnings.append(
                f"loading stopped early after {self.report.total:,} items: the file is "
                f"damaged or in an unexpected form ({type(exc).__name__}: {exc})")

    def close(self) -> None:
        """Release the archive handle."""
        if self._view is not None:
            self._view.close()

    def __enter__(self) -> OpenedSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(path: Path, options: LoadOptions | None = None) -> OpenedSource:
    """Recognise ``path`` and hash it; raises InputError with one plain sentence on failure."""
    options = options or LoadOptions()
    path = Path(path)
    if not path.exists():
        raise InputError(path, "does not exist")
    if path.is_dir() or is_zip(path):
        return _open_archive(path, options)
    if path.is_file():
        return _open_file(path, options)
    raise InputError(path, "is not a regular file or folder")


def _open_archive(path: Path, options: LoadOptions) -> OpenedSource:
    view = open_view(path)
    try:
        for loader_cls in ARCHIVE_LOADERS:
            detection = loader_cls.detect(view)
            if detection is not None:
                digest, size = (_hash_folder(view) if path.is_dir() else _hash_file(path))
                source = _make_source(path, loader_cls, detection, digest, size)
                report = LoadReport(warnings=list(view.warnings))
                return OpenedSource(source, report, loader_cls(), detection, view, options)
    except BaseException:
        view.close()
        raise
    refused = list(view.warnings)
    view.close()
    kind = "folder" if path.is_dir() else "zip archive"
    detail = (f"; {len(refused)} member{'s were' if len(refused) != 1 else ' was'} refused, "
              f"first: {refused[0]}" if refused else "")
    raise UnknownFormatError(path, f"this {kind} does not hold any export accountaudit knows "
                                   f"(looked for: {', '.join(ld.name for ld in ARCHIVE_LOADERS)})"
                                   f"{detail}")


def _open_file(path: Path, options: LoadOptions) -> OpenedSource:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if not head.strip():
        raise InputError(path, "is empty")
    for loader_cls in FILE_LOADERS:
        detection = loader_cls.detect_file(path, head)
        if detection is not None:
            digest, size = _hash_file(path)
            source = _make_source(path, loader_cls, detection, digest, size)
            return OpenedSource(source, LoadReport(), loader_cls(), detection, None, options)
    raise UnknownFormatError(path, "is not a zip, a folder or a file accountaudit can read "
                                   "(JSON Lines, TikTok JSON, Bluesky CAR or WordPress XML)")


def _make_source(path: Path, loader: type[ArchiveLoader] | type[FileLoader],
                 detection: Detection, digest: str, size: int) -> Source:
    return Source(id=digest[:12], path=str(path), platform=loader.platform,
                  layout=detection.layout, sha256=digest, size=size,
                  loader=f"{loader.name}@{loader.version}", account=detection.account)


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    return digest.hexdigest(), size


def _hash_folder(view: ArchiveView) -> tuple[str, int]:
    """A folder's hash: SHA-256 over each file's name and SHA-256, in name order."""
    tree = hashlib.sha256()
    total = 0
    for name in view.names():
        digest = hashlib.sha256()
        with view.open(name) as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                total += len(chunk)
        tree.update(f"{name}\x00{digest.hexdigest()}\n".encode())
    return tree.hexdigest(), total
