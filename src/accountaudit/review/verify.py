"""``case verify``: is the log unbroken, are the sources as loaded, do decisions match the log?

Everything is said in plain sentences, split into what is fine and what changed, so a reviewer
can put the result in a report as it is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from accountaudit.errors import InputError
from accountaudit.model import Source
from accountaudit.review.case_view import file_sha256
from accountaudit.review.caselog import LogAction, LogEntry, chain_problems, read_entries
from accountaudit.review.caselog import sha256_text as note_hash
from accountaudit.review.rows import SOURCE_COLUMNS, source_from_row
from accountaudit.review.store import CaseStore
from accountaudit.sources.registry import open_source


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What ``case verify`` found: sentences about what is fine and what changed."""

    case_id: str
    entries: int
    head_hash: str
    fine: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True when nothing changed."""
        return not self.changed


def verify_case(folder: Path, rehash: bool = True) -> VerifyReport:
    """Check the log chain, each source's SHA-256 (re-read from its recorded path when
    ``rehash``), and that every decision matches the log entry written with it."""
    with CaseStore.open(folder, create=False) as store:
        entries = read_entries(store.connection)
        report = VerifyReport(store.case_id, len(entries), entries[-1].hash if entries else "")
        check_log(entries, report)
        sources = [source_from_row(row) for row in store.connection.execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources ORDER BY first_run, rowid")]
        _check_recorded_hashes(sources, entries, report)
        _check_decisions(store.connection, entries, store.purged_at is not None, report)
    if rehash:
        where = _loaded_from(entries)
        for source in sources:
            _rehash(source, where.get(source.id, Path(source.path)), report)
    return report


def _loaded_from(entries: Iterable[LogEntry]) -> dict[str, Path]:
    """Source id -> the full path it was last loaded from (a relative path as given on the
    command line would depend on the folder verify runs in)."""
    found = {}
    for entry in entries:
        resolved = entry.details.get("resolved_path")
        if entry.action == LogAction.LOAD and resolved:
            found[str(entry.details.get("source"))] = Path(str(resolved))
    return found


def check_log(entries: list[LogEntry], report: VerifyReport) -> None:
    """Add the chain's verdict to ``report``."""
    problems = chain_problems(entries)
    report.changed.extend(f"case log: {problem}" for problem in problems)
    if not problems:
        report.fine.append(f"case log: all {len(entries):,} entries are intact and chained")


def _check_recorded_hashes(sources: list[Source], entries: Iterable[LogEntry],
                           report: VerifyReport) -> None:
    logged: dict[str, set[str]] = {}
    for entry in entries:
        if entry.action == LogAction.LOAD:
            logged.setdefault(str(entry.details.get("source")), set()).add(
                str(entry.details.get("sha256")))
        elif entry.action == LogAction.MIGRATE:
            for source_id, _path, sha in entry.details.get("sources") or []:
                logged.setdefault(str(source_id), set()).add(str(sha))
    for source in sources:
        hashes = logged.get(source.id)
        if hashes is None:
            report.changed.append(f"source {source.path}: it is in the case but the log never "
                                  "recorded loading it")
        elif source.sha256 not in hashes:
            report.changed.append(f"source {source.path}: its SHA-256 in the case database is not "
                                  "the one the log recorded when it was loaded")


def _check_decisions(conn: sqlite3.Connection, entries: list[LogEntry], purged: bool,
                     report: VerifyReport) -> None:
    by_seq = {entry.seq: entry for entry in entries if entry.action == LogAction.DECISION}
    rows = conn.execute("SELECT id, finding_id, decision, note, reviewer, log_seq "
                        "FROM decisions ORDER BY id").fetchall()
    bad = 0
    for _, finding, decision, note, reviewer, seq in rows:
        entry = by_seq.pop(seq, None)
        d = entry.details if entry is not None else {}
        same = (entry is not None and d.get("finding") == finding
                and d.get("decision") == decision and d.get("reviewer") == reviewer
                and (purged or d.get("note_sha256") == note_hash(note)))
        if not same:
            bad += 1
            report.changed.append(f"decision on finding {finding} (log entry {seq}) does not "
                                  "match what the log recorded: it was edited in the database")
    for seq, entry in sorted(by_seq.items()):
        report.changed.append(f"the decision of log entry {seq} on finding "
                              f"{entry.details.get('finding')} is missing from the case")
    if not bad and not by_seq:
        report.fine.append(f"decisions: all {len(rows):,} match the log")


def _current_hash(path: Path) -> str:
    """A file's SHA-256 is of its bytes (any loader would agree); a folder's is the loaders'
    tree hash over every file's name and SHA-256, so the registry computes it."""
    if path.is_file():
        return file_sha256(path)
    with open_source(path) as opened:
        return opened.source.sha256


def _rehash(source: Source, path: Path, report: VerifyReport) -> None:
    if not path.exists():
        report.changed.append(f"source {source.path} is missing (it is not at the path "
                              "recorded when it was loaded)")
        return
    try:
        now = _current_hash(path)
    except OSError as exc:
        report.changed.append(f"source {source.path} cannot be read now ({exc.strerror})")
        return
    except InputError as exc:
        report.changed.append(f"source {source.path} changed since it was loaded: it can no "
                              f"longer be read as an export ({exc.problem})")
        return
    if now == source.sha256:
        report.fine.append(f"source {source.path}: unchanged (SHA-256 {now})")
    else:
        report.changed.append(f"source {source.path} changed since it was loaded (SHA-256 "
                              f"was {source.sha256}, now {now})")
