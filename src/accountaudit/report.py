"""What a finished scan hands to exporters: read-only, complete, and independent of how it ran."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from accountaudit.check import CheckInfo
from accountaudit.model import Decision, Finding, Item, ItemKind, Source

_NONE: Mapping[Any, Any] = MappingProxyType({})


def _no_mapping() -> Mapping[Any, Any]:
    return _NONE


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One loaded source with what it yielded and every warning raised while loading it."""

    source: Source
    counts: Mapping[ItemKind, int]
    warnings: tuple[str, ...] = ()
    messages_skipped: int = 0


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A reviewer's decision on one finding, as the case holds it (the latest one counts)."""

    finding_id: str
    decision: Decision
    note: str
    reviewer: str
    decided_at: datetime


class ChangeKind(StrEnum):
    """How an item differs between an earlier and a later capture of the same account."""

    DELETED = "deleted"
    EDITED = "edited"
    ADDED = "added"


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item deleted, edited (same id, different text) or added between two captures."""

    change: ChangeKind
    old: Item | None
    new: Item | None

    @property
    def item(self) -> Item:
        """The item as last seen: the new one, or the old one when it was deleted."""
        found = self.new if self.new is not None else self.old
        assert found is not None
        return found


@dataclass(frozen=True, slots=True)
class Comparison:
    """What changed between two captures (or cases): deletions matter most to a reviewer."""

    old_label: str
    new_label: str
    changes: Sequence[ItemChange]
    unchanged: int
    notes: Sequence[str] = ()

    def count(self, kind: ChangeKind) -> int:
        """How many changes of ``kind``."""
        return sum(1 for change in self.changes if change.change is kind)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One Findings row of a returned review sheet (``row`` is the sheet's row number)."""

    row: int
    finding_id: str
    decision: str
    note: str


@dataclass(frozen=True, slots=True)
class SheetProblem:
    """A row of a returned sheet that cannot be taken as it is, and why."""

    row: int
    problem: str


@dataclass(frozen=True, slots=True)
class ReturnedSheet:
    """What a reviewer's returned sheet says, with what identifies the sheet it started as."""

    path: str
    case_id: str | None
    sheet_id: str | None
    exported_at: datetime | None
    rows: Sequence[SheetRow]
    problems: Sequence[SheetProblem] = ()


@dataclass(frozen=True, slots=True)
class ReportData:
    """A scan's results: sources, items (by key), findings, checks run, and plugin failures.

    From a case it also carries the current decisions, the findings the case keeps that this
    scan no longer produced (with their items and why), comparisons with earlier captures, and
    the identity of the sheet about to be written (all empty by default).
    """

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
    check_selection: Sequence[str] = ()
    """What ``--checks`` narrowed the scan to (empty: every check ran)."""
    decisions: Mapping[str, DecisionRecord] = field(default_factory=_no_mapping)
    earlier_findings: Sequence[Finding] = ()
    """Findings the case holds from earlier runs that this scan no longer produced."""
    earlier_items: Mapping[str, Item] = field(default_factory=_no_mapping)
    gone: Mapping[str, str] = field(default_factory=_no_mapping)
    """Finding id -> why it is listed although no longer found (e.g. "not found by run 3")."""
    comparisons: Sequence[Comparison] = ()
    sheet_id: str | None = None
    exported_at: datetime | None = None

    def item_for(self, finding: Finding) -> Item | None:
        """The item a finding is about, if it was kept."""
        item = self.items.get(finding.item_key)
        return item if item is not None else self.earlier_items.get(finding.item_key)
