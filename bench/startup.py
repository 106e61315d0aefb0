"""Start-up: a cold ``loan-advisor ask`` and an idle ``loan-advisor chat``, with and without the saved index.

Each run is a fresh process started exactly as a person starts it (``python -m bot ask --no-log "…"``);
its CPU time (user + system) and peak RSS come from the kernel (``os.wait4``). The same runs with
``LOAN_ADVISOR_MATCHER_INDEX=off`` build the matcher's index at start-up, as every process did before
the index was saved (issue 19): the ratio of the two is what the saved index buys, in the same run.
The chat is started with a pipe for input and measured once it has greeted (``VmRSS``), then closed.
Before the runs, ``kb build`` makes sure the index is up to date (its time is reported too).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.common import ROOT, rss_kib

QUESTION = "小米贷款上征信吗"


def _env(index: bool, folder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LOAN_ADVISOR_"))}
    env["LOAN_ADVISOR_DATA_DIR"] = folder  # sessions, logs and history of the runs stay out of the user's
    if not index:
        env["LOAN_ADVISOR_MATCHER_INDEX"] = "off"
    return env


def ask_once(index: bool, folder: str) -> dict[str, float]:
    """One cold ``ask``: wall seconds, CPU seconds and peak RSS (MiB) of the process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--no-log", QUESTION],
        cwd=ROOT,
        env=_env(index, folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"ask failed ({process.returncode})")
    return {
        "wall_s": time.perf_counter() - started,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,
    }


def chat_idle(index: bool, folder: str) -> float:
    """RSS (MiB) of a ``chat`` that has greeted and waits for input."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        cwd=ROOT,
        env=_env(index, folder),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # the greeting: start-up is over
        time.sleep(1.0)  # let start-up garbage settle
        return rss_kib(process.pid)["VmRSS"] / 1024
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=60)


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def measure(runs: int = 5) -> dict[str, Any]:
    """Median of ``runs`` cold ``ask`` processes and of the idle chat's RSS, with and without the index."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "kb", "build"], cwd=ROOT, check=True, capture_output=True)
    build_s = time.perf_counter() - started
    results: dict[str, Any] = {"kb_build_s": build_s, "runs": runs}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        for index in (True, False):
            key = "indexed" if index else "built_at_start"
            # alternated runs would be fairer on a busy machine; the medians of a few are close enough
            asks = [ask_once(index, folder) for _ in range(runs)]
            chats = [chat_idle(index, folder) for _ in range(max(1, runs // 2))]
            results[key] = {"ask": _median(asks), "chat_idle_rss_mib": statistics.median(chats)}
    indexed, built = results["indexed"], results["built_at_start"]
    results["ask_cpu_speed_up"] = built["ask"]["cpu_s"] / indexed["ask"]["cpu_s"]
    results["chat_rss_saving"] = 1 - indexed["chat_idle_rss_mib"] / built["chat_idle_rss_mib"]
    return results
