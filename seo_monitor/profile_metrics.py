"""The Business Profile daily metrics seo-monitor reads, and how the UI groups them.

Views are the four impression metrics added up (Google counts a person once a day per metric).
"""

from datetime import date, timedelta

VIEW_METRICS = (
    "BUSINESS_IMPRESSIONS_DESKTOP_MAPS",
    "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH",
    "BUSINESS_IMPRESSIONS_MOBILE_MAPS",
    "BUSINESS_IMPRESSIONS_MOBILE_SEARCH",
)
ACTION_METRICS = {
    "calls": "CALL_CLICKS",
    "directions": "BUSINESS_DIRECTION_REQUESTS",
    "website_clicks": "WEBSITE_CLICKS",
    "bookings": "BUSINESS_BOOKINGS",
    "messages": "MESSAGING_CLICKS",
}
DAILY_METRICS = [*VIEW_METRICS, *ACTION_METRICS.values()]
LABELS = {
    "BUSINESS_IMPRESSIONS_DESKTOP_MAPS": "Views: desktop Maps",
    "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH": "Views: desktop Search",
    "BUSINESS_IMPRESSIONS_MOBILE_MAPS": "Views: mobile Maps",
    "BUSINESS_IMPRESSIONS_MOBILE_SEARCH": "Views: mobile Search",
    "CALL_CLICKS": "Calls",
    "BUSINESS_DIRECTION_REQUESTS": "Direction requests",
    "WEBSITE_CLICKS": "Website clicks",
    "BUSINESS_BOOKINGS": "Bookings",
    "MESSAGING_CLICKS": "Messages",
}


# The metrics each group adds up, in the order of GROUP_LABELS (daily_metric_groups' columns).
GROUP_METRICS = {
    "views": VIEW_METRICS,
    **{group: (metric,) for group, metric in ACTION_METRICS.items()},
}

GROUP_LABELS = {
    "views": "Profile views",
    "calls": "Calls",
    "directions": "Direction requests",
    "website_clicks": "Website clicks",
    "bookings": "Bookings",
    "messages": "Messages",
}


# Google reports a day two to three days late and keeps revising it for a few days more (the
# sandbox models this: missing for 2 days, then settling over 4). Figures are totalled and
# compared only over days at least this old (the dashboard, the digest); newer days are shown
# as provisional: a day still being counted looks like a drop.
FINAL_AFTER_DAYS = 5


def last_final_day(today: date, newest_reported: date) -> date:
    """The newest day whose figures Google has finished counting."""
    return min(newest_reported, today - timedelta(days=FINAL_AFTER_DAYS))
