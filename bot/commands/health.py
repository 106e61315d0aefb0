"""``loan-advisor health``: is this installation able to answer? For container health checks.

Checks, each in a second or so: the configuration reads; the knowledge base loads and validates; the
session store named by ``storage_url`` is reachable (Redis answers ``PING``; for SQLite, the database
file, when it exists, opens and reads, and its folder is writable). Prints one line per check and exits
0 when all pass, 1 otherwise. It sends nothing to Telegram: a health check that spent the Bot API's
rate limit every 30 seconds would be a fault of its own.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

EXIT_OK = 0
EXIT_UNHEALTHY = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument(
        "--timeout", type=float, default=3.0, help="seconds to wait for the session store (default 3)"
    )


def run(args: argparse.Namespace) -> int:
    """Run every check; 0 when all pass, 1 otherwise."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "settings" for e in error.errors())
        print(f"unhealthy: invalid configuration ({fields})", file=sys.stderr)
        return EXIT_UNHEALTHY
    checks = [
        ("knowledge base", check_knowledge_base),
        ("session store", lambda: check_store(settings.resolved_storage_url(), args.timeout)),
    ]
    healthy = True
    for name, check in checks:
        try:
            detail = check()
        except Exception as error:  # any failure is an answer here, not a crash
            healthy = False
            print(f"unhealthy: {name}: {type(error).__name__}: {error}", file=sys.stderr)
        else:
            print(f"ok: {name}: {detail}")
    return EXIT_OK if healthy else EXIT_UNHEALTHY


def check_knowledge_base() -> str:
    """Load and validate the shipped knowledge base; raises when it does not load."""
    from knowledge.base import default

    kb = default()
    if not kb.entries or not kb.products:
        raise RuntimeError("the knowledge base is empty")
    return f"{len(kb.products)} products, {len(kb.entries)} entries"


def check_store(url: str, timeout: float = 3.0) -> str:
    """Reach the session store at ``url`` without changing anything in it; raises when it cannot.

    Args:
        url: ``sqlite:///path`` or ``redis://…`` (as in ``LOAN_ADVISOR_STORAGE_URL``).
        timeout: seconds to wait for Redis, or for a locked SQLite file.
    """
    if url.startswith("sqlite:///"):
        return _check_sqlite(url.removeprefix("sqlite:///"), timeout)
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
        return f"redis at {_where(url)} answers"
    raise ValueError("unsupported storage URL: use sqlite:///path or redis://host:port/db")


def _check_sqlite(path_text: str, timeout: float) -> str:
    import os
    import sqlite3
    from pathlib import Path

    path = Path(path_text)
    folder = path.parent if path.parent != Path("") else Path(".")
    if not folder.is_dir():
        # the bot creates it at start; before that, its parent must at least be writable
        folder = next((p for p in folder.parents if p.is_dir()), Path("."))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{folder} is not writable")
    if not path.exists():
        return f"sqlite {path} not created yet; {folder} is writable"
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "sessions" in tables:
            db.execute("SELECT count(*) FROM sessions").fetchone()
    db.close()
    return f"sqlite {path} readable"


def _where(url: str) -> str:
    """Host and port (or socket path) of a URL, never its password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    return f"{parts.hostname}:{parts.port or 6379}"
