"""X (Twitter) archives from every generation since 2012, recognised by the files they hold.

Layouts: ``x-grailbird`` (2012-2018, ``data/js/tweets/*.js`` and/or ``tweets.csv``),
``x-gdpr-root`` (2018-2020, ``*.js`` at the top), ``x-data-tweet`` (2020-2022,
``data/tweet.js``) and ``x-data-tweets`` (2022 on, ``data/tweets.js`` or ``tweets-partN.js``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import ArchiveLoader, Detection, LoadOptions, LoadReport
from accountaudit.sources.jswrap import (
    READ_ERRORS,
    part_order,
    read_js,
    read_js_array,
    read_member,
    unwrap,
)
from accountaudit.sources.text import unescape_html
from accountaudit.sources.x_activity import connection_items, like_items, message_items
from accountaudit.sources.x_legacy import USER_DETAILS, load_grailbird, profile_text
from accountaudit.sources.x_tweet import PLATFORM, XContext, as_id, checked_time, tweet_item

log = logging.getLogger(__name__)

LAYOUT_GRAILBIRD = "x-grailbird"
LAYOUT_GDPR_ROOT = "x-gdpr-root"
LAYOUT_DATA_TWEET = "x-data-tweet"
LAYOUT_DATA_TWEETS = "x-data-tweets"

_DATA_FILES = ("manifest", "tweets", "tweets-part1", "tweet", "tweet-part1", "account",
               "profile", "like", "follower", "following", "deleted-tweets",
               "direct-messages", "direct-messages-group", "tweet-headers")
_DATA_MARKERS = [f"data/{n}.js" for n in _DATA_FILES]
_GRAILBIRD_MARKERS = ["data/js/user_details.js", "data/js/tweet_index.js",
                      "data/js/payload_details.js", "tweets.csv"]
_ROOT_MARKERS = ["tweet.js", "tweets.js", "account.js", "profile.js", "like.js", "follower.js",
                 "following.js", "direct-message.js", "direct-messages.js", "manifest.js"]
_MONTH_FILE = re.compile(r"(?:\A|/)data/js/tweets/\d{4}_\d{1,2}\.js\Z")
_SIGNATURES = (b"window.YTD.", b"__THAR_CONFIG", b"Grailbird.data", b"var user_details",
               b"var tweet_index", b"var payload_details")
_HEAD = 512


@dataclass(frozen=True, slots=True)
class DataType:
    """One kind of data: its keys in manifest.js and its file names (several generations)."""

    keys: tuple[str, ...]
    names: tuple[str, ...]


class DataFiles:
    """Where each data type lives: what manifest.js lists, plus ``<name>.js`` and its parts."""

    def __init__(self, view: ArchiveView, root: str, base: str, report: LoadReport) -> None:
        self.view, self.root, self.base, self.report = view, root, base, report
        self.manifest_name = base + "manifest.js"
        manifest = (read_js(view, self.manifest_name, report)
                    if view.exists(self.manifest_name) else None)
        self.manifest: Mapping[str, Any] | None = (
            manifest if isinstance(manifest, Mapping) else None)

    def find(self, kind: DataType, warn_missing: bool = True) -> list[str]:
        """Every member holding ``kind``, parts in order; listed-but-missing files warned."""
        found = list(self._listed(kind, warn_missing))
        for name in kind.names:
            found.append(self.base + name + ".js")
            found.extend(self.view.glob(self.base + name + "-part*.js"))
        unique = {n: None for n in found if self.view.exists(n)}
        return sorted(unique, key=part_order)

    def _listed(self, kind: DataType, warn_missing: bool) -> Iterator[str]:
        types = self.manifest.get("dataTypes") if self.manifest else None
        for key in kind.keys:
            entry = types.get(key) if isinstance(types, Mapping) else None
            files = entry.get("files") if isinstance(entry, Mapping) else None
            for listed in files if isinstance(files, list) else ():
                file_name = _text(listed, "fileName")
                if file_name is None:
                    continue
                candidates = (self.root + file_name, self.base + file_name.rsplit("/", 1)[-1])
                name = next((c for c in candidates if self.view.exists(c)), None)
                if name is not None:
                    yield name
                elif warn_missing and str(listed.get("count", "1")) not in ("0", ""):
                    self.report.warnings.append(
                        f"{self.manifest_name}: lists {file_name} with {listed.get('count')} "
                        "record(s), but that file is not in the archive, so they were not loaded")


ACCOUNT = DataType(("account",), ("account",))
PROFILE = DataType(("profile",), ("profile",))
TWEETS = DataType(("tweets", "tweet"), ("tweets", "tweet"))
COMMUNITY = DataType(("communityTweet",), ("community-tweet",))
DELETED = DataType(("deletedTweets",), ("deleted-tweets", "deleted-tweet"))
LIKES = DataType(("like",), ("like",))
FOLLOWING = DataType(("following",), ("following",))
FOLLOWERS = DataType(("follower",), ("follower",))
DMS = DataType(("directMessages",), ("direct-messages", "direct-message"))
GROUP_DMS = DataType(("directMessagesGroup",), ("direct-messages-group", "direct-message-group"))


class XArchiveLoader(ArchiveLoader):
    """Every X archive generation; messages are read only when the user asked for them."""

    name: ClassVar[str] = "x"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Recognise the layout from the members present and their JS wrappers.

        The archive's own file name is never used: people rename downloads.
        """
        found = _locate(view)
        if found is None:
            return None
        layout, root = found
        quiet = LoadReport()
        ctx = XContext(view, "", quiet)
        if layout == LAYOUT_GRAILBIRD:
            details = read_js(view, root + USER_DETAILS, quiet) if view.exists(
                root + USER_DETAILS) else None
            handle = _text(details, "screen_name")
        else:
            handle = _Owner.read(DataFiles(view, root, _base(layout, root), quiet), ctx).handle
        return Detection(layout=layout, root=root, account=f"@{handle}" if handle else None)

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield the profile, tweets, deleted tweets, likes, connections and (opt-in) DMs."""
        handle = detection.account.lstrip("@") if detection.account else None
        ctx = XContext(view, source_id, report, handle=handle)
        if detection.layout == LAYOUT_GRAILBIRD:
            yield from load_grailbird(detection.root, ctx)
            return
        files = DataFiles(view, detection.root, _base(detection.layout, detection.root), report)
        owner = _Owner.read(files, ctx)
        ctx.handle = ctx.handle or owner.handle
        ctx.owner_id = owner.account_id
        if ctx.owner_id and ctx.handle:
            ctx.names[ctx.owner_id] = ctx.handle
        ctx.index_media([files.base])
        profile = _profile_item(files, owner, ctx)
        if profile is not None:
            yield profile
        yield from _all_tweets(files, ctx)
        for name in files.find(LIKES):
            yield from like_items(name, ctx)
        for direction, kind in (("following", FOLLOWING), ("follower", FOLLOWERS)):
            for name in files.find(kind):
                yield from connection_items(name, direction, ctx)
        yield from _messages(files, ctx, options)


def _base(layout: str, root: str) -> str:
    return root if layout == LAYOUT_GDPR_ROOT else root + "data/"


def _locate(view: ArchiveView) -> tuple[str, str] | None:
    """Current layouts first, then Grailbird, then the 2018-2020 root-level layout."""
    root = view.find_root(_DATA_MARKERS)
    if root is not None and _signed(view, [root + m for m in _DATA_MARKERS]):
        return _data_layout(view, root), root
    root = _grailbird_root(view)
    if root is not None and _signed(view, [root + m for m in _GRAILBIRD_MARKERS]
                                    + view.glob(root + "data/js/tweets/*.js")[:1]):
        return LAYOUT_GRAILBIRD, root
    root = view.find_root(_ROOT_MARKERS)
    if root is not None and _signed(view, [root + m for m in _ROOT_MARKERS]):
        return LAYOUT_GDPR_ROOT, root
    return None


def _data_layout(view: ArchiveView, root: str) -> str:
    if view.exists(root + "data/tweets.js") or view.glob(root + "data/tweets-part*.js"):
        return LAYOUT_DATA_TWEETS
    if view.exists(root + "data/tweet.js") or view.glob(root + "data/tweet-part*.js"):
        return LAYOUT_DATA_TWEET
    return LAYOUT_DATA_TWEETS  # a partial archive: data/ with a few files and no tweets


def _grailbird_root(view: ArchiveView) -> str | None:
    best = view.find_root(_GRAILBIRD_MARKERS)
    for name in view.names():
        if (match := _MONTH_FILE.search(name)) is not None:
            prefix = name[: match.start() + (1 if match.group().startswith("/") else 0)]
            if best is None or len(prefix) < len(best):
                best = prefix
    return best


def _signed(view: ArchiveView, candidates: list[str]) -> bool:
    """True if a candidate starts like an X data file; guards against look-alike names."""
    present = [c for c in candidates if view.exists(c)][:4]
    for name in present:
        try:
            with view.open(name) as fh:
                head = fh.read(_HEAD)
        except READ_ERRORS as exc:
            log.debug("cannot read %s while detecting: %s", name, exc)
            continue
        if any(sig in head for sig in _SIGNATURES):
            return True
        if name.endswith("tweets.csv") and head.lstrip(b"\xef\xbb\xbf\"").startswith(
                b"tweet_id"):
            return True
    return False


def _text(obj: object, key: str) -> str | None:
    value = obj.get(key) if isinstance(obj, Mapping) else None
    return value if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True, slots=True)
class _Owner:
    """Who the archive belongs to, from account.js, else manifest.js's userInfo."""

    handle: str | None = None
    account_id: str | None = None
    display_name: str | None = None
    created_raw: str | None = None
    path: str | None = None

    @classmethod
    def read(cls, files: DataFiles, ctx: XContext) -> _Owner:
        info = files.manifest.get("userInfo") if files.manifest else None
        handle, display = _text(info, "userName"), _text(info, "displayName")
        account_id = as_id(info.get("accountId")) if isinstance(info, Mapping) else None
        created, path = None, None
        for name in files.find(ACCOUNT):
            for entry in read_js_array(ctx.view, name, ctx.report)[:1]:
                account = unwrap(entry, "account")
                handle = _text(account, "username") or handle
                display = _text(account, "accountDisplayName") or display
                account_id = (as_id(account.get("accountId")) if account else None) or account_id
                created, path = _text(account, "createdAt"), name
        return cls(handle, account_id, display, created, path)


