"""Bad and hostile input for every loader (issue 4): exports come from people under investigation.

Every case must end in a plain message naming the file (and the member), keep whatever else can
be read, and never crash, hang or write anything. The explicit cases come first, then the same
damage applied to every fixture of every platform, then property-based fuzzing through
``open_source`` and ``accountaudit inspect``.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import random
import shutil
import stat
import struct
import subprocess
import sys
import threading
import time
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountaudit.cli.main import main
from accountaudit.errors import AccountAuditError, InputError
from accountaudit.model import Item
from accountaudit.sources import archive as archive_mod
from accountaudit.sources.archive import DamagedMemberError, ZipView, open_view
from accountaudit.sources.base import LoadOptions
from accountaudit.sources.decoding import StreamDecoder, decode_bytes
from accountaudit.sources.registry import open_source
from accountaudit.sources.text import decode
from conftest import FIXTURES

Baseline = tuple[dict[str, bytes], dict[str, int]]  # the X fixture's members, its item counts
X_PARTS = FIXTURES / "twitter" / "invented-data-tweets-parts-2024"
TWEET = (b'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1500000000000000001", '
         b'"full_text": "caf\xc3\xa9 \xf0\x9f\x9a\x94", '
         b'"created_at": "Sat Mar 05 10:00:00 +0000 2022"}} ]')


# --- guards: nothing written, nothing escapes ----------------------------------------------

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_WRITE_EVENTS = frozenset({"os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.symlink",
                           "os.link", "os.truncate", "os.chmod", "os.chown", "os.utime",
                           "shutil.copyfile", "shutil.move", "shutil.rmtree"})
_GUARD = threading.local()


def _audit(event: str, args: tuple[object, ...]) -> None:
    writes = getattr(_GUARD, "writes", None)
    if writes is None:
        return
    if event == "open":
        path, mode, flags = (*args, None, None, 0)[:3]
        if (isinstance(mode, str) and set(mode) & set("wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS):
            writes.append(f"open {path!r} {mode or flags}")
    elif event in _WRITE_EVENTS:
        writes.append(f"{event} {args!r}")


sys.addaudithook(_audit)


@contextlib.contextmanager
def no_writes() -> Iterator[None]:
    """Fail if anything opens a file for writing or changes the file system inside."""
    _GUARD.writes = []
    try:
        yield
        assert _GUARD.writes == [], _GUARD.writes
    finally:
        _GUARD.writes = None


# Loader exceptions that the registry's safety net turned into "loading stopped early" warnings.
# Not asserted (the property is that nothing escapes); kept so a fuzzing run can list them.
SAFETY_NET: list[str] = []


def load_all(path: Path, include_messages: bool = True) -> tuple[list[Item], list[str]]:
    """Open and drain ``path``; only AccountAuditError naming the path may escape."""
    with no_writes():
        try:
            opened = open_source(path, LoadOptions(include_messages=include_messages))
        except AccountAuditError as exc:
            assert str(path) in str(exc), str(exc)
            return [], [str(exc)]
        with opened:
            items = list(opened.items())
    SAFETY_NET.extend(f"{path.name}: {w}" for w in opened.report.warnings
                      if w.startswith("loading stopped early after"))
    return items, opened.report.warnings


def counts(items: list[Item]) -> dict[str, int]:
    return dict(Counter(item.kind.value for item in items))


def folder_members(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_zip(path: Path, members: dict[str, bytes] | list[tuple[str, bytes]],
              method: int = zipfile.ZIP_DEFLATED) -> Path:
    entries = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(path, "w", method) as out:
        for name, data in entries:
            out.writestr(name, data)
    return path


def patch_central(raw: bytearray, name: bytes, offset: int, value: bytes) -> None:
    """Overwrite bytes of ``name``'s central directory entry (46-byte header + name)."""
    at = raw.index(b"PK\x01\x02")
    while raw[at + 46: at + 46 + len(name)] != name:
        at = raw.index(b"PK\x01\x02", at + 4)
    raw[at + offset: at + offset + len(value)] = value


