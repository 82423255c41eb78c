"""Placeholder while the real loader is written (issue 4): it recognises nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from accountaudit.model import Item
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import ArchiveLoader, Detection, LoadOptions, LoadReport


class TikTokLoader(ArchiveLoader):
    """Recognises nothing until the real loader replaces this module."""

    name: ClassVar[str] = "tiktok"
    platform: ClassVar[str] = "tiktok"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Nothing yet."""
        return None

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Nothing yet."""
        return iter(())
