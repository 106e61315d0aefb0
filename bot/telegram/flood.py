"""Per-user flood limits: a token bucket for each user, so one person's flood never slows anyone else.

Each user's bucket holds up to ``burst`` turns and refills at ``rate_per_minute``. A turn that finds the
bucket empty is dropped. The user is told once (「发得有点快……」) and not again until ``note_every``
seconds have passed, however many more turns are dropped meanwhile: a reply to every dropped message
would be a flood of our own. State is per process and in memory: it protects this process's engine and
Telegram's per-bot sending limit, and is worth nothing after a restart anyway. A bucket holds two numbers
and a time, no content; ``/forget`` deliberately leaves it alone (resetting it would let a flooder buy a
fresh burst with every ``/forget``), and idle full buckets are swept out.

A turn is counted at the time its update was *received*, not when it is handled (issue 20): a user who
kept a safe pace while their updates waited (behind a slow turn, or in the inbox across a restart) is not
taken for a flooder when those updates are then handled in a quick run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

#: how many users' buckets are kept before full (idle) ones are swept out
SWEEP_AT = 10_000


class Verdict(Enum):
    """What to do with one turn of a user."""

    ALLOW = "allow"
    DROP_AND_NOTE = "drop_and_note"  # drop it, and tell the user to slow down
    DROP = "drop"  # drop it silently: the user was told a moment ago


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    noted_at: float | None = None


class FloodGate:
    """Token buckets by user id.

    Args:
        rate_per_minute: turns a minute a user may keep up indefinitely.
        burst: turns a user may send at once after a quiet spell.
        note_every: seconds between two "slow down" notes to the same user.
        clock: the time source (seconds since the epoch, as the receiving times given to
            :meth:`check`), replaceable in tests.
    """

    def __init__(
        self,
        rate_per_minute: float = 30,
        burst: int = 10,
        *,
        note_every: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if rate_per_minute <= 0 or burst < 1:
            raise ValueError("rate_per_minute must be positive and burst at least 1")
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.note_every = note_every
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int, at: float | None = None) -> Verdict:
        """Take one turn from ``user_id``'s bucket, or say how to drop the turn.

        Args:
            user_id: whose bucket.
            at: when the turn's update was received (default: now, by the gate's clock).
        """
        now = self._clock() if at is None else at
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= SWEEP_AT:
                self._sweep(now)
            bucket = self._buckets[user_id] = _Bucket(tokens=self.burst, stamp=now)
        # an update received before the one counted last (another chat of the same user) refills nothing
        bucket.tokens = min(self.burst, bucket.tokens + max(0.0, now - bucket.stamp) * self.rate)
        bucket.stamp = max(bucket.stamp, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ALLOW
        if bucket.noted_at is None or now - bucket.noted_at >= self.note_every:
            bucket.noted_at = now
            return Verdict.DROP_AND_NOTE
        return Verdict.DROP

    def _sweep(self, now: float) -> None:
        """Drop the buckets that have refilled and whose note cooldown is over: they hold no information."""
        for user_id, bucket in list(self._buckets.items()):
            full = bucket.tokens + (now - bucket.stamp) * self.rate >= self.burst
            quiet = bucket.noted_at is None or now - bucket.noted_at >= self.note_every
            if full and quiet:
                del self._buckets[user_id]
