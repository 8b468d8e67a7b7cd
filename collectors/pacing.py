"""Staying inside Google's per-minute quotas: the pacer, and how long to wait after a 429.

A 429 means the quota window is full — often because another run (a second `collect all`, the
dashboard's reply posting) shares the project's quota. Retrying within seconds cannot help:
the window has to move. So a rate-limited call waits as long as Google's `Retry-After` says,
or backs off exponentially up to half a window, and keeps trying until its waits add up to
more than a whole window; the pacer it went through holds every call for the same wait and
halves its pace (to an eighth at the least), then speeds up again a tenth at a time for each
window without a 429.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class Pacer:
    """Keeps the calls started in any `window` seconds under the per-minute quota.

    A sliding log of start times: a call may start once the call `limit` places before it is
    more than a window ago. Work between calls (parsing, saving) thus uses up no quota time,
    and a sweep finishes close to calls / quota. The limit keeps a little headroom because
    Google sees our calls a few milliseconds late, not always in the same rhythm.
    """

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        window: float = 60.0,
    ) -> None:
        self.full_limit = max(1, per_minute - max(2, per_minute // 100))
        self.limit = self.full_limit
        self.window = window
        self.clock, self.sleep = clock, sleep
        self.starts: deque[float] = deque(maxlen=self.full_limit)
        self.held_until = 0.0  # no call starts before this (after a 429)
        self.slow_until = 0.0  # the pace stays as it is until this
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = self.clock()
            self._recover(now)
            slot = max(now, self.held_until)
            if len(self.starts) >= self.limit:
                slot = max(slot, self.starts[-self.limit] + self.window)
            self.starts.append(slot)
        if slot > now:
            self.sleep(slot - now)

    def back_off(self, delay: float) -> None:
        """A call was rate limited: hold every call for `delay` seconds and halve the pace.

        A 429 from a call started while an earlier hold was on says nothing new, so only a
        429 after the hold has ended halves the pace again.
        """
        with self.lock:
            now = self.clock()
            if now >= self.held_until:  # never below an eighth: a few runs may share a quota
                self.limit = max(1, self.full_limit // 8, self.limit // 2)
            self.held_until = max(self.held_until, now + delay)
            self.slow_until = self.held_until + self.window

    def _recover(self, now: float) -> None:
        if self.limit < self.full_limit and now >= self.slow_until:
            self.limit = min(self.full_limit, self.limit + max(1, self.full_limit // 10))
            self.slow_until = now + self.window


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A `Retry-After` header (seconds, or an HTTP date) as seconds from `now`; None if absent
    or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # an HTTP date is always GMT
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def rate_limit_delay(
    attempt: int,
    retry_after: float | None,
    backoff_seconds: float,
    window: float,
    uniform: Callable[[float, float], float] = random.uniform,
) -> float:
    """How long to wait before retry `attempt` of a rate-limited call.

    Google's `Retry-After` if it sent one, else exponential backoff from `backoff_seconds`;
    never less than a sixtieth of the window (so the waits reach past it in a bounded number
    of tries) and, without `Retry-After`, never more than half of it. Jitter (up to a quarter
    either way, or up to a sixtieth of the window after `Retry-After`) keeps two runs that were
    refused together from coming back together.
    """
    floor = window / 60
    if retry_after is not None:
        return max(retry_after, floor) + uniform(0, floor)
    base = min(window / 2, max(floor, backoff_seconds * 2.0 ** (attempt - 1)))
    return base * uniform(0.75, 1.25)
