"""The YouTube (Google Takeout) loader: the real Spanish WIF sample, invented English CSV and
older HTML Takeouts, an unknown language, zips, damage.

Expected counts were counted by hand from the fixture files (see each PROVENANCE.md).
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accountaudit.model import Audience, ItemKind
from accountaudit.sources.archive import open_view
from accountaudit.sources.youtube import YouTubeLoader
from accountaudit.sources.youtube_items import segments_text
from conftest import FIXTURES, Loaded, shared_dir, zip_folder

YOUTUBE = FIXTURES / "youtube"
# The WHAT-IF sample is AGPL-3.0, so it is read from ../shared and not copied into this repo.
_SHARED = shared_dir()
WIF = _SHARED / "samples" / "youtube" / "whatif-YT_public_test_file" if _SHARED else None
ENGLISH = YOUTUBE / "invented-english-csv-2025"
OLD_HTML = YOUTUBE / "invented-html-2019"
ENGLISH_ROOT = "Takeout/YouTube and YouTube Music/"
WIF_COUNTS = {"profile": 1, "post": 1, "comment": 5, "connection": 3}
ENGLISH_COUNTS = {"profile": 1, "post": 2, "comment": 4, "connection": 2}

def _wif_dir() -> Path:
    if WIF is None:
        pytest.skip("the AGPL-3.0 WHAT-IF sample is only read from ../shared (it exists in CI)")
    return WIF



def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- the real Spanish sample (what-if-horizon) ----------------------------------------------

@pytest.fixture(scope="module")
def wif() -> Loaded:
    return Loaded(_wif_dir())


def test_wif_detection_and_counts(wif: Loaded) -> None:
    assert wif.source.layout == "youtube-takeout-csv"
    assert wif.source.account == "@test1"
    assert wif.source.platform == "youtube" and wif.source.loader == "youtube@1"
    assert wif.counts() == WIF_COUNTS
    assert len(wif.by_id) == len(wif.items)
    assert wif.report.messages_skipped == 0


def test_wif_spanish_columns_and_json_text(wif: Loaded) -> None:
    first = wif.by_id["comment-1"]
    assert first.text == "blabla" and first.text_raw == '{"text":"blabla"}'
    assert first.url == "https://www.youtube.com/watch?v=XSW9gQ7yr6M&lc=1"
    assert first.provenance.cite() == "comentarios/comentarios.csv line 2"
    assert first.created_at is None and first.created_raw == "0"  # a placeholder in the sample
    second = wif.by_id["comment-1-2"]  # the sample gives both comments the id "1"
    assert second.extra["video_id"] == "TLk19HtdYkI"
    chat = wif.by_id["livechat-2"]
    assert chat.text == "bla?" and chat.extra["live_chat"] is True
    channel = wif.by_id["channel-1"]
    assert channel.kind is ItemKind.PROFILE and channel.text == "test"
    assert channel.url == "https://www.youtube.com/@test1"
    assert channel.audience is Audience.PUBLIC  # "Público"
    video = wif.by_id["video-1"]
    assert video.text == "blabla" and video.audience is Audience.UNKNOWN  # "Oculto" = unlisted
    titles = sorted(i.text for i in wif.items if i.kind is ItemKind.CONNECTION)
    assert titles == ["Apple", "Architectural Digest", "Shakira"]


def test_wif_placeholder_dates_and_repeated_ids_are_warned(wif: Loaded) -> None:
    warnings = wif.report.warnings
    assert "comentarios/comentarios.csv line 2: the date '0' could not be read" in warnings
    assert ("comentarios/comentarios.csv line 3: the id 'comment-1' was already used; this "
            "entry was loaded as 'comment-1-2'") in warnings
    assert len(warnings) == 9  # 6 unreadable dates, 3 repeated ids


# --- invented English CSV Takeout -----------------------------------------------------------

@pytest.fixture(scope="module")
def english() -> Loaded:
    return Loaded(ENGLISH)


def test_english_detection_and_counts(english: Loaded) -> None:
    assert english.source.layout == "youtube-takeout-csv"
    assert english.source.account == "@samexamplefic"
    assert english.counts() == ENGLISH_COUNTS
    assert english.report.warnings == []


def test_english_comment_segments_replies_and_posts(english: Loaded) -> None:
    match = english.by_id["comment-UgxFicA1"]
    assert match.text == "Great match today ⚽ see the report"
    assert match.extra["links"] == ["https://example.invalid/report"]
    assert match.created_at == datetime(2025, 3, 1, 18, 4, 5, 123456, tzinfo=UTC)
    assert match.created_raw == "2025-03-01T18:04:05.123456+00:00"
    assert match.author == "@samexamplefic"
    assert match.audience is Audience.PUBLIC
    reply = english.by_id["comment-UgxFicA2"]
    assert reply.text == "Replying: I'd say \"no\" to that.\nSecond line."
    assert reply.reply_to == "UgxFicA0"
    post = english.by_id["comment-UgxFicA3"]
    assert post.text == "Nice community post & photo"
    assert post.url == "https://www.youtube.com/post/UgkxPostFic01"
    chat = english.by_id["livechat-LCFic0001"]
    assert chat.text == "Merry Christmas everyone 🎄"
    assert chat.created_at == datetime(2024, 12, 24, 20, 0, 0, 500000, tzinfo=UTC)
    assert chat.provenance.cite() == ENGLISH_ROOT + "live chats/live chats.csv line 2"


def test_english_videos_channel_and_subscriptions(english: Loaded) -> None:
    ride = english.by_id["video-vidFIC00001"]
    assert ride.kind is ItemKind.POST
    assert ride.text == "Canal ride: part 1\n\nA sunny ride along the canal.\nFilmed on my phone."
    assert ride.created_at == utc(2025, 2, 1, 10, 5)  # the publish time, not the upload time
    assert ride.audience is Audience.PUBLIC
    assert [m.path for m in ride.media] == [ENGLISH_ROOT + "videos/Canal ride_ part 1.mp4"]
    private = english.by_id["video-vidFIC00002"]
    assert private.audience is Audience.PRIVATE and private.media == ()
    assert private.created_at == utc(2025, 2, 2, 9)  # no publish time: the upload time
    channel = english.by_id["channel-UCfictional000000000001"]
    assert channel.text == "Sam Example Fictional\nCycling, baking and the odd football clip."
    assert channel.extra["country"] == "GB"
    club = english.by_id["subscription-UCfictionalclub00000001"]
    assert club.kind is ItemKind.CONNECTION and club.extra["direction"] == "following"
    assert club.text == "Exampletown FC (fictional)"


# --- invented older HTML Takeout ------------------------------------------------------------

def test_old_html_comment_pages() -> None:
    old = Loaded(OLD_HTML)
    assert old.source.layout == "youtube-takeout-html"
    assert old.counts() == {"comment": 3}
    assert old.report.warnings == [
        ENGLISH_ROOT + "my-comments/my-comments.html #2: skipped, the entry has no comment text"]
    first = old.by_id["comment-UgzOldFic01"]
    assert first.text == "Brilliant work by the team 👏"
    assert first.created_at == utc(2019, 5, 6, 19, 32, 44)
    assert first.url == "https://www.youtube.com/watch?v=vidFICold01&lc=UgzOldFic01"
    assert first.extra["video_title"] == "Road safety week (fictional)"
    older = old.by_id["comment-UgzOldFic02"]
    assert older.text == "Mine came out lopsided\nbut tasty!"
    assert older.created_at == utc(2016, 6, 15, 8, 50, 49)
    chat = old.by_id["livechat-html-0"]
    assert chat.text == "Hello from Exampletown!" and chat.extra["live_chat"] is True


# --- a language the tables do not know ------------------------------------------------------

def test_unknown_language_comments_are_found_by_content(tmp_path: Path) -> None:
    folder = tmp_path / "Takeout" / "YouTube und YouTube Music" / "Kommentare"
    folder.mkdir(parents=True)
    (folder / "Kommentare.csv").write_text(
        "Kommentar-ID,Kanal-ID,Zeitstempel,Preis,Video-ID,Kommentartext\n"
        'K1,UC1,2025-04-01T09:00:00+00:00,0,vidDE1,"{""text"":""Guten Morgen""}"\n',
        encoding="utf-8")
    loaded = Loaded(tmp_path)
    assert loaded.source.layout == "youtube-takeout-csv"
    (comment,) = loaded.items
    assert comment.text == "Guten Morgen" and comment.created_at == utc(2025, 4, 1, 9)
    assert comment.extra["columns_guessed"] is True
    assert any("its column names are not known" in w for w in loaded.report.warnings)


@pytest.mark.parametrize(("raw", "text", "links"), [
    ('{"takeoutSegments":[{"text":"a"},{"text":"b"}]}', "ab", []),
    ('{"text":"x "},{"text":"y","link":{"linkUrl":"https://e.invalid"}}', "x y",
     ["https://e.invalid"]),
    ('{"text":"two\nlines"}', "two\nlines", []),  # raw new line inside the JSON string
    ("plain words", "plain words", []),
])
def test_segments_text(raw: str, text: str, links: list[str]) -> None:
    assert segments_text(raw) == (text, links, True)


def test_unreadable_segments_are_kept_and_warned(tmp_path: Path) -> None:
    folder = tmp_path / "comments"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "Comment ID,Channel ID,Comment Create Timestamp,Price,Parent Comment ID,Video ID,"
        'Comment Text\nc1,UC1,2025-01-01T00:00:00Z,0,,v1,"{""text"":""broken"\n',
        encoding="utf-8")
    loaded = Loaded(tmp_path)
    assert loaded.by_id["comment-c1"].text == '{"text":"broken'
    assert loaded.report.warnings == [
        "comments/comments.csv line 2: the comment text is not readable JSON; it was kept as it is"]


# --- packaging and look-alikes --------------------------------------------------------------

@pytest.mark.parametrize("how", ["zip", "zip-top-folder", "folder-twice"])
def test_same_items_however_packed(tmp_path: Path, english: Loaded, how: str) -> None:
    if how == "zip":
        path = zip_folder(ENGLISH, tmp_path / "takeout-20250401T000000Z-001.zip")
    elif how == "zip-top-folder":
        path = zip_folder(ENGLISH, tmp_path / "takeout.zip", prefix="takeout-2025/")
    else:
        path = tmp_path / "export"
        shutil.copytree(ENGLISH, path / "export")
    packed = Loaded(path)
    assert packed.source.layout == "youtube-takeout-csv"
    assert packed.counts() == ENGLISH_COUNTS
    assert [i.id for i in packed.items] == [i.id for i in english.items]


def test_wif_sample_as_its_original_zip(tmp_path: Path, wif: Loaded) -> None:
    packed = Loaded(zip_folder(_wif_dir(), tmp_path / "YT_public_test_file.zip"))
    assert packed.counts() == WIF_COUNTS
    assert [i.id for i in packed.items] == [i.id for i in wif.items]


def test_look_alike_files_are_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "comments").mkdir()
    (tmp_path / "comments" / "comments.csv").write_text("id,body\n1,hello\n", encoding="utf-8")
    (tmp_path / "youtube-dl").mkdir()
    (tmp_path / "youtube-dl" / "list.csv").write_text("url,title\n", encoding="utf-8")
    with open_view(tmp_path) as view:
        assert YouTubeLoader.detect(view) is None


def test_corrupt_zip_member_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "takeout.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(ENGLISH.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(ENGLISH).as_posix())
    raw = bytearray(path.read_bytes())
    start = raw.index(b"Sample Bakes")
    raw[start:start + 6] = b"Xample"  # same length, wrong CRC-32
    path.write_bytes(bytes(raw))
    loaded = Loaded(path)
    assert any(w.startswith(ENGLISH_ROOT + "subscriptions/subscriptions.csv: skipped")
               for w in loaded.report.warnings)
    assert loaded.counts() == {"profile": 1, "post": 2, "comment": 4}


# --- every shared YouTube sample loads ------------------------------------------------------

def _shared_youtube() -> list[Path]:
    base = shared_dir()
    folder = base / "samples" / "youtube" if base else None
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder and folder.is_dir() else []


@pytest.mark.parametrize("sample", _shared_youtube(), ids=lambda p: p.name)
def test_every_shared_sample_loads(sample: Path) -> None:
    loaded = Loaded(sample, include_messages=True)
    assert loaded.source.platform == "youtube"
    assert len(loaded.items) > 0
    assert len(loaded.by_id) == len(loaded.items)


def test_a_malformed_link_does_not_stop_the_source(tmp_path: Path) -> None:
    """Fuzzing found ``http://[www.youtube.com/...`` (urlsplit raises ValueError)."""
    import shutil

    copy = tmp_path / "takeout"
    shutil.copytree(OLD_HTML, copy)
    page = next(copy.rglob("my-comments.html"))
    page.write_text(page.read_text(encoding="utf-8").replace("http://", "http://[", 1),
                    encoding="utf-8")
    broken = Loaded(copy)
    assert broken.counts() == Loaded(OLD_HTML).counts()
    assert not any("stopped early" in w for w in broken.report.warnings)
