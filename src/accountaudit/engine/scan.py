"""Run a scan: open every source first (so a typo fails before any work), then stream items in
batches through every check, keeping progress and cancellation in the caller's hands.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from accountaudit import __version__
from accountaudit.check import PreparedText, ScanContext
from accountaudit.checks.registry import CheckSet
from accountaudit.errors import ScanCancelled
from accountaudit.model import Finding, Item
from accountaudit.report import ReportData, SourceSummary
from accountaudit.resources import check_data_dir
from accountaudit.sources.base import LoadOptions
from accountaudit.sources.registry import OpenedSource, open_source

LOG = logging.getLogger(__name__)
BATCH_SIZE = 512

Progress = Callable[[int], None]
"""Called with the number of items done so far, after each batch."""


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What to load and how; private messages are opt-in."""

    include_messages: bool = False
    batch_size: int = BATCH_SIZE


@dataclass(slots=True)
class _Collector:
    items: dict[str, Item] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    done: int = 0


def run_scan(paths: Sequence[Path], checks: CheckSet, options: ScanOptions | None = None,
             progress: Progress | None = None,
             cancel: threading.Event | None = None) -> ReportData:
    """Load ``paths``, run ``checks`` on every item, and return everything an exporter needs.

    Raises InputError before any work if a path cannot be recognised, and ScanCancelled if
    ``cancel`` is set while running.
    """
    options = options or ScanOptions()
    started = time.perf_counter()
    opened = open_all(paths, LoadOptions(include_messages=options.include_messages))
    ctx = ScanContext(check_data=check_data_dir())
    for runner in checks.runners:
        runner.setup(ctx)
    collected = _Collector()
    try:
        for source in opened:
            _scan_source(source, checks, options, collected, progress, cancel)
    finally:
        for source in opened:
            source.close()
    LOG.info("scanned %d items from %d sources in %.2f s: %d findings", collected.done,
             len(opened), time.perf_counter() - started, len(collected.findings))
    return ReportData(
        tool_version=__version__, generated_at=datetime.now(UTC),
        sources=[_summary(s) for s in opened], items=collected.items,
        findings=_dedupe(collected.findings), checks=checks.infos, failures=checks.failures,
        include_messages=options.include_messages,
    )


def open_all(paths: Sequence[Path], load_options: LoadOptions) -> list[OpenedSource]:
    """Recognise every path, closing what was opened if any one of them fails."""
    opened: list[OpenedSource] = []
    try:
        for path in paths:
            source = open_source(Path(path), load_options)
            twin = next((o for o in opened if o.source.id == source.source.id), None)
            if twin is not None:
                twin.report.warnings.append(f"{path}: same content as {twin.source.path}; "
                                            "loaded once")
                source.close()
                continue
            opened.append(source)
    except BaseException:
        for source in opened:
            source.close()
        raise
    return opened


def _scan_source(source: OpenedSource, checks: CheckSet, options: ScanOptions,
                 collected: _Collector, progress: Progress | None,
                 cancel: threading.Event | None) -> None:
    for batch in _batches(source.items(), options.batch_size):
        if cancel is not None and cancel.is_set():
            raise ScanCancelled()
        prepared = [(item, PreparedText(item.text)) for item in batch]
        for runner in checks.runners:
            collected.findings.extend(runner.check_many(prepared))
        for item in batch:
            collected.items[item.key] = item
        collected.done += len(batch)
        if progress is not None:
            progress(collected.done)


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per stable id, and one per overlapping words within an item and category.

    Two rules quoting the same words ("PC" and "PC 4321") are one thing for a reviewer to
    look at: the most confident, widest match is kept.
    """
    unique: dict[str, Finding] = {}
    for finding in findings:
        unique.setdefault(finding.id, finding)
    kept: list[Finding] = []
    taken: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for finding in sorted(unique.values(), key=_preference):
        if finding.span is not None:
            spans = taken.setdefault((finding.item_key, finding.category), [])
            start, end = finding.span
            if any(start < b and a < end for a, b in spans):
                continue
            spans.append(finding.span)
        kept.append(finding)
    order = {f.id: n for n, f in enumerate(findings)}
    return sorted(kept, key=lambda f: order[f.id])


def _preference(finding: Finding) -> tuple[float, int, str]:
    width = finding.span[1] - finding.span[0] if finding.span else 0
    return (-finding.confidence, -width, finding.check_id)


def _summary(source: OpenedSource) -> SourceSummary:
    report = source.report
    return SourceSummary(source=source.source, counts=dict(report.counts),
                         warnings=tuple(report.warnings),
                         messages_skipped=report.messages_skipped)
