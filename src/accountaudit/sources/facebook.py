"""Facebook "Download Your Information" JSON exports, every generation (formats.md §2).

Layouts: ``facebook-2019`` (``comments/``, ``likes_and_reactions/``, ``friends/``, keys without
``_v2``), ``facebook-2021`` (``comments_and_reactions/``, ``friends_and_followers/``, ``_v2``
keys), ``facebook-2022`` (``your_activity_across_facebook/``), ``facebook-2024``
(``your_facebook_activity/``, ``connections/``, ``personal_information/``) and
``facebook-files`` (loose Facebook JSON files recognised by their keys alone).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.base import ArchiveLoader, Detection, LoadOptions, LoadReport
from accountaudit.sources.facebook_items import (
    comment_item,
    entries,
    page_like_item,
    post_item,
    reaction_item,
)
from accountaudit.sources.meta_common import (
    MetaContext,
    Rule,
    as_dict,
    as_list,
    classify,
    facts,
    first_key,
    fixed,
    folder_root,
    json_head_ok,
    read_json,
    records,
    rule_keys,
)
from accountaudit.sources.meta_messages import load_messages

PLATFORM = "facebook"
_N = r"(?:_\d+)?\.json\Z"
RULES: tuple[Rule, ...] = (
    Rule("messages", (r"(?:^|/)message_\d+\.json\Z", r"(?:^|/)your_group_messages/[^/]+\.json\Z"),
         sniff=False),
    Rule("posts", (r"(?:^|/)your_posts(?:__check_ins__photos_and_videos|_and_check_ins)?" + _N,),
         ("status_updates",)),
    Rule("posts_elsewhere", (r"(?:^|/)posts_on_other_pages_and_profiles" + _N,),
         ("wall_posts_sent_to_others", "posts_on_other_pages_and_profiles_v2")),
    Rule("group_posts", (r"(?:^|/)your_posts_in_groups\.json\Z",
                         r"(?:^|/)group_posts_and_comments\.json\Z",
                         r"(?:^|/)your_posts_and_comments_in_groups\.json\Z"),
         ("group_posts_v2", "group_posts")),
    Rule("pending_posts", (r"(?:^|/)your_pending_posts_in_groups\.json\Z",),
         ("pending_posts_v2",)),
    Rule("stories", (r"(?:^|/)archived_stories\.json\Z",),
         ("archived_stories_v2", "archived_stories")),
    Rule("reels", (r"(?:^|/)your_reels\.json\Z",), ("lasso_videos_v2",)),
    Rule("group_comments", (r"(?:^|/)your_comments_in_groups\.json\Z",),
         ("group_comments_v2", "group_comments")),
    Rule("comments", (r"(?:^|/)comments" + _N,), ("comments_v2", "comments")),
    Rule("reactions", (r"(?:^|/)posts_and_comments\.json\Z",
                       r"(?:^|/)likes_and_reactions" + _N), ("reactions_v2", "reactions")),
    Rule("page_likes", (r"(?:^|/)pages_you've_liked\.json\Z", r"(?:^|/)pages_you_ve_liked\.json\Z",
                        r"(?:^|/)likes_and_reactions/pages\.json\Z"),
         ("page_likes_v2", "page_likes")),
    Rule("friends", (r"(?:^|/)(?:your_)?friends\.json\Z",), ("friends_v2", "friends")),
    Rule("followers", (r"(?:^|/)(?:followers|people_who_followed_you|people_who_follow_you)" + _N,),
         ("followers_v3", "followers_v2", "followers")),
    Rule("following", (r"(?:^|/)(?:following|who_you_follow|who_you've_followed|"
                       r"who_you_ve_followed)" + _N,), ("following_v3", "following_v2",
                                                       "following")),
    Rule("pages_followed", (r"(?:^|/)pages_and_profiles_you_follow\.json\Z",
                            r"(?:^|/)pages_you_follow\.json\Z"),
         ("pages_followed_v2", "pages_followed")),
    Rule("groups", (r"(?:^|/)your_group_membership_activity\.json\Z",),
         ("groups_joined_v2", "groups_joined")),
    Rule("groups_admined", (r"(?:^|/)your_groups\.json\Z",), ("groups_admined_v2",)),
    Rule("profile", (r"(?:^|/)profile_information\.json\Z",), ("profile_v2", "profile")),
)
_PROFILE = RULES[-1]
# Folders that hold settings, ads and logs: never any of the holder's content.
_SKIP = re.compile(r"(?:^|/)(?:ads_information|logged_information|security_and_login_information|"
                   r"apps_and_websites_off_of_facebook|preferences|ads_and_businesses|"
                   r"search_history|location|your_topics|facebook_payments|activity_messages)/")
_MARKERS = [
    "posts/your_posts_1.json", "posts/your_posts.json", "comments/comments.json",
    "comments_and_reactions/comments.json", "comments_and_reactions/posts_and_comments.json",
    "likes_and_reactions/posts_and_comments.json", "friends_and_followers/friends.json",
    "friends/friends.json", "profile_information/profile_information.json",
    "groups/your_group_membership_activity.json", "groups/your_posts_in_groups.json",
    "connections/friends/your_friends.json",
]
_FOLDERS = ("your_facebook_activity", "your_activity_across_facebook")
_SIGNATURES = (b"timestamp", b"_v2", b"_v3", b"profile", b"friends", b"comments", b"reactions",
               b"group", b"status_updates", b"participants")
_MESSAGES = re.compile(r"(?:^|/)messages/(?:inbox|archived_threads|filtered_threads|"
                       r"message_requests|e2ee_cutover)/[^/]+/message_\d+\.json\Z")
_NOT_FACEBOOK = ("your_instagram_activity/", "followers_and_following/", "threads/")
_ORDER = ("posts", "posts_elsewhere", "group_posts", "pending_posts", "stories", "reels",
          "comments", "group_comments", "reactions", "page_likes", "friends", "followers",
          "following", "pages_followed", "groups", "groups_admined")


class FacebookLoader(ArchiveLoader):
    """Every Facebook JSON export generation; Messenger threads only when asked for."""

    name: ClassVar[str] = "facebook"
    platform: ClassVar[str] = PLATFORM
    version: ClassVar[str] = "1"

    @classmethod
    def detect(cls, view: ArchiveView) -> Detection | None:
        """Recognise the export by its folders and files, then by a peek at the content."""
        root = _locate(view)
        if root is None:
            return None
        layout = _layout(view, root)
        quiet = LoadReport()
        ctx = MetaContext(view, root, "", quiet, PLATFORM)
        profile = _profile_body(view, root, ctx)
        return Detection(layout=layout, root=root, account=_full_name(profile))

    def load(self, view: ArchiveView, detection: Detection, source_id: str,
             options: LoadOptions, report: LoadReport) -> Iterator[Item]:
        """Yield the profile, posts, comments, reactions, connections and (opt-in) messages."""
        ctx = MetaContext(view, detection.root, source_id, report, PLATFORM)
        files = classify(view, detection.root, RULES, _SKIP)
        if detection.account:
            ctx.owner_names.add(detection.account)
            ctx.owner_label = detection.account
        for name in files.get("profile", [])[:1]:
            item = _profile_item(name, ctx)
            if item is not None:
                yield item
        for kind in _ORDER:
            convert = _CONVERTERS[kind]
            for name in files.get(kind, []):
                yield from _convert(name, kind, convert, ctx)
        yield from load_messages(files.get("messages", []), ctx, options)


Converter = Callable[[Mapping[str, Any], str, int, MetaContext], Item | None]


def _convert(name: str, kind: str, convert: Converter, ctx: MetaContext) -> Iterator[Item]:
    value = read_json(ctx.view, name, ctx.report)
    for index, entry in entries(records(value, rule_keys(RULES, kind), name, ctx.report),
                                name, ctx):
        item = convert(entry, name, index, ctx)
        if item is not None:
            yield item
    ctx.flush_dates(name)


def _post(extra: dict[str, Any], prefix: str = "post") -> Converter:
    return lambda entry, name, index, ctx: post_item(entry, name, index, ctx, extra, prefix)


def _connection(direction: str, extra: dict[str, Any]) -> Converter:
    def convert(entry: Mapping[str, Any], name: str, index: int,
                ctx: MetaContext) -> Item | None:
        who = (fixed(entry.get("name"))
               or next((fixed(as_dict(d).get("name")) for d in as_list(entry.get("data"))
                        if fixed(as_dict(d).get("name"))), None)
               or fixed(entry.get("title")))
        if not who:
            ctx.report.warnings.append(f"{name} #{index}: skipped, the entry names nobody")
            return None
        when, created_raw = ctx.when(entry.get("timestamp"), name)
        url = entry.get("url") if isinstance(entry.get("url"), str) else None
        return Item(
            source_id=ctx.source_id, id=ctx.new_id(direction, who), platform=PLATFORM,
            kind=ItemKind.CONNECTION, text=who, author=who, url=url,
            provenance=Provenance(ctx.source_id, name, index), created_at=when,
            created_raw=created_raw, audience=Audience.UNKNOWN,
            extra=facts({"direction": direction, **extra}),
        )
    return convert


_CONVERTERS: dict[str, Converter] = {
    "posts": _post({}),
    "posts_elsewhere": _post({"on_other_profile": True}),
    "group_posts": _post({"in_group": True}, "group-post"),
    "pending_posts": _post({"in_group": True, "pending": True}, "pending-post"),
    "stories": _post({"story": True}, "story"),
    "reels": _post({"reel": True}, "reel"),
    "comments": comment_item,
    "group_comments": comment_item,
    "reactions": reaction_item,
    "page_likes": page_like_item,
    "friends": _connection("friend", {}),
    "followers": _connection("follower", {}),
    "following": _connection("following", {}),
    "pages_followed": _connection("following", {"page": True}),
    "groups": _connection("member", {"group": True}),
    "groups_admined": _connection("admin", {"group": True, "admin": True}),
}


def _locate(view: ArchiveView) -> str | None:
    """The export's top folder: known files, else the 2022/2024 folders, else loose files."""
    root = view.find_root(_MARKERS)
    if root is not None and any(json_head_ok(view, root + m, _SIGNATURES)
                                for m in _MARKERS if view.exists(root + m)):
        return root
    root = folder_root(view, _FOLDERS)
    if root is not None:
        inside = [n for n in view.names() if n.startswith(root) and n.endswith(".json")
                  and n[len(root):].startswith(_FOLDERS)][:5]
        if any(json_head_ok(view, n, _SIGNATURES) for n in inside):
            return root
    root = _messages_root(view)
    return root if root is not None else _loose_root(view)


