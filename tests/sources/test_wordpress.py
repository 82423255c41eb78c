"""The WordPress (WXR) loaders: real importer fixtures, invented WordPress.com exports, damage.

Expected counts and texts were read off the fixture files by hand (each ``<item>``, its
``wp:post_type``/``wp:status`` and each ``<wp:comment>``'s ``wp:comment_approved``), not taken
from the loader's output.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accountaudit.errors import AccountAuditError, InputError, UnknownFormatError
from accountaudit.model import Audience, Item, ItemKind
from accountaudit.sources.base import LoadOptions, LoadReport
from accountaudit.sources.registry import open_source
from accountaudit.sources.text import html_to_text as html_text
from accountaudit.sources.wordpress import blog_account, head_text, wxr_version
from conftest import FIXTURES, shared_dir

WP = FIXTURES / "wordpress"
IMPORTER = WP / "wordpress-importer-phpunit"
BEAT = WP / "invented-wordpresscom-2012"
BEAT_XML = BEAT / "examplebeat.wordpress.2012-05-14.xml"
HARBOUR = WP / "invented-wordpresscom-2024-split"
ATOM_WARNING = ("uses the XML prefix(es) atom without declaring them (a known fault of older "
                "WordPress.com exports); they were declared so the file could be read")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


class Loaded:
    """One load's items, report and source, with lookups."""

    def __init__(self, path: Path, include_messages: bool = False) -> None:
        with open_source(path, LoadOptions(include_messages=include_messages)) as opened:
            self.items: list[Item] = list(opened.items())
            self.source = opened.source
            self.report: LoadReport = opened.report
        self.by_id = {item.id: item for item in self.items}

    def counts(self) -> dict[str, int]:
        return dict(Counter(item.kind.value for item in self.items))


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


# --- the WordPress importer's own test files (real exports) ----------------------------------

def test_wxr_1_1_post_page_and_comment() -> None:
    loaded = Loaded(IMPORTER / "valid-wxr-1.1.xml")
    assert loaded.source.platform == "blog"
    assert loaded.source.layout == "wordpress-wxr-1.1"
    assert loaded.source.loader == "wordpress-file@1"
    assert loaded.source.account == "Export Datasets (http://localhost/)"
    assert loaded.counts() == {"post": 2, "comment": 1}
    assert loaded.report.warnings == []
    post, comment, page = loaded.items
    assert post.id == "1"
    assert post.text == ("Hello world!\n\nWelcome to WordPress. This is your first post. Edit or "
                         "delete it, then start blogging!")
    assert post.created_at == utc(2010, 10, 16, 20, 53, 18)
    assert post.created_raw == "2010-10-16 20:53:18"
    assert post.author == "john"
    assert post.url == "http://localhost/?p=1"
    assert post.audience is Audience.PUBLIC
    assert post.extra["categories"] == ["alpha"] and post.extra["tags"] == ["Clippable"]
    assert post.provenance.cite() == "valid-wxr-1.1.xml line 46"
    assert comment.id == "comment-1" and comment.kind is ItemKind.COMMENT
    assert comment.text == ("Hi, this is a comment.\nTo delete a comment, just log in and view "
                            "the post's comments. There you will have the option to edit or "
                            "delete them.")
    assert comment.author == "Mr WordPress"
    assert comment.reply_to == "Hello world!"
    assert comment.url == "http://localhost/?p=1#comment-1"
    assert comment.provenance.line == 70
    assert page.id == "2" and page.kind is ItemKind.POST
    assert page.extra["post_type"] == "page"
    assert page.text.startswith("About\n\nThis is an example of a WordPress page.")


def test_wxr_1_2_gutenberg_markup_becomes_text() -> None:
    loaded = Loaded(IMPORTER / "wxr-simple.xml")
    assert loaded.source.layout == "wordpress-wxr-1.2"
    [post] = loaded.items
    assert post.text == (
        '"The Road Not Taken" by Robert Frost\n\nTwo roads diverged in a yellow wood,\n'
        "And sorry I could not travel both\nOne seemed great, but the other seemed great too.\n"
        "There was also a third option, but it was not as great.\n"
        "playground.internal/path/one was the best choice.\n"
        "https://playground.internal/path-not-taken was the second best choice.")
    assert post.text_raw is not None and post.text_raw.startswith("<!-- wp:paragraph -->\n<p>")
    assert post.created_at == utc(2024, 6, 5, 16, 4, 48)


