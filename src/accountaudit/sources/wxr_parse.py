"""Stream a WordPress export (WXR) into plain records, safely and in bounded memory.

Parsing goes through defusedxml, so entity declarations (billion laughs) and external entities
are refused. The file is decoded in chunks with the loaders' usual fallbacks, control characters
XML forbids are dropped, and a prefix used without being declared (WordPress.com's 2012 export
writes ``atom:link`` without ``xmlns:atom``) is declared and the file read again. Damage keeps
every entry read before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from accountaudit.errors import InputError
from accountaudit.sources.decoding import StreamDecoder

CHUNK = 1 << 20
MAX_DEPTH = 200
MAX_RETRIES = 4
_UNBOUND = expat_errors.codes[expat_errors.XML_ERROR_UNBOUND_PREFIX]
_NO_ELEMENTS = expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS]
_KNOWN_URIS = {"http://purl.org/rss/1.0/modules/content/": "content",
               "http://purl.org/dc/elements/1.1/": "dc",
               "http://wellformedweb.org/CommentAPI/": "wfw",
               "http://www.w3.org/2005/Atom": "atom"}
_UNDECLARED = "urn:accountaudit:undeclared:"
_ATOM = "http://www.w3.org/2005/Atom"
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = re.compile(rb"""\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]{1,40})""")
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.S)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.:-]*)")
_PREFIXED = re.compile(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[\w.-]+\s*=")
_ITEM_FIELDS = frozenset({"title", "link", "pubDate", "guid", "description", "dc:creator",
                          "content:encoded", "excerpt:encoded", "wp:post_id", "wp:post_date",
                          "wp:post_date_gmt", "wp:post_name", "wp:status", "wp:post_parent",
                          "wp:post_type", "wp:post_password", "wp:is_sticky",
                          "wp:attachment_url"})
_COMMENT_FIELDS = frozenset({"wp:comment_id", "wp:comment_author", "wp:comment_author_url",
                             "wp:comment_date", "wp:comment_date_gmt", "wp:comment_content",
                             "wp:comment_approved", "wp:comment_type", "wp:comment_parent",
                             "wp:comment_user_id"})
_CHANNEL_FIELDS = frozenset({"title", "link", "description", "language", "wp:wxr_version",
                             "wp:base_site_url", "wp:base_blog_url"})
_AUTHOR_FIELDS = frozenset({"wp:author_id", "wp:author_login", "wp:author_display_name"})
_META_KEYS = frozenset({"_thumbnail_id", "_wp_attached_file"})


@dataclass(slots=True)
class Record:
    """One ``<item>``: its fields by prefixed name, categories, comments and a few meta keys."""

    index: int
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    categories: list[tuple[str, str]] = field(default_factory=list)
    comments: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Channel:
    """Everything read from one WXR file, and how far reading got."""

    fields: dict[str, str] = field(default_factory=dict)
    authors: list[dict[str, str]] = field(default_factory=list)
    items: list[Record] = field(default_factory=list)
    complete: bool = False


class _TooDeep(Exception):
    """Elements nested far deeper than any WXR file; reading stops."""


class _Target:
    """Receives parser events and keeps only what the loader uses (no element tree)."""

    def __init__(self) -> None:
        self.channel = Channel()
        self.expat: Any = None
        self.prefixes: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._stack: list[str] = []
        self._text: list[str] = []
        self._item: Record | None = None
        self._comment: dict[str, str] | None = None
        self._comment_line = 0
        self._author: dict[str, str] | None = None
        self._meta: list[str] = []
        self._domain = "category"

    def start_ns(self, prefix: str, uri: str) -> None:
        self.prefixes.setdefault(uri, prefix or "")

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = self._short(tag)
        parent = self._stack[-1] if self._stack else ""
        self._stack.append(name)
        if len(self._stack) > MAX_DEPTH:
            raise _TooDeep
        self._text = []
        if name == "item" and parent == "channel":
            line = self.expat.CurrentLineNumber if self.expat is not None else 0
            self._item = Record(index=len(self.channel.items), line=line)
        elif name == "wp:comment" and self._item is not None:
            self._comment = {}
            self._comment_line = self.expat.CurrentLineNumber if self.expat is not None else 0
        elif name == "wp:author" and parent == "channel":
            self._author = {}
        elif name == "wp:postmeta":
            self._meta = []
        elif name == "category":
            self._domain = attrib.get("domain", "category")

    def data(self, text: str) -> None:
        self._text.append(text)

    def end(self, tag: str) -> None:
        name = self._stack.pop()
        parent = self._stack[-1] if self._stack else ""
        value = "".join(self._text)
        self._text = []
        item, comment = self._item, self._comment
        if comment is not None and parent == "wp:comment" and name in _COMMENT_FIELDS:
            comment[name] = value
        elif comment is not None and name == "wp:comment" and item is not None:
            item.comments.append((self._comment_line, comment))
            self._comment = None
        elif item is not None and parent == "item":
            self._item_field(item, name, value)
        elif item is not None and name == "item":
            self.channel.items.append(item)
            self._item = None
        elif item is not None and parent == "wp:postmeta":
            self._meta.append(value)
            if len(self._meta) == 2 and self._meta[0] in _META_KEYS:
                item.meta[self._meta[0]] = self._meta[1]
        elif self._author is not None and parent == "wp:author" and name in _AUTHOR_FIELDS:
            self._author[name] = value
        elif self._author is not None and name == "wp:author":
            self.channel.authors.append(self._author)
            self._author = None
        elif parent == "channel" and name in _CHANNEL_FIELDS:
            self.channel.fields.setdefault(name, value)

    def _item_field(self, item: Record, name: str, value: str) -> None:
        if name == "category":
            item.categories.append((self._domain, value))
        elif name in _ITEM_FIELDS:
            item.fields.setdefault(name, value)

    def close(self) -> None:
        return None

    def _short(self, tag: str) -> str:
        """``{http://wordpress.org/export/1.2/}post_id`` -> ``wp:post_id``, whatever version."""
        short = self._names.get(tag)
        if short is None:
            if tag.startswith("{"):
                uri, _, local = tag[1:].partition("}")
                short = f"{_prefix_for(uri, self.prefixes)}:{local}"
            else:
                short = tag
            if len(self._names) < 10_000:
                self._names[tag] = short
        return short


def _prefix_for(uri: str, declared: dict[str, str]) -> str:
    bare = uri.removeprefix("https://").removeprefix("http://")
    if bare.startswith("wordpress.org/export/"):
        return "excerpt" if bare.rstrip("/").endswith("/excerpt") else "wp"
    if uri in _KNOWN_URIS:
        return _KNOWN_URIS[uri]
    if uri.startswith(_UNDECLARED):
        return uri[len(_UNDECLARED):]
    return declared.get(uri) or "?"


def declared_encoding(head: bytes) -> str | None:
    """The encoding an XML declaration names, if any (ASCII-compatible files only)."""
    match = _DECLARATION.match(head)
    return match.group(1).decode("ascii") if match else None


def parse_wxr(opener: Callable[[], BinaryIO], where: str, warnings: list[str]) -> Channel:
    """Parse one WXR file; every problem is a warning naming ``where``, never an exception.

    ``opener`` returns a fresh binary stream each time: the file is read again when an
    undeclared prefix has to be declared first.
    """
    added: dict[str, str] = {}
    for _ in range(MAX_RETRIES + 1):
        attempt = _Attempt(opener, where, added)
        missing = attempt.run()
        if not missing:
            if added:
                names = ", ".join(sorted(added))
                warnings.append(f"{where}: uses the XML prefix(es) {names} without declaring "
                                "them (a known fault of older WordPress.com exports); they "
                                "were declared so the file could be read")
            warnings.extend(attempt.warnings)
            return attempt.target.channel
        added.update(missing)
    warnings.extend(attempt.warnings)
    return attempt.target.channel


class _Attempt:
    """One pass over the file; ``run`` returns prefixes to declare when one was unbound."""

    def __init__(self, opener: Callable[[], BinaryIO], where: str, added: dict[str, str]):
        self.opener, self.where, self.added = opener, where, added
        self.target = _Target()
        self.warnings: list[str] = []
        self._previous = ""
        self._current = ""
        self._sent_any = False
        self._controls = 0

    def run(self) -> dict[str, str]:
        try:
            stream = self.opener()
        except (InputError, OSError) as exc:
            self.warnings.append(f"{self.where}: skipped, it could not be read ({_why(exc)})")
            return {}
        try:
            with stream:
                return self._feed(stream)
        except ParseError as exc:
            return self._parse_error(exc)
        except DefusedXmlException as exc:
            self.warnings.append(f"{self.where}: refused, it declares an XML entity "
                                 f"({_entity(exc)}), which WordPress never writes and which "
                                 "can be used to attack the reader; nothing after the "
                                 "declaration was read")
        except _TooDeep:
            self.warnings.append(f"{self.where}: elements are nested more than {MAX_DEPTH} "
                                 f"deep, which no WordPress export does; {self._kept()}")
        except (InputError, OSError) as exc:
            self.warnings.append(f"{self.where}: could not be read to the end ({_why(exc)}); "
                                 f"{self._kept()}")
        return {}

    def _feed(self, stream: BinaryIO) -> dict[str, str]:
        chunk = stream.read(CHUNK)
        decoder = StreamDecoder(declared_encoding(chunk))
        parser = DefusedXMLParser(target=self.target)
        self.target.expat = parser.parser
        declare = bool(self.added)
        while True:
            final = not chunk
            text = decoder.decode(chunk, final=final)
            if declare and text:
                text, declare = self._declare(text), False
            self._send(parser, text)
            if final:
                break
            chunk = stream.read(CHUNK)
        self._encoding_notes(decoder)
        parser.close()
        self.target.channel.complete = True
        return {}

    def _send(self, parser: DefusedXMLParser, text: str) -> None:
        if not text:
            return
        if _FORBIDDEN.search(text):
            self._controls += len(_FORBIDDEN.findall(text))
            text = _FORBIDDEN.sub("", text)
        self._previous = self._current[-4096:]
        self._current = text
        self._sent_any = self._sent_any or not text.isspace()
        parser.feed(text)

    def _declare(self, text: str) -> str:
        pos = 0
        while (match := _PROLOG.match(text, pos)) is not None and match.end() > pos:
            pos = match.end()
        root = _ROOT.match(text, pos)
        if root is None:
            return text
        extra = "".join(f' xmlns:{p}="{uri}"' for p, uri in sorted(self.added.items()))
        return text[: root.end()] + extra + text[root.end():]

    def _parse_error(self, exc: ParseError) -> dict[str, str]:
        if exc.code == _UNBOUND:
            missing = self._undeclared()
            if missing:
                return missing
        line, column = exc.position
        if exc.code == _NO_ELEMENTS and self.target.channel.items:
            problem = f"it ends early at line {line}, so it may be truncated"
        elif exc.code == _NO_ELEMENTS and not self._sent_any:
            problem = "it is empty"
        else:
            problem = f"the XML is damaged at line {line}, column {column + 1} ({_msg(exc)})"
        self.warnings.append(f"{self.where}: {problem}; {self._kept()}")
        return {}

    def _undeclared(self) -> dict[str, str]:
        known = set(self.target.prefixes.values()) | set(self.added) | {"xml", "xmlns"}
        found: dict[str, str] = {}
        for match in _PREFIXED.finditer(self._previous + self._current):
            prefix = match.group(1) or match.group(2)
            if prefix and prefix not in known:
                found[prefix] = _ATOM if prefix == "atom" else _UNDECLARED + prefix
        return found

    def _kept(self) -> str:
        count = len(self.target.channel.items)
        return f"the {count:,} entr{'y' if count == 1 else 'ies'} before that point were loaded"

    def _encoding_notes(self, decoder: StreamDecoder) -> None:
        for note in decoder.notes:
            self.warnings.append(f"{self.where}: {note}")
        if self._controls:
            self.warnings.append(f"{self.where}: {self._controls:,} control character(s) that "
                                 "XML does not allow were removed")


def _msg(exc: ParseError) -> str:
    return str(exc).split(":", 1)[0]


def _entity(exc: DefusedXmlException) -> str:
    name = getattr(exc, "name", None)
    return f"'{name}'" if name else type(exc).__name__


def _why(exc: BaseException) -> str:
    return exc.problem if isinstance(exc, InputError) else (str(exc) or type(exc).__name__)
