"""The Mastodon loader: invented archives of two generations, the Data export CSVs, zips, damage.

Expected counts were worked out from the fixture files (see make_mastodon_fixtures.py and each
PROVENANCE.md) and, for the real shared sample, from its PROVENANCE.md plus a count of the raw
JSON by type, visibility and inReplyTo; never from the loader's own output.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountaudit.errors import UnknownFormatError
from accountaudit.model import Audience, Item, ItemKind
from accountaudit.sources.archive import open_view
from accountaudit.sources.base import LoadOptions, LoadReport
from accountaudit.sources.mastodon import MastodonLoader
from accountaudit.sources.mastodon_lists import snowflake_time
from accountaudit.sources.mastodon_status import (
    MastoContext,
    account_of,
    status_item,
    visibility,
)
from accountaudit.sources.registry import open_source
from conftest import FIXTURES, shared_dir, zip_folder

MASTODON = FIXTURES / "mastodon"
A2024 = MASTODON / "invented-archive-2024"
A2019 = MASTODON / "invented-archive-2019"
CSVS = MASTODON / "invented-data-export-2024"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


class Loaded:
    """Everything one load produced."""

    def __init__(self, path: Path, include_messages: bool = True) -> None:
        with open_source(path, LoadOptions(include_messages=include_messages)) as opened:
            self.items: list[Item] = list(opened.items())
            self.source = opened.source
            self.report: LoadReport = opened.report
        self.by_id = {item.id: item for item in self.items}

    def counts(self) -> dict[str, int]:
        return dict(Counter(item.kind.value for item in self.items))

    def of(self, kind: ItemKind) -> list[Item]:
        return [item for item in self.items if item.kind is kind]


def sid(when: str, seq: int = 0) -> str:
    """The Mastodon id the fixture generator gives a status posted at ``when`` (UTC)."""
    ms = int(datetime.fromisoformat(when).replace(tzinfo=UTC).timestamp() * 1000)
    return str((ms << 16) + seq)


# --- the 2024 archive ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def a2024() -> Loaded:
    return Loaded(A2024)


def test_2024_layout_account_and_counts(a2024: Loaded) -> None:
    assert a2024.source.layout == "mastodon-archive"
    assert a2024.source.account == "@pc_example@mastodon.example"
    # 15 outbox entries - 1 Like activity - 1 duplicate = 13: 8 posts (public, unlisted,
    # followers-only, poll, edited, media, bad date, link), 3 replies, 1 direct, 1 boost;
    # likes 5 entries - 1 repeat - 1 number = 3, bookmarks 2; the profile.
    assert a2024.counts() == {"profile": 1, "post": 8, "reply": 3, "message": 1, "share": 1,
                              "reaction": 5}


def test_2024_duplicate_ordered_items_and_escaped_html(a2024: Loaded) -> None:
    first = a2024.by_id[sid("2024-03-01T08:00:00")]
    assert first.text == "Lovely morning on patrol 🌞 & coffee"
    assert first.text_raw == "<p>Lovely morning on patrol 🌞 &amp; coffee</p>"
    assert first.created_at == utc(2024, 3, 1, 8, 0, 0)
    assert first.created_raw == "2024-03-01T08:00:00Z"
    assert first.url == f"https://mastodon.example/@pc_example/{sid('2024-03-01T08:00:00')}"
    assert first.author == "@pc_example@mastodon.example"
    assert first.provenance.path == "outbox.json" and first.provenance.index == 0


def test_2024_audiences(a2024: Loaded) -> None:
    unlisted = a2024.by_id[sid("2024-03-02T09:30:00")]
    assert unlisted.audience is Audience.PUBLIC and unlisted.extra["unlisted"] is True
    followers = a2024.by_id[sid("2024-03-03T20:15:00")]
    assert followers.kind is ItemKind.POST and followers.audience is Audience.FRIENDS
    direct = a2024.by_id[sid("2024-03-04T22:00:00")]
    assert direct.kind is ItemKind.MESSAGE and direct.audience is Audience.PRIVATE
    assert direct.reply_to == "@alex@other.example"
    assert direct.text == "@alex see you at 8?"


def test_2024_replies(a2024: Loaded) -> None:
    to_alex = a2024.by_id[sid("2024-03-05T12:00:00")]
    assert to_alex.kind is ItemKind.REPLY and to_alex.reply_to == "@alex@other.example"
    thread = a2024.by_id[sid("2024-03-05T12:05:00")]
    assert thread.reply_to == "@pc_example@mastodon.example"
    blog = a2024.by_id[sid("2024-03-10T10:00:00")]
    assert blog.kind is ItemKind.REPLY and blog.reply_to is None
    assert blog.extra["in_reply_to"] == "https://blog.example/objects/6f1c2e"


def test_2024_boost_poll_edit_and_content_warning(a2024: Loaded) -> None:
    boost = a2024.by_id[sid("2024-03-06T10:00:00")]
    assert boost.kind is ItemKind.SHARE and boost.text == ""
    assert boost.url == f"https://other.example/users/alex/statuses/{sid('2024-03-06T09:00:00')}"
    assert boost.extra["boosted_account"] == "@alex@other.example"
    poll = a2024.by_id[sid("2024-03-07T18:00:00")]
    assert poll.text == ("Best chippy in town?\nPoll option: Harbour Fryer\n"
                         "Poll option: Codfather")
    assert [o["votes"] for o in poll.extra["poll"]["options"]] == [5, 2]
    edited = a2024.by_id[sid("2024-03-08T21:00:00")]
    assert edited.text == "Céad míle fáilte to the new starters"
    assert edited.extra["content_warning"] == "Work chat"
    assert edited.extra["sensitive"] is True
    assert edited.extra["edited_at"] == "2024-03-08T21:10:00Z"


def test_2024_media_links_and_bad_date(a2024: Loaded) -> None:
    media = a2024.by_id[sid("2024-03-09T15:00:00")]
    assert [m.path for m in media.media] == [
        "mastodon-example/media_attachments/files/112/000/000/000/000/001/original/dog.png"]
    assert media.extra["media_alt_text"] == ["A small brown dog"]
    assert len(media.extra["media_not_in_archive"]) == 1
    link = a2024.by_id[sid("2024-03-12T10:00:00")]
    assert link.text == "Read this story <3"
    assert link.extra["links"] == ["https://news.example/story?id=1&a=2"]
    undated = a2024.by_id[sid("2024-03-11T10:00:00", 1)]
    assert undated.created_at is None and undated.created_raw == "yesterday-ish"
    assert any("yesterday-ish" in w for w in a2024.report.warnings)


def test_2024_warnings_name_the_member(a2024: Loaded) -> None:
    warnings = a2024.report.warnings
    assert any(w.startswith("outbox.json #12:") and "appears twice" in w for w in warnings)
    assert "outbox.json: skipped what is not a status or a boost: 1 Like" in warnings
    assert any(w.startswith("likes.json #3:") for w in warnings)


def test_2024_likes_and_bookmarks(a2024: Loaded) -> None:
    likes = [i for i in a2024.of(ItemKind.REACTION) if not i.extra.get("bookmark")]
    marks = [i for i in a2024.of(ItemKind.REACTION) if i.extra.get("bookmark")]
    assert len(likes) == 3 and len(marks) == 2
    alex = f"https://other.example/users/alex/statuses/{sid('2024-02-01T10:00:00')}"
    like = a2024.by_id[f"like-{alex}"]
    assert like.created_at == utc(2024, 2, 1, 10, 0, 0)  # from the status id
    assert like.extra["status_account"] == "@alex@other.example"
    assert a2024.by_id["like-https://blog.example/objects/9a8b7c"].created_at is None
    assert all(m.audience is Audience.PRIVATE for m in marks)


def test_2024_profile(a2024: Loaded) -> None:
    profile = a2024.by_id["profile"]
    assert profile.text == ("Neighbourhood officer. Views my own.\nName: PC Example 👮\n"
                            "Force: Example Constabulary\nWeb: police.example")
    assert profile.media[0].path == "avatar.png"
    assert profile.created_at == utc(2019, 3, 1)


def test_messages_only_when_asked() -> None:
    loaded = Loaded(A2024, include_messages=False)
    assert ItemKind.MESSAGE not in {i.kind for i in loaded.items}
    assert loaded.report.messages_skipped == 1
    assert len(loaded.items) == 18


# --- the 2019 archive ------------------------------------------------------------------------

def test_2019_signed_items_and_headless_csv() -> None:
    loaded = Loaded(A2019)
    assert loaded.source.layout == "mastodon-archive"
    assert loaded.source.account == "@officer_demo@social.example"
    assert loaded.counts() == {"profile": 1, "post": 2, "message": 2, "share": 1, "reply": 1,
                               "reaction": 2, "connection": 2}
    assert loaded.report.warnings == []
    first = loaded.by_id[sid("2019-05-01T07:00:00")]
    assert first.text == "First toot! Hello fediverse"
    assert first.media[0].path == "media_attachments/files/000/000/001/original/cat.png"
    group = loaded.by_id[sid("2019-05-04T07:00:00")]
    assert group.extra["recipients"] == ["@lee@elsewhere.example", "@sam@social.example"]
    reply = loaded.by_id[sid("2019-05-06T07:00:00")]
    assert reply.reply_to == "@sam@social.example"  # a local mention and a web-style address
    boost = loaded.by_id[sid("2019-05-05T07:00:00")]
    assert boost.extra["unlisted"] is True
    assert all(i.created_at is None for i in loaded.of(ItemKind.REACTION))  # old ids
    assert {i.text for i in loaded.of(ItemKind.CONNECTION)} == {
        "@sam@social.example", "@lee@elsewhere.example"}


# --- the Data export CSVs --------------------------------------------------------------------

def test_csv_export() -> None:
    loaded = Loaded(CSVS)
    assert loaded.source.layout == "mastodon-csv"
    # following: 2 accounts (blank lines and a bad row skipped); lists: 1 more account; 1 bookmark
    assert loaded.counts() == {"connection": 3, "reaction": 1}
    sam = loaded.by_id["following-@sam@mastodon.example"]
    assert sam.extra == {"direction": "following", "show_boosts": True, "notify": True,
                         "languages": ["en", "cy"], "lists": ["Police friends"]}
    assert sam.url == "https://mastodon.example/@sam"
    assert sam.provenance.line == 5
    assert loaded.by_id["following-@news@press.example"].extra["direction"] == "list member"
    warnings = loaded.report.warnings
    assert any(w.startswith("following_accounts.csv line 6:") for w in warnings)
    assert any("2 blocked in blocked_accounts.csv" in w and "1 muted" in w for w in warnings)


def test_archive_and_csvs_in_one_folder(tmp_path: Path) -> None:
    folder = tmp_path / "both"
    shutil.copytree(A2024, folder)
    for csv_file in CSVS.glob("*.csv"):
        shutil.copy(csv_file, folder)
    loaded = Loaded(folder)
    assert loaded.source.layout == "mastodon-archive"
    assert loaded.counts()["connection"] == 3
    assert loaded.counts()["reaction"] == 6


# --- containers and damage -------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "archive-20240312/"])
def test_zip(tmp_path: Path, prefix: str) -> None:
    loaded = Loaded(zip_folder(A2024, tmp_path / "export.zip", prefix))
    assert loaded.source.account == "@pc_example@mastodon.example"
    assert loaded.counts() == Loaded(A2024).counts()
    media = loaded.by_id[sid("2024-03-09T15:00:00")].media[0]
    assert media.path == prefix + (
        "mastodon-example/media_attachments/files/112/000/000/000/000/001/original/dog.png")


def test_folder_unpacked_twice(tmp_path: Path) -> None:
    shutil.copytree(A2019, tmp_path / "export" / "export")
    loaded = Loaded(tmp_path / "export")
    assert loaded.counts()["post"] == 2
    assert loaded.by_id["profile"].provenance.path == "export/actor.json"


def test_damaged_outbox_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "damaged"
    shutil.copytree(A2024, folder)
    outbox = folder / "outbox.json"
    outbox.write_bytes(outbox.read_bytes()[:5000])
    loaded = Loaded(folder)
    assert any(w.startswith("outbox.json: skipped, it is not valid JSON") for w in
               loaded.report.warnings)
    assert loaded.counts() == {"profile": 1, "reaction": 5}


def test_damaged_zip_member_is_a_warning(tmp_path: Path) -> None:
    target = zip_folder(A2024, tmp_path / "export.zip")
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo("likes.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10: start + 40] = b"\x00" * 30
    target.write_bytes(bytes(data))
    loaded = Loaded(target)
    assert any(w.startswith("likes.json: skipped, it could not be read") for w in
               loaded.report.warnings)
    assert loaded.counts()["post"] == 8
    assert loaded.counts()["reaction"] == 2  # the bookmarks


def test_real_list_first_then_empty_duplicate(tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    shutil.copytree(A2024, folder)
    outbox = folder / "outbox.json"
    text = outbox.read_text(encoding="utf-8")
    head, _, items = text.partition(',"orderedItems":[],"orderedItems":')
    outbox.write_text(head + ',"orderedItems":' + items[:-1] + ',"orderedItems":[]}',
                      encoding="utf-8")
    assert Loaded(folder).counts()["post"] == 8


def test_unrelated_json_and_csv_are_not_claimed(tmp_path: Path) -> None:
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "outbox.json").write_text('{"items": [1, 2, 3]}', encoding="utf-8")
    (folder / "following_accounts.csv").write_text("name,age\nBob,4\n", encoding="utf-8")
    (folder / "bookmarks.csv").write_text("https://news.example/a,News\n", encoding="utf-8")
    (folder / "blocked_domains.csv").write_text("ads.example\n", encoding="utf-8")
    with open_view(folder) as view:
        assert MastodonLoader.detect(view) is None
    with pytest.raises(UnknownFormatError):
        open_source(folder)


def test_shapes_from_other_activitypub_servers(tmp_path: Path) -> None:
    """An Article with a title, Link-object media, a bare "as:Public", a status by reference."""
    actor = "https://blog.example/users/writer"
    items = [
        {"type": "Create", "actor": actor, "to": "as:Public", "object": {
            "type": "Article", "id": "https://blog.example/objects/a1", "name": "My title",
            "content": "<p>Body</p>", "published": "2023-01-01T00:00:00Z",
            "attachment": {"type": "Image", "mediaType": "image/png",
                           "url": [{"type": "Link", "href": "https://blog.example/i.png"}]}}},
        {"type": "Create", "actor": actor, "object": "https://blog.example/objects/a2"},
    ]
    folder = tmp_path / "pleroma"
    folder.mkdir()
    (folder / "outbox.json").write_text(json.dumps({
        "@context": "https://www.w3.org/ns/activitystreams", "type": "OrderedCollection",
        "orderedItems": items}), encoding="utf-8")
    loaded = Loaded(folder)
    assert loaded.source.account == "@writer@blog.example"
    article = loaded.by_id["https://blog.example/objects/a1"]
    assert article.text == "My title\nBody" and article.audience is Audience.PUBLIC
    assert article.media[0].url == "https://blog.example/i.png"
    assert article.extra["object_type"] == "Article"
    assert loaded.report.warnings == [
        "outbox.json: skipped what is not a status or a boost: 1 Create without its status"]


# --- helpers ---------------------------------------------------------------------------------

_KEYS = ["type", "object", "to", "cc", "content", "contentMap", "summary", "inReplyTo", "tag",
         "href", "name", "attachment", "url", "mediaType", "oneOf", "anyOf", "replies",
         "totalItems", "published", "updated", "id"]


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30)
                    | st.sampled_from(["Create", "Announce", "Question", "Mention", PUBLIC,
                                       "<p>hi</p>", "https://h.example/users/a/statuses/9"]),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=6),
                    max_leaves=30))
def test_any_activity_shape_is_handled(activity: object) -> None:
    with open_view(A2019) as view:
        ctx = MastoContext(view, "s", LoadReport(), actor="https://h.example/users/a",
                           account="@a@h.example")
        if isinstance(activity, dict):
            status_item(activity, ctx, "outbox.json", 0)
        for kind in ("Create", "Announce"):
            status_item({"type": kind, "object": activity}, ctx, "outbox.json", 1)


def test_visibility_rules() -> None:
    followers = "https://h.example/users/a/followers"
    assert visibility({}, {"to": [PUBLIC], "cc": []}) == "public"
    assert visibility({}, {"to": followers, "cc": PUBLIC}) == "unlisted"
    assert visibility({}, {"to": [followers]}) == "private"
    assert visibility({}, {"to": ["https://h.example/users/b"]}) == "direct"
    assert visibility({"to": ["as:Public"]}, {}) == "public"


def test_account_and_snowflake_helpers() -> None:
    assert account_of("https://h.example/users/bob/statuses/1") == "@bob@h.example"
    assert account_of("https://h.example/@bob/1") == "@bob@h.example"
    assert account_of("https://h.example/objects/abc") is None
    assert snowflake_time(sid("2023-01-02T03:04:05")) == utc(2023, 1, 2, 3, 4, 5)
    assert snowflake_time("12345") is None


# --- every shared sample ---------------------------------------------------------------------

def test_real_archive_counts(shared: Path) -> None:
    """PROVENANCE: 65 kept items = 15 boosts + 50 statuses; 17 of them have inReplyTo."""
    loaded = Loaded(shared / "samples" / "mastodon" / "dealingwith-masto-archive")
    assert loaded.source.account == "@dealingwith@indieweb.social"
    assert loaded.counts() == {"profile": 1, "post": 33, "reply": 17, "share": 15,
                               "reaction": 1115}
    assert loaded.report.warnings == []
    first = loaded.by_id["109305976208011760"]
    assert first.created_at == utc(2022, 11, 8, 3, 7, 14)
    assert first.text.endswith("https://daniel.industries/2022/11/07/less-twitter-more-indieweb/")
    assert loaded.by_id["109309145334822499"].text == "@mcg 😜"


def test_every_shared_sample_loads() -> None:
    root = shared_dir()
    folders = sorted(p for p in (root / "samples" / "mastodon").iterdir() if p.is_dir()) \
        if root and (root / "samples" / "mastodon").is_dir() else []
    for folder in folders:
        loaded = Loaded(folder)
        assert loaded.source.platform == "mastodon", folder
        assert loaded.items, folder
        assert not any("stopped early" in w for w in loaded.report.warnings), folder
