"""The Findings tab: one row per finding, highest severity first, with a Decision drop-down.

From a case, decisions already made are filled in (with who made them and when), and findings
the case keeps although a later run no longer found them follow the others, marked in a
Status column, so a decision on them is never silently out of sight.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from accountaudit.categories import CATEGORY_INFO
from accountaudit.export.cells import excel_datetime, excerpt, styled_cell, text_cell
from accountaudit.export.sheet_layout import (
    DECIDED_HEADER,
    DECISION_HEADER,
    FINDING_ID_HEADER,
    MAX_HYPERLINKS,
    MAX_SHEET_ROWS,
    MAX_URL,
    NOTE_HEADER,
    S_CONFIDENCE,
    S_DATE,
    S_GONE,
    S_INPUT,
    S_LINK,
    S_SEVERITY,
    S_TEXT,
    S_WRAP,
    SEVERITY_LABEL,
    STATUS_HEADER,
    Column,
    append_header,
    append_row,
    declare_size,
    prepare_table,
)
from accountaudit.model import Decision, Finding, Item
from accountaudit.report import DecisionRecord, ReportData, SourceSummary

log = logging.getLogger(__name__)

EXCERPT_CHARS = 500
DECISIONS = tuple(decision.value for decision in Decision)
# A list validation's options are one comma-separated string of at most 255 characters, so no
# Decision value may contain a comma (tests/export/test_xlsx.py holds both to that).
DECISION_FORMULA = '"' + ",".join(DECISIONS) + '"'

COLUMNS = (
    Column(FINDING_ID_HEADER, 18), Column("Severity", 10), Column("Category", 22, wrap=True),
    Column("Standard", 30, wrap=True), Column("Date (UTC)", 16), Column("Platform", 10),
    Column("Kind", 9), Column("Author", 16), Column("Link", 28),
    Column("Text excerpt", 64, wrap=True), Column("Evidence", 24, wrap=True),
    Column("Explanation", 44, wrap=True), Column("Check ID", 9), Column("Confidence", 11),
    Column("Source", 20), Column("Location", 22, wrap=True),
    Column(DECISION_HEADER, 27), Column(NOTE_HEADER, 40, wrap=True),
)
DECISION_COLUMN = get_column_letter(1 + [c.header for c in COLUMNS].index(DECISION_HEADER))
STATUS_COLUMN = Column(STATUS_HEADER, 22, wrap=True)
DECIDED_COLUMN = Column(DECIDED_HEADER, 24, wrap=True)
FOUND = "Found"
_SEPARATORS = re.compile(r"[\\/]")


def findings_columns(data: ReportData) -> tuple[Column, ...]:
    """The tab's columns: a Status column after Severity when some findings are no longer
    found, and a "Decided by" column after Note when the case holds decisions."""
    columns = list(COLUMNS)
    if data.earlier_findings:
        columns.insert(2, STATUS_COLUMN)
    if data.decisions:
        columns.append(DECIDED_COLUMN)
    return tuple(columns)


def file_name(path: str) -> str:
    """The last part of a Windows or POSIX path (sources may come from either)."""
    return _SEPARATORS.split(path.rstrip("\\/"))[-1] or path


def sorted_findings(data: ReportData, findings: Sequence[Finding] | None = None) -> list[Finding]:
    """Highest severity first, then oldest first (undated last), then by id for stability."""
    def key(finding: Finding) -> tuple[int, bool, datetime, str]:
        item = data.item_for(finding)
        when = excel_datetime(item.created_at) if item is not None else None
        return finding.severity.rank, when is None, when or datetime.min, finding.id

    return sorted(data.findings if findings is None else findings, key=key)


def decision_validation(rows: int, column: str = DECISION_COLUMN) -> DataValidation:
    """The Decision drop-down over ``rows`` finding rows; Excel refuses any other value."""
    validation = DataValidation(
        type="list", formula1=DECISION_FORMULA, allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Not one of the decisions",
        error="Choose a decision from the list: " + ", ".join(DECISIONS) + ".",
        showInputMessage=True, promptTitle="Your decision",
        prompt="Pick your decision on this finding from the list.",
    )
    validation.add(f"{column}2:{column}{rows + 1}")
    return validation


class FindingsTab:
    """Writes the Findings tab; counts what it had to leave out so the Summary can say so."""

    def __init__(self, ws: WriteOnlyWorksheet, data: ReportData) -> None:
        self.ws = ws
        self.data = data
        self.sources: Mapping[str, SourceSummary] = {s.source.id: s for s in data.sources}
        self.columns = findings_columns(data)
        self.status = STATUS_COLUMN in self.columns
        self.links = 0
        self.links_left_out = 0
        self.rows_left_out = 0

    def write(self) -> None:
        """Header, one row per finding, then the drop-down, filter and frozen panes."""
        findings: Sequence[Finding] = [*sorted_findings(self.data),
                                       *sorted_findings(self.data, self.data.earlier_findings)]
        room = MAX_SHEET_ROWS - 1
        if len(findings) > room:
            self.rows_left_out = len(findings) - room
            findings = findings[:room]
        columns = self.columns
        prepare_table(self.ws, columns, len(findings), freeze="C2")
        declare_size(self.ws, len(findings) + 1, len(columns))
        if findings:
            letter = get_column_letter(1 + [c.header for c in columns].index(DECISION_HEADER))
            self.ws.data_validations.append(decision_validation(len(findings), letter))
        append_header(self.ws, columns)
        for row, finding in enumerate(findings, start=2):
            append_row(self.ws, row, self._row(finding, self.data.item_for(finding)), columns)
        if self.links_left_out:
            log.warning("%d links were written as plain text: Excel allows about 65,000 "
                        "links on one sheet", self.links_left_out)

    def _row(self, finding: Finding, item: Item | None) -> list[Cell]:
        ws = self.ws
        cells = [
            text_cell(ws, finding.id, S_TEXT),
            text_cell(ws, SEVERITY_LABEL[finding.severity], S_SEVERITY[finding.severity]),
            text_cell(ws, CATEGORY_INFO[finding.category].title, S_WRAP),
            text_cell(ws, finding.standard, S_WRAP),
        ]
        if self.status:
            gone = self.data.gone.get(finding.id)
            cells.insert(2, text_cell(ws, gone, S_GONE) if gone else text_cell(ws, FOUND, S_TEXT))
        decided = self.data.decisions.get(finding.id)
        cells += self._item_cells(item, finding.span)
        source = self.sources.get(item.source_id) if item is not None else None
        cells += [
            text_cell(ws, finding.evidence, S_WRAP),
            text_cell(ws, finding.explanation, S_WRAP),
            text_cell(ws, finding.check_id, S_TEXT),
            styled_cell(ws, finding.confidence, S_CONFIDENCE),
            text_cell(ws, file_name(source.source.path) if source else None, S_TEXT),
            text_cell(ws, item.provenance.cite() if item is not None else None, S_WRAP),
            text_cell(ws, (decided.decision if decided else Decision.NOT_REVIEWED).value, S_INPUT),
            text_cell(ws, decided.note if decided else None, S_INPUT),
        ]
        if self.data.decisions:
            cells.append(text_cell(ws, _decided_by(decided), S_WRAP))
        return cells

    def _item_cells(self, item: Item | None, span: tuple[int, int] | None) -> list[Cell]:
        ws = self.ws
        if item is None:
            return [text_cell(ws, None, S_TEXT) for _ in range(6)]
        return [
            styled_cell(ws, excel_datetime(item.created_at), S_DATE),
            text_cell(ws, item.platform, S_TEXT),
            text_cell(ws, item.kind.value, S_TEXT),
            text_cell(ws, item.author, S_TEXT),
            self._link(item.url),
            text_cell(ws, excerpt(item.text, EXCERPT_CHARS, span), S_WRAP),
        ]

    def _link(self, url: str | None) -> Cell:
        if not url or not is_web_link(url):
            return text_cell(self.ws, url, S_TEXT)
        if self.links >= MAX_HYPERLINKS:
            self.links_left_out += 1
            return text_cell(self.ws, url, S_TEXT)
        cell = text_cell(self.ws, url, S_LINK)
        cell.hyperlink = cell.value
        self.links += 1
        return cell


def _decided_by(decided: DecisionRecord | None) -> str | None:
    if decided is None:
        return None
    when = excel_datetime(decided.decided_at)
    return f"{decided.reviewer}, {when:%Y-%m-%d %H:%M} UTC" if when else decided.reviewer


def is_web_link(url: str) -> bool:
    """Only http(s) links become clickable: a file: or UNC link from an archive could leak
    the reviewer's network credentials or open a local program."""
    if len(url) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
