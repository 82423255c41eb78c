"""Re-runs keep decisions attached by stable finding id; findings that stop firing are kept and
marked, and a run narrowed with --checks does not mark the checks it left out."""

from __future__ import annotations

import textwrap
from pathlib import Path

import openpyxl
from case_helpers import finding_ids, scan, write_jsonl

from accountaudit.model import Decision
from accountaudit.review.decisions import current_decisions, record_decision
from accountaudit.review.store import CaseStore

PACK = """
[pack]
id = "force-local"
version = "{version}"
title = "A force's own words"

[[rule]]
id = "GMP150"
title = "Local insult"
category = "language.abusive"
severity = "medium"
confidence = 0.6
explanation = "A local insult aimed at a person."
terms = {terms}
examples.flag = ["what a zorblat that driver was"]
examples.pass = ["a lovely day"]
"""


def _pack(folder: Path, version: str, terms: list[str]) -> Path:
    folder.mkdir()
    text = PACK.format(version=version, terms=str(terms).replace("'", '"'))
    (folder / "force.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def _table(path: Path) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)["Findings"]
    header = [cell.value for cell in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=False))
            for row in ws.iter_rows(min_row=2)]


def test_decisions_survive_a_changed_rule_pack_and_more_sources(tmp_path: Path) -> None:
    posts = write_jsonl(tmp_path / "posts.jsonl", [
        {"id": "1", "text": "what a zorblat that driver was"},
        {"id": "2", "text": "an absolute quibbix at the lights today"},
        {"id": "3", "text": "Noisy party at 14 Acacia Avenue, EX4 7QT again."},
    ])
    case, v1, v2 = tmp_path / "case", _pack(tmp_path / "v1", "1", ["zorblat", "quibbix"]), \
        _pack(tmp_path / "v2", "2", ["zorblat"])
    assert scan([posts], case, tmp_path / "r1.xlsx", "--rules", str(v1)) == 0
    first = finding_ids(case)
    kept, dropped = first["zorblat"]["id"], first["quibbix"]["id"]
    with CaseStore.open(case, create=False) as store:
        record_decision(store, kept, Decision.ADVICE, "words with the officer", "Sgt Grey")
        record_decision(store, dropped, Decision.NO_CONCERN, "", "Sgt Grey")

    assert scan([posts], case, tmp_path / "r2.xlsx", "--rules", str(v2)) == 0
    second = finding_ids(case)
    assert second["zorblat"]["id"] == kept and second["zorblat"]["current"]
    assert second["quibbix"]["id"] == dropped and not second["quibbix"]["current"]
    assert second["quibbix"]["gone_at_run"] == 2
    with CaseStore.open(case, create=False) as store:
        decisions = current_decisions(store)
    assert decisions[kept].decision is Decision.ADVICE
    assert decisions[dropped].decision is Decision.NO_CONCERN

    rows = {row["Finding ID"]: row for row in _table(tmp_path / "r2.xlsx")}
    assert rows[kept]["Decision"] == Decision.ADVICE.value
    assert rows[kept]["Note"] == "words with the officer"
    assert str(rows[kept]["Decided by"]).startswith("Sgt Grey, ")
    assert rows[kept]["Status"] == "Found"
    assert str(rows[dropped]["Status"]).startswith("No longer found by run 2")
    assert rows[dropped]["Decision"] == Decision.NO_CONCERN.value
    assert list(rows)[-1] == dropped  # no-longer-found rows follow the current ones

    more = write_jsonl(tmp_path / "more.jsonl", [{"id": "9", "text": "another zorblat"}])
    assert scan([posts, more], case, tmp_path / "r3.xlsx", "--rules", str(v2)) == 0
    with CaseStore.open(case, create=False) as store:
        third = {row["id"]: row for row in store.finding_rows()}
        assert current_decisions(store)[kept].decision is Decision.ADVICE
    assert len(third) == 4 and third[kept]["current"] and third[kept]["last_run"] == 3


def test_a_run_narrowed_with_checks_marks_nothing_it_did_not_run(tmp_path: Path) -> None:
    posts = write_jsonl(tmp_path / "posts.jsonl", [
        {"id": "1", "text": "what a zorblat that driver was"},
        {"id": "3", "text": "Noisy party at 14 Acacia Avenue, EX4 7QT again."},
    ])
    rules, case = _pack(tmp_path / "rules", "1", ["zorblat"]), tmp_path / "case"
    assert scan([posts], case, tmp_path / "r1.xlsx", "--rules", str(rules)) == 0
    assert scan([posts], case, tmp_path / "r2.xlsx", "--rules", str(rules),
                "--checks", "AA302") == 0
    rows = finding_ids(case)
    assert rows["zorblat"]["current"] and rows["ex4 7qt"]["current"]
    assert "Status" not in _table(tmp_path / "r2.xlsx")[0]
