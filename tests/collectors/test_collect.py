"""The collectors against the sandbox over real HTTP: what Google has ends up in the database."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from collectors.google_client import pages
from collectors.replay import ReplayClient
from collectors.reviews import review_parent
from seo_monitor.app.jobs import ALL, collect, make_client
from seo_monitor.app.runs import RunSummary
from seo_monitor.config import Settings
from seo_monitor.models import (
    CollectorRun,
    DailyMetric,
    DailyMetricGroups,
    Location,
    Review,
    SearchKeyword,
    StoredReviewScore,
)
from seo_monitor.profile_metrics import GROUP_METRICS
from seo_monitor.sandbox import World
from seo_monitor.sandbox.world import SandboxLocation
from seo_monitor.sentiment.text import split_translation
from tests.dbsnapshot import snapshot


def run(settings: Settings, sessions: sessionmaker[Session], world: World, names: list[str] = ALL):
    client = make_client(settings)
    summaries = collect(settings, sessions, names, client, now=lambda: world.now)
    return summaries, client


def location_ids(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        return dict(session.execute(select(Location.name, Location.id)).all())


def stored_reviews(sessions: sessionmaker[Session], location_id: int) -> dict[str, Review]:
    with sessions() as session:
        rows = session.scalars(select(Review).where(Review.location_id == location_id)).all()
        return {r.external_id: r for r in rows}


def live_ids(world: World, location: SandboxLocation) -> set[str]:
    return {r.review_id for r in world.live_reviews(location)}


def test_collect_all_brings_every_location_review_metric_and_keyword(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    summaries, _ = run(settings, sessions, world)
    assert [s.status for s in summaries] == ["ok"] * (1 + 3 * len(world.locations))
    ids = location_ids(sessions)
    assert set(ids) == {f"locations/{loc.location_id}" for loc in world.locations}
    for loc in world.locations:
        stored = stored_reviews(sessions, ids[f"locations/{loc.location_id}"])
        assert set(stored) == live_ids(world, loc)
        for review in world.live_reviews(loc):
            row = stored[review.review_id]
            assert row.rating == review.rating
            comment = review.comment()
            assert row.text == (split_translation(comment)[0] if comment else None)
            assert row.reply_text == (review.reply.comment if review.reply else None)
            assert row.author_name == (None if review.anonymous else review.reviewer())
    with sessions() as session:
        unscored = session.scalar(
            select(func.count())
            .select_from(Review)
            .outerjoin(StoredReviewScore, StoredReviewScore.review_id == Review.id)
            .where(StoredReviewScore.review_id.is_(None))
        )
        assert unscored == 0  # every review was scored by the review job
        metric_rows = session.scalar(select(func.count()).select_from(DailyMetric))
        thresholds = session.scalars(
            select(SearchKeyword).where(SearchKeyword.threshold.is_not(None))
        ).all()
    # 548 days backfilled, minus the days Google has not reported yet, for 9 metrics.
    reported_days = sum(
        1
        for d in range(1, 549)
        if world.metric_value(
            world.locations[0], "CALL_CLICKS", world.now.date() - timedelta(days=d)
        )
        is not None
    )
    assert metric_rows == 3 * 9 * reported_days
    assert thresholds and all(k.value is None and k.threshold == 15 for k in thresholds)
    assert_metric_groups_add_up(sessions)


def assert_metric_groups_add_up(sessions: sessionmaker[Session]) -> None:
    """daily_metric_groups holds, per location and day, exactly the sums of its metrics."""
    expected: dict[tuple[int, date], dict[str, int]] = {}
    with sessions() as session:
        for row in session.scalars(select(DailyMetric)):
            day = expected.setdefault((row.location_id, row.day), {})
            group = next(g for g, metrics in GROUP_METRICS.items() if row.metric in metrics)
            day[group] = day.get(group, 0) + row.value
        stored = {
            (row.location_id, row.day): {
                group: getattr(row, group)
                for group in GROUP_METRICS
                if getattr(row, group) is not None
            }
            for row in session.scalars(select(DailyMetricGroups))
        }
    assert expected and stored == expected


def test_a_metrics_re_sync_keeps_the_group_totals_with_googles_revised_days(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    """Google revises the newest days for a while: each sync rewrites its window, and the
    group totals follow the revised values."""
    run(settings, sessions, world, ["locations", "metrics"])
    with sessions() as session:
        before = calls_by_location_and_day(session)
    world.advance(2 * 24 * 60)  # two days on: recent days settle, new ones arrive
    run(settings, sessions, world, ["metrics"])
    assert_metric_groups_add_up(sessions)
    with sessions() as session:
        after = calls_by_location_and_day(session)
    assert len(after) > len(before)  # the new days
    assert any(after[key] != calls for key, calls in before.items())  # revised days


def calls_by_location_and_day(session: Session) -> dict[tuple[int, date], int | None]:
    rows = session.execute(
        select(DailyMetricGroups.location_id, DailyMetricGroups.day, DailyMetricGroups.calls)
    )
    return {(location_id, day): calls for location_id, day, calls in rows}


def test_translated_reviews_keep_the_translation_and_the_original(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    run(settings, sessions, world, ["locations", "reviews"])
    with sessions() as session:
        translated = session.scalars(select(Review).where(Review.original_text.is_not(None))).all()
    assert translated, "the seeded world has Spanish reviews"
    assert all(
        "(Translated by Google)" not in r.text and "(Original)" not in r.text for r in translated
    )
    assert all(r.original_text and r.original_text != r.text for r in translated)


def test_a_second_run_changes_nothing(
    settings: Settings, sessions: sessionmaker[Session], world: World, engine: Engine
) -> None:
    run(settings, sessions, world)
    before = snapshot(engine)
    summaries, _ = run(settings, sessions, world)
    assert snapshot(engine) == before
    for summary in summaries:
        assert summary.counts.get("changed", 0) == 0 and summary.counts.get("new", 0) == 0, summary
        assert summary.counts.get("scored", 0) == 0, summary  # nothing to score again


def test_a_re_sync_reads_one_page_per_location_and_finds_new_and_edited_reviews(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    run(settings, sessions, world)
    import random

    rng = random.Random(3)
    for location in world.locations:
        for _ in range(4):
            world._change("new", location, rng, world.now + timedelta(minutes=rng.randint(1, 50)))
        world._change("edited", location, rng, world.now + timedelta(minutes=55))
        world._change("replied", location, rng, world.now + timedelta(minutes=56))
    world.now += timedelta(hours=1)
    summaries, client = run(settings, sessions, world, ["reviews"])
    assert client.calls["mybusiness"] == len(
        world.locations
    )  # one page each: fewer than 50 changed
    assert all(
        s.counts["new"] == 4 and s.counts["changed"] == 2 and s.counts["full"] == 0
        for s in summaries
    )
    # The review job scores what it saved: the new reviews and the edited text, not the reply.
    assert [s.counts["scored"] for s in summaries] == [5] * len(world.locations)
    ids = location_ids(sessions)
    for location in world.locations:
        stored = stored_reviews(sessions, ids[f"locations/{location.location_id}"])
        for review in world.live_reviews(location):
            assert stored[review.review_id].rating == review.rating
            assert stored[review.review_id].reply_text == (
                review.reply.comment if review.reply else None
            )


def test_a_deleted_review_is_kept_and_marked(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    run(settings, sessions, world)
    location = world.locations[1]
    gone = world.live_reviews(location)[-1]  # the oldest: far below the watermark
    gone.deleted = True
    summaries, _ = run(settings, sessions, world, ["reviews"])
    by_location = {s.location_id: s for s in summaries}
    location_id = location_ids(sessions)[f"locations/{location.location_id}"]
    assert by_location[location_id].counts["deleted"] == 1
    row = stored_reviews(sessions, location_id)[gone.review_id]
    assert row.deleted_at is not None and row.text == (
        split_translation(gone.comment())[0] if gone.comment() else None
    )


def test_every_run_is_recorded_with_counts_and_api_calls(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    _, client = run(settings, sessions, world)
    with sessions() as session:
        runs = session.scalars(select(CollectorRun)).all()
    assert {r.status for r in runs} == {"ok"}
    assert sum(r.api_calls for r in runs) == client.total_calls
    assert all(r.finished_at is not None and r.finished_at >= r.started_at for r in runs)


def test_a_disabled_location_is_skipped(sandbox, tmp_path, database_url, world: World) -> None:
    from seo_monitor.db import make_engine, session_factory
    from tests.conftest import sandbox_settings

    settings = sandbox_settings(sandbox, tmp_path, database_url)
    store_code = world.locations[0].store_code
    config = tmp_path / "config.toml"
    config.write_text(
        config.read_text() + f'\n[[locations]]\nmatch = "{store_code}"\nenabled = false\n'
    )
    from seo_monitor.config import load_settings

    settings = load_settings(config, {})
    sessions = session_factory(make_engine(database_url))
    summaries, _ = run(settings, sessions, world)
    skipped_id = location_ids(sessions)[f"locations/{world.locations[0].location_id}"]
    assert skipped_id not in {s.location_id for s in summaries}
    assert len(summaries) == 1 + 3 * 2


def test_a_stop_request_finishes_the_current_location_and_leaves_the_rest(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    run(settings, sessions, world, ["locations"])
    asked: list[int] = []

    def should_stop() -> bool:
        asked.append(1)
        return len(asked) > 1  # stop is requested while the first location is being collected

    summaries = collect(
        settings,
        sessions,
        ["reviews"],
        make_client(settings),
        now=lambda: world.now,
        should_stop=should_stop,
    )
    assert [s.status for s in summaries] == ["ok"]
    with sessions() as session:
        saved_locations = set(session.scalars(select(Review.location_id)))
    assert saved_locations == {summaries[0].location_id}


class FullReadOf(ReplayClient):
    """Recorded pages standing in for a whole read of Google's list (as GoogleClient is)."""

    lists_everything = True


