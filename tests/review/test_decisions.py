"""Decisions: committed the moment they are made, kept as history, logged, and never lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from case_helpers import small_report

from accountaudit.errors import AccountAuditError, CaseError
from accountaudit.model import Decision
from accountaudit.review.caselog import LogAction, chain_problems, read_entries, sha256_text
from accountaudit.review.decisions import (
    current_decisions,
    decision_history,
    parse_decision,
    record_decision,
)
from accountaudit.review.retention import purge_case
from accountaudit.review.store import DB_NAME, CaseStore

EVIDENCE = [f"07911 1234{n:02d}" for n in range(20)]

DRIVER = textwrap.dedent("""
    import itertools, sys
    from accountaudit.model import Decision
    from accountaudit.review.decisions import record_decision
    from accountaudit.review.store import CaseStore

    ids = sys.argv[2:]
    choices = [d for d in Decision if d is not Decision.NOT_REVIEWED]
    with CaseStore.open(sys.argv[1], create=False, user="driver") as store:
        for n in itertools.count():
            fid = ids[n % len(ids)]
            record_decision(store, fid, choices[n % len(choices)], f"note {n}", "Reviewer K")
            print(n, fid, flush=True)
""")


@pytest.fixture
def case(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    with CaseStore.open(folder) as store:
        store.record_scan(small_report(EVIDENCE))
    return folder


def _ids(case: Path) -> list[str]:
    with CaseStore.open(case, create=False) as store:
        return [row["id"] for row in store.finding_rows()]


def test_decision_is_kept_with_note_reviewer_time_and_history(case: Path) -> None:
    first = _ids(case)[0]
    with CaseStore.open(case, create=False) as store:
        record_decision(store, first, "no concern", "fine", reviewer="A. Reviewer")
        made = record_decision(store, first, Decision.REFER, "on second look, refer")
        assert made.reviewer == store.user  # default: the operating system's user name
    with CaseStore.open(case, create=False) as store:
        current = current_decisions(store)
        history = decision_history(store, first)
        entries = read_entries(store.connection)
    assert current[first].decision is Decision.REFER
    assert current[first].note == "on second look, refer"
    assert [h.decision for h in history] == [Decision.NO_CONCERN, Decision.REFER]
    assert history[0].reviewer == "A. Reviewer"
    assert history[0].decided_at <= history[1].decided_at
    decided = [e for e in entries if e.action == LogAction.DECISION]
    assert [e.details["decision"] for e in decided] == ["No concern", "Refer for assessment"]
    # The log holds a fingerprint of the note, never the note itself.
    assert decided[0].details["note_sha256"] == sha256_text("fine")
    assert all("fine" not in str(e.details) for e in entries)


@pytest.mark.parametrize("value, expected", [
    ("No concern", Decision.NO_CONCERN), ("  refer   FOR assessment ", Decision.REFER),
    ("advice / reflective practice", Decision.ADVICE),
])
def test_parse_decision_accepts_any_case_and_spacing(value: str, expected: Decision) -> None:
    assert parse_decision(value) is expected


def test_refuses_unknown_decisions_findings_and_purged_cases(case: Path) -> None:
    with pytest.raises(AccountAuditError, match="'Concern' is not a decision; use one of"):
        parse_decision("Concern")
    with CaseStore.open(case, create=False) as store:
        with pytest.raises(CaseError, match="there is no finding 0000000000000000"):
            record_decision(store, "0000000000000000", Decision.NO_CONCERN)
        assert store.counts()["decisions"] == 0
        purge_case(store)
        with pytest.raises(CaseError, match="content was purged"):
            record_decision(store, _ids(case)[0], Decision.NO_CONCERN)


def test_a_decision_survives_reopening_after_every_commit(case: Path) -> None:
    ids = _ids(case)
    for n, finding in enumerate(ids[:5]):
        with CaseStore.open(case, create=False) as store:
            record_decision(store, finding, Decision.ADVICE, f"n{n}")
    with CaseStore.open(case, create=False) as store:
        assert {k: v.note for k, v in current_decisions(store).items()} == {
            f: f"n{n}" for n, f in enumerate(ids[:5])}


@pytest.mark.parametrize("kill_after", [1, 37, 150])
def test_kill_9_loses_no_saved_decision(case: Path, tmp_path: Path, kill_after: int) -> None:
    """A driver records decisions in a loop, printing each after its commit; SIGKILL it."""
    ids = _ids(case)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(driver), str(case), *ids],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    printed: list[str] = []
    deadline = time.monotonic() + 120
    while len(printed) < kill_after and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        printed.append(line)
    os.kill(proc.pid, signal.SIGKILL)
    rest, err = proc.communicate(timeout=30)
    printed += rest.splitlines(keepends=True)
    assert proc.returncode == -signal.SIGKILL, err
    assert len(printed) >= kill_after, err
    saved = [line.split() for line in printed if line.endswith("\n")]
    conn = sqlite3.connect(case / DB_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = {(note, fid) for note, fid in conn.execute(
            "SELECT note, finding_id FROM decisions WHERE reviewer = 'Reviewer K'")}
    finally:
        conn.close()
    missing = [(n, fid) for n, fid in saved if (f"note {n}", fid) not in rows]
    assert not missing, f"saved decisions lost after kill -9: {missing[:5]}"
    with CaseStore.open(case, create=False) as store:
        assert chain_problems(read_entries(store.connection)) == []
        assert store.counts()["decisions"] >= len(saved)
