"""``accountaudit checks list|show``: every registered check and its documentation."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from accountaudit.check import CheckInfo
from accountaudit.checks.registry import discover
from accountaudit.checks.rulepack import example_failures, find_pack_files, load_pack
from accountaudit.errors import AccountAuditError, InputError


def add_parser(sub: Any) -> None:
    """Register ``checks list`` and ``checks show``."""
    p = sub.add_parser("checks", help="list checks or show one check's documentation")
    inner = p.add_subparsers(dest="checks_command", metavar="list|show|test", required=True)
    lst = inner.add_parser("list", help="every registered check")
    lst.add_argument("--json", action="store_true", help="print JSON instead of a table")
    lst.add_argument("--rules", type=Path, action="append", default=[], metavar="DIR")
    lst.set_defaults(handler=run_list)
    show = inner.add_parser("show", help="one check's documentation")
    show.add_argument("check_id", metavar="ID")
    show.add_argument("--rules", type=Path, action="append", default=[], metavar="DIR")
    show.set_defaults(handler=run_show)
    test = inner.add_parser("test", help="run a rule pack's examples (exit 1 if any misbehave)")
    test.add_argument("packs", nargs="+", type=Path, metavar="PACK",
                      help="a rule pack (.toml) or a folder of them")
    test.set_defaults(handler=run_test)


def run_list(args: argparse.Namespace) -> int:
    """Print every check: id, severity, category, title, origin."""
    checks = discover(args.rules)
    if args.json:
        rows = [_as_dict(i) for i in checks.infos]
        print(json.dumps({"checks": rows, "failures": list(checks.failures)}, indent=2,
                         ensure_ascii=False))
        return 0
    width = max((len(str(i.category)) for i in checks.infos), default=10)
    for info in checks.infos:
        print(f"{info.id:<7} {info.severity:<7} {info.category!s:<{width}}  {info.title}  "
              f"[{info.origin}]")
    print(f"{len(checks.infos)} checks.")
    for failure in checks.failures:  # a listing shows every failure, uncapped
        sys.stderr.write(f"warning: checks: {failure}\n")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one check's full documentation."""
    checks = discover(args.rules)
    wanted = args.check_id.strip().upper()
    info = next((i for i in checks.infos if i.id == wanted), None)
    if info is None:
        raise AccountAuditError(f"There is no check {args.check_id}; "
                                "'accountaudit checks list' shows them all.")
    out = sys.stdout
    out.write(f"{info.id}: {info.title}\n")
    out.write(f"  category:  {info.category}\n  severity:  {info.severity} (default)\n")
    out.write(f"  standard:  {info.standard}\n  version:   {info.version}\n")
    out.write(f"  origin:    {info.origin}\n\n")
    out.write(textwrap.fill(info.explanation, 88) + "\n")
    if info.doc and info.doc != info.explanation:
        out.write("\n" + textwrap.dedent(info.doc).strip() + "\n")
    return 0


def run_test(args: argparse.Namespace) -> int:
    """Check that every rule flags its examples.flag texts and passes its examples.pass texts."""
    files: list[Path] = []
    for path in args.packs:
        if path.is_dir():
            files.extend(find_pack_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(path, "does not exist")
    if not files:
        raise InputError(args.packs[0], "holds no rule packs (*.toml)")
    failed = 0
    for path in files:
        pack = load_pack(path)
        problems = example_failures(pack.rules)
        examples = sum(len(r.examples_flag) + len(r.examples_pass) for r in pack.rules)
        verdict = "ok" if not problems else f"{len(problems)} failed"
        print(f"{path}: {len(pack.rules)} rules, {examples} examples: {verdict}")
        for problem in problems:
            print(f"  - {problem}")
        failed += len(problems)
    return 1 if failed else 0


def _as_dict(info: CheckInfo) -> dict[str, str]:
    return {"id": info.id, "title": info.title, "category": str(info.category),
            "severity": str(info.severity), "standard": info.standard,
            "version": info.version, "origin": info.origin, "explanation": info.explanation}
