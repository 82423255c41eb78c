"""A returned sheet goes back into its case: edited with openpyxl or re-saved by LibreOffice,
refused whole for bad values, conflicts and unmatched rows reported with row numbers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from case_helpers import scan, write_jsonl

from accountaudit.errors import CaseError, InputError
from accountaudit.export.xlsx_read import read_returned_sheet
from accountaudit.model import Decision
from accountaudit.review.decisions import current_decisions, record_decision
from accountaudit.review.sheet_import import import_sheet
from accountaudit.review.store import CaseStore

POSTS = [
    {"id": "1", "text": "Noisy party at 14 Acacia Avenue, EX4 7QT again."},
    {"id": "2", "text": "Anyone know the owner of a silver Astra AB12 CDE? Parked again."},
    {"id": "3", "text": "What a scumbag, honestly."},
    {"id": "4", "text": "Party round at EX1 2AB tonight"},
]
NOTE = "Spoke to the officer; =context\nsecond line, naïve café 👮"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    source = write_jsonl(tmp_path / "posts.jsonl", POSTS)
    folder = tmp_path / "case"
    assert scan([source], folder, tmp_path / "review.xlsx") == 0
    return folder


def _edit(path: Path, out: Path, changes: dict[int, tuple[Any, Any]]) -> dict[int, str]:
    """Set Decision/Note on sheet rows (row -> (decision, note)); returns row -> finding id."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Findings"]
    header = [cell.value for cell in ws[1]]
    decision, note = header.index("Decision") + 1, header.index("Note") + 1
    for row, (value, text) in changes.items():
        ws.cell(row=row, column=decision).value = value
        ws.cell(row=row, column=note).value = text
    wb.save(out)
    return {row: str(ws.cell(row=row, column=1).value) for row in range(2, ws.max_row + 1)}


def _import(case: Path, sheet: Path, **kwargs: Any) -> Any:
    with CaseStore.open(case, create=False) as store:
        return import_sheet(store, read_returned_sheet(sheet), **kwargs)


def _decisions(case: Path) -> dict[str, tuple[Decision, str, str]]:
    with CaseStore.open(case, create=False) as store:
        return {k: (v.decision, v.note, v.reviewer) for k, v in current_decisions(store).items()}


def test_sheet_edited_with_openpyxl_round_trips(case: Path, tmp_path: Path) -> None:
    ids = _edit(tmp_path / "review.xlsx", tmp_path / "back.xlsx",
                {2: (Decision.REFER.value, NOTE), 3: ("  no   CONCERN ", None)})
    sheet = read_returned_sheet(tmp_path / "back.xlsx")
    with CaseStore.open(case, create=False) as store:
        assert sheet.case_id == store.case_id
    assert sheet.sheet_id and sheet.exported_at is not None and not sheet.problems
    result = _import(case, tmp_path / "back.xlsx", reviewer="DS Ashe")
    assert [row.row for row in result.imported] == [2, 3] and result.complete
    assert result.unchanged == len(ids) - 2
    assert _decisions(case) == {ids[2]: (Decision.REFER, NOTE, "DS Ashe"),
                                ids[3]: (Decision.NO_CONCERN, "", "DS Ashe")}
    again = _import(case, tmp_path / "back.xlsx")
    assert again.imported == () and again.unchanged == len(ids)


def test_values_outside_the_list_refuse_the_whole_sheet(case: Path, tmp_path: Path) -> None:
    _edit(tmp_path / "review.xlsx", tmp_path / "back.xlsx",
          {2: (Decision.REFER.value, "ok"), 3: ("Concern", None), 4: ("maybe", None)})
    with pytest.raises(InputError) as caught:
        _import(case, tmp_path / "back.xlsx")
    message = str(caught.value)
    assert "nothing was imported" in message
    assert "row 3: 'Concern' is not a decision" in message and "row 4: 'maybe'" in message
    assert _decisions(case) == {}


