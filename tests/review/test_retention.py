"""Retention: a case exported as one zip with a manifest of hashes; a purge erases the content
and keeps a log that still verifies, with the purge's own entry."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from case_helpers import scan, write_jsonl

from accountaudit.errors import CaseError, OutputError
from accountaudit.model import Decision
from accountaudit.review.caselog import LogAction, chain_problems, read_entries
from accountaudit.review.decisions import current_decisions, record_decision
from accountaudit.review.retention import export_case, purge_case
from accountaudit.review.store import CaseStore
from accountaudit.review.verify import verify_case

SECRET_TEXT = "Qwertzuiop party at 14 Acacia Avenue, EX4 7QT again"
SECRET_NOTE = "Xylophonic note about the officer"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    source = write_jsonl(tmp_path / "posts.jsonl", [{"id": "1", "text": SECRET_TEXT}])
    folder = tmp_path / "case"
    assert scan([source], folder, tmp_path / "review.xlsx") == 0
    with CaseStore.open(folder, create=False) as store:
        record_decision(store, store.finding_rows()[0]["id"], Decision.REFER, SECRET_NOTE)
    return folder


def test_export_zip_holds_database_log_and_a_manifest_of_hashes(case: Path,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "case.zip"
    with CaseStore.open(case, create=False) as store:
        result = export_case(store, out, reason="IOPC request 123")
        entries = read_entries(store.connection)
        case_id = store.case_id
    assert result.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        files = {name: archive.read(name) for name in names}
    assert names == {"case.sqlite", "log.jsonl", "manifest.json", "README.txt"}
    assert manifest["case_id"] == case_id and set(manifest["files"]) == names - {"manifest.json"}
    for name, info in manifest["files"].items():
        assert info["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert info["size"] == len(files[name])
    logged = [json.loads(line) for line in files["log.jsonl"].decode().splitlines()]
    assert [e["hash"] for e in logged] == [e.hash for e in entries[:-1]]
    assert manifest["log_head"] == logged[-1]["hash"]
    assert entries[-1].action == LogAction.EXPORT_CASE
    assert entries[-1].details["sha256"] == result.sha256
    assert entries[-1].details["reason"] == "IOPC request 123"
    snapshot = sqlite3.connect(":memory:")
    snapshot.deserialize(files["case.sqlite"])
    assert snapshot.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert snapshot.execute("SELECT COUNT(*) FROM log").fetchone()[0] == len(logged)
    assert snapshot.execute("SELECT note FROM decisions").fetchone()[0] == SECRET_NOTE
    snapshot.close()
    assert not list(tmp_path.glob(".*partial"))
    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / "case.sqlite").write_bytes(files["case.sqlite"])
    report = verify_case(restored)
    assert report.intact and report.head_hash == manifest["log_head"]


@pytest.mark.parametrize("name", ["case.tar", "case/inside.zip"])
def test_export_refuses_bad_targets(case: Path, tmp_path: Path, name: str) -> None:
    with CaseStore.open(case, create=False) as store, pytest.raises(OutputError):
        export_case(store, tmp_path / name if name != "case/inside.zip" else case / "x.zip")


def test_purge_erases_content_and_keeps_a_verifiable_log(case: Path, tmp_path: Path) -> None:
    with CaseStore.open(case, create=False) as store:
        decided = current_decisions(store)
        result = purge_case(store, reason="retention period ended")
        entries = read_entries(store.connection)
        assert store.counts()["items"] == 1 and store.counts()["decisions"] == 1
        after = current_decisions(store)
    assert (result.items, result.findings, result.notes) == (1, 1, 1)
    assert result.sheets_still_on_disk == (str((tmp_path / "review.xlsx").resolve()),)
    assert entries[-1].action == LogAction.PURGE
    assert entries[-1].details["reason"] == "retention period ended"
    assert chain_problems(entries) == []
    assert {k: v.decision for k, v in after.items()} == {k: v.decision
                                                         for k, v in decided.items()}
    assert all(v.note == "" for v in after.values())
    for path in case.iterdir():  # the database and any write-ahead log
        raw = path.read_bytes()
        for secret in (SECRET_TEXT, SECRET_NOTE, "Qwertzuiop", "EX4 7QT"):
            assert secret.encode() not in raw, (path.name, secret)
    report = verify_case(case)
    assert report.intact, report.changed
    with CaseStore.open(case, create=False) as store, pytest.raises(CaseError, match="purged"):
        purge_case(store)
