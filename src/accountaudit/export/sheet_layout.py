"""The review sheet's fixed shape: tab names, column headers and widths, and named cell styles.

Headers and tab names are the contract with ``xlsx_read``: decisions are read back by header
name, so a reviewer may move or add columns without breaking the round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from accountaudit.export.cells import text_cell
from accountaudit.model import Severity

SUMMARY_TAB = "Summary"
FINDINGS_TAB = "Findings"
ITEMS_TAB = "Items"
SOURCES_TAB = "Sources"
CHECKS_TAB = "Checks"
CHANGES_TAB = "Changes"
TABS = (SUMMARY_TAB, FINDINGS_TAB, ITEMS_TAB, SOURCES_TAB, CHECKS_TAB)
"""Every sheet's tabs; a Changes tab follows Findings when the report compares captures."""

TITLE = "accountaudit review sheet"
CASE_LABEL = "Case ID"
SHEET_LABEL = "Sheet ID"
EXPORTED_LABEL = "Exported (UTC)"
EXPORTED_FORMAT = "%Y-%m-%d %H:%M:%S"
FINDING_ID_HEADER = "Finding ID"
DECISION_HEADER = "Decision"
NOTE_HEADER = "Note"
STATUS_HEADER = "Status"
DECIDED_HEADER = "Decided by"

MAX_SHEET_ROWS = 1_048_576
MAX_HYPERLINKS = 65_000  # Excel refuses more than 65,530 links on one worksheet
MAX_URL = 2_000  # Excel cannot follow a link address longer than about 2,080 characters
LINE_HEIGHT = 15.0  # points per line of 11-point Calibri
MAX_ROW_HEIGHT = 409.0  # Excel's largest row height, in points
_CHARS_PER_WIDTH = 1.1  # prose fits about 1.2 characters per width unit; leave room for wrapping

# Named styles (they also appear in Excel's Cell Styles gallery under these names).
S_TITLE = "aa Title"
S_HEADING = "aa Heading"
S_LABEL = "aa Label"
S_HEADER = "aa Header"
S_TEXT = "aa Text"
# For one-line rows of plain values, which Excel aligns to the bottom of the cell.
S_PLAIN_TEXT = "aa Text, one line"
S_PLAIN_DATE = "aa Date, one line"
S_WRAP = "aa Wrapped"
S_DATE = "aa Date"
S_INT = "aa Whole number"
S_COUNT = "aa Count"
S_CONFIDENCE = "aa Confidence"
S_LINK = "aa Link"
S_INPUT = "aa Reviewer input"
S_GONE = "aa No longer found"
S_DELETED = "aa Deleted"
S_EMPHASIS = "aa Emphasis"
S_SEVERITY = {sev: f"aa Severity {sev.value}" for sev in Severity}

SEVERITY_LABEL = {Severity.HIGH: "High", Severity.MEDIUM: "Medium", Severity.LOW: "Low",
                  Severity.INFO: "Info"}

_INK = "1F2933"
# Calm fills with dark text of the same hue: readable in print and for colour-blind reviewers,
# since the severity word is always written in the cell as well.
_SEVERITY_COLOURS = {
    Severity.HIGH: ("F6D5D1", "7A1F14"),
    Severity.MEDIUM: ("FBE3C8", "7A4100"),
    Severity.LOW: ("FBF1C7", "5E4B00"),
    Severity.INFO: ("DDE8F3", "1E3A5F"),
}
_HEADER_FILL = "D5DEE8"
_INPUT_FILL = "EEF5E9"
_GONE_FILL, _GONE_INK = "E4E7EB", "3E4C59"
_DELETED_FILL, _DELETED_INK = "F6D5D1", "7A1F14"


@dataclass(frozen=True, slots=True)
class Column:
    """One table column: its header, width (in Excel's character units), and whether it wraps."""

    header: str
    width: float
    wrap: bool = False


def _solid(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _style(name: str, *, bold: bool = False, italic: bool = False, size: float = 11,
           colour: str = _INK, wrap: bool = False, fill: str | None = None,
           number_format: str = "General", underline: str | None = None,
           border: Border | None = None,
           horizontal: str | None = None, vertical: str | None = "top") -> NamedStyle:
    style = NamedStyle(name=name)
    style.font = Font(name="Calibri", size=size, bold=bold, italic=italic, color=colour,
                      underline=underline)
    style.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)
    style.number_format = number_format
    if fill:
        style.fill = _solid(fill)
    if border:
        style.border = border
    return style


