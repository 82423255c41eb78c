"""The Excel review sheet: Summary, Findings (with the Decision drop-down), Changes (when the
report compares captures), Items, Sources, Checks; and a comparison on its own (``diff --out``).

Written with openpyxl's write-only mode so 100,000 findings stream to disk in seconds, and
written atomically so a failure never leaves a half-written sheet where the reviewer expects one.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from pathlib import Path
from typing import ClassVar

from openpyxl import Workbook

from accountaudit.export.atomic import atomic_output
from accountaudit.export.sheet_layout import (
    CHANGES_TAB,
    CHECKS_TAB,
    FINDINGS_TAB,
    ITEMS_TAB,
    SOURCES_TAB,
    SUMMARY_TAB,
    TABS,
    add_styles,
)
from accountaudit.export.xlsx_changes import write_changes, write_comparison_summary
from accountaudit.export.xlsx_findings import FindingsTab
from accountaudit.export.xlsx_summary import Omissions, write_summary
from accountaudit.export.xlsx_tabs import write_checks, write_items, write_sources
from accountaudit.report import Comparison, ReportData

log = logging.getLogger(__name__)


class XlsxExporter:
    """The review-sheet exporter, in the shape the exporter registry expects."""

    name: ClassVar[str] = "xlsx"
    suffix: ClassVar[str] = ".xlsx"
    description: ClassVar[str] = "Excel review sheet"

    def write(self, data: ReportData, out: Path) -> None:
        """Write the review sheet to ``out`` (see ``write_review_sheet``)."""
        write_review_sheet(data, out)


def write_review_sheet(data: ReportData, out: Path) -> None:
    """Write the review sheet for ``data`` to ``out``, replacing it only once complete.

    Raises OutputError when the file cannot be written (missing folder, no permission, or the
    old sheet still open in Excel).
    """
    out = Path(out)
    with atomic_output(out) as partial:
        workbook = build_workbook(data)
        try:
            workbook.save(partial)
        except BaseException:
            _discard(workbook)
            raise
    log.info("Wrote the review sheet %s (%d findings)", out, len(data.findings))


def build_workbook(data: ReportData) -> Workbook:
    """A write-only workbook with every tab filled, ready to save once."""
    workbook = Workbook(write_only=True)
    try:
        add_styles(workbook)
        # Tabs are created in reading order but filled in any order: the Summary comes last
        # because it reports what the other tabs had to leave out.
        titles = list(TABS)
        if data.comparisons:
            titles.insert(titles.index(FINDINGS_TAB) + 1, CHANGES_TAB)
        tabs = {title: workbook.create_sheet(title) for title in titles}
        findings_tab = FindingsTab(tabs[FINDINGS_TAB], data)
        findings_tab.write()
        if data.comparisons:
            write_changes(tabs[CHANGES_TAB], data.comparisons)
        items_left_out = write_items(tabs[ITEMS_TAB], data)
        write_sources(tabs[SOURCES_TAB], data)
        write_checks(tabs[CHECKS_TAB], data)
        write_summary(tabs[SUMMARY_TAB], data, Omissions(
            findings_left_out=findings_tab.rows_left_out,
            links_left_out=findings_tab.links_left_out, items_left_out=items_left_out))
    except BaseException:
        _discard(workbook)
        raise
    return workbook


def write_changes_sheet(comparison: Comparison, out: Path) -> None:
    """A workbook with a short Summary and the Changes tab, written atomically to ``out``."""
    out = Path(out)
    with atomic_output(out) as partial:
        workbook = Workbook(write_only=True)
        try:
            add_styles(workbook)
            summary = workbook.create_sheet(SUMMARY_TAB)
            write_changes(workbook.create_sheet(CHANGES_TAB), [comparison])
            write_comparison_summary(summary, comparison)
            workbook.save(partial)
        except BaseException:
            _discard(workbook)
            raise
    log.info("Wrote the comparison %s (%d changes)", out, len(comparison.changes))


def _discard(workbook: Workbook) -> None:
    """Remove the rows openpyxl streamed to the system temp folder: archive text must not
    linger there after a failed or cancelled write."""
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        # Each step is best effort: the original error is the one the user needs to see.
        with suppress(Exception):
            sheet.close()  # ends the streamed XML, so nothing is left to finish at exit
        with suppress(Exception):
            writer.close()
        with suppress(Exception):
            writer.cleanup()
