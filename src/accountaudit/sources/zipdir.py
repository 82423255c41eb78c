"""Zip internals for the archive view: directory checks, member streams, names safe to show.

Two hostile cases need the raw central directory before ``zipfile`` trusts it: a member count
large enough to exhaust memory while ``zipfile`` parses it, and an entry name flagged UTF-8 that
is not, which makes ``zipfile`` refuse the whole archive (fixed by an in-memory overlay; nothing
is written). Member streams count what they decompress and name the member in every error.
"""

from __future__ import annotations

import bisect
import io
import lzma
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO, Protocol

from accountaudit.errors import InputError

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record (22 bytes)
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end record (56 bytes)
_LOCATOR64 = 20  # zip64 end record locator, just before the end record
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # central directory entry (46 bytes)
_FLAG_OFFSET = 8  # where flag_bits sits inside a central directory entry
_UTF8_FLAG = 0x800
_MAX_COMMENT = 0xFFFF


@dataclass(frozen=True, slots=True)
class Directory:
    """Where the central directory is and how many entries it declares."""

    entries: int
    start: int
    size: int


def find_directory(fh: BinaryIO, file_size: int) -> Directory | None:
    """Read the end record (zip64 too); None when there is none (a truncated download)."""
    tail_len = min(file_size, _EOCD.size + _MAX_COMMENT)
    fh.seek(file_size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    while pos >= 0 and pos + _EOCD.size > len(tail):
        pos = tail.rfind(b"PK\x05\x06", 0, pos)
    if pos < 0:
        return None
    fields = _EOCD.unpack_from(tail, pos)
    entries, size, offset = fields[4], fields[5], fields[6]
    at = file_size - tail_len + pos
    if entries == 0xFFFF or 0xFFFFFFFF in (size, offset):
        record_at = at - _LOCATOR64 - _EOCD64.size
        if record_at >= 0:
            fh.seek(record_at)
            raw = fh.read(_EOCD64.size)
            if len(raw) == _EOCD64.size and raw.startswith(b"PK\x06\x06"):
                big = _EOCD64.unpack(raw)
                entries, size, at = big[7], big[8], record_at
    return Directory(entries=entries, start=max(at - size, 0), size=size)


def bad_utf8_names(fh: BinaryIO, directory: Directory) -> tuple[dict[int, int], list[bytes]]:
    """Byte patches clearing the UTF-8 flag of entries whose names are not UTF-8, and the names.

    With the flag cleared ``zipfile`` reads those names as cp437 instead of failing on them;
    the caller then refuses exactly those members and admits the rest.
    """
    fh.seek(directory.start)
    data = fh.read(directory.size)
    patches: dict[int, int] = {}
    names: list[bytes] = []
    pos = 0
    while pos + _CENTRAL.size <= len(data):
        fields = _CENTRAL.unpack_from(data, pos)
        if fields[0] != b"PK\x01\x02":
            break
        flags, name_len, extra_len, comment_len = fields[5], fields[12], fields[13], fields[14]
        raw = data[pos + _CENTRAL.size: pos + _CENTRAL.size + name_len]
        if flags & _UTF8_FLAG:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                patched = struct.pack("<H", flags & ~_UTF8_FLAG)
                at = directory.start + pos + _FLAG_OFFSET
                patches[at], patches[at + 1] = patched[0], patched[1]
                names.append(raw)
        pos += _CENTRAL.size + name_len + extra_len + comment_len
    return patches, names


class PatchedFile:
    """A read-only file whose bytes at a few offsets read differently, for ``zipfile`` only."""

    def __init__(self, fh: BinaryIO, patches: dict[int, int]) -> None:
        self._fh = fh
        self._patches = patches
        self._offsets = sorted(patches)
        self.name = getattr(fh, "name", None)

    def read(self, size: int = -1) -> bytes:
        """Read from the underlying file, applying any patch that falls inside the range."""
        start = self._fh.tell()
        data = self._fh.read(size)
        first = bisect.bisect_left(self._offsets, start)
        last = bisect.bisect_left(self._offsets, start + len(data))
        if first == last:
            return data
        buffer = bytearray(data)
        for offset in self._offsets[first:last]:
            buffer[offset - start] = self._patches[offset]
        return bytes(buffer)

    def seek(self, offset: int, whence: int = 0) -> int:
        """Move within the underlying file."""
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        """Position in the underlying file."""
        return self._fh.tell()

    def seekable(self) -> bool:
        """Always: it is a file on disk."""
        return True

    def close(self) -> None:
        """Close the underlying file."""
        self._fh.close()


# What zipfile raises on damage: not only BadZipFile (formats.md, Addendum "Zip reading").
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
              UnicodeDecodeError, RuntimeError, ValueError, lzma.LZMAError)
