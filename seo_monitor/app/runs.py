"""Every collector run leaves a `collector_runs` row: status, counts, API calls, error and hint.

`run_recorded()` is the one place that catches a collector's failure. The work itself runs in
one transaction: when it fails, nothing it wrote stays, and the next run starts from the same
database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.db import describe_database_error, rows_changed
from seo_monitor.errors import CollectorError
from seo_monitor.models import CollectorRun
from seo_monitor.times import utcnow

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    collector: str
    location_id: int | None
    status: str  # ok, partial (some records skipped), failed
    counts: dict[str, int] = field(default_factory=dict)
    api_calls: int = 0
    error: str | None = None
    hint: str | None = None
    permanent: bool = False
    affects_all: bool = False  # the collector stops: every location would fail the same way
    every_collector: bool = False  # the whole run stops (the Google connection, the database)


def run_recorded(
    sessions: sessionmaker[Session],
    collector: str,
    location_id: int | None,
    work: Callable[[Session], dict[str, int]],
    api_calls: Callable[[], int] = lambda: 0,
    now: Callable[[], datetime] = utcnow,
) -> RunSummary:
    run_id = _start(sessions, collector, location_id, now())
    calls_before = api_calls()
    summary = RunSummary(collector, location_id, "ok")
    try:
        with sessions.begin() as session:
            counts = work(session)
        summary.counts = counts  # only once committed: a failed commit saved nothing
    except CollectorError as exc:
        summary.status, summary.error, summary.hint = "failed", str(exc), exc.hint
        summary.permanent, summary.affects_all = exc.permanent, exc.affects_all
        summary.every_collector = exc.every_collector
        log.warning("%s for location %s failed: %s", collector, location_id, exc)
    except OperationalError as exc:  # the database itself failed: every location would too
        summary.status, summary.error = "failed", describe_database_error(exc)
        summary.affects_all = summary.every_collector = True
        log.error("%s for location %s stopped: %s", collector, location_id, summary.error)
    except Exception as exc:  # a bug: record it, keep the other locations going
        summary.status, summary.error = "failed", f"internal error ({type(exc).__name__})"
        summary.hint = "See the scheduler's log for the traceback; the next run tries again."
        log.exception("%s for location %s crashed", collector, location_id)
    notes = _incomplete_read_notes(summary.counts)
    if summary.status == "ok" and notes:
        summary.status, summary.error = "partial", "; ".join(notes)
    summary.api_calls = api_calls() - calls_before
    _finish(sessions, run_id, summary, now())
    return summary


def _incomplete_read_notes(counts: dict[str, int]) -> list[str]:
    """What a run that saved its data could not do: skipped records, deletions held back."""
    notes = []
    skipped, not_deleted = counts.get("skipped", 0), counts.get("not_deleted", 0)
    if skipped:
        notes.append(f"{skipped} malformed record(s) skipped")
    if not_deleted:
        why = (
            "the read skipped records, so it may have missed them"
            if skipped
            else "a recorded file may hold only some of them"
        )
        notes.append(
            f"deletions not applied: {not_deleted} stored record(s) missing from this read "
            f"were kept, because {why}"
        )
    return notes


def _start(
    sessions: sessionmaker[Session], collector: str, location_id: int | None, now: datetime
) -> int:
    with sessions.begin() as session:
        # A run still marked running was killed before it could finish.
        session.execute(
            update(CollectorRun)
            .where(
                CollectorRun.collector == collector,
                CollectorRun.location_id == location_id,
                CollectorRun.status == "running",
            )
            .values(
                status="interrupted",
                finished_at=now,
                error="the process stopped before this run finished",
            )
        )
        run = CollectorRun(
            collector=collector, location_id=location_id, started_at=now, status="running"
        )
        session.add(run)
        session.flush()
        return run.id


def _finish(
    sessions: sessionmaker[Session], run_id: int, summary: RunSummary, now: datetime
) -> None:
    values: dict[str, Any] = {
        "status": summary.status,
        "finished_at": now,
        "counts": summary.counts,
        "api_calls": summary.api_calls,
        "error": summary.error,
        "hint": summary.hint,
    }
    with sessions.begin() as session:
        session.execute(update(CollectorRun).where(CollectorRun.id == run_id).values(**values))


PRUNE_BATCH = 2000  # runs deleted per transaction: SQLite's write lock stays short


def prune_run_history(sessions: sessionmaker[Session], before: datetime) -> int:
    """Delete the runs that started before `before`, except each collector's newest run and
    newest successful run for each location, which the health page shows however old they
    are. In batches, each its own transaction, so that the first clean-up of a long history
    does not hold the database while the review job waits. How many went."""
    with sessions() as session:
        kept = set(session.scalars(_newest_run_ids()))
        kept |= set(session.scalars(_newest_run_ids(CollectorRun.status.in_(("ok", "partial")))))
    deleted, after_id = 0, 0
    while True:
        with sessions.begin() as session:
            batch = session.scalars(
                select(CollectorRun.id)
                .where(CollectorRun.id > after_id, CollectorRun.started_at < before)
                .order_by(CollectorRun.id)
                .limit(PRUNE_BATCH)
            ).all()
            if not batch:
                return deleted
            doomed = [run_id for run_id in batch if run_id not in kept]
            if doomed:
                deleted += rows_changed(
                    session, delete(CollectorRun).where(CollectorRun.id.in_(doomed))
                )
            after_id = batch[-1]


def _newest_run_ids(*conditions: ColumnElement[bool]) -> Select[int]:
    return (
        select(func.max(CollectorRun.id))
        .where(*conditions)
        .group_by(CollectorRun.collector, CollectorRun.location_id)
    )