@pytest.fixture(scope="module")
def x_baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    members = folder_members(X_PARTS)
    clean = write_zip(tmp_path_factory.mktemp("x") / "clean.zip", members)
    items, warnings = load_all(clean)
    assert items and not any(w.startswith("loading stopped") for w in warnings)
    return members, counts(items)


# --- member names and kinds: traversal, links, encryption, methods, bad names ---------------

def test_unsafe_member_names_are_refused_and_the_rest_loads(tmp_path: Path,
                                                            x_baseline: Baseline) -> None:
    members, expected = x_baseline
    hostile = [("../../evil.js", b"x"), ("/etc/passwd", b"x"), ("C:\\Windows\\x.js", b"x"),
               ("data\\..\\..\\up.js", b"x"), ("../\x1b[2Jcls\u202egnp.js", b"x"),
               ("data/\x1b[2J\x07.js", b"x")]
    path = write_zip(tmp_path / "names.zip", [*members.items(), *hostile])
    link = zipfile.ZipInfo("data/link.js")
    link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "a") as out:
        out.writestr(link, b"/etc/passwd")
    items, warnings = load_all(path)
    assert counts(items) == expected
    assert "../../evil.js: refused, its path points outside the archive" in warnings
    assert "/etc/passwd: refused, its path points outside the archive" in warnings
    assert "C:\\Windows\\x.js: refused, its path points outside the archive" in warnings
    assert "data\\..\\..\\up.js: refused, its path points outside the archive" in warnings
    assert "data/link.js: refused, it is a symbolic link" in warnings
    # terminal escapes and direction overrides in a name are shown escaped, never raw
    assert ("../\\u001b[2Jcls\\u202egnp.js: refused, its path points outside the archive"
            in warnings)
    assert ("data/\\u001b[2J\\u0007.js: refused, its name holds control characters, which no "
            "export uses") in warnings


def test_encrypted_unsupported_and_misnamed_members(tmp_path: Path, x_baseline: Baseline) -> None:
    members, expected = x_baseline
    extra = [("secret.js", b"window.YTD.x = []"), ("deflate64.js", b"[]"),
             ("caf\u00e9.json", b"{}")]
    raw = bytearray(write_zip(tmp_path / "m.zip", [*members.items(), *extra]).read_bytes())
    patch_central(raw, b"secret.js", 8, struct.pack("<H", 0x1))  # flag: encrypted
    patch_central(raw, b"deflate64.js", 10, struct.pack("<H", 9))  # method 9: Deflate64
    raw = bytearray(raw.replace("caf\u00e9".encode(), b"caf\xff\xfe"))  # flagged UTF-8, is not
    path = tmp_path / "m.zip"
    path.write_bytes(raw)
    items, warnings = load_all(path)
    assert counts(items) == expected
    assert "secret.js: refused, it is encrypted" in warnings
    assert "deflate64.js: refused, it uses a compression method (9) that cannot be read" in warnings
    assert ("caf\ufffd\ufffd.json: refused, its name is not valid UTF-8 although the archive "
            "says it is") in warnings


# --- zip bombs: refused from the directory alone, without decompressing -----------------------

