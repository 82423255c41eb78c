"""Recognition by content, and a loader that trips over hostile input never shows a traceback."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from accountaudit.errors import InputError
from accountaudit.model import Item
from accountaudit.sources import jsonl
from accountaudit.sources.registry import open_source


def test_a_loader_failure_keeps_earlier_items_and_becomes_a_warning(tmp_path: Path,
                                                                     monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "1", "text": "a"}\n{"id": "2", "text": "b"}\n', encoding="utf-8")
    real = jsonl.JsonlLoader.load

    def explode(self, *args, **kwargs) -> Iterator[Item]:  # type: ignore[no-untyped-def]
        stream = real(self, *args, **kwargs)
        yield next(stream)
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(jsonl.JsonlLoader, "load", explode)
    with open_source(path) as source:
        items = list(source.items())
    assert [i.id for i in items] == ["1"]
    [warning] = source.report.warnings
    assert warning.startswith("loading stopped early after 1 items")
    assert "RecursionError" in warning


def test_refused_members_are_named_when_nothing_is_recognised(tmp_path: Path) -> None:
    archive = tmp_path / "odd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escape.json", "{}")
        zf.writestr("notes.txt", "hello")
    with pytest.raises(InputError) as err:
        open_source(archive)
    assert "1 member was refused, first: ../escape.json" in str(err.value)


def test_a_folder_of_unknown_files_gets_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "holiday.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(InputError) as err:
        open_source(tmp_path)
    assert str(err.value).startswith(f"{tmp_path}: this folder does not hold any export")
