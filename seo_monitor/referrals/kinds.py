"""What kind of source a referral comes from, as exports spell it and as the product reports it."""

from __future__ import annotations

import re

KINDS = {
    "physician": "Physician",
    "chiropractor": "Chiropractor",
    "urgent_care": "Urgent care / ER",
    "gym": "Gym / wellness",
    "school": "School / athletics",
    "employer": "Employer",
    "self": "Self-referral",
    "online": "Online",
    "other": "Other",
}
# Words an export uses for each kind (lower case, after punctuation is dropped).
SPELLINGS = {
    "physician": ("physician", "doctor", "md", "do", "provider", "referring provider", "pcp",
                  "primary care", "referring physician",
                  "orthopedic", "orthopaedic", "surgeon", "specialist", "np", "pa", "medical"),
    "chiropractor": ("chiropractor", "chiropractic", "dc", "chiro"),
    "urgent_care": ("urgent care", "er", "emergency", "emergency room", "urgent care er",
                    "urgent care/er", "hospital"),
    "gym": ("gym", "wellness", "fitness", "gym wellness", "trainer", "personal trainer",
            "crossfit"),
    "school": ("school", "athletics", "school athletics", "athletic trainer", "coach",
               "university", "college"),
    "employer": ("employer", "workers comp", "workers compensation", "occupational", "work"),
    "self": ("self", "self referral", "self-referral", "walk in", "walk-in", "direct access",
             "patient", "friend", "family", "word of mouth"),
    "online": ("online", "google", "website", "web", "internet", "search", "facebook", "yelp",
               "social media", "zocdoc", "healthgrades"),
    "other": ("other", "unknown"),
}  # fmt: skip


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split())


KIND_OF = {_plain(s): kind for kind, spellings in SPELLINGS.items() for s in spellings}
# A referral with no referrer named is counted under its kind's generic source.
GENERIC = {"self": "Self-referral", "online": "Online", "other": "Other source"}


def kind_of(text: str) -> str | None:
    """The kind an export's "Referral Source Type" means, or None when it is not recognised."""
    plain = _plain(text)
    return plain.replace(" ", "_") if plain.replace(" ", "_") in KINDS else KIND_OF.get(plain)
