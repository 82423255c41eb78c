"""Findings as JSON Lines (shared/spec/generic-jsonl.md): one object per finding, for scripts.

Unlike the sheet, nothing is cut or cleaned here: the JSON holds the exact evidence.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from accountaudit.export.atomic import atomic_output
from accountaudit.model import Finding
from accountaudit.report import ReportData

log = logging.getLogger(__name__)


class JsonlExporter:
    """The findings JSONL exporter, in the shape the exporter registry expects."""

    name: ClassVar[str] = "jsonl"
    suffix: ClassVar[str] = ".jsonl"
    description: ClassVar[str] = "Findings as JSON Lines"

    def write(self, data: ReportData, out: Path) -> None:
        """Write the findings to ``out`` (see ``write_findings_jsonl``)."""
        write_findings_jsonl(data, out)


def write_findings_jsonl(data: ReportData, out: Path) -> None:
    """One JSON object per finding, UTF-8, in the order the scan produced them.

    Raises OutputError when the file cannot be written; ``out`` is replaced only once complete.
    """
    out = Path(out)
    sources = {summary.source.id: summary.source.path for summary in data.sources}
    # A lone surrogate (possible in archive JSON) cannot be encoded as UTF-8; backslashreplace
    # writes it as \udXXX, which inside a JSON string is the same character, escaped.
    with (atomic_output(out) as partial,
          open(partial, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh):
        for finding in data.findings:
            record = finding_record(finding, data, sources)
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
    log.info("Wrote %d findings to %s", len(data.findings), out)


def finding_record(finding: Finding, data: ReportData,
                   sources: dict[str, str]) -> dict[str, Any]:
    """The spec's fields first (item_id ... source), then the extra ones."""
    item = data.item_for(finding)
    return {
        "item_id": item.id if item is not None else _platform_id(finding.item_key),
        "check": finding.check_id,
        "category": finding.category.value,
        "severity": finding.severity.value,
        "confidence": finding.confidence,
        "evidence": finding.evidence,
        "source": sources.get(item.source_id) if item is not None else None,
        "id": finding.id,
        "explanation": finding.explanation,
        "standard": finding.standard,
        "created_at": _iso(item.created_at) if item is not None else None,
        "url": item.url if item is not None else None,
        "platform": item.platform if item is not None else None,
        "kind": item.kind.value if item is not None else None,
    }


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC; a naive time is already UTC (the model's convention)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _platform_id(item_key: str) -> str:
    """The platform id inside an item key (``source:id``) when the item itself was not kept."""
    return item_key.partition(":")[2] or item_key
