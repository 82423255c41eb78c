"""Placeholder while the real loader is written (issue 4): it recognises nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from accountaudit.model import Item
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import (
    ArchiveLoader,
    Detection,
    FileLoader,
    LoadOptions,
    LoadReport,
)


class BlueskyLoader(ArchiveLoader):
    """Recognises nothing until the real loader replaces this module."""

    name: ClassVar[str] = "bluesky"
    platform: ClassVar[str] = "bluesky"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Nothing yet."""
        return None

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Nothing yet."""
        return iter(())


class BlueskyCarLoader(FileLoader):
    """Recognises nothing until the real loader replaces this module."""

    name: ClassVar[str] = "bluesky-file"
    platform: ClassVar[str] = "bluesky"

    @classmethod
    def detect_file(cls, path: Path, head: bytes) -> Detection | None:
        """Nothing yet."""
        return None

    def load(self, path: Path, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Nothing yet."""
        return iter(())
