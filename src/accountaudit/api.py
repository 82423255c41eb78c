"""The stable surface for third-party checks: import from here, never from internals.

A force's own package adds a check with an entry point in the ``accountaudit.checks`` group whose
name is the check id and whose value is a ``Check`` subclass built from these names.
"""

from __future__ import annotations

from accountaudit.categories import CATEGORY_INFO, CategoryInfo, category_info
from accountaudit.check import (
    CHECK_ID,
    TEXT_KINDS,
    Batch,
    Check,
    CheckInfo,
    PreparedText,
    Runner,
    ScanContext,
)
from accountaudit.model import (
    Audience,
    Category,
    Finding,
    Item,
    ItemKind,
    MediaRef,
    Provenance,
    Severity,
    finding_id,
)
from accountaudit.normalize import NormalizedText, normalize

API_VERSION = 1

__all__ = [
    "API_VERSION", "CATEGORY_INFO", "CHECK_ID", "TEXT_KINDS", "Audience", "Batch", "Category",
    "CategoryInfo", "Check", "CheckInfo", "Finding", "Item", "ItemKind", "MediaRef",
    "NormalizedText", "PreparedText", "Provenance", "Runner", "ScanContext", "Severity",
    "category_info", "finding_id", "normalize",
]
