"""The PHI linter: what it flags in a reply, what it leaves alone, and its quality floor."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from seo_monitor.replies import ReviewContext, lint_reply, reply_notes, reply_size_problem
from seo_monitor.replies.templates import TEMPLATES, suggest_for_score
from seo_monitor.sentiment import score_review

DATA = Path(__file__).resolve().parents[1] / "data"


def categories(reply: str, **kwargs: object) -> set[str]:
    return {f.category for f in lint_reply(reply, **kwargs)}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("reply", "category"),
    [
        ("Thanks for trusting us with your care!", "patient_status"),
        ("We hope to see you at your next session.", "patient_status"),
        ("We enjoyed treating you and wish you well.", "patient_status"),
        ("When you came in we were short-staffed.", "patient_status"),
        ("Glad your shoulder is feeling stronger!", "health"),
        ("We're sorry the gabapentin made you dizzy.", "health"),
        ("Sorry about the wait at your 3pm appointment on Tuesday.", "care_date"),
        ("Your balance of $230 was sent to collections.", "billing"),
        ("Medicare denied the claim for maintenance care.", "billing"),
        ("We have no record of you in our system.", "records"),
        ("According to our records, everything was billed correctly.", "records"),
        ("We called you at 512-555-0142 twice.", "contact"),
        ("We emailed the forms to maria.g@gmail.com.", "contact"),
        ("Dr. Lee enjoyed working with you.", "name"),
        ("Lo sentimos. Le llamamos al 512-555-0188.", "contact"),
        ("Nos alegra que su espalda esté mejor.", "health"),
    ],
)
def test_each_category_is_caught_and_points_at_its_span(reply: str, category: str) -> None:
    findings = lint_reply(reply)
    assert category in {f.category for f in findings}, findings
    for finding in findings:
        assert reply[finding.start : finding.end] == finding.text
        assert finding.message and finding.suggestion


@pytest.mark.parametrize(
    "reply",
    [
        "Thank you for taking the time to share your feedback.",
        "We value every patient's privacy, so we can't discuss anyone's care here.",
        "Please call our practice manager at (512) 555-0100 so we can learn more.",
        "Our therapists treat many knee and back conditions.",
        "We are open Monday to Friday, 7am to 7pm.",
        "Anyone can request an appointment online.",
        "Thanks for letting us know about the parking. We will get back to you soon.",
        "Dr. Lee and the whole team thank you for the kind words!",
        "We accept most plans, including Aetna and Blue Cross.",
        "¡Muchas gracias por sus comentarios! 😊",
    ],
)
def test_safe_replies_pass(reply: str) -> None:
    assert lint_reply(reply) == []


def test_the_review_is_context_for_names_and_words() -> None:
    review = ReviewContext("Maria Gonzalez", "My knee was killing me before I came here.")
    assert categories("Hi Maria, thank you!", review=review) == {"name"}
    assert categories("Thank you, Ms. Gonzalez.", review=review) == {"name"}
    assert categories("We're so glad the knee is better.", review=review) == {"health"}
    hope = ReviewContext("Hope Castillo", "Great place")
    assert lint_reply("We hope to see more reviews like this!", hope) == []  # a word, not Hope
    assert categories("Thank you, Hope!", review=hope) == {"name"}
    assert lint_reply("Thank you!", ReviewContext("A Google User", "Great")) == []


def test_configured_staff_and_clinic_contacts() -> None:
    assert categories("Jenna was happy to help you.", staff_names=["Jenna"]) == {"name"}
    assert lint_reply("Jenna and the team say thanks for the kind words!", None, ["Jenna"]) == []
    own = "Questions? Text 512-555-0100 any time."
    assert lint_reply(own, clinic_contacts=["(512) 555-0100"]) == []
    assert categories("We removed 512-555-0194 from the profile.") == {"contact"}


def test_size_and_empty_replies_get_a_clear_message() -> None:
    assert reply_size_problem("   ") == "the reply is empty"
    problem = reply_size_problem("é" * 2100)  # 4,200 bytes in UTF-8
    assert problem is not None and "4,200 bytes" in problem and "4,096" in problem
    assert reply_size_problem("Thank you!") is None


def test_html_and_other_languages_get_a_note() -> None:
    assert "plain text" in reply_notes("Thank you! <b>We appreciate it</b>")[0]
    assert "another language" in reply_notes("Cảm ơn bạn rất nhiều vì đã đánh giá!")[0]
    assert "another language" in reply_notes("Merci beaucoup pour votre avis sur notre équipe")[0]
    assert reply_notes("¡Muchas gracias por su comentario!") == []
    assert reply_notes("Thank you for your feedback.") == []


def test_odd_input_holds_no_patient_information() -> None:
    for text in ["<script>alert(1)</script>", "🙂" * 500, "\x00", "Dr.", "Dr. ", "?!" * 50]:
        assert lint_reply(text, ReviewContext("", "")) == [], text


def test_every_template_passes_the_linter() -> None:
    for template in TEMPLATES:
        text = template.fill("Riverbend Physical Therapy", "(512) 555-0100", "practice manager")
        assert lint_reply(text, clinic_contacts=["(512) 555-0100"]) == [], template.key


def test_templates_follow_the_review() -> None:
    billing = score_review("They billed me twice and nobody called back. Rude front desk.", 1)
    assert suggest_for_score(billing, 1, True)[0].key in {
        "negative_billing",
        "negative_operational",
    }
    clinical = score_review("The doctor misdiagnosed me and my pain got worse.", 1)
    assert suggest_for_score(clinical, 1, True)[0].key == "negative_clinical"
    happy = score_review("Wonderful team, highly recommend!", 5)
    assert suggest_for_score(happy, 5, True)[0].key == "positive"
    assert suggest_for_score(score_review(None, 5), 5, False)[0].key == "rating_only_positive"
    assert suggest_for_score(score_review(None, 2), 2, False)[0].key == "rating_only_negative"


def quality(name: str) -> tuple[float, float]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    flagged = [
        bool(lint_reply(r["reply"], ReviewContext(r["reviewer"] or None, r["review_text"])))
        for r in rows
    ]
    unsafe = [f for f, r in zip(flagged, rows, strict=True) if r["label"] == "unsafe"]
    safe = [f for f, r in zip(flagged, rows, strict=True) if r["label"] == "safe"]
    return sum(unsafe) / len(unsafe), sum(safe) / len(safe)


@pytest.mark.parametrize(
    "name", ["replies-labeled.csv", "replies-heldout.csv", "replies-fresh.csv"]
)
def test_quality_on_the_labelled_reply_sets(name: str) -> None:
    """460 replies written for the project by three writers (every category, tricky safe ones
    included). The rules have seen all three by now; bench/RESULTS.md has the figures each set
    gave before the rules saw it. This keeps the rules from sliding."""
    recall, false_alarms = quality(name)
    assert recall >= 0.95, recall
    assert false_alarms <= 0.10, false_alarms


def test_quality_on_the_set_written_before_the_issue_27_rules() -> None:
    """replies-unseen-2.csv was written and committed before the issue 27 rules and measured
    once before (0.516 recall) and once after them (0.938, 0.023 false alarms; bench/RESULTS.md).
    Its four misses were not tuned for, so its floor is its own figure, below the 0.95 goal."""
    recall, false_alarms = quality("replies-unseen-2.csv")
    assert recall >= 0.93, recall
    assert false_alarms <= 0.10, false_alarms
