"""Healthcare-tuned review scoring: VADER plus a domain lexicon and a small shipped linear model."""

from seo_monitor.sentiment.scorer import (
    SCORER_VERSION,
    ReviewScore,
    ScoringRules,
    TopicScore,
    score_review,
    text_hash,
)

__all__ = [
    "SCORER_VERSION",
    "ReviewScore",
    "ScoringRules",
    "TopicScore",
    "score_review",
    "text_hash",
]
