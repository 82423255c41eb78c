"""Bluesky repositories: a bare repo CAR file, or a zip/folder holding CARs or JSON records.

Layouts: ``bluesky-car-v3`` / ``-v2`` / ``-v1`` (the commit version of a repo CAR, as "Export
my data" and ``com.atproto.sync.getRepo`` write it; ``bluesky-car`` when the commit cannot be
read) and ``bluesky-records-json`` (records saved as JSON: ``<collection>/<rkey>.json`` files
as ``goat repo unpack`` writes them, or ``com.atproto.repo.listRecords`` pages).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from accountaudit.errors import InputError
from accountaudit.model import Item, Provenance
from accountaudit.sources.archive import ArchiveView, read_file_capped
from accountaudit.sources.base import (
    ArchiveLoader,
    Detection,
    FileLoader,
    LoadOptions,
    LoadReport,
)
from accountaudit.sources.bluesky_records import (
    PLATFORM,
    BskyContext,
    plural,
    record_item,
    text_of,
    uri_parts,
)
from accountaudit.sources.bluesky_repo import leftovers, open_repo, records
from accountaudit.sources.car import CarError, parse, read_header
from accountaudit.sources.jswrap import READ_ERRORS, read_member
from accountaudit.sources.text import decode

log = logging.getLogger(__name__)

LAYOUT_JSON = "bluesky-records-json"
_PROBE_BYTES = 1 << 20
_MAX_PEEKS = 40
# .../app.bsky.feed.post/3kabc.json: a collection (an NSID) folder holding one file per record
_RECORD_FILE = re.compile(r"(?:\A|/)([a-zA-Z][a-zA-Z0-9-]*(?:\.[a-zA-Z0-9-]+){2,})/"
                          r"([^/]{1,512})\.json\Z")


def car_layout(version: int | None) -> str:
    """The layout name for a repo CAR whose root commit has ``version``."""
    return f"bluesky-car-v{version}" if version in (1, 2, 3) else "bluesky-car"


def probe(head: bytes) -> tuple[int | None, str | None] | None:
    """(commit version, DID) if ``head`` starts a repo CAR; None if it does not.

    When the root block lies beyond ``head`` the version and DID are unknown (None, None);
    when it lies within and is not a repo commit (an IPFS file CAR), the answer is None.
    """
    try:
        car = parse(head)
    except CarError:
        return None
    if car.block(car.roots[0]) is None:
        return None, None
    try:
        repo = open_repo(head)
    except CarError:
        return None
    return (repo.version, repo.did) if repo.did or repo.data_root else None


class BlueskyLoader(ArchiveLoader):
    """A zip or folder holding repo CARs and/or records saved as JSON."""

    name: ClassVar[str] = "bluesky"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """A member that starts like a CAR, else JSON files that hold Bluesky records."""
        for name in _car_candidates(view):
            found = probe(_head(view, name, _PROBE_BYTES)) if _starts_car(view, name) else None
            if found is not None:
                return Detection(layout=car_layout(found[0]), root=_folder(name),
                                 account=_account(found[1], _handle(view, found[1])))
        members = _json_members(view)
        if members:
            name, collection, _ = members[0]
            root = name[:name.rfind(collection)] if collection else _folder(name)
            did = _json_did(view, members)
            return Detection(layout=LAYOUT_JSON, root=root,
                             account=_account(did, _handle(view, did)))
        return None

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield every current record of every repo CAR, then records saved as JSON."""
        ctx = BskyContext(source_id, report)
        ctx.blobs = _blob_index(view)
        first_did: str | None = None
        for name in _car_candidates(view):
            if not _starts_car(view, name):
                continue
            data = read_member(view, name, report)
            found = probe(data[:_PROBE_BYTES]) if data is not None else None
            if data is None or found is None:
                continue
            ctx.handle = ctx.handle or _handle(view, found[1])
            yield from repo_items(data, name, ctx, only_did=first_did)
            first_did = first_did or ctx.did
        members = _json_members(view, limit=None)
        ctx.did = first_did or _json_did(view, members)
        ctx.handle = ctx.handle or _handle(view, ctx.did)
        yield from _json_items(view, members, ctx)
        ctx.note_skipped()