def _messages_root(view: ArchiveView) -> str | None:
    """A Messenger-only download: ``messages/inbox/<thread>/message_1.json`` and no Instagram."""
    if any("/" + part in "/" + name for name in view.names() for part in _NOT_FACEBOOK):
        return None
    for name in view.names():
        match = _MESSAGES.search(name)
        if match is not None and json_head_ok(view, name, (b"participants", b"messages")):
            return name[: match.start() + (1 if match.group().startswith("/") else 0)]
    return None


def _loose_root(view: ArchiveView) -> str | None:
    """Loose Facebook files (renamed or moved) recognised by their versioned keys."""
    for name in [n for n in view.names() if n.endswith(".json")][:200]:
        found = first_key(view, name)
        if found is not None and not found[0] and any(r.sniffs(found[1]) for r in RULES):
            return ""
    return None


def _layout(view: ArchiveView, root: str) -> str:
    names = [n[len(root):] for n in view.names() if n.startswith(root)]
    if any(n.startswith("your_facebook_activity/") for n in names):
        return "facebook-2024"
    if any(n.startswith("your_activity_across_facebook/") for n in names):
        return "facebook-2022"
    if any(n.startswith(("comments_and_reactions/", "friends_and_followers/")) for n in names):
        return "facebook-2021"
    if any(n.startswith(("comments/", "likes_and_reactions/", "friends/", "posts/",
                         "profile_information/", "messages/")) for n in names):
        return "facebook-2019"
    return "facebook-files"


