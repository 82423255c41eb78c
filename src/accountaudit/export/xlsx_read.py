"""Read a reviewer's decisions back from a review sheet: a row per finding, matched by id.

Columns are found by their header, so a reviewer may reorder or add columns; anything that is
not a review sheet, or a Decision that is not one of the listed values, is reported plainly.
``read_returned_sheet`` collects every bad row (so a sheet can be refused whole, naming each),
with the case id, sheet id and export time from the Summary tab.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook import Workbook

from accountaudit.errors import InputError
from accountaudit.export.sheet_layout import (
    CASE_LABEL,
    DECISION_HEADER,
    EXPORTED_FORMAT,
    EXPORTED_LABEL,
    FINDING_ID_HEADER,
    FINDINGS_TAB,
    NOTE_HEADER,
    SHEET_LABEL,
    SUMMARY_TAB,
)
from accountaudit.model import Decision
from accountaudit.report import ReturnedSheet, SheetProblem, SheetRow

_DECISIONS = {" ".join(d.value.casefold().split()): d for d in Decision}
_NOT_A_SHEET = "is not an accountaudit review sheet"


@dataclass(frozen=True, slots=True)
class SheetDecisions:
    """What a returned sheet says: its case id (from Summary) and one row per finding."""

    case_id: str | None
    rows: tuple[tuple[str, str, str], ...]


def read_decisions(path: Path) -> list[tuple[str, str, str]]:
    """(finding id, decision, note) for every row of the sheet's Findings tab, in sheet order.

    A blank Decision reads as "Not reviewed" and a blank Note as "". Raises InputError for a
    file that is missing, not an Excel workbook, not a review sheet, or holds a bad decision.
    """
    return list(read_review_sheet(path).rows)


def read_review_sheet(path: Path) -> SheetDecisions:
    """The case id and the decisions of a review sheet (see ``read_decisions``)."""
    sheet = read_returned_sheet(path)
    if sheet.problems:
        first = sheet.problems[0]
        raise InputError(path, f"row {first.row} of the {FINDINGS_TAB} tab: {first.problem}")
    return SheetDecisions(sheet.case_id, tuple((r.finding_id, r.decision, r.note)
                                               for r in sheet.rows))


def read_returned_sheet(path: Path) -> ReturnedSheet:
    """Everything a returned sheet says, with every row that cannot be taken as a problem.

    Raises InputError only when the file is not a readable review sheet at all.
    """
    path = Path(path)
    workbook = _open(path)
    try:
        if FINDINGS_TAB not in workbook.sheetnames:
            raise InputError(path, f"{_NOT_A_SHEET}: it has no {FINDINGS_TAB} tab")
        rows, problems = _decision_rows(path, workbook[FINDINGS_TAB])
        facts = _summary_facts(workbook)
    finally:
        workbook.close()
    return ReturnedSheet(str(path), facts.get(CASE_LABEL) or None,
                         facts.get(SHEET_LABEL) or None, _when(facts.get(EXPORTED_LABEL)),
                         tuple(rows), tuple(problems))


def _open(path: Path) -> Workbook:
    if not path.is_file():
        raise InputError(path, "does not exist" if not path.exists() else "is not a file")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except PermissionError:
        raise InputError(path, "cannot be read: permission was refused, or another program "
                         "has it locked") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError,
            OSError):
        raise InputError(path, f"{_NOT_A_SHEET}: it is not an Excel workbook (.xlsx) that "
                         "can be read") from None


def _decision_rows(path: Path, sheet: Any) -> tuple[list[SheetRow], list[SheetProblem]]:
    sheet.reset_dimensions()  # another program's saved size may be wrong; read to the end
    rows: Iterator[Sequence[Any]] = sheet.iter_rows(values_only=True)
    columns = _columns(path, next(rows, ()))
    found: list[SheetRow] = []
    problems: list[SheetProblem] = []
    seen: dict[str, SheetRow] = {}
    for number, row in enumerate(rows, start=2):
        finding_id, decision, note = (_text(_at(row, i)) for i in columns)
        if not finding_id:
            if decision or note:
                problems.append(SheetProblem(number, "it has a decision or note but no "
                                             f"{FINDING_ID_HEADER}"))
            continue
        chosen = _decision(decision)
        if chosen is None:
            problems.append(SheetProblem(number, f"'{decision}' is not a decision; use one of: "
                                         + ", ".join(d.value for d in Decision)))
            continue
        earlier = seen.get(finding_id)
        if earlier is not None:
            if (earlier.decision, earlier.note) != (chosen, note):
                problems.append(SheetProblem(number, f"finding {finding_id} is on rows "
                                             f"{earlier.row} and {number} of the {FINDINGS_TAB} "
                                             "tab with different decisions or notes; keep one "
                                             "of them"))
            continue
        seen[finding_id] = SheetRow(number, finding_id, chosen, note)
        found.append(seen[finding_id])
    return found, problems


def _columns(path: Path, header: Iterable[Any]) -> tuple[int, int, int]:
    names = {_text(value): index for index, value in reversed(list(enumerate(header)))}
    wanted = (FINDING_ID_HEADER, DECISION_HEADER, NOTE_HEADER)
    missing = [name for name in wanted if name not in names]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        raise InputError(path, f"{_NOT_A_SHEET}: the first row of its {FINDINGS_TAB} tab has "
                         f"no {listed} column")
    return names[FINDING_ID_HEADER], names[DECISION_HEADER], names[NOTE_HEADER]


def _decision(value: str) -> str | None:
    if not value:
        return Decision.NOT_REVIEWED.value
    decision = _DECISIONS.get(" ".join(value.casefold().split()))
    return None if decision is None else decision.value


def _summary_facts(workbook: Workbook) -> dict[str, Any]:
    """Label -> value for the Summary tab's first two columns (first occurrence wins)."""
    if SUMMARY_TAB not in workbook.sheetnames:
        return {}
    sheet = workbook[SUMMARY_TAB]
    sheet.reset_dimensions()
    facts: dict[str, Any] = {}
    for row in sheet.iter_rows(max_col=2, values_only=True):
        label = _text(_at(row, 0))
        if label in (CASE_LABEL, SHEET_LABEL, EXPORTED_LABEL) and label not in facts:
            value = _at(row, 1)
            facts[label] = value if isinstance(value, datetime) else _text(value)
    return facts


def _when(value: Any) -> datetime | None:
    """The export time as written (text) or as re-typed by a spreadsheet program (a date)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if not value:
        return None
    try:
        return datetime.strptime(str(value), EXPORTED_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _at(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _text(value: Any) -> str:
    """A cell as text: Excel's _xHHHH_ escapes undone, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape(str(value)).strip()
