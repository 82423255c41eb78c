"""Take a reviewer's returned sheet back into its case: all of it, or nothing.

A sheet with any value outside the decision list is refused whole, naming every bad row, so a
half-typed sheet never leaves the case half-updated. Rows whose finding the case does not know
are reported, not guessed at. Where the case recorded a decision after the sheet was written,
a row the reviewer left as written yields to it silently, and a row the reviewer changed is a
conflict, reported with its row number, that keeps the case's value unless forced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from accountaudit.errors import CaseError, InputError
from accountaudit.model import Decision
from accountaudit.report import DecisionRecord, ReturnedSheet, SheetRow
from accountaudit.review.caselog import LogAction
from accountaudit.review.decisions import (
    current_decisions,
    decisions_as_of,
    insert_decision,
    parse_decision,
)

if TYPE_CHECKING:
    from accountaudit.review.store import CaseStore

MAX_ROWS_NAMED = 10


@dataclass(frozen=True, slots=True)
class Conflict:
    """A row whose finding got a different decision in the case after the sheet was written."""

    row: SheetRow
    case: DecisionRecord


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: rows taken, rows already as in the case, rows left as written while
    the case has since moved on (the case's newer decision stands), unmatched rows, conflicts."""

    imported: tuple[SheetRow, ...]
    unchanged: int
    superseded: int
    unmatched: tuple[SheetRow, ...]
    conflicts: tuple[Conflict, ...]
    forced: bool
    exported_at: datetime | None

    @property
    def complete(self) -> bool:
        """True when every row was matched and no conflict was left in the case's favour."""
        return not self.unmatched and (self.forced or not self.conflicts)


def import_sheet(store: CaseStore, sheet: ReturnedSheet, reviewer: str | None = None,
                 force: bool = False) -> ImportResult:
    """Import ``sheet`` into ``store`` in one transaction and log it.

    Raises CaseError for a sheet from another case (or with no case id, unless ``force``) and
    InputError, importing nothing, when any row holds a value that is not a decision.
    """
    store.require_content()
    _check_identity(store, sheet, force)
    if sheet.problems:
        raise InputError(sheet.path, _problems_sentence(sheet))
    reviewer = reviewer or store.user
    with store.transaction():
        exported_at = _exported_at(store, sheet)
        known = {row[0] for row in store.connection.execute("SELECT id FROM findings")}
        current = current_decisions(store)
        written = decisions_as_of(store, exported_at) if exported_at else None
        plan = _plan(sheet, known, (current, written), exported_at, force)
        for row in plan.imported:
            insert_decision(store, row.finding_id, Decision(row.decision), row.note, reviewer,
                            f"sheet {sheet.sheet_id or 'without id'}", sheet=sheet.sheet_id)
        store.log(LogAction.IMPORT, {
            "path": str(Path(sheet.path).resolve()), "sheet": sheet.sheet_id,
            "exported_at": exported_at.isoformat() if exported_at else None,
            "rows": len(sheet.rows), "imported": len(plan.imported),
            "unchanged": plan.unchanged, "superseded": plan.superseded,
            "unmatched": len(plan.unmatched),
            "conflicts": len(plan.conflicts), "forced": force, "reviewer": reviewer})
    return plan


def _check_identity(store: CaseStore, sheet: ReturnedSheet, force: bool) -> None:
    if sheet.case_id is None:
        if not force:
            raise CaseError(f"{sheet.path}: this sheet does not name a case (it was written by "
                            "a scan without --case), so it cannot be matched to this case "
                            "safely; add --force to import it anyway")
    elif sheet.case_id != store.case_id:
        raise CaseError(f"{sheet.path}: this sheet belongs to case {sheet.case_id}, not to "
                        f"case {store.case_id} in {store.folder}; import it into the case "
                        "it came from")


def _problems_sentence(sheet: ReturnedSheet) -> str:
    named = "; ".join(f"row {p.row}: {p.problem}" for p in sheet.problems[:MAX_ROWS_NAMED])
    more = len(sheet.problems) - MAX_ROWS_NAMED
    options = ", ".join(f'"{d.value}"' for d in Decision)
    return (f"nothing was imported, because the Findings tab has values that cannot be taken "
            f"({named}{f'; and {more} more rows' if more > 0 else ''}); a Decision must be "
            f"one of {options}")


def _exported_at(store: CaseStore, sheet: ReturnedSheet) -> datetime | None:
    """When the sheet was written: exactly, from the case's record of it, else from the sheet
    itself (whole seconds, so a decision in that same second counts as newer)."""
    if sheet.sheet_id:
        row = store.connection.execute("SELECT exported_at FROM sheets WHERE id = ?",
                                       (sheet.sheet_id,)).fetchone()
        if row is not None:
            return datetime.fromisoformat(row[0])
    return _utc(sheet.exported_at) if sheet.exported_at else None


def _plan(sheet: ReturnedSheet, known: set[str],
          decisions: tuple[Mapping[str, DecisionRecord], Mapping[str, DecisionRecord] | None],
          exported_at: datetime | None, force: bool) -> ImportResult:
    """Sort rows: ``decisions`` is (the case's now, the case's when the sheet was written)."""
    current, written = decisions
    imported: list[SheetRow] = []
    unmatched: list[SheetRow] = []
    conflicts: list[Conflict] = []
    unchanged = superseded = 0
    for row in sheet.rows:
        if row.finding_id not in known:
            unmatched.append(row)
            continue
        decision = parse_decision(row.decision)
        case = current.get(row.finding_id)
        if _same(case, decision, row.note):
            unchanged += 1
            continue
        if case is not None and (exported_at is None or _utc(case.decided_at) > exported_at):
            if written is not None and _same(written.get(row.finding_id), decision, row.note):
                superseded += 1  # the reviewer left the row as written; the newer one stands
                continue
            conflicts.append(Conflict(row, case))
            if not force:
                continue
        imported.append(row)
    return ImportResult(tuple(imported), unchanged, superseded, tuple(unmatched),
                        tuple(conflicts), force, exported_at)


def _same(case: DecisionRecord | None, decision: Decision, note: str) -> bool:
    if case is None:
        return decision is Decision.NOT_REVIEWED and not note
    return case.decision is decision and case.note == note


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
