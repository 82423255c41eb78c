"""The review sheet: tabs, safe text, the Decision drop-down, atomic writes, and reading back."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from accountaudit.errors import InputError, OutputError
from accountaudit.export import xlsx, xlsx_findings
from accountaudit.export.xlsx import XlsxExporter, write_review_sheet
from accountaudit.export.xlsx_read import read_decisions, read_review_sheet
from accountaudit.export.xlsx_summary import write_summary
from accountaudit.model import Category, Decision, ItemKind, Severity

if TYPE_CHECKING:
    from tests.export.conftest import ReportBuilder

FINDINGS_HEADER = [
    "Finding ID", "Severity", "Category", "Standard", "Date (UTC)", "Platform", "Kind", "Author",
    "Link", "Text excerpt", "Evidence", "Explanation", "Check ID", "Confidence", "Source",
    "Location", "Decision", "Note",
]
PAYLOADS = ['=HYPERLINK("http://x","y")', "+44 7911 123456", "-1+2", "@SUM(A1)", "\t=1+1",
            "\r=1", "=1+1", "#N/A", "=cmd|' /C calc'!A0"]


def write(data: Any, tmp_path: Path, name: str = "sheet.xlsx") -> Path:
    out = tmp_path / name
    write_review_sheet(data, out)
    return out


def table(ws: Worksheet) -> list[dict[str, Any]]:
    """The tab's data rows as header -> cell (header row 1, stops at the first blank row)."""
    header = [cell.value for cell in ws[1]]
    rows = []
    for cells in ws.iter_rows(min_row=2):
        if all(cell.value is None for cell in cells[:1]):
            break
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


def column_values(ws: Worksheet, column: int) -> list[Any]:
    return [row[column - 1].value for row in ws.iter_rows() if len(row) >= column]


def test_tabs_are_in_order(builder: ReportBuilder, tmp_path: Path) -> None:
    builder.finding()
    wb = openpyxl.load_workbook(write(builder.build(), tmp_path))
    assert wb.sheetnames == ["Summary", "Findings", "Items", "Sources", "Checks"]


def test_findings_header_and_one_row_per_finding(builder: ReportBuilder, tmp_path: Path) -> None:
    made = [builder.finding() for _ in range(7)]
    out = write(builder.build(), tmp_path)
    ws = openpyxl.load_workbook(out)["Findings"]
    assert [cell.value for cell in ws[1]] == FINDINGS_HEADER
    rows = table(ws)
    assert sorted(row["Finding ID"].value for row in rows) == sorted(f.id for f in made)
    assert ws.max_row == len(made) + 1
    streamed = openpyxl.load_workbook(out, read_only=True)  # sized from the file, not by a scan
    assert streamed["Findings"].max_row == len(made) + 1
    assert streamed["Items"].max_row == len(made) + 1
    streamed.close()


