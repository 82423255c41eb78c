"""Timestamp parsing for every export format, always to aware UTC (formats.md §9).

Each function returns None for a value it cannot read, so a loader can warn and keep the item.
"""

from __future__ import annotations

from datetime import UTC, datetime

_MIN_YEAR = 1990  # earlier dates in an export are clock errors, not real posts


def parse_iso(value: str) -> datetime | None:
    """ISO 8601 (``Z``, offsets, 3 or 6 fractional digits) to aware UTC; naive means UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 falls before year 1 in UTC
        return None


def from_unix(seconds: float | int | str | None) -> datetime | None:
    """Unix seconds (Facebook/Instagram ``timestamp``) to aware UTC."""
    return _from_epoch(seconds, 1)


def from_unix_ms(milliseconds: float | int | str | None) -> datetime | None:
    """Unix milliseconds (Meta messages ``timestamp_ms``) to aware UTC."""
    return _from_epoch(milliseconds, 1000)


def parse_naive(value: str, fmt: str) -> datetime | None:
    """A naive date string in ``fmt`` (TikTok, LinkedIn), read as UTC."""
    try:
        return datetime.strptime(value.strip(), fmt).replace(tzinfo=UTC)
    except (ValueError, AttributeError):
        return None


def _from_epoch(value: float | int | str | None, divisor: int) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value) / divisor
        parsed = datetime.fromtimestamp(number, tz=UTC)
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return parsed if parsed.year >= _MIN_YEAR else None
