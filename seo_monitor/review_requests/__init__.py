"""Asking patients for Google reviews: the same neutral ask for every patient, on the wall
(posters, in qr/) and by email after a visit. The rules of asking (`asking`), the link
(`links`), the ledger of every ask (`ledger`)."""

from seo_monitor.review_requests.asking import RULES, problems
from seo_monitor.review_requests.ledger import record_request
from seo_monitor.review_requests.links import (
    MAX_LINK_CHARS,
    checked_link,
    location_review_link,
    review_link,
)

__all__ = [
    "MAX_LINK_CHARS",
    "RULES",
    "checked_link",
    "location_review_link",
    "problems",
    "record_request",
    "review_link",
]
