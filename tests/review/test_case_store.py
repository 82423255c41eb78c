"""The case folder keeps sources, items and findings, and keeps findings that stop firing."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accountaudit.check import CheckInfo
from accountaudit.errors import CaseError
from accountaudit.model import (
    Category,
    Finding,
    Item,
    ItemKind,
    Provenance,
    Severity,
    Source,
    finding_id,
)
from accountaudit.report import ReportData, SourceSummary
from accountaudit.review.store import DB_NAME, CaseStore

SOURCE = Source("abc123abc123", "/x/a.jsonl", "generic", "generic-jsonl", "ab" * 32, 10, "jsonl@1")
ITEM = Item("abc123abc123", "1", "x", ItemKind.POST, "call 07911 123456",
            Provenance("abc123abc123", "a.jsonl", line=1))
INFO = CheckInfo("AA301", "Phone", Category.CONFIDENTIALITY_PERSONAL_DATA, Severity.HIGH, "std",
                 "why", "1", "built-in")


def _finding(evidence: str) -> Finding:
    return Finding(finding_id("AA301", ITEM.key, evidence), ITEM.key, "AA301",
                   Category.CONFIDENTIALITY_PERSONAL_DATA, Severity.HIGH, 0.9, evidence, "why",
                   "std", (5, 17))


def _data(*findings: Finding) -> ReportData:
    return ReportData("0.1.0", datetime(2026, 1, 1, tzinfo=UTC),
                      [SourceSummary(SOURCE, {ItemKind.POST: 1})], {ITEM.key: ITEM},
                      list(findings), [INFO])


def test_record_and_reopen(tmp_path: Path) -> None:
    case = tmp_path / "case"
    with CaseStore.open(case) as store:
        case_id = store.case_id
        assert store.record_scan(_data(_finding("07911 123456"))) == 1
        assert store.counts() == {"sources": 1, "items": 1, "findings": 1, "runs": 1,
                                  "decisions": 0, "log": 3}
    with CaseStore.open(case) as store:
        assert store.case_id == case_id
        assert store.source_hashes() == {"/x/a.jsonl": "ab" * 32}


def test_findings_that_stop_firing_are_kept_and_marked(tmp_path: Path) -> None:
    with CaseStore.open(tmp_path / "c") as store:
        old, new = _finding("07911 123456"), _finding("07911 654321")
        store.record_scan(_data(old))
        store.record_scan(_data(new, dataclasses.replace(old, confidence=0.5)))
        store.record_scan(_data(new))
        rows = {r["evidence"]: r for r in store.finding_rows()}
    assert rows["07911 123456"]["current"] is False and rows["07911 123456"]["last_run"] == 2
    assert rows["07911 654321"]["current"] is True and rows["07911 654321"]["first_run"] == 2


def test_a_failed_scan_leaves_the_case_unchanged(tmp_path: Path) -> None:
    with CaseStore.open(tmp_path / "c") as store:
        store.record_scan(_data(_finding("a")))
        broken = dataclasses.replace(_data(), findings=[_finding("b"), None])  # type: ignore[list-item]
        with pytest.raises(AttributeError):
            store.record_scan(broken)
        assert store.counts()["runs"] == 1 and store.counts()["findings"] == 1


def test_refuses_a_non_empty_folder_that_is_not_a_case(tmp_path: Path) -> None:
    (tmp_path / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(CaseError, match="is not a case folder and is not empty"):
        CaseStore.open(tmp_path)
    assert not (tmp_path / DB_NAME).exists()


def test_refuses_a_file_and_a_damaged_database(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(CaseError, match="is a file"):
        CaseStore.open(tmp_path / "f")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CaseError, match="cannot be opened as a case database"):
        CaseStore.open(bad)


def test_refuses_a_case_from_another_format_version(tmp_path: Path) -> None:
    with CaseStore.open(tmp_path / "c"):
        pass
    conn = sqlite3.connect(tmp_path / "c" / DB_NAME)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(CaseError, match="case format 99"):
        CaseStore.open(tmp_path / "c")


V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
  id TEXT PRIMARY KEY, path TEXT NOT NULL, platform TEXT NOT NULL, layout TEXT NOT NULL,
  sha256 TEXT NOT NULL, size INTEGER NOT NULL, loader TEXT NOT NULL, account TEXT,
  counts_json TEXT NOT NULL, warnings_json TEXT NOT NULL, first_run INTEGER NOT NULL,
  last_run INTEGER NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, tool_version TEXT NOT NULL,
  include_messages INTEGER NOT NULL, checks_json TEXT NOT NULL, failures_json TEXT NOT NULL,
  source_ids_json TEXT NOT NULL);
CREATE TABLE items (
  key TEXT PRIMARY KEY, source_id TEXT NOT NULL REFERENCES sources(id), id TEXT NOT NULL,
  platform TEXT NOT NULL, kind TEXT NOT NULL, created_at TEXT, created_raw TEXT, author TEXT,
  url TEXT, reply_to TEXT, audience TEXT NOT NULL, text TEXT NOT NULL, text_raw TEXT,
  media_json TEXT NOT NULL, provenance_json TEXT NOT NULL, extra_json TEXT NOT NULL);
CREATE TABLE findings (
  id TEXT PRIMARY KEY, item_key TEXT NOT NULL REFERENCES items(key), check_id TEXT NOT NULL,
  category TEXT NOT NULL, severity TEXT NOT NULL, confidence REAL NOT NULL, evidence TEXT NOT NULL,
  explanation TEXT NOT NULL, standard TEXT NOT NULL, span_start INTEGER, span_end INTEGER,
  check_version TEXT NOT NULL, details_json TEXT NOT NULL, first_run INTEGER NOT NULL,
  last_run INTEGER NOT NULL);
"""


