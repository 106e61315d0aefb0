"""Where the source articles are, when they are at hand: they live outside the repository.

``LOAN_ADVISOR_SOURCES`` names their folder; otherwise ``../shared/sources`` beside the repository. On a
fresh clone there is neither, and the tests that compare the kept fingerprints with the articles skip.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def articles_dir() -> Path | None:
    """The folder of the five article files, or ``None`` when they are not at hand."""
    named = os.environ.get("LOAN_ADVISOR_SOURCES")
    folder = Path(named) if named else ROOT.parent / "shared" / "sources"
    return folder if folder.is_dir() else None
