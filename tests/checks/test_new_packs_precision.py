"""The business and good-practice packs stay quiet on the shared corpus's unlabelled items.

Items labelled [] are chosen to trip keyword matchers (charity fundraisers, a pram for sale, a
relative's job advert, a public-service number mentioned in passing), so any finding from these
packs on them is a precision bug.
"""

from __future__ import annotations

import json
from pathlib import Path

from accountaudit.check import PreparedText, ScanContext
from accountaudit.checks.rulepack import RulePackRunner, load_pack
from accountaudit.model import Category, Item, ItemKind, Provenance
from conftest import REPO

PACKS = REPO / "checks" / "packs"
NEW_PACKS = (PACKS / "business.toml", PACKS / "good-practice.toml")
CATEGORIES = {Category.CONDUCT_BUSINESS, Category.POSITIVE_ENGAGEMENT}


def _runner() -> RulePackRunner:
    runner = RulePackRunner([rule for path in NEW_PACKS for rule in load_pack(path).rules])
    runner.setup(ScanContext(check_data=REPO / "checks"))
    return runner


def _findings(runner: RulePackRunner, row: dict[str, object]) -> list[str]:
    text = str(row["text"])
    item = Item(source_id="corpus", id=str(row["id"]), platform=str(row["platform"]),
                kind=ItemKind(str(row["kind"])), text=text,
                provenance=Provenance("corpus", "test"))
    return [f"{row['id']} {f.check_id} {f.evidence!r}"
            for f in runner.check_many([(item, PreparedText(text))])]


def test_the_new_packs_cover_their_categories() -> None:
    rules = [rule for path in NEW_PACKS for rule in load_pack(path).rules]
    assert {rule.info.category for rule in rules} == CATEGORIES


def test_the_new_packs_flag_nothing_on_unlabelled_corpus_items(shared: Path) -> None:
    corpus = shared / "corpus" / "dev.jsonl"
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    unlabelled = [row for row in rows if not row["labels"]]
    assert unlabelled, "the corpus should hold items labelled []"
    runner = _runner()
    flagged = [hit for row in unlabelled for hit in _findings(runner, row)]
    assert flagged == []
