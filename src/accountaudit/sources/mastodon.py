"""Mastodon account archives and "Data export" CSVs, recognised by the files they hold.

Layouts: ``mastodon-archive`` (``outbox.json``/``actor.json``/``likes.json``, formats.md §6.1,
possibly with the follow CSVs beside it) and ``mastodon-csv`` (only the CSVs of "Data export").
Mastodon ships the archive as a tar.gz; it must be unpacked (or re-zipped) first.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar
from urllib.parse import urlsplit

from accountaudit.model import Audience, Item, ItemKind, MediaRef, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import ArchiveLoader, Detection, LoadOptions, LoadReport
from accountaudit.sources.jswrap import READ_ERRORS, read_member
from accountaudit.sources.mastodon_lists import (
    collection_items,
    csv_rows,
    following_items,
    is_acct,
    list_only_items,
    read_lists,
    skipped_csv_names,
    skipped_csv_note,
)
from accountaudit.sources.mastodon_status import (
    PLATFORM,
    MastoContext,
    account_of,
    as_list,
    checked_time,
    status_item,
    text_of,
)
from accountaudit.sources.text import decode, html_to_text

log = logging.getLogger(__name__)

LAYOUT_ARCHIVE = "mastodon-archive"
LAYOUT_CSV = "mastodon-csv"
_ARCHIVE_FILES = ("outbox.json", "actor.json", "likes.json", "bookmarks.json")
_CSV_FILES = ("following_accounts.csv", "lists.csv", "bookmarks.csv", *skipped_csv_names())
_HEAD = 16384
_ACTIVITY = re.compile(rb"\"(?:OrderedCollection|Person|Service|Group)\"")
_ACTOR_IN_HEAD = re.compile(rb'"actor"\s*:\s*"(https?://[^"]{1,300})"')


class MastodonLoader(ArchiveLoader):
    """A Mastodon archive (statuses, boosts, likes, bookmarks, profile) and its follow CSVs."""

    name: ClassVar[str] = "mastodon"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Recognise the archive by its ActivityStreams files, or the CSVs by their rows."""
        root = view.find_root(list(_ARCHIVE_FILES))
        if root is not None and any(_is_activity(view, root + f) for f in _ARCHIVE_FILES):
            _, account = _owner(view, root, LoadReport())
            return Detection(layout=LAYOUT_ARCHIVE, root=root, account=account)
        root = view.find_root(list(_CSV_FILES))
        if root is not None and any(_is_follow_csv(view, root + f) for f in _CSV_FILES):
            return Detection(layout=LAYOUT_CSV, root=root)
        return None

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield the profile, statuses and boosts, likes, bookmarks, then follows."""
        root = detection.root
        ctx = MastoContext(view, source_id, report, root=root)
        ctx.actor, ctx.account = _owner(view, root, report)
        ctx.account = ctx.account or detection.account
        ctx.index_media()
        actor = _read_json(view, root + "actor.json", report)
        if isinstance(actor, Mapping):
            yield _profile(actor, root + "actor.json", ctx)
        yield from _outbox(root + "outbox.json", ctx)
        for file_name, bookmark in (("likes.json", False), ("bookmarks.json", True)):
            data = _read_json(view, root + file_name, report)
            if data is not None:
                yield from collection_items(data, root + file_name, bookmark, ctx)
        yield from _csvs(ctx)


def _is_activity(view: ArchiveView, name: str) -> bool:
    """True if the member starts like an ActivityStreams document, not any JSON file."""
    head = _head(view, name)
    return b"activitystreams" in head and _ACTIVITY.search(head) is not None


def _is_follow_csv(view: ArchiveView, name: str) -> bool:
    """True if the CSV's first row is Mastodon's header or an account address."""
    head = _head(view, name)
    if not head:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for _, cells in csv_rows(text):
        if name.endswith("blocked_domains.csv"):
            return False  # a list of domain names alone is too plain to recognise
        if name.endswith("bookmarks.csv"):
            return account_of(cells[0]) is not None  # a status address, not any web link
        return is_acct(cells[-1] if name.endswith("lists.csv") else cells[0])
    return text.lower().startswith("account address")


def _head(view: ArchiveView, name: str) -> bytes:
    if not view.exists(name):
        return b""
    try:
        with view.open(name) as fh:
            return fh.read(_HEAD)
    except READ_ERRORS as exc:
        log.debug("cannot read %s while detecting: %s", name, exc)
        return b""


def _read_json(view: ArchiveView, name: str, report: LoadReport) -> Any | None:
    """A member's JSON, or None with a warning naming it; absent members are silent."""
    if not view.exists(name):
        return None
    data = read_member(view, name, report)
    if data is None or not data.strip():
        return None
    try:
        value = json.loads(decode(data, report.warnings, name))
    except (ValueError, RecursionError) as exc:
        report.warnings.append(f"{name}: skipped, it is not valid JSON ({_short(exc)})")
        return None
    if isinstance(value, dict) and value.get("orderedItems") == [] and \
            data.count(b'"orderedItems"') > 1:
        value = _keep_full_lists(data, name, report) or value
    return value


