"""``accountaudit case ...``: look into a case, check it, write its sheet, export or purge it.

Exit status: 0 when the command ran; ``case verify`` returns 1 when something changed; 2 when
the case folder cannot be used (the message says why in one sentence).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from accountaudit.cli import decisions_cmd
from accountaudit.errors import AccountAuditError, OutputError
from accountaudit.export.xlsx import write_review_sheet
from accountaudit.review.case_view import case_report, record_sheet, stamp_sheet
from accountaudit.review.caselog import describe, read_entries
from accountaudit.review.decisions import current_decisions
from accountaudit.review.retention import export_case, purge_case
from accountaudit.review.store import CaseStore
from accountaudit.review.verify import verify_case

EXIT_CHANGED = 1
EVIDENCE_CHARS = 40


def add_parser(sub: Any) -> None:
    """Register ``case`` and its subcommands."""
    p = sub.add_parser("case", help="show, check, export or purge a case folder",
                       description="Work with a case folder made by 'scan --case'.")
    inner = p.add_subparsers(dest="case_command", required=True,
                             metavar="show|decide|log|verify|sheet|export|purge")
    show = inner.add_parser("show", help="what the case holds")
    _folder(show)
    show.add_argument("--findings", action="store_true", help="also list every finding")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    show.set_defaults(handler=run_show)
    decisions_cmd.add_decide_parser(inner)
    log = inner.add_parser("log", help="print the case log")
    _folder(log)
    log.add_argument("--json", action="store_true", help="print JSON instead of text")
    log.set_defaults(handler=run_log)
    verify = inner.add_parser("verify", help="check the log chain and every source's SHA-256 "
                                             "(exit 1 if anything changed)")
    _folder(verify)
    verify.add_argument("--json", action="store_true", help="print JSON instead of text")
    verify.set_defaults(handler=run_verify)
    sheet = inner.add_parser("sheet", help="write a fresh review sheet from the case, with "
                                           "every decision filled in (no re-scan)")
    _folder(sheet)
    sheet.add_argument("--out", required=True, type=Path, metavar="review.xlsx")
    sheet.set_defaults(handler=run_sheet)
    export = inner.add_parser("export", help="the case as one zip with a manifest of hashes")
    _folder(export)
    export.add_argument("--out", required=True, type=Path, metavar="case.zip")
    export.add_argument("--reason", metavar="TEXT", help="why, and for whom (kept in the log)")
    export.set_defaults(handler=run_export)
    purge = inner.add_parser("purge", help="erase the case's content, keeping its log")
    _folder(purge)
    purge.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    purge.add_argument("--reason", metavar="TEXT", help="why (kept in the log)")
    purge.set_defaults(handler=run_purge)


def _folder(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", type=Path, metavar="DIR", help="the case folder")


def run_show(args: argparse.Namespace) -> int:
    """Print the case's sources, runs, findings and decisions."""
    with CaseStore.open(args.case, create=False) as store:
        summary = _summary(store, args.findings)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    print(f"Case {summary['case_id']} in {args.case}, created {summary['created_at'][:19]}")
    if summary["purged_at"]:
        print(f"  content purged on {summary['purged_at'][:19]}")
    for source in summary["sources"]:
        account = source["account"] or "no account name"
        print(f"  source: {source['path']} ({source['platform']}, {account}) "
              f"SHA-256 {source['sha256']}")
    f = summary["findings"]
    print(f"  {summary['runs']} scan runs; {f['found']:,} findings found, "
          f"{f['no_longer_found']:,} no longer found (kept)")
    for decision, n in summary["decisions"].items():
        print(f"  {decision}: {n:,}")
    print(f"  log: {summary['log_entries']:,} entries")
    for row in summary.get("finding_list", []):
        status = "found" if row["current"] else f"no longer found (run {row['gone_at_run']})"
        evidence = " ".join(row["evidence"].split())[:EVIDENCE_CHARS]
        print(f"  {row['id']}  {row['check_id']:<7} {status:<24} {row['decision']:<28} "
              f"{evidence!r}")
    return 0


