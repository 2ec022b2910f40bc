"""`python -m bot.insights export-nlu | summary | index` (tracker store: $TRACKER_DB_URL).

export-nlu  unanswered question groups -> build/review/unanswered-YYYYMMDD.yml, for review
summary     the console's headline figures in the terminal
index       add the (type_name, timestamp) index the aggregates use (writes to the store)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import List

from bot.insights.events import ensure_index, open_engine, tracker_db_url
from bot.insights.report import compute, reason_name
from bot.insights.review import REVIEW_DIR, write_stub


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.insights", description=__doc__)
    parser.add_argument("command", choices=("export-nlu", "summary", "index"))
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: $TRACKER_DB_URL)")
    parser.add_argument("--out", type=Path, default=REVIEW_DIR, help="export-nlu directory")
    parser.add_argument("--min-count", type=int, default=2, help="smallest group exported")
    parser.add_argument("--limit", type=int, default=50, help="most groups exported")
    args = parser.parse_args(argv)
    url = args.db or tracker_db_url()
    if args.command == "index":
        print(f"index {ensure_index(url)} ready on {url}")
        return 0
    insights = compute(open_engine(url), salt=os.environ.get("INSIGHTS_SALT", ""))
    if args.command == "summary":
        print(f"{insights.turns} turns, {insights.answered} answered, "
              f"{len(insights.questions)} unanswered in {len(insights.clusters)} groups "
              f"({insights.seconds:.2f} s)")  # fmt: skip
        for cluster in insights.clusters[:10]:
            reasons = "、".join(reason_name(r) for r in cluster.reasons)
            print(f"  {cluster.count:5d}  {cluster.label}  [{reasons}]")
        return 0
    chosen = [c for c in insights.clusters if c.count >= args.min_count][: args.limit]
    path = write_stub(chosen, args.out)
    print(f"{len(chosen)} groups written to {path}: review them before copying into data/nlu/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
