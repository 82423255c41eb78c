"""Compare two captures of the same account: which items were deleted, edited or added.

Items are matched by platform and the platform's own id (never by the source hash, which
differs between captures). Deleting posts after being told of a review is itself conduct a
reviewer must see, so deletions come first and anything that could fake one is said plainly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from accountaudit.model import Item, ItemKind
from accountaudit.report import ChangeKind, Comparison, ItemChange

# Kinds that are the same thing to a reader: a loader update may call a post a reply.
_CONTENT = frozenset({ItemKind.POST, ItemKind.REPLY, ItemKind.COMMENT, ItemKind.SHARE,
                      ItemKind.MEDIA})
_ORDER = {ChangeKind.DELETED: 0, ChangeKind.EDITED: 1, ChangeKind.ADDED: 2}


@dataclass(frozen=True, slots=True)
class Capture:
    """Everything one side of a comparison holds, and what identifies it."""

    label: str
    items: Sequence[Item]
    accounts: frozenset[str] = frozenset()
    sha256: frozenset[str] = frozenset()
    notes: Sequence[str] = field(default_factory=tuple)


def match_key(item: Item) -> tuple[str, str, str]:
    """What identifies an item across captures: platform, kind family and the platform's id."""
    family = "content" if item.kind in _CONTENT else item.kind.value
    return item.platform, family, item.id


def same_text(old: Item, new: Item) -> bool:
    """Equal text, ignoring differences in spacing only."""
    return " ".join(old.text.split()) == " ".join(new.text.split())


def compare_items(old: Iterable[Item], new: Iterable[Item], old_label: str, new_label: str,
                  notes: Sequence[str] = ()) -> Comparison:
    """Items deleted (only in ``old``), edited (same id, other text) and added (only in ``new``)."""
    before = {match_key(item): item for item in old}
    after = {match_key(item): item for item in new}
    changes: list[ItemChange] = []
    unchanged = 0
    for key, item in before.items():
        later = after.get(key)
        if later is None:
            changes.append(ItemChange(ChangeKind.DELETED, item, None))
        elif not same_text(item, later):
            changes.append(ItemChange(ChangeKind.EDITED, item, later))
        else:
            unchanged += 1
    changes.extend(ItemChange(ChangeKind.ADDED, None, item)
                   for key, item in after.items() if key not in before)
    changes.sort(key=_change_order)
    return Comparison(old_label, new_label, tuple(changes), unchanged, tuple(notes))


def _change_order(change: ItemChange) -> tuple[int, bool, datetime, str]:
    when = change.item.created_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (_ORDER[change.change], when is None, when or datetime.min.replace(tzinfo=UTC),
            change.item.id)


def compare_captures(old: Capture, new: Capture) -> Comparison:
    """Compare two loaded captures, noting whatever could make the result misleading."""
    notes = [*old.notes, *new.notes]
    if old.sha256 and old.sha256 == new.sha256:
        notes.append("both sides are the same capture (identical SHA-256), so nothing changed")
    if old.accounts and new.accounts and not old.accounts & new.accounts:
        notes.append(f"these look like different accounts ({', '.join(sorted(old.accounts))} "
                     f"and {', '.join(sorted(new.accounts))}), so every item may show as "
                     "deleted and added")
    return compare_items(old.items, new.items, old.label, new.label, notes)


def account_label(platform: str, account: str | None) -> str | None:
    """``x: officer`` for matching accounts across captures ("@" and case ignored)."""
    if not account:
        return None
    return f"{platform}: {account.strip().lstrip('@').casefold()}"
