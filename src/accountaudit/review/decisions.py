"""Reviewers' decisions: each committed the moment it is made, never overwritten, always logged.

Every decision is a new row (the latest per finding counts), written in its own transaction
together with its log entry, so a crash right after "saved" never loses it. Decisions hang on
the stable finding id, so they stay attached when a re-run finds the same thing again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from accountaudit.errors import AccountAuditError, CaseError
from accountaudit.model import Decision
from accountaudit.report import DecisionRecord
from accountaudit.review.caselog import LogAction, now, sha256_text

if TYPE_CHECKING:
    from accountaudit.review.store import CaseStore

_BY_NAME = {" ".join(d.value.casefold().split()): d for d in Decision}
DIRECT = "direct"
"""``origin`` of a decision made in the tool itself (not read from a sheet)."""


def parse_decision(value: str | Decision) -> Decision:
    """A decision from its wording (case and spacing ignored); one plain sentence if unknown."""
    if isinstance(value, Decision):
        return value
    found = _BY_NAME.get(" ".join(str(value).casefold().split()))
    if found is None:
        options = ", ".join(f'"{d.value}"' for d in Decision)
        raise AccountAuditError(f"'{value}' is not a decision; use one of: {options}")
    return found


def record_decision(store: CaseStore, finding_id: str, decision: str | Decision,
                    note: str = "", reviewer: str | None = None) -> DecisionRecord:
    """Record one decision now, in its own transaction; returns it as stored.

    The note is kept without surrounding spaces (as a sheet reads it back). Raises CaseError
    when the case has no such finding or was purged.
    """
    chosen = parse_decision(decision)
    store.require_content()
    finding_id = finding_id.strip()
    with store.transaction():
        if not finding_exists(store, finding_id):
            raise CaseError(f"{store.folder}: there is no finding {finding_id} in this case "
                            "('accountaudit case show' lists them)")
        return insert_decision(store, finding_id, chosen, note.strip(), reviewer or store.user,
                               DIRECT)


def finding_exists(store: CaseStore, finding_id: str) -> bool:
    """Whether the case has ever recorded this finding."""
    return store.connection.execute("SELECT 1 FROM findings WHERE id = ?",
                                    (finding_id,)).fetchone() is not None


def insert_decision(store: CaseStore, finding_id: str, decision: Decision, note: str,
                    reviewer: str, origin: str, sheet: str | None = None) -> DecisionRecord:
    """Write a decision and its log entry inside the caller's transaction."""
    entry = store.log(LogAction.DECISION, {
        "finding": finding_id, "decision": decision.value, "note_sha256": sha256_text(note),
        "reviewer": reviewer, "origin": origin, "sheet": sheet})
    decided_at = now()
    store.connection.execute(
        "INSERT INTO decisions (finding_id, decision, note, reviewer, decided_at, origin, "
        "log_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (finding_id, decision.value, note, reviewer, decided_at, origin, entry.seq))
    return DecisionRecord(finding_id, decision, note, reviewer, datetime.fromisoformat(decided_at))


def current_decisions(store: CaseStore,
                      finding_ids: Iterable[str] | None = None) -> dict[str, DecisionRecord]:
    """The latest decision per finding (only for ``finding_ids``, if given)."""
    rows = store.connection.execute(
        "SELECT d.finding_id, d.decision, d.note, d.reviewer, d.decided_at FROM decisions d "
        "JOIN (SELECT finding_id, MAX(id) AS last FROM decisions GROUP BY finding_id) latest "
        "ON d.id = latest.last")
    wanted = None if finding_ids is None else set(finding_ids)
    return {row[0]: _record(row) for row in rows if wanted is None or row[0] in wanted}


def decisions_as_of(store: CaseStore, moment: datetime) -> dict[str, DecisionRecord]:
    """The latest decision per finding made at or before ``moment`` (what a sheet written then
    was filled in with)."""
    found: dict[str, DecisionRecord] = {}
    for row in store.connection.execute("SELECT finding_id, decision, note, reviewer, "
                                        "decided_at FROM decisions ORDER BY id"):
        record = _record(row)
        if record.decided_at <= moment:
            found[record.finding_id] = record
    return found


def decision_history(store: CaseStore, finding_id: str) -> list[DecisionRecord]:
    """Every decision ever recorded on one finding, oldest first."""
    rows = store.connection.execute(
        "SELECT finding_id, decision, note, reviewer, decided_at FROM decisions "
        "WHERE finding_id = ? ORDER BY id", (finding_id,))
    return [_record(row) for row in rows]


def _record(row: Sequence[Any]) -> DecisionRecord:
    return DecisionRecord(str(row[0]), Decision(row[1]), str(row[2]), str(row[3]),
                          datetime.fromisoformat(row[4]))
