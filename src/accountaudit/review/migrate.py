"""Upgrade an older case folder in place, inside the transaction that opens it, and log it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accountaudit.errors import CaseError
from accountaudit.review.caselog import LogAction

if TYPE_CHECKING:
    from accountaudit.review.store import CaseStore


def migrate(store: CaseStore, version: str) -> None:
    """Bring a case from ``version`` to the current format (the new tables already exist).

    Format 1 had no decisions, log, sheets or comparisons, and its runs did not record a
    ``--checks`` selection. The log starts with a "migrate" entry that lists the sources
    already in the case with their SHA-256, so ``case verify`` can check them too.
    """
    if version != "1":
        raise CaseError(f"{store.folder}: case format {version} cannot be upgraded")
    conn = store.connection
    columns = {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
    if "selection_json" not in columns:
        conn.execute("ALTER TABLE runs ADD COLUMN selection_json TEXT NOT NULL DEFAULT '[]'")
    sources = [list(row) for row in conn.execute(
        "SELECT id, path, sha256 FROM sources ORDER BY first_run, rowid")]
    runs = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    created = conn.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()
    store.set_meta("schema_version", "2")
    store.log(LogAction.MIGRATE, {"from": "1", "to": "2", "case_id": store.case_id,
                                  "created_at": created[0] if created else None,
                                  "sources": sources, "runs": runs})
