"""Instagram JSON downloads, every generation, plus the Threads data they may carry.

Layouts (formats.md §3.1): ``instagram-2019`` (single files at the top: ``media.json``,
``connections.json``...), ``instagram-2021`` (``content/``, ``followers_and_following/``,
``comments/``, ``likes/``), ``instagram-2024`` (``your_instagram_activity/``,
``connections/``, ``personal_information/``) and ``instagram-files`` (loose Instagram JSON
files recognised by their keys). Threads files inside are yielded with platform ``threads``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import ClassVar

from accountaudit.model import Audience, Item
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import ArchiveLoader, Detection, LoadOptions, LoadReport
from accountaudit.sources.instagram_items import CONVERTERS, PLATFORM
from accountaudit.sources.instagram_legacy import LEGACY_FILES, legacy_items, legacy_profile
from accountaudit.sources.meta_common import (
    MetaContext,
    Rule,
    as_dict,
    classify,
    first_key,
    fixed,
    folder_root,
    json_head_ok,
    map_value,
    read_json,
    records,
    rule_keys,
)
from accountaudit.sources.meta_messages import load_messages
from accountaudit.sources.threads import RULES as THREADS_RULES
from accountaudit.sources.threads import profile_item, threads_items

_N = r"(?:_\d+)?\.json\Z"
RULES: tuple[Rule, ...] = (
    Rule("messages", (r"(?:^|/)message_\d+\.json\Z",), sniff=False),
    *THREADS_RULES,
    Rule("posts", (r"(?:^|/)posts_\d+\.json\Z", r"(?:^|/)(?:content|media)/posts\.json\Z"),
         sniff=False, array_keys=("media",)),
    Rule("archived", (r"(?:^|/)archived_posts\.json\Z",), ("ig_archived_post_media",), True),
    Rule("deleted", (r"(?:^|/)recently_deleted_content\.json\Z",),
         ("ig_recently_deleted_media",), True),
    Rule("igtv", (r"(?:^|/)igtv_videos\.json\Z",), ("ig_igtv_media",), True),
    Rule("other_media", (r"(?:^|/)(?:content|media)/other_content\.json\Z",),
         ("ig_other_media",), True),
    Rule("stories", (r"(?:^|/)(?:content|media)/stories\.json\Z",), ("ig_stories",), True),
    Rule("reels", (r"(?:^|/)(?:content|media)/reels\.json\Z",), ("ig_reels_media",), True),
    Rule("profile_photos", (r"(?:^|/)profile_photos\.json\Z",), ("ig_profile_picture",), True),
    Rule("comments", (r"(?:^|/)post_comments" + _N, r"(?:^|/)reels_comments\.json\Z",
                      r"(?:^|/)comments/hype\.json\Z"),
         ("comments_media_comments", "comments_reels_comments", "comments_story_comments"),
         True),
    Rule("likes", (r"(?:^|/)liked_posts\.json\Z",), ("likes_media_likes",), True),
    Rule("comment_likes", (r"(?:^|/)liked_comments\.json\Z",), ("likes_comment_likes",), True),
    Rule("story_likes", (r"(?:^|/)story_likes\.json\Z",), ("story_activities_story_likes",),
         True),
    Rule("followers", (r"(?:^|/)followers" + _N,), ("relationships_followers",), True),
    Rule("following", (r"(?:^|/)following" + _N,), ("relationships_following",), True),
    Rule("close_friends", (r"(?:^|/)close_friends\.json\Z",), ("relationships_close_friends",),
         True),
    Rule("profile", (r"(?:^|/)(?:account_information|personal_information)/"
                     r"personal_information\.json\Z",), ("profile_user",), True),
)
_SKIP = re.compile(r"(?:^|/)(?:ads_information|logged_information|security_and_login_information|"
                   r"apps_and_websites_off_of_instagram|preferences|ads_and_topics|"
                   r"information_about_you|device_information|autofill_information|"
                   r"recent_searches|login_and_account_creation)/")
_STRONG = [
    "your_instagram_activity/content/posts_1.json", "your_instagram_activity/media/posts_1.json",
    "your_instagram_activity/content/stories.json", "your_instagram_activity/media/stories.json",
    "your_instagram_activity/content/reels.json", "your_instagram_activity/media/reels.json",
    "your_instagram_activity/likes/liked_posts.json",
    "your_instagram_activity/comments/post_comments_1.json",
    "connections/followers_and_following/followers_1.json",
    "connections/followers_and_following/following.json", "content/posts_1.json",
    "content/stories.json", "followers_and_following/followers.json",
    "followers_and_following/followers_1.json", "followers_and_following/following.json",
    "likes/liked_posts.json", "comments/post_comments.json",
    "account_information/personal_information.json",
]
_WEAK = ["personal_information/personal_information/personal_information.json",
         "personal_information/personal_information.json"]
_SIGNATURES = (b"media", b"string_list_data", b"string_map_data", b"relationships_", b"ig_",
               b"profile_user", b"participants")
_LEGACY_SIGNATURES = {"media.json": (b'"photos"', b'"stories"', b'"videos"', b'"profile"'),
                      "connections.json": (b'"followers"', b'"following"')}
_ORDER = ("posts", "archived", "deleted", "igtv", "other_media", "stories", "reels",
          "profile_photos", "comments", "likes", "comment_likes", "story_likes", "followers",
          "following", "close_friends")


class InstagramLoader(ArchiveLoader):
    """Every Instagram download generation; DMs only when asked for; Threads as ``threads``."""

    name: ClassVar[str] = "instagram"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Instagram's own files (not only its Threads folder), checked by a content peek."""
        found = _locate(view)
        if found is None:
            return None
        layout, root = found
        ctx = MetaContext(view, root, "", LoadReport(), PLATFORM)
        if layout == "instagram-2019":
            profile = legacy_profile(ctx)
            handle = profile.author if profile is not None else None
        else:
            names = classify(view, root, RULES, _SKIP).get("profile", [])
            handle = next((_handle(n, ctx) for n in names), None)
            handle = f"@{handle}" if handle else None
        return Detection(layout=layout, root=root, account=handle)

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield profile, posts, stories, reels, comments, likes, follows, Threads, DMs."""
        ctx = MetaContext(view, detection.root, source_id, report, PLATFORM)
        files = classify(view, detection.root, RULES, _SKIP)
        if detection.layout == "instagram-2019":
            profile = legacy_profile(ctx)
            if profile is not None:
                yield profile
            yield from legacy_items(ctx, options)
        else:
            yield from _profile(files, ctx)
        for kind in _ORDER:
            for name in files.get(kind, []):
                yield from _convert(name, kind, ctx)
        threads = MetaContext(view, detection.root, source_id, report, "threads",
                              owner_names=ctx.owner_names, owner_label=ctx.owner_label,
                              audience=Audience.PUBLIC,
                              used_ids=ctx.used_ids)
        yield from threads_items(files, threads)
        yield from load_messages(files.get("messages", []), ctx, options)


def _profile(files: dict[str, list[str]], ctx: MetaContext) -> Iterator[Item]:
    for name in files.get("profile", [])[:1]:
        body = _profile_entry(name, ctx)
        private = fixed(map_value(body, "Private Account"))
        if private in ("True", "False"):
            ctx.audience = Audience.FRIENDS if private == "True" else Audience.PUBLIC
        item = profile_item(name, ctx, item_id="profile")
        if item is not None:
            yield item


def _profile_entry(name: str, ctx: MetaContext) -> Mapping[str, object]:
    value = read_json(ctx.view, name, LoadReport())
    rows = records(value, ("profile_user",), name, LoadReport())
    return next((as_dict(r) for r in rows if isinstance(r, Mapping)), {})


def _handle(name: str, ctx: MetaContext) -> str | None:
    return fixed(map_value(_profile_entry(name, ctx), "Username"))


def _convert(name: str, kind: str, ctx: MetaContext) -> Iterator[Item]:
    value = read_json(ctx.view, name, ctx.report)
    if kind == "posts" and isinstance(value, Mapping) and "media" in value:
        value = [value]  # a file holding one post as an object, not a list
    convert = CONVERTERS[kind]
    for index, entry in enumerate(records(value, rule_keys(RULES, kind), name, ctx.report)):
        if isinstance(entry, Mapping):
            if entry:
                item = convert(entry, name, index, ctx)
                if item is not None:
                    yield item
        elif entry is not None:
            ctx.report.warnings.append(f"{name} #{index}: skipped, not a JSON object")
    ctx.flush_dates(name)


def _locate(view: ArchiveView) -> tuple[str, str] | None:
    """(layout, root): current and 2021 markers, then 2018-2020 single files, then loose files."""
    root = view.find_root(_STRONG)
    if root is None and not _has_threads(view):
        root = view.find_root(_WEAK)  # a Threads-only download may hold the profile too
    if root is not None and any(json_head_ok(view, root + m, _SIGNATURES)
                                for m in _STRONG + _WEAK if view.exists(root + m)):
        return _layout(view, root), root
    root = _messages_root(view)
    if root is not None:
        return _layout(view, root), root
    legacy = view.find_root(list(_LEGACY_SIGNATURES))
    if legacy is not None and any(json_head_ok(view, legacy + n, sig)
                                  for n, sig in _LEGACY_SIGNATURES.items()
                                  if view.exists(legacy + n)):
        return "instagram-2019", legacy
    return _loose(view)


def _has_threads(view: ArchiveView) -> bool:
    return any(n.endswith("threads_and_replies.json") for n in view.names())


def _messages_root(view: ArchiveView) -> str | None:
    """An Instagram download holding only direct messages."""
    root = folder_root(view, ("your_instagram_activity",))
    if root is None:
        return None
    inside = [n for n in view.names() if n.startswith(root + "your_instagram_activity/messages/")
              and n.endswith(".json")][:3]
    return root if any(json_head_ok(view, n, (b"participants",)) for n in inside) else None


def _loose(view: ArchiveView) -> tuple[str, str] | None:
    """Loose Instagram files (renamed or moved) recognised by their keys or post shape."""
    own = [r for r in RULES if not r.kind.startswith(("threads", "profile", "messages"))]
    for name in [n for n in view.names() if n.endswith(".json")][:200]:
        found = first_key(view, name)
        if found is None:
            continue
        bare, key = found
        if any((key in r.array_keys) if bare else r.sniffs(key) for r in own):
            return "instagram-files", ""
    return None


def _layout(view: ArchiveView, root: str) -> str:
    names = [n[len(root):] for n in view.names() if n.startswith(root)]
    if any(n.startswith(("your_instagram_activity/", "connections/")) for n in names):
        return "instagram-2024"
    if any(n.split("/", 1)[0] in ("content", "followers_and_following", "comments", "likes",
                                  "account_information", "personal_information", "messages")
           for n in names):
        return "instagram-2021"
    if any(n in LEGACY_FILES for n in names):
        return "instagram-2019"
    return "instagram-files"
