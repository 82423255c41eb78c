"""Re-capture diff: deleted, edited and added items between two captures or two cases, and the
Changes tab a scan fills when a case gets a newer capture of an account it already holds."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from case_helpers import scan, tweet_ids, write_jsonl, x_archive

from accountaudit.errors import InputError
from accountaudit.model import ItemKind
from accountaudit.report import ChangeKind
from accountaudit.review.captures import compare_paths
from accountaudit.review.caselog import LogAction, read_entries
from accountaudit.review.diff import compare_items
from accountaudit.review.store import CaseStore
from accountaudit.review.verify import verify_case

V1 = [{"id": "1", "text": "first post", "created_at": "2024-01-01T10:00:00Z"},
      {"id": "2", "text": "call me on 07911 123456", "created_at": "2024-01-02T10:00:00Z"},
      {"id": "3", "text": "third"},
      {"id": "5", "text": "spacing   only", "kind": "reply"}]
V2 = [{"id": "1", "text": "first post"},
      {"id": "3", "text": "third, edited"},
      {"id": "4", "text": "brand new"},
      {"id": "5", "text": "spacing only", "kind": "post"}]


def _kinds(comparison: object) -> list[tuple[str, str]]:
    return [(c.change.value, c.item.id) for c in comparison.changes]  # type: ignore[attr-defined]


def test_two_versions_of_a_jsonl_export(tmp_path: Path) -> None:
    old = write_jsonl(tmp_path / "v1.jsonl", V1)
    new = write_jsonl(tmp_path / "v2.jsonl", V2)
    comparison = compare_paths(old, new)
    assert _kinds(comparison) == [("deleted", "2"), ("edited", "3"), ("added", "4")]
    assert comparison.unchanged == 2  # id 1 and id 5 (spacing and post/reply do not count)
    edited = comparison.changes[1]
    assert edited.old is not None and edited.new is not None
    assert (edited.old.text, edited.new.text) == ("third", "third, edited")
    assert comparison.notes == ()


def test_identical_captures_and_same_path(tmp_path: Path) -> None:
    old = write_jsonl(tmp_path / "v1.jsonl", V1)
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(old.read_bytes())
    comparison = compare_paths(old, copy)
    assert comparison.changes == () and "identical SHA-256" in comparison.notes[0]
    with pytest.raises(InputError, match="same path"):
        compare_paths(old, old)


def test_items_of_different_kinds_never_match(tmp_path: Path) -> None:
    old = write_jsonl(tmp_path / "a.jsonl", [{"id": "7", "text": "x", "kind": "reaction"}])
    new = write_jsonl(tmp_path / "b.jsonl", [{"id": "7", "text": "x", "kind": "post"}])
    assert _kinds(compare_paths(old, new)) == [("deleted", "7"), ("added", "7")]


def test_two_versions_of_an_x_archive_and_the_scans_changes_tab(tmp_path: Path) -> None:
    ids = tweet_ids()
    v1 = x_archive(tmp_path / "x-2025-06.zip")
    v2 = x_archive(tmp_path / "x-2025-09.zip", delete=[ids[1]],
                   edit={ids[2]: "Edited to say something else entirely"},
                   add={"1999999999999999999": "A post made after the first capture"})
    comparison = compare_paths(v1, v2)
    assert _kinds(comparison) == [("deleted", ids[1]), ("edited", ids[2]),
                                  ("added", "1999999999999999999")]
    assert comparison.changes[0].item.kind is ItemKind.POST

    case = tmp_path / "case"
    assert scan([v1], case, tmp_path / "r1.xlsx") == 0
    assert scan([v2], case, tmp_path / "r2.xlsx") == 0
    book = openpyxl.load_workbook(tmp_path / "r2.xlsx")
    assert book.sheetnames[:3] == ["Summary", "Findings", "Changes"]
    ws = book["Changes"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, row, strict=False)) for row in ws.iter_rows(min_row=2, max_row=4)]
    assert [r["Change"].value for r in rows] == ["Deleted", "Edited", "Added"]
    assert [r["Item ID"].value for r in rows] == [ids[1], ids[2], "1999999999999999999"]
    assert rows[0]["Change"].font.b and rows[0]["Change"].fill.fgColor.rgb.endswith("F6D5D1")
    assert rows[1]["Text now"].value == "Edited to say something else entirely"
    facts = {r[0].value: r[1] for r in book["Summary"].iter_rows(max_col=2) if r[0].value}
    assert facts["Changes"].value.startswith("since x-2025-06.zip: 1 deleted, 1 edited, 1 added")
    assert facts["Changes"].font.b
    assert "Changes" not in openpyxl.load_workbook(tmp_path / "r1.xlsx").sheetnames
    with CaseStore.open(case, create=False) as store:
        compare = [e for e in read_entries(store.connection) if e.action == LogAction.COMPARE]
    assert len(compare) == 1 and (compare[0].details["deleted"], compare[0].details["added"]) \
        == (1, 1)
    assert verify_case(case).intact

    other = tmp_path / "case2"
    assert scan([v2], other, tmp_path / "r3.xlsx") == 0
    # A case counts as everything it holds, each item as last captured: the first case still
    # holds the tweet v2 no longer has, and its edited tweet as v2 has it.
    assert _kinds(compare_paths(case, other)) == [("deleted", ids[1])]
    first_only = tmp_path / "case1"
    assert scan([v1], first_only, tmp_path / "r4.xlsx") == 0
    assert _kinds(compare_paths(first_only, other)) == _kinds(comparison)


def test_different_accounts_are_noted(tmp_path: Path) -> None:
    from accountaudit.review.diff import Capture, compare_captures

    old = Capture("a", [], frozenset({"x: one"}))
    new = Capture("b", [], frozenset({"x: two"}))
    assert "look like different accounts" in compare_captures(old, new).notes[0]


def test_compare_items_orders_deletions_first_by_date() -> None:
    from datetime import UTC, datetime

    from accountaudit.model import Item, Provenance

    def item(n: int, text: str, day: int | None) -> Item:
        when = datetime(2024, 1, day, tzinfo=UTC) if day else None
        return Item("s", str(n), "x", ItemKind.POST, text, Provenance("s", "f"), created_at=when)

    old = [item(1, "a", 5), item(2, "b", 2), item(3, "c", None), item(4, "d", 1)]
    new = [item(4, "d2", 1), item(9, "z", 3)]
    result = compare_items(old, new, "old", "new")
    assert [(c.change, c.item.id) for c in result.changes] == [
        (ChangeKind.DELETED, "2"), (ChangeKind.DELETED, "1"), (ChangeKind.DELETED, "3"),
        (ChangeKind.EDITED, "4"), (ChangeKind.ADDED, "9")]
