"""429s: Retry-After is honoured, retries outlast Google's per-minute window, the pacer slows
down for every call, and two runs sharing one quota both finish. No test sleeps: time is a
fake clock, shared with the sandbox's quota windows where a test needs them."""

from __future__ import annotations

import heapq
import json
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from collectors.google_access import Transient, classify
from collectors.google_client import GoogleClient, load_credentials
from collectors.pacing import Pacer, rate_limit_delay, retry_after_seconds
from seo_monitor.app.jobs import ALL, collect
from seo_monitor.app.runs import RunSummary
from seo_monitor.db import make_engine, session_factory
from seo_monitor.errors import CollectorError
from seo_monitor.migrate import upgrade
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.server import SandboxServer
from tests.collectors.test_google_client import FakeClock
from tests.conftest import WORLD_NOW, sandbox_settings

NOW = datetime(2026, 10, 21, 7, 28, tzinfo=UTC)


class VirtualTime:
    """A clock for threads that moves only when every runner sleeps: it then jumps to the
    earliest wake-up. Calls over HTTP take no time; waits take exactly what they ask."""

    def __init__(self, runners: int) -> None:
        self.now, self.runners = 0.0, runners
        self.wakes: list[float] = []
        self.changed = threading.Condition()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.changed:
            wake = self.now + max(0.0, seconds)
            heapq.heappush(self.wakes, wake)
            self._advance()
            while self.now < wake:
                self.changed.wait()
            self.wakes.remove(wake)
            heapq.heapify(self.wakes)

    def leave(self) -> None:
        with self.changed:
            self.runners -= 1
            self._advance()

    def _advance(self) -> None:
        if self.wakes and len(self.wakes) >= self.runners:
            self.now = max(self.now, self.wakes[0])
            self.changed.notify_all()


def offline_client(clock: FakeClock, **options: Any) -> GoogleClient:
    """A client whose calls the test makes itself (`paced`): nothing goes over the network."""
    return GoogleClient(
        Credentials(token="unused"),
        sleep=clock.sleep,
        clock=clock,
        wall_clock=lambda: NOW + timedelta(seconds=clock.now),
        **options,
    )


def refused(times: int, retry_after: str | None = None) -> Any:
    """A call that is rate limited `times` times, then answers."""
    answers = iter(range(times + 1))

    def send() -> dict[str, Any]:
        if next(answers) < times:
            raise Transient("HTTP 429", rate_limited=True, retry_after=retry_after)
        return {"ok": True}

    return send


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        ("Wed, 21 Oct 2026 07:28:45 GMT", 45.0),
        ("Wed, 21 Oct 2026 07:00:00 GMT", 0.0),  # already past: go ahead
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_as_an_http_date(
    header: str | None, seconds: float | None
) -> None:
    assert retry_after_seconds(header, NOW) == seconds


@pytest.mark.parametrize(
    ("header", "least"),
    [("7", 7.0), ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0)],
)
def test_a_rate_limited_call_waits_as_long_as_retry_after_says(header: str, least: float) -> None:
    clock = FakeClock()
    client = offline_client(clock, backoff_seconds=0.01)
    assert client.paced("mybusiness", refused(1, header)) == {"ok": True}
    assert len(clock.slept) == 1 and least <= clock.slept[0] <= least + 1.0


def test_rate_limit_retries_outlast_the_quota_window_before_giving_up() -> None:
    clock = FakeClock()
    client = offline_client(clock, max_attempts=5, backoff_seconds=2.0)
    with pytest.raises(CollectorError, match="still rate limited") as caught:
        client.paced("mybusiness", refused(1000))
    assert sum(clock.slept) > 60  # Google's window is a minute: a shorter wait cannot outlast it
    assert client.calls["mybusiness"] >= 5
    assert "share this Google Cloud project's quota" in (caught.value.hint or "")


def test_a_call_rate_limited_for_less_than_a_minute_succeeds() -> None:
    clock = FakeClock()
    client = offline_client(clock, max_attempts=5, backoff_seconds=2.0)
    # Five 429s in a row used to be the end (2 + 4 + 8 + 16 s of backoff, about 30 s).
    assert client.paced("mybusiness", refused(5)) == {"ok": True}
    assert 30 < sum(clock.slept) < 100


def test_a_retry_after_longer_than_two_windows_ends_the_run_at_once() -> None:
    clock = FakeClock()
    client = offline_client(clock)
    with pytest.raises(CollectorError, match="asked to wait 3600 s"):
        client.paced("mybusiness", refused(1, "3600"))
    assert clock.slept == []