class BlueskyCarLoader(FileLoader):
    """A bare repository CAR file (Settings → Export my data, or getRepo)."""

    name: ClassVar[str] = "bluesky-file"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect_file(cls, path: Path, head: bytes) -> Detection | None:
        """A CAR v1 header (varint length, then a CBOR map of roots and version)."""
        found = probe(head)
        if found is None:
            return None
        if found == (None, None):
            found = probe(_file_head(path)) or found
        return Detection(layout=car_layout(found[0]), account=found[1])

    def load(self, path: Path, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield every current record; damage is reported, never raised."""
        try:
            data = read_file_capped(path)
        except OSError as exc:
            raise InputError(path, f"cannot be read ({exc.strerror})") from None
        if data is None:
            raise InputError(path, "is larger than 1 GiB; it was not read")
        ctx = BskyContext(source_id, report)
        yield from repo_items(data, path.name, ctx)
        ctx.note_skipped()


def repo_items(data: bytes, name: str, ctx: BskyContext,
               only_did: str | None = None) -> Iterator[Item]:
    """Walk one repo CAR from its root commit; problems become warnings naming ``name``.

    With ``only_did``, a repo of another account is reported and skipped: record ids would
    clash and one source must be one account.
    """
    try:
        repo = open_repo(data)
    except CarError as exc:
        ctx.report.warnings.append(f"{name}: skipped, {exc}")
        return
    if only_did and repo.did and repo.did != only_did:
        ctx.report.warnings.append(f"{name}: skipped, it is the repository of another account "
                                   f"({repo.did}); load it as a separate source")
        return
    ctx.did = repo.did or ctx.did
    if repo.data_root is None:
        ctx.report.warnings.append(f"{name}: the root commit could not be read, so no "
                                   "records could be found")
    for record in records(repo):
        where = Provenance(ctx.source_id, path=name, index=record.position)
        item = record_item(record.collection, record.rkey, record.value, ctx, where)
        if item is not None:
            yield item
    ctx.report.warnings.extend(f"{name}: {problem}" for problem in repo.problems)
    old_records, old_commits = leftovers(repo)
    if old_records or old_commits:
        ctx.report.warnings.append(
            f"{name}: also holds {plural(old_records, 'earlier record version')} and "
            f"{plural(old_commits, 'earlier commit')} (deleted or changed since); they are "
            "not part of the account now, so they were not loaded")


def _head(view: ArchiveView, name: str, size: int) -> bytes:
    try:
        with view.open(name) as fh:
            return fh.read(size)
    except READ_ERRORS as exc:
        log.debug("cannot read %s while detecting: %s", name, exc)
        return b""


def _starts_car(view: ArchiveView, name: str) -> bool:
    """A cheap first look (the header is under 100 bytes) before reading a member whole."""
    try:
        read_header(_head(view, name, 4096))
    except CarError:
        return False
    return True


def _file_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(_PROBE_BYTES)
    except OSError:
        return b""


def _folder(name: str) -> str:
    return name.rsplit("/", 1)[0] + "/" if "/" in name else ""


def _car_candidates(view: ArchiveView) -> list[str]:
    """Members named ``*.car``, or with no extension (getRepo downloads), checked by content."""
    named = [n for n in view.names() if n.lower().endswith(".car")]
    bare = [n for n in view.names() if "." not in n.rsplit("/", 1)[-1]]
    return named + bare[:_MAX_PEEKS]


def _blob_index(view: ArchiveView) -> dict[str, str]:
    """Blob files exported beside the repo are named by their CID (``bafkrei...``)."""
    found: dict[str, str] = {}
    for name in view.names():
        base = name.rsplit("/", 1)[-1].split(".", 1)[0]
        if base.startswith("bafk") and len(base) > 40:
            found.setdefault(base, name)
    return found


def _json_members(view: ArchiveView, limit: int | None = _MAX_PEEKS
                  ) -> list[tuple[str, str | None, str | None]]:
    """(member, collection, rkey) for record files; (member, None, None) for listRecords pages.

    With a ``limit`` (detection), stop at the first confirmed member.
    """
    found: list[tuple[str, str | None, str | None]] = []
    peeks = 0
    for name in view.names():
        if not name.lower().endswith(".json"):
            continue
        match = _RECORD_FILE.search(name)
        if limit is not None:
            if peeks >= limit:
                break
            peeks += 1
            head = _head(view, name, 4096)
            if b"app.bsky." not in head or (b'"$type"' not in head and b'"records"' not in head):
                continue
        if match:
            found.append((name, match.group(1), match.group(2)))
        else:
            found.append((name, None, None))
        if limit is not None:
            break
    return found


def _json_did(view: ArchiveView, members: list[tuple[str, str | None, str | None]]) -> str | None:
    """The repo's DID: goat's ``_commit.json``, a ``did:`` folder, or a listRecords URI."""
    for name in view.names():
        if name.rsplit("/", 1)[-1] == "_commit.json":
            value = _load_json(view, name, LoadReport())
            if isinstance(value, Mapping) and text_of(value.get("did")):
                return value["did"]
    for name, _, _ in members:
        did = next((p for p in name.split("/") if p.startswith("did:")), None)
        if did:
            return did
        value = _load_json(view, name, LoadReport())
        pages = value.get("records") if isinstance(value, Mapping) else None
        first = pages[0] if isinstance(pages, list) and pages else None
        parts = uri_parts(first.get("uri")) if isinstance(first, Mapping) else None
        if parts:
            return parts[0]
    return None


def _handle(view: ArchiveView, did: str | None) -> str | None:
    """The handle, when a saved profile (getProfile: ``{did, handle, ...}``) names this DID."""
    if not did:
        return None
    peeks = 0
    for name in view.names():
        if not name.lower().endswith(".json") or _RECORD_FILE.search(name):
            continue
        peeks += 1
        if peeks > _MAX_PEEKS:
            break
        head = _head(view, name, 4096)
        if b'"handle"' not in head or did.encode() not in head:
            continue
        value = _load_json(view, name, LoadReport())
        if isinstance(value, Mapping) and value.get("did") == did and text_of(
                value.get("handle")):
            return value["handle"].lstrip("@")
    return None


def _account(did: str | None, handle: str | None) -> str | None:
    """The DID, with the handle after it when known: handles change, DIDs do not."""
    return f"{did} (@{handle})" if did and handle else did


def _load_json(view: ArchiveView, name: str, report: LoadReport) -> Any | None:
    data = read_member(view, name, report)
    if data is None:
        return None
    try:
        return json.loads(decode(data, report.warnings, name))
    except (ValueError, RecursionError):
        report.warnings.append(f"{name}: skipped, it is not valid JSON")
        return None


def _json_items(view: ArchiveView, members: list[tuple[str, str | None, str | None]],
                ctx: BskyContext) -> Iterator[Item]:
    """Records saved one per file, or as listRecords pages of ``{uri, cid, value}``."""
    for name, collection, rkey in members:
        if name.rsplit("/", 1)[-1] == "_commit.json":
            continue
        value = _load_json(view, name, ctx.report)
        if value is None:
            continue
        if collection and rkey:
            where = Provenance(ctx.source_id, path=name)
            item = record_item(collection, rkey, value, ctx, where)
            if item is not None:
                yield item
            continue
        pages = value.get("records") if isinstance(value, Mapping) else None
        for index, entry in enumerate(pages if isinstance(pages, list) else ()):
            parts = uri_parts(entry.get("uri")) if isinstance(entry, Mapping) else None
            if parts is None or not isinstance(entry.get("value"), Mapping):
                ctx.report.warnings.append(f"{name} #{index}: skipped, not a record with an "
                                           "at:// address")
                continue
            where = Provenance(ctx.source_id, path=name, index=index)
            item = record_item(parts[1], parts[2], entry.get("value"), ctx, where)
            if item is not None:
                yield item