def test_utf8_challenges_keep_emoji_rtl_and_zalgo_intact() -> None:
    loaded = Loaded(IMPORTER / "wxr-utf-8-challenges.xml")
    [post] = loaded.items
    assert loaded.source.account == ("My WordPress Website 🚀 \u202e\u202dمرحبا "
                                     "(https://playground.internal/path)")
    assert post.author == "admin\u200c\u200b\u200d\u200e"
    assert post.text.startswith('"The Road \u202eNot\u202c Taken" by Rob\u202dert \u202eFrost')
    assert "🚀🌟💫⭐️🔥💯🎉🎊🌈🦄" in post.text
    assert "السلام عليكم" in post.text
    raw = (IMPORTER / "wxr-utf-8-challenges.xml").read_text(encoding="utf-8")
    category = raw.split('egorized\u202c"><![CDATA[', 1)[1].split("]]>", 1)[0]
    assert category.endswith("d̶̬̽ 🎭") and len(category) > 40
    assert post.extra["categories"] == [category]
    assert loaded.report.warnings == []


def test_importer_folder_keeps_a_reused_id_with_different_text() -> None:
    """The three files are three sites; two share an address and a post id with other text."""
    loaded = Loaded(IMPORTER)
    assert loaded.source.loader == "wordpress@1"
    assert loaded.source.layout == "wordpress-wxr-1.1"
    assert loaded.counts() == {"post": 4, "comment": 1}
    assert list(loaded.by_id) == ["1", "comment-1", "2", "playground.internal/path:10",
                                  "playground.internal/path:10#2"]
    assert loaded.report.warnings == [
        "wxr-utf-8-challenges.xml item 1: entry playground.internal/path:10 appears again with "
        "different text; both were kept, the second as playground.internal/path:10#2"]


def test_wxr_1_0_export_without_authors() -> None:
    loaded = Loaded(WP / "invented-wxr-1.0-2009")
    assert loaded.source.layout == "wordpress-wxr-1.0"
    assert loaded.source.account == "Village Notes (http://villagenotes.example.invalid)"
    assert loaded.counts() == {"post": 1, "comment": 1}
    post = loaded.by_id["7"]
    assert post.text == ("Summer fete \u2013 thank you\n\nThanks to everyone who came.\n\n"
                         "The tombola raised \u00a3120.")
    assert post.extra["categories"] == ["Uncategorized"] and post.extra["tags"] == ["fete"]
    assert post.created_at == utc(2009, 7, 12, 18, 0)
    assert loaded.by_id["comment-3"].reply_to == "Summer fete \u2013 thank you"


# --- invented WordPress.com 2012 export: undeclared atom prefix, every status ----------------

@pytest.fixture(scope="module")
def beat() -> Loaded:
    return Loaded(BEAT_XML)


def test_2012_export_with_undeclared_atom_prefix_loads(beat: Loaded) -> None:
    assert beat.source.layout == "wordpress-wxr-1.2"
    assert beat.source.account == "Example Beat (http://examplebeat.wordpress.com)"
    # 7 posts/pages (publish, draft, pending, private, trash, password, page), comments
    # 5, 6, 7 and the pingback 9 (8 is spam), the orphan video; the feedback is a message.
    assert beat.counts() == {"post": 7, "comment": 4, "media": 1}
    assert beat.report.messages_skipped == 1
    name = BEAT_XML.name
    assert beat.report.warnings == [
        f"{name}: {ATOM_WARNING}",
        f"{name}: not loaded, as they are not the blog's writing or never shown: "
        "1 nav menu item entries, 1 spam comments"]


def test_2012_published_post_with_its_media(beat: Loaded) -> None:
    post = beat.by_id["11"]
    assert post.text == ("Night shift thoughts\n\nQuiet night on the invented beat & a lovely "
                         "sunrise 🚔🌅\nBack on days next week.")
    assert post.created_at == utc(2012, 5, 14, 6, 30)
    assert post.url == "http://examplebeat.wordpress.com/2012/05/14/night-shift-thoughts/"
    assert [(m.url, m.kind) for m in post.media] == [
        ("http://examplebeat.files.wordpress.com/2012/05/sunrise.jpg", "image")]
    assert post.extra == {"title": "Night shift thoughts", "slug": "night-shift-thoughts",
                          "categories": ["Shifts"], "tags": ["sunrise"]}
    video = beat.by_id["21"]
    assert video.kind is ItemKind.MEDIA and video.audience is Audience.PUBLIC
    assert video.text == ("Parade clip\n\nThe invented town parade\nUploaded but never used "
                          "in a post.")
    assert [(m.url, m.kind) for m in video.media] == [
        ("http://examplebeat.files.wordpress.com/2012/05/parade.mp4", "video")]


