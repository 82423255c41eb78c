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
        assert store.counts() == {"sources": 1, "items": 1, "findings": 1, "runs": 1}
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
