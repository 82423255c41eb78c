"""The TikTok loader over every JSON layout: the real WIF sample, invented fixtures, zips, damage.

Expected counts were worked out by reading the fixture files (see each PROVENANCE.md), not from
the loader's output.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accountaudit.model import Audience, ItemKind
from accountaudit.sources.archive import open_view
from accountaudit.sources.base import LoadOptions, LoadReport
from accountaudit.sources.registry import open_source
from accountaudit.sources.tiktok import TikTokFileLoader, TikTokLoader
from conftest import FIXTURES, Loaded, shared_dir, zip_folder

TIKTOK = FIXTURES / "tiktok"
# The WHAT-IF sample is AGPL-3.0, so it is read from ../shared and not copied into this repo.
_SHARED = shared_dir()
WIF = _SHARED / "samples" / "tiktok" / "whatif-TT_user_data_tiktok" if _SHARED else None
EARLY = TIKTOK / "invented-early-2025"
LATE = TIKTOK / "invented-late-2025"
LATE_JSON = LATE / "user_data_tiktok.json"

WIF_COUNTS = {"profile": 1, "post": 3, "comment": 2, "reaction": 24, "share": 5, "connection": 6}
EARLY_COUNTS = {"comment": 3, "reaction": 3, "share": 1, "connection": 2}
LATE_COUNTS = {"profile": 1, "post": 4, "comment": 2, "reaction": 3, "share": 1, "connection": 4}

def _wif_dir() -> Path:
    if WIF is None:
        pytest.skip("the AGPL-3.0 WHAT-IF sample is only read from ../shared (it exists in CI)")
    return WIF



def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def edited_late(tmp_path: Path, edit: object) -> Path:
    """A copy of the late-2025 fixture with ``edit(data)`` applied."""
    data = json.loads(LATE_JSON.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    folder = tmp_path / "edited"
    folder.mkdir()
    (folder / "user_data_tiktok.json").write_text(json.dumps(data, ensure_ascii=False),
                                                  encoding="utf-8")
    return folder


# --- the real late-2024 sample (what-if-horizon) --------------------------------------------

@pytest.fixture(scope="module")
def wif() -> Loaded:
    return Loaded(_wif_dir())


def test_wif_detection_and_counts(wif: Loaded) -> None:
    assert wif.source.layout == "tiktok-2024"
    assert wif.source.account == "@user6bxn5e3em4"
    assert wif.source.platform == "tiktok" and wif.source.loader == "tiktok@1"
    assert wif.counts() == WIF_COUNTS
    reactions = Counter(i.extra["reaction"] for i in wif.of(ItemKind.REACTION))
    assert reactions == {"like": 20, "favourite": 4}
    directions = Counter(i.extra["direction"] for i in wif.of(ItemKind.CONNECTION))
    assert directions == {"following": 5, "follower": 1}  # username4 is followed twice
    assert wif.report.warnings == []
    assert wif.report.messages_skipped == 0  # ChatHistory is {}
    assert len(wif.by_id) == len(wif.items)


def test_wif_comment_text_time_and_provenance(wif: Loaded) -> None:
    comment = wif.by_id["comment-20241124085516"]
    assert comment.kind is ItemKind.COMMENT
    assert comment.text == "so cute \U0001f97a"
    assert comment.text_raw is None
    assert comment.created_at == utc(2024, 11, 24, 8, 55, 16)
    assert comment.created_raw == "2024-11-24 08:55:16"
    assert comment.author == "@user6bxn5e3em4"
    assert comment.audience is Audience.PUBLIC
    assert comment.provenance.path == "TT_user_data_tiktok.json"
    assert comment.provenance.index == 0
    assert comment.extra["section"] == "Comment › Comments › CommentsList"


def test_wif_videos_live_and_deleted(wif: Loaded) -> None:
    video = wif.by_id["video-20241124085318"]
    assert video.kind is ItemKind.POST and video.text == ""
    assert video.audience is Audience.PUBLIC  # WhoCanView "Everyone", account not private
    assert video.extra["likes"] == "59"
    assert len(video.media) == 1 and video.media[0].kind == "video"
    assert video.media[0].url is not None and "mime_type=video_mp4" in video.media[0].url
    deleted = wif.by_id["deleted-video-20241125085211"]
    assert deleted.extra["deleted"] is True
    assert deleted.extra["deleted_at"] == "2024-12-13 07:04:50"
    assert deleted.extra["location"] == "So Beautiful"
    assert deleted.created_at == utc(2024, 11, 25, 8, 52, 11)


def test_wif_likes_follow_the_privacy_setting(wif: Loaded) -> None:
    like = wif.by_id["like-7442045703922142486"]
    assert like.created_at == utc(2024, 12, 13, 7, 6, 58)
    assert like.url == "https://www.tiktokv.com/share/video/7442045703922142486/"
    assert like.audience is Audience.PRIVATE  # "Who Can View Videos I Liked": "Myself"
    assert like.extra["video_id"] == "7442045703922142486"
    assert wif.by_id["favourite-7442044192852839713"].extra["reaction"] == "favourite"


def test_wif_profile_and_connections(wif: Loaded) -> None:
    profile = wif.by_id["profile"]
    assert profile.kind is ItemKind.PROFILE
    assert profile.url == "https://www.tiktok.com/@user6bxn5e3em4"
    assert profile.extra["linked_accounts"] == ["Facebook: Geo Dag"]
    assert "emailAddress" not in str(dict(profile.extra))  # the owner's contact details stay out
    follower = wif.by_id["follower-username1"]
    assert follower.author == "@username1" and follower.text == "username1"
    assert follower.created_at == utc(2024, 11, 27, 7, 12, 41)
    assert wif.by_id["following-username4"].created_raw == "2024-11-25 09:46:55"  # first kept


# --- invented early-2025 (only an Activity key) ---------------------------------------------

def test_early_2025_activity_only() -> None:
    early = Loaded(EARLY)
    assert early.source.layout == "tiktok-early-2025"
    assert early.source.account is None  # no profile in this export
    assert early.counts() == EARLY_COUNTS
    assert early.report.warnings == []
    fish = early.by_id["comment-20250201080000"]
    assert fish.text == "Fish & chips after the shift"
    assert fish.text_raw == "Fish &amp; chips after the shift"
    assert fish.url == "https://www.tiktokv.com/share/video/7467000000000000001/"
    assert early.by_id["comment-20250203190411"].text == "Great shout 👮‍♀️🔥"
    assert early.by_id["comment-20250115223005"].text == "Café crème, très bien"
    assert {"like-7465000000000000003", "like-7465000000000000003-2"} <= set(early.by_id)
    assert early.by_id["share-20250202070800"].extra["method"] == "whatsapp"


# --- invented late-2025 ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def late() -> Loaded:
    return Loaded(LATE)


def test_late_2025_detection_counts_and_skipped_messages(late: Loaded) -> None:
    assert late.source.layout == "tiktok-late-2025"
    assert late.source.account == "@pc_example_fic"
    assert late.counts() == LATE_COUNTS
    assert late.report.messages_skipped == 3
    assert late.report.warnings == []


def test_late_2025_placeholder_title_private_video_and_several_links(late: Loaded) -> None:
    hidden = late.by_id["video-20250901120000"]
    assert hidden.text == "" and hidden.audience is Audience.PRIVATE  # "N/A", "Only You"
    photos = late.by_id["video-20250914164500"]
    assert photos.text == "Two photos from the allotment 🌻"
    assert [m.url for m in photos.media] == ["https://p16-sign.tiktok.example/obj/photo-a.jpeg",
                                             "https://p16-sign.tiktok.example/obj/photo-b.jpeg"]
    assert {m.kind for m in photos.media} == {"image"}
    assert photos.audience is Audience.FRIENDS  # "Followers"
    public = late.by_id["video-20251001083000"]
    assert public.audience is Audience.PUBLIC
    assert public.created_at == utc(2025, 10, 1, 8, 30)
    assert public.created_raw == "2025-10-01 08:30:00"
    assert public.extra["section"] == "Post › Posts › VideoList"
    deleted = late.by_id["deleted-video-20250920211000"]
    assert deleted.extra["section"] == "Post › Recently Deleted Posts › PostList"


def test_late_2025_profile_likes_and_connections(late: Loaded) -> None:
    profile = late.by_id["profile"]
    assert profile.text == "Runner, gardener, dog person 🐕\nName: Sam Example"
    assert "instagram" not in profile.extra  # "N/A" is a placeholder, not a link
    assert all(i.audience is Audience.PRIVATE for i in late.of(ItemKind.REACTION)
               if i.extra["reaction"] == "like")  # "Who Can View Videos I Liked": "Only Me"
    assert set(late.by_id) >= {"follower-sample.friend.01", "following-sample.friend.01",
                               "follower-example_cousin", "following-exampletown.parkrun.fic"}


def test_late_2025_messages_only_when_asked() -> None:
    loaded = Loaded(LATE, include_messages=True)
    messages = loaded.of(ItemKind.MESSAGE)
    assert len(messages) == 3 and loaded.report.messages_skipped == 0
    first = loaded.by_id["dm-sample.friend.01-0"]
    assert first.text == "Are you coming on Saturday?"
    assert first.audience is Audience.PRIVATE
    assert first.author == "@pc_example_fic" and first.reply_to == "@sample.friend.01"
    assert first.extra["sent_by_owner"] is True
    assert loaded.by_id["dm-sample.friend.01-1"].extra["sent_by_owner"] is False
    assert loaded.by_id["dm-example_cousin-0"].created_at == utc(2025, 10, 5, 7, 30)


def test_private_account_narrows_everyone_to_followers(tmp_path: Path) -> None:
    def make_private(data: dict) -> None:
        data["App Settings"]["Settings"]["SettingsMap"]["Private Account"] = "Enabled"

    loaded = Loaded(edited_late(tmp_path, make_private))
    assert loaded.by_id["video-20251001083000"].audience is Audience.FRIENDS
    assert loaded.by_id["video-20250901120000"].audience is Audience.PRIVATE


# --- packaging: zips, top folders, folders unpacked twice, the bare file ---------------------

@pytest.mark.parametrize("how", ["zip", "zip-top-folder", "folder-twice"])
def test_same_items_however_packed(tmp_path: Path, late: Loaded, how: str) -> None:
    if how == "zip":
        path = zip_folder(LATE, tmp_path / "tiktok.zip")
    elif how == "zip-top-folder":
        path = zip_folder(LATE, tmp_path / "tiktok.zip", prefix="TikTok_Data_1700000000/")
    else:
        path = tmp_path / "export"
        shutil.copytree(LATE, path / "export")
    packed = Loaded(path)
    assert packed.source.layout == "tiktok-late-2025"
    assert packed.counts() == LATE_COUNTS
    assert sorted(packed.by_id) == sorted(late.by_id)
    assert packed.by_id["video-20251001083000"].provenance.path.endswith(
        "user_data_tiktok.json")


def test_ids_are_stable_across_runs(late: Loaded) -> None:
    again = Loaded(LATE)
    assert [i.id for i in again.items] == [i.id for i in late.items]


def test_bare_json_file_loader() -> None:
    head = LATE_JSON.read_bytes()[:4096]
    detection = TikTokFileLoader.detect_file(LATE_JSON, head)
    assert detection is not None and detection.layout == "tiktok-late-2025"
    assert detection.account == "@pc_example_fic"
    report = LoadReport()
    items = list(TikTokFileLoader().load(LATE_JSON, detection, "src", LoadOptions(), report))
    assert Counter(i.kind.value for i in items) == LATE_COUNTS
    assert items[0].provenance.path == "user_data_tiktok.json"
    not_tiktok = FIXTURES / "tiktok" / "invented-late-2025" / "PROVENANCE.md"
    assert TikTokFileLoader.detect_file(not_tiktok, not_tiktok.read_bytes()[:4096]) is None


# --- detection refuses look-alikes ----------------------------------------------------------

def test_other_json_is_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "user_data.json").write_text('{"Activity": {"steps": 100}}', encoding="utf-8")
    (tmp_path / "posts.json").write_text('[{"Video": {}}]', encoding="utf-8")
    with open_view(tmp_path) as view:
        assert TikTokLoader.detect(view) is None


def test_renamed_file_in_a_small_folder_is_found(tmp_path: Path) -> None:
    shutil.copy(LATE_JSON, tmp_path / "my tiktok.json")
    with open_view(tmp_path) as view:
        detection = TikTokLoader.detect(view)
    assert detection is not None and detection.layout == "tiktok-late-2025"


# --- damage becomes warnings, never a traceback ---------------------------------------------

def test_truncated_json_is_a_warning(tmp_path: Path) -> None:
    data = LATE_JSON.read_bytes()
    (tmp_path / "user_data_tiktok.json").write_bytes(data[: len(data) // 2])
    loaded = Loaded(tmp_path)
    assert loaded.items == []
    assert len(loaded.report.warnings) == 1
    assert loaded.report.warnings[0].startswith("user_data_tiktok.json: skipped, it is not "
                                                "valid JSON")


def test_bad_entries_and_dates_are_warned_and_the_rest_loads(tmp_path: Path) -> None:
    def damage(data: dict) -> None:
        comments = data["Comment"]["Comments"]["CommentsList"]
        comments.insert(0, "not an object")
        comments[1]["date"] = "yesterday"
        data["Your Activity"]["Follower"]["FansList"].append({"Date": "2025-08-09 10:00:00"})
        data["Post"]["Posts"]["VideoList"][2]["Date"] = "1970-01-01 00:00:00"

    loaded = Loaded(edited_late(tmp_path, damage))
    warnings = loaded.report.warnings
    assert ("user_data_tiktok.json Comment › Comments › CommentsList #0: skipped, the entry has "
            "no comment text") in warnings
    assert ("user_data_tiktok.json Comment › Comments › CommentsList #1: the date 'yesterday' "
            "could not be read") in warnings
    assert ("user_data_tiktok.json Your Activity › Follower › FansList #2: skipped, the entry "
            "has no UserName") in warnings
    assert any("is before TikTok existed" in w for w in warnings)
    assert loaded.counts() == LATE_COUNTS  # every damaged entry but the string still loads
    undated = [i for i in loaded.of(ItemKind.COMMENT) if i.created_at is None]
    assert [i.created_raw for i in undated] == ["yesterday"]
    assert "video-undated" not in loaded.by_id  # the 1970 video keeps its id from the raw date


def test_corrupt_zip_member_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "tiktok.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.write(LATE_JSON, "user_data_tiktok.json")
    raw = bytearray(path.read_bytes())
    start = raw.index(b'"Your Activity"')
    raw[start + 1:start + 5] = b"Xour"  # same length, wrong CRC-32
    path.write_bytes(bytes(raw))
    with open_source(path, LoadOptions()) as opened:
        assert opened.source.layout == "tiktok-unreadable"
        items = list(opened.items())
        warnings = opened.report.warnings
    assert items == []
    assert len(warnings) == 1
    assert warnings[0].startswith("user_data_tiktok.json: skipped, it could not be read")


# --- every shared TikTok sample loads -------------------------------------------------------

def _shared_tiktok() -> list[Path]:
    base = shared_dir()
    folder = base / "samples" / "tiktok" if base else None
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder and folder.is_dir() else []


@pytest.mark.parametrize("sample", _shared_tiktok(), ids=lambda p: p.name)
def test_every_shared_sample_loads(sample: Path) -> None:
    loaded = Loaded(sample, include_messages=True)
    assert loaded.source.platform == "tiktok"
    assert len(loaded.items) > 0
    assert len(loaded.by_id) == len(loaded.items)
