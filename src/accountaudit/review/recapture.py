"""A newer capture of an account already in the case is compared with the latest earlier one.

When a scan with ``--case`` loads a source the case has not seen, for an account (platform and
account name) it already holds, the earlier capture's stored items are compared with the new
ones in the scan's transaction. The result is kept (by item keys) so any later sheet from the
case can show it on its Changes tab, and the log records the counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from accountaudit.model import Item, Source
from accountaudit.report import ChangeKind, Comparison, ItemChange, ReportData
from accountaudit.review.caselog import LogAction
from accountaudit.review.diff import account_label, compare_items
from accountaudit.review.rows import ITEM_COLUMNS, SOURCE_COLUMNS, item_from_row, source_from_row

if TYPE_CHECKING:
    import sqlite3

    from accountaudit.review.store import CaseStore


def compare_new_sources(store: CaseStore, data: ReportData, run: int, known: set[str]) -> None:
    """Compare each newly loaded source with the latest earlier capture of the same account."""
    conn = store.connection
    for summary in data.sources:
        new = summary.source
        if new.id in known or account_label(new.platform, new.account) is None:
            continue
        old = _earlier_capture(conn, new, known)
        if old is None:
            continue
        old_items = _items_of(conn, old.id)
        new_items = [item for item in data.items.values() if item.source_id == new.id]
        comparison = compare_items(old_items, new_items, old.path, new.path)
        _store(conn, run, old, new, comparison)
        store.log(LogAction.COMPARE, {
            "run": run, "old_source": old.id, "old_path": old.path, "new_source": new.id,
            "new_path": new.path, "unchanged": comparison.unchanged,
            **{kind.value: comparison.count(kind) for kind in ChangeKind}})


def _earlier_capture(conn: sqlite3.Connection, new: Source, known: set[str]) -> Source | None:
    rows = conn.execute(f"SELECT {SOURCE_COLUMNS} FROM sources WHERE platform = ? "
                        "ORDER BY first_run DESC, rowid DESC", (new.platform,)).fetchall()
    wanted = account_label(new.platform, new.account)
    for row in rows:
        source = source_from_row(row)
        if source.id in known and account_label(source.platform, source.account) == wanted:
            return source
    return None


def _items_of(conn: sqlite3.Connection, source_id: str) -> list[Item]:
    rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE source_id = ? ORDER BY rowid",
                        (source_id,))
    return [item_from_row(row) for row in rows]


def _store(conn: sqlite3.Connection, run: int, old: Source, new: Source,
           comparison: Comparison) -> None:
    cur = conn.execute("INSERT INTO comparisons (run, old_source, new_source, unchanged) "
                       "VALUES (?, ?, ?, ?)", (run, old.id, new.id, comparison.unchanged))
    number = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO changes (comparison, change, old_key, new_key) VALUES (?, ?, ?, ?)",
        ((number, c.change.value, c.old.key if c.old else None, c.new.key if c.new else None)
         for c in comparison.changes))


def stored_comparisons(conn: sqlite3.Connection, runs: Iterable[int] | None = None,
                       items: Mapping[str, Item] | None = None) -> list[Comparison]:
    """The comparisons the case keeps (of ``runs`` only, if given), rebuilt with their items."""
    wanted = None if runs is None else set(runs)
    found = []
    for number, run, old_id, new_id, unchanged in conn.execute(
            "SELECT id, run, old_source, new_source, unchanged FROM comparisons ORDER BY id"):
        if wanted is not None and run not in wanted:
            continue
        paths = dict(conn.execute("SELECT id, path FROM sources WHERE id IN (?, ?)",
                                  (old_id, new_id)).fetchall())
        changes = [ItemChange(ChangeKind(change), _item(conn, old_key, items),
                              _item(conn, new_key, items))
                   for change, old_key, new_key in conn.execute(
                       "SELECT change, old_key, new_key FROM changes WHERE comparison = ? "
                       "ORDER BY rowid", (number,)).fetchall()]
        found.append(Comparison(paths.get(old_id, old_id), paths.get(new_id, new_id),
                                tuple(c for c in changes if c.old or c.new), int(unchanged)))
    return found


def _item(conn: sqlite3.Connection, key: str | None,
          items: Mapping[str, Item] | None) -> Item | None:
    if key is None:
        return None
    if items is not None and key in items:
        return items[key]
    row = conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE key = ?", (key,)).fetchone()
    return item_from_row(row) if row is not None else None