def _keep_full_lists(data: bytes, name: str, report: LoadReport) -> dict[str, Any] | None:
    """Re-read a file whose ``orderedItems`` key appears twice, keeping the non-empty list."""
    def merge(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for key, value in pairs:
            if key not in merged or value not in ([], None):
                merged[key] = value
        return merged
    try:
        value = json.loads(decode(data, [], name), object_pairs_hook=merge)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _short(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    return type(exc).__name__


def _owner(view: ArchiveView, root: str, report: LoadReport) -> tuple[str | None, str | None]:
    """The owner's actor address and ``@name@host``: from actor.json, else the outbox."""
    actor = _read_json(view, root + "actor.json", report) if view.exists(
        root + "actor.json") else None
    if isinstance(actor, Mapping):
        uri, name = text_of(actor.get("id")), text_of(actor.get("preferredUsername"))
        host = urlsplit(uri).hostname if uri and "://" in uri else None
        if name and host:
            return uri, f"@{name}@{host}"
        return uri, account_of(uri) or (f"@{name}" if name else None)
    match = _ACTOR_IN_HEAD.search(_head(view, root + "outbox.json"))
    uri = match.group(1).decode("utf-8", errors="replace") if match else None
    return uri, account_of(uri)


def _profile(actor: Mapping[str, Any], name: str, ctx: MastoContext) -> Item:
    """The display name, bio and profile fields, as one PROFILE item."""
    summary = text_of(actor.get("summary")) or ""
    bio = html_to_text(summary)
    display = text_of(actor.get("name"))
    fields: dict[str, str] = {}
    for entry in as_list(actor.get("attachment")):
        if isinstance(entry, Mapping) and text_of(entry.get("name")):
            fields[entry["name"]] = html_to_text(text_of(entry.get("value")) or "")
    lines = [bio] if bio else []
    lines += [f"Name: {display}"] if display else []
    lines += [f"{label}: {value}" for label, value in fields.items()]
    facts: dict[str, Any] = {
        "username": text_of(actor.get("preferredUsername")), "display_name": display,
        "fields": fields, "actor": text_of(actor.get("id")),
        "moved_to": text_of(actor.get("movedTo")),
        "also_known_as": [a for a in as_list(actor.get("alsoKnownAs")) if isinstance(a, str)],
        "discoverable": actor.get("discoverable"),
    }
    created_raw = text_of(actor.get("published"))
    return Item(
        source_id=ctx.source_id, id="profile", platform=PLATFORM, kind=ItemKind.PROFILE,
        text="\n".join(lines), text_raw=summary or None,
        provenance=Provenance(ctx.source_id, path=name),
        created_at=checked_time(created_raw, ctx.report, name), created_raw=created_raw,
        author=ctx.account, url=text_of(actor.get("url")) or ctx.actor,
        audience=Audience.PUBLIC, media=_profile_media(actor, ctx),
        extra=MappingProxyType({k: v for k, v in facts.items() if v not in (None, "", [], {})}),
    )


def _profile_media(actor: Mapping[str, Any], ctx: MastoContext) -> tuple[MediaRef, ...]:
    refs = []
    for key in ("icon", "image"):
        image = actor.get(key)
        url = text_of(image.get("url")) if isinstance(image, Mapping) else None
        path = ctx.media_path(url) if url else None
        if url and (path or "://" in url):
            refs.append(MediaRef(path=path, url=url if "://" in url else None))
    return tuple(refs)


def _outbox(name: str, ctx: MastoContext) -> Iterator[Item]:
    """Every status and boost; other activity types are counted in one warning."""
    data = _read_json(ctx.view, name, ctx.report)
    if data is None:
        return
    entries = data.get("orderedItems") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        ctx.report.warnings.append(f"{name}: skipped, it holds no orderedItems list")
        return
    other: Counter[str] = Counter()
    for index, activity in enumerate(entries):
        if not isinstance(activity, Mapping):
            other["not an object"] += 1
            continue
        item = status_item(activity, ctx, name, index)
        if item is not None:
            yield item
        elif activity.get("type") not in ("Create", "Announce"):
            other[str(activity.get("type"))[:40]] += 1
        elif activity.get("type") == "Create" and not isinstance(activity.get("object"),
                                                                  Mapping):
            other["Create without its status"] += 1
    if other:
        listed = ", ".join(f"{n} {kind}" for kind, n in sorted(other.items()))
        ctx.report.warnings.append(f"{name}: skipped what is not a status or a boost: "
                                   f"{listed}")


def _csvs(ctx: MastoContext) -> Iterator[Item]:
    """Follows (with their lists), bookmarks.csv, and a count of blocks and mutes."""
    lists_name = ctx.root + "lists.csv"
    lists = read_lists(_csv_text(lists_name, ctx)) if ctx.view.exists(lists_name) else {}
    name = ctx.root + "following_accounts.csv"
    if ctx.view.exists(name):
        yield from following_items(_csv_text(name, ctx), name, lists, ctx)
    left = {acct: names for acct, names in lists.items() if f"following-{acct}" not in ctx.seen}
    yield from list_only_items(left, lists_name, ctx)
    name = ctx.root + "bookmarks.csv"
    if ctx.view.exists(name):
        uris = [cells[0] for _, cells in csv_rows(_csv_text(name, ctx))]
        yield from collection_items(uris, name, True, ctx)
    skipped = {f: sum(1 for _ in csv_rows(_csv_text(ctx.root + f, ctx)))
               for f in skipped_csv_names() if ctx.view.exists(ctx.root + f)}
    note = skipped_csv_note(skipped)
    if note:
        ctx.report.warnings.append(note)


def _csv_text(name: str, ctx: MastoContext) -> str:
    data = read_member(ctx.view, name, ctx.report)
    return decode(data, ctx.report.warnings, name) if data else ""
