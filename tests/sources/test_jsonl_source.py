"""The generic JSONL loader follows shared/spec/generic-jsonl.md exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accountaudit.errors import InputError, UnknownFormatError
from accountaudit.model import Audience, ItemKind
from accountaudit.sources.base import LoadOptions
from accountaudit.sources.registry import open_source
from conftest import EXAMPLES


def _write(tmp_path: Path, lines: list[str], name: str = "items.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _load(path: Path, include_messages: bool = False):
    with open_source(path, LoadOptions(include_messages=include_messages)) as src:
        items = list(src.items())
        return src, items


def test_fields_map_onto_items(tmp_path: Path) -> None:
    line = {"id": "a1", "text": "Hello &amp; bye", "platform": "facebook", "kind": "reply",
            "created_at": "2024-05-01T12:00:00+01:00", "author": "Sam", "url": "https://e.test/1",
            "reply_to": "Kim", "audience": "friends", "media": ["img/one.jpg"], "labels": ["x"]}
    src, items = _load(_write(tmp_path, [json.dumps(line)]))
    [item] = items
    assert src.source.platform == "generic" and src.source.layout == "generic-jsonl"
    assert item.id == "a1" and item.platform == "facebook" and item.kind is ItemKind.REPLY
    assert item.text == "Hello &amp; bye"  # generic JSONL text is taken as written
    assert item.created_at == datetime(2024, 5, 1, 11, 0, tzinfo=UTC)
    assert item.created_raw == "2024-05-01T12:00:00+01:00"
    assert (item.author, item.url, item.reply_to) == ("Sam", "https://e.test/1", "Kim")
    assert item.audience is Audience.FRIENDS
    assert [m.path for m in item.media] == ["img/one.jpg"]
    assert item.extra["labels"] == ["x"]
    assert item.provenance.cite() == "items.jsonl line 1"
    assert item.key == f"{src.source.id}:a1"


def test_defaults_and_naive_time_is_utc(tmp_path: Path) -> None:
    line = '{"id": "b", "text": "", "created_at": "2020-01-02T03:04:05"}'
    _, [item] = _load(_write(tmp_path, [line]))
    assert item.platform == "generic" and item.kind is ItemKind.POST and item.text == ""
    assert item.created_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert item.audience is Audience.UNKNOWN


def test_bad_lines_are_reported_with_line_numbers_and_the_rest_loads(tmp_path: Path) -> None:
    lines = ['{"id": "1", "text": "ok"}', "not json", "[1, 2]", '{"text": "no id"}',
             '{"id": "2"}', "", '{"id": "1", "text": "dup"}', '{"id": "3", "text": "ok too"}',
             '{"id": "4", "text": "x", "created_at": "yesterday"}',
             '{"id": 5, "text": "numeric id"}']
    src, items = _load(_write(tmp_path, lines))
    assert [i.id for i in items] == ["1", "3", "4", "5"]
    warnings = "\n".join(src.report.warnings)
    for expected in ("items.jsonl line 2: skipped, not valid JSON",
                     "items.jsonl line 3: skipped, not a JSON object",
                     "line 4: skipped, it needs a string 'id' and a string 'text'",
                     "line 5: skipped, it needs a string 'id'",
                     "line 7: skipped, id '1' was already used",
                     "line 9: created_at 'yesterday' is not an ISO 8601 date"):
        assert expected in warnings
    assert "line 6" not in warnings  # a blank line is not an error


def test_unknown_kind_reads_as_post_with_warning(tmp_path: Path) -> None:
    src, [item] = _load(_write(tmp_path, ['{"id": "1", "text": "t", "kind": "story"}']))
    assert item.kind is ItemKind.POST
    assert "unknown kind 'story', read as a post" in src.report.warnings[0]


def test_messages_are_opt_in(tmp_path: Path) -> None:
    lines = ['{"id": "1", "text": "public"}', '{"id": "2", "text": "dm", "kind": "message"}']
    path = _write(tmp_path, lines)
    src, items = _load(path)
    assert [i.id for i in items] == ["1"] and src.report.messages_skipped == 1
    src, items = _load(path, include_messages=True)
    assert [i.id for i in items] == ["1", "2"] and src.report.counts[ItemKind.MESSAGE] == 1


def test_bom_invalid_utf8_and_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    deep = '{"id": "d", "text": "t", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_bytes(b'\xef\xbb\xbf{"id": "1", "text": "bom"}\n' + b'{"id": "2", "text": "\xff"}\n'
                     + deep.encode() + b"\n")
    src, items = _load(path)
    assert [i.id for i in items] == ["1"]
    assert any("line 2: skipped, not valid UTF-8" in w for w in src.report.warnings)
    assert any("line 3: skipped, not valid JSON" in w for w in src.report.warnings)


def test_platform_comes_from_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text('{"id": "1", "text": "looks like JSONL"}\n', encoding="utf-8")
    src, items = _load(path)
    assert src.source.layout == "generic-jsonl" and len(items) == 1


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"), (b"   \n\n", "is empty"),
    (b"hello world\n", "is not a zip, a folder or a file accountaudit can read (JSON Lines, "
                        "TikTok JSON, Bluesky CAR or WordPress XML)"),
])
def test_unrecognised_files_get_one_clear_error(tmp_path: Path, content: bytes,
                                                message: str) -> None:
    path = tmp_path / "input.jsonl"
    path.write_bytes(content)
    with pytest.raises((InputError, UnknownFormatError)) as err:
        open_source(path)
    assert str(err.value) == f"{path}: {message}"


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        open_source(tmp_path / "nope.jsonl")


def test_bundled_example_loads() -> None:
    src, items = _load(EXAMPLES / "extra-posts.jsonl")
    assert len(items) == 6 and src.report.messages_skipped == 1 and not src.report.warnings


def test_corpus_loads_when_shared_is_present(shared: Path) -> None:
    src, items = _load(shared / "corpus" / "dev.jsonl", include_messages=True)
    assert len(items) == 463 and not src.report.warnings
    assert sum(1 for i in items if i.kind is ItemKind.MESSAGE) == 31
