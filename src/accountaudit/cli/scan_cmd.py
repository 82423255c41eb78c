"""``accountaudit scan``: load sources, run checks, write the review sheet (and JSON, a case)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from accountaudit.checks.registry import discover
from accountaudit.cli.common import describe_counts, split_ids, warn_lines
from accountaudit.cli.progress import ProgressBar
from accountaudit.engine import ScanOptions, run_scan
from accountaudit.errors import OutputError
from accountaudit.export.jsonl import write_findings_jsonl
from accountaudit.export.xlsx import write_review_sheet
from accountaudit.model import Severity
from accountaudit.report import ChangeKind, ReportData
from accountaudit.review.case_view import record_sheet, stamp_sheet, with_case
from accountaudit.review.store import CaseStore, check_folder


def add_parser(sub: Any) -> None:
    """Register ``scan`` and its options."""
    p = sub.add_parser("scan", help="scan exports and write a review sheet",
                       description="Load one or more exports (zip, folder or .jsonl), run every "
                                   "check, and write an Excel review sheet.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                   help="an export as a zip or folder, or a .jsonl file")
    p.add_argument("--out", required=True, type=Path, metavar="review.xlsx",
                   help="the review sheet to write")
    p.add_argument("--json", type=Path, metavar="findings.jsonl",
                   help="also write the findings as JSON Lines")
    p.add_argument("--case", type=Path, metavar="DIR",
                   help="keep sources, items and findings in this case folder")
    p.add_argument("--include-messages", action="store_true",
                   help="also load private messages (left out unless asked for)")
    p.add_argument("--rules", type=Path, action="append", default=[], metavar="DIR",
                   help="a folder of extra rule packs (may be given more than once)")
    p.add_argument("--checks", type=split_ids, metavar="ID,...",
                   help="run only these checks: ids (AA301), id prefixes (AA3) or categories")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Scan, then write outputs; nothing is written unless the scan finished."""
    _check_outputs(args)
    checks = discover(args.rules, args.checks)
    warn_lines("checks", checks.failures, "see the Checks tab of the sheet")
    with ProgressBar("Scanning") as bar:
        data = run_scan(args.paths, checks, ScanOptions(include_messages=args.include_messages),
                        progress=bar.update)
        scan_seconds = bar.elapsed
    data = dataclasses.replace(data, check_selection=tuple(args.checks or ()))
    if args.case is not None:
        with CaseStore.open(args.case) as store:
            run = store.record_scan(data)
            data = stamp_sheet(with_case(store, data, run))
            write_review_sheet(data, args.out)
            record_sheet(store, data, args.out)
    else:
        write_review_sheet(data, args.out)
    if args.json is not None:
        write_findings_jsonl(data, args.json)
    _report(args, data, scan_seconds)
    return 0


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse impossible outputs before any work, so a long scan is never wasted."""
    outputs = [p for p in (args.out, args.json) if p is not None]
    if args.out.suffix.lower() != ".xlsx":
        raise OutputError(args.out, "the review sheet must be an .xlsx file")
    if args.case is not None:
        check_folder(args.case)
    inputs = {p.resolve() for p in args.paths}
    for out in outputs:
        if out.is_dir():
            raise OutputError(out, "is a folder; give a file name")
        if not out.resolve().parent.is_dir():
            raise OutputError(out, f"the folder {out.parent} does not exist")
        if out.resolve() in inputs:
            raise OutputError(out, "is also an input; choose another output name so the "
                                   "original is never overwritten")


def _report(args: argparse.Namespace, data: ReportData, elapsed: float) -> None:
    total = 0
    for summary in data.sources:
        n = sum(summary.counts.values())
        total += n
        account = f" ({summary.source.account})" if summary.source.account else ""
        print(f"{summary.source.path}: {summary.source.platform}{account}, "
              f"{describe_counts(summary.counts)}")
        if summary.messages_skipped:
            n = summary.messages_skipped
            print(f"  {n:,} private message{'s' if n != 1 else ''} not loaded "
                  "(add --include-messages to review them)")
        warn_lines(Path(summary.source.path).name, summary.warnings, "all are in the Sources tab")
    by_severity = Counter(f.severity for f in data.findings)
    parts = [f"{by_severity[s]:,} {s}" for s in Severity if by_severity[s]]
    rate = total / elapsed if elapsed > 0 else 0.0
    print(f"Scanned {total:,} items in {elapsed:.1f} s ({rate:,.0f} items/s): "
          f"{len(data.findings):,} findings" + (f" ({', '.join(parts)})" if parts else "") + ".")
    print(f"Review sheet: {args.out}")
    if args.json is not None:
        print(f"Findings as JSON Lines: {args.json}")
    if args.case is not None:
        _report_case(args, data)
    sys.stdout.flush()


def _report_case(args: argparse.Namespace, data: ReportData) -> None:
    n = len(data.decisions)
    print(f"Case folder: {args.case} (case id {data.case_id}): {n:,} "
          f"decision{'s' if n != 1 else ''} carried into the sheet")
    if data.earlier_findings:
        n = len(data.earlier_findings)
        print(f"  findings from earlier runs not found again: {n:,}; they are kept, and marked "
              "\"No longer found\" on the sheet")
    for comparison in data.comparisons:
        deleted = comparison.count(ChangeKind.DELETED)
        print(f"  since the earlier capture {comparison.old_label}: {deleted:,} deleted, "
              f"{comparison.count(ChangeKind.EDITED):,} edited, "
              f"{comparison.count(ChangeKind.ADDED):,} added (Changes tab)")
        if deleted:
            sys.stderr.write(f"warning: {comparison.new_label}: {deleted:,} "
                             f"item{'s' if deleted != 1 else ''} of the earlier capture "
                             "deleted since (see the Changes tab)\n")