def _profile_body(view: ArchiveView, root: str, ctx: MetaContext) -> Mapping[str, Any]:
    files = [n for n in view.names() if n.startswith(root) and n.endswith(
        "profile_information.json") and _PROFILE.matches(n[len(root):])]
    for name in files[:1]:
        value = as_dict(read_json(view, name, ctx.report))
        return as_dict(value.get("profile_v2") or value.get("profile"))
    return {}


def _full_name(profile: Mapping[str, Any]) -> str | None:
    name = profile.get("name")
    return fixed(as_dict(name).get("full_name")) if isinstance(name, Mapping) else fixed(name)


def _profile_item(name: str, ctx: MetaContext) -> Item | None:
    """Name, bio, places, work and education as one PROFILE item, for the identity checks."""
    value = as_dict(read_json(ctx.view, name, ctx.report))
    body = as_dict(value.get("profile_v2") or value.get("profile"))
    if not body:
        if value:
            ctx.report.warnings.append(f"{name}: skipped, it holds no profile")
        return None
    full = _full_name(body)
    if full:
        ctx.owner_names.add(full)
        ctx.owner_label = full
    lines, info = _profile_lines(body, full)
    when, created_raw = ctx.when(body.get("registration_timestamp"), name)
    ctx.flush_dates(name)
    text = "\n".join(lines)
    uri = body.get("profile_uri") if isinstance(body.get("profile_uri"), str) else None
    return Item(
        source_id=ctx.source_id, id="profile", platform=PLATFORM, kind=ItemKind.PROFILE,
        text=text, provenance=Provenance(ctx.source_id, path=name), created_at=when,
        created_raw=created_raw, author=full, url=uri, audience=Audience.UNKNOWN,
        extra=facts(info),
    )


