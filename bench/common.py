"""Helpers shared by the benchmark parts: percentiles, medians over runs, workloads, a redis-server."""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.flows.chat import GOOD_PROFILE_TEXT
from tests.load import harness

ROOT = Path(__file__).resolve().parent.parent
FAQ_EVAL = ROOT / "tests" / "data" / "faq_eval.jsonl"
#: the same plain-word self-check answers the conversation tests type
PROFILE_TEXT = GOOD_PROFILE_TEXT




def faq_questions() -> list[str]:
    """The questions of the FAQ evaluation set (in-scope, out-of-scope and tricky ones alike)."""
    with FAQ_EVAL.open(encoding="utf-8") as lines:
        return [json.loads(line)["question"] for line in lines if line.strip()]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/max in milliseconds and calls per second of a list of per-call times in seconds."""
    total = sum(seconds)
    return {
        "count": len(seconds),
        "per_second": len(seconds) / total if total else 0.0,
        "p50_ms": percentile(seconds, 50) * 1000,
        "p90_ms": percentile(seconds, 90) * 1000,
        "p99_ms": percentile(seconds, 99) * 1000,
        "max_ms": max(seconds, default=0.0) * 1000,
    }


def median_of(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Key by key median of several runs' results (nested dicts too); non-numbers come from the first."""
    if not runs:
        return {}
    merged: dict[str, Any] = {}
    for key, first in runs[0].items():
        values = [run[key] for run in runs if key in run]
        if isinstance(first, bool) or not isinstance(first, int | float | dict):
            merged[key] = first
        elif isinstance(first, dict):
            merged[key] = median_of(values)
        else:
            merged[key] = statistics.median(values)
    return merged


def rss_kib(pid: int | str = "self") -> dict[str, int]:
    """Resident memory (VmRSS) and its peak (VmHWM) of a process, in KiB, from /proc."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def run_json(args: Sequence[str], *, timeout: float = 900, env: dict[str, str] | None = None) -> Any:
    """Run a benchmark worker in a fresh interpreter and parse the JSON it prints last."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"worker {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextmanager
def redis_server() -> Iterator[str]:
    """A real redis-server of our own on a free port in a temporary folder; yields its URL."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-redis-") as folder,
        harness.redis_server(Path(folder)) as url,
    ):
        yield url


def quiet_logs() -> None:
    """Keep the bot's and libraries' INFO chatter out of the benchmark's output."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    for name in ("httpx", "telegram", "transitions", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import platform

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        # other work on the machine skews every timing: the load average says how busy it was
        "load_average_1m_at_end": os.getloadavg()[0],
        "git": _git_state(),
    }


def _git_state() -> str:
    """The commit measured, marked ``+dirty`` when the working tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")
