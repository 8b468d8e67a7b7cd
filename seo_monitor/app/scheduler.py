"""The scheduler: cron triggers wired to the same functions as the CLI commands, one instance.

Thin on purpose: each job is `collect([...])` or database maintenance; APScheduler only decides
when (coalesce, one instance per job, misfire grace, jitter, stable ids). A guard makes sure a
second scheduler against the same database runs nothing: a PostgreSQL advisory lock, or on
SQLite a lease row that the running scheduler renews and a crashed one lets expire.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Connection, Engine, text, update
from sqlalchemy.orm import Session, sessionmaker

from collectors.rankings import forget_old_positions
from seo_monitor.alerts import send_due
from seo_monitor.alerts.content import queue_digests
from seo_monitor.app.jobs import COLLECTORS, Collector, collect, make_client
from seo_monitor.app.runs import prune_run_history
from seo_monitor.config import Settings
from seo_monitor.db import rows_changed, session_factory, upsert
from seo_monitor.errors import CollectorError
from seo_monitor.models import SchedulerJob, SchedulerLease
from seo_monitor.reports.sending import send_reports
from seo_monitor.review_requests.sending import forget_stale_visits, send_review_requests
from seo_monitor.times import utcnow

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x5E0_3011  # "seo mon": one scheduler per PostgreSQL database


@dataclass(frozen=True)
class Job:
    id: str
    cron: str
    run: Callable[[], str]  # returns a one-line outcome for the log and the health page


class SchedulerBusy(Exception):
    """Another scheduler already runs jobs against this database."""


def make_jobs(settings: Settings, engine: Engine, stop: threading.Event) -> list[Job]:
    """Every scheduled job, as plain functions the CLI offers too."""
    schedule = settings.scheduler
    sessions = session_factory(engine)
    jobs = [
        Job(
            c.schedule_key,
            getattr(schedule, c.schedule_key),
            collector_job(settings, sessions, c, stop),
        )
        for c in COLLECTORS
        if c.enabled(settings)
    ]
    jobs.append(Job("digest", schedule.digest, lambda: digest_job(settings, sessions)))
    jobs.append(Job("alerts", schedule.alerts, lambda: alerts_job(settings, sessions)))
    if settings.review_requests.enabled:
        jobs.append(
            Job(
                "review_requests",
                schedule.review_requests,
                lambda: requests_job(settings, sessions),
            )
        )
    if settings.report.recipients:
        jobs.append(Job("report", schedule.report, lambda: report_job(settings, sessions)))
    keep = timedelta(days=settings.database.keep_run_history_days)
    jobs.append(
        Job("maintenance", schedule.maintenance, lambda: maintain_database(engine, keep, settings))
    )
    return jobs


def digest_job(settings: Settings, sessions: sessionmaker[Session]) -> str:
    """Queue last week's digest for every recipient, then send what is due."""
    with sessions.begin() as session:
        queued = queue_digests(session, settings, utcnow())
    return f"{queued} digests queued; {alerts_job(settings, sessions)}"


def alerts_job(settings: Settings, sessions: sessionmaker[Session]) -> str:
    """Send due emails: daily alerts, retries, and anything a review sync queued."""
    report = send_due(sessions, settings)
    stopped = f"; stopped: {report.stopped}" if report.stopped else ""
    return f"{report.sent} emails sent, {report.failed} failed, {report.given_up} given up{stopped}"


def requests_job(settings: Settings, sessions: sessionmaker[Session]) -> str:
    """Ask the patients whose visits are due (at the hourly cap; the rest go next time)."""
    report = send_review_requests(sessions, settings)
    skipped = sum(report.skipped.values())
    notes = [f"stopped: {report.stopped}"] if report.stopped else []
    notes += list(report.no_link.values())  # which location needs a review link, and how
    return (
        f"{report.sent} review requests sent, {skipped} visits not asked, {report.failed} failed"
        + "".join(f"; {note}" for note in notes)
    )


def report_job(settings: Settings, sessions: sessionmaker[Session]) -> str:
    """Last month's report to its recipients, once each, from report.send_day on."""
    queued, report = send_reports(sessions, settings)
    return f"{queued} monthly reports queued, {report.sent} sent, {report.failed} failed"


def collector_job(
    settings: Settings,
    sessions: sessionmaker[Session],
    collector: Collector,
    stop: threading.Event,
) -> Callable[[], str]:
    def run() -> str:
        try:
            client = make_client(settings)
        except CollectorError as exc:
            raise RuntimeError(f"{exc} ({exc.hint})") from None
        summaries = collect(settings, sessions, [collector.name], client, should_stop=stop.is_set)
        failed = sum(1 for s in summaries if s.status == "failed")
        result = f"{len(summaries)} runs, {failed} failed, {client.total_calls} API calls"
        if collector.sends_email:  # alerts on new negative reviews go out right away
            result += f"; {alerts_job(settings, sessions)}"
        return result

    return run


def maintain_database(engine: Engine, keep_runs: timedelta, settings: Settings) -> str:
    """Old collector runs deleted, map positions read from Places over 30 days ago forgotten
    (Google's terms), visits too old to ask emptied of address and name, fresh planner
    statistics; on SQLite also fold the WAL back into the database file."""
    sessions = session_factory(engine)
    pruned = prune_run_history(sessions, utcnow() - keep_runs)
    with sessions.begin() as session:
        forgotten = forget_old_positions(session, utcnow())
        stale = forget_stale_visits(session, settings, utcnow().date())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("PRAGMA optimize"))
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        else:
            connection.execute(text("ANALYZE"))
    return (
        f"{pruned} old collector runs deleted; {forgotten} map positions from Places forgotten; "
        f"{stale} visits too old to ask forgotten; database statistics refreshed"
    )


