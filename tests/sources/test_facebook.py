"""The Facebook loader over every generation: invented fixtures, the real sample, zips, damage.

Expected counts were worked out from the fixture files (see each PROVENANCE.md) and, for the
Waultar-App sample, by counting its JSON entries by hand, not from the loader's output.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accountaudit.errors import UnknownFormatError
from accountaudit.model import Audience, ItemKind
from accountaudit.sources.archive import open_view
from accountaudit.sources.facebook import FacebookLoader
from accountaudit.sources.registry import open_source
from conftest import FIXTURES, Loaded, shared_dir

FB = FIXTURES / "facebook"
FB2019 = FB / "invented-facebook-2019"
FB2021 = FB / "invented-facebook-2021"
FB2024 = FB / "invented-facebook-2024"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "PROVENANCE.md":
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


# --- 2020-2022 ("facebook-2021") -------------------------------------------------------------

@pytest.fixture(scope="module")
def fb2021() -> Loaded:
    return Loaded(FB2021, include_messages=True)


def test_2021_detection_and_counts(fb2021: Loaded) -> None:
    assert fb2021.source.platform == "facebook"
    assert fb2021.source.layout == "facebook-2021"
    assert fb2021.source.account == "Sam Example"
    assert fb2021.source.loader == "facebook@1"
    # your_posts_1.json: 9 entries, one {} -> 7 posts + 1 link-only share; groups: 2 posts;
    # comments 4 + group comments 1; reactions 4 entries, one {}; friends 3, followers 1,
    # following 1, groups 1; messages 3 + 1 (inbox, two parts) + 1 (archived, one {}).
    assert fb2021.counts() == {"profile": 1, "post": 9, "share": 1, "comment": 5,
                               "reaction": 3, "connection": 6, "message": 5}
    assert len(fb2021.by_id) == len(fb2021.items)
    assert fb2021.report.warnings == [
        "posts/your_posts_1.json: 1 date(s) could not be read or are implausible (for example "
        "'99999999999999'); those items were loaded without a date"]


def test_2021_texts_are_repaired_and_keep_their_emoji(fb2021: Loaded) -> None:
    first = fb2021.by_id["post-1614600000"]
    assert first.kind is ItemKind.POST
    assert first.text == "Great night at the Café with the team 😂"
    assert first.text_raw == ("Great night at the Caf\u00c3\u00a9 with the team "
                              "\u00f0\u009f\u0098\u0082")
    assert first.created_at == utc(2021, 3, 1, 12, 0, 0)
    assert first.created_raw == "1614600000"
    assert first.author == "Sam Example"
    assert first.provenance.path == "posts/your_posts_1.json" and first.provenance.index == 0
    assert [m.path for m in first.media] == ["posts/media/TimelinePhotos_ab12/1.png"]
    assert first.extra["media_locations"] == [{"latitude": 50.7, "longitude": -3.5}]
    assert fb2021.by_id["post-1615100000"].text == "Read this \u2013 worth it"
    assert fb2021.by_id["friend-Zoë Placeholder"].text == "Zoë Placeholder"
    assert fb2021.by_id["comment-1615300000"].text == "Nice one \u2013 well done 👍"


def test_2021_entries_with_only_a_title_or_a_link(fb2021: Loaded) -> None:
    share = fb2021.by_id["share-1614700000"]
    assert share.kind is ItemKind.SHARE
    assert (share.text, share.url) == ("", "https://example.org/news/story")
    titled = fb2021.by_id["post-1615000000"]
    assert titled.text == "Sam Example har tilføjet et nyt billede."
    assert titled.extra["text_from"] == "title"
    assert titled.media == ()
    assert titled.extra["media_not_in_export"] == ["posts/media/Mobil_cd34/2.jpg"]
    assert fb2021.by_id["post-1614800000"].text == "Off duty today, call 101 if you need us"
    poll = fb2021.by_id["post-1615200000"]
    assert poll.text == "Best chippy in Exampleton?"
    assert poll.extra["tagged"] == ["Jo Bloggs"]
    assert fb2021.by_id["comment-1615400000"].extra["text_from"] == "title"
    late = fb2021.by_id["post-99999999999999"]
    assert late.created_at is None and late.created_raw == "99999999999999"


def test_2021_reactions_groups_and_profile(fb2021: Loaded) -> None:
    reactions = fb2021.of(ItemKind.REACTION)
    assert [r.extra["reaction"] for r in reactions] == ["LIKE", "LOVE", "HAHA"]
    assert reactions[2].text == "Sam Example reacted 😂 to Alex Sample's comment."
    group = fb2021.by_id["member-Exampleton Community Watch"]
    assert group.kind is ItemKind.CONNECTION and group.extra["group"] is True
    assert fb2021.by_id["group-post-1616000000"].extra["in_group"] is True
    assert fb2021.by_id["comment-1615600000"].extra["group"] == "Exampleton Community Watch"
    directions = Counter(c.extra["direction"] for c in fb2021.of(ItemKind.CONNECTION))
    assert directions == {"friend": 3, "follower": 1, "following": 1, "member": 1}
    profile = fb2021.by_id["profile"]
    assert "Work: Exampleshire Police - Police Constable" in profile.text
    assert "sam@example.invalid" not in profile.text
    assert profile.url == "https://www.facebook.com/sam.example.123"


def test_2021_messages(fb2021: Loaded) -> None:
    messages = fb2021.of(ItemKind.MESSAGE)
    assert all(m.audience is Audience.PRIVATE for m in messages)
    plate = fb2021.by_id["msg-jobloggs_ab12cd34ef-1617000200000"]
    assert plate.text == "Can you check a plate for me? AB12 CDE"
    assert plate.author == "Jo Bloggs" and plate.reply_to == "Sam Example"
    assert plate.created_at == utc(2021, 3, 29, 6, 43, 20)
    assert plate.extra["sent_by_owner"] is False
    photo = fb2021.by_id["msg-jobloggs_ab12cd34ef-1617000100000"]
    assert [m.path for m in photo.media] == [
        "messages/inbox/jobloggs_ab12cd34ef/photos/1.png"]
    assert photo.extra["reactions"] == ["👍"] and photo.extra["sent_by_owner"] is True
    assert fb2021.by_id["msg-jobloggs_ab12cd34ef-1616000000000"].provenance.path.endswith(
        "message_2.json")


def test_messages_are_counted_not_loaded_by_default() -> None:
    loaded = Loaded(FB2021)
    assert "message" not in loaded.counts()
    assert loaded.report.messages_skipped == 5


# --- 2018-2020 and 2024 -------------------------------------------------------------------

def test_2019_generation() -> None:
    loaded = Loaded(FB2019, include_messages=True)
    assert (loaded.source.layout, loaded.source.account) == ("facebook-2019", "Sam Example")
    assert loaded.counts() == {"profile": 1, "post": 1, "share": 1, "comment": 2,
                               "reaction": 3, "connection": 5, "message": 2}
    assert loaded.report.warnings == []
    page = loaded.by_id["page-like-Exampleton Police"]
    assert page.kind is ItemKind.REACTION and page.extra["page"] == "Exampleton Police"
    assert loaded.by_id["member-Exampleton Runners"].extra == {"direction": "member",
                                                               "group": True}
    assert loaded.by_id["msg-jobloggs_x1y2z3-1546819200000"].text == "Happy new year 🎉"


def test_2024_generation() -> None:
    loaded = Loaded(FB2024, include_messages=True)
    assert (loaded.source.layout, loaded.source.account) == ("facebook-2024", "Sam Example")
    # posts 2 + share 1, posts elsewhere 1, reel 1, group post 1; comments 2 + 1;
    # reactions 2 + 1 + 1 page like; friends 2, followers 1, following 2, page 1, groups 2.
    assert loaded.counts() == {"profile": 1, "post": 5, "share": 1, "comment": 3,
                               "reaction": 4, "connection": 8, "message": 3}
    assert loaded.report.warnings == [
        "your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json: 1 date(s) "
        "could not be read or are implausible (for example '1'); those items were loaded "
        "without a date"]
    elsewhere = loaded.by_id["post-1700300000"]
    assert elsewhere.text == "Happy birthday mate!"
    assert elsewhere.url == "https://www.facebook.com/jo.bloggs/posts/1"
    assert elsewhere.extra["on_other_profile"] is True
    checkin = loaded.by_id["post-1700100000"]
    assert checkin.extra["place"]["name"] == "Exampleton Arena"
    assert [m.path for m in loaded.by_id["post-1700000000"].media] == [
        "your_facebook_activity/posts/media/Mobileuploads_x1/2.png"]
    assert [r.extra["reaction"] for r in loaded.of(ItemKind.REACTION)] == [
        "LIKE", "ANGRY", "CARE", "LIKE"]
    assert loaded.by_id["profile"].text.startswith("Proud to serve 🚓\n")
    assert loaded.by_id["msg-jobloggs_10002-1701200000000"].text == "Moved to the encrypted chat"
    assert not any("ads_information" in i.provenance.path for i in loaded.items)


def test_ids_are_stable_across_runs() -> None:
    first, second = Loaded(FB2024, True), Loaded(FB2024, True)
    assert [i.id for i in first.items] == [i.id for i in second.items]


# --- containers: zip, top folder, unpacked twice, loose files, messages only ---------------

@pytest.mark.parametrize("shape", ["zip", "zip-top-folder", "folder-twice"])
def test_containers(tmp_path: Path, shape: str) -> None:
    if shape == "zip":
        path = zip_folder(FB2021, tmp_path / "facebook.zip")
    elif shape == "zip-top-folder":
        path = zip_folder(FB2021, tmp_path / "facebook.zip", "facebook-samexample-2021/")
    else:
        path = tmp_path / "export"
        shutil.copytree(FB2021, path / "export")
    loaded = Loaded(path, include_messages=True)
    assert loaded.source.layout == "facebook-2021"
    assert loaded.counts() == {"profile": 1, "post": 9, "share": 1, "comment": 5,
                               "reaction": 3, "connection": 6, "message": 5}
    photo = loaded.by_id["post-1614600000"].media[0].path
    assert photo is not None and photo.endswith("posts/media/TimelinePhotos_ab12/1.png")


def test_loose_renamed_files_are_recognised_by_their_keys(tmp_path: Path) -> None:
    shutil.copy(FB2021 / "comments_and_reactions" / "comments.json", tmp_path / "my_comm.json")
    shutil.copy(FB2021 / "friends_and_followers" / "friends.json", tmp_path / "pals.json")
    loaded = Loaded(tmp_path)
    assert loaded.source.layout == "facebook-files"
    assert loaded.counts() == {"comment": 4, "connection": 3}


def test_a_messenger_only_download(tmp_path: Path) -> None:
    shutil.copytree(FB2021 / "messages", tmp_path / "messages")
    loaded = Loaded(tmp_path, include_messages=True)
    assert loaded.source.platform == "facebook"
    assert loaded.counts() == {"message": 5}


def test_damaged_member_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "fb"
    shutil.copytree(FB2021, folder)
    (folder / "comments_and_reactions" / "comments.json").write_text('{"comments_v2": [',
                                                                     encoding="utf-8")
    (folder / "friends_and_followers" / "friends.json").write_text('{"friends_v2": {"a": 1}}',
                                                                   encoding="utf-8")
    loaded = Loaded(folder)
    assert loaded.counts() == {"profile": 1, "post": 9, "share": 1, "comment": 1,
                               "reaction": 3, "connection": 3}
    warnings = "\n".join(loaded.report.warnings)
    assert "comments_and_reactions/comments.json: skipped, it is not valid JSON" in warnings
    assert "friends_and_followers/friends.json: skipped, it holds none of the expected" in warnings


def test_damaged_zip_member_is_a_warning(tmp_path: Path) -> None:
    path = zip_folder(FB2024, tmp_path / "fb.zip")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("connections/friends/your_friends.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start: start + info.compress_size] = b"\xff" * info.compress_size
    path.write_bytes(bytes(data))
    loaded = Loaded(path)
    assert any(w.startswith("connections/friends/your_friends.json: skipped")
               for w in loaded.report.warnings)
    assert loaded.counts()["connection"] == 6


def test_lookalikes_are_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "your_posts_1.json").write_text("not json at all", encoding="utf-8")
    with open_view(tmp_path) as view:
        assert FacebookLoader.detect(view) is None
    with pytest.raises(UnknownFormatError):
        open_source(tmp_path)
    for other in (FIXTURES / "instagram", FIXTURES / "threads"):
        for folder in other.iterdir():
            with open_view(folder) as view:
                assert FacebookLoader.detect(view) is None, folder


# --- the real sample (Waultar-App, cut from the developers' own 2021/2022 exports) ---------

def test_waultar_sample_counts(shared: Path) -> None:
    loaded = Loaded(shared / "samples" / "facebook" / "waultar-app-tests")
    assert (loaded.source.layout, loaded.source.account) == ("facebook-2021", None)
    # your_posts_1.json: 14 entries, #1 only a link; comments_v2: 6; reactions_v2: 17.
    assert loaded.counts() == {"post": 13, "share": 1, "comment": 6, "reaction": 17}
    first = loaded.by_id["post-1354805114"]
    assert first.text == "Sne sne!"
    assert first.extra["title"] == "Malou Elmelund Landsgaard har tilføjet et nyt billede."
    assert first.created_at == utc(2012, 12, 6, 14, 45, 14)
    assert loaded.by_id["comment-1264260229"].text == "TØS"
    assert "Holbæk" in loaded.by_id["post-1325790129"].text
    assert "\u2013" in loaded.by_id["post-1325790129"].text
    assert loaded.report.warnings == []


def _sample_folders() -> list[Path]:
    """Every fixture, plus every sample in ../shared when it is there (no skip without it)."""
    folders = sorted(p for p in FB.iterdir() if p.is_dir())
    shared = shared_dir()
    samples = shared / "samples" / "facebook" if shared is not None else None
    if samples is not None and samples.is_dir():
        folders += sorted(p for p in samples.iterdir() if p.is_dir())
    return folders


@pytest.mark.parametrize("folder", _sample_folders(), ids=lambda p: p.name)
def test_every_sample_loads(folder: Path) -> None:
    loaded = Loaded(folder, include_messages=True)
    assert loaded.source.platform == "facebook"
    assert loaded.items
    assert all(i.created_at is None or i.created_at.tzinfo is UTC for i in loaded.items)
    assert len({i.id for i in loaded.items}) == len(loaded.items)
