"""The append-only case log: who did what to the case, when, with which tool, chained by hash.

Each entry's hash is SHA-256 over the previous entry's hash and a canonical JSON of the entry,
so changing, removing or inserting an entry breaks the chain from that point on. SQLite
triggers refuse UPDATE and DELETE on the table; the chain catches anyone who drops them.
Entries hold metadata only (ids, hashes, counts), never archive text or notes, so a purge can
erase content while the log stays whole (ICO guidance on logging).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from accountaudit import __version__

GENESIS = "0" * 64
"""The "previous hash" of the first entry."""


class LogAction(StrEnum):
    """What a log entry records."""

    CREATE = "create"
    MIGRATE = "migrate"
    LOAD = "load"
    SCAN = "scan"
    COMPARE = "compare"
    DECISION = "decision"
    IMPORT = "import"
    EXPORT_SHEET = "export-sheet"
    EXPORT_CASE = "export-case"
    PURGE = "purge"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry of the case log, exactly as stored."""

    seq: int
    at: str
    user: str
    tool_version: str
    action: str
    details: Mapping[str, Any]
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        """The entry as plain JSON-ready data (for ``case log --json`` and case exports)."""
        return {"seq": self.seq, "at": self.at, "user": self.user,
                "tool_version": self.tool_version, "action": self.action,
                "details": dict(self.details), "prev_hash": self.prev_hash, "hash": self.hash}


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, seq: int, at: str, user: str, tool_version: str, action: str,
               details: Mapping[str, Any]) -> str:
    """SHA-256 (hex) over the previous hash and the canonical JSON of the entry."""
    body = canonical_json({"seq": seq, "at": at, "user": user, "tool_version": tool_version,
                           "action": action, "details": details})
    return hashlib.sha256((prev_hash + body).encode("utf-8", "surrogatepass")).hexdigest()


