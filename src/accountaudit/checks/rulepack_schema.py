"""Read and validate a rule pack (TOML) into frozen records; the format is in checks/README.md.

Packs are edited by people who are not programmers, so every error names the file, the rule and
the field, says what is wrong in plain English, and suggests the likely intended word.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from accountaudit.categories import category_info
from accountaudit.check import CHECK_ID, TEXT_KINDS, CheckInfo
from accountaudit.checks.regex_guard import too_slow
from accountaudit.errors import RulePackError
from accountaudit.model import Category, ItemKind, Severity
from accountaudit.normalize import skeleton_key

DEFAULT_CONFIDENCE = 0.6
DEFAULT_NEAR_WITHIN = 5
DEFAULT_UNLESS_WITHIN = 6
MAX_WITHIN = 50
_PACK_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TOP_KEYS = ("pack", "lists", "rule")
_PACK_KEYS = ("id", "version", "title", "description")
_RULE_KEYS = ("id", "title", "category", "severity", "confidence", "explanation", "standard",
              "terms", "term_lists", "regex", "near", "unless", "applies_to", "examples")
_NEAR_KEYS = ("words", "lists", "within", "side", "required", "boost")
_UNLESS_KEYS = ("words", "lists", "within", "side", "quoted")
_EXAMPLE_KEYS = ("flag", "pass")


class Side(StrEnum):
    """Where context words are looked for, relative to the matched words."""

    EITHER = "either"
    BEFORE = "before"
    AFTER = "after"


@dataclass(frozen=True, slots=True)
class Context:
    """Words near a match: ``near`` ones must (or may, for a boost) be there, ``unless`` ones
    drop the match (e.g. reported speech: "called me a ...")."""

    words: tuple[str, ...]
    within: int
    side: Side = Side.EITHER
    required: bool = True
    boost: float = 0.0
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a pack, described to reviewers exactly like a Python check."""

    info: CheckInfo
    pack_id: str
    terms: tuple[str, ...]
    regex: tuple[re.Pattern[str], ...]
    confidence: float
    applies_to: frozenset[ItemKind]
    near: Context | None = None
    unless: tuple[Context, ...] = ()
    examples_flag: tuple[str, ...] = ()
    examples_pass: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RulePack:
    """A validated pack file."""

    id: str
    version: str
    title: str
    path: Path
    rules: tuple[Rule, ...]
    description: str = ""


@dataclass(slots=True)
class _Table:
    """A TOML table being read, which knows how to complain about its own fields."""

    data: Mapping[str, Any]
    path: Path
    rule: str | None
    prefix: str = ""
    used: set[str] = field(default_factory=set)

    def fail(self, key: str, problem: str) -> RulePackError:
        return RulePackError(self.path, f"field '{self.prefix}{key}' {problem}", rule=self.rule)

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key, value in self.data.items():
            if key not in allowed:
                hint = _did_you_mean(key, allowed)
                if not hint and self.rule and isinstance(value, list):
                    hint = " (a shared word list belongs in the [lists] section, above the " \
                           "first [[rule]])"
                raise self.fail(key, f"is not a field a rule pack understands{hint}. "
                                     f"The fields here are: {', '.join(allowed)}.")

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing")
            return default
        if not isinstance(value, str) or not value.strip():
            kind = "written in quotes" if isinstance(value, int | float) else "some text"
            raise self.fail(key, f"must be {kind}, e.g. {key} = \"...\"")
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, 'must be a list of texts in quotes, e.g. ["one", "two"]')
        if any(not v.strip() for v in value):
            raise self.fail(key, "contains an empty text")
        return tuple(v.strip() for v in value)

    def number(self, key: str, low: float, high: float, default: float) -> float:
        value = self.data.get(key, default)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not low <= value <= high:
            raise self.fail(key, f"must be a number from {low:g} to {high:g}, not {value!r}")
        return float(value)

    def integer(self, key: str, low: int, high: int, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"must be a whole number from {low} to {high}, not {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false (without quotes), not {value!r}")
        return value

    def choice(self, key: str, options: Iterable[str], default: str | None = None) -> str:
        options = tuple(options)
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(key, "is missing")
        if value not in options:
            raise self.fail(key, f"has {value!r}, which is not one of: "
                                 f"{', '.join(options)}{_did_you_mean(str(value), options)}")
        return str(value)

    def sub(self, key: str, allowed: Iterable[str]) -> _Table | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table, e.g. " + key + " = { words = [\"...\"] }")
        table = _Table(value, self.path, self.rule, f"{self.prefix}{key}.")
        table.check_keys(allowed)
        return table


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def parse_pack(path: Path, data: Mapping[str, Any]) -> RulePack:
    """Validate the parsed TOML of one pack file."""
    top = _Table(data, path, None)
    top.check_keys(_TOP_KEYS)
    header = top.sub("pack", _PACK_KEYS)
    if header is None:
        raise RulePackError(path, "has no [pack] section (it needs id, version and title)")
    pack_id = header.text("id")
    if not _PACK_ID.match(pack_id):
        raise header.fail("id", f"'{pack_id}' may use only lower-case letters, digits, dots, "
                                "dashes and underscores (e.g. \"uk-core\")")
    version, title = header.text("version"), header.text("title")
    description = header.text("description", required=False)
    lists = _lists(top)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulePackError(path, "has no rules: add at least one [[rule]] section")
    origin = f"rule pack {pack_id} {version} ({path.name})"
    rules: list[Rule] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_rules, start=1):
        if not isinstance(raw, dict):
            raise RulePackError(path, f"rule number {number} is not a [[rule]] table")
        rule = _rule(raw, number, path, pack_id, version, origin, lists)
        if rule.info.id in seen:
            raise RulePackError(path, "field 'id' is used by two rules in this pack; every rule "
                                      "needs its own id", rule=rule.info.id)
        seen.add(rule.info.id)
        rules.append(rule)
    return RulePack(pack_id, version, title, path, tuple(rules), description)


