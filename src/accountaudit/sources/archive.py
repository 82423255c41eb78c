"""Read-only access to a zip or a folder, without ever extracting anything to disk.

Archives come from people under investigation, so member names are checked (no absolute paths,
no ``..``, no links, no control characters), zip bombs are refused from the directory alone
(ratio, overlapping members, total size, member count) before anything is decompressed, and
everything read from one zip counts against a budget. Anything refused becomes a warning naming
the member; a source with nothing readable is one InputError naming the file.
"""

from __future__ import annotations

import fnmatch
import io
import os
import stat
import zipfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

from accountaudit.errors import InputError
from accountaudit.sources.zipdir import (
    ZIP_ERRORS,
    DamagedMemberError,
    MemberStream,
    PatchedFile,
    bad_utf8_names,
    describe,
    find_directory,
    safe_name,
    shown,
    unprintable,
)

__all__ = ["MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_RATIO", "MAX_TOTAL_READ", "ArchiveView",
           "DamagedMemberError", "FolderView", "ZipView", "is_zip", "open_view", "shown"]

MAX_MEMBER_BYTES = 1 << 30  # a single member larger than 1 GiB expanded is refused
MAX_RATIO = 200  # expanded/compressed above this (for members over 1 MiB) looks like a zip bomb
RATIO_FLOOR = 1 << 20  # smaller members cannot do harm alone; the total budget covers many
MAX_MEMBERS = 200_000
MAX_TOTAL_READ = 8 << 30  # everything decompressed from one zip, across all members and reads
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                      zipfile.ZIP_LZMA})
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


class ArchiveView(ABC):
    """A source's files by relative POSIX name; loaders read only through this."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._names: list[str] = []

    def names(self) -> list[str]:
        """Every readable file name, sorted."""
        return self._names

    def exists(self, name: str) -> bool:
        """True if ``name`` is a readable file in the view."""
        return name in self._name_set

    def glob(self, pattern: str) -> list[str]:
        """Names matching a shell pattern (``*`` does not cross ``/``), sorted."""
        return [n for n in self._names if fnmatch.fnmatchcase(n, pattern)
                and n.count("/") == pattern.count("/")]

    def find_root(self, markers: list[str], max_depth: int = 4) -> str | None:
        """The shortest folder prefix under which one of ``markers`` exists, e.g. ``export/``.

        Handles zips with a top-level folder and folders unpacked twice (``export/export/``).
        """
        best: str | None = None
        for name in self._names:
            for marker in markers:
                if name == marker:
                    return ""
                if name.endswith("/" + marker):
                    prefix = name[: -len(marker)]
                    if prefix.count("/") <= max_depth and (best is None or len(prefix) < len(best)):
                        best = prefix
        return best

    def read_bytes(self, name: str) -> bytes:
        """The whole member; raises InputError naming the member if it cannot be read.

        The size is checked first, so a huge member is refused before any memory is used.
        """
        if self.size(name) > MAX_MEMBER_BYTES:
            raise InputError(self.path, f"member {shown(name)} is larger than 1 GiB; "
                                        "it was not read")
        with self.open(name) as fh:
            return fh.read()

    @abstractmethod
    def size(self, name: str) -> int:
        """The member's size in bytes (expanded), without reading it."""

    @property
    def _name_set(self) -> frozenset[str]:
        cached = getattr(self, "_set_cache", None)
        if cached is None:
            cached = frozenset(self._names)
            self._set_cache = cached
        return cached

    @abstractmethod
    def open(self, name: str) -> BinaryIO:
        """Open a member for reading in binary mode."""

    def close(self) -> None:  # noqa: B027 - folders hold no handle; zips override
        """Release any open handle."""

    def __enter__(self) -> ArchiveView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _finish(self, kind: str) -> None:
        """Refuse a source with nothing readable; name any zip inside it, which is not opened."""
        if not self._names:
            if self.warnings:
                raise InputError(self.path, f"has no file that can be read safely "
                                            f"({len(self.warnings):,} refused; the first: "
                                            f"{self.warnings[0]})")
            raise InputError(self.path, f"is an empty {kind}")
        nested = [n for n in self._names if n.lower().endswith(".zip") and self._holds_zip(n)]
        others = [n for n in self._names if n not in nested and not n.endswith(_JUNK)
                  and not n.startswith("__MACOSX/")]
        if nested and not others:
            listed = ", ".join(shown(n) for n in nested[:3]) + (", ..." if len(nested) > 3 else "")
            raise InputError(self.path, f"holds only zip archives ({listed}), which are not "
                                        "opened from inside another; unzip it and open each "
                                        "inner archive instead")
        for name in nested:
            self.warnings.append(f"{shown(name)}: a zip archive inside this {kind} was not "
                                 "opened; unzip it and add it as a source of its own if it "
                                 "matters")

    def _holds_zip(self, name: str) -> bool:
        try:
            with self.open(name) as fh:
                return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
        except (InputError, OSError):
            return False