def _opened_members(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return opened


def test_a_member_bomb_is_refused_without_decompressing(tmp_path: Path, x_baseline: Baseline,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    members, expected = x_baseline
    path = write_zip(tmp_path / "b.zip", [*members.items(), ("data/tweets-part3.js", b"[]" * 600)])
    raw = bytearray(path.read_bytes())
    patch_central(raw, b"data/tweets-part3.js", 24, struct.pack("<L", 900 << 20))  # file_size
    (tmp_path / "b.zip").write_bytes(raw)
    opened = _opened_members(monkeypatch)
    items, warnings = load_all(tmp_path / "b.zip")
    assert counts(items) == expected
    assert "data/tweets-part3.js: refused, it expands 200+ times (a zip bomb)" in warnings
    assert "data/tweets-part3.js" not in opened


def test_overlapping_members_are_refused(tmp_path: Path, x_baseline: Baseline) -> None:
    members, expected = x_baseline
    path = write_zip(tmp_path / "o.zip", [*members.items(), ("a.js", b"1" * 5000),
                                          ("b.js", b"2" * 5000)])
    raw = bytearray(path.read_bytes())
    entry_a = raw.index(b"a.js", raw.index(b"PK\x01\x02")) - 46
    entry_b = raw.index(b"b.js", raw.index(b"PK\x01\x02")) - 46
    raw[entry_b + 42: entry_b + 46] = raw[entry_a + 42: entry_a + 46]  # b points at a's data
    path.write_bytes(raw)
    items, warnings = load_all(path)
    assert counts(items) == expected
    assert "a.js: refused, its data overlaps another member's (a zip bomb)" in warnings
    assert "b.js: refused, its data overlaps another member's (a zip bomb)" in warnings


def test_a_whole_archive_bomb_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "many.zip", [(f"data/p{i}.js", bytes((1 << 20) - 1))
                                             for i in range(120)])
    with no_writes(), pytest.raises(InputError) as err:
        open_source(path)
    assert str(err.value).startswith(f"{path}: would expand from ")
    assert "this looks like a zip bomb, so nothing in it was read" in str(err.value)


def test_the_member_count_is_capped_before_the_directory_is_parsed(tmp_path: Path) -> None:
    raw = bytearray(write_zip(tmp_path / "c.zip", {"a.js": b"[]"}).read_bytes())
    eocd = raw.rindex(b"PK\x05\x06")
    raw[eocd + 8: eocd + 12] = struct.pack("<2H", 0xFFFE, 0xFFFE)  # 65,534 entries declared
    (tmp_path / "c.zip").write_bytes(raw)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(archive_mod, "MAX_MEMBERS", 1000)
        with pytest.raises(InputError) as err:
            open_source(tmp_path / "c.zip")
    assert str(err.value) == (f"{tmp_path / 'c.zip'}: has 65,534 members, more than the 1,000 "
                              "an export can plausibly hold")


def test_the_total_expanded_size_read_is_capped(tmp_path: Path) -> None:
    noise = random.Random(4).randbytes(400_000)  # incompressible: not a bomb by its ratio
    path = write_zip(tmp_path / "t.zip", {f"m{i}.json": b"{}" + noise for i in range(5)})
    with ZipView(path, read_budget=1_000_000) as view:
        assert len(view.read_bytes("m0.json")) == 400_002
        assert len(view.read_bytes("m1.json")) == 400_002
        with pytest.raises(DamagedMemberError) as err:
            view.read_bytes("m2.json")
        assert str(err.value).startswith(f"{path}: member m2.json was not read to the end: this "
                                         "archive has already expanded to more than 1,000,000")
        with pytest.raises(InputError):  # and it stays spent, whichever way a loader reads
            view.open("m3.json").read()


# --- damaged archives and members -----------------------------------------------------------

def test_truncated_zip_is_one_clear_error(tmp_path: Path, x_baseline: Baseline) -> None:
    members, _ = x_baseline
    raw = write_zip(tmp_path / "full.zip", members).read_bytes()
    (tmp_path / "half.zip").write_bytes(raw[: len(raw) // 2])
    _, messages = load_all(tmp_path / "half.zip")
    assert messages == [f"{tmp_path / 'half.zip'}: is not a readable zip archive: its table of "
                        "contents is missing, so it is probably truncated (an incomplete "
                        "download?) (File is not a zip file)"]


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA,
                                    zipfile.ZIP_STORED])
def test_damaged_member_data_is_an_input_error_naming_the_member(
        tmp_path: Path, x_baseline: Baseline, method: int) -> None:
    members, _ = x_baseline
    body = members["data/tweets-part2.js"]
    path = write_zip(tmp_path / "d.zip", [*members.items(),
                                          ("data/like-part9.js", body * 20)], method)
    raw = bytearray(path.read_bytes())
    start = raw.index(b"data/like-part9.js") + len("data/like-part9.js") + 60
    raw[start: start + 40] = bytes(range(7, 47))
    path.write_bytes(raw)
    with open_view(path) as view:
        with pytest.raises(InputError) as err:
            view.read_bytes("data/like-part9.js")
        assert str(err.value).startswith(f"{path}: member data/like-part9.js is damaged")
        with pytest.raises(InputError), view.open("data/like-part9.js") as fh:
            while fh.read(1000):
                pass
        assert view.read_bytes("data/account.js") == members["data/account.js"]
    items, warnings = load_all(path)
    assert items
    assert any(w.startswith("data/like-part9.js: skipped, it could not be read (member "
                            "data/like-part9.js is damaged") for w in warnings)


def test_empty_sources_and_zips_inside_zips(tmp_path: Path) -> None:
    empty = write_zip(tmp_path / "empty.zip", {})
    (tmp_path / "void").mkdir()
    (tmp_path / "blank.jsonl").write_bytes(b"")
    inner = write_zip(tmp_path / "inner.zip", folder_members(X_PARTS))
    outer = write_zip(tmp_path / "outer.zip", {"export/inner.zip": inner.read_bytes()})
    both = write_zip(tmp_path / "both.zip", {**folder_members(X_PARTS),
                                             "extra/inner.zip": inner.read_bytes()})
    assert load_all(empty)[1] == [f"{empty}: is an empty zip archive"]
    assert load_all(tmp_path / "void")[1] == [f"{tmp_path / 'void'}: is an empty folder"]
    assert load_all(tmp_path / "blank.jsonl")[1] == [f"{tmp_path / 'blank.jsonl'}: is empty"]
    assert load_all(outer)[1] == [
        f"{outer}: holds only zip archives (export/inner.zip), which are not opened from inside "
        "another; unzip it and open each inner archive instead"]
    items, warnings = load_all(both)
    assert items
    assert ("extra/inner.zip: a zip archive inside this zip archive was not opened; unzip it "
            "and add it as a source of its own if it matters") in warnings


def test_folders_where_files_are_expected_and_files_where_folders_are(tmp_path: Path,
                                                                     x_baseline: Baseline) -> None:
    members, expected = x_baseline
    swapped = {("data/tweets-part1.js/inner.js" if n == "data/tweets-part1.js" else n): d
               for n, d in members.items()}
    items, _ = load_all(write_zip(tmp_path / "dir.zip", swapped))
    assert items and counts(items) != expected  # part 1 is a folder now: its tweets are gone
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "data").write_bytes(members["data/tweets-part1.js"])  # "data" is a file
    (flat / "notes.txt").write_text("x", encoding="utf-8")
    assert load_all(flat)[1][0].startswith(f"{flat}: this folder does not hold any export")
    assert load_all(write_zip(tmp_path / "f.zip", {"data": b"[]", "data/": b""}))[1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX-only")
def test_special_files_and_links_in_a_folder_are_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(X_PARTS, folder)
    os.mkfifo(folder / "data" / "like-part2.js")  # reading it would block for ever
    (folder / "data" / "follower-part2.js").symlink_to("/etc/passwd")
    with open(os.path.join(os.fsencode(folder), b"data", b"bad\xffname.js"), "wb") as fh:
        fh.write(b"[]")  # a name that is not text
    items, warnings = load_all(folder)
    assert items
    assert ("data/bad\\udcffname.js: not read, its name holds control characters or bytes "
            "that are not text") in warnings
    assert "data/like-part2.js: not a regular file, so it was not read" in warnings
    assert "data/follower-part2.js: a link was not followed" in warnings


def test_unreadable_files_in_a_folder_are_skipped_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "export"
    shutil.copytree(X_PARTS, folder)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: "like" not in str(p) and real(p, mode))
    items, warnings = load_all(folder)
    assert items and all(i.kind.value != "reaction" for i in items)
    assert "data/like.js: could not be read (permission denied), so it was skipped" in warnings


