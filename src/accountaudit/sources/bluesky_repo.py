"""A Bluesky repository in a CAR: its signed commit and the Merkle Search Tree of records.

Only records reachable from the root commit are current. Older (version 2) exports also hold
the blocks of earlier commits, so counting every block would bring deleted posts back
(formats.md Addendum); those leftovers are only counted, for the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from accountaudit.sources.car import Car, CarError, decode, link, parse

MAX_KEY_BYTES = 1024  # collection (<= 317) + "/" + record key (<= 512)


@dataclass(frozen=True, slots=True)
class RepoRecord:
    """One current record: where it sits in the repo and its decoded value (None if lost)."""

    collection: str
    rkey: str
    value: Any
    position: int


@dataclass(slots=True)
class Repo:
    """The commit's facts plus what the walk found wrong, counted rather than listed."""

    car: Car
    did: str | None = None
    version: int | None = None
    rev: str | None = None
    data_root: bytes | None = None
    trouble: Counter[str] = field(default_factory=Counter)
    reachable: set[bytes] = field(default_factory=set)

    @property
    def problems(self) -> list[str]:
        """Every problem as a plain sentence: CAR framing first, then the tree."""
        return self.car.problems + [_count(what, n) for what, n in sorted(self.trouble.items())]


def _count(what: str, count: int) -> str:
    """``"tree entry|tree entries: skipped, ..."`` with the count and the right noun form."""
    nouns, _, rest = what.partition(": ")
    one, _, many = nouns.partition("|")
    return f"{count:,} {one if count == 1 else many or one + 's'} {rest}"


def open_repo(data: bytes) -> Repo:
    """Parse the CAR and read the root commit; raises CarError if there is no readable header."""
    repo = Repo(parse(data))
    commit = _decoded(repo, repo.car.roots[0], "root commit")
    if isinstance(commit, dict) and link(commit.get("root")) and "data" not in commit:
        # Version 1 repos sign a separate root object {data, meta, prev}; meta holds the DID.
        commit = _decoded(repo, link(commit.get("root")), "root commit")
        meta = _decoded(repo, link(commit.get("meta")), "repo description") \
            if isinstance(commit, dict) else None
        if isinstance(meta, dict):
            commit = {**meta, **commit}
    if not isinstance(commit, dict):
        return repo
    repo.did = commit.get("did") if isinstance(commit.get("did"), str) else None
    version = commit.get("version")
    repo.version = version if isinstance(version, int) and not isinstance(version, bool) else None
    repo.rev = commit.get("rev") if isinstance(commit.get("rev"), str) else None
    repo.data_root = link(commit.get("data"))
    if repo.data_root is None:
        repo.trouble["root commit: has no record tree"] += 1
    return repo


def _decoded(repo: Repo, cid: bytes | None, what: str) -> Any:
    if cid is None:
        return None
    repo.reachable.add(cid)
    block = repo.car.block(cid)
    if block is None:
        repo.trouble[f"{what} block: missing from the file"] += 1
        return None
    try:
        return decode(block)
    except CarError:
        repo.trouble[f"{what} block: unreadable"] += 1
        return None


def records(repo: Repo) -> Iterator[RepoRecord]:
    """Every record in key order (collection, then record key): an in-order tree walk."""
    if repo.data_root is None:
        return
    stack: list[bytes | tuple[str, bytes]] = [repo.data_root]
    visited: set[bytes] = set()
    position = 0
    while stack:
        top = stack.pop()
        if isinstance(top, tuple):
            collection, _, rkey = top[0].partition("/")
            if not collection or not rkey:
                repo.trouble["tree entry|tree entries: skipped, the key is malformed"] += 1
                continue
            value = _decoded(repo, top[1], "record")
            yield RepoRecord(collection, rkey, value, position)
            position += 1
            continue
        if top in visited:
            repo.trouble["tree node: skipped, reached twice (a loop)"] += 1
            continue
        visited.add(top)
        stack.extend(reversed(_expand(repo, top)))


def _expand(repo: Repo, cid: bytes) -> list[bytes | tuple[str, bytes]]:
    """A node's left subtree, then each entry followed by its right subtree."""
    node = _decoded(repo, cid, "tree node")
    if node is None:
        return []
    entries = node.get("e") if isinstance(node, dict) else None
    if not isinstance(entries, list):
        repo.trouble["tree node: skipped, it is not a tree node"] += 1
        return []
    left = link(node.get("l"))
    pending: list[bytes | tuple[str, bytes]] = [left] if left else []
    previous = b""
    for entry in entries:
        key = _key(entry, previous)
        value = link(entry.get("v")) if isinstance(entry, dict) else None
        if key is None or value is None:
            repo.trouble["tree entry|tree entries: skipped, unreadable"] += 1
            continue
        previous = key
        pending.append((key.decode("utf-8", errors="replace"), value))
        right = link(entry.get("t"))
        if right:
            pending.append(right)
    return pending


def _key(entry: Any, previous: bytes) -> bytes | None:
    """An entry's full key: ``p`` bytes of the previous key plus its own suffix ``k``."""
    if not isinstance(entry, dict):
        return None
    shared, suffix = entry.get("p"), entry.get("k")
    if not isinstance(shared, int) or isinstance(shared, bool) or not isinstance(suffix, bytes):
        return None
    if shared < 0 or shared > len(previous) or shared + len(suffix) > MAX_KEY_BYTES:
        return None
    return previous[:shared] + suffix


def leftovers(repo: Repo) -> tuple[int, int]:
    """Blocks outside the current tree: (older record versions, earlier commits)."""
    old_records = old_commits = 0
    for cid in repo.car.spans:
        if cid in repo.reachable:
            continue
        block = repo.car.block(cid)
        try:
            value = decode(block) if block is not None else None
        except CarError:
            continue
        if not isinstance(value, dict):
            continue
        if isinstance(value.get("$type"), str):
            old_records += 1
        elif "sig" in value and ("data" in value or "root" in value):
            old_commits += 1
    return old_records, old_commits
