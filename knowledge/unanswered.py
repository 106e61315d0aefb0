"""A log of questions the advisor declined or was unsure about, so a maintainer can see what to add next.

Append-only JSON lines. Privacy first: only the question text is kept, with anything that looks like an
ID, phone or card number replaced by 「[已隐去]」; no user id, and the time only to the day.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from knowledge.privacy import REDACTED, redact
from knowledge.understanding.normalize import clean

DEFAULT_PATH = Path("data") / "unanswered.jsonl"

__all__ = ["DEFAULT_PATH", "REDACTED", "UnansweredLog", "UnansweredSummary", "redact"]

@dataclass(frozen=True)
class UnansweredSummary:
    """One distinct question of the log, with how often it came and the matcher's best guess."""

    question: str
    count: int
    band: str
    best_guess: str | None
    last_seen: str


class UnansweredLog:
    """Appends declined and low-confidence questions to a JSON-lines file and summarises them."""

    def __init__(self, path: Path = DEFAULT_PATH) -> None:
        self.path = path

    def record(
        self,
        question: str,
        *,
        band: str,
        confidence: float,
        best_guess: str | None,
        today: dt.date | None = None,
    ) -> None:
        """Append one question (redacted) with its band, confidence and the matcher's best guess."""
        row = {
            "question": redact(question.strip())[:500],
            "band": band,
            "confidence": round(float(confidence), 3),
            "best_guess": best_guess,
            "date": (today or dt.datetime.now(dt.UTC).date()).isoformat(),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")

    def rows(self) -> list[dict[str, object]]:
        """Every readable row of the log; broken lines (a crash mid-write) are skipped."""
        if not self.path.exists():
            return []
        rows = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict) and isinstance(row.get("question"), str):
                rows.append(row)
        return rows

    def summary(self) -> list[UnansweredSummary]:
        """Distinct questions (spelling variants folded together), most frequent first."""
        counts: Counter[str] = Counter()
        latest: dict[str, dict[str, object]] = {}
        for row in self.rows():
            key = clean(str(row["question"])) or str(row["question"])
            counts[key] += 1
            if key not in latest or str(row.get("date", "")) >= str(latest[key].get("date", "")):
                latest[key] = row
        return [
            UnansweredSummary(
                question=str(latest[key]["question"]),
                count=count,
                band=str(latest[key].get("band", "")),
                best_guess=_str_or_none(latest[key].get("best_guess")),
                last_seen=str(latest[key].get("date", "")),
            )
            for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)
