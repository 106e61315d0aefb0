"""FAQ path: cold start-up, then warm questions per second and p50/p99 latency, beside the BM25 baseline.

Each measurement runs in a fresh interpreter (a *worker*: ``python -m bench.faq --worker engine``) so
start-up is really cold: the worker notes the time, imports and builds everything (settings, knowledge
base, indexes, engine), says ``ready``, then answers every question of ``tests/data/faq_eval.jsonl``
once to warm up and ``passes`` more times with each call timed. Three things are timed per question:

- ``engine``: :meth:`flows.engine.Engine.handle` on a typed question from a fresh session (what a chat
  turn costs: understanding, the flow, the rendered reply);
- ``matcher``: :meth:`LexicalMatcher.ask` alone (understanding only);
- ``baseline``: the rjieba + BM25 baseline's ``guess`` (understanding only, much less of it).

The parent runs the workers several times and keeps the medians.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, latency_summary, median_of

DEFAULT_DATA = ROOT / "knowledge" / "data"


def _questions(limit: int) -> list[str]:
    """The evaluation questions, or an evenly spaced sample of ``limit`` of them (0: all)."""
    from bench.common import faq_questions

    questions = faq_questions()
    if 0 < limit < len(questions):
        step = len(questions) / limit
        questions = [questions[int(i * step)] for i in range(limit)]
    return questions


def _engine_worker(
    data_dir: Path, passes: int, started: float, limit: int, matcher_pass: bool = True
) -> dict[str, Any]:
    from bot.settings import Settings
    from flows.engine import Engine
    from flows.reply import Turn
    from flows.session import Session
    from knowledge.base import load
    from knowledge.understanding import load_matcher

    defaults = Settings(_env_file=None)
    kb = load(data_dir, examples_at_first_use=True)  # as default() loads the shipped one
    matcher = load_matcher(
        kb, answer_threshold=defaults.faq_answer_threshold, suggest_threshold=defaults.faq_suggest_threshold
    )
    engine = Engine(kb, matcher)
    startup = time.perf_counter() - started
    _ready()

    from bench.common import rss_kib

    questions = _questions(limit)
    turns = [Turn.from_text(q) for q in questions]
    for turn in turns:  # warm-up pass: caches, first-call costs
        engine.handle(Session(), turn)
    engine_runs, matcher_runs = [], []
    for _ in range(passes):
        times = []
        for turn in turns:
            session = Session()
            t = time.perf_counter()
            engine.handle(session, turn)
            times.append(time.perf_counter() - t)
        engine_runs.append(latency_summary(times))
        if not matcher_pass:
            continue
        times = []
        for question in questions:
            t = time.perf_counter()
            matcher.ask(question)
            times.append(time.perf_counter() - t)
        matcher_runs.append(latency_summary(times))
    return {
        "entries": len(kb.faq_view().entries),  # the FAQ entries (the wants do not grow)
        "startup_s": startup,
        "engine": median_of(engine_runs),
        "matcher": median_of(matcher_runs) if matcher_runs else {},
        "rss_kib": rss_kib()["VmRSS"],
    }


def _baseline_worker(data_dir: Path, passes: int, started: float, limit: int) -> dict[str, Any]:
    from knowledge.base import load
    from knowledge.understanding.baseline import Bm25Baseline
    from knowledge.understanding.calibration import load_calibration

    kb = load(data_dir)
    baseline = Bm25Baseline(kb, load_calibration().baseline_threshold)
    startup = time.perf_counter() - started
    _ready()

    from bench.common import rss_kib

    questions = _questions(limit)
    for question in questions:
        baseline.answers(baseline.guess(question))
    runs = []
    for _ in range(passes):
        times = []
        for question in questions:
            t = time.perf_counter()
            baseline.answers(baseline.guess(question))
            times.append(time.perf_counter() - t)
        runs.append(latency_summary(times))
    return {
        "entries": len(kb.faq_view().entries),  # the FAQ entries (the wants do not grow)
        "startup_s": startup,
        "baseline": median_of(runs),
        "rss_kib": rss_kib()["VmRSS"],
    }


def _ready() -> None:
    print("ready", flush=True)


def run_worker(
    system: str,
    data_dir: Path,
    passes: int,
    questions: int = 0,
    *,
    matcher: bool = True,
    timeout: float = 1800,
) -> dict[str, Any]:
    """One cold worker run; adds ``process_ready_s``: interpreter launch to ``ready``, seen from outside."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "bench.faq", "--worker", system, "--data-dir", str(data_dir)]
    with tempfile.TemporaryFile("w+") as errfile:
        process = subprocess.Popen(
            [
                *command,
                "--passes",
                str(passes),
                "--questions",
                str(questions),
                *([] if matcher else ["--no-matcher"]),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errfile,
            text=True,
        )
        assert process.stdout is not None
        first = process.stdout.readline()
        ready = time.perf_counter() - started
        # read the rest through the same buffered wrapper: communicate() reads the raw pipe and misses
        # a result line that readline() already pulled into the wrapper's buffer (a fast worker's)
        rest = process.stdout.read()
        process.stdout.close()
        process.wait(timeout=timeout)
        errfile.seek(0)
        errors = errfile.read()
    if process.returncode != 0 or first.strip() != "ready":
        raise RuntimeError(f"FAQ worker {system} failed ({process.returncode}):\n{errors[-3000:]}")
    result: dict[str, Any] = json.loads(rest.strip().splitlines()[-1])
    result["process_ready_s"] = ready
    return result


def measure(
    data_dir: Path = DEFAULT_DATA, *, runs: int = 5, passes: int = 3, questions: int = 0, matcher: bool = True
) -> dict[str, Any]:
    """Median over ``runs`` cold workers of the engine (with the matcher alone) and of the baseline.

    Args:
        data_dir: the knowledge base folder (the shipped one, or a grown copy).
        runs: fresh interpreters per system; start-up figures are their median.
        passes: timed passes over the question set inside each worker.
        questions: use an evenly spaced sample of this many evaluation questions (0: all of them).
        matcher: also time the matcher alone (empty figures otherwise).
    """
    engine = median_of(
        [run_worker("engine", data_dir, passes, questions, matcher=matcher) for _ in range(runs)]
    )
    baseline = median_of([run_worker("baseline", data_dir, passes, questions) for _ in range(runs)])
    return {
        "entries": engine["entries"],
        "questions": engine["engine"]["count"],
        "runs": runs,
        "passes": passes,
        "engine": {
            **engine["engine"],
            "startup_s": engine["startup_s"],
            "process_ready_s": engine["process_ready_s"],
            "rss_mib": engine["rss_kib"] / 1024,
        },
        "matcher": engine["matcher"],
        "baseline": {
            **baseline["baseline"],
            "startup_s": baseline["startup_s"],
            "process_ready_s": baseline["process_ready_s"],
            "rss_mib": baseline["rss_kib"] / 1024,
        },
    }


def main(argv: list[str] | None = None) -> int:
    """The worker's entry point (``python -m bench.faq --worker engine|baseline``)."""
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", choices=["engine", "baseline"], required=True)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--questions", type=int, default=0, help="sample size (0: every question)")
    parser.add_argument("--no-matcher", action="store_true", help="skip timing the matcher alone")
    args = parser.parse_args(argv)
    if args.worker == "engine":
        result = _engine_worker(args.data_dir, args.passes, started, args.questions, not args.no_matcher)
    else:
        result = _baseline_worker(args.data_dir, args.passes, started, args.questions)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
