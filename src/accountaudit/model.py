"""Core records that travel between layers: sources, items, findings and their closed vocabularies.

Everything here is a frozen dataclass or an enum, so a stage can never change what an earlier
stage produced. This module imports nothing else from the package.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return _EMPTY


class Severity(StrEnum):
    """How much a finding matters, highest first (shared/spec/categories.md)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: 0 for high, 3 for info."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2, Severity.INFO: 3}


class Category(StrEnum):
    """Every finding belongs to exactly one of these categories."""

    IDENTITY_POLICE_ROLE = "identity.police-role"
    LANGUAGE_ABUSIVE = "language.abusive"
    LANGUAGE_DISCRIMINATORY = "language.discriminatory"
    LANGUAGE_SEXUAL = "language.sexual"
    CONDUCT_VIOLENCE = "conduct.violence"
    CONDUCT_SUBSTANCES = "conduct.substances"
    CONDUCT_POLITICAL = "conduct.political"
    CONDUCT_BUSINESS = "conduct.business"
    CONDUCT_EXTREMISM = "conduct.extremism"
    CONFIDENTIALITY_OPERATIONAL = "confidentiality.operational"
    CONFIDENTIALITY_PERSONAL_DATA = "confidentiality.personal-data"
    CONFIDENTIALITY_POLICE_SYSTEMS = "confidentiality.police-systems"
    CONNECTIONS_WATCHLIST = "connections.watchlist"
    CONTACT_INAPPROPRIATE = "contact.inappropriate"
    MEDIA_SEXUAL = "media.sexual"
    MEDIA_LOCATION = "media.location"
    MEDIA_POLICE_IMAGERY = "media.police-imagery"
    POSITIVE_ENGAGEMENT = "positive.engagement"


class ItemKind(StrEnum):
    """What an item is; likes are REACTION items because endorsing content is conduct too."""

    POST = "post"
    REPLY = "reply"
    COMMENT = "comment"
    SHARE = "share"
    MESSAGE = "message"
    PROFILE = "profile"
    CONNECTION = "connection"
    MEDIA = "media"
    REACTION = "reaction"


class Audience(StrEnum):
    """Who could see an item when it was posted."""

    PUBLIC = "public"
    FRIENDS = "friends"
    PRIVATE = "private"
    UNKNOWN = "unknown"


class Decision(StrEnum):
    """A reviewer's decision on a finding, fitting the Police (Conduct) Regulations 2020 process."""

    NOT_REVIEWED = "Not reviewed"
    NO_CONCERN = "No concern"
    ADVICE = "Advice / reflective practice"
    MANAGEMENT_ACTION = "Management action"
    REFER = "Refer for assessment"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an item came from, precisely enough to cite: file, member inside it, position."""

    source_id: str
    path: str
    index: int | None = None
    line: int | None = None

    def cite(self) -> str:
        """Human-readable location, e.g. ``data/tweets.js #12`` or ``posts.jsonl line 4``."""
        if self.line is not None:
            return f"{self.path} line {self.line}"
        if self.index is not None:
            return f"{self.path} #{self.index}"
        return self.path


@dataclass(frozen=True, slots=True)
class MediaRef:
    """An attached file: its path inside the source (if shipped) and/or its original URL."""

    path: str | None = None
    url: str | None = None
    kind: str = "image"


@dataclass(frozen=True, slots=True)
class Source:
    """One loaded input: an archive, a folder or a JSONL file, with its integrity hash."""

    id: str
    path: str
    platform: str
    layout: str
    sha256: str
    size: int
    loader: str
    account: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One post, reply, message, connection, like or profile, in one shape for every platform.

    ``text`` is cleaned for checks (entities unescaped, links expanded); ``text_raw`` is as
    exported.
    """

    source_id: str
    id: str
    platform: str
    kind: ItemKind
    text: str
    provenance: Provenance
    created_at: datetime | None = None
    created_raw: str | None = None
    author: str | None = None
    url: str | None = None
    reply_to: str | None = None
    audience: Audience = Audience.UNKNOWN
    media: tuple[MediaRef, ...] = ()
    text_raw: str | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)

    @property
    def key(self) -> str:
        """Unique within a case: the source's content hash prefix plus the platform's id."""
        return f"{self.source_id}:{self.id}"


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a check saw in one item, explained in plain English with its evidence.

    ``id`` is stable across re-runs: it depends on the check, the item and the evidence text,
    never on severity, confidence or position, so retuning a check keeps decisions attached.
    """

    id: str
    item_key: str
    check_id: str
    category: Category
    severity: Severity
    confidence: float
    evidence: str
    explanation: str
    standard: str
    span: tuple[int, int] | None = None
    check_version: str = "1"
    details: Mapping[str, Any] = field(default_factory=_empty)


def finding_id(check_id: str, item_key: str, evidence: str) -> str:
    """Stable finding id: a hash of what fired, on what, for which words (case-folded)."""
    basis = "\x1f".join((check_id, item_key, " ".join(evidence.casefold().split())))
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]
