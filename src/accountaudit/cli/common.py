"""Small helpers shared by the commands: argument types and plain-English counts."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

from accountaudit.model import ItemKind

MAX_WARNINGS_SHOWN = 20


def split_ids(value: str) -> list[str]:
    """``AA301,language.abusive`` -> two selectors; blanks ignored."""
    return [part.strip() for part in value.split(",") if part.strip()]


def describe_counts(counts: Mapping[ItemKind, int] | Mapping[str, int]) -> str:
    """``12 posts, 3 replies`` in ItemKind order; ``nothing`` when empty."""
    order = {str(kind): n for n, kind in enumerate(ItemKind)}
    parts = [f"{n:,} {_plural(str(kind), n)}"
             for kind, n in sorted(counts.items(), key=lambda kv: order.get(str(kv[0]), 99)) if n]
    return ", ".join(parts) if parts else "nothing"


def _plural(kind: str, n: int) -> str:
    if n == 1:
        return kind
    return {"reply": "replies", "media": "media"}.get(kind, kind + "s")


def warn_lines(label: str, warnings: Iterable[str], where_all: str) -> None:
    """Print up to 20 warnings to stderr, then say where the rest are."""
    warnings = list(warnings)
    for line in warnings[:MAX_WARNINGS_SHOWN]:
        sys.stderr.write(f"warning: {label}: {line}\n")
    if len(warnings) > MAX_WARNINGS_SHOWN:
        sys.stderr.write(f"warning: {label}: ... and {len(warnings) - MAX_WARNINGS_SHOWN:,} more "
                         f"({where_all})\n")
