"""The X archive loader over every generation: real samples, invented fixtures, zips, damage.

Expected counts were worked out from the fixture files themselves (see each PROVENANCE.md),
not from the loader's output.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountaudit.errors import UnknownFormatError
from accountaudit.model import Audience, ItemKind
from accountaudit.sources.archive import open_view
from accountaudit.sources.jswrap import JsWrapError, parse_js
from accountaudit.sources.registry import open_source
from accountaudit.sources.x import XArchiveLoader
from accountaudit.sources.x_tweet import parse_x_time, snowflake_time
from conftest import EXAMPLES, FIXTURES, Loaded, shared_dir, zip_folder

TWITTER = FIXTURES / "twitter"
MILAHU = TWITTER / "milahu-twitter-milahu104"
DOGSHEEP = TWITTER / "dogsheep-twitter-to-sqlite"
GLENN = TWITTER / "glennjones-twitter-archive-extractor-legacy2013"
ROOT_2019 = TWITTER / "invented-gdpr-root-2019"
TWEET_2021 = TWITTER / "invented-data-tweet-2021"
PARTS_2024 = TWITTER / "invented-data-tweets-parts-2024"
CSV_2015 = TWITTER / "invented-grailbird-csv-2015"
EXAMPLE_ZIP = EXAMPLES / "officer-x-archive.zip"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- the real current archive (milahu, 2026) ------------------------------------------------

@pytest.fixture(scope="module")
def milahu() -> Loaded:
    return Loaded(MILAHU)


def test_milahu_detection_and_counts(milahu: Loaded) -> None:
    assert milahu.source.layout == "x-data-tweets"
    assert milahu.source.account == "@milahu104"
    assert milahu.source.loader == "x@1"
    # tweets.js 65 = 35 replies + 17 "RT @" + 13 posts; deleted-tweets.js 40 = 36 + 4 + 0
    assert milahu.counts() == {"profile": 1, "post": 13, "reply": 71, "share": 21,
                               "reaction": 300, "connection": 228}
    directions = Counter(i.extra["direction"] for i in milahu.of(ItemKind.CONNECTION))
    assert directions == {"follower": 61, "following": 167}
    assert len(milahu.by_id) == len(milahu.items)
    assert milahu.report.total == len(milahu.items)


def test_milahu_reports_files_the_manifest_lists_but_the_trimmed_copy_lacks(
        milahu: Loaded) -> None:
    warnings = milahu.report.warnings
    assert any(w.startswith("data/manifest.js: lists data/account.js") for w in warnings)
    assert not any("direct-messages" in w for w in warnings)  # messages not asked for
    assert milahu.report.messages_skipped == 0


def test_milahu_tweet_text_time_and_links(milahu: Loaded) -> None:
    first = milahu.by_id["2029905358261502168"]
    assert first.kind is ItemKind.REPLY
    assert first.text_raw == "@SamaHoole https://t.co/2UHqruPk7w"
    assert first.text == "@SamaHoole https://x.com/milahu104/status/2027739112069878026"
    assert first.created_at == utc(2026, 3, 6, 13, 2, 5)
    assert first.created_raw == "Fri Mar 06 13:02:05 +0000 2026"
    assert first.url == "https://x.com/milahu104/status/2029905358261502168"
    assert first.author == "@milahu104"
    assert first.audience is Audience.PUBLIC
    assert first.provenance.path == "data/tweets.js" and first.provenance.index == 0

    escaped = milahu.by_id["2029612798058148140"]
    assert escaped.text.startswith("@KimDotcom > X is censored\n\n")
    assert escaped.text_raw is not None and "&gt;" in escaped.text_raw

    reply = milahu.by_id["2029903943413772741"]
    assert reply.reply_to == "@SamaHoole"
    assert reply.extra["mentions"] == ["SamaHoole"]
    assert reply.extra["lang"] == "en"


def test_milahu_retweet_is_a_share_with_its_media_link_expanded(milahu: Loaded) -> None:
    share = milahu.by_id["2029604193200152772"]
    assert share.kind is ItemKind.SHARE
    assert share.extra["retweet_of"] == "@StephanRPalm"
    assert share.text == ("RT @StephanRPalm: @CDU Das hier ist der Grund für die schwindende "
                          "Akzeptanz. https://x.com/StephanRPalm/status/2029498595309715652/"
                          "photo/1")
    assert share.reply_to is None


def test_milahu_media_without_shipped_files(milahu: Loaded) -> None:
    gif = milahu.by_id["2011883284482207917"]
    assert [(m.kind, m.url, m.path) for m in gif.media] == [
        ("video", "https://pbs.twimg.com/tweet_video_thumb/G-ulHZgW0AE_yfP.jpg", None)]
    photo = milahu.by_id["2029903943413772741"]
    assert [m.kind for m in photo.media] == ["image"]


def test_milahu_likes_are_dated_from_their_ids(milahu: Loaded) -> None:
    like = milahu.by_id["like-2029894586810667242"]
    assert like.kind is ItemKind.REACTION
    assert like.text == "@SamaHoole #oxalate #kidneystones \nhttps://t.co/al9UuLawYv"
    assert like.url == "https://twitter.com/i/web/status/2029894586810667242"
    assert like.created_at == datetime(2026, 3, 6, 12, 19, 17, 770000, tzinfo=UTC)
    assert like.created_raw is None
    assert like.extra["date_from"] == "snowflake"
    assert like.provenance.index == 0
    assert milahu.by_id["like-2021235593674358896"].text == ""  # no fullText (index 100)


def test_milahu_deleted_tweets_are_kept_and_marked(milahu: Loaded) -> None:
    deleted = milahu.by_id["2029583929812873669"]
    assert deleted.kind is ItemKind.REPLY
    assert deleted.extra["deleted_at"] == "Thu Mar 05 16:08:05 +0000 2026"
    assert deleted.provenance.path == "data/deleted-tweets.js"
    assert sum("deleted_at" in i.extra for i in milahu.items) == 40


def test_milahu_connections_named_from_mentions_where_possible(milahu: Loaded) -> None:
    following = milahu.by_id["following-975200486"]
    assert following.author == "@RepThomasMassie" and following.text == "@RepThomasMassie"
    assert following.extra["account_id"] == "975200486"
    named = Counter(i.extra["direction"] for i in milahu.of(ItemKind.CONNECTION) if i.author)
    assert named == {"following": 17}
    follower = milahu.by_id["follower-2027445139539693568"]
    assert follower.author is None and follower.text == ""
    assert follower.url == "https://twitter.com/intent/user?user_id=2027445139539693568"


def test_milahu_profile(milahu: Loaded) -> None:
    profile = milahu.by_id["profile"]
    assert profile.kind is ItemKind.PROFILE
    assert profile.text.startswith("shadowbanned → https://t.co/dzymudWRGp\n")
    assert "Location: Munich, Germany" in profile.text
    assert profile.extra["display_name"] == "Milan Hauth"  # from manifest.js userInfo
    assert profile.extra["account_id"] == "1964312974236991488"


# --- the real 2019 root-level and 2013 Grailbird samples --------------------------------------

def test_dogsheep_root_level_archive_in_a_subfolder() -> None:
    loaded = Loaded(DOGSHEEP)
    assert loaded.source.layout == "x-gdpr-root"
    assert loaded.source.account == "@simonw"
    assert loaded.counts() == {"profile": 1, "connection": 4}
    assert loaded.by_id["profile"].provenance.path == "zip_contents/account.js"
    assert loaded.by_id["profile"].created_at == utc(2006, 11, 15, 13, 18, 50)
    follower = loaded.by_id["follower-386025404"]
    assert dict(follower.extra) == {"direction": "follower", "account_id": "386025404"}
    assert {"following-547842573", "following-12158", "follower-73747798"} <= set(loaded.by_id)
    assert loaded.report.warnings == []


def test_glennjones_grailbird_with_trailing_comma() -> None:
    loaded = Loaded(GLENN)
    assert loaded.source.layout == "x-grailbird"
    assert loaded.source.account == "@glennjones"
    assert loaded.counts() == {"profile": 1, "post": 1}
    tweet = loaded.by_id["406054311244746752"]
    assert tweet.text == "This is a test tweet in a test archieve file"
    assert tweet.created_at == utc(2013, 11, 28, 13, 37, 46)
    assert tweet.created_raw == "2013-11-28 13:37:46 +0000"
    assert tweet.url == "https://x.com/glennjones/status/406054311244746752"
    assert tweet.provenance.path == "data/js/tweets/2013_11.js"
    profile = loaded.by_id["profile"]
    assert profile.text.startswith("Exploring semantic mark-up")
    assert "Website: http://glennjones.net/" in profile.text
    assert loaded.report.warnings == [
        "data/js/tweet_index.js: lists 75 monthly tweet files (1995 tweets) that are not in "
        "the archive; those tweets could not be loaded"]


# --- invented fixtures for the generations without a real sample -----------------------------

def test_invented_root_level_2019_archive() -> None:
    loaded = Loaded(ROOT_2019, include_messages=True)
    assert loaded.source.layout == "x-gdpr-root"
    assert loaded.source.account == "@pc_example"
    assert loaded.counts() == {"profile": 1, "post": 3, "reply": 1, "share": 1,
                               "reaction": 2, "connection": 5, "message": 2}
    post = loaded.by_id["1101776658232246272"]
    assert post.text.endswith("Come and say hello & bring your questions!")
    photo = loaded.by_id["1098190528312246272"]
    assert [(m.path, m.kind) for m in photo.media] == [
        ("tweet_media/1098190528312246272-D1exampleAAA.jpg", "image")]
    assert loaded.by_id["1084874032542646272"].text == (
        "Road safety advice for the winter: https://example.org/winter-driving #DriveSafe")
    assert loaded.by_id["1084874032542646272"].extra["hashtags"] == ["DriveSafe"]
    assert loaded.by_id["like-1077292828062646272"].text == ""
    assert loaded.by_id["following-2000000002"].author == "@exampleton_cafe"
    sent = loaded.by_id["dm-1100000000000000001"]
    assert (sent.author, sent.reply_to, sent.audience) == (
        "@pc_example", "@exampleton_cafe", Audience.PRIVATE)
    assert sent.provenance.path == "direct-message.js"
    assert sent.created_at == utc(2019, 2, 27, 9, 0)
    assert loaded.report.warnings == []


def test_invented_data_tweet_2021_archive_with_problems() -> None:
    loaded = Loaded(TWEET_2021)
    assert loaded.source.layout == "x-data-tweet"
    assert loaded.source.account == "@pc_example21"
    assert loaded.counts() == {"profile": 1, "post": 3, "reply": 1, "connection": 2}
    proud = loaded.by_id["1389268515025846272"]
    assert (proud.text, proud.text_raw) == ("Proud of the team today <3",
                                            "Proud of the team today &lt;3")
    bogus = loaded.by_id["1300000000000000001"]
    assert bogus.created_at is None
    assert bogus.created_raw == "Wed Jan 01 00:00:00 +0000 2003"
    lamb = loaded.by_id["1381200351851446272"]
    assert lamb.media[0].path == "data/tweet_media/1381200351851446272-E0lambKeyAB.png"
    reply = loaded.by_id["1388376386565046272"]
    assert reply.reply_to == "@farmer_example" and "in_reply_to_status_id" not in reply.extra
    assert loaded.report.warnings == [
        "data/tweet.js #2: the date 'Wed Jan 01 00:00:00 +0000 2003' is before X existed; "
        "it was left blank",
        "data/tweet.js #3: skipped, the tweet has no id",
        "data/tweet.js #5: tweet 1389268515025846272 appears twice; the second copy was skipped",
    ]
    assert loaded.report.messages_skipped == 0  # direct-messages.js is written "[ ]"


def test_invented_parts_archive_without_messages() -> None:
    loaded = Loaded(PARTS_2024)
    assert loaded.source.layout == "x-data-tweets"
    assert loaded.counts() == {"profile": 1, "post": 4, "reply": 1, "share": 1,
                               "reaction": 2, "connection": 3}
    assert loaded.report.messages_skipped == 5
    assert loaded.report.warnings == []
    paths = [i.provenance.path for i in loaded.items if i.kind is not ItemKind.PROFILE][:5]
    assert paths == ["data/tweets-part1.js"] * 2 + ["data/tweets-part2.js"] * 3


def test_invented_parts_archive_details() -> None:
    loaded = Loaded(PARTS_2024, include_messages=True)
    assert loaded.counts()["message"] == 5
    first, second = loaded.by_id["1766018516382646272"], loaded.by_id["1766019523015606272"]
    assert first.extra["edit_versions"] == second.extra["edit_versions"] == [first.id, second.id]
    video = loaded.by_id["1766463951467446272"]
    assert [(m.kind, m.path) for m in video.media] == [
        ("video", "data/tweets_media/1766463951467446272-VidFileKey01.mp4")]
    kept = loaded.by_id["1753142422533046272"]  # also in deleted-tweets.js: the kept copy wins
    assert kept.provenance.path == "data/tweets-part2.js" and "deleted_at" not in kept.extra
    assert kept.text.endswith("the slides are here https://example.org/slides")
    assert loaded.by_id["1766947135288246272"].extra["deleted_at"] == (
        "Sun Mar 10 22:05:00 +0000 2024")
    assert loaded.by_id["follower-2000000002"].author == "@exampleton_cafe"
    sent = loaded.by_id["dm-1760000000000000003"]
    assert sent.text == "Slides from this morning: https://example.org/slides"
    assert (sent.author, sent.reply_to) == ("@pc_example24", "@exampleton_cafe")
    received = loaded.by_id["dm-1760000000000000001"]
    assert (received.author, received.reply_to) == ("3000000024", "3000000024")
    group = loaded.by_id["dm-1760000000000000102"]
    assert group.extra["group"] is True and group.reply_to == "group 1760000000000000100"
    assert all(m.audience is Audience.PRIVATE for m in loaded.of(ItemKind.MESSAGE))


def test_invented_csv_only_grailbird_archive() -> None:
    loaded = Loaded(CSV_2015)
    assert loaded.source.layout == "x-grailbird"
    assert loaded.source.account is None
    assert loaded.counts() == {"post": 2, "reply": 1, "share": 1}
    reply = loaded.by_id["605000000000000002"]
    assert reply.text == "@exampleton_news Yes, the road is now open again & traffic is moving"
    assert reply.reply_to == "@exampleton_news"
    assert reply.created_at == utc(2015, 5, 31, 13, 37, 46)
    assert reply.url == "https://x.com/i/web/status/605000000000000002"
    assert reply.author is None
    assert loaded.by_id["604000000000000003"].kind is ItemKind.SHARE
    two = loaded.by_id["603000000000000004"]
    assert two.text == ("Two links today:\nhttps://example.org/one and https://example.org/two,"
                        ' both "worth" a read')
    assert two.provenance.path == "tweets.csv" and two.provenance.index == 3
    assert loaded.report.warnings == ["tweets.csv #4: skipped, the row has no tweet_id"]


def test_grailbird_prefers_js_over_csv_and_fills_gaps(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(GLENN / "data", folder / "data")
    header = (CSV_2015 / "tweets.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "tweets.csv").write_text(
        header + '\n"406054311244746752","","","2013-11-28 13:37:46 +0000","","CSV copy",'
        '"","","",""\n"400000000000000001","","","2013-11-12 08:00:00 +0000","","Only in '
        'the CSV","","","",""\n', encoding="utf-8")
    loaded = Loaded(folder)
    assert loaded.counts() == {"profile": 1, "post": 2}
    assert loaded.by_id["406054311244746752"].text.startswith("This is a test tweet")
    assert loaded.by_id["400000000000000001"].provenance.path == "tweets.csv"


# --- zips, nested folders, partial and damaged archives --------------------------------------

def _ids(loaded: Loaded) -> set[str]:
    return set(loaded.by_id)


@pytest.mark.parametrize("prefix", ["", "twitter-2024-03-11-abc/"])
def test_zip_and_zip_with_top_folder(tmp_path: Path, prefix: str) -> None:
    archive = zip_folder(PARTS_2024, tmp_path / "export.zip", prefix)
    loaded, folder = Loaded(archive, include_messages=True), Loaded(PARTS_2024, True)
    assert loaded.source.layout == "x-data-tweets"
    assert loaded.source.account == "@pc_example24"
    assert loaded.counts() == folder.counts()
    assert _ids(loaded) == _ids(folder)
    video = loaded.by_id["1766463951467446272"]
    assert video.media[0].path == prefix + "data/tweets_media/1766463951467446272-VidFileKey01.mp4"
    assert video.provenance.path == prefix + "data/tweets-part1.js"


def test_folder_unpacked_twice(tmp_path: Path) -> None:
    shutil.copytree(ROOT_2019, tmp_path / "export" / "export")
    loaded = Loaded(tmp_path / "export")
    assert loaded.source.layout == "x-gdpr-root"
    assert loaded.by_id["profile"].provenance.path == "export/profile.js"
    assert _ids(loaded) == _ids(Loaded(ROOT_2019))


def test_zip_of_a_grailbird_folder(tmp_path: Path) -> None:
    loaded = Loaded(zip_folder(GLENN, tmp_path / "old.zip", "tweets/"))
    assert loaded.source.layout == "x-grailbird"
    assert loaded.counts() == {"profile": 1, "post": 1}


def test_partial_archive_with_data_folder_only(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    for name in ("like.js", "follower.js"):
        shutil.copy(PARTS_2024 / "data" / name, tmp_path / "data" / name)
    loaded = Loaded(tmp_path)
    assert loaded.source.layout == "x-data-tweets"
    assert loaded.source.account is None
    assert loaded.counts() == {"reaction": 2, "connection": 2}


def test_corrupt_member_in_a_zip_is_a_warning(tmp_path: Path) -> None:
    archive = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        for path in sorted(PARTS_2024.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(PARTS_2024).as_posix())
    raw = bytearray(archive.read_bytes())
    marker = raw.index(b"window.YTD.tweets.part2 = [")
    raw[marker + 40: marker + 48] = b"XXXXXXXX"  # the stored CRC no longer matches
    archive.write_bytes(bytes(raw))
    loaded = Loaded(archive)
    assert [w for w in loaded.report.warnings if w.startswith("data/tweets-part2.js: skipped")]
    # part2's reply survives through its copy in deleted-tweets.js
    assert loaded.counts() == {"profile": 1, "post": 3, "reply": 1, "reaction": 2,
                               "connection": 3}
    assert "deleted_at" in loaded.by_id["1753142422533046272"].extra


def test_member_that_is_not_json_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(PARTS_2024, folder)
    (folder / "data" / "tweets-part1.js").write_text("window.YTD.tweets.part1 = [ {oops",
                                                     encoding="utf-8")
    loaded = Loaded(folder)
    warning = next(w for w in loaded.report.warnings if "tweets-part1.js" in w)
    assert warning.startswith("data/tweets-part1.js: skipped, it is not valid JSON (")
    assert loaded.counts() == {"profile": 1, "post": 2, "reply": 1, "share": 1,
                               "reaction": 2, "connection": 3}


def test_odd_entries_become_warnings_and_numeric_ids_stay_exact(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tweets.js").write_text(
        'window.YTD.tweets.part0 = [ 42, {"tweet": {"id": 1500000000000000001, '
        '"full_text": "numeric id", "created_at": "Sat Mar 05 10:00:00 +0000 2022"}} ]',
        encoding="utf-8")
    (data / "like.js").write_text('window.YTD.like.part0 = [ {"like": {"fullText": "x"}} ]',
                                  encoding="utf-8")
    loaded = Loaded(tmp_path)
    assert list(loaded.by_id) == ["1500000000000000001"]
    assert loaded.report.warnings == ["data/tweets.js #0: skipped, not a tweet object",
                                      "data/like.js #0: skipped, the like has no tweetId"]


def test_lookalike_files_are_not_an_x_archive(tmp_path: Path) -> None:
    (tmp_path / "profile.js").write_text("export const profile = {name: 'x'};\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "account.js").write_text("module.exports = [];\n")
    with open_view(tmp_path) as view:
        assert XArchiveLoader.detect(view) is None
    with pytest.raises(UnknownFormatError):
        open_source(tmp_path)


_KEYS = ("id", "id_str", "full_text", "text", "created_at", "entities", "extended_entities",
         "user_mentions", "urls", "media", "hashtags", "url", "expanded_url", "screen_name",
         "in_reply_to_status_id_str", "in_reply_to_user_id", "in_reply_to_screen_name",
         "retweeted_status", "user", "edit_info", "initial", "editTweetIds", "source", "lang",
         "media_url_https", "type", "video_info", "variants", "tweetId", "fullText",
         "expandedUrl", "accountId", "userLink", "dmConversation", "conversationId",
         "messages", "messageCreate", "senderId", "recipientId", "createdAt", "deleted_at")
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["Fri Mar 06 13:02:05 +0000 2026", "2013-11-28 13:37:46 +0000",
                       "https://t.co/x", "1500000000000000001", "RT @a: b"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=3), inner, max_size=6),
    max_leaves=25)
_ENTRIES = st.lists(_JSON | st.dictionaries(st.sampled_from(_KEYS), _JSON, max_size=8)
                    | st.builds(lambda k, v: {k: v}, st.sampled_from(
                        ["tweet", "like", "follower", "dmConversation"]),
                        st.dictionaries(st.sampled_from(_KEYS), _JSON, max_size=8)),
                    max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: _ENTRIES for name in (
    "tweets", "deleted-tweets", "like", "follower", "direct-messages", "profile", "account")}))
def test_any_json_shape_loads_without_a_traceback(files: dict[str, list[object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        for name, entries in files.items():
            glob = name.replace("-", "_")
            (data / f"{name}.js").write_text(f"window.YTD.{glob}.part0 = {json.dumps(entries)}",
                                             encoding="utf-8")
        loaded = Loaded(Path(tmp), include_messages=True)
    assert len(loaded.by_id) == len(loaded.items)


# --- parsing helpers -----------------------------------------------------------------------

def test_parse_js_variants() -> None:
    assert parse_js("window.YTD.like.part0 = [ ]") == []
    assert parse_js('window.YTD.a.part0 = [ {"a" : 1} ];\n') == [{"a": 1}]
    assert parse_js('Grailbird.data.tweets_2013_11 = \n[ {"a" : 1}, ]') == [{"a": 1}]
    assert parse_js('window.__THAR_CONFIG = {"x" : [1]}') == {"x": [1]}
    assert parse_js('\ufeff[{"bare": true}]') == [{"bare": True}]
    with pytest.raises(JsWrapError):
        parse_js("window.YTD.a.part0 = [ {")
    with pytest.raises(JsWrapError):
        parse_js("no data here")
    with pytest.raises(JsWrapError, match="unexpected text after the data"):
        parse_js("window.YTD.a.part0 = [ ] trailing()")


def test_timestamps_parse_without_the_locale() -> None:
    assert parse_x_time("Wed Oct 10 20:19:24 +0000 2018") == utc(2018, 10, 10, 20, 19, 24)
    assert parse_x_time("Mon Jan 01 01:30:00 +0130 2024") == utc(2024, 1, 1, 0, 0, 0)
    assert parse_x_time("2013-11-28 13:37:46 +0000") == utc(2013, 11, 28, 13, 37, 46)
    assert parse_x_time("2019-02-27T09:00:00.000Z") == utc(2019, 2, 27, 9, 0, 0)
    assert parse_x_time("Wed Foo 10 20:19:24 +0000 2018") is None
    assert parse_x_time("Wed Feb 30 20:19:24 +0000 2018") is None
    assert snowflake_time("20") is None  # a pre-2010 sequential id carries no date


# --- every sample, including ones added to ../shared later ----------------------------------

def _sample_folders() -> list[Path]:
    """Every fixture, plus every sample in ../shared when it is there (no skip without it)."""
    folders = sorted(p for p in TWITTER.iterdir() if p.is_dir())
    shared = shared_dir()
    samples = shared / "samples" / "twitter" if shared is not None else None
    if samples is not None and samples.is_dir():
        folders += sorted(p for p in samples.iterdir() if p.is_dir())
    return folders


@pytest.mark.parametrize("folder", _sample_folders(),
                         ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_sample_loads(folder: Path) -> None:
    loaded = Loaded(folder, include_messages=True)
    assert loaded.source.platform == "x"
    assert loaded.items
    assert all(i.created_at is None or i.created_at.tzinfo is UTC for i in loaded.items)


# --- the bundled example archive -----------------------------------------------------------

def _example_script() -> ModuleType:
    path = EXAMPLES / "make_example_archive.py"
    spec = importlib.util.spec_from_file_location("make_example_archive", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _members(path: Path) -> list[tuple[str, tuple[int, ...], bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, i.date_time, archive.read(i)) for i in archive.infolist()]


def test_example_archive_is_reproducible(tmp_path: Path) -> None:
    script = _example_script()
    first = script.build(tmp_path / "a.zip").read_bytes()
    second = script.build(tmp_path / "b.zip").read_bytes()
    assert first == second
    fresh = _members(tmp_path / "a.zip")
    assert [name for name, _, _ in fresh] == sorted(name for name, _, _ in fresh)
    assert _members(EXAMPLE_ZIP) == fresh
    assert EXAMPLE_ZIP.read_bytes() == first  # the committed zip is exactly what the script makes


def test_example_archive_loads() -> None:
    loaded = Loaded(EXAMPLE_ZIP, include_messages=True)
    assert loaded.source.layout == "x-data-tweets"
    assert loaded.source.account == "@pc_sam_example"
    assert loaded.counts() == {"profile": 1, "post": 33, "reply": 6, "share": 1,
                               "reaction": 5, "connection": 14, "message": 3}
    assert loaded.report.warnings == []
    assert "collar 4321" in loaded.by_id["profile"].text
    texts = [i.text for i in loaded.items]
    for needle in ("07911 123456", "EX4 7QT", "AB12 CDE", "#copsoffduty", "What a scumbag",
                   "muppet of a driver", "call 101", "Smashed my PB", "residents in EX1",
                   "Fish & chips", "https://www.bikeregister.com/"):
        assert sum(needle in t for t in texts) == 1, needle
    formula = [t for t in texts if t.startswith("=")]
    assert formula == ["=SUM(A1:A9) is all my overtime adds up to"]
    years = {i.created_at.year for i in loaded.items
             if i.kind in (ItemKind.POST, ItemKind.REPLY, ItemKind.SHARE) and i.created_at}
    assert years == {2021, 2022, 2023, 2024, 2025}
    assert any(m.path for i in loaded.items for m in i.media)
