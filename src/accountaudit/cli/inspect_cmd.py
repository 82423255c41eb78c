"""``accountaudit inspect``: what a source holds, without running any check."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from accountaudit.cli.common import describe_counts
from accountaudit.engine.scan import open_all
from accountaudit.sources.base import LoadOptions
from accountaudit.sources.registry import OpenedSource


def add_parser(sub: Any) -> None:
    """Register ``inspect``."""
    p = sub.add_parser("inspect", help="show what an export holds",
                       description="Recognise each export and count what it holds, per kind, "
                                   "with every warning, without running any check.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--include-messages", action="store_true",
                   help="count private messages as loaded items")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load every path fully and describe it."""
    opened = open_all(args.paths, LoadOptions(include_messages=args.include_messages))
    results = []
    try:
        for source in opened:
            for _ in source.items():
                pass
            results.append(_describe(source))
    finally:
        for source in opened:
            source.close()
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for result in results:
            _print_text(result)
    return 0


def _describe(opened: OpenedSource) -> dict[str, Any]:
    s, r = opened.source, opened.report
    return {"path": s.path, "platform": s.platform, "layout": s.layout, "account": s.account,
            "loader": s.loader, "sha256": s.sha256, "size": s.size,
            "counts": {str(k): v for k, v in sorted(r.counts.items())},
            "total": r.total, "messages_not_loaded": r.messages_skipped,
            "warnings": list(r.warnings)}


def _print_text(result: dict[str, Any]) -> None:
    print(result["path"])
    account = f"   account: {result['account']}" if result["account"] else ""
    print(f"  platform: {result['platform']}   layout: {result['layout']}{account}")
    print(f"  sha256: {result['sha256']}   size: {result['size']:,} bytes")
    print(f"  items: {describe_counts(result['counts'])}")
    if result["messages_not_loaded"]:
        print(f"  private messages not loaded: {result['messages_not_loaded']:,} "
              "(add --include-messages to load them)")
    warnings = result["warnings"]
    print(f"  warnings: {len(warnings) or 'none'}")
    for line in warnings:
        print(f"    - {line}")
