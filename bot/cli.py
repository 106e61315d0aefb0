"""The ``loan-advisor`` command line: one entry point, one sub-command per job.

Each sub-command lives in its own module, which keeps its heavy imports inside ``run()``, so
``loan-advisor kb check`` does not pay for loading python-telegram-bot.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.data_dir import private_files

#: sub-command -> (module with ``add_arguments(parser)`` and ``run(args) -> int``, help text)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("bot.commands.run", "start the advisor: Telegram when a token is set, else the terminal chat"),
    "chat": ("bot.commands.chat", "chat with the advisor in the terminal"),
    "bot": ("bot.commands.bot", "run the Telegram bot"),
    "ask": ("bot.commands.ask", "answer one question, or JSON lines from standard input with --json"),
    "eval": ("bot.commands.eval", "score the question matcher on a labelled file"),
    "wants": ("bot.commands.wants", "score how the dialogue recognises wants besides FAQ questions"),
    "check": ("bot.commands.check", "eligibility self-check for a JSON profile on standard input"),
    "inspect": ("bot.commands.inspect", "check a received message (text file or screenshot) for scam signs"),
    "kb": ("bot.commands.kb", "knowledge base tools: check, coverage, unanswered"),
    "health": ("bot.commands.health", "exit 0 when the knowledge base loads and the session store answers"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(prog="loan-advisor", description="网贷问答助手 loan-advisor")
    parser.add_argument("-V", "--version", action="version", version=f"loan-advisor {__version__}")
    parser.add_argument(
        "--data-dir",
        dest="global_data_dir",  # not ``data_dir``: ``kb check --data-dir`` names the knowledge base's folder
        type=Path,
        metavar="PATH",
        help="where sessions, the unanswered log and the chat history are kept"
        " (default: the user's data folder; same as LOAN_ADVISOR_DATA_DIR)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(sub_parser)
        sub_parser.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen sub-command; returns the process exit status."""
    args = build_parser().parse_args(argv)
    # sessions and unanswered questions are the users': folders 0700, files 0600 (bot/data_dir.py)
    private_files()
    if args.global_data_dir is not None:
        # the flag is the setting: every Settings() of this process, and its children, read it
        os.environ["LOAN_ADVISOR_DATA_DIR"] = str(args.global_data_dir)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        status: int = args._module.run(args)
    return status


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    """Warnings meant for the person running the command (old setting names) as one plain line."""
    from bot.old_names import OldSettingName

    if issubclass(category, OldSettingName):
        print(f"loan-advisor: {message}", file=sys.stderr)
    else:
        print(warnings.formatwarning(message, category, filename, lineno, line), end="", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
