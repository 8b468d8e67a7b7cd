"""Safe replies to reviews: the PHI linter, reply templates, and posting with the reply log."""

from seo_monitor.replies.linter import (
    CATEGORIES,
    MAX_REPLY_BYTES,
    Finding,
    ReviewContext,
    lint_reply,
    reply_notes,
    reply_size_problem,
)
from seo_monitor.replies.posting import (
    PracticeDetails,
    ReplyClient,
    ReplyOutcome,
    delete_reply,
    follow_pending,
    follow_state,
    post_reply,
)
from seo_monitor.replies.templates import suggest_templates

__all__ = [
    "CATEGORIES",
    "MAX_REPLY_BYTES",
    "Finding",
    "PracticeDetails",
    "ReplyClient",
    "ReplyOutcome",
    "ReviewContext",
    "delete_reply",
    "follow_pending",
    "follow_state",
    "lint_reply",
    "post_reply",
    "reply_notes",
    "reply_size_problem",
    "suggest_templates",
]
