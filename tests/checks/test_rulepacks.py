"""Rule packs: every shipped pack validates, every example behaves, errors name file/rule/field."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountaudit.check import PreparedText, ScanContext
from accountaudit.checks.matcher import in_quotes
from accountaudit.checks.regex_hints import required_words
from accountaudit.checks.rulepack import (
    Rule,
    RulePackRunner,
    example_failures,
    example_item,
    find_pack_files,
    load_pack,
)
from accountaudit.errors import RulePackError
from accountaudit.model import Category, Finding, Item, ItemKind, Provenance
from accountaudit.normalize import normalize
from conftest import REPO, shared_dir

PACKS = REPO / "checks" / "packs"
PACK_FILES = find_pack_files(PACKS)
RULES = [rule for path in PACK_FILES for rule in load_pack(path).rules]
RUNNER = RulePackRunner(RULES)
RUNNER.setup(ScanContext(check_data=REPO / "checks"))


def _item(text: str, kind: ItemKind = ItemKind.POST, number: int = 0) -> Item:
    return Item(source_id="t", id=str(number), platform="test", kind=kind, text=text,
                provenance=Provenance("t", "test"))


def _findings(text: str, runner: RulePackRunner = RUNNER,
              kind: ItemKind = ItemKind.POST) -> list[Finding]:
    return list(runner.check_many([(_item(text, kind), PreparedText(text))]))


def _examples() -> list[object]:
    cases = []
    for rule in RULES:
        for n, text in enumerate(rule.examples_flag):
            cases.append(pytest.param(rule, text, True, id=f"{rule.info.id}-flag-{n}"))
        for n, text in enumerate(rule.examples_pass):
            cases.append(pytest.param(rule, text, False, id=f"{rule.info.id}-pass-{n}"))
    return cases


# --- the shipped packs ---------------------------------------------------------------------------

def test_the_repository_ships_packs_for_the_first_three_categories() -> None:
    categories = {rule.info.category for rule in RULES}
    assert {Category.IDENTITY_POLICE_ROLE, Category.LANGUAGE_ABUSIVE,
            Category.CONFIDENTIALITY_PERSONAL_DATA} <= categories


@pytest.mark.parametrize("path", PACK_FILES, ids=lambda p: p.name)
def test_every_shipped_pack_validates(path: Path) -> None:
    pack = load_pack(path)
    assert pack.rules
    for rule in pack.rules:
        assert rule.info.origin == f"rule pack {pack.id} {pack.version} ({path.name})"
        assert rule.info.doc.startswith(rule.info.explanation)


def test_rule_ids_are_unique_across_shipped_packs() -> None:
    ids = [rule.info.id for rule in RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule, text, should_flag", _examples())
def test_pack_example(rule: Rule, text: str, should_flag: bool) -> None:
    item = example_item(rule, text, 0)
    found = [f for f in RUNNER.check_many([(item, PreparedText(text))])
             if f.check_id == rule.info.id]
    if should_flag:
        assert found, f"{rule.info.id} should flag: {text}"
        for finding in found:
            assert finding.span is not None
            assert text[finding.span[0]:finding.span[1]] == finding.evidence
    else:
        assert not found, f"{rule.info.id} flagged {found[0].evidence!r} in: {text}"


def test_example_failures_reports_a_broken_example(tmp_path: Path) -> None:
    pack = _write(tmp_path, RULE.replace('"No scumbags here, only kind words."',
                                         '"Some scumbag again."'))
    [problem] = example_failures(load_pack(pack).rules)
    assert problem.startswith("rule ZZ101: examples.pass text was flagged ('scumbag')")


# --- evidence and matching -----------------------------------------------------------------------

@pytest.mark.parametrize("text, evidence", [
    ("Same SCUMBAG!! nicked again", "SCUMBAG"),
    ("the sc*mbag from the shop", "sc*mbag"),
    ("some s c u m b a g on the bus", "s c u m b a g"),
    ("what a sc\u200bumbag", "sc\u200bumbag"),
    ("proper scuuumbag", "scuuumbag"),
    ("the 5cumb4g did it", "5cumb4g"),
    ("all of them are scumbags", "scumbags"),
])
def test_evidence_quotes_the_text_as_written(text: str, evidence: str) -> None:
    [finding] = [f for f in _findings(text) if f.check_id == "AA120"]
    assert finding.evidence == evidence
    assert finding.span is not None
    assert text[finding.span[0]:finding.span[1]] == evidence
    assert finding.details["matched"] == "scumbag"


@pytest.mark.parametrize("text", [
    "Away at Scunthorpe on Saturday",
    "A man called me a scumbag; he was arrested.",
    "The sign said 'scumbag' in red paint. Reported to the council.",
])
def test_place_names_and_reported_abuse_are_not_flagged(text: str) -> None:
    assert not [f for f in _findings(text) if f.category is Category.LANGUAGE_ABUSIVE]


def test_hashtag_evidence_keeps_its_hash() -> None:
    [finding] = _findings("Rest day 🍺 #CopsOffDuty")
    assert finding.evidence == "#CopsOffDuty"


def test_same_evidence_twice_gives_one_finding_with_a_stable_id() -> None:
    first = _findings("scumbag. SCUMBAG. another scumbag")
    second = _findings("scumbag. SCUMBAG. another scumbag")
    assert len([f for f in first if f.check_id == "AA120"]) == 1
    assert [f.id for f in first] == [f.id for f in second]


def test_runner_works_without_setup_and_ignores_other_kinds(tmp_path: Path) -> None:
    rules = load_pack(_write(tmp_path, RULE.replace('applies_to = ["post"]',
                                                    'applies_to = ["profile"]'))).rules
    runner = RulePackRunner(rules)
    assert not _findings("what a scumbag", runner, ItemKind.POST)
    assert [f.check_id for f in _findings("what a scumbag", runner, ItemKind.PROFILE)] == ["ZZ101"]


def test_empty_batch_and_empty_text_give_nothing() -> None:
    assert list(RUNNER.check_many([])) == []
    assert _findings("") == []


# --- near / unless semantics on a small custom pack ----------------------------------------------

CONTEXT_PACK = """
[pack]
id = "context-test"
version = "1"
title = "Context test"

