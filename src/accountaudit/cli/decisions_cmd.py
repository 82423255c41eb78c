"""``accountaudit case decide`` and ``accountaudit import-decisions``: decisions into a case.

``import-decisions`` exits 0 when every row was taken (or already matched the case), 1 when
some rows were not matched or conflicts were left in the case's favour, and 2 when the sheet
was refused (another case, or values outside the decision list: then nothing is imported).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from accountaudit.export.xlsx_read import read_returned_sheet
from accountaudit.model import Decision
from accountaudit.review.decisions import record_decision
from accountaudit.review.sheet_import import ImportResult, import_sheet
from accountaudit.review.store import CaseStore

EXIT_INCOMPLETE = 1
MAX_ROWS_SHOWN = 20
_CHOICES = ", ".join(f'"{d.value}"' for d in Decision)


def add_decide_parser(inner: Any) -> None:
    """Register ``case decide`` (called by the ``case`` command)."""
    p = inner.add_parser("decide", help="record a decision on one finding, saved at once",
                         description="Record a decision on one finding. It is saved the moment "
                                     "the command runs, with your name and the time, and logged.")
    p.add_argument("case", type=Path, metavar="DIR", help="the case folder")
    p.add_argument("finding_id", metavar="FINDING_ID", help="the Finding ID from the sheet")
    p.add_argument("--decision", required=True, metavar="TEXT", help=f"one of {_CHOICES}")
    p.add_argument("--note", default="", metavar="TEXT", help="your reasons or context")
    p.add_argument("--reviewer", metavar="NAME",
                   help="who decided (default: your user name on this computer)")
    p.set_defaults(handler=run_decide)


def add_parser(sub: Any) -> None:
    """Register ``import-decisions``."""
    p = sub.add_parser("import-decisions", help="read decisions back from a returned sheet",
                       description="Read the Decision and Note columns of a returned review "
                                   "sheet into its case. A sheet with any value outside the "
                                   "decision list is refused whole; nothing is imported.")
    p.add_argument("sheet", type=Path, metavar="review.xlsx")
    p.add_argument("--case", required=True, type=Path, metavar="DIR",
                   help="the case folder the sheet was written from")
    p.add_argument("--reviewer", metavar="NAME",
                   help="who filled in the sheet (default: your user name on this computer)")
    p.add_argument("--force", action="store_true",
                   help="take the sheet's value even where the case has a newer decision "
                        "(and accept a sheet that names no case)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(handler=run_import)


def run_decide(args: argparse.Namespace) -> int:
    """Record one decision and say so."""
    with CaseStore.open(args.case, create=False) as store:
        record = record_decision(store, args.finding_id, args.decision, args.note,
                                 args.reviewer)
    print(f"Saved: {record.finding_id}: {record.decision.value}"
          f"{' (with a note)' if record.note else ''}, by {record.reviewer} at "
          f"{record.decided_at.isoformat(timespec='seconds')}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import a returned sheet; exit 1 if anything was left out."""
    sheet = read_returned_sheet(args.sheet)
    with CaseStore.open(args.case, create=False) as store:
        result = import_sheet(store, sheet, args.reviewer, args.force)
    if args.json:
        print(json.dumps(_as_json(result), indent=2, ensure_ascii=False))
    else:
        _print(args, result)
    return 0 if result.complete else EXIT_INCOMPLETE


def _print(args: argparse.Namespace, result: ImportResult) -> None:
    print(f"{args.sheet}: {_n(len(result.imported), 'decision')} imported, "
          f"{_n(result.unchanged, 'row')} already as in the case.")
    if result.superseded:
        print(f"Left as the sheet was written, where the case has a newer decision "
              f"({_n(result.superseded, 'row')}): the case's decision stands.")
    if result.unmatched:
        print(f"Not imported, because this case has no such finding "
              f"({_n(len(result.unmatched), 'row')}):")
        for row in result.unmatched[:MAX_ROWS_SHOWN]:
            print(f"  row {row.row}: {row.finding_id}")
        _more(len(result.unmatched))
    if result.conflicts:
        verb = "took the sheet's value (--force)" if result.forced else "kept the case's value"
        print(f"Changed in the sheet, but the case has a newer decision "
              f"({_n(len(result.conflicts), 'row')}); {verb}:")
        for conflict in result.conflicts[:MAX_ROWS_SHOWN]:
            case = conflict.case
            print(f"  row {conflict.row.row}: {conflict.row.finding_id}: sheet says "
                  f"\"{conflict.row.decision}\", case says \"{case.decision.value}\" "
                  f"({case.reviewer}, {case.decided_at.isoformat(timespec='seconds')})")
        _more(len(result.conflicts))
        if not result.forced:
            print("Add --force to take the sheet's values for these rows.")


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _more(count: int) -> None:
    if count > MAX_ROWS_SHOWN:
        print(f"  ... and {count - MAX_ROWS_SHOWN:,} more (--json lists them all)")


def _as_json(result: ImportResult) -> dict[str, Any]:
    return {
        "imported": [{"row": r.row, "finding": r.finding_id, "decision": r.decision}
                     for r in result.imported],
        "unchanged": result.unchanged, "superseded": result.superseded,
        "unmatched": [{"row": r.row, "finding": r.finding_id} for r in result.unmatched],
        "conflicts": [{"row": c.row.row, "finding": c.row.finding_id, "sheet": c.row.decision,
                       "case": c.case.decision.value, "case_reviewer": c.case.reviewer,
                       "case_decided_at": c.case.decided_at.isoformat()}
                      for c in result.conflicts],
        "forced": result.forced, "complete": result.complete,
        "sheet_exported_at": result.exported_at.isoformat() if result.exported_at else None,
    }
