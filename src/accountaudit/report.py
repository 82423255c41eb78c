"""What a finished scan hands to exporters: read-only, complete, and independent of how it ran."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from accountaudit.check import CheckInfo
from accountaudit.model import Finding, Item, ItemKind, Source


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One loaded source with what it yielded and every warning raised while loading it."""

    source: Source
    counts: Mapping[ItemKind, int]
    warnings: tuple[str, ...] = ()
    messages_skipped: int = 0


@dataclass(frozen=True, slots=True)
class ReportData:
    """A scan's results: sources, items (by key), findings, checks run, and plugin failures."""

    tool_version: str
    generated_at: datetime
    sources: Sequence[SourceSummary]
    items: Mapping[str, Item]
    findings: Sequence[Finding]
    checks: Sequence[CheckInfo]
    failures: Sequence[str] = ()
    include_messages: bool = False
    case_id: str | None = None
    notes: Sequence[str] = field(default_factory=tuple)

    def item_for(self, finding: Finding) -> Item | None:
        """The item a finding is about, if it was kept."""
        return self.items.get(finding.item_key)
