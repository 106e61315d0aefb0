"""Render a results file as Markdown tables for the README: ``python -m bench.report [latest.json]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.__main__ import RESULTS


def _n(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def markdown(report: dict[str, Any]) -> str:
    """The targets table and the main figures of each part that was run."""
    meta, results = report["meta"], report["results"]
    out = [
        f"Measured {meta['date']} with `{meta['command']}` on {meta['cpus']} CPU(s) ({meta['cpu_model']}), "
        f"Python {meta['python']}; load average at the end {meta.get('load_average_1m_at_end', 0):.2f}.",
        "",
        "| Target | Goal | Measured (median) | Result |",
        "|---|---|---|---|",
    ]
    for row in report["targets"]:
        measured = f"{_n(row['measured'], 2)} {row['unit']}"
        out.append(
            f"| {row['target']} | {row['goal']} | {measured} | {'pass' if row['pass'] else '**miss**'} |"
        )
    faq = results.get("faq")
    if faq:
        out += [
            "",
            "| FAQ path (warm, all evaluation questions) | per second | p50 ms | p99 ms | start-up s |",
        ]
        out.append("|---|---|---|---|---|")
        for system, label in (
            ("engine", "engine turn"),
            ("matcher", "matcher only"),
            ("baseline", "BM25 baseline"),
        ):
            figures = faq[system]
            start = _n(figures["startup_s"], 2) if "startup_s" in figures else "(in engine)"
            out.append(
                f"| {label} | {_n(figures['per_second'], 0)} | {_n(figures['p50_ms'], 2)} | "
                f"{_n(figures['p99_ms'], 2)} | {start} |"
            )
    dialogue = results.get("dialogue")
    if dialogue:
        out += ["", "| Dialogue (whole self-check conversations) | turns/s | turn p50 ms | turn p99 ms |"]
        out.append("|---|---|---|---|")
        out.append(f"| engine only | {_n(dialogue['engine']['turns_per_second'], 0)} | | |")
        for way in ("sqlite", "redis"):
            figures = dialogue[way]
            rate = _n(figures["turns_per_second"], 0)
            out.append(
                f"| session in {way} ({figures['concurrency']} at once) | {rate} | "
                f"{_n(figures['turn_p50_ms'])} | {_n(figures['turn_p99_ms'])} |"
            )
    e2e = results.get("e2e")
    if e2e:
        out += [
            "",
            "| End to end (PTB + stand-in) | updates | answered | updates/s | first reply p50 / p99 ms |",
        ]
        out.append("|---|---|---|---|---|")
        for figures in e2e.values():
            limiter = "rate limiter on" if figures["rate_limiter"] else "rate limiter off"
            out.append(
                f"| {figures['chats']} chats × {figures['lines_per_chat']} lines, {limiter} | "
                f"{figures['updates_sent']:.0f} | {figures['updates_answered']:.0f} | "
                f"{_n(figures['updates_per_second'])} | {_n(figures['first_reply_p50_ms'], 0)} / "
                f"{_n(figures['first_reply_p99_ms'], 0)} |"
            )
    memory = results.get("memory")
    if memory:
        idle, peak = _n(memory["rss_idle_mib"]), _n(memory["rss_load_peak_mib"])
        stored, filed = (
            _n(memory["sqlite_data_bytes_per_session"], 0),
            _n(memory["sqlite_file_bytes_per_session"], 0),
        )
        out += [
            "",
            f"Memory: bot process {idle} MiB idle, {peak} MiB peak under {memory['chats']} chats; "
            f"{_n(memory['bot_cpu_ms_per_update'])} ms of bot CPU per update; session "
            f"{memory['session_json_bytes']} B of JSON, {stored} B in SQLite's data column "
            f"({filed} B of file per session).",
        ]
    growth = results.get("growth")
    if growth:
        out += [
            "",
            "| Growth | entries | index build s | start-up s | engine p50 ms | engine p99 ms | RSS MiB |"
            " baseline p50 ms |",
        ]
        out.append("|---|---|---|---|---|---|---|---|")
        for key, figures in growth.items():
            engine, baseline = figures["engine"], figures["baseline"]
            out.append(
                f"| {key} | {figures['entries']:.0f} | {_n(figures.get('index_build_s', 0.0), 1)} | "
                f"{_n(engine['startup_s'], 2)} | "
                f"{_n(engine['p50_ms'], 2)} | {_n(engine['p99_ms'], 2)} | {_n(engine['rss_mib'], 0)} | "
                f"{_n(baseline['p50_ms'], 2)} |"
            )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Print the Markdown of a results file (``bench/results/latest.json`` by default)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else RESULTS
    print(markdown(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
