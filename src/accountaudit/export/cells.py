"""Safe cell values: archive text must reach Excel as inert text, never as a formula or bad XML.

Every string that came from an archive goes through ``clean_text`` and ``text_cell``. The cell's
type is forced to text after the value is set, so ``=HYPERLINK(...)`` stays a string, and risky
first characters also get Excel's quote prefix so that editing the cell does not revive a formula.
"""

from __future__ import annotations

import re
from copy import copy
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CELL_LIMIT = 32_767
"""Excel's maximum characters in one cell (counted in UTF-16 units, as Excel counts)."""

ELLIPSIS = "…"

# Characters XML 1.0 cannot carry (openpyxl raises IllegalCharacterError, lxml ValueError).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads _xHHHH_ inside a string as an escaped character; escaping the underscore keeps
# such text literal when Excel shows it.
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
# First characters that start a formula when a reviewer edits the cell (OWASP CSV injection,
# plus the full-width forms some input methods type).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def clean_text(value: str, limit: int = CELL_LIMIT) -> str:
    """Text that Excel can store and show as given: XML-safe and within ``limit``."""
    if _ILLEGAL_XML.search(value):
        value = _ILLEGAL_XML.sub("", value)
    if "_x" in value:
        value = _EXCEL_ESCAPE.sub(r"_x005F_\1", value)
    return truncate(value, limit)


def truncate(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` UTF-16 units, ending in an ellipsis when anything was cut."""
    if len(value) <= limit // 2 or _utf16_len(value) <= limit:
        return value
    budget = limit - 1
    kept: list[str] = []
    for char in value:
        budget -= 2 if ord(char) > 0xFFFF else 1
        if budget < 0:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS


def excerpt(value: str, limit: int, around: tuple[int, int] | None = None) -> str:
    """A short, cleaned excerpt for a table cell, cut at word boundaries where one is near.

    With ``around`` (a finding's span), a long text is shown from shortly before the span, so
    the words that fired are in the cell even when they come late in a long post.
    """
    start = 0
    if around is not None and around[1] > limit - 1:
        start = max(0, min(around[0] - limit // 3, len(value) - limit + 1))
        space = value.find(" ", start, start + 40)
        start = space + 1 if space != -1 else start
    prefix = ELLIPSIS if start else ""
    text = clean_text(value[start : start + limit * 2])
    room = limit - len(prefix)
    if len(text) <= room:
        return prefix + text
    cut = text[: room - 1]
    space = cut.rfind(" ", room - 40)
    return prefix + (cut[:space] if space > 0 else cut).rstrip() + ELLIPSIS


def needs_quote_prefix(value: str) -> bool:
    """True when Excel would read the text as a formula if a reviewer re-entered it."""
    return value.startswith(_FORMULA_START)


def text_cell(ws: WriteOnlyWorksheet, value: str | None, style: str,
              limit: int = CELL_LIMIT) -> Cell:
    """A text cell that can never become a formula, an error value or a number."""
    return _forced_text(ws, clean_text(value, limit) if value else None, style)


def text_value(ws: WriteOnlyWorksheet, value: str | None, style: str) -> str | Cell | None:
    """Cleaned text as a plain value where openpyxl stores it as text anyway (much faster for
    big tabs), else a forced-text cell in ``style``."""
    if not value:
        return None
    value = clean_text(value)
    if value.startswith("=") or value in ERROR_CODES or needs_quote_prefix(value):
        return _forced_text(ws, value, style)
    return value


def _forced_text(ws: WriteOnlyWorksheet, value: str | None, style: str) -> Cell:
    cell = WriteOnlyCell(ws)
    apply_style(cell, ws, style)
    if value:
        cell.value = value
        cell.data_type = "s"  # after the value: openpyxl infers "f" for "=..." and "e" for "#N/A"
        if needs_quote_prefix(value):
            cell.quotePrefix = True
    return cell


def styled_cell(ws: WriteOnlyWorksheet, value: float | datetime | None,
                style: str) -> Cell:
    """A number or date cell in a named style (no text ever goes through here)."""
    cell = WriteOnlyCell(ws, value=value)
    apply_style(cell, ws, style)
    return cell


_STYLE_CACHE: WeakKeyDictionary[Workbook, dict[str, StyleArray]] = WeakKeyDictionary()


def apply_style(cell: Cell, ws: WriteOnlyWorksheet, name: str) -> None:
    """Give ``cell`` a named style; the first use goes through openpyxl's lookup, later ones
    copy the resolved style array, which makes 100,000-row sheets about twice as fast."""
    styles = _STYLE_CACHE.setdefault(ws.parent, {})
    resolved = styles.get(name)
    if resolved is None:
        cell.style = name
        styles[name] = copy(cell._style)
    else:
        cell._style = copy(resolved)


def excel_datetime(moment: datetime | None) -> datetime | None:
    """Naive UTC, which is what Excel stores; a naive input is taken as UTC already."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2
