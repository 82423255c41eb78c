"""The scan engine: sources in, findings out; the CLI and GUI both call ``run_scan``."""

from accountaudit.engine.scan import Progress, ScanOptions, run_scan

__all__ = ["Progress", "ScanOptions", "run_scan"]
