"""Shared test helpers: where the repo, its fixtures and (when present) ../shared live."""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from accountaudit.model import Item, ItemKind

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
EXAMPLES = REPO / "examples"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def shared_dir() -> Path | None:
    """The team's shared folder beside the checkout (CI has it; a user's clone does not)."""
    candidate = REPO.parent / "shared"
    return candidate if candidate.is_dir() else None


@pytest.fixture
def shared() -> Path:
    """The shared folder; tests that need it are skipped with a reason when it is absent."""
    found = shared_dir()
    if found is None:
        pytest.skip("../shared is not beside this checkout (it exists in CI)")
    return found


class Loaded:
    """Everything one load of a source produced, for loader tests."""

    def __init__(self, path: Path, include_messages: bool = False) -> None:
        from accountaudit.sources.base import LoadOptions
        from accountaudit.sources.registry import open_source

        with open_source(path, LoadOptions(include_messages=include_messages)) as opened:
            self.items = list(opened.items())
            self.source = opened.source
            self.report = opened.report
        self.by_id = {item.id: item for item in self.items}

    def counts(self) -> dict[str, int]:
        """Items per kind, by the kind's name."""
        return dict(Counter(item.kind.value for item in self.items))

    def of(self, kind: ItemKind) -> list[Item]:
        """Items of one kind, in load order."""
        return [item for item in self.items if item.kind is kind]


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    """Zip every file under ``folder`` into ``target``, optionally under a top folder."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target
