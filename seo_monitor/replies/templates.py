"""Reply templates that disclose nothing, by situation, suggested from a review's score.

Placeholders are only for the clinic's own details: {clinic}, {office_phone} and
{contact_role} (e.g. "practice manager"). A test lints every template.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from seo_monitor.sentiment import ReviewScore


@dataclass(frozen=True)
class Template:
    key: str
    situation: str
    text: str

    def fill(self, clinic: str, office_phone: str, contact_role: str) -> str:
        return self.text.format(clinic=clinic, office_phone=office_phone, contact_role=contact_role)


TEMPLATES = (
    Template(
        "positive",
        "Positive review",
        "Thank you for taking the time to share such kind words. Feedback like this means a "
        "great deal to everyone at {clinic}.",
    ),
    Template(
        "positive_staff",
        "Positive review that names staff",
        "Thank you for the kind words! We will pass them on to the whole team at {clinic}; "
        "they work hard to make everyone feel welcome.",
    ),
    Template(
        "negative_operational",
        "Complaint about wait, billing, phone or front desk",
        "Thank you for this feedback. We want everyone who contacts {clinic} to be treated "
        "promptly and courteously, and we take concerns like this seriously. Please call our "
        "{contact_role} at {office_phone} so we can learn more and make it right.",
    ),
    Template(
        "negative_billing",
        "Complaint about billing or insurance",
        "Thank you for raising this. Questions about bills and insurance are best handled "
        "privately: please call our {contact_role} at {office_phone} and we will look into it "
        "with you.",
    ),
    Template(
        "negative_clinical",
        "Complaint about care or a clinician",
        "Thank you for sharing this. Privacy rules keep us from discussing anyone's care in a "
        "public forum, but we take every concern about care seriously. Please call our "
        "{contact_role} at {office_phone} so we can talk it through.",
    ),
    Template(
        "not_a_patient",
        "Possibly not a patient, or spam",
        "Thank you for your feedback. We take every comment seriously; if you would like to "
        "talk about your concerns, please call our {contact_role} at {office_phone}.",
    ),
    Template(
        "rating_only_positive",
        "Stars only, 4 or 5",
        "Thank you for the rating! We appreciate you taking a moment to share it.",
    ),
    Template(
        "rating_only_negative",
        "Stars only, 1 to 3",
        "Thank you for the rating. We are always looking to improve; if you would like to share "
        "more, please call our {contact_role} at {office_phone}.",
    ),
)
BY_KEY = {template.key: template for template in TEMPLATES}


def suggest_templates(
    rating: int | None,
    has_text: bool,
    polarity: str | None = None,
    flagged: bool = False,
    concern: str | None = None,
    negative_topics: Collection[str] = (),
) -> list[Template]:
    """The templates that fit a review (its stars and its score), best first."""
    if not has_text:
        low = rating is not None and rating <= 3
        return [BY_KEY["rating_only_negative" if low else "rating_only_positive"]]
    if polarity == "negative" or flagged or (rating is not None and rating <= 2):
        keys = []
        if concern == "clinical":
            keys.append("negative_clinical")
        if "billing" in negative_topics:
            keys.append("negative_billing")
        keys += ["negative_operational", "negative_clinical", "not_a_patient"]
        return [BY_KEY[key] for key in dict.fromkeys(keys)]
    return [BY_KEY["positive"], BY_KEY["positive_staff"]]


def suggest_for_score(score: ReviewScore, rating: int | None, has_text: bool) -> list[Template]:
    return suggest_templates(
        rating,
        has_text,
        score.polarity,
        score.flagged,
        score.concern,
        [topic.key for topic in score.negative_topics()],
    )