def test_server_errors_still_give_up_after_max_attempts() -> None:
    clock = FakeClock()
    client = offline_client(clock, max_attempts=3, backoff_seconds=1.0)

    def broken() -> dict[str, Any]:
        raise Transient("HTTP 503")

    with pytest.raises(CollectorError, match="gave up after 3 attempts"):
        client.paced("mybusiness", broken)
    assert len(clock.slept) == 2


def test_a_429_holds_every_call_through_the_pacer_and_halves_its_pace() -> None:
    clock = FakeClock()
    pacer = Pacer(300, clock=clock, sleep=clock.sleep)
    pacer.wait()
    pacer.back_off(10.0)
    pacer.wait()  # another call of the same API: waits out the hold too
    assert clock.slept == [10.0]
    starts = [clock.now]
    for _ in range(400):
        pacer.wait()
        starts.append(clock.now)
    first_minute = sum(1 for t in starts if t < starts[0] + 60)
    assert first_minute == 148  # half of 297 while slowed down
    second_minute = sum(1 for t in starts if starts[0] + 60 <= t < starts[0] + 120)
    assert second_minute == 177  # a window with no 429: a tenth of the pace back


def test_rate_limit_delays_have_jitter_and_a_floor() -> None:
    assert rate_limit_delay(1, None, 0.0, 60.0, uniform=lambda a, b: 1.0) == 1.0  # floor
    assert rate_limit_delay(10, None, 2.0, 60.0, uniform=lambda a, b: 1.0) == 30.0  # ceiling
    spread = {round(rate_limit_delay(3, None, 2.0, 60.0), 3) for _ in range(20)}
    assert len(spread) > 1 and all(6 <= d <= 10 for d in spread)


def test_a_429_carries_google_s_retry_after_or_retry_info_delay() -> None:
    body = {
        "error": {
            "code": 429,
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12.5s"}
            ],
        }
    }
    from_header = classify("mybusiness", 429, b"{}", "30")
    from_body = classify("mybusiness", 429, json.dumps(body).encode())
    assert isinstance(from_header, Transient) and from_header.rate_limited
    assert (from_header.retry_after, getattr(from_body, "retry_after", None)) == ("30", "13")
    assert not getattr(classify("mybusiness", 503, b"{}", "30"), "rate_limited", True)


def sandbox_client(server: SandboxServer, tmp_path: Path, clock: Any, **options: Any) -> Any:
    settings = sandbox_settings(server, tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    client = GoogleClient(
        load_credentials(settings.google_token_file, server.url),
        api_root=server.url,
        sleep=clock.sleep,
        clock=clock,
        **options,
    )
    return settings, client


@pytest.mark.parametrize("api", ["discovery", "rest"])  # googleapiclient, and plain requests
def test_the_sandbox_s_retry_after_is_waited_for_and_then_the_call_succeeds(
    world: World, tmp_path: Path, api: str
) -> None:
    clock = FakeClock()
    location = world.locations[0]
    parent = f"accounts/{location.account_id}/locations/{location.location_id}"
    with running_sandbox(world, quota_per_minute=2, clock=clock, send_retry_after=True) as server:
        _, client = sandbox_client(server, tmp_path, clock, backoff_seconds=0.01)
        for _ in range(3):  # the third is over the sandbox's quota of 2 a minute
            client.list_accounts() if api == "discovery" else client.list_reviews(parent)
        stats = server.state.stats()
    assert stats["rate_limited"] == 1
    assert len(clock.slept) == 1 and 60 <= clock.slept[0] <= 62  # the window's end, announced


def test_two_runs_sharing_a_quota_of_300_a_minute_both_finish(tmp_path: Path) -> None:
    world = World(seed=7, locations=24, now=WORLD_NOW)  # about 310 calls of one API per run
    time = VirtualTime(runners=2)
    summaries: dict[int, list[RunSummary]] = {}
    with running_sandbox(world, quota_per_minute=300, clock=time) as server:
        runs = []
        for index in range(2):  # set up one at a time: migrations are not thread-safe
            folder = tmp_path / f"run{index}"
            folder.mkdir()
            settings, client = sandbox_client(
                server, folder, time, quota_per_minute=300, max_attempts=5, backoff_seconds=2
            )
            engine = make_engine(f"sqlite:///{folder / 'db.sqlite'}")
            upgrade(engine)
            runs.append((settings, session_factory(engine), client))

        def run(index: int) -> None:
            settings, sessions, client = runs[index]
            try:
                summaries[index] = collect(settings, sessions, ALL, client, now=lambda: world.now)
            finally:
                time.leave()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        stats = server.state.stats()
    assert stats["rate_limited"] > 0  # the two runs did get in each other's way
    for index in range(2):
        statuses = [s.status for s in summaries[index]]
        assert statuses == ["ok"] * (1 + 3 * 24), [s.error for s in summaries[index] if s.error]
    assert time.now < 10 * 60  # both done within a few quota windows
