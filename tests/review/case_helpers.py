"""Builders shared by the case tests: small exports, a variant of the example X archive, scans."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accountaudit.check import CheckInfo
from accountaudit.cli.main import main
from accountaudit.model import (
    Category,
    Finding,
    Item,
    ItemKind,
    Provenance,
    Severity,
    Source,
    finding_id,
)
from accountaudit.report import ReportData, SourceSummary
from accountaudit.review.store import CaseStore

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_ARCHIVE = REPO / "examples" / "officer-x-archive.zip"
TWEETS = "data/tweets-part1.js"


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """A generic JSONL export, one object per line."""
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                    encoding="utf-8")
    return path


def x_archive(out: Path, *, delete: Iterable[str] = (), edit: Mapping[str, str] | None = None,
              add: Mapping[str, str] | None = None) -> Path:
    """The example X archive with tweets deleted, edited (new full_text) or added by id."""
    with zipfile.ZipFile(EXAMPLE_ARCHIVE) as source:
        members = {name: source.read(name) for name in source.namelist()}
    prefix, _, body = members[TWEETS].decode("utf-8").partition("= ")
    tweets = json.loads(body)
    gone = set(delete)
    tweets = [t for t in tweets if t["tweet"]["id_str"] not in gone]
    for tweet in tweets:
        text = (edit or {}).get(tweet["tweet"]["id_str"])
        if text is not None:
            tweet["tweet"]["full_text"] = text
    template = json.dumps(tweets[0])
    for tweet_id, text in (add or {}).items():
        new = json.loads(template)
        new["tweet"].update(id=tweet_id, id_str=tweet_id, full_text=text,
                            created_at="Mon Jun 30 09:00:00 +0000 2025")
        new["tweet"]["edit_info"]["initial"]["editTweetIds"] = [tweet_id]
        tweets.append(new)
    members[TWEETS] = (prefix + "= " + json.dumps(tweets, indent=2)).encode("utf-8")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def tweet_ids() -> list[str]:
    """The ids of the example archive's first tweets file, in file order."""
    with zipfile.ZipFile(EXAMPLE_ARCHIVE) as source:
        body = source.read(TWEETS).decode("utf-8").partition("= ")[2]
    return [t["tweet"]["id_str"] for t in json.loads(body)]


def scan(paths: Iterable[Path], case: Path, out: Path, *extra: str) -> int:
    """``accountaudit scan PATHS --out OUT --case CASE EXTRA...``; returns the exit status."""
    return main(["scan", *(str(p) for p in paths), "--out", str(out), "--case", str(case),
                 *extra])


def finding_ids(case: Path) -> dict[str, dict[str, Any]]:
    """Evidence (case-folded) -> the finding's row, for every finding the case holds."""
    with CaseStore.open(case, create=False) as store:
        return {row["evidence"].casefold(): row for row in store.finding_rows()}


def small_report(evidence: Iterable[str], source_id: str = "abc123abc123",
                 path: str = "/x/a.jsonl") -> ReportData:
    """A one-item report with one AA301 finding per evidence text (no scan needed)."""
    source = Source(source_id, path, "generic", "generic-jsonl", "ab" * 32, 10, "jsonl@1")
    item = Item(source_id, "1", "generic", ItemKind.POST, "call 07911 123456",
                Provenance(source_id, "a.jsonl", line=1))
    info = CheckInfo("AA301", "Phone", Category.CONFIDENTIALITY_PERSONAL_DATA, Severity.HIGH,
                     "std", "why", "1", "built-in")
    findings = [Finding(finding_id("AA301", item.key, text), item.key, "AA301",
                        Category.CONFIDENTIALITY_PERSONAL_DATA, Severity.HIGH, 0.9, text, "why",
                        "std") for text in evidence]
    return ReportData("0.1.0", datetime(2026, 1, 1, tzinfo=UTC),
                      [SourceSummary(source, {ItemKind.POST: 1})], {item.key: item}, findings,
                      [info])
