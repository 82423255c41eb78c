"""The generic JSON Lines source (shared/spec/generic-jsonl.md): one item per line.

A bad line is reported with its line number and skipped; the rest of the file still loads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from accountaudit.errors import InputError
from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.base import Detection, FileLoader, LoadOptions, LoadReport
from accountaudit.sources.times import parse_iso

MAX_LINE_BYTES = 64 << 20
_KNOWN = frozenset({"id", "text", "platform", "kind", "created_at", "author", "url", "reply_to",
                    "audience", "media"})
_JSONL_KINDS = frozenset({"post", "reply", "comment", "share", "message", "profile",
                          "connection", "media", "reaction"})


class JsonlLoader(FileLoader):
    """Generic JSONL: hand-collected material, platforms without a loader, labelled corpora."""

    name: ClassVar[str] = "jsonl"
    platform: ClassVar[str] = "generic"
    version: ClassVar[str] = "1"

    @classmethod
    def detect_file(cls, path: Path, head: bytes) -> Detection | None:
        """A file whose first non-blank line starts a JSON object."""
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return Detection(layout="generic-jsonl") if text.startswith(b"{") else None

    def load(self, path: Path, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield one Item per valid line; duplicates and malformed lines become warnings."""
        seen: set[str] = set()
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed in finally, generator-friendly
        except OSError as exc:
            raise InputError(path, f"cannot be read ({exc.strerror})") from None
        try:
            for number, obj in _objects(fh, path.name, report):
                item = self._item(obj, number, path.name, source_id, report, seen)
                if item is not None:
                    yield item
        finally:
            fh.close()

    def _item(self, obj: dict[str, Any], line: int, name: str, source_id: str,
              report: LoadReport, seen: set[str]) -> Item | None:
        where = f"{name} line {line}"
        item_id, text = obj.get("id"), obj.get("text")
        if isinstance(item_id, int | float) and not isinstance(item_id, bool):
            item_id = str(item_id)
        if not isinstance(item_id, str) or not item_id or not isinstance(text, str):
            report.warnings.append(f"{where}: skipped, it needs a string 'id' and a string 'text'")
            return None
        if item_id in seen:
            report.warnings.append(f"{where}: skipped, id '{item_id}' was already used")
            return None
        seen.add(item_id)
        created_raw = _opt_str(obj, "created_at")
        created_at = parse_iso(created_raw) if created_raw else None
        if created_raw and created_at is None:
            report.warnings.append(f"{where}: created_at '{created_raw}' is not an ISO 8601 date")
        return Item(
            source_id=source_id, id=item_id,
            platform=_opt_str(obj, "platform") or "generic",
            kind=_kind(obj.get("kind"), where, report), text=text,
            provenance=Provenance(source_id=source_id, path=name, line=line),
            created_at=created_at, created_raw=created_raw,
            author=_opt_str(obj, "author"), url=_opt_str(obj, "url"),
            reply_to=_opt_str(obj, "reply_to"),
            audience=_audience(obj.get("audience"), where, report),
            media=_media(obj.get("media"), where, report),
            extra=MappingProxyType({k: v for k, v in obj.items() if k not in _KNOWN}),
        )


def _objects(fh: Any, name: str, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    number = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES)
        if not raw:
            return
        number += 1
        if len(raw) >= MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := fh.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            report.warnings.append(f"{name} line {number}: skipped, longer than 64 MB")
            continue
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            report.warnings.append(f"{name} line {number}: skipped, not valid UTF-8")
            continue
        except (ValueError, RecursionError):
            report.warnings.append(f"{name} line {number}: skipped, not valid JSON")
            continue
        if not isinstance(obj, dict):
            report.warnings.append(f"{name} line {number}: skipped, not a JSON object")
            continue
        yield number, obj


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _kind(value: object, where: str, report: LoadReport) -> ItemKind:
    if value is None:
        return ItemKind.POST
    if isinstance(value, str) and value.lower() in _JSONL_KINDS:
        return ItemKind(value.lower())
    report.warnings.append(f"{where}: unknown kind '{value}', read as a post")
    return ItemKind.POST


def _audience(value: object, where: str, report: LoadReport) -> Audience:
    if value is None:
        return Audience.UNKNOWN
    try:
        return Audience(str(value).lower())
    except ValueError:
        report.warnings.append(f"{where}: unknown audience '{value}' ignored")
        return Audience.UNKNOWN


def _media(value: object, where: str, report: LoadReport) -> tuple[MediaRef, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        report.warnings.append(f"{where}: 'media' must be a list of paths; ignored")
        return ()
    return tuple(MediaRef(path=v) for v in value if v)
