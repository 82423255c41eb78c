"""Bytes to text with one fallback order for every loader, whole or in chunks.

Order: a byte-order mark decides; else strict UTF-8; where UTF-8 fails, only the failing bytes
are read as Windows-1252 (files mixing both are common after hand edits); a UTF-16 file without
a byte-order mark is recognised last, from its pattern of NUL bytes. NULs are always dropped.
"""

from __future__ import annotations

import codecs
import re
import threading

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_SAMPLE = 4096
_HIGH = bytes(range(0x80, 0x100))


def decode_mixed(data: bytes | memoryview) -> tuple[str, int]:
    """UTF-8 where it is valid, Windows-1252 for each byte sequence where it is not.

    Returns the text and how many bytes needed the fallback. Linear in the input: the
    fallback is a codec error handler, so the C decoder never restarts.
    """
    view = memoryview(data)
    try:
        return codecs.utf_8_decode(view, "strict", True)[0], 0
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(view) is None:  # no UTF-8 at all: plain Windows-1252
        raw = bytes(view)
        return raw.decode("cp1252", "replace"), len(raw) - len(raw.translate(None, _HIGH))
    _TALLY.count = 0
    text = codecs.utf_8_decode(view, _FALLBACK, True)[0]
    return text, _TALLY.count


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start: exc.end]
    _TALLY.count = getattr(_TALLY, "count", 0) + len(bad)
    return bytes(bad).decode("cp1252", "replace"), exc.end


_FALLBACK = "accountaudit-cp1252"
_TALLY = threading.local()
codecs.register_error(_FALLBACK, _cp1252_fallback)


def guess_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NULs sit on every other byte, as in UTF-16 text."""
    sample = data[:_SAMPLE]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Decode a whole file; the notes say (in plain words) every fallback that was needed."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, broken = _utf16(data, "utf-16")
        notes.append("read as UTF-16" + broken)
    else:
        guessed = guess_utf16(data) if b"\x00" in data[:_SAMPLE] else None
        if guessed is not None:
            text, broken = _utf16(data, guessed)
            notes.append("read as UTF-16 (it has no byte-order mark)" + broken)
        else:
            text, bad = decode_mixed(data)
            if bad:
                notes.append(f"not valid UTF-8; {bad:,} byte(s) read as Windows-1252")
    if "\x00" in text:
        notes.append(f"{text.count(chr(0)):,} NUL character(s) were removed")
        text = text.replace("\x00", "")
    return text, notes


def _utf16(data: bytes, codec: str) -> tuple[str, str]:
    try:
        return data.decode(codec), ""
    except UnicodeDecodeError:
        return data.decode(codec, errors="replace"), "; broken characters are shown as \ufffd"


class StreamDecoder:
    """The same fallbacks as ``decode_bytes``, for a file read in chunks (bounded memory).

    ``declared`` is an encoding the file names itself (an XML declaration); it is used when it
    is neither UTF-8 nor UTF-16 and Python knows it.
    """

    def __init__(self, declared: str | None = None) -> None:
        self.declared = declared
        self.notes: list[str] = []
        self.bad_bytes = 0
        self.nuls = 0
        self._start = b""
        self._mode: str | None = None
        self._pending = b""
        self._other: codecs.IncrementalDecoder | None = None

    def decode(self, chunk: bytes, final: bool = False) -> str:
        """Text for ``chunk``; an incomplete character at its end waits for the next one."""
        if self._mode is None:
            self._start += chunk
            if len(self._start) < _SAMPLE and not final:
                return ""
            chunk, self._start = self._choose(self._start), b""
        if self._other is not None:
            text = self._other.decode(chunk, final)
        else:
            data = self._pending + chunk
            cut = len(data) if final else _complete(data)
            self._pending = data[cut:]
            text, bad = decode_mixed(data[:cut])
            self.bad_bytes += bad
        if "\x00" in text:
            self.nuls += text.count("\x00")
            text = text.replace("\x00", "")
        if final:
            self._summarise()
        return text

    def _choose(self, head: bytes) -> bytes:
        if head.startswith(b"\xef\xbb\xbf"):
            self._mode = "utf-8"
            return head[3:]
        guessed = None
        if head.startswith(b"\xff\xfe"):
            guessed = "utf-16-le"
        elif head.startswith(b"\xfe\xff"):
            guessed = "utf-16-be"
        elif b"\x00" in head:
            guessed = guess_utf16(head)
        if guessed is not None:
            self._mode = guessed
            self._other = codecs.getincrementaldecoder(guessed)(errors="replace")
            self.notes.append("read as UTF-16")
            return head[2:] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head
        self._mode = "utf-8"
        other = _python_codec(self.declared)
        if other is not None:
            self._mode = other
            self._other = codecs.getincrementaldecoder(other)(errors="replace")
        return head

    def _summarise(self) -> None:
        if self.bad_bytes:
            self.notes.append(f"not valid UTF-8; {self.bad_bytes:,} byte(s) read as "
                              "Windows-1252")
        if self.nuls:
            self.notes.append(f"{self.nuls:,} NUL character(s) were removed")


def _python_codec(declared: str | None) -> str | None:
    """Python's name for a declared single-file encoding other than UTF-8/UTF-16, if known."""
    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return None
    if name in ("utf-8", "utf-8-sig", "ascii") or name.startswith("utf-16"):
        return None
    return name


def _complete(data: bytes) -> int:
    """Length of ``data`` without a UTF-8 sequence cut off at its end."""
    for back in range(1, min(4, len(data) + 1)):
        byte = data[-back]
        if byte & 0xC0 == 0x80:
            continue
        if byte >= 0xC0:
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) - back if need > back else len(data)
        return len(data)
    return len(data)

