"""The website: a clinic's site checked against its Google profile (the website audit).

`audit` holds the checks and the score; `matching` the tolerant name, address and phone matching
and the schema.org reading they use. collectors/website.py fetches the pages.
"""

from seo_monitor.website.audit import (
    AuditResult,
    Finding,
    PageFacts,
    audit_page,
    score,
    unreachable,
)
from seo_monitor.website.matching import Profile, normalise_address

__all__ = [
    "AuditResult",
    "Finding",
    "PageFacts",
    "Profile",
    "audit_page",
    "normalise_address",
    "score",
    "unreachable",
]