[[rule]]
id = "ZZ201"
title = "Widget near a gadget"
category = "language.abusive"
explanation = "Test rule."
terms = ["widget"]
near = { words = ["gadget"], within = 2, side = "after" }
unless = [{ words = ["not"], within = 1, side = "before" }, { quoted = true }]
examples.flag = ["widget and gadget"]
examples.pass = ["gadget widget"]

[[rule]]
id = "ZZ202"
title = "Sprocket, boosted by cog"
category = "language.abusive"
confidence = 0.5
explanation = "Test rule."
terms = ["sprocket"]
near = { words = ["cog"], within = 3, required = false, boost = 0.3 }
examples.flag = ["a sprocket"]
examples.pass = ["a sprock"]
"""


@pytest.mark.parametrize("text, flagged", [
    ("widget and gadget", True),
    ("widget one two three gadget", False),   # too far
    ("gadget widget", False),                  # wrong side
    ("not widget gadget", False),              # cancelled before
    ("widget gadget not", True),               # 'not' after does not cancel
    ("he said 'widget gadget' to me", False),  # quoted
])
def test_near_and_unless_windows(tmp_path: Path, text: str, flagged: bool) -> None:
    path = tmp_path / "context.toml"
    path.write_text(CONTEXT_PACK, encoding="utf-8")
    runner = RulePackRunner(load_pack(path).rules)
    assert bool([f for f in _findings(text, runner) if f.check_id == "ZZ201"]) is flagged


@pytest.mark.parametrize("text, quoted", [
    ("he said 'you scumbag' and left", True),
    ("“scumbag”, she shouted", True),
    ("he's a scumbag and he's gone", False),
    ("'Hi' then the scumbag said 'bye'", False),
    ("the lads' scumbag mate", False),
    ("'scumbag\nnext line'", False),
])
def test_in_quotes(text: str, quoted: bool) -> None:
    start = text.index("scumbag")
    assert in_quotes(text, start, start + len("scumbag")) is quoted


def test_optional_near_words_raise_confidence(tmp_path: Path) -> None:
    path = tmp_path / "context.toml"
    path.write_text(CONTEXT_PACK, encoding="utf-8")
    runner = RulePackRunner(load_pack(path).rules)
    [plain] = _findings("a sprocket here", runner)
    [boosted] = _findings("a sprocket and a cog", runner)
    assert (plain.confidence, boosted.confidence) == (0.5, 0.8)


def test_term_lists_and_repeated_letters(tmp_path: Path) -> None:
    pack = RULE.replace('terms = ["scumbag"]', 'term_lists = ["words"]')
    path = _write(tmp_path, '[lists]\nwords = ["kill", "butt"]\n\n' + pack)
    runner = RulePackRunner(load_pack(path).rules)
    assert [f.evidence for f in _findings("Ki11 it, kiiill it, kil it", runner)] == ["Ki11",
                                                                                    "kiiill"]
    assert not _findings("but why", runner)


# --- schema errors name file, rule and field ------------------------------------------------------

RULE = """
[pack]
id = "err-test"
version = "1"
title = "Error test"