def add_styles(wb: Workbook) -> None:
    """Register every named style the tabs use (once per workbook, before any cell)."""
    rule = Border(bottom=Side(style="thin", color="8A99AB"))
    styles = [
        _style(S_TITLE, bold=True, size=18),
        _style(S_HEADING, bold=True, size=13),
        _style(S_LABEL, bold=True),
        _style(S_HEADER, bold=True, wrap=True, fill=_HEADER_FILL, border=rule),
        _style(S_TEXT),
        _style(S_WRAP, wrap=True),
        _style(S_DATE, number_format="yyyy-mm-dd hh:mm", horizontal="left"),
        _style(S_PLAIN_TEXT, vertical=None),
        _style(S_PLAIN_DATE, number_format="yyyy-mm-dd hh:mm", horizontal="left", vertical=None),
        _style(S_INT, number_format="#,##0"),
        _style(S_COUNT, number_format='#,##0;-#,##0;"–"'),
        _style(S_CONFIDENCE, number_format="0.00", horizontal="center"),
        _style(S_LINK, colour="1F5FA8", underline="single"),
        _style(S_INPUT, wrap=True, fill=_INPUT_FILL),
        _style(S_GONE, wrap=True, fill=_GONE_FILL, colour=_GONE_INK, italic=True),
        _style(S_DELETED, bold=True, wrap=True, fill=_DELETED_FILL, colour=_DELETED_INK),
        _style(S_EMPHASIS, bold=True, colour=_DELETED_INK),
    ]
    for severity, (fill, ink) in _SEVERITY_COLOURS.items():
        styles.append(_style(S_SEVERITY[severity], fill=fill, colour=ink))
    for style in styles:
        wb.add_named_style(style)


def set_widths(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
    """Column widths; in write-only mode this must happen before the first row."""
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.width


def append_header(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
    """The bold, filled header row of a table, as row 1 (headers wrap in narrow columns)."""
    cells = [text_cell(ws, column.header, S_HEADER) for column in columns]
    append_row(ws, 1, cells, [Column(c.header, c.width, wrap=True) for c in columns])


def prepare_table(ws: WriteOnlyWorksheet, columns: Sequence[Column], rows: int,
                  freeze: str = "A2") -> None:
    """Widths, frozen header, auto-filter over ``rows`` data rows, and print settings."""
    set_widths(ws, columns)
    ws.freeze_panes = freeze
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{rows + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4


def declare_size(ws: WriteOnlyWorksheet, rows: int, columns: int) -> None:
    """Record the tab's final size in the file, as Excel does.

    openpyxl's write-only mode leaves the size out, and a reader then parses the whole tab once
    just to size it (seconds per 100,000 rows when decisions are read back). Only for a tab
    whose rows are all known before writing: a size that is too small hides rows from readers.
    """
    ref = f"A1:{get_column_letter(columns)}{max(rows, 1)}"

    def dimension() -> str:
        return ref

    ws.calculate_dimension = dimension  # the hook openpyxl's sheet writer looks for


def fit_to_page_width(ws: WriteOnlyWorksheet) -> None:
    """Print the tab one page wide (for narrow tabs; a wide table would become unreadable)."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def append_row(ws: WriteOnlyWorksheet, row: int, cells: Sequence[Any],
               columns: Sequence[Column]) -> None:
    """Append ``cells`` as row number ``row``, tall enough for the text in wrapped columns.

    LibreOffice keeps one-line rows for wrapped text in a file that gives no heights, so the
    height is estimated (generously) from each wrapped value and its column width.
    """
    wrapped = ((getattr(cell, "value", cell), column.width)
               for cell, column in zip(cells, columns, strict=False) if column.wrap)
    lines = max((_lines(text, width) for text, width in wrapped if isinstance(text, str)),
                default=1)
    if lines > 1:
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)
    ws.append(cells)
    ws.row_dimensions.pop(row, None)  # written; 100,000 height records need not stay in memory


def _lines(text: str, width: float) -> int:
    per_line = max(1, int(width * _CHARS_PER_WIDTH))
    return sum(-(-len(part) // per_line) or 1 for part in text.split("\n"))
