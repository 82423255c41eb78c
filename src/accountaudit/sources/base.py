"""The loader contract: detect a layout from the files present, then yield Items.

A loader never opens files itself; it reads through the ArchiveView (or, for single-file
formats, the path it is given) so that safety rules live in one place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from accountaudit.model import Item, ItemKind
from accountaudit.sources.archive import ArchiveView


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """What the user asked to load; private messages are opt-in."""

    include_messages: bool = False


@dataclass(frozen=True, slots=True)
class Detection:
    """A loader's claim on a source: which layout, under which folder prefix."""

    layout: str
    root: str = ""
    account: str | None = None


@dataclass(slots=True)
class LoadReport:
    """What one source yielded: counts per kind, what was left out, and every warning."""

    counts: Counter[ItemKind] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    messages_skipped: int = 0

    @property
    def total(self) -> int:
        """Items loaded."""
        return sum(self.counts.values())


class ArchiveLoader(ABC):
    """A loader for a zip or folder export; one subclass per platform, any number of layouts."""

    name: ClassVar[str]
    platform: ClassVar[str]
    version: ClassVar[str] = "1"

    @classmethod
    @abstractmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Return a Detection if this export's files are present, else None."""

    @abstractmethod
    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield every item; problems go to ``report.warnings`` naming the member."""


class FileLoader(ABC):
    """A loader for a single file (e.g. generic JSONL), recognised by its content."""

    name: ClassVar[str]
    platform: ClassVar[str]
    version: ClassVar[str] = "1"

    @classmethod
    @abstractmethod
    def detect_file(cls, path: Path, head: bytes) -> Detection | None:
        """Return a Detection if the file's first bytes look like this format."""

    @abstractmethod
    def load(self, path: Path, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield every item; bad lines go to ``report.warnings`` with their line number."""


