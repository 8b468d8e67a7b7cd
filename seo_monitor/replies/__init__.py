"""Safe replies to reviews: the PHI linter and reply templates."""

from seo_monitor.replies.linter import (
    CATEGORIES,
    MAX_REPLY_BYTES,
    Finding,
    ReviewContext,
    lint_reply,
    reply_notes,
    reply_size_problem,
)

__all__ = [
    "CATEGORIES",
    "MAX_REPLY_BYTES",
    "Finding",
    "ReviewContext",
    "lint_reply",
    "reply_notes",
    "reply_size_problem",
]
