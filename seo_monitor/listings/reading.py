"""What a listing page says about the clinic: name, address, phone, and the rating and review
count it shows — from schema.org markup (JSON-LD or microdata) where the page has it, else from
its visible text. Pure: HTML in, facts out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from bs4 import BeautifulSoup

from seo_monitor.website.matching import (
    LOCAL_TYPES,
    Profile,
    match_address,
    phones_in,
    schema_types,
    structured_data,
)

# A listing of one clinician (a provider page on Healthgrades, Vitals, Zocdoc) carries the
# clinician's name, not the practice's: its address and phone are compared, its name is not.
PROVIDER_TYPES = {"Physician", "Person", "IndividualPhysician"}
BUSINESS_TYPES = (LOCAL_TYPES - PROVIDER_TYPES) | {"Organization", "MedicalOrganization"}
# Pages a bot wall shows instead of the listing (Cloudflare, Akamai, PerimeterX, DataDome).
CHALLENGE = re.compile(
    r"just a moment|attention required|verify you are (a )?human|are you a robot|"
    r"access denied|captcha|unusual traffic|enable javascript and cookies",
    re.IGNORECASE,
)
TEXT_LIMIT = 300


@dataclass(frozen=True)
class ListingFacts:
    name: str | None = None
    address: str | None = None
    city: str | None = None  # the address's locality, where the markup names it
    phones: frozenset[str] = frozenset()  # E.164
    rating: float | None = None
    review_count: int | None = None
    provider: bool = False  # a clinician's listing: its name is the clinician's
    structured: bool = False  # read from schema.org markup, not from the page's text
    text: str = field(default="", repr=False)  # the visible text, for the address and name
    # Every business entry of a page listing several (with `branches` of their own empty).
    branches: tuple[ListingFacts, ...] = field(default=(), repr=False)


def looks_blocked(html: str) -> bool:
    """A bot wall's page ("Just a moment…", a captcha) instead of the listing."""
    soup = BeautifulSoup(html[:50_000], "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    body = soup.get_text(" ", strip=True)[:2_000]
    return bool(CHALLENGE.search(title)) or (len(body) < 600 and bool(CHALLENGE.search(body)))


def read_listing(html: str, region: str = "US", profile: Profile | None = None) -> ListingFacts:
    """What the page says of the clinic. A page listing several (a group's directory page)
    names this clinic by the profile's phone or street: that entry, with its own rating; the
    others are kept in `branches`, so `compare` can still find the clinic without a profile."""
    soup = BeautifulSoup(html, "html.parser")
    items = structured_data(soup)
    text = " ".join(soup.get_text(" ", strip=True).split())
    candidates = _businesses(items)
    if not candidates:
        rating, count = _rating(items)
        return ListingFacts(
            phones=frozenset(phones_in(text, region)), rating=rating, review_count=count, text=text
        )
    alone = len(candidates) == 1
    branches = tuple(_facts(item, items if alone else [], region, text) for item in candidates)
    chosen = next((b for b in branches if profile and names_clinic(b, profile)), branches[0])
    return replace(chosen, branches=branches if not alone else ())


def names_clinic(facts: ListingFacts, profile: Profile) -> bool:
    """Whether a listing's entry shows one of the profile's phones or its street."""
    if facts.phones & profile_phones(profile):
        return True
    if not (profile.address_lines and facts.address):
        return False
    return match_address(facts.address, profile.address_lines).street


def profile_phones(profile: Profile) -> set[str]:
    """The profile's primary and additional phones, in E.164."""
    found = set()
    for phone in (profile.phone, *profile.other_phones):
        if phone:
            found |= phones_in(phone, profile.region)
    return found


def _facts(
    business: dict[str, Any], items: list[dict[str, Any]], region: str, text: str
) -> ListingFacts:
    """One business's entry; its rating is its own, or a standalone AggregateRating among
    `items` (given only when the page shows one business)."""
    rating, count = _rating([business, *items])
    phone = _text(business.get("telephone"))
    return ListingFacts(
        name=_text(business.get("name")),
        address=_address(business),
        city=_city(business),
        phones=frozenset(phones_in(phone, region)) if phone else frozenset(),
        rating=rating,
        review_count=count,
        provider=not (schema_types(business) & BUSINESS_TYPES),
        structured=True,
        text=text,
    )


def _businesses(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items that may describe the clinic, best first: a business before a clinician, one
    with an address or phone before one without (those are left out)."""
    candidates = [
        item
        for item in items
        if schema_types(item) & (BUSINESS_TYPES | PROVIDER_TYPES | LOCAL_TYPES)
        and (item.get("address") or item.get("telephone") or item.get("streetAddress"))
    ]
    candidates.sort(key=lambda item: not (schema_types(item) & BUSINESS_TYPES))
    return candidates


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str | int | float):
        return None
    cleaned = " ".join(str(value).split())[:TEXT_LIMIT]
    return cleaned or None


def _address(item: dict[str, Any]) -> str | None:
    """A PostalAddress (JSON-LD), its parts flattened into the item (microdata), or text."""
    address = item.get("address")
    if isinstance(address, list):
        address = address[0] if address else None
    parts_from = address if isinstance(address, dict) else item
    parts = [
        _text(parts_from.get(key))
        for key in ("streetAddress", "addressLocality", "addressRegion", "postalCode")
    ]
    joined = ", ".join(p for p in parts if p)
    return joined or (_text(address) if not isinstance(address, dict) else None)


def _city(item: dict[str, Any]) -> str | None:
    address = item.get("address")
    if isinstance(address, list):
        address = address[0] if address else None
    return _text((address if isinstance(address, dict) else item).get("addressLocality"))


def _rating(items: list[dict[str, Any]]) -> tuple[float | None, int | None]:
    """schema.org AggregateRating, on its own or inside the business."""
    for item in items:
        rating = (
            item.get("aggregateRating") if "AggregateRating" not in schema_types(item) else item
        )
        if isinstance(rating, dict) and rating.get("ratingValue") is not None:
            value = _number(rating.get("ratingValue"))
            count = _number(rating.get("reviewCount") or rating.get("ratingCount"))
            if value is not None and 0 <= value <= 5:
                return round(value, 2), int(count) if count is not None and count >= 0 else None
    return None, None


def _number(value: Any) -> float | None:
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None
