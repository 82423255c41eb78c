"""Findings as JSON Lines: the spec's fields, exact text, UTF-8, and atomic writes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from accountaudit.errors import OutputError
from accountaudit.export import jsonl
from accountaudit.export.jsonl import JsonlExporter, write_findings_jsonl
from accountaudit.model import Category, Severity
from accountaudit.report import ReportData

if TYPE_CHECKING:
    from tests.export.conftest import ReportBuilder

SPEC_FIELDS = ["item_id", "check", "category", "severity", "confidence", "evidence", "source"]


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_object_per_finding_with_spec_fields(builder: ReportBuilder, tmp_path: Path) -> None:
    bst = timezone(timedelta(hours=1))
    item = builder.item("Call 07700 900123", url="https://x.com/o/status/1",
                        created_at=datetime(2024, 7, 1, 9, 30, tzinfo=bst))
    first = builder.finding(item, check="AA302", evidence="07700 900123", confidence=0.9,
                            category=Category.CONFIDENTIALITY_PERSONAL_DATA,
                            severity=Severity.HIGH)
    builder.finding(builder.item(created_at=None))
    out = tmp_path / "findings.jsonl"
    write_findings_jsonl(builder.build(), out)
    records = read_lines(out)
    assert len(records) == 2
    record = records[0]
    assert list(record)[: len(SPEC_FIELDS)] == SPEC_FIELDS
    assert record == {
        "item_id": item.id, "check": "AA302", "category": "confidentiality.personal-data",
        "severity": "high", "confidence": 0.9, "evidence": "07700 900123",
        "source": builder.source.path, "id": first.id, "explanation": first.explanation,
        "standard": first.standard, "created_at": "2024-07-01T08:30:00+00:00",
        "url": "https://x.com/o/status/1", "platform": "x", "kind": "post",
    }
    assert records[1]["created_at"] is None and records[1]["url"] is None


def test_text_is_exact_utf8_not_escaped(builder: ReportBuilder, tmp_path: Path) -> None:
    evidence = 'café 🚓 =HYPERLINK("x") \x00\x07 "quoted"\nline'
    builder.finding(evidence=evidence)
    out = tmp_path / "findings.jsonl"
    JsonlExporter().write(builder.build(), out)
    raw = out.read_bytes()
    assert "café 🚓".encode() in raw
    assert raw.count(b"\n") == 1
    assert read_lines(out)[0]["evidence"] == evidence


def test_lone_surrogate_is_written_as_json_escape(builder: ReportBuilder, tmp_path: Path) -> None:
    finding = builder.finding(evidence="half emoji")
    # model.finding_id cannot hash a lone surrogate, so put it in after the id is made.
    builder.findings[-1] = replace(finding, evidence="half \ud83d emoji")
    out = tmp_path / "findings.jsonl"
    write_findings_jsonl(builder.build(), out)
    assert read_lines(out)[0]["evidence"] == "half \ud83d emoji"


def test_finding_whose_item_was_not_kept(builder: ReportBuilder, tmp_path: Path) -> None:
    finding = builder.finding()
    data = builder.build()
    data = ReportData(data.tool_version, data.generated_at, data.sources, {}, data.findings,
                      data.checks)
    out = tmp_path / "findings.jsonl"
    write_findings_jsonl(data, out)
    record = read_lines(out)[0]
    assert record["item_id"] == finding.item_key.partition(":")[2]
    assert record["source"] is None and record["platform"] is None
    assert record["id"] == finding.id


def test_no_findings_writes_an_empty_file(builder: ReportBuilder, tmp_path: Path) -> None:
    out = tmp_path / "findings.jsonl"
    write_findings_jsonl(builder.build(), out)
    assert out.read_bytes() == b""


@pytest.mark.parametrize("failure", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_mid_write_keeps_the_previous_file(builder: ReportBuilder, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   failure: BaseException) -> None:
    for _ in range(3):
        builder.finding()
    out = tmp_path / "findings.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    calls = 0
    real_record = jsonl.finding_record

    def fail_on_second(*args: Any) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise failure
        return real_record(*args)

    monkeypatch.setattr(jsonl, "finding_record", fail_on_second)
    with pytest.raises(type(failure)):
        write_findings_jsonl(builder.build(), out)
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["findings.jsonl"]


def test_missing_folder_raises_output_error(builder: ReportBuilder, tmp_path: Path) -> None:
    out = tmp_path / "gone" / "findings.jsonl"
    with pytest.raises(OutputError) as caught:
        write_findings_jsonl(builder.build(), out)
    assert str(out) in str(caught.value)


def test_output_that_is_a_folder_raises_output_error(builder: ReportBuilder,
                                                     tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        write_findings_jsonl(builder.build(), tmp_path)


def test_corpus_findings_round_trip(builder: ReportBuilder, corpus: Path, tmp_path: Path) -> None:
    from accountaudit.sources.base import Detection, LoadOptions, LoadReport
    from accountaudit.sources.jsonl import JsonlLoader

    builder.items = list(JsonlLoader().load(corpus, Detection("generic-jsonl"),
                                            builder.source.id, LoadOptions(True), LoadReport()))
    for item in builder.items:
        for label in item.extra.get("labels", []):
            builder.finding(item, category=Category(label), evidence=f"{label}: {item.text}")
    out = tmp_path / "findings.jsonl"
    write_findings_jsonl(builder.build(), out)
    records = read_lines(out)
    assert len(records) == len(builder.findings)
    by_id = {item.id: item for item in builder.items}
    for record, finding in zip(records, builder.findings, strict=True):
        assert record["id"] == finding.id
        assert record["evidence"] == finding.evidence
        assert record["category"] in finding.evidence
        assert by_id[record["item_id"]].key == finding.item_key
