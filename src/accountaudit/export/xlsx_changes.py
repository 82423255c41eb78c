"""The Changes tab: items deleted, edited or added between two captures, deletions first.

Deleting posts after being told of a review is itself something a reviewer must see, so a
deleted row is set in bold on a red fill and says so in words (readable in print and for
colour-blind reviewers). Also written on its own by ``accountaudit diff --out``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from openpyxl.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from accountaudit import __version__
from accountaudit.export.cells import excel_datetime, excerpt, styled_cell, text_cell
from accountaudit.export.sheet_layout import (
    MAX_SHEET_ROWS,
    S_DATE,
    S_DELETED,
    S_EMPHASIS,
    S_HEADING,
    S_LABEL,
    S_SEVERITY,
    S_TEXT,
    S_TITLE,
    S_WRAP,
    Column,
    append_header,
    append_row,
    fit_to_page_width,
    prepare_table,
    set_widths,
)
from accountaudit.export.xlsx_findings import file_name
from accountaudit.model import Severity
from accountaudit.report import ChangeKind, Comparison, ItemChange

TEXT_CHARS = 2_000
CHANGE_COLUMNS = (
    Column("Change", 11), Column("Platform", 10), Column("Kind", 9), Column("Item ID", 22),
    Column("Date (UTC)", 16), Column("Text before", 55, wrap=True),
    Column("Text now", 55, wrap=True), Column("Link", 30), Column("Earlier capture", 22),
    Column("Later capture", 22),
)
CHANGE_LABEL = {ChangeKind.DELETED: "Deleted", ChangeKind.EDITED: "Edited",
                ChangeKind.ADDED: "Added"}
_CHANGE_STYLE = {ChangeKind.DELETED: S_DELETED, ChangeKind.EDITED: S_SEVERITY[Severity.MEDIUM],
                 ChangeKind.ADDED: S_TEXT}
COMPARISON_TITLE = "accountaudit capture comparison"

Row = list[Cell | None]


def write_changes(ws: WriteOnlyWorksheet, comparisons: Sequence[Comparison]) -> int:
    """One row per change of every comparison, then any notes; returns rows left out."""
    changes = [(c, change) for c in comparisons for change in c.changes]
    room = MAX_SHEET_ROWS - 20
    prepare_table(ws, CHANGE_COLUMNS, min(len(changes), room), freeze="B2")
    append_header(ws, CHANGE_COLUMNS)
    order = {ChangeKind.DELETED: 0, ChangeKind.EDITED: 1, ChangeKind.ADDED: 2}
    changes.sort(key=lambda pair: order[pair[1].change])  # stable: each comparison's order kept
    for row, (comparison, change) in enumerate(changes[:room], start=2):
        append_row(ws, row, _change_row(ws, comparison, change), CHANGE_COLUMNS)
    ws.append([])
    for row_cells in _notes(ws, comparisons, len(changes) - room):
        ws.append(row_cells)
    return max(0, len(changes) - room)


def _change_row(ws: WriteOnlyWorksheet, comparison: Comparison, change: ItemChange) -> Row:
    item = change.item
    when = excel_datetime(item.created_at)
    before = change.old.text if change.old is not None else None
    now = change.new.text if change.new is not None else None
    return [
        text_cell(ws, CHANGE_LABEL[change.change], _CHANGE_STYLE[change.change]),
        text_cell(ws, item.platform, S_TEXT), text_cell(ws, item.kind.value, S_TEXT),
        text_cell(ws, item.id, S_TEXT),
        styled_cell(ws, when, S_DATE) if when else text_cell(ws, None, S_TEXT),
        text_cell(ws, excerpt(before, TEXT_CHARS) if before else None, S_WRAP),
        text_cell(ws, excerpt(now, TEXT_CHARS) if now else None, S_WRAP),
        text_cell(ws, item.url, S_TEXT),
        text_cell(ws, file_name(comparison.old_label), S_TEXT),
        text_cell(ws, file_name(comparison.new_label), S_TEXT),
    ]


def _notes(ws: WriteOnlyWorksheet, comparisons: Sequence[Comparison],
           left_out: int) -> Iterator[Row]:
    notes = [note for c in comparisons for note in c.notes]
    if not any(c.changes for c in comparisons):
        notes.insert(0, "No item was deleted, edited or added.")
    if left_out > 0:
        notes.append(f"{left_out:,} changes did not fit on this tab (Excel's row limit)")
    if notes:
        yield [text_cell(ws, "Notes", S_HEADING)]
        for note in notes:
            yield [text_cell(ws, note, S_TEXT)]


def summary_line(comparison: Comparison) -> str:
    """``3 deleted, 1 edited, 2 added, 40 unchanged`` (deletions first)."""
    counts = ", ".join(f"{comparison.count(kind):,} {kind.value}" for kind in ChangeKind)
    return f"{counts}, {comparison.unchanged:,} unchanged"


def write_comparison_summary(ws: WriteOnlyWorksheet, comparison: Comparison) -> None:
    """The Summary tab of a comparison on its own: both sides, the counts, and any notes."""
    set_widths(ws, (Column("", 24), Column("", 90)))
    fit_to_page_width(ws)
    ws.append([text_cell(ws, COMPARISON_TITLE, S_TITLE)])
    ws.append([])
    generated = excel_datetime(datetime.now(UTC))
    deleted = comparison.count(ChangeKind.DELETED)
    rows = [("Earlier capture", comparison.old_label, S_WRAP),
            ("Later capture", comparison.new_label, S_WRAP),
            ("Generated (UTC)", f"{generated:%Y-%m-%d %H:%M}", S_TEXT),
            ("Tool version", f"accountaudit {__version__}", S_TEXT),
            ("Deleted", f"{deleted:,} {'item was' if deleted == 1 else 'items were'} in the "
                        "earlier capture and gone from the later one" if deleted else "none",
             S_EMPHASIS if deleted else S_TEXT),
            ("Edited", f"{comparison.count(ChangeKind.EDITED):,}", S_TEXT),
            ("Added", f"{comparison.count(ChangeKind.ADDED):,}", S_TEXT),
            ("Unchanged", f"{comparison.unchanged:,}", S_TEXT)]
    for label, value, style in rows:
        ws.append([text_cell(ws, label, S_LABEL), text_cell(ws, value, style)])
    for note in comparison.notes:
        ws.append([text_cell(ws, "Note", S_LABEL), text_cell(ws, note, S_WRAP)])
