"""The reference tabs: every item, every source with its hash and warnings, every check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from openpyxl.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from accountaudit.categories import CATEGORY_INFO
from accountaudit.check import CheckInfo
from accountaudit.export.cells import excel_datetime, styled_cell, text_cell, text_value
from accountaudit.export.sheet_layout import (
    MAX_SHEET_ROWS,
    S_COUNT,
    S_HEADER,
    S_HEADING,
    S_INT,
    S_PLAIN_DATE,
    S_PLAIN_TEXT,
    S_SEVERITY,
    S_TEXT,
    S_WRAP,
    SEVERITY_LABEL,
    Column,
    append_header,
    append_row,
    declare_size,
    prepare_table,
)
from accountaudit.export.xlsx_findings import file_name
from accountaudit.model import Item, ItemKind
from accountaudit.report import ReportData, SourceSummary

ITEM_COLUMNS = (
    Column("Key", 30), Column("Platform", 10), Column("Kind", 10), Column("Date (UTC)", 16),
    Column("Author", 18), Column("Reply to", 18), Column("Audience", 10), Column("URL", 34),
    Column("Text", 90), Column("Location", 26),
)
SOURCE_COLUMNS = (
    Column("File name", 26), Column("Path", 48, wrap=True), Column("Platform", 10),
    Column("Layout", 18),
    Column("Loader", 12), Column("Account", 18), Column("SHA-256", 70),
    Column("Size (bytes)", 14), *(Column(kind.value.capitalize(), 11) for kind in ItemKind),
    Column("Total items", 11), Column("Messages skipped", 11),
    Column("Warnings", 70, wrap=True),
)
CHECK_COLUMNS = (
    Column("Check ID", 10), Column("Title", 32, wrap=True), Column("Category", 26, wrap=True),
    Column("Default severity", 12), Column("Standard", 36, wrap=True), Column("Version", 9),
    Column("Origin", 16), Column("Explanation", 70, wrap=True),
)
WARNINGS_IN_CELL = 5

Row = list[Cell | str | int | None]


def write_items(ws: WriteOnlyWorksheet, data: ReportData) -> int:
    """One row per item, in loading order; returns how many did not fit on the tab."""
    room = MAX_SHEET_ROWS - 1
    count = min(len(data.items), room)
    prepare_table(ws, ITEM_COLUMNS, count, freeze="B2")
    declare_size(ws, count + 1, len(ITEM_COLUMNS))
    append_header(ws, ITEM_COLUMNS)
    for index, item in enumerate(data.items.values()):
        if index >= room:
            break
        ws.append(_item_row(ws, item))
    return len(data.items) - count


def _item_row(ws: WriteOnlyWorksheet, item: Item) -> Row:
    """Single-line rows of plain values where safe: this tab can hold every item of a case."""
    when = excel_datetime(item.created_at)
    texts = (item.key, item.platform, item.kind.value, None, item.author, item.reply_to,
             item.audience.value, item.url, item.text, item.provenance.cite())
    row: Row = [text_value(ws, text, S_PLAIN_TEXT) for text in texts]
    row[3] = styled_cell(ws, when, S_PLAIN_DATE) if when else None
    return row


def write_sources(ws: WriteOnlyWorksheet, data: ReportData) -> None:
    """One row per source, then every load warning on its own row below the table."""
    prepare_table(ws, SOURCE_COLUMNS, len(data.sources), freeze="B2")
    append_header(ws, SOURCE_COLUMNS)
    for row, summary in enumerate(data.sources, start=2):
        append_row(ws, row, _source_row(ws, summary), SOURCE_COLUMNS)
    ws.append([])
    ws.append([text_cell(ws, "Load warnings", S_HEADING)])
    warnings = [(file_name(s.source.path), w) for s in data.sources for w in s.warnings]
    if not warnings:
        ws.append([text_cell(ws, "None: every source loaded without a warning.", S_TEXT)])
        return
    ws.append([text_cell(ws, "File name", S_HEADER), text_cell(ws, "Warning", S_HEADER)])
    for name, warning in warnings[: MAX_SHEET_ROWS - len(data.sources) - 5]:
        ws.append([text_cell(ws, name, S_TEXT), text_cell(ws, warning, S_TEXT)])


def _source_row(ws: WriteOnlyWorksheet, summary: SourceSummary) -> Row:
    source = summary.source
    counts = [summary.counts.get(kind, 0) for kind in ItemKind]
    return [
        text_cell(ws, file_name(source.path), S_TEXT), text_cell(ws, source.path, S_WRAP),
        text_cell(ws, source.platform, S_TEXT), text_cell(ws, source.layout, S_TEXT),
        text_cell(ws, source.loader, S_TEXT), text_cell(ws, source.account, S_TEXT),
        text_cell(ws, source.sha256, S_TEXT), styled_cell(ws, source.size, S_INT),
        *(styled_cell(ws, n, S_COUNT) for n in counts), styled_cell(ws, sum(counts), S_COUNT),
        styled_cell(ws, summary.messages_skipped, S_COUNT),
        text_cell(ws, _warnings_cell(summary.warnings), S_WRAP),
    ]


def _warnings_cell(warnings: Sequence[str]) -> str | None:
    if not warnings:
        return None
    shown = "\n".join(warnings[:WARNINGS_IN_CELL])
    more = len(warnings) - WARNINGS_IN_CELL
    return f"{shown}\n… and {more:,} more (all listed below)" if more > 0 else shown


def write_checks(ws: WriteOnlyWorksheet, data: ReportData) -> None:
    """One row per check that ran, then the checks that failed to load."""
    checks = sorted(data.checks, key=lambda info: info.id)
    prepare_table(ws, CHECK_COLUMNS, len(checks), freeze="B2")
    append_header(ws, CHECK_COLUMNS)
    for row, info in enumerate(checks, start=2):
        append_row(ws, row, _check_row(ws, info), CHECK_COLUMNS)
    ws.append([])
    for row in _failures(ws, data.failures):
        ws.append(row)


def _check_row(ws: WriteOnlyWorksheet, info: CheckInfo) -> Row:
    return [
        text_cell(ws, info.id, S_TEXT), text_cell(ws, info.title, S_WRAP),
        text_cell(ws, CATEGORY_INFO[info.category].title, S_WRAP),
        text_cell(ws, SEVERITY_LABEL[info.severity], S_SEVERITY[info.severity]),
        text_cell(ws, info.standard, S_WRAP), text_cell(ws, info.version, S_TEXT),
        text_cell(ws, info.origin, S_TEXT), text_cell(ws, info.explanation, S_WRAP),
    ]


def _failures(ws: WriteOnlyWorksheet, failures: Sequence[str]) -> Iterator[Row]:
    yield [text_cell(ws, "Checks that failed to load", S_HEADING)]
    if not failures:
        yield [text_cell(ws, "None: every check loaded.", S_TEXT)]
        return
    yield [text_cell(ws, "These checks did not run, so their findings are missing:", S_TEXT)]
    for failure in failures:
        yield [text_cell(ws, failure, S_TEXT)]
