"""``python -m tests.load --chats 1000 --backend sqlite|redis``: the full load test, figures on stdout.

Ten busy groups (30 mentions each, at the start) run beside the private chats unless ``--groups 0``.

Exit status 0 when every chat got every reply in order and no group mention was answered twice or with
an error note, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from tests.load.harness import run_load


def main(argv: list[str] | None = None) -> int:
    """Run one load test and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__)
    parser.add_argument("--chats", type=int, default=1000, help="simultaneous chats (default 1000)")
    parser.add_argument("--backend", choices=["sqlite", "redis"], default="sqlite")
    parser.add_argument("--processes", type=int, default=None, help="bot processes (redis only; default 2)")
    parser.add_argument("--timeout", type=float, default=900.0, help="deadline of the run, seconds")
    parser.add_argument("--groups", type=int, default=10, help="busy groups beside the chats (default 10)")
    parser.add_argument("--group-burst", type=int, default=30, help="mentions in each group (default 30)")
    parser.add_argument(
        "--answer-timeout", type=float, default=120.0, help="longest wait for one answer (default 120 s)"
    )
    args = parser.parse_args(argv)
    report = asyncio.run(
        run_load(
            args.chats,
            args.backend,
            processes=args.processes,
            timeout=args.timeout,
            groups=args.groups,
            group_burst=args.group_burst,
            answer_timeout=args.answer_timeout,
        )
    )
    print(report.summary())
    for failure in report.failures[:20]:
        print("  " + failure, file=sys.stderr)
    if report.group_twice or report.group_notes:
        print(
            f"  {report.group_twice} group mentions answered twice, {report.group_notes} error notes",
            file=sys.stderr,
        )
    return 0 if not report.failures and not report.group_twice and not report.group_notes else 1


if __name__ == "__main__":
    sys.exit(main())