def test_2012_unpublished_posts_are_kept_and_marked(beat: Loaded) -> None:
    draft = beat.by_id["12"]
    assert draft.audience is Audience.PRIVATE
    assert draft.extra["status"] == "draft" and draft.extra["draft"] is True
    # no GMT date and the placeholder pubDate: the blog's local time is all there is
    assert draft.created_at == utc(2012, 5, 13, 22, 10)
    assert draft.created_raw == "2012-05-13 22:10:00"
    assert draft.extra["date_is_local_time"] is True
    assert beat.by_id["13"].extra["status"] == "pending"
    assert beat.by_id["13"].audience is Audience.PRIVATE
    assert beat.by_id["14"].audience is Audience.PRIVATE
    assert beat.by_id["15"].extra["status"] == "trash"
    assert beat.by_id["15"].audience is Audience.UNKNOWN
    protected = beat.by_id["16"]
    assert protected.audience is Audience.FRIENDS
    assert protected.extra["password_protected"] is True
    assert beat.by_id["2"].extra["post_type"] == "page"
    assert beat.by_id["11"].audience is Audience.PUBLIC


def test_2012_comments_replies_and_their_status(beat: Loaded) -> None:
    visitor, reply, pending, pingback = (beat.by_id[f"comment-{n}"] for n in (5, 6, 7, 9))
    assert visitor.author == "Visitor Vee"
    assert visitor.text == "Great post & thanks for sharing!"
    assert visitor.reply_to == "Night shift thoughts"
    assert visitor.created_at == utc(2012, 5, 14, 7, 5)
    assert visitor.extra["author_url"] == "http://vee.example.invalid"
    assert "vee@example.invalid" not in str(dict(visitor.extra))  # no commenter e-mail or IP
    assert reply.reply_to == "Visitor Vee"
    assert reply.text == "Thanks Vee, see you on the next one."
    assert reply.extra["by_blog_author"] is True
    assert reply.extra["parent_comment_id"] == "5"
    assert pending.audience is Audience.PRIVATE and pending.extra["status"] == "pending"
    assert pingback.extra["comment_type"] == "pingback"
    assert "comment-8" not in beat.by_id


def test_2012_contact_form_message_is_opt_in() -> None:
    loaded = Loaded(BEAT_XML, include_messages=True)
    message = loaded.by_id["40"]
    assert message.kind is ItemKind.MESSAGE and message.audience is Audience.PRIVATE
    assert message.text == ("Contact form submission from Sam Sender\n\nHello, please get in "
                            "touch about the lost bike.")
    assert loaded.report.messages_skipped == 0


# --- invented WordPress.com 2024 export split over two files, as zip and folders -------------

def _check_harbour(loaded: Loaded, prefix: str = "") -> None:
    assert loaded.source.loader == "wordpress@1"
    assert loaded.source.layout == "wordpress-wxr-1.2"
    assert loaded.source.account == "Harbour Watch (https://harbourwatch.wordpress.com)"
    assert loaded.counts() == {"post": 3, "comment": 1}
    assert list(loaded.by_id) == ["101", "comment-201", "102", "5"]
    assert loaded.report.warnings == []
    storm = loaded.by_id["101"]
    assert storm.text == ("Storm over the breakwater\n\nWaves over the wall tonight. Stay off the "
                          "pier! 🌊")
    assert storm.extra["sticky"] is True
    assert [m.url for m in storm.media] == [
        "https://harbourwatch.files.wordpress.com/2024/02/storm.jpg"]
    assert storm.provenance.path == f"{prefix}harbourwatch.wordpress.2024-03-01.000.xml"
    comment = loaded.by_id["comment-201"]
    assert comment.text == "Café on the front is flooded too ☕"
    assert comment.created_at == utc(2024, 2, 20, 22, 0)
    bike = loaded.by_id["102"]
    assert bike.text == ("Lost & found: a red bicycle\n\nFound by the slipway. Message me if it "
                         "is yours.\nred frame\nbasket")
    assert bike.extra["excerpt"] == "A red bicycle was found."
    assert bike.provenance.path == f"{prefix}harbourwatch.wordpress.2024-03-01.001.xml"


def test_split_export_as_a_folder() -> None:
    _check_harbour(Loaded(HARBOUR))


@pytest.mark.parametrize("prefix", ["", "harbourwatch-export/"])
def test_split_export_as_a_zip(tmp_path: Path, prefix: str) -> None:
    _check_harbour(Loaded(zip_folder(HARBOUR, tmp_path / "export.zip", prefix)), prefix)


