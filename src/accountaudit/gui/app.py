"""``accountaudit-gui``: for now a window that lists the installed checks and says how to scan.

The reviewer workbench (findings, evidence, decisions) replaces this window in its own issue.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from accountaudit import __version__
from accountaudit.checks.registry import CheckSet, discover

_INTRO = (
    "<h2>accountaudit {version}</h2>"
    "<p>The reviewer workbench is not built yet. Scan exports from the command line:</p>"
    "<pre>accountaudit scan EXPORT.zip --out review.xlsx</pre>"
    "<p>and review the findings in the sheet. These are the checks that will run:</p>"
)


class PlaceholderWindow(QMainWindow):
    """Lists every registered check and any that failed to load."""

    def __init__(self, checks: CheckSet) -> None:
        super().__init__()
        self.setWindowTitle(f"accountaudit {__version__}")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        intro = QLabel(_INTRO.format(version=__version__), body)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = self._table(checks, body)
        layout.addWidget(self.table)
        if checks.failures:
            failed = QLabel("Not loaded: " + "; ".join(checks.failures), body)
            failed.setWordWrap(True)
            layout.addWidget(failed)
        self.setCentralWidget(body)
        self.resize(900, 560)

    @staticmethod
    def _table(checks: CheckSet, parent: QWidget) -> QTableWidget:
        headers = ["Id", "Severity", "Category", "Title", "Origin"]
        table = QTableWidget(len(checks.infos), len(headers), parent)
        table.setHorizontalHeaderLabels(headers)
        for row, info in enumerate(checks.infos):
            values = [info.id, str(info.severity), str(info.category), info.title, info.origin]
            for col, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(info.explanation)
                table.setItem(row, col, cell)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        return table


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI."""
    app = QApplication(list(argv) if argv is not None else sys.argv)
    window = PlaceholderWindow(discover())
    window.show()
    return app.exec()
