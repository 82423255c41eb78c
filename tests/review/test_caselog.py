"""The case log is append-only and hash-chained; ``verify_case`` says plainly what changed."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import pytest
from case_helpers import scan, small_report, write_jsonl

from accountaudit.model import Decision
from accountaudit.review.caselog import (
    GENESIS,
    LogAction,
    canonical_json,
    chain_problems,
    entry_hash,
    read_entries,
)
from accountaudit.review.decisions import record_decision
from accountaudit.review.store import DB_NAME, CaseStore
from accountaudit.review.verify import verify_case


def _sql(case: Path, *statements: str) -> None:
    conn = sqlite3.connect(case / DB_NAME)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A real scan of one JSONL source with one decision."""
    source = write_jsonl(tmp_path / "posts.jsonl", [
        {"id": "1", "text": "Noisy party at 14 Acacia Avenue, EX4 7QT again."},
        {"id": "2", "text": "lovely day at the park"},
    ])
    folder = tmp_path / "case"
    assert scan([source], folder, tmp_path / "review.xlsx") == 0
    with CaseStore.open(folder, create=False) as store:
        finding = store.finding_rows()[0]["id"]
        record_decision(store, finding, Decision.ADVICE, "spoke to them", "R. Viewer")
    return folder


def test_every_action_is_logged_and_chained(case: Path) -> None:
    with CaseStore.open(case, create=False) as store:
        entries = read_entries(store.connection)
        case_id = store.case_id
    actions = [e.action for e in entries]
    assert actions == [LogAction.CREATE, LogAction.LOAD, LogAction.SCAN,
                       LogAction.EXPORT_SHEET, LogAction.DECISION]
    assert entries[0].prev_hash == GENESIS and entries[0].details == {"case_id": case_id}
    for before, entry in itertools.pairwise(entries):
        assert entry.prev_hash == before.hash
    for entry in entries:
        assert entry.hash == entry_hash(entry.prev_hash, entry.seq, entry.at, entry.user,
                                        entry.tool_version, entry.action, entry.details)
        assert entry.user and entry.tool_version and entry.at.endswith("+00:00")
    load, run = entries[1].details, entries[2].details
    assert len(load["sha256"]) == 64 and load["path"].endswith("posts.jsonl")
    assert run["items"] == 2 and run["findings"] >= 1 and run["run"] == 1
    assert any(check[0] == "AA302" for check in run["checks"])
    assert chain_problems(entries) == []


def test_canonical_json_is_order_independent() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == canonical_json({"a": "é", "b": 1}) == \
        '{"a":"é","b":1}'


@pytest.mark.parametrize("statement", [
    "UPDATE log SET user = 'someone else' WHERE seq = 2",
    "DELETE FROM log WHERE seq = 3",
])
def test_triggers_refuse_update_and_delete(case: Path, statement: str) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _sql(case, statement)


def test_verify_says_everything_is_fine(case: Path) -> None:
    report = verify_case(case)
    assert report.intact, report.changed
    assert any("all 5 entries are intact" in line for line in report.fine)
    assert any("posts.jsonl: unchanged" in line for line in report.fine)
    assert any("decisions: all 1 match" in line for line in report.fine)


def test_an_edited_log_entry_is_detected(case: Path) -> None:
    details = json.dumps({"case_id": "forged"})
    _sql(case, "DROP TRIGGER log_no_update",
         f"UPDATE log SET details_json = '{details}' WHERE seq = 1")
    report = verify_case(case)
    assert not report.intact
    assert any("entry 1 (create" in line and "was altered" in line for line in report.changed)


def test_a_re_hashed_forgery_breaks_the_next_link(case: Path) -> None:
    """An editor who also recomputes the edited entry's hash is caught by the entry after it."""
    with CaseStore.open(case, create=False) as store:
        entry = read_entries(store.connection)[2]
    details = dict(entry.details, findings=0)
    forged = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.user, entry.tool_version,
                        entry.action, details)
    _sql(case, "DROP TRIGGER log_no_update",
         f"UPDATE log SET details_json = '{canonical_json(details)}', hash = '{forged}' "
         "WHERE seq = 3")
    report = verify_case(case)
    assert any("entry 4 does not follow entry 3" in line for line in report.changed)


def test_a_deleted_log_entry_is_detected(case: Path) -> None:
    _sql(case, "DROP TRIGGER log_no_delete", "DELETE FROM log WHERE seq = 2")
    changed = verify_case(case).changed
    assert any("entry 2 is missing" in line for line in changed)
    assert any("the log never recorded loading it" in line for line in changed)


def test_changed_and_missing_sources_are_named(case: Path, tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text(source.read_text(encoding="utf-8").replace("lovely", "awful"),
                      encoding="utf-8")
    changed = verify_case(case).changed
    assert any(f"source {source} changed since it was loaded" in line for line in changed)
    source.unlink()
    changed = verify_case(case).changed
    assert any(f"source {source} is missing" in line for line in changed)


def test_edits_behind_the_logs_back_are_detected(case: Path) -> None:
    _sql(case, "UPDATE decisions SET decision = 'No concern'",
         "UPDATE sources SET sha256 = 'ff'")
    changed = verify_case(case).changed
    assert any("does not match what the log recorded" in line for line in changed)
    assert any("SHA-256 in the case database is not the one the log recorded" in line
               for line in changed)


def test_opening_the_case_puts_a_dropped_trigger_back(case: Path) -> None:
    _sql(case, "DROP TRIGGER log_no_delete")
    with CaseStore.open(case, create=False):
        pass
    with pytest.raises(sqlite3.IntegrityError):
        _sql(case, "DELETE FROM log")


def test_store_level_scan_logs_loads_once_per_new_path(tmp_path: Path) -> None:
    with CaseStore.open(tmp_path / "c") as store:
        store.record_scan(small_report(["a"]))
        store.record_scan(small_report(["a"]))
        store.record_scan(small_report(["a"], path="/moved/a.jsonl"))
        actions = [e.action for e in read_entries(store.connection)]
    assert actions.count(LogAction.LOAD) == 2 and actions.count(LogAction.SCAN) == 3


def test_a_changed_folder_source_is_detected(tmp_path: Path) -> None:
    import shutil

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "twitter" / \
        "invented-data-tweet-2021"
    folder = tmp_path / "export"
    shutil.copytree(fixture, folder)
    case = tmp_path / "case"
    assert scan([folder], case, tmp_path / "r.xlsx") == 0
    assert verify_case(case).intact
    tweets = folder / "data" / "tweet.js"
    tweets.write_text(tweets.read_text(encoding="utf-8").replace("a", "b", 1), encoding="utf-8")
    assert any(f"source {folder} changed since it was loaded" in line
               for line in verify_case(case).changed)
