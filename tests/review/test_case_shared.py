"""The case file over the team's real samples and labelled corpus (skipped when ../shared is
absent): every sample verifies after a scan, and the corpus round-trips and diffs exactly."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from case_helpers import scan

from accountaudit.errors import InputError
from accountaudit.export.xlsx_read import read_returned_sheet
from accountaudit.model import Decision
from accountaudit.review.captures import compare_paths
from accountaudit.review.decisions import current_decisions
from accountaudit.review.sheet_import import import_sheet
from accountaudit.review.store import CaseStore
from accountaudit.review.verify import verify_case
from accountaudit.sources.registry import open_source


def _samples(shared: Path) -> list[Path]:
    found = []
    for folder in sorted((shared / "samples").glob("*/*")):
        if not folder.is_dir():
            continue
        try:
            with open_source(folder):
                found.append(folder)
        except InputError:
            continue
    return found


def test_every_loadable_sample_scans_into_a_case_that_verifies(shared: Path,
                                                               tmp_path: Path) -> None:
    samples = _samples(shared)
    if not samples:
        pytest.skip("no sample in ../shared/samples opens as a whole folder")
    case = tmp_path / "case"
    assert scan(samples, case, tmp_path / "review.xlsx") == 0
    report = verify_case(case)
    assert report.intact, report.changed
    assert sum("unchanged (SHA-256" in line for line in report.fine) == len(samples)


def test_corpus_round_trip_and_diff(shared: Path, tmp_path: Path) -> None:
    corpus = shared / "corpus" / "dev.jsonl"
    if not corpus.is_file():
        pytest.skip(f"{corpus} is missing")
    case = tmp_path / "case"
    assert scan([corpus], case, tmp_path / "review.xlsx", "--include-messages") == 0
    wb = openpyxl.load_workbook(tmp_path / "review.xlsx")
    ws = wb["Findings"]
    header = [c.value for c in ws[1]]
    column = header.index("Decision") + 1
    choices = [d.value for d in Decision if d is not Decision.NOT_REVIEWED]
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=column).value = choices[row % len(choices)]
    wb.save(tmp_path / "back.xlsx")
    with CaseStore.open(case, create=False) as store:
        result = import_sheet(store, read_returned_sheet(tmp_path / "back.xlsx"))
        decided = current_decisions(store)
    assert result.complete and len(result.imported) == ws.max_row - 1 == len(decided)

    lines = corpus.read_text(encoding="utf-8").splitlines()
    kept = [line for n, line in enumerate(lines) if n % 3]
    (tmp_path / "later.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    comparison = compare_paths(corpus, tmp_path / "later.jsonl", include_messages=True)
    removed = {json.loads(line)["id"] for n, line in enumerate(lines)
               if not n % 3 and line.strip()}
    assert {c.item.id for c in comparison.changes} == removed
    assert all(c.change.value == "deleted" for c in comparison.changes)