[[rule]]
id = "ZZ101"
title = "Test"
category = "language.abusive"
explanation = "Test rule."
terms = ["scumbag"]
applies_to = ["post"]
examples.flag = ["What a scumbag."]
examples.pass = ["No scumbags here, only kind words."]
"""


def _write(folder: Path, text: str, name: str = "pack.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, rule, field, words", [
    (('category = "language.abusive"', 'category = "language.abusiv"'), "ZZ101", "category",
     "did you mean 'language.abusive'"),
    (('id = "ZZ101"\n', ""), "number 1", "id", "is missing"),
    (('terms = ["scumbag"]', "terms = [\"scumbag\"]\nregex = ['(unclosed']"), "ZZ101", "regex",
     "not a valid regular expression"),
    (('terms = ["scumbag"]', "terms = [\"scumbag\"]\nregex = ['x*']"), "ZZ101", "regex",
     "matches empty text"),
    (('id = "ZZ101"', 'id = "zz-1"'), "zz-1", "id", "is not a check id"),
    (('explanation = "Test rule."', 'explanation = "Test rule."\nunles = { words = ["x"] }'),
     "ZZ101", "unles", "did you mean 'unless'"),
    (('examples.pass = ["No scumbags here, only kind words."]', ""), "ZZ101", "examples",
     "examples.pass"),
    (('applies_to = ["post"]', 'applies_to = ["posts"]'), "ZZ101", "applies_to",
     "did you mean 'post'"),
    (('terms = ["scumbag"]', 'term_lists = ["missing"]'), "ZZ101", "term_lists",
     "not in the [lists] section"),
    (('terms = ["scumbag"]', 'terms = ["scumbag"]\nconfidence = 2'), "ZZ101", "confidence",
     "from 0 to 1"),
    (('terms = ["scumbag"]', 'terms = ["scumbag"]\nnear = { within = 3 }'), "ZZ101",
     "near.words", "is missing"),
    (('terms = ["scumbag"]', 'terms = ["!!"]'), "ZZ101", "terms", "no letters"),
    (('terms = ["scumbag"]', 'terms = ["scumbag"]\nforces = ["gmp"]'), "ZZ101", "forces",
     "belongs in the [lists] section"),
    (('terms = ["scumbag"]', "terms = [\"scumbag\"]\nregex = ['crime\\s*\\s*\\s*x']"),
     "ZZ101", "regex", "very slow on long posts"),
    (('terms = ["scumbag"]', "terms = [\"scumbag\"]\nregex = ['(a+)+b']"), "ZZ101", "regex",
     "very slow on long posts"),
])
def test_schema_errors_name_file_rule_and_field(tmp_path: Path, change: tuple[str, str],
                                                rule: str, field: str, words: str) -> None:
    assert change[0] in RULE
    path = _write(tmp_path, RULE.replace(*change))
    with pytest.raises(RulePackError) as raised:
        load_pack(path)
    message = str(raised.value)
    assert message.startswith(f"{path}, rule {rule}: field '{field}'")
    assert words in message
    assert raised.value.rule == rule


def test_the_pack_used_for_error_cases_is_itself_valid(tmp_path: Path) -> None:
    [rule] = load_pack(_write(tmp_path, RULE)).rules
    assert (rule.info.id, rule.info.severity, rule.confidence) == ("ZZ101", "medium", 0.6)


def test_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    body = RULE.split("[[rule]]")[1]
    path = _write(tmp_path, RULE + "\n[[rule]]" + body)
    with pytest.raises(RulePackError, match=r"rule ZZ101: field 'id' is used by two rules"):
        load_pack(path)


@pytest.mark.parametrize("text, problem", [
    ("[pack]\nid = 'x'\nversion = 1\ntitle = 't'\n", "field 'pack.version' must be written "
                                                     "in quotes"),
    ("[pack]\nid = 'x'\nversion = '1'\ntitle = 't'\n", "has no rules"),
    ("[pack\nid = 'x'", "is not valid TOML"),
    ("[[rule]]\nid = 'ZZ101'\n", "has no [pack] section"),
    ("[pack]\nid = 'Bad Id'\nversion = '1'\ntitle = 't'\n", "field 'pack.id'"),
])
def test_pack_level_errors(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RulePackError, match=re.escape(problem)) as raised:
        load_pack(path)
    assert str(raised.value).startswith(str(path))


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="cannot be read"):
        load_pack(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes(RULE.replace("Test rule.", "Caf\xe9").encode("latin-1"))
    with pytest.raises(RulePackError, match="not saved as UTF-8"):
        load_pack(path)


def test_find_pack_files_sorted_toml_only(tmp_path: Path) -> None:
    for name in ("b.toml", "a.toml", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "folder.toml").mkdir()
    assert [p.name for p in find_pack_files(tmp_path)] == ["a.toml", "b.toml"]
    assert find_pack_files(tmp_path / "absent") == []


# --- the regex prefilter is never wrong ----------------------------------------------------------

@pytest.mark.parametrize("pattern, folded, exact", [
    (r"\bkeep\b.*", {"keep"}, set()),
    (r"\b(?:collar|shoulder)\s+number", {"collar", "shoulder"}, set()),
    (r"(?-i:\b(?:PC|DC)\b)", set(), {"PC", "DC"}),
    (r"colou?r", {"colo"}, set()),
    (r"(?:^|(?<=\s))(?:ab|cd)x", {"ab", "cd"}, set()),
    (r"(?-i:AB)|cd", {"cd"}, {"AB"}),
    (r"Café", {"cafe"}, set()),
])
def test_required_words(pattern: str, folded: set[str], exact: set[str]) -> None:
    hints = required_words(pattern)
    assert hints is not None
    assert (set(hints.folded), set(hints.exact)) == (folded, exact)


@pytest.mark.parametrize("pattern", [r"\d+x", r"(?:ab)?cd", r"a{0,2}bc", r"[^a]bc", r"ab|c",
                                     r"(?i)abc", r".abc", r"(ab|)cd"])
def test_required_words_gives_up_when_unsure(pattern: str) -> None:
    assert required_words(pattern) is None


def _hints_hold(pattern: re.Pattern[str], text: str) -> bool:
    hints = required_words(pattern.pattern)
    if hints is None or not pattern.search(text):
        return True
    value = normalize(text).value
    return any(w in value for w in hints.folded) or any(w in text for w in hints.exact)


PACK_REGEXES = [p for rule in RULES for p in rule.regex]


@pytest.mark.parametrize("pattern", PACK_REGEXES, ids=lambda p: p.pattern[:30])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(data=st.data())
def test_prefilter_never_hides_a_match(pattern: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(st.from_regex(pattern))
    assert _hints_hold(pattern, text)


# --- the shared corpus (only when ../shared is beside the checkout) ------------------------------

def _corpus() -> list[dict[str, object]]:
    shared = shared_dir()
    if shared is None or not (shared / "corpus" / "dev.jsonl").is_file():
        return []
    lines = (shared / "corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.skipif(not _corpus(), reason="../shared/corpus is not beside this checkout")
def test_corpus_evidence_is_quoted_exactly_and_hard_negatives_stay_quiet() -> None:
    mine = {Category.IDENTITY_POLICE_ROLE, Category.LANGUAGE_ABUSIVE,
            Category.CONFIDENTIALITY_PERSONAL_DATA}
    flagged_negatives = []
    for number, row in enumerate(_corpus()):
        item = _item(row["text"], ItemKind(row["kind"]), number)
        for finding in RUNNER.check_many([(item, PreparedText(row["text"]))]):
            assert finding.span is not None
            assert row["text"][finding.span[0]:finding.span[1]] == finding.evidence
            if not row["labels"] and finding.category in mine:
                flagged_negatives.append((row["id"], finding.check_id, finding.evidence))
    assert flagged_negatives == []
