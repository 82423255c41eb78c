"""The case folder's SQLite database: sources with their SHA-256, items, findings and scan runs.

Every scan is one transaction, so an interrupted scan leaves the case as it was before. Findings
keep their first and last run, so one that stops firing after a rule change is kept, not lost.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from accountaudit import __version__
from accountaudit.errors import CaseError
from accountaudit.model import Finding, Item
from accountaudit.report import ReportData, SourceSummary

DB_NAME = "case.sqlite"
SCHEMA_VERSION = "1"


class CaseStore:
    """A case folder opened for reading and writing; use as a context manager."""

    def __init__(self, folder: Path, conn: sqlite3.Connection) -> None:
        self.folder = folder
        self._conn = conn

    @classmethod
    def open(cls, folder: Path) -> CaseStore:
        """Open a case folder, creating it (and its database) if it is new or empty."""
        folder = Path(folder)
        db = folder / DB_NAME
        if folder.exists() and not folder.is_dir():
            raise CaseError(f"{folder}: is a file; a case needs a folder")
        if folder.is_dir() and not db.exists() and any(folder.iterdir()):
            raise CaseError(f"{folder}: is not a case folder and is not empty; choose a new or "
                            "empty folder so nothing else is mixed into the case")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(db, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            store = cls(folder, conn)
            store._initialise()
        except sqlite3.DatabaseError as exc:
            raise CaseError(f"{db}: cannot be opened as a case database ({exc})") from None
        except OSError as exc:
            raise CaseError(f"{folder}: cannot be created ({exc.strerror})") from None
        return store

    def _initialise(self) -> None:
        schema = files("accountaudit.review").joinpath("schema.sql").read_text(encoding="utf-8")
        with self._transaction():
            for statement in schema.split(";"):
                if statement.strip():
                    self._conn.execute(statement)
            version = self._meta("schema_version")
            if version is None:
                self._set_meta("schema_version", SCHEMA_VERSION)
                self._set_meta("case_id", uuid.uuid4().hex)
                self._set_meta("created_at", _now())
                self._set_meta("created_by_tool", __version__)
            elif version != SCHEMA_VERSION:
                raise CaseError(f"{self.folder}: this case was made by a different version of "
                                f"accountaudit (case format {version}, this tool reads "
                                f"{SCHEMA_VERSION})")

    @property
    def case_id(self) -> str:
        """The case's permanent identifier (carried into review sheets)."""
        value = self._meta("case_id")
        assert value is not None
        return value

    def record_scan(self, data: ReportData) -> int:
        """Store a finished scan in one transaction; returns the run number."""
        with self._transaction():
            cur = self._conn.execute(
                "INSERT INTO runs (started_at, tool_version, include_messages, checks_json, "
                "failures_json, source_ids_json) VALUES (?, ?, ?, ?, ?, ?)",
                (data.generated_at.isoformat(), data.tool_version, int(data.include_messages),
                 json.dumps([[c.id, c.version, c.origin] for c in data.checks]),
                 json.dumps(list(data.failures)),
                 json.dumps([s.source.id for s in data.sources])))
            run = int(cur.lastrowid or 0)
            for summary in data.sources:
                self._upsert_source(summary, run)
            self._conn.executemany(_ITEM_UPSERT, (_item_row(i) for i in data.items.values()))
            self._conn.executemany(_FINDING_UPSERT,
                                   (_finding_row(f, run) for f in data.findings))
        return run

    def counts(self) -> dict[str, int]:
        """Rows per table, for inspection and tests."""
        return {t: int(self._conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
                for t in ("sources", "items", "findings", "runs")}

    def finding_rows(self) -> list[dict[str, Any]]:
        """Every finding ever recorded, with whether the latest run still found it."""
        last = self._conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        rows = self._conn.execute("SELECT id, check_id, item_key, evidence, first_run, last_run "
                                  "FROM findings ORDER BY id").fetchall()
        return [{"id": r[0], "check_id": r[1], "item_key": r[2], "evidence": r[3],
                 "first_run": r[4], "last_run": r[5], "current": r[5] == last} for r in rows]

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
             json.dumps(list(summary.warnings)), run, run))

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception including Ctrl-C."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")


_ITEM_UPSERT = (
    "INSERT OR REPLACE INTO items (key, source_id, id, platform, kind, created_at, created_raw, "
    "author, url, reply_to, audience, text, text_raw, media_json, provenance_json, extra_json) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
_FINDING_UPSERT = (
    "INSERT INTO findings (id, item_key, check_id, category, severity, confidence, evidence, "
    "explanation, standard, span_start, span_end, check_version, details_json, first_run, "
    "last_run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
    "severity=excluded.severity, confidence=excluded.confidence, "
    "explanation=excluded.explanation, standard=excluded.standard, "
    "span_start=excluded.span_start, span_end=excluded.span_end, "
    "check_version=excluded.check_version, details_json=excluded.details_json, "
    "last_run=excluded.last_run")


def _item_row(item: Item) -> tuple[Any, ...]:
    p = item.provenance
    return (item.key, item.source_id, item.id, item.platform, str(item.kind),
            item.created_at.isoformat() if item.created_at else None, item.created_raw,
            item.author, item.url, item.reply_to, str(item.audience), item.text, item.text_raw,
            _json([[m.path, m.url, m.kind] for m in item.media]),
            _json({"path": p.path, "index": p.index, "line": p.line}), _json(dict(item.extra)))


def _finding_row(f: Finding, run: int) -> tuple[Any, ...]:
    start, end = f.span if f.span else (None, None)
    return (f.id, f.item_key, f.check_id, str(f.category), str(f.severity), f.confidence,
            f.evidence, f.explanation, f.standard, start, end, f.check_version,
            _json(dict(f.details)), run, run)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _now() -> str:
    return datetime.now(UTC).isoformat()
