"""Deployment files stay true to the code: Dockerfile, .dockerignore, compose.yaml and the health check.

No container engine runs in CI, so the image is not built here. Instead the parts of the build that can
go wrong without Docker are run for real (the dependency list read from pyproject.toml, the catalog
compilation, the health check), and the files are read for the properties the deployment relies on, so
that a change on one side that the other does not follow fails here.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from bot.cli import COMMANDS
from bot.settings import Settings

pytestmark = pytest.mark.slow  # starts processes and servers as a deployment does

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def first(keyword: str, containing: str = "") -> int:
    """Index of the first instruction ``keyword`` whose arguments contain ``containing``."""
    for index, (kw, args) in enumerate(instructions()):
        if kw == keyword and containing in args:
            return index
    raise AssertionError(f"no {keyword} {containing!r} in the Dockerfile")


def test_the_image_is_slim_python_and_runs_as_an_unprivileged_user() -> None:
    steps = instructions()
    assert steps[0][0] == "FROM" and re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", steps[0][1])
    users = [args for kw, args in steps if kw == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert first("USER") < first("CMD")
    useradd = [args for kw, args in steps if kw == "RUN" and "useradd" in args]
    assert useradd and users[-1] in useradd[0]


def test_dependencies_are_installed_from_pyproject_in_their_own_layer_before_the_code() -> None:
    deps_copy = first("COPY", "pyproject.toml")
    install = first("RUN", "pip install")
    code_copies = [first("COPY", folder) for folder in ("knowledge", "flows", "bot")]
    assert deps_copy < install < min(code_copies)
    # the install reads pyproject.toml itself, so no hand-kept list can drift from it
    run = instructions()[install][1]
    python_c = re.search(r'python -c "(.+?)"\s*>', run)
    assert python_c, run
    listed = subprocess.run(
        [sys.executable, "-c", python_c.group(1)],  # as sh passes it: Python reads the \n
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    with (ROOT / "pyproject.toml").open("rb") as handle:
        assert listed == tomllib.load(handle)["project"]["dependencies"]


def test_the_catalogs_compile_with_the_dockerfiles_own_command(tmp_path: Path) -> None:
    run = instructions()[first("RUN", "pybabel")][1]
    command = run.split("&&")[0].strip()
    shutil.copytree(ROOT / "locales", tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    argv = shlex.split(command)
    assert argv[0] == "pybabel"
    result = subprocess.run([str(BIN / "pybabel"), *argv[1:]], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    sources = sorted(p.with_suffix("") for p in (tmp_path / "locales").rglob("*.po"))
    compiled = sorted(p.with_suffix("") for p in (tmp_path / "locales").rglob("*.mo"))
    assert sources and compiled == sources


def test_health_check_data_volume_and_webhook_port_are_declared() -> None:
    steps = instructions()
    health = [args for kw, args in steps if kw == "HEALTHCHECK"]
    assert len(health) == 1 and '"health"' in health[0]
    assert any(kw == "VOLUME" and "/data" in args for kw, args in steps)
    assert any(kw == "ENV" and "LOAN_ADVISOR_DATA_DIR=/data" in args for kw, args in steps)
    assert any(kw == "EXPOSE" and str(Settings(_env_file=None).webhook_port) in args for kw, args in steps)
    assert any(kw == "ENV" and "LOAN_ADVISOR_METRICS_LISTEN=0.0.0.0" in args for kw, args in steps)
    assert "health" in COMMANDS


def test_the_build_context_holds_only_what_the_dockerfile_copies() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"  # everything out, then the few things the image needs back in
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = set()
    for kw, args in instructions():
        if kw == "COPY":
            copied.update(part.rstrip("/") for part in args.split()[:-1] if not part.startswith("--"))
    assert copied == allowed
    assert not allowed & {"data", ".env", ".venv", "tests", ".git"}
    assert "**/*.mo" in lines  # catalogs are compiled in the image, never copied in stale


# --- compose.yaml --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, object]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_the_bot_with_redis_and_a_webhook_profile_with_two_replicas(compose: dict) -> None:
    services = compose["services"]
    assert {"redis", "bot", "bot-webhook"} <= set(services)
    redis, bot, webhook = services["redis"], services["bot"], services["bot-webhook"]
    assert redis["image"].startswith("redis:") and "redis-cli" in redis["healthcheck"]["test"]
    for service in (bot, webhook):
        assert service["build"] == "."
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["environment"]["LOAN_ADVISOR_STORAGE_URL"] == "redis://redis:6379/0"
        assert "health" in service["healthcheck"]["test"]
        assert "9464" in service["environment"]["LOAN_ADVISOR_METRICS_PORT"]  # Prometheus metrics
    assert bot["environment"]["LOAN_ADVISOR_TELEGRAM_MODE"] == "polling" and "profiles" not in bot
    assert bot["ports"] == ["127.0.0.1:${LOAN_ADVISOR_METRICS_HOST_PORT:-9464}:9464"]  # this host only
    assert webhook["profiles"] == ["webhook"] and webhook["deploy"]["replicas"] == 2
    assert webhook["environment"]["LOAN_ADVISOR_TELEGRAM_MODE"] == "webhook"
    assert "${LOAN_ADVISOR_WEBHOOK_SECRET" in webhook["environment"]["LOAN_ADVISOR_WEBHOOK_SECRET"]
    assert "8443" in webhook["expose"] and "9464" in webhook["expose"]
    assert "TELEGRAM_BOT_TOKEN:?" in bot["environment"]["TELEGRAM_BOT_TOKEN"]  # refuses to start without


def test_compose_sets_only_settings_that_exist_under_their_new_names(compose: dict) -> None:
    fields = set(Settings.model_fields)

    def setting(variable: str) -> str:
        return variable.lower().removeprefix("loan_advisor_")  # TELEGRAM_BOT_TOKEN: telegram_bot_token

    for name in ("bot", "bot-webhook"):
        variables = compose["services"][name]["environment"]
        unknown = {key for key in variables if setting(key) not in fields}
        assert unknown == set(), f"{name} sets variables no setting reads: {unknown}"
        old = {key for key in variables if not key.startswith(("LOAN_ADVISOR_", "TELEGRAM_BOT_TOKEN"))}
        assert old == set(), f"{name} uses old setting names: {old}"


def test_compose_declares_its_volumes(compose: dict) -> None:
    declared = set(compose.get("volumes") or {})
    used = {
        volume.split(":")[0]
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used and used <= declared


# --- the health check ----------------------------------------------------------------------------


def health(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "LOAN_ADVISOR_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "health", "--timeout", "1"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_health_passes_with_the_knowledge_base_and_a_sqlite_store(tmp_path: Path) -> None:
    result = health(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok: knowledge base" in result.stdout and "ok: session store" in result.stdout


def test_health_reads_an_existing_sqlite_store_without_changing_it(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "data" / "sessions.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sessions (chat_key TEXT PRIMARY KEY, data TEXT, touched_at REAL)")
    before = path.read_bytes()
    result = health(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "readable" in result.stdout and path.read_bytes() == before


def test_health_passes_with_a_live_redis(tmp_path: Path, redis_url: str) -> None:
    result = health(tmp_path, LOAN_ADVISOR_STORAGE_URL=redis_url)
    assert result.returncode == 0, result.stderr
    assert "answers" in result.stdout


@pytest.mark.parametrize(
    ("storage_url", "reason"),
    [("redis://127.0.0.1:1/0", "ConnectionError"), ("postgres://db/x", "unsupported storage URL")],
)
def test_health_fails_when_the_store_cannot_be_reached(tmp_path: Path, storage_url: str, reason: str) -> None:
    result = health(tmp_path, LOAN_ADVISOR_STORAGE_URL=storage_url)
    assert result.returncode == 1
    assert "unhealthy: session store" in result.stderr and reason in result.stderr


def test_health_fails_on_a_corrupt_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "sessions.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"this is not a database" * 100)
    result = health(tmp_path)
    assert result.returncode == 1 and "DatabaseError" in result.stderr