def _profile_item(files: DataFiles, owner: _Owner, ctx: XContext) -> Item | None:
    """The bio, name, location and website, as one PROFILE item."""
    path, body = owner.path, None
    for name in files.find(PROFILE):
        entries = read_js_array(ctx.view, name, ctx.report)
        body = unwrap(entries[0], "profile") if entries else None
        path = name
        break
    if path is None:
        return None
    description = body.get("description") if body else None
    bio = _text(description, "bio") or ""
    facts = {"handle": ctx.handle, "display_name": owner.display_name,
             "location": _text(description, "location"), "website": _text(description, "website"),
             "account_id": owner.account_id, "avatar_url": _text(body, "avatarMediaUrl"),
             "header_url": _text(body, "headerMediaUrl")}
    return Item(
        source_id=ctx.source_id, id="profile", platform=PLATFORM, kind=ItemKind.PROFILE,
        text=profile_text(unescape_html(bio), facts), text_raw=bio,
        provenance=Provenance(ctx.source_id, path=path),
        created_at=checked_time(owner.created_raw, ctx, path), created_raw=owner.created_raw,
        author=ctx.author, url=f"https://x.com/{ctx.handle}" if ctx.handle else None,
        audience=Audience.PUBLIC, extra=MappingProxyType({k: v for k, v in facts.items() if v}),
    )