def test_split_export_unpacked_twice(tmp_path: Path) -> None:
    shutil.copytree(HARBOUR, tmp_path / "export" / "export")
    _check_harbour(Loaded(tmp_path), "export/export/")


def test_shipped_upload_is_linked_to_its_attachment(tmp_path: Path) -> None:
    archive = tmp_path / "blog.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(BEAT_XML, "blog/export.xml")
        out.writestr("blog/wp-content/uploads/2012/05/sunrise.jpg", b"\xff\xd8\xff")
    loaded = Loaded(archive)
    [media] = loaded.by_id["11"].media
    assert media.path == "blog/wp-content/uploads/2012/05/sunrise.jpg"
    assert media.url == "http://examplebeat.files.wordpress.com/2012/05/sunrise.jpg"


# --- damage and hostile input ---------------------------------------------------------------

def test_truncated_file_keeps_the_entries_before_the_damage(tmp_path: Path) -> None:
    data = BEAT_XML.read_bytes()
    cut = data.index(b"<title>Awaiting review</title>")
    archive = tmp_path / "blog.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a/broken.xml", data[:cut])
        out.write(HARBOUR / "harbourwatch.wordpress.2024-03-01.001.xml", "a/other.xml")
    loaded = Loaded(archive)
    # broken.xml: post 11 with its 4 kept comments and the draft 12; other.xml: 2 posts
    assert loaded.counts() == {"post": 4, "comment": 4}
    assert ("a/broken.xml: it ends early at line 162, so it may be truncated; the 2 entries "
            "before that point were loaded") in loaded.report.warnings


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = BEAT_XML.read_bytes().replace(
        b"<rss", b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<rss', 1)
    bare = tmp_path / "bomb.xml"
    bare.write_bytes(bomb)
    with pytest.raises(InputError) as err:
        open_source(bare)
    assert str(err.value).startswith(f"{bare}: declares XML entities")
    archive = tmp_path / "blog.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("bomb.xml", bomb)
        out.write(HARBOUR / "harbourwatch.wordpress.2024-03-01.001.xml", "ok.xml")
    loaded = Loaded(archive)
    assert loaded.counts() == {"post": 2}
    assert loaded.report.warnings[0] == (
        "bomb.xml: refused, it declares an XML entity ('a'), which WordPress never writes and "
        "which can be used to attack the reader; nothing after the declaration was read")


def test_external_entity_after_the_head_is_refused_with_a_warning(tmp_path: Path) -> None:
    data = BEAT_XML.read_bytes()
    padded = data.replace(b"<!-- This", b"<!-- " + b"x" * 5_000 + b" -->\n<!-- This", 1)
    evil = padded.replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                   b"\n<rss", 1)
    archive = tmp_path / "blog.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("evil.xml", evil)
        out.writestr("fine.xml", data)
    loaded = Loaded(archive)
    assert any(w.startswith("evil.xml: refused, it declares an XML entity ('x')")
               for w in loaded.report.warnings)
    assert loaded.counts() == {"post": 7, "comment": 4, "media": 1}
    assert all("root:" not in item.text for item in loaded.items)


def test_undeclared_prefix_inside_an_item_is_declared_too(tmp_path: Path) -> None:
    data = BEAT_XML.read_bytes().replace(
        b"<wp:post_id>13</wp:post_id>",
        b'<wp:post_id>13</wp:post_id><media:content url="http://x.invalid/a.jpg"/>')
    path = tmp_path / "blog.xml"
    path.write_bytes(data)
    loaded = Loaded(path)
    assert loaded.counts() == {"post": 7, "comment": 4, "media": 1}
    assert loaded.report.warnings[0] == ("blog.xml: uses the XML prefix(es) atom, media without "
                                         "declaring them (a known fault of older WordPress.com "
                                         "exports); they were declared so the file could be read")


@pytest.mark.parametrize(("encode", "note"), [
    (lambda t: t.encode("utf-16"), "read as UTF-16"),
    (lambda t: t.encode("utf-16-le"), "read as UTF-16"),
    (lambda t: t.replace("lovely", "lo\x00ve\x0cly").encode(), "1 NUL character(s) were removed"),
    (lambda t: t.encode().replace("Café".encode(), b"Caf\xe9"), None),
])
def test_encodings_and_stray_bytes(tmp_path: Path, encode, note: str | None) -> None:  # type: ignore[no-untyped-def]
    text = (HARBOUR / "harbourwatch.wordpress.2024-03-01.000.xml").read_text(encoding="utf-8")
    text = text.replace("lovely", "lovely").replace("tonight", "lovely tonight")
    path = tmp_path / "blog.xml"
    path.write_bytes(encode(text))
    loaded = Loaded(path)
    assert loaded.counts() == {"post": 1, "comment": 1}
    assert loaded.by_id["comment-201"].text == "Café on the front is flooded too ☕"
    assert "lovely tonight" in loaded.by_id["101"].text
    if note is not None:
        assert f"blog.xml: {note}" in loaded.report.warnings


