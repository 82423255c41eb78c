"""Print load-only and full-scan speed (items/s) for one or more sources.

Usage: python benchmarks/scan_speed.py PATH [PATH...] [--repeat N]
Defaults to the largest bundled X sample (the milahu archive fixture) when no path is given.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from accountaudit.checks.registry import discover
from accountaudit.engine import ScanOptions, run_scan
from accountaudit.export.xlsx import write_review_sheet
from accountaudit.sources.registry import open_source

DEFAULT = Path(__file__).resolve().parents[1] / "tests/fixtures/twitter/milahu-twitter-milahu104"


def _load_only(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with open_source(path) as source:
            total += sum(1 for _ in source.items())
    return total


def _best(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    checks = discover()
    load_s, n = _best(lambda: _load_only(args.paths), args.repeat)
    scan_s, data = _best(lambda: run_scan(args.paths, checks, ScanOptions()), args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        sheet_s, _ = _best(lambda: write_review_sheet(data, Path(tmp) / "r.xlsx"), args.repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sources: {', '.join(str(p) for p in args.paths)}")
    print(f"items: {n:,}   checks: {len(checks.infos)}   findings: {len(data.findings):,}")
    print(f"load only:        {load_s:7.3f} s  {n / load_s:10,.0f} items/s")
    print(f"load + checks:    {scan_s:7.3f} s  {n / scan_s:10,.0f} items/s")
    print(f"review sheet:     {sheet_s:7.3f} s")
    print(f"scan + sheet:     {scan_s + sheet_s:7.3f} s  {n / (scan_s + sheet_s):10,.0f} items/s")
    print(f"peak RSS: {rss:,.0f} MB (best of {args.repeat} runs each)")


if __name__ == "__main__":
    main()
