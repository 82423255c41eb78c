"""The Bluesky loaders: repo CARs (v3, v2 with history), JSON records, zips, hostile CARs.

No real repository CAR exists in shared/, so the fixtures are built by
tests/fixtures/bluesky/make_bluesky_fixtures.py; expected counts come from the records that
script writes (listed in PROVENANCE.md), never from the loader's output.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sys
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountaudit.errors import UnknownFormatError
from accountaudit.model import Audience, Item, ItemKind, Provenance
from accountaudit.sources.archive import open_view
from accountaudit.sources.base import LoadOptions, LoadReport
from accountaudit.sources.bluesky import BlueskyCarLoader, BlueskyLoader, repo_items
from accountaudit.sources.bluesky_records import BskyContext, record_item
from accountaudit.sources.car import CarError, cid_text, read_varint
from accountaudit.sources.registry import open_source
from conftest import FIXTURES, shared_dir

BLUESKY = FIXTURES / "bluesky"
V3 = BLUESKY / "invented-repo-v3.car"
V2 = BLUESKY / "invented-repo-v2-history.car"
RECORDS = BLUESKY / "invented-records-json"
LEXICON = BLUESKY / "atcute-lexicons"
OWNER = "did:plc:ex4mpleofficerabcdefghij"
FRIEND = "did:plc:fr1endaccountabcdefghijk"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_bluesky_fixtures",
                                                  BLUESKY / "make_bluesky_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


class Loaded:
    """Everything one load produced."""

    def __init__(self, path: Path) -> None:
        with open_source(path, LoadOptions()) as opened:
            self.items: list[Item] = list(opened.items())
            self.source = opened.source
            self.report: LoadReport = opened.report
        self.by_id = {item.id: item for item in self.items}

    def counts(self) -> dict[str, int]:
        return dict(Counter(item.kind.value for item in self.items))

    def texts(self, kind: ItemKind) -> set[str]:
        return {item.text for item in self.items if item.kind is kind}


def post_id(when: str) -> str:
    return f"app.bsky.feed.post/{GEN.tid(when)}"


# 6 posts of which 2 are replies, 1 repost, 2 likes, 1 follow, the profile (PROVENANCE.md)
V3_COUNTS = {"profile": 1, "post": 4, "reply": 2, "share": 1, "reaction": 2, "connection": 1}


def test_fixtures_match_their_generator() -> None:
    assert V3.read_bytes() == GEN.v3_repo()
    assert V2.read_bytes() == GEN.v2_repo()


@pytest.fixture(scope="module")
def v3() -> Loaded:
    return Loaded(V3)


def test_v3_layout_account_counts(v3: Loaded) -> None:
    assert v3.source.layout == "bluesky-car-v3"
    assert v3.source.account == OWNER
    assert v3.source.loader == "bluesky-file@1"
    assert v3.counts() == V3_COUNTS


def test_v3_posts(v3: Loaded) -> None:
    first = v3.by_id[post_id("2024-05-01T08:00:00")]
    assert first.text == "Lovely morning on patrol 🌞"
    assert first.created_at == utc(2024, 5, 1, 8, 0, 0)
    assert first.url == f"https://bsky.app/profile/{OWNER}/post/{GEN.tid('2024-05-01T08:00:00')}"
    assert first.audience is Audience.PUBLIC and first.author == OWNER
    assert first.provenance.path == "invented-repo-v3.car"
    reply = v3.by_id[post_id("2024-05-02T09:00:00")]
    assert reply.kind is ItemKind.REPLY and reply.reply_to == FRIEND
    assert reply.extra["mentions"] == [FRIEND]
    own = v3.by_id[post_id("2024-05-05T11:00:00")]
    assert own.kind is ItemKind.REPLY and own.reply_to == OWNER
    quote = v3.by_id[post_id("2024-05-04T10:00:00")]
    assert quote.kind is ItemKind.POST and quote.extra["quote_of"].startswith("at://did:plc:0th")


def test_v3_link_facet_image_label_and_micros(v3: Loaded) -> None:
    post = v3.by_id[post_id("2024-05-03T12:00:00")]
    assert post.text == "Good read 👉 https://news.example/story-about-a-fete #community"
    assert post.text_raw == "Good read 👉 news.example/story-abo... #community"
    assert post.created_at == datetime(2024, 5, 3, 12, 0, 0, 123456, tzinfo=UTC)
    assert post.created_raw == "2024-05-03T12:00:00.123456Z"
    assert post.extra["self_labels"] == ["graphic-media"]
    assert post.extra["hashtags"] == ["community"]
    assert post.extra["media_alt_text"] == ["Crowd at the summer fete"]
    image_cid = cid_text(GEN.cid_for(GEN.PHOTO, 0x55))
    assert image_cid.startswith("bafkrei")
    assert post.media[0].url == (
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{OWNER}/{image_cid}@jpeg")


def test_v3_repost_like_follow_profile(v3: Loaded) -> None:
    friend_post = f"https://bsky.app/profile/{FRIEND}/post/{GEN.tid('2024-05-02T08:30:00')}"
    repost = v3.by_id[f"app.bsky.feed.repost/{GEN.tid('2024-05-07T10:00:00')}"]
    assert repost.kind is ItemKind.SHARE and repost.url == friend_post
    like = v3.by_id[f"app.bsky.feed.like/{GEN.tid('2024-05-08T10:00:00')}"]
    assert like.kind is ItemKind.REACTION and like.url == friend_post
    assert like.created_at == utc(2024, 5, 8, 10, 0, 0)
    feed_like = v3.by_id[f"app.bsky.feed.like/{GEN.tid('2024-05-08T11:00:00')}"]
    assert feed_like.extra["subject_kind"] == "app.bsky.feed.generator"
    follow = v3.by_id[f"app.bsky.graph.follow/{GEN.tid('2024-05-09T10:00:00')}"]
    assert follow.text == FRIEND and follow.url == f"https://bsky.app/profile/{FRIEND}"
    profile = v3.by_id["app.bsky.actor.profile/self"]
    assert profile.text == "Neighbourhood officer. Views my own.\nName: PC Example 👮"


def test_v3_warnings(v3: Loaded) -> None:
    assert v3.report.warnings == [
        "invented-repo-v3.car #8: the date 'not-a-date' could not be read",
        "2 records of kinds accountaudit does not read not loaded "
        "(1 app.bsky.graph.block, 1 chat.bsky.actor.declaration)"]
    assert v3.by_id[post_id("2024-05-06T11:00:00")].created_at is None


def test_v2_history_is_not_resurrected() -> None:
    loaded = Loaded(V2)
    assert loaded.source.layout == "bluesky-car-v2"
    # current tree: 2 posts, the old-style follow, the new profile, 1 like (+1 blog entry skipped)
    assert loaded.counts() == {"post": 2, "connection": 1, "profile": 1, "reaction": 1}
    assert "I regret this post" not in loaded.texts(ItemKind.POST)
    assert loaded.texts(ItemKind.PROFILE) == {"Second bio\nName: New Name"}
    assert loaded.texts(ItemKind.CONNECTION) == {FRIEND}  # subject {did, declarationCid}
    micro = loaded.by_id[post_id("2023-05-01T10:00:00")]
    assert micro.created_at == datetime(2023, 5, 1, 10, 0, 0, 654321, tzinfo=UTC)
    assert loaded.report.warnings == [
        "invented-repo-v2-history.car: also holds 2 earlier record versions and 1 earlier "
        "commit (deleted or changed since); they are not part of the account now, so they "
        "were not loaded",
        "1 record of kinds accountaudit does not read not loaded (1 com.whtwnd.blog.entry)"]


def test_v1_repo_with_a_separate_root_and_meta(tmp_path: Path) -> None:
    """2022-era repos signed {root, sig}; root is {data, meta, prev}; meta holds the DID."""
    blocks = GEN.Blocks()
    key = post_id("2022-11-01T10:00:00")
    record = blocks.put({"$type": "app.bsky.feed.post", "text": "early days",
                         "createdAt": "2022-11-01T10:00:00.000Z"})
    tree = GEN.build_mst([(key, record)], GEN.layer_of(key), blocks)
    meta = blocks.put({"did": OWNER, "version": 1, "datastore": "mst"})
    root = blocks.put({"data": GEN.link(tree), "meta": GEN.link(meta), "prev": None})
    signed = blocks.put({"root": GEN.link(root), "sig": b"fake"})
    path = tmp_path / "old-repo"
    path.write_bytes(GEN.car(signed, list(reversed(blocks.order))))
    loaded = Loaded(path)
    assert loaded.source.layout == "bluesky-car-v1"
    assert loaded.source.account == OWNER
    assert [(i.id, i.text) for i in loaded.items] == [(key, "early days")]
    assert loaded.report.warnings == []


def test_records_json_folder() -> None:
    loaded = Loaded(RECORDS)
    assert loaded.source.layout == "bluesky-records-json"
    assert loaded.source.account == f"{OWNER} (@pc-example.example)"  # from getProfile.json
    assert loaded.counts() == V3_COUNTS
    first = loaded.by_id[post_id("2024-05-01T08:00:00")]
    assert first.author == "@pc-example.example"
    assert first.url == f"https://bsky.app/profile/{OWNER}/post/{GEN.tid('2024-05-01T08:00:00')}"
    repost = loaded.by_id[f"app.bsky.feed.repost/{GEN.tid('2024-05-07T10:00:00')}"]
    assert repost.provenance == Provenance(loaded.source.id, "listRecords-reposts.json", 0)
    profile = loaded.by_id["app.bsky.actor.profile/self"]
    assert profile.media[0].url is not None and "bafkrei" in profile.media[0].url


# --- containers ------------------------------------------------------------------------------

@pytest.mark.parametrize("member", ["repo.car", "bsky-export/repo.car", "export/getRepo"])
def test_car_inside_a_zip(tmp_path: Path, member: str) -> None:
    target = tmp_path / "bluesky.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, V3.read_bytes())
        archive.writestr("README.txt", "not a repo")
    loaded = Loaded(target)
    assert loaded.source.layout == "bluesky-car-v3"
    assert loaded.source.loader == "bluesky@1"
    assert loaded.counts() == V3_COUNTS
    assert loaded.by_id[post_id("2024-05-01T08:00:00")].provenance.path == member


def test_folder_unpacked_twice_and_blob_files(tmp_path: Path) -> None:
    folder = tmp_path / "export" / "export"
    folder.mkdir(parents=True)
    shutil.copy(V3, folder / "repo.car")
    image_cid = cid_text(GEN.cid_for(GEN.PHOTO, 0x55))
    (folder / "blobs").mkdir()
    (folder / "blobs" / image_cid).write_bytes(GEN.PHOTO)
    loaded = Loaded(tmp_path / "export")
    assert loaded.counts() == V3_COUNTS
    post = loaded.by_id[post_id("2024-05-03T12:00:00")]
    assert post.media[0].path == f"export/blobs/{image_cid}"


def test_records_json_in_a_zip_with_top_folder(tmp_path: Path) -> None:
    target = tmp_path / "records.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(RECORDS.rglob("*")):
            if path.is_file():
                archive.write(path, "backup/" + path.relative_to(RECORDS).as_posix())
    loaded = Loaded(target)
    assert loaded.counts() == V3_COUNTS
    assert loaded.source.account == f"{OWNER} (@pc-example.example)"


def test_car_beside_a_saved_profile(tmp_path: Path) -> None:
    shutil.copy(V3, tmp_path / "repo.car")
    shutil.copy(RECORDS / "getProfile.json", tmp_path)
    loaded = Loaded(tmp_path)
    assert loaded.source.account == f"{OWNER} (@pc-example.example)"
    assert loaded.counts() == V3_COUNTS
    assert loaded.by_id["app.bsky.actor.profile/self"].extra["handle"] == "pc-example.example"


def test_second_account_in_one_zip_is_skipped(tmp_path: Path) -> None:
    other = GEN.Blocks()
    root = GEN.commit("did:plc:an0theraccountabcdefghij", {
        f"app.bsky.feed.post/{GEN.tid('2024-01-01T00:00:00')}": {
            "$type": "app.bsky.feed.post", "text": "not mine", "createdAt": "2024-01-01T00:00:00Z"}
    }, other, version=3, rev="x")
    target = tmp_path / "two.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("a.car", V3.read_bytes())
        archive.writestr("b.car", GEN.car(root, list(reversed(other.order))))
    loaded = Loaded(target)
    assert loaded.counts() == V3_COUNTS
    assert any(w.startswith("b.car: skipped, it is the repository of another account")
               for w in loaded.report.warnings)


def test_lexicon_folder_is_not_a_bluesky_export() -> None:
    with open_view(LEXICON) as view:
        assert BlueskyLoader.detect(view) is None


@pytest.mark.parametrize("head", [b'{"id": "x", "text": "y"}\n', b"PK\x03\x04", b"\x00" * 64,
                                  b"\x3a" + b"\xa2" * 60, b"hello world"])
def test_detect_file_refuses_other_bytes(tmp_path: Path, head: bytes) -> None:
    assert BlueskyCarLoader.detect_file(tmp_path / "x", head) is None


def test_a_car_that_is_not_a_repo_is_refused(tmp_path: Path) -> None:
    block = GEN.encode({"Links": [], "Data": b"a file, as IPFS stores it"})
    data = GEN.car(GEN.cid_for(block), [(GEN.cid_for(block), block)])
    assert BlueskyCarLoader.detect_file(tmp_path / "x", data) is None
    target = tmp_path / "ipfs.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("site.car", data)
    with open_view(target) as view:
        assert BlueskyLoader.detect(view) is None


# --- hostile CARs ----------------------------------------------------------------------------

def load_bytes(data: bytes) -> tuple[list[Item], LoadReport]:
    report = LoadReport()
    items = list(repo_items(data, "x.car", BskyContext("s", report)))
    return items, report


def test_truncated_car_keeps_what_it_read() -> None:
    data = V3.read_bytes()
    items, report = load_bytes(data[: len(data) - 40])
    assert 0 < len(items) < sum(V3_COUNTS.values())
    assert any("cut short" in w for w in report.warnings)
    assert any("block missing from the file" in w for w in report.warnings)


def test_lengths_larger_than_the_file(tmp_path: Path) -> None:
    data = V3.read_bytes()
    _, start = read_varint(data, 0)
    header_end = start + data[0]
    huge = data[:header_end] + GEN.varint(1 << 40) + b"\x01\x71"
    items, report = load_bytes(huge)
    assert items == []
    assert any("cut short" in w for w in report.warnings)
    bad_header = GEN.varint(1 << 30) + data[1:]
    path = tmp_path / "bad.car"
    path.write_bytes(bad_header)
    assert BlueskyCarLoader.detect_file(path, bad_header[:4096]) is None
    with pytest.raises(UnknownFormatError):
        open_source(path)


def lying_car(node: dict[str, Any], node_cid: bytes, record: bytes) -> bytes:
    """A repo whose tree node is stored under a CID it chose itself (not its hash)."""
    commit = GEN.encode({"did": OWNER, "version": 3, "data": GEN.link(node_cid), "prev": None,
                         "rev": "x", "sig": b"0"})
    commit_cid = GEN.cid_for(commit)
    return GEN.car(commit_cid, [(commit_cid, commit), (node_cid, GEN.encode(node)),
                                (GEN.cid_for(record), record)])


def test_cycle_in_the_tree_is_a_warning_not_a_hang() -> None:
    record = GEN.encode({"$type": "app.bsky.feed.post", "text": "loop",
                         "createdAt": "2024-01-01T00:00:00Z"})
    node_cid = bytes([1, 0x71, 0x12, 0x20]) + hashlib.sha256(b"chosen").digest()
    node = {"e": [{"p": 0, "k": b"app.bsky.feed.post/3kaaaaaaaaaaa", "v": GEN.link(
        GEN.cid_for(record)), "t": GEN.link(node_cid)}], "l": GEN.link(node_cid)}
    items, report = load_bytes(lying_car(node, node_cid, record))
    assert [i.text for i in items] == ["loop"]
    assert "x.car: 2 tree nodes skipped, reached twice (a loop)" in report.warnings  # l and t
    assert any("not match" in w and "content hash" in w for w in report.warnings)


def test_bad_tree_entries_are_counted() -> None:
    record = GEN.encode({"$type": "app.bsky.feed.post", "text": "ok",
                         "createdAt": "2024-01-01T00:00:00Z"})
    good = GEN.link(GEN.cid_for(record))
    node_cid = bytes([1, 0x71, 0x12, 0x20]) + hashlib.sha256(b"other").digest()
    node = {"e": [{"p": 5, "k": b"x", "v": good, "t": None},  # prefix longer than previous key
                  {"p": 0, "k": "not bytes", "v": good, "t": None},
                  {"p": 0, "k": b"app.bsky.feed.post/3kbbbbbbbbbbb", "v": good, "t": None},
                  {"p": 0, "k": b"nokey", "v": good, "t": None},
                  {"p": 0, "k": b"app.bsky.feed.post/3kccccccccccc",
                   "v": GEN.link(GEN.cid_for(b"absent")), "t": None}], "l": None}
    items, report = load_bytes(lying_car(node, node_cid, record))
    assert [i.id for i in items] == ["app.bsky.feed.post/3kbbbbbbbbbbb"]
    assert report.warnings == [
        "x.car: 1 block does not match its content hash: the file was altered or damaged "
        "after export",
        "x.car: 1 record block missing from the file",
        "x.car: 1 tree entry skipped, the key is malformed",
        "x.car: 2 tree entries skipped, unreadable"]


def test_varint_and_cid_text() -> None:
    with pytest.raises(CarError):
        read_varint(b"\xff" * 12, 0)
    with pytest.raises(CarError):
        read_varint(b"\x80", 0)
    assert read_varint(b"\xac\x02", 0) == (300, 2)
    assert cid_text(GEN.cid_for(b"x")).startswith("bafyrei")
    assert cid_text(b"\x12\x20" + bytes(32)).startswith("Qm")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_cars_never_raise(data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from([V3, V2])).read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    items, _ = load_bytes(bytes(raw[:cut]))
    assert all(item.id for item in items)
    BlueskyCarLoader.detect_file(Path("x"), bytes(raw[:4096]))


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20)
                    | st.binary(max_size=8),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(
                        ["text", "reply", "parent", "uri", "facets", "index", "byteStart",
                         "byteEnd", "features", "$type", "embed", "images", "subject",
                         "createdAt", "labels", "values", "media", "record"]), inner,
                        max_size=5), max_leaves=25),
       st.sampled_from(["app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.feed.repost",
                        "app.bsky.graph.follow", "app.bsky.actor.profile"]))
def test_any_record_shape_is_handled(value: Any, collection: str) -> None:
    ctx = BskyContext("s", LoadReport(), did=OWNER)
    record_item(collection, "3kaaaaaaaaaaa", value, ctx, Provenance("s", "x.car", 0))


def test_json_record_with_lone_surrogate_and_bad_facets(tmp_path: Path) -> None:
    folder = tmp_path / "repo" / "app.bsky.feed.post"
    folder.mkdir(parents=True)
    record = {"$type": "app.bsky.feed.post", "text": "bad \ud800 text",
              "createdAt": "0001-01-01T00:00:00+01:00",
              "facets": [{"index": {"byteStart": 0, "byteEnd": 999},
                          "features": [{"$type": "app.bsky.richtext.facet#link",
                                        "uri": "https://x.example"}]}]}
    (folder / "3kaaaaaaaaaaa.json").write_text(json.dumps(record), encoding="utf-8")
    loaded = Loaded(tmp_path)
    assert loaded.counts() == {"post": 1}
    assert loaded.items[0].created_at is None
    assert not any("stopped early" in w for w in loaded.report.warnings)


def test_cbor_tags_other_than_links_are_not_links() -> None:
    from accountaudit.sources.car import link
    assert link(cbor2.CBORTag(43, b"\x00abcd")) is None
    assert link(cbor2.CBORTag(42, b"\x01abcd")) is None


# --- every shared sample ---------------------------------------------------------------------

def test_every_shared_sample() -> None:
    """Folders with repo data load with items; a lexicon-only folder is refused, not crashed."""
    root = shared_dir()
    base = root / "samples" / "bluesky" if root else None
    for folder in sorted(p for p in base.iterdir() if p.is_dir()) if base and base.is_dir() \
            else []:
        with open_view(folder) as view:
            detection = BlueskyLoader.detect(view)
        if detection is None:
            lexicons = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]
            assert lexicons and all("lexicon" in doc for doc in lexicons), folder
            continue
        loaded = Loaded(folder)
        assert loaded.items, folder
        assert not any("stopped early" in w for w in loaded.report.warnings), folder
