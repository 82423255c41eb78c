"""Retention: export a case as one zip with a manifest of hashes, and purge a case's content.

A purge erases what the accounts said (item text, evidence, notes) and keeps what was done
(the log, ids, hashes, decisions), so the log stays whole and verifiable afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accountaudit import __version__
from accountaudit.errors import OutputError
from accountaudit.review.caselog import LogAction, canonical_json, now, read_entries

if TYPE_CHECKING:
    from accountaudit.review.store import CaseStore

MANIFEST = "manifest.json"
LOG_FILE = "log.jsonl"
DATABASE = "case.sqlite"
README = "README.txt"
EXPORT_FORMAT = "accountaudit case export 1"
_README_TEXT = """\
An accountaudit case export.

case.sqlite   the case database (sources with their SHA-256, items, findings, decisions, log)
log.jsonl     the case log, one entry per line; each entry's "hash" is SHA-256 over the
              previous entry's hash and the canonical JSON of the entry
manifest.json the SHA-256 and size of every other file here, the case id and the log's last hash

Check it with: accountaudit case verify on a case folder holding case.sqlite, or compare the
SHA-256 of each file with manifest.json.
"""


@dataclass(frozen=True, slots=True)
class CaseExport:
    """A written case export: where, its SHA-256, and its manifest."""

    path: Path
    sha256: str
    manifest: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What a purge erased, and sheets written from the case that still hold its content."""

    items: int
    findings: int
    notes: int
    sheets_still_on_disk: tuple[str, ...]


def export_case(store: CaseStore, out: Path, reason: str | None = None) -> CaseExport:
    """Write ``out`` (a .zip): database snapshot, log, README and manifest; then log it."""
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise OutputError(out, "a case export must be a .zip file")
    if out.is_dir() or not out.parent.is_dir():
        raise OutputError(out, "is a folder" if out.is_dir() else
                          f"cannot be written because the folder {out.parent} does not exist")
    if out.resolve().is_relative_to(store.folder.resolve()):
        raise OutputError(out, "is inside the case folder; write the export somewhere else")
    files = {DATABASE: _snapshot(store.connection), README: _README_TEXT.encode()}
    entries = read_entries(store.connection)
    files[LOG_FILE] = "".join(canonical_json(e.as_dict()) + "\n" for e in entries).encode()
    manifest = {
        "format": EXPORT_FORMAT, "case_id": store.case_id, "exported_at": now(),
        "tool_version": __version__, "log_entries": len(entries),
        "log_head": entries[-1].hash if entries else None,
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                  for name, data in files.items()},
    }
    files[MANIFEST] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    digest = _write_zip(out, files)
    with store.transaction():
        store.log(LogAction.EXPORT_CASE, {
            "path": str(out), "sha256": digest, "log_head": manifest["log_head"],
            "manifest_sha256": hashlib.sha256(files[MANIFEST]).hexdigest(), "reason": reason})
    return CaseExport(out, digest, manifest)


def _snapshot(conn: sqlite3.Connection) -> bytes:
    """A consistent copy of the database, made in memory (no temporary file), marked as an
    ordinary single-file database so it opens without its write-ahead log."""
    memory = sqlite3.connect(":memory:")
    try:
        conn.backup(memory)
        data = bytearray(memory.serialize())
    finally:
        memory.close()
    data[18:20] = b"\x01\x01"  # file format write/read version: 1 = rollback journal, 2 = WAL
    return bytes(data)


def _write_zip(out: Path, files: dict[str, bytes]) -> str:
    partial = out.with_name(f".{out.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OutputError(out, f"cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    digest = hashlib.sha256(out.read_bytes())
    return digest.hexdigest()


def purge_case(store: CaseStore, reason: str | None = None) -> PurgeResult:
    """Erase item text, evidence, notes and load warnings; keep ids, hashes, decisions and the
    log (with the purge's own entry). Freed pages are overwritten and the file rebuilt, so the
    erased text is not left in the database file or its write-ahead log."""
    store.require_content()
    conn = store.connection
    conn.execute("PRAGMA secure_delete=ON")
    with store.transaction():
        items = conn.execute("UPDATE items SET text = '', text_raw = NULL, author = NULL, "
                             "reply_to = NULL, media_json = '[]', extra_json = '{}'").rowcount
        findings = conn.execute("UPDATE findings SET evidence = '', "
                                "details_json = '{}'").rowcount
        notes = conn.execute("UPDATE decisions SET note = '' WHERE note != ''").rowcount
        conn.execute("UPDATE sources SET warnings_json = '[]'")
        store.set_meta("purged_at", now())
        store.log(LogAction.PURGE, {"items": items, "findings": findings, "notes": notes,
                                    "reason": reason})
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sheets = tuple(path for (path,) in conn.execute("SELECT path FROM sheets ORDER BY rowid")
                   if Path(path).exists())
    return PurgeResult(items, findings, notes, tuple(dict.fromkeys(sheets)))
