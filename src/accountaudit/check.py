"""The check contract: a small declarative unit from items to findings.

A check names its id, title, category, default severity and standard, explains itself in plain
English, and turns (item, prepared text) pairs into Findings. Python checks subclass ``Check``;
rule-pack rules are described by the same ``CheckInfo`` so reviewers see them the same way.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Protocol

from accountaudit.categories import category_info
from accountaudit.model import Category, Finding, Item, ItemKind, Severity, finding_id
from accountaudit.normalize import NormalizedText, normalize

CHECK_ID = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
TEXT_KINDS = frozenset({ItemKind.POST, ItemKind.REPLY, ItemKind.COMMENT, ItemKind.SHARE,
                        ItemKind.MESSAGE, ItemKind.PROFILE, ItemKind.MEDIA})


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """What a reviewer needs to know about a check, whatever its origin."""

    id: str
    title: str
    category: Category
    severity: Severity
    standard: str
    explanation: str
    version: str
    origin: str
    doc: str = ""


class PreparedText:
    """An item's text prepared once and shared by every check (normalisation is lazy)."""

    __slots__ = ("_normalized", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._normalized: NormalizedText | None = None

    @property
    def normalized(self) -> NormalizedText:
        """Case-folded, de-obfuscated text with a map back to the original offsets."""
        if self._normalized is None:
            self._normalized = normalize(self.text)
        return self._normalized


@dataclass(frozen=True, slots=True)
class ScanContext:
    """Everything a check may consult, passed explicitly (no global configuration)."""

    check_data: Path
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


Batch = Sequence[tuple[Item, PreparedText]]


class Runner(Protocol):
    """What the engine runs: anything that turns a batch into findings."""

    def setup(self, ctx: ScanContext) -> None:
        """Load data and heavy modules; called once per scan before any batch."""

    def check_many(self, batch: Batch) -> Iterator[Finding]:
        """Findings for a batch of items."""


class Check(ABC):
    """Base class for a Python check; subclasses set the class attributes and ``check``.

    The class docstring is the check's documentation (``accountaudit checks show ID``).
    """

    id: ClassVar[str]
    title: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    explanation: ClassVar[str]
    standard: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    applies_to: ClassVar[frozenset[ItemKind]] = TEXT_KINDS
    origin: str = "built-in"

    @classmethod
    def info(cls) -> CheckInfo:
        """This check's description, with the category's standard when none is given."""
        standard = cls.standard or category_info(cls.category).standard
        doc = (cls.__doc__ or "").strip()
        return CheckInfo(cls.id, cls.title, cls.category, cls.severity, standard,
                         cls.explanation, cls.version, cls.origin, doc)

    def setup(self, ctx: ScanContext) -> None:  # noqa: B027 - an optional hook, not abstract
        """Override to load data or heavy modules once per scan."""

    @abstractmethod
    def check(self, item: Item, text: PreparedText) -> Iterable[Finding]:
        """Findings for one item."""

    def check_many(self, batch: Batch) -> Iterator[Finding]:
        """Findings for a batch; override to vectorise (e.g. an ML model over many posts)."""
        kinds = self.applies_to
        for item, text in batch:
            if item.kind in kinds:
                yield from self.check(item, text)

    def finding(self, item: Item, evidence: str, *, span: tuple[int, int] | None = None,
                confidence: float = 0.8, severity: Severity | None = None,
                explanation: str | None = None,
                details: Mapping[str, Any] | None = None) -> Finding:
        """Build a Finding with this check's id, category, standard and a stable id."""
        return Finding(
            id=finding_id(self.id, item.key, evidence), item_key=item.key, check_id=self.id,
            category=self.category, severity=severity or self.severity,
            confidence=round(max(0.0, min(1.0, confidence)), 2), evidence=evidence,
            explanation=explanation or self.explanation,
            standard=self.standard or category_info(self.category).standard,
            span=span, check_version=self.version,
            details=MappingProxyType(dict(details or {})),
        )
