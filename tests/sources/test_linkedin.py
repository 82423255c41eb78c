"""The LinkedIn loader over its CSV layouts: invented 2025 and classic fixtures, zips, damage.

No real LinkedIn export can be shared, so both fixtures are invented (see their PROVENANCE.md);
expected counts were counted by hand from the fixture files.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accountaudit.model import Audience, ItemKind
from accountaudit.sources.archive import open_view
from accountaudit.sources.linkedin import LinkedInLoader
from accountaudit.sources.linkedin_csv import clean_share_text, parse_date
from conftest import FIXTURES, Loaded, shared_dir, zip_folder

LINKEDIN = FIXTURES / "linkedin"
NEW = LINKEDIN / "invented-2025-complete"
CLASSIC = LINKEDIN / "invented-classic-bom"
NEW_COUNTS = {"profile": 4, "post": 4, "share": 1, "comment": 2, "reaction": 2,
              "connection": 4}
CLASSIC_COUNTS = {"profile": 3, "post": 1, "share": 1, "comment": 1, "reaction": 1,
                  "connection": 1}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def copy_of(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(folder, target)
    return target


# --- the 2025 Complete export ---------------------------------------------------------------

@pytest.fixture(scope="module")
def new() -> Loaded:
    return Loaded(NEW)


def test_2025_detection_counts_and_skipped_messages(new: Loaded) -> None:
    assert new.source.layout == "linkedin-2025"
    assert new.source.account == "Sam Example"
    assert new.source.platform == "linkedin" and new.source.loader == "linkedin@1"
    assert new.counts() == NEW_COUNTS
    assert new.report.messages_skipped == 3
    assert new.report.warnings == []
    assert len(new.by_id) == len(new.items)


def test_2025_positions_keep_second_jobs(new: Loaded) -> None:
    jobs = {i.extra["company"]: i for i in new.items if i.extra.get("position") is True}
    assert set(jobs) == {"Exampleshire Police", "Sam's Dog Walking (fictional)",
                         "Example Retail Ltd"}
    dog = jobs["Sam's Dog Walking (fictional)"]
    assert dog.kind is ItemKind.PROFILE
    assert dog.text == ("Owner at Sam's Dog Walking (fictional)\nExampletown\n"
                        "Weekend dog walking; bookings by message")
    assert dog.extra["title"] == "Owner" and dog.extra["started"] == "Mar 2023"
    assert dog.extra["current"] is True and "finished" not in dog.extra
    assert dog.created_at == utc(2023, 3, 1) and dog.created_raw == "Mar 2023"
    old = jobs["Example Retail Ltd"]
    assert old.extra["finished"] == "Aug 2018" and old.extra["current"] is False
    profile = new.by_id["profile"]
    assert profile.text.startswith("Police Constable | Parkrun volunteer\nServing officer")
    assert profile.extra["location"] == "Exampleshire, England, United Kingdom"


def test_2025_shares_quoted_line_by_line_are_cleaned(new: Loaded) -> None:
    post = new.by_id["post-7335000000000000001"]
    assert post.kind is ItemKind.POST
    assert post.text == ("Proud to support the charity 5k this weekend.\n\n"
                         "Thanks to everyone who donated! 🏃")
    assert post.text_raw == ('"Proud to support the charity 5k this weekend."\n""\n'
                             '"Thanks to everyone who donated! 🏃"')
    assert post.created_at == utc(2025, 6, 1, 9, 15)
    assert post.created_raw == "2025-06-01 09:15:00"
    assert post.audience is Audience.PUBLIC
    assert post.url == ("https://www.linkedin.com/feed/update/"
                        "urn:li:share:7335000000000000001")
    assert post.provenance.cite() == "Shares_252701999.csv line 2"
    coffee = new.by_id["post-7341000000000000002"]
    assert coffee.text == 'Our "Coffee with a Cop" morning is back on Friday.'
    assert coffee.text_raw is None
    assert coffee.audience is Audience.FRIENDS  # MEMBER_NETWORK
    assert [m.url for m in coffee.media] == ["https://media.licdn.example/image/coffee.jpg"]
    assert coffee.provenance.line == 5  # row 1 spans lines 2-4


def test_2025_comments_with_backslash_escapes(new: Loaded) -> None:
    comment = new.by_id["comment-7338000000000000002"]
    assert comment.text == 'Back when I ran the "tea, biscuits" rota,\n\nit was chaos.'
    assert comment.created_at == utc(2025, 6, 10, 18, 53, 49)
    assert comment.provenance.cite() == "Comments_252701999.csv line 2"
    assert new.by_id["comment-7338000000000000003"].provenance.line == 5


def test_2025_connections_follows_reactions_and_article(new: Loaded) -> None:
    jordan = new.by_id["connection-jordan-fictional"]
    assert jordan.text == "Jordan Fictional" and jordan.author == "Jordan Fictional"
    assert jordan.extra["company"] == "Exampleshire Police, Training Unit"
    assert jordan.extra["position"] == "Sergeant"
    assert jordan.created_at == utc(2025, 1, 2) and jordan.created_raw == "02 Jan 2025"
    assert jordan.provenance.cite() == "Connections.csv line 6"  # after the Notes preamble
    club = new.by_id["follows-company-exampletown-football-club-fictional"]
    assert club.created_at == utc(2025, 9, 6, 8, 12, 14)
    assert new.by_id["follows-morgan-placeholder"].extra["status"] == "Active"
    assert new.by_id["reaction-7338000000000000005"].extra["reaction"] == "PRAISE"
    assert new.by_id["repost-7338000000000000006"].kind is ItemKind.SHARE
    article = new.by_id["article-a-day-on-response-fictional-7n5pe"]
    assert article.kind is ItemKind.POST and article.created_at is None
    assert article.text == ("A day on response (fictional)\n"
                            "Every shift starts with a briefing & a strong tea.\n"
                            "This article is invented test data.")
    assert article.url == "https://www.linkedin.com/pulse/a-day-on-response-fictional-7n5pe"


def test_2025_messages_only_when_asked() -> None:
    loaded = Loaded(NEW, include_messages=True)
    messages = [i for i in loaded.items if i.kind is ItemKind.MESSAGE]
    assert len(messages) == 3 and loaded.report.messages_skipped == 0
    first = loaded.by_id["message-2-QUJDMTIz-2"]
    assert first.text == "Hi Alex,\nFree for a coffee & chat next week?"
    assert first.text_raw == "<p>Hi Alex,</p><p>Free for a coffee &amp; chat next week?</p>"
    assert first.author == "Sam Example" and first.reply_to == "Alex Sample"
    assert first.audience is Audience.PRIVATE
    assert first.created_at == utc(2025, 7, 1, 10)
    booking = loaded.by_id["message-2-REVGNDU2-4"]
    assert booking.text == "Weekend booking\nYes, Saturday 9am is free."
    assert booking.extra["conversation_title"] == "Dog walking"


# --- the classic export (BOM, CRLF, older columns) ------------------------------------------

def test_classic_export_with_bom() -> None:
    classic = Loaded(CLASSIC)
    assert classic.source.layout == "linkedin-classic"
    assert classic.source.account == "Robin Placeholder"  # the BOM did not hide "First Name"
    assert classic.counts() == CLASSIC_COUNTS
    assert classic.report.messages_skipped == 1
    assert classic.report.warnings == []
    post = classic.by_id["post-6376000000000000001"]
    assert post.text == 'Great turnout at the "Bike Safe" event.\nThank you all!'
    assert post.audience is Audience.UNKNOWN  # no Visibility column yet
    link = classic.by_id["post-6400000000000000002"]
    assert link.kind is ItemKind.SHARE and link.extra["shared_url"] == (
        "https://example.invalid/road-safety")
    assert classic.by_id["comment-6376100000000000003"].text == (
        'Well done everyone, "superb" work')
    casey = classic.by_id["connection-line2"]  # no URL column in older exports
    assert casey.text == "Casey Example" and casey.created_at == utc(2017, 2, 4)
    director = next(i for i in classic.items if i.extra.get("title") == "Director")
    assert director.extra["company"] == "Placeholder Bikes (fictional)"
    assert classic.by_id["profile"].text.startswith(
        "Special Constable\nVolunteer officer.\nAlso a keen cyclist.")


# --- text and date helpers ------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("2025-11-19 09:59:30", utc(2025, 11, 19, 9, 59, 30)),
    ("2026-08-31 21:20:46 UTC", utc(2026, 8, 31, 21, 20, 46)),
    ("2025-01-01", utc(2025, 1, 1)),
    ("15 Mar 2024", utc(2024, 3, 15)),
    ("Mar 2019", utc(2019, 3, 1)),
    ("September 2019", utc(2019, 9, 1)),
    ("2016", utc(2016, 1, 1)),
    ("Sat Sep 05 08:12:14 UTC 2026", utc(2026, 9, 5, 8, 12, 14)),
    ("Sep 5, 2026", utc(2026, 9, 5)),
    ("31 Feb 2024", None),
    ("soon", None),
])
def test_parse_date(raw: str, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ('"Line one"\n""\n"Line two"', "Line one\n\nLine two"),
    ('Line 1"\n"Line 2', "Line 1\nLine 2"),
    ('"He said ""hi"""', 'He said "hi"'),
    ('"Be kind" is my motto', '"Be kind" is my motto'),
    ("Plain text\nover two lines", "Plain text\nover two lines"),
])
def test_clean_share_text(raw: str, expected: str) -> None:
    assert clean_share_text(raw) == expected


