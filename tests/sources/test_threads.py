"""The Threads loader: a Threads-only download, wherever its folder sits, zipped or not.

Expected counts were worked out from the fixture files (see PROVENANCE.md), not from the
loader's output. Threads inside a full Instagram download are tested in test_instagram.py.
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
from accountaudit.sources.registry import open_source
from accountaudit.sources.threads import ThreadsLoader
from conftest import FIXTURES, shared_dir

THREADS = FIXTURES / "threads"
ONLY = THREADS / "invented-threads-2024"
EXPECTED = {"profile": 1, "post": 1, "reply": 1, "reaction": 1, "connection": 3}


class Loaded:
    """Everything one load produced, with lookups the tests need."""

    def __init__(self, path: Path) -> None:
        with open_source(path, LoadOptions(include_messages=True)) as opened:
            self.items: list[Item] = list(opened.items())
            self.source = opened.source
            self.report: LoadReport = opened.report
        self.by_id = {item.id: item for item in self.items}

    def counts(self) -> dict[str, int]:
        return dict(Counter(item.kind.value for item in self.items))


def _copy(tmp_path: Path, layout: str) -> Path:
    """The fixture's Threads files moved to another plausible folder layout."""
    target = tmp_path / "export"
    shutil.copytree(ONLY / "media", target / "media")
    for name in (ONLY / "your_instagram_activity" / "threads").iterdir():
        destination = target / layout / name.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(name, destination)
    return target


def test_threads_only_download() -> None:
    loaded = Loaded(ONLY)
    assert loaded.source.platform == "threads"
    assert (loaded.source.layout, loaded.source.account) == ("threads-2024", "@pc.example")
    assert loaded.source.loader == "threads@1"
    # threads_and_replies.json: 1 thread, 1 reply and an empty {}; followers 2, following 1.
    assert loaded.counts() == EXPECTED
    assert loaded.report.warnings == []
    assert {i.platform for i in loaded.items} == {"threads"}


def test_threads_texts_replies_and_media() -> None:
    loaded = Loaded(ONLY)
    photo = loaded.by_id["threads-post-1718000000"]
    assert photo.text == "Photo from the open day 📸"
    assert photo.text_raw == "Photo from the open day \u00f0\u009f\u0093\u00b8"
    assert photo.created_at == datetime(2024, 6, 10, 6, 13, 20, tzinfo=UTC)
    assert photo.created_raw == "1718000000"
    assert [m.path for m in photo.media] == ["media/posts/202406/t.png"]
    assert photo.author == "@pc.example" and photo.audience is Audience.PUBLIC
    assert photo.provenance.path == "your_instagram_activity/threads/threads_and_replies.json"
    reply = loaded.by_id["threads-reply-1718100000"]
    assert (reply.kind, reply.text, reply.reply_to) == (ItemKind.REPLY, "Not my call, mate",
                                                        "@angry_resident")
    assert reply.extra["reply_control"] == "everyone"
    like = loaded.by_id["threads-like-1716200000"]
    assert (like.kind, like.text) == (ItemKind.REACTION, "@exampleton_news")
    followers = [i for i in loaded.items if i.extra.get("direction") == "follower"]
    assert [f.text for f in followers] == ["@jo_bloggs", "@alex.sample"]
    assert followers[0].url == "https://www.threads.net/@jo_bloggs"


@pytest.mark.parametrize("layout", ["threads", "your_threads_activity/threads",
                                    "your_threads_activity"])
def test_other_folder_layouts(tmp_path: Path, layout: str) -> None:
    loaded = Loaded(_copy(tmp_path, layout))
    assert loaded.source.layout == "threads-2024"
    assert loaded.counts() == EXPECTED
    assert loaded.by_id["threads-post-1718000000"].media[0].path == "media/posts/202406/t.png"


@pytest.mark.parametrize("prefix", ["", "threads-pc.example-2024/"])
def test_zips(tmp_path: Path, prefix: str) -> None:
    target = tmp_path / "threads.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(ONLY.rglob("*")):
            if path.is_file() and path.name != "PROVENANCE.md":
                archive.write(path, prefix + path.relative_to(ONLY).as_posix())
    loaded = Loaded(target)
    assert loaded.counts() == EXPECTED
    assert loaded.by_id["threads-post-1718000000"].media[0].path == (
        prefix + "media/posts/202406/t.png")


def test_unpacked_twice(tmp_path: Path) -> None:
    shutil.copytree(ONLY, tmp_path / "export" / "export")
    assert Loaded(tmp_path / "export").counts() == EXPECTED


def test_damaged_member_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(ONLY, folder)
    threads = folder / "your_instagram_activity" / "threads"
    (threads / "followers.json").write_text('{"text_post_app_text_post_app_followers": [',
                                            encoding="utf-8")
    loaded = Loaded(folder)
    assert loaded.counts() == {"profile": 1, "post": 1, "reply": 1, "reaction": 1,
                               "connection": 1}
    assert any(w.startswith("your_instagram_activity/threads/followers.json: skipped, it is "
                            "not valid JSON") for w in loaded.report.warnings)


def test_lookalike_is_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "threads").mkdir()
    (tmp_path / "threads" / "threads_and_replies.json").write_text('{"posts": []}',
                                                                 encoding="utf-8")
    with open_view(tmp_path) as view:
        assert ThreadsLoader.detect(view) is None


def test_full_instagram_download_is_claimed_by_instagram() -> None:
    with open_source(FIXTURES / "instagram" / "invented-instagram-2024-with-threads") as opened:
        assert opened.source.platform == "instagram"
        assert Counter(i.platform for i in opened.items())["threads"] == 7


def _sample_folders() -> list[Path]:
    """Every fixture, plus every sample in ../shared when it is there (no skip without it)."""
    folders = sorted(p for p in THREADS.iterdir() if p.is_dir())
    shared = shared_dir()
    samples = shared / "samples" / "threads" if shared is not None else None
    if samples is not None and samples.is_dir():
        folders += sorted(p for p in samples.iterdir() if p.is_dir())
    return folders


@pytest.mark.parametrize("folder", _sample_folders(), ids=lambda p: p.name)
def test_every_sample_loads(folder: Path) -> None:
    loaded = Loaded(folder)
    assert loaded.source.platform == "threads"
    assert loaded.items
    assert all(i.created_at is None or i.created_at.tzinfo is UTC for i in loaded.items)
