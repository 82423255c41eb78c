"""The Summary tab: who, what and when, the case id, counts by category and severity, and how
to fill in the Decision column."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from openpyxl.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from accountaudit.categories import CATEGORY_INFO
from accountaudit.export.cells import excel_datetime, styled_cell, text_cell
from accountaudit.export.sheet_layout import (
    CASE_LABEL,
    CHANGES_TAB,
    EXPORTED_FORMAT,
    EXPORTED_LABEL,
    FINDINGS_TAB,
    S_COUNT,
    S_EMPHASIS,
    S_HEADER,
    S_HEADING,
    S_LABEL,
    S_SEVERITY,
    S_TEXT,
    S_TITLE,
    SEVERITY_LABEL,
    SHEET_LABEL,
    SOURCES_TAB,
    STATUS_HEADER,
    TITLE,
    Column,
    fit_to_page_width,
    set_widths,
)
from accountaudit.export.xlsx_findings import file_name
from accountaudit.model import Category, Decision, Severity
from accountaudit.report import ChangeKind, ReportData

COLUMNS = (Column("", 34), *(Column("", 11) for _ in range(5)), Column("", 3), Column("", 30))

DECISION_HELP = {
    Decision.NOT_REVIEWED: "nobody has looked at this finding yet (every row starts here)",
    Decision.NO_CONCERN: "looked at; nothing to act on (a false alarm, or fine in context)",
    Decision.ADVICE: "minor: deal with it by advice or reflective practice",
    Decision.MANAGEMENT_ACTION: "needs management action",
    Decision.REFER: "refer to professional standards for a severity assessment",
}

Row = list[Cell | None]


@dataclass(frozen=True, slots=True)
class Omissions:
    """What the Findings and Items tabs could not hold, so the Summary can say so plainly."""

    findings_left_out: int = 0
    links_left_out: int = 0
    items_left_out: int = 0


def write_summary(ws: WriteOnlyWorksheet, data: ReportData, omissions: Omissions) -> None:
    """Fill the Summary tab from top to bottom."""
    set_widths(ws, COLUMNS)
    fit_to_page_width(ws)
    ws.page_setup.orientation = "portrait"
    ws.append([text_cell(ws, TITLE, S_TITLE)])
    ws.append([])
    for row in _facts(ws, data, omissions):
        ws.append(row)
    ws.append([])
    for row in _how_to_review(ws, data):
        ws.append(row)
    ws.append([])
    for row in _count_table(ws, data):
        ws.append(row)


def _pair(ws: WriteOnlyWorksheet, label: str, value: str | None) -> Row:
    return [text_cell(ws, label, S_LABEL), text_cell(ws, value, S_TEXT)]


def _list(ws: WriteOnlyWorksheet, label: str, values: Iterable[str], empty: str) -> list[Row]:
    rows = [_pair(ws, label if i == 0 else "", v) for i, v in enumerate(values)]
    return rows or [_pair(ws, label, empty)]


def _facts(ws: WriteOnlyWorksheet, data: ReportData, omissions: Omissions) -> Iterator[Row]:
    yield _pair(ws, CASE_LABEL, data.case_id)
    if data.sheet_id is not None:
        yield _pair(ws, SHEET_LABEL, data.sheet_id)
    if data.exported_at is not None:
        exported = excel_datetime(data.exported_at)
        yield _pair(ws, EXPORTED_LABEL, exported.strftime(EXPORTED_FORMAT) if exported else None)
    yield _pair(ws, "Generated (UTC)", _minute(excel_datetime(data.generated_at)))
    yield _pair(ws, "Tool version", f"accountaudit {data.tool_version}")
    accounts = sorted({f"{s.source.platform}: {s.source.account or 'account not named'}"
                       for s in data.sources})
    yield from _list(ws, "Accounts", accounts, "no sources were loaded")
    sources = [f"{file_name(s.source.path)} ({s.source.platform}, {s.source.layout})"
               for s in data.sources]
    yield from _list(ws, "Sources", sources, "none")
    yield _pair(ws, "Items dated (UTC)", _date_range(data))
    yield _pair(ws, "Private messages", _messages(data))
    yield _pair(ws, "Items loaded", f"{len(data.items):,}")
    yield _pair(ws, "Findings", _findings_fact(data))
    if data.decisions:
        yield from _list(ws, "Decisions in the case", _decision_counts(data), "none")
    yield from _changes(ws, data)
    warnings = sum(len(s.warnings) for s in data.sources)
    yield _pair(ws, "Load warnings", f"{warnings:,} (listed on the {SOURCES_TAB} tab)"
                if warnings else "none")
    yield from _list(ws, "Checks that failed to load", data.failures, "none")
    yield from _list(ws, "Notes", [*data.notes, *_omission_notes(omissions)], "none")


def _findings_fact(data: ReportData) -> str:
    text = f"{len(data.findings):,}"
    if data.earlier_findings:
        text += (f", plus {len(data.earlier_findings):,} no longer found but kept from earlier "
                 f"runs (marked in the {STATUS_HEADER} column)")
    return text


def _decision_counts(data: ReportData) -> list[str]:
    counts = Counter(record.decision for record in data.decisions.values())
    return [f"{decision.value}: {counts[decision]:,}" for decision in Decision if counts[decision]]


def _changes(ws: WriteOnlyWorksheet, data: ReportData) -> Iterator[Row]:
    """One line per comparison; a line with deletions is set in bold red."""
    for comparison in data.comparisons:
        deleted = comparison.count(ChangeKind.DELETED)
        text = (f"since {file_name(comparison.old_label)}: {deleted:,} deleted, "
                f"{comparison.count(ChangeKind.EDITED):,} edited, "
                f"{comparison.count(ChangeKind.ADDED):,} added (see the {CHANGES_TAB} tab)")
        style = S_EMPHASIS if deleted else S_TEXT
        yield [text_cell(ws, "Changes", S_LABEL), text_cell(ws, text, style)]


def _date_range(data: ReportData) -> str:
    dates = [d for item in data.items.values() if (d := excel_datetime(item.created_at))]
    if not dates:
        return "no item has a date"
    return f"{_day(min(dates))} to {_day(max(dates))}"


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _minute(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else None


def _messages(data: ReportData) -> str:
    if data.include_messages:
        return "included"
    skipped = sum(s.messages_skipped for s in data.sources)
    return f"not included ({skipped:,} left out)" if skipped else "not included"


def _omission_notes(omissions: Omissions) -> list[str]:
    notes = []
    if omissions.findings_left_out:
        notes.append(f"{omissions.findings_left_out:,} findings did not fit on the "
                     f"{FINDINGS_TAB} tab (Excel's row limit); all are in the JSON output")
    if omissions.items_left_out:
        notes.append(f"{omissions.items_left_out:,} items did not fit on the Items tab")
    if omissions.links_left_out:
        notes.append(f"{omissions.links_left_out:,} links are plain text, not clickable "
                     "(Excel allows about 65,000 links on one tab)")
    return notes


def _how_to_review(ws: WriteOnlyWorksheet, data: ReportData) -> Iterator[Row]:
    yield [text_cell(ws, "How to review", S_HEADING)]
    yield _pair(ws, "Decision column", f"On the {FINDINGS_TAB} tab, pick one decision per row "
                "from the drop-down list:")
    for decision, meaning in DECISION_HELP.items():
        yield _pair(ws, "", f"{decision.value}: {meaning}.")
    yield _pair(ws, "Note column", "Free text: your reasons, context, or what to check next.")
    yield _pair(ws, "Finding ID column", "Leave it as it is: decisions are matched to findings "
                "by this id when the sheet is read back into the case.")
    if data.earlier_findings:
        yield _pair(ws, f"{STATUS_HEADER} column", "\"Found\", or when a finding the case keeps "
                    "was no longer found by a later run (listed after the others). Its "
                    "decision still counts.")
    if data.decisions:
        yield _pair(ws, "Decided by column", "Who made the decision already in the case, and "
                    "when. Change the Decision or Note to record a new one.")
    if data.comparisons:
        yield _pair(ws, f"{CHANGES_TAB} tab", "Items deleted, edited or added since an earlier "
                    "capture of the same account. Deleted items come first.")


def _count_table(ws: WriteOnlyWorksheet, data: ReportData) -> Iterator[Row]:
    counts = Counter((f.category, f.severity) for f in data.findings)
    yield [text_cell(ws, "Findings by category and severity", S_HEADING)]
    yield [text_cell(ws, "Category", S_HEADER),
           *(text_cell(ws, SEVERITY_LABEL[sev], S_SEVERITY[sev]) for sev in Severity),
           text_cell(ws, "Total", S_HEADER), None, text_cell(ws, "Category ID", S_HEADER)]
    for category, info in CATEGORY_INFO.items():
        yield _table_row(ws, info.title, category, counts)
    yield _table_row(ws, "All categories", None, counts)


def _table_row(ws: WriteOnlyWorksheet, title: str, category: Category | None,
               counts: Counter[tuple[Category, Severity]]) -> Row:
    def count(severity: Severity) -> int:
        if category is not None:
            return counts[(category, severity)]
        return sum(n for (_, sev), n in counts.items() if sev is severity)

    values = [count(sev) for sev in Severity]
    style = S_LABEL if category is None else S_TEXT
    return [text_cell(ws, title, style), *(styled_cell(ws, n, S_COUNT) for n in values),
            styled_cell(ws, sum(values), S_COUNT), None,
            text_cell(ws, category.value if category else None, S_TEXT)]
