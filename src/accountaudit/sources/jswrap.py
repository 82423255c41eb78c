"""X archives wrap JSON in JavaScript assignments (``window.YTD.tweets.part0 = [...]``).

Parsing lives here so every X generation (Grailbird ``Grailbird.data.tweets_2013_11 = [``,
``var user_details = {``, ``window.__THAR_CONFIG = {``) goes through the same tolerant reader.
"""

from __future__ import annotations

import json
import lzma
import re
import zlib
from typing import Any

from accountaudit.errors import InputError
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import LoadReport
from accountaudit.sources.text import decode

# ``window.YTD.x.part0 =``, ``var user_details =``, ``Grailbird.data.tweets_2013_11 =``
_ASSIGN = re.compile(r"""(?:var\s+|let\s+|const\s+)?[\w.$\[\]"']{1,200}\s*=\s*""")
_SPACE = re.compile(r"[\s\ufeff]*")
_TAIL = re.compile(r"\s*;?\s*\Z")
_DECODER = json.JSONDecoder()
_TRAILING_COMMA = re.compile(r",\s*([\]}])\s*\Z")  # only the last bracket
_PART = re.compile(r"-part(\d+)\.js\Z")
# What reading a damaged member can raise besides InputError (the zip layer wraps most).
READ_ERRORS = (InputError, OSError, EOFError, ValueError, RuntimeError, NotImplementedError,
               zlib.error, lzma.LZMAError)


class JsWrapError(ValueError):
    """The member is not a JS-wrapped JSON value; the message says why in plain words."""


def parse_js(text: str) -> Any:
    """The JSON value of an X data file, with or without its ``name =`` prefix.

    Tolerates a byte-order mark, a trailing ``;`` and a trailing comma before the final
    bracket (hand-edited Grailbird files end ``}, ]``). Decodes in place: files can be large.
    """
    space = _SPACE.match(text)
    start = space.end() if space is not None else 0
    if not text.startswith(("[", "{"), start):
        match = _ASSIGN.match(text, start)
        start = match.end() if match is not None else text.find("[", start)
        if start < 0:
            raise JsWrapError("it does not contain a JSON array or object")
    try:
        value, end = _DECODER.raw_decode(text, start)
    except ValueError as first:
        fixed = _TRAILING_COMMA.sub(r"\1", text[start:].rstrip().rstrip(";"))
        try:
            return json.loads(fixed)
        except (ValueError, RecursionError):
            raise JsWrapError(f"it is not valid JSON ({_short(first)})") from None
    except RecursionError:
        raise JsWrapError("it is nested too deeply to read") from None
    if _TAIL.match(text, end) is None:
        raise JsWrapError("it has unexpected text after the data")
    return value


def _short(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    return str(exc)


def read_js(view: ArchiveView, name: str, report: LoadReport) -> Any | None:
    """Read, decode and parse one member; any failure is a warning naming it, and None."""
    data = read_member(view, name, report)
    if data is None:
        return None
    if not data.strip():
        return None
    text = decode(data, report.warnings, name)
    try:
        return parse_js(text)
    except JsWrapError as exc:
        report.warnings.append(f"{name}: skipped, {exc}")
        return None


def read_member(view: ArchiveView, name: str, report: LoadReport) -> bytes | None:
    """The member's bytes, or None with a warning naming it when it is damaged or unreadable."""
    try:
        return view.read_bytes(name)
    except READ_ERRORS as exc:
        problem = exc.problem if isinstance(exc, InputError) else (str(exc) or type(exc).__name__)
        report.warnings.append(f"{name}: skipped, it could not be read ({problem})")
        return None


def read_js_array(view: ArchiveView, name: str, report: LoadReport) -> list[Any]:
    """Like ``read_js`` but the value must be an array (every X data file is one)."""
    value = read_js(view, name, report)
    if value is None:
        return []
    if not isinstance(value, list):
        report.warnings.append(f"{name}: skipped, it holds a JSON {type(value).__name__} "
                               "where a list was expected")
        return []
    return value


def unwrap(entry: Any, key: str) -> dict[str, Any] | None:
    """``{"tweet": {...}}`` in newer archives, the bare object in older ones; None if neither."""
    if not isinstance(entry, dict):
        return None
    inner = entry.get(key)
    if len(entry) == 1 and isinstance(inner, dict):
        return inner
    return entry


def part_order(name: str) -> tuple[int, str]:
    """Sort key putting ``tweets.js`` first and ``-part10.js`` after ``-part2.js``."""
    match = _PART.search(name)
    return (int(match.group(1)) + 1 if match else 0, name)
