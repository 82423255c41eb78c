"""Turning records into case-database rows and back, so a case can be shown without a re-scan."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from accountaudit.check import CheckInfo
from accountaudit.model import (
    Audience,
    Category,
    Finding,
    Item,
    ItemKind,
    MediaRef,
    Provenance,
    Severity,
    Source,
)

ITEM_COLUMNS = ("key, source_id, id, platform, kind, created_at, created_raw, author, url, "
                "reply_to, audience, text, text_raw, media_json, provenance_json, extra_json")
FINDING_COLUMNS = ("id, item_key, check_id, category, severity, confidence, evidence, "
                   "explanation, standard, span_start, span_end, check_version, details_json")
SOURCE_COLUMNS = "id, path, platform, layout, sha256, size, loader, account"

ITEM_UPSERT = (
    f"INSERT OR REPLACE INTO items ({ITEM_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
FINDING_UPSERT = (
    f"INSERT INTO findings ({FINDING_COLUMNS}, first_run, last_run) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
    "severity=excluded.severity, confidence=excluded.confidence, "
    "explanation=excluded.explanation, standard=excluded.standard, "
    "span_start=excluded.span_start, span_end=excluded.span_end, "
    "check_version=excluded.check_version, details_json=excluded.details_json, "
    "last_run=excluded.last_run")


def item_row(item: Item) -> tuple[Any, ...]:
    """An item as an ``items`` row (``ITEM_COLUMNS`` order)."""
    p = item.provenance
    return (item.key, item.source_id, item.id, item.platform, str(item.kind),
            item.created_at.isoformat() if item.created_at else None, item.created_raw,
            item.author, item.url, item.reply_to, str(item.audience), item.text, item.text_raw,
            to_json([[m.path, m.url, m.kind] for m in item.media]),
            to_json({"path": p.path, "index": p.index, "line": p.line}), to_json(dict(item.extra)))


def item_from_row(row: Sequence[Any]) -> Item:
    """The item an ``items`` row (``ITEM_COLUMNS`` order) was made from."""
    prov = _json(row[14], {})
    media = tuple(MediaRef(path=m[0], url=m[1], kind=m[2]) for m in _json(row[13], [])
                  if isinstance(m, list) and len(m) == 3)
    return Item(
        source_id=row[1], id=row[2], platform=row[3], kind=_enum(ItemKind, row[4], ItemKind.POST),
        text=row[11] or "",
        provenance=Provenance(row[1], str(prov.get("path") or ""), prov.get("index"),
                              prov.get("line")),
        created_at=datetime.fromisoformat(row[5]) if row[5] else None, created_raw=row[6],
        author=row[7], url=row[8], reply_to=row[9],
        audience=_enum(Audience, row[10], Audience.UNKNOWN), media=media, text_raw=row[12],
        extra=_json(row[15], {}))


def finding_row(f: Finding, run: int) -> tuple[Any, ...]:
    """A finding as a ``findings`` row, first and last seen in ``run``."""
    start, end = f.span if f.span else (None, None)
    return (f.id, f.item_key, f.check_id, str(f.category), str(f.severity), f.confidence,
            f.evidence, f.explanation, f.standard, start, end, f.check_version,
            to_json(dict(f.details)), run, run)


def finding_from_row(row: Sequence[Any]) -> Finding:
    """The finding a ``findings`` row (``FINDING_COLUMNS`` order) was made from."""
    span = (int(row[9]), int(row[10])) if row[9] is not None and row[10] is not None else None
    return Finding(
        id=row[0], item_key=row[1], check_id=row[2],
        category=_enum(Category, row[3], Category.POSITIVE_ENGAGEMENT),
        severity=_enum(Severity, row[4], Severity.INFO), confidence=float(row[5]),
        evidence=row[6], explanation=row[7], standard=row[8], span=span, check_version=row[11],
        details=_json(row[12], {}))


def source_from_row(row: Sequence[Any]) -> Source:
    """The source a ``sources`` row (``SOURCE_COLUMNS`` order) describes."""
    return Source(id=row[0], path=row[1], platform=row[2], layout=row[3], sha256=row[4],
                  size=int(row[5]), loader=row[6], account=row[7])


def check_json(info: CheckInfo) -> list[str]:
    """A run's record of one check: id, version and origin first (format 1 kept only those)."""
    return [info.id, info.version, info.origin, info.title, str(info.category),
            str(info.severity), info.standard, info.explanation]


def check_from_json(value: Sequence[Any]) -> CheckInfo:
    """A check as a run recorded it; a format-1 run knew only its id, version and origin."""
    check_id, version, origin = (str(v) for v in value[:3])
    if len(value) >= 8:
        category = _enum(Category, value[4], Category.POSITIVE_ENGAGEMENT)
        severity = _enum(Severity, value[5], Severity.INFO)
        return CheckInfo(check_id, str(value[3]), category, severity, str(value[6]),
                         str(value[7]), version, origin)
    return CheckInfo(check_id, check_id, Category.POSITIVE_ENGAGEMENT, Severity.INFO, "",
                     "Recorded before the case kept full check descriptions.", version, origin)


def to_json(value: object) -> str:
    """JSON as the case stores it: UTF-8 text kept readable."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _json(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        value = json.loads(text)
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def _enum(kind: Any, value: Any, default: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        return default
