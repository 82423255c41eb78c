"""Builders for hand-made ReportData: items, findings and sources as the scan would hand them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from accountaudit.categories import category_info
from accountaudit.check import CheckInfo
from accountaudit.model import (
    Audience,
    Category,
    Finding,
    Item,
    ItemKind,
    Provenance,
    Severity,
    Source,
    finding_id,
)
from accountaudit.report import ReportData, SourceSummary

BASE_TIME = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def make_source(source_id: str = "src0001", path: str = "/cases/x-archive.zip",
                platform: str = "x", account: str | None = "@officer") -> Source:
    return Source(id=source_id, path=path, platform=platform, layout="twitter-2022",
                  sha256="ab" * 32, size=123_456, loader="x", account=account)


def make_item(number: int, text: str = "hello", *, source: Source | None = None,
              created_at: datetime | None = BASE_TIME, url: str | None = None,
              author: str | None = "@officer", kind: ItemKind = ItemKind.POST) -> Item:
    source = source or make_source()
    return Item(source_id=source.id, id=f"{1000 + number}", platform=source.platform, kind=kind,
                text=text, provenance=Provenance(source.id, "data/tweets.js", index=number),
                created_at=created_at, author=author, url=url, reply_to="@someone",
                audience=Audience.PUBLIC)


def make_finding(item: Item, *, check: str = "AA101", evidence: str = "hello",
                 category: Category = Category.LANGUAGE_ABUSIVE,
                 severity: Severity = Severity.MEDIUM, confidence: float = 0.75,
                 explanation: str = "Why this matters.",
                 span: tuple[int, int] | None = None) -> Finding:
    return Finding(id=finding_id(check, item.key, evidence), item_key=item.key, check_id=check,
                   category=category, severity=severity, confidence=confidence,
                   evidence=evidence, explanation=explanation,
                   standard=category_info(category).standard, span=span)


def make_check(check_id: str = "AA101", category: Category = Category.LANGUAGE_ABUSIVE,
               severity: Severity = Severity.MEDIUM) -> CheckInfo:
    return CheckInfo(check_id, f"Check {check_id}", category, severity,
                     category_info(category).standard, "Explains itself.", "2", "built-in")


@dataclass
class ReportBuilder:
    """Collects items and findings, then freezes them into a ReportData."""

    source: Source = field(default_factory=make_source)
    items: list[Item] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: tuple[str, ...] = ()

    def item(self, text: str = "hello", **kwargs: object) -> Item:
        kwargs.setdefault("created_at", BASE_TIME + timedelta(hours=len(self.items)))
        item = make_item(len(self.items), text, source=self.source, **kwargs)  # type: ignore[arg-type]
        self.items.append(item)
        return item

    def finding(self, item: Item | None = None, **kwargs: object) -> Finding:
        item = item or self.item()
        kwargs.setdefault("evidence", f"evidence {len(self.findings)}")
        finding = make_finding(item, **kwargs)  # type: ignore[arg-type]
        self.findings.append(finding)
        return finding

    def check(self, check_id: str = "AA101", **kwargs: object) -> CheckInfo:
        return make_check(check_id, **kwargs)  # type: ignore[arg-type]

    def build(self, *, checks: Sequence[CheckInfo] = (), failures: Sequence[str] = (),
              case_id: str | None = "CASE-1", include_messages: bool = False) -> ReportData:
        counts: dict[ItemKind, int] = {}
        for item in self.items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        summary = SourceSummary(self.source, counts, self.warnings, messages_skipped=3)
        return ReportData(
            tool_version="9.9.9", generated_at=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
            sources=[summary], items={item.key: item for item in self.items},
            findings=list(self.findings), checks=list(checks) or [make_check()],
            failures=list(failures), include_messages=include_messages, case_id=case_id)


@pytest.fixture
def builder() -> ReportBuilder:
    return ReportBuilder()


@pytest.fixture
def corpus(shared: Path) -> Path:
    """The labelled corpus in ../shared (skipped, with a reason, when it is absent)."""
    path = shared / "corpus" / "dev.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    return path