class FolderView(ArchiveView):
    """A folder on disk; links and special files are refused so nothing outside is read."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._names = sorted(self._walk())
        self._finish("folder")

    def _walk(self) -> list[str]:
        """Regular files only, without following links; iterative, so depth cannot overflow."""
        names: list[str] = []
        pending = [""]
        while pending:
            rel = pending.pop()
            try:
                with os.scandir(self.path / rel if rel else self.path) as entries:
                    listed = list(entries)
            except OSError as exc:
                self.warnings.append(f"{shown(rel or '.')}: this folder could not be read "
                                     f"({exc.strerror or exc})")
                continue
            for entry in listed:
                child = f"{rel}/{entry.name}" if rel else entry.name
                kind = self._kind(entry)
                if kind == "dir":
                    pending.append(child)
                elif kind == "file" and unprintable(child):
                    self.warnings.append(f"{shown(child)}: not read, its name holds control "
                                         "characters or bytes that are not text")
                elif kind == "file":
                    names.append(child)
                    if len(names) > MAX_MEMBERS:
                        raise InputError(self.path, f"holds more than {MAX_MEMBERS:,} files, "
                                                    "more than an export can plausibly hold")
                else:
                    self.warnings.append(f"{shown(child)}: {kind}")
        return names

    @staticmethod
    def _kind(entry: os.DirEntry[str]) -> str:
        try:
            if entry.is_symlink() or (os.name == "nt" and getattr(
                    entry.stat(follow_symlinks=False), "st_file_attributes", 0)
                    & stat.FILE_ATTRIBUTE_REPARSE_POINT):  # NTFS junctions too
                return "a link was not followed"
            if entry.is_dir(follow_symlinks=False):
                return "dir"
            if entry.is_file(follow_symlinks=False):
                return "file" if os.access(entry.path, os.R_OK) else (
                    "could not be read (permission denied), so it was skipped")
        except OSError as exc:
            return f"could not be read ({exc.strerror or exc})"
        return "not a regular file, so it was not read"

    def size(self, name: str) -> int:
        """The file's size on disk."""
        if name not in self._name_set:
            raise InputError(self.path, f"there is no file {shown(name)} in this folder")
        try:
            return os.stat(self.path / name, follow_symlinks=False).st_size
        except OSError as exc:
            raise InputError(self.path / name, f"cannot be read ({exc.strerror})") from None

    def open(self, name: str) -> BinaryIO:
        """Open read-only; ``name`` must be one of ``names()``; never follows a link."""
        if name not in self._name_set:
            raise InputError(self.path, f"there is no file {shown(name)} in this folder")
        flags = (os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_NONBLOCK", 0))
        try:
            fd = os.open(self.path / name, flags)
        except OSError as exc:
            raise InputError(self.path / name, f"cannot be read ({exc.strerror})") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced since the folder was listed
            os.close(fd)
            raise InputError(self.path / name, "is no longer a regular file; it was not read")
        return os.fdopen(fd, "rb")


class ZipView(ArchiveView):
    """A zip read in place; unsafe, encrypted or bomb-like members are skipped with a warning."""

    def __init__(self, path: Path, read_budget: int | None = None) -> None:
        super().__init__(path)
        self.read_budget = MAX_TOTAL_READ if read_budget is None else read_budget
        self.read_total = 0
        self._zip, self._bad_names, self._handle = _open_zip(path)
        try:
            self._infos: dict[str, zipfile.ZipInfo] = {}
            for info in self._zip.infolist():
                self._admit(info)
            self._refuse_overlaps()
            self._refuse_bomb(path)
            self._names = sorted(self._infos)
            self._finish("zip archive")
        except BaseException:
            self.close()
            raise

    def _admit(self, info: zipfile.ZipInfo) -> None:
        if info.is_dir():
            return
        safe = safe_name(info.filename)
        problem = _refusal(info, safe, self._bad_names)
        raw = info.orig_filename.encode("cp437", "replace")
        name = shown(raw.decode("utf-8", "replace") if raw in self._bad_names else info.filename)
        if problem is not None:
            self.warnings.append(f"{name}: refused, {problem}")
        elif safe in self._infos:
            self.warnings.append(f"{name}: a second member with the same name was ignored")
        elif safe is not None:
            self._infos[safe] = info

    def _refuse_overlaps(self) -> None:
        """Members sharing compressed data are the classic bomb; refuse every one involved."""
        ordered = sorted(self._infos.items(), key=lambda kv: kv[1].header_offset)
        overlapping: set[str] = set()
        end, owner = -1, ""
        for name, info in ordered:
            if info.header_offset < end:
                overlapping.update((owner, name))
            if info.header_offset + 30 + info.compress_size > end:  # 30: a local header's size
                end, owner = info.header_offset + 30 + info.compress_size, name
        for name in sorted(overlapping):
            del self._infos[name]
            self.warnings.append(f"{shown(name)}: refused, its data overlaps another member's "
                                 "(a zip bomb)")

    def _refuse_bomb(self, path: Path) -> None:
        expanded = sum(i.file_size for i in self._infos.values())
        size = path.stat().st_size
        if expanded > RATIO_FLOOR and expanded > MAX_RATIO * max(size, 1):
            raise InputError(path, f"would expand from {size:,} bytes to {expanded:,} bytes, "
                                   f"more than {MAX_RATIO} times; this looks like a zip bomb, "
                                   "so nothing in it was read")

    def open(self, name: str) -> BinaryIO:
        """Open a member for streaming; damage found while reading raises DamagedMemberError."""
        info = self._infos.get(name)
        if info is None:
            raise InputError(self.path, f"there is no member {shown(name)} in this archive")
        self.charge(0, name)
        try:
            inner = self._zip.open(info)
        except ZIP_ERRORS as exc:
            raise DamagedMemberError(self.path, f"member {shown(name)} cannot be read "
                                                f"({describe(exc)})") from None
        return io.BufferedReader(MemberStream(self, name, inner), buffer_size=64 << 10)

    def size(self, name: str) -> int:
        """The member's declared expanded size (reading never returns more)."""
        info = self._infos.get(name)
        if info is None:
            raise InputError(self.path, f"there is no member {shown(name)} in this archive")
        return info.file_size

    def read_bytes(self, name: str) -> bytes:
        """Read a member, turning corrupt-data errors into InputError naming the member."""
        try:
            return super().read_bytes(name)
        except InputError:
            raise
        except ZIP_ERRORS as exc:
            raise DamagedMemberError(self.path, f"member {shown(name)} is damaged "
                                                f"({describe(exc)})") from None

    def charge(self, count: int, name: str) -> None:
        """Count decompressed bytes against the archive's budget; refuse once it is spent."""
        self.read_total += count
        if self.read_total > self.read_budget:
            raise DamagedMemberError(
                self.path, f"member {shown(name)} was not read to the end: this archive has "
                           f"already expanded to more than {self.read_budget:,} bytes in "
                           "total, which looks like a zip bomb")

    def close(self) -> None:
        """Close the zip file and its handle."""
        self._zip.close()
        self._handle.close()


def _refusal(info: zipfile.ZipInfo, safe: str | None, bad_names: set[bytes]) -> str | None:
    """Why a member must not be read, from its directory entry alone; None when it is fine."""
    if bad_names and info.orig_filename.encode("cp437", "replace") in bad_names:
        return "its name is not valid UTF-8 although the archive says it is"
    if safe is None:
        return "its path points outside the archive"
    if unprintable(safe):
        return "its name holds control characters, which no export uses"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "it is a symbolic link"
    if info.flag_bits & 0x1:
        return "it is encrypted"
    if info.compress_type not in _METHODS:
        return f"it uses a compression method ({info.compress_type}) that cannot be read"
    if info.file_size > MAX_MEMBER_BYTES:
        return "it expands to more than 1 GiB"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"it expands {MAX_RATIO}+ times (a zip bomb)"
    return None


def _open_zip(path: Path) -> tuple[zipfile.ZipFile, set[bytes], BinaryIO]:
    """Open without trusting the directory: count first, then recover from bad UTF-8 names."""
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - owned by the ZipFile below
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    try:
        directory = find_directory(handle, os.fstat(handle.fileno()).st_size)
        if directory is not None and directory.entries > MAX_MEMBERS:
            raise InputError(path, f"has {directory.entries:,} members, more than the "
                                   f"{MAX_MEMBERS:,} an export can plausibly hold")
        bad: set[bytes] = set()
        try:
            archive = zipfile.ZipFile(handle)
        except UnicodeDecodeError:
            if directory is None:
                raise
            patches, names = bad_utf8_names(handle, directory)
            bad = set(names)
            archive = zipfile.ZipFile(PatchedFile(handle, patches))  # type: ignore[arg-type]
        return archive, bad, handle
    except InputError:
        handle.close()
        raise
    except ZIP_ERRORS as exc:
        handle.close()
        raise InputError(path, f"is not a readable zip archive: {describe(exc)}") from None


def read_file_capped(path: Path) -> bytes | None:
    """A whole single-file source, or None when it is larger than ``MAX_MEMBER_BYTES``.

    The size is checked first because ``read(n)`` sets aside n bytes however small the file is.
    OSError propagates so each caller words its own message.
    """
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size > MAX_MEMBER_BYTES:
            return None
        return fh.read()


def is_zip(path: Path) -> bool:
    """True if the file starts like a zip archive (by content, never by name)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def open_view(path: Path) -> ArchiveView:
    """A view over a folder or a zip; raises InputError for anything else."""
    if path.is_dir():
        return FolderView(path)
    if is_zip(path):
        return ZipView(path)
    raise InputError(path, "is neither a folder nor a zip archive")