def _summary(store: CaseStore, with_findings: bool) -> dict[str, Any]:
    rows = store.finding_rows()
    decisions = current_decisions(store)
    counts = Counter(record.decision.value for record in decisions.values())
    conn = store.connection
    created = conn.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()
    result: dict[str, Any] = {
        "case_id": store.case_id, "created_at": created[0] if created else "",
        "purged_at": store.purged_at,
        "sources": [{"id": s.id, "path": s.path, "platform": s.platform, "account": s.account,
                     "sha256": s.sha256} for s in store.sources()],
        "runs": len(store.runs()),
        "findings": {"found": sum(r["current"] for r in rows),
                     "no_longer_found": sum(not r["current"] for r in rows)},
        "decisions": dict(sorted(counts.items())), "log_entries": store.counts()["log"],
    }
    if with_findings:
        result["finding_list"] = [
            {**{k: r[k] for k in ("id", "check_id", "item_key", "evidence", "current",
                                  "gone_at_run")},
             "decision": decisions[r["id"]].decision.value if r["id"] in decisions
             else "Not reviewed"} for r in rows]
    return result


def run_log(args: argparse.Namespace) -> int:
    """Print every log entry, oldest first."""
    with CaseStore.open(args.case, create=False) as store:
        entries = read_entries(store.connection)
    if args.json:
        print(json.dumps([e.as_dict() for e in entries], indent=2, ensure_ascii=False))
    else:
        for entry in entries:
            print(describe(entry))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Check the case; exit 1 if anything changed."""
    report = verify_case(args.case)
    if args.json:
        print(json.dumps({"case_id": report.case_id, "intact": report.intact,
                          "entries": report.entries, "head_hash": report.head_hash,
                          "fine": report.fine, "changed": report.changed}, indent=2,
                         ensure_ascii=False))
        return 0 if report.intact else EXIT_CHANGED
    print(f"Case {report.case_id}: {report.entries:,} log entries, last hash {report.head_hash}")
    for line in report.fine:
        print(f"  ok: {line}")
    for line in report.changed:
        print(f"  CHANGED: {line}")
    if report.intact:
        print("Everything is as recorded.")
        return 0
    n = len(report.changed)
    print(f"{n} thing{'s' if n != 1 else ''} changed since {'they were' if n != 1 else 'it was'} "
          "recorded.")
    return EXIT_CHANGED


def run_sheet(args: argparse.Namespace) -> int:
    """Write a review sheet from the case alone, and log it."""
    if args.out.suffix.lower() != ".xlsx":
        raise OutputError(args.out, "the review sheet must be an .xlsx file")
    with CaseStore.open(args.case, create=False) as store:
        data = stamp_sheet(case_report(store))
        write_review_sheet(data, args.out)
        record_sheet(store, data, args.out)
    print(f"Review sheet: {args.out} ({len(data.findings):,} findings found, "
          f"{len(data.earlier_findings):,} no longer found, {len(data.decisions):,} decided)")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write the case as one zip, and log it."""
    with CaseStore.open(args.case, create=False) as store:
        result = export_case(store, args.out, args.reason)
    files = result.manifest["files"]
    print(f"Case export: {result.path} (SHA-256 {result.sha256})")
    for name, info in files.items():
        print(f"  {name}: {info['size']:,} bytes, SHA-256 {info['sha256']}")
    print(f"  log: {result.manifest['log_entries']:,} entries, last hash "
          f"{result.manifest['log_head']}")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    """Erase the case's content after an explicit --yes."""
    if not args.yes:
        raise AccountAuditError(f"{args.case}: purging erases every item's text, the evidence "
                                "and the notes for good; add --yes to confirm")
    with CaseStore.open(args.case, create=False) as store:
        result = purge_case(store, args.reason)
    print(f"Purged {args.case}: the text of {result.items:,} items, the evidence of "
          f"{result.findings:,} findings and {result.notes:,} notes were erased. The log "
          "(with this purge) and the decisions remain.")
    for path in result.sheets_still_on_disk:
        sys.stderr.write(f"warning: the review sheet {path} was written from this case and "
                         "still holds its content; delete it too if it must go\n")
    return 0
