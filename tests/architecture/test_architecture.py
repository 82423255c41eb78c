"""Keep the architecture true: layers, a Qt-free core, lint-clean code, small modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, REPO

BIN = Path(sys.executable).parent
MAX_MODULE_LINES = 500


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300,
                          check=False, **kwargs)  # type: ignore[call-overload]


def test_import_linter_contracts_hold() -> None:
    result = _run([str(BIN / "lint-imports"), "--no-cache"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


def test_ruff_is_clean() -> None:
    result = _run([sys.executable, "-m", "ruff", "check", "src", "tests", "examples",
                   "benchmarks"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_scan_never_imports_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from accountaudit.cli.main import main\n"
        f"status = main(['scan', {str(EXAMPLES / 'officer-x-archive.zip')!r}, "
        f"{str(EXAMPLES / 'extra-posts.jsonl')!r}, '--out', {str(tmp_path / 'r.xlsx')!r}, "
        f"'--json', {str(tmp_path / 'f.jsonl')!r}, '--case', {str(tmp_path / 'case')!r}])\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print('QT:', qt)\n"
        "sys.exit(status)\n"
    )
    result = _run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert "QT: []" in result.stdout
    assert (tmp_path / "r.xlsx").is_file()


def test_modules_stay_small() -> None:
    oversized = {}
    for path in (REPO / "src").rglob("*.py"):
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_MODULE_LINES:
            oversized[str(path.relative_to(REPO))] = lines
    assert not oversized, f"split these modules by responsibility: {oversized}"