def sha256_text(text: str) -> str | None:
    """A note's fingerprint for the log (the note itself stays out of it); None when empty."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() if text else None


def os_user() -> str:
    """The name the operating system knows the current user by ("unknown" if it cannot say)."""
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # getpass raises OSError, KeyError or ImportError depending on platform
        return "unknown"


def now() -> str:
    """The current time as ISO 8601 UTC, to the microsecond."""
    return datetime.now(UTC).isoformat()


def append(conn: sqlite3.Connection, user: str, action: LogAction,
           details: Mapping[str, Any]) -> LogEntry:
    """Add one entry; the caller holds the transaction that also makes the change it records."""
    last = conn.execute("SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (1, GENESIS) if last is None else (int(last[0]) + 1, str(last[1]))
    at = now()
    details = json.loads(canonical_json(details))  # exactly what a reader will get back
    digest = entry_hash(prev, seq, at, user, __version__, action.value, details)
    conn.execute("INSERT INTO log (seq, at, user, tool_version, action, details_json, prev_hash, "
                 "hash) VALUES (?,?,?,?,?,?,?,?)",
                 (seq, at, user, __version__, action.value, canonical_json(details), prev, digest))
    return LogEntry(seq, at, user, __version__, action.value, details, prev, digest)


def read_entries(conn: sqlite3.Connection) -> list[LogEntry]:
    """Every entry in order."""
    rows = conn.execute("SELECT seq, at, user, tool_version, action, details_json, prev_hash, "
                        "hash FROM log ORDER BY seq").fetchall()
    return [_entry(row) for row in rows]


def _entry(row: Sequence[Any]) -> LogEntry:
    try:
        details = json.loads(row[5])
    except (TypeError, ValueError):
        details = {"unreadable": str(row[5])}
    if not isinstance(details, dict):
        details = {"unreadable": str(row[5])}
    return LogEntry(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), details,
                    str(row[6]), str(row[7]))


def chain_problems(entries: Sequence[LogEntry]) -> list[str]:
    """Plain sentences for every break in the chain; empty when the log is intact."""
    problems: list[str] = []
    prev_hash, expected_seq = GENESIS, 1
    for entry in entries:
        if entry.seq != expected_seq:
            gap = (f"entry {expected_seq} is missing" if entry.seq == expected_seq + 1 else
                   f"entries {expected_seq} to {entry.seq - 1} are missing")
            problems.append(f"{gap} (removed from the log)")
        recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.user,
                                entry.tool_version, entry.action, entry.details)
        if recomputed != entry.hash:
            problems.append(f"entry {entry.seq} ({entry.action}, {entry.at}) was altered after "
                            "it was written")
        elif entry.prev_hash != prev_hash and entry.seq == expected_seq:
            problems.append(f"entry {entry.seq} does not follow entry {entry.seq - 1}: an entry "
                            "before it was altered, replaced or inserted")
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    return problems


def describe(entry: LogEntry) -> str:
    """One line for ``case log``: what the entry says, in words."""
    d = entry.details
    text = _DESCRIBERS.get(entry.action, _generic)(d)
    return f"{entry.seq:>5}  {entry.at[:19].replace('T', ' ')}  {entry.user}  {text}"


def _generic(d: Mapping[str, Any]) -> str:
    return canonical_json(d)


def _load(d: Mapping[str, Any]) -> str:
    return (f"loaded {d.get('path')} ({d.get('platform')}, {d.get('layout')}), "
            f"SHA-256 {d.get('sha256')}")


def _scan(d: Mapping[str, Any]) -> str:
    return (f"scan run {d.get('run')} with accountaudit {d.get('tool_version')}: "
            f"{d.get('items')} items, {d.get('findings')} findings "
            f"({d.get('new_findings')} new, {d.get('no_longer_found')} no longer found), "
            f"{len(d.get('checks') or [])} checks")


def _decision(d: Mapping[str, Any]) -> str:
    note = " with a note" if d.get("note_sha256") else ""
    via = f" (from sheet {d['sheet']})" if d.get("sheet") else ""
    return f"decision on {d.get('finding')}: {d.get('decision')}{note}, by {d.get('reviewer')}{via}"


def _describers() -> dict[str, Any]:
    return {
        LogAction.CREATE: lambda d: f"case {d.get('case_id')} created",
        LogAction.MIGRATE: lambda d: (f"case upgraded from format {d.get('from')} to "
                                      f"{d.get('to')} ({len(d.get('sources') or [])} sources "
                                      f"and {d.get('runs')} runs already in it)"),
        LogAction.LOAD: _load,
        LogAction.SCAN: _scan,
        LogAction.COMPARE: lambda d: (f"compared {d.get('new_path')} with the earlier capture "
                                      f"{d.get('old_path')}: {d.get('deleted')} deleted, "
                                      f"{d.get('edited')} edited, {d.get('added')} added"),
        LogAction.DECISION: _decision,
        LogAction.IMPORT: lambda d: (f"imported {d.get('imported')} decisions from "
                                     f"{d.get('path')} (sheet {d.get('sheet')}); "
                                     f"{d.get('conflicts')} conflicts kept, "
                                     f"{d.get('unmatched')} rows not matched"),
        LogAction.EXPORT_SHEET: lambda d: (f"review sheet {d.get('path')} written "
                                           f"(sheet {d.get('sheet')}, {d.get('findings')} "
                                           f"findings), SHA-256 {d.get('sha256')}"),
        LogAction.EXPORT_CASE: lambda d: (f"case exported to {d.get('path')}, SHA-256 "
                                          f"{d.get('sha256')}"
                                          + (f"; reason: {d['reason']}" if d.get("reason")
                                             else "")),
        LogAction.PURGE: lambda d: (f"content purged: {d.get('items')} items, "
                                    f"{d.get('findings')} findings, {d.get('notes')} notes"
                                    + (f"; reason: {d['reason']}" if d.get("reason") else "")),
    }


_DESCRIBERS = _describers()
