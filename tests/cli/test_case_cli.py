"""The case commands end to end: case show|decide|log|verify|sheet|export|purge, import-decisions
and diff, with their exit statuses (0, 1, 2) and one-sentence errors; and self-audit: a scan
without --case leaves nothing on disk but the outputs asked for."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from accountaudit.cli.main import main

POSTS = [
    {"id": "1", "text": "Noisy party at 14 Acacia Avenue, EX4 7QT again."},
    {"id": "2", "text": "Anyone know the owner of a silver Astra AB12 CDE? Parked again."},
    {"id": "3", "text": "What a scumbag, honestly."},
]


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(capsys: Any, *args: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _one_sentence_error(err: str) -> None:
    assert err.startswith("accountaudit: error: ") and "Traceback" not in err
    assert err.count("\n") == 1


@pytest.fixture
def case(tmp_path: Path, capsys: Any) -> Path:
    posts = _jsonl(tmp_path / "posts.jsonl", POSTS)
    status, out, _ = _run(capsys, "scan", posts, "--out", tmp_path / "review.xlsx",
                          "--case", tmp_path / "case")
    assert status == 0 and "Case folder:" in out
    return tmp_path / "case"


def _findings(capsys: Any, case: Path) -> list[dict[str, Any]]:
    status, out, _ = _run(capsys, "case", "show", case, "--findings", "--json")
    assert status == 0
    return json.loads(out)["finding_list"]


def test_show_decide_log_and_sheet(case: Path, tmp_path: Path, capsys: Any) -> None:
    first = _findings(capsys, case)[0]["id"]
    status, out, _ = _run(capsys, "case", "decide", case, first, "--decision", "refer for "
                          "assessment", "--note", "see log 12", "--reviewer", "DI Kent")
    assert status == 0 and out.startswith(f"Saved: {first}: Refer for assessment (with a note)")
    status, out, _ = _run(capsys, "case", "show", case, "--json")
    assert json.loads(out)["decisions"] == {"Refer for assessment": 1}
    status, out, _ = _run(capsys, "case", "log", case)
    assert status == 0 and f"decision on {first}: Refer for assessment with a note, by DI Kent" \
        in out
    status, out, _ = _run(capsys, "case", "log", case, "--json")
    entries = json.loads(out)
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert all(len(e["hash"]) == 64 for e in entries)
    status, out, _ = _run(capsys, "case", "sheet", case, "--out", tmp_path / "fresh.xlsx")
    assert status == 0 and "1 decided" in out
    ws = openpyxl.load_workbook(tmp_path / "fresh.xlsx")["Findings"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2,
                                                                             values_only=True)}
    assert rows[first]["Decision"] == "Refer for assessment" and rows[first]["Note"] == \
        "see log 12"


@pytest.mark.parametrize("args, message", [
    (["case", "decide", "{case}", "nosuch", "--decision", "No concern"],
     "there is no finding nosuch in this case"),
    (["case", "decide", "{case}", "{first}", "--decision", "Concern"],
     "'Concern' is not a decision"),
    (["case", "show", "{tmp}"], "is not a case folder"),
    (["case", "verify", "{tmp}/nowhere"], "is not a case folder"),
    (["case", "purge", "{case}"], "add --yes to confirm"),
    (["case", "export", "{case}", "--out", "{tmp}/case.tar"], "must be a .zip file"),
    (["case", "sheet", "{case}", "--out", "{tmp}/r.csv"], "must be an .xlsx file"),
    (["import-decisions", "{tmp}/posts.jsonl", "--case", "{case}"],
     "is not an accountaudit review sheet"),
    (["diff", "{tmp}/posts.jsonl", "{tmp}/missing.jsonl"], "missing.jsonl: does not exist"),
])
def test_errors_exit_2_in_one_sentence(case: Path, tmp_path: Path, capsys: Any,
                                       args: list[str], message: str) -> None:
    first = _findings(capsys, case)[0]["id"]
    values = {"case": str(case), "tmp": str(tmp_path), "first": first}
    status, _, err = _run(capsys, *(a.format(**values) for a in args))
    assert status == 2 and message in err
    _one_sentence_error(err)


def test_exit_statuses_through_the_installed_script(case: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "accountaudit"

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(script), *(str(a) for a in args)], capture_output=True,
                              text=True, timeout=120, check=False)

    assert run("case", "verify", case).returncode == 0
    missing = run("case", "verify", tmp_path / "nowhere")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    (tmp_path / "posts.jsonl").unlink()
    changed = run("case", "verify", case)
    assert changed.returncode == 1 and "is missing" in changed.stdout


def test_import_decisions_exit_statuses(case: Path, tmp_path: Path, capsys: Any) -> None:
    wb = openpyxl.load_workbook(tmp_path / "review.xlsx")
    ws = wb["Findings"]
    ws["Q2"], ws["R2"] = "No concern", "context: a quote"
    wb.save(tmp_path / "back.xlsx")
    status, out, _ = _run(capsys, "import-decisions", tmp_path / "back.xlsx", "--case", case,
                          "--reviewer", "PS Hale")
    assert status == 0 and "1 decision imported" in out
    ws["A3"] = "0123456789abcdef"
    wb.save(tmp_path / "stray.xlsx")
    status, out, _ = _run(capsys, "import-decisions", tmp_path / "stray.xlsx", "--case", case,
                          "--json")
    result = json.loads(out)
    assert status == 1 and result["unmatched"] == [{"row": 3, "finding": "0123456789abcdef"}]
    ws["Q4"] = "Sack them"
    wb.save(tmp_path / "bad.xlsx")
    status, _, err = _run(capsys, "import-decisions", tmp_path / "bad.xlsx", "--case", case)
    assert status == 2 and "nothing was imported" in err and "row 4: 'Sack them'" in err
    _one_sentence_error(err)
    other = tmp_path / "other"
    assert _run(capsys, "scan", tmp_path / "posts.jsonl", "--out", tmp_path / "o.xlsx",
                "--case", other)[0] == 0
    status, _, err = _run(capsys, "import-decisions", tmp_path / "o.xlsx", "--case", case)
    assert status == 2 and "this sheet belongs to case" in err


def test_import_conflict_exits_1_and_force_takes_the_sheet(case: Path, tmp_path: Path,
                                                            capsys: Any) -> None:
    first = _findings(capsys, case)
    wb = openpyxl.load_workbook(tmp_path / "review.xlsx")
    ws = wb["Findings"]
    ws["Q2"] = "Management action"
    wb.save(tmp_path / "back.xlsx")
    row2 = str(ws["A2"].value)
    assert row2 in {f["id"] for f in first}
    assert _run(capsys, "case", "decide", case, row2, "--decision", "No concern")[0] == 0
    status, out, _ = _run(capsys, "import-decisions", tmp_path / "back.xlsx", "--case", case)
    assert status == 1 and f"row 2: {row2}: sheet says \"Management action\", case says " \
        "\"No concern\"" in out and "--force" in out
    status, out, _ = _run(capsys, "import-decisions", tmp_path / "back.xlsx", "--case", case,
                          "--force")
    assert status == 0 and "1 decision imported" in out


def test_verify_exit_statuses(case: Path, tmp_path: Path, capsys: Any) -> None:
    status, out, _ = _run(capsys, "case", "verify", case)
    assert status == 0 and "Everything is as recorded." in out
    conn = sqlite3.connect(case / "case.sqlite")
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET user = 'mallory' WHERE seq = 2")
    conn.commit()
    conn.close()
    (tmp_path / "posts.jsonl").write_text('{"id": "1", "text": "changed"}\n', encoding="utf-8")
    status, out, _ = _run(capsys, "case", "verify", case)
    assert status == 1
    assert "CHANGED: case log: entry 2 (load," in out and "was altered" in out
    assert f"CHANGED: source {tmp_path / 'posts.jsonl'} changed since it was loaded" in out
    status, out, _ = _run(capsys, "case", "verify", case, "--json")
    assert status == 1 and json.loads(out)["intact"] is False


def test_export_and_purge(case: Path, tmp_path: Path, capsys: Any) -> None:
    status, out, _ = _run(capsys, "case", "export", case, "--out", tmp_path / "case.zip",
                          "--reason", "appeal bundle")
    assert status == 0 and "case.sqlite:" in out and "log.jsonl:" in out
    with zipfile.ZipFile(tmp_path / "case.zip") as archive:
        assert "manifest.json" in archive.namelist()
    status, out, err = _run(capsys, "case", "purge", case, "--yes")
    assert status == 0 and "The log (with this purge) and the decisions remain." in out
    assert "review.xlsx was written from this case and still holds its content" in err
    status, out, _ = _run(capsys, "case", "verify", case)
    assert status == 0
    status, _, err = _run(capsys, "case", "sheet", case, "--out", tmp_path / "again.xlsx")
    assert status == 2 and "content was purged" in err


def test_diff_text_json_and_sheet(tmp_path: Path, capsys: Any) -> None:
    old = _jsonl(tmp_path / "v1.jsonl", POSTS)
    new = _jsonl(tmp_path / "v2.jsonl", [POSTS[0], {"id": "3", "text": "What a day."},
                                         {"id": "4", "text": "New one"}])
    status, out, _ = _run(capsys, "diff", old, new, "--out", tmp_path / "changes.xlsx")
    assert status == 0
    assert "1 deleted, 1 edited, 1 added, 1 unchanged." in out
    assert "!! 1 item was DELETED since the earlier capture:" in out
    assert "  DELETED generic post 2 (undated): 'Anyone know the owner" in out
    assert openpyxl.load_workbook(tmp_path / "changes.xlsx").sheetnames == ["Summary",
                                                                            "Changes"]
    status, out, _ = _run(capsys, "diff", old, new, "--json")
    result = json.loads(out)
    assert result["counts"] == {"deleted": 1, "edited": 1, "added": 1, "unchanged": 1}
    assert result["changes"][1] == {
        "change": "edited", "platform": "generic", "kind": "post", "id": "3",
        "created_at": None, "url": None, "old_text": POSTS[2]["text"], "new_text": "What a day."}


AUDIT = textwrap.dedent("""
    import os, sys
    record = open(sys.argv[1], "w", encoding="utf-8")
    WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    def hook(event, args):
        if event == "open" and not isinstance(args[0], int):
            mode, flags = args[1] or "", args[2] or 0
            if any(c in mode for c in "wax+") or flags & WRITE:
                record.write(f"write\\t{os.path.abspath(args[0])}\\n")
        elif event in ("os.rename", "os.replace", "os.link", "os.symlink"):
            record.write(f"write\\t{os.path.abspath(args[1])}\\n")
        elif event in ("os.mkdir", "os.truncate"):
            record.write(f"write\\t{os.path.abspath(args[0])}\\n")
        elif event == "sqlite3.connect":
            record.write(f"sqlite\\t{args[0]}\\n")
        record.flush()
    sys.addaudithook(hook)
    from accountaudit.cli.main import main
    sys.exit(main(sys.argv[2:]))
