"""Declarative rule packs: TOML files of words, phrases and patterns a force can edit without code.

``load_pack`` validates a file (checks/README.md documents the format for editors);
``RulePackRunner`` runs any number of rules from any number of packs as one pass per item.
Each rule is described by a ``CheckInfo``, so reviewers see rules and Python checks alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from accountaudit.check import Batch, PreparedText, ScanContext
from accountaudit.checks.matcher import CompiledRules
from accountaudit.checks.rulepack_schema import Context, Rule, RulePack, Side, load_pack
from accountaudit.model import Finding, Item, ItemKind, Provenance

__all__ = ["Context", "Rule", "RulePack", "RulePackRunner", "Side", "example_failures",
           "find_pack_files", "load_pack"]


def find_pack_files(folder: Path) -> list[Path]:
    """The ``*.toml`` files directly in ``folder``, sorted by name (none if it is not a folder)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


class RulePackRunner:
    """Runs rules from packs; implements ``accountaudit.check.Runner``."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._compiled: CompiledRules | None = None

    def setup(self, ctx: ScanContext) -> None:
        """Compile every term into one automaton and every regex once."""
        self._compiled = CompiledRules(self.rules)

    def check_many(self, batch: Batch) -> Iterator[Finding]:
        """Findings for a batch, item by item (compiling first if ``setup`` was not called)."""
        if self._compiled is None:
            self._compiled = CompiledRules(self.rules)
        scan = self._compiled.scan
        for item, text in batch:
            yield from scan(item, text)


def _example_kind(rule: Rule) -> ItemKind:
    for kind in (ItemKind.POST, ItemKind.PROFILE, ItemKind.REPLY, ItemKind.MESSAGE):
        if kind in rule.applies_to:
            return kind
    return min(rule.applies_to)


def example_item(rule: Rule, text: str, number: int) -> Item:
    """An item of a kind the rule applies to, carrying an example text."""
    return Item(source_id="example", id=f"{rule.info.id}-{number}", platform="example",
                kind=_example_kind(rule), text=text,
                provenance=Provenance("example", f"{rule.pack_id} examples"))


def example_failures(rules: Sequence[Rule]) -> list[str]:
    """Plain-English list of examples that do not behave as their rule says (empty when all do)."""
    runner = RulePackRunner(rules)
    problems: list[str] = []
    for rule in rules:
        cases = [(t, True) for t in rule.examples_flag] + [(t, False) for t in rule.examples_pass]
        for number, (text, should_flag) in enumerate(cases):
            item = example_item(rule, text, number)
            found = [f for f in runner.check_many([(item, PreparedText(text))])
                     if f.check_id == rule.info.id]
            if should_flag and not found:
                problems.append(f"rule {rule.info.id}: examples.flag text was not flagged: {text}")
            elif found and not should_flag:
                problems.append(f"rule {rule.info.id}: examples.pass text was flagged "
                                f"({found[0].evidence!r}): {text}")
    return problems