# --- text: encodings, NULs, deep nesting, very long lines --------------------------------------

def test_decode_fallback_order() -> None:
    notes: list[str] = []
    assert decode("café ☕".encode(), notes, "m") == "café ☕" and notes == []
    assert decode(b"\xef\xbb\xbfbom", notes, "m") == "bom" and notes == []
    assert decode("café".encode() + " naïve".encode("cp1252"), notes, "m") == "café naïve"
    assert notes == ["m: not valid UTF-8; 1 byte(s) read as Windows-1252"]
    assert decode("hé 中".encode("utf-16"), [], "m") == "hé 中"
    notes.clear()
    assert decode("hé 中 and more text".encode("utf-16-le"), notes, "m") == "hé 中 and more text"
    assert notes == ["m: read as UTF-16 (it has no byte-order mark)"]
    notes.clear()
    assert decode(b"\xff\xfe" + "broken".encode("utf-16-le") + b"\x00", notes, "m").startswith(
        "broken")
    assert notes[0].startswith("m: read as UTF-16; broken characters are shown as")
    notes.clear()
    assert decode(b"a\x00b", notes, "m") == "ab" and notes == [
        "m: 1 NUL character(s) were removed"]


def test_mixed_decoding_is_linear_and_matches_in_chunks() -> None:
    data = ("x" * 3000 + "café ☕ ").encode() * 200 + "façade".encode("cp1252")
    data *= 20
    started = time.perf_counter()
    whole, notes = decode_bytes(data)
    assert time.perf_counter() - started < 2
    assert notes == ["not valid UTF-8; 20 byte(s) read as Windows-1252"]
    stream = StreamDecoder()
    pieces = [stream.decode(data[i: i + 4097]) for i in range(0, len(data), 4097)]
    assert "".join(pieces) + stream.decode(b"", final=True) == whole
    assert stream.notes == notes
    slow = ("é".encode("cp1252") + "ü".encode() + b"abc") * 300_000
    started = time.perf_counter()
    assert decode_bytes(slow)[0].startswith("éüabc")
    assert time.perf_counter() - started < 5


