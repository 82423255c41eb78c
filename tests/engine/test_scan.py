"""The engine streams every source through every check and reports one finding per thing seen."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest

from accountaudit.checks.registry import discover
from accountaudit.engine import ScanOptions, run_scan
from accountaudit.errors import InputError, ScanCancelled


def _jsonl(tmp_path: Path, texts: list[str], name: str = "p.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(f'{{"id": "{n}", "text": "{t}"}}\n' for n, t in enumerate(texts)),
                    encoding="utf-8")
    return path


def test_overlapping_matches_in_one_category_are_one_finding(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, ["Proud to be PC 4321 with Exampleshire Police #copsoffduty"])
    data = run_scan([path], discover(select=["identity.police-role"]))
    evidence = sorted(f.evidence for f in data.findings)
    assert "PC" not in evidence  # inside "PC 4321" (or a wider match), so merged into it
    assert "#copsoffduty" in evidence  # separate words, a separate finding
    spans = sorted(f.span for f in data.findings if f.span)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_different_categories_on_the_same_words_are_kept(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, ["That scumbag at number 4 drives AB12 CDE"])
    categories = {f.category for f in run_scan([path], discover()).findings}
    assert {"language.abusive", "confidentiality.personal-data"} <= categories


def test_same_file_twice_is_loaded_once(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, ["call 07911 123456"])
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(path.read_bytes())
    data = run_scan([path, copy], discover(select=["AA301"]))
    assert len(data.sources) == 1 and len(data.findings) == 1
    assert any("same content as" in w for w in data.sources[0].warnings)


def test_an_unreadable_path_fails_before_any_work(tmp_path: Path) -> None:
    good = _jsonl(tmp_path, ["hello"])
    seen: list[int] = []
    with pytest.raises(InputError, match="does not exist"):
        run_scan([good, tmp_path / "missing.zip"], discover(), progress=seen.append)
    assert seen == []


def test_cancel_stops_between_batches(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, ["text"] * 50)
    cancel = threading.Event()

    def progress(done: int) -> None:
        cancel.set()

    with pytest.raises(ScanCancelled):
        run_scan([path], discover(), ScanOptions(batch_size=10), progress=progress, cancel=cancel)


def test_progress_reports_running_totals(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, ["text"] * 25)
    seen: list[int] = []
    data = run_scan([path], discover(), ScanOptions(batch_size=10), progress=seen.append)
    assert seen == [10, 20, 25] and len(data.items) == 25
