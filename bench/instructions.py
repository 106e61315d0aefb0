"""Instructions an engine workload executes, counted by callgrind: a comparison that does not depend on the
machine's load (wall-clock and even CPU times of a turn move by a third on a shared two-core machine).

Usage (from the repository root; needs ``valgrind``)::

    .venv/bin/python -m bench.instructions conversation   # the conversation suite played once
    .venv/bin/python -m bench.instructions dialogue       # ten self-check dialogues
    .venv/bin/python -m bench.instructions reading        # every typed line of the suite read once

The engine is built and the workload played once to warm it, uninstrumented; then callgrind counts only
while the workload is played again (``--instr-atstart=no``, switched on and off by valgrind's client
requests, from a few lines of C compiled with ``gcc`` against ``valgrind/callgrind.h``: exactly around
the workload, where ``callgrind_control`` would act whenever valgrind next looks). ``PYTHONHASHSEED=0``
keeps the iteration order of the units' sets, and so the work, the same from run to run. Run it on two
commits to compare them; it takes about a minute each.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import subprocess
import sys
import tempfile
from typing import Any

from bench.common import ROOT

WORKLOADS = ("conversation", "dialogue", "reading")


def _play(workload: str) -> int:
    """Play ``workload`` once; returns the number of turns."""
    from bench import conversation, dialogue
    from bench.__main__ import _engine
    from tests.conversations.suite import HERE, conversations

    engine = _engine()
    suite = conversations(HERE)

    # the reading workload: what the engine reads of each typed line of the suite (a command's argument
    # aside), one :meth:`Reader.read` each; counted per line read rather than per turn
    lines = [s.say for c in suite for s in c.steps if s.press is None and s.say and not s.say.startswith("/")]

    def once() -> int:
        if workload == "conversation":
            return len(conversation._turns(engine, suite)[0])
        if workload == "reading":
            for line in lines:
                engine.reader.read(line)
            return len(lines)
        return sum(dialogue.converse(engine)[0] for _ in range(10))

    once()  # warm-up: first replies of each kind, caches
    _instrument(True)
    turns = once()
    _instrument(False)
    return turns


_SWITCH = """
#include <valgrind/callgrind.h>
void instrument_on(void) { CALLGRIND_START_INSTRUMENTATION; }
void instrument_off(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""
_switch: Any = None


def _instrument(on: bool) -> None:
    """Switch callgrind's instrumentation on or off, at once (client requests from a tiny C library)."""
    global _switch
    if _switch is None:
        folder = tempfile.mkdtemp(prefix="bench-callgrind-switch-")
        source, library = os.path.join(folder, "switch.c"), os.path.join(folder, "switch.so")
        with open(source, "w", encoding="utf-8") as out:
            out.write(_SWITCH)
        subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", library, source], check=True)
        _switch = ctypes.CDLL(library)
    (_switch.instrument_on if on else _switch.instrument_off)()


def main(argv: list[str] | None = None) -> int:
    """Count the instructions of a workload (re-running this module under callgrind)."""
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        print(f"turns {_play(args.workload)}", flush=True)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={folder}/callgrind.out",
            sys.executable,
            "-m",
            "bench.instructions",
            args.workload,
            "--inside",
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    counted = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    turns = re.search(r"turns (\d+)", done.stdout)
    if done.returncode != 0 or counted is None or turns is None:
        print(done.stderr[-3000:], file=sys.stderr)
        return 1
    instructions = int(counted.group(1).replace(",", ""))
    number = int(turns.group(1))
    each = instructions / number
    unit = "line" if args.workload == "reading" else "turn"
    print(f"{args.workload}: {instructions:,} instructions for {number} {unit}s ({each:,.0f} a {unit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
