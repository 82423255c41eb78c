"""A non-editable install must find its rule packs: the wheel carries checks/ inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from accountaudit.resources import bundled_packs_dir
from conftest import REPO


def test_wheel_contains_rule_packs_and_case_schema(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    [wheel] = tmp_path.glob("accountaudit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = sorted(p.name for p in (REPO / "checks" / "packs").glob("*.toml"))
    assert packs, "the repository ships rule packs"
    for pack in packs:
        assert f"accountaudit/_checkdata/packs/{pack}" in names
    assert "accountaudit/review/schema.sql" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[accountaudit.checks]" in text and "AA301" in text


def test_installed_package_finds_its_packs() -> None:
    packs = bundled_packs_dir()
    assert packs.is_dir() and any(packs.glob("*.toml"))