def test_x_members_in_other_encodings_deeply_nested_or_with_nuls(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tweets.js").write_bytes(TWEET.decode().encode("utf-16"))
    (data / "like.js").write_bytes(b"window.YTD.like.part0 = " + b"[" * 200_000 + b"]" * 200_000)
    (data / "follower.js").write_bytes(b"window.YTD.follower.part0 = [\x00\x00 ]")
    (data / "following.js").write_bytes(b"")
    items, warnings = load_all(tmp_path)
    assert [i.text for i in items] == ["café 🚔"]
    assert "data/tweets.js: read as UTF-16" in warnings
    assert "data/like.js: skipped, it is nested too deeply to read" in warnings
    assert "data/follower.js: 2 NUL character(s) were removed" in warnings


def test_jsonl_lines_of_tens_of_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    big = "word " * 6_000_000  # 30 MB on one line
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "1", "text": "first"}) + "\n")
        fh.write(json.dumps({"id": "2", "text": big}) + "\n")
        fh.write('{"id": "3", "text": "' + "x" * (65 << 20) + '"}\n')  # over the 64 MB cap
        fh.write(json.dumps({"id": "4", "text": "\x00 nul inside"}) + "\n")
        fh.write('{"id": "5", "text": "raw \x00 nul"}\n')
    started = time.perf_counter()
    items, warnings = load_all(path)
    assert time.perf_counter() - started < 8
    assert [i.id for i in items] == ["1", "2", "4"]
    assert len(items[1].text) == len(big)
    assert warnings == ["long.jsonl line 3: skipped, longer than 64 MB",
                        "long.jsonl line 5: skipped, not valid JSON"]


# --- memory stays bounded: a 1 GiB archive is hashed and streamed, never held ------------------

