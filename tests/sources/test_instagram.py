"""The Instagram loader over every generation, with the Threads data it may carry.

Expected counts were worked out from the fixture files (see each PROVENANCE.md) and, for the
real samples, by counting their JSON entries by hand, not from the loader's output.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accountaudit.model import Audience, Item, ItemKind
from accountaudit.sources.archive import open_view
from accountaudit.sources.base import LoadOptions, LoadReport
from accountaudit.sources.instagram import InstagramLoader
from accountaudit.sources.registry import open_source
from conftest import FIXTURES, shared_dir

IG = FIXTURES / "instagram"
IG2019 = IG / "invented-instagram-2019"
IG2021 = IG / "invented-instagram-2021"
IG2024 = IG / "invented-instagram-2024-with-threads"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


class Loaded:
    """Everything one load produced, with lookups the tests need."""

    def __init__(self, path: Path, include_messages: bool = False) -> None:
        with open_source(path, LoadOptions(include_messages=include_messages)) as opened:
            self.items: list[Item] = list(opened.items())
            self.source = opened.source
            self.report: LoadReport = opened.report
        self.by_id = {item.id: item for item in self.items}

    def counts(self, platform: str = "instagram") -> dict[str, int]:
        return dict(Counter(i.kind.value for i in self.items if i.platform == platform))

    def of(self, kind: ItemKind) -> list[Item]:
        return [item for item in self.items if item.kind is kind]


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "PROVENANCE.md":
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


# --- 2024 on, with Threads -------------------------------------------------------------------

@pytest.fixture(scope="module")
def ig2024() -> Loaded:
    return Loaded(IG2024, include_messages=True)


def test_2024_detection_and_counts(ig2024: Loaded) -> None:
    assert ig2024.source.platform == "instagram"
    assert (ig2024.source.layout, ig2024.source.account) == ("instagram-2024", "@sam.example")
    # posts 2 + story 1 + reel 1; comments 2 + reels 1; likes 2 + comment likes 1;
    # followers_1.json 2 + following 1; one inbox thread of 2 messages.
    assert ig2024.counts() == {"profile": 1, "post": 4, "comment": 3, "reaction": 3,
                               "connection": 3, "message": 2}
    # threads_and_replies.json: 1 thread + 2 replies; followers 1, following 1, likes 1.
    assert ig2024.counts("threads") == {"profile": 1, "post": 1, "reply": 2, "reaction": 1,
                                        "connection": 2}
    assert len(ig2024.by_id) == len(ig2024.items)
    assert ig2024.report.warnings == [
        "your_instagram_activity/comments/post_comments_1.json: 1 date(s) could not be read "
        "or are implausible (for example '17154'); those items were loaded without a date"]


def test_2024_posts_and_captions(ig2024: Loaded) -> None:
    first = ig2024.by_id["post-1715000000"]
    assert first.text == "On patrol in Exampleton today"
    assert first.created_at == utc(2024, 5, 6, 12, 53, 20)
    assert [m.path for m in first.media] == ["media/posts/202405/a.png"]
    assert first.audience is Audience.PUBLIC  # "Private Account": "False"
    assert first.author == "@sam.example"
    carousel = ig2024.by_id["post-1715100002"]
    assert carousel.text == "Two pics 😂"
    assert carousel.text_raw == "Two pics \u00f0\u009f\u0098\u0082"
    assert carousel.extra["media_not_in_export"] == ["media/posts/202405/b.jpg",
                                                     "media/posts/202405/c.jpg"]
    assert ig2024.by_id["story-1715200000"].extra["story"] is True
    assert ig2024.by_id["story-1715200000"].text == "Coffee ☕"
    assert ig2024.by_id["reel-1715300000"].extra["reel"] is True


def test_2024_comments_likes_and_follows(ig2024: Loaded) -> None:
    legend = ig2024.by_id["comment-1715400000"]
    assert (legend.text, legend.reply_to) == ("Legend 👏", "@jo_bloggs")
    truncated = ig2024.by_id["comment-17154"]
    assert truncated.created_at is None and truncated.created_raw == "17154"
    like = ig2024.by_id["like-1715600000"]
    assert (like.kind, like.text, like.url) == (ItemKind.REACTION, "@jo_bloggs",
                                                "https://www.instagram.com/p/EXAMPLE2/")
    assert like.extra["reaction"] == "👍"
    assert ig2024.by_id["like-1715800000"].extra["target"] == "comment"
    followed = ig2024.by_id["following-exampleton_police"]  # 2025 shape: name in the title
    assert followed.text == "@exampleton_police"
    assert followed.url == "https://www.instagram.com/_u/exampleton_police"
    assert {c.extra["direction"] for c in ig2024.of(ItemKind.CONNECTION)
            if c.platform == "instagram"} == {"follower", "following"}


def test_2024_threads_items(ig2024: Loaded) -> None:
    thread = ig2024.by_id["threads-post-1717000000"]
    assert (thread.platform, thread.text) == ("threads", "First thread 🧵")
    assert thread.author == "@sam.example" and thread.audience is Audience.PUBLIC
    reply = ig2024.by_id["threads-reply-1717100000"]
    assert (reply.kind, reply.reply_to) == (ItemKind.REPLY, "@jo_bloggs")
    anonymous = ig2024.by_id["threads-reply-1717200000"]
    assert (anonymous.kind, anonymous.reply_to) == (ItemKind.REPLY, None)
    assert ig2024.by_id["threads-profile"].text.startswith("Threads bio: views my own")


def test_2024_messages(ig2024: Loaded) -> None:
    sent = ig2024.by_id["msg-jobloggs_1234567890-1715900000000"]
    assert sent.text == "Sent you a reel"
    assert sent.url == "https://www.instagram.com/reel/EXAMPLE5/"
    assert sent.extra["sent_by_owner"] is True and sent.audience is Audience.PRIVATE
    loaded = Loaded(IG2024)
    assert loaded.report.messages_skipped == 2 and "message" not in loaded.counts()


# --- 2018-2020 and 2020-2022 -------------------------------------------------------------------

def test_2019_single_files() -> None:
    loaded = Loaded(IG2019, include_messages=True)
    assert (loaded.source.layout, loaded.source.account) == ("instagram-2019", "@sam.example")
    # media.json: 2 photos + 1 story (+ 1 profile photo as media; direct is not loaded);
    # connections.json: 1 follower + 2 following (blocked users are not loaded).
    assert loaded.counts() == {"profile": 1, "post": 3, "media": 1, "comment": 1,
                               "reaction": 2, "connection": 3, "message": 2}
    parade = loaded.by_id["post-2019-05-01T10:00:00+00:00"]
    assert parade.text == "Passing out parade today 🎉"
    assert parade.created_at == utc(2019, 5, 1, 10, 0, 0)
    assert [m.path for m in parade.media] == ["photos/201905/a.png"]
    assert parade.extra["location"] == "Exampleton"
    assert loaded.by_id["profile"].text.startswith("Dad. Runner. Views my own.\n")
    pint = next(m for m in loaded.of(ItemKind.MESSAGE) if m.text == "Go on then 🍺")
    assert pint.extra["sent_by_owner"] is True and pint.reply_to == "jo_bloggs"
    assert Loaded(IG2019).report.messages_skipped == 2


def test_2021_generation() -> None:
    loaded = Loaded(IG2021, include_messages=True)
    assert (loaded.source.layout, loaded.source.account) == ("instagram-2021", "@sam.example")
    assert loaded.counts() == {"profile": 1, "post": 3, "comment": 1, "reaction": 1,
                               "connection": 3, "message": 2}
    assert loaded.report.warnings == []
    carousel = loaded.by_id["post-1615000005"]
    assert carousel.text == "Carousel caption 😂 #exampleton"
    single = loaded.by_id["post-1615100000"]
    assert single.text == "Single photo caption"
    assert single.extra["media_locations"] == [{"latitude": 50.7, "longitude": -3.5}]
    comment = loaded.by_id["comment-1615300000"]
    assert (comment.text, comment.reply_to) == ("Nice one 👍", "@jo_bloggs")


# --- containers and damage ---------------------------------------------------------------

@pytest.mark.parametrize("shape", ["zip", "zip-top-folder", "folder-twice"])
def test_containers(tmp_path: Path, shape: str) -> None:
    if shape == "zip":
        path = zip_folder(IG2024, tmp_path / "instagram.zip")
    elif shape == "zip-top-folder":
        path = zip_folder(IG2024, tmp_path / "instagram.zip", "instagram-sam.example-2024/")
    else:
        path = tmp_path / "export"
        shutil.copytree(IG2024, path / "export")
    loaded = Loaded(path, include_messages=True)
    assert loaded.source.layout == "instagram-2024"
    assert loaded.counts() == {"profile": 1, "post": 4, "comment": 3, "reaction": 3,
                               "connection": 3, "message": 2}
    assert sum(loaded.counts("threads").values()) == 7


def test_damaged_member_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "ig"
    shutil.copytree(IG2021, folder)
    (folder / "content" / "posts_1.json").write_bytes(b"[{\"media\": [\xff")
    (folder / "likes" / "liked_posts.json").write_text('["not an object"]', encoding="utf-8")
    loaded = Loaded(folder)
    assert loaded.counts() == {"profile": 1, "post": 1, "comment": 1, "connection": 3}
    warnings = "\n".join(loaded.report.warnings)
    assert "content/posts_1.json: not valid UTF-8" in warnings
    assert "content/posts_1.json: skipped, it is not valid JSON" in warnings
    assert "likes/liked_posts.json: skipped, it holds a JSON list" not in warnings
    assert "likes/liked_posts.json #0: skipped, not a JSON object" in warnings


def test_threads_only_download_is_left_to_threads() -> None:
    for folder in (FIXTURES / "threads").iterdir():
        with open_view(folder) as view:
            assert InstagramLoader.detect(view) is None, folder


# --- the real samples ----------------------------------------------------------------------

def test_whatif_public_test_file(shared: Path) -> None:
    loaded = Loaded(shared / "samples" / "instagram" / "whatif-IG_public_test_file",
                    include_messages=True)
    assert (loaded.source.layout, loaded.source.account) == ("instagram-2024", "@bla")
    # posts_1.json holds one post as an object + stories.json 4; profile_photos 1 (media);
    # comments 3; liked_posts 3 + story_likes 3; followers 3 + following 2 + close friends 3;
    # messages: inbox 2 + five message_requests threads of 1.
    assert loaded.counts() == {"profile": 1, "post": 5, "media": 1, "comment": 3,
                               "reaction": 6, "connection": 8, "message": 7}
    post = loaded.by_id["post-1721408074"]
    assert post.text == "bla" and post.audience is Audience.FRIENDS  # "Private Account": True
    assert loaded.by_id["like-1711225461"].extra["reaction"] == "👍"
    assert sum("could not be read or are implausible" in w for w in loaded.report.warnings) == 6
    assert Loaded(shared / "samples" / "instagram" / "whatif-IG_public_test_file"
                  ).report.messages_skipped == 7


def test_waultar_loose_files(shared: Path) -> None:
    loaded = Loaded(shared / "samples" / "instagram" / "waultar-app-tests")
    assert loaded.source.layout == "instagram-files"
    # instagram_post.json 5 posts + instagram_media.json 4 posts (and 2 empty lists that
    # are not posts); post_comments.json 2 comments.
    assert loaded.counts() == {"post": 9, "comment": 2}
    assert loaded.by_id["post-1554996051"].text == "Anyone else feel spring around the corner? 🙌"
    assert loaded.by_id["post-1530370226"].text.startswith("And finally, after a long wait (f…")
    assert len(loaded.report.warnings) == 2


def _sample_folders() -> list[Path]:
    """Every fixture, plus every sample in ../shared when it is there (no skip without it)."""
    folders = sorted(p for p in IG.iterdir() if p.is_dir())
    shared = shared_dir()
    samples = shared / "samples" / "instagram" if shared is not None else None
    if samples is not None and samples.is_dir():
        folders += sorted(p for p in samples.iterdir() if p.is_dir())
    return folders


@pytest.mark.parametrize("folder", _sample_folders(), ids=lambda p: p.name)
def test_every_sample_loads(folder: Path) -> None:
    loaded = Loaded(folder, include_messages=True)
    assert loaded.source.platform == "instagram"
    assert loaded.items
    assert all(i.created_at is None or i.created_at.tzinfo is UTC for i in loaded.items)
    assert len({i.id for i in loaded.items}) == len(loaded.items)