# --- packaging ------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["zip", "zip-top-folder", "folder-twice"])
def test_same_items_however_packed(tmp_path: Path, new: Loaded, how: str) -> None:
    if how == "zip":
        path = zip_folder(NEW, tmp_path / "linkedin.zip")
    elif how == "zip-top-folder":
        path = zip_folder(NEW, tmp_path / "linkedin.zip",
                          prefix="Complete_LinkedInDataExport_07-05-2025/")
    else:
        path = tmp_path / "export"
        shutil.copytree(NEW, path / "export")
    packed = Loaded(path)
    assert packed.source.layout == "linkedin-2025"
    assert packed.counts() == NEW_COUNTS
    assert sorted(packed.by_id) == sorted(new.by_id)
    assert [i.id for i in packed.items] == [i.id for i in new.items]


def test_unrelated_csv_files_are_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "Profile.csv").write_text("id,score\n1,2\n", encoding="utf-8")
    (tmp_path / "Comments.csv").write_text("when,what\n", encoding="utf-8")
    with open_view(tmp_path) as view:
        assert LinkedInLoader.detect(view) is None


# --- damage becomes warnings ----------------------------------------------------------------

def test_bad_rows_dates_and_headers_are_warned(tmp_path: Path) -> None:
    folder = copy_of(CLASSIC, tmp_path)
    (folder / "Comments.csv").write_text(
        "Date,Link,Message\n"
        "2018-03-05 09:00:00,https://example.invalid/1,ok\n"
        "yesterday,https://example.invalid/2,an unquoted, comma\n", encoding="utf-8")
    (folder / "Reactions.csv").write_text("Nothing,Here\n1,2\n", encoding="utf-8")
    loaded = Loaded(folder)
    warnings = loaded.report.warnings
    assert "Comments.csv line 3: the date 'yesterday' could not be read" in warnings
    assert ("Comments.csv line 3: 4 cells for 3 columns; the extra cells were kept in "
            "'message'") in warnings
    assert "Reactions.csv: skipped, its header line was not found" in warnings
    comments = [i for i in loaded.items if i.kind is ItemKind.COMMENT]
    assert [c.text for c in comments] == ["ok", "an unquoted, comma"]
    assert comments[1].created_at is None and comments[1].created_raw == "yesterday"


def test_corrupt_zip_member_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "linkedin.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(CLASSIC.iterdir()):
            archive.write(file, file.name)
    raw = bytearray(path.read_bytes())
    start = raw.index(b"Bike Safe")
    raw[start:start + 4] = b"Xike"  # same length, wrong CRC-32
    path.write_bytes(bytes(raw))
    loaded = Loaded(path)
    assert any(w.startswith("Shares.csv: skipped, it could not be read")
               for w in loaded.report.warnings)
    assert loaded.counts() == {"profile": 3, "comment": 1, "reaction": 1, "connection": 1}


# --- every shared LinkedIn sample loads (none exist yet: formats.md §5) ---------------------

def test_every_shared_sample_loads() -> None:
    base = shared_dir()
    folder = base / "samples" / "linkedin" if base else None
    samples = sorted(p for p in folder.iterdir() if p.is_dir()) if folder and \
        folder.is_dir() else []
    if not samples:
        pytest.skip("no LinkedIn samples in ../shared/samples/linkedin (none can be shared)")
    for sample in samples:
        loaded = Loaded(sample, include_messages=True)
        assert loaded.source.platform == "linkedin", sample
        assert len(loaded.items) > 0, sample
