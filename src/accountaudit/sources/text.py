"""Shared text cleaning for loaders: decoding with a clear fallback order, HTML, Meta mojibake."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from lxml import html as lxml_html

_MOJIBAKE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf]")
_BLOCKS = frozenset({"p", "br", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
                     "tr"})
_SKIP = frozenset({"script", "style", "template"})
_TAGS = re.compile(r"<[^<>]*>")  # [^<>] keeps a run of stray "<" linear
_BLOCK_TAGS = re.compile(r"</?(?:p|br|div|li|blockquote|h[1-6]|tr)\b[^>]*>", re.I)
_MANY_TAGS = 200


def decode(data: bytes, warnings: list[str], where: str) -> str:
    """Decode strict UTF-8 (a BOM is dropped); bytes that are not UTF-8 are read as cp1252.

    A UTF-16 file is recognised by its BOM, or, last, by its pattern of NUL bytes; NULs are
    dropped. Every fallback is a warning naming ``where`` (see ``decoding.decode_bytes``).
    """
    from accountaudit.sources.decoding import decode_bytes

    text, notes = decode_bytes(data)
    warnings.extend(f"{where}: {note}" for note in notes)
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
    """Readable text from HTML (Mastodon statuses, WordPress posts): blocks become new lines.

    lxml's forgiving HTML parser and one iterative walk: fast for short statuses, linear for
    long posts, and no recursion for hostile nesting.
    """
    if "<" not in markup:
        return unescape_html(markup)
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except Exception:
        return _strip_tags(markup)
    text = _tidy("".join(_walk(root)))
    if markup.count("<") > _MANY_TAGS:
        # libxml2 drops what lies deeper than ~256 levels: never let nesting hide words.
        stripped = _strip_tags(markup)
        if len("".join(text.split())) < len("".join(stripped.split())) // 2:
            return stripped
    return text


def _walk(root: Any) -> Iterator[str]:
    """Text and tails in document order, with a line break around every block element."""
    for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                yield "\n"
            if element.text and tag not in _SKIP:
                yield element.text
            continue
        if event == "end" and element is root:
            continue
        if tag in _BLOCKS:
            yield "\n"
        if element.tail:
            yield element.tail


def _strip_tags(markup: str) -> str:
    return _tidy(_TAGS.sub("", unescape_html(_BLOCK_TAGS.sub("\n", markup))))


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line).strip()