def test_conflicts_keep_the_newer_case_decision_unless_forced(case: Path,
                                                              tmp_path: Path) -> None:
    ids = _edit(tmp_path / "review.xlsx", tmp_path / "back.xlsx",
                {2: (Decision.MANAGEMENT_ACTION.value, "from the sheet"),
                 3: (Decision.ADVICE.value, None)})
    with CaseStore.open(case, create=False) as store:  # decided after the sheet was written
        record_decision(store, ids[2], Decision.NO_CONCERN, "decided in the tool", "PS Bell")
        record_decision(store, ids[4], Decision.REFER, "", "PS Bell")
    result = _import(case, tmp_path / "back.xlsx")
    assert [(c.row.row, c.case.decision) for c in result.conflicts] == \
        [(2, Decision.NO_CONCERN)]
    assert result.superseded == 1  # row 4 was left as written: the newer decision stands
    assert [row.row for row in result.imported] == [3] and not result.complete
    decided = _decisions(case)
    assert decided[ids[2]][0] is Decision.NO_CONCERN and decided[ids[4]][0] is Decision.REFER
    forced = _import(case, tmp_path / "back.xlsx", force=True)
    assert [row.row for row in forced.imported] == [2] and forced.complete
    assert _decisions(case)[ids[2]][:2] == (Decision.MANAGEMENT_ACTION, "from the sheet")


def test_unmatched_rows_are_reported_with_their_row(case: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(tmp_path / "review.xlsx")
    ws = wb["Findings"]
    ws.append(["feedfacefeedface"] + [None] * 15 + [Decision.REFER.value, "stray"])
    wb.save(tmp_path / "back.xlsx")
    result = _import(case, tmp_path / "back.xlsx")
    assert [(r.row, r.finding_id) for r in result.unmatched] == [(ws.max_row,
                                                                   "feedfacefeedface")]
    assert not result.complete and _decisions(case) == {}


def test_a_sheet_from_another_case_is_refused(case: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert scan([tmp_path / "posts.jsonl"], other, tmp_path / "other.xlsx") == 0
    with pytest.raises(CaseError, match=r"this sheet belongs to case .* not to case"):
        _import(case, tmp_path / "other.xlsx")


def test_a_sheet_without_a_case_needs_force(case: Path, tmp_path: Path) -> None:
    from accountaudit.cli.main import main

    out = tmp_path / "plain.xlsx"
    assert main(["scan", str(tmp_path / "posts.jsonl"), "--out", str(out)]) == 0
    _edit(out, out, {2: (Decision.ADVICE.value, None)})
    with pytest.raises(CaseError, match="does not name a case"):
        _import(case, out)
    assert len(_import(case, out, force=True).imported) == 1


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_sheet_re_saved_by_libreoffice_round_trips(case: Path, tmp_path: Path) -> None:
    ids = _edit(tmp_path / "review.xlsx", tmp_path / "edited.xlsx",
                {2: (Decision.REFER.value, NOTE), 4: (Decision.ADVICE.value, "words")})
    converted = tmp_path / "libreoffice"
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(converted), str(tmp_path / "edited.xlsx")],
        capture_output=True, text=True, timeout=180, check=False)
    back = converted / "edited.xlsx"
    assert result.returncode == 0 and back.is_file(), result.stderr
    assert back.read_bytes() != (tmp_path / "edited.xlsx").read_bytes()
    sheet = read_returned_sheet(back)
    assert not sheet.problems and sheet.sheet_id is not None
    assert [(r.finding_id, r.decision) for r in sheet.rows][:3] == [
        (ids[2], Decision.REFER.value), (ids[3], Decision.NOT_REVIEWED.value),
        (ids[4], Decision.ADVICE.value)]
    imported = _import(case, back, reviewer="DC Lowe")
    assert imported.complete and len(imported.imported) == 2
    decided = _decisions(case)
    assert decided[ids[2]] == (Decision.REFER, NOTE, "DC Lowe")
    assert decided[ids[4]] == (Decision.ADVICE, "words", "DC Lowe")