def _v1_case(folder: Path) -> str:
    """A case exactly as format 1 (schema version 1) left it: one run, source, item, finding."""
    folder.mkdir()
    conn = sqlite3.connect(folder / DB_NAME)
    conn.executescript(V1_SCHEMA)
    finding = _finding("07911 123456")
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("schema_version", "1"), ("case_id", "v1case"), ("created_at", "2025-01-01T00:00:00"),
        ("created_by_tool", "0.0.9")])
    conn.execute("INSERT INTO runs VALUES (1, '2025-01-01T00:00:00', '0.0.9', 0, "
                 "'[[\"AA301\", \"1\", \"built-in\"]]', '[]', '[\"abc123abc123\"]')")
    conn.execute("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                 (SOURCE.id, SOURCE.path, SOURCE.platform, SOURCE.layout, SOURCE.sha256,
                  SOURCE.size, SOURCE.loader, None, '{"post": 1}', "[]", 1, 1))
    conn.execute("INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 (ITEM.key, ITEM.source_id, ITEM.id, ITEM.platform, "post", None, None, None,
                  None, None, "unknown", ITEM.text, None, "[]", '{"path": "a.jsonl"}', "{}"))
    conn.execute("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 (finding.id, ITEM.key, "AA301", str(finding.category), "high", 0.9,
                  finding.evidence, "why", "std", 5, 17, "1", "{}", 1, 1))
    conn.commit()
    conn.close()
    return finding.id


def test_a_format_1_case_is_upgraded_in_place_and_logged(tmp_path: Path) -> None:
    from accountaudit.model import Decision
    from accountaudit.review.case_view import case_report
    from accountaudit.review.caselog import LogAction, read_entries
    from accountaudit.review.decisions import current_decisions, record_decision
    from accountaudit.review.verify import verify_case

    old_finding = _v1_case(tmp_path / "c")
    with CaseStore.open(tmp_path / "c", create=False) as store:
        assert store.case_id == "v1case"
        entries = read_entries(store.connection)
        assert [e.action for e in entries] == [LogAction.MIGRATE]
        assert entries[0].details["sources"] == [[SOURCE.id, SOURCE.path, SOURCE.sha256]]
        assert entries[0].details["from"] == "1" and entries[0].details["runs"] == 1
        record_decision(store, old_finding, Decision.NO_CONCERN, "checked")
        store.record_scan(_data(_finding("07911 123456")))
        assert store.counts()["runs"] == 2
        assert current_decisions(store)[old_finding].decision is Decision.NO_CONCERN
        report = case_report(store)
        assert [f.id for f in report.findings] == [old_finding]
        assert report.checks[0].id == "AA301"
    conn = sqlite3.connect(tmp_path / "c" / DB_NAME)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
    conn.close()
    report = verify_case(tmp_path / "c", rehash=False)
    assert report.intact, report.changed