""")


def _tree(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def test_a_scan_without_a_case_leaves_only_its_outputs(tmp_path: Path) -> None:
    inputs, outputs, home, temp, work = (tmp_path / n for n in ("in", "out", "home", "tmp",
                                                                 "work"))
    for folder in (inputs, outputs, home, temp, work):
        folder.mkdir()
    posts = _jsonl(inputs / "posts.jsonl", POSTS)
    archive = Path(__file__).resolve().parents[2] / "examples" / "officer-x-archive.zip"
    (tmp_path / "audit.py").write_text(AUDIT, encoding="utf-8")
    record = tmp_path / "writes.tsv"
    record.touch()
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(temp), "TEMP": str(temp),
           "TMP": str(temp), "PYTHONDONTWRITEBYTECODE": "1", "XDG_CACHE_HOME": str(home),
           "XDG_CONFIG_HOME": str(home), "XDG_DATA_HOME": str(home)}
    before = _tree(tmp_path)
    result = subprocess.run(
        [sys.executable, str(tmp_path / "audit.py"), str(record), "scan", str(archive),
         str(posts), "--out", str(outputs / "review.xlsx"), "--json",
         str(outputs / "findings.jsonl")],
        cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in record.read_text(encoding="utf-8").splitlines()]
    assert not [p for kind, p in lines if kind == "sqlite"], "a scan without --case used SQLite"
    allowed = {outputs / "review.xlsx", outputs / "findings.jsonl",
               outputs / ".review.xlsx.partial", outputs / ".findings.jsonl.partial"}
    written = {Path(p) for kind, p in lines if kind == "write"}
    elsewhere = {p for p in written - allowed if not p.is_relative_to(temp)}
    assert not elsewhere, f"files written outside the outputs: {sorted(elsewhere)}"
    assert written & allowed == allowed
    assert any(p.is_relative_to(temp) for p in written), "openpyxl streamed nothing to temp?"
    after = _tree(tmp_path)
    assert after - before == {outputs / "review.xlsx", outputs / "findings.jsonl"}
    assert not list(temp.iterdir()), "temporary files were left behind"


def test_a_bad_case_folder_fails_before_the_scan(tmp_path: Path, capsys: Any) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "holiday.jpg").write_bytes(b"x")
    posts = _jsonl(tmp_path / "posts.jsonl", POSTS)
    status, out, err = _run(capsys, "scan", posts, "--out", tmp_path / "r.xlsx", "--case", busy)
    assert status == 2 and "is not a case folder and is not empty" in err
    assert out == "" and not (tmp_path / "r.xlsx").exists()