def _history_lines(body: Mapping[str, Any], lines: list[str], info: dict[str, Any]) -> None:
    """Work (where a police employer shows), education and websites."""
    for job in as_list(body.get("work_experiences")):
        job = as_dict(job)
        words = " - ".join(w for w in (fixed(job.get("employer")), fixed(job.get("title")),
                                       fixed(job.get("location"))) if w)
        if words:
            lines.append(f"Work: {words}")
            info.setdefault("work", []).append(words)
    for school in as_list(body.get("education_experiences")):
        school_name = fixed(as_dict(school).get("name"))
        if school_name:
            lines.append(f"Education: {school_name}")
    for site in as_list(body.get("websites")):
        address = fixed(as_dict(site).get("address"))
        if address:
            lines.append(f"Website: {address}")


def _profile_lines(body: Mapping[str, Any], full: str | None) -> tuple[list[str], dict[str, Any]]:
    """The profile as lines a reader would see; the holder's own contact details are left out."""
    lines: list[str] = []
    for key in ("intro_bio", "about_me", "bio"):
        text = fixed(body.get(key)) or fixed(as_dict(body.get(key)).get("text"))
        if text:
            lines.append(text)
    info: dict[str, Any] = {"full_name": full, "username": fixed(body.get("username"))}
    for label, key in (("Name", "full_name"), ("Username", "username")):
        if info[key]:
            lines.append(f"{label}: {info[key]}")
    for label, key in (("Current city", "current_city"), ("Hometown", "hometown")):
        place = fixed(as_dict(body.get(key)).get("name"))
        if place:
            lines.append(f"{label}: {place}")
            info[key] = place
    _history_lines(body, lines, info)
    status = fixed(as_dict(body.get("relationship")).get("status"))
    if status:
        lines.append(f"Relationship: {status}")
    return lines, info