def _lists(top: _Table) -> dict[str, tuple[str, ...]]:
    raw = top.get("lists")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise top.fail("lists", 'must be a section, e.g. [lists] then forces = ["GMP", "Kent"]')
    table = _Table(raw, top.path, None, "lists.")
    lists: dict[str, tuple[str, ...]] = {}
    for name in raw:
        if not _LIST_NAME.match(name):
            raise table.fail(name, "is not a usable list name: use lower-case letters, digits "
                                   "and dashes")
        lists[name] = _checked_terms(table, name, table.strings(name))
    return lists


def _rule(raw: Mapping[str, Any], number: int, path: Path, pack_id: str, version: str,
          origin: str, lists: Mapping[str, tuple[str, ...]]) -> Rule:
    rule_id = raw.get("id")
    label = rule_id if isinstance(rule_id, str) and rule_id else f"number {number}"
    table = _Table(raw, path, label)
    table.check_keys(_RULE_KEYS)
    rule_id = table.text("id")
    if not CHECK_ID.match(rule_id):
        raise table.fail("id", f"'{rule_id}' is not a check id: two to four capital letters then "
                               "three digits, e.g. AA120")
    category = Category(table.choice("category", [c.value for c in Category]))
    defaults = category_info(category)
    severity = Severity(table.choice("severity", [s.value for s in Severity],
                                     defaults.default_severity.value))
    info = CheckInfo(
        id=rule_id, title=table.text("title"), category=category, severity=severity,
        standard=table.text("standard", required=False, default=defaults.standard),
        explanation=table.text("explanation"), version=version, origin=origin)
    terms = _checked_terms(table, "terms", table.strings("terms"))
    terms += _from_lists(table, "term_lists", lists)
    regex = tuple(_compile(table, p) for p in table.strings("regex"))
    if not terms and not regex:
        raise table.fail("terms", "is missing: a rule needs words to look for (terms or "
                                  "term_lists) or patterns (regex)")
    flag, passes = _examples(table)
    rule = Rule(
        info=info, pack_id=pack_id, terms=terms, regex=regex,
        confidence=table.number("confidence", 0.0, 1.0, DEFAULT_CONFIDENCE),
        applies_to=_kinds(table), near=_near(table, lists), unless=_unless(table, lists),
        examples_flag=flag, examples_pass=passes)
    return _with_doc(rule)