_CHUNK = 1 << 20
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class DamagedMemberError(InputError, OSError):
    """A member could not be read to the end (corrupt data, bad checksum, read limit).

    It is also an OSError, so a loader that already skips a file it cannot read skips this one.
    """


def safe_name(name: str) -> str | None:
    """Normalise a member name to a relative POSIX path, or None if it escapes the root."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if any(p == ".." for p in parts) or not parts:
        return None
    return "/".join(parts)


def unprintable(name: str) -> bool:
    """Control characters or undecodable bytes (surrogates) in a name: unsafe to show or store."""
    return not name.isprintable() and any(
        unicodedata.category(c) in ("Cc", "Cs") for c in name)


def shown(name: str) -> str:
    """A member name safe to print: control and direction-changing characters escaped."""
    if name.isprintable() and not _BIDI.intersection(name):
        return name
    return "".join(c if c.isprintable() and c not in _BIDI
                   and unicodedata.category(c) != "Cf" else f"\\u{ord(c):04x}" for c in name)


class Budget(Protocol):
    """What a member stream needs from its archive: where it is, and the shared read budget."""

    path: Any

    def charge(self, count: int, name: str) -> None:
        """Count ``count`` decompressed bytes; raise DamagedMemberError when over budget."""


class MemberStream(io.RawIOBase):
    """One member's bytes, counted against the budget, with errors naming the member."""

    def __init__(self, view: Budget, name: str, inner: BinaryIO) -> None:
        super().__init__()
        self._view, self._name, self._inner = view, name, inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._guarded(self._inner.read, len(buffer))
        self._view.charge(len(data), self._name)
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        parts: list[bytes] = []
        while chunk := self._guarded(self._inner.read, _CHUNK):
            self._view.charge(len(chunk), self._name)
            parts.append(chunk)
        return b"".join(parts)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        before = self._inner.tell()
        after = self._guarded(self._inner.seek, offset, whence)
        self._view.charge(max(after - before, 0), self._name)
        return after

    def tell(self) -> int:
        return self._inner.tell()

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
        super().close()

    def _guarded(self, call: Callable[..., Any], *args: Any) -> Any:
        try:
            return call(*args)
        except ZIP_ERRORS as exc:
            if isinstance(exc, InputError):
                raise
            raise DamagedMemberError(self._view.path, f"member {shown(self._name)} is damaged: "
                                                      f"{describe(exc)}") from None


_PLAIN = (("File is not a zip file", "its table of contents is missing, so it is probably "
           "truncated (an incomplete download?)"),
          ("Bad CRC-32", "its checksum does not match its content"),
          ("Error -3", "its compressed data is corrupt"),
          ("Compressed file ended", "it ends early; the archive may be truncated"),
          ("Bad magic number", "its entry in the archive is corrupt"),
          ("Overlapped entries", "its data overlaps another member's (a zip bomb)"),
          ("differ", "its entry in the archive is corrupt"))


def describe(exc: BaseException) -> str:
    """The error in plain words, with the library's own text in brackets."""
    text = str(exc).strip() or type(exc).__name__
    for needle, plain in _PLAIN:
        if needle in text:
            return f"{plain} ({text})"
    return text