def recorded_pages(
    settings: Settings, sessions: sessionmaker[Session], location_id: int
) -> list[dict[str, object]]:
    client = make_client(settings)
    with sessions() as session:
        parent = review_parent(session, session.get_one(Location, location_id))
    return list(pages(lambda token: client.list_reviews(parent, token)))


def collect_from(
    settings: Settings,
    sessions: sessionmaker[Session],
    world: World,
    client: ReplayClient,
    location_id: int,
) -> RunSummary:
    (summary,) = collect(
        settings,
        sessions,
        ["reviews"],
        client,  # type: ignore[arg-type]
        wanted_location=str(location_id),
        now=lambda: world.now,
    )
    return summary


def live_count(sessions: sessionmaker[Session], location_id: int) -> int:
    return sum(r.deleted_at is None for r in stored_reviews(sessions, location_id).values())


def test_a_full_read_that_skipped_a_malformed_review_marks_nothing_deleted(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    run(settings, sessions, world, ["locations", "reviews"])
    location_id = location_ids(sessions)[f"locations/{world.locations[0].location_id}"]
    stored = live_count(sessions, location_id)
    recorded = recorded_pages(settings, sessions, location_id)
    recorded[-1]["reviews"][0]["createTime"] = "last Tuesday"  # type: ignore[index]
    world.now += timedelta(days=8)  # the weekly full read is due
    summary = collect_from(settings, sessions, world, FullReadOf(recorded), location_id)
    assert summary.status == "partial"
    assert (summary.counts["skipped"], summary.counts["deleted"]) == (1, 0)
    assert summary.counts["not_deleted"] == 1
    assert "1 malformed record(s) skipped" in (summary.error or "")
    assert "deletions not applied" in (summary.error or "")
    assert live_count(sessions, location_id) == stored


def test_loading_a_partial_file_never_marks_reviews_deleted(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    run(settings, sessions, world, ["locations", "reviews"])
    location_id = location_ids(sessions)[f"locations/{world.locations[0].location_id}"]
    stored = live_count(sessions, location_id)
    with sessions() as session:
        synced = session.get_one(Location, location_id).reviews_full_sync_at
    first_page = recorded_pages(settings, sessions, location_id)[:1]
    world.now += timedelta(days=8)  # the weekly full read is due
    summary = collect_from(settings, sessions, world, ReplayClient(first_page), location_id)
    kept = stored - len(first_page[0]["reviews"])  # type: ignore[arg-type]
    assert summary.status == "partial" and summary.counts["deleted"] == 0
    assert summary.counts["not_deleted"] == kept > 0
    assert "a recorded file may hold only some of them" in (summary.error or "")
    assert live_count(sessions, location_id) == stored
    with sessions() as session:  # a file is not a read of Google: the weekly read still runs
        assert session.get_one(Location, location_id).reviews_full_sync_at == synced