def _sparse_zip(path: Path, size: int) -> str:
    """An X archive whose second member is ``size`` stored zero bytes, written as a hole."""
    entries = [(b"data/tweets.js", TWEET, zlib.crc32(TWEET)),
               (b"data/tweets_media/1500000000000000001-big.mp4", None, 0)]
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(bytes(1 << 20), crc)
    central = b""
    with open(path, "wb") as fh:
        for name, data, member_crc in entries:
            length = len(data) if data is not None else size
            member_crc = member_crc if data is not None else crc
            offset = fh.tell()
            fh.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, member_crc,
                                 length, length, len(name), 0) + name)
            if data is not None:
                fh.write(data)
            else:
                fh.seek(length, os.SEEK_CUR)
            central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21,
                                   member_crc, length, length, len(name), 0, 0, 0, 0, 0,
                                   offset) + name
        start = fh.tell()
        fh.write(central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 2, 2, len(central),
                                       start, 0))
    return entries[1][0].decode()


_MEASURE = """
import json, sys, tracemalloc
from pathlib import Path
from accountaudit.sources.archive import open_view
from accountaudit.sources.registry import open_source
try:
    import resource
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
except ImportError:
    peak = lambda: 0
zip_path, member, folder = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
before = peak()
tracemalloc.start()
with open_source(zip_path) as source:
    items = list(source.items())
with open_view(zip_path) as view, view.open(member) as fh:
    streamed = sum(len(chunk) for chunk in iter(lambda: fh.read(1 << 20), b""))
with open_source(folder) as other:
    list(other.items())
print(json.dumps({"rss_growth": peak() - before, "traced_peak": tracemalloc.get_traced_memory()[1],
                  "items": len(items), "size": source.source.size, "streamed": streamed,
                  "folder_size": other.source.size}))
"""


def test_a_1_gib_archive_is_hashed_and_streamed_in_bounded_memory(tmp_path: Path) -> None:
    size = 1 << 30
    big = tmp_path / "big.zip"
    folder = tmp_path / "folder"
    try:
        member = _sparse_zip(big, size)
        (folder / "data").mkdir(parents=True)
        (folder / "data" / "tweets.js").write_bytes(TWEET)
        with open(folder / "data" / "huge.bin", "wb") as fh:
            fh.truncate(size // 4)  # sparse: it costs no disk
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", _MEASURE, str(big), member, str(folder)],
                                capture_output=True, text=True, timeout=120, check=False,
                                cwd=tmp_path)
        elapsed = time.perf_counter() - started
    finally:
        big.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert measured["items"] == 1 and measured["streamed"] == size
    assert measured["size"] > size and measured["folder_size"] > size // 4
    assert measured["traced_peak"] < 64 << 20, measured
    assert measured["rss_growth"] < 128 << 20, measured
    assert elapsed < 60


# --- the same damage applied to every fixture of every platform -----------------------------

def _samples() -> list[Path]:
    found = []
    for platform in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for sample in sorted(platform.iterdir()):
            if sample.is_dir() or sample.suffix in (".car", ".xml", ".jsonl"):
                found.append(sample)
    return found


SAMPLES = _samples()
_TEXT = (".js", ".json", ".csv", ".xml", ".html", ".txt", ".jsonl")


def _deep(data: bytes) -> bytes:
    cut = min((i for i in (data.find(b"["), data.find(b"{")) if i >= 0), default=0)
    return data[:cut] + b"[" * 100_000 + b"]" * 100_000


