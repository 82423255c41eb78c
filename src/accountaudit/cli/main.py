"""``accountaudit`` entry point: parse arguments, run one command, turn errors into one sentence.

Exit status: 0 when the command ran (whatever a scan found), 1 when ``case verify`` found a
change or ``import-decisions`` left rows out, 2 for bad usage or unreadable input, 130 when
stopped with Ctrl-C. A traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from accountaudit import __version__
from accountaudit.cli import (
    case_cmd,
    checks_cmd,
    decisions_cmd,
    diff_cmd,
    inspect_cmd,
    scan_cmd,
)
from accountaudit.errors import AccountAuditError

LOG = logging.getLogger("accountaudit")
EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used by tests and documentation)."""
    parser = argparse.ArgumentParser(
        prog="accountaudit",
        description="Review a police officer's social-media exports for blurred personal and "
                    "professional boundaries, and write a review sheet.")
    parser.add_argument("--version", action="version", version=f"accountaudit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full details of any error")
    parser.add_argument("-v", "--verbose", action="store_true", help="say more about each step")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    scan_cmd.add_parser(sub)
    inspect_cmd.add_parser(sub)
    checks_cmd.add_parser(sub)
    case_cmd.add_parser(sub)
    decisions_cmd.add_parser(sub)
    diff_cmd.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="accountaudit: %(message)s", stream=sys.stderr)
    try:
        return int(args.handler(args))
    except AccountAuditError as exc:
        if args.debug:
            LOG.exception("error")
        _say(f"error: {exc}")
        return EXIT_USAGE
    except BrokenPipeError:
        # Output piped into `head` or a closed pager: stop quietly, as Unix tools do.
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        _say("stopped. Nothing half-written was left behind.")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.debug:
            LOG.exception("internal error")
        _say(f"internal error: {type(exc).__name__}: {exc}. This is a bug in accountaudit; "
             "run again with --debug and report what it prints.")
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _say(message: str) -> None:
    sys.stderr.write(f"accountaudit: {message}\n")


if __name__ == "__main__":
    raise SystemExit(main())
