"""What the case adds to a report (decisions, findings no longer found, re-capture changes), a
whole case as a report for a fresh sheet without re-scanning, and the record of each sheet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accountaudit import __version__
from accountaudit.model import Finding, Item, ItemKind
from accountaudit.report import ReportData, SourceSummary
from accountaudit.review.caselog import LogAction, LogEntry
from accountaudit.review.decisions import current_decisions
from accountaudit.review.recapture import stored_comparisons
from accountaudit.review.rows import (
    FINDING_COLUMNS,
    ITEM_COLUMNS,
    SOURCE_COLUMNS,
    check_from_json,
    finding_from_row,
    item_from_row,
    source_from_row,
)

if TYPE_CHECKING:
    from accountaudit.review.store import CaseStore

_CHUNK = 1 << 20


def with_case(store: CaseStore, data: ReportData, run: int) -> ReportData:
    """The scan's report plus the case's decisions, the scanned sources' findings that are no
    longer found (kept and marked), and the comparisons this run made."""
    scanned = {summary.source.id for summary in data.sources}
    current = {finding.id for finding in data.findings}
    reasons = _gone_reasons(store)
    earlier, earlier_items = _findings(store, set(reasons) - current, scanned, data.items)
    ids = current | {finding.id for finding in earlier}
    return dataclasses.replace(
        data, case_id=store.case_id, decisions=current_decisions(store, ids),
        earlier_findings=earlier, earlier_items=earlier_items,
        gone={f.id: reasons[f.id] for f in earlier},
        comparisons=stored_comparisons(store.connection, [run], data.items))


def case_report(store: CaseStore) -> ReportData:
    """Everything the case holds as one report, as of now (for ``case sheet``)."""
    store.require_content()
    conn = store.connection
    items = {item.key: item for item in (
        item_from_row(row) for row in conn.execute(f"SELECT {ITEM_COLUMNS} FROM items "
                                                   "ORDER BY rowid"))}
    reasons = _gone_reasons(store)
    findings = [finding_from_row(row) for row in conn.execute(
        f"SELECT {FINDING_COLUMNS} FROM findings ORDER BY first_run, rowid")]
    last = conn.execute("SELECT checks_json, failures_json FROM runs ORDER BY id DESC "
                        "LIMIT 1").fetchone()
    checks = [check_from_json(c) for c in json.loads(last[0])] if last else []
    messages = conn.execute("SELECT MAX(include_messages) FROM runs").fetchone()[0]
    return ReportData(
        tool_version=__version__, generated_at=datetime.now(UTC), sources=_summaries(store),
        items=items, findings=[f for f in findings if f.id not in reasons], checks=checks,
        failures=json.loads(last[1]) if last else [], include_messages=bool(messages),
        case_id=store.case_id, decisions=current_decisions(store),
        earlier_findings=[f for f in findings if f.id in reasons],
        gone={f.id: reasons[f.id] for f in findings if f.id in reasons},
        comparisons=stored_comparisons(conn, None, items))


def _gone_reasons(store: CaseStore) -> dict[str, str]:
    started = {run.id: run.started_at[:10] for run in store.runs()}
    return {finding_id: f"No longer found by run {run} ({started.get(run, '?')})"
            for finding_id, run in store.no_longer_found().items()}


def _findings(store: CaseStore, ids: Collection[str], sources: Collection[str],
              have: Mapping[str, Item]) -> tuple[list[Finding], dict[str, Item]]:
    """The findings ``ids`` about items from ``sources``, and those items not in ``have``."""
    findings: list[Finding] = []
    items: dict[str, Item] = {}
    conn = store.connection
    for finding_id in sorted(ids):
        row = conn.execute(f"SELECT {FINDING_COLUMNS} FROM findings WHERE id = ?",
                           (finding_id,)).fetchone()
        item_row = conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE key = ?",
                                (row[1],)).fetchone()
        if item_row is None or item_row[1] not in sources:
            continue
        findings.append(finding_from_row(row))
        if row[1] not in have:
            items[row[1]] = item_from_row(item_row)
    return findings, items


def _summaries(store: CaseStore) -> list[SourceSummary]:
    rows = store.connection.execute(f"SELECT {SOURCE_COLUMNS}, counts_json, warnings_json "
                                    "FROM sources ORDER BY first_run, rowid").fetchall()
    summaries = []
    for row in rows:
        counts = {ItemKind(k): int(v) for k, v in json.loads(row[8]).items()
                  if k in ItemKind._value2member_map_}
        summaries.append(SourceSummary(source_from_row(row), counts,
                                       tuple(json.loads(row[9]))))
    return summaries


def stamp_sheet(data: ReportData) -> ReportData:
    """Give a sheet about to be written its own id and export time (shown on its Summary)."""
    return dataclasses.replace(data, sheet_id=uuid.uuid4().hex,
                               exported_at=datetime.now(UTC))


def record_sheet(store: CaseStore, data: ReportData, out: Path) -> LogEntry:
    """Record a written sheet (its id, time and SHA-256) so its return can be dated exactly."""
    if data.sheet_id is None or data.exported_at is None:
        raise ValueError("stamp_sheet() the report before writing the sheet")
    digest = file_sha256(out)
    out = Path(out).resolve()
    with store.transaction():
        entry = store.log(LogAction.EXPORT_SHEET, _sheet_details(data, out, digest))
        store.connection.execute(
            "INSERT INTO sheets (id, path, exported_at, sha256, log_seq) VALUES (?,?,?,?,?)",
            (data.sheet_id, str(out), data.exported_at.isoformat(), digest, entry.seq))
    return entry


def _sheet_details(data: ReportData, out: Path, digest: str) -> dict[str, Any]:
    return {"path": str(out), "sheet": data.sheet_id,
            "exported_at": data.exported_at.isoformat() if data.exported_at else None,
            "sha256": digest, "findings": len(data.findings),
            "no_longer_found": len(data.earlier_findings), "decisions": len(data.decisions)}


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