_DAMAGE: dict[str, Callable[[str, bytes], list[tuple[str, bytes]]]] = {
    "truncated": lambda n, d: [(n, d[: len(d) // 2])],
    "empty": lambda n, d: [(n, b"")],
    "deeply-nested": lambda n, d: [(n, _deep(d) if n.endswith(_TEXT) else d)],
    "not-utf8": lambda n, d: [(n, d[: len(d) // 3] + b"\xff\xc3(\x93\x00\xed\xa0\x80"
                               + d[len(d) // 3:])],
    "utf16": lambda n, d: [(n, d.decode("utf-8", "replace").encode("utf-16")
                            if n.endswith(_TEXT) else d)],
    "folder-for-file": lambda n, d: [(n + "/inner" + Path(n).suffix, d)],
    "nul-padded": lambda n, d: [(n, d.replace(b",", b",\x00", 50))],
}


@pytest.mark.parametrize("damage", sorted(_DAMAGE))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_survives_each_kind_of_damage(tmp_path: Path, sample: Path,
                                                    damage: str) -> None:
    transform = _DAMAGE[damage]
    if sample.is_file():
        [(_, data)] = transform(sample.name, sample.read_bytes())[:1]
        target = tmp_path / sample.name
        target.write_bytes(data)
    else:
        damaged = [pair for n, d in folder_members(sample).items() for pair in transform(n, d)]
        target = write_zip(tmp_path / "damaged.zip", damaged)
    started = time.perf_counter()
    load_all(target)
    assert time.perf_counter() - started < 20


# --- property-based: random, mutated and hostile inputs -------------------------------------

_FUZZ = settings(deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow, HealthCheck.data_too_large])
_counter = itertools.count()
_MEMBERS = {s: folder_members(s) for s in SAMPLES if s.is_dir()}
_NAMES = sorted({n for members in _MEMBERS.values() for n in members})
_HOSTILE_NAMES = ["../x.js", "/abs.json", "C:\\x.json", "a\\..\\..\\b.js", "data/", "\u202e.js",
                  "data/../../tweets.js", "deep/" * 30 + "x.json", "", ".", "..", "a/./b.json"]
_HEADS = [b"", b"{", b"[", b"PK\x03\x04", b"PK\x05\x06", b"\xef\xbb\xbf{", b"\xff\xfe",
          b'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/">',
          b"window.YTD.tweets.part0 = ", b"\xa2eroots"]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["2024-01-01T00:00:00Z", "1354805114", "Ã©", "https://x.invalid/a.jpg"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["data", "timestamp", "title", "text", "uri", "string_map_data",
                         "label_values", "media", "attachments", "href", "value", "name",
                         "messages", "content", "Date", "tweet", "full_text", "id"])
        | st.text(max_size=4), inner, max_size=5),
    max_leaves=20)


def _mutate(data: bytes, ops: list[tuple[int, int, int, bytes]]) -> bytes:
    """Flip, delete or insert bytes at positions scaled to the member's length."""
    buffer = bytearray(data)
    for kind, where, length, extra in ops:
        at = where % (len(buffer) + 1)
        if kind == 0 and at < len(buffer):
            buffer[at] ^= 1 << (length % 8)
        elif kind == 1:
            del buffer[at: at + length]
        else:
            buffer[at:at] = extra
    return bytes(buffer)


_OPS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1 << 20), st.integers(1, 64),
                          st.binary(max_size=8)), min_size=1, max_size=4)
_CONTENT = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda h, b: h + b, st.sampled_from(_HEADS), st.binary(max_size=200)),
    st.builds(lambda v, cut: json.dumps(v).encode()[: cut or None], _JSON, st.integers(0, 60)),
    st.builds(lambda v, ops: _mutate(b"window.YTD.tweets.part0 = " + json.dumps(v).encode(),
                                     ops), _JSON, _OPS),
    st.builds(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8"), _JSON))


def _fresh(tmp_path: Path) -> Path:
    folder = tmp_path / f"case{next(_counter)}"
    folder.mkdir()
    return folder


@settings(_FUZZ, max_examples=150)
@given(head=st.sampled_from(_HEADS), body=st.binary(max_size=3000))
def test_random_bytes_as_a_file(tmp_path: Path, head: bytes, body: bytes) -> None:
    path = _fresh(tmp_path) / "input"
    path.write_bytes(head + body)
    load_all(path)


@settings(_FUZZ, max_examples=250)
@given(members=st.lists(st.tuples(
    st.one_of(st.sampled_from(_NAMES), st.sampled_from(_HOSTILE_NAMES), st.text(max_size=20),
              st.builds(lambda p, n: p + n, st.sampled_from(["", "export/", "a/b/", "x\\"]),
                        st.sampled_from(_NAMES))),
    _CONTENT), max_size=8))
def test_random_zips_of_random_members(tmp_path: Path, members: list[tuple[str, bytes]]) -> None:
    path = _fresh(tmp_path) / "random.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are part of the test
        for name, data in members:
            with contextlib.suppress(ValueError, IndexError, UnicodeEncodeError):
                out.writestr(name or "unnamed", data)
    load_all(path)


@settings(_FUZZ, max_examples=300)
@given(sample=st.sampled_from(sorted(_MEMBERS)), pick=st.integers(0, 1000), ops=_OPS,
       cut=st.one_of(st.none(), st.floats(0.05, 0.999)))
def test_mutated_fixtures(tmp_path: Path, sample: Path, pick: int,
                          ops: list[tuple[int, int, int, bytes]], cut: float | None) -> None:
    members = dict(_MEMBERS[sample])
    name = sorted(members)[pick % len(members)]
    members[name] = _mutate(members[name], ops)
    path = write_zip(_fresh(tmp_path) / "mutated.zip", members)
    if cut is not None:
        raw = path.read_bytes()
        path.write_bytes(raw[: int(len(raw) * cut)])
    load_all(path)


def _json_members(members: dict[str, bytes]) -> list[str]:
    return [n for n, d in members.items() if n.endswith((".json", ".js")) and _split_json(d)]


def _split_json(data: bytes) -> tuple[bytes, object] | None:
    """``(wrapper prefix, parsed value)`` for a JSON or JS-wrapped JSON member, else None."""
    starts = [i for i in (data.find(b"["), data.find(b"{")) if i >= 0]
    if not starts:
        return None
    cut = min(starts)
    try:
        return data[:cut], json.loads(data[cut:].decode("utf-8-sig").rstrip().rstrip(";"))
    except (ValueError, RecursionError):
        return None


def _reshape(value: object, target: int, replacement: object) -> object:
    """Replace the ``target``-th node (depth first) of a JSON value; type confusion for loaders."""
    counter = itertools.count()

    def walk(node: object) -> object:
        if next(counter) == target:
            return replacement
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(value)


_JSON_SAMPLES = sorted(s for s, m in _MEMBERS.items() if _json_members(m))


@settings(_FUZZ, max_examples=300)
@given(sample=st.sampled_from(_JSON_SAMPLES), pick=st.integers(0, 1000),
       targets=st.lists(st.integers(0, 400), min_size=1, max_size=3), replacement=_JSON)
def test_fixture_json_with_random_shapes(tmp_path: Path, sample: Path, pick: int,
                                         targets: list[int], replacement: object) -> None:
    members = dict(_MEMBERS[sample])
    names = _json_members(members)
    name = names[pick % len(names)]
    split = _split_json(members[name])
    assert split is not None
    prefix, value = split
    for target in targets:
        value = _reshape(value, target, replacement)
    members[name] = prefix + json.dumps(value).encode()
    load_all(write_zip(_fresh(tmp_path) / "reshaped.zip", members))


@settings(_FUZZ, max_examples=60)
@given(sample=st.sampled_from(SAMPLES), ops=_OPS, as_zip=st.booleans())
def test_inspect_never_raises(tmp_path: Path, sample: Path,
                              ops: list[tuple[int, int, int, bytes]], as_zip: bool) -> None:
    folder = _fresh(tmp_path)
    if sample.is_file():
        target = folder / sample.name
        target.write_bytes(_mutate(sample.read_bytes(), ops))
    else:
        members = {n: _mutate(d, ops) if i == 0 else d
                   for i, (n, d) in enumerate(folder_members(sample).items())}
        target = folder / "export"
        if as_zip:
            target = write_zip(folder / "export.zip", members)
        else:
            for name, data in members.items():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                (target / name).write_bytes(data)
    with no_writes(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        status = main(["inspect", "--include-messages", str(target)])
    assert status in (0, 2)


def test_the_write_guard_sees_writes(tmp_path: Path) -> None:
    """The guard used above is live: it notices a write when one happens."""
    with pytest.raises(AssertionError, match="probe"), no_writes():
        (tmp_path / "probe").open("wb").close()
    with pytest.raises(AssertionError, match=r"os\.mkdir"), no_writes():
        os.mkdir(tmp_path / "dir")
