"""The review sheet from a case: decisions filled in, findings no longer found marked, the sheet's
own id and export time on the Summary, a Changes tab; and returned sheets read leniently."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest

from accountaudit.export.xlsx import write_changes_sheet, write_review_sheet
from accountaudit.export.xlsx_read import read_returned_sheet
from accountaudit.model import Decision, ItemKind
from accountaudit.report import ChangeKind, Comparison, DecisionRecord, ItemChange

if TYPE_CHECKING:
    from tests.export.conftest import ReportBuilder

EXPORTED = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)


def _rows(path: Path, tab: str = "Findings") -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[tab]
    header = [cell.value for cell in ws[1]]
    rows = []
    for cells in ws.iter_rows(min_row=2):
        if cells[0].value is None:
            break
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


def _case_data(builder: ReportBuilder) -> Any:
    kept = builder.finding(evidence="kept")
    gone = builder.finding(evidence="gone")
    fresh = builder.finding(evidence="fresh")
    data = builder.build(case_id="CASE-9")
    decided = DecisionRecord(kept.id, Decision.MANAGEMENT_ACTION, "note kept", "Insp Moss",
                             datetime(2025, 3, 1, 9, 30, tzinfo=UTC))
    return dataclasses.replace(
        data, findings=[kept, fresh], earlier_findings=[gone],
        gone={gone.id: "no longer found by run 2 (2025-03-02)"},
        decisions={kept.id: decided}, sheet_id="sheet-abc", exported_at=EXPORTED), kept, gone


def test_case_sheet_fills_decisions_and_marks_findings_no_longer_found(
        builder: ReportBuilder, tmp_path: Path) -> None:
    data, kept, gone = _case_data(builder)
    out = tmp_path / "case.xlsx"
    write_review_sheet(data, out)
    rows = _rows(out)
    header = list(rows[0])
    assert header[:4] == ["Finding ID", "Severity", "Status", "Category"]
    assert header[-3:] == ["Decision", "Note", "Decided by"]
    by_id = {row["Finding ID"].value: row for row in rows}
    assert [row["Finding ID"].value for row in rows][-1] == gone.id
    assert by_id[kept.id]["Decision"].value == Decision.MANAGEMENT_ACTION.value
    assert by_id[kept.id]["Note"].value == "note kept"
    assert by_id[kept.id]["Decided by"].value == "Insp Moss, 2025-03-01 09:30 UTC"
    assert by_id[kept.id]["Status"].value == "Found"
    assert by_id[gone.id]["Status"].value == "no longer found by run 2 (2025-03-02)"
    assert by_id[gone.id]["Status"].font.i
    ws = openpyxl.load_workbook(out)["Findings"]
    validation = ws.data_validations.dataValidation[0]
    column = by_id[kept.id]["Decision"].column_letter
    assert str(validation.sqref) == f"{column}2:{column}4"
    facts = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["Summary"].iter_rows(
        max_col=2) if r[0].value}
    assert facts["Sheet ID"] == "sheet-abc" and facts["Exported (UTC)"] == "2025-03-04 05:06:07"
    assert facts["Findings"].startswith("2, plus 1 no longer found")
    assert facts["Decisions in the case"] == "Management action: 1"
    returned = read_returned_sheet(out)
    assert returned.case_id == "CASE-9" and returned.sheet_id == "sheet-abc"
    assert returned.exported_at == EXPORTED.replace(microsecond=0)
    assert {r.finding_id: r.decision for r in returned.rows}[kept.id] == "Management action"


def test_changes_tab_follows_findings_with_deletions_first(builder: ReportBuilder,
                                                           tmp_path: Path) -> None:
    old_post = builder.item("I said this")
    edited_old = builder.item("before the edit")
    data = builder.build()
    edited_new = dataclasses.replace(edited_old, text="after the edit")
    added = dataclasses.replace(old_post, id="9999", text="new post", kind=ItemKind.REPLY)
    comparison = Comparison("/caps/old.zip", "/caps/new.zip", (
        ItemChange(ChangeKind.EDITED, edited_old, edited_new),
        ItemChange(ChangeKind.ADDED, None, added),
        ItemChange(ChangeKind.DELETED, old_post, None)), unchanged=4,
        notes=("new.zip: loading stopped early; items after that point may look deleted",))
    out = tmp_path / "r.xlsx"
    write_review_sheet(dataclasses.replace(data, comparisons=[comparison]), out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Findings", "Changes", "Items", "Sources", "Checks"]
    rows = _rows(out, "Changes")
    assert [r["Change"].value for r in rows] == ["Deleted", "Edited", "Added"]
    assert rows[0]["Text before"].value == "I said this" and rows[0]["Text now"].value is None
    assert (rows[1]["Text before"].value, rows[1]["Text now"].value) == ("before the edit",
                                                                         "after the edit")
    assert rows[0]["Earlier capture"].value == "old.zip"
    assert rows[0]["Change"].font.b and rows[0]["Change"].fill.fgColor.rgb.endswith("F6D5D1")
    texts = [c.value for row in book["Changes"].iter_rows() for c in row if c.value]
    assert any("loading stopped early" in str(t) for t in texts)

    alone = tmp_path / "changes.xlsx"
    write_changes_sheet(comparison, alone)
    book = openpyxl.load_workbook(alone)
    assert book.sheetnames == ["Summary", "Changes"]
    facts = {r[0].value: r[1] for r in book["Summary"].iter_rows(max_col=2) if r[0].value}
    assert facts["Deleted"].value.startswith("1 item was in the earlier capture")
    assert facts["Deleted"].font.b and facts["Unchanged"].value == "4"
    assert not list(tmp_path.glob(".*partial"))


def test_no_changes_says_so(builder: ReportBuilder, tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    write_changes_sheet(Comparison("a", "b", (), 3), out)
    cells = [c.value for row in openpyxl.load_workbook(out)["Changes"].iter_rows() for c in row]
    assert "No item was deleted, edited or added." in cells


def test_returned_sheet_lists_every_problem_with_its_row(builder: ReportBuilder,
                                                         tmp_path: Path) -> None:
    for _ in range(4):
        builder.finding()
    out = tmp_path / "r.xlsx"
    write_review_sheet(builder.build(), out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Findings"]
    ws["Q2"], ws["Q4"] = "Concern", "Refer"
    ws["A6"], ws["R6"] = None, "a note without a finding"
    ws["Q3"] = "advice / REFLECTIVE practice"
    wb.save(out)
    sheet = read_returned_sheet(out)
    assert [(p.row, p.problem.split(";")[0]) for p in sheet.problems] == [
        (2, "'Concern' is not a decision"), (4, "'Refer' is not a decision"),
        (6, "it has a decision or note but no Finding ID")]
    assert [(r.row, r.decision) for r in sheet.rows] == [(3, Decision.ADVICE.value),
                                                          (5, Decision.NOT_REVIEWED.value)]
    assert sheet.sheet_id is None and sheet.exported_at is None


@pytest.mark.parametrize("value, expected", [
    ("2025-03-04 05:06:07", datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)),
    (datetime(2025, 3, 4, 5, 6, 7), datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)),
    ("yesterday", None),
])
def test_export_time_read_as_text_or_as_a_retyped_date(builder: ReportBuilder, tmp_path: Path,
                                                       value: Any, expected: Any) -> None:
    out = tmp_path / "r.xlsx"
    write_review_sheet(dataclasses.replace(builder.build(), sheet_id="s", exported_at=EXPORTED),
                       out)
    wb = openpyxl.load_workbook(out)
    for row in wb["Summary"].iter_rows(max_col=2):
        if row[0].value == "Exported (UTC)":
            row[1].value = value
    wb.save(out)
    assert read_returned_sheet(out).exported_at == expected