def test_rows_sorted_by_severity_then_date(builder: ReportBuilder, tmp_path: Path) -> None:
    late = builder.item(created_at=datetime(2024, 9, 1, tzinfo=UTC))
    early = builder.item(created_at=datetime(2021, 1, 1, tzinfo=UTC))
    undated = builder.item(created_at=None)
    builder.finding(late, severity=Severity.HIGH, evidence="late high")
    builder.finding(undated, severity=Severity.HIGH, evidence="undated high")
    builder.finding(early, severity=Severity.INFO, evidence="early info")
    builder.finding(early, severity=Severity.HIGH, evidence="early high")
    builder.finding(late, severity=Severity.LOW, evidence="late low")
    ws = openpyxl.load_workbook(write(builder.build(), tmp_path))["Findings"]
    evidence = [row["Evidence"].value for row in table(ws)]
    assert evidence == ["early high", "late high", "undated high", "late low", "early info"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_stay_text(builder: ReportBuilder, tmp_path: Path,
                                    payload: str) -> None:
    item = builder.item(payload, author=payload, url=payload)
    builder.finding(item, evidence=payload, explanation=payload)
    out = write(builder.build(), tmp_path)
    wb = openpyxl.load_workbook(out)
    row = table(wb["Findings"])[0]
    for header in ("Text excerpt", "Evidence", "Explanation", "Author", "Link"):
        assert row[header].value == payload, header
        assert row[header].data_type == "s", header
    assert row["Text excerpt"].quotePrefix == (payload[0] in "=+-@\t\r")
    items = table(wb["Items"])[0]
    assert items["Text"].value == payload
    assert items["Text"].data_type == "s"
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_decision_drop_down_covers_every_finding(builder: ReportBuilder, tmp_path: Path) -> None:
    for _ in range(5):
        builder.finding()
    ws = openpyxl.load_workbook(write(builder.build(), tmp_path))["Findings"]
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    validation = validations[0]
    assert validation.type == "list"
    assert validation.showErrorMessage and validation.errorStyle == "stop"
    assert str(validation.sqref) == "Q2:Q6"
    formula = validation.formula1
    assert formula.startswith('"') and formula.endswith('"') and len(formula) <= 257
    assert formula[1:-1].split(",") == [decision.value for decision in Decision]
    decisions = [row["Decision"] for row in table(ws)]
    assert all(cell.column_letter == "Q" for cell in decisions)
    assert {cell.value for cell in decisions} == {Decision.NOT_REVIEWED.value}


def test_frozen_header_filter_and_widths(builder: ReportBuilder, tmp_path: Path) -> None:
    for _ in range(3):
        builder.finding()
    wb = openpyxl.load_workbook(write(builder.build(), tmp_path))
    ws = wb["Findings"]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == "A1:R4"
    assert ws.column_dimensions["J"].width > ws.column_dimensions["B"].width
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("D5DEE8")
    for tab in ("Items", "Sources", "Checks"):
        assert wb[tab].freeze_panes == "B2"
        assert wb[tab].auto_filter.ref is not None


def test_dates_are_naive_utc_datetimes(builder: ReportBuilder, tmp_path: Path) -> None:
    bst = timezone(timedelta(hours=1))
    builder.finding(builder.item(created_at=datetime(2024, 7, 1, 9, 30, 59, 123, tzinfo=bst)))
    wb = openpyxl.load_workbook(write(builder.build(), tmp_path))
    cell = table(wb["Findings"])[0]["Date (UTC)"]
    assert cell.value == datetime(2024, 7, 1, 8, 30, 59)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm"
    assert table(wb["Items"])[0]["Date (UTC)"].value == datetime(2024, 7, 1, 8, 30, 59)


def test_web_links_are_hyperlinks_and_others_are_not(builder: ReportBuilder,
                                                     tmp_path: Path) -> None:
    web = "https://x.com/officer/status/1001?s=20"
    for url in (web, "file://server/share/x.exe", "javascript:alert(1)", None):
        builder.finding(builder.item(url=url))
    rows = table(openpyxl.load_workbook(write(builder.build(), tmp_path))["Findings"])
    links = {row["Link"].value: row["Link"].hyperlink for row in rows}
    assert links[web] is not None and links[web].target == web
    assert links["file://server/share/x.exe"] is None
    assert links["javascript:alert(1)"] is None
    assert links[None] is None


def test_hyperlinks_beyond_excel_limit_become_text(builder: ReportBuilder, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_findings, "MAX_HYPERLINKS", 2)
    for n in range(3):
        builder.finding(builder.item(url=f"https://example.org/{n}"))
    wb = openpyxl.load_workbook(write(builder.build(), tmp_path))
    links = [row["Link"] for row in table(wb["Findings"])]
    assert [cell.hyperlink is not None for cell in links] == [True, True, False]
    assert links[2].value == "https://example.org/2"
    notes = " ".join(str(v) for v in column_values(wb["Summary"], 2) if v)
    assert "1 links are plain text" in notes


def test_control_characters_are_removed(builder: ReportBuilder, tmp_path: Path) -> None:
    dirty = "a\x00b\x07c\x0bd\x1be\ud800f\ufffeg\th\ni"
    builder.finding(builder.item(dirty, author="\x01name"), evidence="x\x02y")
    wb = openpyxl.load_workbook(write(builder.build(), tmp_path))
    row = table(wb["Findings"])[0]
    assert row["Text excerpt"].value == "abcdefg\th\ni"
    assert row["Author"].value == "name"
    assert row["Evidence"].value == "xy"
    assert table(wb["Items"])[0]["Text"].value == "abcdefg\th\ni"


def test_long_text_is_capped_at_excel_limit(builder: ReportBuilder, tmp_path: Path) -> None:
    plain, emoji = "w" * 40_000, "🚓" * 20_000
    builder.finding(builder.item(plain), explanation=plain)
    builder.finding(builder.item(emoji))
    wb = openpyxl.load_workbook(write(builder.build(), tmp_path))
    items = table(wb["Items"])
    assert items[0]["Text"].value == "w" * 32_766 + "…"
    capped = items[1]["Text"].value
    assert capped.endswith("…") and len(capped.encode("utf-16-le")) // 2 <= 32_767
    assert capped.startswith("🚓" * 16_000)
    findings = table(wb["Findings"])
    excerpts = [row["Text excerpt"].value for row in findings]
    assert all(len(text) <= 500 and text.endswith("…") for text in excerpts)
    assert max(len(row["Explanation"].value) for row in findings) == 32_767


def test_excerpt_shows_the_words_that_fired_in_a_long_post(builder: ReportBuilder,
                                                            tmp_path: Path) -> None:
    text = "before " * 300 + "NEEDLE" + " after" * 300
    start = text.index("NEEDLE")
    builder.finding(builder.item(text), evidence="NEEDLE", span=(start, start + 6))
    builder.finding(builder.item(text), evidence="early", span=(0, 6))
    rows = table(openpyxl.load_workbook(write(builder.build(), tmp_path))["Findings"])
    late, early = (row["Text excerpt"].value for row in rows)
    assert late.startswith("…before") and late.endswith("after…") and "NEEDLE" in late
    assert len(late) <= 500
    assert early.startswith("before before") and "NEEDLE" not in early


def test_literal_excel_escape_text_is_kept_literal(builder: ReportBuilder,
                                                   tmp_path: Path) -> None:
    builder.finding(builder.item("see _x0041_ here"))
    wb = openpyxl.load_workbook(write(builder.build(), tmp_path))
    # Excel shows _x005F_ as "_", so the reviewer sees the original "_x0041_".
    assert table(wb["Items"])[0]["Text"].value == "see _x005F_x0041_ here"


def test_summary_says_who_what_when(builder: ReportBuilder, tmp_path: Path) -> None:
    builder.warnings = ("data/like.js: 2 likes had no text", "data/dm.js: skipped")
    builder.finding(severity=Severity.HIGH, category=Category.CONFIDENTIALITY_PERSONAL_DATA)
    builder.finding(severity=Severity.HIGH, category=Category.CONFIDENTIALITY_PERSONAL_DATA)
    builder.finding(severity=Severity.LOW, category=Category.LANGUAGE_ABUSIVE)
    data = builder.build(failures=["acme[AA950]: could not import acme"], case_id="PSD-42")
    ws = openpyxl.load_workbook(write(data, tmp_path))["Summary"]
    facts = {row[0].value: row[1].value for row in ws.iter_rows(max_col=2) if row[0].value}
    assert ws["A1"].value == "accountaudit review sheet"
    assert facts["Case ID"] == "PSD-42"
    assert facts["Accounts"] == "x: @officer"
    assert facts["Sources"].startswith("x-archive.zip")
    assert facts["Generated (UTC)"] == "2025-01-02 03:04"
    assert facts["Items dated (UTC)"] == "2024-05-06 to 2024-05-06"
    assert facts["Tool version"] == "accountaudit 9.9.9"
    assert facts["Private messages"] == "not included (3 left out)"
    assert facts["Findings"] == "3"
    assert facts["Load warnings"].startswith("2 ")
    assert facts["Checks that failed to load"] == "acme[AA950]: could not import acme"
    table_rows = {row[0].value: [c.value for c in row[1:6]] for row in ws.iter_rows()}
    assert table_rows["Third parties' personal data"] == [2, 0, 0, 0, 2]
    assert table_rows["Abusive language"] == [0, 0, 1, 0, 1]
    assert table_rows["All categories"] == [2, 0, 1, 0, 3]


def test_items_sources_and_checks_tabs(builder: ReportBuilder, tmp_path: Path) -> None:
    builder.warnings = tuple(f"warning {n}" for n in range(8))
    first = builder.item("first post")
    builder.item("a reply", kind=ItemKind.REPLY)
    builder.finding(first)
    checks = [builder.check("AA200"), builder.check("AA101", severity=Severity.HIGH)]
    data = builder.build(checks=checks, failures=["broken[AA999]: no module"])
    wb = openpyxl.load_workbook(write(data, tmp_path))
    items = table(wb["Items"])
    assert [row["Text"].value for row in items] == ["first post", "a reply"]
    assert items[0]["Key"].value == first.key
    assert items[0]["Location"].value == "data/tweets.js #0"
    source = table(wb["Sources"])[0]
    assert source["SHA-256"].value == "ab" * 32
    assert source["Size (bytes)"].value == 123_456
    assert source["Post"].value == 1 and source["Reply"].value == 1
    assert source["Total items"].value == 2
    assert "… and 3 more" in source["Warnings"].value
    listed = column_values(wb["Sources"], 2)
    assert all(f"warning {n}" in listed for n in range(8))
    rows = table(wb["Checks"])
    assert [row["Check ID"].value for row in rows] == ["AA101", "AA200"]
    assert rows[0]["Default severity"].value == "High"
    assert "broken[AA999]: no module" in column_values(wb["Checks"], 1)


def test_empty_report_writes_a_valid_sheet(builder: ReportBuilder, tmp_path: Path) -> None:
    out = write(builder.build(case_id=None), tmp_path)
    ws = openpyxl.load_workbook(out)["Findings"]
    assert ws.max_row == 1
    assert not ws.data_validations.dataValidation
    assert read_decisions(out) == []
    assert read_review_sheet(out).case_id is None


@pytest.mark.parametrize("failure", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_mid_write_leaves_no_file(builder: ReportBuilder, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          failure: BaseException) -> None:
    builder.finding()

    def explode(*args: object) -> None:
        raise failure

    monkeypatch.setattr(xlsx, "write_checks", explode)
    with pytest.raises(type(failure)):
        write(builder.build(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_failure_leaves_no_streamed_rows_in_temp(builder: ReportBuilder, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    builder.finding()

    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(xlsx, "write_summary", explode)
    with pytest.raises(RuntimeError):
        write(builder.build(), tmp_path, "out.xlsx")
    assert list(temp.iterdir()) == []
    monkeypatch.setattr(xlsx, "write_summary", write_summary)
    write(builder.build(), tmp_path, "again.xlsx")  # openpyxl streams to temp, then cleans up
    assert list(temp.iterdir()) == []


def test_failed_save_keeps_the_previous_sheet(builder: ReportBuilder, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    builder.finding()
    out = write(builder.build(), tmp_path)
    before = out.read_bytes()

    def half_save(self: openpyxl.Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", half_save)
    with pytest.raises(OutputError, match="disk is full"):
        write(builder.build(), tmp_path)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.xlsx"]


def test_missing_folder_raises_output_error(builder: ReportBuilder, tmp_path: Path) -> None:
    out = tmp_path / "no such folder" / "sheet.xlsx"
    with pytest.raises(OutputError) as caught:
        write_review_sheet(builder.build(), out)
    assert str(out) in str(caught.value)
    assert not out.parent.exists()


def test_file_open_in_excel_raises_output_error(builder: ReportBuilder, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("accountaudit.export.atomic.os.replace", locked)
    out = tmp_path / "sheet.xlsx"
    with pytest.raises(OutputError, match="open in another program") as caught:
        XlsxExporter().write(builder.build(), out)
    assert str(out) in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_decisions_round_trip(builder: ReportBuilder, tmp_path: Path) -> None:
    made = [builder.finding() for _ in range(3)]
    out = write(builder.build(case_id="PSD-7"), tmp_path)
    wb = openpyxl.load_workbook(out)
    ws = wb["Findings"]
    ws["Q2"] = Decision.REFER.value
    ws["R3"] = "Spoke to the officer; =context\nsecond line"
    wb.save(out)
    rows = read_decisions(out)
    order = [str(ws.cell(row=n, column=1).value) for n in range(2, 5)]
    assert sorted(order) == sorted(f.id for f in made)
    assert rows == [
        (order[0], Decision.REFER.value, ""),
        (order[1], Decision.NOT_REVIEWED.value, "Spoke to the officer; =context\nsecond line"),
        (order[2], Decision.NOT_REVIEWED.value, ""),
    ]
    assert read_review_sheet(out).case_id == "PSD-7"


def test_decisions_found_by_header_after_reviewer_moves_columns(builder: ReportBuilder,
                                                                tmp_path: Path) -> None:
    made = builder.finding()
    out = write(builder.build(), tmp_path)
    wb = openpyxl.load_workbook(out)
    ws = wb["Findings"]
    ws.insert_cols(2)
    ws["B1"] = "My column"
    ws["R2"] = " no   CONCERN "
    ws["S2"] = "fine"
    wb.save(out)
    assert read_decisions(out) == [(made.id, Decision.NO_CONCERN.value, "fine")]


def test_repeated_finding_rows_must_agree(builder: ReportBuilder, tmp_path: Path) -> None:
    made = builder.finding()
    out = write(builder.build(), tmp_path)
    wb = openpyxl.load_workbook(out)
    ws = wb["Findings"]
    ws.append([made.id] + [None] * 15 + [Decision.NOT_REVIEWED.value, None])
    wb.save(out)
    assert read_decisions(out) == [(made.id, Decision.NOT_REVIEWED.value, "")]
    ws["R3"] = "different"
    wb.save(out)
    with pytest.raises(InputError, match="rows 2 and 3"):
        read_decisions(out)


def test_bad_decision_is_reported_with_its_row(builder: ReportBuilder, tmp_path: Path) -> None:
    builder.finding()
    out = write(builder.build(), tmp_path)
    wb = openpyxl.load_workbook(out)
    wb["Findings"]["Q2"] = "Concern"
    wb.save(out)
    with pytest.raises(InputError, match=r"row 2 .*'Concern' is not a decision"):
        read_decisions(out)


@pytest.mark.parametrize("case", ["missing", "text", "no findings tab", "no decision column"])
def test_read_decisions_rejects_what_is_not_a_review_sheet(tmp_path: Path, case: str) -> None:
    path = tmp_path / "returned.xlsx"
    if case == "text":
        path.write_text("not a workbook", encoding="utf-8")
    elif case != "missing":
        wb = openpyxl.Workbook()
        wb.active.title = "Sheet" if case == "no findings tab" else "Findings"
        wb.active.append(["Finding ID", "Note"])
        wb.save(path)
    with pytest.raises(InputError) as caught:
        read_decisions(path)
    assert str(path) in str(caught.value)


def test_corpus_sheet_round_trips(builder: ReportBuilder, corpus: Path, tmp_path: Path) -> None:
    from accountaudit.sources.base import Detection, LoadOptions, LoadReport
    from accountaudit.sources.jsonl import JsonlLoader

    loaded = list(JsonlLoader().load(corpus, Detection("generic-jsonl"), builder.source.id,
                                     LoadOptions(include_messages=True), LoadReport()))
    builder.items = loaded
    for item in loaded:
        for label in item.extra.get("labels", []):
            builder.finding(item, category=Category(label), evidence=f"{label}: {item.text[:40]}")
    data = builder.build()
    out = write(data, tmp_path)
    wb = openpyxl.load_workbook(out)
    assert len(table(wb["Items"])) == len(loaded)
    texts = {row["Key"].value: row["Text"].value for row in table(wb["Items"])}
    assert all(texts[item.key] == (item.text or None) for item in loaded if "_x" not in item.text)
    decisions = read_decisions(out)
    assert sorted(d[0] for d in decisions) == sorted(f.id for f in data.findings)
