"""``python -m tests.conversations [--holdout]``: play the conversation suite and print what failed."""

from __future__ import annotations

import argparse
import sys

from flows.engine import build_engine
from tests.conversations.suite import HERE, HOLDOUT, conversations, describe, score


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conversations")
    parser.add_argument("--holdout", action="store_true", help="the held-out part instead of the main one")
    args = parser.parse_args()
    folder = HOLDOUT if args.holdout else HERE
    result = score(build_engine(), conversations(folder))
    for failure in result.failures:
        print(describe(failure))
    print(
        f"{folder.name}: {len(result.failures)} of {len(result.judged)} judged turns failed "
        f"({result.rate:.1%}) in {len({r.conversation for r in result.results})} conversations"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
