"""loan-advisor's edges: the Telegram adapter, the terminal chat, the command line, settings, storage."""

#: the one place the version is written (pyproject.toml reads it from here)
__version__ = "0.1.0"
