"""Shared test helpers: where the repo, its fixtures and (when present) ../shared live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
