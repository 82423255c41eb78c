"""Mastodon likes, bookmarks and the follow CSVs of "Data export" (formats.md §6.1).

Likes and bookmarks hold only the address of someone else's status; follows only an account
address. Neither carries the officer's words, but endorsing or following an account is conduct.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.mastodon_status import (
    PLATFORM,
    MastoContext,
    account_of,
    status_id,
    text_of,
)

# Mastodon ids since 2.0 (2017) are milliseconds since 1970 shifted left 16 bits.
_FIRST_SNOWFLAKE = 1451606400000 << 16  # 2016-01-01; smaller ids are older sequential ones
_ACCT = re.compile(r"\A@?[^@\s,]+@[^@\s,]+\.[^@\s,]+\Z")
_HEADERS = ("account address", "list name", "account")
_SKIPPED_CSVS = {"blocked_accounts.csv": "blocked", "muted_accounts.csv": "muted",
                 "blocked_domains.csv": "blocked domain"}


def snowflake_time(status: str | None) -> datetime | None:
    """When a status was posted, from its Mastodon id alone (likes carry no date)."""
    if not status or not status.isdigit() or int(status) < _FIRST_SNOWFLAKE:
        return None
    when = datetime.fromtimestamp((int(status) >> 16) / 1000, tz=UTC)
    return when if when <= datetime.now(tz=UTC) + timedelta(days=1) else None


def collection_items(data: Any, name: str, bookmark: bool, ctx: MastoContext,
                     index_offset: int = 0) -> Iterator[Item]:
    """One REACTION per liked or bookmarked status in an OrderedCollection (or a URI list)."""
    entries = data.get("orderedItems", data.get("items")) if isinstance(data, Mapping) else data
    if not isinstance(entries, list):
        ctx.report.warnings.append(f"{name}: skipped, it holds no list of statuses")
        return
    for index, entry in enumerate(entries, start=index_offset):
        if isinstance(entry, Mapping):
            entry = entry.get("id") or entry.get("object")
        uri = text_of(entry)
        if uri is None:
            ctx.report.warnings.append(f"{name} #{index}: skipped, not a status address")
            continue
        item = reaction_item(uri.strip(), name, index, bookmark, ctx)
        if item is not None:
            yield item


def reaction_item(uri: str, name: str, index: int, bookmark: bool,
                  ctx: MastoContext) -> Item | None:
    """A like or a bookmark; bookmarks are private, so they are marked and never public."""
    item_id = f"{'bookmark' if bookmark else 'like'}-{uri}"
    if item_id in ctx.seen:
        return None
    ctx.seen.add(item_id)
    when = snowflake_time(status_id(uri))
    facts: dict[str, Any] = {"status": uri, "status_account": account_of(uri),
                             "date_from": "status id" if when else "unknown"}
    if bookmark:
        facts["bookmark"] = True
    return Item(
        source_id=ctx.source_id, id=item_id, platform=PLATFORM, kind=ItemKind.REACTION,
        text="", provenance=Provenance(ctx.source_id, path=name, index=index),
        created_at=when, author=None,  # the status's author is only in its address
        url=uri, audience=Audience.PRIVATE if bookmark else Audience.UNKNOWN,
        extra=MappingProxyType({k: v for k, v in facts.items() if v}),
    )


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with their line numbers; a header row is left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    first = True
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if first and cells[0].lower() in _HEADERS:
                first = False
                continue
            first = False
            yield reader.line_num, cells
    except csv.Error:
        return


def is_acct(value: str) -> bool:
    """True for ``user@host`` or ``@user@host``."""
    return bool(_ACCT.match(value))


def acct_of(value: str) -> str:
    """``@user@host`` whatever the CSV wrote."""
    return "@" + value.lstrip("@")


def following_items(text: str, name: str, lists: Mapping[str, list[str]],
                    ctx: MastoContext) -> Iterator[Item]:
    """One CONNECTION per followed account, with its options and the lists it is in."""
    for line, cells in csv_rows(text):
        if not is_acct(cells[0]):
            ctx.report.warnings.append(f"{name} line {line}: skipped, '{cells[0][:60]}' is "
                                       "not an account address")
            continue
        facts: dict[str, Any] = {"direction": "following"}
        for key, position in (("show_boosts", 1), ("notify", 2)):
            if len(cells) > position and cells[position].lower() in ("true", "false"):
                facts[key] = cells[position].lower() == "true"
        if len(cells) > 3 and cells[3]:
            facts["languages"] = [x.strip() for x in cells[3].split(",") if x.strip()]
        item = connection_item(acct_of(cells[0]), name, line, facts, lists, ctx)
        if item is not None:
            yield item


def read_lists(text: str) -> dict[str, list[str]]:
    """``lists.csv``: list name, account address; accounts -> the list names."""
    found: dict[str, list[str]] = {}
    for _, cells in csv_rows(text):
        if len(cells) >= 2 and is_acct(cells[1]):
            found.setdefault(acct_of(cells[1]).lower(), []).append(cells[0])
    return found


def list_only_items(lists: Mapping[str, list[str]], name: str,
                    ctx: MastoContext) -> Iterator[Item]:
    """Accounts in a list but not in the follows file (a partial export)."""
    for index, acct in enumerate(sorted(lists)):
        item = connection_item(acct, name, None, {"direction": "list member"}, lists, ctx,
                               index=index)
        if item is not None:
            yield item


def connection_item(acct: str, name: str, line: int | None, facts: dict[str, Any],
                    lists: Mapping[str, list[str]], ctx: MastoContext,
                    index: int | None = None) -> Item | None:
    """One followed account; the same account twice is kept once."""
    key = acct.lower()
    item_id = f"following-{key}"
    if item_id in ctx.seen:
        return None
    ctx.seen.add(item_id)
    if key in lists:
        facts["lists"] = lists[key]
    user, _, host = acct[1:].partition("@")
    return Item(
        source_id=ctx.source_id, id=item_id, platform=PLATFORM, kind=ItemKind.CONNECTION,
        text=acct, provenance=Provenance(ctx.source_id, path=name, index=index, line=line),
        author=acct, url=f"https://{host}/@{user}", audience=Audience.UNKNOWN,
        extra=MappingProxyType(facts),
    )


def skipped_csv_note(counts: Mapping[str, int]) -> str | None:
    """One plain sentence for the block and mute lists, which are not connections."""
    parts = [f"{n} {_SKIPPED_CSVS[f]} in {f}" for f, n in sorted(counts.items()) if n]
    if not parts:
        return None
    return ("not loaded, as blocking or muting is not a connection: " + ", ".join(parts))


def skipped_csv_names() -> tuple[str, ...]:
    """The Data export files that are counted but not loaded."""
    return tuple(_SKIPPED_CSVS)
