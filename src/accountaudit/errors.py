"""One exception hierarchy: every error a user can see carries a plain-English message.

The CLI and GUI show ``str(error)``; a traceback is never the message.
"""

from __future__ import annotations

from pathlib import Path


class AccountAuditError(Exception):
    """Root of every error the tool raises on purpose; ``str()`` is the user-facing sentence."""


class InputError(AccountAuditError):
    """An input file or folder could not be used (missing, unreadable, not a known format)."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class UnknownFormatError(InputError):
    """No loader recognised the files present in a source."""


class RulePackError(AccountAuditError):
    """A rule pack is not valid; the message names the file, the rule and the field."""

    def __init__(self, path: Path | str, problem: str, rule: str | None = None) -> None:
        self.path = str(path)
        self.rule = rule
        where = f"{self.path}, rule {rule}" if rule else self.path
        super().__init__(f"{where}: {problem}")


class PluginError(AccountAuditError):
    """A check plugin could not be loaded or is invalid."""


class OutputError(AccountAuditError):
    """An output (sheet, JSON file, case folder) could not be written."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {problem}")


class CaseError(AccountAuditError):
    """A case folder is missing, locked, damaged or from an incompatible version."""


class ScanCancelled(AccountAuditError):
    """The user stopped a scan; nothing half-written was left behind."""

    def __init__(self) -> None:
        super().__init__("The scan was stopped before it finished; no output was written.")
