"""Read-only access to a zip or a folder, without ever extracting anything to disk.

Archives come from people under investigation, so member names are checked (no absolute paths,
no ``..``, no links) and reads are capped; anything refused becomes a warning that names the member.
"""

from __future__ import annotations

import fnmatch
import lzma
import os
import stat
import zipfile
import zlib
from abc import ABC, abstractmethod
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from accountaudit.errors import InputError

MAX_MEMBER_BYTES = 1 << 30  # a single member larger than 1 GiB expanded is refused
MAX_RATIO = 200  # expanded/compressed above this (for members over 1 MiB) looks like a zip bomb
MAX_MEMBERS = 200_000
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
               UnicodeDecodeError, RuntimeError, ValueError, lzma.LZMAError)


def _safe_name(name: str) -> str | None:
    """Normalise a member name to a relative POSIX path, or None if it escapes the root."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if any(p == ".." for p in parts) or not parts:
        return None
    return "/".join(parts)


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
        """The whole member; raises InputError naming the member if it cannot be read."""
        with self.open(name) as fh:
            data = fh.read(MAX_MEMBER_BYTES + 1)
        if len(data) > MAX_MEMBER_BYTES:
            raise InputError(self.path, f"member {name} is larger than 1 GiB; it was not read")
        return data

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


class FolderView(ArchiveView):
    """A folder on disk; symbolic links are refused so nothing outside the folder is read."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        names: list[str] = []
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
            base = Path(dirpath)
            for d in list(dirnames):
                if (base / d).is_symlink():
                    self.warnings.append(f"{(base / d).relative_to(path).as_posix()}: "
                                         "a link to another folder was not followed")
                    dirnames.remove(d)
            for f in filenames:
                full = base / f
                rel = full.relative_to(path).as_posix()
                if full.is_symlink():
                    self.warnings.append(f"{rel}: a link was not followed")
                    continue
                names.append(rel)
        self._names = sorted(names)

    def open(self, name: str) -> BinaryIO:
        """Open read-only; ``name`` must be one of ``names()``."""
        if name not in self._name_set:
            raise InputError(self.path, f"there is no file {name} in this folder")
        try:
            return open(self.path / name, "rb")
        except OSError as exc:
            raise InputError(self.path / name, f"cannot be read ({exc.strerror})") from None


class ZipView(ArchiveView):
    """A zip read in place; unsafe, encrypted or bomb-like members are skipped with a warning."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except _ZIP_ERRORS as exc:
            raise InputError(path, f"is not a readable zip archive ({_describe(exc)})") from None
        if len(infos) > MAX_MEMBERS:
            self._zip.close()
            raise InputError(path, f"has {len(infos):,} members, more than the "
                                   f"{MAX_MEMBERS:,} an export can plausibly hold")
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._admit(info)
        self._names = sorted(self._infos)

    def _admit(self, info: zipfile.ZipInfo) -> None:
        if info.is_dir():
            return
        safe = _safe_name(info.filename)
        if safe is None:
            self.warnings.append(f"{info.filename}: refused, its path points outside the archive")
        elif stat.S_ISLNK(info.external_attr >> 16):
            self.warnings.append(f"{info.filename}: refused, it is a symbolic link")
        elif info.flag_bits & 0x1:
            self.warnings.append(f"{info.filename}: refused, it is encrypted")
        elif info.file_size > MAX_MEMBER_BYTES:
            self.warnings.append(f"{info.filename}: refused, it expands to more than 1 GiB")
        elif info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            self.warnings.append(f"{info.filename}: refused, it expands {MAX_RATIO}+ times "
                                 "(a zip bomb)")
        elif safe in self._infos:
            self.warnings.append(f"{info.filename}: a second member with the same name was ignored")
        else:
            self._infos[safe] = info

    def open(self, name: str) -> BinaryIO:
        """Open a member for streaming; errors name the archive and the member."""
        info = self._infos.get(name)
        if info is None:
            raise InputError(self.path, f"there is no member {name} in this archive")
        try:
            return self._zip.open(info)
        except _ZIP_ERRORS as exc:
            raise InputError(self.path,
                             f"member {name} cannot be read ({_describe(exc)})") from None

    def read_bytes(self, name: str) -> bytes:
        """Read a member, turning corrupt-data errors into InputError naming the member."""
        try:
            return super().read_bytes(name)
        except _ZIP_ERRORS as exc:
            raise InputError(self.path, f"member {name} is damaged ({_describe(exc)})") from None

    def close(self) -> None:
        """Close the zip file."""
        self._zip.close()


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text if text else type(exc).__name__


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
