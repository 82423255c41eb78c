"""Reading LinkedIn's CSV files as they really are (formats.md §5 and its Addendum).

LinkedIn's files are not uniform: some start with a byte-order mark and some do not, some put a
``Notes:`` paragraph before the header, ``Comments.csv`` escapes quotes with a backslash,
``Shares.csv`` quotes each line of a multi-line post separately, and ``messages.csv`` quotes
its header. Everything here turns those files into plain rows and dates, warning instead of
failing.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import LoadReport
from accountaudit.sources.jswrap import read_member
from accountaudit.sources.text import decode

_MAX_PREAMBLE = 20  # header lines are looked for among the first lines only
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_ISO = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"
                  r"\s*(?:Z|UTC|GMT|\+00:?00)?\Z", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"\A(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})\Z")
_MONTH_DAY_YEAR = re.compile(r"\A([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})\Z")
_MONTH_YEAR = re.compile(r"\A([A-Za-z]{3})[a-z]*\.? (\d{4})\Z")
_YEAR = re.compile(r"\A(\d{4})\Z")
# "Sat Sep 05 08:12:14 UTC 2026" (Company Follows.csv)
_JAVA = re.compile(r"\A[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})\Z")
_FIELD_LIMIT = 64 << 20

csv.field_size_limit(min(sys.maxsize, _FIELD_LIMIT))


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its cells by lower-case column name and the line it starts on."""

    line: int
    cells: dict[str, str]

    def get(self, *names: str) -> str:
        """The first non-blank cell among ``names`` (lower-case), stripped; '' if none."""
        for name in names:
            value = self.cells.get(name, "").strip()
            if value:
                return value
        return ""


def norm_header(cell: str) -> str:
    """A header cell compared loosely: no BOM, quotes or spaces around it, lower case."""
    return cell.replace("\ufeff", "").strip().strip('"').strip().casefold()


def read_rows(view: ArchiveView, name: str, report: LoadReport, header: Iterable[str],
              escapes: bool | None = None) -> Iterator[Row]:
    """Rows of a CSV whose header line holds any of ``header`` (lower-case names).

    Backslash escapes are honoured when ``escapes`` is True, or (None) when the file contains
    ``\\"``. A missing header is one warning; a row with more cells than the header keeps the
    surplus in its last column (commas in an unquoted text), with a warning. Also used for
    Google Takeout's CSV files, which never use backslash escapes.
    """
    data = read_member(view, name, report)
    if data is None:
        return
    text = decode(data, report.warnings, name).replace("\r\n", "\n").replace("\r", "\n")
    start, skipped = _header_offset(text, frozenset(header))
    if start is None:
        if text.strip() and "no conversations found" not in text.casefold():
            report.warnings.append(f"{name}: skipped, its header line was not found")
        return
    if escapes is None:
        escapes = '\\"' in text
    escape = "\\" if escapes else None
    reader = csv.reader(io.StringIO(text[start:], newline=""), escapechar=escape, strict=False)
    try:
        columns = [norm_header(c) for c in next(reader)]
    except (StopIteration, csv.Error):
        return
    yield from _rows(reader, columns, name, skipped, report)


def _rows(reader: Iterator[list[str]], columns: list[str], name: str, skipped: int,
          report: LoadReport) -> Iterator[Row]:
    last_line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.warnings.append(f"{name} line {skipped + last_line + 1}: the rest of the file "
                                   f"could not be read ({exc})")
            return
        first = skipped + last_line + 1
        last_line = reader.line_num  # type: ignore[attr-defined]
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns) > 0:
            report.warnings.append(f"{name} line {first}: {len(cells)} cells for "
                                   f"{len(columns)} columns; the extra cells were kept in "
                                   f"'{columns[-1]}'")
            cells = [*cells[:len(columns) - 1], ",".join(cells[len(columns) - 1:])]
        yield Row(first, dict(zip(columns, cells, strict=False)))


def _header_offset(text: str, header: frozenset[str]) -> tuple[int | None, int]:
    """Where the header line starts, skipping a ``Notes:`` preamble; and the lines skipped."""
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True)[:_MAX_PREAMBLE]):
        cells = {norm_header(c) for c in line.split(",")}
        if cells & header:
            return offset, number
        offset += len(line)
    return None, 0


def clean_share_text(raw: str) -> str:
    """Undo Shares.csv quoting each line of a post separately (formats.md Addendum).

    ``"Line one"\\n""\\n"Line two"`` becomes ``Line one\\n\\nLine two``; text that was quoted
    normally is returned unchanged.
    """
    lines = raw.split("\n")
    quoted = sum(1 for line in lines if line.startswith('"') or line.endswith('"'))
    if len(lines) > 1:
        per_line = quoted >= len(lines) - 1
    else:
        per_line = len(raw) > 1 and raw.startswith('"') and raw.endswith('"')
    if not per_line:
        return raw.strip()
    cleaned = []
    for line in lines:
        line = line.replace('""', '"')
        line = line[1:] if line.startswith('"') else line
        line = line[:-1] if line.endswith('"') else line
        cleaned.append(line.rstrip())
    return "\n".join(cleaned).strip()


def parse_date(raw: str) -> datetime | None:
    """Every date form LinkedIn writes, as UTC; English month names without the locale."""
    raw = raw.strip()
    if m := _ISO.match(raw):
        parts = [int(p) if p else 0 for p in m.groups()]
        return _build(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
    if m := _JAVA.match(raw):
        return _named(m.group(1), int(m.group(6)), int(m.group(2)),
                      (int(m.group(3)), int(m.group(4)), int(m.group(5))))
    if m := _DAY_MONTH_YEAR.match(raw):
        return _named(m.group(2), int(m.group(3)), int(m.group(1)))
    if m := _MONTH_DAY_YEAR.match(raw):
        return _named(m.group(1), int(m.group(3)), int(m.group(2)))
    if m := _MONTH_YEAR.match(raw):
        return _named(m.group(1), int(m.group(2)), 1)
    if m := _YEAR.match(raw):
        return _build(int(m.group(1)), 1, 1)
    return None


def _named(month: str, year: int, day: int,
           hms: tuple[int, int, int] = (0, 0, 0)) -> datetime | None:
    number = _MONTHS.get(month[:3].casefold())
    return _build(year, number, day, *hms) if number else None


def _build(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
           second: int = 0) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
