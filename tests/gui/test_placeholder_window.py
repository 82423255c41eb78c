"""The placeholder window lists the installed checks through the core's public API."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from accountaudit.checks.registry import discover
from accountaudit.gui.app import PlaceholderWindow


def test_window_lists_every_check(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    checks = discover()
    window = PlaceholderWindow(checks)
    qtbot.addWidget(window)
    window.show()
    assert window.table.rowCount() == len(checks.infos) > 0
    ids = {window.table.item(r, 0).text() for r in range(window.table.rowCount())}
    assert {"AA301", "AA302", "AA303"} <= ids
    shot = tmp_path / "window.png"
    assert window.grab().save(str(shot)) and shot.stat().st_size > 1000