def test_mixed_utf8_and_windows_1252_bytes(tmp_path: Path) -> None:
    data = (HARBOUR / "harbourwatch.wordpress.2024-03-01.000.xml").read_bytes()
    path = tmp_path / "blog.xml"
    path.write_bytes(data.replace(b"Stay off", b"Stay \x93off\x94"))
    loaded = Loaded(path)
    assert "Stay \u201coff\u201d the pier! 🌊" in loaded.by_id["101"].text
    assert loaded.by_id["comment-201"].text == "Café on the front is flooded too ☕"
    assert "blog.xml: not valid UTF-8; 2 byte(s) read as Windows-1252" in loaded.report.warnings


def test_deeply_nested_elements_stop_reading_with_a_warning(tmp_path: Path) -> None:
    data = BEAT_XML.read_bytes().replace(
        b"<title>Awaiting review</title>",
        b"<title>Awaiting review</title>" + b"<a>" * 50_000 + b"</a>" * 50_000)
    path = tmp_path / "deep.xml"
    path.write_bytes(data)
    loaded = Loaded(path)
    assert loaded.counts() == {"post": 2, "comment": 4}
    assert any(w.startswith("deep.xml: elements are nested more than 200 deep")
               for w in loaded.report.warnings)


def test_hostile_markup_in_a_post_is_read_in_linear_time(tmp_path: Path) -> None:
    """Unclosed tags make Python's HTML parser quadratic; a post like this once took minutes."""
    hostile = "<img " * 100_000 + "<1" * 100_000 + " the end"
    data = (HARBOUR / "harbourwatch.wordpress.2024-03-01.001.xml").read_bytes().replace(
        b"Found by the slipway.", hostile.encode())
    path = tmp_path / "blog.xml"
    path.write_bytes(data)
    started = time.perf_counter()
    loaded = Loaded(path)
    assert time.perf_counter() - started < 10
    bike = loaded.by_id["102"]
    assert bike.text.startswith("Lost & found: a red bicycle\n\n<img <img ")
    assert "<1<1 the end Message me if it is yours." in bike.text
    started = time.perf_counter()
    assert html_text("<!--" * 200_000 + " tail").endswith("<!-- tail")  # never closed: text
    assert html_text("a <!-- hidden --> b <3") == "a b <3"
    assert html_text("<html><p>stray document tags</p>") == "stray document tags"
    assert time.perf_counter() - started < 5


def test_an_rss_feed_that_is_not_a_wordpress_export_is_not_claimed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
                    "<item><title>a</title></item></channel></rss>", encoding="utf-8")
    with pytest.raises(UnknownFormatError):
        open_source(feed)
    with pytest.raises(UnknownFormatError):
        open_source(tmp_path)


def test_head_helpers() -> None:
    head = BEAT_XML.read_bytes()[:4096]
    assert wxr_version(head_text(head)) == "1.2"
    assert wxr_version(head_text(head.decode().encode("utf-16"))) == "1.2"
    assert wxr_version("<feed xmlns:wp='http://wordpress.org/export/1.2/'>") is None
    assert blog_account("<rss><channel><wp:author_login>solo</wp:author_login>") == "solo"


def test_every_wordpress_sample_loads() -> None:
    root = shared_dir()
    folders = sorted(p for p in (root / "samples" / "wordpress").iterdir()
                     if p.is_dir()) if root and (root / "samples" / "wordpress").is_dir() else []
    for folder in folders or [IMPORTER]:
        loaded = Loaded(folder)
        assert loaded.source.platform == "blog"
        assert loaded.items, folder
        for xml in sorted(folder.glob("*.xml")):
            single = Loaded(xml)
            assert single.items, xml


def test_open_source_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "half.xml"
    path.write_bytes(BEAT_XML.read_bytes()[:2000])
    loaded = Loaded(path)
    assert loaded.items == []
    assert any(w.startswith("half.xml: the XML is damaged at line") for w in loaded.report.warnings)
    with pytest.raises(AccountAuditError):
        open_source(tmp_path / "missing.xml")
