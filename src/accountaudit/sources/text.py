"""Shared text cleaning for loaders: decoding with a clear fallback order, HTML entities."""

from __future__ import annotations

import html


def decode(data: bytes, warnings: list[str], where: str) -> str:
    """Decode strict UTF-8, then UTF-8 with BOM, then cp1252 (warned); NULs are dropped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16", errors="replace")
            warnings.append(f"{where}: read as UTF-16")
        else:
            text = data.decode("cp1252", errors="replace")
            warnings.append(f"{where}: not valid UTF-8; read as Windows-1252")
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append(f"{where}: NUL characters were removed")
    return text


def unescape_html(text: str) -> str:
    """X and others HTML-escape text (``&amp;``); checks and evidence need the real characters."""
    return html.unescape(text) if "&" in text else text