def _all_tweets(files: DataFiles, ctx: XContext) -> Iterator[Item]:
    """Tweets, then community tweets, then recently deleted ones not already seen."""
    for name in files.find(TWEETS):
        yield from _tweets(name, ctx, deleted=False, extra={})
    for name in files.find(COMMUNITY):
        yield from _tweets(name, ctx, deleted=False, extra={"community": True})
    for name in files.find(DELETED):
        yield from _tweets(name, ctx, deleted=True, extra={})


def _tweets(name: str, ctx: XContext, deleted: bool, extra: dict[str, Any]) -> Iterator[Item]:
    for index, entry in enumerate(read_js_array(ctx.view, name, ctx.report)):
        tweet = unwrap(entry, "tweet")
        if tweet is None:
            ctx.report.warnings.append(f"{name} #{index}: skipped, not a tweet object")
            continue
        if deleted:
            extra = {"deleted_at": _text(tweet, "deleted_at") or "unknown"}
        item = tweet_item(tweet, ctx, name, index, extra)
        if item is None:
            continue
        if item.id in ctx.seen:
            if not deleted:  # a deleted copy of a kept tweet is expected; keep the kept one
                ctx.report.warnings.append(f"{name} #{index}: tweet {item.id} appears twice; "
                                           "the second copy was skipped")
            continue
        ctx.seen.add(item.id)
        yield item


def _messages(files: DataFiles, ctx: XContext, options: LoadOptions) -> Iterator[Item]:
    """Parse DMs only on opt-in; otherwise just count them so the report can say so."""
    for kind, group in ((DMS, False), (GROUP_DMS, True)):
        for name in files.find(kind, warn_missing=options.include_messages):
            if options.include_messages:
                yield from message_items(name, ctx, group)
            else:
                data = read_member(ctx.view, name, ctx.report)
                ctx.report.messages_skipped += data.count(b'"messageCreate"') if data else 0
