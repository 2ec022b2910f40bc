"""Print held-out NLU scores from `rasa test nlu` reports, and gate on the targets.

`python -m scripts.nlu_scores results/holdout --min-intent-f1 0.95 --min-entity-f1 0.95`
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

ENTITY_REPORT = "RegexEntityExtractor_report.json"


def intent_scores(report: Dict) -> Tuple[float, List[Tuple[str, float, int]]]:
    per_intent = [
        (name, row["f1-score"], row["support"])
        for name, row in report.items()
        if isinstance(row, dict) and "support" in row and "avg" not in name and name != "accuracy"
    ]
    return report["macro avg"]["f1-score"], sorted(per_intent, key=lambda r: r[1])


def confusions(errors: List[Dict]) -> List[Tuple[Tuple[str, str], int]]:
    pairs = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    return pairs.most_common(8)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path)
    parser.add_argument("--min-intent-f1", type=float, default=0.0)
    parser.add_argument("--min-entity-f1", type=float, default=0.0)
    args = parser.parse_args(argv)

    intents = json.loads((args.results / "intent_report.json").read_text(encoding="utf-8"))
    macro, per_intent = intent_scores(intents)
    entities = json.loads((args.results / ENTITY_REPORT).read_text(encoding="utf-8"))
    entity_f1 = entities["micro avg"]["f1-score"]
    errors_file = args.results / "intent_errors.json"
    errors = json.loads(errors_file.read_text(encoding="utf-8")) if errors_file.exists() else []

    print(f"held-out intents: macro-F1 {macro:.3f} over {len(per_intent)} intents")
    print(f"held-out entities (RegexEntityExtractor): micro-F1 {entity_f1:.3f}")
    for name in ("role", "city", "city_tier", "experience"):
        if name in entities:
            row = entities[name]
            print(f"  {name:<11} F1 {row['f1-score']:.3f}  support {row['support']}")
    print("weakest intents:")
    for name, f1, support in per_intent[:5]:
        print(f"  {name:<22} F1 {f1:.3f}  support {support}")
    print("most frequent confusions (gold -> predicted):")
    for (gold, predicted), count in confusions(errors) or [(("-", "-"), 0)]:
        print(f"  {gold} -> {predicted}: {count}")

    failed = []
    if macro < args.min_intent_f1:
        failed.append(f"intent macro-F1 {macro:.3f} < {args.min_intent_f1}")
    if entity_f1 < args.min_entity_f1:
        failed.append(f"entity F1 {entity_f1:.3f} < {args.min_entity_f1}")
    for line in failed:
        print(f"FAILED: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
