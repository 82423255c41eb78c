"""Where bundled data lives: rule packs inside the installed wheel, or the repo's checks/ folder.

A non-editable install carries ``checks/`` as ``accountaudit/_checkdata``; an editable install
or a source checkout reads the top-level ``checks/`` folder directly.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def check_data_dir() -> Path:
    """The folder holding ``packs/`` (and later lexicons and models)."""
    bundled = _PACKAGE_DIR / "_checkdata"
    if (bundled / "packs").is_dir():
        return bundled
    source_tree = _PACKAGE_DIR.parent.parent / "checks"
    if (source_tree / "packs").is_dir():
        return source_tree
    return bundled


def bundled_packs_dir() -> Path:
    """The bundled rule packs."""
    return check_data_dir() / "packs"