def _checked_terms(table: _Table, key: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    for term in terms:
        text, _ = skeleton_key(term)
        if not text or not any(c.isalnum() or not c.isascii() for c in text):
            raise table.fail(key, f"has '{term}', which has no letters, digits or emoji to match")
    return terms


def _from_lists(table: _Table, key: str, lists: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    words: list[str] = []
    for name in table.strings(key):
        if name not in lists:
            known = ", ".join(lists) or "none in this pack"
            raise table.fail(key, f"names the list '{name}', which is not in the [lists] section"
                                  f"{_did_you_mean(name, lists)} (lists: {known})")
        words.extend(lists[name])
    return tuple(words)


def _compile(table: _Table, pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise table.fail("regex", f"has '{pattern}', which is not a valid regular expression "
                                  f"({exc})") from None
    if compiled.fullmatch(""):
        raise table.fail("regex", f"has '{pattern}', which matches empty text and so would "
                                  "flag everything")
    if too_slow(compiled):
        raise table.fail("regex", f"has '{pattern}', which becomes very slow on long posts "
                                  "(usually repeated or nested * and + over the same characters, "
                                  "as in \\s*\\s* or (a+)+). Use limits such as \\s{0,3}")
    return compiled


def _kinds(table: _Table) -> frozenset[ItemKind]:
    names = table.strings("applies_to")
    if not names:
        return TEXT_KINDS
    options = [k.value for k in ItemKind]
    for name in names:
        if name not in options:
            raise table.fail("applies_to", f"has '{name}', which is not an item kind"
                                           f"{_did_you_mean(name, options)}. The kinds are: "
                                           f"{', '.join(options)}")
    return frozenset(ItemKind(n) for n in names)


def _near(table: _Table, lists: Mapping[str, tuple[str, ...]]) -> Context | None:
    sub = table.sub("near", _NEAR_KEYS)
    if sub is None:
        return None
    words = _context_words(sub, lists)
    if not words:
        raise sub.fail("words", "is missing: list the words to look for near the match")
    return Context(words, sub.integer("within", 0, MAX_WITHIN, DEFAULT_NEAR_WITHIN), _side(sub),
                   required=sub.flag("required", True), boost=sub.number("boost", 0.0, 1.0, 0.0))


def _unless(table: _Table, lists: Mapping[str, tuple[str, ...]]) -> tuple[Context, ...]:
    """One ``unless`` table, or a list of them when different words need different distances."""
    raw = table.get("unless")
    if raw is None:
        return ()
    if isinstance(raw, list) and raw and all(isinstance(r, dict) for r in raw):
        subs = [_Table(r, table.path, table.rule, f"unless[{n}].") for n, r in enumerate(raw, 1)]
        for sub in subs:
            sub.check_keys(_UNLESS_KEYS)
    else:
        sub = table.sub("unless", _UNLESS_KEYS)
        subs = [sub] if sub else []
    contexts = []
    for sub in subs:
        words, quoted = _context_words(sub, lists), sub.flag("quoted", False)
        if not words and not quoted:
            raise sub.fail("words", "is missing: list the words that cancel a match nearby")
        contexts.append(Context(words, sub.integer("within", 0, MAX_WITHIN, DEFAULT_UNLESS_WITHIN),
                                _side(sub), quoted=quoted))
    return tuple(contexts)


def _context_words(sub: _Table, lists: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return _checked_terms(sub, "words", sub.strings("words")) + _from_lists(sub, "lists", lists)


def _side(sub: _Table) -> Side:
    return Side(sub.choice("side", [s.value for s in Side], Side.EITHER.value))


def _examples(table: _Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    sub = table.sub("examples", _EXAMPLE_KEYS)
    flag = sub.strings("flag") if sub else ()
    passes = sub.strings("pass") if sub else ()
    if not flag or not passes:
        raise table.fail("examples", "needs at least one text under examples.flag (that the "
                                     "rule must flag) and one under examples.pass (that it must "
                                     "not); they are run as tests")
    return flag, passes


def _with_doc(rule: Rule) -> Rule:
    """Fill CheckInfo.doc so `checks show` explains a rule as fully as a Python check."""
    lines = [rule.info.explanation, ""]
    if rule.terms:
        lines.append(f"Looks for {len(rule.terms)} words or phrases, e.g. "
                     + ", ".join(f'"{t}"' for t in rule.terms[:5]) + ".")
    if rule.regex:
        lines.append(f"Looks for {len(rule.regex)} text patterns.")
    if rule.near and rule.near.required:
        lines.append(f"Only counts with one of these within {rule.near.within} words: "
                     + ", ".join(rule.near.words[:6]) + ".")
    for unless in rule.unless:
        if unless.words:
            lines.append(f"Not flagged with one of these within {unless.within} words: "
                         + ", ".join(unless.words[:6]) + ".")
        if unless.quoted:
            lines.append("Not flagged when the words are inside quotation marks.")
    lines += ["", "Flagged, e.g.: " + " | ".join(rule.examples_flag[:3]),
              "Not flagged, e.g.: " + " | ".join(rule.examples_pass[:3])]
    info = rule.info
    doc_info = CheckInfo(info.id, info.title, info.category, info.severity, info.standard,
                         info.explanation, info.version, info.origin, "\n".join(lines).strip())
    return Rule(doc_info, rule.pack_id, rule.terms, rule.regex, rule.confidence, rule.applies_to,
                rule.near, rule.unless, rule.examples_flag, rule.examples_pass)


def load_pack(path: Path) -> RulePack:
    """Read and validate one pack file; raises RulePackError naming the file, rule and field."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulePackError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RulePackError(path, "is not saved as UTF-8 text (save it again as UTF-8)") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError(path, f"is not valid TOML: {exc}") from None
    return parse_pack(path, data)