def build_scheduler(
    settings: Settings, sessions: sessionmaker[Session], jobs: list[Job]
) -> BackgroundScheduler:
    schedule = settings.scheduler
    scheduler = BackgroundScheduler(
        timezone=schedule.timezone,
        job_defaults={
            "coalesce": True,  # runs missed several times over happen once
            "max_instances": 1,
            "misfire_grace_time": schedule.misfire_grace_seconds,
        },
    )
    triggers = {}
    for job in jobs:
        trigger = CronTrigger.from_crontab(job.cron, timezone=schedule.timezone)
        trigger.jitter = schedule.jitter_seconds or None
        triggers[job.id] = trigger
        scheduler.add_job(job.run, trigger, id=job.id, name=job.id, replace_existing=True)
    scheduler.add_listener(
        lambda event: record_run(sessions, triggers[event.job_id], event),
        EVENT_JOB_EXECUTED | EVENT_JOB_ERROR,
    )
    return scheduler


def record_run(
    sessions: sessionmaker[Session], trigger: CronTrigger, event: JobExecutionEvent
) -> None:
    # The job may finish before APScheduler stores its next run time: ask the trigger.
    next_run = trigger.get_next_fire_time(event.scheduled_run_time, utcnow())
    failed = event.exception is not None
    if failed:
        log.error("job %s failed: %s", event.job_id, event.exception)
    else:
        log.info("job %s: %s", event.job_id, event.retval)
    row = {
        "job_id": event.job_id,
        "last_run_at": utcnow(),
        "last_status": "failed" if failed else "ok",
        "last_error": str(event.exception)[:500] if failed else None,
        "next_run_at": next_run,
    }
    with sessions.begin() as session:
        upsert(session, SchedulerJob, [row], ["job_id"])


def record_next_runs(sessions: sessionmaker[Session], scheduler: BackgroundScheduler) -> None:
    rows = [{"job_id": job.id, "next_run_at": job.next_run_time} for job in scheduler.get_jobs()]
    with sessions.begin() as session:
        upsert(session, SchedulerJob, rows, ["job_id"], update=["next_run_at"])


# --- one scheduler only ---------------------------------------------------------------------
class SchedulerGuard:
    """Held while this process may run jobs."""

    def acquire(self) -> bool:
        raise NotImplementedError

    def renew(self) -> bool:
        return True

    def release(self) -> None:
        return None


class AdvisoryLockGuard(SchedulerGuard):
    """PostgreSQL: a session advisory lock on a connection kept open; it dies with the process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        self.connection = self.engine.connect()
        locked = bool(
            self.connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
        )
        if not locked:
            self.connection.close()
            self.connection = None
        return locked

    def renew(self) -> bool:
        if self.connection is None:
            return False
        self.connection.scalar(text("SELECT 1"))  # the connection, and with it the lock, is alive
        return True

    def release(self) -> None:
        if self.connection is not None:
            self.connection.scalar(
                text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            self.connection.close()
            self.connection = None


class LeaseGuard(SchedulerGuard):
    """SQLite: one lease row; taken when free or expired, renewed well before it expires."""

    def __init__(self, sessions: sessionmaker[Session], lease_seconds: int) -> None:
        self.sessions = sessions
        self.lease = timedelta(seconds=lease_seconds)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        with self.sessions.begin() as session:
            upsert(
                session,
                SchedulerLease,
                [{"name": "scheduler", "holder": self.holder, "expires_at": utcnow() + self.lease}],
                ["name"],
                update=(),
            )
        return self.renew()

    def renew(self) -> bool:
        now = utcnow()
        with self.sessions.begin() as session:
            return bool(
                rows_changed(
                    session,
                    update(SchedulerLease)
                    .where(
                        SchedulerLease.name == "scheduler",
                        (SchedulerLease.holder == self.holder) | (SchedulerLease.expires_at < now),
                    )
                    .values(holder=self.holder, expires_at=now + self.lease),
                )
            )

    def release(self) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(SchedulerLease)
                .where(SchedulerLease.name == "scheduler", SchedulerLease.holder == self.holder)
                .values(expires_at=utcnow())
            )


def make_guard(settings: Settings, engine: Engine) -> SchedulerGuard:
    if engine.dialect.name == "postgresql":
        return AdvisoryLockGuard(engine)
    return LeaseGuard(session_factory(engine), settings.scheduler.lease_seconds)


def run_scheduler(
    settings: Settings,
    engine: Engine,
    stop: threading.Event,
    jobs: list[Job] | None = None,
    started: Callable[[BackgroundScheduler], None] = lambda _: None,
) -> None:
    """Run jobs until `stop` is set (SIGTERM/SIGINT): then let the running job finish its
    current location, and return. Raises SchedulerBusy when another scheduler holds the guard."""
    guard = make_guard(settings, engine)
    if not guard.acquire():
        raise SchedulerBusy
    sessions = session_factory(engine)
    scheduler = build_scheduler(settings, sessions, jobs or make_jobs(settings, engine, stop))
    scheduler.start()
    record_next_runs(sessions, scheduler)
    started(scheduler)
    log.info(
        "scheduler running %d jobs (%s)", len(scheduler.get_jobs()), settings.scheduler.timezone
    )
    renew_every = max(1.0, settings.scheduler.lease_seconds / 3)
    try:
        while not stop.wait(renew_every):
            if not guard.renew():
                log.error("another scheduler took over the database; stopping this one")
                break
    finally:
        stop.set()
        scheduler.shutdown(wait=True)
        guard.release()
        log.info("scheduler stopped")
