"""Read a reviewer's decisions back from a review sheet: a row per finding, matched by id.

Columns are found by their header, so a reviewer may reorder or add columns; anything that is
not a review sheet, or a Decision that is not one of the listed values, is reported plainly.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
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
    FINDING_ID_HEADER,
    FINDINGS_TAB,
    NOTE_HEADER,
    SUMMARY_TAB,
)
from accountaudit.model import Decision

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
    path = Path(path)
    workbook = _open(path)
    try:
        if FINDINGS_TAB not in workbook.sheetnames:
            raise InputError(path, f"{_NOT_A_SHEET}: it has no {FINDINGS_TAB} tab")
        rows = _decision_rows(path, workbook[FINDINGS_TAB])
        return SheetDecisions(_case_id(workbook), tuple(rows))
    finally:
        workbook.close()


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


def _decision_rows(path: Path, sheet: Any) -> Iterator[tuple[str, str, str]]:
    sheet.reset_dimensions()  # another program's saved size may be wrong; read to the end
    rows: Iterator[Sequence[Any]] = sheet.iter_rows(values_only=True)
    columns = _columns(path, next(rows, ()))
    seen: dict[str, tuple[int, str, str]] = {}
    for number, row in enumerate(rows, start=2):
        finding_id, decision, note = (_text(_at(row, i)) for i in columns)
        if not finding_id:
            if decision or note:
                raise InputError(path, f"row {number} of the {FINDINGS_TAB} tab has a decision "
                                 f"or note but no {FINDING_ID_HEADER}")
            continue
        decision = _decision(path, number, decision)
        if finding_id in seen:
            first, *earlier = seen[finding_id]
            if earlier != [decision, note]:
                raise InputError(path, f"finding {finding_id} is on rows {first} and {number} "
                                 f"of the {FINDINGS_TAB} tab with different decisions or "
                                 "notes; keep one of them")
            continue
        seen[finding_id] = (number, decision, note)
        yield finding_id, decision, note


def _columns(path: Path, header: Iterable[Any]) -> tuple[int, int, int]:
    names = {_text(value): index for index, value in reversed(list(enumerate(header)))}
    wanted = (FINDING_ID_HEADER, DECISION_HEADER, NOTE_HEADER)
    missing = [name for name in wanted if name not in names]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        raise InputError(path, f"{_NOT_A_SHEET}: the first row of its {FINDINGS_TAB} tab has "
                         f"no {listed} column")
    return names[FINDING_ID_HEADER], names[DECISION_HEADER], names[NOTE_HEADER]


def _decision(path: Path, row: int, value: str) -> str:
    if not value:
        return Decision.NOT_REVIEWED.value
    decision = _DECISIONS.get(" ".join(value.casefold().split()))
    if decision is None:
        options = ", ".join(d.value for d in Decision)
        raise InputError(path, f"row {row} of the {FINDINGS_TAB} tab: '{value}' is not a "
                         f"decision; use one of: {options}")
    return decision.value


def _case_id(workbook: Workbook) -> str | None:
    if SUMMARY_TAB not in workbook.sheetnames:
        return None
    sheet = workbook[SUMMARY_TAB]
    sheet.reset_dimensions()
    for row in sheet.iter_rows(max_col=2, values_only=True):
        if _text(_at(row, 0)) == CASE_LABEL:
            return _text(_at(row, 1)) or None
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
