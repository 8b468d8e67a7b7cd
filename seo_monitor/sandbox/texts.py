"""Made-up patient reviews of physical therapy clinics, written for the sandbox (shippable text).

A review is a few sentences about healthcare topics (front desk, wait time, billing, outcome, …),
each positive or negative according to the stars, sometimes mixed ("great therapist, but …").
"""

from __future__ import annotations

import random

TOPIC_SENTENCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "front_desk": (
        (
            "The front desk staff are friendly and always greet me by name.",
            "Reception was welcoming and helped me fill out the paperwork quickly.",
            "The office staff are kind and very organized.",
        ),
        (
            "The front desk was rude when I asked a simple question.",
            "The receptionist was dismissive and never looked up from her phone.",
            "Staff at the front desk seemed annoyed that I was there.",
        ),
    ),
    "scheduling": (
        (
            "Scheduling was easy and they found a time that fit my work hours.",
            "I could book my next visit online in a minute.",
            "They fit me in the same week, which I really appreciated.",
        ),
        (
            "It took three weeks to get an appointment.",
            "They cancelled on me twice with no notice.",
            "Rescheduling was a nightmare and nobody returned my messages.",
        ),
    ),
    "wait_time": (
        (
            "I was never kept waiting; sessions start right on time.",
            "No waiting room marathons here, they respect your time.",
        ),
        (
            "I waited 45 minutes past my appointment time.",
            "Every visit I sat in the waiting room for half an hour.",
            "Long waits every single time, even with an early appointment.",
        ),
    ),
    "billing": (
        (
            "Billing was clear and they checked my insurance benefits up front.",
            "They explained the costs before we started, no surprises.",
        ),
        (
            "I was billed twice for the same session and it took months to fix.",
            "They never told me my insurance would not cover it and I got a huge bill.",
            "Surprise charges showed up weeks later with no explanation.",
        ),
    ),
    "clinician": (
        (
            "My therapist listened carefully and explained everything.",
            "Dr. Alvarez is thorough, patient and genuinely cares.",
            "The therapists really know their stuff and take time to answer questions.",
        ),
        (
            "The therapist seemed rushed and barely talked to me.",
            "I felt dismissed; my concerns were brushed off.",
            "The doctor spent five minutes with me and left an aide to do everything.",
        ),
    ),
    "outcome": (
        (
            "After six weeks my back pain is gone and I am running again.",
            "My knee feels stronger than before the surgery.",
            "I finally sleep through the night without shoulder pain.",
        ),
        (
            "After two months I am in more pain than when I started.",
            "No improvement at all after ten sessions.",
            "My shoulder got worse and they kept doing the same exercises.",
        ),
    ),
    "exercises": (
        (
            "The home exercise program was easy to follow and made a real difference.",
            "They gave me clear printouts and videos for my exercises.",
        ),
        (
            "They handed me a sheet of exercises and never checked my form.",
            "The home program was confusing and nobody explained it.",
        ),
    ),
    "facility": (
        (
            "The clinic is clean, bright and has plenty of parking.",
            "Modern equipment and a spotless gym.",
        ),
        (
            "Parking is impossible and the gym was dirty.",
            "The equipment is old and half of it was broken.",
        ),
    ),
    "phone": (
        ("They always answer the phone and call back the same day.",),
        (
            "Nobody ever answers the phone and voicemails go unreturned.",
            "I called four times about my referral and never heard back.",
        ),
    ),
}

OPENERS = (
    ("Highly recommend this clinic!", "Great experience overall.", "Best PT in town."),
    ("Very disappointed.", "Would not recommend.", "Terrible experience."),
)
CLOSERS = (
    ("Thank you to the whole team!", "I will definitely come back if I need PT again.", ""),
    ("I am looking for a new clinic.", "Save yourself the trouble.", ""),
)
SPANISH = (
    (
        "Excelente atención, el terapeuta fue muy paciente conmigo.",
        "Excellent care, the therapist was very patient with me.",
    ),
    ("Muy buen servicio y el personal es amable.", "Very good service and the staff is kind."),
    (
        "Esperé más de una hora y nadie me explicó nada.",
        "I waited more than an hour and no one explained anything to me.",
    ),
)
FIRST_NAMES = (
    "Maria",
    "James",
    "Linda",
    "Robert",
    "Ana",
    "David",
    "Priya",
    "Michael",
    "Jennifer",
    "Carlos",
    "Sarah",
    "Kevin",
    "Emily",
    "Luis",
    "Rachel",
    "Thomas",
    "Grace",
    "Daniel",
    "Olivia",
    "Marcus",
    "Hannah",
    "Jorge",
    "Mei",
    "Tyler",
    "Aisha",
    "Brian",
    "Sofia",
)
LAST_INITIALS = "ABCDEFGHJKLMNOPRSTVW"
OWNER_REPLIES = (
    "Thank you for taking the time to share your feedback. We appreciate it!",
    "Thank you for your kind words. Our team works hard to make every visit a good one.",
    "We are sorry to hear this. Please call our office manager at the main number so we can "
    "learn more and make it right.",
)


def reviewer_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_INITIALS)}."


def review_text(rng: random.Random, stars: int) -> str:
    """Two to five sentences; mostly matching the stars, a 3★ or a 4★ often mixed."""
    positive_share = {1: 0.05, 2: 0.15, 3: 0.5, 4: 0.8, 5: 0.97}[stars]
    topics = rng.sample(sorted(TOPIC_SENTENCES), k=rng.randint(1, 3))
    sentences = [rng.choice(OPENERS[0 if stars >= 4 else 1])] if rng.random() < 0.6 else []
    for topic in topics:
        good = rng.random() < positive_share
        sentences.append(rng.choice(TOPIC_SENTENCES[topic][0 if good else 1]))
    closer = rng.choice(CLOSERS[0 if stars >= 4 else 1])
    if closer:
        sentences.append(closer)
    return " ".join(sentences)


def translated_review(rng: random.Random) -> tuple[str, int]:
    """A Spanish review in Google's '(Translated by Google) … (Original) …' form, and its stars."""
    index = rng.randrange(len(SPANISH))
    original, translation = SPANISH[index]
    stars = 2 if index == 2 else 5
    return f"(Translated by Google) {translation}\n\n(Original)\n{original}", stars
