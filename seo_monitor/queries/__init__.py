"""The read model: every query the dashboard, the emails and the CLI summaries use.

Aggregation happens in the database; callers get small lists of plain rows.
"""

from seo_monitor.queries.common import LocationIds, Period
from seo_monitor.queries.health import (
    DatasetFreshness,
    LatestRun,
    LocationSummary,
    ScheduledJob,
    select_freshness,
    select_latest_runs,
    select_location_summaries,
    select_recent_failures,
    select_scheduled_jobs,
)
from seo_monitor.queries.overview import (
    AttentionReview,
    Kpis,
    LocationChoice,
    LocationRow,
    select_kpis,
    select_location_choices,
    select_location_rows,
    select_monthly_reviews,
    select_newest_metric_day,
    select_rating,
    select_rating_history,
    select_unanswered_negative,
    select_weekly_metrics,
)
from seo_monitor.queries.profile import (
    KeywordRow,
    select_daily_metrics,
    select_keyword_months,
    select_keywords,
)

__all__ = [
    "AttentionReview",
    "DatasetFreshness",
    "KeywordRow",
    "Kpis",
    "LatestRun",
    "LocationChoice",
    "LocationIds",
    "LocationRow",
    "LocationSummary",
    "Period",
    "ScheduledJob",
    "select_daily_metrics",
    "select_freshness",
    "select_keyword_months",
    "select_keywords",
    "select_kpis",
    "select_latest_runs",
    "select_location_choices",
    "select_location_rows",
    "select_location_summaries",
    "select_monthly_reviews",
    "select_newest_metric_day",
    "select_rating",
    "select_rating_history",
    "select_recent_failures",
    "select_scheduled_jobs",
    "select_unanswered_negative",
    "select_weekly_metrics",
]
