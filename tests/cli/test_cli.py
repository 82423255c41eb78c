"""The command line end to end: the README's scan, inspect, checks, and every error path."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from accountaudit import __version__
from accountaudit.cli.main import main
from conftest import EXAMPLES

ARCHIVE = EXAMPLES / "officer-x-archive.zip"
EXTRA = EXAMPLES / "extra-posts.jsonl"
CLI = Path(sys.executable).parent / "accountaudit"


def _scan(tmp_path: Path, *extra: str) -> int:
    return main(["scan", str(ARCHIVE), str(EXTRA), "--out", str(tmp_path / "review.xlsx"),
                 *extra])


def test_readme_scan_writes_sheet_json_and_case(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    status = _scan(tmp_path, "--json", str(tmp_path / "f.jsonl"), "--case", str(tmp_path / "c"))
    out = capsys.readouterr().out
    assert status == 0
    assert "Review sheet:" in out and "private messages not loaded" in out
    book = openpyxl.load_workbook(tmp_path / "review.xlsx")
    assert book.sheetnames[:2] == ["Summary", "Findings"]
    findings = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert findings and {"item_id", "check", "category", "severity", "confidence", "evidence",
                         "source"} <= set(findings[0])
    categories = {f["category"] for f in findings}
    assert {"confidentiality.personal-data", "identity.police-role",
            "language.abusive"} <= categories
    assert (tmp_path / "c" / "case.sqlite").is_file()
    assert book["Findings"].max_row - 1 == len(findings)


def test_only_selected_checks_run(tmp_path: Path) -> None:
    assert _scan(tmp_path, "--checks", "AA301", "--json", str(tmp_path / "f.jsonl")) == 0
    lines = (tmp_path / "f.jsonl").read_text().splitlines()
    assert lines and {json.loads(line)["check"] for line in lines} == {"AA301"}


def test_messages_only_with_the_flag(tmp_path: Path) -> None:
    _scan(tmp_path, "--json", str(tmp_path / "a.jsonl"))
    _scan(tmp_path, "--json", str(tmp_path / "b.jsonl"), "--include-messages")
    book = openpyxl.load_workbook(tmp_path / "review.xlsx", read_only=True)
    kinds = {row[2] for row in book["Items"].iter_rows(min_row=2, values_only=True)}
    assert "message" in kinds


@pytest.mark.parametrize("args, message", [
    (["scan", "{missing}", "--out", "{tmp}/r.xlsx"], "{missing}: does not exist"),
    (["scan", "{notzip}", "--out", "{tmp}/r.xlsx"],
     "{notzip}: is not a zip, a folder or a file accountaudit can read"),
    (["scan", "{emptyzip}", "--out", "{tmp}/r.xlsx"],
     "{emptyzip}: this zip archive does not hold any export accountaudit knows"),
    (["scan", "{extra}", "--out", "{tmp}/nofolder/r.xlsx"], "does not exist"),
    (["scan", "{extra}", "--out", "{tmp}/r.csv"], "the review sheet must be an .xlsx file"),
    (["scan", "{extra}", "--out", "{tmp}/r.xlsx", "--checks", "XX1"], "No check matches 'XX1'"),
    (["scan", "{extra}", "--out", "{tmp}/r.xlsx", "--rules", "{missing}"],
     "is not a folder of rule packs"),
    (["inspect", "{missing}"], "does not exist"),
    (["checks", "show", "ZZ999"], "There is no check ZZ999"),
])
def test_errors_are_one_sentence_exit_2_and_write_nothing(tmp_path: Path, capsys,  # type: ignore[no-untyped-def]
                                                          args: list[str], message: str) -> None:
    paths = {"missing": str(tmp_path / "missing.zip"), "notzip": str(tmp_path / "notes.txt"),
             "emptyzip": str(tmp_path / "empty.zip"), "extra": str(EXTRA), "tmp": str(tmp_path)}
    (tmp_path / "notes.txt").write_text("just some notes\n")
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    before = set(tmp_path.iterdir())
    status = main([a.format(**paths) for a in args])
    err = capsys.readouterr().err
    assert status == 2
    assert message.format(**paths) in err
    assert err.startswith("accountaudit: error: ") and "Traceback" not in err
    assert set(tmp_path.iterdir()) == before


def test_output_may_not_overwrite_an_input(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "input.xlsx"
    target.write_text('{"id": "1", "text": "x"}\n')
    assert main(["scan", str(target), "--out", str(target)]) == 2
    assert "is also an input" in capsys.readouterr().err
    assert target.read_text() == '{"id": "1", "text": "x"}\n'


def test_inspect_json(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["inspect", str(ARCHIVE), str(EXTRA), "--json"]) == 0
    archive, extra = json.loads(capsys.readouterr().out)
    assert archive["platform"] == "x" and archive["layout"] == "x-data-tweets"
    assert archive["messages_not_loaded"] == 3 and archive["counts"]["post"] > 0
    assert extra["layout"] == "generic-jsonl" and extra["total"] == 6
    assert len(archive["sha256"]) == 64


def test_inspect_text(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["inspect", str(ARCHIVE)]) == 0
    out = capsys.readouterr().out
    assert "platform: x   layout: x-data-tweets" in out and "private messages not loaded: 3" in out


def test_checks_list_and_show(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["checks", "list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    ids = {c["id"] for c in listing["checks"]}
    assert {"AA301", "AA302", "AA303"} <= ids and listing["failures"] == []
    assert all(c["explanation"] and c["standard"] for c in listing["checks"])
    assert main(["checks", "list"]) == 0
    assert "AA301" in capsys.readouterr().out
    assert main(["checks", "show", "aa301"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("AA301: ") and "Confidentiality" in shown


def test_version_through_the_installed_script() -> None:
    result = subprocess.run([str(CLI), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == f"accountaudit {__version__}"


def test_bad_usage_exits_2_through_the_installed_script() -> None:
    result = subprocess.run([str(CLI), "scan"], capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_ctrl_c_leaves_no_half_written_sheet(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    line = '{{"id": "{}", "text": "Out tonight, call 07911 123456 about reg AB12 CDE"}}\n'
    with big.open("w") as fh:
        fh.writelines(line.format(n) for n in range(400_000))
    out = tmp_path / "review.xlsx"
    proc = subprocess.Popen([str(CLI), "scan", str(big), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    assert proc.poll() is None, "the scan finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "stopped" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]


def test_checks_test_runs_pack_examples(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    packs = Path(__file__).resolve().parents[2] / "checks" / "packs"
    assert main(["checks", "test", str(packs)]) == 0
    out = capsys.readouterr().out
    assert "identity.toml:" in out and "failed" not in out
    (tmp_path / "force.toml").write_text(textwrap.dedent("""
        [pack]
        id = "force-local"
        version = "1"
        title = "A force's own words"

        [[rule]]
        id = "GMP150"
        title = "Local insult"
        category = "language.abusive"
        severity = "medium"
        confidence = 0.6
        explanation = "A local insult aimed at a person."
        terms = ["plonker"]
        examples.flag = ["what a plonker that driver was"]
        examples.pass = ["the plonker was me, forgot my keys", "a lovely day"]
        """), encoding="utf-8")
    assert main(["checks", "test", str(tmp_path / "force.toml")]) == 1
    out = capsys.readouterr().out
    assert "GMP150: examples.pass text was flagged ('plonker'): the plonker was me" in out
    assert main(["checks", "test", str(tmp_path / "none.toml")]) == 2
