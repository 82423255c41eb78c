"""Load either side of ``accountaudit diff``: an export (zip, folder, .jsonl) or a case folder."""

from __future__ import annotations

from pathlib import Path

from accountaudit.errors import InputError
from accountaudit.model import Item
from accountaudit.report import Comparison
from accountaudit.review.diff import Capture, account_label, compare_captures, match_key
from accountaudit.review.rows import ITEM_COLUMNS, item_from_row
from accountaudit.review.store import DB_NAME, CaseStore
from accountaudit.sources.base import LoadOptions
from accountaudit.sources.registry import open_source

_EARLY_STOP = "loading stopped early"


def is_case_folder(path: Path) -> bool:
    """A folder holding a case database."""
    return path.is_dir() and (path / DB_NAME).is_file()


def load_capture(path: Path, include_messages: bool = False) -> Capture:
    """Every item of an export or of a case folder (read through the loaders, never extracted)."""
    path = Path(path)
    if is_case_folder(path):
        return _case_capture(path)
    with open_source(path, LoadOptions(include_messages=include_messages)) as opened:
        items = list(opened.items())
        source, report = opened.source, opened.report
    notes = [f"{path}: {warning}; items after that point may look deleted"
             for warning in report.warnings if warning.startswith(_EARLY_STOP)]
    account = account_label(source.platform, source.account)
    return Capture(str(path), items, frozenset({account} if account else ()),
                   frozenset({source.sha256}), tuple(notes))


def _case_capture(folder: Path) -> Capture:
    """A case's items; where it holds several captures of an account, the latest one counts."""
    with CaseStore.open(folder, create=False) as store:
        store.require_content()
        sources = store.sources()
        order = {source.id: n for n, source in enumerate(sources)}
        rows = store.connection.execute(f"SELECT {ITEM_COLUMNS} FROM items").fetchall()
    latest: dict[tuple[str, str, str], Item] = {}
    for item in sorted((item_from_row(row) for row in rows),
                       key=lambda i: order.get(i.source_id, -1)):
        latest[match_key(item)] = item
    accounts = {label for s in sources if (label := account_label(s.platform, s.account))}
    return Capture(f"{folder} (case)", list(latest.values()), frozenset(accounts),
                   frozenset(s.sha256 for s in sources))


def compare_paths(old: Path, new: Path, include_messages: bool = False) -> Comparison:
    """Load both sides and compare them (InputError or CaseError when a side cannot be read)."""
    if Path(old).resolve() == Path(new).resolve():
        raise InputError(new, "is the same path as the earlier capture; give two captures")
    return compare_captures(load_capture(old, include_messages),
                            load_capture(new, include_messages))
