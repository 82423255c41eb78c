"""Measure the text checks on a labelled corpus with the real CLI: per-category P/R/F1.

Usage: python benchmarks/corpus_eval.py [CORPUS.jsonl] [--rules DIR]
Default corpus: ../shared/corpus/dev.jsonl beside the checkout. An item counts as flagged for a
category when any finding of that category is on it; labels come from the corpus's "labels".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

TEXT_CATEGORIES = (
    "identity.police-role", "language.abusive", "language.discriminatory", "language.sexual",
    "conduct.violence", "conduct.substances", "conduct.political", "conduct.business",
    "conduct.extremism", "confidentiality.operational", "confidentiality.personal-data",
    "confidentiality.police-systems", "contact.inappropriate", "positive.engagement",
)
NOT_A_FLAG = {"identity.police-role", "positive.engagement"}
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev.jsonl"


def scan(corpus: Path, rules: list[Path]) -> dict[str, set[str]]:
    """Run ``accountaudit scan`` and return item id -> categories found."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cmd = [sys.executable, "-m", "accountaudit", "scan", str(corpus), "--include-messages",
               "--out", str(out / "r.xlsx"), "--json", str(out / "f.jsonl")]
        for folder in rules:
            cmd += ["--rules", str(folder)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        found: dict[str, set[str]] = defaultdict(set)
        for line in (out / "f.jsonl").read_text(encoding="utf-8").splitlines():
            finding = json.loads(line)
            found[finding["item_id"]].add(finding["category"])
    return found


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rules", type=Path, action="append", default=[])
    args = parser.parse_args()
    items = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    found = scan(args.corpus, args.rules)
    tp, fp, fn = Counter(), Counter(), Counter()
    false_flags = unlabelled = 0
    for item in items:
        labels, got = set(item.get("labels", [])), found.get(item["id"], set())
        for cat in TEXT_CATEGORIES:
            tp[cat] += cat in labels and cat in got
            fp[cat] += cat not in labels and cat in got
            fn[cat] += cat in labels and cat not in got
        if not labels:
            unlabelled += 1
            false_flags += bool(got - NOT_A_FLAG)
    print(f"corpus: {args.corpus} ({len(items)} items)\n")
    print(f"{'category':34} {'items':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'P':>6} {'R':>6} {'F1':>6}")
    f1s = []
    for cat in TEXT_CATEGORIES:
        p = tp[cat] / (tp[cat] + fp[cat]) if tp[cat] + fp[cat] else 0.0
        r = tp[cat] / (tp[cat] + fn[cat]) if tp[cat] + fn[cat] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        print(f"{cat:34} {tp[cat] + fn[cat]:5} {tp[cat]:4} {fp[cat]:4} {fn[cat]:4} "
              f"{p:6.2f} {r:6.2f} {f1:6.2f}")
    print(f"\nmacro F1 over {len(TEXT_CATEGORIES)} categories: {sum(f1s) / len(f1s):.3f}")
    rate = false_flags / unlabelled if unlabelled else 0.0
    print(f"false flags on items labelled []: {false_flags}/{unlabelled} = {rate:.1%}")


if __name__ == "__main__":
    main()
