"""The case folder's SQLite database: sources with their SHA-256, items, findings, scan runs,
decisions and the case log.

Every scan is one transaction, so an interrupted scan leaves the case as it was before; every
decision is its own transaction (WAL, synchronous=FULL), so a saved decision survives a crash.
Findings keep their first and last run, so one that stops firing after a rule change is kept.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from accountaudit import __version__
from accountaudit.errors import CaseError
from accountaudit.model import Source
from accountaudit.report import ReportData, SourceSummary
from accountaudit.review import caselog
from accountaudit.review.caselog import LogAction, LogEntry
from accountaudit.review.migrate import migrate
from accountaudit.review.recapture import compare_new_sources
from accountaudit.review.rows import (
    FINDING_UPSERT,
    ITEM_UPSERT,
    SOURCE_COLUMNS,
    check_json,
    finding_row,
    item_row,
    source_from_row,
)

DB_NAME = "case.sqlite"
SCHEMA_VERSION = "2"


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One scan run: which sources and checks it covered (empty selection: every check)."""

    id: int
    started_at: str
    sources: frozenset[str]
    checks: frozenset[str]
    selection: tuple[str, ...]


class CaseStore:
    """A case folder opened for reading and writing; use as a context manager."""

    def __init__(self, folder: Path, conn: sqlite3.Connection, user: str) -> None:
        self.folder = folder
        self.user = user
        self._conn = conn

    @classmethod
    def open(cls, folder: Path, *, create: bool = True, user: str | None = None) -> CaseStore:
        """Open a case folder; with ``create``, make it (and its database) if new or empty.

        ``user`` is who the log names for what is done through this store (default: the
        operating system's user name). A format-1 case is upgraded in place, and the log says so.
        """
        folder = Path(folder)
        db = folder / DB_NAME
        check_folder(folder, create)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(db, isolation_level=None)
        except OSError as exc:
            raise CaseError(f"{folder}: cannot be created ({exc.strerror})") from None
        except sqlite3.Error as exc:
            raise CaseError(f"{db}: cannot be opened as a case database ({exc})") from None
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            store = cls(folder, conn, user or caselog.os_user())
            store._initialise()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise CaseError(f"{db}: cannot be opened as a case database ({exc})") from None
        except BaseException:
            conn.close()
            raise
        return store

    def _initialise(self) -> None:
        schema = files("accountaudit.review").joinpath("schema.sql").read_text(encoding="utf-8")
        with self.transaction():
            version = self._meta("schema_version") if self._has_table("meta") else None
            if version not in (None, "1", SCHEMA_VERSION):
                raise CaseError(f"{self.folder}: this case was made by a different version of "
                                f"accountaudit (case format {version}, this tool reads "
                                f"{SCHEMA_VERSION})")
            for statement in _statements(schema):
                self._conn.execute(statement)
            if version is None:
                self.set_meta("schema_version", SCHEMA_VERSION)
                self.set_meta("case_id", uuid.uuid4().hex)
                self.set_meta("created_at", caselog.now())
                self.set_meta("created_by_tool", __version__)
                self.log(LogAction.CREATE, {"case_id": self.case_id})
            elif version != SCHEMA_VERSION:
                migrate(self, version)

    @property
    def case_id(self) -> str:
        """The case's permanent identifier (carried into review sheets)."""
        value = self._meta("case_id")
        assert value is not None
        return value

    @property
    def purged_at(self) -> str | None:
        """When the case's content was erased, or None."""
        return self._meta("purged_at")

    @property
    def connection(self) -> sqlite3.Connection:
        """The open database, for the other modules of ``accountaudit.review``."""
        return self._conn

    def transaction(self) -> _Transaction:
        """``with store.transaction():`` BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
        return _Transaction(self._conn)

    def log(self, action: LogAction, details: Mapping[str, Any]) -> LogEntry:
        """Append a log entry inside the caller's transaction."""
        return caselog.append(self._conn, self.user, action, details)

    def require_content(self) -> None:
        """Refuse work that needs the case's content once it has been purged."""
        if self.purged_at is not None:
            raise CaseError(f"{self.folder}: this case's content was purged on "
                            f"{self.purged_at[:10]}; only its log and verification remain")

    def record_scan(self, data: ReportData) -> int:
        """Store a finished scan, its load and scan log entries and any re-capture comparison,
        in one transaction; returns the run number."""
        self.require_content()
        with self.transaction():
            known = dict(self._conn.execute("SELECT id, path FROM sources").fetchall())
            cur = self._conn.execute(
                "INSERT INTO runs (started_at, tool_version, include_messages, checks_json, "
                "failures_json, source_ids_json, selection_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (data.generated_at.isoformat(), data.tool_version, int(data.include_messages),
                 json.dumps([check_json(c) for c in data.checks], ensure_ascii=False),
                 json.dumps(list(data.failures), ensure_ascii=False),
                 json.dumps([s.source.id for s in data.sources]),
                 json.dumps(list(data.check_selection))))
            run = int(cur.lastrowid or 0)
            for summary in data.sources:
                self._upsert_source(summary, run)
                if known.get(summary.source.id) != summary.source.path:
                    self.log(LogAction.LOAD, _load_details(summary.source, run,
                                                           summary.source.id not in known))
            self._conn.executemany(ITEM_UPSERT, (item_row(i) for i in data.items.values()))
            self._conn.executemany(FINDING_UPSERT, (finding_row(f, run) for f in data.findings))
            compare_new_sources(self, data, run, set(known))
            self.log(LogAction.SCAN, self._scan_details(data, run))
        return run

    def _scan_details(self, data: ReportData, run: int) -> dict[str, Any]:
        new = self._conn.execute("SELECT COUNT(*) FROM findings WHERE first_run = ?",
                                 (run,)).fetchone()[0]
        gone = sum(1 for at in self.no_longer_found().values() if at == run)
        return {"run": run, "tool_version": data.tool_version,
                "checks": [[c.id, c.version, c.origin] for c in data.checks],
                "selection": list(data.check_selection), "failures": len(data.failures),
                "sources": [[s.source.id, s.source.sha256] for s in data.sources],
                "items": len(data.items), "findings": len(data.findings), "new_findings": new,
                "no_longer_found": gone, "include_messages": data.include_messages}

    def runs(self) -> list[RunInfo]:
        """Every scan run, oldest first."""
        rows = self._conn.execute("SELECT id, started_at, source_ids_json, checks_json, "
                                  "selection_json FROM runs ORDER BY id").fetchall()
        return [RunInfo(int(r[0]), str(r[1]), frozenset(json.loads(r[2])),
                        frozenset(str(c[0]) for c in json.loads(r[3])),
                        tuple(json.loads(r[4] or "[]"))) for r in rows]

    def no_longer_found(self) -> dict[str, int]:
        """Finding id -> the first later run that scanned its source with its check and did not
        find it again. A run narrowed with --checks says nothing about checks it left out."""
        runs = self.runs()
        if not runs:
            return {}
        rows = self._conn.execute(
            "SELECT f.id, f.check_id, i.source_id, f.last_run FROM findings f "
            "JOIN items i ON i.key = f.item_key WHERE f.last_run < ?", (runs[-1].id,))
        gone: dict[str, int] = {}
        for finding_id, check_id, source_id, last_run in rows:
            for run in runs:
                if (run.id > last_run and source_id in run.sources
                        and (check_id in run.checks or not run.selection)):
                    gone[finding_id] = run.id
                    break
        return gone

    def counts(self) -> dict[str, int]:
        """Rows per table, for inspection and tests."""
        return {t: int(self._conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
                for t in ("sources", "items", "findings", "runs", "decisions", "log")}

    def finding_rows(self) -> list[dict[str, Any]]:
        """Every finding ever recorded, with whether it is still found (``current``)."""
        gone = self.no_longer_found()
        rows = self._conn.execute("SELECT id, check_id, item_key, evidence, first_run, last_run "
                                  "FROM findings ORDER BY id").fetchall()
        return [{"id": r[0], "check_id": r[1], "item_key": r[2], "evidence": r[3],
                 "first_run": r[4], "last_run": r[5], "current": r[0] not in gone,
                 "gone_at_run": gone.get(r[0])} for r in rows]

    def sources(self) -> list[Source]:
        """Every source ever loaded, in loading order."""
        rows = self._conn.execute(f"SELECT {SOURCE_COLUMNS} FROM sources "
                                  "ORDER BY first_run, rowid").fetchall()
        return [source_from_row(r) for r in rows]

    def source_hashes(self) -> dict[str, str]:
        """Source path to SHA-256 as recorded."""
        return dict(self._conn.execute("SELECT path, sha256 FROM sources").fetchall())

    def close(self) -> None:
        """Close the database."""
        self._conn.close()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _upsert_source(self, summary: SourceSummary, run: int) -> None:
        s = summary.source
        self._conn.execute(
            "INSERT INTO sources (id, path, platform, layout, sha256, size, loader, account, "
            "counts_json, warnings_json, first_run, last_run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET path=excluded.path, loader=excluded.loader, "
            "counts_json=excluded.counts_json, warnings_json=excluded.warnings_json, "
            "last_run=excluded.last_run",
            (s.id, s.path, s.platform, s.layout, s.sha256, s.size, s.loader, s.account,
             json.dumps({str(k): v for k, v in summary.counts.items()}),
             json.dumps(list(summary.warnings), ensure_ascii=False), run, run))

    def _has_table(self, name: str) -> bool:
        return self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                  "name = ?", (name,)).fetchone() is not None

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set one case property (inside the caller's transaction)."""
        self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception including Ctrl-C."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def check_folder(folder: Path, create: bool = True) -> None:
    """Raise CaseError unless ``folder`` is a case, or (with ``create``) may become one; lets
    a long scan fail before it starts rather than after."""
    db = Path(folder) / DB_NAME
    if folder.exists() and not folder.is_dir():
        raise CaseError(f"{folder}: is a file; a case needs a folder")
    if not create and not db.is_file():
        raise CaseError(f"{folder}: is not a case folder (it has no {DB_NAME})")
    if folder.is_dir() and not db.exists() and any(folder.iterdir()):
        raise CaseError(f"{folder}: is not a case folder and is not empty; choose a new or "
                        "empty folder so nothing else is mixed into the case")


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (a trigger body holds semicolons of its own)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements


def _load_details(source: Source, run: int, first: bool) -> dict[str, Any]:
    return {"source": source.id, "path": source.path,
            "resolved_path": str(Path(source.path).resolve()), "sha256": source.sha256,
            "size": source.size, "platform": source.platform, "layout": source.layout,
            "account": source.account, "loader": source.loader, "run": run,
            "first_load": first}
