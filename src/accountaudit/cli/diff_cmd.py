"""``accountaudit diff OLD NEW``: what was deleted, edited and added between two captures.

Deleted items are listed first and flagged, because deleting posts after being told of a review
is itself something a reviewer must see. Exit status 0 when the comparison ran.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC
from pathlib import Path
from typing import Any

from accountaudit.errors import OutputError
from accountaudit.export.cells import excerpt
from accountaudit.export.xlsx import write_changes_sheet
from accountaudit.export.xlsx_changes import summary_line
from accountaudit.model import Item
from accountaudit.report import ChangeKind, Comparison, ItemChange
from accountaudit.review.captures import compare_paths

MAX_SHOWN = 50
EXCERPT = 100


def add_parser(sub: Any) -> None:
    """Register ``diff``."""
    p = sub.add_parser("diff", help="compare two captures of an account (or two cases)",
                       description="Compare an earlier and a later capture of the same "
                                   "account: exports (zip, folder, .jsonl) or case folders. "
                                   "Items are matched by platform and id.")
    p.add_argument("old", type=Path, metavar="OLD", help="the earlier capture or case")
    p.add_argument("new", type=Path, metavar="NEW", help="the later capture or case")
    p.add_argument("--out", type=Path, metavar="changes.xlsx",
                   help="also write the changes as a sheet")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--include-messages", action="store_true",
                   help="also compare private messages (left out unless asked for)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Compare, print, and write the sheet if asked."""
    if args.out is not None and args.out.suffix.lower() != ".xlsx":
        raise OutputError(args.out, "the changes sheet must be an .xlsx file")
    comparison = compare_paths(args.old, args.new, args.include_messages)
    if args.out is not None:
        write_changes_sheet(comparison, args.out)
    if args.json:
        print(json.dumps(as_json(comparison), indent=2, ensure_ascii=False))
    else:
        _print(comparison)
        if args.out is not None:
            print(f"Changes sheet: {args.out}")
    return 0


def _print(comparison: Comparison) -> None:
    print(f"Earlier: {comparison.old_label}")
    print(f"Later:   {comparison.new_label}")
    print(f"{summary_line(comparison)}.")
    deleted = comparison.count(ChangeKind.DELETED)
    if deleted:
        print(f"!! {deleted:,} item{'s were' if deleted != 1 else ' was'} DELETED since the "
              "earlier capture:")
    for kind in ChangeKind:
        changes = [c for c in comparison.changes if c.change is kind]
        for change in changes[:MAX_SHOWN]:
            print(_line(change))
        if len(changes) > MAX_SHOWN:
            print(f"  ... and {len(changes) - MAX_SHOWN:,} more {kind.value} (--json or --out "
                  "lists them all)")
    for note in comparison.notes:
        print(f"note: {note}")


def _line(change: ItemChange) -> str:
    item = change.item
    label = {ChangeKind.DELETED: "DELETED", ChangeKind.EDITED: "edited ",
             ChangeKind.ADDED: "added  "}[change.change]
    when = item.created_at.date().isoformat() if item.created_at else "undated"
    if change.change is ChangeKind.EDITED and change.old is not None:
        text = f"{_short(change.old)!r} -> {_short(item)!r}"
    else:
        text = repr(_short(item))
    return f"  {label} {item.platform} {item.kind.value} {item.id} ({when}): {text}"


def _short(item: Item) -> str:
    return excerpt(" ".join(item.text.split()), EXCERPT)


def as_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON-ready data: counts, then every change with both texts."""
    return {
        "old": comparison.old_label, "new": comparison.new_label,
        "counts": {**{kind.value: comparison.count(kind) for kind in ChangeKind},
                   "unchanged": comparison.unchanged},
        "changes": [_change_json(change) for change in comparison.changes],
        "notes": list(comparison.notes),
    }


def _change_json(change: ItemChange) -> dict[str, Any]:
    item = change.item
    when = item.created_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return {"change": change.change.value, "platform": item.platform, "kind": item.kind.value,
            "id": item.id, "created_at": when.isoformat() if when else None, "url": item.url,
            "old_text": change.old.text if change.old else None,
            "new_text": change.new.text if change.new else None}
