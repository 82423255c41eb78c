"""Shared text cleaning for loaders: decoding with a clear fallback order, HTML, Meta mojibake."""

from __future__ import annotations

import html
import re
import warnings as _warnings

_MOJIBAKE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf]")
_BLOCKS = ("p", "br", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr")


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


def fix_meta_mojibake(text: str) -> str:
    """Undo Meta's export bug: UTF-8 bytes written as ``\\u00XX`` escapes (formats.md §2.5).

    ``"CafÃ©"`` becomes ``"Café"`` and emoji come back whole; text that is already right, or
    that mixes real non-Latin-1 characters, is returned unchanged.
    """
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def html_to_text(markup: str) -> str:
    """Readable text from HTML (Mastodon statuses, WordPress posts): blocks become new lines."""
    if "<" not in markup:
        return unescape_html(markup)
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line).strip()
