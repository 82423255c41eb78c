"""The README's two commands are the contract; .ci/run must run exactly the test command."""

from __future__ import annotations

import re
import shlex

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```bash\n(.*?)```", README, re.S)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(b.strip() for b in BLOCKS if "pytest" in b)
    assert CI.rstrip().splitlines()[-1] == test_command


def test_ci_installs_the_system_packages_the_readme_names() -> None:
    readme_apt = next(b for b in BLOCKS if b.startswith("apt-get install"))
    readme_pkgs = set(shlex.split(readme_apt)[2:])
    line = next(raw for raw in CI.splitlines() if "fonts-dejavu-core" in raw)
    ci_pkgs = set(line.replace("\\", " ").split())
    assert readme_pkgs == ci_pkgs


def test_first_command_uses_files_that_exist() -> None:
    first = BLOCKS[0].strip()
    assert "accountaudit scan" in first
    for word in shlex.split(first):
        if word.startswith("examples/"):
            assert (REPO / word).is_file(), word
